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
static struct verity_keyring *keyring; /* with verity-signature */
static uint8_t *signature;
static size_t signature_size;
static struct verity_sig_options sig_options;
static uint32_t data_block_size; /* resolved at configuration */

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
	free(signature);
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

/* The keyring and signature of the trust options, for verity_open(). */
static int load_trust(void)
{
	uint8_t *dtb = NULL;
	size_t dtb_len = 0;
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
	if (!err && read_file(sig_path, MAX_SIG_BYTES, &signature, &signature_size) != 0)
		err = VERITY_E_IO;
	if (allow_sha1)
		sig_options.flags |= VERITY_SIG_ALLOW_SHA1;
	return err ? -1 : 0;
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

static int verity_config_complete(nbdkit_next_config_complete *next, nbdkit_backend *nxdata)
{
	struct verity_sig_result sig_result = {0};
	struct verity_open_params p;
	struct verity_open_info info;
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
	struct verity_sig_result sig_result = {0};
	struct verity_device_options opts = {0};
	struct verity_open_params p;
	struct verity_open_info info;
	struct handle *h = handle;
	struct verity_bdev data = {0};
	int64_t size;
	int err;

	(void)readonly;
	size = next->get_size(next);
	if (size < 0)
		return -1;
	h->next = next;
	data.user_data = h;
	data.read = data_read;
	data.size = (uint64_t)size;
	opts.memory_budget = DEVICE_BUDGET;
	opts.max_readers = MAX_READERS;
	opts.flags = VERITY_DEVICE_THREAD_SAFE;
	opts.report = on_event;
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
