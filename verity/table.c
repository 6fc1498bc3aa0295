/* SPDX-License-Identifier: MIT */
/*
 * The Linux dm-verity table line: parse it with the kernel's rules and emit
 * it the way veritysetup does (reference/dm-verity-format.md section 5).
 * Pure functions of their input; no allocation.
 */
#include <string.h>

#include "verity/hash.h"
#include "verity/util.h"

#define MAX_WORDS          64 /* a valid line has at most 3 + 10 + 1 + 15 */
#define MAX_OPT_WORDS      15 /* 5 flags + 8 FEC words + 2 signature words */
#define SECTOR_SHIFT       9
#define FEC_MIN_ROOTS      2
#define FEC_MAX_ROOTS      24
#define AT_MOST_ONCE_LIMIT 0x7fffffffu

struct word {
	const char *p;
	size_t len;
};

struct words {
	struct word w[MAX_WORDS];
	size_t count; /* all words, even those past MAX_WORDS */
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int split_words(const char *line, size_t len, struct words *out)
{
	size_t i = 0;

	out->count = 0;
	while (i < len) {
		size_t start;

		if (is_space(line[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < len && !is_space(line[i])) {
			unsigned char c = (unsigned char)line[i];

			if (c < 0x20 || c == 0x7f)
				return VERITY_E_TABLE_SYNTAX;
			i++;
		}
		if (out->count < MAX_WORDS) {
			out->w[out->count].p = line + start;
			out->w[out->count].len = i - start;
		}
		out->count++;
	}
	return out->count ? 0 : VERITY_E_TABLE_SYNTAX;
}

static bool word_is(const struct word *w, const char *s)
{
	return strlen(s) == w->len && memcmp(w->p, s, w->len) == 0;
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Option names are case-insensitive (the kernel uses strcasecmp). */
static bool word_is_nocase(const struct word *w, const char *s)
{
	if (strlen(s) != w->len)
		return false;
	for (size_t i = 0; i < w->len; i++)
		if (ascii_lower(w->p[i]) != s[i])
			return false;
	return true;
}

static bool all_digits(const struct word *w)
{
	if (w->len == 0)
		return false;
	for (size_t i = 0; i < w->len; i++)
		if (w->p[i] < '0' || w->p[i] > '9')
			return false;
	return true;
}

/* Plain decimal, no sign, no spaces; false on overflow. */
static bool parse_u64(const struct word *w, uint64_t *value)
{
	uint64_t v = 0;

	if (!all_digits(w))
		return false;
	for (size_t i = 0; i < w->len; i++)
		if (verity_mul_overflow_u64(v, 10, &v) ||
		    verity_add_overflow_u64(v, (uint64_t)(w->p[i] - '0'), &v))
			return false;
	*value = v;
	return true;
}

static bool parse_u32(const struct word *w, uint32_t *value)
{
	uint64_t v;

	if (!parse_u64(w, &v) || v > UINT32_MAX)
		return false;
	*value = (uint32_t)v;
	return true;
}

/* Blocks of 2^bits bytes still countable in 512-byte sectors (the kernel's check). */
static bool fits_sectors(uint64_t blocks, unsigned block_bits)
{
	unsigned shift = block_bits - SECTOR_SHIFT;

	return ((blocks << shift) >> shift) == blocks;
}

static bool parse_hex(const struct word *w, uint8_t *out, size_t out_len)
{
	return w->len == 2 * out_len && verity_hex_to_digest(w->p, w->len, out, out_len, NULL) == 0;
}

static bool copy_name(const struct word *w, char *dst)
{
	if (w->len == 0 || w->len >= VERITY_TABLE_NAME_MAX)
		return false;
	memcpy(dst, w->p, w->len);
	dst[w->len] = '\0';
	return true;
}

static bool is_block_size(uint32_t size)
{
	return verity_is_valid_block_size(size);
}

/* Optional arguments, after the ten fixed ones (kernel verity_parse_opt_args). */
static int parse_options(struct verity_table *t, const struct words *ws, size_t i)
{
	uint32_t dbits = verity_log2_u32(t->params.data_block_size);
	bool has_mode = false, has_error_mode = false;
	uint64_t count;
	size_t end;

	if (i == ws->count)
		return 0;
	if (!parse_u64(&ws->w[i], &count) || count > MAX_OPT_WORDS || count > ws->count - i - 1)
		return VERITY_E_TABLE_BAD_OPT_COUNT;
	i++;
	end = i + (size_t)count;
	while (i < end) {
		const struct word *name = &ws->w[i++];

		if (word_is_nocase(name, "ignore_corruption") ||
		    word_is_nocase(name, "restart_on_corruption") ||
		    word_is_nocase(name, "panic_on_corruption")) {
			if (has_mode)
				return VERITY_E_TABLE_CONFLICTING_MODES;
			has_mode = true;
			t->corruption_mode =
			    ascii_lower(name->p[0]) == 'i'   ? VERITY_CORRUPTION_IGNORE
			    : ascii_lower(name->p[0]) == 'r' ? VERITY_CORRUPTION_RESTART
			                                     : VERITY_CORRUPTION_PANIC;
		} else if (word_is_nocase(name, "restart_on_error") ||
		           word_is_nocase(name, "panic_on_error")) {
			if (has_error_mode)
				return VERITY_E_TABLE_CONFLICTING_MODES;
			has_error_mode = true;
			t->io_error_mode = ascii_lower(name->p[0]) == 'r' ? VERITY_IO_ERROR_RESTART
			                                                  : VERITY_IO_ERROR_PANIC;
		} else if (word_is_nocase(name, "ignore_zero_blocks")) {
			t->ignore_zero_blocks = true;
		} else if (word_is_nocase(name, "check_at_most_once")) {
			if (t->params.data_blocks > AT_MOST_ONCE_LIMIT)
				return VERITY_E_AT_MOST_ONCE_TOO_LARGE;
			t->check_at_most_once = true;
		} else if (word_is_nocase(name, "try_verify_in_tasklet")) {
			t->try_verify_in_tasklet = true;
		} else if (word_is_nocase(name, "use_fec_from_device") ||
		           word_is_nocase(name, "fec_start") ||
		           word_is_nocase(name, "fec_blocks") ||
		           word_is_nocase(name, "fec_roots")) {
			const struct word *value;
			char kind = ascii_lower(name->p[4]); /* u(se), s(tart), b(locks), r(oots) */

			if (i == end)
				return VERITY_E_TABLE_FEC_NEEDS_VALUE;
			value = &ws->w[i++];
			if (ascii_lower(name->p[0]) == 'u') {
				if (!copy_name(value, t->fec_device))
					return VERITY_E_TABLE_BAD_FEC_DEV;
				t->has_fec = true;
			} else if (kind == 's') {
				if (!parse_u64(value, &t->fec_start) ||
				    !fits_sectors(t->fec_start, dbits))
					return VERITY_E_TABLE_BAD_FEC_START;
			} else if (kind == 'b') {
				if (!parse_u64(value, &t->fec_blocks) ||
				    !fits_sectors(t->fec_blocks, dbits))
					return VERITY_E_TABLE_BAD_FEC_BLOCKS;
			} else {
				if (!parse_u32(value, &t->fec_roots) ||
				    t->fec_roots < FEC_MIN_ROOTS || t->fec_roots > FEC_MAX_ROOTS)
					return VERITY_E_TABLE_BAD_FEC_ROOTS;
			}
		} else if (word_is_nocase(name, "root_hash_sig_key_desc")) {
			if (t->has_sig_key)
				return VERITY_E_TABLE_SIG_KEY_REPEATED;
			if (i == end)
				return VERITY_E_TABLE_SIG_KEY_MISSING;
			if (!copy_name(&ws->w[i++], t->sig_key_desc))
				return VERITY_E_TABLE_SIG_KEY_TOO_LONG;
			t->has_sig_key = true;
		} else {
			return VERITY_E_TABLE_UNKNOWN_OPTION;
		}
	}
	if (end != ws->count)
		return VERITY_E_TABLE_TRAILING_WORDS;
	return 0;
}

/* The kernel's FEC constructor checks, once all options are known. */
static int check_fec(const struct verity_table *t, const struct verity_geometry *geo)
{
	uint64_t covered;

	if (!t->has_fec)
		return 0;
	if (t->params.data_block_size != t->params.hash_block_size)
		return VERITY_E_TABLE_FEC_BLOCK_SIZES;
	if (!t->fec_roots)
		return VERITY_E_TABLE_FEC_MISSING_ROOTS;
	if (!t->fec_blocks)
		return VERITY_E_TABLE_FEC_MISSING_BLOCKS;
	if (verity_add_overflow_u64(t->params.data_blocks,
	                            geo->hash_end_block - t->params.hash_start_block, &covered) ||
	    t->fec_blocks < covered)
		return VERITY_E_TABLE_BAD_FEC_BLOCKS;
	return 0;
}

int verity_table_parse(struct verity_table *t, const char *line, size_t len)
{
	struct verity_params *p;
	struct verity_geometry geo;
	struct words ws;
	uint32_t digest_size;
	size_t i = 0;
	int ret;

	if (!t || (!line && len))
		return VERITY_E_INVAL;
	memset(t, 0, sizeof(*t));
	p = &t->params;
	if (!line)
		return VERITY_E_TABLE_SYNTAX;
	if (memchr(line, '\0', len))
		return VERITY_E_TABLE_SYNTAX;
	ret = split_words(line, len, &ws);
	if (ret)
		return ret;

	/*
	 * "<start> <len> verity ..." or the target arguments alone. A data
	 * device is a path or major:minor, never bare digits, so a second word
	 * of digits means the prefix is there.
	 */
	if (ws.count >= 2 && all_digits(&ws.w[1])) {
		uint64_t end;

		t->has_target = true;
		if (!parse_u64(&ws.w[0], &t->start_sector) ||
		    !parse_u64(&ws.w[1], &t->length_sectors) || t->length_sectors == 0 ||
		    verity_add_overflow_u64(t->start_sector, t->length_sectors, &end))
			return VERITY_E_TABLE_BAD_SECTORS;
		if (ws.count < 3 || !word_is(&ws.w[2], "verity"))
			return VERITY_E_TABLE_BAD_TARGET;
		i = 3;
	}
	if (ws.count - i < 10)
		return VERITY_E_TABLE_NOT_ENOUGH_ARGS;

	if (!parse_u32(&ws.w[i], &p->hash_type) || p->hash_type > 1)
		return VERITY_E_TABLE_BAD_VERSION;
	if (!copy_name(&ws.w[i + 1], t->data_device))
		return VERITY_E_TABLE_BAD_DATA_DEV;
	if (!copy_name(&ws.w[i + 2], t->hash_device))
		return VERITY_E_TABLE_BAD_HASH_DEV;
	if (!parse_u32(&ws.w[i + 3], &p->data_block_size) || !is_block_size(p->data_block_size))
		return VERITY_E_TABLE_BAD_DATA_BLOCK_SIZE;
	if (!parse_u32(&ws.w[i + 4], &p->hash_block_size) || !is_block_size(p->hash_block_size))
		return VERITY_E_TABLE_BAD_HASH_BLOCK_SIZE;
	if (!parse_u64(&ws.w[i + 5], &p->data_blocks) ||
	    !fits_sectors(p->data_blocks, verity_log2_u32(p->data_block_size)))
		return VERITY_E_TABLE_BAD_DATA_BLOCKS;
	if (t->has_target &&
	    t->length_sectors > p->data_blocks
	                            << (verity_log2_u32(p->data_block_size) - SECTOR_SHIFT))
		return VERITY_E_TABLE_LENGTH_TOO_BIG;
	if (!parse_u64(&ws.w[i + 6], &p->hash_start_block) ||
	    !fits_sectors(p->hash_start_block, verity_log2_u32(p->hash_block_size)))
		return VERITY_E_TABLE_BAD_HASH_START;
	if (ws.w[i + 7].len >= sizeof(p->algorithm))
		return VERITY_E_TABLE_BAD_ALGORITHM;
	memcpy(p->algorithm, ws.w[i + 7].p, ws.w[i + 7].len);
	if (verity_hash_lookup(p->algorithm, NULL, &digest_size) != 0)
		return VERITY_E_TABLE_BAD_ALGORITHM;
	if (p->hash_block_size < 2 * digest_size)
		return VERITY_E_DIGEST_TOO_BIG;
	if (!parse_hex(&ws.w[i + 8], p->root_digest, digest_size))
		return VERITY_E_TABLE_BAD_DIGEST;
	p->root_digest_size = digest_size;
	if (!word_is(&ws.w[i + 9], "-")) {
		if (ws.w[i + 9].len % 2)
			return VERITY_E_TABLE_BAD_SALT;
		if (ws.w[i + 9].len / 2 > VERITY_MAX_SALT_SIZE)
			return VERITY_E_SALT_TOO_LONG;
		if (!parse_hex(&ws.w[i + 9], p->salt, ws.w[i + 9].len / 2))
			return VERITY_E_TABLE_BAD_SALT;
		p->salt_size = (uint32_t)(ws.w[i + 9].len / 2);
	}
	ret = parse_options(t, &ws, i + 10);
	if (ret)
		return ret;
	ret = verity_geometry_init(&geo, p);
	if (ret)
		return ret;
	return check_fec(t, &geo);
}

/* A name that parses back as the same single word. */
static bool representable(const char *s)
{
	size_t n = 0;

	if (!s)
		return false;
	for (; n < VERITY_TABLE_NAME_MAX && s[n]; n++) {
		unsigned char c = (unsigned char)s[n];

		if (c <= 0x20 || c == 0x7f)
			return false;
	}
	return n > 0 && n < VERITY_TABLE_NAME_MAX;
}

int verity_table_init(struct verity_table *t, const struct verity_params *params,
                      const char *data_device, const char *hash_device)
{
	struct verity_geometry geo;
	unsigned shift;
	int ret;

	if (!t || !params)
		return VERITY_E_INVAL;
	memset(t, 0, sizeof(*t));
	ret = verity_geometry_init(&geo, params);
	if (ret)
		return ret;
	if (params->root_digest_size != geo.digest_size)
		return VERITY_E_BAD_ROOT_DIGEST;
	if (!representable(data_device) || !representable(hash_device))
		return VERITY_E_TABLE_UNREPRESENTABLE;
	shift = verity_log2_u32(params->data_block_size) - SECTOR_SHIFT;
	if (!fits_sectors(params->data_blocks, verity_log2_u32(params->data_block_size)))
		return VERITY_E_OVERFLOW;
	t->has_target = true;
	t->length_sectors = params->data_blocks << shift;
	t->params = *params;
	memcpy(t->data_device, data_device, strlen(data_device) + 1);
	memcpy(t->hash_device, hash_device, strlen(hash_device) + 1);
	return 0;
}

/* Bounded string builder: remembers whether anything did not fit. */
struct out {
	char *buf;
	size_t size, len;
	bool truncated;
};

static void put_mem(struct out *o, const char *s, size_t n)
{
	if (o->len + n >= o->size || o->len + n < o->len) {
		o->truncated = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void put_str(struct out *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

static void put_u64(struct out *o, uint64_t v)
{
	char digits[20];
	size_t n = 0;

	do {
		digits[sizeof(digits) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_mem(o, digits + sizeof(digits) - n, n);
}

static void put_hex(struct out *o, const uint8_t *bytes, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		char pair[2] = {hex[bytes[i] >> 4], hex[bytes[i] & 15]};

		put_mem(o, pair, 2);
	}
}

static int check_table(const struct verity_table *t)
{
	if (t->corruption_mode > VERITY_CORRUPTION_PANIC ||
	    t->io_error_mode > VERITY_IO_ERROR_PANIC ||
	    t->params.root_digest_size > VERITY_MAX_DIGEST_SIZE ||
	    t->params.salt_size > VERITY_MAX_SALT_SIZE ||
	    !memchr(t->params.algorithm, '\0', sizeof(t->params.algorithm)))
		return VERITY_E_INVAL;
	if (!representable(t->data_device) || !representable(t->hash_device) ||
	    !representable(t->params.algorithm) || (t->has_fec && !representable(t->fec_device)) ||
	    (t->has_sig_key && !representable(t->sig_key_desc)))
		return VERITY_E_TABLE_UNREPRESENTABLE;
	return 0;
}

/* One more word of the line: a space, then @s. */
static void put_word(struct out *o, const char *s)
{
	put_str(o, " ");
	put_str(o, s);
}

static void put_word_u64(struct out *o, uint64_t v)
{
	put_str(o, " ");
	put_u64(o, v);
}

/* The line, veritysetup's layout (cryptsetup lib/libdevmapper.c). */
static void emit_table(struct out *o, const struct verity_table *t, bool prefix, uint64_t start,
                       uint64_t length)
{
	static const char *const modes[] = {NULL, "ignore_corruption", "restart_on_corruption",
	                                    "panic_on_corruption"};
	static const char *const error_modes[] = {NULL, "restart_on_error", "panic_on_error"};
	const struct verity_params *p = &t->params;
	const struct {
		const char *name;
		bool set;
	} flags[] = {
	    {"ignore_zero_blocks", t->ignore_zero_blocks},
	    {"check_at_most_once", t->check_at_most_once},
	    {"try_verify_in_tasklet", t->try_verify_in_tasklet},
	};
	const uint64_t numbers[] = {p->data_block_size, p->hash_block_size, p->data_blocks,
	                            p->hash_start_block};
	uint64_t words = 0;

	if (prefix) {
		put_u64(o, start);
		put_word_u64(o, length);
		put_str(o, " verity ");
	}
	put_u64(o, p->hash_type);
	put_word(o, t->data_device);
	put_word(o, t->hash_device);
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		put_word_u64(o, numbers[i]);
	put_word(o, p->algorithm);
	put_str(o, " ");
	put_hex(o, p->root_digest, p->root_digest_size);
	put_str(o, " ");
	if (p->salt_size)
		put_hex(o, p->salt, p->salt_size);
	else
		put_str(o, "-");

	words = (t->corruption_mode != 0) + (t->io_error_mode != 0) + t->ignore_zero_blocks +
	        t->check_at_most_once + t->try_verify_in_tasklet + (t->has_fec ? 8 : 0) +
	        (t->has_sig_key ? 2 : 0);
	if (!words)
		return;
	put_word_u64(o, words);
	if (t->corruption_mode)
		put_word(o, modes[t->corruption_mode]);
	if (t->io_error_mode)
		put_word(o, error_modes[t->io_error_mode]);
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (flags[i].set)
			put_word(o, flags[i].name);
	if (t->has_fec) {
		put_word(o, "use_fec_from_device");
		put_word(o, t->fec_device);
		put_word(o, "fec_start");
		put_word_u64(o, t->fec_start);
		put_word(o, "fec_blocks");
		put_word_u64(o, t->fec_blocks);
		put_word(o, "fec_roots");
		put_word_u64(o, t->fec_roots);
	}
	if (t->has_sig_key) {
		put_word(o, "root_hash_sig_key_desc");
		put_word(o, t->sig_key_desc);
	}
}

static int finish(struct out *o, size_t *out_len)
{
	if (o->truncated) {
		if (o->size)
			o->buf[0] = '\0';
		return VERITY_E_BUFFER_TOO_SMALL;
	}
	if (out_len)
		*out_len = o->len;
	return 0;
}

/* Check the arguments of a format call and start @o on @buf (emptied). */
static int start_output(struct out *o, const struct verity_table *t, char *buf, size_t size)
{
	if (!t || !buf || !size)
		return VERITY_E_INVAL;
	*o = (struct out){buf, size, 0, false};
	buf[0] = '\0';
	return check_table(t);
}

int verity_table_format(const struct verity_table *t, char *buf, size_t size, size_t *out_len)
{
	struct out o;
	int ret = start_output(&o, t, buf, size);

	if (ret)
		return ret;
	emit_table(&o, t, t->has_target, t->start_sector, t->length_sectors);
	return finish(&o, out_len);
}

/* dm-init splits devices at ';', fields and tables at ','; the argument is quoted. */
static bool dm_init_safe(const char *s)
{
	for (; *s; s++)
		if (*s == ',' || *s == ';' || *s == '"')
			return false;
	return true;
}

int verity_table_format_dm_mod_create(const struct verity_table *t, const char *name,
                                      const char *uuid, char *buf, size_t size, size_t *out_len)
{
	struct out o;
	uint64_t start = 0, length;
	unsigned shift;
	size_t line_start;
	int ret = start_output(&o, t, buf, size);

	if (ret)
		return ret;
	if (!name)
		name = "vroot";
	if (!representable(name) || !dm_init_safe(name) ||
	    (uuid && *uuid && (!representable(uuid) || !dm_init_safe(uuid))))
		return VERITY_E_TABLE_UNREPRESENTABLE;
	if (!verity_is_valid_block_size(t->params.data_block_size))
		return VERITY_E_INVAL;
	shift = verity_log2_u32(t->params.data_block_size) - SECTOR_SHIFT;
	if (t->has_target) {
		start = t->start_sector;
		length = t->length_sectors;
	} else {
		if (!fits_sectors(t->params.data_blocks, shift + SECTOR_SHIFT))
			return VERITY_E_OVERFLOW;
		length = t->params.data_blocks << shift;
	}
	put_str(&o, "dm-mod.create=\"");
	put_str(&o, name);
	put_str(&o, ",");
	if (uuid)
		put_str(&o, uuid);
	put_str(&o, ",,ro,");
	line_start = o.len;
	emit_table(&o, t, true, start, length);
	if (!o.truncated && !dm_init_safe(buf + line_start)) {
		buf[0] = '\0';
		return VERITY_E_TABLE_UNREPRESENTABLE;
	}
	put_str(&o, "\"");
	return finish(&o, out_len);
}

int verity_table_device_options(const struct verity_table *t, struct verity_device_options *o)
{
	if (!t || !o || t->corruption_mode > VERITY_CORRUPTION_PANIC ||
	    t->io_error_mode > VERITY_IO_ERROR_PANIC)
		return VERITY_E_INVAL;
	o->corruption_mode = t->corruption_mode;
	o->io_error_mode = t->io_error_mode;
	o->flags &= ~(VERITY_DEVICE_CHECK_AT_MOST_ONCE | VERITY_DEVICE_IGNORE_ZERO_BLOCKS);
	if (t->check_at_most_once)
		o->flags |= VERITY_DEVICE_CHECK_AT_MOST_ONCE;
	if (t->ignore_zero_blocks)
		o->flags |= VERITY_DEVICE_IGNORE_ZERO_BLOCKS;
	return 0;
}
