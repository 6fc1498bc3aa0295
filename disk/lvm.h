/* SPDX-License-Identifier: MIT */
/* LVM2 reader internals shared by disk/lvm_*.c, the tests and the fuzzers. */
#ifndef VERITY_DISK_LVM_H
#define VERITY_DISK_LVM_H

#include "libverity.h"

/* ---- disk/lvm_arena.c: bump allocation, freed all at once ---- */

struct lvm_chunk;
struct lvm_arena {
	const struct verity_allocator *allocator;
	struct lvm_chunk *head;
	size_t used;  /* bytes allocated from the hooks so far */
	size_t limit; /* most bytes it may take */
};

void verity_lvm_arena_init(struct lvm_arena *arena, const struct verity_allocator *allocator,
                           size_t limit);
/* Zeroed, 16-byte aligned; NULL when the hooks fail or the limit is reached. */
void *verity_lvm_arena_alloc(struct lvm_arena *arena, size_t size);
void verity_lvm_arena_free(struct lvm_arena *arena);

/* ---- disk/lvm_label.c: label, pv_header, metadata areas ---- */

#define LVM_SECTOR         512
#define LVM_UUID_LEN       32
#define LVM_MAX_MDAS       2 /* lvm2 writes at most two per PV */
#define LVM_MAX_DATA_AREAS 8

/* LVM2's CRC-32: reflected 0xEDB88320, seed 0xF597A6CF, no final XOR. */
uint32_t verity_lvm_crc(const void *buf, size_t len);

struct lvm_area {
	uint64_t offset;
	uint64_t size; /* 0: to the end of the device (data areas only) */
};

struct lvm_label {
	uint64_t sector; /* where the label was found */
	char uuid[LVM_UUID_LEN + 1];
	uint64_t device_size;
	struct lvm_area data[LVM_MAX_DATA_AREAS];
	unsigned data_count;
	struct lvm_area mda[LVM_MAX_MDAS];
	unsigned mda_count;
};

/*
 * Parse the first 2048 bytes of a device (sectors 0..3): the label and its
 * pv_header. Return: 0 or a VERITY_E_LVM_* label error.
 */
int verity_lvm_label_parse(const uint8_t *buf, size_t len, struct lvm_label *label);

/* Where slot 0 says the committed text is. */
struct lvm_mda_locn {
	uint64_t offset; /* relative to the area start */
	uint64_t size;   /* with the trailing NUL; 0: no metadata */
	uint32_t checksum;
	bool ignored;
};

/*
 * Check a 512-byte mda_header read at absolute offset @area->offset of an
 * area of @area->size bytes. Return: 0 or a VERITY_E_LVM_MDA_* / BAD_LOCN error.
 */
int verity_lvm_mda_header_parse(const uint8_t *buf, size_t len, const struct lvm_area *area,
                                struct lvm_mda_locn *locn);

/*
 * Read the committed text of metadata area @area of @bdev into @text
 * (allocated from @arena, NUL-terminated, @text_len bytes without the NUL).
 * *@text is NULL when the area holds no metadata or is marked ignored.
 */
int verity_lvm_mda_read(const struct verity_bdev *bdev, const struct lvm_area *area,
                        size_t max_text, struct lvm_arena *arena, char **text, size_t *text_len);

/* ---- disk/lvm_text.c: the config-tree grammar ---- */

/*
 * Nodes per text: above the largest VG the limits allow (4096 LVs, 16384
 * segments, about ten nodes each), and what bounds a tree's memory.
 */
#define LVM_MAX_NODES (1u << 18)

enum lvm_cfg_type {
	LVM_CFG_SECTION,
	LVM_CFG_INT,
	LVM_CFG_STRING,
	LVM_CFG_LIST,
};

struct lvm_cfg_node {
	const char *key; /* NULL for list items */
	enum lvm_cfg_type type;
	int64_t num;
	const char *str;
	struct lvm_cfg_node *child; /* section members or list items */
	struct lvm_cfg_node *next;
};

/*
 * Parse @len bytes of metadata text (no NUL needed; a NUL inside is an
 * error) into a tree allocated from @arena. *@root is a section. Return: 0,
 * VERITY_E_LVM_SYNTAX, VERITY_E_LVM_TOO_DEEP, VERITY_E_LVM_LIMIT or
 * VERITY_E_NOMEM.
 */
int verity_lvm_cfg_parse(const char *text, size_t len, struct lvm_arena *arena,
                         struct lvm_cfg_node **root);

/* The first member of section @sec named @key, or NULL. */
const struct lvm_cfg_node *verity_lvm_cfg_find(const struct lvm_cfg_node *sec, const char *key);

/* ---- disk/lvm.c: volume groups ---- */

struct lvm_pv {
	const char *name, *id, *device;
	char uuid[LVM_UUID_LEN + 1]; /* id without dashes */
	uint64_t pe_start;           /* sectors */
	uint64_t pe_count;
	size_t bdev;
};

struct lvm_seg {
	uint64_t start_extent, extent_count;
	const char *type;
	bool linear;
	size_t pv;
	uint64_t pe;
};

struct lvm_vg;
struct verity_lvm;

struct lvm_lv {
	const char *name, *id;
	bool visible;
	const char **tags;
	size_t tag_count;
	struct lvm_seg *segs;
	size_t seg_count;
	uint64_t extents;
	const char *unsupported;
	const struct lvm_vg *vg; /* for the bdev adapter */
	const struct verity_lvm *owner;
};

struct lvm_vg {
	const char *name, *id;
	uint64_t seqno;
	uint64_t extent_size; /* sectors */
	struct lvm_pv *pvs;
	size_t pv_count;
	struct lvm_lv *lvs;
	size_t lv_count;
	size_t *visible; /* indexes of visible LVs */
	size_t visible_count;
};

/*
 * Build a VG from a parsed text (@root), checking names, counts and each
 * LV's segments (contiguous, PV named, inside the PV's extents). PVs are
 * not matched to devices. @detail as in struct verity_lvm_options.
 */
int verity_lvm_vg_from_cfg(const struct lvm_cfg_node *root, struct lvm_arena *arena,
                           struct lvm_vg *vg, char *detail, size_t detail_size);

#endif /* VERITY_DISK_LVM_H */
