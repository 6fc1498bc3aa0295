/* SPDX-License-Identifier: MIT */
/* Messages, exit codes, hex, UUIDs, randomness and JSON strings for the CLI. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/random.h>

#include "cli/commands.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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
	if (err == 0)
		return EXIT_OK;
	switch (err) {
	case VERITY_E_CORRUPT_DATA:
	case VERITY_E_CORRUPT_HASH:
	case VERITY_E_CORRUPT_PADDING:
	case VERITY_E_ROOT_MISMATCH:
	case VERITY_E_FEC_UNCORRECTABLE:
	case VERITY_E_FEC_NOT_VERIFIED:
		return EXIT_CORRUPT;
	case VERITY_E_IO:
	case VERITY_E_SHORT_READ:
	case VERITY_E_RANGE:
	case VERITY_E_DATA_DEVICE_TOO_SMALL:
	case VERITY_E_HASH_DEVICE_TOO_SMALL:
	case VERITY_E_SB_TOO_SHORT:
	case VERITY_E_FEC_DEVICE_TOO_SMALL:
		return EXIT_IO;
	case VERITY_E_NOMEM:
	case VERITY_E_THREAD:
		return EXIT_FAILURE_GENERIC;
	default:
		break;
	}
	if (err <= -200 && err > -300)
		return EXIT_CORRUPT; /* a superblock that cannot be right */
	if (err <= -400 && err > -500)
		return EXIT_BAD_SIGNATURE;
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

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cli_unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t len = strlen(hex);

	if (len % 2 || len / 2 > max)
		return -1;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(len / 2);
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

void cli_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}
