/* SPDX-License-Identifier: MIT */
/*
 * The GPT reader. Input: a disk image (seeds from tests/disk/gptimg.py)
 * followed by one byte that chooses the sector size argument (0, 512, 4096).
 *
 * Invariants: only documented codes; an accepted table has a known sector
 * size, at most VERITY_GPT_MAX_ENTRIES partitions, each inside the disk and
 * the usable range, none overlapping, no UUID twice, offsets and sizes
 * consistent with the LBAs, labels NUL-terminated; every allocation freed.
 */
#include "fuzz/fuzz.h"
#include "libverity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t sizes[3] = {0, 512, 4096};
	long live = 0;
	struct verity_allocator hooks = FUZZ_COUNTING_ALLOCATOR(&live);
	struct verity_memory_bdev ctx;
	struct verity_bdev disk;
	struct verity_gpt gpt;
	uint32_t ss;
	int ret;

	if (size == 0)
		return 0;
	ss = sizes[data[size - 1] % 3];
	FUZZ_CHECK(verity_bdev_from_memory(&disk, &ctx, data, size - 1) == 0);
	ret = verity_gpt_read(&gpt, &disk, ss, &hooks);
	FUZZ_LOG("gpt: %d (%s)\n", ret, verity_strerror(ret));
	if (ret != 0) {
		FUZZ_EXPECT_CODES(ret, VERITY_E_INVAL, VERITY_E_NOMEM, FUZZ_GPT_CODES,
		                  FUZZ_READ_CODES);
		FUZZ_CHECK(live == 0);
		return 0;
	}
	FUZZ_CHECK(gpt.sector_size == 512 || gpt.sector_size == 4096);
	FUZZ_CHECK(ss == 0 || gpt.sector_size == ss);
	FUZZ_CHECK(gpt.count <= VERITY_GPT_MAX_ENTRIES);
	FUZZ_CHECK(gpt.used_backup == (gpt.primary_error != 0));
	for (uint32_t i = 0; i < gpt.count; i++) {
		const struct verity_gpt_partition *p = &gpt.parts[i];

		FUZZ_CHECK(p->first_lba <= p->last_lba);
		FUZZ_CHECK(p->first_lba >= gpt.first_usable_lba &&
		           p->last_lba <= gpt.last_usable_lba);
		FUZZ_CHECK(p->offset == p->first_lba * gpt.sector_size);
		FUZZ_CHECK(p->size == (p->last_lba - p->first_lba + 1) * gpt.sector_size);
		FUZZ_CHECK(p->offset + p->size <= size - 1);
		FUZZ_CHECK(memchr(p->label, 0, sizeof(p->label)) != NULL);
		FUZZ_CHECK(i == 0 || p->index > gpt.parts[i - 1].index);
		for (uint32_t j = 0; j < i; j++) {
			FUZZ_CHECK(p->last_lba < gpt.parts[j].first_lba ||
			           gpt.parts[j].last_lba < p->first_lba);
			FUZZ_CHECK(memcmp(p->uuid, gpt.parts[j].uuid, 16) != 0);
		}
	}
	verity_gpt_free(&gpt);
	FUZZ_CHECK(live == 0);
	return 0;
}
