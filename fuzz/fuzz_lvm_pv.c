/* SPDX-License-Identifier: MIT */
/*
 * The LVM2 reader from the device up: label (sectors 0..3), pv_header,
 * metadata area header, the ring-buffer text, its parse and the segment
 * checks. Input: the start of one PV (seeds: the first KiBs of PVs made by
 * lvm2, through the text of their committed metadata); the device is 16 MiB
 * and reads zeros past the input, so the usual 1 MiB metadata area fits.
 * Inputs of even length get their label, metadata header and text CRCs
 * recomputed first, so that mutations reach the parsers behind them; odd
 * lengths exercise the checksums themselves.
 *
 * Invariants: only documented codes; on success every listed LV is linear or
 * names its type, and a linear LV reads back, in one call and split at an
 * arbitrary point, the same bytes, all inside the device.
 */
#include "disk/lvm.h"
#include "fuzz/fuzz.h"
#include "libverity.h"

#define DEVICE_SIZE (16u << 20)
#define COPY_MAX    (1u << 20)

static uint8_t copy[COPY_MAX];

struct sparse {
	const uint8_t *data;
	size_t size;
};

static int sparse_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	const struct sparse *s = user_data;
	uint8_t *out = buf;

	FUZZ_CHECK(offset <= DEVICE_SIZE && len <= DEVICE_SIZE - offset);
	for (size_t i = 0; i < len; i++)
		out[i] = offset + i < s->size ? s->data[offset + i] : 0;
	return 0;
}

static void check_lv(const struct verity_lvm *lvm, size_t v, size_t l)
{
	static uint8_t a[8192], b[8192];
	struct verity_lvm_lv_info info;
	struct verity_bdev bdev;
	size_t len, split;
	int ret;

	FUZZ_CHECK(verity_lvm_lv_info(lvm, v, l, &info) == 0);
	FUZZ_CHECK(info.name && info.id && info.segment_count > 0);
	for (size_t s = 0; s < info.segment_count; s++) {
		struct verity_lvm_segment seg;

		FUZZ_CHECK(verity_lvm_segment(lvm, v, l, s, &seg) == 0);
		FUZZ_CHECK(seg.type != NULL);
	}
	ret = verity_lvm_lv_bdev(lvm, v, l, &bdev);
	if (info.unsupported_type) {
		FUZZ_CHECK(ret == VERITY_E_LVM_UNSUPPORTED);
		return;
	}
	FUZZ_CHECK(ret == 0 && bdev.size == info.size);
	len = bdev.size < sizeof(a) ? (size_t)bdev.size : sizeof(a);
	FUZZ_CHECK(verity_bdev_read(&bdev, bdev.size - len, a, len) == 0);
	split = len / 3;
	FUZZ_CHECK(verity_bdev_read(&bdev, bdev.size - len, b, split) == 0);
	FUZZ_CHECK(verity_bdev_read(&bdev, bdev.size - len + split, b + split, len - split) == 0);
	FUZZ_CHECK(memcmp(a, b, len) == 0);
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Make the CRCs of the first label and its first metadata area match. */
static void fix_crcs(uint8_t *buf, size_t size)
{
	for (size_t sector = 0; sector < 4 && (sector + 1) * 512 <= size; sector++) {
		uint8_t *l = buf + sector * 512, *h;
		uint64_t off, mda, mda_size, text, len;
		size_t pos;

		if (memcmp(l, "LABELONE", 8) != 0)
			continue;
		put_le32(l + 16, verity_lvm_crc(l + 20, 512 - 20));
		off = get_le(l + 20, 4);
		if (off < 32 || off > 512 - 72)
			return;
		/* Skip the data areas to the first metadata area. */
		for (pos = off + 40; pos + 16 <= 512 && get_le(l + pos, 8) | get_le(l + pos + 8, 8);
		     pos += 16)
			;
		pos += 16;
		if (pos + 16 > 512)
			return;
		mda = get_le(l + pos, 8);
		mda_size = get_le(l + pos + 8, 8);
		if (mda > size || size - mda < 512)
			return;
		h = buf + mda;
		text = get_le(h + 40, 8);
		len = get_le(h + 48, 8);
		if (mda_size > 512 && text >= 512 && text < mda_size && len <= mda_size - 512 &&
		    mda + text <= size && len <= size - mda - text)
			put_le32(h + 56,
			         verity_lvm_crc(h + text, (size_t)len)); /* unwrapped texts only */
		put_le32(h, verity_lvm_crc(h + 4, 512 - 4));
		return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sparse s = {data, size < COPY_MAX ? size : COPY_MAX};
	struct verity_bdev bdev = {.user_data = &s, .read = sparse_read, .size = DEVICE_SIZE};
	struct verity_lvm_options o = {0};
	struct verity_lvm *lvm = NULL;
	char detail[128];
	int ret;

	if (size % 2 == 0) {
		memcpy(copy, data, s.size);
		fix_crcs(copy, s.size);
		s.data = copy;
	}
	o.detail = detail;
	o.detail_size = sizeof(detail);
	ret = verity_lvm_scan(&lvm, &bdev, 1, &o);
	FUZZ_LOG("lvm_pv: %d (%s) %s\n", ret, verity_strerror(ret), detail);
	if (ret) {
		FUZZ_EXPECT_CODES(
		    ret, VERITY_E_INVAL, VERITY_E_NOMEM, FUZZ_READ_CODES, VERITY_E_LVM_NO_LABEL,
		    VERITY_E_LVM_LABEL_SECTOR, VERITY_E_LVM_LABEL_CRC, VERITY_E_LVM_LABEL_TYPE,
		    VERITY_E_LVM_BAD_PV_HEADER, VERITY_E_LVM_MDA_MAGIC, VERITY_E_LVM_MDA_VERSION,
		    VERITY_E_LVM_MDA_START, VERITY_E_LVM_MDA_CRC, VERITY_E_LVM_BAD_LOCN,
		    VERITY_E_LVM_TEXT_CRC, VERITY_E_LVM_TEXT_TOO_LARGE, VERITY_E_LVM_TRUNCATED,
		    VERITY_E_LVM_SYNTAX, VERITY_E_LVM_TOO_DEEP, VERITY_E_LVM_LIMIT,
		    VERITY_E_LVM_BAD_METADATA, VERITY_E_LVM_MISSING_PV, VERITY_E_LVM_DUPLICATE_PV,
		    VERITY_E_LVM_OVERLAP, VERITY_E_LVM_EXTENT_RANGE, VERITY_E_LVM_BAD_SEGMENTS,
		    VERITY_E_LVM_NO_METADATA);
		FUZZ_CHECK(lvm == NULL);
		FUZZ_CHECK(memchr(detail, '\0', sizeof(detail)) != NULL);
		return 0;
	}
	for (size_t v = 0; v < verity_lvm_vg_count(lvm); v++) {
		struct verity_lvm_vg_info vg;

		FUZZ_CHECK(verity_lvm_vg_info(lvm, v, &vg) == 0);
		FUZZ_CHECK(vg.extent_size > 0 && vg.extent_size % 512 == 0);
		for (size_t l = 0; l < vg.lv_count; l++)
			check_lv(lvm, v, l);
	}
	verity_lvm_free(lvm);
	return 0;
}
