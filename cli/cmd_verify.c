/* SPDX-License-Identifier: MIT */
/* verify-image verify <data> <hash> [<root>]: veritysetup verify, faster. */
#include <string.h>

#include "cli/commands.h"

static const char *const verify_options[] = {
    CLI_DDI_IMAGE_OPTIONS, CLI_IMAGE_OPTIONS, "threads",     "no-progress", "root-hash-signature",
    "trusted-cert",        "trusted-certs",   "trusted-dtb", "allow-sha1",  "fec-device",
    "fec-offset",          "fec-roots",       NULL};

static const char *kind_name(uint32_t kind)
{
	return kind == VERITY_BLOCK_DATA ? "data" : kind == VERITY_BLOCK_HASH ? "hash" : "none";
}

/* The --json fields of verify (the status fields are main's). */
static void json_fields(const struct cli_image *img, const struct verity_verify_result *r)
{
	cli_json_field_u64("data_blocks", img->params.data_blocks);
	if (!r->error)
		return;
	cli_json_field_int("verity_error", r->error);
	cli_json_field_string("verity_message", verity_strerror(r->error));
	if (r->kind == VERITY_BLOCK_NONE)
		return;
	cli_json_field_string("kind", kind_name(r->kind));
	cli_json_field_u64("level", r->level);
	cli_json_field_u64("block", r->block);
	cli_json_field_u64("position", r->position);
}

/* veritysetup's messages, then where exactly. */
static void print_failure(const struct cli_image *img, const struct verity_verify_result *r)
{
	const char *device = r->kind == VERITY_BLOCK_DATA ? img->data_path : img->hash_path;
	unsigned long long block = (unsigned long long)r->block;

	switch (r->error) {
	case VERITY_E_CORRUPT_DATA:
		cli_error("Verification failed at position %llu.", (unsigned long long)r->position);
		cli_error("Data block %llu of %s does not match its hash.", block, device);
		cli_error("Verification of data area failed.");
		break;
	case VERITY_E_CORRUPT_HASH:
		cli_error("Verification failed at position %llu.", (unsigned long long)r->position);
		cli_error("Hash block %llu (tree level %u) of %s does not match its parent.", block,
		          r->level, device);
		cli_error("Verification of data area failed.");
		break;
	case VERITY_E_CORRUPT_PADDING:
		cli_error("Spare area is not zeroed at position %llu.",
		          (unsigned long long)r->position);
		cli_error("In hash block %llu (tree level %u) of %s.", block, r->level, device);
		cli_error("Verification of data area failed.");
		break;
	case VERITY_E_ROOT_MISMATCH:
		cli_error("Verification of root hash failed.");
		cli_error(
		    "The %s block %llu at position %llu of %s does not hash to the root hash.",
		    kind_name(r->kind), block, (unsigned long long)r->position, device);
		break;
	case VERITY_E_IO:
	case VERITY_E_SHORT_READ: {
		const struct verity_fd_bdev *ctx =
		    r->kind == VERITY_BLOCK_DATA ? &img->data_ctx : &img->hash_ctx;

		if (r->kind != VERITY_BLOCK_NONE)
			cli_error("Input/output error reading %s at position %llu (%s).", device,
			          (unsigned long long)r->position,
			          ctx->last_errno ? strerror(ctx->last_errno)
			                          : verity_strerror(r->error));
		else
			cli_error("Input/output error: %s.", verity_strerror(r->error));
		cli_error("Verification of data area failed.");
		break;
	}
	case VERITY_E_DATA_DEVICE_TOO_SMALL:
		cli_data_too_small(img->data_path, &img->params);
		break;
	case VERITY_E_HASH_DEVICE_TOO_SMALL:
		cli_error("Hash device %s is too small for the hash tree.", img->hash_path);
		break;
	default:
		cli_error("Verification failed: %s.", verity_strerror(r->error));
		break;
	}
}

/*
 * After a failed verification: correct with FEC the kernel's way and verify
 * everything again up to the root hash. @result then describes the outcome.
 */
static void verify_with_fec(const struct cli_options *opts, struct cli_image *img,
                            const struct cli_fec *fec, struct verity_verify_result *result)
{
	struct verity_fec_verify_result fr;

	verity_fec_verify(&img->params, &fec->params, &img->data, &img->hash, &fec->area, NULL,
	                  NULL, NULL, &fr);
	memset(result, 0, sizeof(*result));
	result->error = fr.error;
	result->kind = fr.kind;
	result->level = fr.level;
	result->block = fr.block;
	result->position = fr.position;
	cli_json_field_u64("fec_corrected_blocks", fr.corrected_blocks);
	cli_json_field_u64("fec_corrected_bytes", fr.corrected_bytes);
	cli_json_field_u64("fec_repairable_errors", fr.symbol_errors);
	/* veritysetup's line, on standard error as veritysetup prints it */
	if (fr.symbol_errors && !fr.error)
		fprintf(stderr, "Found %llu repairable errors with FEC device.\n",
		        (unsigned long long)fr.symbol_errors);
	if (fr.corrected_blocks)
		cli_verbose(opts, "%llu blocks corrected with FEC and verified.",
		            (unsigned long long)fr.corrected_blocks);
}

static int verify_one(const struct cli_options *opts, int argc, char **argv)
{
	struct cli_image img;
	struct verity_verify_result result;
	struct verity_tree_options topts = {0};
	struct cli_progress progress;
	struct cli_fec fec = {.fd = -1};
	int ret;

	ret = cli_image_open_with_root(&img, opts, argc, argv, true);
	/* The paths as opened: a disk image's partitions have by-partuuid names. */
	cli_json_field_string("data_device", img.data_path);
	cli_json_field_string("hash_device", img.hash_path);
	if (!ret)
		ret = cli_fec_setup(&fec, opts, &img, false, true);
	if (ret)
		goto out;

	cli_debug(opts, "data blocks %llu, hash start block %llu, threads %u (0: all), SHA-256 %s",
	          (unsigned long long)img.params.data_blocks,
	          (unsigned long long)img.params.hash_start_block, opts->threads,
	          verity_sha256_impl_name(true));
	cli_progress_init(&progress, opts, "Verifying");
	topts.threads = opts->threads;
	topts.progress = cli_progress_update;
	topts.progress_user_data = &progress;
	verity_verify(&img.params, &img.data, &img.hash, &topts, &result);
	cli_progress_end(&progress);
	if (result.error == VERITY_E_ROOT_MISMATCH && result.kind == VERITY_BLOCK_HASH) {
		struct verity_verify_result below;

		topts.progress = NULL;
		if (cli_check_below_top(&img, &topts, &below) == 0 &&
		    cli_exit_code(below.error) == EXIT_CORRUPT)
			result = below;
	}
	if (fec.enabled && result.error && result.kind != VERITY_BLOCK_NONE)
		verify_with_fec(opts, &img, &fec, &result);
	if (result.error)
		print_failure(&img, &result);
	else
		cli_verbose(opts, "Verification of data area succeeded.");
	json_fields(&img, &result);
	ret = cli_exit_code(result.error);
out:
	cli_fec_close(&fec);
	cli_image_close(&img);
	return ret;
}

static int run_verify(const struct cli_options *opts, int argc, char **argv)
{
	/* A disk image: every verity pair, unless --partition names one. */
	if (argc == 1)
		return cli_ddi_each_role(opts, argv[0], verify_one);
	return verify_one(opts, argc, argv);
}

const struct cli_command cli_cmd_verify = {
    .name = "verify",
    .args = CLI_IMAGE_ARGS,
    .summary = "Verify every block of <data_device> and <hash_device> against <root_hash>",
    .min_args = 1,
    .max_args = 3,
    .options = verify_options,
    .veritysetup = true,
    .run = run_verify,
};
