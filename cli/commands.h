/* SPDX-License-Identifier: MIT */
/* verify-image subcommands: each takes the arguments after global options. */
#ifndef VERITY_CLI_COMMANDS_H
#define VERITY_CLI_COMMANDS_H

/* Exit codes, documented in verify-image(1). */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_FAILURE_GENERIC = 1,
	EXIT_USAGE = 2,   /* bad command line or bad input parameters */
	EXIT_CORRUPT = 3, /* verification found corruption */
	EXIT_IO = 4,      /* a file could not be read or written */
	EXIT_BAD_SIGNATURE = 5,
};

#endif
