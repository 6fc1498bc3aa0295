/* SPDX-License-Identifier: MIT */
/*
 * The extract path: a filesystem image from the input (squashfs, ext2/3/4 or
 * anything else) gets its hash tree built with verity_format(), then fs/
 * opens it through the verified device, looks up a path from the input,
 * reads the file, the symlink or the directory listing found there, and
 * lists the root. The same is done on a copy with one data byte flipped
 * after formatting.
 *
 * Input: op flags (u8), a path (NUL-terminated, at most 255 bytes), then the
 * image, sparse: u16le count of 64-byte chunks (the image is that many
 * chunks, at most 256 KiB, zero-padded to whole 4 KiB blocks), a bitmap of
 * the chunks present, their bytes in order (missing chunks are zeros), then
 * u32le offset of the byte to flip in the copy.
 *
 * Invariants: the intact image never gives a corruption error; whatever the
 * damaged copy returns successfully equals what the intact one returned for
 * the same step (every byte handed out was verified), and work is bounded.
 */
#include "fs/fs.h"
#include "fuzz/fuzz.h"

#define CHUNK       64u
#define MAX_CHUNKS  4096u /* 256 KiB */
#define BLOCK       4096u
#define MAX_READ    (1u << 20)
#define MAX_ENTRIES 256
#define MAX_STEPS   (MAX_ENTRIES + 4)

/* What one step gave: its error and a digest of what it returned. */
struct step {
	int ret;
	uint64_t digest;
};

struct transcript {
	struct step step[MAX_STEPS];
	unsigned count;
};

static uint64_t fnv(uint64_t h, const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static void record(struct transcript *t, int ret, uint64_t digest)
{
	if (t->count < MAX_STEPS) {
		t->step[t->count].ret = ret;
		t->step[t->count].digest = ret ? 0 : digest;
		t->count++;
	}
}

struct list_state {
	struct fs *fs;
	struct transcript *t;
	unsigned entries;
};

static int list_one(void *arg, const char *name, struct fs_node *node, const struct fs_stat *st)
{
	struct list_state *s = arg;
	char target[FS_PATH_MAX];
	uint64_t h = fnv(0xcbf29ce484222325ull, name, strlen(name));
	int ret = 0;

	h = fnv(h, st, sizeof(*st));
	if (st->type == FS_TYPE_SYMLINK) {
		ret = fs_readlink(s->fs, node, target);
		if (!ret)
			h = fnv(h, target, strlen(target));
	}
	record(s->t, ret, h);
	return ++s->entries == MAX_ENTRIES ? 1 : 0;
}

static void list(struct fs *fs, struct fs_node *dir, struct transcript *t)
{
	struct list_state s = {fs, t, 0};

	record(t, fs_list(fs, dir, list_one, &s), s.entries);
}

static void visit(struct fs *fs, const char *path, bool follow, struct transcript *t)
{
	struct fs_node *node = NULL;
	char target[FS_PATH_MAX];
	struct fs_stat st;
	uint8_t *buf;
	size_t len;
	int ret = fs_lookup(fs, path, follow, &node, &st);

	record(t, ret, ret ? 0 : fnv(0xcbf29ce484222325ull, &st, sizeof(st)));
	if (ret)
		return;
	switch (st.type) {
	case FS_TYPE_FILE:
		len = st.size < MAX_READ ? (size_t)st.size : MAX_READ;
		buf = malloc(len ? len : 1);
		FUZZ_CHECK(buf);
		ret = fs_read(fs, node, 0, buf, len);
		record(t, ret, fnv(0xcbf29ce484222325ull, buf, len));
		free(buf);
		break;
	case FS_TYPE_SYMLINK:
		ret = fs_readlink(fs, node, target);
		record(t, ret, ret ? 0 : fnv(0xcbf29ce484222325ull, target, strlen(target)));
		break;
	case FS_TYPE_DIR:
		list(fs, node, t);
		break;
	default:
		break;
	}
	fs_release(fs, node);
}

static bool is_corruption(int ret)
{
	return ret == VERITY_E_CORRUPT_DATA || ret == VERITY_E_CORRUPT_HASH ||
	       ret == VERITY_E_CORRUPT_PADDING || ret == VERITY_E_ROOT_MISMATCH;
}

static void run(const struct verity_params *params, const uint8_t *data, size_t data_len,
                const uint8_t *hash, size_t hash_len, uint8_t op, const char *path,
                struct transcript *t)
{
	struct verity_memory_bdev data_mem, hash_mem;
	struct verity_bdev data_dev, hash_dev;
	struct verity_device_options opts = {0};
	struct verity_device *dev;
	struct fs *fs = NULL;
	int ret;

	FUZZ_CHECK(verity_bdev_from_memory(&data_dev, &data_mem, data, data_len) == 0);
	FUZZ_CHECK(verity_bdev_from_memory(&hash_dev, &hash_mem, hash, hash_len) == 0);
	opts.memory_budget = 256 * 1024;
	FUZZ_CHECK(verity_device_open(&dev, params, &data_dev, &hash_dev, &opts) == 0);
	ret = fs_open(&fs, dev);
	record(t, ret, 0);
	if (!ret) {
		visit(fs, path, op & 1, t);
		if (op & 2)
			visit(fs, "/", true, t);
	}
	fs_close(fs);
	verity_device_close(dev);
}

struct memory_writer {
	uint8_t *buf;
	size_t len;
};

static int write_hash(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	struct memory_writer *w = user_data;

	FUZZ_CHECK(offset <= w->len && len <= w->len - offset);
	memcpy(w->buf + offset, buf, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *in_data, size_t in_size)
{
	struct verity_params params = {
	    .hash_type = 1, .data_block_size = BLOCK, .hash_block_size = BLOCK};
	struct transcript good = {0}, bad = {0};
	struct verity_geometry geo;
	struct verity_memory_bdev mem;
	struct verity_bdev data_dev;
	struct memory_writer w;
	struct verity_writer writer = {&w, write_hash};
	struct fuzz_input in;
	char path[256];
	uint8_t bitmap[MAX_CHUNKS / 8], op, *data, *damaged;
	size_t n = 0, chunks, len;
	uint32_t flip;

	fuzz_input_init(&in, in_data, in_size);
	op = fuzz_u8(&in);
	for (;;) {
		uint8_t c = fuzz_u8(&in);

		if (c == 0)
			break;
		if (n == sizeof(path) - 1)
			return 0;
		path[n++] = (char)c;
	}
	path[n] = '\0';
	chunks = fuzz_u16(&in);
	if (chunks == 0 || chunks > MAX_CHUNKS)
		return 0;
	len = (chunks * CHUNK + BLOCK - 1) / BLOCK * BLOCK;
	data = calloc(1, len);
	damaged = malloc(len);
	FUZZ_CHECK(data && damaged);
	fuzz_bytes(&in, bitmap, (chunks + 7) / 8);
	for (size_t i = 0; i < chunks; i++)
		if (bitmap[i / 8] & (1u << (i % 8)))
			fuzz_bytes(&in, data + i * CHUNK, CHUNK);
	flip = fuzz_u32(&in);

	strcpy(params.algorithm, "sha256");
	params.data_blocks = len / BLOCK;
	params.hash_start_block = 0;
	FUZZ_CHECK(verity_geometry_init(&geo, &params) == 0);
	w.len = geo.hash_end_block * BLOCK;
	w.buf = calloc(1, w.len ? w.len : 1);
	FUZZ_CHECK(w.buf);
	FUZZ_CHECK(verity_bdev_from_memory(&data_dev, &mem, data, len) == 0);
	FUZZ_CHECK(verity_format(&params, &data_dev, &writer, NULL) == 0);

	run(&params, data, len, w.buf, w.len ? w.len : 1, op, path, &good);
	for (unsigned i = 0; i < good.count; i++)
		FUZZ_CHECK(!is_corruption(good.step[i].ret));

	memcpy(damaged, data, len);
	damaged[flip % len] ^= (uint8_t)(1u << (op >> 5));
	run(&params, damaged, len, w.buf, w.len ? w.len : 1, op, path, &bad);
	/* Steps line up until the first failure; a success there equals the intact result. */
	for (unsigned i = 0; i < bad.count && i < good.count; i++) {
		if (bad.step[i].ret)
			break;
		FUZZ_CHECK(good.step[i].ret == 0 && good.step[i].digest == bad.step[i].digest);
	}
	FUZZ_LOG("extract: %zu bytes, %u steps, first %d\n", len, good.count,
	         good.count ? good.step[0].ret : 0);
	free(w.buf);
	free(data);
	free(damaged);
	return 0;
}
