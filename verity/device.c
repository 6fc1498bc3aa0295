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

#include "verity/device_internal.h"

/* ---- open, status, close ---- */

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
	ret = verity_dev_check_options(o);
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
	if (o->fec) {
		ret = verity_fec_check(params, o->fec);
		if (ret)
			return ret;
		/* fits: verity_fec_check() */
		if (o->fec_device->size <
		    (o->fec->fec_start + verity_fec_rounds(o->fec) * o->fec->roots) *
		        params->data_block_size)
			return VERITY_E_FEC_DEVICE_TOO_SMALL;
	}

	ret = verity_dev_plan_memory(&plan, params, &geo, o,
	                             o->memory_budget ? o->memory_budget
	                                              : VERITY_DEVICE_DEFAULT_MEMORY_BUDGET,
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
	if (o->fec) {
		dev->fec_params = *o->fec;
		dev->fec_dev = *o->fec_device;
		dev->options.fec = &dev->fec_params;
		dev->options.fec_device = &dev->fec_dev;
		dev->fec_stripe = params->data_block_size < FEC_DEVICE_STRIPE
		                      ? params->data_block_size
		                      : FEC_DEVICE_STRIPE;
		/* cannot fail: verity_fec_check() passed above */
		verity_fec_ctx_init(&dev->fec, &dev->params, &dev->fec_params, &dev->data_dev,
		                    &dev->hash_dev);
		dev->has_fec = true;
	}
	dev->data_block_bits = verity_log2_u32(params->data_block_size);
	dev->data_size = data_bytes;
	dev->batch_blocks = plan.batch_blocks;
	dev->memory_size = plan.total;
	dev->pinned_from = pinned_from;
	dev->readers = (struct reader *)(base + plan.readers_off);
	dev->reader_count = plan.reader_count;
	for (uint32_t i = 0; i < plan.reader_count; i++) {
		uint8_t *rb = base + verity_dev_reader_offset(&plan, i);
		struct reader *r = &dev->readers[i];

		r->data = rb + plan.r_data;
		r->hash_block = rb + plan.r_hash;
		r->want = rb + plan.r_want;
		r->real = rb + plan.r_real;
		r->state = rb + plan.r_state;
		r->fec_rows = rb + plan.r_fec_rows;
		r->fec_parity = rb + plan.r_fec_parity;
		r->fec_block = rb + plan.r_fec_block;
		r->busy = false;
	}
	dev->fuse_leaf = geo.levels > 0 && params->data_block_size == params->hash_block_size &&
	                 !(o->flags & VERITY_DEVICE_IGNORE_ZERO_BLOCKS);
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
	ret = verity_dev_load_pinned_levels(dev);
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
