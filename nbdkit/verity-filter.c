/* SPDX-License-Identifier: MIT */
/*
 * nbdkit-verity-filter: serve the data of any nbdkit plugin as a read-only
 * export in which every byte was verified against a dm-verity root hash.
 *
 *   nbdkit --filter=verity file data.img verity-hash=hash.img verity-root=HEX
 *          [verity-hash-offset=N] [verity-signature=FILE
 *          verity-trusted-cert=FILE... verity-trusted-certs=DIR verity-trusted-dtb=FILE]
 *          [verity-allow-sha1=true] [verity-fec=FILE verity-fec-roots=N verity-fec-offset=N]
 *   nbdkit --filter=verity PLUGIN... verity-partition=root|usr
 *          [verity-architecture=ARCH] verity-trusted-cert=FILE... | verity-root=HEX
 *
 * The plugin below is the data device; the hash device is the verity-hash
 * file, read with pread (its superblock gives the tree parameters). The
 * signature is checked once, at configuration, before any data is read.
 * With verity-partition the plugin is a discoverable disk image: it is
 * dissected once after start-up (the signature partition checked against
 * the trusted certificates, or the pair named by verity-root), and the
 * export is that pair's verified data partition.
 * Each connection opens its own thread-safe verified device over the
 * plugin, so requests run in parallel. A request touching a corrupt block
 * fails with EIO and the block is logged; every other request succeeds.
 * With verity-fec (veritysetup --fec-device) a data block that fails its
 * digest is rebuilt from the parity, verified again and served only if it
 * then matches.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NBDKIT_API_VERSION 2
#include <nbdkit-filter.h>

#include "libverity.h"

#define MAX_CERTS     16
#define MAX_READERS   16
#define DEVICE_BUDGET (8u << 20)
/* With FEC each reader also holds one stripe's Reed-Solomon rows (under 1 MiB). */
#define FEC_READER_BUDGET (1u << 20)
#define MAX_SIG_BYTES     VERITY_SIG_MAX_SIZE
#define MAX_DTB_BYTES     (4u << 20)

/* Configuration, shared by every connection. */
static char *hash_path;
static char *root_arg;
static uint64_t hash_offset;
static char *sig_path;
static char *cert_paths[MAX_CERTS];
static unsigned cert_count;
static char *certs_dir;
static char *dtb_path;
static bool allow_sha1;
static char *fec_path;
static uint64_t fec_offset;
static uint32_t fec_roots = VERITY_FEC_DEFAULT_ROOTS;
static uint32_t partition_role; /* VERITY_DPS_ROOT or _USR with verity-partition, else 0 */
static char *arch_arg;

/* Set up by config_complete. */
static int hash_fd = -1;
static struct verity_fd_bdev hash_ctx;
static struct verity_bdev hash_bdev;
static int fec_fd = -1;
static struct verity_fd_bdev fec_ctx;
static struct verity_bdev fec_bdev;
static struct verity_slice_bdev fec_area_ctx;
static struct verity_bdev fec_area; /* the parity, from verity-fec-offset on */
static struct verity_fec_params fec_params;
static struct verity_keyring *keyring; /* with verity-signature */
static uint8_t *signature;
static size_t signature_size;
static struct verity_sig_options sig_options;
static uint32_t data_block_size; /* resolved at configuration */

/* With verity-partition: the image as dissected after start-up. */
static uint8_t root_digest[VERITY_MAX_DIGEST_SIZE];
static size_t root_digest_size;
static struct verity_ddi ddi;
static bool dissected;
static uint32_t pair_index;

struct handle {
	nbdkit_next *next;
	struct verity_device *dev;
	struct verity_bdev disk;       /* with verity-partition: the plugin's image */
	struct verity_ddi_bdevs parts; /* its data and hash partitions */
};

/* What the device reported during this thread's current request. */
struct request_events {
	bool seen;
	struct verity_device_event first;
};
static _Thread_local struct request_events *current_request;

static void verity_unload(void)
{
	free(hash_path);
	free(root_arg);
	free(sig_path);
	for (unsigned i = 0; i < cert_count; i++)
		free(cert_paths[i]);
	free(certs_dir);
	free(dtb_path);
	free(arch_arg);
	free(signature);
	free(fec_path);
	if (fec_fd >= 0)
		close(fec_fd);
	if (dissected)
		verity_ddi_free(&ddi);
	verity_keyring_free(keyring);
	if (hash_fd >= 0)
		close(hash_fd);
}

static int set_path(char **dst, const char *key, const char *value)
{
	if (*dst) {
		nbdkit_error("%s given twice", key);
		return -1;
	}
	*dst = nbdkit_realpath(value);
	return *dst ? 0 : -1;
}

static int verity_config(nbdkit_next_config *next, nbdkit_backend *nxdata, const char *key,
                         const char *value)
{
	int b;

	if (strcmp(key, "verity-hash") == 0)
		return set_path(&hash_path, key, value);
	if (strcmp(key, "verity-fec") == 0)
		return set_path(&fec_path, key, value);
	if (strcmp(key, "verity-fec-offset") == 0)
		return nbdkit_parse_uint64_t(key, value, &fec_offset);
	if (strcmp(key, "verity-fec-roots") == 0)
		return nbdkit_parse_uint32_t(key, value, &fec_roots);
	if (strcmp(key, "verity-signature") == 0)
		return set_path(&sig_path, key, value);
	if (strcmp(key, "verity-trusted-certs") == 0)
		return set_path(&certs_dir, key, value);
	if (strcmp(key, "verity-trusted-dtb") == 0)
		return set_path(&dtb_path, key, value);
	if (strcmp(key, "verity-trusted-cert") == 0) {
		if (cert_count == MAX_CERTS) {
			nbdkit_error("at most %d verity-trusted-cert", MAX_CERTS);
			return -1;
		}
		cert_paths[cert_count] = nbdkit_realpath(value);
		return cert_paths[cert_count++] ? 0 : -1;
	}
	if (strcmp(key, "verity-root") == 0) {
		free(root_arg);
		root_arg = strdup(value);
		return root_arg ? 0 : -1;
	}
	if (strcmp(key, "verity-partition") == 0) {
		if (strcmp(value, "root") == 0)
			partition_role = VERITY_DPS_ROOT;
		else if (strcmp(value, "usr") == 0)
			partition_role = VERITY_DPS_USR;
		else {
			nbdkit_error("verity-partition=%s: root or usr", value);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "verity-architecture") == 0) {
		free(arch_arg);
		arch_arg = strdup(value);
		return arch_arg ? 0 : -1;
	}
	if (strcmp(key, "verity-hash-offset") == 0)
		return nbdkit_parse_uint64_t(key, value, &hash_offset);
	if (strcmp(key, "verity-allow-sha1") == 0) {
		b = nbdkit_parse_bool(value);
		if (b < 0)
			return -1;
		allow_sha1 = b;
		return 0;
	}
	return next(nxdata, key, value);
}

/* A whole file of at most @max bytes into *@buf (freed by the caller). */
static int read_file(const char *path, size_t max, uint8_t **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t n;

	*buf = NULL;
	if (fd < 0) {
		nbdkit_error("%s: %m", path);
		return -1;
	}
	*buf = malloc(max + 1);
	if (!*buf) {
		close(fd);
		nbdkit_error("out of memory");
		return -1;
	}
	/* One byte more than allowed tells an oversized file. */
	while (got <= max && (n = pread(fd, *buf + got, max + 1 - got, (off_t)got)) > 0)
		got += (size_t)n;
	close(fd);
	if (n < 0 || got > max) {
		nbdkit_error("%s: %s", path, n < 0 ? strerror(errno) : "too large");
		return -1;
	}
	*len = got;
	return 0;
}

static bool have_certs(void)
{
	return cert_count || certs_dir || dtb_path;
}

/* The keyring of verity-trusted-cert, -certs and -dtb. */
static int load_keyring(void)
{
	uint8_t *dtb = NULL;
	size_t dtb_len = 0;
	int err;

	err = verity_keyring_new(&keyring);
	for (unsigned i = 0; !err && i < cert_count; i++) {
		err = verity_keyring_add_file(keyring, cert_paths[i]);
		if (err)
			nbdkit_error("%s: %s (%s)", cert_paths[i], verity_strerror(err),
			             verity_keyring_error(keyring));
	}
	if (!err && certs_dir) {
		err = verity_keyring_add_dir(keyring, certs_dir);
		if (err)
			nbdkit_error("%s: %s (%s)", certs_dir, verity_strerror(err),
			             verity_keyring_error(keyring));
	}
	if (!err && dtb_path) {
		if (read_file(dtb_path, MAX_DTB_BYTES, &dtb, &dtb_len) != 0)
			err = VERITY_E_IO;
		else if ((err = verity_keyring_add_dtb(keyring, dtb, dtb_len, NULL)) != 0)
			nbdkit_error("%s: %s (%s)", dtb_path, verity_strerror(err),
			             verity_keyring_error(keyring));
	}
	free(dtb);
	if (allow_sha1)
		sig_options.flags |= VERITY_SIG_ALLOW_SHA1;
	return err ? -1 : 0;
}

/* The keyring and signature of the trust options, for verity_open(). */
static int load_trust(void)
{
	if (!sig_path) {
		if (have_certs()) {
			nbdkit_error("trusted certificates given without verity-signature");
			return -1;
		}
		return 0;
	}
	if (!have_certs()) {
		nbdkit_error("verity-signature needs verity-trusted-cert, -certs or -dtb");
		return -1;
	}
	if (load_keyring() != 0)
		return -1;
	if (read_file(sig_path, MAX_SIG_BYTES, &signature, &signature_size) != 0)
		return -1;
	return 0;
}

/* verity_open()'s parameters: the same for the check at start-up and every connection. */
static void open_params(struct verity_open_params *p, const struct verity_bdev *data,
                        struct verity_sig_result *sig_result)
{
	memset(p, 0, sizeof(*p));
	p->data = data;
	p->hash = &hash_bdev;
	p->hash_offset = hash_offset;
	p->root_hex = root_arg;
	p->signature = signature;
	p->signature_size = signature_size;
	p->keyring = keyring;
	p->sig_options = &sig_options;
	p->sig_result = sig_result;
}

static const char *step_name(uint32_t step)
{
	switch (step) {
	case VERITY_OPEN_STEP_SUPERBLOCK:
		return "superblock";
	case VERITY_OPEN_STEP_PARAMS:
		return "parameters";
	case VERITY_OPEN_STEP_ROOT:
		return "root hash";
	case VERITY_OPEN_STEP_SIGNATURE:
		return "root hash signature";
	default:
		return "device";
	}
}

static void open_failed(int err, const struct verity_open_info *info,
                        const struct verity_sig_result *sig_result)
{
	if (info->step == VERITY_OPEN_STEP_SIGNATURE && sig_result->detail[0])
		nbdkit_error("verity: %s: %s (%s)", step_name(info->step), verity_strerror(err),
		             sig_result->detail);
	else
		nbdkit_error("verity: %s: %s", step_name(info->step), verity_strerror(err));
}

/*
 * verity-fec: the parity area and the table's FEC arguments, derived from
 * the tree parameters the way veritysetup does (the area covers the data and
 * the hash file up to its end, or up to verity-fec-offset when it lies in
 * the hash file).
 */
static int open_fec(const struct verity_params *params)
{
	struct stat fec_st, hash_st;
	uint64_t parity_blocks;
	bool on_hash;
	int err;

	if (fec_roots < VERITY_FEC_MIN_ROOTS || fec_roots > VERITY_FEC_MAX_ROOTS) {
		nbdkit_error("verity-fec-roots=%" PRIu32 ": %d to %d", fec_roots,
		             VERITY_FEC_MIN_ROOTS, VERITY_FEC_MAX_ROOTS);
		return -1;
	}
	if (fec_offset % 512) {
		nbdkit_error("verity-fec-offset: not a multiple of 512 bytes");
		return -1;
	}
	fec_fd = open(fec_path, O_RDONLY | O_CLOEXEC);
	if (fec_fd < 0 || fstat(fec_fd, &fec_st) != 0 || fstat(hash_fd, &hash_st) != 0) {
		nbdkit_error("%s: %m", fec_path);
		return -1;
	}
	on_hash = fec_st.st_dev == hash_st.st_dev && fec_st.st_ino == hash_st.st_ino;
	err = verity_bdev_from_fd(&fec_bdev, &fec_ctx, fec_fd, UINT64_MAX);
	if (!err)
		err =
		    verity_bdev_slice(&fec_area, &fec_area_ctx, &fec_bdev, fec_offset,
		                      fec_bdev.size > fec_offset ? fec_bdev.size - fec_offset : 0);
	if (err) {
		nbdkit_error("%s: %s", fec_path, verity_strerror(err));
		return -1;
	}
	fec_params.roots = fec_roots;
	fec_params.fec_start = 0; /* the area starts at verity-fec-offset */
	err = verity_fec_blocks_veritysetup(params, on_hash, hash_bdev.size, fec_offset,
	                                    &fec_params.fec_blocks);
	if (!err)
		err = verity_fec_check(params, &fec_params);
	if (err) {
		nbdkit_error("verity-fec: %s", verity_strerror(err));
		return -1;
	}
	parity_blocks = verity_fec_rounds(&fec_params) * fec_roots;
	if (fec_area.size / params->data_block_size < parity_blocks) {
		nbdkit_error("%s: too small: %" PRIu64 " parity blocks at offset %" PRIu64
		             " needed",
		             fec_path, parity_blocks, fec_offset);
		return -1;
	}
	return 0;
}

/* verity-partition: the image carries the tree and the signature; it is read after start-up. */
static int config_partition(void)
{
	if (hash_path || sig_path || hash_offset || fec_path) {
		nbdkit_error("verity-partition takes the tree and the signature from the image: "
		             "not with verity-hash, verity-hash-offset, verity-signature or "
		             "verity-fec");
		return -1;
	}
	if (!have_certs() && !root_arg) {
		nbdkit_error("verity-partition needs verity-trusted-cert, -certs or -dtb, or "
		             "verity-root");
		return -1;
	}
	if (root_arg && (verity_hex_to_digest(root_arg, strlen(root_arg), root_digest,
	                                      sizeof(root_digest), &root_digest_size) != 0 ||
	                 root_digest_size < 16)) {
		nbdkit_error("verity-root=%s: not the hex digits of a digest", root_arg);
		return -1;
	}
	return have_certs() ? load_keyring() : 0;
}

static int verity_config_complete(nbdkit_next_config_complete *next, nbdkit_backend *nxdata)
{
	struct verity_sig_result sig_result = {0};
	struct verity_open_params p;
	struct verity_open_info info;
	int err;

	if (partition_role) {
		if (config_partition() != 0)
			return -1;
		return next(nxdata);
	}
	if (arch_arg) {
		nbdkit_error("verity-architecture needs verity-partition");
		return -1;
	}
	if (!hash_path || !root_arg) {
		nbdkit_error("verity-hash and verity-root are required");
		return -1;
	}
	hash_fd = open(hash_path, O_RDONLY | O_CLOEXEC);
	if (hash_fd < 0) {
		nbdkit_error("%s: %m", hash_path);
		return -1;
	}
	err = verity_bdev_from_fd(&hash_bdev, &hash_ctx, hash_fd, UINT64_MAX);
	if (err) {
		nbdkit_error("%s: %s", hash_path, verity_strerror(err));
		return -1;
	}
	if (load_trust() != 0)
		return -1;
	/* Superblock, root hash and signature, before any data is read. */
	open_params(&p, NULL, &sig_result);
	err = verity_open_resolve(&p, &info);
	if (err) {
		open_failed(err, &info, &sig_result);
		return -1;
	}
	if (keyring)
		nbdkit_debug("verity: root hash signed, trusted certificate %s",
		             sig_result.trusted_name);
	data_block_size = info.params.data_block_size;
	if (fec_path && open_fec(&info.params) != 0)
		return -1;
	return next(nxdata);
}

#define verity_config_help                                                                \
	"verity-hash=<FILE>        The hash device (veritysetup superblock).\n"           \
	"verity-root=<HEX>         The trusted root hash (both required without\n"        \
	"                          verity-partition).\n"                                  \
	"verity-hash-offset=<N>    Superblock offset in the hash file (default 0).\n"     \
	"verity-signature=<FILE>   PKCS#7 signature of the root hash (DER).\n"            \
	"verity-trusted-cert=<FILE> Trusted certificate, PEM or DER (repeatable).\n"      \
	"verity-trusted-certs=<DIR> Directory of trusted certificates.\n"                 \
	"verity-trusted-dtb=<FILE> Device tree blob of trusted certificates.\n"           \
	"verity-allow-sha1=<BOOL>  Accept SHA-1 signatures (default false).\n"            \
	"verity-fec=<FILE>         Correct corrupt data blocks with this FEC device.\n"   \
	"verity-fec-roots=<N>      Parity bytes per codeword (default 2).\n"              \
	"verity-fec-offset=<N>     Offset of the parity in the FEC file (default 0).\n"   \
	"verity-partition=root|usr The plugin is a discoverable disk image: export the\n" \
	"                          verified data partition of its signed pair.\n"         \
	"verity-architecture=<ARCH> DPS architecture of the partitions (default native)."

static int verity_thread_model(void)
{
	return NBDKIT_THREAD_MODEL_PARALLEL;
}

static void *filter_open(nbdkit_next_open *next, nbdkit_context *context, int readonly,
                         const char *exportname, int is_tls)
{
	struct handle *h;

	(void)readonly;
	(void)is_tls;
	/* The plugin below is only ever read. */
	if (next(context, 1, exportname) == -1)
		return NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		nbdkit_error("out of memory");
	return h;
}

static void verity_close(void *handle)
{
	struct handle *h = handle;

	verity_device_close(h->dev);
	free(h);
}

static int data_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	struct handle *h = user_data;
	int err = 0;

	if (len > UINT32_MAX)
		return VERITY_E_INVAL;
	if (h->next->pread(h->next, buf, (uint32_t)len, offset, 0, &err) == -1)
		return VERITY_E_IO;
	return 0;
}

/* The plugin's bytes as a bdev, read through @h->next. */
static int plugin_bdev(struct verity_bdev *bdev, struct handle *h, nbdkit_next *next)
{
	int64_t size = next->get_size(next);

	if (size < 0)
		return -1;
	h->next = next;
	bdev->user_data = h;
	bdev->read = data_read;
	bdev->size = (uint64_t)size;
	return 0;
}

/* The pair of the wanted role: the one verity-root names, else the best signed one. */
static int select_pair(uint32_t *index)
{
	for (uint32_t i = 0; root_digest_size && i < ddi.pair_count; i++) {
		const struct verity_ddi_pair *pair = &ddi.pairs[i];

		if (pair->role == partition_role && pair->root_digest_size == root_digest_size &&
		    memcmp(pair->root_digest, root_digest, root_digest_size) == 0) {
			*index = i;
			return pair->status;
		}
	}
	return verity_ddi_select(&ddi, partition_role, NULL, index);
}

/* Dissect the image once, before serving: its signature is checked here. */
static int dissect_image(nbdkit_next *next)
{
	struct verity_ddi_options o = {0};
	const struct verity_ddi_pair *pair;
	struct handle tmp = {0};
	struct verity_bdev disk;
	int err;

	if (plugin_bdev(&disk, &tmp, next) != 0)
		return -1;
	o.arch = arch_arg;
	o.keyring = keyring;
	o.sig_options = &sig_options;
	o.root_digest = root_digest_size ? root_digest : NULL;
	o.root_digest_size = (uint32_t)root_digest_size;
	err = verity_ddi_dissect(&ddi, &disk, &o);
	if (err) {
		nbdkit_error("verity: disk image: %s", verity_strerror(err));
		return -1;
	}
	dissected = true;
	err = select_pair(&pair_index);
	if (err) {
		nbdkit_error("verity: no usable %s verity pair: %s",
		             verity_dps_role_name(partition_role), verity_strerror(err));
		return -1;
	}
	pair = &ddi.pairs[pair_index];
	data_block_size = pair->params.data_block_size;
	nbdkit_debug("verity: %s partition %" PRIu32 ", %s", verity_dps_role_name(pair->role),
	             ddi.gpt.parts[pair->data].index,
	             pair->signed_ok ? pair->signer : "root hash given");
	return 0;
}

static int verity_after_fork(nbdkit_backend *backend)
{
	nbdkit_next *next;
	int ret = -1;

	if (!partition_role)
		return 0;
	next = nbdkit_next_context_open(backend, 1, "", 0);
	if (!next)
		return -1;
	if (next->prepare(next) != -1) {
		ret = dissect_image(next);
		next->finalize(next);
	}
	nbdkit_next_context_close(next);
	return ret;
}

static void on_event(void *callback_data, const struct verity_device_event *event)
{
	struct request_events *r = current_request;

	(void)callback_data;
	if (r && !r->seen) {
		r->seen = true;
		r->first = *event;
	}
}

static int verity_prepare(nbdkit_next *next, void *handle, int readonly)
{
	struct verity_sig_result sig_result = {0};
	struct verity_device_options opts = {0};
	struct verity_open_params p;
	struct verity_open_info info;
	struct handle *h = handle;
	struct verity_bdev data = {0};
	int err;

	(void)readonly;
	if (plugin_bdev(partition_role ? &h->disk : &data, h, next) != 0)
		return -1;
	opts.memory_budget = DEVICE_BUDGET + (fec_path ? MAX_READERS * FEC_READER_BUDGET : 0);
	opts.max_readers = MAX_READERS;
	opts.flags = VERITY_DEVICE_THREAD_SAFE;
	opts.report = on_event;
	if (fec_path) {
		opts.fec = &fec_params;
		opts.fec_device = &fec_area;
	}
	if (partition_role) {
		/* The pair found at start-up; its root hash is checked again on this connection. */
		err = verity_ddi_open(&h->dev, &h->disk, &ddi, pair_index, &h->parts, &opts);
		if (err) {
			nbdkit_error("verity: %s partition: %s",
			             verity_dps_role_name(partition_role), verity_strerror(err));
			return -1;
		}
		return 0;
	}
	open_params(&p, &data, &sig_result);
	p.device_options = &opts;
	err = verity_open(&p, &h->dev, &info);
	if (err) {
		open_failed(err, &info, &sig_result);
		return -1;
	}
	nbdkit_debug("verity: %" PRIu64 " data blocks of %u bytes", info.params.data_blocks,
	             info.params.data_block_size);
	return 0;
}

static int64_t verity_get_size(nbdkit_next *next, void *handle)
{
	(void)next;
	return (int64_t)verity_device_data_size(((struct handle *)handle)->dev);
}

static int verity_block_size(nbdkit_next *next, void *handle, uint32_t *minimum,
                             uint32_t *preferred, uint32_t *maximum)
{
	(void)next;
	(void)handle;
	/* Any request works; whole data blocks are what is hashed. */
	*minimum = 1;
	*preferred = data_block_size;
	*maximum = 0xffffffff;
	return 0;
}

static int no(nbdkit_next *next, void *handle)
{
	(void)next;
	(void)handle;
	return 0;
}

static int verity_can_fua(nbdkit_next *next, void *handle)
{
	(void)next;
	(void)handle;
	return NBDKIT_FUA_NONE;
}

/* Every connection reads the same verified bytes and nothing writes. */
static int verity_can_multi_conn(nbdkit_next *next, void *handle)
{
	(void)next;
	(void)handle;
	return 1;
}

/* A cache request becomes a verified read whose bytes are dropped. */
static int verity_can_cache(nbdkit_next *next, void *handle)
{
	(void)next;
	(void)handle;
	return NBDKIT_CACHE_EMULATE;
}

static void log_failure(const struct request_events *r, int ret, uint32_t count, uint64_t offset)
{
	const struct verity_device_event *ev = &r->first;

	if (!r->seen) {
		nbdkit_error("verity: read of %" PRIu32 " bytes at %" PRIu64 " failed: %s", count,
		             offset, verity_strerror(ret));
		return;
	}
	nbdkit_error("verity: read of %" PRIu32 " bytes at %" PRIu64 " failed: %s %s block %" PRIu64
	             "%s",
	             count, offset, ev->block_type == VERITY_BLOCK_DATA ? "data" : "hash",
	             ev->kind == VERITY_EVENT_CORRUPTION ? "corruption in" : "I/O error on",
	             ev->block, ev->block_type == VERITY_BLOCK_DATA ? "" : " (hash device)");
}

static int verity_pread(nbdkit_next *next, void *handle, void *buf, uint32_t count, uint64_t offset,
                        uint32_t flags, int *err)
{
	struct request_events r = {0};
	struct handle *h = handle;
	int ret;

	(void)next;
	(void)flags;
	current_request = &r;
	ret = verity_device_read(h->dev, offset, count, buf);
	current_request = NULL;
	if (ret) {
		log_failure(&r, ret, count, offset);
		*err = ret == VERITY_E_RANGE ? EINVAL : EIO;
		return -1;
	}
	return 0;
}

static struct nbdkit_filter filter = {
    .name = "verity",
    .longname = "nbdkit dm-verity filter (libverity)",
    .unload = verity_unload,
    .config = verity_config,
    .config_complete = verity_config_complete,
    .config_help = verity_config_help,
    .thread_model = verity_thread_model,
    .after_fork = verity_after_fork,
    .open = filter_open,
    .close = verity_close,
    .prepare = verity_prepare,
    .get_size = verity_get_size,
    .block_size = verity_block_size,
    .can_write = no,
    .can_trim = no,
    .can_zero = no,
    .can_fast_zero = no,
    .can_extents = no,
    .can_flush = no,
    .can_fua = verity_can_fua,
    .can_multi_conn = verity_can_multi_conn,
    .can_cache = verity_can_cache,
    .pread = verity_pread,
};

NBDKIT_REGISTER_FILTER(filter)
