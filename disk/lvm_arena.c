/* SPDX-License-Identifier: MIT */
/* A bump allocator over the library's hooks: the LVM reader frees everything at once. */
#include <string.h>

#include "disk/lvm.h"
#include "verity/util.h"

#define CHUNK_MIN (64u << 10)

struct lvm_chunk {
	struct lvm_chunk *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	/* 16-byte aligned payload follows */
	uint64_t align[2];
};

void verity_lvm_arena_init(struct lvm_arena *arena, const struct verity_allocator *allocator,
                           size_t limit)
{
	arena->allocator = allocator;
	arena->head = NULL;
	arena->used = 0;
	arena->limit = limit;
}

void *verity_lvm_arena_alloc(struct lvm_arena *arena, size_t size)
{
	struct lvm_chunk *c = arena->head;
	size_t want, total;
	uint8_t *p;

	if (size > SIZE_MAX - 15)
		return NULL;
	size = (size + 15) & ~(size_t)15;
	if (!c || c->size - c->used < size) {
		want = size > CHUNK_MIN ? size : CHUNK_MIN;
		total = want + sizeof(*c);
		if (total < want || total > arena->limit || arena->used > arena->limit - total)
			return NULL;
		c = verity_alloc(arena->allocator, total);
		if (!c)
			return NULL;
		arena->used += total;
		c->size = want;
		c->used = 0;
		c->next = arena->head;
		arena->head = c;
	}
	p = (uint8_t *)(c + 1) + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

void verity_lvm_arena_free(struct lvm_arena *arena)
{
	while (arena->head) {
		struct lvm_chunk *next = arena->head->next;

		verity_free(arena->allocator, arena->head);
		arena->head = next;
	}
	arena->used = 0;
}
