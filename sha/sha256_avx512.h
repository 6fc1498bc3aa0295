/* SPDX-License-Identifier: MIT */
/*
 * The pieces of the AVX-512 16-lane code that more than one block function
 * uses (sha256_avx512.c, and the hybrid in sha256_hybrid.c). Include only
 * from files compiled with -mavx512f -mavx512vl -mavx512bw.
 *
 * Each 32-bit lane of a zmm register carries one message. vprold rotates in
 * one instruction and vpternlogd folds Ch, Maj and three-way xors into one,
 * so a round costs about half the instructions of the AVX2 version on twice
 * the lanes.
 */
#ifndef VERITY_SHA256_AVX512_H
#define VERITY_SHA256_AVX512_H

#include <immintrin.h>

#include "impl.h"

#define AVX512_LANES  16
#define AVX512_INLINE static inline __attribute__((always_inline))

/* vpternlogd truth tables, operands (x, y, z) -> bit 4x + 2y + z */
#define TL_XOR3 0x96 /* x ^ y ^ z */
#define TL_CH   0xca /* x ? y : z */
#define TL_MAJ  0xe8 /* at least two of x, y, z */

#define ADD(a, b)     _mm512_add_epi32(a, b)
#define ROR(x, n)     _mm512_ror_epi32(x, n)
#define XOR3(x, y, z) _mm512_ternarylogic_epi32(x, y, z, TL_XOR3)

#define BIG_SIGMA0(x)   XOR3(ROR(x, 2), ROR(x, 13), ROR(x, 22))
#define BIG_SIGMA1(x)   XOR3(ROR(x, 6), ROR(x, 11), ROR(x, 25))
#define SMALL_SIGMA0(x) XOR3(ROR(x, 7), ROR(x, 18), _mm512_srli_epi32(x, 3))
#define SMALL_SIGMA1(x) XOR3(ROR(x, 17), ROR(x, 19), _mm512_srli_epi32(x, 10))

/*
 * Every op here has a latency of about two cycles, so a round costs what its
 * longest chain from the previous round's e and a costs. Summed so that
 * the next e waits on e for one rotate, one ternlog and one add
 * (d + h + K + W does not wait for e at all, Ch joins before Sigma1 is
 * ready), and the next a waits on a for Sigma0 and one add. GCC would
 * otherwise reassociate the sums into a longer chain; the empty asm makes a
 * partial sum opaque so that it is computed as written.
 */
#define PIN(x) __asm__("" : "+v"(x))
#define ROUND(a, b, c, d, e, f, g, h, i)                                                          \
	do {                                                                                      \
		__m512i hkw_ = ADD(                                                               \
		    ADD(h, _mm512_set1_epi32((int)verity_sha256_round_constants[i])), w[(i)&15]); \
		__m512i ch_ = _mm512_ternarylogic_epi32(e, f, g, TL_CH);                          \
		__m512i s1_ = BIG_SIGMA1(e);                                                      \
		__m512i t1_ = ADD(hkw_, ch_);                                                     \
		__m512i m_;                                                                       \
		d = ADD(d, hkw_);                                                                 \
		PIN(d);                                                                           \
		d = ADD(d, ch_);                                                                  \
		PIN(d);                                                                           \
		d = ADD(d, s1_);                                                                  \
		t1_ = ADD(t1_, s1_);                                                              \
		m_ = ADD(_mm512_ternarylogic_epi32(a, b, c, TL_MAJ), t1_);                        \
		PIN(m_);                                                                          \
		h = ADD(m_, BIG_SIGMA0(a));                                                       \
	} while (0)

#define EXPAND(i)                                                        \
	(w[(i)&15] = ADD(ADD(w[(i)&15], SMALL_SIGMA0(w[((i)-15) & 15])), \
	                 ADD(w[((i)-7) & 15], SMALL_SIGMA1(w[((i)-2) & 15]))))

/* 16x16 transpose of 32-bit elements: row r element c becomes row c element r. */
AVX512_INLINE void transpose16(__m512i r[16])
{
	__m512i t[16], u[16];

#pragma GCC unroll 16
	for (int k = 0; k < 8; k++) {
		t[2 * k] = _mm512_unpacklo_epi32(r[2 * k], r[2 * k + 1]);
		t[2 * k + 1] = _mm512_unpackhi_epi32(r[2 * k], r[2 * k + 1]);
	}
	/* u[4m + c], 128-bit part j: column 4j + c of rows 4m .. 4m + 3 */
#pragma GCC unroll 16
	for (int m = 0; m < 4; m++) {
		u[4 * m + 0] = _mm512_unpacklo_epi64(t[4 * m], t[4 * m + 2]);
		u[4 * m + 1] = _mm512_unpackhi_epi64(t[4 * m], t[4 * m + 2]);
		u[4 * m + 2] = _mm512_unpacklo_epi64(t[4 * m + 1], t[4 * m + 3]);
		u[4 * m + 3] = _mm512_unpackhi_epi64(t[4 * m + 1], t[4 * m + 3]);
	}
	/* then a 4x4 transpose of 128-bit parts */
#pragma GCC unroll 16
	for (int c = 0; c < 4; c++) {
		__m512i v0 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0x44);
		__m512i v1 = _mm512_shuffle_i32x4(u[c], u[4 + c], 0xee);
		__m512i v2 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0x44);
		__m512i v3 = _mm512_shuffle_i32x4(u[8 + c], u[12 + c], 0xee);

		r[c] = _mm512_shuffle_i32x4(v0, v2, 0x88);
		r[4 + c] = _mm512_shuffle_i32x4(v0, v2, 0xdd);
		r[8 + c] = _mm512_shuffle_i32x4(v1, v3, 0x88);
		r[12 + c] = _mm512_shuffle_i32x4(v1, v3, 0xdd);
	}
}

/* The working variables a..h of all lanes, and the message schedule. */
struct avx512_lanes {
	__m512i s[16]; /* s[j], j < 8: word j of the state of every lane */
	__m512i v[8];  /* a..h while a block is in flight */
	__m512i w[16]; /* W[i] of every lane at w[i & 15] */
	const uint8_t *p[AVX512_LANES];
};

AVX512_INLINE void avx512_load_state(struct avx512_lanes *x, uint32_t state[][8],
                                     const uint8_t *const data[])
{
	/* Rows 8..15 of the result are unused: the state is 8 words per lane. */
#pragma GCC unroll 16
	for (int l = 0; l < AVX512_LANES; l++) {
		x->s[l] = _mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)state[l]));
		x->p[l] = data[l];
	}
	transpose16(x->s);
}

AVX512_INLINE void avx512_store_state(uint32_t state[][8], struct avx512_lanes *x)
{
#pragma GCC unroll 8
	for (int j = 8; j < 16; j++)
		x->s[j] = _mm512_setzero_si512();
	transpose16(x->s);
#pragma GCC unroll 16
	for (int l = 0; l < AVX512_LANES; l++)
		_mm256_storeu_si256((__m256i *)state[l], _mm512_castsi512_si256(x->s[l]));
}

/* Start a block: the working variables from the state, W[0..15] from the data. */
AVX512_INLINE void avx512_block_start(struct avx512_lanes *x)
{
	const __m512i byte_swap = _mm512_set4_epi32(0x0c0d0e0f, 0x08090a0b, 0x04050607, 0x00010203);

#pragma GCC unroll 8
	for (int j = 0; j < 8; j++)
		x->v[j] = x->s[j];
#pragma GCC unroll 16
	for (int l = 0; l < AVX512_LANES; l++)
		x->w[l] = _mm512_shuffle_epi8(_mm512_loadu_si512(x->p[l]), byte_swap);
	transpose16(x->w);
}

/* Rounds @i .. @i + 7 (@i a multiple of 8), expanding W for them first. */
AVX512_INLINE void avx512_rounds8(struct avx512_lanes *x, int i)
{
	__m512i a = x->v[0], b = x->v[1], c = x->v[2], d = x->v[3];
	__m512i e = x->v[4], f = x->v[5], g = x->v[6], h = x->v[7];
	__m512i *w = x->w;

	if (i >= 16) {
#pragma GCC unroll 8
		for (int j = i; j < i + 8; j++)
			EXPAND(j);
	}
	ROUND(a, b, c, d, e, f, g, h, i + 0);
	ROUND(h, a, b, c, d, e, f, g, i + 1);
	ROUND(g, h, a, b, c, d, e, f, i + 2);
	ROUND(f, g, h, a, b, c, d, e, i + 3);
	ROUND(e, f, g, h, a, b, c, d, i + 4);
	ROUND(d, e, f, g, h, a, b, c, i + 5);
	ROUND(c, d, e, f, g, h, a, b, i + 6);
	ROUND(b, c, d, e, f, g, h, a, i + 7);
	x->v[0] = a, x->v[1] = b, x->v[2] = c, x->v[3] = d;
	x->v[4] = e, x->v[5] = f, x->v[6] = g, x->v[7] = h;
}

/* End a block: add the working variables into the state, move to the next block. */
AVX512_INLINE void avx512_block_end(struct avx512_lanes *x)
{
#pragma GCC unroll 8
	for (int j = 0; j < 8; j++)
		x->s[j] = ADD(x->s[j], x->v[j]);
#pragma GCC unroll 16
	for (int l = 0; l < AVX512_LANES; l++)
		x->p[l] += VERITY_SHA256_BLOCK_SIZE;
}

#endif /* VERITY_SHA256_AVX512_H */
