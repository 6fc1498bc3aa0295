/* SPDX-License-Identifier: MIT */
/* libverity: one call from a partition, a root hash and a signature to a verified device (core).
 * Include <libverity.h>. */
#ifndef LIBVERITY_OPEN_H
#define LIBVERITY_OPEN_H

#include <libverity/device.h>
#include <libverity/sig.h>
#include <libverity/superblock.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Flags of struct verity_open_params. */
#define VERITY_OPEN_NO_SUPERBLOCK (1u << 0) /* no superblock: the parameters are @tree */

/**
 * struct verity_open_params - what verity_open() needs (zero it, then fill in)
 * @data: the data device; NULL only for verity_open_resolve() of a hash
 *        device alone (then data_blocks stays as stored and no root is needed)
 * @hash: the hash device; NULL when the hash area is on @data (the data
 *        and hash areas are then checked not to overlap)
 * @hash_offset: byte offset of the superblock, or of the hash area with
 *               VERITY_OPEN_NO_SUPERBLOCK (veritysetup --hash-offset); a
 *               multiple of 512
 * @flags: VERITY_OPEN_* flags
 * @tree: with VERITY_OPEN_NO_SUPERBLOCK, the tree parameters: hash type,
 *        algorithm, block sizes, salt and data_blocks (hash_start_block and
 *        the root digest are ignored); must be NULL otherwise
 * @root_hex: the trusted root hash as hex (either case, NUL-terminated), or
 *            NULL
 * @root_digest: the root hash as bytes (instead of @root_hex), or NULL
 * @root_digest_size: bytes at @root_digest
 * @signature: detached PKCS#7 signature of the root hash (DER), or NULL
 * @signature_size: bytes at @signature
 * @keyring: trusted certificates; when set, a signature is required
 * @sig_options: signature policy, NULL for the defaults
 * @sig_result: optional; filled in when a signature was checked
 * @device_options: how the device is opened (verity_open()), NULL for the
 *                  defaults
 * @reserved: must be zero
 *
 * The parameter rules (those of veritysetup, and of verify-image, which
 * calls this): a superblock's parameters win; with data_blocks 0 (in the
 * superblock or in @tree) the data area is the whole data device, rounded
 * down to whole blocks; on one shared device the data area must end before
 * the hash area (the superblock, or the tree without one) begins.
 */
struct verity_open_params {
	const struct verity_bdev *data;
	const struct verity_bdev *hash;
	uint64_t hash_offset;
	uint32_t flags;
	const struct verity_params *tree;
	const char *root_hex;
	const uint8_t *root_digest;
	size_t root_digest_size;
	const uint8_t *signature;
	size_t signature_size;
	const struct verity_keyring *keyring;
	const struct verity_sig_options *sig_options;
	struct verity_sig_result *sig_result;
	const struct verity_device_options *device_options;
	uint64_t reserved[8];
};

/* Which step of verity_open_resolve()/verity_open() an error comes from. */
enum verity_open_step {
	VERITY_OPEN_STEP_NONE = 0,       /* success, or an argument was refused */
	VERITY_OPEN_STEP_SUPERBLOCK = 1, /* locating, reading or parsing the superblock */
	VERITY_OPEN_STEP_PARAMS = 2,     /* the resolved parameters or device sizes */
	VERITY_OPEN_STEP_ROOT = 3,       /* the root hash */
	VERITY_OPEN_STEP_SIGNATURE = 4,  /* the signature (see @sig_result) */
	VERITY_OPEN_STEP_DEVICE = 5,     /* verity_device_open() */
};

/**
 * struct verity_open_info - what verity_open_resolve() and verity_open() found
 * @params: the resolved tree parameters, root digest included once known;
 *          only a checked root (and signature) reaches the device
 * @superblock: the parameters came from a superblock
 * @uuid: the superblock's UUID (zeros without one)
 * @step: enum verity_open_step of the failure, VERITY_OPEN_STEP_NONE on success
 * @min_memory_budget: with VERITY_E_BUDGET_TOO_SMALL, the smallest
 *                     memory_budget that opens the device; 0 otherwise
 * @reserved: zeroed
 */
struct verity_open_info {
	struct verity_params params;
	bool superblock;
	uint8_t uuid[VERITY_UUID_SIZE];
	uint32_t step;
	size_t min_memory_budget;
	uint64_t reserved[4];
};

/**
 * verity_open_resolve() - resolve parameters, check root and signature
 * @p: the parameters
 * @info: filled in on every return (zeroed first)
 *
 * Reads the superblock (unless VERITY_OPEN_NO_SUPERBLOCK), applies the
 * rules described at struct verity_open_params, decodes the root hash and,
 * when @p->keyring is set, checks @p->signature over exactly that root. Opens
 * nothing: for callers that verify the whole image (verity_verify()) or
 * write a table line with @info->params.
 *
 * Return: 0;
 * VERITY_E_INVAL (NULL @p or @info, no hash device, reserved fields or
 * unknown flags set, @tree given or missing against the flag, both or
 * neither root forms where one is needed, a signature without a keyring);
 * step SUPERBLOCK: VERITY_E_BAD_HASH_OFFSET, VERITY_E_HASH_DEVICE_TOO_SMALL
 * (no room for a superblock), a read callback's error, a
 * verity_superblock_parse() error;
 * step PARAMS: VERITY_E_BAD_HASH_OFFSET, a verity_geometry_init() error,
 * VERITY_E_OVERFLOW, VERITY_E_DATA_DEVICE_TOO_SMALL (the data device holds
 * fewer than data_blocks blocks, or none with data_blocks 0),
 * VERITY_E_AREA_OVERLAP (see verity_resolve_data_area());
 * step ROOT: VERITY_E_BAD_HEX, VERITY_E_BAD_ROOT_DIGEST (not the
 * algorithm's digest size);
 * step SIGNATURE: VERITY_E_SIG_MISSING (a keyring but no signature), or a
 * verity_sig_verify() error.
 */
VERITY_PUBLIC int verity_open_resolve(const struct verity_open_params *p,
                                      struct verity_open_info *info);

/**
 * verity_resolve_data_area() - the data area rules (veritysetup's)
 * @params: the tree parameters, hash_start_block included; data_blocks 0
 *          means the whole data device and is replaced by its block count
 * @data_size: bytes of the data device
 * @one_device: the hash area is on the data device
 * @superblock: a superblock at @hash_offset begins the hash area
 * @hash_offset: where the superblock is (used with @one_device and
 *               @superblock; without a superblock the hash area begins at
 *               hash_start_block)
 *
 * The rules verity_open_resolve() applies, for callers that create the
 * image (verify-image format): the parameters are checked with data_blocks 1
 * first, so a bad block size is named before a small device; the data
 * device must hold data_blocks whole blocks; on one device the data area
 * must end before the hash area begins.
 *
 * Return: 0; VERITY_E_INVAL (NULL @params); a verity_geometry_init()
 * error; VERITY_E_DATA_DEVICE_TOO_SMALL (fewer than data_blocks blocks, or
 * not one with data_blocks 0); VERITY_E_OVERFLOW; VERITY_E_AREA_OVERLAP.
 */
VERITY_PUBLIC int verity_resolve_data_area(struct verity_params *params, uint64_t data_size,
                                           bool one_device, bool superblock, uint64_t hash_offset);

/**
 * verity_open() - from a partition, a root hash and a signature to a device
 * @p: the parameters; @p->data and a root hash are required
 * @dev: receives the device, to be closed with verity_device_close()
 * @info: optional; filled in on every return
 *
 * verity_open_resolve(), then verity_device_open() with the resolved
 * parameters and @p->device_options.
 *
 * Return: 0; the errors of verity_open_resolve(); VERITY_E_INVAL (NULL
 * @dev, no data device or no root hash); step DEVICE: a
 * verity_device_open() error (with VERITY_E_BUDGET_TOO_SMALL,
 * @info->min_memory_budget says what would do).
 */
VERITY_PUBLIC int verity_open(const struct verity_open_params *p, struct verity_device **dev,
                              struct verity_open_info *info);

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_OPEN_H */
