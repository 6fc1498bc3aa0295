/* SPDX-License-Identifier: MIT */
/*
 * What sha/ asks a hosted Linux system: ARM features from the auxiliary
 * vector (ID registers may trap at EL0) and VERITY_SHA256_IMPL. The
 * freestanding build links sys_none.c instead.
 */
#include <stdlib.h>

#include "impl.h"

#if defined(__linux__) && (defined(__aarch64__) || defined(__arm__))
#include <sys/auxv.h>
#endif

bool verity_cpu_probe_arm_sha2(void)
{
#if defined(__linux__) && defined(__aarch64__)
	return (getauxval(AT_HWCAP) >> 6) & 1; /* HWCAP_SHA2 */
#elif defined(__linux__) && defined(__arm__)
	return (getauxval(AT_HWCAP2) >> 3) & 1; /* HWCAP2_SHA2 */
#else
	return false;
#endif
}

bool verity_cpu_probe_neon(void)
{
#if defined(__aarch64__)
	return true; /* Advanced SIMD is mandatory on arm64 */
#elif defined(__linux__) && defined(__arm__)
	return (getauxval(AT_HWCAP) >> 12) & 1; /* HWCAP_NEON */
#else
	return false;
#endif
}

const char *verity_sha256_env_impl(void)
{
	return getenv("VERITY_SHA256_IMPL");
}
