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
#include "verity/tree.h"
#include "verity/util.h"

/*
 * Bytes of the message and parity vectors of one batch: they stay in L2,
 * while each message read is long enough that a read per block column of
 * the batch costs little.
 */
#define FEC_BATCH_BYTES (1024u * 1024u)
#define FEC_MIN_JOBS    8u
/* Rows the register-resident encoder copies in lockstep (copy_rows()). */
#define FEC_COPY_ROWS 16u
/*
 * Up to this many roots the step encoder's long reads into one reused row
 * buffer beat the register-resident encoder, whose k fresh rows a job cost
 * more in cache than its faster arithmetic saves (format of 512 MiB, CPU
 * time: roots 2 and 4 about 4% less by steps, roots 8 12% more).
 */
#define FEC_STEP_ROOTS 4u

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

/*
 * The parity the encoder gives for a loaded stripe: interleaved like the
 * parity on disk (codeword b's bytes at bytes + b roots) when the vector
 * operations encode whole columns, else in the step encoder's rows, parity
 * byte i of codeword b at vec[(head + i) % roots][b].
 */
struct stripe_check {
	const uint8_t *bytes; /* interleaved, or NULL */
	uint8_t *vec[VERITY_FEC_MAX_ROOTS];
	unsigned head;
};

/*
 * Stripe [s0, s0 + len) of every block of @round into @rows, its parity
 * into @parity, and the parity the encoder gives for those rows into
 * @check (stripe x roots bytes), described by @sc.
 */
static int load_stripe(const struct verity_fec_ctx *ctx, const struct verity_bdev *fecdev,
                       uint64_t round, uint32_t s0, uint32_t len, uint8_t *rows, uint8_t *parity,
                       uint8_t *check, struct stripe_check *sc)
{
	const struct verity_gf_vector_ops *ops = verity_gf_vector();
	uint32_t roots = ctx->fec->roots, k = ctx->k;
	uint64_t poff = ctx->fec->fec_start * ctx->bs + (round * ctx->bs + s0) * roots;
	int err;

	for (uint32_t j = 0; j < k; j++) {
		err = verity_fec_read_message_part(ctx, round + (uint64_t)j * ctx->rounds, s0, len,
		                                   rows + (size_t)j * len);
		if (err)
			return err;
	}
	err = verity_bdev_read(fecdev, poff, parity, (size_t)len * roots);
	if (err)
		return err;
	if (ops->encode) {
		const uint8_t *rowp[VERITY_FEC_RSM];

		for (uint32_t j = 0; j < k; j++)
			rowp[j] = rows + (size_t)j * len;
		ops->encode(&ctx->rs, rowp, len, check);
		sc->bytes = check;
		return 0;
	}
	sc->bytes = NULL;
	sc->head = 0;
	for (unsigned i = 0; i < roots; i++) {
		sc->vec[i] = check + (size_t)i * len;
		memset(sc->vec[i], 0, len);
	}
	for (uint32_t j = 0; j < k; j++) {
		verity_gf_encode_step(&ctx->rs, ops, sc->vec, sc->head, rows + (size_t)j * len,
		                      len);
		sc->head = (sc->head + 1) % roots;
	}
	return 0;
}

/* Codeword @b of a loaded stripe, as read (a codeword is valid exactly when its parity is the
 * encoder's). */
static bool stripe_clean(const struct verity_fec_ctx *ctx, const struct stripe_check *sc,
                         const uint8_t *parity, uint32_t b)
{
	uint32_t roots = ctx->fec->roots;

	if (sc->bytes)
		return memcmp(sc->bytes + (size_t)b * roots, parity + (size_t)b * roots, roots) ==
		       0;
	for (unsigned i = 0; i < roots; i++)
		if (sc->vec[(sc->head + i) % roots][b] != parity[(size_t)b * roots + i])
			return false;
	return true;
}

/* Codeword @b of a loaded stripe of @len bytes per block into @cw. */
static void stripe_codeword(const struct verity_fec_ctx *ctx, const uint8_t *rows,
                            const uint8_t *parity, uint32_t len, uint32_t b, uint8_t *cw)
{
	for (uint32_t j = 0; j < ctx->k; j++)
		cw[j] = rows[(size_t)j * len + b];
	memcpy(cw + ctx->k, parity + (size_t)b * ctx->fec->roots, ctx->fec->roots);
}

int verity_fec_decode_block(const struct verity_fec_ctx *ctx, const struct verity_bdev *fecdev,
                            uint64_t block, const uint8_t *erasures, uint32_t nerasures,
                            uint32_t stripe, uint8_t *rows, uint8_t *parity, uint8_t *check,
                            uint8_t *out)
{
	uint32_t target = (uint32_t)(block / ctx->rounds);
	uint64_t round = block % ctx->rounds;
	struct stripe_check sc;
	int err;

	for (uint32_t s0 = 0; s0 < ctx->bs; s0 += stripe) {
		uint32_t len = ctx->bs - s0 < stripe ? ctx->bs - s0 : stripe;

		err = load_stripe(ctx, fecdev, round, s0, len, rows, parity, check, &sc);
		if (err)
			return err;
		/*
		 * Most codewords are intact: decode only those whose parity
		 * differs. With erasures every codeword is decoded: an erased
		 * symbol may be wrong even where the parity happens to agree.
		 */
		for (uint32_t b = 0; b < len; b++) {
			uint8_t cw[VERITY_FEC_RSM];

			if (nerasures == 0 && stripe_clean(ctx, &sc, parity, b)) {
				out[s0 + b] = rows[(size_t)target * len + b];
				continue;
			}
			stripe_codeword(ctx, rows, parity, len, b, cw);
			err = verity_rs_decode(&ctx->rs, cw, erasures, nerasures);
			if (err < 0)
				return err;
			out[s0 + b] = cw[target];
		}
	}
	return 0;
}

int verity_fec_count_errors(const struct verity_fec_ctx *ctx, const struct verity_bdev *fecdev,
                            uint32_t stripe, uint8_t *rows, uint8_t *parity, uint8_t *check,
                            uint64_t *symbols)
{
	struct stripe_check sc;
	int err;

	*symbols = 0;
	for (uint64_t round = 0; round < ctx->rounds; round++) {
		for (uint32_t s0 = 0; s0 < ctx->bs; s0 += stripe) {
			uint32_t len = ctx->bs - s0 < stripe ? ctx->bs - s0 : stripe;

			err = load_stripe(ctx, fecdev, round, s0, len, rows, parity, check, &sc);
			if (err)
				return err;
			for (uint32_t b = 0; b < len; b++) {
				uint8_t cw[VERITY_FEC_RSM];

				if (stripe_clean(ctx, &sc, parity, b))
					continue;
				stripe_codeword(ctx, rows, parity, len, b, cw);
				err = verity_rs_decode(&ctx->rs, cw, NULL, 0);
				if (err < 0)
					return err;
				*symbols += (uint64_t)err;
			}
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

struct encode_job {
	struct verity_fec_ctx ctx;
	const struct verity_gf_vector_ops *ops;
	const struct verity_writer *out;
	const struct verity_tree_options *opts;
	uint64_t batch; /* rounds per job */
	size_t len;     /* batch x block size: bytes per parity vector */
	bool columns;   /* the register-resident encoder (ops->encode), else steps */
};

/* Rounds of job @job: [*n0, *n0 + *nb). */
static void job_rounds(const struct encode_job *e, uint64_t job, uint64_t *n0, uint64_t *nb)
{
	*n0 = job * e->batch;
	*nb = e->ctx.rounds - *n0 < e->batch ? e->ctx.rounds - *n0 : e->batch;
}

/*
 * Message rows of the register-resident encoder are this far apart: a
 * power-of-two distance would put a column's k rows in one L1 set.
 */
static size_t msg_stride(const struct encode_job *e)
{
	return e->len + 64;
}

/*
 * Message blocks [first, first + nb) where the data device maps them in
 * place (memory, or a file its caller mapped whole), else NULL. Such rows
 * are still copied before encoding: a multiple of the block size apart, a
 * column's k rows would share a cache set (copy_rows(); with the data
 * mapped whole, faster than reading the rows).
 */
static const uint8_t *in_place_row(const struct encode_job *e, uint64_t first, uint64_t nb)
{
	const struct verity_bdev *data = e->ctx.data;

	if (!verity_bdev_maps_in_place(data) || first + nb > e->ctx.params->data_blocks)
		return NULL;
	return verity_bdev_map(data, first * e->ctx.bs, (size_t)nb * e->ctx.bs);
}

/*
 * Copy @n rows of @len bytes from @src to @dst, FEC_COPY_ROWS at a time
 * and a cache line of each in turn: each row is its own page, and reading
 * the pages in lockstep keeps many misses in flight where a row-by-row copy
 * waits for each page in turn (1 GiB from the page cache: 0.145 s with the
 * row two ahead prefetched, 0.092 s in lockstep).
 */
static void copy_rows(uint8_t *const *dst, const uint8_t *const *src, unsigned n, size_t len)
{
	for (unsigned g = 0; g < n; g += FEC_COPY_ROWS) {
		unsigned m = n - g < FEC_COPY_ROWS ? n - g : FEC_COPY_ROWS;
		size_t o = 0;

		for (; o + 64 <= len; o += 64)
			for (unsigned i = g; i < g + m; i++)
				memcpy(dst[i] + o, src[i] + o, 64);
		for (unsigned i = g; i < g + m; i++)
			memcpy(dst[i] + o, src[i] + o, len - o);
	}
}

/* Any thread: read the job's message runs, encode, interleave into the slot. */
static int encode_run(void *ctxp, uint64_t job, void *slot, void *scratch)
{
	const struct encode_job *e = ctxp;
	uint32_t roots = e->ctx.fec->roots;
	uint8_t *msg = scratch, *vec[VERITY_FEC_MAX_ROOTS], *out = slot;
	uint64_t n0, nb;
	size_t vlen;
	unsigned head = 0;
	int err;

	job_rounds(e, job, &n0, &nb);
	vlen = (size_t)nb * e->ctx.bs;
	if (e->columns) {
		/*
		 * All k rows first, then every column's parity from registers.
		 * (Rows mapped from the page cache instead of read measured no
		 * faster: the mappings cost what the copies do.)
		 */
		const uint8_t *rows[VERITY_FEC_RSM], *src[VERITY_FEC_RSM];
		uint8_t *dst[VERITY_FEC_RSM];
		unsigned mapped = 0;

		for (uint32_t j = 0; j < e->ctx.k; j++) {
			uint64_t first = (uint64_t)j * e->ctx.rounds + n0;
			uint8_t *row = msg + j * msg_stride(e);

			rows[j] = row;
			src[mapped] = in_place_row(e, first, nb);
			if (src[mapped]) {
				dst[mapped++] = row;
				continue;
			}
			err = verity_fec_read_message(&e->ctx, first, nb, row);
			if (err)
				return err;
		}
		copy_rows(dst, src, mapped, vlen);
		e->ops->encode(&e->ctx.rs, rows, vlen, out);
		return 0;
	}
	for (unsigned i = 0; i < roots; i++) {
		vec[i] = msg + e->len * (1 + i);
		memset(vec[i], 0, vlen);
	}
	for (uint32_t j = 0; j < e->ctx.k; j++) {
		err = verity_fec_read_message(&e->ctx, (uint64_t)j * e->ctx.rounds + n0, nb, msg);
		if (err)
			return err;
		verity_gf_encode_step(&e->ctx.rs, e->ops, vec, head, msg, vlen);
		head = (head + 1) % roots;
	}
	/* Codeword c's parity is contiguous on disk: transpose. */
	for (unsigned i = 0; i < roots; i++) {
		const uint8_t *v = vec[(head + i) % roots];

		for (size_t c = 0; c < vlen; c++)
			out[c * roots + i] = v[c];
	}
	return 0;
}

/* The caller's thread, in job order: write the parity, report progress. */
static int encode_finish(void *ctxp, uint64_t job, void *slot, int status)
{
	const struct encode_job *e = ctxp;
	uint32_t roots = e->ctx.fec->roots;
	uint64_t n0, nb;
	int err;

	if (status)
		return status;
	job_rounds(e, job, &n0, &nb);
	err = e->out->write(e->out->user_data, (e->ctx.fec->fec_start + n0 * roots) * e->ctx.bs,
	                    slot, (size_t)nb * e->ctx.bs * roots);
	if (!err && e->opts && e->opts->progress)
		e->opts->progress(e->opts->progress_user_data, n0 + nb, e->ctx.rounds);
	return err;
}

int verity_fec_encode(const struct verity_params *params, const struct verity_fec_params *fec,
                      const struct verity_bdev *data, const struct verity_bdev *hash,
                      const struct verity_writer *out, const struct verity_tree_options *opts)
{
	struct encode_job e;
	struct verity_jobs jobs = {0};
	uint64_t n;
	int err;

	if (!out || !out->write)
		return VERITY_E_INVAL;
	memset(&e, 0, sizeof(e));
	err = verity_fec_ctx_init(&e.ctx, params, fec, data, hash);
	if (err)
		return err;
	if (data->size / e.ctx.bs < params->data_blocks)
		return VERITY_E_DATA_DEVICE_TOO_SMALL;
	e.ops = verity_gf_vector();
	e.out = out;
	e.opts = opts;
	/* In L2: the k message rows (register-resident encoder), or one row and the parity. */
	e.batch = FEC_BATCH_BYTES / ((size_t)e.ctx.bs * (1u + fec->roots));
	e.columns = e.ops->encode && fec->roots > FEC_STEP_ROOTS;
	if (e.columns)
		e.batch = FEC_BATCH_BYTES / ((size_t)e.ctx.bs * e.ctx.k);
	if (e.batch == 0)
		e.batch = 1;
	/* Jobs of even size, enough of them that the threads share the work evenly. */
	n = (e.ctx.rounds + e.batch - 1) / e.batch;
	if (n < FEC_MIN_JOBS)
		n = FEC_MIN_JOBS;
	e.batch = (e.ctx.rounds + n - 1) / n;
	e.len = (size_t)e.batch * e.ctx.bs;
	jobs.ctx = &e;
	jobs.count = (e.ctx.rounds + e.batch - 1) / e.batch;
	jobs.slot_size = e.len * fec->roots; /* interleaved output */
	/* message rows and parity vectors */
	jobs.scratch_size = e.columns ? msg_stride(&e) * e.ctx.k : e.len * (1 + fec->roots);
	jobs.run = encode_run;
	jobs.finish = encode_finish;
	return verity_run_jobs(&jobs, opts ? opts->threads : 0, opts ? opts->allocator : NULL);
}
