/* SPDX-License-Identifier: MIT */
/* verify-image sig <root_hash> <signature>: check a root-hash signature alone. */
#include "cli/commands.h"

static const char *const sig_options[] = {"trusted-cert", "trusted-certs", "trusted-dtb",
                                          "allow-sha1", NULL};

static int run_sig(const struct cli_options *opts, int argc, char **argv)
{
	uint8_t digest[VERITY_MAX_DIGEST_SIZE];
	int n, ret;

	(void)argc;
	cli_json_field_string("root_hash", argv[0]);
	cli_json_field_string("signature", argv[1]);
	n = cli_unhex(argv[0], digest, sizeof(digest));
	if (n <= 0) {
		cli_error("Invalid root hash string specified.");
		return EXIT_USAGE;
	}
	ret = cli_check_signature(opts, argv[1], digest, (size_t)n);
	if (ret == EXIT_OK && !opts->batch_mode && !opts->json)
		printf("Root hash signature verified.\n");
	return ret;
}

const struct cli_command cli_cmd_sig = {
    .name = "sig",
    .args = "<root_hash> <signature_file>",
    .summary = "Check a DER PKCS#7 signature over <root_hash> against trusted certificates",
    .min_args = 2,
    .max_args = 2,
    .options = sig_options,
    .run = run_sig,
};
