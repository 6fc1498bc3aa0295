/* SPDX-License-Identifier: MIT */
/*
 * Verified reads against their references, in one run (bench/bench_device.sh
 * makes the image). Every figure is the median of several runs.
 *
 *   hash-one      one data block, best single-stream SHA-256 (the reference
 *                 for warm reads) and through hash_many with n = 1
 *   pread         random block-sized preads (page cache warm)
 *   warm          random verified block reads, every leaf cached
 *   cold-leaf     random verified block reads, leaf cache empty (the levels
 *                 above the leaves pinned at open, as designed)
 *   cold-all      random verified block reads, nothing pinned or cached
 *   seq           sequential verified reads of the whole image, 1 MiB at a
 *                 time, against sequential preads and against hash_many over
 *                 the same bytes in memory
 *
 * Reads go through the fd adapter (pread) and through a memory bdev over an
 * mmap of the same file, to separate I/O cost from verification cost.
 *
 * Usage: bench_device DATA HASH 'TABLE LINE' [random reads per run]
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

#define RUNS 5

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
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
		s->map[i] = mmap(NULL, s->map_len[i], PROT_READ, MAP_SHARED, s->fd[i], 0);
		if (s->map[i] == MAP_FAILED)
			die("mmap", 0);
		ret = verity_bdev_from_memory(&s->mem_bdev[i], &s->mem_ctx[i], s->map[i],
		                              s->map_len[i]);
		if (ret)
			die("memory bdev", ret);
	}
}

static struct verity_device *open_device(struct setup *s, struct verity_bdev bd[2],
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

/* Microseconds per random block read, median of RUNS runs of @n reads. */
static double random_reads(struct setup *s, struct verity_device *dev, int fd, unsigned n)
{
	uint8_t *buf = aligned_alloc(4096, s->dbs);
	double runs[RUNS];

	for (int r = 0; r < RUNS; r++) {
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
		runs[r] = (now() - t0) * 1e6 / n;
	}
	free(buf);
	return median(runs, RUNS);
}

/* MB/s reading everything sequentially, 1 MiB at a time. */
static double sequential(struct setup *s, struct verity_device *dev, int fd)
{
	size_t chunk = 1 << 20;
	uint64_t size = s->blocks * s->dbs;
	uint8_t *buf = aligned_alloc(4096, chunk);
	double runs[3];

	for (int r = 0; r < 3; r++) {
		double t0 = now();

		for (uint64_t off = 0; off < size; off += chunk) {
			size_t len = size - off < chunk ? (size_t)(size - off) : chunk;

			if (dev) {
				int ret = verity_device_read(dev, off, len, buf);

				if (ret)
					die("read", ret);
			} else if (pread(fd, buf, len, (off_t)off) != (ssize_t)len) {
				die("pread", 0);
			}
		}
		runs[r] = (double)size / (now() - t0) / 1e6;
	}
	free(buf);
	return median(runs, 3);
}

/* MB/s of hash_many over the mapped data, 1 MiB batches (the full-verify proxy). */
static double hash_many_throughput(struct setup *s)
{
	struct verity_hasher h;
	uint64_t size = s->blocks * s->dbs;
	size_t per = (1 << 20) / s->dbs;
	uint8_t *digests = malloc(per * VERITY_MAX_DIGEST_SIZE);
	double runs[3];

	if (verity_hasher_init(&h, &s->table.params))
		die("hasher", 0);
	for (int r = 0; r < 3; r++) {
		double t0 = now();

		for (uint64_t b = 0; b < s->blocks; b += per) {
			size_t n = s->blocks - b < per ? (size_t)(s->blocks - b) : per;

			verity_hash_blocks(&h, s->map[0] + b * s->dbs, s->dbs, n, digests);
		}
		runs[r] = (double)size / (now() - t0) / 1e6;
	}
	free(digests);
	return median(runs, 3);
}

/* Microseconds to hash one block: single-stream implementation, and hash_many n = 1. */
static void hash_one(struct setup *s, double *single_us, double *many_us)
{
	const struct verity_params *p = &s->table.params;
	const struct verity_sha256_impl *single = verity_sha256_impl_single();
	enum verity_salt_position pos = p->hash_type ? VERITY_SALT_PREFIX : VERITY_SALT_SUFFIX;
	struct verity_hasher h;
	uint8_t digest[VERITY_MAX_DIGEST_SIZE];
	double a[RUNS], b[RUNS];
	const unsigned n = 20000;

	if (verity_hasher_init(&h, p))
		die("hasher", 0);
	for (int r = 0; r < RUNS; r++) {
		double t0 = now();

		for (unsigned i = 0; i < n; i++)
			verity_sha256_hash_many_impl(single, s->map[0] + (i % 64) * s->dbs, s->dbs,
			                             s->dbs, 1, p->salt, p->salt_size, pos, digest);
		a[r] = (now() - t0) * 1e6 / n;
		t0 = now();
		for (unsigned i = 0; i < n; i++)
			verity_hash_blocks(&h, s->map[0] + (i % 64) * s->dbs, s->dbs, 1, digest);
		b[r] = (now() - t0) * 1e6 / n;
	}
	*single_us = median(a, RUNS);
	*many_us = median(b, RUNS);
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

int main(int argc, char **argv)
{
	struct setup s;
	unsigned n;
	double single_us, many_us, pread_us, hash_mbs;

	if (argc < 4) {
		fprintf(stderr, "usage: %s DATA HASH 'TABLE LINE' [reads per run]\n", argv[0]);
		return 2;
	}
	n = argc > 4 ? (unsigned)atoi(argv[4]) : 20000;
	open_files(&s, argv + 1);
	printf("image: %llu blocks of %u bytes (%.0f MiB), %s; SHA-256 single: %s, many: %s\n",
	       (unsigned long long)s.blocks, s.dbs, (double)(s.blocks * s.dbs) / (1 << 20),
	       s.table.params.algorithm, verity_sha256_impl_name(false),
	       verity_sha256_impl_name(true));
	printf("medians of %d runs x %u random reads\n\n", RUNS, n);

	hash_one(&s, &single_us, &many_us);
	pread_us = random_reads(&s, NULL, s.fd[0], n);
	printf("%-44s %8.2f us\n", "hash one block, single-stream (reference)", single_us);
	printf("%-44s %8.2f us\n", "hash one block, hash_many n=1", many_us);
	printf("%-44s %8.2f us\n", "pread one random block", pread_us);

	for (int mem = 0; mem < 2; mem++) {
		struct verity_bdev *bd = mem ? s.mem_bdev : s.fd_bdev;
		const char *how = mem ? "mmap" : "fd";
		size_t pin = pinning_budget(&s, bd);
		struct verity_device *dev;
		struct verity_device_status st;
		double us;
		char label[64];

		dev = open_device(&s, bd, 64u << 20);
		warm_up(dev, &s);
		us = random_reads(&s, dev, -1, n);
		verity_device_get_status(dev, &st);
		snprintf(label, sizeof(label), "warm random verified read (%s)", how);
		printf("%-44s %8.2f us  %.2fx hash-one  (misses %llu)\n", label, us, us / single_us,
		       (unsigned long long)st.cache_misses);
		verity_device_close(dev);

		dev = open_device(&s, bd, pin);
		us = random_reads(&s, dev, -1, n);
		verity_device_get_status(dev, &st);
		snprintf(label, sizeof(label), "cold-leaf random verified read (%s)", how);
		printf("%-44s %8.2f us  (%u levels pinned, cache %zu blocks, hits %llu)\n", label,
		       us, st.pinned_levels, st.cache_capacity, (unsigned long long)st.cache_hits);
		verity_device_close(dev);

		dev = open_device(&s, bd, minimal_budget(&s, bd));
		us = random_reads(&s, dev, -1, n / 4);
		verity_device_get_status(dev, &st);
		snprintf(label, sizeof(label), "cold-all random verified read (%s)", how);
		printf("%-44s %8.2f us  (%u levels pinned, cache %zu blocks)\n", label, us,
		       st.pinned_levels, st.cache_capacity);
		verity_device_close(dev);
	}

	hash_mbs = hash_many_throughput(&s);
	printf("\n%-44s %8.0f MB/s\n", "hash_many over the data (full-verify proxy)", hash_mbs);
	printf("%-44s %8.0f MB/s\n", "sequential pread", sequential(&s, NULL, s.fd[0]));
	for (int mem = 0; mem < 2; mem++) {
		struct verity_device *dev = open_device(&s, mem ? s.mem_bdev : s.fd_bdev, 16u << 20);
		double mbs = sequential(&s, dev, -1);
		char label[64];

		snprintf(label, sizeof(label), "sequential verified read (%s)", mem ? "mmap" : "fd");
		printf("%-44s %8.0f MB/s  %.0f%% of hash_many\n", label, mbs, 100 * mbs / hash_mbs);
		verity_device_close(dev);
	}
	return 0;
}
