/* SPDX-License-Identifier: MIT */
/* libverity: the veritysetup superblock (core). Include <libverity.h>. */
#ifndef LIBVERITY_SUPERBLOCK_H
#define LIBVERITY_SUPERBLOCK_H

#include <libverity/tree.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- superblock ---- */

#define VERITY_SUPERBLOCK_SIZE 512
#define VERITY_UUID_SIZE       16

/**
 * verity_hash_start_block() - where the tree starts on the hash device
 * @hash_offset: byte offset of the hash area (veritysetup --hash-offset)
 * @hash_block_size: hash block size
 * @superblock: whether a superblock sits at @hash_offset
 * @start: set to ceil((@hash_offset + 512) / @hash_block_size) with a
 *         superblock, @hash_offset / @hash_block_size without (as veritysetup)
 *
 * Return: 0; VERITY_E_INVAL for a NULL @start; VERITY_E_BAD_HASH_OFFSET if
 * @hash_offset is not a multiple of 512; VERITY_E_BAD_HASH_BLOCK_SIZE;
 * VERITY_E_OVERFLOW.
 */
VERITY_PUBLIC int verity_hash_start_block(uint64_t hash_offset, uint32_t hash_block_size,
                                          bool superblock, uint64_t *start);

/**
 * verity_superblock_parse() - read a veritysetup superblock
 * @buf: the bytes at the hash offset (untrusted)
 * @len: bytes available at @buf (512 are used)
 * @hash_offset: where @buf was read from, to compute hash_start_block
 * @params: zeroed and filled in on success (root digest left empty);
 *          data_blocks is taken as stored, 0 included (veritysetup then
 *          uses the whole data device)
 * @uuid: optional; the raw 16-byte UUID
 *
 * Checks, in this order, each with its own code: length
 * (VERITY_E_SB_TOO_SHORT), signature (VERITY_E_SB_BAD_MAGIC), version
 * (VERITY_E_SB_BAD_VERSION), hash type (VERITY_E_SB_BAD_HASH_TYPE),
 * algorithm name NUL-terminated within 32 bytes
 * (VERITY_E_SB_ALGORITHM_UNTERMINATED) and known (VERITY_E_SB_BAD_ALGORITHM),
 * data block size (VERITY_E_SB_BAD_BLOCK_SIZE), hash block size
 * (VERITY_E_SB_BAD_HASH_BLOCK_SIZE), salt size (VERITY_E_SB_BAD_SALT_SIZE),
 * padding fields zero (VERITY_E_SB_RESERVED_NONZERO). Like veritysetup,
 * salt bytes past salt_size are not checked.
 *
 * Return: 0, one of the codes above, VERITY_E_INVAL for NULL pointers, or a
 * verity_hash_start_block() error for @hash_offset.
 */
VERITY_PUBLIC int verity_superblock_parse(const void *buf, size_t len, uint64_t hash_offset,
                                          struct verity_params *params, uint8_t *uuid);

/**
 * verity_superblock_write() - build a veritysetup superblock
 * @out: 512 bytes out (all of them written)
 * @params: hash type, algorithm, block sizes, data blocks and salt
 * @uuid: the raw 16-byte UUID, or NULL for zeros
 *
 * The bytes are those `veritysetup format` writes.
 * Return: 0; VERITY_E_INVAL for NULL pointers or an algorithm name of 32
 * bytes or more; VERITY_E_BAD_HASH_TYPE; VERITY_E_BAD_HASH_ALG;
 * VERITY_E_BAD_DATA_BLOCK_SIZE; VERITY_E_BAD_HASH_BLOCK_SIZE;
 * VERITY_E_SALT_TOO_LONG.
 */
VERITY_PUBLIC int verity_superblock_write(uint8_t out[VERITY_SUPERBLOCK_SIZE],
                                          const struct verity_params *params, const uint8_t *uuid);

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_SUPERBLOCK_H */
