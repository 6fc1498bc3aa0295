/* SPDX-License-Identifier: MIT */
/*
 * GF(2^8) multiply-accumulate for the FEC encoder with AVX2: the product
 * c * x is looked up by nibbles, c * (x & 15) ^ c * (x >> 4 << 4), with
 * two 16-entry tables (vpshufb), 32 bytes per step; the step of the
 * decoder's re-encoding and the register-resident format encoder.
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

/* Bytes of each row per tile of verity_gf_step_avx2(). */
#define FEC_TILE 256u

void verity_gf_step_avx2(uint8_t *const *vec, unsigned head, unsigned roots, const uint8_t *gen,
                         const uint8_t *msg, size_t len)
{
	__m256i tab[2 * VERITY_FEC_MAX_ROOTS], mask = _mm256_set1_epi8(0x0f);
	uint8_t *dst[VERITY_FEC_MAX_ROOTS], coef[VERITY_FEC_MAX_ROOTS];
	size_t c = 0;

	/* dst[0] is the feedback row; dst[i] takes gen[roots - i] fb. */
	for (unsigned i = 0; i < roots; i++) {
		dst[i] = vec[(head + i) % roots];
		coef[i] = i ? gen[roots - i] : gen[0];
		nibble_tables(coef[i], &tab[2 * i], &tab[2 * i + 1]);
	}
	/*
	 * By tiles: the rows are a power of two apart, so walking all of
	 * them 32 bytes at a time thrashes the L1 sets (roots 24 ran slower
	 * than separate passes); a tile's feedback nibbles are computed once
	 * and each row then takes its product over the tile.
	 */
	for (; c + FEC_TILE <= len; c += FEC_TILE) {
		__m256i lo[FEC_TILE / 32], hi[FEC_TILE / 32];

		for (unsigned t = 0; t < FEC_TILE / 32; t++) {
			__m256i fb = _mm256_xor_si256(
			    _mm256_loadu_si256((const __m256i *)(void *)(dst[0] + c + 32 * t)),
			    _mm256_loadu_si256((const __m256i *)(const void *)(msg + c + 32 * t)));

			lo[t] = _mm256_and_si256(fb, mask);
			hi[t] = _mm256_and_si256(_mm256_srli_epi64(fb, 4), mask);
		}
		for (unsigned i = 1; i < roots; i++) {
			__m256i tl = tab[2 * i], th = tab[2 * i + 1];

			for (unsigned t = 0; t < FEC_TILE / 32; t++) {
				__m256i *p = (__m256i *)(void *)(dst[i] + c + 32 * t);
				__m256i d = _mm256_loadu_si256(p);

				d = _mm256_xor_si256(
				    d, _mm256_xor_si256(_mm256_shuffle_epi8(tl, lo[t]),
				                        _mm256_shuffle_epi8(th, hi[t])));
				_mm256_storeu_si256(p, d);
			}
		}
		for (unsigned t = 0; t < FEC_TILE / 32; t++)
			_mm256_storeu_si256((__m256i *)(void *)(dst[0] + c + 32 * t),
			                    _mm256_xor_si256(_mm256_shuffle_epi8(tab[0], lo[t]),
			                                     _mm256_shuffle_epi8(tab[1], hi[t])));
	}
	for (; c < len; c++) {
		uint8_t fb = (uint8_t)(dst[0][c] ^ msg[c]);

		for (unsigned i = 1; i < roots; i++)
			dst[i][c] ^= verity_gf_mul(coef[i], fb);
		dst[0][c] = verity_gf_mul(coef[0], fb);
	}
}

/*
 * The register-resident encoder (fec_columns.h) with the nibble tables:
 * 16 registers hold the parity of up to about 10 roots, more spill to the
 * stack, which still beats walking the parity rows in L2 per step.
 */
#include "verity/fec_ymm.h"
#define ENCODE   verity_gf_encode_avx2
#define MAT_VECS 2

static void mul_table(uint8_t c, vec *t)
{
	nibble_tables(c, &t[0], &t[1]);
}

/*
 * c x with the tables loaded at each use (volatile: not hoisted out of the
 * loop, where 48 tables would push the parity out of the registers).
 */
static inline __attribute__((always_inline)) vec v_mul(vec x, const vec *t)
{
	__m256i lo, hi;

	__asm__ volatile("vmovdqu %1, %0" : "=x"(lo) : "m"(t[0]));
	__asm__ volatile("vmovdqu %1, %0" : "=x"(hi) : "m"(t[1]));
	return mul32(x, lo, hi, _mm256_set1_epi8(0x0f));
}

#include "verity/fec_columns.h"
#else
typedef int verity_fec_gf_avx2_not_built; /* C11 wants a declaration */
#endif
