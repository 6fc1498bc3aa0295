/* SPDX-License-Identifier: MIT */
/*
 * Reed-Solomon RS(255, 255 - roots) over GF(2^8) as dm-verity FEC uses it:
 * field polynomial 0x11d, first consecutive root alpha^0, primitive element
 * alpha, systematic, parity highest-degree coefficient first. Freestanding:
 * no allocation, bounded work per codeword whatever its contents.
 */
#ifndef VERITY_FEC_RS_H
#define VERITY_FEC_RS_H

#include <stddef.h>
#include <stdint.h>

#include "libverity.h"
#include "libverity/fec.h"

#define VERITY_FEC_RSM 255 /* symbols per codeword */

/*
 * struct verity_rs - one code (one roots value)
 * @roots: parity symbols per codeword
 * @gen: generator polynomial, gen[i] the coefficient of x^i (gen[roots] = 1)
 * @genmul: genmul[i][v] = gen[i] * v, the encoder's lookup rows
 */
struct verity_rs {
	uint32_t roots;
	uint8_t gen[VERITY_FEC_MAX_ROOTS + 1];
	uint8_t genmul[VERITY_FEC_MAX_ROOTS][256];
};

/* Return: 0, or VERITY_E_FEC_BAD_ROOTS unless 2 <= roots <= 24. */
int verity_rs_init(struct verity_rs *rs, uint32_t roots);

/* Parity of one codeword: @msg holds 255 - roots bytes, @parity roots bytes. */
void verity_rs_encode(const struct verity_rs *rs, const uint8_t *msg, uint8_t *parity);

/*
 * verity_rs_decode() - correct one codeword in place
 * @cw: 255 bytes: the message, then the parity
 * @erasures: codeword positions (0 .. 254) known to be suspect, distinct
 * @nerasures: their count (at most roots)
 *
 * Berlekamp-Massey with erasures, Chien search, Forney. A codeword is
 * changed only when the decoder finds a consistent solution (as many
 * locator roots as its degree, no zero denominator); it is then changed as
 * a whole. Works like Karn's decode_rs_char() with the same parameters.
 * Return: the number of symbols changed (an erasure that held the right
 * value does not count), 0 for a clean codeword;
 * VERITY_E_FEC_UNCORRECTABLE; VERITY_E_INVAL for more than roots erasures
 * or a position past 254.
 */
int verity_rs_decode(const struct verity_rs *rs, uint8_t cw[VERITY_FEC_RSM],
                     const uint8_t *erasures, uint32_t nerasures);

/* GF(2^8) vector operations of the block-wise encoder: dst[i] ^= c * src[i]. */
void verity_gf_mul_add(uint8_t *dst, const uint8_t *src, size_t len, const uint8_t row[256]);
/* buf[i] = c * buf[i] */
void verity_gf_mul_inplace(uint8_t *buf, size_t len, const uint8_t row[256]);
/* Product of two field elements. */
uint8_t verity_gf_mul(uint8_t a, uint8_t b);

/*
 * The vector operations of the block-wise encoder, one implementation per
 * instruction set, chosen once at run time (verity_gf_vector()).
 */
struct verity_gf_vector_ops {
	const char *name;
	void (*mul_add)(uint8_t *dst, const uint8_t *src, size_t len, uint8_t c); /* dst ^= c src */
	void (*mul)(uint8_t *buf, size_t len, uint8_t c);                         /* buf = c buf */
	/*
	 * One LFSR step of the block-wise encoder in one pass over memory, or
	 * NULL (then the step is made of the two above): fb = vec[head] ^ msg,
	 * vec[(head + i) % roots] ^= gen[roots - i] fb for 0 < i < roots,
	 * vec[head] = gen[0] fb.
	 */
	void (*step)(uint8_t *const *vec, unsigned head, unsigned roots, const uint8_t *gen,
	             const uint8_t *msg, size_t len);
	/*
	 * The whole encoder over columns of codewords, or NULL (then the
	 * encoder runs step by step): message row j (0 <= j < k) at rows[j],
	 * len bytes; codeword c's roots parity bytes go to parity + c roots.
	 */
	void (*encode)(const struct verity_rs *rs, const uint8_t *const *rows, size_t len,
	               uint8_t *parity);
};

/*
 * One message row of every codeword in a batch: the LFSR step of
 * verity_rs_encode() on vectors of @len bytes, with @ops's step or its
 * multiplications. vec[(head + i) % roots] is parity byte i.
 */
void verity_gf_encode_step(const struct verity_rs *rs, const struct verity_gf_vector_ops *ops,
                           uint8_t *const *vec, unsigned head, const uint8_t *msg, size_t len);

/* The fastest implementation this CPU runs (portable C when no other is built). */
const struct verity_gf_vector_ops *verity_gf_vector(void);
/*
 * Tests: make verity_gf_vector() return @ops (one of verity_gf_vector_named()),
 * NULL for the CPU's choice again. Not thread-safe; no library code calls it.
 */
void verity_gf_vector_force(const struct verity_gf_vector_ops *ops);
/*
 * By name ("generic", "avx2", "gfni256", "gfni512"), for tests and
 * benchmarks; NULL if not built or not usable.
 */
const struct verity_gf_vector_ops *verity_gf_vector_named(const char *name);

#if defined(__x86_64__)
void verity_gf_mul_add_avx2(uint8_t *dst, const uint8_t *src, size_t len, uint8_t c);
void verity_gf_mul_avx2(uint8_t *buf, size_t len, uint8_t c);
void verity_gf_step_avx2(uint8_t *const *vec, unsigned head, unsigned roots, const uint8_t *gen,
                         const uint8_t *msg, size_t len);
void verity_gf_encode_avx2(const struct verity_rs *rs, const uint8_t *const *rows, size_t len,
                           uint8_t *parity);
/* GFNI with 32-byte (AVX2) and 64-byte (AVX-512) vectors: fec_gf_gfni.c */
void verity_gf_mul_add_gfni256(uint8_t *dst, const uint8_t *src, size_t len, uint8_t c);
void verity_gf_mul_gfni256(uint8_t *buf, size_t len, uint8_t c);
void verity_gf_encode_gfni256(const struct verity_rs *rs, const uint8_t *const *rows, size_t len,
                              uint8_t *parity);
void verity_gf_mul_add_gfni512(uint8_t *dst, const uint8_t *src, size_t len, uint8_t c);
void verity_gf_mul_gfni512(uint8_t *buf, size_t len, uint8_t c);
void verity_gf_encode_gfni512(const struct verity_rs *rs, const uint8_t *const *rows, size_t len,
                              uint8_t *parity);
#endif

#endif /* VERITY_FEC_RS_H */
