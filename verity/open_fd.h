/* SPDX-License-Identifier: MIT */
/* Hosted only: opening a path the way every file argument is opened. */
#ifndef VERITY_OPEN_FD_H
#define VERITY_OPEN_FD_H

/* Returned by verity_open_path() for a FIFO, socket, directory, tty... */
#define VERITY_OPEN_NOT_REGULAR (-2)

/*
 * verity_open_path() - open @path for a regular file or block device only
 * @path: file name
 * @flags: open(2) flags (O_CLOEXEC is added)
 *
 * Opens with O_NONBLOCK, so that a FIFO (or a device that waits for a
 * carrier) cannot block the caller forever, checks the type with fstat(),
 * then clears O_NONBLOCK again.
 * Return: a file descriptor; -1 with errno set when open() failed;
 * VERITY_OPEN_NOT_REGULAR when @path is neither a regular file nor a block
 * device (nothing stays open).
 */
int verity_open_path(const char *path, int flags);

#endif /* VERITY_OPEN_FD_H */
