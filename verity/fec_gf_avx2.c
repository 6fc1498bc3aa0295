/* SPDX-License-Identifier: MIT */
/*
 * GF(2^8) multiply-accumulate for the FEC encoder with AVX2: the product
 * c * x is looked up by nibbles, c * (x & 15) ^ c * (x >> 4 << 4), with
 * two 16-entry tables held in registers (vpshufb), 32 bytes per step.
 * Compiled with -mavx2 only; called only when the CPU has AVX2. Empty
 * anywhere else (other architectures, or a compile without -mavx2).
 */
#include "verity/fec_rs.h"

#if defined(__x86_64__) && defined(__AVX2__)
#include <immintrin.h>

static void nibble_tables(uint8_t c, __m256i *lo, __m256i *hi)
{
	uint8_t l[16], h[16];

	for (unsigned i = 0; i < 16; i++) {
		l[i] = verity_gf_mul(c, (uint8_t)i);
		h[i] = verity_gf_mul(c, (uint8_t)(i << 4));
	}
	*lo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)l));
	*hi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)h));
}

static inline __m256i mul32(__m256i x, __m256i lo, __m256i hi, __m256i mask)
{
	__m256i a = _mm256_shuffle_epi8(lo, _mm256_and_si256(x, mask));
	__m256i b = _mm256_shuffle_epi8(hi, _mm256_and_si256(_mm256_srli_epi64(x, 4), mask));

	return _mm256_xor_si256(a, b);
}

void verity_gf_mul_add_avx2(uint8_t *dst, const uint8_t *src, size_t len, uint8_t c)
{
	__m256i lo, hi, mask = _mm256_set1_epi8(0x0f);
	size_t i = 0;

	nibble_tables(c, &lo, &hi);
	for (; i + 32 <= len; i += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(src + i));
		__m256i d = _mm256_loadu_si256((const __m256i *)(void *)(dst + i));

		_mm256_storeu_si256((__m256i *)(void *)(dst + i),
		                    _mm256_xor_si256(d, mul32(x, lo, hi, mask)));
	}
	for (; i < len; i++)
		dst[i] ^= verity_gf_mul(c, src[i]);
}

void verity_gf_mul_avx2(uint8_t *buf, size_t len, uint8_t c)
{
	__m256i lo, hi, mask = _mm256_set1_epi8(0x0f);
	size_t i = 0;

	nibble_tables(c, &lo, &hi);
	for (; i + 32 <= len; i += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(void *)(buf + i));

		_mm256_storeu_si256((__m256i *)(void *)(buf + i), mul32(x, lo, hi, mask));
	}
	for (; i < len; i++)
		buf[i] = verity_gf_mul(c, buf[i]);
}
#else
typedef int verity_fec_gf_avx2_not_built; /* C11 wants a declaration */
#endif
