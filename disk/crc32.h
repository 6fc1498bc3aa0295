/* SPDX-License-Identifier: MIT */
/* CRC-32 (IEEE 802.3, reflected, as GPT and LVM2 use it). Private to the library. */
#ifndef VERITY_DISK_CRC32_H
#define VERITY_DISK_CRC32_H

#include <stddef.h>
#include <stdint.h>

/*
 * Continue a CRC-32 over @len bytes: @crc is the previous return value, or 0
 * to start. Pre- and post-inversion are done inside, so that
 * verity_crc32(verity_crc32(0, a), b) is the CRC of a followed by b.
 * LVM2 uses a different seed and no final inversion: see the note in crc32.c.
 */
uint32_t verity_crc32(uint32_t crc, const void *buf, size_t len);

#endif
