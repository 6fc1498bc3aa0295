/* SPDX-License-Identifier: MIT */
/*
 * GUID partition tables (UEFI 2.10 section 5.3), read through a bdev.
 * Every header field is checked before it is used; see verity_gpt_read() in
 * include/libverity/disk.h for the order.
 */
#include <string.h>

#include "disk/crc32.h"
#include "verity/util.h"

#define MBR_SIZE         512
#define GPT_HEADER_MIN   92
#define GPT_REVISION_1_0 0x00010000u

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/* GPT stores the first three GUID fields little-endian: turn into text order. */
static void guid_from_disk(uint8_t out[16], const uint8_t *in)
{
	static const uint8_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};

	for (unsigned i = 0; i < 16; i++)
		out[i] = in[order[i]];
}

void verity_guid_format(const uint8_t guid[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned o = 0;

	for (unsigned i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[guid[i] >> 4];
		out[o++] = hex[guid[i] & 15];
	}
	out[o] = '\0';
}

int verity_guid_parse(const char *text, uint8_t guid[16])
{
	/* The five groups: where each starts in the text and in the bytes. */
	static const uint8_t at[5] = {0, 9, 14, 19, 24}, len[5] = {8, 4, 4, 4, 12};
	static const uint8_t out[5] = {0, 4, 6, 8, 10};

	if (!text || !guid)
		return VERITY_E_INVAL;
	for (unsigned i = 0; i < 36; i++)
		if (text[i] == '\0')
			return VERITY_E_BAD_HEX;
	if (text[36] != '\0')
		return VERITY_E_BAD_HEX;
	for (unsigned g = 0; g < 5; g++) {
		if (g && text[at[g] - 1] != '-')
			return VERITY_E_BAD_HEX;
		if (verity_hex_to_digest(text + at[g], len[g], guid + out[g], len[g] / 2, NULL))
			return VERITY_E_BAD_HEX;
	}
	return 0;
}

/* UTF-16LE name (up to 36 units, NUL-terminated or not) to UTF-8. */
static void label_to_utf8(char *out, const uint8_t *name)
{
	size_t o = 0;

	for (unsigned i = 0; i < 36; i++) {
		uint32_t c = (uint32_t)name[2 * i] | (uint32_t)name[2 * i + 1] << 8;

		if (c == 0)
			break;
		if (c >= 0xd800 && c <= 0xdbff && i + 1 < 36) {
			uint32_t lo = (uint32_t)name[2 * i + 2] | (uint32_t)name[2 * i + 3] << 8;

			if (lo >= 0xdc00 && lo <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
				i++;
			} else {
				c = 0xfffd;
			}
		} else if (c >= 0xd800 && c <= 0xdfff) {
			c = 0xfffd;
		}
		/* 36 units produce at most 108 bytes: a pair (2 units) gives 4. */
		if (c < 0x80) {
			out[o++] = (char)c;
		} else if (c < 0x800) {
			out[o++] = (char)(0xc0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			out[o++] = (char)(0xe0 | c >> 12);
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | c >> 18);
			out[o++] = (char)(0x80 | ((c >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[o] = '\0';
}

static int check_protective_mbr(const struct verity_bdev *disk)
{
	uint8_t mbr[MBR_SIZE];
	int ret = verity_bdev_read(disk, 0, mbr, sizeof(mbr));

	if (ret)
		return ret;
	if (mbr[510] != 0x55 || mbr[511] != 0xaa)
		return VERITY_E_GPT_NO_PROTECTIVE_MBR;
	for (unsigned i = 0; i < 4; i++)
		if (mbr[446 + 16 * i + 4] == 0xee)
			return 0;
	return VERITY_E_GPT_NO_PROTECTIVE_MBR;
}

/* A header as checked: what the entries need. */
struct header {
	uint64_t my_lba, alternate_lba, first_usable, last_usable, entries_lba;
	uint32_t entry_count, entry_size, entries_crc;
	uint8_t disk_guid[16];
};

/* Read and check the header at @lba (1 for the primary, the last sector for the backup). */
static int read_header(const struct verity_bdev *disk, uint32_t ss, uint64_t lba, struct header *h,
                       uint8_t *sector)
{
	uint64_t sectors = disk->size / ss, entry_bytes, entry_sectors, entries_end;
	uint32_t size, crc;
	int ret;

	ret = verity_bdev_read(disk, lba * ss, sector, ss);
	if (ret)
		return ret;
	if (memcmp(sector, "EFI PART", 8) != 0)
		return VERITY_E_GPT_NOT_FOUND;
	if (get_le32(sector + 8) != GPT_REVISION_1_0)
		return VERITY_E_GPT_BAD_REVISION;
	size = get_le32(sector + 12);
	if (size < GPT_HEADER_MIN || size > ss)
		return VERITY_E_GPT_BAD_HEADER_SIZE;
	crc = get_le32(sector + 16);
	memset(sector + 16, 0, 4);
	if (verity_crc32(0, sector, size) != crc)
		return VERITY_E_GPT_BAD_HEADER_CRC;
	if (get_le32(sector + 20) != 0)
		return VERITY_E_GPT_RESERVED_NONZERO;
	h->my_lba = get_le64(sector + 24);
	h->alternate_lba = get_le64(sector + 32);
	h->first_usable = get_le64(sector + 40);
	h->last_usable = get_le64(sector + 48);
	guid_from_disk(h->disk_guid, sector + 56);
	h->entries_lba = get_le64(sector + 72);
	h->entry_count = get_le32(sector + 80);
	h->entry_size = get_le32(sector + 84);
	h->entries_crc = get_le32(sector + 88);
	if (h->my_lba != lba)
		return VERITY_E_GPT_BAD_MY_LBA;
	/* Usable sectors lie strictly between the primary and backup headers. */
	if (h->first_usable < 2 || h->first_usable > h->last_usable ||
	    h->last_usable >= sectors - 1)
		return VERITY_E_GPT_BAD_USABLE_RANGE;
	if (h->entry_size < 128 || h->entry_size > VERITY_GPT_MAX_ENTRY_SIZE ||
	    (h->entry_size & (h->entry_size - 1)) != 0)
		return VERITY_E_GPT_BAD_ENTRY_SIZE;
	if (h->entry_count == 0 || h->entry_count > VERITY_GPT_MAX_ENTRIES)
		return VERITY_E_GPT_TOO_MANY_ENTRIES;
	entry_bytes = (uint64_t)h->entry_count * h->entry_size;
	entry_sectors = (entry_bytes + ss - 1) / ss;
	/* The array sits outside the usable range, not on either header, inside the disk. */
	if (h->entries_lba < 2 ||
	    verity_add_overflow_u64(h->entries_lba, entry_sectors, &entries_end) ||
	    entries_end > sectors - 1 ||
	    (h->entries_lba <= h->last_usable && entries_end > h->first_usable))
		return VERITY_E_GPT_BAD_ENTRIES_LBA;
	return 0;
}

/* Read the entry array of @h into *@buf (allocated, or replaced) and check its CRC. */
static int read_entries(const struct verity_bdev *disk, uint32_t ss, const struct header *h,
                        const struct verity_allocator *allocator, uint8_t **buf)
{
	size_t bytes = (size_t)h->entry_count * h->entry_size;
	int ret;

	verity_free(allocator, *buf);
	*buf = verity_alloc(allocator, bytes);
	if (!*buf)
		return VERITY_E_NOMEM;
	ret = verity_bdev_read(disk, h->entries_lba * ss, *buf, bytes);
	if (ret)
		return ret;
	if (verity_crc32(0, *buf, bytes) != h->entries_crc)
		return VERITY_E_GPT_BAD_ENTRIES_CRC;
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Check the used entries and copy them out. */
static int load_partitions(struct verity_gpt *gpt, const struct verity_bdev *disk,
                           const struct header *h, const uint8_t *entries)
{
	uint64_t sectors = disk->size / gpt->sector_size;
	uint32_t used = 0;

	for (uint32_t i = 0; i < h->entry_count; i++)
		if (!all_zero(entries + (size_t)i * h->entry_size, 16))
			used++;
	if (used) {
		gpt->parts = verity_alloc(gpt->allocator, (size_t)used * sizeof(*gpt->parts));
		if (!gpt->parts)
			return VERITY_E_NOMEM;
	}
	for (uint32_t i = 0; i < h->entry_count; i++) {
		const uint8_t *e = entries + (size_t)i * h->entry_size;
		struct verity_gpt_partition *p;

		if (all_zero(e, 16))
			continue;
		p = &gpt->parts[gpt->count];
		memset(p, 0, sizeof(*p));
		p->index = i + 1;
		guid_from_disk(p->type, e);
		guid_from_disk(p->uuid, e + 16);
		p->first_lba = get_le64(e + 32);
		p->last_lba = get_le64(e + 40);
		p->attributes = get_le64(e + 48);
		label_to_utf8(p->label, e + 56);
		if (p->last_lba >= sectors || p->first_lba >= sectors)
			return VERITY_E_GPT_PARTITION_PAST_END;
		if (p->last_lba < p->first_lba || p->first_lba < h->first_usable ||
		    p->last_lba > h->last_usable)
			return VERITY_E_GPT_PARTITION_OUTSIDE;
		/* sectors * ss is the disk size, so these cannot overflow. */
		p->offset = p->first_lba * gpt->sector_size;
		p->size = (p->last_lba - p->first_lba + 1) * gpt->sector_size;
		/* At most VERITY_GPT_MAX_ENTRIES^2 / 2 comparisons. */
		for (uint32_t j = 0; j < gpt->count; j++) {
			const struct verity_gpt_partition *q = &gpt->parts[j];

			if (p->first_lba <= q->last_lba && q->first_lba <= p->last_lba)
				return VERITY_E_GPT_OVERLAP;
			if (memcmp(p->uuid, q->uuid, 16) == 0)
				return VERITY_E_GPT_DUPLICATE_UUID;
		}
		gpt->count++;
	}
	return 0;
}

/* The table for one sector size: primary, else backup. */
static int read_with_sector_size(struct verity_gpt *gpt, const struct verity_bdev *disk,
                                 uint32_t ss)
{
	struct header h;
	uint8_t *sector, *entries = NULL;
	uint64_t sectors = disk->size / ss;
	int ret, primary;

	/* MBR, primary header, 34 sectors of entries at least, backup header. */
	if (sectors < 6)
		return VERITY_E_GPT_DISK_TOO_SMALL;
	sector = verity_alloc(gpt->allocator, ss);
	if (!sector)
		return VERITY_E_NOMEM;
	primary = read_header(disk, ss, 1, &h, sector);
	if (primary == 0)
		primary = read_entries(disk, ss, &h, gpt->allocator, &entries);
	ret = primary;
	if (primary == VERITY_E_IO || primary == VERITY_E_SHORT_READ || primary == VERITY_E_NOMEM)
		goto out;
	if (primary != 0) {
		ret = read_header(disk, ss, sectors - 1, &h, sector);
		if (ret == 0)
			ret = read_entries(disk, ss, &h, gpt->allocator, &entries);
		if (ret == VERITY_E_IO || ret == VERITY_E_SHORT_READ)
			goto out;
		if (ret != 0) {
			ret = primary;
			goto out;
		}
		gpt->used_backup = true;
		gpt->primary_error = primary;
	}
	gpt->sector_size = ss;
	memcpy(gpt->disk_guid, h.disk_guid, 16);
	gpt->first_usable_lba = h.first_usable;
	gpt->last_usable_lba = h.last_usable;
	ret = load_partitions(gpt, disk, &h, entries);
out:
	verity_free(gpt->allocator, entries);
	verity_free(gpt->allocator, sector);
	return ret;
}

/* Whether "EFI PART" is at byte @offset (a read error counts as no). */
static bool has_signature(const struct verity_bdev *disk, uint64_t offset)
{
	uint8_t magic[8];

	return offset + 8 <= disk->size && verity_bdev_read(disk, offset, magic, 8) == 0 &&
	       memcmp(magic, "EFI PART", 8) == 0;
}

void verity_gpt_free(struct verity_gpt *gpt)
{
	if (!gpt)
		return;
	verity_free(gpt->allocator, gpt->parts);
	gpt->parts = NULL;
	gpt->count = 0;
}

int verity_gpt_read(struct verity_gpt *gpt, const struct verity_bdev *disk, uint32_t sector_size,
                    const struct verity_allocator *allocator)
{
	struct verity_gpt other;
	bool at512, at4096;
	int ret, ret4k;

	if (!gpt || !disk || !disk->read)
		return VERITY_E_INVAL;
	memset(gpt, 0, sizeof(*gpt));
	gpt->allocator = allocator;
	if (sector_size != 0 && sector_size != 512 && sector_size != 4096)
		return VERITY_E_GPT_BAD_SECTOR_SIZE;
	if (disk->size < 2 * 512)
		return VERITY_E_GPT_DISK_TOO_SMALL;
	ret = check_protective_mbr(disk);
	if (ret == VERITY_E_GPT_NO_PROTECTIVE_MBR && !has_signature(disk, 512) &&
	    !has_signature(disk, 4096))
		return VERITY_E_GPT_NOT_FOUND; /* not a GPT disk at all */
	if (ret)
		return ret;
	if (sector_size) {
		ret = read_with_sector_size(gpt, disk, sector_size);
		if (ret)
			verity_gpt_free(gpt);
		return ret;
	}
	/* Find the sector size: a header at 512 (512-byte sectors) or 4096. */
	at512 = has_signature(disk, 512);
	at4096 = has_signature(disk, 4096);
	ret = read_with_sector_size(gpt, disk, 512);
	if (ret)
		verity_gpt_free(gpt);
	memset(&other, 0, sizeof(other));
	other.allocator = allocator;
	ret4k = read_with_sector_size(&other, disk, 4096);
	if (ret == 0 && ret4k == 0) {
		verity_gpt_free(gpt);
		verity_gpt_free(&other);
		return VERITY_E_GPT_AMBIGUOUS_SECTOR;
	}
	if (ret4k == 0) {
		*gpt = other;
		return 0;
	}
	verity_gpt_free(&other);
	if (ret == 0)
		return 0;
	/* Neither worked: report the one whose primary looked like a GPT. */
	if (at4096 && !at512)
		return ret4k;
	return ret;
}
