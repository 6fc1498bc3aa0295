/* SPDX-License-Identifier: MIT */
/*
 * The LVM2 metadata text alone: the config-tree parser and the volume group
 * built from it. Input: a metadata text (seeds: texts written by lvm2).
 *
 * Invariants: only documented codes; an accepted tree has every key a name
 * of at most VERITY_LVM_NAME_MAX bytes, nests no deeper than
 * VERITY_LVM_MAX_DEPTH sections, and holds lists of scalars only; a VG built
 * from it has contiguous segments inside their PVs.
 */
#include "disk/lvm.h"
#include "fuzz/fuzz.h"

static void check_tree(const struct lvm_cfg_node *sec, unsigned depth)
{
	FUZZ_CHECK(depth <= VERITY_LVM_MAX_DEPTH);
	for (const struct lvm_cfg_node *n = sec->child; n; n = n->next) {
		FUZZ_CHECK(n->key && strlen(n->key) >= 1 && strlen(n->key) <= VERITY_LVM_NAME_MAX);
		if (n->type == LVM_CFG_SECTION)
			check_tree(n, depth + 1);
		else if (n->type == LVM_CFG_STRING)
			FUZZ_CHECK(n->str != NULL);
		else if (n->type == LVM_CFG_LIST)
			for (const struct lvm_cfg_node *i = n->child; i; i = i->next)
				FUZZ_CHECK(!i->key && (i->type == LVM_CFG_INT ||
				                       (i->type == LVM_CFG_STRING && i->str)));
	}
}

static void check_vg(const struct lvm_vg *vg)
{
	for (size_t l = 0; l < vg->lv_count; l++) {
		const struct lvm_lv *lv = &vg->lvs[l];
		uint64_t next = 0;

		for (size_t s = 0; s < lv->seg_count; s++) {
			const struct lvm_seg *seg = &lv->segs[s];

			FUZZ_CHECK(seg->start_extent == next && seg->extent_count > 0);
			next += seg->extent_count;
			if (seg->linear)
				FUZZ_CHECK(seg->pv < vg->pv_count && seg->pe + seg->extent_count <=
				                                         vg->pvs[seg->pv].pe_count);
		}
		FUZZ_CHECK(next == lv->extents);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lvm_arena arena;
	struct lvm_cfg_node *root;
	struct lvm_vg vg;
	int ret;

	if (size > VERITY_LVM_DEFAULT_MAX_TEXT)
		return 0;
	verity_lvm_arena_init(&arena, NULL, 64u << 20);
	ret = verity_lvm_cfg_parse((const char *)data, size, &arena, &root);
	FUZZ_LOG("lvm_text: parse %d (%s)\n", ret, verity_strerror(ret));
	if (ret) {
		FUZZ_CHECK(ret == VERITY_E_LVM_SYNTAX || ret == VERITY_E_LVM_TOO_DEEP ||
		           ret == VERITY_E_LVM_LIMIT || ret == VERITY_E_NOMEM);
		verity_lvm_arena_free(&arena);
		return 0;
	}
	check_tree(root, 0);
	ret = verity_lvm_vg_from_cfg(root, &arena, &vg, NULL, 0);
	FUZZ_LOG("lvm_text: vg %d (%s)\n", ret, verity_strerror(ret));
	if (ret)
		FUZZ_CHECK(ret == VERITY_E_LVM_BAD_METADATA || ret == VERITY_E_LVM_LIMIT ||
		           ret == VERITY_E_LVM_OVERLAP || ret == VERITY_E_LVM_EXTENT_RANGE ||
		           ret == VERITY_E_LVM_BAD_SEGMENTS || ret == VERITY_E_LVM_DUPLICATE_PV ||
		           ret == VERITY_E_NOMEM);
	else
		check_vg(&vg);
	verity_lvm_arena_free(&arena);
	return 0;
}
