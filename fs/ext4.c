/* SPDX-License-Identifier: MIT */
/*
 * ext2/3/4 through libext2fs: an io_manager whose reads are verified reads
 * of the device and which cannot write. The filesystem is opened read-only
 * and its journal is never replayed (the image is what was signed).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <et/com_err.h>
#include <ext2fs/ext2_err.h>
#include <ext2fs/ext2fs.h>

#include "fs/backend.h"

struct ext4_backend {
	ext2_filsys fs;
	struct fs_source *src;
};

struct fs_node {
	ext2_ino_t ino;
	struct ext2_inode inode;
	ext2_file_t file; /* opened at the first read */
};

/* ext2fs_open2() passes only a name to the manager; the source travels here. */
static _Thread_local struct fs_source *opening;

static struct struct_io_manager verity_io_manager;

static errcode_t io_open(const char *name, int flags, io_channel *channel)
{
	io_channel io;

	if (!opening)
		return EXT2_ET_BAD_DEVICE_NAME;
	if (flags & IO_FLAG_RW)
		return EXT2_ET_RO_FILSYS;
	io = calloc(1, sizeof(*io));
	if (!io)
		return EXT2_ET_NO_MEMORY;
	io->name = strdup(name);
	if (!io->name) {
		free(io);
		return EXT2_ET_NO_MEMORY;
	}
	io->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	io->manager = &verity_io_manager;
	io->block_size = 1024;
	io->refcount = 1;
	io->private_data = opening;
	*channel = io;
	return 0;
}

static errcode_t io_close(io_channel io)
{
	if (--io->refcount > 0)
		return 0;
	free(io->name);
	free(io);
	return 0;
}

static errcode_t io_set_blksize(io_channel io, int blksize)
{
	if (blksize <= 0)
		return EXT2_ET_INVALID_ARGUMENT;
	io->block_size = blksize;
	return 0;
}

static errcode_t io_read_blk64(io_channel io, unsigned long long block, int count, void *data)
{
	uint64_t size, offset;

	/* A negative count is a byte count. */
	if (count < 0)
		size = (uint64_t) - (int64_t)count;
	else if (__builtin_mul_overflow((uint64_t)count, (uint64_t)io->block_size, &size))
		return EXT2_ET_SHORT_READ;
	if (__builtin_mul_overflow((uint64_t)block, (uint64_t)io->block_size, &offset) ||
	    size > SIZE_MAX)
		return EXT2_ET_SHORT_READ;
	switch (fs_source_read(io->private_data, offset, data, (size_t)size)) {
	case 0:
		return 0;
	case VERITY_E_RANGE:
		return EXT2_ET_SHORT_READ;
	default:
		return EIO;
	}
}

static errcode_t io_read_blk(io_channel io, unsigned long block, int count, void *data)
{
	return io_read_blk64(io, block, count, data);
}

static errcode_t io_write_blk64(io_channel io, unsigned long long block, int count,
                                const void *data)
{
	(void)io;
	(void)block;
	(void)count;
	(void)data;
	return EXT2_ET_RO_FILSYS;
}

static errcode_t io_write_blk(io_channel io, unsigned long block, int count, const void *data)
{
	return io_write_blk64(io, block, count, data);
}

static errcode_t io_write_byte(io_channel io, unsigned long offset, int count, const void *data)
{
	return io_write_blk64(io, offset, count, data);
}

static errcode_t io_flush(io_channel io)
{
	(void)io;
	return 0;
}

static errcode_t io_set_option(io_channel io, const char *option, const char *arg)
{
	(void)io;
	(void)option;
	(void)arg;
	return EXT2_ET_INVALID_ARGUMENT;
}

static struct struct_io_manager verity_io_manager = {
    .magic = EXT2_ET_MAGIC_IO_MANAGER,
    .name = "libverity verified device",
    .open = io_open,
    .close = io_close,
    .set_blksize = io_set_blksize,
    .read_blk = io_read_blk,
    .write_blk = io_write_blk,
    .flush = io_flush,
    .write_byte = io_write_byte,
    .set_option = io_set_option,
    .read_blk64 = io_read_blk64,
    .write_blk64 = io_write_blk64,
};

static int error(struct ext4_backend *be, const char *what, errcode_t err)
{
	if (err == EXT2_ET_NO_MEMORY)
		return FS_E_NOMEM;
	if (err == EXT2_ET_FILE_NOT_FOUND)
		return FS_E_NOT_FOUND;
	if (err == EXT2_ET_NO_DIRECTORY)
		return FS_E_NOT_DIR;
	fs_source_detail(be->src, "ext4: %s: %s", what, error_message(err));
	return FS_E_BAD_FS;
}

static void ext4_close(void *p)
{
	struct ext4_backend *be = p;

	if (be->fs)
		ext2fs_close_free(&be->fs);
	free(be);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * libext2fs sizes its group descriptor table from the superblock's block
 * count: a filesystem larger than the data area is refused before it
 * allocates for blocks that cannot exist.
 */
static int check_super(struct fs_source *src)
{
	uint8_t sb[1024];
	uint64_t blocks;
	uint32_t log;
	int ret = fs_source_read(src, 1024, sb, sizeof(sb));

	if (ret)
		return ret;
	log = le32(sb + 24);   /* s_log_block_size */
	blocks = le32(sb + 4); /* s_blocks_count_lo */
	if (le32(sb + 0x60) & EXT4_FEATURE_INCOMPAT_64BIT)
		blocks |= (uint64_t)le32(sb + 0x150) << 32; /* s_blocks_count_hi */
	if (log > 6 || blocks > src->size / (1024u << log)) {
		fs_source_detail(src, "ext4: %llu blocks of %u bytes do not fit the data area",
		                 (unsigned long long)blocks, log > 6 ? 0 : 1024u << log);
		return FS_E_BAD_FS;
	}
	return 0;
}

static int ext4_open(struct fs_source *src, void **out)
{
	struct ext4_backend *be = calloc(1, sizeof(*be));
	errcode_t err;
	int ret;

	if (!be)
		return FS_E_NOMEM;
	be->src = src;
	*out = be;
	ret = check_super(src);
	if (ret)
		return ret;
	initialize_ext2_error_table();
	opening = src;
	err = ext2fs_open2("verity", NULL, EXT2_FLAG_64BITS, 0, 0, &verity_io_manager, &be->fs);
	opening = NULL;
	if (err) {
		be->fs = NULL;
		return error(be, "opening", err);
	}
	return 0;
}

static void stat_inode(const struct ext2_inode *inode, struct fs_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->mode = inode->i_mode & 07777;
	st->size = EXT2_I_SIZE(inode);
	if (LINUX_S_ISDIR(inode->i_mode))
		st->type = FS_TYPE_DIR;
	else if (LINUX_S_ISREG(inode->i_mode))
		st->type = FS_TYPE_FILE;
	else if (LINUX_S_ISLNK(inode->i_mode))
		st->type = FS_TYPE_SYMLINK;
	else
		st->type = FS_TYPE_OTHER;
}

static int get_node(struct ext4_backend *be, ext2_ino_t ino, struct fs_node **node,
                    struct fs_stat *st)
{
	struct fs_node *n = calloc(1, sizeof(*n));
	errcode_t err;

	if (!n)
		return FS_E_NOMEM;
	n->ino = ino;
	err = ext2fs_read_inode(be->fs, ino, &n->inode);
	if (err) {
		free(n);
		return error(be, "reading an inode", err);
	}
	stat_inode(&n->inode, st);
	*node = n;
	return 0;
}

static int ext4_root(void *p, struct fs_node **node, struct fs_stat *st)
{
	return get_node(p, EXT2_ROOT_INO, node, st);
}

static int ext4_lookup(void *p, struct fs_node *dir, const char *name, struct fs_node **node,
                       struct fs_stat *st)
{
	struct ext4_backend *be = p;
	ext2_ino_t ino;
	errcode_t err = ext2fs_lookup(be->fs, dir->ino, name, (int)strlen(name), NULL, &ino);

	if (err)
		return error(be, "looking up a name", err);
	return get_node(be, ino, node, st);
}

static int open_file(struct ext4_backend *be, struct fs_node *node)
{
	errcode_t err;

	if (node->file)
		return 0;
	err = ext2fs_file_open2(be->fs, node->ino, &node->inode, 0, &node->file);
	if (err) {
		node->file = NULL;
		return error(be, "opening a file", err);
	}
	return 0;
}

static int ext4_read(void *p, struct fs_node *node, uint64_t offset, void *buf, size_t len)
{
	struct ext4_backend *be = p;
	uint8_t *out = buf;
	errcode_t err;
	int ret = open_file(be, node);

	if (ret)
		return ret;
	err = ext2fs_file_llseek(node->file, offset, EXT2_SEEK_SET, NULL);
	if (err)
		return error(be, "seeking in a file", err);
	while (len) {
		unsigned int want = len > (1u << 30) ? (1u << 30) : (unsigned int)len, got = 0;

		err = ext2fs_file_read(node->file, out, want, &got);
		if (err)
			return error(be, "reading a file", err);
		if (got == 0) {
			fs_source_detail(be->src, "ext4: file data ends early");
			return FS_E_BAD_FS;
		}
		out += got;
		len -= got;
	}
	return 0;
}

static int ext4_readlink(void *p, struct fs_node *node, char *buf)
{
	struct ext4_backend *be = p;
	uint64_t size = EXT2_I_SIZE(&node->inode);
	int ret;

	if (size >= FS_PATH_MAX)
		return FS_E_NAME_TOO_LONG;
	if (ext2fs_is_fast_symlink(&node->inode)) {
		if (size > sizeof(node->inode.i_block))
			return FS_E_BAD_FS;
		memcpy(buf, node->inode.i_block, (size_t)size);
	} else {
		ret = ext4_read(be, node, 0, buf, (size_t)size);
		if (ret)
			return ret;
	}
	buf[size] = '\0';
	/* A NUL inside would silently shorten the target. */
	return strlen(buf) == size ? 0 : FS_E_BAD_FS;
}

struct list_state {
	struct ext4_backend *be;
	fs_list_fn fn;
	void *arg;
	int ret;
};

static int list_entry(struct ext2_dir_entry *dirent, int offset, int blocksize, char *buf,
                      void *priv)
{
	struct list_state *s = priv;
	char name[FS_NAME_MAX + 1];
	int len = ext2fs_dirent_name_len(dirent);
	struct fs_node *node;
	struct fs_stat st;

	(void)offset;
	(void)blocksize;
	(void)buf;
	if (len > FS_NAME_MAX) {
		s->ret = FS_E_BAD_FS;
		return DIRENT_ABORT;
	}
	memcpy(name, dirent->name, (size_t)len);
	name[len] = '\0';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return 0;
	s->ret = get_node(s->be, dirent->inode, &node, &st);
	if (!s->ret) {
		s->ret = s->fn(s->arg, name, node, &st);
		if (node->file)
			ext2fs_file_close(node->file);
		free(node);
	}
	return s->ret ? DIRENT_ABORT : 0;
}

static int ext4_list(void *p, struct fs_node *dir, fs_list_fn fn, void *arg)
{
	struct list_state s = {.be = p, .fn = fn, .arg = arg};
	errcode_t err = ext2fs_dir_iterate(s.be->fs, dir->ino, 0, NULL, list_entry, &s);

	if (s.ret)
		return s.ret;
	return err ? error(s.be, "reading a directory", err) : 0;
}

static void ext4_release(void *p, struct fs_node *node)
{
	(void)p;
	if (node->file)
		ext2fs_file_close(node->file);
	free(node);
}

const struct fs_backend fs_ext4_backend = {
    .name = "ext4",
    .open = ext4_open,
    .close = ext4_close,
    .root = ext4_root,
    .lookup = ext4_lookup,
    .readlink = ext4_readlink,
    .read = ext4_read,
    .list = ext4_list,
    .release = ext4_release,
};
