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
	VERITY_E_TABLE_SYNTAX = -300,              /* empty line, control bytes, bad word */
	VERITY_E_TABLE_NOT_ENOUGH_ARGS = -301,     /* fewer than 10 target arguments */
	VERITY_E_TABLE_BAD_TARGET = -302,          /* target type is not "verity" */
	VERITY_E_TABLE_BAD_SECTORS = -303,         /* bad <start> or <len>, or len 0 */
	VERITY_E_TABLE_LENGTH_TOO_BIG = -304,      /* len > data_blocks * dbs / 512 */
	VERITY_E_TABLE_BAD_VERSION = -305,         /* version not 0 or 1 */
	VERITY_E_TABLE_BAD_DATA_DEV = -306,        /* data device name too long */
	VERITY_E_TABLE_BAD_HASH_DEV = -307,        /* hash device name too long */
	VERITY_E_TABLE_BAD_DATA_BLOCK_SIZE = -308, /* Invalid data device block size */
	VERITY_E_TABLE_BAD_HASH_BLOCK_SIZE = -309, /* Invalid hash device block size */
	VERITY_E_TABLE_BAD_DATA_BLOCKS = -310,     /* not a number, or overflows in sectors */
	VERITY_E_TABLE_BAD_HASH_START = -311,      /* not a number, or overflows in sectors */
	VERITY_E_TABLE_BAD_ALGORITHM = -312,       /* unknown hash algorithm */
	VERITY_E_TABLE_BAD_DIGEST = -313,          /* not exactly 2 * digest size hex digits */
	VERITY_E_TABLE_BAD_SALT = -314,            /* odd length or not hex (and not "-") */
	VERITY_E_TABLE_BAD_OPT_COUNT = -315,       /* bad <#opt_words> */
	VERITY_E_TABLE_UNKNOWN_OPTION = -316,      /* Unrecognized verity feature request */
	VERITY_E_TABLE_CONFLICTING_MODES = -317,   /* two error handling modes */
	VERITY_E_TABLE_FEC_NEEDS_VALUE = -318,     /* FEC feature arguments require a value */
	VERITY_E_TABLE_BAD_FEC_DEV = -319,         /* FEC device name too long */
	VERITY_E_TABLE_BAD_FEC_START = -320,       /* Invalid fec_start */
	VERITY_E_TABLE_BAD_FEC_BLOCKS = -321,      /* Invalid fec_blocks */
	VERITY_E_TABLE_BAD_FEC_ROOTS = -322,       /* not 2 .. 24 */
	VERITY_E_TABLE_FEC_MISSING_ROOTS = -323,   /* Missing fec_roots */
	VERITY_E_TABLE_FEC_MISSING_BLOCKS = -324,  /* Missing fec_blocks */
	VERITY_E_TABLE_FEC_BLOCK_SIZES = -325,     /* FEC with dbs != hbs */
	VERITY_E_TABLE_SIG_KEY_MISSING = -326,     /* root_hash_sig_key_desc without a value */
	VERITY_E_TABLE_SIG_KEY_REPEATED = -327,    /* root_hash_sig_key_desc already specified */
	VERITY_E_TABLE_TRAILING_WORDS = -328,      /* words after the optional arguments */
	VERITY_E_TABLE_SIG_KEY_TOO_LONG = -329,    /* key description too long */
	VERITY_E_TABLE_UNREPRESENTABLE = -330,     /* a name cannot be written into a table line */
	VERITY_E_BUFFER_TOO_SMALL = -331,          /* output buffer too small */
	VERITY_E_AT_MOST_ONCE_TOO_LARGE = -332,    /* more than INT_MAX data blocks */
	VERITY_E_BUDGET_TOO_SMALL = -333,          /* memory budget below the fixed buffers */
	VERITY_E_MISSING_CALLBACK = -334,          /* an error mode's callback is NULL */
	VERITY_E_NO_THREADS = -335, /* thread-safe device in a build without threads */

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

/*
 * The verified block device: a read-only view of the data area in which
 * every byte handed out has been hashed and matched along a path to the root
 * digest (reference/dm-verity-format.md sections 2, 6 and 7).
 *
 * Memory: everything the device holds (its state, bounce buffers, the cached
 * intermediate levels, the leaf cache, the check_at_most_once bitmap) comes
 * from ONE allocation made at open through the allocator hooks, never larger
 * than the memory budget. Reads never allocate (with SHA-256; the other
 * algorithms go through mbedTLS md, which allocates its context per call).
 *
 * Threads: a device opened with VERITY_DEVICE_THREAD_SAFE (hosted builds)
 * may be read by any number of threads at once: a mutex guards the cache,
 * the bitmap and the counters; I/O and hashing run outside it, each reader
 * in one of max_readers private buffer sets (a reader waits when all are
 * taken). Without the flag, and always in freestanding builds, the caller
 * serialises calls. Callbacks run on the reading thread with no library lock
 * held; they must not read from the same device.
 */

/* How a hash mismatch is handled (kernel table options). */
enum verity_corruption_mode {
	VERITY_CORRUPTION_EIO = 0,     /* the read fails (default) */
	VERITY_CORRUPTION_IGNORE = 1,  /* ignore_corruption: report, return the data */
	VERITY_CORRUPTION_RESTART = 2, /* restart_on_corruption: call options->restart */
	VERITY_CORRUPTION_PANIC = 3,   /* panic_on_corruption: call options->panic */
};

/* How a failed read callback is handled (kernel *_on_error options). */
enum verity_io_error_mode {
	VERITY_IO_ERROR_EIO = 0,     /* the read fails (default) */
	VERITY_IO_ERROR_RESTART = 1, /* restart_on_error: call options->restart */
	VERITY_IO_ERROR_PANIC = 2,   /* panic_on_error: call options->panic */
};

enum verity_event_kind {
	VERITY_EVENT_CORRUPTION = 0, /* a block did not match its digest */
	VERITY_EVENT_IO_ERROR = 1,   /* a read callback failed */
};

/* Block types as in the kernel's DM_VERITY_ERR_BLOCK_NR uevent. */
enum verity_block_type {
	VERITY_BLOCK_DATA = 0,     /* block = data block number */
	VERITY_BLOCK_METADATA = 1, /* block = absolute hash-device block number */
};

/**
 * struct verity_device_event - what a callback is told
 * @kind: enum verity_event_kind
 * @block_type: enum verity_block_type
 * @block: the failing block (see enum verity_block_type)
 * @error: VERITY_E_CORRUPT_DATA, VERITY_E_CORRUPT_HASH, or the callback's error
 * @count: corruptions (for CORRUPTION) or I/O errors (for IO_ERROR) so far,
 *         this one included
 */
struct verity_device_event {
	uint32_t kind;
	uint32_t block_type;
	uint64_t block;
	int error;
	uint64_t count;
};

/* After this many corruptions @report is no longer called (kernel: logging stops). */
#define VERITY_DEVICE_MAX_REPORTED_CORRUPTIONS 100

#define VERITY_DEVICE_CHECK_AT_MOST_ONCE (1u << 0) /* verify each data block once */
#define VERITY_DEVICE_IGNORE_ZERO_BLOCKS (1u << 1) /* zero-digest blocks read as zeros */
#define VERITY_DEVICE_THREAD_SAFE        (1u << 2) /* concurrent readers (hosted only) */

#define VERITY_DEVICE_DEFAULT_MEMORY_BUDGET (4u << 20)
#define VERITY_DEVICE_DEFAULT_BATCH_BYTES   (128u << 10)
#define VERITY_DEVICE_DEFAULT_MAX_READERS   4

/**
 * struct verity_device_options - how to open a device (zero it, then fill in)
 * @allocator: hooks for the one allocation, copied at open; NULL: malloc/free
 *             (in freestanding builds hooks are required)
 * @memory_budget: upper bound in bytes on what the device allocates (the
 *                 whole device, not only its cache); 0 selects
 *                 VERITY_DEVICE_DEFAULT_MEMORY_BUDGET. The fixed part (state,
 *                 bounce buffers, bitmap) must fit; then the intermediate
 *                 levels are kept from the top down while whole levels fit;
 *                 the rest holds the leaf cache.
 * @batch_bytes: data bytes read and hashed together (hash_many) per reader;
 *               0 selects VERITY_DEVICE_DEFAULT_BATCH_BYTES; rounded down to
 *               whole data blocks, at least one. Halved until the fixed part
 *               fits the budget (the default: half the budget).
 * @max_readers: concurrent readers with VERITY_DEVICE_THREAD_SAFE; 0 selects
 *               VERITY_DEVICE_DEFAULT_MAX_READERS; ignored (1) without it.
 * @flags: VERITY_DEVICE_* flags
 * @corruption_mode: enum verity_corruption_mode
 * @io_error_mode: enum verity_io_error_mode
 * @callback_data: passed to the callbacks
 * @report: optional; called for every I/O error and for the first
 *          VERITY_DEVICE_MAX_REPORTED_CORRUPTIONS corruptions, in every mode
 * @restart: required by the RESTART modes; called after @report. If it
 *           returns, the read fails as in the EIO mode.
 * @panic: required by the PANIC modes; same contract as @restart
 * @reserved: must be zero
 */
struct verity_device_options {
	const struct verity_allocator *allocator;
	size_t memory_budget;
	size_t batch_bytes;
	uint32_t max_readers;
	uint32_t flags;
	uint32_t corruption_mode;
	uint32_t io_error_mode;
	void *callback_data;
	void (*report)(void *callback_data, const struct verity_device_event *event);
	void (*restart)(void *callback_data, const struct verity_device_event *event);
	void (*panic)(void *callback_data, const struct verity_device_event *event);
	uint64_t reserved[4];
};

/**
 * struct verity_device_status - state and counters, like the kernel's INFO
 * @state: 'V' while no corruption has been seen, then 'C' for good
 * @data_blocks_verified: data blocks hashed and matched
 * @hash_blocks_verified: hash blocks hashed and matched (open included)
 * @hash_blocks_read: hash blocks read from the hash device (open included)
 * @cache_hits: leaf hash blocks found verified in the cache
 * @cache_misses: leaf hash blocks that had to be read and verified
 * @corruptions: hash mismatches, data and metadata (rechecked data included
 *               only if the recheck failed too)
 * @io_errors: failed read callbacks
 * @rechecks_passed: data blocks that mismatched, then matched when re-read
 * @zero_blocks: blocks returned as zeros unread (ignore_zero_blocks)
 * @skipped_blocks: blocks not re-hashed (check_at_most_once)
 * @last_event: the most recent event (valid when corruptions or io_errors > 0)
 * @memory_used: bytes allocated at open (<= the budget)
 * @cache_capacity: hash blocks the leaf cache holds
 * @pinned_levels: tree levels kept in memory and verified since open
 */
struct verity_device_status {
	char state;
	uint64_t data_blocks_verified;
	uint64_t hash_blocks_verified;
	uint64_t hash_blocks_read;
	uint64_t cache_hits;
	uint64_t cache_misses;
	uint64_t corruptions;
	uint64_t io_errors;
	uint64_t rechecks_passed;
	uint64_t zero_blocks;
	uint64_t skipped_blocks;
	struct verity_device_event last_event;
	size_t memory_used;
	size_t cache_capacity;
	uint32_t pinned_levels;
};

struct verity_device;

/**
 * verity_device_open() - open a verified view of a data device
 * @dev: receives the device
 * @params: tree parameters with the trusted root digest (copied)
 * @data: the data device (struct copied; its user_data must outlive @dev)
 * @hash: the hash device, may be the same storage as @data (same rules)
 * @options: NULL for defaults (struct copied)
 *
 * Reads and verifies the intermediate levels that fit the budget: the top
 * block against the root digest, each level against its parent, hashing a
 * level's blocks together. A mismatch there does not fail the open (as in
 * the kernel): the level is simply not kept, and reads that depend on it
 * find the corruption.
 *
 * Return: 0; VERITY_E_INVAL (NULL argument, reserved field set, unknown
 * mode or flag); VERITY_E_MISSING_CALLBACK; VERITY_E_NO_THREADS; any
 * verity_geometry_init() error; VERITY_E_BAD_ROOT_DIGEST (size differs from
 * the algorithm's); VERITY_E_DATA_DEVICE_TOO_SMALL;
 * VERITY_E_HASH_DEVICE_TOO_SMALL; VERITY_E_AT_MOST_ONCE_TOO_LARGE;
 * VERITY_E_BUDGET_TOO_SMALL; VERITY_E_NOMEM; VERITY_E_THREAD (mutex);
 * a read callback's error while reading the intermediate levels.
 */
int verity_device_open(struct verity_device **dev, const struct verity_params *params,
                       const struct verity_bdev *data, const struct verity_bdev *hash,
                       const struct verity_device_options *options);

/**
 * verity_device_read() - read verified bytes
 * @dev: an open device
 * @offset: byte offset in the data area (any alignment)
 * @length: bytes wanted; offset + length <= data_blocks * data_block_size
 * @buffer: receives the bytes
 *
 * Whole data blocks are read into a private buffer, hashed (several at once)
 * and compared with digests taken from verified hash blocks; only then are
 * the wanted bytes copied to @buffer. A mismatching data block is re-read
 * and re-hashed once before it counts as corrupt.
 *
 * On failure @buffer is entirely zeroed, so no byte of a failed read can be
 * taken for data. In VERITY_CORRUPTION_IGNORE mode corrupt blocks are
 * returned as they are (the caller asked for that; @report says which), and
 * with VERITY_DEVICE_CHECK_AT_MOST_ONCE a block verified once is returned
 * later without re-hashing (kernel semantics).
 *
 * Return: 0; VERITY_E_INVAL; VERITY_E_RANGE (outside the data area or
 * overflow); VERITY_E_CORRUPT_DATA; VERITY_E_CORRUPT_HASH (a hash block on
 * the path, the top block included, does not match); or the error of a
 * failed read callback (VERITY_E_IO, VERITY_E_SHORT_READ, ...; a positive
 * value from a callback becomes VERITY_E_IO). The device stays usable.
 */
int verity_device_read(struct verity_device *dev, uint64_t offset, size_t length, void *buffer);

/**
 * verity_device_get_status() - state and counters
 *
 * Return: 0, or VERITY_E_INVAL for a NULL argument.
 */
int verity_device_get_status(struct verity_device *dev, struct verity_device_status *status);

/**
 * verity_device_data_size() - bytes readable (data_blocks * data_block_size)
 *
 * Return: the size, 0 for a NULL device.
 */
uint64_t verity_device_data_size(const struct verity_device *dev);

/** verity_device_close() - free everything; NULL is a no-op. */
void verity_device_close(struct verity_device *dev);

/* Bytes of a device, key description or FEC device name, NUL included. */
#define VERITY_TABLE_NAME_MAX 256

/**
 * struct verity_table - one dm-verity table line, fields as the kernel reads them
 * @has_target: the line begins with "<start> <len> verity"
 * @start_sector: <start> (0 without @has_target)
 * @length_sectors: <len>
 * @params: version, block sizes, data blocks, hash start, algorithm, root
 *          digest, salt
 * @data_device: <data_dev>, NUL-terminated
 * @hash_device: <hash_dev>
 * @corruption_mode: enum verity_corruption_mode
 * @io_error_mode: enum verity_io_error_mode
 * @ignore_zero_blocks: the option is present
 * @check_at_most_once: the option is present
 * @try_verify_in_tasklet: the option is present
 * @has_fec: use_fec_from_device is present (the other FEC fields are kept
 *           either way, as the kernel reads them)
 * @fec_device: its value
 * @fec_start: fec_start, in blocks
 * @fec_blocks: fec_blocks
 * @fec_roots: fec_roots (2 .. 24), 0 when absent
 * @has_sig_key: root_hash_sig_key_desc is present
 * @sig_key_desc: its value
 */
struct verity_table {
	bool has_target;
	uint64_t start_sector;
	uint64_t length_sectors;
	struct verity_params params;
	char data_device[VERITY_TABLE_NAME_MAX];
	char hash_device[VERITY_TABLE_NAME_MAX];
	uint32_t corruption_mode;
	uint32_t io_error_mode;
	bool ignore_zero_blocks;
	bool check_at_most_once;
	bool try_verify_in_tasklet;
	bool has_fec;
	char fec_device[VERITY_TABLE_NAME_MAX];
	uint64_t fec_start;
	uint64_t fec_blocks;
	uint32_t fec_roots;
	bool has_sig_key;
	char sig_key_desc[VERITY_TABLE_NAME_MAX];
};

/**
 * verity_table_parse() - parse a Linux dm-verity table line
 * @table: filled on success (zeroed first)
 * @line: "<start> <len> verity <args>" or only "<args>", where args are
 *        "<version> <data_dev> <hash_dev> <dbs> <hbs> <num_data_blocks>
 *        <hash_start_block> <algorithm> <digest> <salt|-> [<#opt> <opt>...]"
 * @len: bytes of @line (need not be NUL-terminated; a NUL inside is an error)
 *
 * Words are separated by spaces, tabs and newlines. The kernel's rules
 * apply (reference §5): option names are case-insensitive, <#opt> counts
 * option values too and is at most 15, one corruption mode and one I/O
 * error mode at most, FEC options need a value, use_fec_from_device needs
 * fec_roots and fec_blocks and equal block sizes. Stricter than the kernel:
 * block sizes must be 512 B .. 512 KiB (the library's range, regardless of
 * page size), the salt at most 256 bytes, names shorter than
 * VERITY_TABLE_NAME_MAX, numbers plain decimal, and no words may follow the
 * options. The geometry must be valid (verity_geometry_init()).
 *
 * Return: 0; VERITY_E_INVAL (NULL); VERITY_E_TABLE_* (one per rule);
 * VERITY_E_SALT_TOO_LONG; VERITY_E_AT_MOST_ONCE_TOO_LARGE; or a
 * verity_geometry_init() error (VERITY_E_DIGEST_TOO_BIG, ...).
 */
int verity_table_parse(struct verity_table *table, const char *line, size_t len);

/**
 * verity_table_init() - a table for parameters, as veritysetup would load it
 * @table: filled (zeroed first): has_target, start 0, len =
 *         data_blocks * data_block_size / 512, no options
 * @params: tree parameters with the root digest
 * @data_device: name written for <data_dev>
 * @hash_device: name written for <hash_dev>
 *
 * Return: 0; VERITY_E_INVAL; VERITY_E_BAD_ROOT_DIGEST; a geometry error;
 * VERITY_E_TABLE_UNREPRESENTABLE (a name empty, too long, or containing
 * whitespace or control bytes); VERITY_E_OVERFLOW (len in sectors).
 */
int verity_table_init(struct verity_table *table, const struct verity_params *params,
                      const char *data_device, const char *hash_device);

/**
 * verity_table_format() - write a table line exactly as veritysetup does
 * @table: the table (with @has_target the "<start> <len> verity " prefix
 *         is written too)
 * @buf: receives the NUL-terminated line, no newline
 * @size: bytes of @buf
 * @out_len: if not NULL, receives strlen of the line
 *
 * Fixed option order, lower-case hex, "-" for an empty salt.
 * Return: 0; VERITY_E_INVAL (NULL, or a mode out of range);
 * VERITY_E_TABLE_UNREPRESENTABLE (a name that would not parse back);
 * VERITY_E_BUFFER_TOO_SMALL.
 */
int verity_table_format(const struct verity_table *table, char *buf, size_t size, size_t *out_len);

/**
 * verity_table_format_dm_mod_create() - the dm-mod.create= kernel argument
 * @table: the table; without @has_target, start 0 and the full length are used
 * @name: the mapped device name ("vroot" if NULL)
 * @uuid: its UUID, or NULL for none
 * @buf: receives `dm-mod.create="<name>,<uuid>,,ro,<table line>"`
 * @size: bytes of @buf
 * @out_len: if not NULL, receives strlen of the result
 *
 * Return: as verity_table_format(); also VERITY_E_TABLE_UNREPRESENTABLE when
 * a name, the UUID or the line holds a comma, semicolon or double quote
 * (dm-init cannot express them).
 */
int verity_table_format_dm_mod_create(const struct verity_table *table, const char *name,
                                      const char *uuid, char *buf, size_t size, size_t *out_len);

/**
 * verity_table_device_options() - carry a table's options into device options
 * @table: a parsed table
 * @options: its flags and modes are set; other fields are left alone
 *
 * FEC and the signature key are not device options (FEC is not implemented
 * by the device; signatures are checked before opening).
 * Return: 0 or VERITY_E_INVAL.
 */
int verity_table_device_options(const struct verity_table *table,
                                struct verity_device_options *options);

/* ---- signatures and keyrings ---- */

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_H */
