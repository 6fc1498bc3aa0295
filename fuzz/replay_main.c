/* SPDX-License-Identifier: MIT */
/*
 * Replay driver, no fuzzer needed: `<target>-replay PATH...` runs the given
 * files or directories through the harness. Without arguments (as in
 * `make check`) it runs fuzz/corpus/<target>/ (which must hold inputs) and
 * fuzz/regress/<target>/ (crash reproducers, if any) under $top_srcdir.
 */
#include <sys/stat.h>

#include "fuzz/fuzz.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the harness"
#endif

int main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	char corpus[4096], regress[4096];
	unsigned count = 0;
	struct stat st;
	int ret = 0;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			if (fuzz_replay_path(argv[i], &count) != 0)
				ret = 1;
		printf("%s: replayed %u inputs\n", FUZZ_TARGET, count);
		return ret;
	}
	if (!top)
		top = FUZZ_DEFAULT_SRCDIR;
	if ((size_t)snprintf(corpus, sizeof(corpus), "%s/fuzz/corpus/%s", top, FUZZ_TARGET) >=
	        sizeof(corpus) ||
	    (size_t)snprintf(regress, sizeof(regress), "%s/fuzz/regress/%s", top, FUZZ_TARGET) >=
	        sizeof(regress)) {
		fprintf(stderr, "%s: source path too long\n", FUZZ_TARGET);
		return 1;
	}
	if (fuzz_replay_path(corpus, &count) != 0)
		ret = 1;
	if (count == 0) {
		fprintf(stderr, "%s: no seed inputs in %s\n", FUZZ_TARGET, corpus);
		ret = 1;
	}
	if (stat(regress, &st) == 0 && fuzz_replay_path(regress, &count) != 0)
		ret = 1;
	printf("%s: replayed %u inputs\n", FUZZ_TARGET, count);
	return ret;
}
