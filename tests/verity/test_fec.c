/* SPDX-License-Identifier: MIT */
/*
 * Reed-Solomon codec of dm-verity FEC: known properties (codewords have
 * zero syndromes, correction up to capacity with errors and erasures) and,
 * where Phil Karn's libfec is installed, agreement with its
 * encode_rs_char/decode_rs_char on random codewords with random errors and
 * erasures up to and past capacity: same parity, same verdict, same output.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "verity/fec_internal.h"

#ifdef HAVE_LIBFEC
#include <fec.h>
#endif

/* xorshift: reproducible without touching the C library's rand() state */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void random_codeword(const struct verity_rs *rs, uint8_t cw[255])
{
	for (unsigned i = 0; i < 255 - rs->roots; i++)
		cw[i] = (uint8_t)rnd();
	verity_rs_encode(rs, cw, cw + 255 - rs->roots);
}

/* Distinct random positions. */
static void pick_positions(uint8_t *pos, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		bool again;

		do {
			pos[i] = (uint8_t)(rnd() % 255);
			again = false;
			for (unsigned j = 0; j < i; j++)
				again |= pos[j] == pos[i];
		} while (again);
	}
}

Test(fec_rs, bad_roots)
{
	struct verity_rs rs;

	cr_assert_eq(verity_rs_init(&rs, 1), VERITY_E_FEC_BAD_ROOTS);
	cr_assert_eq(verity_rs_init(&rs, 25), VERITY_E_FEC_BAD_ROOTS);
	cr_assert_eq(verity_rs_init(&rs, 2), 0);
}

Test(fec_rs, clean_codeword_decodes_to_zero)
{
	for (unsigned roots = 2; roots <= 24; roots++) {
		struct verity_rs rs;
		uint8_t cw[255], copy[255];

		cr_assert_eq(verity_rs_init(&rs, roots), 0);
		random_codeword(&rs, cw);
		memcpy(copy, cw, sizeof(cw));
		cr_assert_eq(verity_rs_decode(&rs, cw, NULL, 0), 0);
		cr_assert_arr_eq(cw, copy, 255);
	}
}

/* 2 x errors + erasures <= roots is always corrected, to the original. */
Test(fec_rs, corrects_within_capacity)
{
	for (unsigned roots = 2; roots <= 24; roots++) {
		struct verity_rs rs;

		cr_assert_eq(verity_rs_init(&rs, roots), 0);
		for (int trial = 0; trial < 200; trial++) {
			uint8_t cw[255], orig[255], pos[24];
			unsigned eras = rnd() % (roots + 1), errs = (roots - eras) / 2;
			int ret;

			random_codeword(&rs, orig);
			memcpy(cw, orig, sizeof(cw));
			pick_positions(pos, eras + errs);
			for (unsigned i = 0; i < eras + errs; i++)
				cw[pos[i]] ^= (uint8_t)(1 + rnd() % 255);
			ret = verity_rs_decode(&rs, cw, pos + errs, eras);
			cr_assert_geq(ret, 0, "roots %u errs %u eras %u: %d", roots, errs, eras,
			              ret);
			cr_assert_arr_eq(cw, orig, 255);
		}
	}
}

Test(fec_rs, refuses_bad_arguments)
{
	struct verity_rs rs;
	uint8_t cw[255] = {0}, pos[3] = {0, 1, 255};

	cr_assert_eq(verity_rs_init(&rs, 2), 0);
	cr_assert_eq(verity_rs_decode(&rs, cw, pos, 3), VERITY_E_INVAL);
	cr_assert_eq(verity_rs_decode(&rs, cw, pos + 1, 2), VERITY_E_INVAL);
	cr_assert_eq(verity_rs_decode(&rs, cw, NULL, 1), VERITY_E_INVAL);
}

/* The vector encoder is the scalar encoder run on many codewords at once. */
Test(fec_rs, vector_ops_match_scalar)
{
	uint8_t a[300], b[300], c[300];

	for (unsigned i = 0; i < sizeof(a); i++) {
		a[i] = (uint8_t)rnd();
		b[i] = (uint8_t)rnd();
	}
	for (unsigned coef = 0; coef < 256; coef += 17) {
		uint8_t row[256];

		for (unsigned v = 0; v < 256; v++)
			row[v] = verity_gf_mul((uint8_t)coef, (uint8_t)v);
		memcpy(c, b, sizeof(c));
		verity_gf_mul_add(c, a, sizeof(a), row);
		for (unsigned i = 0; i < sizeof(a); i++)
			cr_assert_eq(c[i], b[i] ^ verity_gf_mul((uint8_t)coef, a[i]));
		verity_gf_mul_inplace(c, sizeof(c), row);
		cr_assert_eq(c[7], verity_gf_mul((uint8_t)coef, (uint8_t)(b[7] ^ row[a[7]])));
	}
}

#ifdef HAVE_LIBFEC
/*
 * Random errors (0 .. roots + 2) and erasures (0 .. roots, some on errors,
 * some on good symbols): libverity and libfec must both correct (to the same
 * codeword, counting the same symbols) or both refuse.
 */
Test(fec_rs, agrees_with_libfec)
{
	unsigned refused = 0, corrected = 0;

	for (unsigned roots = 2; roots <= 24; roots++) {
		struct verity_rs rs;
		void *karn = init_rs_char(8, 0x11d, 0, 1, (int)roots, 0);

		cr_assert_not_null(karn);
		cr_assert_eq(verity_rs_init(&rs, roots), 0);
		for (int trial = 0; trial < 3000; trial++) {
			uint8_t cw[255], ours[255], theirs[255], pos[255], par[24];
			int eras_pos[24];
			unsigned errs = rnd() % (roots + 3), eras = rnd() % (roots + 1);
			unsigned on_errors = eras < errs ? rnd() % (eras + 1) : rnd() % (errs + 1);
			int a, b;

			random_codeword(&rs, cw);
			encode_rs_char(karn, cw, par);
			cr_assert_arr_eq(par, cw + 255 - roots, roots, "parity differs, roots %u",
			                 roots);
			pick_positions(pos, errs + eras);
			for (unsigned i = 0; i < errs; i++)
				cw[pos[i]] ^= (uint8_t)(1 + rnd() % 255);
			/* erasures: the first on_errors on real errors, the rest elsewhere */
			for (unsigned i = 0; i < eras; i++)
				pos[errs + i] = i < on_errors ? pos[i] : pos[errs + i];
			for (unsigned i = 0; i < eras; i++)
				eras_pos[i] = pos[errs + i];
			memcpy(ours, cw, sizeof(cw));
			memcpy(theirs, cw, sizeof(cw));
			a = verity_rs_decode(&rs, ours, pos + errs, eras);
			b = decode_rs_char(karn, theirs, eras_pos, (int)eras);
			cr_assert_eq(a >= 0, b >= 0, "roots %u errs %u eras %u: ours %d libfec %d",
			             roots, errs, eras, a, b);
			if (a >= 0) {
				cr_assert_eq(a, b, "roots %u errs %u eras %u on %u: count %d vs %d",
				             roots, errs, eras, on_errors, a, b);
				cr_assert_arr_eq(ours, theirs, 255, "roots %u: outputs differ",
				                 roots);
				corrected++;
			} else {
				cr_assert_eq(a, VERITY_E_FEC_UNCORRECTABLE);
				cr_assert_arr_eq(ours, cw, 255, "a refused codeword was changed");
				refused++;
			}
		}
		free_rs_char(karn);
	}
	/* both outcomes were exercised */
	cr_assert_gt(refused, 1000);
	cr_assert_gt(corrected, 1000);
}
#endif
