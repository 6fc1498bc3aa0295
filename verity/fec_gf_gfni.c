/* SPDX-License-Identifier: MIT */
/*
 * Register-resident FEC encoder with GFNI. Multiplying by a constant of
 * GF(2^8) is linear over GF(2), an 8x8 bit matrix, which gf2p8affineqb
 * applies to every byte of a vector in one instruction. The encoder keeps
 * the whole parity of a column of codewords (one vector wide) in registers
 * while the LFSR runs over the k message rows, so parity touches memory once,
 * when the column is done.
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
#define VW              32
typedef __m256i vec;
#define V_LOAD(p)       _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define V_STORE(p, v)   _mm256_storeu_si256((__m256i *)(void *)(p), v)
#define V_ZERO()        _mm256_setzero_si256()
#define V_XOR(a, b)     _mm256_xor_si256(a, b)
#define V_XOR3(a, b, c) V_XOR(V_XOR(a, b), c)
#define V_SET1(m)       _mm256_set1_epi64x((long long)(m))
#define ENCODE          verity_gf_encode_gfni256
#define MUL_ADD         verity_gf_mul_add_gfni256
#define MUL             verity_gf_mul_gfni256
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

/*
 * One column of VW codewords with R (a compile-time constant) parity
 * registers: the LFSR of verity_rs_encode(), p<i> being parity byte i.
 * mat[i] multiplies by gen[i]. Named variables rather than an array: GCC
 * keeps those in registers, an array of 24 vectors it partly spills.
 */
#define P_DECL(i, i1, i2) vec p##i = V_ZERO()
/* One LFSR step: p<i> = p<i+1> ^ gen[R-1-i] fb while i + 1 < R; the last is gen[0] fb. */
#define P_STEP(i, i1, i2)                                                  \
	do {                                                               \
		if ((i) + 1 < R)                                           \
			p##i = V_XOR(p##i1, v_mul(fb, &mat[R - 1 - (i)])); \
		else if ((i) + 1 == R)                                     \
			p##i = v_mul(fb, &mat[0]);                         \
	} while (0)
/*
 * Two steps at once, feedbacks fb then fb2: each register takes both
 * products in one three-way xor, p<i> = p<i+2> ^ gen[R-2-i] fb ^
 * gen[R-1-i] fb2, and the last two as the single steps would leave them.
 */
#define P_STEP2(i, i1, i2)                                                     \
	do {                                                                   \
		if ((i) + 2 < R)                                               \
			p##i = V_XOR3(p##i2, v_mul(fb, &mat[R - 2 - (i)]),     \
			              v_mul(fb2, &mat[R - 1 - (i)]));          \
		else if ((i) + 2 == R)                                         \
			p##i = V_XOR(v_mul(fb, &mat[0]), v_mul(fb2, &mat[1])); \
		else if ((i) + 1 == R)                                         \
			p##i = v_mul(fb2, &mat[0]);                            \
	} while (0)
#define P_STORE(i, i1, i2)                     \
	do {                                   \
		if ((i) < R)                   \
			V_STORE(tmp[i], p##i); \
	} while (0)
#define P_ALL(X)       \
	X(0, 1, 2);    \
	X(1, 2, 3);    \
	X(2, 3, 4);    \
	X(3, 4, 5);    \
	X(4, 5, 6);    \
	X(5, 6, 7);    \
	X(6, 7, 8);    \
	X(7, 8, 9);    \
	X(8, 9, 10);   \
	X(9, 10, 11);  \
	X(10, 11, 12); \
	X(11, 12, 13); \
	X(12, 13, 14); \
	X(13, 14, 15); \
	X(14, 15, 16); \
	X(15, 16, 17); \
	X(16, 17, 18); \
	X(17, 18, 19); \
	X(18, 19, 20); \
	X(19, 20, 21); \
	X(20, 21, 22); \
	X(21, 22, 23); \
	X(22, 23, 23); \
	X(23, 23, 23)

static inline __attribute__((always_inline)) void
column(const uint8_t *const *rows, size_t c, const vec *mat, const unsigned R, uint8_t *out)
{
	uint8_t tmp[VERITY_FEC_MAX_ROOTS][VW] __attribute__((aligned(VW)));
	const unsigned k = VERITY_FEC_RSM - R;
	unsigned j = 0;

	P_ALL(P_DECL);
	if (k % 2) {
		vec fb = V_LOAD(rows[0] + c);

		P_ALL(P_STEP);
		j = 1;
	}
	for (; j < k; j += 2) {
		vec fb = V_XOR(V_LOAD(rows[j] + c), p0);
		vec fb2 = V_XOR3(V_LOAD(rows[j + 1] + c), p1, v_mul(fb, &mat[R - 1]));

		P_ALL(P_STEP2);
	}
	P_ALL(P_STORE);
	/* Codeword c's parity is contiguous in the output: transpose. */
	for (unsigned b = 0; b < VW; b++)
#pragma GCC unroll 24
		for (unsigned i = 0; i < R; i++)
			out[b * R + i] = tmp[i][b];
}

typedef void column_fn(const uint8_t *const *rows, size_t c, const vec *mat, uint8_t *out);

#define COLUMN(R)                                                                                  \
	static void column_##R(const uint8_t *const *rows, size_t c, const vec *mat, uint8_t *out) \
	{                                                                                          \
		column(rows, c, mat, R, out);                                                      \
	}
COLUMN(2)
COLUMN(3)
COLUMN(4)
COLUMN(5)
COLUMN(6)
COLUMN(7)
COLUMN(8)
COLUMN(9)
COLUMN(10)
COLUMN(11)
COLUMN(12)
COLUMN(13)
COLUMN(14)
COLUMN(15)
COLUMN(16)
COLUMN(17)
COLUMN(18)
COLUMN(19)
COLUMN(20)
COLUMN(21)
COLUMN(22)
COLUMN(23)
COLUMN(24)

static column_fn *const columns[VERITY_FEC_MAX_ROOTS + 1] = {
    NULL,      NULL,      column_2,  column_3,  column_4,  column_5,  column_6,
    column_7,  column_8,  column_9,  column_10, column_11, column_12, column_13,
    column_14, column_15, column_16, column_17, column_18, column_19, column_20,
    column_21, column_22, column_23, column_24,
};

void ENCODE(const struct verity_rs *rs, const uint8_t *const *rows, size_t len, uint8_t *parity)
{
	unsigned roots = rs->roots, k = VERITY_FEC_RSM - roots;
	vec mat[VERITY_FEC_MAX_ROOTS];
	size_t c = 0;

	for (unsigned i = 0; i < roots; i++)
		mat[i] = V_SET1(mul_matrix(rs->gen[i]));
	for (; c + VW <= len; c += VW)
		columns[roots](rows, c, mat, parity + c * roots);
	for (; c < len; c++) {
		uint8_t cw[VERITY_FEC_RSM];

		for (unsigned j = 0; j < k; j++)
			cw[j] = rows[j][c];
		verity_rs_encode(rs, cw, parity + c * roots);
	}
}
#else
typedef int verity_fec_gf_gfni_not_built; /* C11 wants a declaration */
#endif
