/* SPDX-License-Identifier: MIT */
/* libverity: tree parameters, geometry, format and full verification (core). Include <libverity.h>.
 */
#ifndef LIBVERITY_TREE_H
#define LIBVERITY_TREE_H

#include <libverity/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Tree parameters and geometry                                              */
/* ------------------------------------------------------------------------ */

#define VERITY_MAX_SALT_SIZE   256
#define VERITY_MAX_DIGEST_SIZE 64
#define VERITY_MAX_LEVELS      63
#define VERITY_MIN_BLOCK_SIZE  512u
#define VERITY_MAX_BLOCK_SIZE  (512u * 1024u)

/**
 * struct verity_params - what defines a dm-verity tree (the kernel table)
 * @hash_type: 1 (normal, salt prepended) or 0 (Chrome OS, salt appended)
 * @algorithm: NUL-terminated hash name as in the kernel table ("sha256")
 * @data_block_size: bytes per data block
 * @hash_block_size: bytes per hash block
 * @data_blocks: number of data blocks covered by the tree
 * @hash_start_block: first tree block on the hash device, in hash blocks
 * @salt_size: bytes of @salt in use (0 .. 256)
 * @salt: the salt
 * @root_digest_size: bytes of @root_digest in use (0 while unknown)
 * @root_digest: the expected root hash
 * @reserved: must be zero
 */
struct verity_params {
	uint32_t hash_type;
	char algorithm[32];
	uint32_t data_block_size;
	uint32_t hash_block_size;
	uint64_t data_blocks;
	uint64_t hash_start_block;
	uint32_t salt_size;
	uint8_t salt[VERITY_MAX_SALT_SIZE];
	uint32_t root_digest_size;
	uint8_t root_digest[VERITY_MAX_DIGEST_SIZE];
	uint64_t reserved[4];
};

/**
 * struct verity_geometry - tree layout derived from struct verity_params
 * @digest_size: bytes per digest
 * @hash_per_block_bits: log2 of the number of digests per hash block
 * @digest_slot_size: bytes between consecutive digests in a hash block
 * @levels: number of tree levels (0 when there is one data block)
 * @level_start: absolute hash-device block of each level; [0] = leaves
 * @level_blocks: number of hash blocks in each level
 * @hash_end_block: first hash-device block after the tree
 */
struct verity_geometry {
	uint32_t digest_size;
	uint32_t hash_per_block_bits;
	uint32_t digest_slot_size;
	uint32_t levels;
	uint64_t level_start[VERITY_MAX_LEVELS];
	uint64_t level_blocks[VERITY_MAX_LEVELS];
	uint64_t hash_end_block;
};

/**
 * verity_geometry_init() - compute and check the tree layout
 * @geo: filled on success
 * @params: the tree parameters (root digest not needed)
 *
 * All arithmetic is overflow-checked; layouts that cannot exist are refused.
 * Return: 0 or VERITY_E_BAD_HASH_TYPE, VERITY_E_BAD_HASH_ALG,
 * VERITY_E_BAD_*_BLOCK_SIZE, VERITY_E_SALT_TOO_LONG, VERITY_E_DIGEST_TOO_BIG,
 * VERITY_E_NO_DATA_BLOCKS, VERITY_E_OVERFLOW (data_blocks x
 * data_block_size does not fit 64 bits), VERITY_E_TOO_MANY_LEVELS,
 * VERITY_E_HASH_AREA_OVERFLOW, VERITY_E_INVAL (NULL pointers, reserved fields).
 */
VERITY_PUBLIC int verity_geometry_init(struct verity_geometry *geo,
                                       const struct verity_params *params);

/**
 * verity_hash_digest_size() - digest size of a hash algorithm
 * @algorithm: name as in the kernel table
 *
 * Return: digest bytes, or 0 if the algorithm is unknown or not built in.
 */
VERITY_PUBLIC uint32_t verity_hash_digest_size(const char *algorithm);

/* ---- tree: format and full verification (issue: hash trees) ---- */

/**
 * struct verity_writer - where verity_format() writes the hash tree
 * @user_data: passed back to @write
 * @write: write @len bytes from @buf at byte @offset of the hash device;
 *         return 0 or a negative VERITY_E_* code (VERITY_E_IO).
 *
 * Blocks are written at their final offsets (the top level lies first on
 * disk, the leaves last); each offset is written exactly once.
 */
struct verity_writer {
	void *user_data;
	int (*write)(void *user_data, uint64_t offset, const void *buf, size_t len);
};

/**
 * typedef verity_progress_fn - progress report of format and verify
 * @user_data: the options' @progress_user_data
 * @done: data bytes processed so far
 * @total: data bytes in all
 *
 * Called from the caller's thread only, in increasing order of @done.
 */
typedef void (*verity_progress_fn)(void *user_data, uint64_t done, uint64_t total);

/**
 * struct verity_tree_options - how verity_format() and verity_verify() run
 * @allocator: memory hooks; NULL for malloc/free
 * @threads: worker threads including the caller's; 0 means every online CPU
 *           in hosted builds (1 in freestanding builds, which have no threads)
 * @extent_size: data bytes read per call; 0 for the default (256 KiB, less
 *               with more than 4 threads: 1 MiB shared, at least 64 KiB each);
 *               rounded down to whole data blocks, at least one block
 * @progress: optional progress callback
 * @progress_user_data: passed to @progress
 * @reserved: must be zero
 *
 * A NULL options pointer means all defaults. Memory used is about
 * (2 x @threads) x (one job's leaf hash blocks) + @threads x @extent_size
 * + one hash block per tree level: it does not grow with the image.
 */
struct verity_tree_options {
	const struct verity_allocator *allocator;
	unsigned threads;
	uint32_t extent_size;
	verity_progress_fn progress;
	void *progress_user_data;
	uint64_t reserved[4];
};

/**
 * verity_format() - build the hash tree of a data device
 * @params: tree parameters (hash_start_block included; root digest ignored);
 *          on success @params->root_digest and root_digest_size are set
 * @data: the data device; blocks 0 .. data_blocks - 1 are hashed
 * @hash: where the tree goes: hash blocks hash_start_block .. the tree end.
 *        Nothing before hash_start_block is written (the superblock is the
 *        caller's, see verity_superblock_write()).
 * @opts: NULL for defaults
 *
 * Streams the data once, hashing blocks in batches; the output is
 * byte-identical to `veritysetup format` for the same parameters, zero
 * padding included.
 *
 * Return: 0; a verity_geometry_init() error for bad parameters;
 * VERITY_E_INVAL for NULL pointers or nonzero reserved options;
 * VERITY_E_DATA_DEVICE_TOO_SMALL if @data holds fewer than data_blocks blocks;
 * VERITY_E_NOMEM; or what a @data read or @hash write returned
 * (VERITY_E_IO, VERITY_E_SHORT_READ; a positive value becomes VERITY_E_IO).
 */
VERITY_PUBLIC int verity_format(struct verity_params *params, const struct verity_bdev *data,
                                const struct verity_writer *hash,
                                const struct verity_tree_options *opts);

/* What a failure in struct verity_verify_result is about. */
enum verity_block_kind {
	VERITY_BLOCK_NONE = 0, /* no block: success, or a failure before any */
	VERITY_BLOCK_DATA = 1, /* a data block */
	VERITY_BLOCK_HASH = 2, /* a hash (tree) block */
};

/**
 * struct verity_verify_result - where verity_verify() stopped
 * @error: 0, or the code verity_verify() returned
 * @kind: enum verity_block_kind of the failing block
 * @level: for a hash block, its tree level (0 = leaves); 0 for data
 * @block: data block index, or absolute hash-device block index
 * @position: byte offset of the failure on its device, as veritysetup
 *            reports it: the block's first byte, or for
 *            VERITY_E_CORRUPT_PADDING the first byte of the spare area
 *            (unused part of a digest slot, or the tail after the last
 *            digest) that is not zero
 * @reserved: zeroed
 */
struct verity_verify_result {
	int error;
	uint32_t kind;
	uint32_t level;
	uint64_t block;
	uint64_t position;
	uint64_t reserved[2];
};

/**
 * verity_verify() - check a whole image against its root hash
 * @params: tree parameters with the expected root digest
 * @data: the data device
 * @hash: the hash device
 * @opts: NULL for defaults (in hosted builds: every CPU)
 * @result: optional; filled in on every return
 *
 * Every hash block is read once, checked against its parent (the top block
 * against the root digest) before anything below it, and its spare area
 * checked for zeros; every data block is then checked against its leaf
 * digest. The failure reported is the first in that order, which is also
 * data-position order: the same whatever @opts->threads is. Stops at it.
 *
 * Unlike veritysetup, which checks bottom-up, a changed digest in a hash
 * block is reported as that hash block (VERITY_E_CORRUPT_HASH), not as the
 * data block below it.
 *
 * Return: 0 if everything matches;
 * VERITY_E_ROOT_MISMATCH if the top block (or, with one data block, the data
 * block) does not hash to the root digest;
 * VERITY_E_CORRUPT_HASH if a hash block does not match its parent's digest;
 * VERITY_E_CORRUPT_PADDING if a hash block's spare area is not zero (also
 * when that block mismatches its parent: the padding is then the cause);
 * VERITY_E_CORRUPT_DATA if a data block does not match its leaf digest;
 * VERITY_E_BAD_ROOT_DIGEST if root_digest_size is not the digest size;
 * a verity_geometry_init() error; VERITY_E_INVAL (NULL pointers, nonzero
 * reserved options); VERITY_E_DATA_DEVICE_TOO_SMALL or
 * VERITY_E_HASH_DEVICE_TOO_SMALL for a truncated device; VERITY_E_NOMEM;
 * or what a device read returned (VERITY_E_IO, VERITY_E_SHORT_READ; a
 * positive value becomes VERITY_E_IO).
 */
VERITY_PUBLIC int verity_verify(const struct verity_params *params, const struct verity_bdev *data,
                                const struct verity_bdev *hash,
                                const struct verity_tree_options *opts,
                                struct verity_verify_result *result);

/**
 * verity_check_overlap() - refuse data and hash areas sharing bytes
 * @params: tree parameters
 * @hash_area_offset: first byte of the hash area on the shared device: the
 *                    superblock's offset, or hash_start_block x block size
 *                    without a superblock
 *
 * For data and hash on one device. The data area is bytes
 * [0, data_blocks x data_block_size), the hash area runs from
 * @hash_area_offset to the end of the tree.
 * Return: 0; VERITY_E_AREA_OVERLAP ("Data area overlaps with hash area");
 * or a verity_geometry_init() error.
 */
VERITY_PUBLIC int verity_check_overlap(const struct verity_params *params,
                                       uint64_t hash_area_offset);

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_TREE_H */
