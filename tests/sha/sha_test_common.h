/* SPDX-License-Identifier: MIT */
/*
 * Shared by the SHA-256 tests: the FIPS 180-2 known answers and
 * deterministic xorshift bytes, so that a failure reproduces.
 */
#ifndef TESTS_SHA_SHA_TEST_COMMON_H
#define TESTS_SHA_SHA_TEST_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* @repeat copies of @msg hash to @hex. */
struct sha256_vector {
	const char *msg;
	size_t repeat;
	const char *hex;
};

/* FIPS 180-2 appendix B and the million "a"; initializers for a sha256_vector array. */
/* clang-format off */
#define FIPS180_VECTORS                                                                    \
	{"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},       \
	{"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},    \
	{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,                  \
	 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},              \
	{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq" \
	 "klmnopqrlmnopqrsmnopqrstnopqrstu", 1,                                             \
	 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},              \
	{"a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"}
/* clang-format on */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static inline uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static inline void fill_random(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

#endif /* TESTS_SHA_SHA_TEST_COMMON_H */
