/* SPDX-License-Identifier: MIT */
/*
 * verity_geometry_init() against an independent model of the tree layout
 * (reference/dm-verity-format.md section 2): the model computes level sizes
 * by repeated ceiling division instead of shifts, and decides on its own
 * which parameters are invalid. The library must accept exactly what the
 * model accepts, produce the same layout, and fail with a code that names
 * one of the reasons the model found.
 *
 * Input: hash_type, algorithm, block sizes, data_blocks, hash_start_block,
 * salt_size and reserved fields, each from a selector byte that mostly picks
 * interesting values and sometimes takes raw bytes.
 */
#include "fuzz/fuzz.h"
#include "libverity.h"

#define MAX_REASONS 12

struct model {
	int reasons[MAX_REASONS]; /* error codes that apply */
	unsigned nreasons;
	uint32_t digest_size, bits, slot, levels;
	uint64_t level_blocks[VERITY_MAX_LEVELS], level_start[VERITY_MAX_LEVELS], end;
};

static void add_reason(struct model *m, int code)
{
	if (m->nreasons < MAX_REASONS)
		m->reasons[m->nreasons++] = code;
}

static uint32_t model_digest_size(const char *alg)
{
	static const struct {
		const char *name;
		uint32_t size;
	} known[] = {{"sha256", 32}, {"sha1", 20}, {"sha224", 28}, {"sha384", 48}, {"sha512", 64}};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(alg, known[i].name) == 0)
			return known[i].size;
	return 0;
}

static bool model_block_size_ok(uint32_t size)
{
	for (uint32_t s = 512; s <= 512 * 1024; s *= 2)
		if (size == s)
			return true;
	return false;
}

static void model_run(struct model *m, const struct verity_params *p)
{
	bool alg_ok = false, dbs_ok, hbs_ok;
	uint64_t count, pos, tmp;

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < 4; i++)
		if (p->reserved[i])
			add_reason(m, VERITY_E_INVAL);
	if (p->hash_type > 1)
		add_reason(m, VERITY_E_BAD_HASH_TYPE);
	if (memchr(p->algorithm, 0, sizeof(p->algorithm)))
		m->digest_size = model_digest_size(p->algorithm);
	alg_ok = m->digest_size != 0;
	if (!alg_ok)
		add_reason(m, VERITY_E_BAD_HASH_ALG);
	dbs_ok = model_block_size_ok(p->data_block_size);
	hbs_ok = model_block_size_ok(p->hash_block_size);
	if (!dbs_ok)
		add_reason(m, VERITY_E_BAD_DATA_BLOCK_SIZE);
	if (!hbs_ok)
		add_reason(m, VERITY_E_BAD_HASH_BLOCK_SIZE);
	if (p->salt_size > 256)
		add_reason(m, VERITY_E_SALT_TOO_LONG);
	if (alg_ok && hbs_ok && p->hash_block_size < 2 * m->digest_size)
		add_reason(m, VERITY_E_DIGEST_TOO_BIG);
	if (p->data_blocks == 0)
		add_reason(m, VERITY_E_NO_DATA_BLOCKS);
	if (dbs_ok && __builtin_mul_overflow(p->data_blocks, (uint64_t)p->data_block_size, &tmp))
		add_reason(m, VERITY_E_OVERFLOW);
	if (m->nreasons)
		return;

	/* Digests per hash block: the largest power of two that fits. */
	while (((uint64_t)m->digest_size << (m->bits + 1)) <= p->hash_block_size)
		m->bits++;
	if (p->hash_type == 1) {
		m->slot = 1;
		while (m->slot < m->digest_size)
			m->slot *= 2;
	} else {
		m->slot = m->digest_size;
	}
	for (count = p->data_blocks; count > 1;) {
		count = (count - 1) / ((uint64_t)1 << m->bits) + 1;
		if (m->levels == VERITY_MAX_LEVELS) {
			add_reason(m, VERITY_E_TOO_MANY_LEVELS);
			return;
		}
		m->level_blocks[m->levels++] = count;
	}
	pos = p->hash_start_block;
	for (uint32_t i = m->levels; i-- > 0;) {
		m->level_start[i] = pos;
		if (__builtin_add_overflow(pos, m->level_blocks[i], &pos)) {
			add_reason(m, VERITY_E_HASH_AREA_OVERFLOW);
			return;
		}
	}
	if (__builtin_mul_overflow(pos, (uint64_t)p->hash_block_size, &tmp)) {
		add_reason(m, VERITY_E_HASH_AREA_OVERFLOW);
		return;
	}
	m->end = pos;
}

static uint32_t pick_block_size(struct fuzz_input *in)
{
	uint8_t sel = fuzz_u8(in);

	return sel & 0x80 ? fuzz_u32(in) : (uint32_t)1 << (sel & 31);
}

static uint64_t pick_count(struct fuzz_input *in)
{
	switch (fuzz_u8(in) & 3) {
	case 0:
		return fuzz_u8(in);
	case 1:
		return fuzz_u16(in);
	case 2:
		return fuzz_u32(in);
	default:
		return fuzz_u64(in);
	}
}

static void read_params(struct fuzz_input *in, struct verity_params *p)
{
	static const char *const names[] = {"sha256", "sha1", "sha224", "sha384",
	                                    "sha512", "md5",  "",       "SHA256"};
	uint8_t sel;

	memset(p, 0, sizeof(*p));
	sel = fuzz_u8(in);
	p->hash_type = sel < 0xf0 ? (sel & 1u) : sel;
	sel = fuzz_u8(in);
	if (sel & 8)
		fuzz_bytes(in, p->algorithm, sizeof(p->algorithm)); /* maybe unterminated */
	else
		strcpy(p->algorithm, names[sel & 7]);
	p->data_block_size = pick_block_size(in);
	p->hash_block_size = pick_block_size(in);
	p->data_blocks = pick_count(in);
	p->hash_start_block = pick_count(in);
	sel = fuzz_u8(in);
	p->salt_size = sel == 0xff ? fuzz_u32(in) : sel;
	sel = fuzz_u8(in);
	if ((sel & 0xf0) == 0xa0)
		p->reserved[sel & 3] = (uint64_t)sel << 8 | 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in;
	struct verity_params params;
	struct verity_geometry geo, again;
	struct model m;
	int ret;

	fuzz_input_init(&in, data, size);
	read_params(&in, &params);
	model_run(&m, &params);

	ret = verity_geometry_init(&geo, &params);
	FUZZ_EXPECT_CODES(ret, 0, FUZZ_GEOMETRY_CODES);
	FUZZ_CHECK(verity_strerror(ret) != NULL && verity_strerror(ret)[0] != '\0');
	if (m.nreasons) {
		bool named = false;

		for (unsigned i = 0; i < m.nreasons; i++)
			named |= ret == m.reasons[i];
		if (!named)
			fprintf(stderr, "geometry: got %d, first expected reason %d\n", ret,
			        m.reasons[0]);
		FUZZ_CHECK(named);
		return 0;
	}
	if (ret != 0)
		fprintf(stderr, "geometry: valid parameters refused with %d\n", ret);
	FUZZ_CHECK(ret == 0);
	FUZZ_CHECK(geo.digest_size == m.digest_size);
	FUZZ_CHECK(geo.hash_per_block_bits == m.bits);
	FUZZ_CHECK(geo.digest_slot_size == m.slot);
	/* A v1 slot tiles the hash block exactly. */
	FUZZ_CHECK(params.hash_type != 1 || ((uint64_t)geo.digest_slot_size
	                                     << geo.hash_per_block_bits) == params.hash_block_size);
	FUZZ_CHECK(geo.levels == m.levels);
	for (uint32_t i = 0; i < m.levels; i++) {
		FUZZ_CHECK(geo.level_blocks[i] == m.level_blocks[i]);
		FUZZ_CHECK(geo.level_start[i] == m.level_start[i]);
	}
	FUZZ_CHECK(m.levels == 0 || geo.level_blocks[m.levels - 1] == 1);
	FUZZ_CHECK(geo.hash_end_block == m.end);

	/* Pure function: same answer again. */
	FUZZ_CHECK(verity_geometry_init(&again, &params) == 0);
	FUZZ_CHECK(memcmp(&geo, &again, sizeof(geo)) == 0);
	return 0;
}
