/* SPDX-License-Identifier: MIT */
/*
 * Small verity images described by fuzz input, for the verifier harnesses:
 * a header picks the geometry, salt, version and a list of corruptions; the
 * rest of the input is the data. The image is built with the library's own
 * verity_format() and kept twice: as built, and corrupted.
 */
#ifndef VERITY_FUZZ_IMAGE_H
#define VERITY_FUZZ_IMAGE_H

#include "fuzz/fuzz.h"
#include "libverity.h"

#define FUZZ_IMAGE_MAX_DATA    (64u * 1024u)
#define FUZZ_IMAGE_MAX_CORRUPT 6

enum fuzz_corrupt_where {
	FUZZ_CORRUPT_DATA = 0, /* a data byte */
	FUZZ_CORRUPT_HASH = 1, /* a byte anywhere on the hash device */
	FUZZ_CORRUPT_TREE = 2, /* a byte of the tree itself */
	FUZZ_CORRUPT_ROOT = 3, /* a byte of the expected root digest */
};

struct fuzz_corruption {
	uint8_t where;
	uint32_t offset;
	uint8_t xor_mask;
};

struct fuzz_image {
	struct verity_params params;     /* root digest as formatted */
	struct verity_params bad_params; /* root digest possibly corrupted */
	struct verity_geometry geo;
	uint32_t extent_blocks; /* verity_tree_options.extent_size in data blocks */
	uint8_t flags;          /* spare header bits for the harness */
	unsigned ncorrupt;
	struct fuzz_corruption corrupt[FUZZ_IMAGE_MAX_CORRUPT];
	uint8_t *data, *bad_data;
	size_t data_len;
	uint8_t *hash, *bad_hash;
	size_t hash_len;
	uint64_t tree_start, tree_end; /* byte range of the tree on the hash device */
};

/* Reads the header, salt and corruption list from the front of @in. */
void fuzz_image_read(struct fuzz_image *img, struct fuzz_input *in);

/*
 * Builds the image from the rest of @in and applies the corruptions; checks
 * verity_format()'s writes on the way. Returns false (nothing allocated) if
 * the parameters are ones the library refuses to format.
 */
bool fuzz_image_build(struct fuzz_image *img, struct fuzz_input *in);

/* Whether any byte the tree covers differs from the image as built. */
bool fuzz_image_data_changed(const struct fuzz_image *img, uint64_t block);
bool fuzz_image_hash_block_changed(const struct fuzz_image *img, uint64_t block);
bool fuzz_image_root_changed(const struct fuzz_image *img);
bool fuzz_image_anything_changed(const struct fuzz_image *img);

void fuzz_image_free(struct fuzz_image *img);

#endif /* VERITY_FUZZ_IMAGE_H */
