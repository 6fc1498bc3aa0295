/* SPDX-License-Identifier: MIT */
/*
 * Register-resident FEC encoder (fec_columns.h) with GFNI. Multiplying by
 * a constant of GF(2^8) is linear over GF(2), an 8x8 bit matrix, which
 * gf2p8affineqb applies to every byte of a vector in one instruction.
 *
 * This file is compiled twice, each time in a convenience library of its
 * own: with -mavx512f -mavx512bw -mgfni (64-byte columns, 32 registers) and
 * with -mavx2 -mgfni (32-byte columns, for CPUs with GFNI but no AVX-512).
 * The flags choose the variant; without them it compiles to nothing. Each
 * is called only when the CPU has what it needs (verity_gf_vector()).
 */
#include "verity/fec_rs.h"

#if defined(__x86_64__) && defined(__GFNI__) && (defined(__AVX512BW__) || defined(__AVX2__))
#include <immintrin.h>

#if defined(__AVX512BW__)
#define VW 64
typedef __m512i vec;
#define V_LOAD(p)       _mm512_loadu_si512((const void *)(p))
#define V_STORE(p, v)   _mm512_storeu_si512((void *)(p), v)
#define V_ZERO()        _mm512_setzero_si512()
#define V_XOR(a, b)     _mm512_xor_si512(a, b)
#define V_XOR3(a, b, c) _mm512_ternarylogic_epi64(a, b, c, 0x96)
#define V_SET1(m)       _mm512_set1_epi64((long long)(m))
#define ENCODE          verity_gf_encode_gfni512
#define MUL_ADD         verity_gf_mul_add_gfni512
#define MUL             verity_gf_mul_gfni512
#else
#include "verity/fec_ymm.h"
#define V_SET1(m) _mm256_set1_epi64x((long long)(m))
#define ENCODE    verity_gf_encode_gfni256
#define MUL_ADD   verity_gf_mul_add_gfni256
#define MUL       verity_gf_mul_gfni256
#endif

/*
 * x times the matrix in memory at *m. In assembly so the matrix stays a
 * memory operand: GCC loads the 24 matrices into registers and then spills
 * the parity around them.
 */
static inline __attribute__((always_inline)) vec v_mul(vec x, const vec *m)
{
	vec r;

	__asm__("vgf2p8affineqb $0, %2, %1, %0" : "=v"(r) : "v"(x), "m"(*m));
	return r;
}

/*
 * The bit matrix of multiplication by @c as gf2p8affineqb reads it: output
 * bit i is the parity of (byte 7 - i of the matrix) & x, and input bit j
 * contributes bit i of c * 2^j.
 */
static uint64_t mul_matrix(uint8_t c)
{
	uint64_t m = 0;

	for (unsigned j = 0; j < 8; j++) {
		uint8_t col = verity_gf_mul(c, (uint8_t)(1u << j));

		for (unsigned i = 0; i < 8; i++)
			if ((col >> i) & 1)
				m |= (uint64_t)1 << (8 * (7 - i) + j);
	}
	return m;
}

#define MAT_VECS 1

static void mul_table(uint8_t c, vec *t)
{
	*t = V_SET1(mul_matrix(c));
}

void MUL_ADD(uint8_t *dst, const uint8_t *src, size_t len, uint8_t c)
{
	vec m = V_SET1(mul_matrix(c));
	size_t i = 0;

	for (; i + VW <= len; i += VW)
		V_STORE(dst + i, V_XOR(V_LOAD(dst + i), v_mul(V_LOAD(src + i), &m)));
	for (; i < len; i++)
		dst[i] ^= verity_gf_mul(c, src[i]);
}

void MUL(uint8_t *buf, size_t len, uint8_t c)
{
	vec m = V_SET1(mul_matrix(c));
	size_t i = 0;

	for (; i + VW <= len; i += VW)
		V_STORE(buf + i, v_mul(V_LOAD(buf + i), &m));
	for (; i < len; i++)
		buf[i] = verity_gf_mul(c, buf[i]);
}

#include "verity/fec_columns.h"
#else
typedef int verity_fec_gf_gfni_not_built; /* C11 wants a declaration */
#endif
