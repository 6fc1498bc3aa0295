/* SPDX-License-Identifier: MIT */
/*
 * Readers of the verified device: a batch of data blocks read, hashed
 * together and compared with digests from verified hash blocks before any
 * byte is copied out. Trust chain: see device.c.
 */
#include <string.h>

#include "verity/device_internal.h"

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
	s->fec_corrected += c->fec_corrected;
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

	ret = verity_bdev_read(&dev->data_dev, b << dev->data_block_bits, block, dbs);
	if (ret)
		return verity_dev_io_error(dev, VERITY_BLOCK_DATA, b, ret);
	ret = verity_hash_blocks(&dev->hasher, block, dbs, 1, r->real + (size_t)k * ds);
	if (ret)
		return ret;
	if (memcmp(r->real + (size_t)k * ds, r->want + (size_t)k * ds, ds) == 0) {
		c->rechecks_passed++;
		return 1;
	}
	if (verity_dev_fec_correct(dev, r, b, r->want + (size_t)k * ds)) {
		memcpy(block, r->fec_block, dbs);
		memcpy(r->real + (size_t)k * ds, r->want + (size_t)k * ds, ds);
		c->fec_corrected++;
		return 1;
	}
	return verity_dev_event(dev, VERITY_EVENT_CORRUPTION, VERITY_BLOCK_DATA, b,
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

/* Pointers per hash_list call: a multiple of every lane count. */
#define LEAF_LIST_LEN 64

/*
 * The leaf of a batch under one leaf block was not cached: read it and the
 * data, and hash the leaf together with the data blocks in one hash_list
 * call (equal block sizes). A cold single-block read then hashes two
 * messages at once, which multi-lane SHA-256 code does faster than one
 * after the other. The leaf's digest lands in the slot before r->real.
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
	const uint8_t *list[LEAF_LIST_LEN];
	uint32_t listed = n < LEAF_LIST_LEN - 1 ? n : LEAF_LIST_LEN - 1;
	int ret;

	ret =
	    verity_bdev_read(&dev->hash_dev, abs * dev->params.hash_block_size, r->hash_block, dbs);
	if (ret)
		return verity_dev_io_error(dev, VERITY_BLOCK_HASH, abs, ret);
	c->hash_blocks_read++;
	ret = verity_bdev_read(&dev->data_dev, first << dev->data_block_bits, r->data,
	                       (size_t)n * dbs);
	if (ret)
		return verity_dev_io_error(dev, VERITY_BLOCK_DATA, first, ret);
	list[0] = r->hash_block;
	for (uint32_t k = 0; k < listed; k++)
		list[k + 1] = r->data + (size_t)k * dbs;
	ret = verity_hash_block_list(&dev->hasher, list, dbs, (size_t)listed + 1, leaf_digest);
	if (ret == 0 && listed < n)
		ret = verity_hash_blocks(&dev->hasher, r->data + (size_t)listed * dbs, dbs,
		                         n - listed, r->real + (size_t)listed * ds);
	if (ret)
		return ret;
	ret = verity_dev_accept_hash_block(dev, r, abs, leaf_digest, expected, c);
	if (ret)
		return ret;
	verity_dev_copy_leaf_digests(dev, r->hash_block, first, n, r->want);
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

		ret = verity_dev_find_leaf(dev, r, first >> bits, first, n, r->want, expected,
		                           &ready, c);
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
				ret = verity_dev_fetch_leaf_digests(dev, r, leaf, b, m,
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
		ret = verity_bdev_read(&dev->data_dev, (first + k) << dev->data_block_bits,
		                       r->data + (size_t)k * dbs, (size_t)(end - k) * dbs);
		if (ret)
			return verity_dev_io_error(dev, VERITY_BLOCK_DATA, first + k, ret);
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
