/* SPDX-License-Identifier: MIT */
/*
 * squashfs through libsquashfs (squashfs-tools-ng): its sqfs_file_t reads
 * the verified device and refuses writes.
 */
#include <stdlib.h>
#include <string.h>

#include <sqfs/block.h>
#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>

#include "fs/backend.h"

struct sqfs_backend {
	sqfs_file_t file; /* first: libsquashfs hands it back to the callbacks */
	struct fs_source *src;
	sqfs_super_t super;
	sqfs_compressor_t *cmp;
	sqfs_dir_reader_t *dir;
	sqfs_data_reader_t *data;
};

struct fs_node {
	sqfs_inode_generic_t *inode;
};

static int file_read_at(sqfs_file_t *file, sqfs_u64 offset, void *buffer, size_t size)
{
	struct sqfs_backend *be = (struct sqfs_backend *)file;
	int ret = fs_source_read(be->src, offset, buffer, size);

	if (ret == VERITY_E_RANGE)
		return SQFS_ERROR_OUT_OF_BOUNDS;
	return ret ? SQFS_ERROR_IO : 0;
}

static int file_write_at(sqfs_file_t *file, sqfs_u64 offset, const void *buffer, size_t size)
{
	(void)file;
	(void)offset;
	(void)buffer;
	(void)size;
	return SQFS_ERROR_UNSUPPORTED;
}

static sqfs_u64 file_get_size(const sqfs_file_t *file)
{
	return ((const struct sqfs_backend *)file)->src->size;
}

static int file_truncate(sqfs_file_t *file, sqfs_u64 size)
{
	(void)file;
	(void)size;
	return SQFS_ERROR_UNSUPPORTED;
}

/* The file is part of the backend, which frees itself. */
static void file_destroy(sqfs_object_t *obj)
{
	(void)obj;
}

static int error(struct sqfs_backend *be, const char *what, int sqfs_err)
{
	if (sqfs_err == SQFS_ERROR_ALLOC)
		return FS_E_NOMEM;
	if (sqfs_err == SQFS_ERROR_NO_ENTRY)
		return FS_E_NOT_FOUND;
	if (sqfs_err == SQFS_ERROR_NOT_DIR)
		return FS_E_NOT_DIR;
	fs_source_detail(be->src, "squashfs: %s failed (libsquashfs error %d)", what, sqfs_err);
	return FS_E_BAD_FS;
}

static void sqfs_close(void *p)
{
	struct sqfs_backend *be = p;

	sqfs_destroy(be->data);
	sqfs_destroy(be->dir);
	sqfs_destroy(be->cmp);
	free(be);
}

/*
 * What libsquashfs allocates from the superblock must be bounded by the
 * image: the fragment table (16 bytes an entry) is sized by a 32-bit count.
 * Its entries fill metadata blocks (512 a block) stored before
 * fragment_table_start, each at least 3 bytes, and listed by 8-byte
 * pointers at fragment_table_start.
 */
static int check_super(struct sqfs_backend *be)
{
	const sqfs_super_t *sb = &be->super;
	uint64_t size = be->src->size, per_block = SQFS_META_BLOCK_SIZE / sizeof(sqfs_fragment_t);
	uint64_t blocks = ((uint64_t)sb->fragment_entry_count + per_block - 1) / per_block;

	if (sb->bytes_used > size) {
		fs_source_detail(be->src, "squashfs: %llu bytes used, the data area holds %llu",
		                 (unsigned long long)sb->bytes_used, (unsigned long long)size);
		return FS_E_BAD_FS;
	}
	if (blocks && (sb->fragment_table_start > size ||
	               blocks > (size - sb->fragment_table_start) / sizeof(uint64_t) ||
	               blocks > sb->fragment_table_start / 3)) {
		fs_source_detail(be->src, "squashfs: %u fragments do not fit the image",
		                 (unsigned)sb->fragment_entry_count);
		return FS_E_BAD_FS;
	}
	return 0;
}

static int sqfs_open(struct fs_source *src, void **out)
{
	struct sqfs_backend *be = calloc(1, sizeof(*be));
	sqfs_compressor_config_t cfg;
	int ret;

	if (!be)
		return FS_E_NOMEM;
	be->src = src;
	be->file.base.destroy = file_destroy;
	be->file.read_at = file_read_at;
	be->file.write_at = file_write_at;
	be->file.get_size = file_get_size;
	be->file.truncate = file_truncate;
	*out = be;

	ret = sqfs_super_read(&be->super, &be->file);
	if (ret)
		return error(be, "reading the superblock", ret);
	ret = check_super(be);
	if (ret)
		return ret;
	ret = sqfs_compressor_config_init(&cfg, (SQFS_COMPRESSOR)be->super.compression_id,
	                                  be->super.block_size, SQFS_COMP_FLAG_UNCOMPRESS);
	if (!ret)
		ret = sqfs_compressor_create(&cfg, &be->cmp);
	if (ret)
		return error(be, "setting up the compressor", ret);
	be->dir = sqfs_dir_reader_create(&be->super, be->cmp, &be->file, 0);
	be->data = sqfs_data_reader_create(&be->file, be->super.block_size, be->cmp, 0);
	if (!be->dir || !be->data)
		return FS_E_NOMEM;
	ret = sqfs_data_reader_load_fragment_table(be->data, &be->super);
	if (ret)
		return error(be, "reading the fragment table", ret);
	return 0;
}

static void stat_inode(const sqfs_inode_generic_t *inode, struct fs_stat *st)
{
	sqfs_u64 size = 0;

	memset(st, 0, sizeof(*st));
	st->mode = inode->base.mode & 07777;
	switch (inode->base.type) {
	case SQFS_INODE_DIR:
	case SQFS_INODE_EXT_DIR:
		st->type = FS_TYPE_DIR;
		break;
	case SQFS_INODE_FILE:
	case SQFS_INODE_EXT_FILE:
		st->type = FS_TYPE_FILE;
		sqfs_inode_get_file_size(inode, &size);
		st->size = size;
		break;
	case SQFS_INODE_SLINK:
		st->type = FS_TYPE_SYMLINK;
		st->size = inode->data.slink.target_size;
		break;
	case SQFS_INODE_EXT_SLINK:
		st->type = FS_TYPE_SYMLINK;
		st->size = inode->data.slink_ext.target_size;
		break;
	default:
		st->type = FS_TYPE_OTHER;
		break;
	}
}

static int make_node(struct sqfs_backend *be, sqfs_inode_generic_t *inode, struct fs_node **node,
                     struct fs_stat *st)
{
	(void)be;
	*node = malloc(sizeof(**node));
	if (!*node) {
		sqfs_free(inode);
		return FS_E_NOMEM;
	}
	(*node)->inode = inode;
	stat_inode(inode, st);
	return 0;
}

static int sqfs_root(void *p, struct fs_node **node, struct fs_stat *st)
{
	struct sqfs_backend *be = p;
	sqfs_inode_generic_t *inode = NULL;
	int ret = sqfs_dir_reader_get_root_inode(be->dir, &inode);

	if (ret)
		return error(be, "reading the root inode", ret);
	return make_node(be, inode, node, st);
}

static int sqfs_lookup(void *p, struct fs_node *dir, const char *name, struct fs_node **node,
                       struct fs_stat *st)
{
	struct sqfs_backend *be = p;
	sqfs_inode_generic_t *inode = NULL;
	int ret;

	ret = sqfs_dir_reader_open_dir(be->dir, dir->inode, 0);
	if (!ret)
		ret = sqfs_dir_reader_find(be->dir, name);
	if (!ret)
		ret = sqfs_dir_reader_get_inode(be->dir, &inode);
	if (ret)
		return error(be, "reading a directory", ret);
	return make_node(be, inode, node, st);
}

static int sqfs_readlink(void *p, struct fs_node *node, char *buf)
{
	const sqfs_inode_generic_t *inode = node->inode;
	struct fs_stat st;

	(void)p;
	stat_inode(inode, &st);
	if (st.type != FS_TYPE_SYMLINK || st.size > inode->payload_bytes_used)
		return FS_E_BAD_FS;
	if (st.size >= FS_PATH_MAX)
		return FS_E_NAME_TOO_LONG;
	memcpy(buf, inode->extra, (size_t)st.size);
	buf[st.size] = '\0';
	/* A NUL inside would silently shorten the target. */
	return strlen(buf) == st.size ? 0 : FS_E_BAD_FS;
}

static int sqfs_read(void *p, struct fs_node *node, uint64_t offset, void *buf, size_t len)
{
	struct sqfs_backend *be = p;
	uint8_t *out = buf;

	while (len) {
		sqfs_u32 want = len > (1u << 30) ? (1u << 30) : (sqfs_u32)len;
		sqfs_s32 got = sqfs_data_reader_read(be->data, node->inode, offset, out, want);

		if (got < 0)
			return error(be, "reading file data", got);
		if (got == 0) {
			fs_source_detail(be->src, "squashfs: file data ends early");
			return FS_E_BAD_FS;
		}
		out += got;
		offset += (uint32_t)got;
		len -= (uint32_t)got;
	}
	return 0;
}

static int sqfs_list(void *p, struct fs_node *dir, fs_list_fn fn, void *arg)
{
	struct sqfs_backend *be = p;
	char name[256 + 1]; /* squashfs names are at most 256 bytes */
	int ret = sqfs_dir_reader_open_dir(be->dir, dir->inode, 0);

	if (ret)
		return error(be, "reading a directory", ret);
	for (;;) {
		sqfs_dir_entry_t *ent = NULL;
		sqfs_inode_generic_t *inode = NULL;
		struct fs_node node;
		struct fs_stat st;
		size_t len;

		ret = sqfs_dir_reader_read(be->dir, &ent);
		if (ret > 0)
			return 0;
		if (ret)
			return error(be, "reading a directory", ret);
		len = (size_t)ent->size + 1;
		if (len >= sizeof(name)) {
			sqfs_free(ent);
			return error(be, "reading a directory (name too long)",
			             SQFS_ERROR_CORRUPTED);
		}
		memcpy(name, ent->name, len);
		name[len] = '\0';
		sqfs_free(ent);
		ret = sqfs_dir_reader_get_inode(be->dir, &inode);
		if (ret)
			return error(be, "reading an inode", ret);
		stat_inode(inode, &st);
		node.inode = inode;
		ret = fn(arg, name, &node, &st);
		sqfs_free(inode);
		if (ret)
			return ret;
	}
}

static void sqfs_release(void *p, struct fs_node *node)
{
	(void)p;
	sqfs_free(node->inode);
	free(node);
}

const struct fs_backend fs_squashfs_backend = {
    .name = "squashfs",
    .open = sqfs_open,
    .close = sqfs_close,
    .root = sqfs_root,
    .lookup = sqfs_lookup,
    .readlink = sqfs_readlink,
    .read = sqfs_read,
    .list = sqfs_list,
    .release = sqfs_release,
};
