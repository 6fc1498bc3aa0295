/* SPDX-License-Identifier: MIT */
/*
 * bench_ddi IMAGE CERT [REPS]: time verity_ddi_dissect() of a discoverable
 * disk image (signature checked, superblock parsed, the path from the first
 * data block to the root verified) and count what it reads through a
 * counting bdev: every read's offset and length, summed per partition.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "libverity.h"

struct counting {
	const struct verity_bdev *inner;
	uint64_t reads, bytes;
};

static int count_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	struct counting *c = user_data;

	c->reads++;
	c->bytes += len;
	return c->inner->read(c->inner->user_data, offset, buf, len);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct verity_fd_bdev fd_ctx;
	struct verity_bdev file, disk;
	struct verity_keyring *kr;
	struct counting c = {0};
	int reps = argc > 3 ? atoi(argv[3]) : 10, fd, ret;
	double best = 1e9;

	if (argc < 3) {
		fprintf(stderr, "usage: %s IMAGE CERT [REPS]\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || verity_bdev_from_fd(&file, &fd_ctx, fd, UINT64_MAX) != 0) {
		perror(argv[1]);
		return 1;
	}
	if (verity_keyring_new(&kr) != 0 || verity_keyring_add_file(kr, argv[2]) != 0) {
		fprintf(stderr, "cannot load %s\n", argv[2]);
		return 1;
	}
	c.inner = &file;
	disk = (struct verity_bdev){.user_data = &c, .read = count_read, .size = file.size};
	for (int r = 0; r < reps; r++) {
		struct verity_ddi_options o = {0};
		struct verity_ddi ddi;
		double t0;

		o.keyring = kr;
		c.reads = c.bytes = 0;
		t0 = now();
		ret = verity_ddi_dissect(&ddi, &disk, &o);
		if (ret == 0 && (ddi.pair_count == 0 || ddi.pairs[0].status != 0))
			ret = ddi.pair_count ? ddi.pairs[0].status : VERITY_E_DDI_NO_PARTITION;
		t0 = now() - t0;
		if (t0 < best)
			best = t0;
		if (ret) {
			fprintf(stderr, "dissect: %s\n", verity_strerror(ret));
			return 1;
		}
		verity_ddi_free(&ddi);
	}
	printf("image %llu bytes: dissect best of %d: %.3f ms, %llu reads, %llu bytes read "
	       "(%.4f%% of the image)\n",
	       (unsigned long long)file.size, reps, best * 1e3, (unsigned long long)c.reads,
	       (unsigned long long)c.bytes, 100.0 * (double)c.bytes / (double)file.size);
	verity_keyring_free(kr);
	close(fd);
	return 0;
}
