/* SPDX-License-Identifier: MIT */
/*
 * Opening a data/hash pair and deciding its tree parameters the way
 * veritysetup does: the superblock at --hash-offset wins over options;
 * with --no-superblock the options (or their defaults) are the parameters.
 */
#include <errno.h>
#include <fcntl.h>
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

int cli_check_block_sizes(const struct verity_params *params)
{
	struct verity_params probe = *params;
	int err;

	if (probe.data_blocks == 0)
		probe.data_blocks = 1;
	err = verity_geometry_init(&(struct verity_geometry){0}, &probe);
	return err ? cli_parameter_error(err) : EXIT_OK;
}

bool cli_same_file(int fd1, int fd2)
{
	struct stat a, b;

	if (fstat(fd1, &a) != 0 || fstat(fd2, &b) != 0)
		return false;
	if (S_ISBLK(a.st_mode) && S_ISBLK(b.st_mode))
		return a.st_rdev == b.st_rdev;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Open @path read-only as a bdev. Return: exit code. */
static int open_device(const char *path, int *fd, struct verity_fd_bdev *ctx,
                       struct verity_bdev *bdev)
{
	int ret;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		cli_error("Device %s does not exist or access denied (%s).", path, strerror(errno));
		return EXIT_IO;
	}
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

static int read_superblock(struct cli_image *img)
{
	uint8_t sb[VERITY_SUPERBLOCK_SIZE];
	int ret;

	if (img->hash_offset % 512) {
		cli_error("Unsupported VERITY hash offset.");
		return EXIT_USAGE;
	}
	if (img->hash.size < VERITY_SUPERBLOCK_SIZE ||
	    img->hash_offset > img->hash.size - VERITY_SUPERBLOCK_SIZE) {
		cli_error("Device %s is too small to hold a VERITY superblock at offset %llu.",
		          img->hash_path, (unsigned long long)img->hash_offset);
		return EXIT_IO;
	}
	ret = verity_bdev_read(&img->hash, img->hash_offset, sb, sizeof(sb));
	if (ret) {
		cli_error("Cannot read the VERITY superblock of %s: %s.", img->hash_path,
		          verity_strerror(ret));
		return cli_exit_code(ret);
	}
	ret = verity_superblock_parse(sb, sizeof(sb), img->hash_offset, &img->params, img->uuid);
	if (ret) {
		cli_error("Device %s is not a valid VERITY device: %s.", img->hash_path,
		          verity_strerror(ret));
		return cli_exit_code(ret);
	}
	img->superblock = true;
	return EXIT_OK;
}

int cli_image_open(struct cli_image *img, const struct cli_options *opts, const char *data_path,
                   const char *hash_path)
{
	uint64_t area;
	int ret;

	memset(img, 0, sizeof(*img));
	img->data_fd = img->hash_fd = -1;
	img->data_path = data_path;
	img->hash_path = hash_path;
	img->hash_offset = opts->hash_offset;

	ret = open_device(hash_path, &img->hash_fd, &img->hash_ctx, &img->hash);
	if (ret)
		return ret;
	if (data_path) {
		ret = open_device(data_path, &img->data_fd, &img->data_ctx, &img->data);
		if (ret)
			return ret;
		img->same_file = cli_same_file(img->data_fd, img->hash_fd);
	}

	if (!opts->no_superblock) {
		ret = read_superblock(img);
		if (ret)
			return ret;
	} else {
		ret = cli_params_from_options(&img->params, opts);
		if (ret)
			return ret;
		ret = verity_hash_start_block(img->hash_offset, img->params.hash_block_size, false,
		                              &img->params.hash_start_block);
		if (ret) {
			cli_error(ret == VERITY_E_BAD_HASH_OFFSET
			              ? "Unsupported VERITY hash offset."
			              : "Unsupported VERITY block size.");
			return EXIT_USAGE;
		}
	}
	if (!data_path)
		return EXIT_OK;

	ret = cli_check_block_sizes(&img->params);
	if (ret)
		return ret;
	/* As veritysetup: no block count means the whole data device. */
	if (img->params.data_blocks == 0)
		img->params.data_blocks = img->data.size / img->params.data_block_size;
	if (img->params.data_blocks == 0) {
		cli_error("Data device %s is smaller than one data block.", data_path);
		return EXIT_USAGE;
	}
	ret = verity_geometry_init(&(struct verity_geometry){0}, &img->params);
	if (ret)
		return cli_parameter_error(ret);
	if (img->same_file) {
		area = img->superblock ? img->hash_offset
		                       : img->params.hash_start_block * img->params.hash_block_size;
		ret = verity_check_overlap(&img->params, area);
		if (ret) {
			cli_error("Data area overlaps with hash area.");
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

void cli_image_close(struct cli_image *img)
{
	if (img->data_fd >= 0)
		close(img->data_fd);
	if (img->hash_fd >= 0)
		close(img->hash_fd);
	img->data_fd = img->hash_fd = -1;
}

int cli_read_root_hash(struct verity_params *params, const struct cli_options *opts,
                       const char *arg)
{
	uint32_t ds = verity_hash_digest_size(params->algorithm);
	char text[ROOT_HASH_FILE_MAX + 1];
	int n;

	if (arg && opts->root_hash_file) {
		cli_error("Give the root hash either as an argument or with --root-hash-file.");
		return EXIT_USAGE;
	}
	if (!arg && !opts->root_hash_file) {
		cli_error("Root hash not specified (argument or --root-hash-file).");
		return EXIT_USAGE;
	}
	if (opts->root_hash_file) {
		FILE *f = fopen(opts->root_hash_file, "re");
		size_t len;

		if (!f) {
			cli_error("Cannot read root hash file %s (%s).", opts->root_hash_file,
			          strerror(errno));
			return EXIT_IO;
		}
		len = fread(text, 1, sizeof(text), f);
		fclose(f);
		if (len > ROOT_HASH_FILE_MAX) {
			cli_error("Invalid root hash file %s.", opts->root_hash_file);
			return EXIT_USAGE;
		}
		text[len] = '\0';
		while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' ||
		               text[len - 1] == ' ' || text[len - 1] == '\t'))
			text[--len] = '\0';
		n = cli_unhex(text, params->root_digest, sizeof(params->root_digest));
		if (n < 0 || (uint32_t)n != ds) {
			cli_error("Invalid root hash file %s.", opts->root_hash_file);
			return EXIT_USAGE;
		}
	} else {
		n = cli_unhex(arg, params->root_digest, sizeof(params->root_digest));
		if (n < 0 || (uint32_t)n != ds) {
			cli_error("Invalid root hash string specified.");
			return EXIT_USAGE;
		}
	}
	params->root_digest_size = (uint32_t)n;
	return EXIT_OK;
}

int cli_image_open_with_root(struct cli_image *img, const struct cli_options *opts, int argc,
                             char **argv, bool check_signature)
{
	int ret = cli_image_open(img, opts, argv[0], argv[1]);

	if (!ret)
		ret = cli_read_root_hash(&img->params, opts, argc > 2 ? argv[2] : NULL);
	if (ret || !check_signature)
		return ret;
	/* The signature is checked before the root hash is trusted for anything. */
	if (opts->root_hash_signature)
		return cli_check_signature(opts, opts->root_hash_signature, img->params.root_digest,
		                           img->params.root_digest_size);
	if (cli_has_trust_options(opts)) {
		cli_error("Trusted certificates given without --root-hash-signature.");
		return EXIT_USAGE;
	}
	return EXIT_OK;
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

void cli_print_header_json(FILE *out, const char *hash_path, const struct verity_params *params,
                           const uint8_t *uuid, uint64_t hash_offset, bool root,
                           const struct cli_fec *fec)
{
	char hex[2 * VERITY_MAX_SALT_SIZE + 1], uuid_text[37];
	uint64_t hash_blocks, device_bytes;

	tree_size(params, &hash_blocks, &device_bytes);
	fputs("{\"hash_device\":", out);
	cli_json_string(out, hash_path);
	if (uuid) {
		cli_uuid_format(uuid_text, uuid);
		fprintf(out, ",\"uuid\":\"%s\"", uuid_text);
	} else {
		fputs(",\"uuid\":null", out);
	}
	fprintf(out,
	        ",\"hash_type\":%u,\"data_blocks\":%llu,\"data_block_size\":%u,"
	        "\"hash_blocks\":%llu,\"hash_block_size\":%u,\"hash_algorithm\":",
	        params->hash_type, (unsigned long long)params->data_blocks, params->data_block_size,
	        (unsigned long long)hash_blocks, params->hash_block_size);
	cli_json_string(out, params->algorithm);
	cli_hex(hex, params->salt, params->salt_size);
	fprintf(out, ",\"salt\":\"%s\"", hex);
	if (root) {
		cli_hex(hex, params->root_digest, params->root_digest_size);
		fprintf(out, ",\"root_hash\":\"%s\"", hex);
	}
	fprintf(out, ",\"hash_offset\":%llu,\"hash_start_block\":%llu",
	        (unsigned long long)hash_offset, (unsigned long long)params->hash_start_block);
	if (device_bytes)
		fprintf(out, ",\"hash_device_size\":%llu", (unsigned long long)device_bytes);
	cli_fec_print_json(out, fec, params->data_block_size);
	fputs("}\n", out);
}
