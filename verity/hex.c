/* SPDX-License-Identifier: MIT */
/* Hex digits to bytes: root hashes, salts and table digests share this. */
#include "verity/util.h"

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

int verity_hex_to_digest(const char *hex, size_t len, uint8_t *out, size_t out_size,
                         size_t *out_len)
{
	if (!hex || !out)
		return VERITY_E_INVAL;
	if (len % 2 || len / 2 > out_size)
		return VERITY_E_BAD_HEX;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return VERITY_E_BAD_HEX;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	if (out_len)
		*out_len = len / 2;
	return 0;
}
