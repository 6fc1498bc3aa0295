/* SPDX-License-Identifier: MIT */
/*
 * verify-image repair <data> <hash> [<root>] --fec-device F: correct the
 * image in place with its FEC parity. A dry pass first finds out whether
 * everything can be corrected; only then are blocks written, each one
 * after it verified against a path to the root hash, and the parity is
 * recomputed from the verified image and rewritten where it differs.
 * The files are locked (flock, exclusive) for the whole run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "cli/commands.h"

static const char *const repair_options[] = {CLI_IMAGE_OPTIONS, "fec-device", "fec-offset",
                                             "fec-roots",       "dry-run",    NULL};

struct repair {
	const struct cli_options *opts;
	const struct cli_image *img;
	int data_fd, hash_fd; /* writable, -1 in a dry run or a counting pass */
	bool write;
	uint64_t blocks, bytes;
	/* parity comparison */
	const struct cli_fec *fec;
	uint8_t *old;
	size_t old_size;
	uint64_t parity_bytes, parity_writes;
};

static int write_all(int fd, uint64_t offset, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		offset += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

/* One corrected, verified block: list it, and in the writing pass put it back. */
static int on_corrected(void *user_data, const struct verity_fec_block *blk)
{
	struct repair *r = user_data;
	bool data = blk->kind == VERITY_BLOCK_DATA;
	const char *path = data ? r->img->data_path : r->img->hash_path;

	r->blocks++;
	r->bytes += blk->changed;
	if (!r->write)
		return 0;
	if (r->opts->dry_run) {
		if (!r->opts->json)
			printf("Would correct %s block %llu of %s (%u bytes).\n",
			       data ? "data" : "hash", (unsigned long long)blk->block, path,
			       blk->changed);
		return 0;
	}
	if (write_all(data ? r->data_fd : r->hash_fd, blk->offset, blk->bytes,
	              r->img->params.data_block_size)) {
		cli_error("Cannot write block %llu of %s (%s).", (unsigned long long)blk->block,
		          path, strerror(errno));
		return VERITY_E_IO;
	}
	if (!r->opts->json)
		printf("Corrected %s block %llu of %s (%u bytes).\n", data ? "data" : "hash",
		       (unsigned long long)blk->block, path, blk->changed);
	return 0;
}

/* The encoder's output compared with the parity on disk; differing runs rewritten. */
static int compare_parity(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	struct repair *r = user_data;
	const uint8_t *want = buf;
	int err;

	if (len > r->old_size) {
		cli_error("Parity batch larger than expected.");
		return VERITY_E_INVAL;
	}
	err = verity_bdev_read(&r->fec->area, offset, r->old, len);
	if (err)
		return err;
	for (size_t i = 0; i < len;) {
		size_t j;

		if (r->old[i] == want[i]) {
			i++;
			continue;
		}
		for (j = i; j < len && r->old[j] != want[j]; j++)
			r->parity_bytes++;
		if (!r->opts->dry_run) {
			err = r->fec->area_writer.write(r->fec->area_writer.user_data, offset + i,
			                                want + i, j - i);
			if (err)
				return err;
			r->parity_writes++;
		}
		i = j;
	}
	return 0;
}

/* Exclusive locks on each distinct file; a second open of one file must not lock it again. */
static int lock_files(const int *fds, const char *const *paths, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		bool seen = false;

		for (unsigned j = 0; j < i; j++)
			seen |= cli_same_file(fds[i], fds[j]);
		if (seen)
			continue;
		if (flock(fds[i], LOCK_EX | LOCK_NB) != 0) {
			cli_error("Cannot lock %s: %s.", paths[i],
			          errno == EWOULDBLOCK ? "it is in use by another process"
			                               : strerror(errno));
			return EXIT_IO;
		}
	}
	return EXIT_OK;
}

static int sync_fd(int fd, const char *path)
{
	if (fd >= 0 && fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
		cli_error("Cannot sync %s (%s).", path, strerror(errno));
		return EXIT_IO;
	}
	return EXIT_OK;
}

static void report_failure(const struct cli_image *img, const struct verity_fec_verify_result *fr)
{
	const char *path = fr->kind == VERITY_BLOCK_DATA ? img->data_path : img->hash_path;

	if (fr->kind == VERITY_BLOCK_NONE) {
		cli_error("Repair failed: %s.", verity_strerror(fr->error));
		return;
	}
	cli_error("Cannot correct %s block %llu of %s (position %llu): %s.",
	          fr->kind == VERITY_BLOCK_DATA ? "data" : "hash", (unsigned long long)fr->block,
	          path, (unsigned long long)fr->position, verity_strerror(fr->error));
	cli_error("Nothing was changed.");
	cli_json_field_string("kind", fr->kind == VERITY_BLOCK_DATA ? "data" : "hash");
	cli_json_field_u64("block", fr->block);
	cli_json_field_u64("position", fr->position);
}

static int repair_parity(struct repair *r, struct cli_image *img, struct cli_fec *fec)
{
	struct verity_tree_options topts = {0};
	int err;

	r->fec = fec;
	/* verity_fec_encode() hands over at most 64 KiB of rounds x roots per write */
	r->old_size =
	    (size_t)(img->params.data_block_size > 65536 ? img->params.data_block_size : 65536) *
	    fec->roots;
	r->old = malloc(r->old_size);
	if (!r->old) {
		cli_error("Out of memory.");
		return EXIT_NOMEM;
	}
	err = verity_fec_encode(&img->params, &fec->params, &img->data, &img->hash,
	                        &(struct verity_writer){r, compare_parity}, &topts);
	free(r->old);
	if (err) {
		cli_error("Cannot check the parity: %s.", verity_strerror(err));
		return cli_exit_code(err);
	}
	if (r->parity_bytes && !r->opts->json)
		printf("%s %llu parity bytes of %s.\n",
		       r->opts->dry_run ? "Would rewrite" : "Rewrote",
		       (unsigned long long)r->parity_bytes, fec->path);
	return EXIT_OK;
}

static int run_repair(const struct cli_options *opts, int argc, char **argv)
{
	struct cli_image img;
	struct cli_fec fec = {.fd = -1};
	struct repair r = {.opts = opts, .img = &img, .data_fd = -1, .hash_fd = -1};
	struct verity_verify_result vr;
	struct verity_fec_verify_result fr;
	int ret, err;

	cli_json_field_string("data_device", argv[0]);
	cli_json_field_string("hash_device", argv[1]);
	cli_json_field_bool("dry_run", opts->dry_run);
	ret = cli_image_open_with_root(&img, opts, argc, argv, true);
	if (!ret && !opts->fec_device) {
		cli_error("Repair needs --fec-device.");
		ret = EXIT_USAGE;
	}
	if (!ret)
		ret = cli_fec_setup(&fec, opts, &img, !opts->dry_run, true);
	if (ret)
		goto out;
	if (!opts->dry_run) {
		r.data_fd = open(img.data_path, O_RDWR | O_CLOEXEC);
		r.hash_fd = open(img.hash_path, O_RDWR | O_CLOEXEC);
		if (r.data_fd < 0 || r.hash_fd < 0) {
			cli_error("Cannot open %s for writing (%s).",
			          r.data_fd < 0 ? img.data_path : img.hash_path, strerror(errno));
			ret = EXIT_IO;
			goto out;
		}
		ret = lock_files((const int[]){r.data_fd, r.hash_fd, fec.fd},
		                 (const char *const[]){img.data_path, img.hash_path, fec.path}, 3);
		if (ret)
			goto out;
	}

	verity_verify(&img.params, &img.data, &img.hash, NULL, &vr);
	if (vr.error && vr.kind == VERITY_BLOCK_NONE) {
		cli_error("Verification failed: %s.", verity_strerror(vr.error));
		ret = cli_exit_code(vr.error);
		goto out;
	}
	if (vr.error) {
		/* Dry pass: everything must be correctable before anything is written. */
		err = verity_fec_verify(&img.params, &fec.params, &img.data, &img.hash, &fec.area,
		                        NULL, on_corrected, &r, &fr);
		if (err) {
			report_failure(&img, &fr);
			ret = cli_exit_code(err);
			goto out;
		}
		r.blocks = r.bytes = 0;
		r.write = true;
		err = verity_fec_verify(&img.params, &fec.params, &img.data, &img.hash, &fec.area,
		                        NULL, on_corrected, &r, &fr);
		if (err) {
			cli_error("Repair failed after %llu blocks: %s.",
			          (unsigned long long)r.blocks, verity_strerror(err));
			ret = cli_exit_code(err);
			goto out;
		}
		ret = sync_fd(r.data_fd, img.data_path);
		if (!ret)
			ret = sync_fd(r.hash_fd, img.hash_path);
		if (ret)
			goto out;
	}
	/* Data and tree verify (or will, in a dry run): the parity follows from them. */
	if (!opts->dry_run || !vr.error) {
		ret = repair_parity(&r, &img, &fec);
		if (!ret)
			ret = sync_fd(opts->dry_run ? -1 : fec.fd, fec.path);
		if (ret)
			goto out;
	}
	if (!opts->dry_run) {
		verity_verify(&img.params, &img.data, &img.hash, NULL, &vr);
		if (vr.error) {
			cli_error("The image does not verify after repair: %s.",
			          verity_strerror(vr.error));
			ret = cli_exit_code(vr.error);
			goto out;
		}
	}
	if (!r.blocks && !r.parity_bytes && !opts->json)
		printf("Nothing to repair.\n");
	cli_json_field_u64("corrected_blocks", r.blocks);
	cli_json_field_u64("corrected_bytes", r.bytes);
	cli_json_field_u64("parity_bytes_rewritten", opts->dry_run ? 0 : r.parity_bytes);
	ret = EXIT_OK;
out:
	if (r.data_fd >= 0)
		close(r.data_fd);
	if (r.hash_fd >= 0)
		close(r.hash_fd);
	cli_fec_close(&fec);
	cli_image_close(&img);
	return ret;
}

const struct cli_command cli_cmd_repair = {
    .name = "repair",
    .args = CLI_IMAGE_ARGS,
    .summary = "Correct <data_device> and <hash_device> in place with --fec-device parity",
    .min_args = 2,
    .max_args = 3,
    .options = repair_options,
    .run = run_repair,
};
