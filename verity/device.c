/* SPDX-License-Identifier: MIT */
/*
 * The verified block device (libverity.h, "verified block device"). Kernel
 * behaviour it mirrors: reference/dm-verity-format.md sections 6 and 7.
 *
 * Trust chain: the root digest is the only input trusted as such. The
 * intermediate levels kept at open (the "pinned" levels) were each checked
 * against their parent, the top against the root; cache entries marked
 * verified were checked against a trusted parent digest before insertion;
 * data blocks are compared with digests copied out of trusted blocks. Data
 * reaches the caller's buffer only from the reader's private buffer, after
 * the comparison.
 */
#include <string.h>

#include "verity/cache.h"
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
	bool busy;
};

/* Counters one read accumulates, merged into the status under the lock once. */
struct counters {
	uint64_t data_blocks_verified, hash_blocks_verified, hash_blocks_read;
	uint64_t cache_hits, cache_misses, rechecks_passed, zero_blocks, skipped_blocks;
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
};

/* ---- memory plan: one allocation, carved ---- */

struct plan {
	uint32_t batch_blocks, reader_count;
	size_t bitmap_bytes, pinned_bytes;
	uint32_t cache_capacity;
	/* results */
	size_t readers_off, reader_stride, r_data, r_want, r_real, r_state, r_hash;
	size_t bitmap_off, pinned_off, cache_off, total;
	bool overflow;
};

static size_t plan_add(size_t *size, bool *overflow, size_t bytes, size_t align)
{
	size_t off = (*size + align - 1) & ~(align - 1);

	if (off < *size || off > SIZE_MAX - bytes) {
		*overflow = true;
		return 0;
	}
	*size = off + bytes;
	return off;
}

static size_t mul_size(size_t a, size_t b, bool *overflow)
{
	size_t product;

	if (__builtin_mul_overflow(a, b, &product)) {
		*overflow = true;
		return 0;
	}
	return product;
}

/* Lay out everything; @p->total is SIZE_MAX when it cannot be represented. */
static void plan_layout(struct plan *p, uint32_t dbs, uint32_t hbs, uint32_t ds)
{
	size_t reader = 0, cache_bytes = 0;
	bool of = false;

	/*
	 * The hash block buffer ends where the data buffer starts (block sizes
	 * are multiples of 512), and the computed digests have a slot before
	 * the first: a leaf and its data can be hashed in one call.
	 */
	p->r_hash = plan_add(&reader, &of, hbs, BUFFER_ALIGN);
	p->r_data = plan_add(&reader, &of, mul_size(p->batch_blocks, dbs, &of), BUFFER_ALIGN);
	p->r_want = plan_add(&reader, &of, mul_size(p->batch_blocks, ds, &of), 8);
	p->r_real = plan_add(&reader, &of, mul_size((size_t)p->batch_blocks + 1, ds, &of), 8) + ds;
	p->r_state = plan_add(&reader, &of, p->batch_blocks, 8);
	p->reader_stride = plan_add(&reader, &of, 0, BUFFER_ALIGN);

	p->total = sizeof(struct verity_device);
	p->readers_off =
	    plan_add(&p->total, &of, mul_size(p->reader_count, sizeof(struct reader), &of), 8);
	plan_add(&p->total, &of, mul_size(p->reader_count, p->reader_stride, &of), BUFFER_ALIGN);
	p->bitmap_off = plan_add(&p->total, &of, p->bitmap_bytes, 8);
	p->pinned_off = plan_add(&p->total, &of, p->pinned_bytes, BUFFER_ALIGN);
	if (p->cache_capacity) {
		cache_bytes = verity_cache_bytes(p->cache_capacity, hbs);
		if (cache_bytes == 0)
			of = true;
	}
	p->cache_off = plan_add(&p->total, &of, cache_bytes, BUFFER_ALIGN);
	p->overflow = of;
	if (of)
		p->total = SIZE_MAX;
}

static size_t reader_block_offset(const struct plan *p, uint32_t i)
{
	size_t first =
	    (p->readers_off + p->reader_count * sizeof(struct reader) + BUFFER_ALIGN - 1) &
	    ~(size_t)(BUFFER_ALIGN - 1);

	return first + (size_t)i * p->reader_stride;
}

/* ---- helpers ---- */

static int read_bdev(const struct verity_bdev *bdev, uint64_t offset, void *buf, size_t len)
{
	int ret = verity_bdev_read(bdev, offset, buf, len);

	/* A callback's positive return is not success. */
	return ret > 0 ? VERITY_E_IO : ret;
}

static const uint8_t *pinned_block(const struct verity_device *dev, unsigned level, uint64_t index)
{
	uint64_t rel = dev->geo.level_start[level] - dev->params.hash_start_block + index;

	return dev->pinned + (size_t)rel * dev->params.hash_block_size;
}

static void merge_counters(struct verity_device *dev, const struct counters *c)
{
	struct verity_device_status *s = &dev->status;

	s->data_blocks_verified += c->data_blocks_verified;
	s->hash_blocks_verified += c->hash_blocks_verified;
	s->hash_blocks_read += c->hash_blocks_read;
	s->cache_hits += c->cache_hits;
	s->cache_misses += c->cache_misses;
	s->rechecks_passed += c->rechecks_passed;
	s->zero_blocks += c->zero_blocks;
	s->skipped_blocks += c->skipped_blocks;
}

/* Apply the mode for an event. Return: 0 to go on (ignore mode), else @error. */
static int handle_event(struct verity_device *dev, uint32_t kind, uint32_t type, uint64_t block,
                        int error)
{
	const struct verity_device_options *o = &dev->options;
	struct verity_device_event ev = {kind, type, block, error, 0};
	bool report;

	verity_lock_acquire(&dev->lock);
	if (kind == VERITY_EVENT_CORRUPTION) {
		dev->corrupted = true;
		ev.count = ++dev->status.corruptions;
		report = ev.count <= VERITY_DEVICE_MAX_REPORTED_CORRUPTIONS;
	} else {
		ev.count = ++dev->status.io_errors;
		report = true;
	}
	dev->status.last_event = ev;
	verity_lock_release(&dev->lock);

	if (report && o->report)
		o->report(o->callback_data, &ev);
	if (kind == VERITY_EVENT_CORRUPTION) {
		switch (o->corruption_mode) {
		case VERITY_CORRUPTION_IGNORE:
			return 0;
		case VERITY_CORRUPTION_RESTART:
			o->restart(o->callback_data, &ev);
			break;
		case VERITY_CORRUPTION_PANIC:
			o->panic(o->callback_data, &ev);
			break;
		default:
			break;
		}
	} else {
		if (o->io_error_mode == VERITY_IO_ERROR_RESTART)
			o->restart(o->callback_data, &ev);
		else if (o->io_error_mode == VERITY_IO_ERROR_PANIC)
			o->panic(o->callback_data, &ev);
	}
	return error;
}

static int io_error(struct verity_device *dev, uint32_t type, uint64_t block, int error)
{
	return handle_event(dev, VERITY_EVENT_IO_ERROR, type, block, error);
}

/* Copy the expected digests of data blocks [first, first + count) out of leaf block @leaf. */
static void copy_leaf_digests(const struct verity_device *dev, const uint8_t *leaf, uint64_t first,
                              uint32_t count, uint8_t *want)
{
	uint32_t ds = dev->geo.digest_size;
	struct verity_location loc;

	for (uint32_t k = 0; k < count; k++) {
		verity_locate_data(&dev->geo, 0, first + k, &loc);
		memcpy(want + (size_t)k * ds, leaf + loc.offset, ds);
	}
}

/*
 * r->hash_block, absolute block @abs, hashed to @real: trusted if that
 * matches @expected (a digest from a trusted block), and cached with that
 * mark. Ignore mode goes on with a mismatching block, unmarked, as the
 * kernel does.
 */
static int accept_hash_block(struct verity_device *dev, struct reader *r, uint64_t abs,
                             const uint8_t *real, const uint8_t *expected, struct counters *c)
{
	bool ok = memcmp(real, expected, dev->geo.digest_size) == 0;
	int ret;

	if (ok) {
		c->hash_blocks_verified++;
	} else {
		ret = handle_event(dev, VERITY_EVENT_CORRUPTION, VERITY_BLOCK_HASH, abs,
		                   VERITY_E_CORRUPT_HASH);
		if (ret)
			return ret;
	}
	verity_lock_acquire(&dev->lock);
	verity_cache_insert(&dev->cache, abs, r->hash_block, ok);
	verity_lock_release(&dev->lock);
	return 0;
}

/* Read hash block @index of @level into r->hash_block and accept it against @expected. */
static int load_hash_block(struct verity_device *dev, struct reader *r, unsigned level,
                           uint64_t index, const uint8_t *expected, struct counters *c)
{
	uint32_t hbs = dev->params.hash_block_size;
	uint64_t abs = dev->geo.level_start[level] + index;
	uint8_t real[VERITY_MAX_DIGEST_SIZE];
	int ret;

	ret = read_bdev(&dev->hash_dev, abs * hbs, r->hash_block, hbs);
	if (ret)
		return io_error(dev, VERITY_BLOCK_HASH, abs, ret);
	c->hash_blocks_read++;
	ret = verity_hash_blocks(&dev->hasher, r->hash_block, hbs, 1, real);
	if (ret)
		return ret;
	return accept_hash_block(dev, r, abs, real, expected, c);
}

/*
 * Expected digests of data blocks [first, first + count), all under level-0
 * block @leaf. If the cache holds that block verified, they are copied to
 * @want and *@ready is set. Otherwise the path is walked down from the
 * nearest trusted ancestor (pinned level, verified cache entry, or the root
 * digest), verifying and caching each block, to level 1: *@ready is false
 * and @expected holds the digest the leaf must have.
 */
static int find_leaf(struct verity_device *dev, struct reader *r, uint64_t leaf, uint64_t first,
                     uint32_t count, uint8_t *want, uint8_t *expected, bool *ready,
                     struct counters *c)
{
	const struct verity_geometry *geo = &dev->geo;
	uint32_t ds = geo->digest_size;
	unsigned bits = geo->hash_per_block_bits, level = geo->levels - 1;
	struct verity_location loc;
	const uint8_t *block;
	int ret;

	*ready = true;
	if (geo->levels == 0) {
		/* One data block: the root digest is its digest. */
		memcpy(want, dev->params.root_digest, ds);
		return 0;
	}
	memcpy(expected, dev->params.root_digest, ds);
	verity_lock_acquire(&dev->lock);
	block = verity_cache_lookup_verified(&dev->cache, geo->level_start[0] + leaf);
	if (block) {
		copy_leaf_digests(dev, block, first, count, want);
		verity_lock_release(&dev->lock);
		c->cache_hits++;
		return 0;
	}
	c->cache_misses++;
	for (unsigned i = 1; i < geo->levels; i++) {
		verity_locate_child(geo, i, leaf >> ((i - 1) * bits), &loc);
		if (i >= dev->pinned_from)
			block = pinned_block(dev, i, loc.index);
		else
			block = verity_cache_lookup_verified(&dev->cache, loc.block);
		if (block) {
			memcpy(expected, block + loc.offset, ds);
			level = i - 1;
			break;
		}
	}
	verity_lock_release(&dev->lock);

	for (; level > 0; level--) {
		ret = load_hash_block(dev, r, level, leaf >> (level * bits), expected, c);
		if (ret)
			return ret;
		verity_locate_child(geo, level, leaf >> ((level - 1) * bits), &loc);
		memcpy(expected, r->hash_block + loc.offset, ds);
	}
	*ready = false;
	return 0;
}

/* find_leaf(), then the leaf itself read and accepted on its own. */
static int fetch_leaf_digests(struct verity_device *dev, struct reader *r, uint64_t leaf,
                              uint64_t first, uint32_t count, uint8_t *want, struct counters *c)
{
	uint8_t expected[VERITY_MAX_DIGEST_SIZE];
	bool ready;
	int ret;

	ret = find_leaf(dev, r, leaf, first, count, want, expected, &ready, c);
	if (ret || ready)
		return ret;
	ret = load_hash_block(dev, r, 0, leaf, expected, c);
	if (ret)
		return ret;
	copy_leaf_digests(dev, r->hash_block, first, count, want);
	return 0;
}

/*
 * A data block that did not match: re-read and re-hash it once (the kernel's
 * verity_recheck) before it counts as corrupt. Return: 1 if it now matches,
 * 0 if corrupt but ignore mode returns it, else an error.
 */
static int recheck_data_block(struct verity_device *dev, struct reader *r, uint64_t first,
                              uint32_t k, struct counters *c)
{
	uint32_t dbs = dev->params.data_block_size, ds = dev->geo.digest_size;
	uint8_t *block = r->data + (size_t)k * dbs;
	uint64_t b = first + k;
	int ret;

	ret = read_bdev(&dev->data_dev, b << dev->data_block_bits, block, dbs);
	if (ret)
		return io_error(dev, VERITY_BLOCK_DATA, b, ret);
	ret = verity_hash_blocks(&dev->hasher, block, dbs, 1, r->real + (size_t)k * ds);
	if (ret)
		return ret;
	if (memcmp(r->real + (size_t)k * ds, r->want + (size_t)k * ds, ds) == 0) {
		c->rechecks_passed++;
		return 1;
	}
	return handle_event(dev, VERITY_EVENT_CORRUPTION, VERITY_BLOCK_DATA, b,
	                    VERITY_E_CORRUPT_DATA);
}

static bool test_bit(const uint8_t *bitmap, uint64_t bit)
{
	return (bitmap[bit >> 3] >> (bit & 7)) & 1;
}

static void set_bit(uint8_t *bitmap, uint64_t bit)
{
	bitmap[bit >> 3] |= (uint8_t)(1u << (bit & 7));
}

/* Compare the batch's computed digests with the expected ones; recheck mismatches. */
static int check_batch(struct verity_device *dev, struct reader *r, uint64_t first, uint32_t n,
                       struct counters *c)
{
	uint32_t ds = dev->geo.digest_size;
	int ret;

	for (uint32_t k = 0; k < n; k++) {
		if (r->state[k] == BLOCK_TRUSTED)
			c->skipped_blocks++;
		if (r->state[k] != BLOCK_VERIFY)
			continue;
		if (memcmp(r->real + (size_t)k * ds, r->want + (size_t)k * ds, ds) != 0) {
			ret = recheck_data_block(dev, r, first, k, c);
			if (ret < 0)
				return ret;
			if (ret == 0) {
				r->state[k] = BLOCK_CORRUPT;
				continue;
			}
		}
		c->data_blocks_verified++;
	}
	if (dev->verified_bitmap) {
		verity_lock_acquire(&dev->lock);
		for (uint32_t k = 0; k < n; k++)
			if (r->state[k] == BLOCK_VERIFY)
				set_bit(dev->verified_bitmap, first + k);
		verity_lock_release(&dev->lock);
	}
	return 0;
}

/*
 * The leaf of a batch under one leaf block was not cached: read it and the
 * data, and hash the leaf together with the data blocks in one hash_many
 * call (the leaf buffer sits right before the data buffer and the block
 * sizes are equal). A cold single-block read then hashes two messages at
 * once, which multi-lane SHA-256 code does faster than one after the other.
 * Nothing is trusted before both comparisons: the leaf's against @expected,
 * then the data's against the leaf's digests.
 */
static int read_batch_with_leaf(struct verity_device *dev, struct reader *r, uint64_t leaf,
                                uint64_t first, uint32_t n, const uint8_t *expected,
                                struct counters *c)
{
	uint32_t dbs = dev->params.data_block_size, ds = dev->geo.digest_size;
	uint64_t abs = dev->geo.level_start[0] + leaf;
	uint8_t *leaf_digest = r->real - ds;
	int ret;

	ret = read_bdev(&dev->hash_dev, abs * dev->params.hash_block_size, r->hash_block, dbs);
	if (ret)
		return io_error(dev, VERITY_BLOCK_HASH, abs, ret);
	c->hash_blocks_read++;
	ret = read_bdev(&dev->data_dev, first << dev->data_block_bits, r->data, (size_t)n * dbs);
	if (ret)
		return io_error(dev, VERITY_BLOCK_DATA, first, ret);
	ret = verity_hash_blocks(&dev->hasher, r->hash_block, dbs, (size_t)n + 1, leaf_digest);
	if (ret)
		return ret;
	ret = accept_hash_block(dev, r, abs, leaf_digest, expected, c);
	if (ret)
		return ret;
	copy_leaf_digests(dev, r->hash_block, first, n, r->want);
	return check_batch(dev, r, first, n, c);
}

/* Read data blocks [first, first + n) into r->data and verify them. */
static int read_batch(struct verity_device *dev, struct reader *r, uint64_t first, uint32_t n,
                      struct counters *c)
{
	const struct verity_geometry *geo = &dev->geo;
	uint32_t dbs = dev->params.data_block_size, ds = geo->digest_size;
	unsigned bits = geo->hash_per_block_bits;
	bool all_verify = true;
	int ret;

	if (dev->verified_bitmap) {
		verity_lock_acquire(&dev->lock);
		for (uint32_t k = 0; k < n; k++) {
			r->state[k] = test_bit(dev->verified_bitmap, first + k) ? BLOCK_TRUSTED
			                                                        : BLOCK_VERIFY;
			all_verify &= r->state[k] == BLOCK_VERIFY;
		}
		verity_lock_release(&dev->lock);
	} else {
		memset(r->state, BLOCK_VERIFY, n);
	}

	/* One leaf, nothing to skip: the leaf may be hashed with the data. */
	if (dev->fuse_leaf && all_verify && (first >> bits) == ((first + n - 1) >> bits)) {
		uint8_t expected[VERITY_MAX_DIGEST_SIZE];
		bool ready;

		ret = find_leaf(dev, r, first >> bits, first, n, r->want, expected, &ready, c);
		if (ret)
			return ret;
		if (!ready)
			return read_batch_with_leaf(dev, r, first >> bits, first, n, expected, c);
	} else {
		/* Expected digests, one leaf block at a time. */
		for (uint32_t k = 0; k < n;) {
			uint64_t b = first + k, leaf = 0;
			uint32_t m = n - k;
			bool needed = false;

			if (geo->levels > 0) {
				uint64_t next = ((b >> bits) + 1) << bits;

				leaf = b >> bits;
				if (next - b < m)
					m = (uint32_t)(next - b);
			}
			for (uint32_t j = k; j < k + m && !needed; j++)
				needed = r->state[j] == BLOCK_VERIFY;
			if (needed) {
				ret = fetch_leaf_digests(dev, r, leaf, b, m,
				                         r->want + (size_t)k * ds, c);
				if (ret)
					return ret;
			}
			k += m;
		}
	}

	if (dev->ignore_zero)
		for (uint32_t k = 0; k < n; k++)
			if (r->state[k] == BLOCK_VERIFY &&
			    memcmp(r->want + (size_t)k * ds, dev->zero_digest, ds) == 0)
				r->state[k] = BLOCK_ZERO;

	/* Read every run of blocks that is not a zero block with one call. */
	for (uint32_t k = 0; k < n;) {
		uint32_t end = k;

		if (r->state[k] == BLOCK_ZERO) {
			memset(r->data + (size_t)k * dbs, 0, dbs);
			c->zero_blocks++;
			k++;
			continue;
		}
		while (end < n && r->state[end] != BLOCK_ZERO)
			end++;
		ret = read_bdev(&dev->data_dev, (first + k) << dev->data_block_bits,
		                r->data + (size_t)k * dbs, (size_t)(end - k) * dbs);
		if (ret)
			return io_error(dev, VERITY_BLOCK_DATA, first + k, ret);
		k = end;
	}

	/* Hash every run of blocks to verify with one hash_many call. */
	for (uint32_t k = 0; k < n;) {
		uint32_t end = k;

		if (r->state[k] != BLOCK_VERIFY) {
			k++;
			continue;
		}
		while (end < n && r->state[end] == BLOCK_VERIFY)
			end++;
		ret = verity_hash_blocks(&dev->hasher, r->data + (size_t)k * dbs, dbs, end - k,
		                         r->real + (size_t)k * ds);
		if (ret)
			return ret;
		k = end;
	}
	return check_batch(dev, r, first, n, c);
}

static struct reader *acquire_reader(struct verity_device *dev)
{
	struct reader *r = NULL;

	if (!dev->lock.enabled)
		return &dev->readers[0];
	verity_lock_acquire(&dev->lock);
	for (;;) {
		for (uint32_t i = 0; i < dev->reader_count && !r; i++)
			if (!dev->readers[i].busy)
				r = &dev->readers[i];
		if (r)
			break;
		verity_lock_wait(&dev->lock);
	}
	r->busy = true;
	verity_lock_release(&dev->lock);
	return r;
}

static void release_reader(struct verity_device *dev, struct reader *r, const struct counters *c)
{
	verity_lock_acquire(&dev->lock);
	merge_counters(dev, c);
	r->busy = false;
	verity_lock_broadcast(&dev->lock);
	verity_lock_release(&dev->lock);
}

int verity_device_read(struct verity_device *dev, uint64_t offset, size_t length, void *buffer)
{
	uint8_t *out = buffer;
	uint64_t end, first, last;
	struct counters c = {0};
	struct reader *r;
	size_t done = 0;
	int ret = 0;

	if (!buffer && length)
		return VERITY_E_INVAL;
	if (!dev)
		ret = VERITY_E_INVAL;
	else if (verity_add_overflow_u64(offset, length, &end) || end > dev->data_size)
		ret = VERITY_E_RANGE;
	if (ret || length == 0) {
		if (length)
			memset(buffer, 0, length);
		return ret;
	}

	r = acquire_reader(dev);
	first = offset >> dev->data_block_bits;
	last = (end - 1) >> dev->data_block_bits;
	for (uint64_t b = first; b <= last;) {
		uint64_t left = last - b + 1;
		uint32_t n = left < dev->batch_blocks ? (uint32_t)left : dev->batch_blocks;
		size_t skip = b == first ? (size_t)(offset - (first << dev->data_block_bits)) : 0;
		size_t take = ((size_t)n << dev->data_block_bits) - skip;

		ret = read_batch(dev, r, b, n, &c);
		if (ret)
			break;
		if (take > length - done)
			take = length - done;
		/* The only place data reaches the caller: verified (or ignore mode). */
		memcpy(out + done, r->data + skip, take);
		done += take;
		b += n;
	}
	release_reader(dev, r, &c);
	if (ret)
		memset(buffer, 0, length);
	return ret;
}

/* ---- open, status, close ---- */

static int check_options(const struct verity_device_options *o)
{
	const uint32_t known = VERITY_DEVICE_CHECK_AT_MOST_ONCE | VERITY_DEVICE_IGNORE_ZERO_BLOCKS |
	                       VERITY_DEVICE_THREAD_SAFE;

	for (size_t i = 0; i < sizeof(o->reserved) / sizeof(o->reserved[0]); i++)
		if (o->reserved[i])
			return VERITY_E_INVAL;
	if ((o->flags & ~known) || o->corruption_mode > VERITY_CORRUPTION_PANIC ||
	    o->io_error_mode > VERITY_IO_ERROR_PANIC)
		return VERITY_E_INVAL;
	if ((o->corruption_mode == VERITY_CORRUPTION_RESTART ||
	     o->io_error_mode == VERITY_IO_ERROR_RESTART) &&
	    !o->restart)
		return VERITY_E_MISSING_CALLBACK;
	if ((o->corruption_mode == VERITY_CORRUPTION_PANIC ||
	     o->io_error_mode == VERITY_IO_ERROR_PANIC) &&
	    !o->panic)
		return VERITY_E_MISSING_CALLBACK;
#ifdef VERITY_FREESTANDING
	if (o->flags & VERITY_DEVICE_THREAD_SAFE)
		return VERITY_E_NO_THREADS;
	if (!o->allocator || !o->allocator->alloc || !o->allocator->free)
		return VERITY_E_INVAL;
#endif
	return 0;
}

/*
 * Size the pieces: fixed part first (shrinking the batch if needed), then as
 * many whole intermediate levels as fit, from the top, then the leaf cache.
 */
static int plan_memory(struct plan *p, const struct verity_params *params,
                       const struct verity_geometry *geo, const struct verity_device_options *o,
                       size_t budget, unsigned *pinned_from)
{
	uint32_t dbs = params->data_block_size, hbs = params->hash_block_size;
	uint32_t ds = geo->digest_size;
	size_t batch_bytes = o->batch_bytes ? o->batch_bytes : VERITY_DEVICE_DEFAULT_BATCH_BYTES;
	uint64_t batch = batch_bytes / dbs, cacheable;
	unsigned levels = geo->levels;

	memset(p, 0, sizeof(*p));
	if (batch == 0)
		batch = 1;
	if (batch > MAX_BATCH)
		batch = MAX_BATCH;
	if (batch > params->data_blocks)
		batch = params->data_blocks;
	p->batch_blocks = (uint32_t)batch;
	p->reader_count = 1;
	if (o->flags & VERITY_DEVICE_THREAD_SAFE) {
		p->reader_count =
		    o->max_readers ? o->max_readers : VERITY_DEVICE_DEFAULT_MAX_READERS;
		if (p->reader_count > MAX_READERS)
			p->reader_count = MAX_READERS;
	}
	if (o->flags & VERITY_DEVICE_CHECK_AT_MOST_ONCE)
		p->bitmap_bytes = (size_t)((params->data_blocks + 7) / 8);

	/* A default batch leaves at least half the budget to the tree; an explicit one only fits.
	 */
	for (;;) {
		plan_layout(p, dbs, hbs, ds);
		if (p->total <= (o->batch_bytes ? budget : budget / 2) || p->batch_blocks == 1)
			break;
		p->batch_blocks /= 2;
	}
	if (p->total > budget)
		return VERITY_E_BUDGET_TOO_SMALL;

	/* Pin levels pinned_from .. levels - 1: contiguous from hash_start on disk. */
	*pinned_from = levels;
	for (unsigned m = 1; m < levels; m++) {
		uint64_t blocks = geo->level_start[m - 1] - params->hash_start_block;

		if (blocks > SIZE_MAX / hbs)
			continue;
		p->pinned_bytes = (size_t)blocks * hbs;
		plan_layout(p, dbs, hbs, ds);
		if (p->total <= budget) {
			*pinned_from = m;
			break;
		}
		p->pinned_bytes = 0;
	}
	plan_layout(p, dbs, hbs, ds);

	/* The leaf cache takes the rest, up to every hash block not pinned. */
	cacheable =
	    geo->hash_end_block -
	    (*pinned_from < levels ? geo->level_start[*pinned_from - 1] : params->hash_start_block);
	if (levels > 0 && budget > p->total) {
		uint64_t cap = (budget - p->total) / (hbs + sizeof(struct verity_cache_entry) + 8);

		if (cap > cacheable)
			cap = cacheable;
		if (cap > UINT32_MAX - 1)
			cap = UINT32_MAX - 1;
		p->cache_capacity = (uint32_t)cap;
		for (;;) {
			plan_layout(p, dbs, hbs, ds);
			if (p->total <= budget || p->cache_capacity == 0)
				break;
			p->cache_capacity--;
		}
	}
	plan_layout(p, dbs, hbs, ds);
	return p->total <= budget ? 0 : VERITY_E_BUDGET_TOO_SMALL;
}

/* Read the pinned levels and verify them top down; keep what verifies. */
static int load_pinned_levels(struct verity_device *dev)
{
	const struct verity_geometry *geo = &dev->geo;
	uint32_t hbs = dev->params.hash_block_size, ds = geo->digest_size;
	struct reader *r = &dev->readers[0];
	unsigned top = geo->levels - 1;
	uint64_t blocks;
	int ret;

	if (dev->pinned_from >= geo->levels)
		return 0;
	blocks = geo->level_start[dev->pinned_from - 1] - dev->params.hash_start_block;
	ret = read_bdev(&dev->hash_dev, dev->params.hash_start_block * hbs, (void *)dev->pinned,
	                (size_t)blocks * hbs);
	if (ret)
		return ret;
	dev->status.hash_blocks_read += blocks;

	ret = verity_hash_blocks(&dev->hasher, pinned_block(dev, top, 0), hbs, 1, r->real);
	if (ret)
		return ret;
	if (memcmp(r->real, dev->params.root_digest, ds) != 0) {
		/* Nothing pinned; reads walk from the root and report the corruption. */
		dev->pinned_from = geo->levels;
		return 0;
	}
	dev->status.hash_blocks_verified++;

	for (unsigned level = top; level-- > dev->pinned_from;) {
		for (uint64_t k = 0; k < geo->level_blocks[level];) {
			uint64_t left = geo->level_blocks[level] - k;
			uint32_t n = left < dev->batch_blocks ? (uint32_t)left : dev->batch_blocks;

			ret = verity_hash_blocks(&dev->hasher, pinned_block(dev, level, k), hbs, n,
			                         r->real);
			if (ret)
				return ret;
			for (uint32_t j = 0; j < n; j++) {
				struct verity_location loc;

				verity_locate_child(geo, level + 1, k + j, &loc);
				if (memcmp(r->real + (size_t)j * ds,
				           pinned_block(dev, level + 1, loc.index) + loc.offset,
				           ds) != 0) {
					/* This level and those below are read on demand. */
					dev->pinned_from = level + 1;
					return 0;
				}
			}
			dev->status.hash_blocks_verified += n;
			k += n;
		}
	}
	return 0;
}

int verity_device_open(struct verity_device **devp, const struct verity_params *params,
                       const struct verity_bdev *data, const struct verity_bdev *hash,
                       const struct verity_device_options *options)
{
	static const struct verity_device_options defaults;
	const struct verity_device_options *o = options ? options : &defaults;
	struct verity_geometry geo;
	struct verity_device *dev;
	struct plan plan;
	unsigned pinned_from;
	uint64_t data_bytes, hash_bytes;
	uint8_t *base;
	int ret;

	if (!devp)
		return VERITY_E_INVAL;
	*devp = NULL;
	if (!params || !data || !hash || !data->read || !hash->read)
		return VERITY_E_INVAL;
	ret = check_options(o);
	if (ret)
		return ret;
	ret = verity_geometry_init(&geo, params);
	if (ret)
		return ret;
	if (params->root_digest_size != geo.digest_size)
		return VERITY_E_BAD_ROOT_DIGEST;
	/* geometry_init checked that both products fit 64 bits. */
	data_bytes = params->data_blocks * params->data_block_size;
	hash_bytes = geo.hash_end_block * params->hash_block_size;
	if (data->size < data_bytes)
		return VERITY_E_DATA_DEVICE_TOO_SMALL;
	if (hash->size < hash_bytes)
		return VERITY_E_HASH_DEVICE_TOO_SMALL;
	if ((o->flags & VERITY_DEVICE_CHECK_AT_MOST_ONCE) &&
	    params->data_blocks > AT_MOST_ONCE_LIMIT)
		return VERITY_E_AT_MOST_ONCE_TOO_LARGE;

	ret = plan_memory(&plan, params, &geo, o,
	                  o->memory_budget ? o->memory_budget : VERITY_DEVICE_DEFAULT_MEMORY_BUDGET,
	                  &pinned_from);
	if (ret)
		return ret;
	base = verity_alloc(o->allocator, plan.total);
	if (!base)
		return VERITY_E_NOMEM;

	dev = (struct verity_device *)base;
	/* All of it: a read callback that succeeds without writing must not expose old heap. */
	memset(base, 0, plan.total);
	dev->params = *params;
	dev->geo = geo;
	dev->data_dev = *data;
	dev->hash_dev = *hash;
	dev->options = *o;
	if (o->allocator) {
		dev->allocator = *o->allocator;
		dev->has_allocator = true;
	}
	dev->options.allocator = dev->has_allocator ? &dev->allocator : NULL;
	dev->data_block_bits = verity_log2_u32(params->data_block_size);
	dev->data_size = data_bytes;
	dev->batch_blocks = plan.batch_blocks;
	dev->memory_size = plan.total;
	dev->pinned_from = pinned_from;
	dev->readers = (struct reader *)(base + plan.readers_off);
	dev->reader_count = plan.reader_count;
	for (uint32_t i = 0; i < plan.reader_count; i++) {
		uint8_t *rb = base + reader_block_offset(&plan, i);
		struct reader *r = &dev->readers[i];

		r->data = rb + plan.r_data;
		r->hash_block = rb + plan.r_hash;
		r->want = rb + plan.r_want;
		r->real = rb + plan.r_real;
		r->state = rb + plan.r_state;
		r->busy = false;
	}
	dev->fuse_leaf = geo.levels > 0 && params->data_block_size == params->hash_block_size &&
	                 !(o->flags & VERITY_DEVICE_IGNORE_ZERO_BLOCKS);
	/* The fused leaf-and-data hashing relies on the buffer layout (plan_layout). */
	if (dev->readers[0].hash_block + params->hash_block_size != dev->readers[0].data)
		dev->fuse_leaf = false;
	if (plan.bitmap_bytes) {
		dev->verified_bitmap = base + plan.bitmap_off;
		memset(dev->verified_bitmap, 0, plan.bitmap_bytes);
	}
	dev->pinned = plan.pinned_bytes ? base + plan.pinned_off : NULL;
	verity_cache_init(&dev->cache, base + plan.cache_off, plan.cache_capacity,
	                  params->hash_block_size);

	ret = verity_hasher_init(&dev->hasher, &dev->params);
	if (ret)
		goto fail;
	ret = verity_lock_init(&dev->lock, (o->flags & VERITY_DEVICE_THREAD_SAFE) != 0);
	if (ret)
		goto fail;
	if (o->flags & VERITY_DEVICE_IGNORE_ZERO_BLOCKS) {
		/* The kernel's zero_digest: the salted digest of one all-zero block. */
		memset(dev->readers[0].data, 0, params->data_block_size);
		ret = verity_hash_blocks(&dev->hasher, dev->readers[0].data,
		                         params->data_block_size, 1, dev->zero_digest);
		if (ret)
			goto fail_lock;
		dev->ignore_zero = true;
	}
	ret = load_pinned_levels(dev);
	if (ret)
		goto fail_lock;
	dev->status.memory_used = plan.total;
	dev->status.cache_capacity = plan.cache_capacity;
	dev->status.pinned_levels = geo.levels - dev->pinned_from;
	*devp = dev;
	return 0;

fail_lock:
	verity_lock_destroy(&dev->lock);
fail:
	verity_free(o->allocator, base);
	return ret;
}

int verity_device_get_status(struct verity_device *dev, struct verity_device_status *status)
{
	if (!dev || !status)
		return VERITY_E_INVAL;
	verity_lock_acquire(&dev->lock);
	*status = dev->status;
	status->state = dev->corrupted ? 'C' : 'V';
	verity_lock_release(&dev->lock);
	return 0;
}

uint64_t verity_device_data_size(const struct verity_device *dev)
{
	return dev ? dev->data_size : 0;
}

void verity_device_close(struct verity_device *dev)
{
	struct verity_allocator allocator;
	bool has_allocator;

	if (!dev)
		return;
	/* The hooks live inside the block being freed: copy them out first. */
	allocator = dev->allocator;
	has_allocator = dev->has_allocator;
	verity_lock_destroy(&dev->lock);
	verity_free(has_allocator ? &allocator : NULL, dev);
}
