/* SPDX-License-Identifier: MIT */
/* verify-image: a drop-in for veritysetup's userspace commands. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "libverity.h"

static void usage(FILE *out)
{
	fprintf(out, "Usage: verify-image [--version] [--help] <command> [options]\n");
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("verify-image %s (SHA-256: %s, %s for many blocks)\n", VERITY_VERSION_STRING,
		       verity_sha256_impl_name(false), verity_sha256_impl_name(true));
		return EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	usage(stderr);
	return EXIT_USAGE;
}
