/* SPDX-License-Identifier: MIT */
/*
 * The verified block device, private to verity/device*.c: its state, the
 * memory plan, and the pieces each file gives the others. The files:
 * device.c (open, status, close), device_plan.c (memory planning and
 * option checks), device_walk.c (events and the hash-tree walk),
 * device_read.c (readers: batches of data blocks checked against it).
 */
#ifndef VERITY_DEVICE_INTERNAL_H
#define VERITY_DEVICE_INTERNAL_H

#include "verity/cache.h"
#include "verity/fec_internal.h"
#include "verity/hash.h"
#include "verity/locate.h"
#include "verity/lock.h"
#include "verity/util.h"

#define MAX_READERS        64u
#define MAX_BATCH          (1u << 20)
#define BUFFER_ALIGN       64u
#define AT_MOST_ONCE_LIMIT 0x7fffffffu /* the kernel's INT_MAX */

/* Per data block of a batch: what has to happen to it. */
enum block_state {
	BLOCK_VERIFY = 0,  /* read, hash, compare */
	BLOCK_TRUSTED = 1, /* check_at_most_once: verified before, only read */
	BLOCK_ZERO = 2,    /* ignore_zero_blocks: zeros, not read */
	BLOCK_CORRUPT = 3, /* ignore_corruption: returned, never marked verified */
};

/* One reader's private buffers; the only memory a read writes to besides the cache. */
struct reader {
	uint8_t *data;       /* batch_blocks data blocks, read and verified here */
	uint8_t *want;       /* expected digests, one per block of the batch */
	uint8_t *real;       /* computed digests */
	uint8_t *state;      /* enum block_state per block */
	uint8_t *hash_block; /* a hash block while it is being verified */
	uint8_t *fec_rows;   /* FEC: k x stripe bytes of a round, stripe x roots parity */
	uint8_t *fec_parity; /* read and recomputed (2 x), and the decoded block */
	uint8_t *fec_block;
	bool busy;
};

/* Counters one read accumulates, merged into the status under the lock once. */
struct counters {
	uint64_t data_blocks_verified, hash_blocks_verified, hash_blocks_read;
	uint64_t cache_hits, cache_misses, rechecks_passed, zero_blocks, skipped_blocks;
	uint64_t fec_corrected;
};

struct verity_device {
	struct verity_params params; /* the hasher's salt points in here */
	struct verity_geometry geo;
	struct verity_hasher hasher;
	struct verity_bdev data_dev, hash_dev;
	struct verity_device_options options;
	struct verity_allocator allocator;
	bool has_allocator;
	unsigned data_block_bits;
	uint64_t data_size;
	uint32_t batch_blocks;
	bool ignore_zero;
	bool fuse_leaf; /* hash a missing leaf with its data (equal block sizes) */
	uint8_t zero_digest[VERITY_MAX_DIGEST_SIZE];
	uint8_t *verified_bitmap; /* check_at_most_once, else NULL */
	const uint8_t *pinned;    /* levels pinned_from .. levels - 1, from hash_start on */
	unsigned pinned_from;     /* == geo.levels when nothing is pinned */
	struct verity_cache cache;
	struct reader *readers;
	uint32_t reader_count;
	struct verity_lock lock;
	struct verity_device_status status; /* counters; under the lock */
	bool corrupted;
	size_t memory_size;
	bool has_fec;
	struct verity_fec_params fec_params;
	struct verity_bdev fec_dev;
	struct verity_fec_ctx fec; /* points at the fields above */
	uint32_t fec_stripe;
};

/* ---- memory plan: one allocation, carved ---- */

struct plan {
	uint32_t batch_blocks, reader_count;
	size_t fec_rows, fec_parity; /* per reader, 0 without FEC */
	size_t bitmap_bytes, pinned_bytes;
	uint32_t cache_capacity;
	/* results */
	size_t readers_off, reader_stride, r_data, r_want, r_real, r_state, r_hash;
	size_t r_fec_rows, r_fec_parity, r_fec_block;
	size_t bitmap_off, pinned_off, cache_off, total;
	bool overflow;
};

/* Bytes of each block of a round decoded at once on the read path. */
#define FEC_DEVICE_STRIPE 2048u

/* device_plan.c */
int verity_dev_check_options(const struct verity_device_options *o);
int verity_dev_plan_memory(struct plan *p, const struct verity_params *params,
                           const struct verity_geometry *geo, const struct verity_device_options *o,
                           size_t budget, unsigned *pinned_from);
size_t verity_dev_reader_offset(const struct plan *p, uint32_t i);

/* device_walk.c */
int verity_dev_event(struct verity_device *dev, uint32_t kind, uint32_t type, uint64_t block,
                     int error);
int verity_dev_io_error(struct verity_device *dev, uint32_t type, uint64_t block, int error);
void verity_dev_copy_leaf_digests(const struct verity_device *dev, const uint8_t *leaf,
                                  uint64_t first, uint32_t count, uint8_t *want);
int verity_dev_fec_correct(struct verity_device *dev, struct reader *r, uint64_t m,
                           const uint8_t *expected);
int verity_dev_accept_hash_block(struct verity_device *dev, struct reader *r, uint64_t abs,
                                 const uint8_t *real, const uint8_t *expected, struct counters *c);
int verity_dev_find_leaf(struct verity_device *dev, struct reader *r, uint64_t leaf, uint64_t first,
                         uint32_t count, uint8_t *want, uint8_t *expected, bool *ready,
                         struct counters *c);
int verity_dev_fetch_leaf_digests(struct verity_device *dev, struct reader *r, uint64_t leaf,
                                  uint64_t first, uint32_t count, uint8_t *want,
                                  struct counters *c);
int verity_dev_load_pinned_levels(struct verity_device *dev);

#endif /* VERITY_DEVICE_INTERNAL_H */
