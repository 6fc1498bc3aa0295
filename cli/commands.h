/* SPDX-License-Identifier: MIT */
/*
 * verify-image subcommands. Adding one: write cli/cmd_<name>.c defining
 * `const struct cli_command cli_cmd_<name>`, declare it below, add it to the
 * table in cli/main.c and the file to cli/Makemodule.am.
 */
#ifndef VERITY_CLI_COMMANDS_H
#define VERITY_CLI_COMMANDS_H

#include "cli/cli.h"

/*
 * Exit codes, one table for every subcommand (verify-image(1), EXIT STATUS).
 * Where veritysetup 2.6.1 has the case, the code is veritysetup's.
 */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_USAGE = 1,   /* bad command line or parameters, wrong root hash, not a verity device */
	EXIT_CORRUPT = 2, /* a data, hash or padding block does not match */
	EXIT_NOMEM = 3,   /* out of memory */
	EXIT_IO = 4,      /* a file is missing, unreadable, of the wrong type; I/O error */
	EXIT_BAD_SIGNATURE = 6, /* signature missing where required, malformed, untrusted, wrong */
	EXIT_NOT_FOUND = 7,     /* the requested partition, logical volume or file does not exist */
	/* Anything else (threads, randomness): veritysetup's generic failure. */
	EXIT_FAILURE_GENERIC = EXIT_USAGE,
};

extern const struct cli_command cli_cmd_format;
extern const struct cli_command cli_cmd_verify;
extern const struct cli_command cli_cmd_dump;
extern const struct cli_command cli_cmd_read;
extern const struct cli_command cli_cmd_cat;
extern const struct cli_command cli_cmd_table;
extern const struct cli_command cli_cmd_sig;
extern const struct cli_command cli_cmd_dissect;
extern const struct cli_command cli_cmd_lvm;
extern const struct cli_command cli_cmd_extract;
extern const struct cli_command cli_cmd_ls;
extern const struct cli_command cli_cmd_repair;

#endif
