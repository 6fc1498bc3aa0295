/* SPDX-License-Identifier: MIT */
/*
 * Discoverable disk image dissection: GPT, DPS roles, signature JSON,
 * pairing and the tree check together. Input: a disk image followed by 33
 * bytes: a root hash the caller "trusts" (used when the last byte is odd)
 * and the byte that also chooses the sector size argument (0, 512, 4096).
 * Seeds: small images from tests/disk/gptimg.py (fuzz/make-seeds ddi).
 *
 * Invariants: only documented codes; every pair's partitions exist, have
 * the right roles and UUIDs equal to the halves of its root hash when its
 * status is 0, and a pair with status 0 opens and reads; the no-auto,
 * PRT#/PND# and foreign entries are in no pair; every allocation freed.
 */
#include "fuzz/fuzz.h"
#include "libverity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t sizes[3] = {0, 512, 4096};
	long live = 0;
	struct verity_allocator hooks = FUZZ_COUNTING_ALLOCATOR(&live);
	struct verity_ddi_options o;
	struct verity_memory_bdev ctx;
	struct verity_bdev disk;
	struct verity_ddi ddi;
	uint8_t sel;
	int ret;

	if (size < 33)
		return 0;
	size -= 33;
	sel = data[size + 32];
	memset(&o, 0, sizeof(o));
	o.arch = "x86-64";
	o.sector_size = sizes[sel % 3];
	o.allocator = &hooks;
	if (sel & 0x80) {
		o.root_digest = data + size;
		o.root_digest_size = 32;
	}
	FUZZ_CHECK(verity_bdev_from_memory(&disk, &ctx, data, size) == 0);
	ret = verity_ddi_dissect(&ddi, &disk, &o);
	FUZZ_LOG("ddi: %d (%s)\n", ret, verity_strerror(ret));
	if (ret) {
		FUZZ_EXPECT_CODES(ret, VERITY_E_INVAL, VERITY_E_NOMEM, VERITY_E_DDI_BAD_ARCH,
		                  FUZZ_GPT_CODES, FUZZ_READ_CODES);
		FUZZ_CHECK(live == 0);
		return 0;
	}
	FUZZ_CHECK(ddi.pair_count <= VERITY_DDI_MAX_PAIRS);
	for (uint32_t i = 0; i < ddi.pair_count; i++) {
		const struct verity_ddi_pair *p = &ddi.pairs[i];
		int parts[3] = {p->data, p->hash, p->sig};

		FUZZ_LOG("pair %u: role %u data %d hash %d sig %d status %d (%s)\n", i, p->role,
		         p->data, p->hash, p->sig, p->status, verity_strerror(p->status));
		FUZZ_CHECK(p->role == VERITY_DPS_ROOT || p->role == VERITY_DPS_USR);
		for (int k = 0; k < 3; k++) {
			FUZZ_CHECK(parts[k] >= -1 && parts[k] < (int)ddi.gpt.count);
			FUZZ_CHECK(parts[k] < 0 || ddi.ignored[parts[k]] == VERITY_DDI_USED);
		}
		FUZZ_CHECK(!p->signed_ok); /* no keyring */
		if (p->status == 0) {
			struct verity_ddi_bdevs b;
			struct verity_device *dev;
			uint8_t byte;

			FUZZ_CHECK(p->data >= 0 && p->hash >= 0);
			FUZZ_CHECK(ddi.role[p->data] == p->role &&
			           ddi.role[p->hash] == p->role + 2);
			FUZZ_CHECK(memcmp(ddi.gpt.parts[p->data].uuid, p->root_digest, 16) == 0);
			FUZZ_CHECK(memcmp(ddi.gpt.parts[p->hash].uuid,
			                  p->root_digest + p->root_digest_size - 16, 16) == 0);
			FUZZ_CHECK(o.root_digest && p->root_digest_size == 32 &&
			           memcmp(p->root_digest, o.root_digest, 32) == 0);
			FUZZ_CHECK(verity_ddi_open(&dev, &disk, &ddi, i, &b, NULL) == 0);
			FUZZ_CHECK(verity_device_read(dev, 0, 1, &byte) == 0);
			verity_device_close(dev);
		}
	}
	verity_ddi_free(&ddi);
	FUZZ_CHECK(live == 0);
	return 0;
}
