/* SPDX-License-Identifier: MIT */
/* Tree layout: reference/dm-verity-format.md section 2. */
#include <string.h>

#include "verity/hash.h"
#include "verity/util.h"

bool verity_is_valid_block_size(uint32_t size)
{
	return size >= VERITY_MIN_BLOCK_SIZE && size <= VERITY_MAX_BLOCK_SIZE &&
	       (size & (size - 1)) == 0;
}

unsigned verity_log2_u32(uint32_t x)
{
	unsigned bits = 0;

	while (x >>= 1)
		bits++;
	return bits;
}

int verity_params_check(const struct verity_params *params, uint32_t *digest_size)
{
	if (params->hash_type > 1)
		return VERITY_E_BAD_HASH_TYPE;
	if (memchr(params->algorithm, '\0', sizeof(params->algorithm)) == NULL ||
	    verity_hash_lookup(params->algorithm, NULL, digest_size) != 0)
		return VERITY_E_BAD_HASH_ALG;
	if (!verity_is_valid_block_size(params->data_block_size))
		return VERITY_E_BAD_DATA_BLOCK_SIZE;
	if (!verity_is_valid_block_size(params->hash_block_size))
		return VERITY_E_BAD_HASH_BLOCK_SIZE;
	if (params->salt_size > VERITY_MAX_SALT_SIZE)
		return VERITY_E_SALT_TOO_LONG;
	return 0;
}

int verity_geometry_init(struct verity_geometry *geo, const struct verity_params *params)
{
	uint32_t digest_size;
	unsigned bits, levels = 0;
	uint64_t position;
	int ret;

	if (!geo || !params)
		return VERITY_E_INVAL;
	for (size_t i = 0; i < sizeof(params->reserved) / sizeof(params->reserved[0]); i++)
		if (params->reserved[i])
			return VERITY_E_INVAL;
	ret = verity_params_check(params, &digest_size);
	if (ret)
		return ret;
	if (params->hash_block_size < 2 * digest_size)
		return VERITY_E_DIGEST_TOO_BIG;
	if (params->data_blocks == 0)
		return VERITY_E_NO_DATA_BLOCKS;
	if (params->data_blocks > UINT64_MAX / params->data_block_size)
		return VERITY_E_OVERFLOW;

	memset(geo, 0, sizeof(*geo));
	geo->digest_size = digest_size;
	bits = verity_log2_u32(params->hash_block_size / digest_size);
	geo->hash_per_block_bits = bits;
	geo->digest_slot_size =
	    params->hash_type == 1 ? params->hash_block_size >> bits : digest_size;

	while (levels * bits < 64 && ((params->data_blocks - 1) >> (levels * bits)) != 0)
		levels++;
	if (levels > VERITY_MAX_LEVELS)
		return VERITY_E_TOO_MANY_LEVELS;
	geo->levels = levels;

	for (unsigned i = 0; i < levels; i++) {
		unsigned shift = (i + 1) * bits;

		geo->level_blocks[i] = shift < 64 ? ((params->data_blocks - 1) >> shift) + 1 : 1;
	}
	/* The top level comes first on disk, the leaves last. */
	position = params->hash_start_block;
	for (unsigned i = levels; i-- > 0;) {
		geo->level_start[i] = position;
		if (verity_add_overflow_u64(position, geo->level_blocks[i], &position))
			return VERITY_E_HASH_AREA_OVERFLOW;
	}
	if (position > UINT64_MAX / params->hash_block_size)
		return VERITY_E_HASH_AREA_OVERFLOW;
	geo->hash_end_block = position;
	return 0;
}
