/* SPDX-License-Identifier: MIT */
/*
 * Where a digest lives in the tree (reference/dm-verity-format.md §2): the one
 * place that does this arithmetic, for the device, full verification and
 * building alike.
 */
#ifndef VERITY_LOCATE_H
#define VERITY_LOCATE_H

#include "libverity.h"

/*
 * struct verity_location - a digest's place on the hash device
 * @block: absolute hash-device block holding it
 * @index: that block's index within its level
 * @offset: byte offset of the digest inside the block
 */
struct verity_location {
	uint64_t block;
	uint64_t index;
	uint32_t offset;
};

/*
 * The digest of entry @child of level @level - 1 (for @level 0: of data block
 * @child) is stored at level @level. Requires @level < geo->levels and
 * @child inside level @level - 1 (or the data); not checked.
 */
void verity_locate_child(const struct verity_geometry *geo, unsigned level, uint64_t child,
                         struct verity_location *loc);

/*
 * The level-@level ancestor digest on data block @data_block's path: at
 * level 0 its own digest, at level i the digest of its level i - 1 ancestor.
 */
void verity_locate_data(const struct verity_geometry *geo, unsigned level, uint64_t data_block,
                        struct verity_location *loc);

/* Index within level @level of the hash block on @data_block's path. */
uint64_t verity_level_index(const struct verity_geometry *geo, unsigned level, uint64_t data_block);

#endif /* VERITY_LOCATE_H */
