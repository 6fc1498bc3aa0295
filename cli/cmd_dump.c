/* SPDX-License-Identifier: MIT */
/* verify-image dump <hash>: veritysetup dump, the superblock's fields. */
#include "cli/commands.h"

static const char *const dump_options[] = {"hash-offset", "fec-device", "fec-offset",
                                           "fec-roots",   "pv",         NULL};

static int run_dump(const struct cli_options *opts, int argc, char **argv)
{
	struct cli_image img;
	struct cli_fec fec = {.fd = -1};
	int ret;

	(void)argc;
	if (opts->no_superblock) {
		cli_error("Verity device %s doesn't use on-disk header.", argv[0]);
		return EXIT_USAGE;
	}
	ret = cli_image_open(&img, opts, NULL, argv[0]);
	if (!ret)
		ret = cli_fec_setup(&fec, opts, &img, false, false);
	if (!ret) {
		if (opts->json)
			cli_json_header_fields(argv[0], &img.params, img.uuid, img.hash_offset,
			                       false, &fec);
		else
			cli_print_header_info(stdout, argv[0], &img.params, img.uuid,
			                      img.hash_offset, false, &fec);
	}
	cli_fec_close(&fec);
	cli_image_close(&img);
	return ret;
}

const struct cli_command cli_cmd_dump = {
    .name = "dump",
    .args = "<hash_device>",
    .summary = "Show the VERITY superblock of <hash_device>",
    .min_args = 1,
    .max_args = 1,
    .options = dump_options,
    .veritysetup = true,
    .run = run_dump,
};
