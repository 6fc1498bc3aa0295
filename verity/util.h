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

/* Allocation through the hooks (NULL hooks: malloc/free). */
void *verity_alloc(const struct verity_allocator *allocator, size_t size);
void verity_free(const struct verity_allocator *allocator, void *ptr);

#endif /* VERITY_UTIL_H */
