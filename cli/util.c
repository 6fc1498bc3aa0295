/* SPDX-License-Identifier: MIT */
/* Messages, exit codes, hex, UUIDs, randomness, JSON strings and writeback for the CLI. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "cli/commands.h"
#include "verity/open_fd.h"

/*
 * --json: main.c prints exactly one object per run (cli_json_finish); the
 * subcommands only add their fields (cli_json_field_*), and the first error
 * message cli_error() printed becomes "message".
 */
static char first_error[512];
static FILE *json_fields;
static char *json_buf;
static size_t json_len;

static FILE *fields(void)
{
	if (!json_fields)
		json_fields = open_memstream(&json_buf, &json_len);
	return json_fields;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	if (!first_error[0]) {
		va_start(ap, fmt);
		vsnprintf(first_error, sizeof(first_error), fmt, ap);
		va_end(ap);
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_open_path(const char *path, int flags, const char *what)
{
	int fd = verity_open_path(path, flags);

	if (fd == VERITY_OPEN_NOT_REGULAR)
		cli_error("%s %s is not a regular file or block device.", what ? what : "Device",
		          path);
	else if (fd < 0 && !what)
		cli_error("Device %s does not exist or access denied (%s).", path, strerror(errno));
	else if (fd < 0)
		cli_error("Cannot open %s %s (%s).", what, path, strerror(errno));
	return fd < 0 ? -1 : fd;
}

/* Often enough that the disk never idles while pages are dirtied at memory speed. */
#define WRITEBACK_PERIOD_NS 2000000L

static void *writeback_loop(void *arg)
{
	struct cli_writeback *wb = arg;
	struct timespec at;

	pthread_mutex_lock(&wb->lock);
	while (!wb->stop) {
		pthread_mutex_unlock(&wb->lock);
		/* Start writing what is dirty; waits only while the device queue is full. */
		for (unsigned i = 0; i < 2; i++)
			if (wb->fd[i] >= 0 &&
			    sync_file_range(wb->fd[i], 0, 0, SYNC_FILE_RANGE_WRITE))
				wb->fd[i] = -1; /* not for this file: the fsync does it all */
		if (wb->fd[0] < 0 && wb->fd[1] < 0) {
			pthread_mutex_lock(&wb->lock);
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &at);
		at.tv_nsec += WRITEBACK_PERIOD_NS;
		if (at.tv_nsec >= 1000000000L) {
			at.tv_sec++;
			at.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&wb->lock);
		while (!wb->stop && pthread_cond_timedwait(&wb->wake, &wb->lock, &at) == 0)
			;
	}
	pthread_mutex_unlock(&wb->lock);
	return NULL;
}

void cli_writeback_start(struct cli_writeback *wb, int fd, int fd2)
{
	pthread_condattr_t attr;

	wb->fd[0] = fd;
	wb->fd[1] = fd2;
	wb->stop = false;
	wb->running = false;
	if (pthread_condattr_init(&attr) != 0)
		return;
	if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
	    pthread_mutex_init(&wb->lock, NULL) == 0) {
		if (pthread_cond_init(&wb->wake, &attr) == 0) {
			wb->running = pthread_create(&wb->thread, NULL, writeback_loop, wb) == 0;
			if (!wb->running)
				pthread_cond_destroy(&wb->wake);
		}
		if (!wb->running)
			pthread_mutex_destroy(&wb->lock);
	}
	pthread_condattr_destroy(&attr);
}

void cli_writeback_stop(struct cli_writeback *wb)
{
	if (!wb->running)
		return;
	pthread_mutex_lock(&wb->lock);
	wb->stop = true;
	pthread_cond_signal(&wb->wake);
	pthread_mutex_unlock(&wb->lock);
	pthread_join(wb->thread, NULL);
	pthread_cond_destroy(&wb->wake);
	pthread_mutex_destroy(&wb->lock);
	wb->running = false;
}

void cli_verbose(const struct cli_options *opts, const char *fmt, ...)
{
	va_list ap;

	if (!opts->verbose && !opts->debug)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_debug(const struct cli_options *opts, const char *fmt, ...)
{
	va_list ap;

	if (!opts->debug)
		return;
	fputs("# ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_exit_code(int err)
{
	switch (err) {
	case 0:
		return EXIT_OK;
	case VERITY_E_CORRUPT_DATA:
	case VERITY_E_CORRUPT_HASH:
	case VERITY_E_CORRUPT_PADDING:
	case VERITY_E_FEC_UNCORRECTABLE:
	case VERITY_E_FEC_NOT_VERIFIED:
		return EXIT_CORRUPT;
	case VERITY_E_IO:
	case VERITY_E_SHORT_READ:
	case VERITY_E_FEC_DEVICE_TOO_SMALL:
		return EXIT_IO;
	case VERITY_E_NOMEM:
		return EXIT_NOMEM;
	default:
		break;
	}
	if (err <= -400 && err > -500)
		return EXIT_BAD_SIGNATURE;
	/*
	 * veritysetup's 1 for the rest: parameters, a wrong root hash, a
	 * device too small for its tree, a hash device that is not verity.
	 */
	return EXIT_USAGE;
}

void cli_hex(char *out, const uint8_t *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * len] = '\0';
}

int cli_unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t n;

	return verity_hex_to_digest(hex, strlen(hex), out, max, &n) ? -1 : (int)n;
}

int cli_uuid_parse(const char *text, uint8_t uuid[VERITY_UUID_SIZE])
{
	char hex[33];
	size_t n = 0;

	if (strlen(text) != 36)
		return -1;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash != (text[i] == '-'))
			return -1;
		if (!dash)
			hex[n++] = text[i];
	}
	hex[n] = '\0';
	return cli_unhex(hex, uuid, VERITY_UUID_SIZE) == VERITY_UUID_SIZE ? 0 : -1;
}

void cli_uuid_format(char out[37], const uint8_t uuid[VERITY_UUID_SIZE])
{
	char hex[33];

	cli_hex(hex, uuid, VERITY_UUID_SIZE);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

int cli_random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t got = getrandom(p, len, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += got;
		len -= (size_t)got;
	}
	return 0;
}

/* Length of the valid UTF-8 sequence at @p (1..4), or 0 if it is not one. */
static size_t utf8_length(const unsigned char *p)
{
	size_t n;
	unsigned min;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2, cp = p[0] & 0x1fu, min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3, cp = p[0] & 0x0fu, min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4, cp = p[0] & 0x07u, min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80) /* also stops at the terminating NUL */
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void cli_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	while (*p) {
		size_t n = utf8_length(p);

		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else if (n)
			fwrite(p, 1, n, out);
		else /* not UTF-8: Python's surrogateescape, so the bytes can be recovered */
			fprintf(out, "\\udc%02x", *p);
		p += n ? n : 1;
	}
	fputc('"', out);
}

void cli_json_field_string(const char *name, const char *value)
{
	FILE *f = fields();

	if (!f)
		return;
	fprintf(f, ",\"%s\":", name);
	if (value)
		cli_json_string(f, value);
	else
		fputs("null", f);
}

void cli_json_field_u64(const char *name, uint64_t value)
{
	FILE *f = fields();

	if (f)
		fprintf(f, ",\"%s\":%llu", name, (unsigned long long)value);
}

FILE *cli_json_stream(void)
{
	return fields();
}

void cli_json_field_int(const char *name, int value)
{
	FILE *f = fields();

	if (f)
		fprintf(f, ",\"%s\":%d", name, value);
}

void cli_json_field_bool(const char *name, bool value)
{
	FILE *f = fields();

	if (f)
		fprintf(f, ",\"%s\":%s", name, value ? "true" : "false");
}

void cli_json_field_raw(const char *name, const char *json)
{
	FILE *f = fields();

	if (f)
		fprintf(f, ",\"%s\":%s", name, json);
}

/* One name per exit status, so that every subcommand names a failure alike. */
static const char *error_name(int code)
{
	switch (code) {
	case EXIT_USAGE:
		return "invalid";
	case EXIT_CORRUPT:
		return "corrupt";
	case EXIT_NOMEM:
		return "no-memory";
	case EXIT_IO:
		return "io";
	case EXIT_BAD_SIGNATURE:
		return "bad-signature";
	case EXIT_NOT_FOUND:
		return "not-found";
	default:
		return "failed";
	}
}

void cli_json_finish(int code)
{
	printf("{\"status\":\"%s\",\"exit_code\":%d", code == EXIT_OK ? "ok" : "error", code);
	if (code != EXIT_OK) {
		printf(",\"error\":\"%s\",\"message\":", error_name(code));
		cli_json_string(stdout, first_error[0] ? first_error : error_name(code));
	}
	if (json_fields && fclose(json_fields) == 0 && json_buf)
		fwrite(json_buf, 1, json_len, stdout);
	json_fields = NULL;
	free(json_buf);
	json_buf = NULL;
	fputs("}\n", stdout);
	fflush(stdout);
}
