/* SPDX-License-Identifier: MIT */
/*
 * Memory planning of the verified device: everything it holds is one
 * allocation, sized here against the caller's budget, and the options
 * checked before anything is sized.
 */
#include <string.h>

#include "verity/device_internal.h"

/* ---- memory plan: one allocation, carved ---- */

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

	/* The computed digests have a slot before the first, for a leaf hashed with its data. */
	p->r_hash = plan_add(&reader, &of, hbs, BUFFER_ALIGN);
	p->r_data = plan_add(&reader, &of, mul_size(p->batch_blocks, dbs, &of), BUFFER_ALIGN);
	p->r_want = plan_add(&reader, &of, mul_size(p->batch_blocks, ds, &of), 8);
	p->r_real = plan_add(&reader, &of, mul_size((size_t)p->batch_blocks + 1, ds, &of), 8) + ds;
	p->r_state = plan_add(&reader, &of, p->batch_blocks, 8);
	p->r_fec_rows = plan_add(&reader, &of, p->fec_rows, 8);
	p->r_fec_parity = plan_add(&reader, &of, p->fec_parity, 8);
	p->r_fec_block = plan_add(&reader, &of, p->fec_rows ? dbs : 0, 8);
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

size_t verity_dev_reader_offset(const struct plan *p, uint32_t i)
{
	size_t first =
	    (p->readers_off + p->reader_count * sizeof(struct reader) + BUFFER_ALIGN - 1) &
	    ~(size_t)(BUFFER_ALIGN - 1);

	return first + (size_t)i * p->reader_stride;
}

int verity_dev_check_options(const struct verity_device_options *o)
{
	const uint32_t known = VERITY_DEVICE_CHECK_AT_MOST_ONCE | VERITY_DEVICE_IGNORE_ZERO_BLOCKS |
	                       VERITY_DEVICE_THREAD_SAFE;

	for (size_t i = 0; i < sizeof(o->reserved) / sizeof(o->reserved[0]); i++)
		if (o->reserved[i])
			return VERITY_E_INVAL;
	if ((o->fec && (!o->fec_device || !o->fec_device->read)) || (!o->fec && o->fec_device))
		return VERITY_E_INVAL;
	if (o->fec &&
	    (o->fec->roots < VERITY_FEC_MIN_ROOTS || o->fec->roots > VERITY_FEC_MAX_ROOTS))
		return VERITY_E_FEC_BAD_ROOTS;
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
	if ((o->flags & VERITY_DEVICE_THREAD_SAFE) && !verity_platform_threads())
		return VERITY_E_NO_THREADS;
	if (!verity_platform_allocator() &&
	    (!o->allocator || !o->allocator->alloc || !o->allocator->free))
		return VERITY_E_INVAL;
	return 0;
}

/*
 * Size the pieces: fixed part first (shrinking the batch if needed), then as
 * many whole intermediate levels as fit, from the top, then the leaf cache.
 */
int verity_dev_plan_memory(struct plan *p, const struct verity_params *params,
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
	if (o->fec) {
		uint32_t stripe = dbs < FEC_DEVICE_STRIPE ? dbs : FEC_DEVICE_STRIPE;

		p->fec_rows = (size_t)stripe * (255u - o->fec->roots);
		p->fec_parity = 2 * (size_t)stripe * o->fec->roots;
	}

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

int verity_device_min_budget(const struct verity_params *params,
                             const struct verity_device_options *options, size_t *min_budget)
{
	static const struct verity_device_options defaults;
	const struct verity_device_options *o = options ? options : &defaults;
	struct verity_geometry geo;
	struct plan plan;
	unsigned pinned_from;
	int ret;

	if (!params || !min_budget)
		return VERITY_E_INVAL;
	ret = verity_dev_check_options(o);
	if (!ret)
		ret = verity_geometry_init(&geo, params);
	if (ret)
		return ret;
	/* With no budget the plan stops at the fixed part of a one-block batch. */
	verity_dev_plan_memory(&plan, params, &geo, o, 0, &pinned_from);
	if (plan.overflow)
		return VERITY_E_OVERFLOW;
	*min_budget = plan.total;
	return 0;
}
