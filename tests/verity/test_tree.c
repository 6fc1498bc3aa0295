/* SPDX-License-Identifier: MIT */
/*
 * Geometry, format and full verification in memory: the public vectors of
 * reference/dm-verity-format.md section 11, corruption of every kind found
 * at the right block and position, the same answer with any thread count,
 * and memory use that does not grow with the image.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libverity.h"

#define SALT_HEX "e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d"

static void unhex(const char *hex, uint8_t *out, uint32_t *len)
{
	size_t n = strlen(hex) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned v;

		cr_assert_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	*len = (uint32_t)n;
}

static void to_hex(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static struct verity_params make_params(const char *alg, uint32_t type, uint32_t dbs, uint32_t hbs,
                                        uint64_t blocks, const char *salt_hex)
{
	struct verity_params p;

	memset(&p, 0, sizeof(p));
	strcpy(p.algorithm, alg);
	p.hash_type = type;
	p.data_block_size = dbs;
	p.hash_block_size = hbs;
	p.data_blocks = blocks;
	p.hash_start_block = 1; /* after a superblock at offset 0 */
	unhex(salt_hex, p.salt, &p.salt_size);
	return p;
}

/* Deterministic bytes so that failures reproduce. */
static uint64_t rng = 0x243f6a8885a308d3ull;
static uint32_t rnd32(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* An image in memory: data, and a hash device that format writes into. */
struct image {
	struct verity_params params;
	struct verity_geometry geo;
	uint8_t *data;
	size_t data_len;
	uint8_t *hash;
	size_t hash_len;
	unsigned *writes; /* per hash block */
	struct verity_memory_bdev data_mem, hash_mem;
	struct verity_bdev data_bdev, hash_bdev;
};

static int mem_write(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	struct image *img = user_data;
	uint32_t hbs = img->params.hash_block_size;

	cr_assert(offset % hbs == 0 && len % hbs == 0, "writes are whole hash blocks");
	cr_assert(offset + len <= img->hash_len, "write past the tree end");
	cr_assert(offset >= img->params.hash_start_block * hbs, "write before the tree");
	memcpy(img->hash + offset, buf, len);
	for (uint64_t b = offset / hbs; b < (offset + len) / hbs; b++)
		img->writes[b]++;
	return 0;
}

static void image_build(struct image *img, const struct verity_params *params, bool zero_data,
                        unsigned threads)
{
	struct verity_writer writer = {img, mem_write};
	struct verity_tree_options opts = {.threads = threads};

	memset(img, 0, sizeof(*img));
	img->params = *params;
	cr_assert_eq(verity_geometry_init(&img->geo, params), 0);
	img->data_len = params->data_blocks * params->data_block_size;
	img->data = calloc(1, img->data_len);
	cr_assert_not_null(img->data);
	if (!zero_data)
		for (size_t i = 0; i < img->data_len; i += 4) {
			uint32_t v = rnd32();

			memcpy(img->data + i, &v, 4); /* block sizes are multiples of 4 */
		}
	img->hash_len = img->geo.hash_end_block * params->hash_block_size;
	img->hash = calloc(1, img->hash_len);
	img->writes = calloc(img->geo.hash_end_block, sizeof(unsigned));
	cr_assert(img->hash && img->writes);
	verity_bdev_from_memory(&img->data_bdev, &img->data_mem, img->data, img->data_len);
	cr_assert_eq(verity_format(&img->params, &img->data_bdev, &writer, &opts), 0);
	cr_assert_eq(img->params.root_digest_size, img->geo.digest_size);
	for (uint64_t b = 0; b < img->geo.hash_end_block; b++)
		cr_assert_eq(img->writes[b], b < params->hash_start_block ? 0u : 1u,
		             "hash block %llu written %u times", (unsigned long long)b,
		             img->writes[b]);
	verity_bdev_from_memory(&img->hash_bdev, &img->hash_mem, img->hash, img->hash_len);
}

static void image_free(struct image *img)
{
	free(img->data);
	free(img->hash);
	free(img->writes);
}

static int image_verify(struct image *img, unsigned threads, struct verity_verify_result *r)
{
	struct verity_tree_options opts = {.threads = threads};

	return verity_verify(&img->params, &img->data_bdev, &img->hash_bdev, &opts, r);
}

static void expect_root(const struct image *img, const char *hex)
{
	char got[2 * VERITY_MAX_DIGEST_SIZE + 1];

	to_hex(got, img->params.root_digest, img->params.root_digest_size);
	cr_assert_str_eq(got, hex);
}

/* ---- geometry ---- */

Test(geometry, reference_level_sizes)
{
	struct verity_params p = make_params("sha256", 1, 4096, 4096, 2048, SALT_HEX);
	struct verity_geometry g;

	cr_assert_eq(verity_geometry_init(&g, &p), 0);
	cr_assert_eq(g.levels, 2);
	cr_assert_eq(g.level_blocks[0], 16);
	cr_assert_eq(g.level_blocks[1], 1);
	cr_assert_eq(g.level_start[1], 1, "top level first on disk");
	cr_assert_eq(g.level_start[0], 2);
	cr_assert_eq(g.hash_end_block, 18);

	p = make_params("sha256", 1, 512, 512, 16384, SALT_HEX);
	cr_assert_eq(verity_geometry_init(&g, &p), 0);
	cr_assert_eq(g.levels, 4);
	cr_assert_eq(g.level_blocks[0], 1024);
	cr_assert_eq(g.level_blocks[1], 64);
	cr_assert_eq(g.level_blocks[2], 4);
	cr_assert_eq(g.level_blocks[3], 1);

	p = make_params("sha1", 1, 1024, 1024, 8192, SALT_HEX);
	cr_assert_eq(verity_geometry_init(&g, &p), 0);
	cr_assert_eq(g.hash_per_block_bits, 5);
	cr_assert_eq(g.digest_slot_size, 32);
	p.hash_type = 0;
	cr_assert_eq(verity_geometry_init(&g, &p), 0);
	cr_assert_eq(g.digest_slot_size, 20, "version 0 packs digests");
}

Test(geometry, edge_counts)
{
	struct verity_params p = make_params("sha256", 1, 4096, 4096, 1, "");
	struct verity_geometry g;

	cr_assert_eq(verity_geometry_init(&g, &p), 0);
	cr_assert_eq(g.levels, 0);
	cr_assert_eq(g.hash_end_block, 1);
	p.data_blocks = 128;
	cr_assert_eq(verity_geometry_init(&g, &p), 0);
	cr_assert_eq(g.levels, 1);
	p.data_blocks = 129;
	cr_assert_eq(verity_geometry_init(&g, &p), 0);
	cr_assert_eq(g.levels, 2);
	cr_assert_eq(g.level_blocks[0], 2);
}

Test(geometry, rejects_what_cannot_exist)
{
	struct verity_params p = make_params("sha256", 1, 4096, 4096, 2048, "");
	struct verity_geometry g;
	struct verity_params q;

	q = p;
	q.data_blocks = 1ull << 63;
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_OVERFLOW, "2^63 blocks of 4 KiB");
	q.data_block_size = 512;
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_OVERFLOW, "2^63 blocks of 512 B");
	q = p;
	q.data_blocks = 0;
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_NO_DATA_BLOCKS);
	q = p;
	q.data_block_size = 3;
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_BAD_DATA_BLOCK_SIZE);
	q.data_block_size = 1u << 31;
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_BAD_DATA_BLOCK_SIZE);
	q.data_block_size = 256;
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_BAD_DATA_BLOCK_SIZE);
	q.data_block_size = 1024 * 1024;
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_BAD_DATA_BLOCK_SIZE);
	q = p;
	q.hash_block_size = 3;
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_BAD_HASH_BLOCK_SIZE);
	q.hash_block_size = 1u << 31;
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_BAD_HASH_BLOCK_SIZE);
	q = p;
	q.salt_size = 257;
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_SALT_TOO_LONG);
	q = p;
	strcpy(q.algorithm, "blah");
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_BAD_HASH_ALG);
	q = p;
	memset(q.algorithm, 'a', sizeof(q.algorithm));
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_BAD_HASH_ALG, "no NUL");
	q = p;
	q.hash_type = 3;
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_BAD_HASH_TYPE);
	q = p;
	q.hash_start_block = UINT64_MAX - 5;
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_HASH_AREA_OVERFLOW);
	q = p;
	q.reserved[2] = 1;
	cr_assert_eq(verity_geometry_init(&g, &q), VERITY_E_INVAL);
}

Test(geometry, largest_image_that_fits)
{
	/* 2^52 blocks of 4 KiB is 2^64 bytes: one block fewer fits. */
	struct verity_params p = make_params("sha256", 1, 4096, 4096, (1ull << 52) - 1, "");
	struct verity_geometry g;

	cr_assert_eq(verity_geometry_init(&g, &p), 0);
	cr_assert_eq(g.levels, 8); /* ceil(52 / 7) */
	cr_assert_eq(g.level_blocks[g.levels - 1], 1);
	p.data_blocks = 1ull << 52;
	cr_assert_eq(verity_geometry_init(&g, &p), VERITY_E_OVERFLOW);
}

/* ---- format: public vectors (reference section 11) ---- */

static const struct {
	uint32_t bs;
	const char *alg;
	uint32_t version;
	const char *salt;
	const char *root;
} zero_vectors[] = {
    {512, "sha256", 1, SALT_HEX,
     "9de18652fe74edfb9b805aaed72ae2aa48f94333f1ba5c452ac33b1c39325174"},
};

/* The whole table, and api-test's vector, run in tests/verity/interop.sh with veritysetup. */
Test(format, cryptsetup_zero_vectors, .timeout = 120)
{
	for (size_t i = 0; i < sizeof(zero_vectors) / sizeof(zero_vectors[0]); i++) {
		uint32_t bs = zero_vectors[i].bs;
		struct verity_params p = make_params(zero_vectors[i].alg, zero_vectors[i].version,
		                                     bs, bs, 8388608 / bs, zero_vectors[i].salt);
		struct image img;
		struct verity_verify_result r;

		image_build(&img, &p, true, 2);
		expect_root(&img, zero_vectors[i].root);
		cr_assert_eq(image_verify(&img, 2, &r), 0, "vector %zu: %s", i,
		             verity_strerror(r.error));
		image_free(&img);
	}
}

Test(format, derived_edge_vectors)
{
	static const struct {
		uint64_t blocks;
		const char *root;
	} v[] = {
	    {1, "6c14ed2d41cb5590edee916ae19a97bf68fe6b178a6086276a37700f1cc5d727"},
	    {128, "d9df0b934096e78af62317143aa4255c652198af1874e2221e1b5a036becf2b5"},
	    {129, "972f53ee9846957311243f1f427554697e6a0d1ae43ce1f79c88b6ac80045170"},
	};

	for (size_t i = 0; i < 3; i++) {
		struct verity_params p =
		    make_params("sha256", 1, 4096, 4096, v[i].blocks, SALT_HEX);
		struct image img;

		image_build(&img, &p, true, 1);
		expect_root(&img, v[i].root);
		cr_assert_eq(image_verify(&img, 1, NULL), 0);
		image_free(&img);
	}
}

Test(format, same_tree_with_any_thread_count_and_extent)
{
	struct verity_params p = make_params("sha256", 1, 512, 1024, 3000, "aabbcc");
	struct image a, b;
	struct verity_writer writer;
	struct verity_tree_options opts = {.threads = 3, .extent_size = 1536};

	image_build(&a, &p, false, 1);
	image_build(&b, &p, false, 4);
	cr_assert_eq(a.hash_len, b.hash_len);
	memcpy(b.data, a.data, a.data_len);
	/* Rebuild b from a's data with odd extents and three threads. */
	memset(b.hash, 0, b.hash_len);
	memset(b.writes, 0, b.geo.hash_end_block * sizeof(unsigned));
	writer = (struct verity_writer){&b, mem_write};
	cr_assert_eq(verity_format(&b.params, &b.data_bdev, &writer, &opts), 0);
	cr_assert_eq(memcmp(a.hash, b.hash, a.hash_len), 0);
	cr_assert_eq(memcmp(a.params.root_digest, b.params.root_digest, 32), 0);
	image_free(&a);
	image_free(&b);
}

/* ---- verify: corruption found where it is ---- */

static void expect_failure(struct image *img, int err, uint32_t kind, uint32_t level,
                           uint64_t block, uint64_t position)
{
	for (unsigned threads = 1; threads <= 4; threads += 3) {
		struct verity_verify_result r;

		cr_assert_eq(image_verify(img, threads, &r), err, "threads %u: got %d (%s)",
		             threads, r.error, verity_strerror(r.error));
		cr_assert_eq(r.error, err);
		cr_assert_eq(r.kind, kind, "threads %u", threads);
		cr_assert_eq(r.level, level, "threads %u", threads);
		cr_assert_eq(r.block, block, "threads %u: block %llu", threads,
		             (unsigned long long)r.block);
		cr_assert_eq(r.position, position, "threads %u: position %llu", threads,
		             (unsigned long long)r.position);
	}
}

Test(verify, corrupt_data_block)
{
	struct verity_params p = make_params("sha256", 1, 4096, 4096, 300, SALT_HEX);
	struct image img;

	image_build(&img, &p, false, 1);
	cr_assert_eq(image_verify(&img, 1, NULL), 0);
	img.data[250 * 4096 + 17] ^= 1;
	expect_failure(&img, VERITY_E_CORRUPT_DATA, VERITY_BLOCK_DATA, 0, 250, 250 * 4096);
	/* Two bad blocks: the first is reported, whatever the threads. */
	img.data[7 * 4096] ^= 0x80;
	expect_failure(&img, VERITY_E_CORRUPT_DATA, VERITY_BLOCK_DATA, 0, 7, 7 * 4096);
	image_free(&img);
}

Test(verify, corrupt_leaf_hash_block_is_reported_as_hash)
{
	/* 300 blocks: leaves 3 (blocks 2..4), top block 1. */
	struct verity_params p = make_params("sha256", 1, 4096, 4096, 300, SALT_HEX);
	struct image img;

	image_build(&img, &p, false, 1);
	cr_assert_eq(img.geo.level_start[0], 2);
	/* Digest of data block 130 lives in leaf block 1 (absolute block 3). */
	img.hash[3 * 4096 + 2 * 32 + 5] ^= 0x10;
	expect_failure(&img, VERITY_E_CORRUPT_HASH, VERITY_BLOCK_HASH, 0, 3, 3 * 4096);
	image_free(&img);
}

Test(verify, corrupt_top_block_or_root)
{
	struct verity_params p = make_params("sha256", 1, 4096, 4096, 300, SALT_HEX);
	struct image img;

	image_build(&img, &p, false, 1);
	cr_assert_eq(image_verify(&img, 1, NULL), 0, "the intact image verifies");
	img.params.root_digest[31] ^= 1;
	expect_failure(&img, VERITY_E_ROOT_MISMATCH, VERITY_BLOCK_HASH, 1, 1, 4096);
	img.params.root_digest[31] ^= 1;
	img.hash[4096 + 40] ^= 4;
	expect_failure(&img, VERITY_E_ROOT_MISMATCH, VERITY_BLOCK_HASH, 1, 1, 4096);
	image_free(&img);
}

Test(verify, single_block_image_checks_data_against_root)
{
	struct verity_params p = make_params("sha256", 1, 4096, 4096, 1, SALT_HEX);
	struct image img;

	image_build(&img, &p, false, 1);
	cr_assert_eq(image_verify(&img, 2, NULL), 0);
	img.data[4095] ^= 1;
	expect_failure(&img, VERITY_E_ROOT_MISMATCH, VERITY_BLOCK_DATA, 0, 0, 0);
	image_free(&img);
}

Test(verify, dirty_padding)
{
	/* Last leaf (block 4) holds 300 - 256 = 44 digests: spare area from byte 1408. */
	struct verity_params p = make_params("sha256", 1, 4096, 4096, 300, SALT_HEX);
	struct image img;

	image_build(&img, &p, false, 1);
	img.hash[4 * 4096 + 3000] = 0xff;
	expect_failure(&img, VERITY_E_CORRUPT_PADDING, VERITY_BLOCK_HASH, 0, 4, 4 * 4096 + 44 * 32);
	image_free(&img);

	/* sha1, version 1: 32-byte slots with 12 spare bytes each. */
	p = make_params("sha1", 1, 1024, 1024, 100, "00ff");
	image_build(&img, &p, false, 1);
	cr_assert_eq(image_verify(&img, 1, NULL), 0);
	/* Leaf level: blocks 2..5 (32 digests each); slot 3 of leaf 1 is data block 35. */
	cr_assert_eq(img.geo.level_start[0], 2);
	img.hash[3 * 1024 + 3 * 32 + 25] = 1;
	expect_failure(&img, VERITY_E_CORRUPT_PADDING, VERITY_BLOCK_HASH, 0, 3,
	               3 * 1024 + 3 * 32 + 20);
	image_free(&img);
}

Test(verify, version0_sha512_small_blocks)
{
	/* sha512 in 512-byte hash blocks: 8 digests per block, many levels. */
	struct verity_params p = make_params("sha512", 0, 512, 512, 1000, "");
	struct image img;

	image_build(&img, &p, false, 2);
	cr_assert_eq(img.geo.levels, 4);
	cr_assert_eq(image_verify(&img, 1, NULL), 0);
	/* A middle-level block: level 1, index 3. */
	img.hash[(img.geo.level_start[1] + 3) * 512 + 64] ^= 1;
	expect_failure(&img, VERITY_E_CORRUPT_HASH, VERITY_BLOCK_HASH, 1,
	               img.geo.level_start[1] + 3, (img.geo.level_start[1] + 3) * 512);
	image_free(&img);
}

Test(verify, truncated_devices_and_bad_root)
{
	struct verity_params p = make_params("sha256", 1, 4096, 4096, 300, SALT_HEX);
	struct image img;
	struct verity_memory_bdev m;
	struct verity_bdev short_bdev;
	struct verity_verify_result r;

	image_build(&img, &p, false, 1);
	verity_bdev_from_memory(&short_bdev, &m, img.hash, img.hash_len - 1);
	cr_assert_eq(verity_verify(&img.params, &img.data_bdev, &short_bdev, NULL, &r),
	             VERITY_E_HASH_DEVICE_TOO_SMALL);
	cr_assert_eq(r.error, VERITY_E_HASH_DEVICE_TOO_SMALL);
	verity_bdev_from_memory(&short_bdev, &m, img.data, img.data_len - 4096);
	cr_assert_eq(verity_verify(&img.params, &short_bdev, &img.hash_bdev, NULL, &r),
	             VERITY_E_DATA_DEVICE_TOO_SMALL);
	img.params.root_digest_size = 20;
	cr_assert_eq(image_verify(&img, 1, &r), VERITY_E_BAD_ROOT_DIGEST);
	image_free(&img);
}

struct failing_dev {
	const uint8_t *bytes;
	uint64_t fail_at;
};

static int failing_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	struct failing_dev *dev = user_data;

	if (offset <= dev->fail_at && dev->fail_at < offset + len)
		return VERITY_E_IO;
	memcpy(buf, dev->bytes + offset, len);
	return 0;
}

Test(verify, read_error_is_reported_with_its_position)
{
	struct verity_params p = make_params("sha256", 1, 4096, 4096, 600, "");
	struct verity_tree_options opts = {.threads = 1, .extent_size = 8192};
	struct image img;
	struct failing_dev dev;
	struct verity_bdev bad;
	struct verity_verify_result r;

	image_build(&img, &p, false, 1);
	/* Correct tree, data device failing inside block 301: reads of two blocks. */
	dev = (struct failing_dev){img.data, 301 * 4096 + 10};
	bad = (struct verity_bdev){.user_data = &dev, .read = failing_read, .size = img.data_len};
	cr_assert_eq(verity_verify(&img.params, &bad, &img.hash_bdev, &opts, &r), VERITY_E_IO);
	cr_assert_eq(r.error, VERITY_E_IO);
	cr_assert_eq(r.kind, VERITY_BLOCK_DATA);
	cr_assert_eq(r.block, 300);
	cr_assert_eq(r.position, 300 * 4096);
	/* Hash device failing in the leaf level. */
	dev = (struct failing_dev){img.hash, 4 * 4096};
	bad = (struct verity_bdev){.user_data = &dev, .read = failing_read, .size = img.hash_len};
	cr_assert_eq(verity_verify(&img.params, &img.data_bdev, &bad, &opts, &r), VERITY_E_IO);
	cr_assert_eq(r.kind, VERITY_BLOCK_HASH);
	image_free(&img);
}

/* ---- memory: bounded, independent of the image size, no leaks ---- */

struct counting {
	size_t live, peak, calls;
};

static void *count_alloc(void *user_data, size_t size)
{
	struct counting *c = user_data;
	size_t *p = malloc(size + sizeof(size_t) * 2);

	if (!p)
		return NULL;
	p[0] = size;
	c->live += size;
	c->calls++;
	if (c->live > c->peak)
		c->peak = c->live;
	return p + 2;
}

static void count_free(void *user_data, void *ptr)
{
	struct counting *c = user_data;
	size_t *p = (size_t *)ptr - 2;

	c->live -= p[0];
	free(p);
}

static int zero_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	(void)user_data;
	(void)offset;
	memset(buf, 0, len);
	return 0;
}

static int eio_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	(void)user_data;
	(void)offset;
	(void)buf;
	(void)len;
	return VERITY_E_IO;
}

static int discard_write(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	(void)user_data;
	(void)offset;
	(void)buf;
	(void)len;
	return 0;
}

/*
 * Peak memory of format or verify over @blocks blocks. Large images fail
 * early (format: the data cannot be read; verify: the top block does not
 * match) after everything is allocated, so they cost no hashing.
 */
static size_t peak_memory(uint64_t blocks, unsigned threads, bool do_verify, bool real)
{
	struct verity_params p = make_params("sha256", 1, 4096, 4096, blocks, "01");
	struct counting c = {0};
	struct verity_allocator a = {&c, count_alloc, count_free};
	struct verity_tree_options opts = {.allocator = &a, .threads = threads};
	struct verity_geometry g;
	struct verity_bdev data = {.read = eio_read, .size = blocks * 4096};
	struct verity_bdev hash = {.read = zero_read};
	struct verity_writer writer = {NULL, discard_write};
	struct image img;
	int expected = do_verify ? VERITY_E_ROOT_MISMATCH : VERITY_E_IO;
	int ret;

	cr_assert_eq(verity_geometry_init(&g, &p), 0);
	hash.size = g.hash_end_block * 4096;
	p.root_digest_size = 32;
	if (real) {
		image_build(&img, &p, true, 1);
		data = img.data_bdev;
		hash = img.hash_bdev;
		p = img.params;
		expected = 0;
	}
	if (do_verify)
		ret = verity_verify(&p, &data, &hash, &opts, NULL);
	else
		ret = verity_format(&p, &data, &writer, &opts);
	cr_assert_eq(ret, expected, "%d", ret);
	cr_assert_gt(c.calls, 0, "the allocator hooks are used");
	cr_assert_eq(c.live, 0, "everything allocated is freed");
	if (real)
		image_free(&img);
	return c.peak;
}

Test(memory, levels_times_block_size_not_image_size)
{
	struct verity_geometry small_geo, huge_geo;
	struct verity_params small = make_params("sha256", 1, 4096, 4096, 300, "");
	struct verity_params huge = make_params("sha256", 1, 4096, 4096, 1ull << 40, "");

	cr_assert_eq(verity_geometry_init(&small_geo, &small), 0);
	cr_assert_eq(verity_geometry_init(&huge_geo, &huge), 0);
	for (int v = 0; v < 2; v++) {
		for (unsigned threads = 1; threads <= 2; threads++) {
			size_t a = peak_memory(300, threads, v, true);
			size_t b = peak_memory(1ull << 40, threads, v, false);
			size_t extra_levels = (huge_geo.levels - small_geo.levels) * 4096u;

			cr_assert_leq(b, a + extra_levels, "%s, %u threads: %zu vs %zu bytes",
			              v ? "verify" : "format", threads, a, b);
			cr_assert_lt(b, 2u << 20);
		}
	}
}

/* ---- one device: overlap ---- */

Test(layout, overlap_in_one_file)
{
	struct verity_params p = make_params("sha256", 1, 4096, 4096, 2048, "");

	/* Superblock right after the data: fine; one block earlier: overlap. */
	p.hash_start_block = 2049;
	cr_assert_eq(verity_check_overlap(&p, 2048 * 4096), 0);
	p.hash_start_block = 2048;
	cr_assert_eq(verity_check_overlap(&p, 2047 * 4096), VERITY_E_AREA_OVERLAP);
	/* The cryptsetup overlap cases: 350 blocks, hash at 1228800. */
	p.data_blocks = 350;
	p.hash_start_block = 301;
	cr_assert_eq(verity_check_overlap(&p, 1228800), VERITY_E_AREA_OVERLAP);
	p.data_blocks = 0;
	cr_assert_eq(verity_check_overlap(&p, 1228800), VERITY_E_NO_DATA_BLOCKS);
}

Test(errors, every_code_has_a_message)
{
	static const int codes[] = {
	    VERITY_E_CORRUPT_DATA,          VERITY_E_CORRUPT_HASH,
	    VERITY_E_CORRUPT_PADDING,       VERITY_E_ROOT_MISMATCH,
	    VERITY_E_AREA_OVERLAP,          VERITY_E_SB_ALGORITHM_UNTERMINATED,
	    VERITY_E_SB_BAD_HASH_BLOCK_SIZE};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		cr_assert_str_neq(verity_strerror(codes[i]), "Unknown error");
}
