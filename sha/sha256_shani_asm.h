/* SPDX-License-Identifier: MIT */
/*
 * One SHA-NI quad (four rounds) as assembler text, for code that must pin
 * SHA-NI's values to named registers: the hybrid in sha256_hybrid.c, and
 * the microkernels of bench/bench_sha256.c. The same steps as the loop
 * over q in sha256_shani.c, where the compiler chooses the registers.
 *
 * Arguments are register numbers as strings ("1" is %xmm1), K an operand
 * text ("(%[k])", "%%xmm8"). W + K goes to xmm0, sha256rnds2's implicit
 * operand; M0..M3 are the message words of quads q .. q + 3, T a temporary.
 */
#ifndef VERITY_SHA256_SHANI_ASM_H
#define VERITY_SHA256_SHANI_ASM_H

/* Rounds 4q .. 4q + 3 without a message schedule (quads 12 to 15). */
#define SHANI_ASM_ROUNDS(k, abef, cdgh, m0)                    \
	"vpaddd " k ", %%xmm" m0 ", %%xmm0\n\t"                \
	"sha256rnds2 %%xmm0, %%xmm" abef ", %%xmm" cdgh "\n\t" \
	"vpshufd $0x0e, %%xmm0, %%xmm0\n\t"                    \
	"sha256rnds2 %%xmm0, %%xmm" cdgh ", %%xmm" abef "\n\t"

/* The same, the words of quad q + 4 replacing M0 meanwhile (quads 0 to 11). */
#define SHANI_ASM_QUAD(k, abef, cdgh, m0, m1, m2, m3, t)        \
	"vpaddd " k ", %%xmm" m0 ", %%xmm0\n\t"                 \
	"sha256msg1 %%xmm" m1 ", %%xmm" m0 "\n\t"               \
	"vpalignr $4, %%xmm" m2 ", %%xmm" m3 ", %%xmm" t "\n\t" \
	"vpaddd %%xmm" t ", %%xmm" m0 ", %%xmm" m0 "\n\t"       \
	"sha256msg2 %%xmm" m3 ", %%xmm" m0 "\n\t"               \
	"sha256rnds2 %%xmm0, %%xmm" abef ", %%xmm" cdgh "\n\t"  \
	"vpshufd $0x0e, %%xmm0, %%xmm0\n\t"                     \
	"sha256rnds2 %%xmm0, %%xmm" cdgh ", %%xmm" abef "\n\t"

#endif /* VERITY_SHA256_SHANI_ASM_H */
