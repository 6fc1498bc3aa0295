/* SPDX-License-Identifier: MIT */
/*
 * Test program for the freestanding core (tests/device/freestanding-arm64.sh).
 * The core objects are built with -ffreestanding -DVERITY_FREESTANDING; this
 * harness loads the image files with stdio, then uses only what a bootloader
 * would: a memory bdev, allocator hooks over a static arena, the table line,
 * and the superblock (checked against the table).
 *
 * Usage: freestanding_main DATA HASH 'TABLE LINE'
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libverity.h"

static _Alignas(64) unsigned char arena[1 << 20];
static size_t arena_used, arena_peak;

/* A bump allocator: what a bootloader without malloc can offer. */
static void *arena_alloc(void *user, size_t size)
{
	size_t start = (arena_used + 63) & ~(size_t)63;

	(void)user;
	if (start > sizeof(arena) || size > sizeof(arena) - start)
		return NULL;
	arena_used = start + size;
	if (arena_used > arena_peak)
		arena_peak = arena_used;
	return arena + start;
}

static void arena_free(void *user, void *ptr)
{
	(void)user;
	(void)ptr;
	arena_used = 0; /* one live allocation at a time in this test */
}

static unsigned char *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0)
		exit(2);
	rewind(f);
	buf = malloc((size_t)n);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

#define CHECK(cond)                                                             \
	do {                                                                    \
		if (!(cond)) {                                                  \
			fprintf(stderr, "FAIL line %d: %s\n", __LINE__, #cond); \
			return 1;                                               \
		}                                                               \
	} while (0)

int main(int argc, char **argv)
{
	struct verity_allocator hooks = {NULL, arena_alloc, arena_free};
	struct verity_device_options o = {0};
	struct verity_memory_bdev mem[2];
	struct verity_bdev bd[2];
	struct verity_table table;
	struct verity_device *dev;
	struct verity_device_status st;
	unsigned char *data, *hash, *buf;
	size_t data_len, hash_len, size;
	unsigned long long x = 88172645463325252ull;

	if (argc != 4)
		return 2;
	data = load(argv[1], &data_len);
	hash = load(argv[2], &hash_len);
	CHECK(verity_table_parse(&table, argv[3], strlen(argv[3])) == 0);
	{
		/* The superblock at offset 0 says what the table says. */
		struct verity_params sb;
		const struct verity_params *p = &table.params;

		CHECK(verity_superblock_parse(hash, hash_len, 0, &sb, NULL) == 0);
		CHECK(sb.hash_type == p->hash_type && strcmp(sb.algorithm, p->algorithm) == 0);
		CHECK(sb.data_block_size == p->data_block_size);
		CHECK(sb.hash_block_size == p->hash_block_size);
		CHECK(sb.data_blocks == p->data_blocks &&
		      sb.hash_start_block == p->hash_start_block);
		CHECK(sb.salt_size == p->salt_size && memcmp(sb.salt, p->salt, sb.salt_size) == 0);
	}
	CHECK(verity_bdev_from_memory(&bd[0], &mem[0], data, data_len) == 0);
	CHECK(verity_bdev_from_memory(&bd[1], &mem[1], hash, hash_len) == 0);

	/* Freestanding: no default allocator, no threads. */
	CHECK(verity_device_open(&dev, &table.params, &bd[0], &bd[1], &o) == VERITY_E_INVAL);
	o.allocator = &hooks;
	o.flags = VERITY_DEVICE_THREAD_SAFE;
	CHECK(verity_device_open(&dev, &table.params, &bd[0], &bd[1], &o) == VERITY_E_NO_THREADS);
	o.flags = 0;
	o.memory_budget = 256 * 1024;
	CHECK(verity_device_open(&dev, &table.params, &bd[0], &bd[1], &o) == 0);
	size = verity_device_data_size(dev);
	buf = malloc(size);
	CHECK(buf && size <= data_len);

	CHECK(verity_device_read(dev, 0, size, buf) == 0);
	CHECK(memcmp(buf, data, size) == 0);
	for (int i = 0; i < 200; i++) {
		size_t off, len;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		len = 1 + (size_t)(x % 20000);
		if (len > size)
			len = size;
		off = (size_t)((x >> 24) % (size - len + 1));
		CHECK(verity_device_read(dev, off, len, buf) == 0);
		CHECK(memcmp(buf, data + off, len) == 0);
	}
	CHECK(verity_device_get_status(dev, &st) == 0 && st.state == 'V');

	/* One flipped bit in the middle: caught, zeroed, status C. */
	data[size / 2] ^= 1;
	CHECK(verity_device_read(dev, size / 2 - 10, 20, buf) == VERITY_E_CORRUPT_DATA);
	for (int i = 0; i < 20; i++)
		CHECK(buf[i] == 0);
	CHECK(verity_device_get_status(dev, &st) == 0 && st.state == 'C');
	CHECK(st.memory_used <= o.memory_budget && arena_peak == st.memory_used);
	verity_device_close(dev);
	CHECK(arena_used == 0);
	printf("freestanding core: %zu bytes verified, arena peak %zu bytes, corruption caught\n",
	       size, arena_peak);
	free(buf);
	free(data);
	free(hash);
	return 0;
}
