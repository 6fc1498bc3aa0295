/* SPDX-License-Identifier: MIT */
/*
 * FEC parameters and parity encoding (libverity/fec.h). The encoder runs
 * the systematic Reed-Solomon LFSR over whole vectors: a batch of
 * consecutive rounds is encoded together, so each step multiplies and adds
 * batch x block-size bytes by one generator coefficient, and the reads are
 * contiguous runs of blocks (message position j of rounds n0 .. n0 + B - 1
 * are blocks j x rounds + n0 .. + B - 1).
 */
#include <string.h>

#include "verity/fec_internal.h"
#include "verity/util.h"

/* Bytes of each parity vector per batch: a few generator rows stay in L2. */
#define FEC_BATCH_BYTES (64u * 1024u)

static bool reserved_zero(const struct verity_fec_params *fec)
{
	if (fec->reserved0)
		return false;
	for (size_t i = 0; i < sizeof(fec->reserved) / sizeof(fec->reserved[0]); i++)
		if (fec->reserved[i])
			return false;
	return true;
}

uint64_t verity_fec_rounds(const struct verity_fec_params *fec)
{
	uint64_t k;

	if (!fec || fec->roots < VERITY_FEC_MIN_ROOTS || fec->roots > VERITY_FEC_MAX_ROOTS)
		return 0;
	k = VERITY_FEC_RSM - fec->roots;
	return fec->fec_blocks / k + (fec->fec_blocks % k != 0);
}

int verity_fec_check(const struct verity_params *params, const struct verity_fec_params *fec)
{
	struct verity_geometry geo;
	uint64_t tree_blocks, covered, parity_blocks, end;
	int err;

	if (!params || !fec || !reserved_zero(fec))
		return VERITY_E_INVAL;
	if (fec->roots < VERITY_FEC_MIN_ROOTS || fec->roots > VERITY_FEC_MAX_ROOTS)
		return VERITY_E_FEC_BAD_ROOTS;
	err = verity_geometry_init(&geo, params);
	if (err)
		return err;
	if (params->data_block_size != params->hash_block_size)
		return VERITY_E_FEC_BLOCK_SIZES;
	/* The kernel: fec_blocks >= data blocks + the tree past hash_start. */
	tree_blocks = geo.hash_end_block - params->hash_start_block;
	if (verity_add_overflow_u64(params->data_blocks, tree_blocks, &covered))
		return VERITY_E_OVERFLOW;
	if (fec->fec_blocks < covered)
		return VERITY_E_FEC_BAD_BLOCKS;
	if (verity_mul_overflow_u64(verity_fec_rounds(fec), fec->roots, &parity_blocks) ||
	    verity_add_overflow_u64(fec->fec_start, parity_blocks, &end) ||
	    verity_mul_overflow_u64(end, params->data_block_size, &end) ||
	    verity_mul_overflow_u64(fec->fec_blocks, params->data_block_size, &end))
		return VERITY_E_OVERFLOW;
	return 0;
}

int verity_fec_blocks_veritysetup(const struct verity_params *params, bool fec_on_hash_device,
                                  uint64_t hash_device_size, uint64_t fec_offset,
                                  uint64_t *fec_blocks)
{
	uint64_t end;

	if (!params || !fec_blocks || !params->data_block_size)
		return VERITY_E_INVAL;
	/* Separate FEC device: the rest of the hash device; shared: up to the FEC area. */
	end = (fec_on_hash_device ? fec_offset : hash_device_size) / params->data_block_size;
	if (end < params->hash_start_block)
		return VERITY_E_FEC_AREA_OVERLAP;
	if (verity_add_overflow_u64(params->data_blocks, end - params->hash_start_block,
	                            fec_blocks))
		return VERITY_E_OVERFLOW;
	return 0;
}

int verity_fec_read_message(const struct verity_fec_ctx *ctx, uint64_t first, uint64_t count,
                            uint8_t *buf)
{
	const struct verity_params *p = ctx->params;
	uint32_t bs = p->data_block_size;

	while (count) {
		uint64_t run, off;
		const struct verity_bdev *dev;
		int err;

		if (first >= ctx->fec->fec_blocks) {
			memset(buf, 0, (size_t)(count * bs));
			return 0;
		}
		if (first < p->data_blocks) {
			run = p->data_blocks - first;
			dev = ctx->data;
			off = first * bs;
		} else {
			run = ctx->fec->fec_blocks - first;
			dev = ctx->hash;
			off = (p->hash_start_block + (first - p->data_blocks)) * bs;
		}
		if (run > count)
			run = count;
		if (off > dev->size || dev->size - off < run * bs)
			return dev == ctx->data ? VERITY_E_DATA_DEVICE_TOO_SMALL
			                        : VERITY_E_HASH_DEVICE_TOO_SMALL;
		err = verity_bdev_read(dev, off, buf, (size_t)(run * bs));
		if (err)
			return err;
		buf += run * bs;
		first += run;
		count -= run;
	}
	return 0;
}

int verity_fec_read_message_part(const struct verity_fec_ctx *ctx, uint64_t block, uint32_t offset,
                                 uint32_t len, uint8_t *buf)
{
	const struct verity_params *p = ctx->params;
	const struct verity_bdev *dev = ctx->data;
	uint64_t off;

	if (block >= ctx->fec->fec_blocks) {
		memset(buf, 0, len);
		return 0;
	}
	if (block < p->data_blocks) {
		off = block * ctx->bs;
	} else {
		dev = ctx->hash;
		off = (p->hash_start_block + (block - p->data_blocks)) * ctx->bs;
	}
	return verity_bdev_read(dev, off + offset, buf, len);
}

int verity_fec_decode_block(const struct verity_fec_ctx *ctx, const struct verity_bdev *fecdev,
                            uint64_t block, const uint8_t *erasures, uint32_t nerasures,
                            uint32_t stripe, uint8_t *rows, uint8_t *parity, uint8_t *out)
{
	uint32_t roots = ctx->fec->roots, k = ctx->k, target = (uint32_t)(block / ctx->rounds);
	uint64_t round = block % ctx->rounds;
	int err;

	for (uint32_t s0 = 0; s0 < ctx->bs; s0 += stripe) {
		uint32_t len = ctx->bs - s0 < stripe ? ctx->bs - s0 : stripe;
		uint64_t poff = ctx->fec->fec_start * ctx->bs + (round * ctx->bs + s0) * roots;

		for (uint32_t j = 0; j < k; j++) {
			err = verity_fec_read_message_part(ctx, round + (uint64_t)j * ctx->rounds,
			                                   s0, len, rows + (size_t)j * len);
			if (err)
				return err;
		}
		err = verity_bdev_read(fecdev, poff, parity, (size_t)len * roots);
		if (err)
			return err;
		for (uint32_t b = 0; b < len; b++) {
			uint8_t cw[VERITY_FEC_RSM];

			for (uint32_t j = 0; j < k; j++)
				cw[j] = rows[(size_t)j * len + b];
			memcpy(cw + k, parity + (size_t)b * roots, roots);
			err = verity_rs_decode(&ctx->rs, cw, erasures, nerasures);
			if (err < 0)
				return err;
			out[s0 + b] = cw[target];
		}
	}
	return 0;
}

int verity_fec_ctx_init(struct verity_fec_ctx *ctx, const struct verity_params *params,
                        const struct verity_fec_params *fec, const struct verity_bdev *data,
                        const struct verity_bdev *hash)
{
	int err = verity_fec_check(params, fec);

	if (err)
		return err;
	if (!data || !hash)
		return VERITY_E_INVAL;
	memset(ctx, 0, sizeof(*ctx));
	ctx->params = params;
	ctx->fec = fec;
	ctx->data = data;
	ctx->hash = hash;
	ctx->bs = params->data_block_size;
	ctx->k = VERITY_FEC_RSM - fec->roots;
	ctx->rounds = verity_fec_rounds(fec);
	return verity_rs_init(&ctx->rs, fec->roots);
}

/*
 * One message block of every codeword in the batch: the LFSR step of
 * verity_rs_encode() on vectors. vec[(head + i) % roots] is parity byte i.
 */
static void encode_step(const struct verity_rs *rs, const struct verity_gf_vector_ops *ops,
                        uint8_t **vec, unsigned head, const uint8_t *msg, size_t len)
{
	unsigned roots = rs->roots;
	uint8_t *fb = vec[head];

	for (size_t i = 0; i < len; i++)
		fb[i] ^= msg[i];
	for (unsigned i = 1; i < roots; i++)
		ops->mul_add(vec[(head + i) % roots], fb, len, rs->gen[roots - i]);
	ops->mul(fb, len, rs->gen[0]);
}

int verity_fec_encode(const struct verity_params *params, const struct verity_fec_params *fec,
                      const struct verity_bdev *data, const struct verity_bdev *hash,
                      const struct verity_writer *out, const struct verity_tree_options *opts)
{
	const struct verity_allocator *alloc = opts ? opts->allocator : NULL;
	const struct verity_gf_vector_ops *ops = verity_gf_vector();
	struct verity_fec_ctx ctx;
	uint8_t *mem, *msg, *outbuf, *vec[VERITY_FEC_MAX_ROOTS];
	uint64_t batch, n0;
	size_t len;
	int err;

	if (!out || !out->write)
		return VERITY_E_INVAL;
	err = verity_fec_ctx_init(&ctx, params, fec, data, hash);
	if (err)
		return err;
	if (data->size / ctx.bs < params->data_blocks)
		return VERITY_E_DATA_DEVICE_TOO_SMALL;
	batch = ctx.bs >= FEC_BATCH_BYTES ? 1 : FEC_BATCH_BYTES / ctx.bs;
	if (batch > ctx.rounds)
		batch = ctx.rounds;
	len = (size_t)batch * ctx.bs;
	/* message vector, roots parity vectors, and their interleaved output */
	mem = verity_alloc(alloc, len * (1 + 2 * (size_t)fec->roots));
	if (!mem)
		return VERITY_E_NOMEM;
	msg = mem;
	for (unsigned i = 0; i < fec->roots; i++)
		vec[i] = mem + len * (1 + i);
	outbuf = mem + len * (1 + fec->roots);

	for (n0 = 0; n0 < ctx.rounds; n0 += batch) {
		uint64_t nb = ctx.rounds - n0 < batch ? ctx.rounds - n0 : batch;
		size_t vlen = (size_t)nb * ctx.bs;
		unsigned head = 0;

		for (unsigned i = 0; i < fec->roots; i++)
			memset(vec[i], 0, vlen);
		for (uint32_t j = 0; j < ctx.k; j++) {
			err = verity_fec_read_message(&ctx, (uint64_t)j * ctx.rounds + n0, nb, msg);
			if (err)
				goto out;
			encode_step(&ctx.rs, ops, vec, head, msg, vlen);
			head = (head + 1) % fec->roots;
		}
		/* Codeword c's parity is contiguous on disk: transpose. */
		for (unsigned i = 0; i < fec->roots; i++) {
			const uint8_t *v = vec[(head + i) % fec->roots];

			for (size_t c = 0; c < vlen; c++)
				outbuf[c * fec->roots + i] = v[c];
		}
		err = out->write(out->user_data, (fec->fec_start + n0 * fec->roots) * ctx.bs,
		                 outbuf, vlen * fec->roots);
		if (err)
			goto out;
		if (opts && opts->progress)
			opts->progress(opts->progress_user_data, n0 + nb, ctx.rounds);
	}
out:
	verity_free(alloc, mem);
	return err;
}
