/* SPDX-License-Identifier: MIT */
/*
 * The register-resident FEC encoder, as a template for the files compiled
 * with ISA flags (fec_gf_gfni.c, fec_gf_avx2.c): the whole parity of a
 * column of VW codewords stays in vector registers while the LFSR runs over
 * the k message rows, so parity touches memory once, when the column is
 * done. Named variables rather than an array (GCC keeps those in registers,
 * an array of 24 vectors it partly spills), one function per roots value
 * so that every loop over the parity unrolls.
 *
 * The includer defines: VW (bytes per vector), vec, V_LOAD, V_STORE,
 * V_ZERO, V_XOR, V_XOR3 (three-way xor), ENCODE (the function's name),
 * MAT_VECS (vectors per coefficient's multiplication table),
 * mul_table(c, vec *t) filling them and v_mul(x, const vec *t) = c x.
 */
#ifndef VERITY_FEC_COLUMNS_H
#define VERITY_FEC_COLUMNS_H

/* Coefficient gen[i]'s multiplication table. */
#define COEF(i) (&mat[MAT_VECS * (i)])

#define P_DECL(i, i1, i2) vec p##i = V_ZERO()
/* One LFSR step: p<i> = p<i+1> ^ gen[R-1-i] fb while i + 1 < R; the last is gen[0] fb. */
#define P_STEP(i, i1, i2)                                                  \
	do {                                                               \
		if ((i) + 1 < R)                                           \
			p##i = V_XOR(p##i1, v_mul(fb, COEF(R - 1 - (i)))); \
		else if ((i) + 1 == R)                                     \
			p##i = v_mul(fb, COEF(0));                         \
	} while (0)
/*
 * Two steps at once, feedbacks fb then fb2: each register takes both
 * products in one three-way xor, p<i> = p<i+2> ^ gen[R-2-i] fb ^
 * gen[R-1-i] fb2, and the last two as the single steps would leave them.
 */
#define P_STEP2(i, i1, i2)                                                     \
	do {                                                                   \
		if ((i) + 2 < R)                                               \
			p##i = V_XOR3(p##i2, v_mul(fb, COEF(R - 2 - (i))),     \
			              v_mul(fb2, COEF(R - 1 - (i))));          \
		else if ((i) + 2 == R)                                         \
			p##i = V_XOR(v_mul(fb, COEF(0)), v_mul(fb2, COEF(1))); \
		else if ((i) + 1 == R)                                         \
			p##i = v_mul(fb2, COEF(0));                            \
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

/*
 * One column with R (a compile-time constant) parity registers: the LFSR
 * of verity_rs_encode(), p<i> being parity byte i, two message rows per
 * iteration.
 */
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
		vec fb2 = V_XOR3(V_LOAD(rows[j + 1] + c), p1, v_mul(fb, COEF(R - 1)));

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
	vec mat[MAT_VECS * VERITY_FEC_MAX_ROOTS];
	size_t c = 0;

	for (unsigned i = 0; i < roots; i++)
		mul_table(rs->gen[i], &mat[MAT_VECS * i]);
	for (; c + VW <= len; c += VW)
		columns[roots](rows, c, mat, parity + c * roots);
	for (; c < len; c++) {
		uint8_t cw[VERITY_FEC_RSM];

		for (unsigned j = 0; j < k; j++)
			cw[j] = rows[j][c];
		verity_rs_encode(rs, cw, parity + c * roots);
	}
}
#endif /* VERITY_FEC_COLUMNS_H */
