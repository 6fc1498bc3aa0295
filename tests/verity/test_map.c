/* SPDX-License-Identifier: MIT */
/*
 * Zero-copy hashing: format and verify through a file descriptor bdev that
 * maps (mmap windows) give the same trees and verdicts as through the same
 * bdev with map cleared (pread), corruption is found at the same block, and a
 * file that shrinks after the bdev was made is an error, not a crash.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libverity.h"

#define SALT_HEX "e48da609055204e89ae53b655ca2216dd983cf3cb829f34f63a297d106d53e2d"

/* Counts which path a bdev served, passing everything to the inner one. */
struct counting {
	const struct verity_bdev *inner;
	size_t maps, reads;
};

static int counting_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	struct counting *c = user_data;

	__atomic_add_fetch(&c->reads, 1, __ATOMIC_RELAXED);
	return c->inner->read(c->inner->user_data, offset, buf, len);
}

static const void *counting_map(void *user_data, uint64_t offset, size_t len)
{
	struct counting *c = user_data;
	const void *p = c->inner->map(c->inner->user_data, offset, len);

	if (p)
		__atomic_add_fetch(&c->maps, 1, __ATOMIC_RELAXED);
	return p;
}

static void counting_unmap(void *user_data, const void *addr, uint64_t offset, size_t len)
{
	struct counting *c = user_data;

	c->inner->unmap(c->inner->user_data, addr, offset, len);
}

static struct verity_bdev counted(struct counting *c, const struct verity_bdev *inner)
{
	*c = (struct counting){.inner = inner};
	cr_assert_not_null(inner->map, "a regular file maps");
	return (struct verity_bdev){.user_data = c,
	                            .read = counting_read,
	                            .size = inner->size,
	                            .map = counting_map,
	                            .unmap = counting_unmap};
}

/* The data in a temporary file at byte @offset (not page-aligned: windows start mid-page). */
struct file_image {
	struct verity_params params;
	int fd;
	uint8_t *data;
	size_t data_len;
	uint64_t offset;
	uint8_t *hash;
	size_t hash_len;
	struct verity_fd_bdev fd_ctx;
	struct verity_slice_bdev slice_ctx;
	struct verity_bdev file, data_bdev;
	struct verity_memory_bdev hash_mem;
	struct verity_bdev hash_bdev;
};

static int mem_write(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	struct file_image *img = user_data;

	cr_assert(offset <= img->hash_len && len <= img->hash_len - offset);
	memcpy(img->hash + offset, buf, len);
	return 0;
}

static void file_image_make(struct file_image *img, const char *alg, uint32_t type, uint32_t dbs,
                            uint32_t hbs, uint64_t blocks, uint64_t offset)
{
	struct verity_geometry geo;
	FILE *tmp;
	uint32_t x = 0x9e3779b9u;

	memset(img, 0, sizeof(*img));
	strcpy(img->params.algorithm, alg);
	img->params.hash_type = type;
	img->params.data_block_size = dbs;
	img->params.hash_block_size = hbs;
	img->params.data_blocks = blocks;
	cr_assert_eq(verity_hex_to_digest(SALT_HEX, strlen(SALT_HEX), img->params.salt,
	                                  sizeof(img->params.salt), NULL),
	             0);
	img->params.salt_size = (uint32_t)strlen(SALT_HEX) / 2;
	cr_assert_eq(verity_geometry_init(&geo, &img->params), 0);
	img->data_len = (size_t)(blocks * dbs);
	img->data = malloc(img->data_len);
	img->hash_len = (size_t)(geo.hash_end_block * hbs);
	img->hash = calloc(1, img->hash_len);
	cr_assert(img->data && img->hash);
	for (size_t i = 0; i < img->data_len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		img->data[i] = (uint8_t)x;
	}
	img->offset = offset;
	tmp = tmpfile(); /* already unlinked */
	cr_assert_not_null(tmp);
	img->fd = dup(fileno(tmp));
	cr_assert_geq(img->fd, 0);
	fclose(tmp);
	cr_assert_eq(pwrite(img->fd, img->data, img->data_len, (off_t)offset),
	             (ssize_t)img->data_len);
	cr_assert_eq(verity_bdev_from_fd(&img->file, &img->fd_ctx, img->fd, UINT64_MAX), 0);
	cr_assert_eq(
	    verity_bdev_slice(&img->data_bdev, &img->slice_ctx, &img->file, offset, img->data_len),
	    0);
	verity_bdev_from_memory(&img->hash_bdev, &img->hash_mem, img->hash, img->hash_len);
}

static void file_image_free(struct file_image *img)
{
	close(img->fd);
	free(img->data);
	free(img->hash);
}

static void format_with(struct file_image *img, const struct verity_bdev *data, unsigned threads)
{
	struct verity_writer writer = {img, mem_write};
	struct verity_tree_options opts = {.threads = threads};

	memset(img->hash, 0xee, img->hash_len);
	cr_assert_eq(verity_format(&img->params, data, &writer, &opts), 0);
}

static int verify_with(struct file_image *img, const struct verity_bdev *data, unsigned threads,
                       struct verity_verify_result *r)
{
	struct verity_tree_options opts = {.threads = threads};

	return verity_verify(&img->params, data, &img->hash_bdev, &opts, r);
}

/* The same bdev with map cleared: pread only. */
static struct verity_bdev read_only(const struct verity_bdev *b)
{
	struct verity_bdev r = *b;

	r.map = NULL;
	r.unmap = NULL;
	return r;
}

static const struct {
	const char *alg;
	uint32_t type, dbs, hbs;
	uint64_t blocks, offset;
} cases[] = {
    {"sha256", 1, 4096, 4096, 3000, 0},  /* several jobs, a partial last leaf */
    {"sha256", 1, 4096, 4096, 1, 4096},  /* no tree: data against the root */
    {"sha512", 0, 512, 1024, 5000, 512}, /* windows starting mid-page */
    {"sha1", 1, 1024, 4096, 777, 1536},
};

/*
 * One thread hashes in place from mappings and reads nothing; several
 * threads read (an unmap would interrupt the other threads' cores) when
 * the image has several jobs, as case 0 has.
 */
static void expect_access(const struct counting *count, size_t c, unsigned threads,
                          const char *what)
{
	if (threads == 1) {
		cr_assert_gt(count->maps, 0, "case %zu: %s mapped", c, what);
		cr_assert_eq(count->reads, 0, "case %zu: %s read", c, what);
	} else if (c == 0) {
		cr_assert_eq(count->maps, 0, "case %zu, %u threads: %s mapped", c, threads, what);
		cr_assert_gt(count->reads, 0, "case %zu, %u threads: %s read", c, threads, what);
	} else {
		cr_assert_gt(count->maps + count->reads, 0, "case %zu: %s", c, what);
	}
}

Test(map, same_trees_and_verdicts_as_read)
{
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct file_image img;
		struct counting count;
		struct verity_bdev mapped, plain;
		uint8_t *tree_read, root_read[VERITY_MAX_DIGEST_SIZE];

		file_image_make(&img, cases[c].alg, cases[c].type, cases[c].dbs, cases[c].hbs,
		                cases[c].blocks, cases[c].offset);
		mapped = counted(&count, &img.data_bdev);
		plain = read_only(&img.data_bdev);
		tree_read = malloc(img.hash_len);
		cr_assert_not_null(tree_read);
		for (unsigned threads = 1; threads <= 3; threads++) {
			struct verity_verify_result r;

			format_with(&img, &plain, threads);
			memcpy(tree_read, img.hash, img.hash_len);
			memcpy(root_read, img.params.root_digest, img.params.root_digest_size);
			count.maps = count.reads = 0;
			format_with(&img, &mapped, threads);
			expect_access(&count, c, threads, "format");
			cr_assert_eq(memcmp(tree_read, img.hash, img.hash_len), 0,
			             "case %zu, %u threads: trees differ", c, threads);
			cr_assert_eq(
			    memcmp(root_read, img.params.root_digest, img.params.root_digest_size),
			    0);
			count.maps = count.reads = 0;
			cr_assert_eq(verify_with(&img, &mapped, threads, &r), 0, "case %zu", c);
			expect_access(&count, c, threads, "verify");
			cr_assert_eq(verify_with(&img, &plain, threads, &r), 0);
		}
		free(tree_read);
		file_image_free(&img);
	}
}

Test(map, corruption_found_at_the_same_block)
{
	struct file_image img;
	struct counting count;
	struct verity_bdev mapped, plain;
	const uint64_t bad[] = {0, 1234, 2999};

	file_image_make(&img, "sha256", 1, 4096, 4096, 3000, 0);
	mapped = counted(&count, &img.data_bdev);
	plain = read_only(&img.data_bdev);
	format_with(&img, &plain, 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t at = img.offset + bad[i] * 4096 + 77;
		uint8_t byte = img.data[bad[i] * 4096 + 77] ^ 0x10;

		cr_assert_eq(pwrite(img.fd, &byte, 1, (off_t)at), 1);
		for (unsigned threads = 1; threads <= 2; threads++) {
			struct verity_verify_result rm, rp;

			count.maps = count.reads = 0;
			cr_assert_eq(verify_with(&img, &mapped, threads, &rm),
			             VERITY_E_CORRUPT_DATA);
			expect_access(&count, 0, threads, "verify");
			cr_assert_eq(rm.kind, VERITY_BLOCK_DATA);
			cr_assert_eq(rm.block, bad[i]);
			cr_assert_eq(rm.position, bad[i] * 4096);
			cr_assert_eq(verify_with(&img, &plain, threads, &rp),
			             VERITY_E_CORRUPT_DATA);
			cr_assert_eq(memcmp(&rm, &rp, sizeof(rm)), 0);
		}
		byte ^= 0x10;
		cr_assert_eq(pwrite(img.fd, &byte, 1, (off_t)at), 1);
	}
	file_image_free(&img);
}

Test(map, file_shrunk_after_open_is_an_error)
{
	for (unsigned threads = 1; threads <= 2; threads++) {
		struct file_image img;
		struct verity_writer writer;
		struct verity_verify_result r;
		struct verity_params p;

		file_image_make(&img, "sha256", 1, 4096, 4096, 3000, 0);
		format_with(&img, &img.data_bdev, threads);
		cr_assert_eq(verify_with(&img, &img.data_bdev, threads, &r), 0);
		/* The bdev still claims the old size: every window past the new end must be
		 * refused. */
		cr_assert_eq(ftruncate(img.fd, 1000 * 4096 + 100), 0);
		cr_assert_eq(verify_with(&img, &img.data_bdev, threads, &r), VERITY_E_SHORT_READ);
		cr_assert_eq(r.kind, VERITY_BLOCK_DATA);
		cr_assert_leq(r.block, 1000);
		cr_assert_geq(r.block, 1000 - 256);
		writer = (struct verity_writer){&img, mem_write};
		p = img.params;
		cr_assert_eq(verity_format(&p, &img.data_bdev, &writer,
		                           &(struct verity_tree_options){.threads = threads}),
		             VERITY_E_SHORT_READ);
		file_image_free(&img);
	}
}

Test(map, memory_bdev_maps_in_place)
{
	static const uint8_t bytes[8192] = {1, 2, 3};
	struct verity_memory_bdev m;
	struct verity_bdev b;

	cr_assert_eq(verity_bdev_from_memory(&b, &m, bytes, sizeof(bytes)), 0);
	cr_assert_not_null(b.map);
	cr_assert_eq(b.map(b.user_data, 4096, 4096), bytes + 4096);
	cr_assert_null(b.map(b.user_data, 4096, 4097));
}
