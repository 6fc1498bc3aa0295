/* SPDX-License-Identifier: MIT */
/*
 * The verified block device: a small image from the input (fuzz/image.h),
 * corrupted as the input says, opened with input-chosen options (memory
 * budget, batch size, check_at_most_once, ignore_zero_blocks, corruption
 * mode, and forward error correction with an input-chosen roots value
 * over parity computed from the image as built), then read at input-chosen
 * offsets and lengths.
 *
 * Invariants, for every read:
 *  - outside the data area: VERITY_E_RANGE;
 *  - success returns exactly the bytes the image was built with, unless the
 *    caller chose ignore_corruption and a corruption was counted during it
 *    (with FEC too: a corrected block is returned only once it verifies);
 *  - failure zeroes the buffer, is a corruption code, and happens only if the
 *    root digest, a data block read, or a hash block on its path changed;
 *  - with nothing changed on that path, the read succeeds;
 *  - with FEC, the root intact and every codeword within errors-only
 *    capacity (data and hash blocks alike), every read succeeds with the
 *    bytes as built.
 * At the end: state 'V' if and only if no corruption was counted, and the
 * device used no more memory than its budget.
 */
#include "fuzz/image.h"

#define MAX_READS 12

struct read_op {
	uint32_t offset;
	uint16_t length;
};

struct callbacks {
	unsigned reports, restarts, panics;
};

static void on_report(void *user, const struct verity_device_event *event)
{
	FUZZ_CHECK(event->kind <= VERITY_EVENT_IO_ERROR);
	((struct callbacks *)user)->reports++;
}

static void on_restart(void *user, const struct verity_device_event *event)
{
	(void)event;
	((struct callbacks *)user)->restarts++;
}

static void on_panic(void *user, const struct verity_device_event *event)
{
	(void)event;
	((struct callbacks *)user)->panics++;
}

/* Did anything that reading data blocks first..last depends on change? */
/* Parity of the image as built, in memory, when the input asks for FEC. */
struct parity {
	struct verity_fec_params fec;
	uint8_t *bytes;
	struct verity_memory_bdev mem;
	struct verity_bdev dev;
};

static int parity_write(void *user, uint64_t offset, const void *buf, size_t len)
{
	struct parity *p = user;

	memcpy(p->bytes + offset, buf, len);
	return 0;
}

static bool make_parity(struct parity *p, const struct fuzz_image *img, uint32_t roots)
{
	struct verity_memory_bdev dm, hm;
	struct verity_bdev d, h;
	struct verity_writer w = {p, parity_write};
	size_t len;

	memset(p, 0, sizeof(*p));
	p->fec.roots = roots;
	if (verity_fec_blocks_veritysetup(&img->params, false, img->hash_len, 0,
	                                  &p->fec.fec_blocks) != 0 ||
	    verity_fec_check(&img->params, &p->fec) != 0)
		return false;
	len = (size_t)(verity_fec_rounds(&p->fec) * roots * img->params.data_block_size);
	p->bytes = malloc(len);
	FUZZ_CHECK(p->bytes != NULL);
	FUZZ_CHECK(verity_bdev_from_memory(&d, &dm, img->data, img->data_len) == 0);
	FUZZ_CHECK(verity_bdev_from_memory(&h, &hm, img->hash, img->hash_len) == 0);
	FUZZ_CHECK(verity_fec_encode(&img->params, &p->fec, &d, &h, &w, NULL) == 0);
	FUZZ_CHECK(verity_bdev_from_memory(&p->dev, &p->mem, p->bytes, len) == 0);
	return true;
}

/* Byte @b of FEC message block @m as built (@bad false) or as corrupted. */
static uint8_t message_byte(const struct fuzz_image *img, const struct verity_fec_params *fec,
                            uint64_t m, uint32_t b, bool bad)
{
	uint32_t bs = img->params.data_block_size;
	uint64_t at;

	if (m >= fec->fec_blocks)
		return 0;
	if (m < img->params.data_blocks)
		return (bad ? img->bad_data : img->data)[m * bs + b];
	at = (img->params.hash_start_block + (m - img->params.data_blocks)) * bs + b;
	if (at >= img->hash_len)
		return 0;
	return (bad ? img->bad_hash : img->hash)[at];
}

/*
 * Is every codeword within what an errors-only decode corrects (at most
 * roots / 2 wrong symbols)? Then, with the root intact, every read must
 * succeed with the bytes as built: each failing data or hash block on the
 * path is corrected.
 */
static bool within_fec_capacity(const struct fuzz_image *img, const struct verity_fec_params *fec)
{
	uint64_t rounds = verity_fec_rounds(fec);
	uint32_t k = 255 - fec->roots, bs = img->params.data_block_size; /* RS(255, k) */

	for (uint64_t n = 0; n < rounds; n++) {
		for (uint32_t b = 0; b < bs; b++) {
			uint32_t errors = 0;

			for (uint32_t j = 0; j < k; j++) {
				uint64_t m = n + (uint64_t)j * rounds;

				if (m >= fec->fec_blocks)
					break;
				errors += message_byte(img, fec, m, b, false) !=
				          message_byte(img, fec, m, b, true);
			}
			if (errors > fec->roots / 2)
				return false;
		}
	}
	return true;
}

static bool path_changed(const struct fuzz_image *img, uint64_t first, uint64_t last)
{
	const struct verity_geometry *geo = &img->geo;

	if (fuzz_image_root_changed(img))
		return true;
	for (uint64_t b = first; b <= last; b++) {
		if (fuzz_image_data_changed(img, b))
			return true;
		for (uint32_t i = 0; i < geo->levels; i++) {
			uint64_t shift = (uint64_t)(i + 1) * geo->hash_per_block_bits;
			uint64_t index = shift < 64 ? b >> shift : 0;

			if (fuzz_image_hash_block_changed(img, geo->level_start[i] + index))
				return true;
		}
	}
	return false;
}

static size_t pick_budget(uint8_t sel, uint16_t raw)
{
	switch (sel & 3) {
	case 0:
		return 0; /* default */
	case 1:
		return 16 * 1024;
	case 2:
		return 64 * 1024;
	default:
		return (size_t)raw * 16;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	struct fuzz_image img;
	struct verity_device_options opts;
	struct verity_device_status st;
	struct verity_memory_bdev data_mem, hash_mem;
	struct verity_bdev data_dev, hash_dev;
	struct verity_device *dev = NULL;
	struct read_op reads[MAX_READS];
	struct callbacks cb = {0, 0, 0};
	struct parity parity = {0};
	bool must_correct = false;
	uint8_t dflags, budget_sel, *buf;
	uint16_t budget_raw, batch_blocks;
	unsigned nreads;
	uint64_t data_size, corruptions = 0;
	int ret;

	fuzz_input_init(&in, data, size);
	fuzz_image_read(&img, &in);
	dflags = fuzz_u8(&in);
	budget_sel = fuzz_u8(&in);
	budget_raw = fuzz_u16(&in);
	batch_blocks = fuzz_u8(&in);
	nreads = 1 + fuzz_u8(&in) % MAX_READS;
	for (unsigned i = 0; i < nreads; i++) {
		reads[i].offset = fuzz_u32(&in);
		reads[i].length = fuzz_u16(&in);
	}
	if (!fuzz_image_build(&img, &in))
		return 0;

	memset(&opts, 0, sizeof(opts));
	opts.memory_budget = pick_budget(budget_sel, budget_raw);
	opts.batch_bytes = (size_t)batch_blocks * img.params.data_block_size;
	if (dflags & 1)
		opts.flags |= VERITY_DEVICE_CHECK_AT_MOST_ONCE;
	if (dflags & 2)
		opts.flags |= VERITY_DEVICE_IGNORE_ZERO_BLOCKS;
	opts.corruption_mode = (dflags >> 2) & 3;
	opts.callback_data = &cb;
	opts.report = on_report;
	opts.restart = on_restart;
	opts.panic = on_panic;
	/* The image header's spare bits: FEC on, and roots 2, 5, 8 .. 23. */
	if ((img.flags & 1) && make_parity(&parity, &img, 2u + 3u * ((img.flags >> 1) & 7u))) {
		opts.fec = &parity.fec;
		opts.fec_device = &parity.dev;
		must_correct =
		    !fuzz_image_root_changed(&img) && within_fec_capacity(&img, &parity.fec);
		FUZZ_LOG("device_read: FEC roots %u, %s\n", parity.fec.roots,
		         must_correct ? (fuzz_image_anything_changed(&img) ? "must correct"
		                                                           : "nothing to correct")
		                      : "past capacity or root changed");
	}

	FUZZ_CHECK(verity_bdev_from_memory(&data_dev, &data_mem, img.bad_data, img.data_len) == 0);
	FUZZ_CHECK(verity_bdev_from_memory(&hash_dev, &hash_mem, img.bad_hash, img.hash_len) == 0);
	ret = verity_device_open(&dev, &img.bad_params, &data_dev, &hash_dev, &opts);
	if (ret == VERITY_E_BUDGET_TOO_SMALL) {
		FUZZ_CHECK(opts.memory_budget != 0);
		free(parity.bytes);
		fuzz_image_free(&img);
		return 0;
	}
	if (ret != 0)
		fprintf(stderr, "device_read: open failed with %d\n", ret);
	FUZZ_CHECK(ret == 0);
	data_size = verity_device_data_size(dev);
	FUZZ_CHECK(data_size == img.data_len);

	buf = malloc(UINT16_MAX + 1);
	FUZZ_CHECK(buf != NULL);
	for (unsigned i = 0; i < nreads; i++) {
		/* Mostly inside the data area, sometimes just past it. */
		uint64_t offset = reads[i].offset % (data_size + 64);
		size_t length = reads[i].length;
		bool outside = offset + length > data_size;
		bool changed, ignore_mode = opts.corruption_mode == VERITY_CORRUPTION_IGNORE;
		uint64_t before;

		FUZZ_CHECK(verity_device_get_status(dev, &st) == 0);
		before = st.corruptions;
		memset(buf, 0x5a, length);
		ret = verity_device_read(dev, offset, length, buf);
		FUZZ_CHECK(verity_device_get_status(dev, &st) == 0);
		corruptions = st.corruptions;
		if (outside) {
			FUZZ_CHECK(ret == VERITY_E_RANGE);
			continue;
		}
		if (length == 0) {
			FUZZ_CHECK(ret == 0);
			continue;
		}
		FUZZ_LOG("device_read: [%llu, +%zu) -> %d (%s)\n", (unsigned long long)offset,
		         length, ret, verity_strerror(ret));
		changed = path_changed(&img, offset / img.params.data_block_size,
		                       (offset + length - 1) / img.params.data_block_size);
		FUZZ_CHECK(!must_correct || ret == 0);
		if (ret == 0) {
			FUZZ_CHECK(!must_correct || memcmp(buf, img.data + offset, length) == 0);
			if (memcmp(buf, img.data + offset, length) != 0) {
				/* Only ignore_corruption hands out changed bytes, and
				 * only with the corruption counted. */
				FUZZ_CHECK(ignore_mode && changed && st.corruptions > before);
			}
			continue;
		}
		if (ret != VERITY_E_CORRUPT_DATA && ret != VERITY_E_CORRUPT_HASH)
			fprintf(stderr, "device_read: read failed with %d\n", ret);
		FUZZ_CHECK(ret == VERITY_E_CORRUPT_DATA || ret == VERITY_E_CORRUPT_HASH);
		FUZZ_CHECK(changed);
		FUZZ_CHECK(!ignore_mode);
		for (size_t k = 0; k < length; k++)
			FUZZ_CHECK(buf[k] == 0);
		FUZZ_CHECK(st.corruptions > before);
		FUZZ_CHECK(opts.corruption_mode != VERITY_CORRUPTION_RESTART || cb.restarts > 0);
		FUZZ_CHECK(opts.corruption_mode != VERITY_CORRUPTION_PANIC || cb.panics > 0);
	}
	FUZZ_CHECK(verity_device_get_status(dev, &st) == 0);
	FUZZ_CHECK((st.state == 'V') == (corruptions == 0));
	FUZZ_CHECK(opts.memory_budget == 0 || st.memory_used <= opts.memory_budget);
	verity_device_close(dev);
	free(buf);
	free(parity.bytes);
	fuzz_image_free(&img);
	return 0;
}
