/* SPDX-License-Identifier: MIT */
/*
 * The hash-tree walk of the verified device: events and error modes, hash
 * blocks checked against trusted parents and cached, the pinned levels
 * verified at open. Trust chain: see device.c.
 */
#include <string.h>

#include "verity/device_internal.h"

/* ---- helpers ---- */

static const uint8_t *pinned_block(const struct verity_device *dev, unsigned level, uint64_t index)
{
	uint64_t rel = dev->geo.level_start[level] - dev->params.hash_start_block + index;

	return dev->pinned + (size_t)rel * dev->params.hash_block_size;
}

/* Apply the mode for an event. Return: 0 to go on (ignore mode), else @error. */
int verity_dev_event(struct verity_device *dev, uint32_t kind, uint32_t type, uint64_t block,
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

int verity_dev_io_error(struct verity_device *dev, uint32_t type, uint64_t block, int error)
{
	return verity_dev_event(dev, VERITY_EVENT_IO_ERROR, type, block, error);
}

/* Copy the expected digests of data blocks [first, first + count) out of leaf block @leaf. */
void verity_dev_copy_leaf_digests(const struct verity_device *dev, const uint8_t *leaf,
                                  uint64_t first, uint32_t count, uint8_t *want)
{
	uint32_t ds = dev->geo.digest_size;
	struct verity_location loc;

	for (uint32_t k = 0; k < count; k++) {
		verity_locate_data(&dev->geo, 0, first + k, &loc);
		memcpy(want + (size_t)k * ds, leaf + loc.offset, ds);
	}
}

/*
 * The erasures of message block @m's round for the second decode, as the
 * kernel finds them: the target, and the round's data blocks that fail
 * their digests. Only leaves already verified in the cache give digests,
 * so this reads at most k data blocks and never walks (or corrects) the
 * tree. r->fec_block is the probe. Return: the count.
 */
static uint32_t find_erasures(struct verity_device *dev, struct reader *r, uint64_t m,
                              uint8_t *erasures)
{
	const struct verity_fec_ctx *fc = &dev->fec;
	uint32_t ds = dev->geo.digest_size, roots = dev->fec_params.roots;
	uint32_t target = (uint32_t)(m / fc->rounds), n = 0;
	uint64_t round = m % fc->rounds;

	erasures[n++] = (uint8_t)target;
	if (dev->geo.levels == 0)
		return n;
	for (uint32_t j = 0; j < fc->k && n < roots; j++) {
		uint64_t mj = round + (uint64_t)j * fc->rounds;
		uint8_t want[VERITY_MAX_DIGEST_SIZE], real[VERITY_MAX_DIGEST_SIZE];
		struct verity_location loc;
		const uint8_t *leaf;

		if (j == target || mj >= dev->params.data_blocks)
			continue;
		verity_locate_data(&dev->geo, 0, mj, &loc);
		verity_lock_acquire(&dev->lock);
		leaf = verity_cache_lookup_verified(&dev->cache, loc.block);
		if (leaf)
			memcpy(want, leaf + loc.offset, ds);
		verity_lock_release(&dev->lock);
		if (!leaf)
			continue;
		if (verity_bdev_read(&dev->data_dev, mj << dev->data_block_bits, r->fec_block,
		                     dev->params.data_block_size) ||
		    verity_hash_blocks(&dev->hasher, r->fec_block, dev->params.data_block_size, 1,
		                       real) ||
		    memcmp(real, want, ds) != 0)
			erasures[n++] = (uint8_t)j;
	}
	return n;
}

/*
 * Message block @m (a data block, or a hash block at its place after the
 * data) failed @expected, a digest from a trusted block: rebuild it into
 * r->fec_block as the kernel's verity_fec_decode does, errors-only first,
 * then with erasures. Only bytes that then hash to @expected are kept.
 * Return: 1 if r->fec_block holds the verified block, 0 if not (no FEC,
 * too damaged, or a read failed).
 */
int verity_dev_fec_correct(struct verity_device *dev, struct reader *r, uint64_t m,
                           const uint8_t *expected)
{
	uint32_t bs = dev->params.data_block_size, roots = dev->fec_params.roots;
	uint8_t erasures[VERITY_FEC_MAX_ROOTS] = {0}, digest[VERITY_MAX_DIGEST_SIZE];
	uint8_t *check = r->fec_parity + (size_t)dev->fec_stripe * roots;

	if (!dev->has_fec || m >= dev->fec_params.fec_blocks)
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		uint32_t n = pass ? find_erasures(dev, r, m, erasures) : 0;

		if (verity_fec_decode_block(&dev->fec, &dev->fec_dev, m, erasures, n,
		                            dev->fec_stripe, r->fec_rows, r->fec_parity, check,
		                            r->fec_block) == 0 &&
		    verity_hash_blocks(&dev->hasher, r->fec_block, bs, 1, digest) == 0 &&
		    memcmp(digest, expected, dev->geo.digest_size) == 0)
			return 1;
	}
	return 0;
}

/*
 * r->hash_block, absolute block @abs, hashed to @real: trusted if that
 * matches @expected (a digest from a trusted block), or if FEC rebuilds it
 * to match, and cached with that mark. Ignore mode goes on with a
 * mismatching block, unmarked, as the kernel does.
 */
int verity_dev_accept_hash_block(struct verity_device *dev, struct reader *r, uint64_t abs,
                                 const uint8_t *real, const uint8_t *expected, struct counters *c)
{
	bool ok = memcmp(real, expected, dev->geo.digest_size) == 0;
	int ret;

	/* Hash blocks follow the data in the FEC message, from hash_start on. */
	if (!ok &&
	    verity_dev_fec_correct(
	        dev, r, dev->params.data_blocks + abs - dev->params.hash_start_block, expected)) {
		memcpy(r->hash_block, r->fec_block, dev->params.hash_block_size);
		c->fec_corrected++;
		ok = true;
	}
	if (ok) {
		c->hash_blocks_verified++;
	} else {
		ret = verity_dev_event(dev, VERITY_EVENT_CORRUPTION, VERITY_BLOCK_HASH, abs,
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

	ret = verity_bdev_read(&dev->hash_dev, abs * hbs, r->hash_block, hbs);
	if (ret)
		return verity_dev_io_error(dev, VERITY_BLOCK_HASH, abs, ret);
	c->hash_blocks_read++;
	ret = verity_hash_blocks(&dev->hasher, r->hash_block, hbs, 1, real);
	if (ret)
		return ret;
	return verity_dev_accept_hash_block(dev, r, abs, real, expected, c);
}

/*
 * Expected digests of data blocks [first, first + count), all under level-0
 * block @leaf. If the cache holds that block verified, they are copied to
 * @want and *@ready is set. Otherwise the path is walked down from the
 * nearest trusted ancestor (pinned level, verified cache entry, or the root
 * digest), verifying and caching each block, to level 1: *@ready is false
 * and @expected holds the digest the leaf must have.
 */
int verity_dev_find_leaf(struct verity_device *dev, struct reader *r, uint64_t leaf, uint64_t first,
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
		verity_dev_copy_leaf_digests(dev, block, first, count, want);
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

/* verity_dev_find_leaf(), then the leaf itself read and accepted on its own. */
int verity_dev_fetch_leaf_digests(struct verity_device *dev, struct reader *r, uint64_t leaf,
                                  uint64_t first, uint32_t count, uint8_t *want, struct counters *c)
{
	uint8_t expected[VERITY_MAX_DIGEST_SIZE];
	bool ready;
	int ret;

	ret = verity_dev_find_leaf(dev, r, leaf, first, count, want, expected, &ready, c);
	if (ret || ready)
		return ret;
	ret = load_hash_block(dev, r, 0, leaf, expected, c);
	if (ret)
		return ret;
	verity_dev_copy_leaf_digests(dev, r->hash_block, first, count, want);
	return 0;
}

/* Read the pinned levels and verify them top down; keep what verifies. */
int verity_dev_load_pinned_levels(struct verity_device *dev)
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
	ret = verity_bdev_read(&dev->hash_dev, dev->params.hash_start_block * hbs,
	                       (void *)dev->pinned, (size_t)blocks * hbs);
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
