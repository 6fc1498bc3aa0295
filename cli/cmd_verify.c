/* SPDX-License-Identifier: MIT */
/* verify-image verify <data> <hash> [<root>]: veritysetup verify, faster. */
#include <string.h>

#include "cli/commands.h"

static const char *const verify_options[] = {CLI_IMAGE_OPTIONS,     "threads",      "no-progress",
                                             "root-hash-signature", "trusted-cert", "trusted-certs",
                                             "trusted-dtb",         "allow-sha1",   "fec-device",
                                             "fec-offset",          "fec-roots",    NULL};

static const char *kind_name(uint32_t kind)
{
	return kind == VERITY_BLOCK_DATA ? "data" : kind == VERITY_BLOCK_HASH ? "hash" : "none";
}

static const char *status_name(int err)
{
	switch (cli_exit_code(err)) {
	case EXIT_OK:
		return "ok";
	case EXIT_CORRUPT:
		return "corrupt";
	default:
		return "error";
	}
}

static void print_json(const struct cli_image *img, const struct verity_verify_result *r,
                       const struct verity_fec_verify_result *fr)
{
	fprintf(stdout, "{\"status\":\"%s\",\"data_device\":", status_name(r->error));
	cli_json_string(stdout, img->data_path);
	fputs(",\"hash_device\":", stdout);
	cli_json_string(stdout, img->hash_path);
	fprintf(stdout, ",\"data_blocks\":%llu", (unsigned long long)img->params.data_blocks);
	if (fr)
		fprintf(stdout, ",\"fec_corrected_blocks\":%llu,\"fec_corrected_bytes\":%llu",
		        (unsigned long long)fr->corrected_blocks,
		        (unsigned long long)fr->corrected_bytes);
	if (r->error) {
		fprintf(stdout, ",\"error\":%d,\"message\":", r->error);
		cli_json_string(stdout, verity_strerror(r->error));
		if (r->kind != VERITY_BLOCK_NONE)
			fprintf(stdout,
			        ",\"kind\":\"%s\",\"level\":%u,\"block\":%llu,\"position\":%llu",
			        kind_name(r->kind), r->level, (unsigned long long)r->block,
			        (unsigned long long)r->position);
	}
	fputs("}\n", stdout);
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
		cli_error("Data device %s is too small: %llu blocks of %u bytes needed.",
		          img->data_path, (unsigned long long)img->params.data_blocks,
		          img->params.data_block_size);
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
                            const struct cli_fec *fec, struct verity_verify_result *result,
                            struct verity_fec_verify_result *fr)
{
	verity_fec_verify(&img->params, &fec->params, &img->data, &img->hash, &fec->area, NULL,
	                  NULL, NULL, fr);
	memset(result, 0, sizeof(*result));
	result->error = fr->error;
	result->kind = fr->kind;
	result->level = fr->level;
	result->block = fr->block;
	result->position = fr->position;
	if (fr->corrected_blocks && !fr->error && !opts->json)
		printf("Found %llu repairable errors with FEC device.\n",
		       (unsigned long long)fr->corrected_bytes);
	if (fr->corrected_blocks)
		cli_verbose(opts, "%llu blocks corrected with FEC and verified.",
		            (unsigned long long)fr->corrected_blocks);
}

static int run_verify(const struct cli_options *opts, int argc, char **argv)
{
	struct cli_image img;
	struct verity_verify_result result;
	struct verity_fec_verify_result fec_result = {0};
	struct verity_tree_options topts = {0};
	struct cli_progress progress;
	struct cli_fec fec = {.fd = -1};
	int ret;

	ret = cli_image_open_with_root(&img, opts, argc, argv, true);
	if (!ret)
		ret = cli_fec_open(&fec, opts, false);
	if (!ret)
		ret = cli_fec_derive(&fec, &img.params, img.data_fd, img.hash_fd);
	if (!ret)
		ret = cli_fec_check_size(&fec, img.params.data_block_size);
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
	if (fec.enabled && cli_exit_code(result.error) == EXIT_CORRUPT)
		verify_with_fec(opts, &img, &fec, &result, &fec_result);
	if (result.error)
		print_failure(&img, &result);
	else
		cli_verbose(opts, "Verification of data area succeeded.");
	if (opts->json)
		print_json(&img, &result, fec.enabled ? &fec_result : NULL);
	ret = cli_exit_code(result.error);
	cli_fec_close(&fec);
	cli_image_close(&img);
	return ret;
out:
	/* Refused before verifying: JSON readers still get an object. */
	if (opts->json)
		printf("{\"status\":\"%s\",\"exit_code\":%d}\n",
		       ret == EXIT_CORRUPT ? "corrupt" : "error", ret);
	cli_fec_close(&fec);
	cli_image_close(&img);
	return ret;
}

const struct cli_command cli_cmd_verify = {
    .name = "verify",
    .args = CLI_IMAGE_ARGS,
    .summary = "Verify every block of <data_device> and <hash_device> against <root_hash>",
    .min_args = 2,
    .max_args = 3,
    .options = verify_options,
    .run = run_verify,
};
