/* SPDX-License-Identifier: MIT */
/*
 * The one call: superblock, parameter rules, root hash, signature, device.
 * The parameter rules live here only; verify-image calls this too, so the
 * command-line tool and a bootloader resolve an image the same way.
 */
#include <string.h>

#include "verity/util.h"

#define OPEN_FLAGS VERITY_OPEN_NO_SUPERBLOCK

static int fail(struct verity_open_info *info, uint32_t step, int err)
{
	info->step = step;
	return err;
}

static bool reserved_zero(const struct verity_open_params *p)
{
	for (size_t i = 0; i < sizeof(p->reserved) / sizeof(p->reserved[0]); i++)
		if (p->reserved[i])
			return false;
	return true;
}

static int read_superblock(const struct verity_open_params *p, const struct verity_bdev *hash,
                           struct verity_open_info *info)
{
	uint8_t sb[VERITY_SUPERBLOCK_SIZE];
	int ret;

	if (p->hash_offset % 512)
		return VERITY_E_BAD_HASH_OFFSET;
	if (hash->size < VERITY_SUPERBLOCK_SIZE ||
	    p->hash_offset > hash->size - VERITY_SUPERBLOCK_SIZE)
		return VERITY_E_HASH_DEVICE_TOO_SMALL;
	ret = verity_bdev_read(hash, p->hash_offset, sb, sizeof(sb));
	if (ret)
		return ret;
	ret = verity_superblock_parse(sb, sizeof(sb), p->hash_offset, &info->params, info->uuid);
	if (ret)
		return ret;
	info->superblock = true;
	return 0;
}

int verity_resolve_data_area(struct verity_params *params, uint64_t data_size, bool one_device,
                             bool superblock, uint64_t hash_offset)
{
	struct verity_params probe;
	struct verity_geometry geo;
	uint64_t area;
	int ret;

	if (!params)
		return VERITY_E_INVAL;
	/* Block sizes, algorithm and salt first, so that their errors come first. */
	probe = *params;
	if (probe.data_blocks == 0)
		probe.data_blocks = 1;
	ret = verity_geometry_init(&geo, &probe);
	if (ret)
		return ret;
	if (params->data_blocks == 0)
		params->data_blocks = data_size / params->data_block_size;
	if (params->data_blocks == 0 || data_size / params->data_block_size < params->data_blocks)
		return VERITY_E_DATA_DEVICE_TOO_SMALL;
	ret = verity_geometry_init(&geo, params);
	if (ret || !one_device)
		return ret;
	/* One device: the data must end where the superblock or the tree begins. */
	if (superblock)
		area = hash_offset;
	else if (verity_mul_overflow_u64(params->hash_start_block, params->hash_block_size, &area))
		return VERITY_E_OVERFLOW;
	return verity_check_overlap(params, area);
}

static int resolve_root(const struct verity_open_params *p, struct verity_params *params)
{
	uint32_t ds = verity_hash_digest_size(params->algorithm);
	size_t n;
	int ret;

	if (p->root_hex) {
		ret = verity_hex_to_digest(p->root_hex, strlen(p->root_hex), params->root_digest,
		                           sizeof(params->root_digest), &n);
		if (ret)
			return ret;
	} else {
		if (p->root_digest_size > sizeof(params->root_digest))
			return VERITY_E_BAD_ROOT_DIGEST;
		n = p->root_digest_size;
		memcpy(params->root_digest, p->root_digest, n);
	}
	if (n != ds)
		return VERITY_E_BAD_ROOT_DIGEST;
	params->root_digest_size = (uint32_t)n;
	return 0;
}

int verity_open_resolve(const struct verity_open_params *p, struct verity_open_info *info)
{
	bool no_sb, has_root;
	const struct verity_bdev *hash;
	int ret;

	if (!info)
		return VERITY_E_INVAL;
	memset(info, 0, sizeof(*info));
	if (!p)
		return VERITY_E_INVAL;
	hash = p->hash ? p->hash : p->data;
	no_sb = (p->flags & VERITY_OPEN_NO_SUPERBLOCK) != 0;
	has_root = p->root_hex || p->root_digest;
	if (!hash || !reserved_zero(p) || (p->flags & ~OPEN_FLAGS) || no_sb != (p->tree != NULL) ||
	    (p->root_hex && p->root_digest) || (p->signature && !p->keyring) ||
	    ((p->keyring || p->signature) && !has_root))
		return VERITY_E_INVAL;

	if (no_sb) {
		info->params = *p->tree;
		info->params.hash_start_block = 0;
		info->params.root_digest_size = 0;
		memset(info->params.root_digest, 0, sizeof(info->params.root_digest));
		ret = verity_hash_start_block(p->hash_offset, info->params.hash_block_size, false,
		                              &info->params.hash_start_block);
		if (ret)
			return fail(info, VERITY_OPEN_STEP_PARAMS, ret);
	} else {
		ret = read_superblock(p, hash, info);
		if (ret)
			return fail(info, VERITY_OPEN_STEP_SUPERBLOCK, ret);
	}
	if (p->data) {
		ret = verity_resolve_data_area(&info->params, p->data->size, p->hash == NULL,
		                               info->superblock, p->hash_offset);
		if (ret)
			return fail(info, VERITY_OPEN_STEP_PARAMS, ret);
	}
	if (!has_root)
		return 0;
	ret = resolve_root(p, &info->params);
	if (ret)
		return fail(info, VERITY_OPEN_STEP_ROOT, ret);
	if (!p->keyring)
		return 0;
	if (!p->signature)
		return fail(info, VERITY_OPEN_STEP_SIGNATURE, VERITY_E_SIG_MISSING);
	/* The digest checked here is the one the device is opened with. */
	ret = verity_sig_verify_digest(p->keyring, p->signature, p->signature_size,
	                               info->params.root_digest, info->params.root_digest_size,
	                               p->sig_options, p->sig_result);
	return ret ? fail(info, VERITY_OPEN_STEP_SIGNATURE, ret) : 0;
}

int verity_open(const struct verity_open_params *p, struct verity_device **dev,
                struct verity_open_info *info)
{
	struct verity_open_info local;
	const struct verity_bdev *hash;
	int ret;

	if (!info)
		info = &local;
	if (dev)
		*dev = NULL;
	if (!dev || !p || !p->data || (!p->root_hex && !p->root_digest)) {
		memset(info, 0, sizeof(*info));
		return VERITY_E_INVAL;
	}
	ret = verity_open_resolve(p, info);
	if (ret)
		return ret;
	hash = p->hash ? p->hash : p->data;
	ret = verity_device_open(dev, &info->params, p->data, hash, p->device_options);
	if (ret == VERITY_E_BUDGET_TOO_SMALL)
		verity_device_min_budget(&info->params, p->device_options,
		                         &info->min_memory_budget);
	return ret ? fail(info, VERITY_OPEN_STEP_DEVICE, ret) : 0;
}
