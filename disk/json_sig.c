/* SPDX-License-Identifier: MIT */
/*
 * The verity signature partition: one JSON object (RFC 8259) padded with NUL
 * bytes, holding rootHash, signature (Base64 PKCS#7) and optionally
 * certificateFingerprint. A strict reader: everything RFC 8259 allows is
 * accepted, nothing else; the work is linear in the input (duplicate keys
 * are found through a per-key hash and at most JSON_MAX_KEYS keys).
 */
#include <string.h>

#include "verity/util.h"

#define JSON_MAX_KEYS 64
/* Base64 of VERITY_SIG_MAX_SIZE bytes. */
#define SIG_MAX_BASE64 (((VERITY_SIG_MAX_SIZE + 2) / 3) * 4)

struct json {
	const uint8_t *s;
	size_t len;
	size_t pos;
};

static bool is_ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(struct json *j)
{
	while (j->pos < j->len && is_ws(j->s[j->pos]))
		j->pos++;
}

/* Four hex digits of a \u escape at @p (inside the input). Return: value or -1. */
static int32_t u_escape(const struct json *j, size_t p)
{
	uint8_t v[2];

	if (p + 4 > j->len || verity_hex_to_digest((const char *)j->s + p, 4, v, 2, NULL))
		return -1;
	return (int32_t)(v[0] << 8 | v[1]);
}

/* Length of the UTF-8 sequence at @p if valid (no overlongs, surrogates, > U+10FFFF), else 0. */
static size_t utf8_len(const struct json *j, size_t p)
{
	uint8_t c = j->s[p];
	size_t n;
	uint32_t cp, min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (p + n > j->len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((j->s[p + i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (j->s[p + i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static size_t put_utf8(uint8_t *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (uint8_t)(0xc0 | cp >> 6);
		out[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (uint8_t)(0xe0 | cp >> 12);
		out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (uint8_t)(0xf0 | cp >> 18);
	out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return 4;
}

/* UTF-8 sequence at j->pos, or 0 when invalid: as utf8_len(), also giving the code point. */
static size_t utf8_decode(const struct json *j, uint32_t *cp)
{
	size_t n = utf8_len(j, j->pos);
	static const uint8_t lead_mask[5] = {0, 0x7f, 0x1f, 0x0f, 0x07};

	if (n == 0)
		return 0;
	*cp = j->s[j->pos] & lead_mask[n];
	for (size_t i = 1; i < n; i++)
		*cp = *cp << 6 | (j->s[j->pos + i] & 0x3f);
	return n;
}

/*
 * One character of a string whose opening quote was consumed: 1 with *@cp
 * set, 0 at the closing quote (consumed), or VERITY_E_JSON_SYNTAX.
 */
static int next_char(struct json *j, uint32_t *cp)
{
	int32_t v, lo;
	size_t n;
	uint8_t c;

	if (j->pos >= j->len)
		return VERITY_E_JSON_SYNTAX;
	c = j->s[j->pos];
	if (c == '"') {
		j->pos++;
		return 0;
	}
	if (c < 0x20)
		return VERITY_E_JSON_SYNTAX;
	if (c != '\\') {
		n = utf8_decode(j, cp);
		if (n == 0)
			return VERITY_E_JSON_SYNTAX;
		j->pos += n;
		return 1;
	}
	if (j->pos + 1 >= j->len)
		return VERITY_E_JSON_SYNTAX;
	c = j->s[j->pos + 1];
	j->pos += 2;
	switch (c) {
	case '"':
	case '\\':
	case '/':
		*cp = c;
		return 1;
	case 'b':
		*cp = '\b';
		return 1;
	case 'f':
		*cp = '\f';
		return 1;
	case 'n':
		*cp = '\n';
		return 1;
	case 'r':
		*cp = '\r';
		return 1;
	case 't':
		*cp = '\t';
		return 1;
	case 'u':
		break;
	default:
		return VERITY_E_JSON_SYNTAX;
	}
	v = u_escape(j, j->pos);
	if (v < 0 || (v >= 0xdc00 && v <= 0xdfff)) /* a lone low surrogate */
		return VERITY_E_JSON_SYNTAX;
	j->pos += 4;
	if (v >= 0xd800 && v <= 0xdbff) {
		if (j->pos + 2 > j->len || j->s[j->pos] != '\\' || j->s[j->pos + 1] != 'u')
			return VERITY_E_JSON_SYNTAX;
		lo = u_escape(j, j->pos + 2);
		if (lo < 0xdc00 || lo > 0xdfff)
			return VERITY_E_JSON_SYNTAX;
		j->pos += 6;
		v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
	}
	*cp = (uint32_t)v;
	return 1;
}

/*
 * The string at j->pos (its opening quote). Decoded UTF-8 goes to @out while
 * it fits @cap (@out may be NULL); *@out_len receives the full decoded
 * length and *@hash an FNV-1a hash of the code points. Advances past the
 * closing quote.
 */
static int read_string(struct json *j, uint8_t *out, size_t cap, size_t *out_len, uint32_t *hash)
{
	size_t n = 0;
	uint32_t h = 2166136261u, cp;
	int ret;

	if (j->pos >= j->len || j->s[j->pos] != '"')
		return VERITY_E_JSON_SYNTAX;
	j->pos++;
	while ((ret = next_char(j, &cp)) == 1) {
		uint8_t buf[4];
		size_t blen = put_utf8(buf, cp);

		for (size_t k = 0; k < blen; k++, n++)
			if (out && n < cap)
				out[n] = buf[k];
		h = (h ^ cp) * 16777619u;
	}
	if (ret < 0)
		return ret;
	if (out_len)
		*out_len = n;
	if (hash)
		*hash = h;
	return 0;
}

static int read_value(struct json *j, unsigned depth);

static int read_number(struct json *j)
{
	size_t start;

	if (j->pos < j->len && j->s[j->pos] == '-')
		j->pos++;
	if (j->pos >= j->len)
		return VERITY_E_JSON_SYNTAX;
	if (j->s[j->pos] == '0') {
		j->pos++;
	} else if (j->s[j->pos] >= '1' && j->s[j->pos] <= '9') {
		while (j->pos < j->len && j->s[j->pos] >= '0' && j->s[j->pos] <= '9')
			j->pos++;
	} else {
		return VERITY_E_JSON_SYNTAX;
	}
	if (j->pos < j->len && j->s[j->pos] == '.') {
		start = ++j->pos;
		while (j->pos < j->len && j->s[j->pos] >= '0' && j->s[j->pos] <= '9')
			j->pos++;
		if (j->pos == start)
			return VERITY_E_JSON_SYNTAX;
	}
	if (j->pos < j->len && (j->s[j->pos] == 'e' || j->s[j->pos] == 'E')) {
		j->pos++;
		if (j->pos < j->len && (j->s[j->pos] == '+' || j->s[j->pos] == '-'))
			j->pos++;
		start = j->pos;
		while (j->pos < j->len && j->s[j->pos] >= '0' && j->s[j->pos] <= '9')
			j->pos++;
		if (j->pos == start)
			return VERITY_E_JSON_SYNTAX;
	}
	return 0;
}

static int read_literal(struct json *j, const char *word)
{
	size_t n = strlen(word);

	if (j->len - j->pos < n || memcmp(j->s + j->pos, word, n) != 0)
		return VERITY_E_JSON_SYNTAX;
	j->pos += n;
	return 0;
}

/* An array or a nested object, skipped (nested keys are not checked for duplicates). */
static int read_container(struct json *j, unsigned depth, uint8_t close)
{
	int ret;

	if (depth >= VERITY_JSON_MAX_DEPTH)
		return VERITY_E_JSON_TOO_DEEP;
	j->pos++;
	skip_ws(j);
	if (j->pos < j->len && j->s[j->pos] == close) {
		j->pos++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			skip_ws(j);
			ret = read_string(j, NULL, 0, NULL, NULL);
			if (ret)
				return ret;
			skip_ws(j);
			if (j->pos >= j->len || j->s[j->pos] != ':')
				return VERITY_E_JSON_SYNTAX;
			j->pos++;
		}
		ret = read_value(j, depth + 1);
		if (ret)
			return ret;
		skip_ws(j);
		if (j->pos >= j->len)
			return VERITY_E_JSON_SYNTAX;
		if (j->s[j->pos] == close) {
			j->pos++;
			return 0;
		}
		if (j->s[j->pos] != ',')
			return VERITY_E_JSON_SYNTAX;
		j->pos++;
	}
}

static int read_value(struct json *j, unsigned depth)
{
	skip_ws(j);
	if (j->pos >= j->len)
		return VERITY_E_JSON_SYNTAX;
	switch (j->s[j->pos]) {
	case '"':
		return read_string(j, NULL, 0, NULL, NULL);
	case '{':
		return read_container(j, depth, '}');
	case '[':
		return read_container(j, depth, ']');
	case 't':
		return read_literal(j, "true");
	case 'f':
		return read_literal(j, "false");
	case 'n':
		return read_literal(j, "null");
	default:
		return read_number(j);
	}
}

static int base64_value(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Canonical Base64 (padding required, unused bits zero) of @in into @out. */
static int base64_decode(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
	size_t o = 0, pad = 0;

	if (len == 0 || len % 4 != 0)
		return VERITY_E_JSON_BAD_BASE64;
	if (in[len - 1] == '=')
		pad = in[len - 2] == '=' ? 2 : 1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		bool last = i + 4 == len;

		for (unsigned k = 0; k < 4; k++) {
			v[k] = base64_value(in[i + k]);
			if (v[k] < 0 && !(last && k >= 4 - pad))
				return VERITY_E_JSON_BAD_BASE64;
		}
		out[o++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (last && pad == 2) {
			if (v[1] & 0x0f)
				return VERITY_E_JSON_BAD_BASE64;
			break;
		}
		out[o++] = (uint8_t)((v[1] & 0x0f) << 4 | v[2] >> 2);
		if (last && pad == 1) {
			if (v[2] & 0x03)
				return VERITY_E_JSON_BAD_BASE64;
			break;
		}
		out[o++] = (uint8_t)((v[2] & 0x03) << 6 | v[3]);
	}
	*out_len = o;
	return 0;
}

/* Lowercase hex of exactly @n digits (even) into bytes. */
static bool lower_hex(const uint8_t *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return verity_hex_to_digest((const char *)s, n, out, n / 2, NULL) == 0;
}

struct key_seen {
	size_t start; /* offset of the opening quote */
	size_t len;   /* decoded length */
	uint32_t hash;
};

/* Whether the strings at @a and @b (opening quotes; both valid) decode to the same text. */
static bool same_text(const struct json *j, size_t a, size_t b)
{
	struct json ja = *j, jb = *j;
	uint32_t ca, cb;
	int ra, rb;

	ja.pos = a + 1;
	jb.pos = b + 1;
	do {
		ra = next_char(&ja, &ca);
		rb = next_char(&jb, &cb);
		if (ra != rb || (ra == 1 && ca != cb))
			return false;
	} while (ra == 1);
	return true;
}

enum known_key { KEY_ROOT_HASH, KEY_SIGNATURE, KEY_FINGERPRINT, KEY_COUNT };

static int known_key(const uint8_t *name, size_t len)
{
	static const char *const names[KEY_COUNT] = {"rootHash", "signature",
	                                             "certificateFingerprint"};

	for (int k = 0; k < KEY_COUNT; k++)
		if (len == strlen(names[k]) && memcmp(name, names[k], len) == 0)
			return k;
	return -1;
}

/* Decode the string value of a known key (at j->pos) into a new buffer of at most @max bytes. */
static int string_value(struct json *j, const struct verity_allocator *allocator, size_t max,
                        int too_long, uint8_t **out, size_t *out_len)
{
	struct json probe = *j;
	size_t len;
	int ret;

	if (j->pos >= j->len || j->s[j->pos] != '"')
		return VERITY_E_JSON_WRONG_TYPE;
	ret = read_string(&probe, NULL, 0, &len, NULL);
	if (ret)
		return ret;
	if (len > max)
		return too_long;
	*out = verity_alloc(allocator, len ? len : 1);
	if (!*out)
		return VERITY_E_NOMEM;
	read_string(j, *out, len, out_len, NULL);
	return 0;
}

static int take_value(struct verity_ddi_sig *sig, struct json *j, int key)
{
	uint8_t *text = NULL;
	size_t len = 0;
	int ret;

	switch (key) {
	case KEY_ROOT_HASH:
		ret = string_value(j, sig->allocator, 2 * VERITY_MAX_DIGEST_SIZE,
		                   VERITY_E_JSON_BAD_ROOT_HASH, &text, &len);
		if (ret)
			break;
		if (len < 2 || !lower_hex(text, len, sig->root_digest)) {
			ret = VERITY_E_JSON_BAD_ROOT_HASH;
			break;
		}
		memcpy(sig->root_hex, text, len);
		sig->root_hex[len] = '\0';
		sig->root_digest_size = (uint32_t)(len / 2);
		break;
	case KEY_SIGNATURE:
		ret = string_value(j, sig->allocator, SIG_MAX_BASE64, VERITY_E_SIG_TOO_LARGE, &text,
		                   &len);
		if (ret)
			break;
		sig->signature = verity_alloc(sig->allocator, len / 4 * 3 + 1);
		if (!sig->signature) {
			ret = VERITY_E_NOMEM;
			break;
		}
		ret = base64_decode(text, len, sig->signature, &sig->signature_size);
		if (ret == 0 && sig->signature_size > VERITY_SIG_MAX_SIZE)
			ret = VERITY_E_SIG_TOO_LARGE;
		break;
	default:
		ret =
		    string_value(j, sig->allocator, 64, VERITY_E_JSON_BAD_FINGERPRINT, &text, &len);
		if (ret)
			break;
		if (len != 64 || !lower_hex(text, len, sig->fingerprint))
			ret = VERITY_E_JSON_BAD_FINGERPRINT;
		sig->has_fingerprint = ret == 0;
		break;
	}
	verity_free(sig->allocator, text);
	return ret;
}

static int parse_object(struct verity_ddi_sig *sig, struct json *j)
{
	struct key_seen seen[JSON_MAX_KEYS];
	unsigned nkeys = 0;
	bool have[KEY_COUNT] = {false};
	int ret;

	skip_ws(j);
	if (j->pos >= j->len || j->s[j->pos] != '{')
		return VERITY_E_JSON_SYNTAX;
	j->pos++;
	skip_ws(j);
	if (j->pos < j->len && j->s[j->pos] == '}') {
		j->pos++;
		return VERITY_E_JSON_MISSING_KEY;
	}
	for (;;) {
		uint8_t name[32];
		struct key_seen *k;
		int known;

		skip_ws(j);
		if (nkeys == JSON_MAX_KEYS)
			return VERITY_E_JSON_TOO_LARGE;
		k = &seen[nkeys];
		k->start = j->pos;
		ret = read_string(j, name, sizeof(name), &k->len, &k->hash);
		if (ret)
			return ret;
		for (unsigned i = 0; i < nkeys; i++)
			if (seen[i].hash == k->hash && seen[i].len == k->len &&
			    same_text(j, seen[i].start, k->start))
				return VERITY_E_JSON_DUPLICATE_KEY;
		nkeys++;
		skip_ws(j);
		if (j->pos >= j->len || j->s[j->pos] != ':')
			return VERITY_E_JSON_SYNTAX;
		j->pos++;
		skip_ws(j);
		known = k->len <= sizeof(name) ? known_key(name, k->len) : -1;
		if (known >= 0) {
			ret = take_value(sig, j, known);
			have[known] = true;
		} else {
			ret = read_value(j, 1);
		}
		if (ret)
			return ret;
		skip_ws(j);
		if (j->pos >= j->len)
			return VERITY_E_JSON_SYNTAX;
		if (j->s[j->pos] == '}') {
			j->pos++;
			break;
		}
		if (j->s[j->pos] != ',')
			return VERITY_E_JSON_SYNTAX;
		j->pos++;
	}
	if (!have[KEY_ROOT_HASH] || !have[KEY_SIGNATURE])
		return VERITY_E_JSON_MISSING_KEY;
	return 0;
}

void verity_ddi_sig_free(struct verity_ddi_sig *sig)
{
	if (!sig)
		return;
	verity_free(sig->allocator, sig->signature);
	sig->signature = NULL;
	sig->signature_size = 0;
}

int verity_ddi_sig_parse(struct verity_ddi_sig *sig, const void *buf, size_t len,
                         const struct verity_allocator *allocator)
{
	struct json j = {buf, len, 0};
	int ret;

	if (!sig || (!buf && len))
		return VERITY_E_INVAL;
	memset(sig, 0, sizeof(*sig));
	sig->allocator = allocator;
	if (len > VERITY_DDI_SIG_MAX_SIZE)
		return VERITY_E_JSON_TOO_LARGE;
	ret = parse_object(sig, &j);
	if (ret == 0) {
		skip_ws(&j);
		/* A NUL before the object's end is a syntax error above; after it, only NULs. */
		for (size_t i = j.pos; i < len; i++)
			if (j.s[i] != 0) {
				ret = VERITY_E_JSON_BAD_PADDING;
				break;
			}
	}
	if (ret)
		verity_ddi_sig_free(sig);
	return ret;
}
