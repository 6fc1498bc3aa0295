/* SPDX-License-Identifier: MIT */
/*
 * A read callback that reports success without writing its buffer: the
 * device must hash memory it zeroed at open, never uninitialised heap (run
 * under valgrind by the test flow), and refuse the blocks deterministically.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libverity.h"

#define BLOCK  4096u
#define BLOCKS 300u /* two leaf hash blocks: one intermediate level */

static uint8_t data[BLOCK * BLOCKS];
static uint8_t hash[BLOCK * 8];

static int silent_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	(void)user_data, (void)offset, (void)buf, (void)len;
	return 0;
}

static int write_hash(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	(void)user_data;
	if (offset > sizeof(hash) || len > sizeof(hash) - offset)
		return VERITY_E_IO;
	memcpy(hash + offset, buf, len);
	return 0;
}

static int expect(const char *what, int got, int want)
{
	if (got == want)
		return 0;
	fprintf(stderr, "FAIL %s: %d (%s), want %d (%s)\n", what, got, verity_strerror(got), want,
	        verity_strerror(want));
	return 1;
}

static int read_with(const struct verity_params *params, const struct verity_bdev *data_dev,
                     const struct verity_bdev *hash_dev, int want, const char *what)
{
	struct verity_device *dev;
	uint8_t buf[BLOCK];
	int ret, failed = 0;

	ret = verity_device_open(&dev, params, data_dev, hash_dev, NULL);
	if (expect(what, ret, 0))
		return 1;
	/* Twice: the second read must not depend on what the first left behind. */
	for (int i = 0; i < 2; i++) {
		memset(buf, 0xa5, sizeof(buf));
		failed |= expect(
		    what, verity_device_read(dev, (uint64_t)i * 77 * BLOCK, BLOCK, buf), want);
		for (size_t k = 0; want && k < sizeof(buf); k++)
			if (buf[k]) {
				fprintf(stderr, "FAIL %s: failed read left byte %zu set\n", what,
				        k);
				failed = 1;
				break;
			}
	}
	verity_device_close(dev);
	return failed;
}

int main(void)
{
	struct verity_params params = {.hash_type = 1, .algorithm = "sha256"};
	struct verity_memory_bdev data_mem, hash_mem;
	struct verity_bdev data_dev, hash_dev, silent = {.read = silent_read};
	struct verity_writer writer = {NULL, write_hash};
	int failed = 0;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 131 + 7);
	params.data_block_size = params.hash_block_size = BLOCK;
	params.data_blocks = BLOCKS;
	params.salt_size = 4;
	memcpy(params.salt, "salt", 4);
	verity_bdev_from_memory(&data_dev, &data_mem, data, sizeof(data));
	verity_bdev_from_memory(&hash_dev, &hash_mem, hash, sizeof(hash));
	if (expect("format", verity_format(&params, &data_dev, &writer, NULL), 0))
		return 1;
	/* The control also leaves the right blocks in freed heap for the next open. */
	failed |= read_with(&params, &data_dev, &hash_dev, 0, "control");

	silent.size = data_dev.size;
	failed |= read_with(&params, &silent, &hash_dev, VERITY_E_CORRUPT_DATA, "silent data");
	silent.size = hash_dev.size;
	failed |= read_with(&params, &data_dev, &silent, VERITY_E_CORRUPT_HASH, "silent hash");
	if (!failed)
		puts("PASS: silent read callbacks are refused, memory was zeroed at open");
	return failed;
}
