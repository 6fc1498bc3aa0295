/* SPDX-License-Identifier: MIT */
/*
 * The veritysetup superblock: the byte example of reference section 1,
 * write/parse round trips, and every check with its own code, in order.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "libverity.h"

static const uint8_t salt[32] = {0xe4, 0x8d, 0xa6, 0x09, 0x05, 0x52, 0x04, 0xe8, 0x9a, 0xe5, 0x3b,
                                 0x65, 0x5c, 0xa2, 0x21, 0x6d, 0xd9, 0x83, 0xcf, 0x3c, 0xb8, 0x29,
                                 0xf3, 0x4f, 0x63, 0xa2, 0x97, 0xd1, 0x06, 0xd5, 0x3e, 0x2d};
static const uint8_t uuid[16] = {0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x12, 0x34,
                                 0x12, 0x34, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc};

static struct verity_params reference_params(void)
{
	struct verity_params p;

	memset(&p, 0, sizeof(p));
	p.hash_type = 1;
	strcpy(p.algorithm, "sha256");
	p.data_block_size = 4096;
	p.hash_block_size = 4096;
	p.data_blocks = 2048;
	p.salt_size = sizeof(salt);
	memcpy(p.salt, salt, sizeof(salt));
	return p;
}

static void reference_sb(uint8_t sb[VERITY_SUPERBLOCK_SIZE])
{
	struct verity_params p = reference_params();

	cr_assert_eq(verity_superblock_write(sb, &p, uuid), 0);
}

Test(superblock, byte_example_of_the_reference)
{
	static const uint8_t head[16] = {0x76, 0x65, 0x72, 0x69, 0x74, 0x79, 0, 0,
	                                 1,    0,    0,    0,    1,    0,    0, 0};
	static const uint8_t sizes[24] = {0, 0x10, 0, 0, 0,    0x10, 0, 0, 0, 8, 0, 0,
	                                  0, 0,    0, 0, 0x20, 0,    0, 0, 0, 0, 0, 0};
	uint8_t sb[VERITY_SUPERBLOCK_SIZE], zeros[168] = {0};

	reference_sb(sb);
	cr_assert_eq(memcmp(sb, head, 16), 0);
	cr_assert_eq(memcmp(sb + 16, uuid, 16), 0);
	cr_assert_eq(
	    memcmp(sb + 32, "sha256\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 32), 0);
	cr_assert_eq(memcmp(sb + 64, sizes, 24), 0);
	cr_assert_eq(memcmp(sb + 88, salt, 32), 0);
	cr_assert_eq(memcmp(sb + 120, zeros, 168), 0, "unused salt bytes are zero");
	cr_assert_eq(memcmp(sb + 344, zeros, 168), 0);
}

Test(superblock, round_trip)
{
	uint8_t sb[VERITY_SUPERBLOCK_SIZE], got_uuid[16];
	struct verity_params p = reference_params(), q;

	reference_sb(sb);
	cr_assert_eq(verity_superblock_parse(sb, sizeof(sb), 0, &q, got_uuid), 0);
	cr_assert_eq(q.hash_start_block, 1);
	p.hash_start_block = 1;
	cr_assert_eq(memcmp(&p, &q, sizeof(p)), 0);
	cr_assert_eq(memcmp(got_uuid, uuid, 16), 0);

	/* Version 0, sha1, empty salt, other sizes, at an offset. */
	p.hash_type = 0;
	strcpy(p.algorithm, "sha1");
	memset(p.algorithm + 5, 0, sizeof(p.algorithm) - 5);
	p.data_block_size = 512;
	p.hash_block_size = 65536;
	p.data_blocks = 0x123456789ull;
	p.salt_size = 0;
	memset(p.salt, 0, sizeof(p.salt));
	p.hash_start_block = 0;
	cr_assert_eq(verity_superblock_write(sb, &p, NULL), 0);
	cr_assert_eq(verity_superblock_parse(sb, sizeof(sb), 8388608, &q, NULL), 0);
	p.hash_start_block = 129; /* ceil((8 MiB + 512) / 64 KiB) */
	cr_assert_eq(memcmp(&p, &q, sizeof(p)), 0);
}

Test(superblock, hash_start_block)
{
	uint64_t s;

	cr_assert_eq(verity_hash_start_block(0, 4096, true, &s), 0);
	cr_assert_eq(s, 1);
	cr_assert_eq(verity_hash_start_block(0, 512, true, &s), 0);
	cr_assert_eq(s, 1);
	cr_assert_eq(verity_hash_start_block(512, 512, true, &s), 0);
	cr_assert_eq(s, 2);
	cr_assert_eq(verity_hash_start_block(3584, 4096, true, &s), 0);
	cr_assert_eq(s, 1);
	cr_assert_eq(verity_hash_start_block(4096, 4096, true, &s), 0);
	cr_assert_eq(s, 2);
	cr_assert_eq(verity_hash_start_block(8192, 4096, false, &s), 0);
	cr_assert_eq(s, 2);
	cr_assert_eq(verity_hash_start_block(1536, 1024, false, &s), 0);
	cr_assert_eq(s, 1, "without a superblock the start rounds down, as veritysetup");
	cr_assert_eq(verity_hash_start_block(1000, 4096, true, &s), VERITY_E_BAD_HASH_OFFSET);
	cr_assert_eq(verity_hash_start_block(1000, 4096, false, &s), VERITY_E_BAD_HASH_OFFSET);
	cr_assert_eq(verity_hash_start_block(UINT64_MAX - 511, 4096, true, &s), VERITY_E_OVERFLOW);
	cr_assert_eq(verity_hash_start_block(0, 3, true, &s), VERITY_E_BAD_HASH_BLOCK_SIZE);
	cr_assert_eq(verity_hash_start_block(0, 4096, true, NULL), VERITY_E_INVAL);
}

static int parse(const uint8_t *sb)
{
	struct verity_params q;

	return verity_superblock_parse(sb, VERITY_SUPERBLOCK_SIZE, 0, &q, NULL);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

Test(superblock, every_check_has_its_code)
{
	uint8_t sb[VERITY_SUPERBLOCK_SIZE], bad[VERITY_SUPERBLOCK_SIZE];
	struct verity_params q;

	reference_sb(sb);
	cr_assert_eq(parse(sb), 0);
	cr_assert_eq(verity_superblock_parse(sb, 511, 0, &q, NULL), VERITY_E_SB_TOO_SHORT);
	cr_assert_eq(verity_superblock_parse(NULL, 0, 0, &q, NULL), VERITY_E_SB_TOO_SHORT);
	cr_assert_eq(verity_superblock_parse(sb, 512, 0, NULL, NULL), VERITY_E_INVAL);

	memcpy(bad, sb, 512);
	bad[6] = 'x';
	cr_assert_eq(parse(bad), VERITY_E_SB_BAD_MAGIC);
	memcpy(bad, sb, 512);
	put32(bad + 8, 2);
	cr_assert_eq(parse(bad), VERITY_E_SB_BAD_VERSION);
	put32(bad + 8, 0);
	cr_assert_eq(parse(bad), VERITY_E_SB_BAD_VERSION);
	memcpy(bad, sb, 512);
	put32(bad + 12, 2);
	cr_assert_eq(parse(bad), VERITY_E_SB_BAD_HASH_TYPE);
	memcpy(bad, sb, 512);
	memset(bad + 32, 'a', 32);
	cr_assert_eq(parse(bad), VERITY_E_SB_ALGORITHM_UNTERMINATED);
	memcpy(bad, sb, 512);
	memcpy(bad + 32, "blah", 5);
	cr_assert_eq(parse(bad), VERITY_E_SB_BAD_ALGORITHM);
	memcpy(bad + 32, "SHA256", 7);
	cr_assert_eq(parse(bad), VERITY_E_SB_BAD_ALGORITHM, "names are lower case");
	memcpy(bad + 32, "sha256\0x", 8);
	cr_assert_eq(parse(bad), 0, "bytes after the NUL are not part of the name");
	memcpy(bad, sb, 512);
	put32(bad + 64, 333);
	cr_assert_eq(parse(bad), VERITY_E_SB_BAD_BLOCK_SIZE);
	put32(bad + 64, 256);
	cr_assert_eq(parse(bad), VERITY_E_SB_BAD_BLOCK_SIZE);
	put32(bad + 64, 1u << 20);
	cr_assert_eq(parse(bad), VERITY_E_SB_BAD_BLOCK_SIZE);
	put32(bad + 64, 512u * 1024);
	cr_assert_eq(parse(bad), 0, "512 KiB blocks are valid");
	memcpy(bad, sb, 512);
	put32(bad + 68, 3);
	cr_assert_eq(parse(bad), VERITY_E_SB_BAD_HASH_BLOCK_SIZE);
	put32(bad + 68, 1u << 31);
	cr_assert_eq(parse(bad), VERITY_E_SB_BAD_HASH_BLOCK_SIZE);
	memcpy(bad, sb, 512);
	bad[80] = 1;
	bad[81] = 1; /* 257 */
	cr_assert_eq(parse(bad), VERITY_E_SB_BAD_SALT_SIZE);
	bad[80] = 0; /* 256 is the maximum */
	cr_assert_eq(parse(bad), 0);
	for (int off = 82; off < 88; off++) {
		memcpy(bad, sb, 512);
		bad[off] = 0x40;
		cr_assert_eq(parse(bad), VERITY_E_SB_RESERVED_NONZERO, "byte %d", off);
	}
	for (int off = 344; off < 512; off += 167) {
		memcpy(bad, sb, 512);
		bad[off] = 1;
		cr_assert_eq(parse(bad), VERITY_E_SB_RESERVED_NONZERO, "byte %d", off);
	}
	memcpy(bad, sb, 512);
	bad[300] = 0xaa; /* past salt_size: unchecked, as in veritysetup */
	cr_assert_eq(parse(bad), 0);
	memcpy(bad, sb, 512);
	bad[16] ^= 0xff; /* the UUID is not checked */
	cr_assert_eq(parse(bad), 0);
}

Test(superblock, checks_come_in_order)
{
	uint8_t sb[VERITY_SUPERBLOCK_SIZE];

	/* Everything wrong at once: each fix reveals the next check. */
	reference_sb(sb);
	sb[0] = 'X';
	put32(sb + 8, 9);
	put32(sb + 12, 9);
	memcpy(sb + 32, "nope", 5);
	put32(sb + 64, 7);
	put32(sb + 68, 7);
	sb[81] = 9;
	sb[85] = 1;
	cr_assert_eq(parse(sb), VERITY_E_SB_BAD_MAGIC);
	sb[0] = 'v';
	cr_assert_eq(parse(sb), VERITY_E_SB_BAD_VERSION);
	put32(sb + 8, 1);
	cr_assert_eq(parse(sb), VERITY_E_SB_BAD_HASH_TYPE);
	put32(sb + 12, 0);
	cr_assert_eq(parse(sb), VERITY_E_SB_BAD_ALGORITHM);
	memcpy(sb + 32, "sha1", 5);
	cr_assert_eq(parse(sb), VERITY_E_SB_BAD_BLOCK_SIZE);
	put32(sb + 64, 4096);
	cr_assert_eq(parse(sb), VERITY_E_SB_BAD_HASH_BLOCK_SIZE);
	put32(sb + 68, 4096);
	cr_assert_eq(parse(sb), VERITY_E_SB_BAD_SALT_SIZE);
	sb[81] = 0;
	cr_assert_eq(parse(sb), VERITY_E_SB_RESERVED_NONZERO);
	sb[85] = 0;
	cr_assert_eq(parse(sb), 0);
}

Test(superblock, write_refuses_bad_parameters)
{
	uint8_t sb[VERITY_SUPERBLOCK_SIZE];
	struct verity_params p = reference_params(), q;

	q = p;
	q.hash_type = 2;
	cr_assert_eq(verity_superblock_write(sb, &q, uuid), VERITY_E_BAD_HASH_TYPE);
	q = p;
	strcpy(q.algorithm, "md5");
	cr_assert_eq(verity_superblock_write(sb, &q, uuid), VERITY_E_BAD_HASH_ALG);
	q = p;
	memset(q.algorithm, 'a', sizeof(q.algorithm));
	cr_assert_eq(verity_superblock_write(sb, &q, uuid), VERITY_E_INVAL);
	q = p;
	q.data_block_size = 333;
	cr_assert_eq(verity_superblock_write(sb, &q, uuid), VERITY_E_BAD_DATA_BLOCK_SIZE);
	q = p;
	q.hash_block_size = 1u << 31;
	cr_assert_eq(verity_superblock_write(sb, &q, uuid), VERITY_E_BAD_HASH_BLOCK_SIZE);
	q = p;
	q.salt_size = 257;
	cr_assert_eq(verity_superblock_write(sb, &q, uuid), VERITY_E_SALT_TOO_LONG);
	cr_assert_eq(verity_superblock_write(NULL, &p, uuid), VERITY_E_INVAL);
}
