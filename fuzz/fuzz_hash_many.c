/* SPDX-License-Identifier: MIT */
/*
 * Differential test of the hashing layer: for N salted messages laid out
 * with a stride and an alignment taken from the input, every SHA-256
 * implementation this CPU runs (hash_many), the streaming API fed in
 * input-chosen pieces, and verity_hash_blocks() for every algorithm must all
 * agree with mbedTLS as the independent oracle.
 *
 * Input: n, message length, stride slack, salt length, flags (salt position,
 * alignment, split point), then bytes that fill salt and messages.
 */
#include <mbedtls/md.h>

#include "fuzz/fuzz.h"
#include "sha/sha256.h"
#include "verity/hash.h"

#define MAX_N       40
#define MAX_MSG     1200
#define MAX_SLACK   70
#define MAX_SALT    300
#define DIGEST_SIZE VERITY_SHA256_DIGEST_SIZE

static void oracle(mbedtls_md_type_t type, const uint8_t *msg, size_t len, const uint8_t *salt,
                   size_t salt_len, bool prefix, uint8_t *out)
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(type);
	mbedtls_md_context_t ctx;

	FUZZ_CHECK(info != NULL);
	mbedtls_md_init(&ctx);
	FUZZ_CHECK(mbedtls_md_setup(&ctx, info, 0) == 0);
	FUZZ_CHECK(mbedtls_md_starts(&ctx) == 0);
	if (prefix)
		FUZZ_CHECK(mbedtls_md_update(&ctx, salt, salt_len) == 0);
	FUZZ_CHECK(mbedtls_md_update(&ctx, msg, len) == 0);
	if (!prefix)
		FUZZ_CHECK(mbedtls_md_update(&ctx, salt, salt_len) == 0);
	FUZZ_CHECK(mbedtls_md_finish(&ctx, out) == 0);
	mbedtls_md_free(&ctx);
}

static void fill(uint8_t *dst, size_t len, const uint8_t *src, size_t src_len, size_t phase)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = src_len ? src[(i + phase) % src_len] : (uint8_t)(i * 131 + phase);
}

/* verity_hash_blocks() for one algorithm over contiguous blocks. */
static void check_hash_blocks(const char *alg, mbedtls_md_type_t type, const uint8_t *blocks,
                              size_t len, size_t n, const uint8_t *salt, size_t salt_len,
                              bool prefix)
{
	struct verity_params params;
	struct verity_hasher hasher;
	uint8_t *got, want[64];
	uint32_t ds;

	if (len == 0 || salt_len > VERITY_MAX_SALT_SIZE)
		return;
	memset(&params, 0, sizeof(params));
	params.hash_type = prefix ? 1 : 0;
	strcpy(params.algorithm, alg);
	params.salt_size = (uint32_t)salt_len;
	memcpy(params.salt, salt, salt_len);
	FUZZ_CHECK(verity_hasher_init(&hasher, &params) == 0);
	ds = hasher.digest_size;
	got = malloc(n * ds);
	FUZZ_CHECK(got != NULL);
	FUZZ_CHECK(verity_hash_blocks(&hasher, blocks, len, n, got) == 0);
	for (size_t i = 0; i < n; i++) {
		oracle(type, blocks + i * len, len, salt, salt_len, prefix, want);
		FUZZ_CHECK(memcmp(got + i * ds, want, ds) == 0);
	}
	free(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const char *name;
		mbedtls_md_type_t type;
	} algs[] = {{"sha256", MBEDTLS_MD_SHA256},
	            {"sha1", MBEDTLS_MD_SHA1},
	            {"sha224", MBEDTLS_MD_SHA224},
	            {"sha384", MBEDTLS_MD_SHA384},
	            {"sha512", MBEDTLS_MD_SHA512}};
	struct fuzz_input in;
	size_t n, len, stride, salt_len, align, split, rest_len, buf_len;
	uint8_t flags, *buf, *salt, *want, *got;
	const uint8_t *rest, *msgs;
	enum verity_salt_position pos;
	bool prefix;

	fuzz_input_init(&in, data, size);
	n = 1 + fuzz_u8(&in) % MAX_N;
	len = fuzz_u16(&in) % (MAX_MSG + 1);
	stride = len + fuzz_u8(&in) % MAX_SLACK;
	salt_len = fuzz_u16(&in) % (MAX_SALT + 1);
	flags = fuzz_u8(&in);
	split = fuzz_u16(&in);
	prefix = !(flags & 1);
	pos = prefix ? VERITY_SALT_PREFIX : VERITY_SALT_SUFFIX;
	align = (flags >> 1) & 7;
	rest = fuzz_rest(&in, &rest_len);

	/* Exactly sized, so that any read past the last message is caught. */
	buf_len = align + (n - 1) * stride + len;
	buf = malloc(buf_len ? buf_len : 1);
	salt = malloc(salt_len ? salt_len : 1);
	want = malloc(n * DIGEST_SIZE);
	got = malloc(n * DIGEST_SIZE);
	FUZZ_CHECK(buf && salt && want && got);
	fill(buf, buf_len, rest, rest_len, 0);
	fill(salt, salt_len, rest, rest_len, 7);
	msgs = buf + align;

	for (size_t i = 0; i < n; i++)
		oracle(MBEDTLS_MD_SHA256, msgs + i * stride, len, salt, salt_len, prefix,
		       want + i * DIGEST_SIZE);

	FUZZ_CHECK(verity_sha256_hash_many(msgs, len, stride, n, salt, salt_len, pos, got) == 0);
	FUZZ_CHECK(memcmp(got, want, n * DIGEST_SIZE) == 0);

	for (size_t k = 0; k < verity_sha256_impl_count(); k++) {
		const struct verity_sha256_impl *impl = verity_sha256_impl_at(k);

		if (!impl->cpu_supported())
			continue;
		memset(got, 0, n * DIGEST_SIZE);
		FUZZ_CHECK(verity_sha256_hash_many_impl(impl, msgs, len, stride, n, salt, salt_len,
		                                        pos, got) == 0);
		if (memcmp(got, want, n * DIGEST_SIZE) != 0)
			fprintf(stderr, "hash_many: implementation %s disagrees\n", impl->name);
		FUZZ_CHECK(memcmp(got, want, n * DIGEST_SIZE) == 0);

		if (impl->lanes == 1) {
			/* Streaming, message 0 cut in two at an input-chosen point. */
			struct verity_sha256_ctx ctx;
			size_t cut = len ? split % (len + 1) : 0;
			uint8_t one[DIGEST_SIZE];

			verity_sha256_init_impl(&ctx, impl);
			if (prefix)
				verity_sha256_update(&ctx, salt, salt_len);
			verity_sha256_update(&ctx, msgs, cut);
			verity_sha256_update(&ctx, msgs + cut, len - cut);
			if (!prefix)
				verity_sha256_update(&ctx, salt, salt_len);
			verity_sha256_final(&ctx, one);
			FUZZ_CHECK(memcmp(one, want, DIGEST_SIZE) == 0);
		}
	}

	/* The tree-level wrapper over contiguous blocks, one algorithm. */
	{
		size_t a = (flags >> 4) % (sizeof(algs) / sizeof(algs[0]));

		check_hash_blocks(algs[a].name, algs[a].type, buf, len, n, salt, salt_len, prefix);
	}
	free(buf);
	free(salt);
	free(want);
	free(got);
	return 0;
}
