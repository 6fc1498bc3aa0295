/* SPDX-License-Identifier: MIT */
/*
 * LVM2 physical volume label, pv_header and metadata area header, checked
 * in the order: magic, self-reference, CRC, lengths, containment.
 */
#include <string.h>

#include "disk/crc32.h"
#include "disk/lvm.h"
#include "verity/util.h"

#define LABEL_SCAN_SECTORS 4
#define MDA_HEADER_SIZE    512
#define MDA_MAGIC          " LVM2 x[5A%r0N*>"
#define LVM_CRC_SEED       0xf597a6cfu

uint32_t verity_lvm_crc(const void *buf, size_t len)
{
	/* The IEEE register update without verity_crc32()'s inversions (disk/crc32.c). */
	return verity_crc32(LVM_CRC_SEED ^ 0xffffffffu, buf, len) ^ 0xffffffffu;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Read a {offset, size} list ended by {0, 0}. Return: bytes used, or 0 if malformed. */
static size_t parse_areas(const uint8_t *p, size_t avail, struct lvm_area *areas, unsigned max,
                          unsigned *count, uint64_t device_size, bool is_mda)
{
	size_t pos = 0;

	*count = 0;
	for (;;) {
		uint64_t off, size, end;

		if (avail - pos < 16)
			return 0;
		off = le64(p + pos);
		size = le64(p + pos + 8);
		pos += 16;
		if (off == 0 && size == 0)
			return pos;
		if (*count == max)
			return 0;
		/* A metadata area has a real size; data areas may say "to the end". */
		if (is_mda && size < 2 * MDA_HEADER_SIZE)
			return 0;
		if (off % LVM_SECTOR || verity_add_overflow_u64(off, size, &end))
			return 0;
		if (device_size && end > device_size)
			return 0;
		areas[*count].offset = off;
		areas[*count].size = size;
		(*count)++;
	}
}

static int parse_one_label(const uint8_t *s, uint64_t sector, struct lvm_label *label)
{
	uint32_t offset;
	size_t used;

	if (le64(s + 8) != sector)
		return VERITY_E_LVM_LABEL_SECTOR;
	if (le32(s + 16) != verity_lvm_crc(s + 20, LVM_SECTOR - 20))
		return VERITY_E_LVM_LABEL_CRC;
	if (memcmp(s + 24, "LVM2 001", 8) != 0)
		return VERITY_E_LVM_LABEL_TYPE;
	offset = le32(s + 20);
	/* The pv_header (uuid, size, two lists) must lie in the label sector. */
	if (offset < 32 || offset > LVM_SECTOR - (LVM_UUID_LEN + 8 + 32))
		return VERITY_E_LVM_BAD_PV_HEADER;
	memset(label, 0, sizeof(*label));
	label->sector = sector;
	memcpy(label->uuid, s + offset, LVM_UUID_LEN);
	for (unsigned i = 0; i < LVM_UUID_LEN; i++) {
		char c = label->uuid[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
			return VERITY_E_LVM_BAD_PV_HEADER;
	}
	label->device_size = le64(s + offset + LVM_UUID_LEN);
	offset += LVM_UUID_LEN + 8;
	used = parse_areas(s + offset, LVM_SECTOR - offset, label->data, LVM_MAX_DATA_AREAS,
	                   &label->data_count, label->device_size, false);
	if (!used)
		return VERITY_E_LVM_BAD_PV_HEADER;
	offset += (uint32_t)used;
	used = parse_areas(s + offset, LVM_SECTOR - offset, label->mda, LVM_MAX_MDAS,
	                   &label->mda_count, label->device_size, true);
	if (!used)
		return VERITY_E_LVM_BAD_PV_HEADER;
	return 0;
}

int verity_lvm_label_parse(const uint8_t *buf, size_t len, struct lvm_label *label)
{
	int first_err = VERITY_E_LVM_NO_LABEL;

	if (!buf || !label)
		return VERITY_E_INVAL;
	/* lvm2 takes the first sector that carries a valid label. */
	for (uint64_t sector = 0; sector < LABEL_SCAN_SECTORS; sector++) {
		const uint8_t *s = buf + sector * LVM_SECTOR;
		int err;

		if (len < (sector + 1) * LVM_SECTOR)
			break;
		if (memcmp(s, "LABELONE", 8) != 0)
			continue;
		err = parse_one_label(s, sector, label);
		if (!err)
			return 0;
		if (first_err == VERITY_E_LVM_NO_LABEL)
			first_err = err;
	}
	return first_err;
}

int verity_lvm_mda_header_parse(const uint8_t *buf, size_t len, const struct lvm_area *area,
                                struct lvm_mda_locn *locn)
{
	const uint8_t *rl = buf + 40;

	if (!buf || len < MDA_HEADER_SIZE || !area || !locn)
		return VERITY_E_INVAL;
	if (memcmp(buf + 4, MDA_MAGIC, 16) != 0)
		return VERITY_E_LVM_MDA_MAGIC;
	if (le32(buf + 20) != 1)
		return VERITY_E_LVM_MDA_VERSION;
	if (le64(buf + 24) != area->offset)
		return VERITY_E_LVM_MDA_START;
	if (le32(buf) != verity_lvm_crc(buf + 4, MDA_HEADER_SIZE - 4))
		return VERITY_E_LVM_MDA_CRC;
	if (le64(buf + 32) != area->size)
		return VERITY_E_LVM_BAD_LOCN;
	locn->offset = le64(rl);
	locn->size = le64(rl + 8);
	locn->checksum = le32(rl + 16);
	locn->ignored = le32(rl + 20) & 1;
	if (locn->size == 0)
		return locn->offset == 0 || locn->offset == MDA_HEADER_SIZE ? 0
		                                                            : VERITY_E_LVM_BAD_LOCN;
	/* The text lies in the ring after the header and is never longer than it. */
	if (locn->offset < MDA_HEADER_SIZE || locn->offset >= area->size ||
	    locn->size > area->size - MDA_HEADER_SIZE)
		return VERITY_E_LVM_BAD_LOCN;
	return 0;
}

int verity_lvm_mda_read(const struct verity_bdev *bdev, const struct lvm_area *area,
                        size_t max_text, struct lvm_arena *arena, char **text, size_t *text_len)
{
	uint8_t header[MDA_HEADER_SIZE];
	struct lvm_mda_locn locn;
	uint64_t end, first;
	char *buf;
	int err;

	*text = NULL;
	*text_len = 0;
	if (verity_add_overflow_u64(area->offset, area->size, &end) || end > bdev->size)
		return VERITY_E_LVM_TRUNCATED;
	err = verity_bdev_read(bdev, area->offset, header, sizeof(header));
	if (err)
		return err;
	err = verity_lvm_mda_header_parse(header, sizeof(header), area, &locn);
	if (err)
		return err;
	if (locn.size == 0 || locn.ignored)
		return 0;
	if (locn.size > max_text)
		return VERITY_E_LVM_TEXT_TOO_LARGE;
	buf = verity_lvm_arena_alloc(arena, (size_t)locn.size + 1);
	if (!buf)
		return VERITY_E_NOMEM;
	/* Circular buffer: what runs past the area end continues after the header. */
	first = area->size - locn.offset;
	if (first > locn.size)
		first = locn.size;
	err = verity_bdev_read(bdev, area->offset + locn.offset, buf, (size_t)first);
	if (!err && first < locn.size)
		err = verity_bdev_read(bdev, area->offset + MDA_HEADER_SIZE, buf + first,
		                       (size_t)(locn.size - first));
	if (err)
		return err;
	if (verity_lvm_crc(buf, (size_t)locn.size) != locn.checksum)
		return VERITY_E_LVM_TEXT_CRC;
	/* lvm2 stores the text with its NUL; one missing means a cut copy. */
	if (buf[locn.size - 1] != '\0')
		return VERITY_E_LVM_TRUNCATED;
	buf[locn.size] = '\0';
	*text = buf;
	*text_len = (size_t)locn.size - 1;
	return 0;
}
