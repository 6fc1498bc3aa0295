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

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_SHA_H */
