/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 for the layers above: a streaming hash for one message, and
 * hash_many for N equal-length messages sharing a salt (dm-verity blocks).
 * Private to the library, its tests and its benchmarks.
 */
#ifndef VERITY_SHA256_H
#define VERITY_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VERITY_SHA256_DIGEST_SIZE 32
#define VERITY_SHA256_BLOCK_SIZE  64
/* The widest block function: 16 AVX-512 lanes and 2 SHA-NI streams (sha256_hybrid.c). */
#define VERITY_SHA256_MAX_LANES 18

/*
 * One implementation: a block function that compresses @nblocks consecutive
 * 64-byte blocks of each of @lanes independent streams. Buffering, salting
 * and padding are shared (sha256.c); only this function differs per CPU.
 *
 * Contract of blocks(): state has @lanes rows; data[i] points to
 * nblocks * 64 readable bytes for lane i, at any alignment (lanes may point
 * anywhere, the same place included); nblocks == 0 leaves the state as it
 * is. No pointer may be NULL. Callers keep to it (sha256.c); blocks()
 * itself checks nothing.
 */
typedef void (*verity_sha256_blocks_fn)(uint32_t state[][8], const uint8_t *const data[],
                                        size_t nblocks);

struct verity_sha256_impl {
	const char *name;
	unsigned lanes; /* streams per call: 1 to VERITY_SHA256_MAX_LANES */
	bool (*cpu_supported)(void);
	verity_sha256_blocks_fn blocks;
};

/* Where the common salt goes: before each message (v1) or after it (v0). */
enum verity_salt_position {
	VERITY_SALT_PREFIX = 0,
	VERITY_SALT_SUFFIX = 1,
};

struct verity_sha256_ctx {
	uint32_t state[8];
	uint64_t total_bytes;
	uint8_t buf[VERITY_SHA256_BLOCK_SIZE];
	size_t buf_len;
	const struct verity_sha256_impl *impl; /* single-stream block function */
};

/*
 * Streaming API. ctx must be initialised by init() or init_impl(); final()
 * wipes it (init again before reuse). update() and verity_sha256() accept
 * data == NULL only with len == 0; data may have any alignment. A message
 * may be up to 2^61 - 1 bytes in total (SHA-256's limit of 2^64 - 1 bits);
 * beyond that the length field wraps and the digest is not SHA-256's.
 * None of these return errors: only a NULL with len > 0, or an
 * uninitialised ctx, is undefined (a crash).
 */
void verity_sha256_init(struct verity_sha256_ctx *ctx);
void verity_sha256_update(struct verity_sha256_ctx *ctx, const void *data, size_t len);
void verity_sha256_final(struct verity_sha256_ctx *ctx, uint8_t out[VERITY_SHA256_DIGEST_SIZE]);
void verity_sha256(const void *data, size_t len, uint8_t out[VERITY_SHA256_DIGEST_SIZE]);

/**
 * verity_sha256_hash_many() - hash @n equal-length messages
 * @msgs: first message; message i starts at @msgs + i * @stride
 * @msg_len: bytes per message
 * @stride: distance between message starts (>= @msg_len, or 0 if n == 1)
 * @n: number of messages; 0 does nothing and returns 0
 * @salt: common salt, may be NULL when @salt_len is 0
 * @salt_len: salt bytes
 * @pos: salt before (v1) or after (v0) each message
 * @digests: n * 32 bytes out, digest i at offset 32 * i
 *
 * Buffers may have any alignment; @digests must not overlap @msgs or @salt
 * (if it does the digests are unspecified, but nothing is read or written
 * outside the buffers). Uses the implementation chosen for many messages;
 * a short remainder group may go to a narrower one (see sha256.c).
 *
 * Bad input is rejected before anything is read or written.
 * Return: 0 (also for n == 0, whatever the other arguments), or
 * VERITY_E_INVAL when n > 0 and: @digests is NULL; @msgs is NULL with
 * @msg_len > 0 (with @msg_len == 0 @msgs may be NULL); @salt is NULL with
 * @salt_len > 0; @msg_len > SIZE_MAX / 2 or @msg_len + @salt_len >
 * SIZE_MAX / 2; n > 1 and @stride < @msg_len or the last message would end
 * past SIZE_MAX; @pos is not one of the enum values.
 */
int verity_sha256_hash_many(const uint8_t *msgs, size_t msg_len, size_t stride, size_t n,
                            const uint8_t *salt, size_t salt_len, enum verity_salt_position pos,
                            uint8_t *digests);

/*
 * Same, with an explicit implementation (tests and benchmarks): every lane
 * group, full or partial, goes through @impl's block function (a prefix
 * salt's whole 64-byte blocks, hashed once for all, through the
 * single-stream one). Also VERITY_E_INVAL for a NULL @impl or one whose
 * lanes are not 1 .. VERITY_SHA256_MAX_LANES. The CPU must support @impl (not checked here).
 */
int verity_sha256_hash_many_impl(const struct verity_sha256_impl *impl, const uint8_t *msgs,
                                 size_t msg_len, size_t stride, size_t n, const uint8_t *salt,
                                 size_t salt_len, enum verity_salt_position pos, uint8_t *digests);

/**
 * verity_sha256_hash_list() - hash_many() with the messages given by address
 * @msgs: @n pointers; message i is @msg_len bytes at @msgs[i] (anywhere,
 *        any alignment, repeats allowed; NULL only when @msg_len is 0)
 *
 * The other parameters, the grouping and the digests are as for
 * verity_sha256_hash_many(), so a caller can hash blocks from separate
 * buffers (a tree block and the data under it) in one call.
 * Return: 0 (also for n == 0), or VERITY_E_INVAL when n > 0 and: @msgs is
 * NULL; any @msgs[i] is NULL with @msg_len > 0; @digests is NULL; @salt is
 * NULL with @salt_len > 0; the lengths are too large as for hash_many();
 * @pos is not one of the enum values.
 */
int verity_sha256_hash_list(const uint8_t *const msgs[], size_t msg_len, size_t n,
                            const uint8_t *salt, size_t salt_len, enum verity_salt_position pos,
                            uint8_t *digests);

/* Same with an explicit implementation, as verity_sha256_hash_many_impl(). */
int verity_sha256_hash_list_impl(const struct verity_sha256_impl *impl, const uint8_t *const msgs[],
                                 size_t msg_len, size_t n, const uint8_t *salt, size_t salt_len,
                                 enum verity_salt_position pos, uint8_t *digests);

/* Streaming init with an explicit single-lane implementation. */
void verity_sha256_init_impl(struct verity_sha256_ctx *ctx, const struct verity_sha256_impl *impl);

/*
 * The table of implementations built in, in order of preference. Entries
 * whose CPU support is missing are still listed; check cpu_supported().
 */
size_t verity_sha256_impl_count(void);
const struct verity_sha256_impl *verity_sha256_impl_at(size_t index);
/* NULL if @name is not built in. */
const struct verity_sha256_impl *verity_sha256_impl_find(const char *name);
/* The chosen ones (never NULL). */
const struct verity_sha256_impl *verity_sha256_impl_single(void);
const struct verity_sha256_impl *verity_sha256_impl_many(void);

/*
 * Calibration (dispatch.c): the first hash_many()/hash_list() call with at
 * least VERITY_SHA256_CALIBRATION_MSGS messages of VERITY_SHA256_CALIBRATION_MIN
 * bytes or more, while nothing is forced, times the candidates on the first
 * 4 KiB of its first messages and fixes the choice for many messages.
 */
#define VERITY_SHA256_CALIBRATION_MSGS 16
#define VERITY_SHA256_CALIBRATION_MIN  1024
bool verity_sha256_calibration_wanted(void);
void verity_sha256_calibrate_list(const uint8_t *const msgs[VERITY_SHA256_CALIBRATION_MSGS],
                                  size_t msg_len, const uint8_t *salt, size_t salt_len,
                                  enum verity_salt_position pos, uint8_t *digests);
/* Index of the smallest of @count (>= 1) costs; ties go to the first. */
size_t verity_sha256_pick_fastest(const uint64_t cost[], size_t count);

/* Generic C block function, always built; other paths are checked against it. */
void verity_sha256_blocks_generic(uint32_t state[][8], const uint8_t *const data[], size_t nblocks);

extern const uint32_t verity_sha256_initial_state[8];
/* K of FIPS 180-4 section 4.2.2, shared by every implementation. */
extern const uint32_t verity_sha256_round_constants[64];

#endif /* VERITY_SHA256_H */
