/* SPDX-License-Identifier: MIT */
#include "verity/util.h"

#ifndef VERITY_FREESTANDING
#include <stdlib.h>
#endif

void *verity_alloc(const struct verity_allocator *allocator, size_t size)
{
	if (allocator && allocator->alloc)
		return allocator->alloc(allocator->user_data, size);
#ifndef VERITY_FREESTANDING
	return malloc(size);
#else
	return NULL;
#endif
}

void verity_free(const struct verity_allocator *allocator, void *ptr)
{
	if (!ptr)
		return;
	if (allocator && allocator->free) {
		allocator->free(allocator->user_data, ptr);
		return;
	}
#ifndef VERITY_FREESTANDING
	free(ptr);
#endif
}
