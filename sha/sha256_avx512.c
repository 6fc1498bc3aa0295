/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 on sixteen independent messages at once with AVX-512 (the rounds
 * are in sha256_avx512.h). Compiled with -mavx512f -mavx512vl -mavx512bw
 * only; dispatch.c calls it only after verity_cpu_has_avx512().
 */
#include "sha256_avx512.h"

void verity_sha256_blocks_avx512_x16(uint32_t state[][8], const uint8_t *const data[],
                                     size_t nblocks)
{
	struct avx512_lanes x;

	avx512_load_state(&x, state, data);
	while (nblocks--) {
		avx512_block_start(&x);
#pragma GCC unroll 8
		for (int i = 0; i < 64; i += 8)
			avx512_rounds8(&x, i);
		avx512_block_end(&x);
	}
	avx512_store_state(state, &x);
}
