/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 on sixteen AVX-512 lanes and two SHA-NI streams in one
 * instruction stream, so that the out-of-order core can run the SHA unit
 * while the vector ALUs run the sixteen lanes. Lanes 0..15 are the
 * AVX-512 ones (sha256_avx512.h), 16 and 17 the SHA-NI streams; their
 * rounds interleave eight at a time.
 *
 * sha256rnds2 exists only in legacy SSE encoding, and an SSE instruction
 * after a 512-bit write to zmm0..15 costs hundreds of cycles (bench_sha256
 * measures it). So this file is compiled with -ffixed-xmm0 .. -ffixed-xmm15:
 * the compiler keeps the AVX-512 lanes in zmm16..31, and the SHA-NI
 * streams live in xmm0..15 for the whole call, touched only by the
 * assembler below (the compiler never uses them). An experiment, measured
 * and rejected (see dispatch.c): linked into bench/bench_sha256 and the
 * tests only, not into the library.
 */
#ifdef HAVE_CONFIG_H
#include "config.h" /* HAVE_SHA256_*: the prototype in impl.h */
#endif
#include "sha256_avx512.h"
#include "sha256_shani_asm.h"

/*
 * Registers: stream A abef xmm1, cdgh xmm2, message words xmm3..6; stream B
 * abef xmm7, cdgh xmm8, words xmm9..12; xmm0 W + K, xmm13 a temporary,
 * xmm14 the byte-swap mask. Quad q finds its words in the register
 * q & 3 places along.
 */
#define QUAD_AB(step, a3, a4, a5, a6, b9, b10, b11, b12) \
	step("(%[k])", "1", "2", a3, a4, a5, a6, "13")   \
	    step("(%[k])", "7", "8", b9, b10, b11, b12, "13")
#define ROUNDS(k, abef, cdgh, m0, m1, m2, m3, t) SHANI_ASM_ROUNDS(k, abef, cdgh, m0)

/* Quad @q of both streams; a constant @q after unrolling picks one branch. */
static inline __attribute__((always_inline)) void quad_ab(unsigned q)
{
	const uint32_t *k = verity_sha256_round_constants + 4 * q;

#define QUAD_CASE(step)                                                                    \
	switch (q & 3) {                                                                   \
	case 0:                                                                            \
		__asm__ volatile(                                                          \
		    QUAD_AB(step, "3", "4", "5", "6", "9", "10", "11", "12")::[k] "r"(k)); \
		break;                                                                     \
	case 1:                                                                            \
		__asm__ volatile(                                                          \
		    QUAD_AB(step, "4", "5", "6", "3", "10", "11", "12", "9")::[k] "r"(k)); \
		break;                                                                     \
	case 2:                                                                            \
		__asm__ volatile(                                                          \
		    QUAD_AB(step, "5", "6", "3", "4", "11", "12", "9", "10")::[k] "r"(k)); \
		break;                                                                     \
	default:                                                                           \
		__asm__ volatile(                                                          \
		    QUAD_AB(step, "6", "3", "4", "5", "12", "9", "10", "11")::[k] "r"(k)); \
		break;                                                                     \
	}
	if (q < 12) {
		QUAD_CASE(SHANI_ASM_QUAD)
	} else {
		QUAD_CASE(ROUNDS)
	}
#undef QUAD_CASE
}

/* Load 16 message bytes at @off of the block at %4 or %5 into xmm@r, byte-swapped. */
#define LOAD_WORDS(off, p, r) \
	"vmovdqu " off "(%" p "), %%xmm" r "\n\tvpshufb %%xmm14, %%xmm" r ", %%xmm" r "\n\t"

/*
 * sha256rnds2 keeps the working variables as ABEF and CDGH (A in the top
 * dword): @abef and @cdgh in that order, from and to the a..h of @st.
 */
static void to_abef(const uint32_t st[8], uint32_t abef[4], uint32_t cdgh[4])
{
	static const unsigned from[8] = {5, 4, 1, 0, 7, 6, 3, 2};

	for (int i = 0; i < 4; i++) {
		abef[i] = st[from[i]];
		cdgh[i] = st[from[4 + i]];
	}
}

static void from_abef(uint32_t st[8], const uint32_t abef[4], const uint32_t cdgh[4])
{
	static const unsigned to[8] = {5, 4, 1, 0, 7, 6, 3, 2};

	for (int i = 0; i < 4; i++) {
		st[to[i]] = abef[i];
		st[to[4 + i]] = cdgh[i];
	}
}

void verity_sha256_blocks_hybrid_x18(uint32_t state[][8], const uint8_t *const data[],
                                     size_t nblocks)
{
	static const uint8_t byte_swap[16] = {3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12};
	struct avx512_lanes x;
	uint32_t v[4][4]; /* abef, cdgh of stream A, then of B */
	uint32_t saved[4][4];
	const uint8_t *pa = data[AVX512_LANES], *pb = data[AVX512_LANES + 1];

	avx512_load_state(&x, state, data);
	to_abef(state[AVX512_LANES], v[0], v[1]);
	to_abef(state[AVX512_LANES + 1], v[2], v[3]);
	__asm__ volatile(
	    "vmovdqu %0, %%xmm1\n\tvmovdqu %1, %%xmm2\n\t"
	    "vmovdqu %2, %%xmm7\n\tvmovdqu %3, %%xmm8\n\tvmovdqu %4, %%xmm14" ::"m"(v[0]),
	    "m"(v[1]), "m"(v[2]), "m"(v[3]), "m"(byte_swap));
	while (nblocks--) {
		avx512_block_start(&x);
		__asm__ volatile("vmovdqu %%xmm1, %0\n\tvmovdqu %%xmm2, %1\n\t"
		                 "vmovdqu %%xmm7, %2\n\tvmovdqu %%xmm8, %3\n\t" LOAD_WORDS(
		                     "0", "4", "3") LOAD_WORDS("16", "4", "4")
		                     LOAD_WORDS("32", "4", "5") LOAD_WORDS("48", "4", "6")
		                         LOAD_WORDS("0", "5", "9") LOAD_WORDS("16", "5", "10")
		                             LOAD_WORDS("32", "5", "11") LOAD_WORDS("48", "5", "12")
		                 : "=m"(saved[0]), "=m"(saved[1]), "=m"(saved[2]), "=m"(saved[3])
		                 : "r"(pa), "r"(pb), "m"(*(const uint8_t(*)[64])pa),
		                   "m"(*(const uint8_t(*)[64])pb));
#pragma GCC unroll 8
		for (unsigned i = 0; i < 64; i += 8) {
			avx512_rounds8(&x, (int)i);
			quad_ab(i / 4);
			quad_ab(i / 4 + 1);
		}
		avx512_block_end(&x);
		__asm__ volatile(
		    "vpaddd %0, %%xmm1, %%xmm1\n\tvpaddd %1, %%xmm2, %%xmm2\n\t"
		    "vpaddd %2, %%xmm7, %%xmm7\n\tvpaddd %3, %%xmm8, %%xmm8" ::"m"(saved[0]),
		    "m"(saved[1]), "m"(saved[2]), "m"(saved[3]));
		pa += VERITY_SHA256_BLOCK_SIZE;
		pb += VERITY_SHA256_BLOCK_SIZE;
	}
	avx512_store_state(state, &x);
	/* vzeroupper: the caller's SSE code finds a clean state */
	__asm__ volatile("vmovdqu %%xmm1, %0\n\tvmovdqu %%xmm2, %1\n\t"
	                 "vmovdqu %%xmm7, %2\n\tvmovdqu %%xmm8, %3\n\tvzeroupper"
	                 : "=m"(v[0]), "=m"(v[1]), "=m"(v[2]), "=m"(v[3]));
	from_abef(state[AVX512_LANES], v[0], v[1]);
	from_abef(state[AVX512_LANES + 1], v[2], v[3]);
}

const struct verity_sha256_impl verity_sha256_impl_hybrid_x18 = {
    "hybrid-x18", 18, verity_cpu_has_avx512_shani, verity_sha256_blocks_hybrid_x18};
