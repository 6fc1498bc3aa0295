/* SPDX-License-Identifier: MIT */
/* libverity: the verified block device (core). Include <libverity.h>. */
#ifndef LIBVERITY_DEVICE_H
#define LIBVERITY_DEVICE_H

#include <libverity/tree.h>

struct verity_fec_params;

#ifdef __cplusplus
extern "C" {
#endif

/* ---- verified block device and table line ---- */

/*
 * The verified block device: a read-only view of the data area in which
 * every byte handed out has been hashed and matched along a path to the root
 * digest (the Linux kernel's dm-verity, Documentation/admin-guide/device-mapper/verity.rst;
 * docs/device.md).
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

/**
 * struct verity_device_event - what a callback is told
 * @kind: enum verity_event_kind
 * @block_type: enum verity_block_kind: VERITY_BLOCK_DATA or VERITY_BLOCK_HASH
 *              (the kernel's uevent says 0 for data, 1 for metadata)
 * @block: the data block number, or the absolute hash-device block number
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
 * @fec: optional forward error correction (libverity/fec.h): a data block
 *       that fails its digest, also when re-read, is rebuilt from its
 *       Reed-Solomon round (errors-only decoding), hashed again and
 *       returned only if it then matches; copied at open. NULL: none.
 * @fec_device: where the parity lies (fec_start is in blocks of it);
 *              required with @fec, copied at open
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
	const struct verity_fec_params *fec;
	const struct verity_bdev *fec_device;
	uint64_t reserved[2];
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
 * @fec_corrected: data and hash blocks corrected with FEC and then verified (Linux
 *                 6.19 reports this count after V/C)
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
	uint64_t fec_corrected;
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
VERITY_PUBLIC int verity_device_open(struct verity_device **dev, const struct verity_params *params,
                                     const struct verity_bdev *data, const struct verity_bdev *hash,
                                     const struct verity_device_options *options);

/**
 * verity_device_min_budget() - the smallest memory budget that opens a device
 * @params: tree parameters (the root digest is not needed)
 * @options: the options that will be used, NULL for the defaults (their
 *           memory_budget is ignored)
 * @min_budget: receives the bytes of the fixed part with a one-block batch:
 *              the least memory_budget verity_device_open() accepts
 *
 * Return: 0; VERITY_E_INVAL (NULL pointer, reserved field set, unknown flag
 * or mode); VERITY_E_MISSING_CALLBACK; VERITY_E_NO_THREADS; a
 * verity_geometry_init() error;
 * VERITY_E_OVERFLOW (the size does not fit a size_t).
 */
VERITY_PUBLIC int verity_device_min_budget(const struct verity_params *params,
                                           const struct verity_device_options *options,
                                           size_t *min_budget);

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
VERITY_PUBLIC int verity_device_read(struct verity_device *dev, uint64_t offset, size_t length,
                                     void *buffer);

/**
 * verity_device_get_status() - state and counters
 *
 * Return: 0, or VERITY_E_INVAL for a NULL argument.
 */
VERITY_PUBLIC int verity_device_get_status(struct verity_device *dev,
                                           struct verity_device_status *status);

/**
 * verity_device_data_size() - bytes readable (data_blocks * data_block_size)
 *
 * Return: the size, 0 for a NULL device.
 */
VERITY_PUBLIC uint64_t verity_device_data_size(const struct verity_device *dev);

/** verity_device_close() - free everything; NULL is a no-op. */
VERITY_PUBLIC void verity_device_close(struct verity_device *dev);

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_DEVICE_H */
