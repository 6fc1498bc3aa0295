/* SPDX-License-Identifier: MIT */
/*
 * Salted block hashing for trees: SHA-256 through sha/'s hash_many, other
 * algorithms through mbedTLS md (absent from freestanding builds).
 */
#ifndef VERITY_HASH_H
#define VERITY_HASH_H

#include "libverity.h"
#include "sha/sha256.h"

enum verity_hash_alg {
	VERITY_HASH_SHA256 = 0,
	VERITY_HASH_SHA1,
	VERITY_HASH_SHA224,
	VERITY_HASH_SHA384,
	VERITY_HASH_SHA512,
};

struct verity_hasher {
	enum verity_hash_alg alg;
	uint32_t digest_size;
	const uint8_t *salt; /* points into the caller's params; must outlive */
	size_t salt_len;
	enum verity_salt_position salt_pos; /* v1: prefix, v0: suffix */
};

/* Look up an algorithm by its kernel name. Return: 0 or VERITY_E_BAD_HASH_ALG. */
int verity_hash_lookup(const char *name, enum verity_hash_alg *alg, uint32_t *digest_size);

/* Return: 0, VERITY_E_BAD_HASH_ALG or VERITY_E_BAD_HASH_TYPE. */
int verity_hasher_init(struct verity_hasher *hasher, const struct verity_params *params);

/*
 * Salted digests of @n blocks of @block_size bytes each, contiguous at
 * @blocks; digest i is written at @digests + i * digest_size.
 * Return: 0, VERITY_E_INVAL or VERITY_E_BAD_HASH_ALG.
 */
int verity_hash_blocks(const struct verity_hasher *hasher, const uint8_t *blocks, size_t block_size,
                       size_t n, uint8_t *digests);

/*
 * Same for @n blocks at separate addresses: block i at @blocks[i] (none
 * NULL). Return: 0, VERITY_E_INVAL or VERITY_E_BAD_HASH_ALG.
 */
int verity_hash_block_list(const struct verity_hasher *hasher, const uint8_t *const blocks[],
                           size_t block_size, size_t n, uint8_t *digests);

#endif /* VERITY_HASH_H */
