/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "verity/open_fd.h"

int verity_open_path(const char *path, int flags)
{
	struct stat st;
	int fd, fl;

	fd = open(path, flags | O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0) {
		int saved = errno;

		/* A FIFO opened for writing without a reader fails with ENXIO: say why. */
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
			return VERITY_OPEN_NOT_REGULAR;
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		close(fd);
		return VERITY_OPEN_NOT_REGULAR;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}
