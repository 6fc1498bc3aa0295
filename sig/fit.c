/* SPDX-License-Identifier: MIT */
/* Image parameters from a U-Boot FIT "dm-verity" node (doc/usage/fit/dm-verity.rst). */
#include <string.h>

#include <libfdt.h>

#include "libverity.h"
#include "sig/fdt.h"
#include "verity/util.h"

/* A u32 (or, for block counts, u64) big-endian property. */
static int get_uint(const void *blob, int node, const char *name, bool allow_u64, uint64_t *value)
{
	int len;
	const uint8_t *data = fdt_getprop(blob, node, name, &len);

	if (!data)
		return VERITY_E_DT_BAD_PARAMS;
	if (len == 4) {
		fdt32_t v;

		memcpy(&v, data, sizeof(v));
		*value = fdt32_to_cpu(v);
		return 0;
	}
	if (len == 8 && allow_u64) {
		fdt64_t v;

		memcpy(&v, data, sizeof(v));
		*value = fdt64_to_cpu(v);
		return 0;
	}
	return VERITY_E_DT_BAD_PARAMS;
}

static const struct {
	const char *property;
	uint32_t flag;
} fit_flags[] = {
    {"restart-on-corruption", VERITY_FIT_RESTART_ON_CORRUPTION},
    {"panic-on-corruption", VERITY_FIT_PANIC_ON_CORRUPTION},
    {"restart-on-error", VERITY_FIT_RESTART_ON_ERROR},
    {"panic-on-error", VERITY_FIT_PANIC_ON_ERROR},
    {"check-at-most-once", VERITY_FIT_CHECK_AT_MOST_ONCE},
};

int verity_params_from_fit(const void *blob, size_t size, const char *path,
                           struct verity_params *params, uint32_t *flags)
{
	struct verity_geometry geo;
	const char *algo;
	const uint8_t *digest, *salt;
	uint64_t data_bs, hash_bs, data_blocks, hash_start;
	int node, len, digest_len, salt_len, ret;
	uint32_t digest_size;

	if (!blob || !path || !params)
		return VERITY_E_INVAL;
	if (size > INT32_MAX || verity_fdt_check(blob, size) != 0)
		return VERITY_E_KEYRING_BAD_DTB;
	node = fdt_path_offset(blob, path);
	if (node < 0)
		return VERITY_E_KEYRING_DTB_NO_NODE;

	algo = fdt_getprop(blob, node, "algo", &len);
	if (!algo || len <= 1 || algo[len - 1] != '\0' || strlen(algo) != (size_t)len - 1 ||
	    (size_t)len > sizeof(params->algorithm))
		return VERITY_E_DT_BAD_PARAMS;
	digest_size = verity_hash_digest_size(algo);
	if (digest_size == 0)
		return VERITY_E_BAD_HASH_ALG;
	if (get_uint(blob, node, "data-block-size", false, &data_bs) ||
	    get_uint(blob, node, "hash-block-size", false, &hash_bs) ||
	    get_uint(blob, node, "num-data-blocks", true, &data_blocks) ||
	    get_uint(blob, node, "hash-start-block", true, &hash_start))
		return VERITY_E_DT_BAD_PARAMS;
	if (!verity_is_valid_block_size((uint32_t)data_bs) ||
	    !verity_is_valid_block_size((uint32_t)hash_bs) || data_blocks == 0)
		return VERITY_E_DT_BAD_PARAMS;
	digest = fdt_getprop(blob, node, "digest", &digest_len);
	if (!digest || (uint32_t)digest_len != digest_size)
		return VERITY_E_DT_BAD_PARAMS;
	salt = fdt_getprop(blob, node, "salt", &salt_len);
	if (!salt) {
		if (salt_len != -FDT_ERR_NOTFOUND)
			return VERITY_E_DT_BAD_PARAMS;
		salt_len = 0;
	}
	if (salt_len < 0 || salt_len > VERITY_MAX_SALT_SIZE)
		return VERITY_E_DT_BAD_PARAMS;

	memset(params, 0, sizeof(*params));
	params->hash_type = 1;
	memcpy(params->algorithm, algo, (size_t)len);
	params->data_block_size = (uint32_t)data_bs;
	params->hash_block_size = (uint32_t)hash_bs;
	params->data_blocks = data_blocks;
	params->hash_start_block = hash_start;
	params->salt_size = (uint32_t)salt_len;
	if (salt_len)
		memcpy(params->salt, salt, (size_t)salt_len);
	params->root_digest_size = digest_size;
	memcpy(params->root_digest, digest, digest_size);
	ret = verity_geometry_init(&geo, params);
	if (ret)
		return ret;
	if (flags) {
		*flags = 0;
		for (size_t i = 0; i < sizeof(fit_flags) / sizeof(fit_flags[0]); i++)
			if (fdt_getprop(blob, node, fit_flags[i].property, &len))
				*flags |= fit_flags[i].flag;
	}
	return 0;
}
