/* SPDX-License-Identifier: MIT */
/*
 * Shared SHA-256 buffering, salting and padding. Implementations only supply
 * a block function (see sha256.h); everything here is common to all of them.
 */
#include <string.h>

#include "libverity.h"
#include "sha256.h"

#define MAX_LANES VERITY_SHA256_MAX_LANES
/* Bytes staged per lane when a message cannot be hashed in place. */
#define STAGE_BYTES (4 * VERITY_SHA256_BLOCK_SIZE)

const uint32_t verity_sha256_initial_state[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static inline void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void store_be64(uint8_t *p, uint64_t v)
{
	store_be32(p, (uint32_t)(v >> 32));
	store_be32(p + 4, (uint32_t)v);
}

static void store_digest(uint8_t *out, const uint32_t state[8])
{
	for (int i = 0; i < 8; i++)
		store_be32(out + 4 * i, state[i]);
}

static void run_single(const struct verity_sha256_impl *impl, uint32_t state[8],
                       const uint8_t *data, size_t nblocks)
{
	const uint8_t *ptr[1] = {data};

	impl->blocks((uint32_t(*)[8])state, ptr, nblocks);
}

void verity_sha256_init_impl(struct verity_sha256_ctx *ctx, const struct verity_sha256_impl *impl)
{
	memcpy(ctx->state, verity_sha256_initial_state, sizeof(ctx->state));
	ctx->total_bytes = 0;
	ctx->buf_len = 0;
	ctx->impl = impl;
}

void verity_sha256_init(struct verity_sha256_ctx *ctx)
{
	verity_sha256_init_impl(ctx, verity_sha256_impl_single());
}

void verity_sha256_update(struct verity_sha256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (len == 0)
		return;
	ctx->total_bytes += len;
	if (ctx->buf_len) {
		size_t take = VERITY_SHA256_BLOCK_SIZE - ctx->buf_len;

		if (take > len)
			take = len;
		memcpy(ctx->buf + ctx->buf_len, p, take);
		ctx->buf_len += take;
		p += take;
		len -= take;
		if (ctx->buf_len < VERITY_SHA256_BLOCK_SIZE)
			return;
		run_single(ctx->impl, ctx->state, ctx->buf, 1);
		ctx->buf_len = 0;
	}
	if (len >= VERITY_SHA256_BLOCK_SIZE) {
		size_t nblocks = len / VERITY_SHA256_BLOCK_SIZE;

		run_single(ctx->impl, ctx->state, p, nblocks);
		p += nblocks * VERITY_SHA256_BLOCK_SIZE;
		len -= nblocks * VERITY_SHA256_BLOCK_SIZE;
	}
	if (len) {
		memcpy(ctx->buf, p, len);
		ctx->buf_len = len;
	}
}

void verity_sha256_final(struct verity_sha256_ctx *ctx, uint8_t out[VERITY_SHA256_DIGEST_SIZE])
{
	uint8_t pad[2 * VERITY_SHA256_BLOCK_SIZE];
	size_t n = ctx->buf_len;
	size_t padded =
	    (n + 9 + VERITY_SHA256_BLOCK_SIZE - 1) & ~(size_t)(VERITY_SHA256_BLOCK_SIZE - 1);

	memcpy(pad, ctx->buf, n);
	pad[n] = 0x80;
	memset(pad + n + 1, 0, padded - n - 1 - 8);
	store_be64(pad + padded - 8, ctx->total_bytes * 8);
	run_single(ctx->impl, ctx->state, pad, padded / VERITY_SHA256_BLOCK_SIZE);
	store_digest(out, ctx->state);
	memset(ctx, 0, sizeof(*ctx));
}

void verity_sha256(const void *data, size_t len, uint8_t out[VERITY_SHA256_DIGEST_SIZE])
{
	struct verity_sha256_ctx ctx;

	verity_sha256_init(&ctx);
	verity_sha256_update(&ctx, data, len);
	verity_sha256_final(&ctx, out);
}

/*
 * hash_many: every lane hashes the same "virtual stream"
 *   prefix tail (r bytes) | message | suffix | padding
 * after a start state that already absorbed the whole 64-byte blocks of the
 * prefix. The blocks of that stream that lie wholly inside the message are
 * hashed in place, straight from the caller's buffer (block functions take
 * unaligned pointers, so r != 0 does not matter); only the first block when
 * r != 0 and the last blocks (message end, suffix, padding) are staged
 * through a small per-lane buffer. For the dm-verity case (4096-byte block,
 * 32-byte salt) that is 63 blocks in place and one staged at each end.
 */
struct many_job {
	uint32_t start[8];
	uint64_t total_bytes; /* whole message including salt */
	const uint8_t *tail;  /* prefix bytes after its whole blocks */
	size_t tail_len;
	size_t msg_len;
	const uint8_t *suffix;
	size_t suffix_len;
	size_t direct_start; /* virtual offset of the blocks hashed in place */
	size_t direct_end;   /* == direct_start when there are none */
	size_t padded_len;   /* virtual stream length, multiple of 64 */
};

/* Copy the part of [seg, seg + seg_len) that overlaps [q, q + n). */
static void copy_segment(uint8_t *dst, size_t q, size_t n, size_t seg_start, const uint8_t *seg,
                         size_t seg_len)
{
	size_t lo = q > seg_start ? q : seg_start;
	size_t hi = q + n < seg_start + seg_len ? q + n : seg_start + seg_len;

	if (lo < hi)
		memcpy(dst + (lo - q), seg + (lo - seg_start), hi - lo);
}

static void fill_stage(uint8_t *dst, size_t q, size_t n, const struct many_job *job,
                       const uint8_t *msg)
{
	size_t msg_start = job->tail_len;
	size_t suffix_start = msg_start + job->msg_len;
	size_t end = suffix_start + job->suffix_len;

	memset(dst, 0, n);
	copy_segment(dst, q, n, 0, job->tail, job->tail_len);
	copy_segment(dst, q, n, msg_start, msg, job->msg_len);
	copy_segment(dst, q, n, suffix_start, job->suffix, job->suffix_len);
	if (end >= q && end < q + n)
		dst[end - q] = 0x80;
	if (q + n == job->padded_len)
		store_be64(dst + n - 8, job->total_bytes * 8);
}

static void hash_group(const struct verity_sha256_impl *impl, const struct many_job *job,
                       const uint8_t *const src[], unsigned active, uint8_t *digests)
{
	uint32_t state[MAX_LANES][8];
	const uint8_t *msg[MAX_LANES];
	const uint8_t *ptr[MAX_LANES];
	uint8_t stage[MAX_LANES][STAGE_BYTES];
	unsigned lanes = impl->lanes;

	/* Idle lanes repeat lane 0; their results are dropped. */
	for (unsigned i = 0; i < lanes; i++) {
		msg[i] = src[i < active ? i : 0];
		memcpy(state[i], job->start, sizeof(job->start));
	}
	for (size_t q = 0; q < job->padded_len;) {
		size_t n;

		if (q == job->direct_start && q < job->direct_end) {
			n = job->direct_end - q;
			for (unsigned i = 0; i < lanes; i++)
				ptr[i] = msg[i] + (q - job->tail_len);
		} else {
			size_t stop = q < job->direct_start ? job->direct_start : job->padded_len;

			n = stop - q < STAGE_BYTES ? stop - q : STAGE_BYTES;
			for (unsigned i = 0; i < lanes; i++) {
				if (i < active)
					fill_stage(stage[i], q, n, job, msg[i]);
				ptr[i] = stage[i < active ? i : 0];
			}
		}
		impl->blocks(state, ptr, n / VERITY_SHA256_BLOCK_SIZE);
		q += n;
	}
	for (unsigned i = 0; i < active; i++)
		store_digest(digests + i * VERITY_SHA256_DIGEST_SIZE, state[i]);
}

/* @single hashes the whole blocks of a prefix salt, once for all messages. */
static void prepare_job(struct many_job *job, const struct verity_sha256_impl *single,
                        size_t msg_len, const uint8_t *salt, size_t salt_len,
                        enum verity_salt_position pos)
{
	size_t virtual_len;

	memcpy(job->start, verity_sha256_initial_state, sizeof(job->start));
	job->total_bytes = (uint64_t)msg_len + salt_len;
	job->msg_len = msg_len;
	job->tail = NULL;
	job->tail_len = 0;
	job->suffix = NULL;
	job->suffix_len = 0;
	if (pos == VERITY_SALT_PREFIX && salt_len) {
		size_t whole = salt_len / VERITY_SHA256_BLOCK_SIZE;

		if (whole)
			run_single(single, job->start, salt, whole);
		job->tail = salt + whole * VERITY_SHA256_BLOCK_SIZE;
		job->tail_len = salt_len - whole * VERITY_SHA256_BLOCK_SIZE;
	} else if (salt_len) {
		job->suffix = salt;
		job->suffix_len = salt_len;
	}
	/* In place: whole blocks after the first block boundary inside the message. */
	job->direct_start = job->tail_len ? VERITY_SHA256_BLOCK_SIZE : 0;
	job->direct_end = job->direct_start;
	if (job->tail_len + msg_len > job->direct_start)
		job->direct_end += (job->tail_len + msg_len - job->direct_start) &
		                   ~(size_t)(VERITY_SHA256_BLOCK_SIZE - 1);
	virtual_len = job->tail_len + msg_len + job->suffix_len;
	job->padded_len = (virtual_len + 9 + VERITY_SHA256_BLOCK_SIZE - 1) &
	                  ~(size_t)(VERITY_SHA256_BLOCK_SIZE - 1);
}

/*
 * Which implementation hashes the next group when @n messages remain. A
 * group with at most half of @impl's lanes busy costs as much as a full one,
 * so it goes to a narrower implementation if one ranks below @impl in the
 * table (the table is in order of preference) and fits, and a lone message
 * goes to the single-stream one. A partial group that is more than half
 * full stays with @impl.
 */
static const struct verity_sha256_impl *
group_impl(const struct verity_sha256_impl *impl, const struct verity_sha256_impl *single, size_t n)
{
	size_t i = 0, count = verity_sha256_impl_count();

	if (n >= impl->lanes || 2 * n > impl->lanes)
		return impl;
	if (n == 1)
		return single;
	while (i < count && verity_sha256_impl_at(i) != impl)
		i++;
	for (i++; i < count; i++) {
		const struct verity_sha256_impl *narrow = verity_sha256_impl_at(i);

		if (narrow->lanes > 1 && narrow->lanes <= n && narrow->cpu_supported())
			return narrow;
	}
	return impl;
}

/*
 * Where the messages are: @ptrs[i] when @ptrs is not NULL, otherwise
 * @base + i * @stride.
 */
struct many_src {
	const uint8_t *base;
	size_t stride;
	const uint8_t *const *ptrs;
};

static bool src_valid(const struct many_src *src, size_t msg_len, size_t n)
{
	if (src->ptrs) {
		if (msg_len)
			for (size_t i = 0; i < n; i++)
				if (!src->ptrs[i])
					return false;
		return true;
	}
	return (src->base || !msg_len) && (n == 1 || src->stride >= msg_len) &&
	       (n == 1 || src->stride <= (SIZE_MAX - msg_len) / (n - 1));
}

static bool args_valid(const struct many_src *src, size_t msg_len, size_t n, const uint8_t *salt,
                       size_t salt_len, enum verity_salt_position pos, const uint8_t *digests)
{
	return digests && (salt || !salt_len) && msg_len <= SIZE_MAX / 2 &&
	       salt_len <= SIZE_MAX / 2 - msg_len &&
	       (pos == VERITY_SALT_PREFIX || pos == VERITY_SALT_SUFFIX) &&
	       src_valid(src, msg_len, n);
}

/*
 * @choose_groups: pick per group with group_impl() (the dispatching entry
 * point); otherwise every group, full or not, goes through @impl, so that
 * tests and benchmarks measure exactly that block function.
 */
static int hash_many(const struct verity_sha256_impl *impl, bool choose_groups,
                     const struct many_src *src, size_t msg_len, size_t n, const uint8_t *salt,
                     size_t salt_len, enum verity_salt_position pos, uint8_t *digests)
{
	struct many_job job;
	const struct verity_sha256_impl *single;
	size_t done = 0;

	if (n == 0)
		return 0;
	if (!impl || impl->lanes == 0 || impl->lanes > MAX_LANES ||
	    !args_valid(src, msg_len, n, salt, salt_len, pos, digests))
		return VERITY_E_INVAL;
	single = impl->lanes == 1 ? impl : verity_sha256_impl_single();

	prepare_job(&job, single, msg_len, salt, salt_len, pos);
	while (done < n) {
		const struct verity_sha256_impl *use =
		    choose_groups ? group_impl(impl, single, n - done) : impl;
		unsigned active = n - done < use->lanes ? (unsigned)(n - done) : use->lanes;
		const uint8_t *group[MAX_LANES];

		for (unsigned i = 0; i < active; i++) {
			group[i] =
			    src->ptrs ? src->ptrs[done + i] : src->base + (done + i) * src->stride;
			if (!msg_len) /* zero-length messages: any readable pointer */
				group[i] = digests;
		}
		hash_group(use, &job, group, active, digests + done * VERITY_SHA256_DIGEST_SIZE);
		done += active;
	}
	return 0;
}

static const uint8_t *src_at(const struct many_src *src, size_t i)
{
	return src->ptrs ? src->ptrs[i] : src->base + i * src->stride;
}

/* The dispatching entry points: calibrate on the first large batch, then hash. */
static int hash_many_chosen(const struct many_src *src, size_t msg_len, size_t n,
                            const uint8_t *salt, size_t salt_len, enum verity_salt_position pos,
                            uint8_t *digests)
{
	if (n >= VERITY_SHA256_CALIBRATION_MSGS && msg_len >= VERITY_SHA256_CALIBRATION_MIN &&
	    verity_sha256_calibration_wanted() &&
	    args_valid(src, msg_len, n, salt, salt_len, pos, digests)) {
		const uint8_t *first[VERITY_SHA256_CALIBRATION_MSGS];

		for (size_t i = 0; i < VERITY_SHA256_CALIBRATION_MSGS; i++)
			first[i] = src_at(src, i);
		/* Timed on at most 4 KiB of each: bounded work; hashed for real below. */
		verity_sha256_calibrate_list(first, msg_len < 4096 ? msg_len : 4096, salt, salt_len,
		                             pos, digests);
	}
	return hash_many(verity_sha256_impl_many(), true, src, msg_len, n, salt, salt_len, pos,
	                 digests);
}

int verity_sha256_hash_many_impl(const struct verity_sha256_impl *impl, const uint8_t *msgs,
                                 size_t msg_len, size_t stride, size_t n, const uint8_t *salt,
                                 size_t salt_len, enum verity_salt_position pos, uint8_t *digests)
{
	const struct many_src src = {msgs, stride, NULL};

	return hash_many(impl, false, &src, msg_len, n, salt, salt_len, pos, digests);
}

int verity_sha256_hash_many(const uint8_t *msgs, size_t msg_len, size_t stride, size_t n,
                            const uint8_t *salt, size_t salt_len, enum verity_salt_position pos,
                            uint8_t *digests)
{
	const struct many_src src = {msgs, stride, NULL};

	return hash_many_chosen(&src, msg_len, n, salt, salt_len, pos, digests);
}

int verity_sha256_hash_list_impl(const struct verity_sha256_impl *impl, const uint8_t *const msgs[],
                                 size_t msg_len, size_t n, const uint8_t *salt, size_t salt_len,
                                 enum verity_salt_position pos, uint8_t *digests)
{
	const struct many_src src = {NULL, 0, msgs};

	if (!msgs && n)
		return VERITY_E_INVAL;
	return hash_many(impl, false, &src, msg_len, n, salt, salt_len, pos, digests);
}

int verity_sha256_hash_list(const uint8_t *const msgs[], size_t msg_len, size_t n,
                            const uint8_t *salt, size_t salt_len, enum verity_salt_position pos,
                            uint8_t *digests)
{
	const struct many_src src = {NULL, 0, msgs};

	if (!msgs && n)
		return VERITY_E_INVAL;
	return hash_many_chosen(&src, msg_len, n, salt, salt_len, pos, digests);
}
