/* SPDX-License-Identifier: MIT */
/*
 * Block-device adapters. The file-descriptor adapter is driven through a
 * pread() interposed here, so that short reads, EINTR and errors happen on
 * demand; the memory adapter and the checked read are tested directly.
 */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libverity.h"

/* What the interposed pread does: at most this many bytes per call, etc. */
static size_t max_chunk;
static int eintr_left;
static int fail_errno;
static unsigned calls;

static ssize_t (*real_pread(void))(int, void *, size_t, off_t)
{
	static ssize_t (*fn)(int, void *, size_t, off_t);

	if (!fn)
		fn = (ssize_t(*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread");
	return fn;
}

ssize_t pread(int fd, void *buf, size_t count, off_t offset)
{
	calls++;
	if (eintr_left > 0) {
		eintr_left--;
		errno = EINTR;
		return -1;
	}
	if (fail_errno) {
		errno = fail_errno;
		return -1;
	}
	if (max_chunk && count > max_chunk)
		count = max_chunk;
	return real_pread()(fd, buf, count, offset);
}

static char path[64];

static int make_file(size_t len, uint8_t *bytes)
{
	int fd;

	const char *tmpdir = getenv("TMPDIR");

	if (!tmpdir || strlen(tmpdir) >= 40)
		tmpdir = P_tmpdir;
	snprintf(path, sizeof(path), "%s/verity-bdev-XXXXXX", tmpdir);
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	unlink(path);
	for (size_t i = 0; i < len; i++)
		bytes[i] = (uint8_t)(i * 7 + 3);
	cr_assert_eq(write(fd, bytes, len), (ssize_t)len);
	return fd;
}

static void reset(void)
{
	max_chunk = 0;
	eintr_left = 0;
	fail_errno = 0;
	calls = 0;
}

Test(bdev_fd, short_reads_and_eintr_are_retried)
{
	uint8_t bytes[10000], out[10000];
	struct verity_fd_bdev ctx;
	struct verity_bdev bdev;
	int fd = make_file(sizeof(bytes), bytes);

	reset();
	cr_assert_eq(verity_bdev_from_fd(&bdev, &ctx, fd, UINT64_MAX), 0);
	cr_assert_eq(bdev.size, sizeof(bytes));
	max_chunk = 3;
	eintr_left = 2;
	cr_assert_eq(verity_bdev_read(&bdev, 11, out, 5000), 0);
	cr_assert_eq(memcmp(out, bytes + 11, 5000), 0);
	cr_assert_geq(calls, 2 + 5000 / 3);
	reset();
	cr_assert_eq(verity_bdev_read(&bdev, 0, out, sizeof(bytes)), 0);
	cr_assert_eq(memcmp(out, bytes, sizeof(bytes)), 0);
	close(fd);
}

Test(bdev_fd, errors)
{
	uint8_t bytes[4096], out[4096];
	struct verity_fd_bdev ctx;
	struct verity_bdev bdev;
	int fd = make_file(sizeof(bytes), bytes);

	reset();
	cr_assert_eq(verity_bdev_from_fd(&bdev, &ctx, fd, UINT64_MAX), 0);
	fail_errno = EIO;
	cr_assert_eq(verity_bdev_read(&bdev, 0, out, 100), VERITY_E_IO);
	cr_assert_eq(ctx.last_errno, EIO);
	reset();
	/* A file that shrank under the adapter: end of file is a short read. */
	cr_assert_eq(ftruncate(fd, 1000), 0);
	cr_assert_eq(verity_bdev_read(&bdev, 900, out, 200), VERITY_E_SHORT_READ);
	/* The checked read refuses ranges outside the declared size. */
	cr_assert_eq(verity_bdev_read(&bdev, 4000, out, 97), VERITY_E_RANGE);
	cr_assert_eq(verity_bdev_read(&bdev, UINT64_MAX, out, 2), VERITY_E_RANGE);
	cr_assert_eq(verity_bdev_read(&bdev, 0, NULL, 2), VERITY_E_INVAL);
	cr_assert_eq(verity_bdev_read(NULL, 0, out, 2), VERITY_E_INVAL);
	/* An explicit size. */
	cr_assert_eq(verity_bdev_from_fd(&bdev, &ctx, fd, 500), 0);
	cr_assert_eq(bdev.size, 500);
	cr_assert_eq(verity_bdev_from_fd(&bdev, &ctx, -1, 500), VERITY_E_INVAL);
	close(fd);
}

Test(bdev_memory, reads_and_limits)
{
	static const uint8_t bytes[] = "0123456789";
	struct verity_memory_bdev ctx;
	struct verity_bdev bdev;
	uint8_t out[10];

	cr_assert_eq(verity_bdev_from_memory(&bdev, &ctx, bytes, 10), 0);
	cr_assert_eq(verity_bdev_read(&bdev, 3, out, 7), 0);
	cr_assert_eq(memcmp(out, "3456789", 7), 0);
	cr_assert_eq(verity_bdev_read(&bdev, 3, out, 8), VERITY_E_RANGE);
	cr_assert_eq(verity_bdev_read(&bdev, 10, out, 0), 0);
	cr_assert_eq(verity_bdev_from_memory(&bdev, &ctx, NULL, 1), VERITY_E_INVAL);
	cr_assert_eq(verity_bdev_from_memory(&bdev, &ctx, NULL, 0), 0);
}
