/* SPDX-License-Identifier: MIT */
/*
 * A guard in front of fdt_check_full(). libfdt before 1.7.0 (Debian 12 ships
 * 1.6.1) loops forever in fdt_next_tag() on a property whose length is
 * 0xfffffff4: "offset + 12 + length" wraps back to the tag itself. Every
 * libfdt walk goes through fdt_next_tag(), fdt_check_full() included, so the
 * structure block is walked here first, the way fdt_next_tag() walks it, and
 * any property longer than what is left of the block is refused.
 *
 * Trees older than version 17 (dtc has written 17 since 2007) are refused
 * too: on a version-2 tree libfdt 1.6.1's fdt_check_full() dereferences
 * NULL (the property-name lookup of those versions returns none).
 */
#include <string.h>

#include <libfdt.h>

#include "sig/fdt.h"

static uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int walk_structure(const uint8_t *s, size_t limit)
{
	size_t pos = 0;

	while (limit - pos >= FDT_TAGSIZE) {
		uint32_t tag = load_be32(s + pos);
		const uint8_t *nul;
		size_t len;

		pos += FDT_TAGSIZE;
		switch (tag) {
		case FDT_BEGIN_NODE:
			nul = memchr(s + pos, '\0', limit - pos);
			if (!nul)
				return -FDT_ERR_TRUNCATED;
			pos = (size_t)(nul - s) + 1;
			break;
		case FDT_PROP:
			if (limit - pos < 8)
				return -FDT_ERR_TRUNCATED;
			len = load_be32(s + pos);
			pos += 8;
			if (len > limit - pos)
				return -FDT_ERR_BADSTRUCTURE;
			pos += len;
			break;
		case FDT_END_NODE:
		case FDT_NOP:
			break;
		case FDT_END:
			return 0;
		default:
			return -FDT_ERR_BADSTRUCTURE;
		}
		pos = (pos + FDT_TAGSIZE - 1) & ~(size_t)(FDT_TAGSIZE - 1);
		if (pos > limit)
			return -FDT_ERR_TRUNCATED;
	}
	return -FDT_ERR_TRUNCATED;
}

int verity_fdt_check(const void *blob, size_t size)
{
	size_t total, start, limit;
	int ret;

	if (!blob || size < FDT_V1_SIZE || size > INT32_MAX)
		return -FDT_ERR_TRUNCATED;
	ret = fdt_check_header(blob);
	if (ret != 0)
		return ret;
	if (fdt_version(blob) < 17)
		return -FDT_ERR_BADVERSION;
	total = fdt_totalsize(blob);
	start = fdt_off_dt_struct(blob);
	if (total > size || start > total)
		return -FDT_ERR_TRUNCATED;
	limit = total - start;
	if (fdt_size_dt_struct(blob) < limit)
		limit = fdt_size_dt_struct(blob);
	ret = walk_structure((const uint8_t *)blob + start, limit);
	if (ret != 0)
		return ret;
	return fdt_check_full(blob, size);
}
