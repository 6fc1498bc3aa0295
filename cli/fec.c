/* SPDX-License-Identifier: MIT */
/*
 * --fec-device, --fec-offset, --fec-roots: opening the FEC device and
 * deriving the table's FEC arguments the way veritysetup 2.6.1 does.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"

/* The parity area seen from its first byte: --fec-offset need not be block aligned. */
static int area_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	struct cli_fec *f = user_data;

	return verity_bdev_read(&f->dev, f->offset + offset, buf, len);
}

static int area_write(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	struct cli_fec *f = user_data;

	return f->writer.write(f->writer.user_data, f->offset + offset, buf, len);
}

int cli_fec_open(struct cli_fec *f, const struct cli_options *opts, bool writable,
                 struct cli_lvm *pvs)
{
	int err;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->path = opts->fec_device;
	if (!f->path) {
		if (cli_option_given(opts, "fec-offset") || cli_option_given(opts, "fec-roots")) {
			cli_error("Options --fec-offset and --fec-roots need --fec-device.");
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	f->roots = cli_option_given(opts, "fec-roots") ? opts->fec_roots : VERITY_FEC_DEFAULT_ROOTS;
	if (f->roots < VERITY_FEC_MIN_ROOTS || f->roots > VERITY_FEC_MAX_ROOTS) {
		cli_error("Invalid number of parity bytes.");
		return EXIT_USAGE;
	}
	f->offset = opts->fec_offset;
	if (f->offset % 512) {
		cli_error("Invalid FEC offset (must be a multiple of 512 bytes).");
		return EXIT_USAGE;
	}
	if (pvs && !writable) {
		err = cli_lvm_resolve(pvs, opts, f->path, &f->dev, &f->is_lv);
		if (err)
			return err;
	}
	if (!f->is_lv) {
		f->fd = open(f->path,
		             writable ? O_RDWR | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC, 0600);
		if (f->fd < 0) {
			cli_error("Cannot open device %s (%s).", f->path, strerror(errno));
			return EXIT_IO;
		}
		err = verity_bdev_from_fd(&f->dev, &f->ctx, f->fd, UINT64_MAX);
		if (err) {
			cli_error("Cannot use %s as a FEC device: %s.", f->path,
			          verity_strerror(err));
			return EXIT_IO;
		}
	}
	if (writable)
		verity_writer_from_fd(&f->writer, &f->wctx, f->fd);
	f->area =
	    (struct verity_bdev){.user_data = f,
	                         .read = area_read,
	                         .size = f->dev.size > f->offset ? f->dev.size - f->offset : 0};
	f->area_writer.user_data = f;
	f->area_writer.write = area_write;
	f->enabled = true;
	return EXIT_OK;
}

void cli_fec_close(struct cli_fec *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* Is the FEC device the one at @path (descriptor @fd, -1 for a logical volume)? */
static bool fec_same_device(const struct cli_fec *f, int fd, const char *path)
{
	if (f->is_lv)
		return fd < 0 && path && strcmp(f->path, path) == 0;
	return fd >= 0 && cli_same_file(f->fd, fd);
}

int cli_fec_derive(struct cli_fec *f, const struct verity_params *params, int data_fd, int hash_fd,
                   const struct cli_image *img)
{
	struct stat st;
	uint64_t hash_size, end;
	int err;

	if (!f->enabled)
		return EXIT_OK;
	if (params->data_block_size != params->hash_block_size) {
		cli_error("Block sizes must match for FEC.");
		return EXIT_USAGE;
	}
	f->same_as_hash = fec_same_device(f, hash_fd, img ? img->hash_path : NULL);
	f->same_as_data = fec_same_device(f, data_fd, img ? img->data_path : NULL);
	if (hash_fd < 0 && img) {
		hash_size = img->hash.size; /* a logical volume */
	} else if (fstat(hash_fd, &st) != 0) {
		cli_error("Cannot get the size of the hash device (%s).", strerror(errno));
		return EXIT_IO;
	} else {
		hash_size = (uint64_t)st.st_size;
	}
	if (hash_fd >= 0 && S_ISBLK(st.st_mode)) {
		struct verity_fd_bdev ctx;
		struct verity_bdev b;

		if (verity_bdev_from_fd(&b, &ctx, hash_fd, UINT64_MAX) == 0)
			hash_size = b.size;
	}
	err = verity_fec_blocks_veritysetup(params, f->same_as_hash, hash_size, f->offset,
	                                    &f->params.fec_blocks);
	f->params.roots = f->roots;
	f->params.fec_start = 0; /* the library sees the area from --fec-offset on */
	if (!err)
		err = verity_fec_check(params, &f->params);
	if (err == VERITY_E_FEC_AREA_OVERLAP || err == VERITY_E_FEC_BAD_BLOCKS) {
		cli_error("FEC area overlaps with hash area.");
		return EXIT_USAGE;
	}
	if (err) {
		cli_error("Invalid FEC parameters: %s.", verity_strerror(err));
		return cli_exit_code(err);
	}
	if (f->same_as_data && f->offset < params->data_blocks * params->data_block_size) {
		cli_error("FEC area overlaps with data area.");
		return EXIT_USAGE;
	}
	f->parity_blocks = verity_fec_rounds(&f->params) * f->roots;
	end = f->parity_blocks * params->data_block_size;
	if (f->same_as_hash && end > UINT64_MAX - f->offset) {
		cli_error("FEC area does not fit the device.");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cli_fec_setup(struct cli_fec *f, const struct cli_options *opts, struct cli_image *img,
                  bool writable, bool need_parity)
{
	/* The image's own --pv volumes: repair writes only to files. */
	int ret = cli_fec_open(f, opts, writable, writable ? NULL : &img->pvs);

	if (!ret)
		ret = cli_fec_derive(f, &img->params, img->data_fd, img->hash_fd, img);
	if (!ret && need_parity)
		ret = cli_fec_check_size(f, img->params.data_block_size);
	return ret;
}

int cli_fec_check_size(const struct cli_fec *f, uint32_t block_size)
{
	if (!f->enabled || f->area.size / block_size >= f->parity_blocks)
		return EXIT_OK;
	cli_error("FEC device %s is too small: %llu parity blocks at offset %llu needed.", f->path,
	          (unsigned long long)f->parity_blocks, (unsigned long long)f->offset);
	return EXIT_IO;
}

void cli_fec_print_info(FILE *out, const struct cli_fec *f)
{
	if (!f || !f->enabled)
		return;
	fprintf(out, "FEC RS roots:   \t%u\n", f->roots);
	fprintf(out, "FEC blocks:     \t%llu\n", (unsigned long long)f->parity_blocks);
}

void cli_fec_print_size(FILE *out, const struct cli_fec *f, uint32_t block_size)
{
	if (!f || !f->enabled)
		return;
	fprintf(out, "FEC device size: \t%llu [bytes]\n",
	        (unsigned long long)(f->parity_blocks * block_size));
}

void cli_fec_json_fields(const struct cli_fec *f, uint32_t block_size)
{
	if (!f || !f->enabled)
		return;
	cli_json_field_string("fec_device", f->path);
	cli_json_field_u64("fec_offset", f->offset);
	cli_json_field_u64("fec_roots", f->roots);
	cli_json_field_u64("fec_parity_blocks", f->parity_blocks);
	cli_json_field_u64("fec_start", f->offset / block_size);
	cli_json_field_u64("fec_blocks", f->params.fec_blocks);
}
