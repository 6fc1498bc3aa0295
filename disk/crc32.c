/* SPDX-License-Identifier: MIT */
/*
 * CRC-32, polynomial 0xEDB88320 (reflected). A 16-entry table, used a nibble
 * at a time: constant data, no initialisation, fast enough for partition
 * tables and metadata areas (a few hundred KiB at most).
 *
 * LVM2's calc_crc() is this register update without the inversions, seeded
 * with 0xf597a6cf: that is verity_crc32(0xf597a6cf ^ 0xffffffff, ...) ^ 0xffffffff.
 */
#include "disk/crc32.h"

static const uint32_t nibble_table[16] = {
    0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4, 0x4db26158, 0x5005713c,
    0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c, 0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

uint32_t verity_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		crc = (crc >> 4) ^ nibble_table[crc & 15];
		crc = (crc >> 4) ^ nibble_table[crc & 15];
	}
	return ~crc;
}
