/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 with the x86 SHA extensions (SHA-NI), one to four streams.
 * Compiled with -msha -msse4.1 -mssse3 only; dispatch.c calls it only after
 * verity_cpu_has_shani().
 *
 * sha256rnds2 has a latency of several cycles but can start every cycle or
 * two, so one stream leaves the unit mostly idle; the interleaved variants
 * run independent messages through the same instruction sequence so that
 * the out-of-order core overlaps their dependency chains. The message
 * schedule runs one quad ahead of the rounds, so the rounds never wait for
 * sha256msg2: with two or more streams that reaches the sha256rnds2
 * throughput bound that bench/bench_sha256 measures (about 97% on an Intel
 * Rocket Lake server, from 83% with the schedule computed just in time).
 */
#include <immintrin.h>

#include "impl.h"

/*
 * sha256rnds2 keeps the working variables as ABEF and CDGH (A in the top
 * dword); convert from and to the a..h order of state[].
 */
static inline void load_state(const uint32_t state[8], __m128i *abef, __m128i *cdgh)
{
	__m128i badc = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)state), 0xb1);
	__m128i hgfe = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(state + 4)), 0x1b);

	*abef = _mm_alignr_epi8(badc, hgfe, 8);
	*cdgh = _mm_blend_epi16(hgfe, badc, 0xf0);
}

static inline void store_state(uint32_t state[8], __m128i abef, __m128i cdgh)
{
	__m128i feba = _mm_shuffle_epi32(abef, 0x1b);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);

	_mm_storeu_si128((__m128i *)state, _mm_blend_epi16(feba, dchg, 0xf0));
	_mm_storeu_si128((__m128i *)(state + 4), _mm_alignr_epi8(dchg, feba, 8));
}

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
	const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
	__m128i abef[4], cdgh[4], abef_saved[4], cdgh_saved[4], msg[4][4];
	const uint8_t *p[4];

	for (unsigned s = 0; s < streams; s++) {
		load_state(state[s], &abef[s], &cdgh[s]);
		p[s] = data[s];
	}
	while (nblocks--) {
		for (unsigned s = 0; s < streams; s++) {
			abef_saved[s] = abef[s];
			cdgh_saved[s] = cdgh[s];
		}
		/* Message words of quad q are ready one quad before its rounds. */
#pragma GCC unroll 4
		for (unsigned s = 0; s < streams; s++)
			for (unsigned q = 0; q < 4; q++)
				msg[s][q] = _mm_shuffle_epi8(
				    _mm_loadu_si128((const __m128i *)(p[s] + 16 * q)), byte_swap);
#pragma GCC unroll 16
		for (unsigned q = 0; q < 16; q++) {
			const __m128i k = _mm_loadu_si128(
			    (const __m128i *)(verity_sha256_round_constants + 4 * q));
			__m128i wk[4];

#pragma GCC unroll 4
			for (unsigned s = 0; s < streams; s++)
				wk[s] = _mm_add_epi32(msg[s][q & 3], k);
#pragma GCC unroll 4
			for (unsigned s = 0; s < streams; s++) {
				__m128i *m = msg[s];

				if (q < 12) {
					/* W for quad q + 4, replacing quad q's words */
					__m128i t = _mm_sha256msg1_epu32(m[q & 3], m[(q + 1) & 3]);

					t = _mm_add_epi32(
					    t, _mm_alignr_epi8(m[(q + 3) & 3], m[(q + 2) & 3], 4));
					m[q & 3] = _mm_sha256msg2_epu32(t, m[(q + 3) & 3]);
				}
				cdgh[s] = _mm_sha256rnds2_epu32(cdgh[s], abef[s], wk[s]);
				abef[s] = _mm_sha256rnds2_epu32(abef[s], cdgh[s],
				                                _mm_shuffle_epi32(wk[s], 0x0e));
			}
		}
		for (unsigned s = 0; s < streams; s++) {
			abef[s] = _mm_add_epi32(abef[s], abef_saved[s]);
			cdgh[s] = _mm_add_epi32(cdgh[s], cdgh_saved[s]);
			p[s] += VERITY_SHA256_BLOCK_SIZE;
		}
	}
	for (unsigned s = 0; s < streams; s++)
		store_state(state[s], abef[s], cdgh[s]);
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
