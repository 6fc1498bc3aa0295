/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 with the x86 SHA extensions (SHA-NI), one to four streams.
 * Compiled with -msha -msse4.1 -mssse3 only; dispatch.c calls it only after
 * verity_cpu_has_shani().
 *
 * sha256rnds2 has a latency of several cycles but can start every cycle or
 * two, so one stream leaves the unit mostly idle; the interleaved variants
 * run independent messages through the same instruction sequence so that
 * the out-of-order core overlaps their dependency chains (sha256_shani.h).
 */
#include "sha256_shani.h"

/*
 * Compress @nblocks blocks of each of @streams messages. Always inlined with
 * a constant @streams so that every per-stream loop unrolls and the arrays
 * live in registers; the loops over s then interleave the streams.
 */
static inline __attribute__((always_inline)) void compress_streams(uint32_t state[][8],
                                                                   const uint8_t *const data[],
                                                                   size_t nblocks,
                                                                   const unsigned streams)
{
	struct shani_stream st[4];

	for (unsigned s = 0; s < streams; s++)
		shani_load_state(&st[s], state[s], data[s]);
	while (nblocks--) {
		for (unsigned s = 0; s < streams; s++)
			shani_block_start(&st[s]);
#pragma GCC unroll 16
		for (unsigned q = 0; q < 16; q++)
			shani_quads(st, streams, q);
		for (unsigned s = 0; s < streams; s++)
			shani_block_end(&st[s]);
	}
	for (unsigned s = 0; s < streams; s++)
		shani_store_state(state[s], &st[s]);
}

void verity_sha256_blocks_shani(uint32_t state[][8], const uint8_t *const data[], size_t nblocks)
{
	compress_streams(state, data, nblocks, 1);
}

void verity_sha256_blocks_shani_x2(uint32_t state[][8], const uint8_t *const data[], size_t nblocks)
{
	compress_streams(state, data, nblocks, 2);
}

void verity_sha256_blocks_shani_x3(uint32_t state[][8], const uint8_t *const data[], size_t nblocks)
{
	compress_streams(state, data, nblocks, 3);
}

void verity_sha256_blocks_shani_x4(uint32_t state[][8], const uint8_t *const data[], size_t nblocks)
{
	compress_streams(state, data, nblocks, 4);
}
