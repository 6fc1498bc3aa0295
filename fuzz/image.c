/* SPDX-License-Identifier: MIT */
#include "fuzz/image.h"

static const char *const algorithms[] = {"sha256", "sha256", "sha256", "sha256",
                                         "sha1",   "sha512", "sha224", "sha384"};

void fuzz_image_read(struct fuzz_image *img, struct fuzz_input *in)
{
	struct verity_params *p = &img->params;
	uint8_t cfg, b;

	memset(img, 0, sizeof(*img));
	cfg = fuzz_u8(in);
	p->hash_type = cfg & 1;
	strcpy(p->algorithm, algorithms[(cfg >> 1) & 7]);
	img->flags = cfg >> 4;
	p->data_block_size = 512u << (fuzz_u8(in) & 3);
	p->hash_block_size = 512u << (fuzz_u8(in) & 3);
	p->data_blocks = 1 + (uint64_t)fuzz_u8(in);
	if (p->data_blocks * p->data_block_size > FUZZ_IMAGE_MAX_DATA)
		p->data_blocks = FUZZ_IMAGE_MAX_DATA / p->data_block_size;
	p->hash_start_block = fuzz_u8(in) % 3;
	b = fuzz_u8(in);
	p->salt_size = b <= 200 ? b % 33u : b;
	fuzz_bytes(in, p->salt, p->salt_size);
	img->extent_blocks = 1 + fuzz_u8(in) % 16;
	img->ncorrupt = fuzz_u8(in) % (FUZZ_IMAGE_MAX_CORRUPT + 1);
	for (unsigned i = 0; i < img->ncorrupt; i++) {
		img->corrupt[i].where = fuzz_u8(in) & 3;
		img->corrupt[i].offset = fuzz_u32(in);
		b = fuzz_u8(in);
		img->corrupt[i].xor_mask = b ? b : 0x80;
	}
}

struct recording_writer {
	uint8_t *hash;
	uint8_t *written; /* times each byte was written */
	size_t len;
};

static int record_write(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	struct recording_writer *w = user_data;

	FUZZ_CHECK(offset <= w->len && len <= w->len - offset);
	memcpy(w->hash + offset, buf, len);
	for (size_t i = 0; i < len; i++)
		w->written[offset + i]++;
	return 0;
}

static void apply_corruptions(struct fuzz_image *img)
{
	for (unsigned i = 0; i < img->ncorrupt; i++) {
		const struct fuzz_corruption *c = &img->corrupt[i];
		uint64_t tree_len = img->tree_end - img->tree_start;

		switch (c->where) {
		case FUZZ_CORRUPT_DATA:
			img->bad_data[c->offset % img->data_len] ^= c->xor_mask;
			break;
		case FUZZ_CORRUPT_HASH:
			img->bad_hash[c->offset % img->hash_len] ^= c->xor_mask;
			break;
		case FUZZ_CORRUPT_TREE:
			if (tree_len)
				img->bad_hash[img->tree_start + c->offset % tree_len] ^=
				    c->xor_mask;
			break;
		default:
			img->bad_params.root_digest[c->offset % img->params.root_digest_size] ^=
			    c->xor_mask;
			break;
		}
	}
}

bool fuzz_image_build(struct fuzz_image *img, struct fuzz_input *in)
{
	struct verity_params *p = &img->params;
	struct verity_memory_bdev mem;
	struct verity_bdev data_dev;
	struct verity_writer writer;
	struct recording_writer rec;
	struct verity_tree_options opts;
	const uint8_t *rest;
	size_t rest_len;

	if (verity_geometry_init(&img->geo, p) != 0)
		return false; /* e.g. sha512 digests in 512-byte hash blocks are fine, others not */
	img->data_len = (size_t)p->data_blocks * p->data_block_size;
	img->tree_start = p->hash_start_block * p->hash_block_size;
	img->tree_end = img->geo.hash_end_block * p->hash_block_size;
	img->hash_len = (size_t)img->tree_end;
	if (img->hash_len == 0)
		img->hash_len = 1; /* one data block: no tree, keep a device anyway */
	img->data = calloc(1, img->data_len);
	img->bad_data = malloc(img->data_len);
	img->hash = malloc(img->hash_len);
	img->bad_hash = malloc(img->hash_len);
	rec.written = calloc(1, img->hash_len);
	FUZZ_CHECK(img->data && img->bad_data && img->hash && img->bad_hash && rec.written);
	rest = fuzz_rest(in, &rest_len);
	memcpy(img->data, rest, rest_len < img->data_len ? rest_len : img->data_len);
	/* Bytes format must not touch: the area before the tree. */
	memset(img->hash, 0xee, img->hash_len);

	FUZZ_CHECK(verity_bdev_from_memory(&data_dev, &mem, img->data, img->data_len) == 0);
	rec.hash = img->hash;
	rec.len = img->hash_len;
	writer.user_data = &rec;
	writer.write = record_write;
	memset(&opts, 0, sizeof(opts));
	opts.threads = 1;
	opts.extent_size = img->extent_blocks * p->data_block_size;
	FUZZ_CHECK(verity_format(p, &data_dev, &writer, &opts) == 0);
	FUZZ_CHECK(p->root_digest_size == img->geo.digest_size);
	for (size_t i = 0; i < img->hash_len; i++) {
		bool in_tree = i >= img->tree_start && i < img->tree_end;

		FUZZ_CHECK(rec.written[i] == (in_tree ? 1 : 0));
	}
	free(rec.written);

	img->bad_params = *p;
	memcpy(img->bad_data, img->data, img->data_len);
	memcpy(img->bad_hash, img->hash, img->hash_len);
	apply_corruptions(img);
	return true;
}

bool fuzz_image_data_changed(const struct fuzz_image *img, uint64_t block)
{
	size_t size = img->params.data_block_size;

	FUZZ_CHECK(block < img->params.data_blocks);
	return memcmp(img->data + block * size, img->bad_data + block * size, size) != 0;
}

bool fuzz_image_hash_block_changed(const struct fuzz_image *img, uint64_t block)
{
	size_t size = img->params.hash_block_size;

	FUZZ_CHECK(block >= img->params.hash_start_block && block < img->geo.hash_end_block);
	return memcmp(img->hash + block * size, img->bad_hash + block * size, size) != 0;
}

bool fuzz_image_root_changed(const struct fuzz_image *img)
{
	return memcmp(img->params.root_digest, img->bad_params.root_digest,
	              sizeof(img->params.root_digest)) != 0;
}

bool fuzz_image_anything_changed(const struct fuzz_image *img)
{
	return fuzz_image_root_changed(img) ||
	       memcmp(img->data, img->bad_data, img->data_len) != 0 ||
	       memcmp(img->hash + img->tree_start, img->bad_hash + img->tree_start,
	              img->tree_end - img->tree_start) != 0;
}

void fuzz_image_free(struct fuzz_image *img)
{
	free(img->data);
	free(img->bad_data);
	free(img->hash);
	free(img->bad_hash);
}
