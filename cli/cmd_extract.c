/* SPDX-License-Identifier: MIT */
/*
 * verify-image extract <data> <hash> [<root>] <path> -o <out>
 * verify-image ls <data> <hash> [<root>] <dir>
 *
 * A file or a directory listing out of the squashfs or ext4 filesystem in
 * the data area, every byte read through the verified device (fs/). The
 * output file is written under a temporary name beside it and renamed only
 * once every byte was read and verified; on failure it is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "fs/fs.h"

#define FILE_CHUNK  (1u << 20)
#define READ_BUDGET (16u << 20)
#define MAX_ENTRIES (1u << 20) /* ls: entries of one directory */

#define SIGNATURE_OPTIONS \
	"root-hash-signature", "trusted-cert", "trusted-certs", "trusted-dtb", "allow-sha1"

static const char *const extract_options[] = {
    "output", "force", CLI_DDI_IMAGE_OPTIONS, CLI_IMAGE_OPTIONS, SIGNATURE_OPTIONS, NULL};
static const char *const ls_options[] = {CLI_DDI_IMAGE_OPTIONS, CLI_IMAGE_OPTIONS,
                                         SIGNATURE_OPTIONS, NULL};

/* One verified filesystem, opened from the command line. */
struct session {
	const struct cli_options *opts;
	struct cli_image img;
	struct verity_device *dev;
	struct fs *fs;
	struct cli_failure failure;
};

/* Exit status for an fs/ or device error. */
static int exit_for(int err)
{
	switch (err) {
	case FS_E_NOT_FOUND:
	case FS_E_NOT_DIR:
	case FS_E_LOOP:
	case FS_E_NAME_TOO_LONG:
		return EXIT_NOT_FOUND;
	case FS_E_UNKNOWN_FS:
	case FS_E_BAD_FS:
	case FS_E_UNSUPPORTED:
	case FS_E_NOMEM:
		return EXIT_FAILURE_GENERIC;
	default:
		return cli_exit_code(err);
	}
}

/* Report @err about @path. Return: the exit status. */
static int fail(struct session *s, const char *path, int err)
{
	const char *detail = fs_detail(s->fs);

	if (err > FS_E_NOT_FOUND || err < FS_E_UNSUPPORTED)
		cli_failure_report(&s->img, &s->failure, err); /* the device's: which block */
	else if (*detail)
		cli_error("%s: %s (%s).", path, fs_strerror(err), detail);
	else
		cli_error("%s: %s.", path, fs_strerror(err));
	return exit_for(err);
}

/*
 * The verified filesystem of the arguments before the path, in any form
 * cli_image_open_with_root() takes: <data> <hash> [<root>] (logical volumes
 * with --pv), or one discoverable disk image or image with sidecar files.
 * Signatures are checked there, before any data block is read.
 */
static int session_open(struct session *s, int argc, char **argv)
{
	const struct cli_options *opts = s->opts;
	struct verity_device_options dopts = {0};
	int ret, err;

	ret = cli_image_open_with_root(&s->img, opts, argc, argv, true);
	if (ret)
		return ret;
	dopts.memory_budget = READ_BUDGET;
	dopts.report = cli_failure_remember;
	dopts.callback_data = &s->failure;
	err = verity_device_open(&s->dev, &s->img.params, &s->img.data, &s->img.hash, &dopts);
	if (err) {
		cli_error("Cannot open the verified device: %s.", verity_strerror(err));
		return cli_exit_code(err);
	}
	err = fs_open(&s->fs, s->dev);
	if (err)
		return fail(s, s->img.data_path, err);
	cli_debug(opts, "%s filesystem, SHA-256 %s", fs_name(s->fs), verity_sha256_impl_name(true));
	return EXIT_OK;
}

static void session_init(struct session *s, const struct cli_options *opts)
{
	memset(s, 0, sizeof(*s));
	s->opts = opts;
	s->img.data_fd = s->img.hash_fd = -1;
}

static void session_close(struct session *s)
{
	fs_close(s->fs);
	verity_device_close(s->dev);
	cli_image_close(&s->img);
}

/* The fields every --json object of extract and ls carries (main prints the object). */
static void json_fields(const struct session *s, const char *path)
{
	if (s->fs)
		cli_json_field_string("filesystem", fs_name(s->fs));
	cli_json_field_string("path", path);
}

/* ---- extract ---- */

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Copy the file to @fd in chunks, each verified before it is written.
 * Return: EXIT_OK or the exit status (message printed).
 */
static int copy_out(struct session *s, const char *path, struct fs_node *node, uint64_t size,
                    int fd, size_t chunk, const char *out_name)
{
	uint8_t *buf = malloc(chunk);
	uint64_t offset = 0;
	int ret = EXIT_OK;

	if (!buf) {
		cli_error("Out of memory.");
		return EXIT_FAILURE_GENERIC;
	}
	while (offset < size) {
		size_t n = size - offset < chunk ? (size_t)(size - offset) : chunk;
		int err = fs_read(s->fs, node, offset, buf, n);

		if (err) {
			ret = fail(s, path, err);
			break;
		}
		if (write_all(fd, buf, n)) {
			cli_error("Cannot write %s (%s).", out_name, strerror(errno));
			ret = EXIT_IO;
			break;
		}
		offset += n;
	}
	free(buf);
	return ret;
}

/* Rename @tmp to @out, over an existing file only with @force. */
static int install(const char *tmp, const char *out, bool force)
{
	if (force)
		return rename(tmp, out);
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* No RENAME_NOREPLACE here: link() refuses an existing name too. */
	if (link(tmp, out) != 0)
		return -1;
	unlink(tmp);
	return 0;
}

static int extract_to_file(struct session *s, const char *path, struct fs_node *node,
                           const struct fs_stat *st, const char *out)
{
	size_t len = strlen(out);
	char *tmp = malloc(len + sizeof(".XXXXXX"));
	mode_t mask;
	int fd, ret;

	if (!tmp) {
		cli_error("Out of memory.");
		return EXIT_FAILURE_GENERIC;
	}
	memcpy(tmp, out, len);
	memcpy(tmp + len, ".XXXXXX", sizeof(".XXXXXX"));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		cli_error("Cannot create a temporary file beside %s (%s).", out, strerror(errno));
		free(tmp);
		return EXIT_IO;
	}
	ret = copy_out(s, path, node, st->size, fd, FILE_CHUNK, out);
	mask = umask(0);
	umask(mask);
	if (!ret && fchmod(fd, (st->mode & 0777) & ~mask) != 0) {
		cli_error("Cannot set the mode of %s (%s).", tmp, strerror(errno));
		ret = EXIT_IO;
	}
	if (close(fd) != 0 && !ret) {
		cli_error("Cannot write %s (%s).", out, strerror(errno));
		ret = EXIT_IO;
	}
	if (!ret && install(tmp, out, s->opts->force) != 0) {
		if (errno == EEXIST) {
			cli_error("%s exists (use --force to replace it).", out);
			ret = EXIT_USAGE;
		} else {
			cli_error("Cannot rename %s to %s (%s).", tmp, out, strerror(errno));
			ret = EXIT_IO;
		}
	}
	if (ret)
		unlink(tmp);
	free(tmp);
	return ret;
}

static int run_extract(const struct cli_options *opts, int argc, char **argv)
{
	const char *path = argv[argc - 1], *out = opts->output;
	struct fs_node *node = NULL;
	struct session s;
	struct fs_stat st = {0};
	struct stat ost;
	bool to_stdout;
	int ret, err;

	session_init(&s, opts);
	if (!out) {
		cli_error("extract needs --output FILE (or -o - for standard output).");
		ret = EXIT_USAGE;
		goto json;
	}
	to_stdout = strcmp(out, "-") == 0;
	if (to_stdout && opts->json) {
		cli_error("--json and -o - both want standard output.");
		ret = EXIT_USAGE;
		goto json;
	}
	/* Refused before anything is read; the rename checks again. */
	if (!to_stdout && !opts->force && lstat(out, &ost) == 0) {
		cli_error("%s exists (use --force to replace it).", out);
		ret = EXIT_USAGE;
		goto json;
	}
	ret = session_open(&s, argc - 1, argv);
	if (ret)
		goto out;
	err = fs_lookup(s.fs, path, true, &node, &st);
	if (err) {
		ret = fail(&s, path, err);
		goto out;
	}
	if (st.type == FS_TYPE_DIR) {
		cli_error("%s is a directory.", path);
		ret = EXIT_USAGE;
		goto out;
	}
	if (st.type != FS_TYPE_FILE) {
		cli_error("%s is a special file, not extracted.", path);
		ret = EXIT_USAGE;
		goto out;
	}
	if (to_stdout) {
		/* One data block at a time: output stops right before a failing one. */
		ret = copy_out(&s, path, node, st.size, STDOUT_FILENO, s.img.params.data_block_size,
		               "standard output");
	} else {
		ret = extract_to_file(&s, path, node, &st, out);
	}
	if (!ret)
		cli_verbose(opts, "Extracted %s (%llu bytes, verified).", path,
		            (unsigned long long)st.size);
out:
	fs_release(s.fs, node);
json:
	if (opts->json) {
		json_fields(&s, path);
		cli_json_field_string("output", out);
		if (!ret)
			cli_json_field_u64("bytes", st.size);
	}
	session_close(&s);
	return ret;
}

/* ---- ls ---- */

struct entry {
	char *name;
	char *target; /* symlinks */
	struct fs_stat st;
};

struct listing {
	struct session *s;
	struct entry *e;
	size_t count, cap;
	int error;
};

static int add_entry(void *arg, const char *name, struct fs_node *node, const struct fs_stat *st)
{
	struct listing *l = arg;
	struct entry *e;
	char target[FS_PATH_MAX];
	int err;

	if (l->count == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;

		if (cap > MAX_ENTRIES)
			return FS_E_NAME_TOO_LONG;
		e = realloc(l->e, cap * sizeof(*e));
		if (!e)
			return FS_E_NOMEM;
		l->e = e;
		l->cap = cap;
	}
	e = &l->e[l->count];
	memset(e, 0, sizeof(*e));
	e->st = *st;
	if (st->type == FS_TYPE_SYMLINK) {
		err = fs_readlink(l->s->fs, node, target);
		if (err)
			return err;
		e->target = strdup(target);
	}
	e->name = strdup(name);
	l->count++;
	if (!e->name || (st->type == FS_TYPE_SYMLINK && !e->target))
		return FS_E_NOMEM;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static char type_char(enum fs_type t)
{
	switch (t) {
	case FS_TYPE_DIR:
		return 'd';
	case FS_TYPE_SYMLINK:
		return 'l';
	case FS_TYPE_FILE:
		return '-';
	default:
		return '?';
	}
}

static void print_entry(const struct entry *e)
{
	static const char rwx[] = "rwxrwxrwx";
	char mode[11];

	mode[0] = type_char(e->st.type);
	for (int i = 0; i < 9; i++)
		mode[i + 1] = (e->st.mode & (0400u >> i)) ? rwx[i] : '-';
	mode[10] = '\0';
	printf("%s %12llu %s", mode, (unsigned long long)e->st.size, e->name);
	if (e->target)
		printf(" -> %s", e->target);
	putchar('\n');
}

static const char *type_name(enum fs_type t)
{
	switch (t) {
	case FS_TYPE_DIR:
		return "directory";
	case FS_TYPE_SYMLINK:
		return "symlink";
	case FS_TYPE_FILE:
		return "file";
	default:
		return "special";
	}
}

static void print_entries_json(FILE *out, const struct listing *l)
{
	if (!out)
		return;
	fputs(",\"entries\":[", out);
	for (size_t i = 0; i < l->count; i++) {
		const struct entry *e = &l->e[i];

		fputs(i ? ",{\"name\":" : "{\"name\":", out);
		cli_json_string(out, e->name);
		fprintf(out, ",\"type\":\"%s\",\"mode\":%u,\"size\":%llu", type_name(e->st.type),
		        e->st.mode, (unsigned long long)e->st.size);
		if (e->target) {
			fputs(",\"target\":", out);
			cli_json_string(out, e->target);
		}
		fputc('}', out);
	}
	fputc(']', out);
}

static int run_ls(const struct cli_options *opts, int argc, char **argv)
{
	const char *path = argv[argc - 1], *slash;
	struct listing l = {0};
	struct fs_node *node = NULL;
	struct session s;
	struct fs_stat st = {0};
	int ret, err;

	session_init(&s, opts);
	l.s = &s;
	ret = session_open(&s, argc - 1, argv);
	if (ret)
		goto out;
	err = fs_lookup(s.fs, path, true, &node, &st);
	if (!err && st.type == FS_TYPE_DIR) {
		err = fs_list(s.fs, node, add_entry, &l);
	} else if (!err) {
		/* Like ls: a file lists as itself. */
		slash = strrchr(path, '/');
		err = add_entry(&l, slash ? slash + 1 : path, node, &st);
	}
	if (err) {
		ret = fail(&s, path, err);
		goto out;
	}
	if (l.count)
		qsort(l.e, l.count, sizeof(*l.e), by_name);
	if (!opts->json)
		for (size_t i = 0; i < l.count; i++)
			print_entry(&l.e[i]);
out:
	if (opts->json) {
		json_fields(&s, path);
		if (!ret)
			print_entries_json(cli_json_stream(), &l);
	}
	for (size_t i = 0; i < l.count; i++) {
		free(l.e[i].name);
		free(l.e[i].target);
	}
	free(l.e);
	fs_release(s.fs, node);
	session_close(&s);
	return ret;
}

#define EXTRACT_ARGS "<image> <path> | <data_device> <hash_device> [<root_hash>] <path>"

const struct cli_command cli_cmd_extract = {
    .name = "extract",
    .args = EXTRACT_ARGS,
    .summary = "Copy a verified file out of the squashfs or ext4 filesystem in <data_device>",
    .min_args = 2,
    .max_args = 4,
    .options = extract_options,
    .run = run_extract,
};

const struct cli_command cli_cmd_ls = {
    .name = "ls",
    .args = EXTRACT_ARGS,
    .summary = "List a directory of the squashfs or ext4 filesystem in <data_device>, verified",
    .min_args = 2,
    .max_args = 4,
    .options = ls_options,
    .run = run_ls,
};
