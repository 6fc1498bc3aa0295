/* SPDX-License-Identifier: MIT */
/*
 * Private to format.c and verify.c: the tree geometry with hashing state,
 * how the data is cut into jobs, and the job runner that spreads jobs over
 * threads (verify_threads.c) or runs them in the caller's thread (jobs.c).
 */
#ifndef VERITY_TREE_H
#define VERITY_TREE_H

#include "verity/hash.h"
#include "verity/util.h"

/*
 * A job is a run of consecutive leaf hash blocks together with the data
 * blocks they cover (with no hash levels: the single data block). Jobs are
 * the unit handed to threads; reads inside a job go in extents.
 */
struct verity_tree {
	const struct verity_params *params;
	struct verity_geometry geo;
	struct verity_hasher hasher;
	uint32_t hash_per_block; /* digests per hash block */
	uint32_t stride;         /* bytes between digests in a hash block */
	uint32_t leaves_per_job; /* leaf hash blocks per job (1 if no levels) */
	uint32_t extent_blocks;  /* data blocks per read */
	uint64_t data_per_leaf;  /* data blocks per leaf hash block */
	uint64_t jobs;           /* number of jobs */
	unsigned threads;        /* 0: every CPU */
	bool map_extents;        /* hash in place from mappings (one thread only) */
	const struct verity_allocator *allocator;
};

/*
 * Check parameters and options, compute the geometry and the job layout.
 * Return: 0, VERITY_E_INVAL or a verity_geometry_init() error.
 */
int verity_tree_setup(struct verity_tree *tree, const struct verity_params *params,
                      const struct verity_tree_options *opts);

/* Digests held by hash block @index of @level (the last block of a level holds fewer). */
uint64_t verity_tree_children(const struct verity_tree *tree, unsigned level, uint64_t index);

/* Job @job covers leaf blocks [*first_leaf, +*leaves) and data blocks [*first_data, +*blocks). */
void verity_tree_job_range(const struct verity_tree *tree, uint64_t job, uint64_t *first_leaf,
                           uint64_t *leaves, uint64_t *first_data, uint64_t *blocks);

/*
 * Offset in @block (a hash block of @level holding @used digests) of the
 * first spare area that is not all zeros, as veritysetup reports it: the
 * unused tail of a digest slot (version 1) or the tail after the last
 * digest. Return: true and *offset set if one is found.
 */
bool verity_tree_find_dirty_padding(const struct verity_tree *tree, const uint8_t *block,
                                    uint64_t used, uint32_t *offset);

/*
 * The @n (<= extent_blocks) data blocks from @first, for hashing: in place
 * when the pass runs on one thread and @data maps that range, else read into
 * @buf (the scratch). Return: the
 * bytes, or NULL with *err set when the read fails. Hand them back with
 * verity_tree_put_extent() and the same arguments.
 */
const uint8_t *verity_tree_get_extent(const struct verity_tree *tree,
                                      const struct verity_bdev *data, uint64_t first, uint64_t n,
                                      uint8_t *buf, int *err);
void verity_tree_put_extent(const struct verity_tree *tree, const struct verity_bdev *data,
                            const uint8_t *bytes, const uint8_t *buf, uint64_t first, uint64_t n);

/*
 * Jobs 0 .. count - 1 run as prepare (the caller's thread, in order), run
 * (any thread) and finish (the caller's thread, in order). A negative
 * prepare return stops preparing later jobs; the job itself still runs and
 * finishes. A nonzero finish return stops everything: jobs not yet run are
 * dropped and that value is returned.
 */
struct verity_jobs {
	void *ctx;
	uint64_t count;
	size_t slot_size;    /* per-job memory, handed to all three calls */
	size_t scratch_size; /* per-thread memory, handed to run */
	int (*prepare)(void *ctx, uint64_t job, void *slot);
	int (*run)(void *ctx, uint64_t job, void *slot, void *scratch);
	int (*finish)(void *ctx, uint64_t job, void *slot, int status);
};

/* Return: 0, the first nonzero finish return, VERITY_E_NOMEM. */
int verity_run_jobs(const struct verity_jobs *jobs, unsigned threads,
                    const struct verity_allocator *allocator);

/* The jobs one after the other on the caller's thread. */
int verity_run_jobs_sequential(const struct verity_jobs *jobs,
                               const struct verity_allocator *allocator);

/*
 * From the platform file linked in: verify_threads.c (hosted: threads) or
 * platform_none.c (freestanding: one CPU, the jobs run in sequence).
 */
int verity_run_jobs_threaded(const struct verity_jobs *jobs, unsigned threads,
                             const struct verity_allocator *allocator);
/* Online CPUs usable by this process, at least 1. */
unsigned verity_online_cpus(void);

/* Round @n up to a multiple of 64, so that regions carved out of one allocation stay aligned. */
static inline size_t verity_align64(size_t n)
{
	return (n + 63) & ~(size_t)63;
}

/* Per-thread scratch of format and verify: one data extent, then its digests. */
static inline size_t verity_tree_scratch_size(const struct verity_tree *tree)
{
	return verity_align64((size_t)tree->extent_blocks * tree->params->data_block_size) +
	       (size_t)tree->extent_blocks * tree->geo.digest_size;
}

static inline uint8_t *verity_tree_scratch_digests(const struct verity_tree *tree, uint8_t *scratch)
{
	return scratch +
	       verity_align64((size_t)tree->extent_blocks * tree->params->data_block_size);
}

#endif /* VERITY_TREE_H */
