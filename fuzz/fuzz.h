/* SPDX-License-Identifier: MIT */
/*
 * Fuzz harness convention: each target is fuzz/fuzz_<target>.c and exports
 * LLVMFuzzerTestOneInput(). The same file links into three drivers: the
 * replay program run by `make check` (replay_main.c), the AFL++
 * persistent-mode program (afl_main.c), and, if wanted, libFuzzer
 * (clang -fsanitize=fuzzer). A harness returns 0 and aborts (FUZZ_CHECK) when
 * an invariant of the library is broken, so every fuzzer sees it as a crash.
 */
#ifndef VERITY_FUZZ_H
#define VERITY_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Replay one file, or every regular file of a directory (sorted). */
int fuzz_replay_path(const char *path, unsigned *count);

_Noreturn static inline void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz invariant violated: %s\n", file, line, what);
	abort();
}

/* FUZZ_VERBOSE=1 in the environment: harnesses say what each input did. */
static inline bool fuzz_verbose(void)
{
	static int verbose = -1;

	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	return verbose;
}

#define FUZZ_LOG(...)                                 \
	do {                                          \
		if (fuzz_verbose())                   \
			fprintf(stderr, __VA_ARGS__); \
	} while (0)

#define FUZZ_CHECK(cond)                                      \
	do {                                                  \
		if (!(cond))                                  \
			fuzz_fail(__FILE__, __LINE__, #cond); \
	} while (0)

/*
 * "Only documented codes": abort unless @ret is one of the codes listed
 * (0 included when success is possible), copied from the header's Return:
 * lines: FUZZ_EXPECT_CODES(ret, 0, VERITY_E_INVAL, FUZZ_GEOMETRY_CODES).
 */
static inline void fuzz_expect_codes(const char *file, int line, const char *call, int ret,
                                     const int *codes, size_t n)
{
	char what[160];

	for (size_t i = 0; i < n; i++)
		if (ret == codes[i])
			return;
	snprintf(what, sizeof(what), "%s returned undocumented %d", call, ret);
	fuzz_fail(file, line, what);
}

#define FUZZ_EXPECT_CODES(ret, ...)                                                    \
	fuzz_expect_codes(__FILE__, __LINE__, #ret, (ret), (const int[]){__VA_ARGS__}, \
	                  sizeof((const int[]){__VA_ARGS__}) / sizeof(int))

/* Shared parts of the Return: lists ("a verity_geometry_init() error", ...). */
#define FUZZ_GEOMETRY_CODES                                                                \
	VERITY_E_BAD_HASH_TYPE, VERITY_E_BAD_HASH_ALG, VERITY_E_BAD_DATA_BLOCK_SIZE,       \
	    VERITY_E_BAD_HASH_BLOCK_SIZE, VERITY_E_SALT_TOO_LONG, VERITY_E_DIGEST_TOO_BIG, \
	    VERITY_E_NO_DATA_BLOCKS, VERITY_E_OVERFLOW, VERITY_E_TOO_MANY_LEVELS,          \
	    VERITY_E_HASH_AREA_OVERFLOW, VERITY_E_INVAL
/* verity_gpt_read(): 0, VERITY_E_INVAL, VERITY_E_NOMEM, these, a read error. */
#define FUZZ_GPT_CODES                                                                            \
	VERITY_E_GPT_NOT_FOUND, VERITY_E_GPT_AMBIGUOUS_SECTOR, VERITY_E_GPT_NO_PROTECTIVE_MBR,    \
	    VERITY_E_GPT_BAD_REVISION, VERITY_E_GPT_BAD_HEADER_SIZE, VERITY_E_GPT_BAD_HEADER_CRC, \
	    VERITY_E_GPT_BAD_MY_LBA, VERITY_E_GPT_BAD_USABLE_RANGE, VERITY_E_GPT_BAD_ENTRY_SIZE,  \
	    VERITY_E_GPT_TOO_MANY_ENTRIES, VERITY_E_GPT_BAD_ENTRIES_LBA,                          \
	    VERITY_E_GPT_BAD_ENTRIES_CRC, VERITY_E_GPT_PARTITION_PAST_END,                        \
	    VERITY_E_GPT_PARTITION_OUTSIDE, VERITY_E_GPT_OVERLAP, VERITY_E_GPT_DUPLICATE_UUID,    \
	    VERITY_E_GPT_BAD_SECTOR_SIZE, VERITY_E_GPT_DISK_TOO_SMALL,                            \
	    VERITY_E_GPT_RESERVED_NONZERO
#define FUZZ_READ_CODES VERITY_E_IO, VERITY_E_SHORT_READ
#define FUZZ_SIG_CODES                                                                             \
	VERITY_E_INVAL, VERITY_E_BAD_HEX, VERITY_E_NOMEM, VERITY_E_SIG_MALFORMED,                  \
	    VERITY_E_SIG_TOO_LARGE, VERITY_E_SIG_TRAILING_DATA, VERITY_E_SIG_BER,                  \
	    VERITY_E_SIG_NOT_SIGNED_DATA, VERITY_E_SIG_BAD_VERSION, VERITY_E_SIG_VERSION_MISMATCH, \
	    VERITY_E_SIG_NOT_DETACHED, VERITY_E_SIG_WRONG_CONTENT_TYPE, VERITY_E_SIG_NO_SIGNERS,   \
	    VERITY_E_SIG_LIMIT, VERITY_E_SIG_UNSUPPORTED_DIGEST, VERITY_E_SIG_SHA1_DISABLED,       \
	    VERITY_E_SIG_UNSUPPORTED_SIG_ALG, VERITY_E_SIG_RSA_PSS_DISABLED,                       \
	    VERITY_E_SIG_ALG_DIGEST_MISMATCH, VERITY_E_SIG_INCONSISTENT_ATTRS,                     \
	    VERITY_E_SIG_MISSING_ATTR, VERITY_E_SIG_REPEATED_ATTR, VERITY_E_SIG_FORBIDDEN_ATTR,    \
	    VERITY_E_SIG_DIGEST_MISMATCH, VERITY_E_SIG_SIGNING_TIME, VERITY_E_SIG_BAD_CERT,        \
	    VERITY_E_SIG_KEY_UNSUPPORTED, VERITY_E_SIG_BAD_SIGNATURE, VERITY_E_SIG_UNTRUSTED

/*
 * Allocator hooks that count live blocks (user_data: a long), for harnesses
 * that check every allocation is freed: FUZZ_COUNTING_ALLOCATOR(&live).
 */
static inline void *fuzz_count_alloc(void *user_data, size_t size)
{
	++*(long *)user_data;
	return malloc(size ? size : 1);
}

static inline void fuzz_count_free(void *user_data, void *ptr)
{
	--*(long *)user_data;
	free(ptr);
}

#define FUZZ_COUNTING_ALLOCATOR(live)                     \
	{                                                 \
		(live), fuzz_count_alloc, fuzz_count_free \
	}

/*
 * Structured reading of the input: fields are taken from the front, and a
 * read past the end yields zeros, so every input is a valid (if short)
 * description and mutations reach the code behind the header.
 */
struct fuzz_input {
	const uint8_t *data;
	size_t size;
	size_t pos;
};

static inline void fuzz_input_init(struct fuzz_input *in, const uint8_t *data, size_t size)
{
	in->data = data;
	in->size = size;
	in->pos = 0;
}

static inline size_t fuzz_remaining(const struct fuzz_input *in)
{
	return in->size - in->pos;
}

/* Copies up to @n bytes; zero-fills what the input lacks. */
static inline void fuzz_bytes(struct fuzz_input *in, void *dst, size_t n)
{
	size_t have = fuzz_remaining(in) < n ? fuzz_remaining(in) : n;

	if (have)
		memcpy(dst, in->data + in->pos, have);
	memset((uint8_t *)dst + have, 0, n - have);
	in->pos += have;
}

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
	uint8_t v;

	fuzz_bytes(in, &v, 1);
	return v;
}

static inline uint16_t fuzz_u16(struct fuzz_input *in)
{
	uint8_t b[2];

	fuzz_bytes(in, b, sizeof(b));
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t fuzz_u32(struct fuzz_input *in)
{
	uint8_t b[4];

	fuzz_bytes(in, b, sizeof(b));
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static inline uint64_t fuzz_u64(struct fuzz_input *in)
{
	uint64_t lo = fuzz_u32(in);

	return lo | (uint64_t)fuzz_u32(in) << 32;
}

/* The unread rest of the input (may be empty). */
static inline const uint8_t *fuzz_rest(struct fuzz_input *in, size_t *len)
{
	const uint8_t *p = in->data + in->pos;

	*len = fuzz_remaining(in);
	in->pos = in->size;
	return p;
}

#endif /* VERITY_FUZZ_H */
