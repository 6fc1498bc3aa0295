/* SPDX-License-Identifier: MIT */
/*
 * The top hash block does not hash to the root hash: is the root hash wrong,
 * or is something below corrupt? veritysetup checks from the data up, so it
 * reports a corrupt data or hash block (2) before a wrong root hash (1);
 * verify and read answer the same way through this check.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

static int discard(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	(void)user_data;
	(void)offset;
	(void)buf;
	(void)len;
	return 0;
}

bool cli_top_block(const struct verity_params *params, uint64_t *block)
{
	struct verity_geometry geo;

	if (verity_geometry_init(&geo, params) != 0 || geo.levels == 0)
		return false;
	*block = geo.level_start[geo.levels - 1];
	return true;
}

int cli_check_below_top(const struct cli_image *img, const struct verity_tree_options *topts,
                        struct verity_verify_result *below)
{
	struct verity_params top = img->params, tree = img->params;
	struct verity_writer none = {NULL, discard};
	struct verity_memory_bdev mem_ctx;
	struct verity_bdev mem;
	uint64_t block;
	uint8_t *buf;
	int err;

	memset(below, 0, sizeof(*below));
	if (!cli_top_block(&img->params, &block))
		return VERITY_E_INVAL;
	buf = malloc(img->params.hash_block_size);
	if (!buf)
		return VERITY_E_NOMEM;
	/* The digest of the stored top block: the root of a one-block tree over it. */
	top.data_block_size = top.hash_block_size;
	top.data_blocks = 1;
	top.hash_start_block = 0;
	err = verity_bdev_read(&img->hash, block * img->params.hash_block_size, buf,
	                       img->params.hash_block_size);
	if (!err)
		err = verity_bdev_from_memory(&mem, &mem_ctx, buf, img->params.hash_block_size);
	if (!err)
		err = verity_format(&top, &mem, &none, NULL);
	free(buf);
	if (err)
		return err;
	memcpy(tree.root_digest, top.root_digest, top.root_digest_size);
	verity_verify(&tree, &img->data, &img->hash, topts, below);
	return 0;
}
