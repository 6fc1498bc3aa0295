/* SPDX-License-Identifier: MIT */
/*
 * AFL++ driver: persistent mode with the test case in shared memory, built
 * only by afl-clang-fast (fuzz/run-campaign). With file arguments it replays
 * them instead, which is how a campaign re-checks its findings under ASan.
 */
#include "fuzz/fuzz.h"

#ifndef __AFL_FUZZ_TESTCASE_LEN
#error "afl_main.c needs afl-clang-fast (see fuzz/run-campaign)"
#endif

__AFL_FUZZ_INIT();

int main(int argc, char **argv)
{
	const uint8_t *buf;

	if (argc > 1) {
		unsigned count = 0;
		int ret = 0;

		for (int i = 1; i < argc; i++)
			if (fuzz_replay_path(argv[i], &count) != 0)
				ret = 1;
		return ret;
	}
#ifdef __AFL_HAVE_MANUAL_CONTROL
	__AFL_INIT();
#endif
	buf = __AFL_FUZZ_TESTCASE_BUF;
	while (__AFL_LOOP(10000)) {
		size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
		/* The shared buffer is larger than the input: copy so that ASan
		 * sees the real end. */
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact)
			abort();
		if (len)
			memcpy(exact, buf, len);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 0;
}
