/* SPDX-License-Identifier: MIT */
/*
 * The few printf conversions error details need, so that the signature code
 * links where there is no C library (a bootloader): %s, %c, %%, and %d %u %x
 * with an optional 0 flag, a width, and the l or z length modifier.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "sig/sig.h"

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_number(struct out *o, uintmax_t v, bool negative, unsigned base, unsigned width,
                       char pad)
{
	char digits[3 * sizeof(uintmax_t) + 1];
	unsigned n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (negative && pad == '0')
		put(o, '-');
	for (unsigned w = n + (negative ? 1u : 0u); w < width; w++)
		put(o, pad);
	if (negative && pad != '0')
		put(o, '-');
	while (n)
		put(o, digits[--n]);
}

int verity_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {buf, size, 0};

	for (; *fmt; fmt++) {
		unsigned width = 0;
		char pad = ' ', length = 0;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = *fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned)(*fmt++ - '0');
		if (*fmt == 'l' || *fmt == 'z')
			length = *fmt++;
		switch (*fmt) {
		case 'd': {
			intmax_t v = length == 'l'   ? va_arg(ap, long)
			             : length == 'z' ? (intmax_t)va_arg(ap, size_t)
			                             : va_arg(ap, int);

			put_number(&o, v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v, v < 0,
			           10, width, pad);
			break;
		}
		case 'u':
		case 'x': {
			uintmax_t v = length == 'l'   ? va_arg(ap, unsigned long)
			              : length == 'z' ? va_arg(ap, size_t)
			                              : va_arg(ap, unsigned);

			put_number(&o, v, false, *fmt == 'x' ? 16 : 10, width, pad);
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			for (s = s ? s : "(null)"; *s; s++)
				put(&o, *s);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default: /* not a conversion this code uses: show it */
			put(&o, '%');
			if (!*fmt)
				fmt--;
			else
				put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int verity_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = verity_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
