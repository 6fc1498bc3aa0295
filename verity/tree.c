/* SPDX-License-Identifier: MIT */
/* Job layout and the single-threaded job runner shared by format and verify. */
#include <string.h>

#include "verity/tree.h"

/* Data per job, so that threads get work in pieces worth a hand-over. */
#define JOB_DATA_BYTES (1024u * 1024u)
/* Leaf blocks per job stay within this, whatever the block sizes. */
#define JOB_LEAF_BYTES (256u * 1024u)
#define DEFAULT_EXTENT (256u * 1024u)
/* Extent of a pass on one thread, which maps: a job's data. */
#define MAPPED_EXTENT JOB_DATA_BYTES
/* With many threads the default extents share this, down to MIN_SHARED_EXTENT each. */
#define SHARED_EXTENTS    (1024u * 1024u)
#define MIN_SHARED_EXTENT (64u * 1024u)
/* Upper bound on one read, also on 32-bit hosts. */
#define MAX_EXTENT (64u * 1024u * 1024u)

int verity_tree_setup(struct verity_tree *tree, const struct verity_params *params,
                      const struct verity_tree_options *opts)
{
	uint64_t extent, per_leaf_bytes, leaves;
	unsigned threads;
	int ret;

	if (!tree || !params)
		return VERITY_E_INVAL;
	if (opts) {
		for (size_t i = 0; i < sizeof(opts->reserved) / sizeof(opts->reserved[0]); i++)
			if (opts->reserved[i])
				return VERITY_E_INVAL;
	}
	memset(tree, 0, sizeof(*tree));
	ret = verity_geometry_init(&tree->geo, params);
	if (ret)
		return ret;
	ret = verity_hasher_init(&tree->hasher, params);
	if (ret)
		return ret;
	tree->params = params;
	tree->hash_per_block = (uint32_t)1 << tree->geo.hash_per_block_bits;
	tree->stride = tree->geo.digest_slot_size;
	tree->data_per_leaf = tree->hash_per_block;
	tree->threads = opts ? opts->threads : 0;
	tree->allocator = opts ? opts->allocator : NULL;

	threads = tree->threads ? tree->threads : verity_online_cpus();
	if (tree->geo.levels == 0) {
		tree->leaves_per_job = 1;
		tree->jobs = 1;
	} else {
		per_leaf_bytes = (uint64_t)tree->hash_per_block * params->data_block_size;
		leaves = JOB_DATA_BYTES / per_leaf_bytes;
		if (leaves > JOB_LEAF_BYTES / params->hash_block_size)
			leaves = JOB_LEAF_BYTES / params->hash_block_size;
		if (leaves == 0)
			leaves = 1;
		if (leaves > tree->geo.level_blocks[0])
			leaves = tree->geo.level_blocks[0];
		tree->leaves_per_job = (uint32_t)leaves;
		tree->jobs = (tree->geo.level_blocks[0] - 1) / leaves + 1;
	}
	/*
	 * Mapping saves a copy, but every unmap in a process with several
	 * threads running shoots down the TLBs of the other cores (IPIs) and
	 * the mappings serialise on the address-space lock: with 2 threads,
	 * reads into the scratch measured 1.28x faster than mappings, with
	 * one thread mappings 1.08x faster than reads. A device that maps in
	 * place (no unmap: memory, or a file the caller mapped whole) costs
	 * nothing to map on any number of threads.
	 */
	tree->map_extents = threads <= 1 || tree->jobs <= 1;

	if (opts && opts->extent_size) {
		extent = opts->extent_size;
	} else if (tree->map_extents) {
		/* Fewer map/unmap calls (3% less CPU than 256 KiB), resident set still small. */
		extent = MAPPED_EXTENT;
	} else {
		/* Keep the buffers of all threads within about 1 MiB. */
		extent = DEFAULT_EXTENT;
		if (threads > SHARED_EXTENTS / DEFAULT_EXTENT)
			extent = SHARED_EXTENTS / threads > MIN_SHARED_EXTENT
			             ? SHARED_EXTENTS / threads
			             : MIN_SHARED_EXTENT;
	}
	if (extent > MAX_EXTENT)
		extent = MAX_EXTENT;
	extent /= params->data_block_size;
	if (extent == 0)
		extent = 1;
	if (extent > params->data_blocks)
		extent = params->data_blocks;
	tree->extent_blocks = (uint32_t)extent;
	return 0;
}

/*
 * Extents, not whole jobs, are mapped: mapped pages count in the resident
 * set, and extents keep all threads within the same bound as the buffers.
 */
const uint8_t *verity_tree_get_extent(const struct verity_tree *tree,
                                      const struct verity_bdev *data, uint64_t first, uint64_t n,
                                      uint8_t *buf, int *err)
{
	uint32_t dbs = tree->params->data_block_size;
	const uint8_t *mapped = tree->map_extents || verity_bdev_maps_in_place(data)
	                            ? verity_bdev_map(data, first * dbs, (size_t)n * dbs)
	                            : NULL;

	if (mapped)
		return mapped;
	*err = verity_bdev_read(data, first * dbs, buf, (size_t)n * dbs);
	return *err ? NULL : buf;
}

void verity_tree_put_extent(const struct verity_tree *tree, const struct verity_bdev *data,
                            const uint8_t *bytes, const uint8_t *buf, uint64_t first, uint64_t n)
{
	uint32_t dbs = tree->params->data_block_size;

	if (bytes != buf)
		verity_bdev_unmap(data, bytes, first * dbs, (size_t)n * dbs);
}

uint64_t verity_tree_children(const struct verity_tree *tree, unsigned level, uint64_t index)
{
	uint64_t total = level == 0 ? tree->params->data_blocks : tree->geo.level_blocks[level - 1];
	uint64_t first = index << tree->geo.hash_per_block_bits;
	uint64_t left = total - first;

	return left < tree->hash_per_block ? left : tree->hash_per_block;
}

void verity_tree_job_range(const struct verity_tree *tree, uint64_t job, uint64_t *first_leaf,
                           uint64_t *leaves, uint64_t *first_data, uint64_t *blocks)
{
	uint64_t data_blocks = tree->params->data_blocks;

	if (tree->geo.levels == 0) {
		*first_leaf = 0;
		*leaves = 0;
		*first_data = 0;
		*blocks = 1;
		return;
	}
	*first_leaf = job * tree->leaves_per_job;
	*leaves = tree->geo.level_blocks[0] - *first_leaf;
	if (*leaves > tree->leaves_per_job)
		*leaves = tree->leaves_per_job;
	*first_data = *first_leaf * tree->data_per_leaf;
	*blocks = data_blocks - *first_data;
	if (*blocks > *leaves * tree->data_per_leaf)
		*blocks = *leaves * tree->data_per_leaf;
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

bool verity_tree_find_dirty_padding(const struct verity_tree *tree, const uint8_t *block,
                                    uint64_t used, uint32_t *offset)
{
	uint32_t ds = tree->geo.digest_size, stride = tree->stride;
	uint32_t tail = (uint32_t)used * stride;

	if (stride > ds) {
		for (uint32_t k = 0; k < used; k++) {
			uint32_t spare = k * stride + ds;

			if (!all_zero(block + spare, stride - ds)) {
				*offset = spare;
				return true;
			}
		}
	}
	if (!all_zero(block + tail, tree->params->hash_block_size - tail)) {
		*offset = tail;
		return true;
	}
	return false;
}

int verity_run_jobs_sequential(const struct verity_jobs *jobs,
                               const struct verity_allocator *allocator)
{
	size_t slot_bytes = verity_align64(jobs->slot_size);
	uint8_t *mem = verity_alloc(allocator, slot_bytes + jobs->scratch_size);
	int ret = 0;

	if (!mem)
		return VERITY_E_NOMEM;
	for (uint64_t job = 0; job < jobs->count; job++) {
		int prepared = jobs->prepare ? jobs->prepare(jobs->ctx, job, mem) : 0;
		int status = jobs->run(jobs->ctx, job, mem, mem + slot_bytes);

		ret = jobs->finish(jobs->ctx, job, mem, status);
		if (ret == 0 && prepared < 0)
			ret = prepared;
		if (ret)
			break;
	}
	verity_free(allocator, mem);
	return ret;
}

int verity_run_jobs(const struct verity_jobs *jobs, unsigned threads,
                    const struct verity_allocator *allocator)
{
	if (threads == 0)
		threads = verity_online_cpus();
	if (threads > jobs->count)
		threads = (unsigned)jobs->count;
	if (threads > 1)
		return verity_run_jobs_threaded(jobs, threads, allocator);
	return verity_run_jobs_sequential(jobs, allocator);
}
