/* SPDX-License-Identifier: MIT */
/*
 * Full-tree verification of a small image whose parameters, data and
 * corruptions come from the input (fuzz/image.h): built with verity_format(),
 * then corrupted, then checked with verity_verify().
 *
 * Invariants: the image as built verifies; the corrupted one verifies if and
 * only if no byte the tree covers changed (data, the tree itself, the root
 * digest: bytes before the tree are free); a failure names a block that
 * really changed, with its kind, level and position; with two threads
 * (header flag) the same failure is reported as with one.
 */
#include "fuzz/image.h"

static int verify(const struct fuzz_image *img, const struct verity_params *params,
                  const uint8_t *data, const uint8_t *hash, unsigned threads,
                  struct verity_verify_result *result)
{
	struct verity_memory_bdev data_mem, hash_mem;
	struct verity_bdev data_dev, hash_dev;
	struct verity_tree_options opts;

	FUZZ_CHECK(verity_bdev_from_memory(&data_dev, &data_mem, data, img->data_len) == 0);
	FUZZ_CHECK(verity_bdev_from_memory(&hash_dev, &hash_mem, hash, img->hash_len) == 0);
	memset(&opts, 0, sizeof(opts));
	opts.threads = threads;
	opts.extent_size = img->extent_blocks * params->data_block_size;
	memset(result, 0xa5, sizeof(*result));
	return verity_verify(params, &data_dev, &hash_dev, &opts, result);
}

static void check_failure(const struct fuzz_image *img, int ret,
                          const struct verity_verify_result *r)
{
	const struct verity_geometry *geo = &img->geo;
	uint64_t top;

	FUZZ_CHECK(r->error == ret);
	switch (ret) {
	case VERITY_E_CORRUPT_DATA:
		FUZZ_CHECK(r->kind == VERITY_BLOCK_DATA && r->level == 0);
		FUZZ_CHECK(fuzz_image_data_changed(img, r->block));
		FUZZ_CHECK(r->position == r->block * img->params.data_block_size);
		break;
	case VERITY_E_CORRUPT_HASH:
	case VERITY_E_CORRUPT_PADDING:
		FUZZ_CHECK(r->kind == VERITY_BLOCK_HASH && r->level < geo->levels);
		FUZZ_CHECK(r->block >= geo->level_start[r->level] &&
		           r->block < geo->level_start[r->level] + geo->level_blocks[r->level]);
		FUZZ_CHECK(fuzz_image_hash_block_changed(img, r->block));
		FUZZ_CHECK(r->position / img->params.hash_block_size == r->block);
		FUZZ_CHECK(ret != VERITY_E_CORRUPT_HASH ||
		           r->position == r->block * img->params.hash_block_size);
		break;
	case VERITY_E_ROOT_MISMATCH:
		if (geo->levels == 0) {
			FUZZ_CHECK(fuzz_image_root_changed(img) || fuzz_image_data_changed(img, 0));
		} else {
			top = geo->level_start[geo->levels - 1];
			FUZZ_CHECK(fuzz_image_root_changed(img) ||
			           fuzz_image_hash_block_changed(img, top));
		}
		break;
	default:
		fprintf(stderr, "tree_verify: unexpected error %d\n", ret);
		FUZZ_CHECK(!"a corruption gives a corruption code");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	struct fuzz_image img;
	struct verity_verify_result result, result2;
	unsigned threads;
	int ret;

	fuzz_input_init(&in, data, size);
	fuzz_image_read(&img, &in);
	if (!fuzz_image_build(&img, &in))
		return 0;
	threads = img.flags & 1 ? 2 : 1;

	ret = verify(&img, &img.params, img.data, img.hash, 1, &result);
	if (ret != 0)
		fprintf(stderr, "tree_verify: image as built fails with %d\n", ret);
	FUZZ_CHECK(ret == 0 && result.error == 0);

	ret = verify(&img, &img.bad_params, img.bad_data, img.bad_hash, threads, &result);
	FUZZ_LOG("tree_verify: %s %u levels, %llu blocks, corrupted: %d (%s) kind %u block %llu\n",
	         img.params.algorithm, img.geo.levels, (unsigned long long)img.params.data_blocks,
	         ret, verity_strerror(ret), result.kind, (unsigned long long)result.block);
	FUZZ_CHECK((ret == 0) == !fuzz_image_anything_changed(&img));
	if (ret != 0) {
		check_failure(&img, ret, &result);
		if (threads > 1) {
			FUZZ_CHECK(verify(&img, &img.bad_params, img.bad_data, img.bad_hash, 1,
			                  &result2) == ret);
			FUZZ_CHECK(result2.kind == result.kind && result2.block == result.block &&
			           result2.position == result.position);
		}
	}
	fuzz_image_free(&img);
	return 0;
}
