/* SPDX-License-Identifier: MIT */
/*
 * libverity: LVM2 linear logical volumes (included by libverity.h).
 *
 * A small, strict reader of LVM2 on-disk metadata: the PV label, the
 * metadata area and the metadata text, enough to map a linear logical volume
 * onto its physical volumes and read it as one struct verity_bdev. Core code:
 * no stdio, allocation only through the caller's hooks.
 *
 * Limits (each refused with VERITY_E_LVM_LIMIT unless noted):
 *  - metadata text: VERITY_LVM_DEFAULT_MAX_TEXT bytes unless the caller sets
 *    another (VERITY_E_LVM_TEXT_TOO_LARGE);
 *  - nesting depth of the text: VERITY_LVM_MAX_DEPTH sections
 *    (VERITY_E_LVM_TOO_DEEP); names: VERITY_LVM_NAME_MAX bytes;
 *  - per volume group: VERITY_LVM_MAX_PVS physical volumes,
 *    VERITY_LVM_MAX_LVS logical volumes, VERITY_LVM_MAX_SEGMENTS segments,
 *    VERITY_LVM_MAX_TAGS tags per LV; VERITY_LVM_MAX_DEVICES devices per scan.
 * The work a scan can cause is linear in the text size except the overlap
 * check, O(s log s) in the segment count.
 */
#ifndef LIBVERITY_LVM_H
#define LIBVERITY_LVM_H

#include <libverity/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* LVM2 errors (verity_strerror() describes each). */
enum verity_lvm_error {
	VERITY_E_LVM_NO_LABEL = -800,       /* no "LABELONE" in sectors 0..3 */
	VERITY_E_LVM_LABEL_SECTOR = -801,   /* label records another sector */
	VERITY_E_LVM_LABEL_CRC = -802,      /* label CRC does not match */
	VERITY_E_LVM_LABEL_TYPE = -803,     /* label type is not "LVM2 001" */
	VERITY_E_LVM_BAD_PV_HEADER = -804,  /* pv_header or its area lists malformed */
	VERITY_E_LVM_MDA_MAGIC = -805,      /* metadata area header magic wrong */
	VERITY_E_LVM_MDA_VERSION = -806,    /* metadata area header version not 1 */
	VERITY_E_LVM_MDA_START = -807,      /* header start is not its own offset */
	VERITY_E_LVM_MDA_CRC = -808,        /* metadata area header CRC wrong */
	VERITY_E_LVM_BAD_LOCN = -809,       /* metadata location outside its area */
	VERITY_E_LVM_TEXT_CRC = -810,       /* metadata text CRC wrong */
	VERITY_E_LVM_TEXT_TOO_LARGE = -811, /* metadata text over the limit */
	VERITY_E_LVM_SYNTAX = -812,         /* metadata text does not parse */
	VERITY_E_LVM_TOO_DEEP = -813,       /* sections nested too deep */
	VERITY_E_LVM_LIMIT = -814,          /* too many PVs, LVs, segments, or a long name */
	VERITY_E_LVM_BAD_METADATA = -815,   /* a required value missing or invalid */
	VERITY_E_LVM_MISSING_PV = -816,     /* the VG names a PV that was not given */
	VERITY_E_LVM_DUPLICATE_PV = -817,   /* two devices carry the same PV UUID */
	VERITY_E_LVM_UNSUPPORTED = -818,    /* LV has a segment that is not linear */
	VERITY_E_LVM_OVERLAP = -819,        /* segments overlap (LV or PV extents) */
	VERITY_E_LVM_EXTENT_RANGE = -820,   /* extents past the end of the PV */
	VERITY_E_LVM_NO_METADATA = -821,    /* no given device holds VG metadata */
	VERITY_E_LVM_BAD_SEGMENTS = -822,   /* segments leave a gap or miscount */
	VERITY_E_LVM_NOT_FOUND = -823,      /* no such VG or LV (or a hidden LV) */
	VERITY_E_LVM_TRUNCATED = -824,      /* device too short for an area, text unterminated */
};

#define VERITY_LVM_DEFAULT_MAX_TEXT (4u << 20)
#define VERITY_LVM_MAX_DEPTH        8
#define VERITY_LVM_NAME_MAX         128
#define VERITY_LVM_MAX_PVS          256
#define VERITY_LVM_MAX_LVS          4096
#define VERITY_LVM_MAX_SEGMENTS     16384
#define VERITY_LVM_MAX_TAGS         64
#define VERITY_LVM_MAX_DEVICES      256

/**
 * struct verity_lvm_options - scan options (zero, then fill in)
 * @allocator: memory hooks, or NULL for malloc/free
 * @max_text: largest metadata text accepted, bytes (0: the default)
 * @detail: if not NULL, receives on failure the name involved (a PV name and
 *          UUID, an LV name, a segment type), NUL-terminated; "" if none
 * @detail_size: bytes at @detail
 * @device: if not NULL, receives on failure the index of the device whose
 *          label or metadata was refused, or SIZE_MAX when the failure is
 *          not one device's (a missing PV, overlapping LVs...)
 * @reserved: must be zero
 */
struct verity_lvm_options {
	const struct verity_allocator *allocator;
	size_t max_text;
	char *detail;
	size_t detail_size;
	size_t *device;
	uint64_t reserved[4];
};

/* The result of a scan: volume groups found on the given devices. Opaque. */
struct verity_lvm;

/**
 * verity_lvm_scan() - read the LVM2 metadata of a set of physical volumes
 * @out: receives the result, to be freed with verity_lvm_free()
 * @pvs: the devices, each a whole PV (the array is copied; what each bdev
 *       points at must outlive @out)
 * @count: 1 .. VERITY_LVM_MAX_DEVICES
 * @opts: NULL for defaults
 *
 * For each device: the label (sectors 0..3), the pv_header, every metadata
 * area's header and committed text (slot 0, circular buffer). Of each volume
 * group the copy with the highest seqno is kept; each PV it names must be
 * among @pvs. Segments are checked: contiguous, inside their PV and its
 * device, no two mapping the same extent.
 *
 * Return: 0; VERITY_E_INVAL; VERITY_E_NOMEM; a device's read error
 * (VERITY_E_IO, VERITY_E_SHORT_READ); VERITY_E_LVM_NO_LABEL,
 * VERITY_E_LVM_LABEL_SECTOR, VERITY_E_LVM_LABEL_CRC, VERITY_E_LVM_LABEL_TYPE,
 * VERITY_E_LVM_BAD_PV_HEADER, VERITY_E_LVM_MDA_MAGIC, VERITY_E_LVM_MDA_VERSION,
 * VERITY_E_LVM_MDA_START, VERITY_E_LVM_MDA_CRC, VERITY_E_LVM_BAD_LOCN,
 * VERITY_E_LVM_TEXT_CRC, VERITY_E_LVM_TEXT_TOO_LARGE, VERITY_E_LVM_TRUNCATED,
 * VERITY_E_LVM_SYNTAX, VERITY_E_LVM_TOO_DEEP, VERITY_E_LVM_LIMIT,
 * VERITY_E_LVM_BAD_METADATA, VERITY_E_LVM_MISSING_PV,
 * VERITY_E_LVM_DUPLICATE_PV, VERITY_E_LVM_OVERLAP, VERITY_E_LVM_EXTENT_RANGE,
 * VERITY_E_LVM_BAD_SEGMENTS, VERITY_E_LVM_NO_METADATA (no device holds any).
 */
VERITY_PUBLIC int verity_lvm_scan(struct verity_lvm **out, const struct verity_bdev *pvs,
                                  size_t count, const struct verity_lvm_options *opts);

/** verity_lvm_free() - free a scan result (NULL is ignored). */
VERITY_PUBLIC void verity_lvm_free(struct verity_lvm *lvm);

/** verity_lvm_vg_count() - number of volume groups found (0 for NULL). */
VERITY_PUBLIC size_t verity_lvm_vg_count(const struct verity_lvm *lvm);

/**
 * struct verity_lvm_vg_info - one volume group
 * @name: VG name
 * @id: VG UUID as in the metadata (dashed)
 * @seqno: metadata sequence number of the copy used
 * @extent_size: bytes
 * @pv_count: physical volumes named by the metadata
 * @lv_count: visible logical volumes (hidden ones are not listed)
 */
struct verity_lvm_vg_info {
	const char *name;
	const char *id;
	uint64_t seqno;
	uint64_t extent_size;
	size_t pv_count;
	size_t lv_count;
};

/**
 * verity_lvm_vg_info() - describe volume group @vg (0 .. vg_count - 1)
 * Strings stay valid until verity_lvm_free(). Return: 0 or VERITY_E_INVAL.
 */
VERITY_PUBLIC int verity_lvm_vg_info(const struct verity_lvm *lvm, size_t vg,
                                     struct verity_lvm_vg_info *info);

/**
 * struct verity_lvm_pv_info - one physical volume of a VG
 * @name: its name in the metadata ("pv0")
 * @id: PV UUID (dashed)
 * @device: the device path the metadata last saw (a hint only)
 * @device_index: index into the devices given to verity_lvm_scan()
 * @pe_start: byte offset of the first extent
 * @pe_count: extents
 */
struct verity_lvm_pv_info {
	const char *name;
	const char *id;
	const char *device;
	size_t device_index;
	uint64_t pe_start;
	uint64_t pe_count;
};

/** verity_lvm_pv_info() - describe PV @pv of VG @vg. Return: 0 or VERITY_E_INVAL. */
VERITY_PUBLIC int verity_lvm_pv_info(const struct verity_lvm *lvm, size_t vg, size_t pv,
                                     struct verity_lvm_pv_info *info);

/**
 * struct verity_lvm_lv_info - one visible logical volume
 * @name: LV name
 * @id: LV UUID (dashed)
 * @size: bytes
 * @extent_count: extents
 * @segment_count: segments
 * @tag_count: tags (verity_lvm_lv_tag())
 * @unsupported_type: NULL for a linear LV; else the first segment type that
 *                    is not linear ("thin-pool", "raid1", "striped" with
 *                    several stripes...), and the LV cannot be opened
 */
struct verity_lvm_lv_info {
	const char *name;
	const char *id;
	uint64_t size;
	uint64_t extent_count;
	size_t segment_count;
	size_t tag_count;
	const char *unsupported_type;
};

/** verity_lvm_lv_info() - describe visible LV @lv of VG @vg. Return: 0 or VERITY_E_INVAL. */
VERITY_PUBLIC int verity_lvm_lv_info(const struct verity_lvm *lvm, size_t vg, size_t lv,
                                     struct verity_lvm_lv_info *info);

/** verity_lvm_lv_tag() - tag @tag of an LV, or NULL if out of range. */
VERITY_PUBLIC const char *verity_lvm_lv_tag(const struct verity_lvm *lvm, size_t vg, size_t lv,
                                            size_t tag);

/**
 * struct verity_lvm_segment - one segment of an LV
 * @start_extent: first logical extent
 * @extent_count: extents
 * @type: segment type name ("striped" for linear)
 * @linear: a single-stripe segment; @pv and @pe are meaningful only then
 * @pv: index of the PV in the VG (verity_lvm_pv_info())
 * @pe: first physical extent on that PV
 */
struct verity_lvm_segment {
	uint64_t start_extent;
	uint64_t extent_count;
	const char *type;
	bool linear;
	size_t pv;
	uint64_t pe;
};

/** verity_lvm_segment() - segment @seg of LV @lv. Return: 0 or VERITY_E_INVAL. */
VERITY_PUBLIC int verity_lvm_segment(const struct verity_lvm *lvm, size_t vg, size_t lv, size_t seg,
                                     struct verity_lvm_segment *out);

/**
 * verity_lvm_find() - look a visible LV up by names
 * @vg_name: VG name, or NULL for any VG (the LV name must then be unique)
 * @lv_name: LV name
 * @vg, @lv: receive the indexes
 *
 * Return: 0; VERITY_E_INVAL; VERITY_E_LVM_NOT_FOUND (also for a hidden LV or
 * a name found in two VGs without @vg_name).
 */
VERITY_PUBLIC int verity_lvm_find(const struct verity_lvm *lvm, const char *vg_name,
                                  const char *lv_name, size_t *vg, size_t *lv);

/**
 * verity_lvm_lv_bdev() - a block device reading LV @lv of VG @vg
 * @bdev: filled in; valid until verity_lvm_free(). Reads are split at segment
 *        (and so PV) boundaries and go to the PV devices given to the scan.
 *
 * Return: 0; VERITY_E_INVAL; VERITY_E_LVM_UNSUPPORTED (a segment that is not
 * linear; verity_lvm_lv_info() names its type).
 */
VERITY_PUBLIC int verity_lvm_lv_bdev(const struct verity_lvm *lvm, size_t vg, size_t lv,
                                     struct verity_bdev *bdev);

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_LVM_H */
