/* SPDX-License-Identifier: MIT */
/*
 * verify-image table <data> <hash> [<root>]: the Linux dm-verity table line
 * veritysetup would load for this image and options, and the same as a
 * dm-mod.create= kernel argument. The device names are the paths given.
 */
#include "cli/commands.h"

#define LINE_MAX_BYTES 4096

static const char *const table_options[] = {CLI_IMAGE_OPTIONS,
                                            "ignore-corruption",
                                            "restart-on-corruption",
                                            "panic-on-corruption",
                                            "error-as-corruption",
                                            "ignore-zero-blocks",
                                            "check-at-most-once",
                                            "use-tasklets",
                                            "dm-name",
                                            NULL};

/* veritysetup's flag rules for the error handling options. */
static int set_modes(struct verity_table *t, const struct cli_options *opts)
{
	int modes =
	    opts->ignore_corruption + opts->restart_on_corruption + opts->panic_on_corruption;

	if (modes > 1) {
		cli_error("Only one of --ignore-corruption, --restart-on-corruption and "
		          "--panic-on-corruption may be used.");
		return EXIT_USAGE;
	}
	if (opts->error_as_corruption && !opts->restart_on_corruption &&
	    !opts->panic_on_corruption) {
		cli_error("--error-as-corruption needs --restart-on-corruption or "
		          "--panic-on-corruption.");
		return EXIT_USAGE;
	}
	if (opts->ignore_corruption)
		t->corruption_mode = VERITY_CORRUPTION_IGNORE;
	else if (opts->restart_on_corruption)
		t->corruption_mode = VERITY_CORRUPTION_RESTART;
	else if (opts->panic_on_corruption)
		t->corruption_mode = VERITY_CORRUPTION_PANIC;
	if (opts->error_as_corruption)
		t->io_error_mode =
		    opts->restart_on_corruption ? VERITY_IO_ERROR_RESTART : VERITY_IO_ERROR_PANIC;
	t->ignore_zero_blocks = opts->ignore_zero_blocks;
	t->check_at_most_once = opts->check_at_most_once;
	t->try_verify_in_tasklet = opts->use_tasklets;
	return EXIT_OK;
}

static int run_table(const struct cli_options *opts, int argc, char **argv)
{
	char line[LINE_MAX_BYTES], arg[LINE_MAX_BYTES + 300];
	struct verity_table table;
	struct cli_image img;
	int ret, err;

	/* A table line trusts nothing itself: the kernel checks any signature. */
	ret = cli_image_open_with_root(&img, opts, argc, argv, false);
	if (ret)
		goto out;
	err = verity_table_init(&table, &img.params, img.data_path, img.hash_path);
	if (!err) {
		ret = set_modes(&table, opts);
		if (ret)
			goto out;
		if (table.check_at_most_once && img.params.data_blocks > 0x7fffffffu)
			err = VERITY_E_AT_MOST_ONCE_TOO_LARGE;
	}
	if (!err)
		err = verity_table_format(&table, line, sizeof(line), NULL);
	if (!err)
		err = verity_table_format_dm_mod_create(&table, opts->dm_name, NULL, arg,
		                                        sizeof(arg), NULL);
	if (err) {
		cli_error("Cannot write the table line: %s.", verity_strerror(err));
		ret = err == VERITY_E_TABLE_UNREPRESENTABLE ? EXIT_USAGE : cli_exit_code(err);
		goto out;
	}
	if (opts->json) {
		cli_json_field_string("table", line);
		cli_json_field_string("dm_mod_create", arg);
	} else {
		printf("%s\n%s\n", line, arg);
	}
out:
	cli_image_close(&img);
	return ret;
}

const struct cli_command cli_cmd_table = {
    .name = "table",
    .args = CLI_IMAGE_ARGS,
    .summary = "Print the dm-verity table line and a dm-mod.create= kernel argument",
    .min_args = 2,
    .max_args = 3,
    .options = table_options,
    .run = run_table,
};
