/* SPDX-License-Identifier: MIT */
/*
 * Files out of a filesystem image read through a verified device (hosted
 * only): squashfs with libsquashfs, ext2/3/4 with libext2fs. Each library
 * gets an I/O layer whose every read is verity_device_read(), so nothing it
 * parses or returns was not verified first.
 *
 * Paths are resolved here, not by the libraries: ".." stops at the root,
 * symlinks are followed inside the image only (absolute targets start at
 * the image's root), at most FS_MAX_SYMLINKS of them per lookup.
 */
#ifndef VERITY_FS_H
#define VERITY_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libverity.h"

#define FS_PATH_MAX     4096 /* bytes of a path or symlink target, NUL included */
#define FS_NAME_MAX     255  /* bytes of one component */
#define FS_MAX_SYMLINKS 40   /* symlinks followed in one lookup (as Linux) */
#define FS_MAX_DEPTH    256  /* directories deep */

/* Errors of this layer; a verity_device_read() error is passed on as it is. */
enum fs_error {
	FS_E_NOT_FOUND = -1000,     /* no such file or directory */
	FS_E_NOT_DIR = -1001,       /* a path component is not a directory */
	FS_E_LOOP = -1002,          /* too many symlinks */
	FS_E_NAME_TOO_LONG = -1003, /* path, component or target too long, or too deep */
	FS_E_UNKNOWN_FS = -1004,    /* neither squashfs nor ext2/3/4 */
	FS_E_BAD_FS = -1005,        /* the filesystem library refused the image */
	FS_E_NOMEM = -1006,
	FS_E_UNSUPPORTED = -1007, /* support for this filesystem not built in */
};

enum fs_type {
	FS_TYPE_FILE,
	FS_TYPE_DIR,
	FS_TYPE_SYMLINK,
	FS_TYPE_OTHER, /* device, FIFO, socket: never read */
};

struct fs_stat {
	enum fs_type type;
	uint32_t mode; /* permission bits (07777) */
	uint64_t size; /* bytes (file), target length (symlink) */
};

struct fs;
struct fs_node; /* defined by each backend */

/*
 * Open the filesystem on @dev (squashfs or ext2/3/4, told by its magic).
 * @dev must outlive the result. Return: 0, FS_E_UNKNOWN_FS, FS_E_UNSUPPORTED,
 * FS_E_BAD_FS, FS_E_NOMEM or a verity_device_read() error.
 */
int fs_open(struct fs **fs, struct verity_device *dev);
void fs_close(struct fs *fs);

/* "squashfs" or "ext4". */
const char *fs_name(const struct fs *fs);

/*
 * Find @path (absolute or relative to the root; "" and "/" are the root).
 * With @follow_last a symlink as the last component is followed too.
 * Return: 0 with *@node (release it) and *@st, or an error.
 */
int fs_lookup(struct fs *fs, const char *path, bool follow_last, struct fs_node **node,
              struct fs_stat *st);
void fs_release(struct fs *fs, struct fs_node *node);

/* Exactly @len bytes of a regular file from @offset. Return: 0 or an error. */
int fs_read(struct fs *fs, struct fs_node *node, uint64_t offset, void *buf, size_t len);

/* A symlink's target, NUL-terminated, in @buf of FS_PATH_MAX bytes. */
int fs_readlink(struct fs *fs, struct fs_node *node, char *buf);

/*
 * Call @fn for every entry of directory @dir but "." and ".." (in the
 * filesystem's order). @fn gets the node only for the call; a non-zero
 * return stops the walk and is returned. Return: 0, @fn's value or an error.
 */
typedef int (*fs_list_fn)(void *arg, const char *name, struct fs_node *node,
                          const struct fs_stat *st);
int fs_list(struct fs *fs, struct fs_node *dir, fs_list_fn fn, void *arg);

/* Message for an error of this layer or of the device. */
const char *fs_strerror(int err);
/* What the filesystem library said last time it failed ("" if nothing). */
const char *fs_detail(const struct fs *fs);

#endif /* VERITY_FS_H */
