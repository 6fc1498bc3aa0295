/* SPDX-License-Identifier: MIT */
/*
 * What a filesystem backend (fs/squashfs.c, fs/ext4.c) implements, and the
 * verified byte source it reads from. Private to fs/.
 */
#ifndef VERITY_FS_BACKEND_H
#define VERITY_FS_BACKEND_H

#include "fs/fs.h"

/*
 * The verified device as the filesystem libraries see it. Reads go through
 * a read-ahead window of verified bytes so that libraries reading one block
 * at a time still hash many blocks per call; the window is filled only by a
 * successful verity_device_read(), and a window read that fails falls back
 * to the exact range, whose error is the one that counts.
 */
struct fs_source {
	struct verity_device *dev;
	uint64_t size;
	int first_error; /* first failed device read of an exact range; 0 if none */
	uint8_t *window;
	uint64_t window_offset;
	size_t window_len;
	char detail[256];
};

/* Read [@offset, @offset + @len) verified. Return: 0, VERITY_E_RANGE or the device's error. */
int fs_source_read(struct fs_source *src, uint64_t offset, void *buf, size_t len);

/* Keep the library's message for fs_detail(). */
void fs_source_detail(struct fs_source *src, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * A backend. Errors are enum fs_error values; after a failure of the
 * device, fs.c reports the device's error instead of what the library made
 * of it. @root and @lookup return a node (freed with @release) and its stat.
 */
struct fs_backend {
	const char *name;
	int (*open)(struct fs_source *src, void **be);
	void (*close)(void *be);
	int (*root)(void *be, struct fs_node **node, struct fs_stat *st);
	int (*lookup)(void *be, struct fs_node *dir, const char *name, struct fs_node **node,
	              struct fs_stat *st);
	int (*readlink)(void *be, struct fs_node *node, char *buf);
	int (*read)(void *be, struct fs_node *node, uint64_t offset, void *buf, size_t len);
	int (*list)(void *be, struct fs_node *dir, fs_list_fn fn, void *arg);
	void (*release)(void *be, struct fs_node *node);
};

extern const struct fs_backend fs_squashfs_backend;
extern const struct fs_backend fs_ext4_backend;

#endif /* VERITY_FS_BACKEND_H */
