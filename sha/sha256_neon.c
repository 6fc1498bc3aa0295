/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 four streams at a time in NEON lanes, for cores without the SHA
 * instructions (arm64 Cortex-A53 class without crypto, 32-bit ARMv7). Each
 * vector holds one working variable of the four streams, so the rounds are
 * the scalar ones applied lane-wise. Built with only NEON flags.
 */
#include <arm_neon.h>

#include "impl.h"

#define K verity_sha256_round_constants

/* No vector rotate: shift right, then insert the bits shifted out on top. */
#define ROR(x, n) vsliq_n_u32(vshrq_n_u32(x, n), x, 32 - (n))

static inline uint32x4_t xor3(uint32x4_t a, uint32x4_t b, uint32x4_t c)
{
	return veorq_u32(veorq_u32(a, b), c);
}

#define BSIG0(x) xor3(ROR(x, 2), ROR(x, 13), ROR(x, 22))
#define BSIG1(x) xor3(ROR(x, 6), ROR(x, 11), ROR(x, 25))
#define SSIG0(x) xor3(ROR(x, 7), ROR(x, 18), vshrq_n_u32(x, 3))
#define SSIG1(x) xor3(ROR(x, 17), ROR(x, 19), vshrq_n_u32(x, 10))
/* Ch: e selects f over g. Maj: where a and b differ, c decides. */
#define CH(e, f, g)  vbslq_u32(e, f, g)
#define MAJ(a, b, c) vbslq_u32(veorq_u32(a, b), c, b)

/* One round, working variables renamed instead of shifted; t is 0..63. */
#define ROUND(a, b, c, d, e, f, g, h, t)                                         \
	do {                                                                     \
		uint32x4_t t1_ = vaddq_u32(vaddq_u32(h, BSIG1(e)), CH(e, f, g)); \
		t1_ = vaddq_u32(t1_, vaddq_u32(w[(t)&15], vdupq_n_u32(K[t])));   \
		d = vaddq_u32(d, t1_);                                           \
		h = vaddq_u32(t1_, vaddq_u32(BSIG0(a), MAJ(a, b, c)));           \
	} while (0)

/* W[t] in place of W[t-16]. */
#define EXPAND(t)                                                            \
	(w[(t)&15] = vaddq_u32(vaddq_u32(w[(t)&15], SSIG1(w[((t)-2) & 15])), \
	                       vaddq_u32(w[((t)-7) & 15], SSIG0(w[((t)-15) & 15]))))

#define EIGHT_ROUNDS(t)                                 \
	do {                                            \
		ROUND(a, b, c, d, e, f, g, h, (t) + 0); \
		ROUND(h, a, b, c, d, e, f, g, (t) + 1); \
		ROUND(g, h, a, b, c, d, e, f, (t) + 2); \
		ROUND(f, g, h, a, b, c, d, e, (t) + 3); \
		ROUND(e, f, g, h, a, b, c, d, (t) + 4); \
		ROUND(d, e, f, g, h, a, b, c, (t) + 5); \
		ROUND(c, d, e, f, g, h, a, b, (t) + 6); \
		ROUND(b, c, d, e, f, g, h, a, (t) + 7); \
	} while (0)

#define EXPAND8(t)               \
	do {                     \
		EXPAND((t) + 0); \
		EXPAND((t) + 1); \
		EXPAND((t) + 2); \
		EXPAND((t) + 3); \
		EXPAND((t) + 4); \
		EXPAND((t) + 5); \
		EXPAND((t) + 6); \
		EXPAND((t) + 7); \
	} while (0)

/*
 * 4x4 transpose: in[l] holds four consecutive words of lane l; out[j] holds
 * word j of lanes 0..3. Its own inverse.
 */
static inline void transpose4(uint32x4_t out[4], uint32x4_t r0, uint32x4_t r1, uint32x4_t r2,
                              uint32x4_t r3)
{
	uint32x4x2_t t01 = vtrnq_u32(r0, r1);
	uint32x4x2_t t23 = vtrnq_u32(r2, r3);

	out[0] = vcombine_u32(vget_low_u32(t01.val[0]), vget_low_u32(t23.val[0]));
	out[1] = vcombine_u32(vget_low_u32(t01.val[1]), vget_low_u32(t23.val[1]));
	out[2] = vcombine_u32(vget_high_u32(t01.val[0]), vget_high_u32(t23.val[0]));
	out[3] = vcombine_u32(vget_high_u32(t01.val[1]), vget_high_u32(t23.val[1]));
}

/* 16 message bytes of a lane as four big-endian words; any alignment. */
static inline uint32x4_t load_words(const uint8_t *p)
{
	return vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p)));
}

void verity_sha256_blocks_neon_x4(uint32_t state[][8], const uint8_t *const data[], size_t nblocks)
{
	const uint8_t *p0 = data[0], *p1 = data[1], *p2 = data[2], *p3 = data[3];
	uint32x4_t s[8], w[16];

	transpose4(s, vld1q_u32(state[0]), vld1q_u32(state[1]), vld1q_u32(state[2]),
	           vld1q_u32(state[3]));
	transpose4(s + 4, vld1q_u32(state[0] + 4), vld1q_u32(state[1] + 4), vld1q_u32(state[2] + 4),
	           vld1q_u32(state[3] + 4));

	while (nblocks--) {
		uint32x4_t a = s[0], b = s[1], c = s[2], d = s[3];
		uint32x4_t e = s[4], f = s[5], g = s[6], h = s[7];

		for (int j = 0; j < 4; j++)
			transpose4(w + 4 * j, load_words(p0 + 16 * j), load_words(p1 + 16 * j),
			           load_words(p2 + 16 * j), load_words(p3 + 16 * j));
		/* Unrolled so that every w[] index is a constant (registers). */
		EIGHT_ROUNDS(0);
		EIGHT_ROUNDS(8);
		EXPAND8(16);
		EIGHT_ROUNDS(16);
		EXPAND8(24);
		EIGHT_ROUNDS(24);
		EXPAND8(32);
		EIGHT_ROUNDS(32);
		EXPAND8(40);
		EIGHT_ROUNDS(40);
		EXPAND8(48);
		EIGHT_ROUNDS(48);
		EXPAND8(56);
		EIGHT_ROUNDS(56);
		s[0] = vaddq_u32(s[0], a);
		s[1] = vaddq_u32(s[1], b);
		s[2] = vaddq_u32(s[2], c);
		s[3] = vaddq_u32(s[3], d);
		s[4] = vaddq_u32(s[4], e);
		s[5] = vaddq_u32(s[5], f);
		s[6] = vaddq_u32(s[6], g);
		s[7] = vaddq_u32(s[7], h);
		p0 += VERITY_SHA256_BLOCK_SIZE;
		p1 += VERITY_SHA256_BLOCK_SIZE;
		p2 += VERITY_SHA256_BLOCK_SIZE;
		p3 += VERITY_SHA256_BLOCK_SIZE;
	}

	uint32x4_t out[4];

	for (int half = 0; half < 2; half++) {
		transpose4(out, s[4 * half], s[4 * half + 1], s[4 * half + 2], s[4 * half + 3]);
		for (int l = 0; l < 4; l++)
			vst1q_u32(state[l] + 4 * half, out[l]);
	}
}
