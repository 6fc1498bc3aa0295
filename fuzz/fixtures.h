/* SPDX-License-Identifier: MIT */
/*
 * Trusted certificates of the signature harnesses, embedded at build time
 * from fuzz/fixtures/ by fuzz/embed-fixtures.sh. fuzz/make-seeds
 * creates them together with the seed signatures, which they verify.
 */
#ifndef VERITY_FUZZ_FIXTURES_H
#define VERITY_FUZZ_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

extern const uint8_t fuzz_fixture_trusted_rsa2048[];
extern const size_t fuzz_fixture_trusted_rsa2048_len;
extern const uint8_t fuzz_fixture_trusted_p256[];
extern const size_t fuzz_fixture_trusted_p256_len;
/* fuzz/corpus/pkcs7/rsa-canonical, kept here for the device-tree harness. */
extern const uint8_t fuzz_fixture_rsa_canonical[];
extern const size_t fuzz_fixture_rsa_canonical_len;

/* The string every seed signature signs (make-seeds: SIGNED_ROOT). */
#define FUZZ_SIGNED_ROOT "028c1fc168af7af7c39ccbe6b3b34fe578d5495a2a8ebf4bde5dd2a0a003ec16"

#endif /* VERITY_FUZZ_FIXTURES_H */
