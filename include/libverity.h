/* SPDX-License-Identifier: MIT */
/*
 * libverity: verify Linux dm-verity images outside the kernel.
 *
 * One public header. Every function returns 0 on success or a negative
 * VERITY_E_* code; verity_strerror() turns a code into a message. The library
 * never prints and never exits.
 *
 * Conventions (after libfsverity): parameter structs are zeroed by the caller
 * and then filled in; fields named reserved* must stay zero.
 */
#ifndef LIBVERITY_H
#define LIBVERITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VERITY_VERSION_STRING "0.1.0"

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * Error codes. Groups by layer; the numbers are part of the ABI, so new codes
 * are only ever appended to their group.
 */
enum verity_error {
	VERITY_OK = 0,

	/* General (-1 .. -99) */
	VERITY_E_INVAL = -1,        /* an argument is NULL or out of range */
	VERITY_E_NOMEM = -2,        /* the allocator hook failed */
	VERITY_E_IO = -3,           /* a read or write callback failed */
	VERITY_E_SHORT_READ = -4,   /* a device ended before the requested range */
	VERITY_E_OVERFLOW = -5,     /* a size or offset does not fit 64 bits */
	VERITY_E_UNSUPPORTED = -6,  /* feature not built in or not supported */
	VERITY_E_BAD_HASH_ALG = -7, /* unknown or unavailable hash algorithm */
	VERITY_E_BAD_HEX = -8,      /* malformed hex string */
	VERITY_E_RANGE = -9,        /* read outside the verified data */
	VERITY_E_THREAD = -10,      /* a worker thread could not be started */

	/* Tree geometry and verification (-100 .. -199) */
	VERITY_E_BAD_HASH_TYPE = -100,       /* hash type not 0 or 1 */
	VERITY_E_BAD_DATA_BLOCK_SIZE = -101, /* not a power of two in 512..512 KiB */
	VERITY_E_BAD_HASH_BLOCK_SIZE = -102, /* not a power of two in 512..512 KiB */
	VERITY_E_SALT_TOO_LONG = -103,       /* salt longer than 256 bytes */
	VERITY_E_DIGEST_TOO_BIG = -104,      /* hash block smaller than 2 digests */
	VERITY_E_TOO_MANY_LEVELS = -105,     /* more than 63 tree levels */
	VERITY_E_NO_DATA_BLOCKS = -106,      /* data_blocks is zero */
	VERITY_E_HASH_AREA_OVERFLOW = -107,  /* tree end does not fit 64 bits */
	VERITY_E_HASH_DEVICE_TOO_SMALL = -108,
	VERITY_E_DATA_DEVICE_TOO_SMALL = -109,
	VERITY_E_AREA_OVERLAP = -110,    /* data and hash areas overlap */
	VERITY_E_BAD_HASH_OFFSET = -111, /* hash offset not a multiple of 512 */
	VERITY_E_BAD_ROOT_DIGEST = -112, /* root digest of the wrong size */
	VERITY_E_CORRUPT_DATA = -113,    /* a data block does not match */
	VERITY_E_CORRUPT_HASH = -114,    /* a hash block does not match */
	VERITY_E_CORRUPT_PADDING = -115, /* non-zero bytes after the digests */
	VERITY_E_ROOT_MISMATCH = -116,   /* the top block does not match root */

	/* Superblock (-200 .. -299) */
	VERITY_E_SB_TOO_SHORT = -200,
	VERITY_E_SB_BAD_MAGIC = -201,
	VERITY_E_SB_BAD_VERSION = -202,
	VERITY_E_SB_BAD_HASH_TYPE = -203,
	VERITY_E_SB_BAD_ALGORITHM = -204,
	VERITY_E_SB_BAD_BLOCK_SIZE = -205,
	VERITY_E_SB_BAD_SALT_SIZE = -206,
	VERITY_E_SB_RESERVED_NONZERO = -207,

	/* Verified device and kernel table line (-300 .. -399) */
	VERITY_E_TABLE_SYNTAX = -300,

	/* Signatures and keyrings (-400 .. -499) */
	VERITY_E_SIG_MALFORMED = -400,
};

/**
 * verity_strerror() - describe an error code
 * @err: a value returned by a libverity function
 *
 * Return: a static, NUL-terminated English message; never NULL.
 */
const char *verity_strerror(int err);

/* ------------------------------------------------------------------------ */
/* Memory hooks                                                              */
/* ------------------------------------------------------------------------ */

/*
 * Allocator hooks, so that a bootloader can link the core without malloc.
 * A NULL hooks pointer anywhere means the C library's malloc/free.
 */
struct verity_allocator {
	void *user_data;
	void *(*alloc)(void *user_data, size_t size);
	void (*free)(void *user_data, void *ptr);
};

/* ------------------------------------------------------------------------ */
/* Block devices (read-only)                                                 */
/* ------------------------------------------------------------------------ */

/**
 * struct verity_bdev - something to read bytes from
 * @user_data: passed back to @read
 * @read: read exactly @len bytes at byte @offset into @buf; return 0, or a
 *        negative VERITY_E_* code (VERITY_E_IO, VERITY_E_SHORT_READ). Never
 *        called with a range past @size.
 * @size: bytes readable
 *
 * The library never writes through a bdev. Adapters below fill one in; a
 * caller with its own storage (a bootloader's block layer) fills in its own.
 */
struct verity_bdev {
	void *user_data;
	int (*read)(void *user_data, uint64_t offset, void *buf, size_t len);
	uint64_t size;
};

/**
 * verity_bdev_read() - checked read through a bdev
 *
 * Return: 0; VERITY_E_INVAL for a NULL bdev, callback or buffer;
 * VERITY_E_RANGE if [offset, offset + len) is not inside the device (also on
 * overflow); otherwise what the callback returned.
 */
int verity_bdev_read(const struct verity_bdev *bdev, uint64_t offset, void *buf, size_t len);

/**
 * verity_bdev_from_memory() - a bdev over a caller-owned buffer
 * @bdev: filled in
 * @mem_ctx: storage the bdev points at (must outlive @bdev)
 * @mem: the bytes (must outlive @bdev)
 * @len: their count
 *
 * Return: 0, or VERITY_E_INVAL if @bdev is NULL or @mem is NULL with len > 0.
 */
struct verity_memory_bdev {
	const uint8_t *bytes;
	size_t len;
};
int verity_bdev_from_memory(struct verity_bdev *bdev, struct verity_memory_bdev *mem_ctx,
                            const void *mem, size_t len);

#ifndef VERITY_FREESTANDING
/**
 * verity_bdev_from_fd() - a bdev over an open file descriptor (pread)
 * @bdev: filled in
 * @fd_ctx: storage the bdev points at (must outlive @bdev)
 * @fd: open for reading; not closed by the library
 * @size: bytes usable, or UINT64_MAX to take the file's (or block device's)
 *        current size
 *
 * Short reads are retried; EINTR is retried; reading past end of file gives
 * VERITY_E_SHORT_READ, other errors VERITY_E_IO (errno kept in @fd_ctx).
 * Return: 0, VERITY_E_INVAL, or VERITY_E_IO if the size cannot be found.
 */
struct verity_fd_bdev {
	int fd;
	int last_errno;
};
int verity_bdev_from_fd(struct verity_bdev *bdev, struct verity_fd_bdev *fd_ctx, int fd,
                        uint64_t size);
#endif

/* ------------------------------------------------------------------------ */
/* SHA-256 implementations                                                   */
/* ------------------------------------------------------------------------ */

/**
 * verity_sha256_impl_name() - name of the SHA-256 code chosen at run time
 * @many: true for the implementation used to hash many equal-length blocks,
 *        false for the single-stream one.
 *
 * The choice is made once, on first use: the fastest implementation the CPU
 * supports, unless the environment variable VERITY_SHA256_IMPL names one.
 * Return: a static string such as "generic", "shani-x2" or "avx512-x16".
 */
const char *verity_sha256_impl_name(bool many);

/**
 * verity_sha256_force_impl() - choose an implementation by name
 * @name: an implementation name, or NULL to return to automatic choice
 *
 * For tests, benchmarks and bootloaders that know their CPU.
 * Return: 0, VERITY_E_UNSUPPORTED if not built in or the CPU lacks it,
 * VERITY_E_INVAL for an unknown name.
 */
int verity_sha256_force_impl(const char *name);

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
 * VERITY_E_NO_DATA_BLOCKS, VERITY_E_TOO_MANY_LEVELS,
 * VERITY_E_HASH_AREA_OVERFLOW, VERITY_E_INVAL (reserved fields).
 */
int verity_geometry_init(struct verity_geometry *geo, const struct verity_params *params);

/**
 * verity_hash_digest_size() - digest size of a hash algorithm
 * @algorithm: name as in the kernel table
 *
 * Return: digest bytes, or 0 if the algorithm is unknown or not built in.
 */
uint32_t verity_hash_digest_size(const char *algorithm);

/* ---- tree: format and full verification (issue: hash trees) ---- */

/* ---- superblock ---- */

/* ---- verified block device and table line ---- */

/* ---- signatures and keyrings ---- */

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_H */
