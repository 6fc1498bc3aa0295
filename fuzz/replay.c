/* SPDX-License-Identifier: MIT */
/* Feed files to the harness, each in a buffer of exactly its size. */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "fuzz/fuzz.h"

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			uint8_t *bigger = realloc(buf, cap ? 2 * cap : 4096);

			if (!bigger) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = bigger;
			cap = cap ? 2 * cap : 4096;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	/* An exactly sized copy, so that ASan catches a read one byte past. */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact) {
			free(buf);
			return -1;
		}
		if (len)
			memcpy(exact, buf, len);
		free(buf);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 0;
}

int fuzz_replay_path(const char *path, unsigned *count)
{
	struct stat st;
	struct dirent **names;
	int n, ret = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (replay_file(path) != 0)
			return -1;
		(*count)++;
		return 0;
	}
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char child[4096];

		/* Dot files (README, .gitkeep...) are not inputs. */
		if (names[i]->d_name[0] != '.' &&
		    (size_t)snprintf(child, sizeof(child), "%s/%s", path, names[i]->d_name) <
		        sizeof(child) &&
		    stat(child, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(child) != 0)
				ret = -1;
			else
				(*count)++;
		}
		free(names[i]);
	}
	free(names);
	return ret;
}
