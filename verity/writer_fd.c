/* SPDX-License-Identifier: MIT */
/* File-descriptor writer for verity_format() (hosted builds only). */
#include <errno.h>
#include <unistd.h>

#include "verity/util.h"

static int fd_write(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	struct verity_fd_writer *ctx = user_data;
	const uint8_t *p = buf;

	while (len) {
		/* pwrite takes an off_t; keep every request inside its range. */
		size_t chunk = len > ((size_t)1 << 30) ? ((size_t)1 << 30) : len;
		ssize_t put;

		if (offset > (uint64_t)INT64_MAX - chunk)
			return VERITY_E_OVERFLOW;
		put = pwrite(ctx->fd, p, chunk, (off_t)offset);
		if (put < 0) {
			if (errno == EINTR)
				continue;
			ctx->last_errno = errno;
			return VERITY_E_IO;
		}
		if (put == 0) {
			ctx->last_errno = ENOSPC;
			return VERITY_E_IO;
		}
		p += put;
		len -= (size_t)put;
		offset += (uint64_t)put;
	}
	return 0;
}

int verity_writer_from_fd(struct verity_writer *writer, struct verity_fd_writer *fd_ctx, int fd)
{
	if (!writer || !fd_ctx || fd < 0)
		return VERITY_E_INVAL;
	fd_ctx->fd = fd;
	fd_ctx->last_errno = 0;
	writer->user_data = fd_ctx;
	writer->write = fd_write;
	return 0;
}
