/* SPDX-License-Identifier: MIT */
/*
 * LVM2 volume groups: from metadata text to checked segment maps, the scan
 * over a set of PVs, and an LV as one block device.
 */
#include <string.h>

#include "disk/lvm.h"
#include "verity/util.h"

/* Tree nodes and maps a device's metadata may need besides its text. */
#define ARENA_PER_DEVICE ((size_t)LVM_MAX_NODES * 2 * sizeof(struct lvm_cfg_node) + (4u << 20))
#define LABEL_BYTES      2048

struct verity_lvm {
	struct lvm_arena arena;
	struct verity_bdev *bdevs;
	size_t bdev_count;
	struct lvm_vg *vgs;
	size_t vg_count;
};

/* Concatenate up to four strings into @detail (truncating), for messages. */
static void set_detail(char *detail, size_t size, const char *a, const char *b, const char *c,
                       const char *d)
{
	const char *parts[4] = {a, b, c, d};
	size_t n = 0;

	if (!detail || size == 0)
		return;
	for (int i = 0; i < 4; i++)
		for (const char *s = parts[i]; s && *s && n + 1 < size; s++)
			detail[n++] = *s;
	detail[n] = '\0';
}

static const char *get_string(const struct lvm_cfg_node *sec, const char *key)
{
	const struct lvm_cfg_node *n = verity_lvm_cfg_find(sec, key);

	return n && n->type == LVM_CFG_STRING ? n->str : NULL;
}

/* A non-negative integer member. Return: false if absent or of another type. */
static bool get_u64(const struct lvm_cfg_node *sec, const char *key, uint64_t *out)
{
	const struct lvm_cfg_node *n = verity_lvm_cfg_find(sec, key);

	if (!n || n->type != LVM_CFG_INT || n->num < 0)
		return false;
	*out = (uint64_t)n->num;
	return true;
}

static size_t count_sections(const struct lvm_cfg_node *sec)
{
	size_t n = 0;

	for (const struct lvm_cfg_node *c = sec ? sec->child : NULL; c; c = c->next)
		n += c->type == LVM_CFG_SECTION;
	return n;
}

static bool list_has(const struct lvm_cfg_node *list, const char *word)
{
	if (!list || list->type != LVM_CFG_LIST)
		return false;
	for (const struct lvm_cfg_node *i = list->child; i; i = i->next)
		if (i->type == LVM_CFG_STRING && strcmp(i->str, word) == 0)
			return true;
	return false;
}

/* "xxxxxx-xxxx-...": 32 alphanumerics and dashes. Return: false if malformed. */
static bool undash_uuid(const char *id, char out[LVM_UUID_LEN + 1])
{
	size_t n = 0;

	for (; *id; id++) {
		if (*id == '-')
			continue;
		if (n == LVM_UUID_LEN)
			return false;
		out[n++] = *id;
	}
	out[n] = '\0';
	return n == LVM_UUID_LEN;
}

static int parse_pvs(const struct lvm_cfg_node *sec, struct lvm_arena *arena, struct lvm_vg *vg,
                     char *detail, size_t detail_size)
{
	size_t count = count_sections(sec), i = 0;

	if (count > VERITY_LVM_MAX_PVS)
		return VERITY_E_LVM_LIMIT;
	vg->pvs = verity_lvm_arena_alloc(arena, (count ? count : 1) * sizeof(*vg->pvs));
	if (!vg->pvs)
		return VERITY_E_NOMEM;
	for (const struct lvm_cfg_node *c = sec->child; c; c = c->next) {
		struct lvm_pv *pv = &vg->pvs[i];

		if (c->type != LVM_CFG_SECTION)
			continue;
		pv->name = c->key;
		pv->id = get_string(c, "id");
		pv->device = get_string(c, "device");
		/* pe_start is in sectors: its byte offset must fit 64 bits. */
		if (!pv->id || !undash_uuid(pv->id, pv->uuid) ||
		    !get_u64(c, "pe_start", &pv->pe_start) ||
		    !get_u64(c, "pe_count", &pv->pe_count) ||
		    pv->pe_start > UINT64_MAX / LVM_SECTOR) {
			set_detail(detail, detail_size, "physical volume ", c->key, NULL, NULL);
			return VERITY_E_LVM_BAD_METADATA;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(vg->pvs[j].name, pv->name) == 0 ||
			    strcmp(vg->pvs[j].uuid, pv->uuid) == 0) {
				set_detail(detail, detail_size, "physical volume ", c->key, NULL,
				           NULL);
				return VERITY_E_LVM_DUPLICATE_PV;
			}
		i++;
	}
	vg->pv_count = count;
	return 0;
}

static int find_pv(const struct lvm_vg *vg, const char *name, size_t *index)
{
	for (size_t i = 0; i < vg->pv_count; i++)
		if (strcmp(vg->pvs[i].name, name) == 0) {
			*index = i;
			return 0;
		}
	return VERITY_E_LVM_BAD_METADATA;
}

/* One segment section. Linear: type "striped", stripe_count 1, stripes = [pv, pe]. */
static int parse_segment(const struct lvm_cfg_node *c, const struct lvm_vg *vg, struct lvm_seg *seg)
{
	const struct lvm_cfg_node *stripes, *name, *pe;
	uint64_t stripe_count, end;

	seg->type = get_string(c, "type");
	if (!seg->type || !get_u64(c, "start_extent", &seg->start_extent) ||
	    !get_u64(c, "extent_count", &seg->extent_count) || seg->extent_count == 0)
		return VERITY_E_LVM_BAD_METADATA;
	if (verity_add_overflow_u64(seg->start_extent, seg->extent_count, &end))
		return VERITY_E_LVM_BAD_METADATA;
	if (strcmp(seg->type, "striped") != 0)
		return 0;
	if (!get_u64(c, "stripe_count", &stripe_count) || stripe_count == 0)
		return VERITY_E_LVM_BAD_METADATA;
	if (stripe_count != 1)
		return 0;
	stripes = verity_lvm_cfg_find(c, "stripes");
	if (!stripes || stripes->type != LVM_CFG_LIST)
		return VERITY_E_LVM_BAD_METADATA;
	name = stripes->child;
	pe = name ? name->next : NULL;
	if (!name || name->type != LVM_CFG_STRING || !pe || pe->type != LVM_CFG_INT ||
	    pe->num < 0 || pe->next)
		return VERITY_E_LVM_BAD_METADATA;
	if (find_pv(vg, name->str, &seg->pv))
		return VERITY_E_LVM_BAD_METADATA;
	seg->pe = (uint64_t)pe->num;
	if (verity_add_overflow_u64(seg->pe, seg->extent_count, &end) ||
	    end > vg->pvs[seg->pv].pe_count)
		return VERITY_E_LVM_EXTENT_RANGE;
	seg->linear = true;
	return 0;
}

static int parse_lv(const struct lvm_cfg_node *c, struct lvm_arena *arena, struct lvm_vg *vg,
                    struct lvm_lv *lv, size_t *total_segs)
{
	const struct lvm_cfg_node *tags = verity_lvm_cfg_find(c, "tags");
	uint64_t segment_count, bytes;
	size_t count = count_sections(c), i = 0;
	int err;

	lv->name = c->key;
	lv->id = get_string(c, "id");
	lv->visible = list_has(verity_lvm_cfg_find(c, "status"), "VISIBLE");
	if (!lv->id || !get_u64(c, "segment_count", &segment_count))
		return VERITY_E_LVM_BAD_METADATA;
	if (segment_count != count || count == 0)
		return VERITY_E_LVM_BAD_SEGMENTS;
	if (count > VERITY_LVM_MAX_SEGMENTS - *total_segs)
		return VERITY_E_LVM_LIMIT;
	*total_segs += count;
	if (tags) {
		if (tags->type != LVM_CFG_LIST)
			return VERITY_E_LVM_BAD_METADATA;
		for (const struct lvm_cfg_node *t = tags->child; t; t = t->next)
			if (t->type != LVM_CFG_STRING)
				return VERITY_E_LVM_BAD_METADATA;
			else if (++lv->tag_count > VERITY_LVM_MAX_TAGS)
				return VERITY_E_LVM_LIMIT;
		lv->tags = verity_lvm_arena_alloc(arena, (lv->tag_count + 1) * sizeof(*lv->tags));
		if (!lv->tags)
			return VERITY_E_NOMEM;
		for (const struct lvm_cfg_node *t = tags->child; t; t = t->next)
			lv->tags[i++] = t->str;
		i = 0;
	}
	lv->segs = verity_lvm_arena_alloc(arena, count * sizeof(*lv->segs));
	if (!lv->segs)
		return VERITY_E_NOMEM;
	for (const struct lvm_cfg_node *s = c->child; s; s = s->next) {
		struct lvm_seg *seg = &lv->segs[i];

		if (s->type != LVM_CFG_SECTION)
			continue;
		err = parse_segment(s, vg, seg);
		if (err)
			return err;
		/* lvm2 writes segments in logical order, each starting where the last ended. */
		if (seg->start_extent < lv->extents)
			return VERITY_E_LVM_OVERLAP;
		if (seg->start_extent > lv->extents)
			return VERITY_E_LVM_BAD_SEGMENTS;
		lv->extents += seg->extent_count;
		if (!seg->linear && !lv->unsupported)
			lv->unsupported = seg->type;
		i++;
	}
	lv->seg_count = count;
	if (verity_mul_overflow_u64(lv->extents, vg->extent_size, &bytes) ||
	    verity_mul_overflow_u64(bytes, LVM_SECTOR, &bytes))
		return VERITY_E_LVM_BAD_METADATA;
	return 0;
}

/* A linear segment's place on its PV, for the overlap check. */
struct pe_range {
	size_t pv;
	uint64_t pe, count;
	const char *lv;
};

static bool range_less(const struct pe_range *a, const struct pe_range *b)
{
	return a->pv != b->pv ? a->pv < b->pv : a->pe < b->pe;
}

/* Heap sort: no qsort in a freestanding core, and O(n log n) for any input. */
static void sift_down(struct pe_range *r, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		struct pe_range tmp;

		if (child >= n)
			return;
		if (child + 1 < n && range_less(&r[child], &r[child + 1]))
			child++;
		if (!range_less(&r[root], &r[child]))
			return;
		tmp = r[root];
		r[root] = r[child];
		r[child] = tmp;
		root = child;
	}
}

static void sort_ranges(struct pe_range *r, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(r, i, n);
	for (size_t end = n; end-- > 1;) {
		struct pe_range tmp = r[0];

		r[0] = r[end];
		r[end] = tmp;
		sift_down(r, 0, end);
	}
}

static int check_pe_overlap(const struct lvm_vg *vg, size_t total, struct lvm_arena *arena,
                            char *detail, size_t detail_size)
{
	struct pe_range *r = verity_lvm_arena_alloc(arena, (total ? total : 1) * sizeof(*r));
	size_t n = 0;

	if (!r)
		return VERITY_E_NOMEM;
	for (size_t i = 0; i < vg->lv_count; i++)
		for (size_t j = 0; j < vg->lvs[i].seg_count; j++) {
			const struct lvm_seg *s = &vg->lvs[i].segs[j];

			if (s->linear)
				r[n++] = (struct pe_range){s->pv, s->pe, s->extent_count,
				                           vg->lvs[i].name};
		}
	sort_ranges(r, n);
	for (size_t i = 1; i < n; i++)
		if (r[i].pv == r[i - 1].pv && r[i - 1].pe + r[i - 1].count > r[i].pe) {
			set_detail(detail, detail_size, r[i - 1].lv, " and ", r[i].lv, NULL);
			return VERITY_E_LVM_OVERLAP;
		}
	return 0;
}

int verity_lvm_vg_from_cfg(const struct lvm_cfg_node *root, struct lvm_arena *arena,
                           struct lvm_vg *vg, char *detail, size_t detail_size)
{
	const struct lvm_cfg_node *sec = NULL, *pvs, *lvs;
	size_t lv_count, i = 0, total_segs = 0;
	int err;

	memset(vg, 0, sizeof(*vg));
	set_detail(detail, detail_size, NULL, NULL, NULL, NULL);
	if (count_sections(root) != 1)
		return VERITY_E_LVM_BAD_METADATA;
	for (sec = root->child; sec->type != LVM_CFG_SECTION; sec = sec->next)
		;
	vg->name = sec->key;
	vg->id = get_string(sec, "id");
	pvs = verity_lvm_cfg_find(sec, "physical_volumes");
	lvs = verity_lvm_cfg_find(sec, "logical_volumes");
	set_detail(detail, detail_size, "volume group ", vg->name, NULL, NULL);
	if (!vg->id || !get_u64(sec, "seqno", &vg->seqno) ||
	    !get_u64(sec, "extent_size", &vg->extent_size) || vg->extent_size == 0 ||
	    vg->extent_size > UINT32_MAX || !pvs || pvs->type != LVM_CFG_SECTION ||
	    (lvs && lvs->type != LVM_CFG_SECTION))
		return VERITY_E_LVM_BAD_METADATA;
	err = parse_pvs(pvs, arena, vg, detail, detail_size);
	if (err)
		return err;
	lv_count = count_sections(lvs);
	if (lv_count > VERITY_LVM_MAX_LVS)
		return VERITY_E_LVM_LIMIT;
	vg->lvs = verity_lvm_arena_alloc(arena, (lv_count ? lv_count : 1) * sizeof(*vg->lvs));
	vg->visible =
	    verity_lvm_arena_alloc(arena, (lv_count ? lv_count : 1) * sizeof(*vg->visible));
	if (!vg->lvs || !vg->visible)
		return VERITY_E_NOMEM;
	for (const struct lvm_cfg_node *c = lvs ? lvs->child : NULL; c; c = c->next) {
		if (c->type != LVM_CFG_SECTION)
			continue;
		set_detail(detail, detail_size, vg->name, "/", c->key, NULL);
		err = parse_lv(c, arena, vg, &vg->lvs[i], &total_segs);
		if (err)
			return err;
		/* Names are unique within a VG (a quadratic check, bounded by the LV limit). */
		for (size_t j = 0; j < i; j++)
			if (strcmp(vg->lvs[j].name, c->key) == 0)
				return VERITY_E_LVM_BAD_METADATA;
		if (vg->lvs[i].visible)
			vg->visible[vg->visible_count++] = i;
		i++;
	}
	vg->lv_count = lv_count;
	err = check_pe_overlap(vg, total_segs, arena, detail, detail_size);
	if (!err)
		set_detail(detail, detail_size, NULL, NULL, NULL, NULL);
	return err;
}

/* ---- the scan ---- */

/* One metadata copy found on a device. */
struct copy {
	struct lvm_vg vg;
	struct copy *next;
};

static int read_device(struct verity_lvm *lvm, size_t index, size_t max_text,
                       struct lvm_label *label, struct copy **copies, char *detail,
                       size_t detail_size)
{
	const struct verity_bdev *bdev = &lvm->bdevs[index];
	uint8_t buf[LABEL_BYTES];
	size_t len = bdev->size < sizeof(buf) ? (size_t)bdev->size : sizeof(buf);
	int err;

	err = verity_bdev_read(bdev, 0, buf, len);
	if (!err)
		err = verity_lvm_label_parse(buf, len, label);
	if (err)
		return err;
	for (unsigned m = 0; m < label->mda_count; m++) {
		struct lvm_cfg_node *root;
		struct copy *copy;
		size_t text_len;
		char *text;

		err = verity_lvm_mda_read(bdev, &label->mda[m], max_text, &lvm->arena, &text,
		                          &text_len);
		if (err)
			return err;
		if (!text)
			continue;
		err = verity_lvm_cfg_parse(text, text_len, &lvm->arena, &root);
		if (err)
			return err;
		copy = verity_lvm_arena_alloc(&lvm->arena, sizeof(*copy));
		if (!copy)
			return VERITY_E_NOMEM;
		err = verity_lvm_vg_from_cfg(root, &lvm->arena, &copy->vg, detail, detail_size);
		if (err)
			return err;
		copy->next = *copies;
		*copies = copy;
	}
	return 0;
}

/* Match each PV of @vg to a device and check that its segments lie inside it. */
static int bind_vg(struct verity_lvm *lvm, struct lvm_vg *vg, const struct lvm_label *labels,
                   char *detail, size_t detail_size)
{
	for (size_t p = 0; p < vg->pv_count; p++) {
		struct lvm_pv *pv = &vg->pvs[p];
		size_t d;

		for (d = 0; d < lvm->bdev_count; d++)
			if (strcmp(labels[d].uuid, pv->uuid) == 0)
				break;
		if (d == lvm->bdev_count) {
			set_detail(detail, detail_size, pv->name, " (", pv->id, ")");
			if (pv->device && detail && detail_size) {
				size_t n = strlen(detail);

				set_detail(detail + n, detail_size - n, ", last seen on ",
				           pv->device, NULL, NULL);
			}
			return VERITY_E_LVM_MISSING_PV;
		}
		pv->bdev = d;
	}
	for (size_t l = 0; l < vg->lv_count; l++)
		for (size_t s = 0; s < vg->lvs[l].seg_count; s++) {
			const struct lvm_seg *seg = &vg->lvs[l].segs[s];
			const struct lvm_pv *pv = &vg->pvs[seg->pv];
			uint64_t end;

			if (!seg->linear)
				continue;
			/* (pe_start + (pe + count) * extent_size) sectors, in bytes. */
			if (verity_mul_overflow_u64(seg->pe + seg->extent_count, vg->extent_size,
			                            &end) ||
			    verity_add_overflow_u64(end, pv->pe_start, &end) ||
			    verity_mul_overflow_u64(end, LVM_SECTOR, &end) ||
			    end > lvm->bdevs[pv->bdev].size) {
				set_detail(detail, detail_size, vg->name, "/", vg->lvs[l].name,
				           NULL);
				return VERITY_E_LVM_EXTENT_RANGE;
			}
		}
	return 0;
}

static int scan(struct verity_lvm *lvm, size_t max_text, struct lvm_label *labels, char *detail,
                size_t detail_size, size_t *device)
{
	struct copy *copies = NULL;
	size_t n = 0;
	int err;

	for (size_t d = 0; d < lvm->bdev_count; d++) {
		err = read_device(lvm, d, max_text, &labels[d], &copies, detail, detail_size);
		if (err) {
			if (device)
				*device = d;
			return err;
		}
		for (size_t e = 0; e < d; e++)
			if (strcmp(labels[e].uuid, labels[d].uuid) == 0) {
				set_detail(detail, detail_size, "PV UUID ", labels[d].uuid, NULL,
				           NULL);
				return VERITY_E_LVM_DUPLICATE_PV;
			}
	}
	if (!copies)
		return VERITY_E_LVM_NO_METADATA;
	/* Keep, per VG id, the copy with the highest seqno (the others lose their name). */
	for (struct copy *c = copies; c; c = c->next) {
		for (struct copy *o = c->next; c->vg.name && o; o = o->next) {
			if (!o->vg.name || strcmp(o->vg.id, c->vg.id) != 0)
				continue;
			if (o->vg.seqno > c->vg.seqno)
				c->vg.name = NULL;
			else
				o->vg.name = NULL;
		}
	}
	for (struct copy *c = copies; c; c = c->next)
		n += c->vg.name != NULL;
	lvm->vgs = verity_lvm_arena_alloc(&lvm->arena, n * sizeof(*lvm->vgs));
	if (!lvm->vgs)
		return VERITY_E_NOMEM;
	for (struct copy *c = copies; c; c = c->next) {
		if (!c->vg.name)
			continue;
		for (size_t v = 0; v < lvm->vg_count; v++)
			if (strcmp(lvm->vgs[v].name, c->vg.name) == 0) {
				set_detail(detail, detail_size, "two volume groups named ",
				           c->vg.name, NULL, NULL);
				return VERITY_E_LVM_BAD_METADATA;
			}
		lvm->vgs[lvm->vg_count] = c->vg;
		err = bind_vg(lvm, &lvm->vgs[lvm->vg_count], labels, detail, detail_size);
		if (err)
			return err;
		lvm->vg_count++;
	}
	/* A PV in two VGs would let one VG's LVs read another's extents. */
	for (size_t a = 0; a < lvm->vg_count; a++)
		for (size_t b = a + 1; b < lvm->vg_count; b++)
			for (size_t p = 0; p < lvm->vgs[a].pv_count; p++)
				for (size_t q = 0; q < lvm->vgs[b].pv_count; q++)
					if (lvm->vgs[a].pvs[p].bdev == lvm->vgs[b].pvs[q].bdev) {
						set_detail(detail, detail_size, "PV UUID ",
						           lvm->vgs[a].pvs[p].uuid, NULL, NULL);
						return VERITY_E_LVM_DUPLICATE_PV;
					}
	for (size_t v = 0; v < lvm->vg_count; v++)
		for (size_t l = 0; l < lvm->vgs[v].lv_count; l++) {
			lvm->vgs[v].lvs[l].vg = &lvm->vgs[v];
			lvm->vgs[v].lvs[l].owner = lvm;
		}
	return 0;
}

int verity_lvm_scan(struct verity_lvm **out, const struct verity_bdev *pvs, size_t count,
                    const struct verity_lvm_options *opts)
{
	const struct verity_allocator *allocator = opts ? opts->allocator : NULL;
	size_t max_text = opts && opts->max_text ? opts->max_text : VERITY_LVM_DEFAULT_MAX_TEXT;
	char *detail = opts ? opts->detail : NULL;
	size_t detail_size = opts ? opts->detail_size : 0, limit;
	struct verity_lvm *lvm;
	struct lvm_label *labels;
	int err;

	set_detail(detail, detail_size, NULL, NULL, NULL, NULL);
	if (opts && opts->device)
		*opts->device = SIZE_MAX;
	if (!out || !pvs || count == 0 || count > VERITY_LVM_MAX_DEVICES)
		return VERITY_E_INVAL;
	*out = NULL;
	if (opts)
		for (size_t i = 0; i < sizeof(opts->reserved) / sizeof(opts->reserved[0]); i++)
			if (opts->reserved[i])
				return VERITY_E_INVAL;
	for (size_t i = 0; i < count; i++)
		if (!pvs[i].read)
			return VERITY_E_INVAL;
	/* Per device: its texts (two areas), their string pools, trees and maps. */
	if (max_text > (SIZE_MAX / 2 - ARENA_PER_DEVICE) / VERITY_LVM_MAX_DEVICES / 4)
		return VERITY_E_INVAL;
	limit = (4 * max_text + ARENA_PER_DEVICE) * count + (1u << 20);

	lvm = verity_alloc(allocator, sizeof(*lvm));
	if (!lvm)
		return VERITY_E_NOMEM;
	memset(lvm, 0, sizeof(*lvm));
	verity_lvm_arena_init(&lvm->arena, allocator, limit);
	lvm->bdevs = verity_lvm_arena_alloc(&lvm->arena, count * sizeof(*lvm->bdevs));
	labels = verity_lvm_arena_alloc(&lvm->arena, count * sizeof(*labels));
	if (!lvm->bdevs || !labels) {
		verity_lvm_free(lvm);
		return VERITY_E_NOMEM;
	}
	memcpy(lvm->bdevs, pvs, count * sizeof(*pvs));
	lvm->bdev_count = count;
	err = scan(lvm, max_text, labels, detail, detail_size, opts ? opts->device : NULL);
	if (err) {
		verity_lvm_free(lvm);
		return err;
	}
	*out = lvm;
	return 0;
}

void verity_lvm_free(struct verity_lvm *lvm)
{
	const struct verity_allocator *allocator;

	if (!lvm)
		return;
	allocator = lvm->arena.allocator;
	verity_lvm_arena_free(&lvm->arena);
	verity_free(allocator, lvm);
}

/* ---- queries ---- */

size_t verity_lvm_vg_count(const struct verity_lvm *lvm)
{
	return lvm ? lvm->vg_count : 0;
}

static const struct lvm_vg *get_vg(const struct verity_lvm *lvm, size_t vg)
{
	return lvm && vg < lvm->vg_count ? &lvm->vgs[vg] : NULL;
}

static const struct lvm_lv *get_lv(const struct verity_lvm *lvm, size_t vg, size_t lv)
{
	const struct lvm_vg *g = get_vg(lvm, vg);

	return g && lv < g->visible_count ? &g->lvs[g->visible[lv]] : NULL;
}

int verity_lvm_vg_info(const struct verity_lvm *lvm, size_t vg, struct verity_lvm_vg_info *info)
{
	const struct lvm_vg *g = get_vg(lvm, vg);

	if (!g || !info)
		return VERITY_E_INVAL;
	info->name = g->name;
	info->id = g->id;
	info->seqno = g->seqno;
	info->extent_size = g->extent_size * LVM_SECTOR;
	info->pv_count = g->pv_count;
	info->lv_count = g->visible_count;
	return 0;
}

int verity_lvm_pv_info(const struct verity_lvm *lvm, size_t vg, size_t pv,
                       struct verity_lvm_pv_info *info)
{
	const struct lvm_vg *g = get_vg(lvm, vg);
	const struct lvm_pv *p;

	if (!g || pv >= g->pv_count || !info)
		return VERITY_E_INVAL;
	p = &g->pvs[pv];
	info->name = p->name;
	info->id = p->id;
	info->device = p->device;
	info->device_index = p->bdev;
	info->pe_start = p->pe_start * LVM_SECTOR;
	info->pe_count = p->pe_count;
	return 0;
}

int verity_lvm_lv_info(const struct verity_lvm *lvm, size_t vg, size_t lv,
                       struct verity_lvm_lv_info *info)
{
	const struct lvm_lv *l = get_lv(lvm, vg, lv);

	if (!l || !info)
		return VERITY_E_INVAL;
	info->name = l->name;
	info->id = l->id;
	/* Checked against overflow when the VG was built. */
	info->size = l->extents * l->vg->extent_size * LVM_SECTOR;
	info->extent_count = l->extents;
	info->segment_count = l->seg_count;
	info->tag_count = l->tag_count;
	info->unsupported_type = l->unsupported;
	return 0;
}

const char *verity_lvm_lv_tag(const struct verity_lvm *lvm, size_t vg, size_t lv, size_t tag)
{
	const struct lvm_lv *l = get_lv(lvm, vg, lv);

	return l && tag < l->tag_count ? l->tags[tag] : NULL;
}

int verity_lvm_segment(const struct verity_lvm *lvm, size_t vg, size_t lv, size_t seg,
                       struct verity_lvm_segment *out)
{
	const struct lvm_lv *l = get_lv(lvm, vg, lv);
	const struct lvm_seg *s;

	if (!l || seg >= l->seg_count || !out)
		return VERITY_E_INVAL;
	s = &l->segs[seg];
	out->start_extent = s->start_extent;
	out->extent_count = s->extent_count;
	out->type = s->type;
	out->linear = s->linear;
	out->pv = s->pv;
	out->pe = s->pe;
	return 0;
}

int verity_lvm_find(const struct verity_lvm *lvm, const char *vg_name, const char *lv_name,
                    size_t *vg, size_t *lv)
{
	bool found = false;

	if (!lvm || !lv_name || !vg || !lv)
		return VERITY_E_INVAL;
	for (size_t v = 0; v < lvm->vg_count; v++) {
		const struct lvm_vg *g = &lvm->vgs[v];

		if (vg_name && strcmp(g->name, vg_name) != 0)
			continue;
		for (size_t i = 0; i < g->visible_count; i++) {
			if (strcmp(g->lvs[g->visible[i]].name, lv_name) != 0)
				continue;
			if (found)
				return VERITY_E_LVM_NOT_FOUND; /* ambiguous without a VG name */
			found = true;
			*vg = v;
			*lv = i;
		}
	}
	return found ? 0 : VERITY_E_LVM_NOT_FOUND;
}

/* ---- an LV as a block device ---- */

static int lv_read(void *user_data, uint64_t offset, void *buf, size_t len)
{
	const struct lvm_lv *lv = user_data;
	const struct lvm_vg *vg = lv->vg;
	const uint64_t extent = vg->extent_size * LVM_SECTOR;
	uint8_t *out = buf;

	while (len) {
		uint64_t le = offset / extent, seg_end, pv_off, chunk;
		size_t lo = 0, hi = lv->seg_count;
		const struct lvm_seg *s;
		const struct lvm_pv *pv;
		int err;

		/* Segments are contiguous and ordered: binary search the one holding @le. */
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;

			if (lv->segs[mid].start_extent <= le)
				lo = mid;
			else
				hi = mid;
		}
		s = &lv->segs[lo];
		pv = &vg->pvs[s->pv];
		seg_end = (s->start_extent + s->extent_count) * extent;
		if (offset >= seg_end)
			return VERITY_E_SHORT_READ;
		chunk = seg_end - offset;
		if (chunk > len)
			chunk = len;
		pv_off = pv->pe_start * LVM_SECTOR + s->pe * extent +
		         (offset - s->start_extent * extent);
		err = verity_bdev_read(&lv->owner->bdevs[pv->bdev], pv_off, out, (size_t)chunk);
		if (err)
			return err;
		out += chunk;
		offset += chunk;
		len -= (size_t)chunk;
	}
	return 0;
}

int verity_lvm_lv_bdev(const struct verity_lvm *lvm, size_t vg, size_t lv, struct verity_bdev *bdev)
{
	const struct lvm_lv *l = get_lv(lvm, vg, lv);

	if (!l || !bdev)
		return VERITY_E_INVAL;
	if (l->unsupported)
		return VERITY_E_LVM_UNSUPPORTED;
	*bdev = (struct verity_bdev){.user_data = (void *)l,
	                             .read = lv_read,
	                             .size = l->extents * l->vg->extent_size * LVM_SECTOR};
	return 0;
}
