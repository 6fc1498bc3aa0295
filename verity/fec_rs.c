/* SPDX-License-Identifier: MIT */
/*
 * Reed-Solomon codec of dm-verity FEC (see fec_rs.h). Table driven: log and
 * antilog tables of GF(2^8) with polynomial 0x11d, generated once and
 * checked in, so the core needs neither initialisation nor writable state.
 */
#ifdef HAVE_CONFIG_H
#include "config.h" /* HAVE_SHA256_AVX2, HAVE_FEC_GFNI*: what the compiler takes */
#endif

#include <string.h>

#include "verity/fec_rs.h"
#if defined(__x86_64__)
#include "sha/impl.h"
#endif

/* gf_exp[i] = alpha^i for 0 <= i < 512 (doubled: sums of two logs need no reduction). */
static const uint8_t gf_exp[512] = {
    1,   2,   4,   8,   16,  32,  64,  128, 29,  58,  116, 232, 205, 135, 19,  38,  76,  152, 45,
    90,  180, 117, 234, 201, 143, 3,   6,   12,  24,  48,  96,  192, 157, 39,  78,  156, 37,  74,
    148, 53,  106, 212, 181, 119, 238, 193, 159, 35,  70,  140, 5,   10,  20,  40,  80,  160, 93,
    186, 105, 210, 185, 111, 222, 161, 95,  190, 97,  194, 153, 47,  94,  188, 101, 202, 137, 15,
    30,  60,  120, 240, 253, 231, 211, 187, 107, 214, 177, 127, 254, 225, 223, 163, 91,  182, 113,
    226, 217, 175, 67,  134, 17,  34,  68,  136, 13,  26,  52,  104, 208, 189, 103, 206, 129, 31,
    62,  124, 248, 237, 199, 147, 59,  118, 236, 197, 151, 51,  102, 204, 133, 23,  46,  92,  184,
    109, 218, 169, 79,  158, 33,  66,  132, 21,  42,  84,  168, 77,  154, 41,  82,  164, 85,  170,
    73,  146, 57,  114, 228, 213, 183, 115, 230, 209, 191, 99,  198, 145, 63,  126, 252, 229, 215,
    179, 123, 246, 241, 255, 227, 219, 171, 75,  150, 49,  98,  196, 149, 55,  110, 220, 165, 87,
    174, 65,  130, 25,  50,  100, 200, 141, 7,   14,  28,  56,  112, 224, 221, 167, 83,  166, 81,
    162, 89,  178, 121, 242, 249, 239, 195, 155, 43,  86,  172, 69,  138, 9,   18,  36,  72,  144,
    61,  122, 244, 245, 247, 243, 251, 235, 203, 139, 11,  22,  44,  88,  176, 125, 250, 233, 207,
    131, 27,  54,  108, 216, 173, 71,  142, 1,   2,   4,   8,   16,  32,  64,  128, 29,  58,  116,
    232, 205, 135, 19,  38,  76,  152, 45,  90,  180, 117, 234, 201, 143, 3,   6,   12,  24,  48,
    96,  192, 157, 39,  78,  156, 37,  74,  148, 53,  106, 212, 181, 119, 238, 193, 159, 35,  70,
    140, 5,   10,  20,  40,  80,  160, 93,  186, 105, 210, 185, 111, 222, 161, 95,  190, 97,  194,
    153, 47,  94,  188, 101, 202, 137, 15,  30,  60,  120, 240, 253, 231, 211, 187, 107, 214, 177,
    127, 254, 225, 223, 163, 91,  182, 113, 226, 217, 175, 67,  134, 17,  34,  68,  136, 13,  26,
    52,  104, 208, 189, 103, 206, 129, 31,  62,  124, 248, 237, 199, 147, 59,  118, 236, 197, 151,
    51,  102, 204, 133, 23,  46,  92,  184, 109, 218, 169, 79,  158, 33,  66,  132, 21,  42,  84,
    168, 77,  154, 41,  82,  164, 85,  170, 73,  146, 57,  114, 228, 213, 183, 115, 230, 209, 191,
    99,  198, 145, 63,  126, 252, 229, 215, 179, 123, 246, 241, 255, 227, 219, 171, 75,  150, 49,
    98,  196, 149, 55,  110, 220, 165, 87,  174, 65,  130, 25,  50,  100, 200, 141, 7,   14,  28,
    56,  112, 224, 221, 167, 83,  166, 81,  162, 89,  178, 121, 242, 249, 239, 195, 155, 43,  86,
    172, 69,  138, 9,   18,  36,  72,  144, 61,  122, 244, 245, 247, 243, 251, 235, 203, 139, 11,
    22,  44,  88,  176, 125, 250, 233, 207, 131, 27,  54,  108, 216, 173, 71,  142, 1,   2,
};
/* gf_log[v] = i with alpha^i = v; gf_log[0] = 255 (no logarithm) */
static const uint8_t gf_log[256] = {
    255, 0,   1,   25,  2,   50,  26,  198, 3,   223, 51,  238, 27,  104, 199, 75,  4,   100, 224,
    14,  52,  141, 239, 129, 28,  193, 105, 248, 200, 8,   76,  113, 5,   138, 101, 47,  225, 36,
    15,  33,  53,  147, 142, 218, 240, 18,  130, 69,  29,  181, 194, 125, 106, 39,  249, 185, 201,
    154, 9,   120, 77,  228, 114, 166, 6,   191, 139, 98,  102, 221, 48,  253, 226, 152, 37,  179,
    16,  145, 34,  136, 54,  208, 148, 206, 143, 150, 219, 189, 241, 210, 19,  92,  131, 56,  70,
    64,  30,  66,  182, 163, 195, 72,  126, 110, 107, 58,  40,  84,  250, 133, 186, 61,  202, 94,
    155, 159, 10,  21,  121, 43,  78,  212, 229, 172, 115, 243, 167, 87,  7,   112, 192, 247, 140,
    128, 99,  13,  103, 74,  222, 237, 49,  197, 254, 24,  227, 165, 153, 119, 38,  184, 180, 124,
    17,  68,  146, 217, 35,  32,  137, 46,  55,  63,  209, 91,  149, 188, 207, 205, 144, 135, 151,
    178, 220, 252, 190, 97,  242, 86,  211, 171, 20,  42,  93,  158, 132, 60,  57,  83,  71,  109,
    65,  162, 31,  45,  67,  216, 183, 123, 164, 118, 196, 23,  73,  236, 127, 12,  111, 246, 108,
    161, 59,  82,  41,  157, 85,  170, 251, 96,  134, 177, 187, 204, 62,  90,  203, 89,  95,  176,
    156, 169, 160, 81,  11,  245, 22,  235, 122, 117, 44,  215, 79,  174, 213, 233, 230, 231, 173,
    232, 116, 214, 244, 234, 168, 80,  88,  175,
};

#define GF_NONE 255 /* gf_log of zero */

static inline unsigned mod255(unsigned x)
{
	return x % 255;
}

uint8_t verity_gf_mul(uint8_t a, uint8_t b)
{
	if (!a || !b)
		return 0;
	return gf_exp[gf_log[a] + gf_log[b]];
}

static inline uint8_t gf_div(uint8_t a, uint8_t b)
{
	if (!a)
		return 0;
	return gf_exp[gf_log[a] + 255 - gf_log[b]];
}

/* alpha^e for any e >= 0 */
static inline uint8_t gf_pow(unsigned e)
{
	return gf_exp[mod255(e)];
}

int verity_rs_init(struct verity_rs *rs, uint32_t roots)
{
	if (!rs)
		return VERITY_E_INVAL;
	if (roots < VERITY_FEC_MIN_ROOTS || roots > VERITY_FEC_MAX_ROOTS)
		return VERITY_E_FEC_BAD_ROOTS;
	memset(rs, 0, sizeof(*rs));
	rs->roots = roots;
	/* g(x) = prod_{i=0}^{roots-1} (x - alpha^i), built one factor at a time. */
	rs->gen[0] = 1;
	for (uint32_t i = 0; i < roots; i++) {
		uint8_t root = gf_exp[i];

		rs->gen[i + 1] = rs->gen[i];
		for (uint32_t j = i; j > 0; j--)
			rs->gen[j] = (uint8_t)(rs->gen[j - 1] ^ verity_gf_mul(rs->gen[j], root));
		rs->gen[0] = verity_gf_mul(rs->gen[0], root);
	}
	for (uint32_t i = 0; i < roots; i++)
		for (unsigned v = 0; v < 256; v++)
			rs->genmul[i][v] = verity_gf_mul(rs->gen[i], (uint8_t)v);
	return 0;
}

/*
 * Systematic encoding: the parity is the remainder of msg(x) * x^roots
 * divided by g(x), parity[0] its x^(roots-1) coefficient. One LFSR step
 * per message byte.
 */
void verity_rs_encode(const struct verity_rs *rs, const uint8_t *msg, uint8_t *parity)
{
	uint32_t roots = rs->roots, k = VERITY_FEC_RSM - roots;

	memset(parity, 0, roots);
	for (uint32_t j = 0; j < k; j++) {
		uint8_t fb = (uint8_t)(msg[j] ^ parity[0]);

		for (uint32_t i = 0; i + 1 < roots; i++)
			parity[i] = (uint8_t)(parity[i + 1] ^ rs->genmul[roots - 1 - i][fb]);
		parity[roots - 1] = rs->genmul[0][fb];
	}
}

void verity_gf_mul_add(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t row[256])
{
	for (size_t i = 0; i < len; i++)
		dst[i] ^= row[src[i]];
}

void verity_gf_mul_inplace(uint8_t *buf, size_t len, const uint8_t row[256])
{
	for (size_t i = 0; i < len; i++)
		buf[i] = row[buf[i]];
}

static void mul_row(uint8_t row[256], uint8_t c)
{
	for (unsigned v = 0; v < 256; v++)
		row[v] = verity_gf_mul(c, (uint8_t)v);
}

static void generic_mul_add(uint8_t *dst, const uint8_t *src, size_t len, uint8_t c)
{
	uint8_t row[256];

	mul_row(row, c);
	verity_gf_mul_add(dst, src, len, row);
}

static void generic_mul(uint8_t *buf, size_t len, uint8_t c)
{
	uint8_t row[256];

	mul_row(row, c);
	verity_gf_mul_inplace(buf, len, row);
}

/*
 * The decoder's stripes still run step by step: the GFNI entries take the
 * fused AVX2 step (every CPU with them has AVX2; usable() checks).
 */
#if defined(__x86_64__) && defined(HAVE_SHA256_AVX2)
#define GFNI_STEP verity_gf_step_avx2
#else
#define GFNI_STEP NULL
#endif

/* In order of preference. */
static const struct verity_gf_vector_ops vector_impls[] = {
#if defined(__x86_64__) && defined(HAVE_FEC_GFNI512)
    {"gfni512", verity_gf_mul_add_gfni512, verity_gf_mul_gfni512, GFNI_STEP,
     verity_gf_encode_gfni512},
#endif
#if defined(__x86_64__) && defined(HAVE_FEC_GFNI256)
    {"gfni256", verity_gf_mul_add_gfni256, verity_gf_mul_gfni256, GFNI_STEP,
     verity_gf_encode_gfni256},
#endif
#if defined(__x86_64__) && defined(HAVE_SHA256_AVX2)
    {"avx2", verity_gf_mul_add_avx2, verity_gf_mul_avx2, verity_gf_step_avx2,
     verity_gf_encode_avx2},
#endif
    {"generic", generic_mul_add, generic_mul, NULL, NULL},
};

static bool usable(const struct verity_gf_vector_ops *ops)
{
#if defined(__x86_64__) && defined(HAVE_FEC_GFNI512)
	if (ops->mul == verity_gf_mul_gfni512)
		return verity_cpu_has_avx512() && verity_cpu_has_avx2() && verity_cpu_has_gfni();
#endif
#if defined(__x86_64__) && defined(HAVE_FEC_GFNI256)
	if (ops->mul == verity_gf_mul_gfni256)
		return verity_cpu_has_avx2() && verity_cpu_has_gfni();
#endif
#if defined(__x86_64__) && defined(HAVE_SHA256_AVX2)
	if (ops->mul == verity_gf_mul_avx2)
		return verity_cpu_has_avx2();
#endif
	(void)ops;
	return true;
}

const struct verity_gf_vector_ops *verity_gf_vector_named(const char *name)
{
	for (size_t i = 0; i < sizeof(vector_impls) / sizeof(vector_impls[0]); i++)
		if (strcmp(vector_impls[i].name, name) == 0)
			return usable(&vector_impls[i]) ? &vector_impls[i] : NULL;
	return NULL;
}

static const struct verity_gf_vector_ops *forced_vector;

void verity_gf_vector_force(const struct verity_gf_vector_ops *ops)
{
	forced_vector = ops;
}

const struct verity_gf_vector_ops *verity_gf_vector(void)
{
	if (forced_vector)
		return forced_vector;
	/* The table is in order of preference; the last entry is always usable. */
	for (size_t i = 0; i < sizeof(vector_impls) / sizeof(vector_impls[0]); i++)
		if (usable(&vector_impls[i]))
			return &vector_impls[i];
	return &vector_impls[0];
}

void verity_gf_encode_step(const struct verity_rs *rs, const struct verity_gf_vector_ops *ops,
                           uint8_t *const *vec, unsigned head, const uint8_t *msg, size_t len)
{
	unsigned roots = rs->roots;
	uint8_t *fb = vec[head];

	if (ops->step) {
		ops->step(vec, head, roots, rs->gen, msg, len);
		return;
	}
	for (size_t i = 0; i < len; i++)
		fb[i] ^= msg[i];
	for (unsigned i = 1; i < roots; i++)
		ops->mul_add(vec[(head + i) % roots], fb, len, rs->gen[roots - i]);
	ops->mul(fb, len, rs->gen[0]);
}

/*
 * Errors-and-erasures decoding. Codeword position j is the coefficient of
 * x^(254 - j); its locator is X_j = alpha^(254 - j). Work per call is
 * O(255 x roots + roots^2) whatever the input.
 */
int verity_rs_decode(const struct verity_rs *rs, uint8_t cw[VERITY_FEC_RSM],
                     const uint8_t *erasures, uint32_t nerasures)
{
	enum { R = VERITY_FEC_MAX_ROOTS };
	uint32_t roots, deg_lambda = 0, el, count = 0, fixed;
	uint8_t s[R], lambda[R + 1] = {0}, b[R + 1], t[R + 1], omega[R];
	uint8_t loc[R], root[R], err[R];
	bool any = false;

	if (!rs || !cw || (nerasures && !erasures))
		return VERITY_E_INVAL;
	roots = rs->roots;
	if (nerasures > roots)
		return VERITY_E_INVAL;
	for (uint32_t i = 0; i < nerasures; i++)
		if (erasures[i] >= VERITY_FEC_RSM)
			return VERITY_E_INVAL;

	/* Syndromes s_i = c(alpha^i), by Horner's rule. */
	for (uint32_t i = 0; i < roots; i++) {
		uint8_t acc = 0;

		for (uint32_t j = 0; j < VERITY_FEC_RSM; j++)
			acc = (uint8_t)(cw[j] ^ (acc ? gf_exp[gf_log[acc] + i] : 0));
		s[i] = acc;
		any |= acc != 0;
	}
	if (!any)
		return 0;

	/* Erasure locator: prod (1 + X_j x). */
	lambda[0] = 1;
	for (uint32_t e = 0; e < nerasures; e++) {
		uint8_t x = gf_pow(254u - erasures[e]);

		for (uint32_t j = e + 1; j > 0; j--)
			lambda[j] ^= verity_gf_mul(x, lambda[j - 1]);
	}
	memcpy(b, lambda, sizeof(b));

	/* Berlekamp-Massey, starting after the erasures. */
	el = nerasures;
	for (uint32_t r = nerasures + 1; r <= roots; r++) {
		uint8_t d = 0;

		for (uint32_t i = 0; i < r; i++)
			d ^= verity_gf_mul(lambda[i], s[r - 1 - i]);
		if (d == 0) {
			memmove(&b[1], b, roots);
			b[0] = 0;
			continue;
		}
		t[0] = lambda[0];
		for (uint32_t i = 0; i < roots; i++)
			t[i + 1] = (uint8_t)(lambda[i + 1] ^ verity_gf_mul(d, b[i]));
		if (2 * el <= r + nerasures - 1) {
			el = r + nerasures - el;
			for (uint32_t i = 0; i <= roots; i++)
				b[i] = gf_div(lambda[i], d);
		} else {
			memmove(&b[1], b, roots);
			b[0] = 0;
		}
		memcpy(lambda, t, roots + 1);
	}
	for (uint32_t i = 0; i <= roots; i++)
		if (lambda[i])
			deg_lambda = i;
	/* A locator whose degree is not the register length found is inconsistent. */
	if (deg_lambda == 0 || deg_lambda != el)
		return VERITY_E_FEC_UNCORRECTABLE;

	/* Chien search: lambda(alpha^i) == 0 means an error at position i - 1. */
	for (uint32_t i = 1; i <= VERITY_FEC_RSM && count < deg_lambda; i++) {
		uint8_t q = 0;

		for (uint32_t j = 0; j <= deg_lambda; j++)
			if (lambda[j])
				q ^= gf_exp[mod255(gf_log[lambda[j]] + i * j)];
		if (q)
			continue;
		root[count] = (uint8_t)i;
		loc[count] = (uint8_t)(i - 1);
		count++;
	}
	if (count != deg_lambda)
		return VERITY_E_FEC_UNCORRECTABLE;

	/* Evaluator omega = s * lambda mod x^roots (degree below deg_lambda). */
	for (uint32_t i = 0; i < deg_lambda; i++) {
		uint8_t acc = 0;

		for (uint32_t j = 0; j <= i; j++)
			acc ^= verity_gf_mul(s[i - j], lambda[j]);
		omega[i] = acc;
	}

	/* Forney: e = omega(X^-1) X^(1 - fcr) / lambda'(X^-1), fcr = 0. */
	for (uint32_t j = 0; j < count; j++) {
		uint8_t num = 0, den = 0;

		for (uint32_t i = 0; i < deg_lambda; i++)
			if (omega[i])
				num ^= gf_exp[mod255(gf_log[omega[i]] + i * root[j])];
		for (uint32_t i = 0; i + 1 <= deg_lambda && i + 1 <= roots; i += 2)
			if (lambda[i + 1])
				den ^= gf_exp[mod255(gf_log[lambda[i + 1]] + i * root[j])];
		if (den == 0)
			return VERITY_E_FEC_UNCORRECTABLE;
		err[j] =
		    num ? gf_exp[mod255(gf_log[num] + 255u - root[j] + 255u - gf_log[den])] : 0;
	}
	fixed = 0;
	for (uint32_t j = 0; j < count; j++) {
		cw[loc[j]] ^= err[j];
		fixed += err[j] != 0;
	}
	return (int)fixed;
}
