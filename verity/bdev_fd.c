/* SPDX-License-Identifier: MIT */
/* File-descriptor adapter (hosted builds only). */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "verity/util.h"

static int fd_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	struct verity_fd_bdev *ctx = user_data;
	uint8_t *p = buf;

	while (len) {
		/* pread takes an off_t; keep every request inside its range. */
		size_t chunk = len > ((size_t)1 << 30) ? ((size_t)1 << 30) : len;
		ssize_t got;

		if (offset > (uint64_t)INT64_MAX - chunk)
			return VERITY_E_OVERFLOW;
		got = pread(ctx->fd, p, chunk, (off_t)offset);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			ctx->last_errno = errno;
			return VERITY_E_IO;
		}
		if (got == 0)
			return VERITY_E_SHORT_READ;
		p += got;
		len -= (size_t)got;
		offset += (uint64_t)got;
	}
	return 0;
}

/*
 * Zero-copy reads of regular files: a private read-only mapping of the pages
 * covering the range, populated up front. Touching a mapped page past end of
 * file raises SIGBUS, so the file's size is checked on every map: a file that
 * shrank is declined here and the read that follows reports the short read.
 */
static const void *fd_map(void *user_data, uint64_t offset, size_t len)
{
	struct verity_fd_bdev *ctx = user_data;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), skip = offset % page, end;
	struct stat st;
	void *p;

	/* The mapping's offset is an off_t, 32 bits without large-file support. */
	if (verity_add_overflow_u64(offset, len, &end) ||
	    end > (uint64_t)(sizeof(off_t) < 8 ? INT32_MAX : INT64_MAX) || len > SIZE_MAX - skip)
		return NULL;
	if (fstat(ctx->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (uint64_t)st.st_size < end)
		return NULL;
	p = mmap(NULL, len + (size_t)skip, PROT_READ, MAP_PRIVATE | MAP_POPULATE, ctx->fd,
	         (off_t)(offset - skip));
	if (p == MAP_FAILED)
		return NULL;
	return (const uint8_t *)p + skip;
}

static void fd_unmap(void *user_data, const void *addr, uint64_t offset, size_t len)
{
	size_t skip = (size_t)(offset % (uint64_t)sysconf(_SC_PAGESIZE));

	(void)user_data;
	munmap((void *)((uintptr_t)addr - skip), len + skip);
}

int verity_bdev_from_fd(struct verity_bdev *bdev, struct verity_fd_bdev *fd_ctx, int fd,
                        uint64_t size)
{
	struct stat st;

	if (!bdev || !fd_ctx || fd < 0)
		return VERITY_E_INVAL;
	fd_ctx->fd = fd;
	fd_ctx->last_errno = 0;
	if (size == UINT64_MAX) {
		if (fstat(fd, &st) != 0) {
			fd_ctx->last_errno = errno;
			return VERITY_E_IO;
		}
		if (S_ISBLK(st.st_mode)) {
			uint64_t bytes = 0;

			if (ioctl(fd, BLKGETSIZE64, &bytes) != 0) {
				fd_ctx->last_errno = errno;
				return VERITY_E_IO;
			}
			size = bytes;
		} else if (S_ISREG(st.st_mode)) {
			size = (uint64_t)st.st_size;
		} else {
			return VERITY_E_INVAL;
		}
	}
	*bdev = (struct verity_bdev){.user_data = fd_ctx, .read = fd_read, .size = size};
	/* Block devices keep pread: their size can change under a mapping too, unseen by fstat. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		bdev->map = fd_map;
		bdev->unmap = fd_unmap;
	}
	return 0;
}
