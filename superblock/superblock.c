/* SPDX-License-Identifier: MIT */
/*
 * The 512-byte veritysetup superblock (reference/dm-verity-format.md
 * section 1). Parsed field by field from bytes, little-endian, checks in a
 * fixed order; no struct is overlaid on the untrusted buffer.
 */
#include <string.h>

#include "verity/hash.h"
#include "verity/util.h"

/* Field offsets (cryptsetup struct verity_sb, packed). */
#define SB_SIGNATURE       0   /* 8: "verity\0\0" */
#define SB_VERSION         8   /* le32: 1 */
#define SB_HASH_TYPE       12  /* le32: 0 or 1 */
#define SB_UUID            16  /* 16: raw UUID */
#define SB_ALGORITHM       32  /* 32: NUL-padded name */
#define SB_DATA_BLOCK_SIZE 64  /* le32 */
#define SB_HASH_BLOCK_SIZE 68  /* le32 */
#define SB_DATA_BLOCKS     72  /* le64 */
#define SB_SALT_SIZE       80  /* le16 */
#define SB_PAD1            82  /* 6 zero bytes */
#define SB_SALT            88  /* 256 */
#define SB_PAD2            344 /* 168 zero bytes */

#define SB_ALGORITHM_LEN 32
#define SB_PAD1_LEN      6
#define SB_PAD2_LEN      168

static const uint8_t signature[8] = {'v', 'e', 'r', 'i', 't', 'y', 0, 0};

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

int verity_hash_start_block(uint64_t hash_offset, uint32_t hash_block_size, bool superblock,
                            uint64_t *start)
{
	uint64_t end;

	if (!start)
		return VERITY_E_INVAL;
	if (hash_offset % 512)
		return VERITY_E_BAD_HASH_OFFSET;
	if (!verity_is_valid_block_size(hash_block_size))
		return VERITY_E_BAD_HASH_BLOCK_SIZE;
	if (!superblock) {
		*start = hash_offset / hash_block_size;
		return 0;
	}
	if (verity_add_overflow_u64(hash_offset, VERITY_SUPERBLOCK_SIZE, &end))
		return VERITY_E_OVERFLOW;
	*start = end / hash_block_size + (end % hash_block_size != 0);
	return 0;
}

int verity_superblock_parse(const void *buf, size_t len, uint64_t hash_offset,
                            struct verity_params *params, uint8_t *uuid)
{
	const uint8_t *sb = buf;
	uint32_t version, hash_type, dbs, hbs, salt_size;
	uint64_t start;
	int ret;

	if (!params || (!buf && len))
		return VERITY_E_INVAL;
	if (len < VERITY_SUPERBLOCK_SIZE)
		return VERITY_E_SB_TOO_SHORT;
	if (memcmp(sb + SB_SIGNATURE, signature, sizeof(signature)) != 0)
		return VERITY_E_SB_BAD_MAGIC;
	version = get_le32(sb + SB_VERSION);
	if (version != 1)
		return VERITY_E_SB_BAD_VERSION;
	hash_type = get_le32(sb + SB_HASH_TYPE);
	if (hash_type > 1)
		return VERITY_E_SB_BAD_HASH_TYPE;
	if (!memchr(sb + SB_ALGORITHM, '\0', SB_ALGORITHM_LEN))
		return VERITY_E_SB_ALGORITHM_UNTERMINATED;
	if (verity_hash_lookup((const char *)sb + SB_ALGORITHM, NULL, NULL) != 0)
		return VERITY_E_SB_BAD_ALGORITHM;
	dbs = get_le32(sb + SB_DATA_BLOCK_SIZE);
	if (!verity_is_valid_block_size(dbs))
		return VERITY_E_SB_BAD_BLOCK_SIZE;
	hbs = get_le32(sb + SB_HASH_BLOCK_SIZE);
	if (!verity_is_valid_block_size(hbs))
		return VERITY_E_SB_BAD_HASH_BLOCK_SIZE;
	salt_size = (uint32_t)sb[SB_SALT_SIZE] | (uint32_t)sb[SB_SALT_SIZE + 1] << 8;
	if (salt_size > VERITY_MAX_SALT_SIZE)
		return VERITY_E_SB_BAD_SALT_SIZE;
	if (!all_zero(sb + SB_PAD1, SB_PAD1_LEN) || !all_zero(sb + SB_PAD2, SB_PAD2_LEN))
		return VERITY_E_SB_RESERVED_NONZERO;
	ret = verity_hash_start_block(hash_offset, hbs, true, &start);
	if (ret)
		return ret;

	memset(params, 0, sizeof(*params));
	params->hash_type = hash_type;
	/* Only the name: bytes after its NUL are not checked and stay out. */
	memcpy(params->algorithm, sb + SB_ALGORITHM, strlen((const char *)sb + SB_ALGORITHM));
	params->data_block_size = dbs;
	params->hash_block_size = hbs;
	params->data_blocks = get_le64(sb + SB_DATA_BLOCKS);
	params->hash_start_block = start;
	params->salt_size = salt_size;
	memcpy(params->salt, sb + SB_SALT, salt_size);
	if (uuid)
		memcpy(uuid, sb + SB_UUID, VERITY_UUID_SIZE);
	return 0;
}

int verity_superblock_write(uint8_t out[VERITY_SUPERBLOCK_SIZE], const struct verity_params *params,
                            const uint8_t *uuid)
{
	const char *nul;
	size_t name_len;
	int ret;

	if (!out || !params)
		return VERITY_E_INVAL;
	/* The name needs its NUL within the 32 bytes (veritysetup: at most 31 characters). */
	nul = memchr(params->algorithm, '\0', SB_ALGORITHM_LEN);
	if (!nul || nul == params->algorithm)
		return VERITY_E_INVAL;
	name_len = (size_t)(nul - params->algorithm);
	ret = verity_params_check(params, NULL);
	if (ret)
		return ret;

	memset(out, 0, VERITY_SUPERBLOCK_SIZE);
	memcpy(out + SB_SIGNATURE, signature, sizeof(signature));
	put_le32(out + SB_VERSION, 1);
	put_le32(out + SB_HASH_TYPE, params->hash_type);
	if (uuid)
		memcpy(out + SB_UUID, uuid, VERITY_UUID_SIZE);
	memcpy(out + SB_ALGORITHM, params->algorithm, name_len);
	put_le32(out + SB_DATA_BLOCK_SIZE, params->data_block_size);
	put_le32(out + SB_HASH_BLOCK_SIZE, params->hash_block_size);
	put_le64(out + SB_DATA_BLOCKS, params->data_blocks);
	out[SB_SALT_SIZE] = (uint8_t)params->salt_size;
	out[SB_SALT_SIZE + 1] = (uint8_t)(params->salt_size >> 8);
	memcpy(out + SB_SALT, params->salt, params->salt_size);
	return 0;
}
