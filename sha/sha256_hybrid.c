/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 on sixteen AVX-512 lanes and two SHA-NI streams in one
 * instruction stream, the rounds of both interleaved eight at a time, so
 * that the out-of-order core could feed the SHA unit while the vector ALUs
 * run the sixteen lanes. Lanes 0..15 are the AVX-512 ones, 16 and 17 the
 * SHA-NI streams. Compiled with the flags of both.
 *
 * An experiment, measured and rejected (see dispatch.c): it is linked into
 * bench/bench_sha256 and the tests only, not into the library.
 */
#ifdef HAVE_CONFIG_H
#include "config.h" /* HAVE_SHA256_*: the prototype in impl.h */
#endif
#include "sha256_avx512.h"
#include "sha256_shani.h"

static inline __attribute__((always_inline)) void compress_hybrid(uint32_t state[][8],
                                                                  const uint8_t *const data[],
                                                                  size_t nblocks,
                                                                  const unsigned streams)
{
	struct avx512_lanes x;
	struct shani_stream st[4];

	avx512_load_state(&x, state, data);
	for (unsigned s = 0; s < streams; s++)
		shani_load_state(&st[s], state[AVX512_LANES + s], data[AVX512_LANES + s]);
	while (nblocks--) {
		avx512_block_start(&x);
		for (unsigned s = 0; s < streams; s++)
			shani_block_start(&st[s]);
#pragma GCC unroll 8
		for (unsigned i = 0; i < 64; i += 8) {
			avx512_rounds8(&x, (int)i);
			shani_quads(st, streams, i / 4);
			shani_quads(st, streams, i / 4 + 1);
		}
		avx512_block_end(&x);
		for (unsigned s = 0; s < streams; s++)
			shani_block_end(&st[s]);
	}
	avx512_store_state(state, &x);
	for (unsigned s = 0; s < streams; s++)
		shani_store_state(state[AVX512_LANES + s], &st[s]);
}

void verity_sha256_blocks_hybrid_x18(uint32_t state[][8], const uint8_t *const data[],
                                     size_t nblocks)
{
	compress_hybrid(state, data, nblocks, 2);
}

const struct verity_sha256_impl verity_sha256_impl_hybrid_x18 = {
    "hybrid-x18", 18, verity_cpu_has_avx512_shani, verity_sha256_blocks_hybrid_x18};
