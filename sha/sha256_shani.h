/* SPDX-License-Identifier: MIT */
/*
 * The pieces of the SHA-NI code that more than one block function uses
 * (sha256_shani.c, and the hybrid in sha256_hybrid.c). Include only from
 * files compiled with -msha -msse4.1 -mssse3.
 *
 * The message schedule runs one quad ahead of the rounds, so the rounds
 * never wait for sha256msg2: with two or more streams that reaches the
 * sha256rnds2 throughput bound that bench/bench_sha256 measures (about 97%
 * on an Intel Rocket Lake server, from 83% with the schedule computed just
 * in time).
 */
#ifndef VERITY_SHA256_SHANI_H
#define VERITY_SHA256_SHANI_H

#include <immintrin.h>

#include "impl.h"

#define SHANI_INLINE static inline __attribute__((always_inline))

/* One stream while a block is in flight. */
struct shani_stream {
	__m128i abef, cdgh;             /* working variables */
	__m128i abef_saved, cdgh_saved; /* the state before this block */
	__m128i msg[4];                 /* message words of quads q .. q + 3 */
	const uint8_t *p;               /* the next block */
};

/*
 * sha256rnds2 keeps the working variables as ABEF and CDGH (A in the top
 * dword); convert from and to the a..h order of state[].
 */
SHANI_INLINE void shani_load_state(struct shani_stream *st, const uint32_t state[8],
                                   const uint8_t *data)
{
	__m128i badc = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)state), 0xb1);
	__m128i hgfe = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(state + 4)), 0x1b);

	st->abef = _mm_alignr_epi8(badc, hgfe, 8);
	st->cdgh = _mm_blend_epi16(hgfe, badc, 0xf0);
	st->p = data;
}

SHANI_INLINE void shani_store_state(uint32_t state[8], const struct shani_stream *st)
{
	__m128i feba = _mm_shuffle_epi32(st->abef, 0x1b);
	__m128i dchg = _mm_shuffle_epi32(st->cdgh, 0xb1);

	_mm_storeu_si128((__m128i *)state, _mm_blend_epi16(feba, dchg, 0xf0));
	_mm_storeu_si128((__m128i *)(state + 4), _mm_alignr_epi8(dchg, feba, 8));
}

/* Start a block: keep the state for the final addition, load its 16 words. */
SHANI_INLINE void shani_block_start(struct shani_stream *st)
{
	const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);

	st->abef_saved = st->abef;
	st->cdgh_saved = st->cdgh;
#pragma GCC unroll 4
	for (unsigned q = 0; q < 4; q++)
		st->msg[q] =
		    _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(st->p + 16 * q)), byte_swap);
}

/* The round constants of quad @q, shared by all streams. */
SHANI_INLINE __m128i shani_k(unsigned q)
{
	return _mm_loadu_si128((const __m128i *)(verity_sha256_round_constants + 4 * q));
}

/* W + K of quad @q (rounds 4q .. 4q + 3). */
SHANI_INLINE __m128i shani_wk(const struct shani_stream *st, unsigned q, __m128i k)
{
	return _mm_add_epi32(st->msg[q & 3], k);
}

/* Rounds 4q .. 4q + 3 with @wk from shani_wk(); the words of quad q + 4 meanwhile. */
SHANI_INLINE void shani_quad(struct shani_stream *st, unsigned q, __m128i wk)
{
	__m128i *m = st->msg;

	if (q < 12) {
		/* W for quad q + 4, replacing quad q's words */
		__m128i t = _mm_sha256msg1_epu32(m[q & 3], m[(q + 1) & 3]);

		t = _mm_add_epi32(t, _mm_alignr_epi8(m[(q + 3) & 3], m[(q + 2) & 3], 4));
		m[q & 3] = _mm_sha256msg2_epu32(t, m[(q + 3) & 3]);
	}
	st->cdgh = _mm_sha256rnds2_epu32(st->cdgh, st->abef, wk);
	st->abef = _mm_sha256rnds2_epu32(st->abef, st->cdgh, _mm_shuffle_epi32(wk, 0x0e));
}

/* Quad @q of @streams (up to 4) streams: every W + K first, then the rounds. */
SHANI_INLINE void shani_quads(struct shani_stream st[], const unsigned streams, unsigned q)
{
	const __m128i k = shani_k(q);
	__m128i wk[4];

#pragma GCC unroll 4
	for (unsigned s = 0; s < streams; s++)
		wk[s] = shani_wk(&st[s], q, k);
#pragma GCC unroll 4
	for (unsigned s = 0; s < streams; s++)
		shani_quad(&st[s], q, wk[s]);
}

/* End a block: add the saved state, move to the next block. */
SHANI_INLINE void shani_block_end(struct shani_stream *st)
{
	st->abef = _mm_add_epi32(st->abef, st->abef_saved);
	st->cdgh = _mm_add_epi32(st->cdgh, st->cdgh_saved);
	st->p += VERITY_SHA256_BLOCK_SIZE;
}

#endif /* VERITY_SHA256_SHANI_H */
