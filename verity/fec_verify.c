/* SPDX-License-Identifier: MIT */
/*
 * Verification with correction (verity_fec_verify()). The tree is walked
 * top-down with one verified block per level kept; a block that fails its
 * digest is rebuilt from its round as the kernel does: errors-only first,
 * then with the round's blocks that fail their own digests as erasures.
 * Only the target block's bytes are kept from a decode, and only if they
 * then match the digest above them, which was itself verified up to the
 * root digest. Decoding goes in stripes of a few KiB of each block, so
 * memory does not depend on the block size times 255.
 */
#include <string.h>

#include "verity/fec_internal.h"
#include "verity/hash.h"
#include "verity/util.h"

#define NO_BLOCK     UINT64_MAX
#define STRIPE_BYTES 4096u /* bytes of each of the k blocks decoded at once */
#define DATA_BATCH   64u   /* data blocks read and hashed together */

enum check { CHECK_GOOD, CHECK_BAD, CHECK_UNKNOWN };

struct fec_verify {
	struct verity_fec_ctx fc;
	const struct verity_bdev *fecdev;
	struct verity_geometry geo;
	struct verity_hasher hasher;
	uint32_t bs, ds, stride, stripe;
	uint64_t mask;
	uint8_t *cache; /* levels blocks: the verified block of each level */
	uint64_t cache_index[VERITY_MAX_LEVELS];
	uint8_t *plain;  /* levels blocks: unverified path, for erasure checks */
	uint8_t *probe;  /* one block: a block checked for erasure */
	uint8_t *fixed;  /* one block: the decoded target block */
	uint8_t *rows;   /* k x stripe: the round's bytes of one stripe */
	uint8_t *parity; /* stripe x roots */
	uint8_t *check;  /* stripe x roots: the parity recomputed */
	uint8_t *batch;  /* DATA_BATCH data blocks */
	uint8_t *digests;
	uint8_t erasures[VERITY_FEC_MAX_ROOTS];
	struct verity_fec_verify_result *res;
	verity_fec_corrected_fn corrected;
	void *user_data;
};

static int digest_of(const struct fec_verify *v, const uint8_t *block, uint8_t *digest)
{
	return verity_hash_blocks(&v->hasher, block, v->bs, 1, digest);
}

static bool matches(const struct fec_verify *v, const uint8_t *block, const uint8_t *want)
{
	uint8_t digest[VERITY_MAX_DIGEST_SIZE];

	return digest_of(v, block, digest) == 0 && memcmp(digest, want, v->ds) == 0;
}

/* Message block of a tree block, and back. */
static uint64_t hash_message_block(const struct fec_verify *v, unsigned level, uint64_t index)
{
	return v->fc.params->data_blocks + v->geo.level_start[level] + index -
	       v->fc.params->hash_start_block;
}

/* Which tree level holds message block @m (past the data); false for none. */
static bool tree_position(const struct fec_verify *v, uint64_t m, unsigned *level, uint64_t *index)
{
	uint64_t hb = v->fc.params->hash_start_block + (m - v->fc.params->data_blocks);

	for (unsigned l = 0; l < v->geo.levels; l++) {
		if (hb >= v->geo.level_start[l] &&
		    hb - v->geo.level_start[l] < v->geo.level_blocks[l]) {
			*level = l;
			*index = hb - v->geo.level_start[l];
			return true;
		}
	}
	return false;
}

/*
 * The block of @level at @index checked without correction, for erasure
 * detection: from the verified cache, or read and checked against an
 * unverified-but-matching path. NULL when it cannot be checked or fails.
 */
static const uint8_t *plain_hash_block(struct fec_verify *v, unsigned level, uint64_t index)
{
	const uint8_t *want = v->fc.params->root_digest;
	uint8_t digest[VERITY_MAX_DIGEST_SIZE];
	uint8_t *buf = v->plain + (size_t)level * v->bs;

	if (v->cache_index[level] == index)
		return v->cache + (size_t)level * v->bs;
	if (level + 1 < v->geo.levels) {
		const uint8_t *parent =
		    plain_hash_block(v, level + 1, index >> v->geo.hash_per_block_bits);

		if (!parent)
			return NULL;
		memcpy(digest, parent + (index & v->mask) * v->stride, v->ds);
		want = digest;
	}
	if (verity_bdev_read(v->fc.hash, (v->geo.level_start[level] + index) * v->bs, buf, v->bs))
		return NULL;
	return matches(v, buf, want) ? buf : NULL;
}

/* Whether message block @m fails its digest (CHECK_UNKNOWN when its path cannot be checked). */
static enum check plain_check(struct fec_verify *v, uint64_t m)
{
	const struct verity_params *p = v->fc.params;
	uint8_t want[VERITY_MAX_DIGEST_SIZE];
	unsigned level;
	uint64_t index, off;
	const struct verity_bdev *dev = v->fc.hash;

	if (m < p->data_blocks) {
		if (v->geo.levels == 0) {
			memcpy(want, p->root_digest, v->ds);
		} else {
			const uint8_t *leaf =
			    plain_hash_block(v, 0, m >> v->geo.hash_per_block_bits);

			if (!leaf)
				return CHECK_UNKNOWN;
			memcpy(want, leaf + (m & v->mask) * v->stride, v->ds);
		}
		dev = v->fc.data;
		off = m * v->bs;
	} else {
		if (!tree_position(v, m, &level, &index))
			return CHECK_UNKNOWN; /* past the tree: nothing to check it against */
		if (level + 1 == v->geo.levels) {
			memcpy(want, p->root_digest, v->ds);
		} else {
			const uint8_t *parent =
			    plain_hash_block(v, level + 1, index >> v->geo.hash_per_block_bits);

			if (!parent)
				return CHECK_UNKNOWN;
			memcpy(want, parent + (index & v->mask) * v->stride, v->ds);
		}
		off = (v->geo.level_start[level] + index) * v->bs;
	}
	if (verity_bdev_read(dev, off, v->probe, v->bs))
		return CHECK_BAD; /* unreadable blocks are erasures too */
	return matches(v, v->probe, want) ? CHECK_GOOD : CHECK_BAD;
}

/*
 * Decode the round of message block @m into v->fixed (that block only).
 * With @use_erasures, the target and the round's blocks that fail their
 * digests (at most roots of them) are given to the decoder as erasures.
 */
static int decode_block(struct fec_verify *v, uint64_t m, bool use_erasures)
{
	const struct verity_fec_ctx *fc = &v->fc;
	uint32_t roots = fc->fec->roots, k = fc->k, target = (uint32_t)(m / fc->rounds);
	uint64_t round = m % fc->rounds;
	uint32_t neras = 0;

	if (use_erasures) {
		v->erasures[neras++] = (uint8_t)target;
		for (uint32_t j = 0; j < k && neras < roots; j++) {
			uint64_t mj = round + (uint64_t)j * fc->rounds;

			if (j != target && mj < fc->fec->fec_blocks &&
			    plain_check(v, mj) == CHECK_BAD)
				v->erasures[neras++] = (uint8_t)j;
		}
	}
	return verity_fec_decode_block(fc, v->fecdev, m, v->erasures, neras, v->stripe, v->rows,
	                               v->parity, v->check, v->fixed);
}

/*
 * @block (as read) failed @want: correct it in place or say why not.
 * @fail is the corruption code to return when FEC cannot help.
 */
static int correct(struct fec_verify *v, uint64_t m, const uint8_t *want, uint8_t *block,
                   uint32_t kind, unsigned level, uint64_t index, uint64_t offset, int fail)
{
	struct verity_fec_block info;
	uint32_t changed = 0;
	int err = VERITY_E_FEC_UNCORRECTABLE;

	for (int pass = 0; pass < 2 && err; pass++) {
		err = decode_block(v, m, pass == 1);
		if (err == VERITY_E_FEC_UNCORRECTABLE)
			continue;
		if (err)
			return err; /* I/O */
		if (!matches(v, v->fixed, want))
			err = VERITY_E_FEC_NOT_VERIFIED;
	}
	if (err) {
		v->res->kind = kind;
		v->res->level = level;
		v->res->block = index;
		v->res->position = offset;
		return fail;
	}
	for (uint32_t i = 0; i < v->bs; i++)
		changed += block[i] != v->fixed[i];
	memcpy(block, v->fixed, v->bs);
	v->res->corrected_blocks++;
	v->res->corrected_bytes += changed;
	if (!v->corrected)
		return 0;
	info = (struct verity_fec_block){.kind = kind,
	                                 .level = level,
	                                 .block = index,
	                                 .offset = offset,
	                                 .bytes = block,
	                                 .changed = changed};
	return v->corrected(v->user_data, &info);
}

/* The verified (or corrected) hash block of @level at @index, kept in the cache. */
static int verified_hash_block(struct fec_verify *v, unsigned level, uint64_t index,
                               const uint8_t **out)
{
	uint8_t want[VERITY_MAX_DIGEST_SIZE];
	uint8_t *buf = v->cache + (size_t)level * v->bs;
	uint64_t block = v->geo.level_start[level] + index;
	bool top = level + 1 == v->geo.levels;
	int err;

	if (v->cache_index[level] == index) {
		*out = buf;
		return 0;
	}
	if (top) {
		memcpy(want, v->fc.params->root_digest, v->ds);
	} else {
		const uint8_t *parent;

		err =
		    verified_hash_block(v, level + 1, index >> v->geo.hash_per_block_bits, &parent);
		if (err)
			return err;
		memcpy(want, parent + (index & v->mask) * v->stride, v->ds);
	}
	v->cache_index[level] = NO_BLOCK;
	err = verity_bdev_read(v->fc.hash, block * v->bs, buf, v->bs);
	if (err == VERITY_E_RANGE)
		return VERITY_E_HASH_DEVICE_TOO_SMALL;
	if (err)
		return err;
	if (!matches(v, buf, want)) {
		err = correct(v, hash_message_block(v, level, index), want, buf, VERITY_BLOCK_HASH,
		              level, block, block * v->bs,
		              top ? VERITY_E_ROOT_MISMATCH : VERITY_E_CORRUPT_HASH);
		if (err)
			return err;
	}
	v->cache_index[level] = index;
	*out = buf;
	return 0;
}

static int check_data(struct fec_verify *v)
{
	const struct verity_params *p = v->fc.params;

	for (uint64_t first = 0; first < p->data_blocks; first += DATA_BATCH) {
		uint64_t n =
		    p->data_blocks - first < DATA_BATCH ? p->data_blocks - first : DATA_BATCH;
		int err =
		    verity_bdev_read(v->fc.data, first * v->bs, v->batch, (size_t)(n * v->bs));

		if (err)
			return err == VERITY_E_RANGE ? VERITY_E_DATA_DEVICE_TOO_SMALL : err;
		err = verity_hash_blocks(&v->hasher, v->batch, v->bs, (size_t)n, v->digests);
		if (err)
			return err;
		for (uint64_t i = 0; i < n; i++) {
			uint64_t d = first + i;
			const uint8_t *want = p->root_digest;
			uint8_t slot[VERITY_MAX_DIGEST_SIZE];

			if (v->geo.levels) {
				const uint8_t *leaf;

				err = verified_hash_block(v, 0, d >> v->geo.hash_per_block_bits,
				                          &leaf);
				if (err)
					return err;
				memcpy(slot, leaf + (d & v->mask) * v->stride, v->ds);
				want = slot;
			}
			if (memcmp(v->digests + i * v->ds, want, v->ds) == 0)
				continue;
			err = correct(
			    v, d, want, v->batch + i * v->bs, VERITY_BLOCK_DATA, 0, d, d * v->bs,
			    v->geo.levels ? VERITY_E_CORRUPT_DATA : VERITY_E_ROOT_MISMATCH);
			if (err)
				return err;
		}
	}
	return 0;
}

int verity_fec_verify(const struct verity_params *params, const struct verity_fec_params *fec,
                      const struct verity_bdev *data, const struct verity_bdev *hash,
                      const struct verity_bdev *fecdev, const struct verity_tree_options *opts,
                      verity_fec_corrected_fn corrected, void *user_data,
                      struct verity_fec_verify_result *result)
{
	const struct verity_allocator *alloc = opts ? opts->allocator : NULL;
	struct verity_fec_verify_result local;
	struct fec_verify v;
	uint64_t end;
	size_t size;
	uint8_t *mem;
	int err;

	if (!result)
		result = &local;
	memset(result, 0, sizeof(*result));
	memset(&v, 0, sizeof(v));
	err = fecdev ? verity_fec_ctx_init(&v.fc, params, fec, data, hash) : VERITY_E_INVAL;
	if (!err)
		err = verity_geometry_init(&v.geo, params);
	if (!err)
		err = verity_hasher_init(&v.hasher, params);
	if (!err && params->root_digest_size != v.geo.digest_size)
		err = VERITY_E_BAD_ROOT_DIGEST;
	if (err)
		goto out;
	end = (fec->fec_start + v.fc.rounds * fec->roots) * v.fc.bs; /* fits: verity_fec_check() */
	if (fecdev->size < end) {
		err = VERITY_E_FEC_DEVICE_TOO_SMALL;
		goto out;
	}
	v.fecdev = fecdev;
	v.bs = v.fc.bs;
	v.ds = v.geo.digest_size;
	v.stride = v.geo.digest_slot_size;
	v.mask = ((uint64_t)1 << v.geo.hash_per_block_bits) - 1;
	v.stripe = v.bs < STRIPE_BYTES ? v.bs : STRIPE_BYTES;
	v.res = result;
	v.corrected = corrected;
	v.user_data = user_data;
	for (unsigned l = 0; l < VERITY_MAX_LEVELS; l++)
		v.cache_index[l] = NO_BLOCK;

	size = (size_t)v.bs * (2 * (size_t)v.geo.levels + 2 + DATA_BATCH) +
	       (size_t)v.stripe * (v.fc.k + 2 * (size_t)fec->roots) + (size_t)DATA_BATCH * v.ds;
	mem = verity_alloc(alloc, size);
	if (!mem) {
		err = VERITY_E_NOMEM;
		goto out;
	}
	v.cache = mem;
	v.plain = v.cache + (size_t)v.bs * v.geo.levels;
	v.probe = v.plain + (size_t)v.bs * v.geo.levels;
	v.fixed = v.probe + v.bs;
	v.batch = v.fixed + v.bs;
	v.rows = v.batch + (size_t)v.bs * DATA_BATCH;
	v.parity = v.rows + (size_t)v.stripe * v.fc.k;
	v.check = v.parity + (size_t)v.stripe * fec->roots;
	v.digests = v.check + (size_t)v.stripe * fec->roots;
	/* Data in order reaches every hash block once, after its parents. */
	err = check_data(&v);
	/* Best effort: a codeword past errors-only decoding leaves the count at 0. */
	if (!err && result->corrected_blocks &&
	    verity_fec_count_errors(&v.fc, fecdev, v.stripe, v.rows, v.parity, v.check,
	                            &result->symbol_errors))
		result->symbol_errors = 0;
	verity_free(alloc, mem);
out:
	result->error = err;
	if (!err || result->kind == VERITY_BLOCK_NONE) {
		result->kind = VERITY_BLOCK_NONE;
		result->level = 0;
		result->block = result->position = 0;
	}
	return err;
}
