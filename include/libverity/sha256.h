/* SPDX-License-Identifier: MIT */
/*
 * How the SHA-256 implementation was chosen, and the checks around the
 * choice. Included by libverity.h.
 */
#ifndef LIBVERITY_SHA256_H
#define LIBVERITY_SHA256_H

#include <stdbool.h>
#include <stddef.h>

#ifndef VERITY_PUBLIC
#define VERITY_PUBLIC __attribute__((visibility("default")))
#endif

/**
 * verity_sha256_impl_reason() - why the current implementation was chosen
 * @many: true for the one that hashes many blocks, false for single messages
 *
 * For many blocks the choice is measured: the first batch of 16 or more
 * blocks of 1 KiB or more (a tree level, a verify run) times every
 * multi-stream implementation the CPU runs on its own first 16 blocks, well
 * under a millisecond, and keeps the fastest; until then, or without a cycle
 * counter, the built-in order applies. VERITY_SHA256_IMPL or
 * verity_sha256_force_impl() override it.
 * Return: a static string, e.g. "forced by VERITY_SHA256_IMPL" or the
 * measured times of the candidates relative to the fastest. Never NULL.
 */
VERITY_PUBLIC const char *verity_sha256_impl_reason(bool many);

/**
 * verity_sha256_check_env() - whether VERITY_SHA256_IMPL could be honoured
 *
 * The variable is read once, at the first use of SHA-256. A name that is
 * not built in, or that this CPU cannot run, leaves the automatic choice in
 * force; programs call this to refuse such a setting rather than ignore it.
 * Return: 0 (unset, empty, or in force; always 0 in freestanding builds),
 * VERITY_E_INVAL (not an implementation's name) or VERITY_E_UNSUPPORTED
 * (built in, but not for this CPU).
 */
VERITY_PUBLIC int verity_sha256_check_env(void);

/**
 * verity_sha256_calibrate() - measure and choose now
 * @blocks: at least 64 KiB of readable memory (16 blocks of 4096 bytes)
 * @len: bytes at @blocks
 *
 * Runs the calibration described at verity_sha256_impl_reason() on these
 * blocks (with a 32-byte salt), if it has not run yet and nothing is forced;
 * otherwise does nothing. For programs that report the choice before they
 * hash anything (verify-image --version).
 * Return: 0, VERITY_E_INVAL (@blocks NULL or @len < 65536) or
 * VERITY_E_UNSUPPORTED (no cycle counter on this CPU: the built-in order
 * stays).
 */
VERITY_PUBLIC int verity_sha256_calibrate(const void *blocks, size_t len);

#endif /* LIBVERITY_SHA256_H */
