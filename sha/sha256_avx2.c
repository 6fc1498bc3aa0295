/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 on eight independent messages at once with AVX2: each 32-bit lane
 * of a ymm register carries one message's working variable, so one round of
 * plain FIPS 180-4 arithmetic advances all eight. Compiled with -mavx2 only;
 * dispatch.c calls it only after verity_cpu_has_avx2().
 */
#include <immintrin.h>

#include "impl.h"

#define LANES 8

#define ADD(a, b) _mm256_add_epi32(a, b)
#define XOR(a, b) _mm256_xor_si256(a, b)
#define SHR(x, n) _mm256_srli_epi32(x, n)
#define SHL(x, n) _mm256_slli_epi32(x, n)

/*
 * Without a rotate instruction each rotation is two shifts; the six shifts
 * of a Sigma run in parallel and a balanced xor tree joins them (the shifted
 * parts never overlap, so xor works where or would).
 */
#define BIG_SIGMA0(x)                                                     \
	XOR(XOR(XOR(SHR(x, 2), SHL(x, 30)), XOR(SHR(x, 13), SHL(x, 19))), \
	    XOR(SHR(x, 22), SHL(x, 10)))
#define BIG_SIGMA1(x)                                                     \
	XOR(XOR(XOR(SHR(x, 6), SHL(x, 26)), XOR(SHR(x, 11), SHL(x, 21))), \
	    XOR(SHR(x, 25), SHL(x, 7)))
#define SMALL_SIGMA0(x) XOR(XOR(XOR(SHR(x, 7), SHL(x, 25)), XOR(SHR(x, 18), SHL(x, 14))), SHR(x, 3))
#define SMALL_SIGMA1(x) \
	XOR(XOR(XOR(SHR(x, 17), SHL(x, 15)), XOR(SHR(x, 19), SHL(x, 13))), SHR(x, 10))
/* (e & f) ^ (~e & g) */
#define CH(e, f, g) XOR(_mm256_and_si256(XOR(f, g), e), g)

/*
 * Each op has a latency of one or two cycles, so a round costs what its
 * longest chain from the previous round's e and a costs. Summed so that
 * d + h + K + W does not wait for e, Ch joins before Sigma1 is ready, and
 * the next a waits on a only for Sigma0 and one add. GCC would otherwise
 * reassociate the sums into a longer chain; the empty asm makes a partial
 * sum opaque so that it is computed as written.
 *
 * Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)); this round's a ^ b is the next
 * round's b ^ c, so each round computes one xor instead of two.
 */
#define PIN(x) __asm__("" : "+x"(x))
#define ROUND(a, b, c, d, e, f, g, h, i)                                                          \
	do {                                                                                      \
		__m256i hkw_ = ADD(                                                               \
		    ADD(h, _mm256_set1_epi32((int)verity_sha256_round_constants[i])), w[(i)&15]); \
		__m256i ch_ = CH(e, f, g);                                                        \
		__m256i s1_ = BIG_SIGMA1(e);                                                      \
		__m256i t1_ = ADD(hkw_, ch_);                                                     \
		__m256i ab_ = XOR(a, b);                                                          \
		__m256i m_;                                                                       \
		d = ADD(d, hkw_);                                                                 \
		PIN(d);                                                                           \
		d = ADD(d, ch_);                                                                  \
		PIN(d);                                                                           \
		d = ADD(d, s1_);                                                                  \
		t1_ = ADD(t1_, s1_);                                                              \
		m_ = ADD(XOR(b, _mm256_and_si256(ab_, bc)), t1_);                                 \
		PIN(m_);                                                                          \
		bc = ab_;                                                                         \
		h = ADD(m_, BIG_SIGMA0(a));                                                       \
	} while (0)

#define EXPAND(i)                                                        \
	(w[(i)&15] = ADD(ADD(w[(i)&15], SMALL_SIGMA0(w[((i)-15) & 15])), \
	                 ADD(w[((i)-7) & 15], SMALL_SIGMA1(w[((i)-2) & 15]))))

/* 8x8 transpose of 32-bit elements: row r element c becomes row c element r. */
static inline __attribute__((always_inline)) void transpose8(__m256i r[8])
{
	__m256i t[8], u[8];

#pragma GCC unroll 16
	for (int k = 0; k < 4; k++) {
		t[2 * k] = _mm256_unpacklo_epi32(r[2 * k], r[2 * k + 1]);
		t[2 * k + 1] = _mm256_unpackhi_epi32(r[2 * k], r[2 * k + 1]);
	}
#pragma GCC unroll 16
	for (int k = 0; k < 2; k++) {
		u[4 * k + 0] = _mm256_unpacklo_epi64(t[4 * k], t[4 * k + 2]);
		u[4 * k + 1] = _mm256_unpackhi_epi64(t[4 * k], t[4 * k + 2]);
		u[4 * k + 2] = _mm256_unpacklo_epi64(t[4 * k + 1], t[4 * k + 3]);
		u[4 * k + 3] = _mm256_unpackhi_epi64(t[4 * k + 1], t[4 * k + 3]);
	}
#pragma GCC unroll 16
	for (int c = 0; c < 4; c++) {
		r[c] = _mm256_permute2x128_si256(u[c], u[4 + c], 0x20);
		r[4 + c] = _mm256_permute2x128_si256(u[c], u[4 + c], 0x31);
	}
}

/* Message words 8 * half .. 8 * half + 7 of every lane, big-endian, as columns. */
static inline __attribute__((always_inline)) void
load_words(__m256i w[8], const uint8_t *const p[LANES], size_t offset)
{
	const __m256i byte_swap = _mm256_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll,
	                                            0x0c0d0e0f08090a0bll, 0x0405060700010203ll);

#pragma GCC unroll 16
	for (int l = 0; l < LANES; l++)
		w[l] = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(p[l] + offset)),
		                           byte_swap);
	transpose8(w);
}

void verity_sha256_blocks_avx2_x8(uint32_t state[][8], const uint8_t *const data[], size_t nblocks)
{
	__m256i s[8], w[16];
	const uint8_t *p[LANES];

#pragma GCC unroll 16
	for (int l = 0; l < LANES; l++) {
		s[l] = _mm256_loadu_si256((const __m256i *)state[l]);
		p[l] = data[l];
	}
	transpose8(s); /* now s[j] holds word j of every lane */

	while (nblocks--) {
		__m256i a = s[0], b = s[1], c = s[2], d = s[3];
		__m256i e = s[4], f = s[5], g = s[6], h = s[7];
		__m256i bc = XOR(b, c);

		load_words(w, p, 0);
		load_words(w + 8, p, 32);
#pragma GCC unroll 8
		for (int i = 0; i < 64; i += 8) {
			if (i >= 16) {
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
		}
		s[0] = ADD(s[0], a);
		s[1] = ADD(s[1], b);
		s[2] = ADD(s[2], c);
		s[3] = ADD(s[3], d);
		s[4] = ADD(s[4], e);
		s[5] = ADD(s[5], f);
		s[6] = ADD(s[6], g);
		s[7] = ADD(s[7], h);
#pragma GCC unroll 16
		for (int l = 0; l < LANES; l++)
			p[l] += VERITY_SHA256_BLOCK_SIZE;
	}

	transpose8(s);
#pragma GCC unroll 16
	for (int l = 0; l < LANES; l++)
		_mm256_storeu_si256((__m256i *)state[l], s[l]);
}
