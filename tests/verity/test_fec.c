/* SPDX-License-Identifier: MIT */
/*
 * Reed-Solomon codec of dm-verity FEC: known properties (codewords have
 * zero syndromes, correction up to capacity with errors and erasures) and,
 * where Phil Karn's libfec is installed, agreement with its
 * encode_rs_char/decode_rs_char on random codewords with random errors and
 * erasures up to and past capacity: same parity, same verdict, same output.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "verity/fec_internal.h"

#ifdef HAVE_LIBFEC
#include <fec.h>
#endif

/* xorshift: reproducible without touching the C library's rand() state */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static void random_codeword(const struct verity_rs *rs, uint8_t cw[255])
{
	for (unsigned i = 0; i < 255 - rs->roots; i++)
		cw[i] = (uint8_t)rnd();
	verity_rs_encode(rs, cw, cw + 255 - rs->roots);
}

/* Distinct random positions. */
static void pick_positions(uint8_t *pos, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		bool again;

		do {
			pos[i] = (uint8_t)(rnd() % 255);
			again = false;
			for (unsigned j = 0; j < i; j++)
				again |= pos[j] == pos[i];
		} while (again);
	}
}

Test(fec_rs, bad_roots)
{
	struct verity_rs rs;

	cr_assert_eq(verity_rs_init(&rs, 1), VERITY_E_FEC_BAD_ROOTS);
	cr_assert_eq(verity_rs_init(&rs, 25), VERITY_E_FEC_BAD_ROOTS);
	cr_assert_eq(verity_rs_init(&rs, 2), 0);
}

Test(fec_rs, clean_codeword_decodes_to_zero)
{
	for (unsigned roots = 2; roots <= 24; roots++) {
		struct verity_rs rs;
		uint8_t cw[255], copy[255];

		cr_assert_eq(verity_rs_init(&rs, roots), 0);
		random_codeword(&rs, cw);
		memcpy(copy, cw, sizeof(cw));
		cr_assert_eq(verity_rs_decode(&rs, cw, NULL, 0), 0);
		cr_assert_arr_eq(cw, copy, 255);
	}
}

/* 2 x errors + erasures <= roots is always corrected, to the original. */
Test(fec_rs, corrects_within_capacity)
{
	for (unsigned roots = 2; roots <= 24; roots++) {
		struct verity_rs rs;

		cr_assert_eq(verity_rs_init(&rs, roots), 0);
		for (int trial = 0; trial < 200; trial++) {
			uint8_t cw[255], orig[255], pos[24];
			unsigned eras = rnd() % (roots + 1), errs = (roots - eras) / 2;
			int ret;

			random_codeword(&rs, orig);
			memcpy(cw, orig, sizeof(cw));
			pick_positions(pos, eras + errs);
			for (unsigned i = 0; i < eras + errs; i++)
				cw[pos[i]] ^= (uint8_t)(1 + rnd() % 255);
			ret = verity_rs_decode(&rs, cw, pos + errs, eras);
			cr_assert_geq(ret, 0, "roots %u errs %u eras %u: %d", roots, errs, eras,
			              ret);
			cr_assert_arr_eq(cw, orig, 255);
		}
	}
}

Test(fec_rs, refuses_bad_arguments)
{
	struct verity_rs rs;
	uint8_t cw[255] = {0}, pos[3] = {0, 1, 255};

	cr_assert_eq(verity_rs_init(&rs, 2), 0);
	cr_assert_eq(verity_rs_decode(&rs, cw, pos, 3), VERITY_E_INVAL);
	cr_assert_eq(verity_rs_decode(&rs, cw, pos + 1, 2), VERITY_E_INVAL);
	cr_assert_eq(verity_rs_decode(&rs, cw, NULL, 1), VERITY_E_INVAL);
}

/* The vector encoder is the scalar encoder run on many codewords at once. */
Test(fec_rs, vector_ops_match_scalar)
{
	uint8_t a[300], b[300], c[300];

	for (unsigned i = 0; i < sizeof(a); i++) {
		a[i] = (uint8_t)rnd();
		b[i] = (uint8_t)rnd();
	}
	for (unsigned coef = 0; coef < 256; coef += 17) {
		uint8_t row[256];

		for (unsigned v = 0; v < 256; v++)
			row[v] = verity_gf_mul((uint8_t)coef, (uint8_t)v);
		memcpy(c, b, sizeof(c));
		verity_gf_mul_add(c, a, sizeof(a), row);
		for (unsigned i = 0; i < sizeof(a); i++)
			cr_assert_eq(c[i], b[i] ^ verity_gf_mul((uint8_t)coef, a[i]));
		verity_gf_mul_inplace(c, sizeof(c), row);
		cr_assert_eq(c[7], verity_gf_mul((uint8_t)coef, (uint8_t)(b[7] ^ row[a[7]])));
	}
}

#ifdef HAVE_LIBFEC
/*
 * Random errors (0 .. roots + 2) and erasures (0 .. roots, some on errors,
 * some on good symbols): libverity and libfec must both correct (to the same
 * codeword, counting the same symbols) or both refuse.
 */
Test(fec_rs, agrees_with_libfec)
{
	unsigned refused = 0, corrected = 0;

	for (unsigned roots = 2; roots <= 24; roots++) {
		struct verity_rs rs;
		void *karn = init_rs_char(8, 0x11d, 0, 1, (int)roots, 0);

		cr_assert_not_null(karn);
		cr_assert_eq(verity_rs_init(&rs, roots), 0);
		for (int trial = 0; trial < 3000; trial++) {
			uint8_t cw[255], ours[255], theirs[255], pos[255], par[24];
			int eras_pos[24];
			unsigned errs = rnd() % (roots + 3), eras = rnd() % (roots + 1);
			unsigned on_errors = eras < errs ? rnd() % (eras + 1) : rnd() % (errs + 1);
			int a, b;

			random_codeword(&rs, cw);
			encode_rs_char(karn, cw, par);
			cr_assert_arr_eq(par, cw + 255 - roots, roots, "parity differs, roots %u",
			                 roots);
			pick_positions(pos, errs + eras);
			for (unsigned i = 0; i < errs; i++)
				cw[pos[i]] ^= (uint8_t)(1 + rnd() % 255);
			/* erasures: the first on_errors on real errors, the rest elsewhere */
			for (unsigned i = 0; i < eras; i++)
				pos[errs + i] = i < on_errors ? pos[i] : pos[errs + i];
			for (unsigned i = 0; i < eras; i++)
				eras_pos[i] = pos[errs + i];
			memcpy(ours, cw, sizeof(cw));
			memcpy(theirs, cw, sizeof(cw));
			a = verity_rs_decode(&rs, ours, pos + errs, eras);
			b = decode_rs_char(karn, theirs, eras_pos, (int)eras);
			cr_assert_eq(a >= 0, b >= 0, "roots %u errs %u eras %u: ours %d libfec %d",
			             roots, errs, eras, a, b);
			if (a >= 0) {
				cr_assert_eq(a, b, "roots %u errs %u eras %u on %u: count %d vs %d",
				             roots, errs, eras, on_errors, a, b);
				cr_assert_arr_eq(ours, theirs, 255, "roots %u: outputs differ",
				                 roots);
				corrected++;
			} else {
				cr_assert_eq(a, VERITY_E_FEC_UNCORRECTABLE);
				cr_assert_arr_eq(ours, cw, 255, "a refused codeword was changed");
				refused++;
			}
		}
		free_rs_char(karn);
	}
	/* both outcomes were exercised */
	cr_assert_gt(refused, 1000);
	cr_assert_gt(corrected, 1000);
}
#endif

/* ---- encoding and correction on whole images in memory ---- */

struct image {
	struct verity_params params;
	struct verity_fec_params fec;
	uint8_t *data, *hash, *parity;
	size_t data_len, hash_len, parity_len;
	struct verity_memory_bdev dctx, hctx, fctx;
	struct verity_bdev d, h, f;
};

static int mem_write(void *user_data, uint64_t offset, const void *buf, size_t len)
{
	uint8_t **p = user_data;

	memcpy(*p + offset, buf, len);
	return 0;
}

/* @blocks data blocks of @bs bytes, tree after a superblock-sized gap, separate parity. */
static void make_image(struct image *img, uint32_t bs, uint64_t blocks, uint32_t roots)
{
	struct verity_geometry geo;
	struct verity_writer w = {.write = mem_write};

	memset(img, 0, sizeof(*img));
	img->params.hash_type = 1;
	strcpy(img->params.algorithm, "sha256");
	img->params.data_block_size = img->params.hash_block_size = bs;
	img->params.data_blocks = blocks;
	img->params.hash_start_block = 1;
	img->params.salt_size = 4;
	memcpy(img->params.salt, "salt", 4);
	cr_assert_eq(verity_geometry_init(&geo, &img->params), 0);
	img->data_len = (size_t)blocks * bs;
	img->hash_len = (size_t)geo.hash_end_block * bs;
	img->data = malloc(img->data_len);
	img->hash = calloc(1, img->hash_len);
	for (size_t i = 0; i < img->data_len; i++)
		img->data[i] = (uint8_t)rnd();
	verity_bdev_from_memory(&img->d, &img->dctx, img->data, img->data_len);
	w.user_data = &img->hash;
	cr_assert_eq(verity_format(&img->params, &img->d, &w, NULL), 0);
	verity_bdev_from_memory(&img->h, &img->hctx, img->hash, img->hash_len);
	img->fec.roots = roots;
	cr_assert_eq(verity_fec_blocks_veritysetup(&img->params, false, img->hash_len, 0,
	                                           &img->fec.fec_blocks),
	             0);
	img->parity_len = (size_t)(verity_fec_rounds(&img->fec) * roots * bs);
	img->parity = calloc(1, img->parity_len);
	w.user_data = &img->parity;
	cr_assert_eq(verity_fec_encode(&img->params, &img->fec, &img->d, &img->h, &w, NULL), 0);
	verity_bdev_from_memory(&img->f, &img->fctx, img->parity, img->parity_len);
}

static void free_image(struct image *img)
{
	free(img->data);
	free(img->hash);
	free(img->parity);
}

/*
 * The block-wise encoder gives what verity_rs_encode() gives, for every
 * @step-th codeword. Return: the codewords compared.
 */
static uint64_t check_encoder(uint32_t bs, uint64_t blocks, uint32_t roots, uint64_t rounds,
                              uint64_t step)
{
	uint64_t compared = 0;
	struct image img;
	struct verity_fec_ctx fc;
	struct verity_rs rs;

	make_image(&img, bs, blocks, roots);
	cr_assert_eq(verity_fec_ctx_init(&fc, &img.params, &img.fec, &img.d, &img.h), 0);
	cr_assert_eq(verity_rs_init(&rs, roots), 0);
	cr_assert_eq(fc.rounds, rounds, "rounds %llu", (unsigned long long)fc.rounds);
	for (uint64_t c = 0; c < fc.rounds * bs; c += step) {
		uint8_t msg[255], par[24], byte;

		for (uint32_t j = 0; j < fc.k; j++) {
			cr_assert_eq(verity_fec_read_message_part(&fc, c / bs + j * fc.rounds,
			                                          (uint32_t)(c % bs), 1, &byte),
			             0);
			msg[j] = byte;
		}
		verity_rs_encode(&rs, msg, par);
		cr_assert_arr_eq(par, img.parity + c * roots, roots, "roots %u, codeword %llu",
		                 roots, (unsigned long long)c);
		compared++;
	}
	free_image(&img);
	return compared;
}

Test(fec_image, encoder_matches_scalar_codewords)
{
	/* 3 rounds, parity straddling blocks: every 37th of 1536 codewords */
	cr_assert_eq(check_encoder(512, 600, 7, 3, 37), 42);
}

/* Jobs of several rounds each (the last one shorter or not), the smallest and largest codes. */
Test(fec_image, encoder_batches_of_rounds)
{
	/* every 5th or 7th of rounds x block size codewords */
	cr_assert_eq(check_encoder(512, 9000, 2, 38, 5), 3892);   /* 7 jobs of 5 rounds, 1 of 3 */
	cr_assert_eq(check_encoder(512, 9000, 24, 42, 5), 4301);  /* 7 jobs of 6 rounds */
	cr_assert_eq(check_encoder(1024, 7000, 13, 30, 7), 4389); /* 7 jobs of 4 rounds, 1 of 2 */
}

static int count_calls(void *user_data, const struct verity_fec_block *blk)
{
	(*(unsigned *)user_data)++;
	cr_assert_neq(blk->changed, 0);
	return 0;
}

Test(fec_image, corrects_data_and_hash_blocks)
{
	struct image img;
	struct verity_fec_verify_result r;
	unsigned calls = 0, burst = 0;

	make_image(&img, 512, 300, 4);
	for (int i = 0; i < 40; i++)
		burst += img.hash[3 * 512 + 10 + i] != 0xee;
	cr_assert_eq(verity_verify(&img.params, &img.d, &img.h, NULL, NULL), 0);
	/* two bytes in one data block, a burst in a leaf, one byte in the top block */
	img.data[100 * 512 + 3] ^= 1;
	img.data[100 * 512 + 400] ^= 0xff;
	memset(img.hash + 3 * 512 + 10, 0xee, 40);
	img.hash[1 * 512] ^= 0x80;
	cr_assert_neq(verity_verify(&img.params, &img.d, &img.h, NULL, NULL), 0);
	cr_assert_eq(verity_fec_verify(&img.params, &img.fec, &img.d, &img.h, &img.f, NULL,
	                               count_calls, &calls, &r),
	             0, "error %d", r.error);
	cr_assert_eq(r.corrected_blocks, 3);
	cr_assert_eq(r.corrected_bytes, 2 + burst + 1);
	cr_assert_eq(calls, 3);
	free_image(&img);
}

/* Errors-only corrects roots/2 bad blocks per round; erasures reach roots. */
Test(fec_image, erasures_extend_capacity)
{
	struct image img;
	struct verity_fec_verify_result r;
	uint64_t rounds;

	make_image(&img, 512, 500, 4);
	rounds = verity_fec_rounds(&img.fec);
	/* a whole burst of 4 x rounds consecutive blocks: 4 per round */
	for (uint64_t b = 10; b < 10 + 4 * rounds; b++)
		memset(img.data + b * 512, (int)b, 512);
	cr_assert_eq(
	    verity_fec_verify(&img.params, &img.fec, &img.d, &img.h, &img.f, NULL, NULL, NULL, &r),
	    0, "error %d at %llu", r.error, (unsigned long long)r.block);
	cr_assert_eq(r.corrected_blocks, 4 * rounds);
	/* one more bad block in a round is past capacity: refused, named */
	for (uint64_t b = 10; b < 10 + 5 * rounds; b++)
		memset(img.data + b * 512, (int)b, 512);
	cr_assert_eq(
	    verity_fec_verify(&img.params, &img.fec, &img.d, &img.h, &img.f, NULL, NULL, NULL, &r),
	    VERITY_E_CORRUPT_DATA);
	cr_assert_eq(r.kind, VERITY_BLOCK_DATA);
	cr_assert_eq(r.block, 10);
	free_image(&img);
}

/* veritysetup's count: every symbol an errors-only decode changes, parity included. */
Test(fec_image, counts_repairable_symbols_like_veritysetup)
{
	struct image img;
	struct verity_fec_verify_result r;

	make_image(&img, 512, 300, 2);
	cr_assert_eq(
	    verity_fec_verify(&img.params, &img.fec, &img.d, &img.h, &img.f, NULL, NULL, NULL, &r),
	    0);
	cr_assert_eq(r.symbol_errors, 0, "nothing to repair, nothing counted");
	img.data[9 * 512 + 3] ^= 0x21;
	img.data[200 * 512 + 77] ^= 0x01;
	img.parity[100] ^= 0xff;
	cr_assert_eq(
	    verity_fec_verify(&img.params, &img.fec, &img.d, &img.h, &img.f, NULL, NULL, NULL, &r),
	    0);
	cr_assert_eq(r.corrected_bytes, 2);
	cr_assert_eq(r.symbol_errors, 3);
	free_image(&img);
}

/* FEC that "repairs" something never makes a wrong root hash acceptable. */
Test(fec_image, wrong_root_refused)
{
	struct image img;
	struct verity_fec_verify_result r;

	make_image(&img, 4096, 64, 2);
	img.data[5] ^= 1;
	img.params.root_digest[0] ^= 1;
	cr_assert_eq(
	    verity_fec_verify(&img.params, &img.fec, &img.d, &img.h, &img.f, NULL, NULL, NULL, &r),
	    VERITY_E_ROOT_MISMATCH);
	img.params.root_digest[0] ^= 1;
	cr_assert_eq(
	    verity_fec_verify(&img.params, &img.fec, &img.d, &img.h, &img.f, NULL, NULL, NULL, &r),
	    0);
	cr_assert_eq(r.corrected_bytes, 1);
	free_image(&img);
}

Test(fec_image, parameter_checks)
{
	struct image img;
	struct verity_fec_params bad;

	make_image(&img, 512, 64, 2);
	bad = img.fec;
	bad.roots = 25;
	cr_assert_eq(verity_fec_check(&img.params, &bad), VERITY_E_FEC_BAD_ROOTS);
	bad = img.fec;
	bad.fec_blocks = 64;
	cr_assert_eq(verity_fec_check(&img.params, &bad), VERITY_E_FEC_BAD_BLOCKS);
	bad = img.fec;
	bad.reserved[1] = 1;
	cr_assert_eq(verity_fec_check(&img.params, &bad), VERITY_E_INVAL);
	img.params.hash_block_size = 1024;
	cr_assert_eq(verity_fec_check(&img.params, &img.fec), VERITY_E_FEC_BLOCK_SIZES);
	img.params.hash_block_size = 512;
	/* a parity area shorter than rounds x roots blocks */
	img.f.size -= 1;
	cr_assert_eq(verity_fec_verify(&img.params, &img.fec, &img.d, &img.h, &img.f, NULL, NULL,
	                               NULL, NULL),
	             VERITY_E_FEC_DEVICE_TOO_SMALL);
	free_image(&img);
}

/* ---- the verified device with FEC on the read path ---- */

static struct verity_device *open_device(struct image *img, size_t budget)
{
	struct verity_device_options o = {0};
	struct verity_device *dev = NULL;

	o.memory_budget = budget;
	o.fec = &img->fec;
	o.fec_device = &img->f;
	cr_assert_eq(verity_device_open(&dev, &img->params, &img->d, &img->h, &o), 0);
	return dev;
}

Test(fec_device, corrects_on_read_and_counts)
{
	struct image img;
	struct verity_device *dev;
	struct verity_device_status st;
	uint8_t *orig, buf[4 * 512];

	make_image(&img, 512, 400, 4);
	orig = malloc(img.data_len);
	memcpy(orig, img.data, img.data_len);
	/* two bytes in block 7: within the errors-only capacity of every codeword */
	img.data[7 * 512 + 1] ^= 0x10;
	img.data[7 * 512 + 300] ^= 0x01;
	dev = open_device(&img, 1 << 20);
	cr_assert_eq(verity_device_read(dev, 6 * 512, sizeof(buf), buf), 0);
	cr_assert_arr_eq(buf, orig + 6 * 512, sizeof(buf));
	cr_assert_eq(verity_device_get_status(dev, &st), 0);
	cr_assert_eq(st.fec_corrected, 1);
	cr_assert_leq(st.memory_used, (size_t)1 << 20);
	verity_device_close(dev);
	free(orig);
	free_image(&img);
}

/* Past capacity: the read fails; nothing unverified comes back. */
Test(fec_device, refuses_past_capacity)
{
	struct image img;
	struct verity_device *dev;
	struct verity_device_status st;
	uint8_t buf[512];
	uint64_t rounds;

	make_image(&img, 512, 400, 2);
	rounds = verity_fec_rounds(&img.fec);
	/* three bad blocks in block 3's round: past roots 2 even as erasures */
	memset(img.data + 3 * 512, 0xaa, 512);
	memset(img.data + (3 + rounds) * 512, 0x55, 512);
	memset(img.data + (3 + 2 * rounds) * 512, 0x33, 512);
	dev = open_device(&img, 1 << 20);
	cr_assert_eq(verity_device_read(dev, 3 * 512, sizeof(buf), buf), VERITY_E_CORRUPT_DATA);
	cr_assert_eq(verity_device_get_status(dev, &st), 0);
	cr_assert_eq(st.fec_corrected, 0);
	cr_assert_eq(st.state, 'C');
	verity_device_close(dev);
	free_image(&img);
}

/*
 * Corrupt hash blocks on the path (the top one and a leaf) and a data
 * block, in one read: each is rebuilt from its round, verified against its
 * trusted parent's digest, and only then used.
 */
Test(fec_device, corrects_hash_and_data_blocks_in_one_read)
{
	struct image img;
	struct verity_geometry geo;
	struct verity_device *dev;
	struct verity_device_status st;
	uint8_t *orig, buf[4 * 512];

	make_image(&img, 512, 400, 4);
	cr_assert_eq(verity_geometry_init(&geo, &img.params), 0);
	orig = malloc(img.data_len);
	memcpy(orig, img.data, img.data_len);
	img.hash[geo.level_start[geo.levels - 1] * 512 + 5] ^= 0x80;
	img.hash[geo.level_start[0] * 512 + 10] ^= 0x01;
	img.data[7 * 512 + 300] ^= 0x04;
	dev = open_device(&img, 1 << 20);
	cr_assert_eq(verity_device_read(dev, 6 * 512, sizeof(buf), buf), 0);
	cr_assert_arr_eq(buf, orig + 6 * 512, sizeof(buf));
	cr_assert_eq(verity_device_get_status(dev, &st), 0);
	cr_assert_eq(st.fec_corrected, 3);
	cr_assert_eq(st.corruptions, 0);
	cr_assert_eq(st.state, 'V');
	verity_device_close(dev);
	free(orig);
	free_image(&img);
}

/* More bad blocks in a round than errors-only corrects: the erasure pass does. */
Test(fec_device, erasures_on_read)
{
	struct image img;
	struct verity_device *dev;
	struct verity_device_status st;
	uint8_t *orig, buf[512];
	uint64_t rounds;

	make_image(&img, 512, 400, 4);
	rounds = verity_fec_rounds(&img.fec);
	cr_assert_lt(3 + 2 * rounds, 16, "the round's blocks share leaf 0");
	orig = malloc(img.data_len);
	memcpy(orig, img.data, img.data_len);
	for (uint64_t b = 3; b <= 3 + 2 * rounds; b += rounds)
		memset(img.data + b * 512, 0x5a, 512);
	dev = open_device(&img, 1 << 20);
	cr_assert_eq(verity_device_read(dev, 3 * 512, sizeof(buf), buf), 0);
	cr_assert_arr_eq(buf, orig + 3 * 512, sizeof(buf));
	cr_assert_eq(verity_device_get_status(dev, &st), 0);
	cr_assert_eq(st.fec_corrected, 1);
	verity_device_close(dev);
	free(orig);
	free_image(&img);
}

/* A leaf past repair (its whole round destroyed): the read fails, nothing corrected. */
Test(fec_device, refuses_hash_block_past_capacity)
{
	struct image img;
	struct verity_geometry geo;
	struct verity_device *dev;
	struct verity_device_status st;
	uint8_t buf[512];
	uint64_t rounds, m;

	make_image(&img, 512, 400, 2);
	cr_assert_eq(verity_geometry_init(&geo, &img.params), 0);
	rounds = verity_fec_rounds(&img.fec);
	memset(img.hash + geo.level_start[0] * 512, 0xaa, 512);
	/* another block of the leaf's round, in the data */
	m = img.params.data_blocks + geo.level_start[0] - img.params.hash_start_block;
	memset(img.data + (m % rounds + rounds) * 512, 0x55, 512);
	dev = open_device(&img, 1 << 20);
	cr_assert_eq(verity_device_read(dev, 0, sizeof(buf), buf), VERITY_E_CORRUPT_HASH);
	cr_assert_eq(verity_device_get_status(dev, &st), 0);
	cr_assert_eq(st.fec_corrected, 0);
	cr_assert_eq(st.state, 'C');
	verity_device_close(dev);
	free_image(&img);
}

Test(fec_device, checks_parameters)
{
	struct image img;
	struct verity_device_options o = {0};
	struct verity_device *dev = NULL;
	struct verity_fec_params bad;

	make_image(&img, 512, 100, 2);
	o.fec = &img.fec;
	cr_assert_eq(verity_device_open(&dev, &img.params, &img.d, &img.h, &o), VERITY_E_INVAL);
	o.fec_device = &img.f;
	bad = img.fec;
	bad.roots = 30;
	o.fec = &bad;
	cr_assert_eq(verity_device_open(&dev, &img.params, &img.d, &img.h, &o),
	             VERITY_E_FEC_BAD_ROOTS);
	o.fec = &img.fec;
	img.f.size = 512;
	cr_assert_eq(verity_device_open(&dev, &img.params, &img.d, &img.h, &o),
	             VERITY_E_FEC_DEVICE_TOO_SMALL);
	free_image(&img);
}

/* Every vector implementation built and usable here computes what gf_mul does, tails included. */
Test(fec_rs, vector_implementations_agree)
{
	static const char *const names[] = {"generic", "avx2", "gfni256", "gfni512"};
	uint8_t src[1000], dst[1000], want[1000];

	cr_assert_not_null(verity_gf_vector());
	cr_assert_not_null(verity_gf_vector_named("generic"));
	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
		const struct verity_gf_vector_ops *ops = verity_gf_vector_named(names[n]);

		if (!ops)
			continue;
		for (unsigned trial = 0; trial < 50; trial++) {
			size_t len = rnd() % sizeof(src);
			uint8_t c = (uint8_t)rnd();

			for (size_t i = 0; i < len; i++) {
				src[i] = (uint8_t)rnd();
				dst[i] = (uint8_t)rnd();
				want[i] = (uint8_t)(dst[i] ^ verity_gf_mul(c, src[i]));
			}
			ops->mul_add(dst, src, len, c);
			cr_assert_arr_eq(dst, want, len, "%s mul_add", ops->name);
			for (size_t i = 0; i < len; i++)
				want[i] = verity_gf_mul(c, dst[i]);
			ops->mul(dst, len, c);
			cr_assert_arr_eq(dst, want, len, "%s mul", ops->name);
		}
	}
	cr_assert_null(verity_gf_vector_named("none"));
}

/* A fused encoder step equals the LFSR step made of gf_mul, for every root count, head and tail. */
Test(fec_rs, vector_step_agrees)
{
	static const char *const names[] = {"generic", "avx2", "gfni256", "gfni512"};
	static uint8_t rows[VERITY_FEC_MAX_ROOTS][1100], want[VERITY_FEC_MAX_ROOTS][1100];
	uint8_t msg[1100], *vec[VERITY_FEC_MAX_ROOTS];
	struct verity_rs rs;

	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
		const struct verity_gf_vector_ops *ops = verity_gf_vector_named(names[n]);

		if (!ops || !ops->step)
			continue;
		for (unsigned roots = 2; roots <= VERITY_FEC_MAX_ROOTS; roots++) {
			size_t len = roots == 2 ? sizeof(msg) : rnd() % sizeof(msg);
			unsigned head = (unsigned)(rnd() % roots);

			cr_assert_eq(verity_rs_init(&rs, roots), 0);
			for (size_t c = 0; c < len; c++) {
				uint8_t fb;

				msg[c] = (uint8_t)rnd();
				for (unsigned r = 0; r < roots; r++)
					rows[r][c] = want[r][c] = (uint8_t)rnd();
				fb = (uint8_t)(want[head][c] ^ msg[c]);
				for (unsigned i = 1; i < roots; i++)
					want[(head + i) % roots][c] ^=
					    verity_gf_mul(rs.gen[roots - i], fb);
				want[head][c] = verity_gf_mul(rs.gen[0], fb);
			}
			for (unsigned r = 0; r < roots; r++)
				vec[r] = rows[r];
			ops->step(vec, head, roots, rs.gen, msg, len);
			for (unsigned r = 0; r < roots; r++)
				cr_assert_arr_eq(rows[r], want[r], len, "%s step, roots %u",
				                 ops->name, roots);
		}
	}
}

/*
 * The register-resident encoders give verity_rs_encode()'s parity for every
 * root count, with rows further apart than their length and lengths that
 * are not a multiple of the vector (the tail).
 */
Test(fec_rs, vector_encode_agrees)
{
	static const char *const names[] = {"avx2", "gfni256", "gfni512"};
	static uint8_t msg[VERITY_FEC_RSM * 700], parity[600 * VERITY_FEC_MAX_ROOTS];
	uint8_t cw[VERITY_FEC_RSM], want[VERITY_FEC_MAX_ROOTS];
	const uint8_t *rows[VERITY_FEC_RSM];
	struct verity_rs rs;

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)rnd();
	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
		const struct verity_gf_vector_ops *ops = verity_gf_vector_named(names[n]);

		if (!ops)
			continue;
		cr_assert_not_null(ops->encode);
		for (unsigned roots = 2; roots <= VERITY_FEC_MAX_ROOTS; roots++) {
			/* 512 (whole vectors), then odd lengths and distances */
			size_t len = roots == 2 ? 512 : 1 + rnd() % 600;
			size_t stride = len + (roots == 2 ? 0 : rnd() % 100);
			uint32_t k = VERITY_FEC_RSM - roots;

			cr_assert_eq(verity_rs_init(&rs, roots), 0);
			for (uint32_t j = 0; j < k; j++)
				rows[j] = msg + j * stride;
			ops->encode(&rs, rows, len, parity);
			for (size_t c = 0; c < len; c++) {
				for (uint32_t j = 0; j < k; j++)
					cw[j] = msg[j * stride + c];
				verity_rs_encode(&rs, cw, want);
				cr_assert_arr_eq(parity + c * roots, want, roots,
				                 "%s encode, roots %u, len %zu, codeword %zu",
				                 ops->name, roots, len, c);
			}
		}
	}
}

/*
 * Correction (format, verify, read path) gives the same results with every
 * vector implementation: the column encoders check stripes with interleaved
 * parity, the step encoders with parity rows.
 */
Test(fec_image, every_vector_implementation_corrects_alike)
{
	static const char *const names[] = {"generic", "avx2", "gfni256", "gfni512"};
	unsigned tried = 0;

	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
		const struct verity_gf_vector_ops *ops = verity_gf_vector_named(names[n]);
		struct verity_fec_verify_result r;
		struct verity_device *dev;
		struct verity_device_status st;
		struct image img;
		uint8_t *orig, buf[512];

		if (!ops)
			continue;
		tried++;
		verity_gf_vector_force(ops);
		make_image(&img, 512, 300, 4);
		orig = malloc(img.data_len);
		cr_assert_not_null(orig);
		memcpy(orig, img.data, img.data_len);
		img.data[9 * 512 + 3] ^= 0x21;
		img.data[200 * 512 + 77] ^= 0x01;
		img.data[200 * 512 + 78] ^= 0x02;
		img.hash[1 * 512 + 5] ^= 0x80;
		cr_assert_eq(verity_fec_verify(&img.params, &img.fec, &img.d, &img.h, &img.f, NULL,
		                               NULL, NULL, &r),
		             0, "%s: error %d", names[n], r.error);
		cr_assert_eq(r.corrected_blocks, 3, "%s", names[n]);
		cr_assert_eq(r.corrected_bytes, 4, "%s", names[n]);
		cr_assert_eq(r.symbol_errors, 4, "%s", names[n]);
		dev = open_device(&img, 1 << 20);
		cr_assert_eq(verity_device_read(dev, 200 * 512, sizeof(buf), buf), 0, "%s",
		             names[n]);
		cr_assert_arr_eq(buf, orig + 200 * 512, sizeof(buf), "%s", names[n]);
		cr_assert_eq(verity_device_get_status(dev, &st), 0);
		cr_assert_eq(st.fec_corrected, 2, "%s: data block and top hash block", names[n]);
		verity_device_close(dev);
		free(orig);
		free_image(&img);
	}
	verity_gf_vector_force(NULL);
	cr_assert_geq(tried, 1);
}
