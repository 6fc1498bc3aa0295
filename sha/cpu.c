/* SPDX-License-Identifier: MIT */
/*
 * CPU feature checks. Compiled without ISA flags on purpose: see impl.h.
 * What the integrator declared (verity_sha256_set_cpu_features()) wins;
 * otherwise x86 asks cpuid and ARM asks the platform file linked in
 * (sys_linux.c: auxv; sys_none.c: the compiler's target).
 */
#include <stdatomic.h>

#include "impl.h"
#include "libverity.h"

#define DECLARED (1u << 31)
#define CPU_KNOWN                                                                                 \
	(VERITY_CPU_ARM_SHA2 | VERITY_CPU_ARM_NEON | VERITY_CPU_X86_SHANI | VERITY_CPU_X86_AVX2 | \
	 VERITY_CPU_X86_AVX512 | VERITY_CPU_X86_GFNI)

static _Atomic uint32_t declared; /* DECLARED | VERITY_CPU_* once declared */

int verity_sha256_set_cpu_features(uint32_t features)
{
	if (features & ~CPU_KNOWN)
		return VERITY_E_INVAL;
	atomic_store(&declared, features | DECLARED);
	return verity_sha256_force_impl(NULL); /* choose again with what is declared */
}

/* Whether @bit was declared; -1 when nothing was. */
static int declared_bit(uint32_t bit)
{
	uint32_t d = atomic_load(&declared);

	return d ? (d & bit) != 0 : -1;
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <stdatomic.h>

struct x86_features {
	bool shani, avx2, avx512, gfni;
};

static struct x86_features probe_x86(void)
{
	struct x86_features f = {false, false, false, false};
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
	/* Used only with AVX2 or AVX-512 (the FEC encoder), whose checks cover the state. */
	f.gfni = (c >> 8) & 1;
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
#define FEATURE_GFNI   16u

static unsigned features(void)
{
	static _Atomic unsigned cached;
	unsigned bits = atomic_load_explicit(&cached, memory_order_relaxed);

	if (!bits) {
		struct x86_features f = probe_x86();

		bits = FEATURES_KNOWN | (f.shani ? FEATURE_SHANI : 0) |
		       (f.avx2 ? FEATURE_AVX2 : 0) | (f.avx512 ? FEATURE_AVX512 : 0) |
		       (f.gfni ? FEATURE_GFNI : 0);
		atomic_store_explicit(&cached, bits, memory_order_relaxed);
	}
	return bits;
}

bool verity_cpu_has_shani(void)
{
	int d = declared_bit(VERITY_CPU_X86_SHANI);

	return d >= 0 ? d : (features() & FEATURE_SHANI) != 0;
}

bool verity_cpu_has_avx2(void)
{
	int d = declared_bit(VERITY_CPU_X86_AVX2);

	return d >= 0 ? d : (features() & FEATURE_AVX2) != 0;
}

bool verity_cpu_has_avx512(void)
{
	int d = declared_bit(VERITY_CPU_X86_AVX512);

	return d >= 0 ? d : (features() & FEATURE_AVX512) != 0;
}

bool verity_cpu_has_gfni(void)
{
	int d = declared_bit(VERITY_CPU_X86_GFNI);

	return d >= 0 ? d : (features() & FEATURE_GFNI) != 0;
}

bool verity_cpu_has_avx512_shani(void)
{
	return verity_cpu_has_avx512() && verity_cpu_has_shani();
}
#endif /* __x86_64__ */

#if defined(__aarch64__) || defined(__arm__)
bool verity_cpu_has_arm_sha2(void)
{
	int d = declared_bit(VERITY_CPU_ARM_SHA2);

	return d >= 0 ? d : verity_cpu_probe_arm_sha2();
}

bool verity_cpu_has_neon(void)
{
	int d = declared_bit(VERITY_CPU_ARM_NEON);

	return d >= 0 ? d : verity_cpu_probe_neon();
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
