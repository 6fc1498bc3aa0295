/* SPDX-License-Identifier: MIT */
/*
 * Block functions of the CPU-specific implementations and the CPU checks
 * that guard them. Each block function lives in its own file compiled with
 * only its ISA flags; the checks live in cpu.c, compiled without them, so
 * that probing an old CPU never executes a new instruction.
 */
#ifndef VERITY_SHA_IMPL_H
#define VERITY_SHA_IMPL_H

#include "sha256.h"

/*
 * The platform file linked in (sys_linux.c or sys_none.c) answers
 * what the library may ask the system: the ARM feature probe and the
 * VERITY_SHA256_IMPL environment variable.
 */
bool verity_cpu_probe_arm_sha2(void);
bool verity_cpu_probe_neon(void);
/* The implementation named in the environment, or NULL. */
const char *verity_sha256_env_impl(void);

/* A monotonic cycle or tick count; false where the CPU has none usable. */
bool verity_cpu_cycles(uint64_t *now);

#if defined(__x86_64__)
bool verity_cpu_has_shani(void);
bool verity_cpu_has_avx2(void);
bool verity_cpu_has_avx512(void);
bool verity_cpu_has_gfni(void); /* Galois field instructions (the FEC encoder's) */
void verity_sha256_blocks_shani(uint32_t state[][8], const uint8_t *const data[], size_t nblocks);
void verity_sha256_blocks_shani_x2(uint32_t state[][8], const uint8_t *const data[],
                                   size_t nblocks);
void verity_sha256_blocks_shani_x3(uint32_t state[][8], const uint8_t *const data[],
                                   size_t nblocks);
void verity_sha256_blocks_shani_x4(uint32_t state[][8], const uint8_t *const data[],
                                   size_t nblocks);
void verity_sha256_blocks_avx2_x8(uint32_t state[][8], const uint8_t *const data[], size_t nblocks);
void verity_sha256_blocks_avx512_x16(uint32_t state[][8], const uint8_t *const data[],
                                     size_t nblocks);
/*
 * 16 AVX-512 lanes, then 2 SHA-NI streams. Not in the table (see
 * dispatch.c): linked into bench_sha256 and the tests only, which list the
 * entries of VERITY_SHA256_BENCH_ONLY (NULL where none is built) after
 * the table's.
 */
bool verity_cpu_has_avx512_shani(void);
#ifdef HAVE_SHA256_HYBRID
void verity_sha256_blocks_hybrid_x18(uint32_t state[][8], const uint8_t *const data[],
                                     size_t nblocks);
extern const struct verity_sha256_impl verity_sha256_impl_hybrid_x18;
#define VERITY_SHA256_BENCH_ONLY               \
	{                                      \
		&verity_sha256_impl_hybrid_x18 \
	}
#endif
#endif
#ifndef VERITY_SHA256_BENCH_ONLY
#define VERITY_SHA256_BENCH_ONLY \
	{                        \
		NULL             \
	}
#endif

#if defined(__aarch64__) || defined(__arm__)
bool verity_cpu_has_arm_sha2(void);
bool verity_cpu_has_neon(void);
void verity_sha256_blocks_armv8ce(uint32_t state[][8], const uint8_t *const data[], size_t nblocks);
void verity_sha256_blocks_armv8ce_x2(uint32_t state[][8], const uint8_t *const data[],
                                     size_t nblocks);
void verity_sha256_blocks_neon_x4(uint32_t state[][8], const uint8_t *const data[], size_t nblocks);
#endif

#endif /* VERITY_SHA_IMPL_H */
