/* SPDX-License-Identifier: MIT */
/*
 * A fixed-capacity LRU cache of hash blocks keyed by absolute block number.
 * Its memory is carved from the device's single allocation at open; lookups
 * and inserts never allocate. Each entry carries a verified mark: only
 * verified entries are handed out as trusted. Not thread-safe: the device
 * holds its lock around every call.
 */
#ifndef VERITY_CACHE_H
#define VERITY_CACHE_H

#include "libverity.h"

#define VERITY_CACHE_NONE UINT32_MAX

struct verity_cache_entry {
	uint64_t block;
	uint32_t lru_prev, lru_next; /* towards most / least recently used */
	uint32_t hash_next;
	uint8_t verified;
};

struct verity_cache {
	struct verity_cache_entry *entries;
	uint32_t *buckets;
	uint8_t *data; /* capacity * block_size bytes; entry i at i * block_size */
	uint32_t capacity;
	uint32_t used;
	uint32_t bucket_mask;
	uint32_t mru, lru;
	uint32_t block_size;
};

/* Bytes needed for @capacity entries of @block_size bytes (0 if it overflows size_t). */
size_t verity_cache_bytes(uint32_t capacity, uint32_t block_size);

/* Lay the cache out in @memory (verity_cache_bytes() bytes, 8-byte aligned). */
void verity_cache_init(struct verity_cache *cache, void *memory, uint32_t capacity,
                       uint32_t block_size);

/* The cached copy of @block if present and verified (now most recently used), else NULL. */
const uint8_t *verity_cache_lookup_verified(struct verity_cache *cache, uint64_t block);

/*
 * Store a copy of @data as @block with the given mark, replacing an existing
 * entry for it or evicting the least recently used one. Return: the cached
 * copy, or NULL when the capacity is 0.
 */
const uint8_t *verity_cache_insert(struct verity_cache *cache, uint64_t block, const uint8_t *data,
                                   bool verified);

#endif /* VERITY_CACHE_H */
