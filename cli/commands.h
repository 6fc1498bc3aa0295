/* SPDX-License-Identifier: MIT */
/*
 * verify-image subcommands. Adding one: write cli/cmd_<name>.c defining
 * `const struct cli_command cli_cmd_<name>`, declare it below, add it to the
 * table in cli/main.c and the file to cli/Makemodule.am.
 */
#ifndef VERITY_CLI_COMMANDS_H
#define VERITY_CLI_COMMANDS_H

#include "cli/cli.h"

/* Exit codes, documented in verify-image(1). */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_FAILURE_GENERIC = 1, /* out of memory, threads, anything else */
	EXIT_USAGE = 2,           /* bad command line or bad input parameters */
	EXIT_CORRUPT = 3,         /* verification found corruption; bad superblock */
	EXIT_IO = 4,              /* a file could not be opened, read or written, or is too short */
	EXIT_BAD_SIGNATURE = 5,
	EXIT_NOT_FOUND = 7, /* the requested partition, logical volume or file does not exist */
};

extern const struct cli_command cli_cmd_format;
extern const struct cli_command cli_cmd_verify;
extern const struct cli_command cli_cmd_dump;
extern const struct cli_command cli_cmd_read;
extern const struct cli_command cli_cmd_cat;
extern const struct cli_command cli_cmd_table;
extern const struct cli_command cli_cmd_sig;
extern const struct cli_command cli_cmd_extract;
extern const struct cli_command cli_cmd_ls;

#endif
