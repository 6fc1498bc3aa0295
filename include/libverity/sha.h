/* SPDX-License-Identifier: MIT */
/* libverity: SHA-256 implementation choice (core). Include <libverity.h>. */
#ifndef LIBVERITY_SHA_H
#define LIBVERITY_SHA_H

#include <libverity/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* SHA-256 implementations                                                   */
/* ------------------------------------------------------------------------ */

/**
 * verity_sha256_impl_name() - name of the SHA-256 code chosen at run time
 * @many: true for the implementation used to hash many equal-length blocks,
 *        false for the single-stream one.
 *
 * The choice for many blocks is measured on the first large batch (see
 * verity_sha256_impl_reason()), unless the environment variable
 * VERITY_SHA256_IMPL or verity_sha256_force_impl() names one.
 * Return: a static string such as "generic", "shani-x2" or "avx512-x16".
 */
VERITY_PUBLIC const char *verity_sha256_impl_name(bool many);

/**
 * verity_sha256_force_impl() - choose an implementation by name
 * @name: an implementation name, or NULL to return to automatic choice
 *
 * For tests, benchmarks and bootloaders that know their CPU.
 * Return: 0, VERITY_E_UNSUPPORTED if not built in or the CPU lacks it,
 * VERITY_E_INVAL for an unknown name.
 */
VERITY_PUBLIC int verity_sha256_force_impl(const char *name);

/* CPU features for verity_sha256_set_cpu_features(). */
#define VERITY_CPU_ARM_SHA2   (1u << 0) /* ARMv8 SHA-256 instructions (FEAT_SHA256) */
#define VERITY_CPU_ARM_NEON   (1u << 1) /* Advanced SIMD (always there on arm64) */
#define VERITY_CPU_X86_SHANI  (1u << 2) /* SHA extensions, with SSE4.1 and SSSE3 */
#define VERITY_CPU_X86_AVX2   (1u << 3) /* AVX2, with the OS saving the ymm state */
#define VERITY_CPU_X86_AVX512 (1u << 4) /* AVX-512 F/VL/BW, with the zmm state saved */
#define VERITY_CPU_X86_GFNI   (1u << 5) /* GF(2^8) instructions (FEC encoding; with AVX2/512) */

/**
 * verity_sha256_set_cpu_features() - declare what the CPU can do
 * @features: VERITY_CPU_* bits: the full set this CPU has
 *
 * For integrators that cannot let the library probe (a bootloader: no
 * auxiliary vector, ID registers that may trap) or that know better. The
 * declaration replaces the probe from now on and the automatic choice is
 * made again among the implementations built in that the declared
 * features allow (a forced choice is dropped). Declaring a feature the CPU
 * lacks makes hashing fault: the integrator vouches for it.
 * Return: 0, or VERITY_E_INVAL for an unknown bit.
 */
VERITY_PUBLIC int verity_sha256_set_cpu_features(uint32_t features);

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_SHA_H */
