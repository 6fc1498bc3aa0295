/* SPDX-License-Identifier: MIT */
/*
 * Hosted only: trusted certificates from files and directories, opened as
 * every path is (verity_open_path(): no FIFO can block), then staged as
 * in-memory buffers by sig/keyring.c.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sig/sig.h"
#include "verity/open_fd.h"
#include "verity/util.h"

#define KEYRING_MAX_FILE_SIZE (1024 * 1024)
#define set_error             verity_keyring_set_error

static int read_file(struct verity_keyring *kr, const char *path, uint8_t **data, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd;

	fd = verity_open_path(path, O_RDONLY);
	if (fd == VERITY_OPEN_NOT_REGULAR) {
		set_error(kr, "%s: not a regular file", path);
		return VERITY_E_IO;
	}
	if (fd < 0) {
		set_error(kr, "%s: %s", path, strerror(errno));
		return VERITY_E_IO;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > KEYRING_MAX_FILE_SIZE) {
		set_error(kr, "%s: not a regular file of at most %d bytes", path,
		          KEYRING_MAX_FILE_SIZE);
		close(fd);
		return VERITY_E_IO;
	}
	buf = verity_alloc(kr->allocator, st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return VERITY_E_NOMEM;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			set_error(kr, "%s: read failed", path);
			verity_free(kr->allocator, buf);
			close(fd);
			return VERITY_E_IO;
		}
		done += (size_t)n;
	}
	close(fd);
	*data = buf;
	*len = done;
	return 0;
}

static int stage_file(struct verity_keyring *staged, const char *path)
{
	const char *base = strrchr(path, '/');
	uint8_t *data;
	size_t len;
	int ret;

	ret = read_file(staged, path, &data, &len);
	if (ret)
		return ret;
	ret = verity_keyring_stage_buffer(staged, data, len, base ? base + 1 : path);
	verity_free(staged->allocator, data);
	if (ret && staged->error[0] == '\0')
		set_error(staged, "%s: unusable certificate file", path);
	return ret;
}

int verity_keyring_add_file(struct verity_keyring *keyring, const char *path)
{
	struct verity_keyring staged;

	if (!keyring || !path)
		return VERITY_E_INVAL;
	verity_keyring_stage_init(&staged, keyring);
	return verity_keyring_commit(keyring, &staged, stage_file(&staged, path));
}

static bool has_cert_suffix(const char *name)
{
	static const char *const suffixes[] = {".crt", ".pem", ".der"};
	size_t len = strlen(name);

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (len > 4 && strcmp(name + len - 4, suffixes[i]) == 0)
			return true;
	return false;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int verity_keyring_add_dir(struct verity_keyring *keyring, const char *dir)
{
	struct verity_keyring staged;
	char **names = NULL;
	size_t count = 0, capacity = 0;
	struct dirent *de;
	DIR *d;
	int ret = 0;

	if (!keyring || !dir)
		return VERITY_E_INVAL;
	verity_keyring_stage_init(&staged, keyring);
	d = opendir(dir);
	if (!d) {
		set_error(keyring, "%s: %s", dir, strerror(errno));
		return VERITY_E_IO;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !has_cert_suffix(de->d_name))
			continue;
		if (count == capacity) {
			size_t want = capacity ? capacity * 2 : 16;
			char **grown = realloc(names, want * sizeof(*names));

			if (!grown) {
				ret = VERITY_E_NOMEM;
				break;
			}
			names = grown;
			capacity = want;
		}
		names[count] = strdup(de->d_name);
		if (!names[count]) {
			ret = VERITY_E_NOMEM;
			break;
		}
		count++;
	}
	closedir(d);
	if (!ret && count)
		qsort(names, count, sizeof(*names), compare_names);
	for (size_t i = 0; !ret && i < count; i++) {
		char path[4096];

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= sizeof(path)) {
			set_error(&staged, "%s/%s: path too long", dir, names[i]);
			ret = VERITY_E_IO;
			break;
		}
		ret = stage_file(&staged, path);
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	if (!ret && staged.count == 0) {
		set_error(&staged, "%s: no *.crt, *.pem or *.der certificate", dir);
		ret = VERITY_E_KEYRING_EMPTY;
	}
	return verity_keyring_commit(keyring, &staged, ret);
}
