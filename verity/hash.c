/* SPDX-License-Identifier: MIT */
#include <string.h>

#include <mbedtls/md.h>

#include "verity/hash.h"

static const struct {
	const char *name;
	enum verity_hash_alg alg;
	uint32_t digest_size;
} algorithms[] = {
    {"sha256", VERITY_HASH_SHA256, 32}, {"sha1", VERITY_HASH_SHA1, 20},
    {"sha224", VERITY_HASH_SHA224, 28}, {"sha384", VERITY_HASH_SHA384, 48},
    {"sha512", VERITY_HASH_SHA512, 64},
};

int verity_hash_lookup(const char *name, enum verity_hash_alg *alg, uint32_t *digest_size)
{
	if (!name)
		return VERITY_E_BAD_HASH_ALG;
	for (size_t i = 0; i < sizeof(algorithms) / sizeof(algorithms[0]); i++) {
		if (strcmp(algorithms[i].name, name) == 0) {
			if (alg)
				*alg = algorithms[i].alg;
			if (digest_size)
				*digest_size = algorithms[i].digest_size;
			return 0;
		}
	}
	return VERITY_E_BAD_HASH_ALG;
}

uint32_t verity_hash_digest_size(const char *algorithm)
{
	uint32_t size = 0;

	if (verity_hash_lookup(algorithm, NULL, &size) != 0)
		return 0;
	return size;
}

int verity_hasher_init(struct verity_hasher *hasher, const struct verity_params *params)
{
	int ret;

	if (!hasher || !params)
		return VERITY_E_INVAL;
	if (params->hash_type > 1)
		return VERITY_E_BAD_HASH_TYPE;
	if (params->salt_size > VERITY_MAX_SALT_SIZE)
		return VERITY_E_SALT_TOO_LONG;
	if (memchr(params->algorithm, '\0', sizeof(params->algorithm)) == NULL)
		return VERITY_E_BAD_HASH_ALG;
	ret = verity_hash_lookup(params->algorithm, &hasher->alg, &hasher->digest_size);
	if (ret)
		return ret;
	hasher->salt = params->salt;
	hasher->salt_len = params->salt_size;
	hasher->salt_pos = params->hash_type == 1 ? VERITY_SALT_PREFIX : VERITY_SALT_SUFFIX;
	return 0;
}

static mbedtls_md_type_t md_type(enum verity_hash_alg alg)
{
	switch (alg) {
	case VERITY_HASH_SHA1:
		return MBEDTLS_MD_SHA1;
	case VERITY_HASH_SHA224:
		return MBEDTLS_MD_SHA224;
	case VERITY_HASH_SHA384:
		return MBEDTLS_MD_SHA384;
	case VERITY_HASH_SHA512:
		return MBEDTLS_MD_SHA512;
	default:
		return MBEDTLS_MD_NONE;
	}
}

/* Block i at @list[i], or at @blocks + i * @block_size when @list is NULL. */
static int md_hash_blocks(const struct verity_hasher *hasher, const uint8_t *blocks,
                          const uint8_t *const *list, size_t block_size, size_t n, uint8_t *digests)
{
	const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md_type(hasher->alg));
	mbedtls_md_context_t ctx;
	int ret = 0;

	if (!info || mbedtls_md_get_size(info) != hasher->digest_size)
		return VERITY_E_BAD_HASH_ALG;
	mbedtls_md_init(&ctx);
	if (mbedtls_md_setup(&ctx, info, 0) != 0) {
		mbedtls_md_free(&ctx);
		return VERITY_E_NOMEM;
	}
	for (size_t i = 0; i < n && ret == 0; i++) {
		const uint8_t *block = list ? list[i] : blocks + i * block_size;
		bool prefix = hasher->salt_pos == VERITY_SALT_PREFIX;

		if (mbedtls_md_starts(&ctx) ||
		    (prefix && mbedtls_md_update(&ctx, hasher->salt, hasher->salt_len)) ||
		    mbedtls_md_update(&ctx, block, block_size) ||
		    (!prefix && mbedtls_md_update(&ctx, hasher->salt, hasher->salt_len)) ||
		    mbedtls_md_finish(&ctx, digests + i * hasher->digest_size))
			ret = VERITY_E_BAD_HASH_ALG;
	}
	mbedtls_md_free(&ctx);
	return ret;
}

static int hash_blocks(const struct verity_hasher *hasher, const uint8_t *blocks,
                       const uint8_t *const *list, size_t block_size, size_t n, uint8_t *digests)
{
	if (n == 0)
		return 0;
	if (!hasher || !(blocks || list) || !digests)
		return VERITY_E_INVAL;
	if (hasher->alg == VERITY_HASH_SHA256)
		return list ? verity_sha256_hash_list(list, block_size, n, hasher->salt,
		                                      hasher->salt_len, hasher->salt_pos, digests)
		            : verity_sha256_hash_many(blocks, block_size, block_size, n,
		                                      hasher->salt, hasher->salt_len,
		                                      hasher->salt_pos, digests);
	for (size_t i = 0; list && i < n; i++)
		if (!list[i])
			return VERITY_E_INVAL;
	return md_hash_blocks(hasher, blocks, list, block_size, n, digests);
}

int verity_hash_blocks(const struct verity_hasher *hasher, const uint8_t *blocks, size_t block_size,
                       size_t n, uint8_t *digests)
{
	return hash_blocks(hasher, blocks, NULL, block_size, n, digests);
}

int verity_hash_block_list(const struct verity_hasher *hasher, const uint8_t *const blocks[],
                           size_t block_size, size_t n, uint8_t *digests)
{
	return hash_blocks(hasher, NULL, blocks, block_size, n, digests);
}
