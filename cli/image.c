/* SPDX-License-Identifier: MIT */
/*
 * Opening a data/hash pair and deciding its tree parameters the way
 * veritysetup does: the superblock at --hash-offset wins over options;
 * with --no-superblock the options (or their defaults) are the parameters.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"

/* A root hash file holds hex, maybe followed by a newline: more is not a root hash. */
#define ROOT_HASH_FILE_MAX (2 * VERITY_MAX_DIGEST_SIZE + 64)

int cli_params_from_options(struct verity_params *params, const struct cli_options *opts)
{
	memset(params, 0, sizeof(*params));
	if (opts->format > 1) {
		cli_error("Unsupported VERITY hash type %u.", opts->format);
		return EXIT_USAGE;
	}
	params->hash_type = opts->format;
	if (strlen(opts->hash) >= sizeof(params->algorithm) ||
	    verity_hash_digest_size(opts->hash) == 0) {
		cli_error("Hash algorithm %s not supported.", opts->hash);
		return EXIT_USAGE;
	}
	strcpy(params->algorithm, opts->hash);
	params->data_block_size = opts->data_block_size;
	params->hash_block_size = opts->hash_block_size;
	params->data_blocks = opts->data_blocks;
	if (opts->salt && strcmp(opts->salt, "-") != 0) {
		int n = cli_unhex(opts->salt, params->salt, sizeof(params->salt));

		if (n < 0) {
			cli_error("Invalid salt string specified.");
			return EXIT_USAGE;
		}
		params->salt_size = (uint32_t)n;
	}
	return EXIT_OK;
}

int cli_parameter_error(int err)
{
	const char *veritysetup = NULL;

	switch (err) {
	case VERITY_E_BAD_DATA_BLOCK_SIZE:
	case VERITY_E_BAD_HASH_BLOCK_SIZE:
		veritysetup = "Unsupported VERITY block size.";
		break;
	case VERITY_E_SALT_TOO_LONG:
		veritysetup = "Invalid salt string specified.";
		break;
	case VERITY_E_HASH_AREA_OVERFLOW:
		veritysetup = "Hash area overflow.";
		break;
	case VERITY_E_OVERFLOW:
		veritysetup = "Device offset overflow.";
		break;
	default:
		break;
	}
	if (veritysetup)
		cli_error("%s", veritysetup);
	cli_error("Invalid VERITY parameters: %s.", verity_strerror(err));
	return cli_exit_code(err);
}

static bool same_stat(const struct stat *a, const struct stat *b)
{
	if (S_ISBLK(a->st_mode) && S_ISBLK(b->st_mode))
		return a->st_rdev == b->st_rdev;
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

bool cli_same_file(int fd1, int fd2)
{
	struct stat a, b;

	return fstat(fd1, &a) == 0 && fstat(fd2, &b) == 0 && same_stat(&a, &b);
}

bool cli_same_path(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 && same_stat(&a, &b);
}

/*
 * Open @path read-only as a bdev: a logical volume when --pv is given and
 * @path names one, else a file. Return: exit code.
 */
static int open_device(struct cli_image *img, const struct cli_options *opts, const char *path,
                       int *fd, struct verity_fd_bdev *ctx, struct verity_bdev *bdev)
{
	bool is_lv;
	int ret;

	ret = cli_lvm_resolve(&img->pvs, opts, path, bdev, &is_lv);
	if (ret || is_lv)
		return ret;
	*fd = cli_open_path(path, O_RDONLY, NULL);
	if (*fd < 0)
		return EXIT_IO;
	ret = verity_bdev_from_fd(bdev, ctx, *fd, UINT64_MAX);
	if (ret == VERITY_E_INVAL) {
		cli_error("Device %s is not a regular file or block device.", path);
		return EXIT_IO;
	}
	if (ret) {
		cli_error("Cannot get the size of device %s (%s).", path,
		          strerror(ctx->last_errno));
		return EXIT_IO;
	}
	/* Sequential reads of the whole file follow. */
	posix_fadvise(*fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return EXIT_OK;
}

/* Root hash text from the argument or --root-hash-file. Return: exit code. */
static int read_root_text(const struct cli_options *opts, const char *arg,
                          char text[ROOT_HASH_FILE_MAX + 1])
{
	size_t len;
	FILE *f;
	int fd;

	if (arg && opts->root_hash_file) {
		cli_error("Give the root hash either as an argument or with --root-hash-file.");
		return EXIT_USAGE;
	}
	if (!arg && !opts->root_hash_file) {
		cli_error("Root hash not specified (argument or --root-hash-file).");
		return EXIT_USAGE;
	}
	if (arg) {
		if (strlen(arg) > ROOT_HASH_FILE_MAX) {
			cli_error("Invalid root hash string specified.");
			return EXIT_USAGE;
		}
		strcpy(text, arg);
		return EXIT_OK;
	}
	fd = cli_open_path(opts->root_hash_file, O_RDONLY, "root hash file");
	f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f) {
		if (fd >= 0) {
			cli_error("Cannot read root hash file %s (%s).", opts->root_hash_file,
			          strerror(errno));
			close(fd);
		}
		return EXIT_IO;
	}
	len = fread(text, 1, ROOT_HASH_FILE_MAX + 1, f);
	fclose(f);
	if (len > ROOT_HASH_FILE_MAX) {
		cli_error("Invalid root hash file %s.", opts->root_hash_file);
		return EXIT_USAGE;
	}
	text[len] = '\0';
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' ' ||
	               text[len - 1] == '\t'))
		text[--len] = '\0';
	return EXIT_OK;
}

int cli_data_too_small(const char *path, const struct verity_params *params)
{
	if (params->data_blocks == 0)
		cli_error("Data device %s is smaller than one data block.", path);
	else
		cli_error("Data device %s is too small: %llu blocks of %u bytes needed.", path,
		          (unsigned long long)params->data_blocks, params->data_block_size);
	return EXIT_USAGE;
}

/* The messages veritysetup and verify-image print for each refusal. */
static int resolve_failed(const struct cli_image *img, const struct cli_options *opts,
                          const struct verity_open_info *info, int err,
                          const struct verity_sig_result *sig_result)
{
	switch (info->step) {
	case VERITY_OPEN_STEP_SUPERBLOCK:
		if (err == VERITY_E_BAD_HASH_OFFSET) {
			cli_error("Unsupported VERITY hash offset.");
			return EXIT_USAGE;
		}
		if (err == VERITY_E_HASH_DEVICE_TOO_SMALL) {
			cli_error("Device %s is too small to hold a VERITY superblock at offset "
			          "%llu.",
			          img->hash_path, (unsigned long long)img->hash_offset);
			return EXIT_USAGE; /* veritysetup: not a VERITY device */
		}
		if (err > -200 || err <= -300) {
			cli_error("Cannot read the VERITY superblock of %s: %s.", img->hash_path,
			          verity_strerror(err));
			return cli_exit_code(err);
		}
		cli_error("Device %s is not a valid VERITY device: %s.", img->hash_path,
		          verity_strerror(err));
		return cli_exit_code(err);
	case VERITY_OPEN_STEP_PARAMS:
		if (err == VERITY_E_BAD_HASH_OFFSET) {
			cli_error("Unsupported VERITY hash offset.");
			return EXIT_USAGE;
		}
		if (err == VERITY_E_DATA_DEVICE_TOO_SMALL)
			return cli_data_too_small(img->data_path, &info->params);
		if (err == VERITY_E_AREA_OVERLAP) {
			cli_error("Data area overlaps with hash area.");
			return EXIT_USAGE;
		}
		return cli_parameter_error(err);
	case VERITY_OPEN_STEP_ROOT:
		if (opts->root_hash_file)
			cli_error("Invalid root hash file %s.", opts->root_hash_file);
		else
			cli_error("Invalid root hash string specified.");
		return EXIT_USAGE;
	case VERITY_OPEN_STEP_SIGNATURE:
		if (err == VERITY_E_SIG_MISSING) {
			cli_error("Trusted certificates given without --root-hash-signature.");
			return EXIT_USAGE;
		}
		return cli_signature_result(opts, opts->root_hash_signature, err, sig_result);
	default:
		cli_error("Cannot resolve the VERITY parameters: %s.", verity_strerror(err));
		return cli_exit_code(err);
	}
}

/*
 * Everything but opening the files is verity_open_resolve()'s: the rules a
 * bootloader gets are the rules this tool applies.
 */
static int image_resolve(struct cli_image *img, const struct cli_options *opts,
                         const char *root_arg, bool want_root, bool check_signature)
{
	char root_text[ROOT_HASH_FILE_MAX + 1];
	struct verity_open_params p = {0};
	struct verity_open_info info;
	struct verity_sig_options sig_opts;
	struct verity_sig_result sig_result = {0};
	struct verity_params tree;
	struct verity_keyring *keyring = NULL;
	uint8_t *sig = NULL;
	size_t sig_len = 0;
	int ret, err;

	if (opts->no_superblock) {
		ret = cli_params_from_options(&tree, opts);
		if (ret)
			return ret;
		p.flags |= VERITY_OPEN_NO_SUPERBLOCK;
		p.tree = &tree;
	}
	if (want_root) {
		ret = read_root_text(opts, root_arg, root_text);
		if (ret)
			return ret;
		p.root_hex = root_text;
	}
	if (check_signature && (opts->root_hash_signature || cli_has_trust_options(opts))) {
		/* A usage error, found before any certificate file is read. */
		if (!opts->root_hash_signature) {
			cli_error("Trusted certificates given without --root-hash-signature.");
			return EXIT_USAGE;
		}
		ret = cli_load_keyring(opts, &keyring);
		if (!ret && opts->root_hash_signature)
			ret = cli_read_signature(opts->root_hash_signature, &sig, &sig_len);
		if (ret) {
			verity_keyring_free(keyring);
			return ret;
		}
		cli_sig_options(opts, &sig_opts);
		p.keyring = keyring;
		p.signature = sig;
		p.signature_size = sig_len;
		p.sig_options = &sig_opts;
		p.sig_result = &sig_result;
	}
	p.data = img->data_path ? &img->data : NULL;
	p.hash = img->same_file ? NULL : &img->hash;
	p.hash_offset = img->hash_offset;
	err = verity_open_resolve(&p, &info);
	ret = err ? resolve_failed(img, opts, &info, err, &sig_result) : EXIT_OK;
	if (!ret && sig)
		ret = cli_signature_result(opts, opts->root_hash_signature, 0, &sig_result);
	free(sig);
	verity_keyring_free(keyring);
	img->params = info.params;
	img->superblock = info.superblock;
	memcpy(img->uuid, info.uuid, sizeof(img->uuid));
	return ret;
}

static int image_open(struct cli_image *img, const struct cli_options *opts, const char *data_path,
                      const char *hash_path)
{
	int ret;

	memset(img, 0, sizeof(*img));
	img->data_fd = img->hash_fd = -1;
	img->data_path = data_path;
	img->hash_path = hash_path;
	img->hash_offset = opts->hash_offset;

	ret = open_device(img, opts, hash_path, &img->hash_fd, &img->hash_ctx, &img->hash);
	if (ret || !data_path)
		return ret;
	ret = open_device(img, opts, data_path, &img->data_fd, &img->data_ctx, &img->data);
	if (ret)
		return ret;
	/* Two LVs are the same device when they resolve to the same one. */
	if (img->data_fd < 0 || img->hash_fd < 0)
		img->same_file =
		    img->data.user_data == img->hash.user_data && img->data.read == img->hash.read;
	else
		img->same_file = cli_same_file(img->data_fd, img->hash_fd);
	return EXIT_OK;
}

int cli_image_open(struct cli_image *img, const struct cli_options *opts, const char *data_path,
                   const char *hash_path)
{
	int ret = image_open(img, opts, data_path, hash_path);

	return ret ? ret : image_resolve(img, opts, NULL, false, false);
}

void cli_image_close(struct cli_image *img)
{
	cli_image_close_ddi(img);
	if (img->data_fd >= 0)
		close(img->data_fd);
	if (img->hash_fd >= 0)
		close(img->hash_fd);
	img->data_fd = img->hash_fd = -1;
	cli_lvm_close(&img->pvs);
}

int cli_image_open_with_root(struct cli_image *img, const struct cli_options *opts, int argc,
                             char **argv, bool check_signature)
{
	int ret;

	/* One argument: a discoverable disk image. */
	if (argc == 1)
		return cli_image_open_ddi(img, opts, argv[0]);
	ret = image_open(img, opts, argv[0], argv[1]);
	return ret ? ret
	           : image_resolve(img, opts, argc > 2 ? argv[2] : NULL, true, check_signature);
}

void cli_failure_remember(void *user_data, const struct verity_device_event *event)
{
	struct cli_failure *f = user_data;

	if (!f->seen) {
		f->seen = true;
		f->event = *event;
	}
}

void cli_failure_report(const struct cli_image *img, const struct cli_failure *f, int err)
{
	const struct verity_device_event *ev = &f->event;
	uint64_t dbs = img->params.data_block_size, hbs = img->params.hash_block_size;

	if (!f->seen) {
		cli_error("Read failed: %s.", verity_strerror(err));
		return;
	}
	if (ev->kind == VERITY_EVENT_CORRUPTION && ev->block_type == VERITY_BLOCK_DATA)
		cli_error("Verification failed: data block %llu (bytes %llu..%llu of %s) is "
		          "corrupted.",
		          (unsigned long long)ev->block, (unsigned long long)(ev->block * dbs),
		          (unsigned long long)((ev->block + 1) * dbs - 1), img->data_path);
	else if (ev->kind == VERITY_EVENT_CORRUPTION)
		cli_error(
		    "Verification failed: hash block %llu (position %llu of %s) is corrupted.",
		    (unsigned long long)ev->block, (unsigned long long)(ev->block * hbs),
		    img->hash_path);
	else
		cli_error("Input/output error reading %s %s block %llu: %s.",
		          ev->block_type == VERITY_BLOCK_DATA ? "data" : "hash",
		          ev->block_type == VERITY_BLOCK_DATA ? img->data_path : img->hash_path,
		          (unsigned long long)ev->block, verity_strerror(ev->error));
}

/* Tree blocks, and the hash device size veritysetup shows (0 if unknown). */
static void tree_size(const struct verity_params *params, uint64_t *hash_blocks,
                      uint64_t *device_bytes)
{
	struct verity_geometry geo;

	*hash_blocks = *device_bytes = 0;
	if (params->data_blocks == 0 || verity_geometry_init(&geo, params) != 0)
		return;
	*hash_blocks = geo.hash_end_block - params->hash_start_block;
	*device_bytes = geo.hash_end_block * params->hash_block_size;
}

void cli_print_header_info(FILE *out, const char *hash_path, const struct verity_params *params,
                           const uint8_t *uuid, uint64_t hash_offset, bool root,
                           const struct cli_fec *fec)
{
	char hex[2 * VERITY_MAX_SALT_SIZE + 1], uuid_text[37] = "";
	uint64_t hash_blocks, device_bytes;

	tree_size(params, &hash_blocks, &device_bytes);
	if (uuid)
		cli_uuid_format(uuid_text, uuid);
	fprintf(out, "VERITY header information for %s\n", hash_path);
	fprintf(out, "UUID:            \t%s\n", uuid_text);
	fprintf(out, "Hash type:       \t%u\n", params->hash_type);
	fprintf(out, "Data blocks:     \t%llu\n", (unsigned long long)params->data_blocks);
	fprintf(out, "Data block size: \t%u\n", params->data_block_size);
	fprintf(out, "Hash blocks:     \t%llu\n", (unsigned long long)hash_blocks);
	fprintf(out, "Hash block size: \t%u\n", params->hash_block_size);
	fprintf(out, "Hash algorithm:  \t%s\n", params->algorithm);
	cli_fec_print_info(out, fec);
	cli_hex(hex, params->salt, params->salt_size);
	fprintf(out, "Salt:            \t%s\n", params->salt_size ? hex : "-");
	if (root) {
		cli_hex(hex, params->root_digest, params->root_digest_size);
		fprintf(out, "Root hash:      \t%s\n", hex);
	}
	/*
	 * veritysetup shows the size only when the hash area starts the
	 * device; parity it holds too counts, and then gets no line of its own.
	 */
	if (fec && fec->enabled && fec->same_as_hash)
		device_bytes += fec->parity_blocks * params->data_block_size;
	if (hash_offset == 0 && device_bytes)
		fprintf(out, "Hash device size: \t%llu [bytes]\n",
		        (unsigned long long)device_bytes);
	if (fec && !fec->same_as_hash)
		cli_fec_print_size(out, fec, params->data_block_size);
}

void cli_json_header_fields(const char *hash_path, const struct verity_params *params,
                            const uint8_t *uuid, uint64_t hash_offset, bool root,
                            const struct cli_fec *fec)
{
	char hex[2 * VERITY_MAX_SALT_SIZE + 1], uuid_text[37];
	uint64_t hash_blocks, device_bytes;

	tree_size(params, &hash_blocks, &device_bytes);
	cli_json_field_string("hash_device", hash_path);
	if (uuid)
		cli_uuid_format(uuid_text, uuid);
	cli_json_field_string("uuid", uuid ? uuid_text : NULL);
	cli_json_field_u64("hash_type", params->hash_type);
	cli_json_field_u64("data_blocks", params->data_blocks);
	cli_json_field_u64("data_block_size", params->data_block_size);
	cli_json_field_u64("hash_blocks", hash_blocks);
	cli_json_field_u64("hash_block_size", params->hash_block_size);
	cli_json_field_string("hash_algorithm", params->algorithm);
	cli_hex(hex, params->salt, params->salt_size);
	cli_json_field_string("salt", hex);
	if (root) {
		cli_hex(hex, params->root_digest, params->root_digest_size);
		cli_json_field_string("root_hash", hex);
	}
	cli_json_field_u64("hash_offset", hash_offset);
	cli_json_field_u64("hash_start_block", params->hash_start_block);
	if (device_bytes)
		cli_json_field_u64("hash_device_size", device_bytes);
	cli_fec_json_fields(fec, params->data_block_size);
}
