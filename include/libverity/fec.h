/* SPDX-License-Identifier: MIT */
/*
 * libverity: dm-verity forward error correction (veritysetup --fec-device,
 * the kernel's use_fec_from_device). Included by libverity.h.
 *
 * The FEC area is Reed-Solomon RS(255, 255 - roots) parity over the
 * "message": the data blocks, then the hash device's blocks from
 * hash_start_block on, fec_blocks blocks in all. The message is cut into
 * rounds = ceil(fec_blocks / (255 - roots)) interleaved rounds; byte b of
 * the blocks of round n forms codeword n x block_size + b, whose roots
 * parity bytes lie at fec_start x block_size + codeword x roots on the FEC
 * device.
 */
#ifndef LIBVERITY_FEC_H
#define LIBVERITY_FEC_H

#include <libverity/common.h>
#include <libverity/tree.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VERITY_FEC_MIN_ROOTS     2
#define VERITY_FEC_MAX_ROOTS     24
#define VERITY_FEC_DEFAULT_ROOTS 2

/**
 * struct verity_fec_params - the kernel table's FEC arguments
 * @roots: parity bytes per codeword (fec_roots), 2 .. 24
 * @reserved0: must be zero
 * @fec_blocks: message length in blocks (fec_blocks): the data blocks plus
 *              the hash-device blocks from hash_start_block on that FEC covers
 * @fec_start: first parity block on the FEC device (fec_start), in blocks of
 *             the (common) block size
 * @reserved: must be zero
 */
struct verity_fec_params {
	uint32_t roots;
	uint32_t reserved0;
	uint64_t fec_blocks;
	uint64_t fec_start;
	uint64_t reserved[4];
};

/**
 * verity_fec_check() - check FEC parameters against the tree parameters
 * @params: tree parameters
 * @fec: FEC parameters
 *
 * As the kernel's constructor: roots in range, equal block sizes, fec_blocks
 * covering the data and the whole tree, and the parity area's end fitting
 * 64 bits.
 * Return: 0; VERITY_E_INVAL (NULL, reserved fields); VERITY_E_FEC_BAD_ROOTS;
 * VERITY_E_FEC_BLOCK_SIZES; VERITY_E_FEC_BAD_BLOCKS; VERITY_E_OVERFLOW; or a
 * verity_geometry_init() error.
 */
VERITY_PUBLIC int verity_fec_check(const struct verity_params *params,
                                   const struct verity_fec_params *fec);

/**
 * verity_fec_rounds() - number of interleaved rounds, ceil(fec_blocks / (255 - roots))
 * @fec: FEC parameters with roots in range
 *
 * Return: the rounds; 0 if @fec is NULL or roots is out of range. The parity
 * area is rounds x roots blocks long.
 */
VERITY_PUBLIC uint64_t verity_fec_rounds(const struct verity_fec_params *fec);

/**
 * verity_fec_blocks_veritysetup() - fec_blocks as veritysetup 2.6.1 derives it
 * @params: tree parameters (hash_start_block, data_blocks, block size)
 * @fec_on_hash_device: true when the FEC area lies on the hash device
 * @hash_device_size: bytes of the hash device (used when the FEC device is
 *                    another device: FEC then covers the whole rest of it)
 * @fec_offset: byte offset of the FEC area (used when it is on the hash
 *              device: FEC then covers the hash device up to there)
 * @fec_blocks: receives data_blocks + (end / block size - hash_start_block)
 *
 * Return: 0; VERITY_E_INVAL; VERITY_E_FEC_AREA_OVERLAP when the covered end
 * lies before the hash start (veritysetup refuses such offsets too).
 */
VERITY_PUBLIC int verity_fec_blocks_veritysetup(const struct verity_params *params,
                                                bool fec_on_hash_device, uint64_t hash_device_size,
                                                uint64_t fec_offset, uint64_t *fec_blocks);

/**
 * verity_fec_encode() - compute and write the parity area
 * @params: tree parameters; the tree must already be on @hash
 * @fec: FEC parameters (verity_fec_check() must accept them)
 * @data: the data device
 * @hash: the hash device; message blocks past the data are read from it
 * @out: where the parity goes: rounds x roots blocks from byte
 *       fec_start x block size, written in increasing offset order
 * @opts: allocator (threads, extent size and progress are used when set;
 *        NULL for defaults)
 *
 * Byte-identical with veritysetup 2.6.1 for the same message. Encodes whole
 * blocks at once; memory is a few MiB whatever the image size.
 * Return: 0; a verity_fec_check() error; VERITY_E_DATA_DEVICE_TOO_SMALL;
 * VERITY_E_HASH_DEVICE_TOO_SMALL when the message runs past @hash;
 * VERITY_E_NOMEM; or what a read or write callback returned.
 */
VERITY_PUBLIC int verity_fec_encode(const struct verity_params *params,
                                    const struct verity_fec_params *fec,
                                    const struct verity_bdev *data, const struct verity_bdev *hash,
                                    const struct verity_writer *out,
                                    const struct verity_tree_options *opts);

/**
 * struct verity_fec_block - a block verity_fec_verify() corrected
 * @kind: VERITY_BLOCK_DATA or VERITY_BLOCK_HASH
 * @level: tree level of a hash block (0 = leaves); 0 for data
 * @block: data block index, or absolute hash-device block index
 * @offset: byte offset of the block on its device
 * @bytes: the corrected block (block size bytes), verified against its hash
 * @changed: bytes that differ from what the device holds
 */
struct verity_fec_block {
	uint32_t kind;
	uint32_t level;
	uint64_t block;
	uint64_t offset;
	const uint8_t *bytes;
	uint32_t changed;
};

/**
 * typedef verity_fec_corrected_fn - called for each corrected block
 * @user_data: the caller's pointer
 * @blk: the block; valid during the call only
 *
 * Called in the caller's thread after the block verified. A nonzero return
 * stops verity_fec_verify(), which returns that value. A caller may write
 * the block back to its device (verify-image repair does).
 */
typedef int (*verity_fec_corrected_fn)(void *user_data, const struct verity_fec_block *blk);

/**
 * struct verity_fec_verify_result - what verity_fec_verify() did
 * @error: 0 or the code returned
 * @kind, @level, @block, @position: the failing block as in
 *        struct verity_verify_result (when @error is a corruption)
 * @corrected_blocks: blocks corrected and verified
 * @corrected_bytes: bytes changed in them
 * @symbol_errors: after a successful correction, veritysetup's count of
 *                 repairable errors: the symbols an errors-only decode of
 *                 every codeword changes, parity included (0 otherwise)
 * @reserved: zeroed
 */
struct verity_fec_verify_result {
	int error;
	uint32_t kind;
	uint32_t level;
	uint64_t block;
	uint64_t position;
	uint64_t corrected_blocks;
	uint64_t corrected_bytes;
	uint64_t symbol_errors;
	uint64_t reserved[1];
};

/**
 * verity_fec_verify() - verify a whole image, correcting with FEC
 * @params: tree parameters with the expected root digest
 * @fec: FEC parameters
 * @data: data device; @hash: hash device; @fecdev: FEC device
 * @opts: allocator (NULL for defaults)
 * @corrected: optional callback per corrected block
 * @user_data: passed to @corrected
 * @result: optional; filled in on every return
 *
 * Checks every hash block top-down and every data block as verity_verify()
 * does; a block that fails its hash is corrected as the kernel does it:
 * its round is decoded errors-only, and if the block still does not match,
 * decoded again with the round's blocks that fail their own hashes as
 * erasures. A corrected block is accepted only when it hashes to the digest
 * above it, itself verified up to the root digest: a wrong root digest is
 * refused whatever FEC finds. Nothing is written.
 *
 * Return: 0 when every block verified (after corrections);
 * VERITY_E_CORRUPT_DATA, VERITY_E_CORRUPT_HASH or VERITY_E_ROOT_MISMATCH
 * for a block FEC could not correct; a verity_fec_check() error;
 * VERITY_E_FEC_DEVICE_TOO_SMALL; VERITY_E_BAD_ROOT_DIGEST; VERITY_E_NOMEM;
 * what a read callback or @corrected returned.
 */
VERITY_PUBLIC int verity_fec_verify(const struct verity_params *params,
                                    const struct verity_fec_params *fec,
                                    const struct verity_bdev *data, const struct verity_bdev *hash,
                                    const struct verity_bdev *fecdev,
                                    const struct verity_tree_options *opts,
                                    verity_fec_corrected_fn corrected, void *user_data,
                                    struct verity_fec_verify_result *result);

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_FEC_H */
