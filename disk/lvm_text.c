/* SPDX-License-Identifier: MIT */
/*
 * The LVM2 metadata text: lvm2's config-tree grammar, restricted to what
 * metadata uses.
 *
 *   file    = item*
 *   item    = NAME "=" value | NAME "{" item* "}"
 *   value   = INT | STRING | "[" [scalar ("," scalar)*] "]"
 *   comment = "#" to the end of the line
 *
 * One pass, no recursion (an explicit stack of open sections), every node
 * and string from the arena, strings unescaped into a pool of the text's
 * size, so the memory is linear in the input.
 */
#include <string.h>

#include "disk/lvm.h"

struct parser {
	const char *p, *end;
	struct lvm_arena *arena;
	char *pool; /* unescaped strings and keys */
	size_t pool_used, pool_size;
	size_t nodes;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '+' || c == '-';
}

/* Skip blanks and comments. Return: false on a NUL byte. */
static bool skip_blank(struct parser *ps)
{
	while (ps->p < ps->end) {
		char c = *ps->p;

		if (c == '#') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
		} else if (is_space(c)) {
			ps->p++;
		} else {
			return c != '\0';
		}
	}
	return true;
}

static struct lvm_cfg_node *new_node(struct parser *ps, enum lvm_cfg_type type)
{
	struct lvm_cfg_node *n;

	if (ps->nodes >= LVM_MAX_NODES)
		return NULL;
	n = verity_lvm_arena_alloc(ps->arena, sizeof(*n));
	if (n) {
		n->type = type;
		ps->nodes++;
	}
	return n;
}

/* Copy @len bytes into the pool, NUL-terminated. The pool holds the whole text. */
static char *pool_put(struct parser *ps, const char *s, size_t len)
{
	char *out = ps->pool + ps->pool_used;

	memcpy(out, s, len);
	out[len] = '\0';
	ps->pool_used += len + 1;
	return out;
}

static int parse_name(struct parser *ps, const char **name)
{
	const char *start = ps->p;

	while (ps->p < ps->end && is_name_char(*ps->p))
		ps->p++;
	if (ps->p == start)
		return VERITY_E_LVM_SYNTAX;
	if ((size_t)(ps->p - start) > VERITY_LVM_NAME_MAX)
		return VERITY_E_LVM_LIMIT;
	*name = pool_put(ps, start, (size_t)(ps->p - start));
	return 0;
}

static int parse_string(struct parser *ps, const char **out)
{
	char *dst = ps->pool + ps->pool_used;
	size_t n = 0;

	ps->p++; /* opening quote */
	for (;;) {
		char c;

		if (ps->p >= ps->end)
			return VERITY_E_LVM_SYNTAX;
		c = *ps->p++;
		if (c == '\0')
			return VERITY_E_LVM_SYNTAX;
		if (c == '"')
			break;
		if (c == '\\') {
			if (ps->p >= ps->end || *ps->p == '\0')
				return VERITY_E_LVM_SYNTAX;
			c = *ps->p++;
		}
		/* The escaped form is never shorter, so the pool (text size) is enough. */
		dst[n++] = c;
	}
	dst[n] = '\0';
	ps->pool_used += n + 1;
	*out = dst;
	return 0;
}

static int parse_int(struct parser *ps, int64_t *out)
{
	bool neg = false;
	uint64_t v = 0;
	const char *start;

	if (*ps->p == '-') {
		neg = true;
		ps->p++;
	}
	start = ps->p;
	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
		unsigned d = (unsigned)(*ps->p - '0');

		if (v > ((uint64_t)INT64_MAX - d) / 10)
			return VERITY_E_LVM_SYNTAX;
		v = v * 10 + d;
		ps->p++;
	}
	if (ps->p == start)
		return VERITY_E_LVM_SYNTAX;
	/* Floats and trailing letters do not occur in metadata. */
	if (ps->p < ps->end && (is_name_char(*ps->p) || *ps->p == '"'))
		return VERITY_E_LVM_SYNTAX;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

static int parse_scalar(struct parser *ps, struct lvm_cfg_node *n)
{
	if (*ps->p == '"') {
		n->type = LVM_CFG_STRING;
		return parse_string(ps, &n->str);
	}
	if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9')) {
		n->type = LVM_CFG_INT;
		return parse_int(ps, &n->num);
	}
	return VERITY_E_LVM_SYNTAX;
}

static int parse_list(struct parser *ps, struct lvm_cfg_node *list)
{
	struct lvm_cfg_node **tail = &list->child;
	int err;

	ps->p++; /* [ */
	if (!skip_blank(ps) || ps->p >= ps->end)
		return VERITY_E_LVM_SYNTAX;
	if (*ps->p == ']') {
		ps->p++;
		return 0;
	}
	for (;;) {
		struct lvm_cfg_node *item = new_node(ps, LVM_CFG_INT);

		if (!item)
			return ps->nodes >= LVM_MAX_NODES ? VERITY_E_LVM_LIMIT : VERITY_E_NOMEM;
		if (!skip_blank(ps) || ps->p >= ps->end)
			return VERITY_E_LVM_SYNTAX;
		err = parse_scalar(ps, item);
		if (err)
			return err;
		*tail = item;
		tail = &item->next;
		if (!skip_blank(ps) || ps->p >= ps->end)
			return VERITY_E_LVM_SYNTAX;
		if (*ps->p == ']') {
			ps->p++;
			return 0;
		}
		if (*ps->p != ',')
			return VERITY_E_LVM_SYNTAX;
		ps->p++;
	}
}

int verity_lvm_cfg_parse(const char *text, size_t len, struct lvm_arena *arena,
                         struct lvm_cfg_node **root)
{
	struct lvm_cfg_node **tails[VERITY_LVM_MAX_DEPTH + 1];
	struct parser ps = {.p = text, .end = text + len, .arena = arena};
	struct lvm_cfg_node *top;
	unsigned depth = 0;
	int err;

	if (!text || !arena || !root || len > SIZE_MAX - 1)
		return VERITY_E_INVAL;
	ps.pool_size = len + 1;
	ps.pool = verity_lvm_arena_alloc(arena, ps.pool_size);
	top = new_node(&ps, LVM_CFG_SECTION);
	if (!ps.pool || !top)
		return VERITY_E_NOMEM;
	tails[0] = &top->child;

	for (;;) {
		struct lvm_cfg_node *n;
		const char *key;

		if (!skip_blank(&ps))
			return VERITY_E_LVM_SYNTAX;
		if (ps.p >= ps.end)
			break;
		if (*ps.p == '}') {
			if (depth == 0)
				return VERITY_E_LVM_SYNTAX;
			depth--;
			ps.p++;
			continue;
		}
		err = parse_name(&ps, &key);
		if (err)
			return err;
		if (!skip_blank(&ps) || ps.p >= ps.end)
			return VERITY_E_LVM_SYNTAX;
		n = new_node(&ps, LVM_CFG_SECTION);
		if (!n)
			return ps.nodes >= LVM_MAX_NODES ? VERITY_E_LVM_LIMIT : VERITY_E_NOMEM;
		n->key = key;
		*tails[depth] = n;
		tails[depth] = &n->next;
		if (*ps.p == '{') {
			ps.p++;
			if (depth == VERITY_LVM_MAX_DEPTH)
				return VERITY_E_LVM_TOO_DEEP;
			depth++;
			tails[depth] = &n->child;
			continue;
		}
		if (*ps.p != '=')
			return VERITY_E_LVM_SYNTAX;
		ps.p++;
		if (!skip_blank(&ps) || ps.p >= ps.end)
			return VERITY_E_LVM_SYNTAX;
		if (*ps.p == '[') {
			n->type = LVM_CFG_LIST;
			err = parse_list(&ps, n);
		} else {
			err = parse_scalar(&ps, n);
		}
		if (err)
			return err;
	}
	if (depth != 0)
		return VERITY_E_LVM_SYNTAX;
	*root = top;
	return 0;
}

const struct lvm_cfg_node *verity_lvm_cfg_find(const struct lvm_cfg_node *sec, const char *key)
{
	if (!sec || sec->type != LVM_CFG_SECTION)
		return NULL;
	for (const struct lvm_cfg_node *n = sec->child; n; n = n->next)
		if (n->key && strcmp(n->key, key) == 0)
			return n;
	return NULL;
}
