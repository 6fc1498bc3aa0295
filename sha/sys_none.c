/* SPDX-License-Identifier: MIT */
/*
 * What sha/ asks when there is no operating system (a bootloader): no auxv,
 * so ARM answers from the compiler's target (a core built with
 * -march=armv8-a+crypto may use SHA2); the integrator declares more with
 * verity_sha256_set_cpu_features(). No environment.
 */
#include "impl.h"

bool verity_cpu_probe_arm_sha2(void)
{
#if defined(__ARM_FEATURE_SHA2) || defined(__ARM_FEATURE_CRYPTO)
	return true;
#else
	return false;
#endif
}

bool verity_cpu_probe_neon(void)
{
#if defined(__aarch64__) || defined(__ARM_NEON)
	return true;
#else
	return false;
#endif
}

const char *verity_sha256_env_impl(void)
{
	return NULL;
}
