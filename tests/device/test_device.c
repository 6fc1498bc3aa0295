/* SPDX-License-Identifier: MIT */
/*
 * The verified block device against images made by veritysetup
 * (tests/device/device.sh makes them and passes each one here as
 * DATA HASH "TABLE LINE"). Modes:
 *
 *   reads      random reads (unaligned, spanning many blocks) equal the raw
 *              bytes, through memory and file-descriptor bdevs
 *   corrupt    flip a byte of a random data or hash block: exactly the reads
 *              that touch it fail (EIO) or are reported (ignore mode)
 *   faults     the Nth read callback fails or comes back short, for every N
 *              along a cold read and along open: clean failure, no leak,
 *              device still usable
 *   budget     memory budget honoured (allocator hooks count), eviction and
 *              re-verification, cache counters
 *   options    check_at_most_once, ignore_zero_blocks, recheck, error-mode
 *              callbacks, report limit, argument checks
 *   threads    many threads reading at random on one device
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libverity.h"

static const char *mode_name = "?";

static void fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FAIL [%s] %s:%d: ", mode_name, file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

#define CHECK(cond, ...)                                       \
	do {                                                   \
		if (!(cond))                                   \
			fail(__FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

#define CHECK_RET(expr, want)                                                               \
	do {                                                                                \
		int got_ = (expr);                                                          \
		if (got_ != (want))                                                         \
			fail(__FILE__, __LINE__, "%s = %d (%s), want %d (%s)", #expr, got_, \
			     verity_strerror(got_), (want), verity_strerror(want));         \
	} while (0)

/* Deterministic random numbers: the seed is printed, failures reproduce. */
static uint64_t rng = 1;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* ---- the image ---- */

struct image {
	uint8_t *data, *hash;
	size_t data_len, hash_len;
	const char *data_path, *hash_path;
	struct verity_table table;
	struct verity_geometry geo;
	uint64_t size; /* verified bytes */
};

static uint8_t *load_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	CHECK(f, "open %s: %s", path, strerror(errno));
	CHECK(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0, "size of %s", path);
	rewind(f);
	buf = malloc((size_t)n + 1);
	CHECK(buf, "malloc");
	CHECK(fread(buf, 1, (size_t)n, f) == (size_t)n, "read %s", path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void load_image(struct image *img, char **argv)
{
	img->data_path = argv[0];
	img->hash_path = argv[1];
	img->data = load_file(argv[0], &img->data_len);
	img->hash = load_file(argv[1], &img->hash_len);
	CHECK_RET(verity_table_parse(&img->table, argv[2], strlen(argv[2])), 0);
	CHECK_RET(verity_geometry_init(&img->geo, &img->table.params), 0);
	img->size = img->table.params.data_blocks * img->table.params.data_block_size;
	CHECK(img->size <= img->data_len, "data file shorter than the table says");
}

static void free_image(struct image *img)
{
	free(img->data);
	free(img->hash);
}

/* ---- bdevs: memory, with a shared call counter and fault injection ---- */

enum fault_kind {
	FAULT_ERROR,    /* callback returns VERITY_E_IO */
	FAULT_SHORT,    /* half the buffer filled with junk, VERITY_E_SHORT_READ */
	FAULT_POSITIVE, /* callback returns a bogus positive value */
	FAULT_COUNT,
};

struct fault {
	uint64_t calls;
	uint64_t fail_at; /* 1-based call to fail; 0: none */
	enum fault_kind kind;
	uint64_t fired;
	/* Corrupt what a given data block read returns, the first N times. */
	uint64_t flaky_offset;
	uint64_t flaky_times;
	pthread_mutex_t lock;
};

struct test_bdev {
	const uint8_t *bytes;
	size_t len;
	struct fault *fault;
};

static int test_read(void *user, uint64_t offset, void *buf, size_t len)
{
	struct test_bdev *t = user;
	struct fault *f = t->fault;
	bool flaky = false;

	CHECK(offset <= t->len && len <= t->len - offset, "library read past a bdev's size");
	if (f) {
		uint64_t call;

		pthread_mutex_lock(&f->lock);
		call = ++f->calls;
		if (f->flaky_times && offset <= f->flaky_offset && f->flaky_offset < offset + len) {
			f->flaky_times--;
			flaky = true;
		}
		pthread_mutex_unlock(&f->lock);
		if (call == f->fail_at) {
			f->fired++;
			switch (f->kind) {
			case FAULT_SHORT:
				memset(buf, 0xa5, len / 2);
				return VERITY_E_SHORT_READ;
			case FAULT_POSITIVE:
				memset(buf, 0x5a, len);
				return 1;
			default:
				return VERITY_E_IO;
			}
		}
	}
	memcpy(buf, t->bytes + offset, len);
	if (flaky)
		((uint8_t *)buf)[f->flaky_offset - offset] ^= 0x40;
	return 0;
}

static void make_bdevs(struct image *img, struct test_bdev ctx[2], struct verity_bdev bd[2],
                       struct fault *f)
{
	ctx[0] = (struct test_bdev){img->data, img->data_len, f};
	ctx[1] = (struct test_bdev){img->hash, img->hash_len, f};
	for (int i = 0; i < 2; i++)
		bd[i] = (struct verity_bdev){
		    .user_data = &ctx[i], .read = test_read, .size = ctx[i].len};
}

/* ---- allocator hooks that count ---- */

struct counting_allocator {
	size_t live_blocks, live_bytes, total_bytes, allocs;
	size_t fail_after; /* fail allocations once this many succeeded (0: never) */
};

static void *count_alloc(void *user, size_t size)
{
	struct counting_allocator *a = user;
	size_t *p;

	if (a->fail_after && a->allocs >= a->fail_after)
		return NULL;
	p = malloc(size + 16);
	if (!p)
		return NULL;
	p[0] = size;
	a->live_blocks++;
	a->live_bytes += size;
	a->total_bytes += size;
	a->allocs++;
	return (uint8_t *)p + 16;
}

static void count_free(void *user, void *ptr)
{
	struct counting_allocator *a = user;
	size_t *p = (size_t *)((uint8_t *)ptr - 16);

	a->live_blocks--;
	a->live_bytes -= p[0];
	free(p);
}

/* ---- helpers ---- */

static void random_range(const struct image *img, uint64_t *off, size_t *len, size_t max_len)
{
	uint32_t dbs = img->table.params.data_block_size;

	switch (rnd() % 4) {
	case 0: /* small, anywhere */
		*len = 1 + rnd_below(64);
		break;
	case 1: /* whole blocks */
		*len = dbs * (1 + rnd_below(4));
		break;
	default: /* long, many blocks */
		*len = 1 + rnd_below(max_len);
		break;
	}
	if (*len > img->size)
		*len = (size_t)img->size;
	*off = rnd_below(img->size - *len + 1);
	if (rnd() % 4 == 0) /* aligned start */
		*off -= *off % dbs;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static struct verity_device *open_dev(struct image *img, struct verity_bdev bd[2],
                                      const struct verity_device_options *o)
{
	struct verity_device *dev = NULL;

	CHECK_RET(verity_device_open(&dev, &img->table.params, &bd[0], &bd[1], o), 0);
	return dev;
}

static struct verity_device_status status_of(struct verity_device *dev)
{
	struct verity_device_status s;

	CHECK_RET(verity_device_get_status(dev, &s), 0);
	return s;
}

/* ---- reads ---- */

static void check_random_reads(struct image *img, struct verity_device *dev, unsigned count)
{
	size_t max_len = 24 * img->table.params.data_block_size + 100;
	uint8_t *buf = malloc(max_len);

	for (unsigned i = 0; i < count; i++) {
		uint64_t off;
		size_t len;

		random_range(img, &off, &len, max_len);
		CHECK_RET(verity_device_read(dev, off, len, buf), 0);
		CHECK(memcmp(buf, img->data + off, len) == 0, "read %llu+%zu differs",
		      (unsigned long long)off, len);
	}
	free(buf);
}

static void mode_reads(struct image *img)
{
	struct test_bdev ctx[2];
	struct verity_bdev bd[2];
	struct verity_device_options o = {0};
	struct verity_device *dev;
	struct verity_device_status s;
	uint8_t byte, *all;
	int fds[2];
	struct verity_fd_bdev fdctx[2];

	make_bdevs(img, ctx, bd, NULL);
	/* Default options, then small batches and a tight budget. */
	dev = open_dev(img, bd, NULL);
	check_random_reads(img, dev, 300);
	/* The whole data area in one read, and its edges. */
	all = malloc(img->size);
	CHECK_RET(verity_device_read(dev, 0, img->size, all), 0);
	CHECK(memcmp(all, img->data, img->size) == 0, "full read differs");
	CHECK_RET(verity_device_read(dev, img->size - 1, 1, &byte), 0);
	CHECK(byte == img->data[img->size - 1], "last byte");
	CHECK_RET(verity_device_read(dev, img->size, 0, &byte), 0);
	byte = 0x77;
	CHECK_RET(verity_device_read(dev, img->size, 1, &byte), VERITY_E_RANGE);
	CHECK(byte == 0, "buffer of a failed read is zeroed");
	CHECK_RET(verity_device_read(dev, UINT64_MAX, 2, all), VERITY_E_RANGE);
	CHECK_RET(verity_device_read(dev, 0, 1, NULL), VERITY_E_INVAL);
	CHECK(verity_device_data_size(dev) == img->size, "data size");
	s = status_of(dev);
	CHECK(s.state == 'V' && s.corruptions == 0 && s.io_errors == 0, "status after good reads");
	CHECK(s.data_blocks_verified >= img->table.params.data_blocks, "verified counter %llu",
	      (unsigned long long)s.data_blocks_verified);
	CHECK(s.memory_used <= VERITY_DEVICE_DEFAULT_MEMORY_BUDGET, "default budget");
	verity_device_close(dev);

	o.batch_bytes = 3 * img->table.params.data_block_size; /* odd batch size */
	o.memory_budget = 64 * 1024 + 3 * img->table.params.data_block_size +
	                  2 * img->table.params.hash_block_size;
	dev = open_dev(img, bd, &o);
	check_random_reads(img, dev, 200);
	CHECK_RET(verity_device_read(dev, 0, img->size, all), 0);
	CHECK(memcmp(all, img->data, img->size) == 0, "full read (small batches) differs");
	verity_device_close(dev);

	/* File-descriptor bdevs. */
	fds[0] = open(img->data_path, O_RDONLY);
	fds[1] = open(img->hash_path, O_RDONLY);
	CHECK(fds[0] >= 0 && fds[1] >= 0, "open image files");
	CHECK_RET(verity_bdev_from_fd(&bd[0], &fdctx[0], fds[0], UINT64_MAX), 0);
	CHECK_RET(verity_bdev_from_fd(&bd[1], &fdctx[1], fds[1], UINT64_MAX), 0);
	dev = open_dev(img, bd, NULL);
	check_random_reads(img, dev, 100);
	verity_device_close(dev);
	close(fds[0]);
	close(fds[1]);
	free(all);
}

/* ---- corruption ---- */

struct event_log {
	unsigned count;
	struct verity_device_event last;
	bool seen_block; /* an event named the corrupted block */
	uint32_t want_type;
	uint64_t want_block;
	pthread_mutex_t lock;
};

static void log_event(void *user, const struct verity_device_event *ev)
{
	struct event_log *log = user;

	pthread_mutex_lock(&log->lock);
	log->count++;
	log->last = *ev;
	if (ev->block_type == log->want_type && ev->block == log->want_block)
		log->seen_block = true;
	pthread_mutex_unlock(&log->lock);
}

/* Data blocks [*first, *end) whose reads depend on hash block @abs. */
static void hash_block_coverage(const struct image *img, uint64_t abs, uint64_t *first,
                                uint64_t *end)
{
	const struct verity_geometry *g = &img->geo;

	for (unsigned i = 0; i < g->levels; i++) {
		if (abs >= g->level_start[i] && abs < g->level_start[i] + g->level_blocks[i]) {
			uint64_t k = abs - g->level_start[i];
			unsigned shift = (i + 1) * g->hash_per_block_bits;

			*first = shift >= 64 ? 0 : k << shift;
			*end = shift >= 64 || ((k + 1) << shift) > img->table.params.data_blocks
			           ? img->table.params.data_blocks
			           : (k + 1) << shift;
			return;
		}
	}
	CHECK(0, "hash block %llu not in the tree", (unsigned long long)abs);
}

static void corrupt_once(struct image *img, bool in_hash, bool ignore_mode)
{
	const struct verity_params *p = &img->table.params;
	uint32_t dbs = p->data_block_size, hbs = p->hash_block_size;
	uint8_t *orig_data = malloc(img->size), *buf;
	size_t max_len = 8 * dbs + 10;
	struct event_log log = {0};
	struct verity_device_options o = {0};
	struct test_bdev ctx[2];
	struct verity_bdev bd[2];
	struct verity_device *dev;
	struct verity_device_status s;
	uint64_t bad_first, bad_end, byte_pos;
	unsigned failed = 0, passed = 0;

	pthread_mutex_init(&log.lock, NULL);
	memcpy(orig_data, img->data, img->size);
	if (in_hash) {
		uint64_t tree_blocks = img->geo.hash_end_block - p->hash_start_block;
		uint64_t abs = p->hash_start_block + rnd_below(tree_blocks);

		if (tree_blocks == 0) { /* one data block: nothing to corrupt there */
			free(orig_data);
			pthread_mutex_destroy(&log.lock);
			return;
		}
		hash_block_coverage(img, abs, &bad_first, &bad_end);
		byte_pos = abs * hbs + rnd_below(hbs);
		img->hash[byte_pos] ^= (uint8_t)(1 + rnd_below(255));
		log.want_type = VERITY_BLOCK_HASH;
		log.want_block = abs;
	} else {
		bad_first = rnd_below(p->data_blocks);
		bad_end = bad_first + 1;
		byte_pos = bad_first * dbs + rnd_below(dbs);
		img->data[byte_pos] ^= (uint8_t)(1 + rnd_below(255));
		log.want_type = VERITY_BLOCK_DATA;
		log.want_block = bad_first;
	}

	make_bdevs(img, ctx, bd, NULL);
	o.report = log_event;
	o.callback_data = &log;
	o.corruption_mode = ignore_mode ? VERITY_CORRUPTION_IGNORE : VERITY_CORRUPTION_EIO;
	dev = open_dev(img, bd, &o);
	CHECK(status_of(dev).state == 'V', "open alone does not report corruption");
	buf = malloc(max_len);
	for (unsigned i = 0; i < 150; i++) {
		uint64_t off, first, last;
		size_t len;
		bool touches;
		int ret;

		/* Half the reads aim at the bad range. */
		if (i % 2) {
			random_range(img, &off, &len, max_len);
		} else {
			len = 1 + rnd_below(max_len);
			if (len > img->size)
				len = (size_t)img->size;
			off = bad_first * dbs + rnd_below((bad_end - bad_first) * dbs);
			off = off > len / 2 ? off - len / 2 : 0;
			if (off + len > img->size)
				off = img->size - len;
		}
		first = off / dbs;
		last = (off + len - 1) / dbs;
		touches = first < bad_end && last >= bad_first;
		memset(buf, 0x33, len);
		ret = verity_device_read(dev, off, len, buf);
		if (ignore_mode || !touches) {
			CHECK_RET(ret, 0);
			/* Ignore mode returns what is on the disk. */
			CHECK(memcmp(buf, img->data + off, len) == 0, "read %llu+%zu bytes differ",
			      (unsigned long long)off, len);
			passed++;
		} else {
			CHECK_RET(ret, in_hash ? VERITY_E_CORRUPT_HASH : VERITY_E_CORRUPT_DATA);
			CHECK(all_zero(buf, len), "failed read left bytes in the buffer");
			failed++;
		}
		if (touches)
			CHECK(status_of(dev).state == 'C', "status C after a bad read");
		else if (failed == 0 && !ignore_mode)
			CHECK(status_of(dev).state == 'V', "status V before any bad read");
	}
	s = status_of(dev);
	CHECK(failed > 0 || ignore_mode, "no read touched the corruption");
	CHECK(s.state == 'C', "final status %c", s.state);
	CHECK(s.corruptions > 0 && log.count > 0, "corruption counted and reported");
	CHECK(log.seen_block, "no event named block %llu", (unsigned long long)log.want_block);
	verity_device_close(dev);
	memcpy(img->data, orig_data, img->size); /* the caller restores the hash */
	free(orig_data);
	free(buf);
	pthread_mutex_destroy(&log.lock);
	printf("  corrupt %s block (%s mode): %u reads failed, %u passed\n",
	       in_hash ? "hash" : "data", ignore_mode ? "ignore" : "eio", failed, passed);
}

static void mode_corrupt(struct image *img, char **argv)
{
	for (int round = 0; round < 6; round++) {
		bool in_hash = round % 2, ignore_mode = round >= 4;
		uint8_t *saved = malloc(img->hash_len);

		memcpy(saved, img->hash, img->hash_len);
		corrupt_once(img, in_hash, ignore_mode);
		memcpy(img->hash, saved, img->hash_len);
		free(saved);
	}
	(void)argv;
}

/* ---- fault injection ---- */

static void faults_along_open(struct image *img, enum fault_kind kind)
{
	struct counting_allocator ca = {0};
	struct verity_allocator hooks = {&ca, count_alloc, count_free};
	struct verity_device_options o = {0};
	struct fault f = {0};
	struct test_bdev ctx[2];
	struct verity_bdev bd[2];
	struct verity_device *dev;
	uint64_t clean_calls;

	pthread_mutex_init(&f.lock, NULL);
	o.allocator = &hooks;
	make_bdevs(img, ctx, bd, &f);
	dev = open_dev(img, bd, &o);
	clean_calls = f.calls;
	verity_device_close(dev);
	for (uint64_t n = 1; n <= clean_calls; n++) {
		f.calls = 0;
		f.fail_at = n;
		f.kind = kind;
		f.fired = 0;
		CHECK(verity_device_open(&dev, &img->table.params, &bd[0], &bd[1], &o) < 0,
		      "open with call %llu failing succeeded", (unsigned long long)n);
		CHECK(dev == NULL && f.fired == 1, "open failure");
		CHECK(ca.live_blocks == 0 && ca.live_bytes == 0, "open leaked on failure");
	}
	/* An allocator that fails. */
	ca.fail_after = 1;
	ca.allocs = 1;
	f.fail_at = 0;
	CHECK_RET(verity_device_open(&dev, &img->table.params, &bd[0], &bd[1], &o), VERITY_E_NOMEM);
	CHECK(dev == NULL, "no device after NOMEM");
	pthread_mutex_destroy(&f.lock);
}

static void mode_faults(struct image *img)
{
	const struct verity_params *p = &img->table.params;
	uint64_t span = p->data_blocks < 40 ? p->data_blocks : 40;
	size_t len = (size_t)(span * p->data_block_size) - 7;
	uint64_t off = (p->data_blocks - span) * p->data_block_size + 3;
	uint8_t *buf = malloc(len);

	for (int kind = 0; kind < FAULT_COUNT; kind++) {
		struct counting_allocator ca = {0};
		struct verity_allocator hooks = {&ca, count_alloc, count_free};
		struct verity_device_options o = {0};
		struct fault f = {0};
		struct test_bdev ctx[2];
		struct verity_bdev bd[2];
		struct verity_device *dev;
		uint64_t open_calls, read_calls;

		pthread_mutex_init(&f.lock, NULL);
		o.allocator = &hooks;
		o.batch_bytes = 4 * p->data_block_size; /* several batches per read */
		make_bdevs(img, ctx, bd, &f);

		/* Count the calls of a cold read. */
		dev = open_dev(img, bd, &o);
		open_calls = f.calls;
		CHECK_RET(verity_device_read(dev, off, len, buf), 0);
		read_calls = f.calls - open_calls;
		verity_device_close(dev);
		CHECK(read_calls >= (img->geo.levels ? 2u : 1u),
		      "a cold read reads hash and data blocks");

		for (uint64_t n = 1; n <= read_calls; n++) {
			struct verity_device_status s;
			int ret;

			f.calls = 0;
			f.fail_at = 0;
			f.fired = 0;
			dev = open_dev(img, bd, &o);
			f.fail_at = f.calls + n;
			f.kind = (enum fault_kind)kind;
			memset(buf, 0x11, len);
			ret = verity_device_read(dev, off, len, buf);
			CHECK(f.fired == 1, "fault %llu not reached", (unsigned long long)n);
			CHECK(ret == (kind == FAULT_SHORT ? VERITY_E_SHORT_READ : VERITY_E_IO),
			      "fault %llu kind %d: read returned %d", (unsigned long long)n, kind,
			      ret);
			CHECK(all_zero(buf, len), "failed read left bytes in the buffer");
			s = status_of(dev);
			CHECK(s.state == 'V' && s.io_errors == 1 && s.corruptions == 0,
			      "an I/O error is not corruption");
			/* Still usable: the same read now succeeds. */
			CHECK_RET(verity_device_read(dev, off, len, buf), 0);
			CHECK(memcmp(buf, img->data + off, len) == 0, "read after fault differs");
			verity_device_close(dev);
			CHECK(ca.live_blocks == 0 && ca.live_bytes == 0, "leak after fault %llu",
			      (unsigned long long)n);
		}
		printf(
		    "  fault kind %d: %llu calls along open, %llu along a cold read, each failed "
		    "cleanly\n",
		    kind, (unsigned long long)open_calls, (unsigned long long)read_calls);
		pthread_mutex_destroy(&f.lock);
		faults_along_open(img, (enum fault_kind)kind);
	}
	free(buf);
}

/* ---- memory budget, eviction, re-verification ---- */

static void mode_budget(struct image *img)
{
	const struct verity_params *p = &img->table.params;
	const struct verity_geometry *g = &img->geo;
	uint32_t dbs = p->data_block_size, hbs = p->hash_block_size;
	struct counting_allocator ca = {0};
	struct verity_allocator hooks = {&ca, count_alloc, count_free};
	struct verity_device_options o = {0};
	struct test_bdev ctx[2];
	struct verity_bdev bd[2];
	struct verity_device *dev;
	struct verity_device_status s;
	size_t budgets[] = {16 * 1024, 40 * 1024, 100 * 1024, 300 * 1024, 4 << 20};
	uint8_t *buf = malloc(dbs);
	uint64_t leaf_span;

	make_bdevs(img, ctx, bd, NULL);
	o.allocator = &hooks;

	o.memory_budget = 1000;
	CHECK_RET(verity_device_open(&dev, p, &bd[0], &bd[1], &o), VERITY_E_BUDGET_TOO_SMALL);
	CHECK(ca.allocs == 0, "nothing allocated when the budget is too small");

	for (size_t i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++) {
		int ret;

		o.memory_budget = budgets[i];
		ca.total_bytes = ca.allocs = 0;
		ret = verity_device_open(&dev, p, &bd[0], &bd[1], &o);
		if (ret == VERITY_E_BUDGET_TOO_SMALL)
			continue; /* large blocks need more than the small budgets */
		CHECK_RET(ret, 0);
		s = status_of(dev);
		CHECK(ca.allocs == 1 && ca.total_bytes == s.memory_used, "one allocation at open");
		CHECK(s.memory_used <= budgets[i], "memory %zu over budget %zu", s.memory_used,
		      budgets[i]);
		check_random_reads(img, dev, 60);
		CHECK(ca.allocs == 1 && ca.live_bytes == s.memory_used, "reads allocated");
		printf("  budget %zu: used %zu, cache %zu blocks, %u levels pinned\n", budgets[i],
		       s.memory_used, s.cache_capacity, s.pinned_levels);
		verity_device_close(dev);
		CHECK(ca.live_blocks == 0, "close frees");
	}

	if (g->levels == 0)
		goto out;
	/*
	 * Eviction: a budget whose cache holds few blocks. Read block 0 (its leaf
	 * is cached and verified), corrupt that leaf on "disk": still served from
	 * the verified copy. Evict it by reading under many other leaves, then
	 * block 0 again: the leaf is re-read, re-verified, and the change caught.
	 */
	leaf_span = (uint64_t)1 << g->hash_per_block_bits;
	if (g->level_blocks[0] < 6)
		goto out;
	o.memory_budget = 0;
	for (size_t budget = 8 * 1024;; budget += hbs) {
		o.memory_budget = budget;
		if (verity_device_open(&dev, p, &bd[0], &bd[1], &o) != 0)
			continue;
		s = status_of(dev);
		if (s.cache_capacity >= 2)
			break;
		verity_device_close(dev);
	}
	CHECK(s.cache_capacity < g->level_blocks[0], "cache should be smaller than the leaves");
	CHECK_RET(verity_device_read(dev, 0, dbs, buf), 0);
	s = status_of(dev);
	CHECK(s.cache_misses == 1 && s.cache_hits == 0, "first read misses");
	CHECK_RET(verity_device_read(dev, 1, dbs - 1, buf), 0);
	s = status_of(dev);
	CHECK(s.cache_hits == 1, "second read hits");
	img->hash[g->level_start[0] * hbs + 5] ^= 1;
	CHECK_RET(verity_device_read(dev, 0, dbs, buf), 0);
	CHECK(memcmp(buf, img->data, dbs) == 0, "verified cached leaf still used");
	for (uint64_t k = 1; k <= s.cache_capacity + 1 && k < g->level_blocks[0]; k++)
		CHECK_RET(verity_device_read(dev, k * leaf_span * dbs, dbs, buf), 0);
	CHECK_RET(verity_device_read(dev, 0, dbs, buf), VERITY_E_CORRUPT_HASH);
	s = status_of(dev);
	CHECK(s.state == 'C' && s.last_event.block == g->level_start[0] &&
	          s.last_event.block_type == VERITY_BLOCK_HASH,
	      "evicted leaf re-verified and caught");
	img->hash[g->level_start[0] * hbs + 5] ^= 1;
	CHECK_RET(verity_device_read(dev, 0, dbs, buf), 0);
	verity_device_close(dev);
	printf("  eviction: a leaf changed after eviction was caught\n");
out:
	CHECK(ca.live_blocks == 0, "leak");
	free(buf);
}

/* ---- options ---- */

struct callbacks {
	unsigned reports, restarts, panics;
	struct verity_device_event last;
};

static void cb_report(void *user, const struct verity_device_event *ev)
{
	struct callbacks *c = user;

	c->reports++;
	c->last = *ev;
}

static void cb_restart(void *user, const struct verity_device_event *ev)
{
	struct callbacks *c = user;

	c->restarts++;
	c->last = *ev;
}

static void cb_panic(void *user, const struct verity_device_event *ev)
{
	struct callbacks *c = user;

	c->panics++;
	c->last = *ev;
}

static void mode_options(struct image *img)
{
	const struct verity_params *p = &img->table.params;
	uint32_t dbs = p->data_block_size;
	struct verity_device_options o = {0};
	struct callbacks cb = {0};
	struct fault f = {0};
	struct test_bdev ctx[2];
	struct verity_bdev bd[2];
	struct verity_device *dev;
	struct verity_device_status s;
	uint8_t *buf = malloc(img->size);
	uint64_t zero_block = UINT64_MAX;

	pthread_mutex_init(&f.lock, NULL);
	make_bdevs(img, ctx, bd, &f);

	/* Argument checks. */
	o.reserved[1] = 1;
	CHECK_RET(verity_device_open(&dev, p, &bd[0], &bd[1], &o), VERITY_E_INVAL);
	o.reserved[1] = 0;
	o.flags = 1u << 20;
	CHECK_RET(verity_device_open(&dev, p, &bd[0], &bd[1], &o), VERITY_E_INVAL);
	o.flags = 0;
	o.corruption_mode = VERITY_CORRUPTION_RESTART;
	CHECK_RET(verity_device_open(&dev, p, &bd[0], &bd[1], &o), VERITY_E_MISSING_CALLBACK);
	o.corruption_mode = 0;
	o.io_error_mode = VERITY_IO_ERROR_PANIC;
	CHECK_RET(verity_device_open(&dev, p, &bd[0], &bd[1], &o), VERITY_E_MISSING_CALLBACK);
	o.io_error_mode = 7;
	CHECK_RET(verity_device_open(&dev, p, &bd[0], &bd[1], &o), VERITY_E_INVAL);
	o.io_error_mode = 0;
	{
		struct verity_params bad = *p;
		struct verity_bdev small = bd[0];

		bad.root_digest_size--;
		CHECK_RET(verity_device_open(&dev, &bad, &bd[0], &bd[1], &o),
		          VERITY_E_BAD_ROOT_DIGEST);
		small.size = img->size - 1;
		CHECK_RET(verity_device_open(&dev, p, &small, &bd[1], &o),
		          VERITY_E_DATA_DEVICE_TOO_SMALL);
		small = bd[1];
		small.size = img->geo.hash_end_block * p->hash_block_size - 1;
		CHECK_RET(verity_device_open(&dev, p, &bd[0], &small, &o),
		          VERITY_E_HASH_DEVICE_TOO_SMALL);
		CHECK_RET(verity_device_open(NULL, p, &bd[0], &bd[1], &o), VERITY_E_INVAL);
		CHECK_RET(verity_device_open(&dev, NULL, &bd[0], &bd[1], &o), VERITY_E_INVAL);
		CHECK_RET(verity_device_get_status(NULL, &s), VERITY_E_INVAL);
		verity_device_close(NULL);
	}

	/* check_at_most_once: a second read is not re-hashed (kernel semantics). */
	o.flags = VERITY_DEVICE_CHECK_AT_MOST_ONCE;
	dev = open_dev(img, bd, &o);
	CHECK_RET(verity_device_read(dev, 0, img->size, buf), 0);
	s = status_of(dev);
	CHECK(s.data_blocks_verified == p->data_blocks && s.skipped_blocks == 0, "first pass");
	img->data[dbs / 2] ^= 1; /* changes after verification go unnoticed, by design */
	CHECK_RET(verity_device_read(dev, 0, img->size, buf), 0);
	s = status_of(dev);
	CHECK(s.data_blocks_verified == p->data_blocks && s.skipped_blocks == p->data_blocks,
	      "second pass skipped");
	CHECK(buf[dbs / 2] == img->data[dbs / 2], "at-most-once returns the device's bytes");
	verity_device_close(dev);
	/* ... but a block never read before is verified and caught. */
	dev = open_dev(img, bd, &o);
	CHECK_RET(verity_device_read(dev, 0, 1, buf), VERITY_E_CORRUPT_DATA);
	verity_device_close(dev);
	img->data[dbs / 2] ^= 1;

	/* ignore_zero_blocks: all-zero blocks come back without being read. */
	for (uint64_t b = 0; b < p->data_blocks && zero_block == UINT64_MAX; b++)
		if (all_zero(img->data + b * dbs, dbs))
			zero_block = b;
	if (zero_block != UINT64_MAX) {
		uint64_t calls;

		o.flags = VERITY_DEVICE_IGNORE_ZERO_BLOCKS;
		dev = open_dev(img, bd, &o);
		CHECK_RET(verity_device_read(dev, 0, img->size, buf), 0);
		CHECK(memcmp(buf, img->data, img->size) == 0, "zero-block read differs");
		s = status_of(dev);
		CHECK(s.zero_blocks > 0, "zero blocks counted");
		/* A non-zero block where zeros are expected: zeros, unread (kernel). */
		img->data[zero_block * dbs + 9] = 0xee;
		calls = f.calls;
		CHECK_RET(verity_device_read(dev, zero_block * dbs, dbs, buf), 0);
		CHECK(all_zero(buf, dbs), "zero block returned as zeros");
		CHECK(f.calls == calls, "zero block was not read");
		verity_device_close(dev);
		o.flags = 0;
		dev = open_dev(img, bd, &o);
		CHECK_RET(verity_device_read(dev, zero_block * dbs, dbs, buf),
		          VERITY_E_CORRUPT_DATA);
		verity_device_close(dev);
		img->data[zero_block * dbs + 9] = 0;
		printf("  ignore_zero_blocks: block %llu returned as zeros unread\n",
		       (unsigned long long)zero_block);
	}
	o.flags = 0;

	/* Recheck: a block that reads wrong once, then right, passes. */
	f.flaky_offset = (p->data_blocks - 1) * dbs + 17;
	f.flaky_times = 1;
	dev = open_dev(img, bd, &o);
	CHECK_RET(verity_device_read(dev, (p->data_blocks - 1) * dbs, dbs, buf), 0);
	CHECK(memcmp(buf, img->data + (p->data_blocks - 1) * dbs, dbs) == 0, "rechecked data");
	s = status_of(dev);
	CHECK(s.rechecks_passed == 1 && s.state == 'V' && s.corruptions == 0, "recheck passed");
	/* Wrong twice: corrupt. */
	f.flaky_times = 2;
	CHECK_RET(verity_device_read(dev, (p->data_blocks - 1) * dbs, dbs, buf),
	          VERITY_E_CORRUPT_DATA);
	CHECK(status_of(dev).state == 'C', "status C");
	verity_device_close(dev);
	f.flaky_times = 0;

	/* Error modes call back; a callback that returns leaves the read failing. */
	o.callback_data = &cb;
	o.report = cb_report;
	o.restart = cb_restart;
	o.panic = cb_panic;
	for (int mode = VERITY_CORRUPTION_RESTART; mode <= VERITY_CORRUPTION_PANIC; mode++) {
		memset(&cb, 0, sizeof(cb));
		o.corruption_mode = (uint32_t)mode;
		dev = open_dev(img, bd, &o);
		img->data[3] ^= 0x80;
		CHECK_RET(verity_device_read(dev, 0, 10, buf), VERITY_E_CORRUPT_DATA);
		img->data[3] ^= 0x80;
		CHECK(cb.reports == 1 && cb.last.kind == VERITY_EVENT_CORRUPTION &&
		          cb.last.block_type == VERITY_BLOCK_DATA && cb.last.block == 0,
		      "event");
		CHECK(mode == VERITY_CORRUPTION_RESTART ? cb.restarts == 1 && cb.panics == 0
		                                        : cb.panics == 1 && cb.restarts == 0,
		      "mode callback");
		/* I/O errors do not trigger corruption modes. */
		f.fail_at = f.calls + 1;
		f.kind = FAULT_ERROR;
		CHECK_RET(verity_device_read(dev, img->size - 1, 1, buf), VERITY_E_IO);
		CHECK(cb.restarts + cb.panics == 1 && cb.reports == 2 &&
		          cb.last.kind == VERITY_EVENT_IO_ERROR,
		      "io error reported, no mode action");
		verity_device_close(dev);
	}
	o.corruption_mode = 0;
	for (int mode = VERITY_IO_ERROR_RESTART; mode <= VERITY_IO_ERROR_PANIC; mode++) {
		memset(&cb, 0, sizeof(cb));
		o.io_error_mode = (uint32_t)mode;
		dev = open_dev(img, bd, &o);
		f.fail_at = f.calls + 1;
		CHECK_RET(verity_device_read(dev, 0, 1, buf), VERITY_E_IO);
		CHECK(mode == VERITY_IO_ERROR_RESTART ? cb.restarts == 1 : cb.panics == 1,
		      "io error mode callback");
		/* Corruption does not trigger I/O error modes. */
		img->data[3] ^= 0x80;
		CHECK_RET(verity_device_read(dev, 0, 10, buf), VERITY_E_CORRUPT_DATA);
		img->data[3] ^= 0x80;
		CHECK(cb.restarts + cb.panics == 1, "corruption did not trigger the I/O mode");
		verity_device_close(dev);
	}
	o.io_error_mode = 0;

	/* The report callback stops after 100 corruptions; the count goes on. */
	memset(&cb, 0, sizeof(cb));
	dev = open_dev(img, bd, &o);
	img->data[3] ^= 0x80;
	for (int i = 0; i < 120; i++)
		CHECK_RET(verity_device_read(dev, 0, 1, buf), VERITY_E_CORRUPT_DATA);
	img->data[3] ^= 0x80;
	s = status_of(dev);
	CHECK(cb.reports == VERITY_DEVICE_MAX_REPORTED_CORRUPTIONS && s.corruptions == 120,
	      "report limit: %u reports, %llu corruptions", cb.reports,
	      (unsigned long long)s.corruptions);
	verity_device_close(dev);

	/* A wrong root digest: open succeeds (kernel), every read fails, status C. */
	{
		struct verity_params bad = *p;

		bad.root_digest[0] ^= 1;
		CHECK_RET(verity_device_open(&dev, &bad, &bd[0], &bd[1], NULL), 0);
		CHECK_RET(verity_device_read(dev, img->size / 2, 1, buf),
		          img->geo.levels ? VERITY_E_CORRUPT_HASH : VERITY_E_CORRUPT_DATA);
		CHECK(status_of(dev).state == 'C', "wrong root: C");
		verity_device_close(dev);
	}
	pthread_mutex_destroy(&f.lock);
	free(buf);
}

/* ---- threads ---- */

struct thread_arg {
	struct image *img;
	struct verity_device *dev;
	uint64_t seed;
	unsigned reads;
	uint64_t bad_block; /* data block corrupted, or UINT64_MAX */
	unsigned failures;
};

static void *reader_thread(void *p)
{
	struct thread_arg *a = p;
	struct image *img = a->img;
	uint32_t dbs = img->table.params.data_block_size;
	size_t max_len = 6 * dbs + 5;
	uint8_t *buf = malloc(max_len);
	uint64_t state = a->seed;

	for (unsigned i = 0; i < a->reads; i++) {
		uint64_t off, first, last;
		size_t len;
		int ret;

		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		len = 1 + (size_t)(state % max_len);
		if (len > img->size)
			len = (size_t)img->size;
		off = (state >> 20) % (img->size - len + 1);
		first = off / dbs;
		last = (off + len - 1) / dbs;
		ret = verity_device_read(a->dev, off, len, buf);
		if (a->bad_block >= first && a->bad_block <= last) {
			CHECK_RET(ret, VERITY_E_CORRUPT_DATA);
			a->failures++;
		} else {
			CHECK_RET(ret, 0);
			CHECK(memcmp(buf, img->data + off, len) == 0, "threaded read differs");
		}
	}
	free(buf);
	return NULL;
}

static void mode_threads(struct image *img, unsigned nthreads, unsigned reads)
{
	struct verity_device_options o = {0};
	struct test_bdev ctx[2];
	struct verity_bdev bd[2];
	struct verity_device *dev;
	struct verity_device_status s;
	pthread_t tid[16];
	struct thread_arg args[16];
	uint64_t bad = rnd_below(img->table.params.data_blocks);
	unsigned failures = 0;

	if (nthreads > 16)
		nthreads = 16;
	make_bdevs(img, ctx, bd, NULL);
	o.flags = VERITY_DEVICE_THREAD_SAFE;
	o.max_readers = 3; /* fewer buffer sets than threads: some wait */
	/* A small cache, so that threads evict each other's leaves. */
	o.memory_budget = 96 * 1024 + 8 * img->table.params.hash_block_size;
	o.batch_bytes = 2 * img->table.params.data_block_size;
	dev = open_dev(img, bd, &o);
	img->data[bad * img->table.params.data_block_size + 1] ^= 0x10;
	for (unsigned i = 0; i < nthreads; i++) {
		args[i] = (struct thread_arg){img, dev, rnd() | 1, reads, bad, 0};
		CHECK(pthread_create(&tid[i], NULL, reader_thread, &args[i]) == 0, "thread");
	}
	for (unsigned i = 0; i < nthreads; i++) {
		pthread_join(tid[i], NULL);
		failures += args[i].failures;
	}
	s = status_of(dev);
	CHECK(s.corruptions == failures, "corruptions %llu, failed reads %u",
	      (unsigned long long)s.corruptions, failures);
	CHECK(s.cache_hits + s.cache_misses > 0, "cache used");
	printf("  %u threads x %u reads: %u touched the corrupt block, cache %llu hits %llu "
	       "misses\n",
	       nthreads, reads, failures, (unsigned long long)s.cache_hits,
	       (unsigned long long)s.cache_misses);
	img->data[bad * img->table.params.data_block_size + 1] ^= 0x10;
	verity_device_close(dev);
}

int main(int argc, char **argv)
{
	struct image img;
	const char *seed_env = getenv("VERITY_TEST_SEED");

	if (argc < 5) {
		fprintf(stderr, "usage: %s MODE DATA HASH 'TABLE LINE' [args]\n", argv[0]);
		return 2;
	}
	mode_name = argv[1];
	rng = seed_env ? strtoull(seed_env, NULL, 0) : (uint64_t)getpid() * 2654435761u + 1;
	if (!rng)
		rng = 1;
	printf("%s: seed %llu (set VERITY_TEST_SEED to repeat)\n", mode_name,
	       (unsigned long long)rng);
	load_image(&img, argv + 2);
	if (strcmp(mode_name, "reads") == 0)
		mode_reads(&img);
	else if (strcmp(mode_name, "corrupt") == 0)
		mode_corrupt(&img, argv + 5);
	else if (strcmp(mode_name, "faults") == 0)
		mode_faults(&img);
	else if (strcmp(mode_name, "budget") == 0)
		mode_budget(&img);
	else if (strcmp(mode_name, "options") == 0)
		mode_options(&img);
	else if (strcmp(mode_name, "threads") == 0)
		mode_threads(&img, argc > 5 ? (unsigned)atoi(argv[5]) : 8,
		             argc > 6 ? (unsigned)atoi(argv[6]) : 200);
	else {
		fprintf(stderr, "unknown mode %s\n", mode_name);
		return 2;
	}
	free_image(&img);
	printf("%s: ok\n", mode_name);
	return 0;
}
