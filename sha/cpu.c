/* SPDX-License-Identifier: MIT */
/*
 * CPU feature checks. Compiled without ISA flags on purpose: see impl.h.
 * Without auxv (freestanding, a bootloader) ARM answers from the compiler's
 * target: a core built with -march=armv8-a+crypto may use SHA2, one built
 * for NEON may use NEON; ID registers are not read since they may trap at
 * EL0. verity_sha256_force_impl() then chooses among the supported ones.
 */
#include "impl.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <stdatomic.h>

struct x86_features {
	bool shani, avx2, avx512;
};

static struct x86_features probe_x86(void)
{
	struct x86_features f = {false, false, false};
	unsigned a, b, c, d;
	unsigned long long xcr0 = 0;
	bool osxsave;

	if (__get_cpuid_max(0, 0) < 7)
		return f;
	__cpuid(1, a, b, c, d);
	osxsave = (c >> 27) & 1;
	bool sse41 = (c >> 19) & 1, ssse3 = (c >> 9) & 1;
	if (osxsave) {
		unsigned lo, hi;

		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		xcr0 = ((unsigned long long)hi << 32) | lo;
	}
	__cpuid_count(7, 0, a, b, c, d);
	bool ymm_ok = (xcr0 & 0x6) == 0x6;
	bool zmm_ok = (xcr0 & 0xe6) == 0xe6;

	f.shani = ((b >> 29) & 1) && sse41 && ssse3;
	f.avx2 = ((b >> 5) & 1) && ymm_ok;
	/* AVX512F + AVX512VL + AVX512BW */
	f.avx512 = ((b >> 16) & 1) && ((b >> 31) & 1) && ((b >> 30) & 1) && zmm_ok;
	return f;
}

/*
 * cpuid is slow, and in a virtual machine it traps to the hypervisor, so
 * probe once. Racing first calls store the same answer.
 */
#define FEATURES_KNOWN 1u
#define FEATURE_SHANI  2u
#define FEATURE_AVX2   4u
#define FEATURE_AVX512 8u

static unsigned features(void)
{
	static _Atomic unsigned cached;
	unsigned bits = atomic_load_explicit(&cached, memory_order_relaxed);

	if (!bits) {
		struct x86_features f = probe_x86();

		bits = FEATURES_KNOWN | (f.shani ? FEATURE_SHANI : 0) |
		       (f.avx2 ? FEATURE_AVX2 : 0) | (f.avx512 ? FEATURE_AVX512 : 0);
		atomic_store_explicit(&cached, bits, memory_order_relaxed);
	}
	return bits;
}

bool verity_cpu_has_shani(void)
{
	return features() & FEATURE_SHANI;
}

bool verity_cpu_has_avx2(void)
{
	return features() & FEATURE_AVX2;
}

bool verity_cpu_has_avx512(void)
{
	return features() & FEATURE_AVX512;
}
#endif /* __x86_64__ */

#if defined(__aarch64__) || defined(__arm__)
#if defined(__linux__) && !defined(VERITY_FREESTANDING)
#include <sys/auxv.h>
#endif

bool verity_cpu_has_arm_sha2(void)
{
#if defined(__linux__) && !defined(VERITY_FREESTANDING)
#if defined(__aarch64__)
	return (getauxval(AT_HWCAP) >> 6) & 1; /* HWCAP_SHA2 */
#else
	return (getauxval(AT_HWCAP2) >> 3) & 1; /* HWCAP2_SHA2 */
#endif
#elif defined(__ARM_FEATURE_SHA2) || defined(__ARM_FEATURE_CRYPTO)
	return true; /* the integrator built everything for a CPU with SHA2 */
#else
	return false;
#endif
}

bool verity_cpu_has_neon(void)
{
#if defined(__aarch64__)
	return true; /* Advanced SIMD is mandatory on arm64 */
#elif defined(__linux__) && !defined(VERITY_FREESTANDING)
	return (getauxval(AT_HWCAP) >> 12) & 1; /* HWCAP_NEON */
#elif defined(__ARM_NEON)
	return true; /* the integrator built everything for a CPU with NEON */
#else
	return false;
#endif
}
#endif /* arm */

/*
 * A cycle counter for the one-time calibration (dispatch.c): the TSC on
 * x86-64, the generic timer's virtual count on arm64 (readable at EL0 on
 * Linux and at the levels a bootloader runs at). Only differences between
 * two readings on one thread, a few microseconds apart, are used.
 */
#if defined(__x86_64__)
#include <x86intrin.h>

bool verity_cpu_cycles(uint64_t *now)
{
	*now = __rdtsc();
	return true;
}
#elif defined(__aarch64__)
bool verity_cpu_cycles(uint64_t *now)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
	*now = v;
	return true;
}
#else
bool verity_cpu_cycles(uint64_t *now)
{
	*now = 0;
	return false; /* no counter readable everywhere: keep the static order */
}
#endif
