/* SPDX-License-Identifier: MIT */
/* LRU hash-block cache; see cache.h. */
#include <string.h>

#include "verity/cache.h"

static uint32_t bucket_count(uint32_t capacity)
{
	uint32_t n = 1;

	while (n < capacity && n < (UINT32_C(1) << 31))
		n <<= 1;
	return n;
}

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

size_t verity_cache_bytes(uint32_t capacity, uint32_t block_size)
{
	size_t entries, buckets, data;

	if (capacity == 0)
		return 0;
	if (__builtin_mul_overflow((size_t)capacity, sizeof(struct verity_cache_entry), &entries) ||
	    __builtin_mul_overflow((size_t)bucket_count(capacity), sizeof(uint32_t), &buckets) ||
	    __builtin_mul_overflow((size_t)capacity, (size_t)block_size, &data))
		return 0;
	entries = align8(entries);
	buckets = align8(buckets);
	if (entries > SIZE_MAX - buckets || entries + buckets > SIZE_MAX - data)
		return 0;
	return entries + buckets + data;
}

void verity_cache_init(struct verity_cache *cache, void *memory, uint32_t capacity,
                       uint32_t block_size)
{
	uint8_t *p = memory;
	uint32_t nbuckets = bucket_count(capacity);

	memset(cache, 0, sizeof(*cache));
	cache->capacity = capacity;
	cache->block_size = block_size;
	cache->mru = cache->lru = VERITY_CACHE_NONE;
	if (capacity == 0)
		return;
	cache->entries = (struct verity_cache_entry *)p;
	p += align8((size_t)capacity * sizeof(struct verity_cache_entry));
	cache->buckets = (uint32_t *)p;
	p += align8((size_t)nbuckets * sizeof(uint32_t));
	cache->data = p;
	cache->bucket_mask = nbuckets - 1;
	for (uint32_t i = 0; i < nbuckets; i++)
		cache->buckets[i] = VERITY_CACHE_NONE;
}

static uint32_t bucket_of(const struct verity_cache *cache, uint64_t block)
{
	/* Fibonacci hashing: consecutive blocks spread over the buckets. */
	return (uint32_t)((block * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & cache->bucket_mask;
}

static uint32_t find(const struct verity_cache *cache, uint64_t block)
{
	uint32_t i = cache->buckets[bucket_of(cache, block)];

	while (i != VERITY_CACHE_NONE && cache->entries[i].block != block)
		i = cache->entries[i].hash_next;
	return i;
}

static void lru_unlink(struct verity_cache *cache, uint32_t i)
{
	struct verity_cache_entry *e = &cache->entries[i];

	if (e->lru_prev != VERITY_CACHE_NONE)
		cache->entries[e->lru_prev].lru_next = e->lru_next;
	else
		cache->mru = e->lru_next;
	if (e->lru_next != VERITY_CACHE_NONE)
		cache->entries[e->lru_next].lru_prev = e->lru_prev;
	else
		cache->lru = e->lru_prev;
}

static void lru_push_front(struct verity_cache *cache, uint32_t i)
{
	struct verity_cache_entry *e = &cache->entries[i];

	e->lru_prev = VERITY_CACHE_NONE;
	e->lru_next = cache->mru;
	if (cache->mru != VERITY_CACHE_NONE)
		cache->entries[cache->mru].lru_prev = i;
	cache->mru = i;
	if (cache->lru == VERITY_CACHE_NONE)
		cache->lru = i;
}

static void hash_unlink(struct verity_cache *cache, uint32_t i)
{
	uint32_t *link = &cache->buckets[bucket_of(cache, cache->entries[i].block)];

	while (*link != i)
		link = &cache->entries[*link].hash_next;
	*link = cache->entries[i].hash_next;
}

const uint8_t *verity_cache_lookup_verified(struct verity_cache *cache, uint64_t block)
{
	uint32_t i;

	if (cache->capacity == 0)
		return NULL;
	i = find(cache, block);
	if (i == VERITY_CACHE_NONE || !cache->entries[i].verified)
		return NULL;
	if (cache->mru != i) {
		lru_unlink(cache, i);
		lru_push_front(cache, i);
	}
	return cache->data + (size_t)i * cache->block_size;
}

const uint8_t *verity_cache_insert(struct verity_cache *cache, uint64_t block, const uint8_t *data,
                                   bool verified)
{
	uint32_t i;
	uint8_t *copy;

	if (cache->capacity == 0)
		return NULL;
	i = find(cache, block);
	if (i != VERITY_CACHE_NONE) {
		lru_unlink(cache, i);
	} else {
		uint32_t bucket;

		if (cache->used < cache->capacity) {
			i = cache->used++;
		} else {
			/* Evict: its verified mark goes with it; a re-read starts unverified. */
			i = cache->lru;
			lru_unlink(cache, i);
			hash_unlink(cache, i);
		}
		bucket = bucket_of(cache, block);
		cache->entries[i].block = block;
		cache->entries[i].hash_next = cache->buckets[bucket];
		cache->buckets[bucket] = i;
	}
	cache->entries[i].verified = verified;
	lru_push_front(cache, i);
	copy = cache->data + (size_t)i * cache->block_size;
	if (copy != data)
		memcpy(copy, data, cache->block_size);
	return copy;
}
