/* SPDX-License-Identifier: MIT */
/*
 * The veritysetup superblock parser. Input: the 512 bytes at the hash offset
 * (seeds from `veritysetup format`), optionally followed by 8 bytes of hash
 * offset.
 *
 * Invariants: only documented codes; an accepted superblock decodes to the
 * fields at their documented offsets (reference/dm-verity-format.md section 1,
 * read here independently), has zero padding, and writes back to the same
 * bytes (except the unchecked salt tail and bytes after the algorithm's NUL);
 * parsing that output gives the same parameters.
 */
#include "fuzz/fuzz.h"
#include "libverity.h"

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/*
 * verity_open_resolve() over the same bytes as a hash device alone: only its
 * documented codes, and the parser's verdict on the superblock at offset 0.
 */
static void check_resolve(const uint8_t *data, size_t size)
{
	struct verity_memory_bdev mctx;
	struct verity_bdev bdev;
	struct verity_open_params op = {0};
	struct verity_open_info info;
	struct verity_params direct;
	int ret, expect;

	verity_bdev_from_memory(&bdev, &mctx, data, size);
	op.hash = &bdev;
	ret = verity_open_resolve(&op, &info);
	expect = verity_superblock_parse(data, size, 0, &direct, NULL);
	if (size < VERITY_SUPERBLOCK_SIZE) {
		FUZZ_CHECK(ret == VERITY_E_HASH_DEVICE_TOO_SMALL);
		FUZZ_CHECK(info.step == VERITY_OPEN_STEP_SUPERBLOCK);
		return;
	}
	FUZZ_CHECK(ret == expect);
	FUZZ_CHECK(info.step == (ret ? VERITY_OPEN_STEP_SUPERBLOCK : VERITY_OPEN_STEP_NONE));
	if (ret == 0) {
		FUZZ_CHECK(info.superblock);
		FUZZ_CHECK(memcmp(&info.params, &direct, sizeof(direct)) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verity_params params, again;
	uint8_t uuid[VERITY_UUID_SIZE], uuid2[VERITY_UUID_SIZE], out[VERITY_SUPERBLOCK_SIZE];
	uint8_t expect[VERITY_SUPERBLOCK_SIZE];
	uint64_t hash_offset = 0, start, end;
	size_t alg_len;
	int ret;

	check_resolve(data, size);
	if (size >= VERITY_SUPERBLOCK_SIZE + 8)
		hash_offset = le(data + VERITY_SUPERBLOCK_SIZE, 8);
	ret = verity_superblock_parse(data, size, hash_offset, &params, uuid);
	FUZZ_LOG("superblock: %d (%s)\n", ret, verity_strerror(ret));
	if (ret != 0) {
		FUZZ_EXPECT_CODES(
		    ret, VERITY_E_SB_TOO_SHORT, VERITY_E_SB_BAD_MAGIC, VERITY_E_SB_BAD_VERSION,
		    VERITY_E_SB_BAD_HASH_TYPE, VERITY_E_SB_BAD_ALGORITHM,
		    VERITY_E_SB_BAD_BLOCK_SIZE, VERITY_E_SB_BAD_SALT_SIZE,
		    VERITY_E_SB_RESERVED_NONZERO, VERITY_E_SB_ALGORITHM_UNTERMINATED,
		    VERITY_E_SB_BAD_HASH_BLOCK_SIZE, VERITY_E_INVAL, VERITY_E_BAD_HASH_OFFSET,
		    VERITY_E_BAD_HASH_BLOCK_SIZE, VERITY_E_OVERFLOW);
		FUZZ_CHECK(ret != VERITY_E_SB_TOO_SHORT || size < VERITY_SUPERBLOCK_SIZE);
		return 0;
	}
	FUZZ_CHECK(size >= VERITY_SUPERBLOCK_SIZE);
	FUZZ_CHECK(memcmp(data, "verity\0\0", 8) == 0);
	FUZZ_CHECK(le(data + 8, 4) == 1);
	FUZZ_CHECK(params.hash_type == le(data + 12, 4) && params.hash_type <= 1);
	FUZZ_CHECK(memcmp(uuid, data + 16, VERITY_UUID_SIZE) == 0);
	alg_len = strnlen((const char *)data + 32, 32);
	FUZZ_CHECK(alg_len < 32 && alg_len == strlen(params.algorithm));
	FUZZ_CHECK(memcmp(params.algorithm, data + 32, alg_len) == 0);
	FUZZ_CHECK(verity_hash_digest_size(params.algorithm) != 0);
	FUZZ_CHECK(params.data_block_size == le(data + 64, 4));
	FUZZ_CHECK(params.hash_block_size == le(data + 68, 4));
	FUZZ_CHECK(params.data_blocks == le(data + 72, 8));
	FUZZ_CHECK(params.salt_size == le(data + 80, 2) &&
	           params.salt_size <= VERITY_MAX_SALT_SIZE);
	FUZZ_CHECK(memcmp(params.salt, data + 88, params.salt_size) == 0);
	FUZZ_CHECK(all_zero(data + 82, 6) && all_zero(data + 344, 168));
	FUZZ_CHECK(params.root_digest_size == 0);
	FUZZ_CHECK(all_zero((const uint8_t *)params.reserved, sizeof(params.reserved)));
	FUZZ_CHECK(verity_hash_start_block(hash_offset, params.hash_block_size, true, &start) == 0);
	FUZZ_CHECK(params.hash_start_block == start);
	FUZZ_CHECK(hash_offset % 512 == 0 && !__builtin_add_overflow(hash_offset, 512, &end));
	FUZZ_CHECK(start == end / params.hash_block_size + (end % params.hash_block_size != 0));

	/* Write back: the same bytes, modulo what the parser does not check. */
	FUZZ_CHECK(verity_superblock_write(out, &params, uuid) == 0);
	memcpy(expect, data, sizeof(expect));
	memset(expect + 32 + alg_len, 0, 32 - alg_len);
	memset(expect + 88 + params.salt_size, 0, VERITY_MAX_SALT_SIZE - params.salt_size);
	FUZZ_CHECK(memcmp(out, expect, sizeof(out)) == 0);
	FUZZ_CHECK(verity_superblock_parse(out, sizeof(out), hash_offset, &again, uuid2) == 0);
	FUZZ_CHECK(memcmp(&params, &again, sizeof(params)) == 0);
	FUZZ_CHECK(memcmp(uuid, uuid2, sizeof(uuid)) == 0);
	return 0;
}
