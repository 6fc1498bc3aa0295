/* SPDX-License-Identifier: MIT */
/*
 * verify-image read|cat <data> <hash> [<root>] [--offset N] [--length N]:
 * verified bytes of the data area to stdout, like dd. Every chunk is
 * verified before any of it is written; when a chunk fails, its blocks are
 * read again one by one so that the verified ones before the bad block are
 * written, and nothing from or after the bad block is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

#define CHUNK_BYTES (1u << 20)
#define READ_BUDGET (16u << 20)

static const char *const read_options[] = {
    CLI_DDI_IMAGE_OPTIONS, "offset",        "length",      CLI_IMAGE_OPTIONS, "root-hash-signature",
    "trusted-cert",        "trusted-certs", "trusted-dtb", "allow-sha1",      "fec-device",
    "fec-offset",          "fec-roots",     NULL};

static int write_out(const uint8_t *buf, size_t len)
{
	if (fwrite(buf, 1, len, stdout) != len) {
		cli_error("Cannot write to standard output (%s).", strerror(errno));
		return EXIT_IO;
	}
	return EXIT_OK;
}

/*
 * A chunk failed: write its verified blocks up to the first that fails.
 * Return: the error of that block (the chunk's error if none fails now).
 */
static int salvage(struct verity_device *dev, uint64_t offset, size_t len, uint32_t dbs,
                   uint8_t *buf, int chunk_err)
{
	uint64_t end = offset + len;

	while (offset < end) {
		size_t n = dbs - (size_t)(offset % dbs);
		int ret;

		if (n > end - offset)
			n = (size_t)(end - offset);
		ret = verity_device_read(dev, offset, n, buf);
		if (ret)
			return ret;
		if (write_out(buf, n))
			return VERITY_E_IO;
		offset += n;
	}
	return chunk_err;
}

static int run_read(const struct cli_options *opts, int argc, char **argv)
{
	struct verity_device_options dopts = {0};
	struct verity_device *dev = NULL;
	struct cli_failure failure = {0};
	struct cli_image img;
	struct cli_fec fec = {.fd = -1};
	uint64_t size, offset, end;
	uint8_t *buf = NULL;
	int ret, err = 0;

	ret = cli_image_open_with_root(&img, opts, argc, argv, true);
	if (!ret)
		ret = cli_fec_setup(&fec, opts, &img, false, true);
	if (ret)
		goto out;
	if (fec.enabled) {
		/* corrupt data blocks are corrected on the read path, then verified */
		dopts.fec = &fec.params;
		dopts.fec_device = &fec.area;
	}
	dopts.memory_budget = READ_BUDGET;
	dopts.report = cli_failure_remember;
	dopts.callback_data = &failure;
	err = verity_device_open(&dev, &img.params, &img.data, &img.hash, &dopts);
	if (err) {
		cli_error("Cannot open the verified device: %s.", verity_strerror(err));
		ret = cli_exit_code(err);
		goto out;
	}
	size = verity_device_data_size(dev);
	offset = opts->offset;
	if (offset > size || (cli_option_given(opts, "length") && opts->length > size - offset)) {
		cli_error("Range outside the data area (%llu bytes).", (unsigned long long)size);
		ret = EXIT_USAGE;
		goto out;
	}
	end = cli_option_given(opts, "length") ? offset + opts->length : size;
	buf = malloc(CHUNK_BYTES);
	if (!buf) {
		cli_error("Out of memory.");
		ret = EXIT_NOMEM;
		goto out;
	}
	cli_debug(opts, "reading bytes %llu..%llu, SHA-256 %s", (unsigned long long)offset,
	          (unsigned long long)end, verity_sha256_impl_name(true));
	while (offset < end) {
		size_t n = end - offset < CHUNK_BYTES ? (size_t)(end - offset) : CHUNK_BYTES;

		err = verity_device_read(dev, offset, n, buf);
		if (err) {
			err = salvage(dev, offset, n, img.params.data_block_size, buf, err);
			break;
		}
		ret = write_out(buf, n);
		if (ret)
			goto out;
		offset += n;
	}
	if (fflush(stdout) != 0) {
		cli_error("Cannot write to standard output (%s).", strerror(errno));
		ret = EXIT_IO;
		goto out;
	}
	if (err) {
		cli_failure_report(&img, &failure, err);
		ret = cli_exit_code(err);
	}
	if (fec.enabled && !err) {
		struct verity_device_status st;

		if (verity_device_get_status(dev, &st) == 0 && st.fec_corrected)
			cli_verbose(opts, "%llu data blocks corrected with FEC and verified.",
			            (unsigned long long)st.fec_corrected);
	}
out:
	free(buf);
	cli_fec_close(&fec);
	verity_device_close(dev);
	cli_image_close(&img);
	return ret;
}

const struct cli_command cli_cmd_read = {
    .name = "read",
    .args = CLI_IMAGE_ARGS,
    .summary = "Write verified bytes of <data_device> to standard output",
    .min_args = 1,
    .max_args = 3,
    .options = read_options,
    .raw_stdout = true,
    .run = run_read,
};

const struct cli_command cli_cmd_cat = {
    .name = "cat",
    .args = CLI_IMAGE_ARGS,
    .summary = "Same as read",
    .min_args = 1,
    .max_args = 3,
    .options = read_options,
    .raw_stdout = true,
    .run = run_read,
};
