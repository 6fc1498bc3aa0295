/* SPDX-License-Identifier: MIT */
/* verify-image format <data> <hash>: veritysetup format. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"

static const char *const format_options[] = {"hash",
                                             "format",
                                             "data-block-size",
                                             "hash-block-size",
                                             "data-blocks",
                                             "hash-offset",
                                             "salt",
                                             "uuid",
                                             "no-superblock",
                                             "root-hash-file",
                                             "threads",
                                             "no-progress",
                                             "fec-device",
                                             "fec-offset",
                                             "fec-roots",
                                             NULL};

/* The salt and UUID veritysetup would pick: given, or random. */
static int choose_salt_and_uuid(struct verity_params *params, uint8_t uuid[VERITY_UUID_SIZE],
                                const struct cli_options *opts, const char *hash_path)
{
	if (!opts->salt) {
		params->salt_size = 32;
		if (cli_random_bytes(params->salt, params->salt_size)) {
			cli_error("Cannot get random bytes for the salt (%s).", strerror(errno));
			return EXIT_FAILURE_GENERIC;
		}
	}
	if (opts->no_superblock)
		return EXIT_OK;
	if (opts->uuid) {
		if (cli_uuid_parse(opts->uuid, uuid)) {
			cli_error("Wrong VERITY UUID format provided on device %s.", hash_path);
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if (cli_random_bytes(uuid, VERITY_UUID_SIZE)) {
		cli_error("Cannot get random bytes for the UUID (%s).", strerror(errno));
		return EXIT_FAILURE_GENERIC;
	}
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40); /* version 4 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	return EXIT_OK;
}

/*
 * veritysetup writes the superblock in whole blocks of min(hash block size,
 * 4096) bytes, so a new hash file is at least that long even when no tree
 * block follows (one data block). Do the same, for byte-identical files.
 */
static int pad_like_veritysetup(int fd, const char *path, uint64_t hash_offset, uint32_t hbs)
{
	uint64_t unit = hbs < 4096 ? hbs : 4096;
	uint64_t end = (hash_offset + VERITY_SUPERBLOCK_SIZE + unit - 1) / unit * unit;
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size >= end)
		return EXIT_OK;
	if (ftruncate(fd, (off_t)end) != 0) {
		cli_error("Cannot extend %s (%s).", path, strerror(errno));
		return EXIT_IO;
	}
	return EXIT_OK;
}

static int write_root_hash_file(const char *path, const struct verity_params *params)
{
	char hex[2 * VERITY_MAX_DIGEST_SIZE + 1];
	int fd = cli_open_path(path, O_WRONLY | O_CREAT | O_TRUNC, "root hash file");
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (fd < 0)
		return EXIT_IO;
	cli_hex(hex, params->root_digest, params->root_digest_size);
	/* veritysetup writes the hex alone, without a newline. */
	if (!f || fputs(hex, f) < 0 || fclose(f) != 0) {
		cli_error("Cannot write root hash file %s (%s).", path, strerror(errno));
		if (!f)
			close(fd);
		return EXIT_IO;
	}
	return EXIT_OK;
}

/*
 * The parity of data and tree, after the tree is written: the message runs
 * over the hash device as it is now (veritysetup derives fec_blocks from
 * its size, or from --fec-offset when the parity shares it).
 */
static int write_parity(struct cli_fec *fec, const struct verity_params *params,
                        const struct verity_bdev *data, int data_fd, int hash_fd,
                        const struct verity_tree_options *topts)
{
	struct verity_fd_bdev hctx;
	struct verity_bdev hash;
	struct verity_tree_options fopts = *topts;
	struct cli_writeback wb;
	struct cli_direct_writer dw;
	struct verity_writer buffered = fec->writer;
	bool direct;
	int ret, err, write_errno;

	ret = cli_fec_derive(fec, params, data_fd, hash_fd, NULL);
	if (ret)
		return ret;
	if (verity_bdev_from_fd(&hash, &hctx, hash_fd, UINT64_MAX)) {
		cli_error("Cannot get the size of the hash device.");
		return EXIT_IO;
	}
	fopts.progress = NULL;
	/*
	 * The parity (a tenth of the data at 24 roots) reaches the disk while it
	 * is encoded, and so does the tree written before it. A FEC device of
	 * its own is written around the page cache: nothing reads the parity
	 * back, and filling the page cache with it costs more than the disk
	 * writes. Sharing a file with the data or the tree, it is written
	 * through the page cache like them.
	 */
	direct = !fec->same_as_hash && !fec->same_as_data &&
	         cli_direct_writer_start(&dw, fec->path, fec->fd);
	if (direct)
		fec->writer = dw.writer;
	cli_writeback_start(&wb, direct ? -1 : fec->fd, hash_fd);
	err = verity_fec_encode(params, &fec->params, data, &hash, &fec->area_writer, &fopts);
	if (direct) {
		write_errno = cli_direct_writer_finish(&dw);
		fec->writer = buffered;
		if (write_errno)
			err = VERITY_E_IO;
	} else {
		write_errno = fec->wctx.last_errno;
	}
	cli_writeback_stop(&wb);
	if (err) {
		if (err == VERITY_E_IO && write_errno)
			cli_error("Failed to write parity to %s (%s).", fec->path,
			          strerror(write_errno));
		else
			cli_error("Failed to create FEC parity: %s.", verity_strerror(err));
		return cli_exit_code(err);
	}
	if (fsync(fec->fd) != 0 && errno != EINVAL && errno != EROFS) {
		cli_error("Cannot sync %s (%s).", fec->path, strerror(errno));
		return EXIT_IO;
	}
	return EXIT_OK;
}

/*
 * With FEC the data is read twice, by the tree pass and by the parity pass:
 * a regular file is then mapped whole, once, so that neither pass copies it
 * and the second finds its pages mapped (per-pass windows or reads cost the
 * parity pass about as much as its arithmetic). Its pages count in the
 * resident set while mapped. Returns the mapping, or NULL to read as usual.
 */
static void *map_data_area(const struct verity_bdev *fd_bdev, int data_fd, uint64_t bytes)
{
	void *p;

	if (!fd_bdev->map || bytes == 0 || bytes > SIZE_MAX / 2 || (uint64_t)(off_t)bytes != bytes)
		return NULL;
	p = mmap(NULL, (size_t)bytes, PROT_READ, MAP_SHARED, data_fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

/*
 * Dropping the pages of a large mapping costs about what mapping them did
 * (24 ms for 1 GiB): once the data is read, its two halves are dropped at
 * once, one on a thread of its own, while the hash device syncs; the
 * munmap that follows finds nothing left to do.
 */
struct mapping_release {
	pthread_t thread;
	void *start;
	size_t len;
	bool running;
};

static void *drop_pages(void *arg)
{
	struct mapping_release *r = arg;

	madvise(r->start, r->len, MADV_DONTNEED);
	return NULL;
}

static void release_start(struct mapping_release *r, void *map, size_t len)
{
	size_t half = len / 2 / (size_t)sysconf(_SC_PAGESIZE) * (size_t)sysconf(_SC_PAGESIZE);

	r->start = map;
	r->len = half;
	r->running = half && pthread_create(&r->thread, NULL, drop_pages, r) == 0;
	madvise((uint8_t *)map + (r->running ? half : 0), len - (r->running ? half : 0),
	        MADV_DONTNEED);
}

static void release_finish(struct mapping_release *r)
{
	if (r->running)
		pthread_join(r->thread, NULL);
	r->running = false;
}

static int run_format(const struct cli_options *opts, int argc, char **argv)
{
	const char *data_path = argv[0], *hash_path = argv[1];
	struct verity_params params;
	uint8_t uuid[VERITY_UUID_SIZE] = {0};
	struct verity_fd_bdev data_ctx;
	struct verity_memory_bdev data_mem;
	struct verity_fd_writer hash_ctx;
	struct verity_bdev data;
	void *data_map = NULL;
	uint64_t data_bytes = 0;
	struct verity_writer writer;
	struct cli_progress progress;
	struct verity_tree_options topts = {0};
	struct cli_fec fec = {.fd = -1};
	struct mapping_release release = {.running = false};
	int data_fd = -1, hash_fd = -1, ret, err;

	(void)argc;
	ret = cli_params_from_options(&params, opts);
	if (!ret)
		ret = choose_salt_and_uuid(&params, uuid, opts, hash_path);
	if (ret)
		return ret;
	err = verity_hash_start_block(opts->hash_offset, params.hash_block_size,
	                              !opts->no_superblock, &params.hash_start_block);
	if (err == VERITY_E_BAD_HASH_OFFSET) {
		cli_error("Unsupported VERITY hash offset.");
		return EXIT_USAGE;
	} else if (err) {
		cli_error("%s.", verity_strerror(err));
		return cli_exit_code(err);
	}

	data_fd = cli_open_path(data_path, O_RDONLY, NULL);
	if (data_fd < 0)
		return EXIT_IO;
	err = verity_bdev_from_fd(&data, &data_ctx, data_fd, UINT64_MAX);
	if (err) {
		cli_error("Cannot use %s as a data device: %s.", data_path, verity_strerror(err));
		ret = EXIT_IO;
		goto out;
	}
	posix_fadvise(data_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	err = verity_resolve_data_area(&params, data.size, cli_same_path(data_fd, hash_path),
	                               !opts->no_superblock, opts->hash_offset);
	if (err == VERITY_E_DATA_DEVICE_TOO_SMALL) {
		ret = cli_data_too_small(data_path, &params);
		goto out;
	} else if (err == VERITY_E_AREA_OVERLAP) {
		cli_error("Data area overlaps with hash area.");
		ret = EXIT_USAGE;
		goto out;
	} else if (err) {
		ret = cli_parameter_error(err);
		goto out;
	}
	data_bytes = params.data_blocks * params.data_block_size;
	if (opts->fec_device) {
		data_map = map_data_area(&data, data_fd, data_bytes);
		if (data_map)
			verity_bdev_from_memory(&data, &data_mem, data_map, (size_t)data_bytes);
	}
	if (params.data_block_size > (uint32_t)sysconf(_SC_PAGESIZE))
		fprintf(stderr,
		        "WARNING: Kernel cannot activate device if data block size exceeds page "
		        "size (%ld).\n",
		        sysconf(_SC_PAGESIZE));

	hash_fd = cli_open_path(hash_path, O_RDWR | O_CREAT, "hash device");
	if (hash_fd < 0) {
		ret = EXIT_IO;
		goto out;
	}
	verity_writer_from_fd(&writer, &hash_ctx, hash_fd);
	if (!opts->no_superblock) {
		uint8_t sb[VERITY_SUPERBLOCK_SIZE];

		err = verity_superblock_write(sb, &params, uuid);
		if (!err)
			err = writer.write(writer.user_data, opts->hash_offset, sb, sizeof(sb));
		if (err) {
			cli_error("Error during update of verity header on device %s: %s.",
			          hash_path,
			          err == VERITY_E_IO ? strerror(hash_ctx.last_errno)
			                             : verity_strerror(err));
			ret = cli_exit_code(err);
			goto out;
		}
		ret = pad_like_veritysetup(hash_fd, hash_path, opts->hash_offset,
		                           params.hash_block_size);
		if (ret)
			goto out;
	}

	cli_debug(opts, "data blocks %llu, hash start block %llu, threads %u (0: all), SHA-256 %s",
	          (unsigned long long)params.data_blocks,
	          (unsigned long long)params.hash_start_block, opts->threads,
	          verity_sha256_impl_name(true));
	cli_progress_init(&progress, opts, "Formatting");
	topts.threads = opts->threads;
	topts.progress = cli_progress_update;
	topts.progress_user_data = &progress;
	err = verity_format(&params, &data, &writer, &topts);
	cli_progress_end(&progress);
	if (err) {
		if (err == VERITY_E_IO && hash_ctx.last_errno)
			cli_error("Input/output error while creating hash area (%s).",
			          strerror(hash_ctx.last_errno));
		else if (err == VERITY_E_IO && data_ctx.last_errno)
			cli_error("Input/output error while reading %s (%s).", data_path,
			          strerror(data_ctx.last_errno));
		else
			cli_error("Creation of hash area failed: %s.", verity_strerror(err));
		ret = cli_exit_code(err);
		goto out;
	}
	ret = cli_fec_open(&fec, opts, true, NULL);
	if (!ret && fec.enabled)
		ret = write_parity(&fec, &params, &data, data_fd, hash_fd, &topts);
	if (ret)
		goto out;
	if (data_map)
		release_start(&release, data_map, (size_t)data_bytes);
	if (fsync(hash_fd) != 0 && errno != EINVAL && errno != EROFS) {
		cli_error("Cannot sync %s (%s).", hash_path, strerror(errno));
		ret = EXIT_IO;
		goto out;
	}
	if (opts->root_hash_file) {
		ret = write_root_hash_file(opts->root_hash_file, &params);
		if (ret)
			goto out;
	}
	if (opts->json)
		cli_json_header_fields(hash_path, &params, opts->no_superblock ? NULL : uuid,
		                       opts->hash_offset, true, &fec);
	else
		cli_print_header_info(stdout, hash_path, &params, opts->no_superblock ? NULL : uuid,
		                      opts->hash_offset, true, &fec);
	ret = EXIT_OK;
out:
	cli_fec_close(&fec);
	release_finish(&release);
	if (data_map)
		munmap(data_map, (size_t)data_bytes);
	if (data_fd >= 0)
		close(data_fd);
	if (hash_fd >= 0 && close(hash_fd) != 0 && ret == EXIT_OK) {
		cli_error("Cannot close %s (%s).", hash_path, strerror(errno));
		ret = EXIT_IO;
	}
	return ret;
}

const struct cli_command cli_cmd_format = {
    .name = "format",
    .args = "<data_device> <hash_device>",
    .summary = "Calculate and store the hash tree (and superblock) of <data_device> on "
               "<hash_device>; without --salt and --uuid, both are random",
    .min_args = 2,
    .max_args = 2,
    .options = format_options,
    .veritysetup = true,
    .run = run_format,
};
