/* SPDX-License-Identifier: MIT */
/*
 * nbdkit-verity-filter: serve the data of any nbdkit plugin as a read-only
 * export in which every byte was verified against a dm-verity root hash.
 *
 *   nbdkit --filter=verity file data.img verity-hash=hash.img verity-root=HEX
 *          [verity-hash-offset=N] [verity-signature=FILE
 *          verity-trusted-cert=FILE... verity-trusted-certs=DIR verity-trusted-dtb=FILE]
 *          [verity-allow-sha1=true]
 *
 * The plugin below is the data device; the hash device is the verity-hash
 * file, read with pread (its superblock gives the tree parameters). The
 * signature is checked once, at configuration, before any data is read.
 * Each connection opens its own thread-safe verified device over the
 * plugin, so requests run in parallel. A request touching a corrupt block
 * fails with EIO and the block is logged; every other request succeeds.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NBDKIT_API_VERSION 2
#include <nbdkit-filter.h>

#include "libverity.h"

#define MAX_CERTS     16
#define MAX_READERS   16
#define DEVICE_BUDGET (8u << 20)
#define MAX_SIG_BYTES VERITY_SIG_MAX_SIZE
#define MAX_DTB_BYTES (4u << 20)

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

/* Set up by config_complete. */
static int hash_fd = -1;
static struct verity_fd_bdev hash_ctx;
static struct verity_bdev hash_bdev;
static struct verity_params params;

struct handle {
	nbdkit_next *next;
	struct verity_device *dev;
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

/* The root hash: exactly the algorithm's digest size in hex, kept lowercase (what is signed). */
static int parse_root(void)
{
	size_t len = strlen(root_arg), want = verity_hash_digest_size(params.algorithm);

	if (len != 2 * want) {
		nbdkit_error("verity-root: want %zu hex digits for %s", 2 * want, params.algorithm);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		char c = root_arg[i];
		int v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else {
			nbdkit_error("verity-root: not hex");
			return -1;
		}
		if (i % 2 == 0)
			params.root_digest[i / 2] = (uint8_t)(v << 4);
		else
			params.root_digest[i / 2] |= (uint8_t)v;
	}
	params.root_digest_size = (uint32_t)want;
	return 0;
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

static int check_signature(void)
{
	struct verity_sig_options opts = {0};
	struct verity_sig_result result;
	struct verity_keyring *kr = NULL;
	uint8_t *sig = NULL, *dtb = NULL;
	size_t sig_len = 0, dtb_len = 0;
	int err;

	if (!sig_path) {
		if (cert_count || certs_dir || dtb_path) {
			nbdkit_error("trusted certificates given without verity-signature");
			return -1;
		}
		return 0;
	}
	if (!cert_count && !certs_dir && !dtb_path) {
		nbdkit_error("verity-signature needs verity-trusted-cert, -certs or -dtb");
		return -1;
	}
	err = verity_keyring_new(&kr);
	for (unsigned i = 0; !err && i < cert_count; i++) {
		err = verity_keyring_add_file(kr, cert_paths[i]);
		if (err)
			nbdkit_error("%s: %s (%s)", cert_paths[i], verity_strerror(err),
			             verity_keyring_error(kr));
	}
	if (!err && certs_dir) {
		err = verity_keyring_add_dir(kr, certs_dir);
		if (err)
			nbdkit_error("%s: %s (%s)", certs_dir, verity_strerror(err),
			             verity_keyring_error(kr));
	}
	if (!err && dtb_path) {
		if (read_file(dtb_path, MAX_DTB_BYTES, &dtb, &dtb_len) != 0)
			err = VERITY_E_IO;
		else if ((err = verity_keyring_add_dtb(kr, dtb, dtb_len, NULL)) != 0)
			nbdkit_error("%s: %s (%s)", dtb_path, verity_strerror(err),
			             verity_keyring_error(kr));
	}
	if (!err && read_file(sig_path, MAX_SIG_BYTES, &sig, &sig_len) != 0)
		err = VERITY_E_IO;
	if (!err) {
		if (allow_sha1)
			opts.flags |= VERITY_SIG_ALLOW_SHA1;
		err = verity_sig_verify_digest(kr, sig, sig_len, params.root_digest,
		                               params.root_digest_size, &opts, &result);
		if (err)
			nbdkit_error("root hash signature %s: %s (%s)", sig_path,
			             verity_strerror(err), result.detail);
		else
			nbdkit_debug("verity: root hash signed, trusted certificate %s",
			             result.trusted_name);
	}
	free(sig);
	free(dtb);
	verity_keyring_free(kr);
	return err ? -1 : 0;
}

static int verity_config_complete(nbdkit_next_config_complete *next, nbdkit_backend *nxdata)
{
	uint8_t sb[VERITY_SUPERBLOCK_SIZE];
	int err;

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
	if (!err)
		err = verity_bdev_read(&hash_bdev, hash_offset, sb, sizeof(sb));
	if (!err)
		err = verity_superblock_parse(sb, sizeof(sb), hash_offset, &params, NULL);
	if (err) {
		nbdkit_error("%s: no verity superblock at offset %" PRIu64 ": %s", hash_path,
		             hash_offset, verity_strerror(err));
		return -1;
	}
	if (parse_root() != 0 || check_signature() != 0)
		return -1;
	return next(nxdata);
}

#define verity_config_help                                                                 \
	"verity-hash=<FILE>        (required) The hash device (veritysetup superblock).\n" \
	"verity-root=<HEX>         (required) The trusted root hash.\n"                    \
	"verity-hash-offset=<N>    Superblock offset in the hash file (default 0).\n"      \
	"verity-signature=<FILE>   PKCS#7 signature of the root hash (DER).\n"             \
	"verity-trusted-cert=<FILE> Trusted certificate, PEM or DER (repeatable).\n"       \
	"verity-trusted-certs=<DIR> Directory of trusted certificates.\n"                  \
	"verity-trusted-dtb=<FILE> Device tree blob of trusted certificates.\n"            \
	"verity-allow-sha1=<BOOL>  Accept SHA-1 signatures (default false)."

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
	struct verity_device_options opts = {0};
	struct verity_params p = params;
	struct handle *h = handle;
	struct verity_bdev data = {0};
	int64_t size;
	int err;

	(void)readonly;
	size = next->get_size(next);
	if (size < 0)
		return -1;
	if (p.data_blocks == 0)
		p.data_blocks = (uint64_t)size / p.data_block_size;
	h->next = next;
	data.user_data = h;
	data.read = data_read;
	data.size = (uint64_t)size;
	opts.memory_budget = DEVICE_BUDGET;
	opts.max_readers = MAX_READERS;
	opts.flags = VERITY_DEVICE_THREAD_SAFE;
	opts.report = on_event;
	err = verity_device_open(&h->dev, &p, &data, &hash_bdev, &opts);
	if (err) {
		nbdkit_error("verity: cannot open the verified device: %s", verity_strerror(err));
		return -1;
	}
	nbdkit_debug("verity: %" PRIu64 " data blocks of %u bytes", p.data_blocks,
	             p.data_block_size);
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
	*preferred = params.data_block_size;
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
