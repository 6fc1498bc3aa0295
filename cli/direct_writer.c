/* SPDX-License-Identifier: MIT */
/*
 * Sequential output that goes around the page cache (cli.h). The caller's
 * writes are copied into a few aligned chunks, and a thread of its own
 * writes each full chunk with O_DIRECT while the caller goes on: the caller
 * never waits on the disk unless every chunk is in flight, and no page of
 * the page cache is allocated, filled and written back for data that is not
 * read again (the parity of a 1 GiB image at 24 roots is 106 MiB).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"

/* Offsets and lengths of direct writes: every logical block size in use divides it. */
#define DIRECT_ALIGN 4096u

/*
 * One chunk: directly while the file takes direct writes of this shape,
 * else (a short or refused direct write, an unaligned chunk) through the
 * buffered descriptor, which the caller's fsync then covers.
 */
static int write_chunk(struct cli_direct_writer *dw, const struct cli_direct_chunk *c)
{
	const uint8_t *p = c->buf;
	size_t len = c->len;
	uint64_t offset = c->offset;

	while (dw->direct && len && offset % DIRECT_ALIGN == 0 && len % DIRECT_ALIGN == 0) {
		ssize_t put = pwrite(dw->direct_fd, p, len, (off_t)offset);

		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0 && errno != EINVAL)
			return errno;
		if (put <= 0) {
			dw->direct = false; /* refused: buffered from here on */
			break;
		}
		p += put;
		len -= (size_t)put;
		offset += (uint64_t)put;
	}
	if (!len)
		return 0;
	if (dw->buffered.write(dw->buffered.user_data, offset, p, len) == 0)
		return 0;
	return dw->buffered_ctx.last_errno ? dw->buffered_ctx.last_errno : EOVERFLOW;
}

static void *writer_loop(void *arg)
{
	struct cli_direct_writer *dw = arg;

	pthread_mutex_lock(&dw->lock);
	for (;;) {
		struct cli_direct_chunk *c = &dw->chunk[dw->next_write];
		int err;

		if (!c->queued) {
			if (dw->stop)
				break;
			pthread_cond_wait(&dw->work, &dw->lock);
			continue;
		}
		pthread_mutex_unlock(&dw->lock);
		err = dw->err ? 0 : write_chunk(dw, c); /* after an error: drain only */
		pthread_mutex_lock(&dw->lock);
		if (err && !dw->err)
			dw->err = err;
		c->queued = false;
		c->len = 0;
		dw->next_write = (dw->next_write + 1) % CLI_DIRECT_CHUNKS;
		pthread_cond_signal(&dw->space);
	}
	pthread_mutex_unlock(&dw->lock);
	return NULL;
}

/* Hand the chunk being filled to the writer thread and wait for the next one to be free. */
static void submit_chunk(struct cli_direct_writer *dw)
{
	struct cli_direct_chunk *c = &dw->chunk[dw->fill];

	pthread_mutex_lock(&dw->lock);
	c->queued = true;
	pthread_cond_signal(&dw->work);
	dw->fill = (dw->fill + 1) % CLI_DIRECT_CHUNKS;
	while (dw->chunk[dw->fill].queued)
		pthread_cond_wait(&dw->space, &dw->lock);
	pthread_mutex_unlock(&dw->lock);
}

static int first_error(struct cli_direct_writer *dw)
{
	int err;

	pthread_mutex_lock(&dw->lock);
	err = dw->err;
	pthread_mutex_unlock(&dw->lock);
	return err;
}

static int direct_write(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	struct cli_direct_writer *dw = user_data;
	const uint8_t *p = buf;

	while (len) {
		struct cli_direct_chunk *c = &dw->chunk[dw->fill];
		size_t room, n;

		if (c->len && offset != c->offset + c->len) {
			submit_chunk(dw); /* not where the chunk ends: it is complete */
			continue;
		}
		if (!c->len)
			c->offset = offset;
		/* A chunk that starts unaligned ends aligned, so that the next ones go direct. */
		room = CLI_DIRECT_CHUNK - c->offset % DIRECT_ALIGN - c->len;
		n = room < len ? room : len;
		memcpy(c->buf + c->len, p, n);
		c->len += n;
		p += n;
		len -= n;
		offset += n;
		if (n == room)
			submit_chunk(dw);
	}
	return first_error(dw) ? VERITY_E_IO : 0;
}

bool cli_direct_writer_start(struct cli_direct_writer *dw, const char *path, int fd)
{
	memset(dw, 0, sizeof(*dw));
	verity_writer_from_fd(&dw->buffered, &dw->buffered_ctx, fd);
	dw->direct_fd = open(path, O_WRONLY | O_DIRECT | O_CLOEXEC | O_NONBLOCK);
	if (dw->direct_fd < 0)
		return false;
	/* The same file as @fd, or not at all (the path may have been replaced since). */
	if (!cli_same_file(dw->direct_fd, fd) ||
	    posix_memalign((void **)&dw->ring, DIRECT_ALIGN,
	                   (size_t)CLI_DIRECT_CHUNKS * CLI_DIRECT_CHUNK) != 0) {
		close(dw->direct_fd);
		return false;
	}
	for (unsigned i = 0; i < CLI_DIRECT_CHUNKS; i++)
		dw->chunk[i].buf = dw->ring + (size_t)i * CLI_DIRECT_CHUNK;
	dw->direct = true;
	if (pthread_mutex_init(&dw->lock, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&dw->work, NULL) != 0)
		goto fail_lock;
	if (pthread_cond_init(&dw->space, NULL) != 0)
		goto fail_work;
	if (pthread_create(&dw->thread, NULL, writer_loop, dw) != 0)
		goto fail_space;
	dw->writer.user_data = dw;
	dw->writer.write = direct_write;
	return true;
fail_space:
	pthread_cond_destroy(&dw->space);
fail_work:
	pthread_cond_destroy(&dw->work);
fail_lock:
	pthread_mutex_destroy(&dw->lock);
fail:
	free(dw->ring);
	close(dw->direct_fd);
	return false;
}

int cli_direct_writer_finish(struct cli_direct_writer *dw)
{
	int err;

	if (dw->chunk[dw->fill].len)
		submit_chunk(dw);
	pthread_mutex_lock(&dw->lock);
	dw->stop = true;
	pthread_cond_signal(&dw->work);
	pthread_mutex_unlock(&dw->lock);
	pthread_join(dw->thread, NULL);
	err = dw->err;
	pthread_cond_destroy(&dw->space);
	pthread_cond_destroy(&dw->work);
	pthread_mutex_destroy(&dw->lock);
	free(dw->ring);
	close(dw->direct_fd);
	return err;
}
