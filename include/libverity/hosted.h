/* SPDX-License-Identifier: MIT */
/* libverity: file-descriptor adapters and file keyrings (hosted builds only). Include
 * <libverity.h>. */
#ifndef LIBVERITY_HOSTED_H
#define LIBVERITY_HOSTED_H

#include <libverity/common.h>
#include <libverity/sig.h>
#include <libverity/tree.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * verity_bdev_from_fd() - a bdev over an open file descriptor (pread)
 * @bdev: filled in
 * @fd_ctx: storage the bdev points at (must outlive @bdev)
 * @fd: open for reading; not closed by the library
 * @size: bytes usable, or UINT64_MAX to take the file's (or block device's)
 *        current size
 *
 * Short reads are retried; EINTR is retried; reading past end of file gives
 * VERITY_E_SHORT_READ, other errors VERITY_E_IO (errno kept in @fd_ctx).
 *
 * For a regular file the bdev also maps (@bdev->map): format and verify hash
 * the data through read-only mmap windows instead of copying it. Each window
 * is mapped only after fstat shows the file still covers it, so a file that
 * shrank before is reported as a short read, never a crash. A file truncated
 * while a window is being hashed raises SIGBUS, as with any mapping: a caller
 * that cannot rule that out (a file others may write) sets @bdev->map and
 * @bdev->unmap to NULL after this call. Block devices always use pread.
 * Return: 0, VERITY_E_INVAL, or VERITY_E_IO if the size cannot be found.
 */
struct verity_fd_bdev {
	int fd;
	int last_errno;
};
VERITY_PUBLIC int verity_bdev_from_fd(struct verity_bdev *bdev, struct verity_fd_bdev *fd_ctx,
                                      int fd, uint64_t size);

/**
 * verity_writer_from_fd() - a writer over an open file descriptor (pwrite)
 * @writer: filled in
 * @fd_ctx: storage the writer points at (must outlive @writer)
 * @fd: open for writing; not closed by the library
 *
 * Short writes and EINTR are retried; other failures give VERITY_E_IO with
 * errno kept in @fd_ctx.
 * Return: 0, or VERITY_E_INVAL for a NULL pointer or a negative @fd.
 */
struct verity_fd_writer {
	int fd;
	int last_errno;
};
VERITY_PUBLIC int verity_writer_from_fd(struct verity_writer *writer,
                                        struct verity_fd_writer *fd_ctx, int fd);

/**
 * verity_keyring_add_file() - add the certificates of a PEM or DER file
 * @keyring: the keyring
 * @path: file name (at most 1 MiB)
 *
 * Return: 0, VERITY_E_INVAL, VERITY_E_NOMEM, VERITY_E_IO or
 * VERITY_E_KEYRING_BAD_CERT.
 */
VERITY_PUBLIC int verity_keyring_add_file(struct verity_keyring *keyring, const char *path);

/**
 * verity_keyring_add_dir() - add every *.crt, *.pem and *.der file of @dir
 * @keyring: the keyring
 * @dir: directory name; not recursive; files are read in name order
 *
 * Return: 0, VERITY_E_INVAL, VERITY_E_NOMEM, VERITY_E_IO,
 * VERITY_E_KEYRING_BAD_CERT or VERITY_E_KEYRING_EMPTY (no such file).
 */
VERITY_PUBLIC int verity_keyring_add_dir(struct verity_keyring *keyring, const char *dir);

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_HOSTED_H */
