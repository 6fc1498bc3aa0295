/* SPDX-License-Identifier: MIT */
/* Allocation through the caller's hooks, else the platform's default. */
#include "verity/util.h"

void *verity_alloc(const struct verity_allocator *allocator, size_t size)
{
	if (allocator && allocator->alloc)
		return allocator->alloc(allocator->user_data, size);
	return verity_default_alloc(size);
}

void verity_free(const struct verity_allocator *allocator, void *ptr)
{
	if (!ptr)
		return;
	if (allocator && allocator->free)
		allocator->free(allocator->user_data, ptr);
	else
		verity_default_free(ptr);
}
