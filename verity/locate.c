/* SPDX-License-Identifier: MIT */
/* Digest locations; see locate.h. */
#include "verity/locate.h"

void verity_locate_child(const struct verity_geometry *geo, unsigned level, uint64_t child,
                         struct verity_location *loc)
{
	unsigned bits = geo->hash_per_block_bits;
	uint64_t mask = ((uint64_t)1 << bits) - 1;

	loc->index = child >> bits;
	loc->block = geo->level_start[level] + loc->index;
	loc->offset = (uint32_t)(child & mask) * geo->digest_slot_size;
}

uint64_t verity_level_index(const struct verity_geometry *geo, unsigned level, uint64_t data_block)
{
	unsigned shift = (level + 1) * geo->hash_per_block_bits;

	/* The top level may sit at shift 64 (geometry stops there): one block. */
	return shift >= 64 ? 0 : data_block >> shift;
}

void verity_locate_data(const struct verity_geometry *geo, unsigned level, uint64_t data_block,
                        struct verity_location *loc)
{
	verity_locate_child(geo, level, data_block >> (level * geo->hash_per_block_bits), loc);
}
