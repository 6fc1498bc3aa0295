/* SPDX-License-Identifier: MIT */
/*
 * The table of SHA-256 implementations and the one-time choice among them.
 * HAVE_SHA256_* come from configure: the compiler accepted that ISA's flags.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <stdatomic.h>
#include <string.h>
#ifndef VERITY_FREESTANDING
#include <stdlib.h>
#endif

#include "impl.h"
#include "libverity.h"

static bool always_supported(void)
{
	return true;
}

/*
 * In order of preference for hashing many messages; ties go to fewer lanes.
 * The x86 order is measured (bench/run-sha256.sh, 4 KiB blocks with a
 * 32-byte salt, AMD EPYC Zen 5 with SHA-NI and AVX-512): avx512-x16 about
 * 2.4x OpenSSL's SHA-NI code, shani-x4 1.7x, shani-x2 1.5x, shani 1.0x,
 * avx2-x8 0.8x. SHA-NI's rounds are latency bound, so x4 beats x2; on CPUs
 * without SHA-NI avx2-x8 is the best. The order is static: a CPU with slow
 * 512-bit execution may prefer shani-x4, which VERITY_SHA256_IMPL can force.
 */
static const struct verity_sha256_impl impls[] = {
#ifdef HAVE_SHA256_AVX512
    {"avx512-x16", 16, verity_cpu_has_avx512, verity_sha256_blocks_avx512_x16},
#endif
#ifdef HAVE_SHA256_SHANI
    {"shani-x4", 4, verity_cpu_has_shani, verity_sha256_blocks_shani_x4},
    {"shani-x2", 2, verity_cpu_has_shani, verity_sha256_blocks_shani_x2},
    {"shani", 1, verity_cpu_has_shani, verity_sha256_blocks_shani},
#endif
#ifdef HAVE_SHA256_AVX2
    {"avx2-x8", 8, verity_cpu_has_avx2, verity_sha256_blocks_avx2_x8},
#endif
#ifdef HAVE_SHA256_ARMV8CE
    {"armv8ce-x2", 2, verity_cpu_has_arm_sha2, verity_sha256_blocks_armv8ce_x2},
    {"armv8ce", 1, verity_cpu_has_arm_sha2, verity_sha256_blocks_armv8ce},
#endif
#ifdef HAVE_SHA256_NEON
    {"neon-x4", 4, verity_cpu_has_neon, verity_sha256_blocks_neon_x4},
#endif
    {"generic", 1, always_supported, verity_sha256_blocks_generic},
};

#define IMPL_COUNT (sizeof(impls) / sizeof(impls[0]))
#define GENERIC    (&impls[IMPL_COUNT - 1])

static _Atomic(const struct verity_sha256_impl *) chosen_single;
static _Atomic(const struct verity_sha256_impl *) chosen_many;

size_t verity_sha256_impl_count(void)
{
	return IMPL_COUNT;
}

const struct verity_sha256_impl *verity_sha256_impl_at(size_t index)
{
	return index < IMPL_COUNT ? &impls[index] : NULL;
}

const struct verity_sha256_impl *verity_sha256_impl_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < IMPL_COUNT; i++)
		if (strcmp(impls[i].name, name) == 0)
			return &impls[i];
	return NULL;
}

static const struct verity_sha256_impl *first_usable(unsigned max_lanes)
{
	for (size_t i = 0; i < IMPL_COUNT; i++)
		if (impls[i].lanes <= max_lanes && impls[i].cpu_supported())
			return &impls[i];
	return GENERIC;
}

/* Racing first calls may both choose; they choose the same, so it is benign. */
static void choose(void)
{
	const struct verity_sha256_impl *single = first_usable(1);
	const struct verity_sha256_impl *many = first_usable(16);
#ifndef VERITY_FREESTANDING
	const struct verity_sha256_impl *forced =
	    verity_sha256_impl_find(getenv("VERITY_SHA256_IMPL"));

	if (forced && forced->cpu_supported()) {
		many = forced;
		if (forced->lanes == 1)
			single = forced;
	}
#endif
	atomic_store(&chosen_single, single);
	atomic_store(&chosen_many, many);
}

const struct verity_sha256_impl *verity_sha256_impl_single(void)
{
	const struct verity_sha256_impl *impl = atomic_load(&chosen_single);

	if (!impl) {
		choose();
		impl = atomic_load(&chosen_single);
	}
	return impl;
}

const struct verity_sha256_impl *verity_sha256_impl_many(void)
{
	const struct verity_sha256_impl *impl = atomic_load(&chosen_many);

	if (!impl) {
		choose();
		impl = atomic_load(&chosen_many);
	}
	return impl;
}

const char *verity_sha256_impl_name(bool many)
{
	return many ? verity_sha256_impl_many()->name : verity_sha256_impl_single()->name;
}

int verity_sha256_force_impl(const char *name)
{
	const struct verity_sha256_impl *impl;

	if (!name) {
		atomic_store(&chosen_single, first_usable(1));
		atomic_store(&chosen_many, first_usable(16));
		return 0;
	}
	impl = verity_sha256_impl_find(name);
	if (!impl)
		return VERITY_E_INVAL;
	if (!impl->cpu_supported())
		return VERITY_E_UNSUPPORTED;
	verity_sha256_impl_single(); /* make sure a choice exists first */
	atomic_store(&chosen_many, impl);
	atomic_store(&chosen_single, impl->lanes == 1 ? impl : first_usable(1));
	return 0;
}
