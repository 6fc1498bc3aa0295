/* SPDX-License-Identifier: MIT */
/*
 * Verified reads against their references, in one run (bench/bench_device.sh
 * makes the image). Figures are thread CPU time (the machine may be shared),
 * medians of interleaved runs (7 unless given).
 *
 *   hash-one      one data block, best single-stream SHA-256 (the reference
 *                 for warm reads), and through hash_many with n = 1
 *   pread         random block-sized preads (page cache warm)
 *   warm          random verified block reads, every leaf cached
 *   cold-leaf     random verified block reads, leaf cache (nearly) empty, the
 *                 levels above the leaves pinned at open as designed
 *   cold-all      random verified block reads, nothing pinned or cached: the
 *                 whole path from the top block is read and hashed
 *   seq           sequential verified reads of the whole image, 1 MiB at a
 *                 time, against verity_verify() (full verification, one
 *                 thread), sequential preads and hash_many over the bytes
 *   fec           when the table line has FEC arguments: random reads of
 *                 data blocks that each carry one wrong byte, corrected
 *                 with the parity and then verified (warm tree)
 *
 * Reads go through the fd adapter (pread) and through a memory bdev over an
 * mmap of the same file (populated up front, as a bootloader's memory is),
 * to separate I/O cost from verification cost.
 *
 * Usage: bench_device DATA HASH 'TABLE LINE' [random reads per run [runs [CSV file]]]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "libverity.h"
#include "sha/sha256.h"
#include "verity/hash.h"

#define MAX_RUNS 51

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench_device: %s: %s\n", what, err ? verity_strerror(err) : "failed");
	exit(1);
}

struct setup {
	struct verity_table table;
	struct verity_bdev fd_bdev[2], mem_bdev[2];
	struct verity_fd_bdev fd_ctx[2];
	struct verity_memory_bdev mem_ctx[2];
	uint8_t *map[2];
	size_t map_len[2];
	int fd[2];
	uint64_t blocks;
	uint32_t dbs;
	/* FEC (table line with use_fec_from_device): parity file and parameters */
	int fec_fd;
	struct verity_bdev fec_bdev;
	struct verity_fd_bdev fec_ctx;
	struct verity_fec_params fec;
};

static void open_files(struct setup *s, char **argv)
{
	int ret = verity_table_parse(&s->table, argv[2], strlen(argv[2]));

	if (ret)
		die("table line", ret);
	s->blocks = s->table.params.data_blocks;
	s->dbs = s->table.params.data_block_size;
	for (int i = 0; i < 2; i++) {
		s->fd[i] = open(argv[i], O_RDONLY);
		if (s->fd[i] < 0)
			die(argv[i], 0);
		ret = verity_bdev_from_fd(&s->fd_bdev[i], &s->fd_ctx[i], s->fd[i], UINT64_MAX);
		if (ret)
			die("fd bdev", ret);
		s->map_len[i] = (size_t)s->fd_bdev[i].size;
		s->map[i] =
		    mmap(NULL, s->map_len[i], PROT_READ, MAP_SHARED | MAP_POPULATE, s->fd[i], 0);
		if (s->map[i] == MAP_FAILED)
			die("mmap", 0);
		ret = verity_bdev_from_memory(&s->mem_bdev[i], &s->mem_ctx[i], s->map[i],
		                              s->map_len[i]);
		if (ret)
			die("memory bdev", ret);
	}
}

static void open_fec(struct setup *s)
{
	int ret;

	s->fec_fd = -1;
	if (!s->table.has_fec)
		return;
	s->fec_fd = open(s->table.fec_device, O_RDONLY);
	if (s->fec_fd < 0)
		die(s->table.fec_device, 0);
	ret = verity_bdev_from_fd(&s->fec_bdev, &s->fec_ctx, s->fec_fd, UINT64_MAX);
	if (ret)
		die("fec bdev", ret);
	s->fec.roots = s->table.fec_roots;
	s->fec.fec_blocks = s->table.fec_blocks;
	s->fec.fec_start = s->table.fec_start;
}

/*
 * A data bdev that flips one byte of each block in FEC's first column
 * (blocks below the number of rounds), so that every round holds at most
 * one bad block: within what any roots value corrects.
 */
struct corrupting_bdev {
	const struct verity_bdev *inner;
	uint64_t bad_blocks;
	uint32_t bs;
};

static int corrupting_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	const struct corrupting_bdev *c = user_data;
	int ret = c->inner->read(c->inner->user_data, offset, buf, len);

	if (ret || len == 0)
		return ret;
	for (uint64_t b = offset / c->bs; b <= (offset + len - 1) / c->bs && b < c->bad_blocks;
	     b++) {
		uint64_t at = b * c->bs + 17;

		if (at >= offset && at < offset + len)
			((uint8_t *)buf)[at - offset] ^= 0x5a;
	}
	return 0;
}

static struct verity_device *open_device(struct setup *s, const struct verity_bdev bd[2],
                                         size_t budget)
{
	struct verity_device_options o = {0};
	struct verity_device *dev;
	int ret;

	o.memory_budget = budget;
	ret = verity_device_open(&dev, &s->table.params, &bd[0], &bd[1], &o);
	if (ret)
		die("open", ret);
	return dev;
}

/* Microseconds per random block read over @n reads (pread when @dev is NULL). */
static double random_reads(struct setup *s, struct verity_device *dev, int fd, unsigned n)
{
	static uint8_t buf[1 << 16] __attribute__((aligned(4096)));
	double t0 = now();

	for (unsigned i = 0; i < n; i++) {
		uint64_t off = (rnd() % s->blocks) * s->dbs;

		if (dev) {
			int ret = verity_device_read(dev, off, s->dbs, buf);

			if (ret)
				die("read", ret);
		} else if (pread(fd, buf, s->dbs, (off_t)off) != (ssize_t)s->dbs) {
			die("pread", 0);
		}
	}
	return (now() - t0) * 1e6 / n;
}

/*
 * Microseconds to fetch a random block and hash it, with no tree: pread from
 * @fd, or a copy out of the mapping when @fd < 0. What a verified read costs
 * at least; the difference is the device's own overhead.
 */
static double fetch_and_hash(struct setup *s, int fd, unsigned n)
{
	static uint8_t buf[1 << 16] __attribute__((aligned(4096)));
	struct verity_hasher h;
	uint8_t digest[VERITY_MAX_DIGEST_SIZE];
	double t0;

	if (verity_hasher_init(&h, &s->table.params))
		die("hasher", 0);
	t0 = now();
	for (unsigned i = 0; i < n; i++) {
		uint64_t off = (rnd() % s->blocks) * s->dbs;

		if (fd < 0)
			memcpy(buf, s->map[0] + off, s->dbs);
		else if (pread(fd, buf, s->dbs, (off_t)off) != (ssize_t)s->dbs)
			die("pread", 0);
		verity_hash_blocks(&h, buf, s->dbs, 1, digest);
	}
	return (now() - t0) * 1e6 / n;
}

/* MB/s reading everything sequentially, 1 MiB at a time (pread when @dev is NULL). */
static double sequential(struct setup *s, struct verity_device *dev, int fd)
{
	static uint8_t buf[1 << 20] __attribute__((aligned(4096)));
	uint64_t size = s->blocks * s->dbs;
	double t0 = now();

	for (uint64_t off = 0; off < size; off += sizeof(buf)) {
		size_t len = size - off < sizeof(buf) ? (size_t)(size - off) : sizeof(buf);

		if (dev) {
			int ret = verity_device_read(dev, off, len, buf);

			if (ret)
				die("read", ret);
		} else if (pread(fd, buf, len, (off_t)off) != (ssize_t)len) {
			die("pread", 0);
		}
	}
	return (double)size / (now() - t0) / 1e6;
}

/* MB/s of hash_many over the mapped data, 1 MiB batches. */
static double hash_many_throughput(struct setup *s)
{
	struct verity_hasher h;
	size_t per = (1 << 20) / s->dbs;
	uint8_t *digests = malloc(per * VERITY_MAX_DIGEST_SIZE);
	double t0;

	if (verity_hasher_init(&h, &s->table.params))
		die("hasher", 0);
	t0 = now();
	for (uint64_t b = 0; b < s->blocks; b += per) {
		size_t n = s->blocks - b < per ? (size_t)(s->blocks - b) : per;

		verity_hash_blocks(&h, s->map[0] + b * s->dbs, s->dbs, n, digests);
	}
	t0 = now() - t0;
	free(digests);
	return (double)(s->blocks * s->dbs) / t0 / 1e6;
}

/* MB/s of verity_verify() over the image, one thread (the full-verify reference). */
static double full_verify_throughput(struct setup *s, struct verity_bdev bd[2])
{
	struct verity_tree_options o = {0};
	struct verity_verify_result r;
	double t0 = now();
	int ret;

	o.threads = 1;
	ret = verity_verify(&s->table.params, &bd[0], &bd[1], &o, &r);
	if (ret)
		die("verity_verify", ret);
	return (double)(s->blocks * s->dbs) / (now() - t0) / 1e6;
}

/* Microseconds to hash one block: single-stream implementation, or hash_many with n = 1. */
static double hash_one(struct setup *s, bool many)
{
	const struct verity_params *p = &s->table.params;
	const struct verity_sha256_impl *single = verity_sha256_impl_single();
	enum verity_salt_position pos = p->hash_type ? VERITY_SALT_PREFIX : VERITY_SALT_SUFFIX;
	struct verity_hasher h;
	uint8_t digest[VERITY_MAX_DIGEST_SIZE];
	const unsigned n = 20000;
	double t0;

	if (verity_hasher_init(&h, p))
		die("hasher", 0);
	/* Untimed first pass: caches and clocks settle after the previous measurement. */
	for (unsigned i = 0; i < n / 4; i++)
		verity_hash_blocks(&h, s->map[0] + (i % 64) * s->dbs, s->dbs, 1, digest);
	t0 = now();
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *block = s->map[0] + (i % 64) * s->dbs;

		if (many)
			verity_hash_blocks(&h, block, s->dbs, 1, digest);
		else
			verity_sha256_hash_many_impl(single, block, s->dbs, s->dbs, 1, p->salt,
			                             p->salt_size, pos, digest);
	}
	return (now() - t0) * 1e6 / n;
}

static void warm_up(struct verity_device *dev, struct setup *s)
{
	struct verity_geometry g;
	uint8_t *buf = malloc(s->dbs);

	verity_geometry_init(&g, &s->table.params);
	for (uint64_t b = 0; b < s->blocks; b += (uint64_t)1 << g.hash_per_block_bits)
		if (verity_device_read(dev, b * s->dbs, s->dbs, buf))
			die("warm-up read", 0);
	free(buf);
}

/* The smallest budget that opens at all: nothing pinned, nothing cached. */
/*
 * Microseconds per random read of a corrupt block, corrected with FEC and
 * verified, through the fd adapter with the tree warm; each result is
 * checked against the file. Sets *@corrected to the device's count.
 */
static double fec_reads(struct setup *s, unsigned n, uint64_t *corrected)
{
	static uint8_t buf[1 << 16] __attribute__((aligned(4096)));
	static uint8_t good[1 << 16] __attribute__((aligned(4096)));
	struct corrupting_bdev c = {&s->fd_bdev[0], verity_fec_rounds(&s->fec), s->dbs};
	struct verity_bdev bad = {&c, corrupting_read, s->fd_bdev[0].size, NULL, NULL};
	struct verity_device_options o = {0};
	struct verity_device_status st;
	struct verity_device *dev;
	double t = 0;
	int ret;

	if (c.bad_blocks > s->blocks)
		c.bad_blocks = s->blocks;
	o.memory_budget = 64u << 20;
	o.fec = &s->fec;
	o.fec_device = &s->fec_bdev;
	ret = verity_device_open(&dev, &s->table.params, &bad, &s->fd_bdev[1], &o);
	if (ret)
		die("open with FEC", ret);
	warm_up(dev, s);
	for (unsigned i = 0; i < n; i++) {
		uint64_t off = (rnd() % c.bad_blocks) * s->dbs;
		double t0 = now();

		ret = verity_device_read(dev, off, s->dbs, buf);
		t += now() - t0;
		if (ret)
			die("corrected read", ret);
		if (pread(s->fd[0], good, s->dbs, (off_t)off) != (ssize_t)s->dbs ||
		    memcmp(buf, good, s->dbs) != 0)
			die("corrected read differs from the file", 0);
	}
	verity_device_get_status(dev, &st);
	*corrected = st.fec_corrected;
	verity_device_close(dev);
	return t * 1e6 / n;
}

static size_t minimal_budget(struct setup *s, struct verity_bdev bd[2])
{
	for (size_t budget = 4096;; budget += 512) {
		struct verity_device_options o = {0};
		struct verity_device *dev;

		o.memory_budget = budget;
		if (verity_device_open(&dev, &s->table.params, &bd[0], &bd[1], &o) == 0) {
			verity_device_close(dev);
			return budget;
		}
	}
}

/* The smallest budget that pins every level above the leaves. */
static size_t pinning_budget(struct setup *s, struct verity_bdev bd[2])
{
	for (size_t budget = 64 * 1024;; budget += 4096) {
		struct verity_device_options o = {0};
		struct verity_device *dev;
		struct verity_device_status st;
		struct verity_geometry g;

		o.memory_budget = budget;
		if (verity_device_open(&dev, &s->table.params, &bd[0], &bd[1], &o))
			continue;
		verity_device_get_status(dev, &st);
		verity_device_close(dev);
		verity_geometry_init(&g, &s->table.params);
		if (st.pinned_levels + 1 >= g.levels)
			return budget;
	}
}

enum metric {
	M_HASH_SINGLE,
	M_HASH_MANY1,
	M_PREAD,
	M_PREAD_HASH,
	M_COPY_HASH,
	M_WARM_FD,
	M_WARM_MEM,
	M_COLD_LEAF_FD,
	M_COLD_LEAF_MEM,
	M_COLD_ALL_FD,
	M_COLD_ALL_MEM,
	M_SEQ_PREAD,
	M_HASH_MANY,
	M_FULL_VERIFY,
	M_SEQ_FD,
	M_SEQ_MEM,
	M_FEC_FD,
	M_COUNT,
};

/* One row per measurement: name, value, unit. */
static void write_csv(const char *path, const double *m, bool has_fec)
{
	static const struct {
		int id;
		const char *name, *unit;
	} rows[] = {
	    {M_HASH_SINGLE, "hash one block single-stream", "us"},
	    {M_HASH_MANY1, "hash one block hash_many n=1", "us"},
	    {M_PREAD, "pread one random block", "us"},
	    {M_PREAD_HASH, "pread + hash a random block (fd)", "us"},
	    {M_COPY_HASH, "copy + hash a random block (mmap)", "us"},
	    {M_WARM_FD, "warm random verified read (fd)", "us"},
	    {M_WARM_FD + 1, "warm random verified read (mmap)", "us"},
	    {M_COLD_LEAF_FD, "cold-leaf random verified read (fd)", "us"},
	    {M_COLD_LEAF_FD + 1, "cold-leaf random verified read (mmap)", "us"},
	    {M_COLD_ALL_FD, "cold-all random verified read (fd)", "us"},
	    {M_COLD_ALL_FD + 1, "cold-all random verified read (mmap)", "us"},
	    {M_SEQ_PREAD, "sequential pread", "MB/s"},
	    {M_HASH_MANY, "hash_many over the data", "MB/s"},
	    {M_FULL_VERIFY, "full verify 1 thread (fd)", "MB/s"},
	    {M_SEQ_FD, "sequential verified read (fd)", "MB/s"},
	    {M_SEQ_FD + 1, "sequential verified read (mmap)", "MB/s"},
	    {M_FEC_FD, "FEC-corrected random read (fd)", "us"},
	};
	FILE *f = fopen(path, "w");

	if (!f)
		die(path, 0);
	fprintf(f, "measurement,value,unit\n");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].id != M_FEC_FD || has_fec)
			fprintf(f, "%s,%.3f,%s\n", rows[i].name, m[rows[i].id], rows[i].unit);
	if (fclose(f))
		die(path, 0);
}

int main(int argc, char **argv)
{
	struct verity_device *warm[2], *cold_leaf[2], *cold_all[2], *seq[2];
	double samples[M_COUNT][MAX_RUNS], m[M_COUNT];
	struct verity_device_status st[3];
	uint64_t corrected = 0;
	struct setup s;
	unsigned n;
	int runs;
	const char *csv;

	if (argc < 4) {
		fprintf(stderr, "usage: %s DATA HASH 'TABLE LINE' [reads per run [runs [CSV]]]\n",
		        argv[0]);
		return 2;
	}
	n = argc > 4 ? (unsigned)atoi(argv[4]) : 20000;
	runs = argc > 5 ? atoi(argv[5]) : 7;
	csv = argc > 6 ? argv[6] : NULL;
	if (n < 4 || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "%s: reads must be at least 4, runs 1 to %d\n", argv[0], MAX_RUNS);
		return 2;
	}
	open_files(&s, argv + 1);
	open_fec(&s);
	for (int i = 0; i < 2; i++) {
		struct verity_bdev *bd = i ? s.mem_bdev : s.fd_bdev;

		warm[i] = open_device(&s, bd, 64u << 20);
		warm_up(warm[i], &s);
		cold_leaf[i] = open_device(&s, bd, pinning_budget(&s, bd));
		cold_all[i] = open_device(&s, bd, minimal_budget(&s, bd));
		seq[i] = open_device(&s, bd, 16u << 20);
	}

	/* Runs interleave the measurements, so that drift hits them alike. */
	for (int r = 0; r < runs; r++) {
		samples[M_HASH_SINGLE][r] = hash_one(&s, false);
		samples[M_HASH_MANY1][r] = hash_one(&s, true);
		samples[M_PREAD][r] = random_reads(&s, NULL, s.fd[0], n);
		samples[M_PREAD_HASH][r] = fetch_and_hash(&s, s.fd[0], n);
		samples[M_COPY_HASH][r] = fetch_and_hash(&s, -1, n);
		for (int i = 0; i < 2; i++) {
			samples[M_WARM_FD + i][r] = random_reads(&s, warm[i], -1, n);
			samples[M_COLD_LEAF_FD + i][r] = random_reads(&s, cold_leaf[i], -1, n);
			samples[M_COLD_ALL_FD + i][r] = random_reads(&s, cold_all[i], -1, n / 4);
		}
		samples[M_SEQ_PREAD][r] = sequential(&s, NULL, s.fd[0]);
		samples[M_HASH_MANY][r] = hash_many_throughput(&s);
		samples[M_FULL_VERIFY][r] = full_verify_throughput(&s, s.fd_bdev);
		for (int i = 0; i < 2; i++)
			samples[M_SEQ_FD + i][r] = sequential(&s, seq[i], -1);
		if (s.table.has_fec)
			samples[M_FEC_FD][r] = fec_reads(&s, n / 100 < 4 ? 4 : n / 100, &corrected);
	}
	for (int i = 0; i < M_COUNT; i++)
		m[i] = median(samples[i], runs);

	verity_device_get_status(warm[0], &st[0]);
	verity_device_get_status(cold_leaf[0], &st[1]);
	verity_device_get_status(cold_all[0], &st[2]);
	printf("image: %llu blocks of %u bytes (%.0f MiB), %s; SHA-256 single: %s, many: %s\n",
	       (unsigned long long)s.blocks, s.dbs, (double)(s.blocks * s.dbs) / (1 << 20),
	       s.table.params.algorithm, verity_sha256_impl_name(false),
	       verity_sha256_impl_name(true));
	printf("thread CPU time, medians of %d interleaved runs; %u random reads per run\n", runs,
	       n);
	printf("warm: %zu-block cache, %llu misses (warm-up); cold-leaf: %u levels pinned, "
	       "%zu-block cache, %llu hits; cold-all: %u pinned, %zu-block cache\n\n",
	       st[0].cache_capacity, (unsigned long long)st[0].cache_misses, st[1].pinned_levels,
	       st[1].cache_capacity, (unsigned long long)st[1].cache_hits, st[2].pinned_levels,
	       st[2].cache_capacity);

	printf("%-46s %9.2f us\n", "hash one block, single-stream (reference)", m[M_HASH_SINGLE]);
	printf("%-46s %9.2f us\n", "hash one block, hash_many n=1", m[M_HASH_MANY1]);
	printf("%-46s %9.2f us\n", "pread one random block", m[M_PREAD]);
	printf("%-46s %9.2f us\n", "pread + hash a random block, no tree (fd)", m[M_PREAD_HASH]);
	printf("%-46s %9.2f us\n", "copy + hash a random block, no tree (mmap)", m[M_COPY_HASH]);
	for (int i = 0; i < 2; i++) {
		const char *how = i ? "mmap" : "fd";
		char label[64];

		snprintf(label, sizeof(label), "warm random verified read (%s)", how);
		printf("%-46s %9.2f us  %.2fx hash-one, %.2fx fetch+hash\n", label,
		       m[M_WARM_FD + i], m[M_WARM_FD + i] / m[M_HASH_SINGLE],
		       m[M_WARM_FD + i] / m[M_PREAD_HASH + i]);
		snprintf(label, sizeof(label), "cold-leaf random verified read (%s)", how);
		printf("%-46s %9.2f us  %.2fx hash-one\n", label, m[M_COLD_LEAF_FD + i],
		       m[M_COLD_LEAF_FD + i] / m[M_HASH_SINGLE]);
		snprintf(label, sizeof(label), "cold-all random verified read (%s)", how);
		printf("%-46s %9.2f us  %.2fx hash-one\n", label, m[M_COLD_ALL_FD + i],
		       m[M_COLD_ALL_FD + i] / m[M_HASH_SINGLE]);
	}
	printf("\n%-46s %9.0f MB/s\n", "sequential pread", m[M_SEQ_PREAD]);
	printf("%-46s %9.0f MB/s\n", "hash_many over the data (in memory)", m[M_HASH_MANY]);
	printf("%-46s %9.0f MB/s  %.0f%% of hash_many\n",
	       "full verify, verity_verify() 1 thread (fd)", m[M_FULL_VERIFY],
	       100 * m[M_FULL_VERIFY] / m[M_HASH_MANY]);
	if (csv)
		write_csv(csv, m, s.table.has_fec);
	for (int i = 0; i < 2; i++) {
		char label[64];

		snprintf(label, sizeof(label), "sequential verified read (%s)", i ? "mmap" : "fd");
		printf("%-46s %9.0f MB/s  %.0f%% of full verify, %.0f%% of hash_many\n", label,
		       m[M_SEQ_FD + i], 100 * m[M_SEQ_FD + i] / m[M_FULL_VERIFY],
		       100 * m[M_SEQ_FD + i] / m[M_HASH_MANY]);
	}
	if (s.table.has_fec)
		printf("\n%-46s %9.2f us  %.1fx warm read (fec_roots %u, %llu blocks corrected "
		       "in the last run)\n",
		       "FEC-corrected random read (fd)", m[M_FEC_FD], m[M_FEC_FD] / m[M_WARM_FD],
		       s.fec.roots, (unsigned long long)corrected);
	for (int i = 0; i < 2; i++) {
		verity_device_close(warm[i]);
		verity_device_close(cold_leaf[i]);
		verity_device_close(cold_all[i]);
		verity_device_close(seq[i]);
	}
	return 0;
}
