/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 with the ARMv8 cryptography extensions (SHA256H, SHA256H2,
 * SHA256SU0, SHA256SU1) through ACLE intrinsics. Built with only this ISA's
 * flags: -march=armv8-a+crypto on arm64, -mfpu=crypto-neon-fp-armv8 on
 * AArch32. One stream, and two streams interleaved: a SHA256H result feeds
 * the next one, so a second independent stream fills that latency.
 */
#include <arm_neon.h>

#include "impl.h"

#define K verity_sha256_round_constants

/* 16 message bytes as four big-endian words; any alignment. */
static inline uint32x4_t load_words(const uint8_t *p)
{
	return vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p)));
}

/* Four rounds; wk is the schedule words plus round constants. */
#define QUAD_ROUNDS(abcd, efgh, wk)                            \
	do {                                                   \
		uint32x4_t abcd_before_ = abcd;                \
		abcd = vsha256hq_u32(abcd, efgh, wk);          \
		efgh = vsha256h2q_u32(efgh, abcd_before_, wk); \
	} while (0)

/* W[t..t+3] from W[t-16..t-1], in place of W[t-16..t-13]. */
#define SCHEDULE(m0, m1, m2, m3) (m0 = vsha256su1q_u32(vsha256su0q_u32(m0, m1), m2, m3))

/* Rounds 4q..4q+3 of one stream, scheduling the words of round 4q+16. */
#define STEP1(q, m0, m1, m2, m3, expand)                                \
	do {                                                            \
		uint32x4_t wk_ = vaddq_u32(m0, vld1q_u32(K + 4 * (q))); \
		if (expand)                                             \
			SCHEDULE(m0, m1, m2, m3);                       \
		QUAD_ROUNDS(abcd, efgh, wk_);                           \
	} while (0)

static void compress1(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
	uint32x4_t abcd = vld1q_u32(state);
	uint32x4_t efgh = vld1q_u32(state + 4);

	while (nblocks--) {
		uint32x4_t abcd_saved = abcd, efgh_saved = efgh;
		uint32x4_t m0 = load_words(p), m1 = load_words(p + 16);
		uint32x4_t m2 = load_words(p + 32), m3 = load_words(p + 48);

		for (int q = 0; q < 12; q += 4) {
			STEP1(q + 0, m0, m1, m2, m3, 1);
			STEP1(q + 1, m1, m2, m3, m0, 1);
			STEP1(q + 2, m2, m3, m0, m1, 1);
			STEP1(q + 3, m3, m0, m1, m2, 1);
		}
		STEP1(12, m0, m1, m2, m3, 0);
		STEP1(13, m1, m2, m3, m0, 0);
		STEP1(14, m2, m3, m0, m1, 0);
		STEP1(15, m3, m0, m1, m2, 0);

		abcd = vaddq_u32(abcd, abcd_saved);
		efgh = vaddq_u32(efgh, efgh_saved);
		p += VERITY_SHA256_BLOCK_SIZE;
	}
	vst1q_u32(state, abcd);
	vst1q_u32(state + 4, efgh);
}

void verity_sha256_blocks_armv8ce(uint32_t state[][8], const uint8_t *const data[], size_t nblocks)
{
	compress1(state[0], data[0], nblocks);
}

/* The same four rounds for streams a and b, interleaved. */
#define STEP2(q, i0, i1, i2, i3, expand)                          \
	do {                                                      \
		uint32x4_t k_ = vld1q_u32(K + 4 * (q));           \
		uint32x4_t wka_ = vaddq_u32(ma##i0, k_);          \
		uint32x4_t wkb_ = vaddq_u32(mb##i0, k_);          \
		if (expand) {                                     \
			SCHEDULE(ma##i0, ma##i1, ma##i2, ma##i3); \
			SCHEDULE(mb##i0, mb##i1, mb##i2, mb##i3); \
		}                                                 \
		QUAD_ROUNDS(abcd_a, efgh_a, wka_);                \
		QUAD_ROUNDS(abcd_b, efgh_b, wkb_);                \
	} while (0)

void verity_sha256_blocks_armv8ce_x2(uint32_t state[][8], const uint8_t *const data[],
                                     size_t nblocks)
{
	const uint8_t *pa = data[0], *pb = data[1];
	uint32x4_t abcd_a = vld1q_u32(state[0]), efgh_a = vld1q_u32(state[0] + 4);
	uint32x4_t abcd_b = vld1q_u32(state[1]), efgh_b = vld1q_u32(state[1] + 4);

	while (nblocks--) {
		uint32x4_t abcd_a_saved = abcd_a, efgh_a_saved = efgh_a;
		uint32x4_t abcd_b_saved = abcd_b, efgh_b_saved = efgh_b;
		uint32x4_t ma0 = load_words(pa), ma1 = load_words(pa + 16);
		uint32x4_t ma2 = load_words(pa + 32), ma3 = load_words(pa + 48);
		uint32x4_t mb0 = load_words(pb), mb1 = load_words(pb + 16);
		uint32x4_t mb2 = load_words(pb + 32), mb3 = load_words(pb + 48);

		for (int q = 0; q < 12; q += 4) {
			STEP2(q + 0, 0, 1, 2, 3, 1);
			STEP2(q + 1, 1, 2, 3, 0, 1);
			STEP2(q + 2, 2, 3, 0, 1, 1);
			STEP2(q + 3, 3, 0, 1, 2, 1);
		}
		STEP2(12, 0, 1, 2, 3, 0);
		STEP2(13, 1, 2, 3, 0, 0);
		STEP2(14, 2, 3, 0, 1, 0);
		STEP2(15, 3, 0, 1, 2, 0);

		abcd_a = vaddq_u32(abcd_a, abcd_a_saved);
		efgh_a = vaddq_u32(efgh_a, efgh_a_saved);
		abcd_b = vaddq_u32(abcd_b, abcd_b_saved);
		efgh_b = vaddq_u32(efgh_b, efgh_b_saved);
		pa += VERITY_SHA256_BLOCK_SIZE;
		pb += VERITY_SHA256_BLOCK_SIZE;
	}
	vst1q_u32(state[0], abcd_a);
	vst1q_u32(state[0] + 4, efgh_a);
	vst1q_u32(state[1], abcd_b);
	vst1q_u32(state[1] + 4, efgh_b);
}
