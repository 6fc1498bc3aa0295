/* SPDX-License-Identifier: MIT */
/*
 * Full verification. Walking the data in order, each hash block is read
 * once, when first needed, and checked against its parent (already checked)
 * or the root digest, spare area included; the data blocks are then hashed
 * in batches and checked against their leaf digests. The caller's thread
 * walks the hash blocks (prepare); data checks run in jobs on any thread
 * against copies of verified leaf blocks, and results are taken in job
 * order, so the failure reported is the first in walk order.
 */
#include <string.h>

#include "verity/locate.h"
#include "verity/tree.h"

struct verify_ctx {
	struct verity_tree tree;
	const struct verity_bdev *data;
	const struct verity_bdev *hash;
	const struct verity_tree_options *opts;
	uint8_t *upper; /* verified block of levels 1 .. levels - 1 */
	uint64_t upper_index[VERITY_MAX_LEVELS];
	struct verity_verify_result *result;
};

/* Per job: which leaf blocks passed, and the failure if any. */
struct verify_slot {
	int prepare_status;
	uint64_t valid_leaves;
	struct verity_verify_result failure;
};

#define NO_BLOCK UINT64_MAX

static size_t slot_header(void)
{
	return verity_align64(sizeof(struct verify_slot));
}

static uint8_t *slot_leaves(void *slot)
{
	return (uint8_t *)slot + slot_header();
}

static uint8_t *slot_leaf_digests(const struct verity_tree *t, void *slot)
{
	return slot_leaves(slot) +
	       verity_align64((size_t)t->leaves_per_job * t->params->hash_block_size);
}

static void set_failure(struct verity_verify_result *r, int error, uint32_t kind, uint32_t level,
                        uint64_t block, uint64_t position)
{
	memset(r, 0, sizeof(*r));
	r->error = error;
	r->kind = kind;
	r->level = level;
	r->block = block;
	r->position = position;
}

/*
 * Check hash block @index of @level (contents @block, digest @digest)
 * against @expected. Dirty padding wins over a digest mismatch: when both
 * are seen the padding is what changed.
 */
static int check_hash_block(const struct verity_tree *t, unsigned level, uint64_t index,
                            const uint8_t *block, const uint8_t *digest, const uint8_t *expected,
                            struct verity_verify_result *fail)
{
	uint64_t abs_block = t->geo.level_start[level] + index;
	uint64_t position = abs_block * t->params->hash_block_size;
	uint32_t pad;

	if (verity_tree_find_dirty_padding(t, block, verity_tree_children(t, level, index), &pad)) {
		set_failure(fail, VERITY_E_CORRUPT_PADDING, VERITY_BLOCK_HASH, level, abs_block,
		            position + pad);
		return VERITY_E_CORRUPT_PADDING;
	}
	if (memcmp(digest, expected, t->geo.digest_size) != 0) {
		int err =
		    level + 1 == t->geo.levels ? VERITY_E_ROOT_MISMATCH : VERITY_E_CORRUPT_HASH;

		set_failure(fail, err, VERITY_BLOCK_HASH, level, abs_block, position);
		return err;
	}
	return 0;
}

static int load_upper(struct verify_ctx *v, unsigned level, uint64_t index,
                      struct verity_verify_result *fail);

/* The digest the block @index of @level must have: from its parent, or the root. */
static int expected_digest(struct verify_ctx *v, unsigned level, uint64_t index,
                           const uint8_t **expected, struct verity_verify_result *fail)
{
	const struct verity_tree *t = &v->tree;
	struct verity_location parent;
	int ret;

	if (level + 1 == t->geo.levels) {
		*expected = t->params->root_digest;
		return 0;
	}
	verity_locate_child(&t->geo, level + 1, index, &parent);
	ret = load_upper(v, level + 1, parent.index, fail);
	if (ret)
		return ret;
	*expected = v->upper + (size_t)level * t->params->hash_block_size + parent.offset;
	return 0;
}

/* Make block @index of @level (>= 1) the verified pending block of its level. */
static int load_upper(struct verify_ctx *v, unsigned level, uint64_t index,
                      struct verity_verify_result *fail)
{
	const struct verity_tree *t = &v->tree;
	uint32_t hbs = t->params->hash_block_size;
	uint8_t *block = v->upper + (size_t)(level - 1) * hbs;
	uint8_t digest[VERITY_MAX_DIGEST_SIZE];
	const uint8_t *expected;
	uint64_t abs_block = t->geo.level_start[level] + index;
	int ret;

	if (v->upper_index[level] == index)
		return 0;
	ret = expected_digest(v, level, index, &expected, fail);
	if (ret)
		return ret;
	v->upper_index[level] = NO_BLOCK;
	ret = verity_bdev_read(v->hash, abs_block * hbs, block, hbs);
	if (ret) {
		set_failure(fail, ret, VERITY_BLOCK_HASH, level, abs_block, abs_block * hbs);
		return ret;
	}
	ret = verity_hash_blocks(&t->hasher, block, hbs, 1, digest);
	if (!ret)
		ret = check_hash_block(t, level, index, block, digest, expected, fail);
	if (ret)
		return ret;
	v->upper_index[level] = index;
	return 0;
}

/* Read and check the job's leaf blocks (caller's thread, in order). */
static int verify_prepare(void *ctx, uint64_t job, void *slot)
{
	struct verify_ctx *v = ctx;
	const struct verity_tree *t = &v->tree;
	struct verify_slot *s = slot;
	uint32_t hbs = t->params->hash_block_size, ds = t->geo.digest_size;
	uint64_t first_leaf, leaves, first_data, blocks;
	uint8_t *leaf_blocks = slot_leaves(slot), *digests = slot_leaf_digests(t, slot);
	int ret;

	memset(s, 0, sizeof(*s));
	verity_tree_job_range(t, job, &first_leaf, &leaves, &first_data, &blocks);
	if (leaves == 0)
		return 0;
	ret = verity_bdev_read(v->hash, (t->geo.level_start[0] + first_leaf) * hbs, leaf_blocks,
	                       (size_t)leaves * hbs);
	if (ret) {
		uint64_t abs_block = t->geo.level_start[0] + first_leaf;

		set_failure(&s->failure, ret, VERITY_BLOCK_HASH, 0, abs_block, abs_block * hbs);
		return s->prepare_status = ret;
	}
	ret = verity_hash_blocks(&t->hasher, leaf_blocks, hbs, (size_t)leaves, digests);
	if (ret) {
		set_failure(&s->failure, ret, VERITY_BLOCK_NONE, 0, 0, 0);
		return s->prepare_status = ret;
	}
	for (uint64_t i = 0; i < leaves; i++) {
		const uint8_t *expected;

		ret = expected_digest(v, 0, first_leaf + i, &expected, &s->failure);
		if (!ret)
			ret = check_hash_block(t, 0, first_leaf + i, leaf_blocks + i * hbs,
			                       digests + i * ds, expected, &s->failure);
		if (ret)
			return s->prepare_status = ret;
		s->valid_leaves++;
	}
	return 0;
}

/* Check the data blocks under the job's verified leaf blocks (any thread). */
static int verify_run(void *ctx, uint64_t job, void *slot, void *scratch)
{
	struct verify_ctx *v = ctx;
	const struct verity_tree *t = &v->tree;
	struct verify_slot *s = slot;
	uint32_t dbs = t->params->data_block_size, ds = t->geo.digest_size;
	uint32_t hbs = t->params->hash_block_size;
	uint64_t first_leaf, leaves, first_data, blocks;
	const uint8_t *leaf_blocks = slot_leaves(slot);
	uint8_t *buf = scratch;
	uint8_t *digests = verity_tree_scratch_digests(t, buf);

	verity_tree_job_range(t, job, &first_leaf, &leaves, &first_data, &blocks);
	if (t->geo.levels > 0 && blocks > s->valid_leaves * t->data_per_leaf)
		blocks = s->valid_leaves * t->data_per_leaf;
	for (uint64_t done = 0; done < blocks;) {
		uint64_t n = blocks - done;
		const uint8_t *src;
		int ret;

		if (n > t->extent_blocks)
			n = t->extent_blocks;
		/* Hashed in place when the device maps: the verdict is on the bytes hashed. */
		src = verity_tree_get_extent(t, v->data, first_data + done, n, buf, &ret);
		if (!src) {
			set_failure(&s->failure, ret, VERITY_BLOCK_DATA, 0, first_data + done,
			            (first_data + done) * dbs);
			return ret;
		}
		ret = verity_hash_blocks(&t->hasher, src, dbs, (size_t)n, digests);
		verity_tree_put_extent(t, v->data, src, buf, first_data + done, n);
		if (ret) {
			set_failure(&s->failure, ret, VERITY_BLOCK_NONE, 0, 0, 0);
			return ret;
		}
		for (uint64_t i = 0; i < n; i++) {
			uint64_t rel = done + i;
			const uint8_t *expected;
			int err = VERITY_E_CORRUPT_DATA;

			if (t->geo.levels == 0) {
				expected = t->params->root_digest;
				err = VERITY_E_ROOT_MISMATCH;
			} else {
				struct verity_location leaf;

				verity_locate_child(&t->geo, 0, first_data + rel, &leaf);
				expected =
				    leaf_blocks + (leaf.index - first_leaf) * hbs + leaf.offset;
			}
			if (memcmp(digests + i * ds, expected, ds) != 0) {
				set_failure(&s->failure, err, VERITY_BLOCK_DATA, 0,
				            first_data + rel, (first_data + rel) * dbs);
				return err;
			}
		}
		done += n;
	}
	return s->prepare_status;
}

static int verify_finish(void *ctx, uint64_t job, void *slot, int status)
{
	struct verify_ctx *v = ctx;
	const struct verity_tree *t = &v->tree;
	struct verify_slot *s = slot;
	uint64_t first_leaf, leaves, first_data, blocks;

	if (status) {
		*v->result = s->failure;
		v->result->error = status;
		return status;
	}
	verity_tree_job_range(t, job, &first_leaf, &leaves, &first_data, &blocks);
	if (v->opts && v->opts->progress)
		v->opts->progress(v->opts->progress_user_data,
		                  (first_data + blocks) * t->params->data_block_size,
		                  t->params->data_blocks * t->params->data_block_size);
	return 0;
}

int verity_verify(const struct verity_params *params, const struct verity_bdev *data,
                  const struct verity_bdev *hash, const struct verity_tree_options *opts,
                  struct verity_verify_result *result)
{
	const struct verity_allocator *allocator = opts ? opts->allocator : NULL;
	struct verity_verify_result local;
	struct verify_ctx *v;
	struct verity_jobs jobs;
	size_t slot_bytes;
	int ret;

	if (!result)
		result = &local;
	memset(result, 0, sizeof(*result));
	if (!params || !data || !hash)
		return result->error = VERITY_E_INVAL;
	v = verity_alloc(allocator, sizeof(*v));
	if (!v)
		return result->error = VERITY_E_NOMEM;
	memset(v, 0, sizeof(*v));
	ret = verity_tree_setup(&v->tree, params, opts);
	if (ret)
		goto out;
	if (params->root_digest_size != v->tree.geo.digest_size) {
		ret = VERITY_E_BAD_ROOT_DIGEST;
		goto out;
	}
	if (data->size / params->data_block_size < params->data_blocks) {
		ret = VERITY_E_DATA_DEVICE_TOO_SMALL;
		goto out;
	}
	/* With one data block there is no tree to read, and no hash device needed. */
	if (v->tree.geo.levels > 0 &&
	    hash->size / params->hash_block_size < v->tree.geo.hash_end_block) {
		ret = VERITY_E_HASH_DEVICE_TOO_SMALL;
		goto out;
	}
	v->data = data;
	v->hash = hash;
	v->opts = opts;
	v->result = result;
	for (unsigned i = 0; i < VERITY_MAX_LEVELS; i++)
		v->upper_index[i] = NO_BLOCK;
	if (v->tree.geo.levels > 1) {
		v->upper = verity_alloc(allocator,
		                        (size_t)(v->tree.geo.levels - 1) * params->hash_block_size);
		if (!v->upper) {
			ret = VERITY_E_NOMEM;
			goto out;
		}
	}

	slot_bytes = slot_header() +
	             verity_align64((size_t)v->tree.leaves_per_job * params->hash_block_size) +
	             (size_t)v->tree.leaves_per_job * v->tree.geo.digest_size;
	jobs = (struct verity_jobs){
	    .ctx = v,
	    .count = v->tree.jobs,
	    .slot_size = slot_bytes,
	    .scratch_size = verity_tree_scratch_size(&v->tree),
	    .prepare = verify_prepare,
	    .run = verify_run,
	    .finish = verify_finish,
	};
	ret = verity_run_jobs(&jobs, v->tree.threads, allocator);
out:
	if (ret && result->error == 0) {
		memset(result, 0, sizeof(*result));
		result->error = ret;
	}
	verity_free(allocator, v->upper);
	verity_free(allocator, v);
	return ret;
}

int verity_check_overlap(const struct verity_params *params, uint64_t hash_area_offset)
{
	struct verity_geometry geo;
	uint64_t data_end, hash_end;
	int ret;

	ret = verity_geometry_init(&geo, params);
	if (ret)
		return ret;
	data_end = params->data_blocks * params->data_block_size; /* checked by the geometry */
	hash_end = geo.hash_end_block * params->hash_block_size;
	if (hash_area_offset < data_end && hash_end > hash_area_offset)
		return VERITY_E_AREA_OVERLAP;
	return 0;
}
