/* SPDX-License-Identifier: MIT */
/*
 * Building a tree (veritysetup format): the data is read once, in extents,
 * and hashed in batches by the jobs; leaf blocks are written as jobs finish,
 * in order, and each upper level keeps one pending block that is written
 * when full. Memory: one pending block per level plus the jobs' buffers.
 */
#include <string.h>

#include "verity/locate.h"
#include "verity/tree.h"

struct format_ctx {
	struct verity_tree tree;
	const struct verity_bdev *data;
	const struct verity_writer *hash;
	const struct verity_tree_options *opts;
	uint8_t *upper;                      /* pending block of levels 1 .. levels - 1 */
	uint8_t *leaf_digests;               /* digests of one job's leaf blocks */
	uint64_t fill[VERITY_MAX_LEVELS];    /* digests in the pending block */
	uint64_t written[VERITY_MAX_LEVELS]; /* blocks written per level */
	uint8_t root[VERITY_MAX_DIGEST_SIZE];
	bool have_root;
};

static uint8_t *pending_block(struct format_ctx *f, unsigned level)
{
	return f->upper + (size_t)(level - 1) * f->tree.params->hash_block_size;
}

static int write_blocks(struct format_ctx *f, unsigned level, const uint8_t *blocks, uint64_t n)
{
	uint32_t hbs = f->tree.params->hash_block_size;
	uint64_t offset = (f->tree.geo.level_start[level] + f->written[level]) * hbs;
	int ret;

	if (f->written[level] + n > f->tree.geo.level_blocks[level])
		return VERITY_E_INVAL; /* cannot happen with a consistent geometry */
	ret = f->hash->write(f->hash->user_data, offset, blocks, (size_t)n * hbs);
	if (ret)
		return ret > 0 ? VERITY_E_IO : ret;
	f->written[level] += n;
	return 0;
}

static int feed(struct format_ctx *f, unsigned level, const uint8_t *digest);

/* Write the pending block of @level and pass its digest up. */
static int flush(struct format_ctx *f, unsigned level)
{
	const struct verity_tree *t = &f->tree;
	uint8_t *block = pending_block(f, level);
	uint8_t digest[VERITY_MAX_DIGEST_SIZE];
	int ret;

	ret = write_blocks(f, level, block, 1);
	if (!ret)
		ret = verity_hash_blocks(&t->hasher, block, t->params->hash_block_size, 1, digest);
	if (ret)
		return ret;
	memset(block, 0, t->params->hash_block_size);
	f->fill[level] = 0;
	if (level + 1 == t->geo.levels) {
		memcpy(f->root, digest, t->geo.digest_size);
		f->have_root = true;
		return 0;
	}
	return feed(f, level + 1, digest);
}

static int feed(struct format_ctx *f, unsigned level, const uint8_t *digest)
{
	const struct verity_tree *t = &f->tree;

	memcpy(pending_block(f, level) + f->fill[level] * t->stride, digest, t->geo.digest_size);
	if (++f->fill[level] == t->hash_per_block)
		return flush(f, level);
	return 0;
}

/* Hash the job's data blocks into its leaf blocks (any thread). */
static int format_run(void *ctx, uint64_t job, void *slot, void *scratch)
{
	struct format_ctx *f = ctx;
	const struct verity_tree *t = &f->tree;
	uint32_t dbs = t->params->data_block_size, ds = t->geo.digest_size;
	uint64_t first_leaf, leaves, first_data, blocks;
	uint8_t *out = slot, *buf = scratch;
	uint8_t *digests = verity_tree_scratch_digests(t, buf);
	/* Version 1 with slot == digest size: digests lie back to back across leaf blocks. */
	bool direct = t->geo.levels > 0 && t->stride == ds &&
	              (uint64_t)t->hash_per_block * ds == t->params->hash_block_size;

	verity_tree_job_range(t, job, &first_leaf, &leaves, &first_data, &blocks);
	if (leaves)
		memset(out, 0, (size_t)leaves * t->params->hash_block_size);
	for (uint64_t done = 0; done < blocks;) {
		uint64_t n = blocks - done;
		const uint8_t *src;
		int ret;

		if (n > t->extent_blocks)
			n = t->extent_blocks;
		/* Hashed in place when the device maps. */
		src = verity_tree_get_extent(t, f->data, first_data + done, n, buf, &ret);
		if (!src)
			return ret;
		ret = verity_hash_blocks(&t->hasher, src, dbs, (size_t)n,
		                         t->geo.levels == 0 || direct ? out + done * ds : digests);
		verity_tree_put_extent(t, f->data, src, buf, first_data + done, n);
		if (ret)
			return ret;
		if (t->geo.levels > 0 && !direct) {
			for (uint64_t i = 0; i < n; i++) {
				struct verity_location leaf;

				verity_locate_child(&t->geo, 0, first_data + done + i, &leaf);
				memcpy(out +
				           (leaf.index - first_leaf) * t->params->hash_block_size +
				           leaf.offset,
				       digests + i * ds, ds);
			}
		}
		done += n;
	}
	return 0;
}

/* Write the job's leaf blocks and feed their digests up (caller's thread, in order). */
static int format_finish(void *ctx, uint64_t job, void *slot, int status)
{
	struct format_ctx *f = ctx;
	const struct verity_tree *t = &f->tree;
	uint64_t first_leaf, leaves, first_data, blocks;
	const uint8_t *leaf_blocks = slot;
	int ret;

	if (status)
		return status;
	verity_tree_job_range(t, job, &first_leaf, &leaves, &first_data, &blocks);
	if (t->geo.levels == 0) {
		memcpy(f->root, slot, t->geo.digest_size);
		f->have_root = true;
	} else {
		ret = write_blocks(f, 0, leaf_blocks, leaves);
		if (!ret)
			ret =
			    verity_hash_blocks(&t->hasher, leaf_blocks, t->params->hash_block_size,
			                       (size_t)leaves, f->leaf_digests);
		if (ret)
			return ret;
		if (t->geo.levels == 1) {
			memcpy(f->root, f->leaf_digests, t->geo.digest_size);
			f->have_root = true;
		} else {
			for (uint64_t i = 0; i < leaves; i++) {
				ret = feed(f, 1, f->leaf_digests + i * t->geo.digest_size);
				if (ret)
					return ret;
			}
		}
	}
	if (f->opts && f->opts->progress)
		f->opts->progress(f->opts->progress_user_data,
		                  (first_data + blocks) * t->params->data_block_size,
		                  t->params->data_blocks * t->params->data_block_size);
	return 0;
}

int verity_format(struct verity_params *params, const struct verity_bdev *data,
                  const struct verity_writer *hash, const struct verity_tree_options *opts)
{
	struct format_ctx *f;
	struct verity_jobs jobs;
	const struct verity_allocator *allocator = opts ? opts->allocator : NULL;
	size_t upper_bytes, slot_bytes;
	int ret;

	if (!params || !data || !hash || !hash->write)
		return VERITY_E_INVAL;
	f = verity_alloc(allocator, sizeof(*f));
	if (!f)
		return VERITY_E_NOMEM;
	memset(f, 0, sizeof(*f));
	ret = verity_tree_setup(&f->tree, params, opts);
	if (ret)
		goto out;
	if (data->size / params->data_block_size < params->data_blocks) {
		ret = VERITY_E_DATA_DEVICE_TOO_SMALL;
		goto out;
	}
	f->data = data;
	f->hash = hash;
	f->opts = opts;

	/* Levels above the leaves, then one job's leaf digests. */
	upper_bytes =
	    f->tree.geo.levels > 1 ? (size_t)(f->tree.geo.levels - 1) * params->hash_block_size : 0;
	f->upper = verity_alloc(allocator, upper_bytes + (size_t)f->tree.leaves_per_job *
	                                                     f->tree.geo.digest_size);
	if (!f->upper) {
		ret = VERITY_E_NOMEM;
		goto out;
	}
	memset(f->upper, 0, upper_bytes);
	f->leaf_digests = f->upper + upper_bytes;

	slot_bytes = (size_t)f->tree.leaves_per_job * params->hash_block_size;
	if (slot_bytes < VERITY_MAX_DIGEST_SIZE)
		slot_bytes = VERITY_MAX_DIGEST_SIZE;
	jobs = (struct verity_jobs){
	    .ctx = f,
	    .count = f->tree.jobs,
	    .slot_size = slot_bytes,
	    .scratch_size = verity_tree_scratch_size(&f->tree),
	    .run = format_run,
	    .finish = format_finish,
	};
	ret = verity_run_jobs(&jobs, f->tree.threads, allocator);
	/* Partly filled blocks, bottom up: each flush may complete the next level. */
	for (unsigned level = 1; !ret && level < f->tree.geo.levels; level++)
		if (f->fill[level])
			ret = flush(f, level);
	for (unsigned level = 0; !ret && level < f->tree.geo.levels; level++)
		if (f->written[level] != f->tree.geo.level_blocks[level])
			ret = VERITY_E_INVAL; /* cannot happen with a consistent geometry */
	if (!ret && !f->have_root)
		ret = VERITY_E_INVAL;
	if (!ret) {
		memcpy(params->root_digest, f->root, f->tree.geo.digest_size);
		params->root_digest_size = f->tree.geo.digest_size;
	}
out:
	verity_free(allocator, f->upper);
	verity_free(allocator, f);
	return ret;
}
