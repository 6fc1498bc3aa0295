/* SPDX-License-Identifier: MIT */
/* Small helpers shared inside the library: checked arithmetic, hex, memory. */
#ifndef VERITY_UTIL_H
#define VERITY_UTIL_H

#include "libverity.h"

static inline bool verity_add_overflow_u64(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum);
}

static inline bool verity_mul_overflow_u64(uint64_t a, uint64_t b, uint64_t *product)
{
	return __builtin_mul_overflow(a, b, product);
}

/* A power of two in 512 .. 512 KiB. */
bool verity_is_valid_block_size(uint32_t size);
unsigned verity_log2_u32(uint32_t x);

/*
 * Zero-copy access through bdev->map: NULL when the bdev has none, the range
 * is empty or outside the device, or the adapter declines (then read).
 * verity_bdev_unmap() releases a non-NULL result with the same range.
 */
const void *verity_bdev_map(const struct verity_bdev *bdev, uint64_t offset, size_t len);
void verity_bdev_unmap(const struct verity_bdev *bdev, const void *addr, uint64_t offset,
                       size_t len);

/*
 * Maps without anything to release (memory, or a file its caller mapped
 * whole): mapping costs nothing, on any number of threads.
 */
static inline bool verity_bdev_maps_in_place(const struct verity_bdev *bdev)
{
	return bdev->map && !bdev->unmap;
}

/*
 * The checks every parameter set goes through, in this order (geometry,
 * superblock writer): hash type, algorithm (NUL-terminated, known), data and
 * hash block sizes, salt size. @digest_size may be NULL.
 * Return: 0, VERITY_E_BAD_HASH_TYPE, VERITY_E_BAD_HASH_ALG,
 * VERITY_E_BAD_DATA_BLOCK_SIZE, VERITY_E_BAD_HASH_BLOCK_SIZE or
 * VERITY_E_SALT_TOO_LONG.
 */
int verity_params_check(const struct verity_params *params, uint32_t *digest_size);

/* Allocation through the hooks (NULL hooks: malloc/free). */
void *verity_alloc(const struct verity_allocator *allocator, size_t size);
void verity_free(const struct verity_allocator *allocator, void *ptr);

/*
 * The default allocator of the platform file linked in: malloc/free
 * (platform_posix.c), or none (platform_none.c: NULL, hooks required).
 */
bool verity_platform_allocator(void);
void *verity_default_alloc(size_t size);
void verity_default_free(void *ptr);

#endif /* VERITY_UTIL_H */
