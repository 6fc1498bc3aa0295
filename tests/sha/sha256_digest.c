/* SPDX-License-Identifier: MIT */
/*
 * Test helper for test_sha256_tools.sh: hashes a file with every
 * implementation this CPU can run, plain and with a salt before and after
 * it, so that the script can compare with openssl and sha256sum.
 *
 *   sha256_digest FILE [SALT_HEX]
 *
 * prints one line per implementation: NAME PLAIN PREFIX-SALTED SUFFIX-SALTED
 * (hex digests). The file is hashed as lanes + 1 copies through
 * hash_many_impl (a full and a partial lane group, unaligned start) and, for
 * single-stream implementations, also through the streaming API; copies and
 * APIs must agree or the tool fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha/sha256.h"

static int fail(const char *what)
{
	fprintf(stderr, "sha256_digest: %s\n", what);
	return 2;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, used = 0, got;

	if (!f)
		return NULL;
	do {
		if (used == cap) {
			uint8_t *bigger = realloc(buf, cap ? 2 * cap : 65536);

			if (!bigger) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = bigger;
			cap = cap ? 2 * cap : 65536;
		}
		got = fread(buf + used, 1, cap - used, f);
		used += got;
	} while (got);
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = used;
	return buf;
}

static int parse_hex(const char *hex, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++)
		if (sscanf(hex + 2 * i, "%2hhx", &out[i]) != 1)
			return -1;
	*len = n / 2;
	return 0;
}

/* One digest of @data with @impl, checked across lanes and APIs; 0 or an error. */
static int digest(const struct verity_sha256_impl *impl, const uint8_t *data, size_t len,
                  const uint8_t *salt, size_t salt_len, enum verity_salt_position pos,
                  uint8_t out[VERITY_SHA256_DIGEST_SIZE])
{
	size_t n = impl->lanes + 1, stride = len + 1;
	uint8_t *copies = calloc(stride * n + 1, 1);
	uint8_t *digests = malloc(VERITY_SHA256_DIGEST_SIZE * n);
	int ret = 0;

	if (!copies || !digests) {
		ret = fail("out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		memcpy(copies + 1 + i * stride, data, len);
	if (verity_sha256_hash_many_impl(impl, copies + 1, len, stride, n, salt, salt_len, pos,
	                                 digests)) {
		ret = fail("hash_many failed");
		goto out;
	}
	for (size_t i = 1; i < n; i++)
		if (memcmp(digests, digests + i * VERITY_SHA256_DIGEST_SIZE,
		           VERITY_SHA256_DIGEST_SIZE))
			ret = fail("lanes disagree");
	memcpy(out, digests, VERITY_SHA256_DIGEST_SIZE);
	if (impl->lanes == 1) {
		struct verity_sha256_ctx ctx;
		uint8_t streamed[VERITY_SHA256_DIGEST_SIZE];

		verity_sha256_init_impl(&ctx, impl);
		if (pos == VERITY_SALT_PREFIX)
			verity_sha256_update(&ctx, salt, salt_len);
		verity_sha256_update(&ctx, data, len);
		if (pos == VERITY_SALT_SUFFIX)
			verity_sha256_update(&ctx, salt, salt_len);
		verity_sha256_final(&ctx, streamed);
		if (memcmp(streamed, out, sizeof(streamed)))
			ret = fail("streaming and hash_many disagree");
	}
out:
	free(copies);
	free(digests);
	return ret;
}

int main(int argc, char **argv)
{
	uint8_t salt[256] = {0}, *data;
	size_t salt_len = 0, len;

	if (argc < 2 || argc > 3)
		return fail("usage: sha256_digest FILE [SALT_HEX]");
	if (argc == 3 && parse_hex(argv[2], salt, sizeof(salt), &salt_len))
		return fail("bad salt");
	data = read_file(argv[1], &len);
	if (!data)
		return fail("cannot read the file");
	for (size_t i = 0; i < verity_sha256_impl_count(); i++) {
		const struct verity_sha256_impl *impl = verity_sha256_impl_at(i);
		uint8_t out[3][VERITY_SHA256_DIGEST_SIZE];

		if (!impl->cpu_supported())
			continue;
		if (digest(impl, data, len, NULL, 0, VERITY_SALT_PREFIX, out[0]) ||
		    digest(impl, data, len, salt, salt_len, VERITY_SALT_PREFIX, out[1]) ||
		    digest(impl, data, len, salt, salt_len, VERITY_SALT_SUFFIX, out[2]))
			return 2;
		printf("%s", impl->name);
		for (int k = 0; k < 3; k++) {
			printf(" ");
			for (int j = 0; j < VERITY_SHA256_DIGEST_SIZE; j++)
				printf("%02x", out[k][j]);
		}
		printf("\n");
	}
	free(data);
	return 0;
}
