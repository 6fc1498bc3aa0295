/* SPDX-License-Identifier: MIT */
/*
 * The filesystem layer over a verified device: probing, the read-ahead
 * source the libraries read from, and path resolution that never leaves the
 * image (see fs/fs.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fs/backend.h"

/* Verified bytes read ahead for the libraries that read a block at a time. */
#define WINDOW_BYTES (256u << 10)

#define SQUASHFS_MAGIC   "hsqs"
#define EXT_MAGIC_OFFSET 1080 /* superblock at 1024, s_magic at 56 */
#define EXT_MAGIC_LE0    0x53
#define EXT_MAGIC_LE1    0xef

struct fs {
	struct fs_source src;
	const struct fs_backend *backend;
	void *be;
};

int fs_source_read(struct fs_source *src, uint64_t offset, void *buf, size_t len)
{
	uint64_t start, end;
	int ret;

	if (offset > src->size || len > src->size - offset)
		return VERITY_E_RANGE;
	if (offset >= src->window_offset && offset - src->window_offset <= src->window_len &&
	    len <= src->window_len - (offset - src->window_offset)) {
		memcpy(buf, src->window + (offset - src->window_offset), len);
		return 0;
	}
	/* Large reads (squashfs data blocks) are batches already: read them as they are. */
	if (src->window && len < WINDOW_BYTES / 4) {
		start = offset - offset % 4096;
		end = src->size - start < WINDOW_BYTES ? src->size : start + WINDOW_BYTES;
		if (end - start >= offset - start + len) {
			src->window_len = 0;
			if (verity_device_read(src->dev, start, (size_t)(end - start),
			                       src->window) == 0) {
				src->window_offset = start;
				src->window_len = (size_t)(end - start);
				memcpy(buf, src->window + (offset - start), len);
				return 0;
			}
		}
	}
	ret = verity_device_read(src->dev, offset, len, buf);
	if (ret && !src->first_error)
		src->first_error = ret;
	return ret;
}

void fs_source_detail(struct fs_source *src, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(src->detail, sizeof(src->detail), fmt, ap);
	va_end(ap);
}

/* After a failure, the device's error explains it better than the library's. */
static int cause(const struct fs *fs, int err)
{
	if (err && fs->src.first_error)
		return fs->src.first_error;
	return err;
}

static const struct fs_backend *probe(struct fs_source *src, int *err)
{
	uint8_t magic[4];

	*err = fs_source_read(src, 0, magic, sizeof(magic));
	if (*err)
		return NULL;
	if (memcmp(magic, SQUASHFS_MAGIC, 4) == 0) {
#ifdef HAVE_LIBSQUASHFS
		return &fs_squashfs_backend;
#else
		fs_source_detail(src, "squashfs support is not built in");
		*err = FS_E_UNSUPPORTED;
		return NULL;
#endif
	}
	if (src->size >= EXT_MAGIC_OFFSET + 2) {
		*err = fs_source_read(src, EXT_MAGIC_OFFSET, magic, 2);
		if (*err)
			return NULL;
		if (magic[0] == EXT_MAGIC_LE0 && magic[1] == EXT_MAGIC_LE1) {
#ifdef HAVE_LIBEXT2FS
			return &fs_ext4_backend;
#else
			fs_source_detail(src, "ext4 support is not built in");
			*err = FS_E_UNSUPPORTED;
			return NULL;
#endif
		}
	}
	*err = FS_E_UNKNOWN_FS;
	return NULL;
}

int fs_open(struct fs **out, struct verity_device *dev)
{
	struct fs *fs;
	int err;

	*out = NULL;
	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return FS_E_NOMEM;
	fs->src.dev = dev;
	fs->src.size = verity_device_data_size(dev);
	fs->src.window = malloc(WINDOW_BYTES);
	fs->backend = probe(&fs->src, &err);
	if (fs->backend)
		err = fs->backend->open(&fs->src, &fs->be);
	if (err) {
		err = cause(fs, err);
		fs_close(fs);
		return err;
	}
	*out = fs;
	return 0;
}

void fs_close(struct fs *fs)
{
	if (!fs)
		return;
	if (fs->be)
		fs->backend->close(fs->be);
	free(fs->src.window);
	free(fs);
}

const char *fs_name(const struct fs *fs)
{
	return fs->backend->name;
}

const char *fs_detail(const struct fs *fs)
{
	return fs ? fs->src.detail : "";
}

void fs_release(struct fs *fs, struct fs_node *node)
{
	if (node)
		fs->backend->release(fs->be, node);
}

int fs_read(struct fs *fs, struct fs_node *node, uint64_t offset, void *buf, size_t len)
{
	return cause(fs, fs->backend->read(fs->be, node, offset, buf, len));
}

int fs_readlink(struct fs *fs, struct fs_node *node, char *buf)
{
	return cause(fs, fs->backend->readlink(fs->be, node, buf));
}

int fs_list(struct fs *fs, struct fs_node *dir, fs_list_fn fn, void *arg)
{
	int ret = fs->backend->list(fs->be, dir, fn, arg);

	return ret < 0 ? cause(fs, ret) : ret;
}

/* The directories walked so far, root first: ".." pops, never past the root. */
struct walk {
	struct fs *fs;
	struct fs_node *node[FS_MAX_DEPTH];
	struct fs_stat st[FS_MAX_DEPTH];
	unsigned depth;
};

static void pop_to(struct walk *w, unsigned depth)
{
	while (w->depth > depth)
		fs_release(w->fs, w->node[--w->depth]);
}

/*
 * Replace the path left to walk by @target + "/" + @rest in @out (both may
 * be read from the other buffer). Return: 0 or FS_E_NAME_TOO_LONG.
 */
static int splice(char *out, const char *target, const char *rest)
{
	size_t t = strlen(target), r = strlen(rest);

	if (t + 1 + r + 1 > FS_PATH_MAX)
		return FS_E_NAME_TOO_LONG;
	memcpy(out, target, t);
	out[t] = '/';
	memcpy(out + t + 1, rest, r + 1);
	return 0;
}

static int walk(struct walk *w, const char *path, bool follow_last)
{
	const struct fs_backend *b = w->fs->backend;
	static const size_t n = FS_PATH_MAX;
	char *buf[2] = {NULL, NULL}, *target = NULL, name[FS_NAME_MAX + 1];
	unsigned links = 0, cur = 0;
	const char *p;
	int err;

	if (strlen(path) >= n)
		return FS_E_NAME_TOO_LONG;
	buf[0] = malloc(n);
	buf[1] = malloc(n);
	target = malloc(n);
	if (!buf[0] || !buf[1] || !target) {
		err = FS_E_NOMEM;
		goto out;
	}
	strcpy(buf[0], path);
	p = buf[0];
	for (;;) {
		struct fs_node *node;
		struct fs_stat st;
		size_t len;
		bool last;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		len = strcspn(p, "/");
		if (len > FS_NAME_MAX) {
			err = FS_E_NAME_TOO_LONG;
			goto out;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		p += len;
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			pop_to(w, w->depth > 1 ? w->depth - 1 : 1);
			continue;
		}
		if (w->st[w->depth - 1].type != FS_TYPE_DIR) {
			err = FS_E_NOT_DIR;
			goto out;
		}
		err = b->lookup(w->fs->be, w->node[w->depth - 1], name, &node, &st);
		if (err)
			goto out;
		last = p[strspn(p, "/")] == '\0';
		if (st.type == FS_TYPE_SYMLINK && (!last || follow_last)) {
			if (++links > FS_MAX_SYMLINKS) {
				fs_release(w->fs, node);
				err = FS_E_LOOP;
				goto out;
			}
			err = b->readlink(w->fs->be, node, target);
			fs_release(w->fs, node);
			if (!err && !target[0])
				err = FS_E_NOT_FOUND; /* as Linux: an empty target names nothing */
			if (err)
				goto out;
			err = splice(buf[cur ^ 1], target, p);
			if (err)
				goto out;
			cur ^= 1;
			p = buf[cur];
			if (target[0] == '/')
				pop_to(w, 1);
			continue;
		}
		if (w->depth == FS_MAX_DEPTH) {
			fs_release(w->fs, node);
			err = FS_E_NAME_TOO_LONG;
			goto out;
		}
		w->node[w->depth] = node;
		w->st[w->depth] = st;
		w->depth++;
	}
	err = 0;
out:
	free(buf[0]);
	free(buf[1]);
	free(target);
	return err;
}

int fs_lookup(struct fs *fs, const char *path, bool follow_last, struct fs_node **node,
              struct fs_stat *st)
{
	struct walk *w;
	int err;

	*node = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return FS_E_NOMEM;
	w->fs = fs;
	err = fs->backend->root(fs->be, &w->node[0], &w->st[0]);
	if (!err) {
		w->depth = 1;
		err = walk(w, path, follow_last);
	}
	if (!err) {
		*node = w->node[--w->depth];
		*st = w->st[w->depth];
	}
	pop_to(w, 0);
	free(w);
	return cause(fs, err);
}

const char *fs_strerror(int err)
{
	switch (err) {
	case FS_E_NOT_FOUND:
		return "No such file or directory in the image";
	case FS_E_NOT_DIR:
		return "A path component is not a directory";
	case FS_E_LOOP:
		return "Too many levels of symbolic links";
	case FS_E_NAME_TOO_LONG:
		return "Path, name or symbolic link target too long, or too deep";
	case FS_E_UNKNOWN_FS:
		return "The data is neither squashfs nor ext2/3/4";
	case FS_E_BAD_FS:
		return "The filesystem cannot be read";
	case FS_E_NOMEM:
		return "Out of memory";
	case FS_E_UNSUPPORTED:
		return "Support for this filesystem is not built in";
	default:
		return verity_strerror(err);
	}
}
