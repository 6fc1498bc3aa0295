/* SPDX-License-Identifier: MIT */
/*
 * libverity disk images: GPT partition tables, the Discoverable Partitions
 * Specification (DPS) types, the verity signature partition's JSON, and
 * Discoverable Disk Images (DDI): finding, pairing and opening the verity
 * partitions of an image with nothing but the image and trusted certificates.
 *
 * Everything here is core: it reads through a struct verity_bdev, allocates
 * only through the allocator hooks, and never prints. Include <libverity.h>.
 */
#ifndef LIBVERITY_DISK_H
#define LIBVERITY_DISK_H

#include <libverity/device.h>
#include <libverity/sig.h>
#include <libverity/superblock.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes of this area (-600 .. -699); messages via verity_strerror(). */
enum verity_disk_error {
	VERITY_E_GPT_NOT_FOUND = -600,          /* no "EFI PART" header at 512 or 4096 */
	VERITY_E_GPT_AMBIGUOUS_SECTOR = -601,   /* valid headers for 512 and 4096 */
	VERITY_E_GPT_NO_PROTECTIVE_MBR = -602,  /* LBA 0 has no 0xEE entry / 0x55AA */
	VERITY_E_GPT_BAD_REVISION = -603,       /* revision is not 1.0 */
	VERITY_E_GPT_BAD_HEADER_SIZE = -604,    /* header size not 92 .. sector size */
	VERITY_E_GPT_BAD_HEADER_CRC = -605,     /* header CRC32 does not match */
	VERITY_E_GPT_BAD_MY_LBA = -606,         /* header does not say where it is */
	VERITY_E_GPT_BAD_USABLE_RANGE = -607,   /* first/last usable LBA impossible */
	VERITY_E_GPT_BAD_ENTRY_SIZE = -608,     /* not 128 << n, at most 1024 */
	VERITY_E_GPT_TOO_MANY_ENTRIES = -609,   /* 0 or over VERITY_GPT_MAX_ENTRIES */
	VERITY_E_GPT_BAD_ENTRIES_LBA = -610,    /* entry array outside the disk or overlapping */
	VERITY_E_GPT_BAD_ENTRIES_CRC = -611,    /* entry array CRC32 does not match */
	VERITY_E_GPT_PARTITION_PAST_END = -612, /* a partition ends past the disk */
	VERITY_E_GPT_PARTITION_OUTSIDE = -613,  /* outside the usable LBAs, or last < first */
	VERITY_E_GPT_OVERLAP = -614,            /* two partitions share sectors */
	VERITY_E_GPT_DUPLICATE_UUID = -615,     /* two partitions with one UUID */
	VERITY_E_GPT_BAD_SECTOR_SIZE = -616,    /* sector size not 512 or 4096 */
	VERITY_E_GPT_DISK_TOO_SMALL = -617,     /* disk too small for a GPT */
	VERITY_E_GPT_RESERVED_NONZERO = -618,   /* header reserved field not zero */

	VERITY_E_JSON_SYNTAX = -630,          /* not one JSON object (RFC 8259) */
	VERITY_E_JSON_DUPLICATE_KEY = -631,   /* a key appears twice in the object */
	VERITY_E_JSON_TOO_DEEP = -632,        /* nesting over VERITY_JSON_MAX_DEPTH */
	VERITY_E_JSON_TOO_LARGE = -633,       /* text over VERITY_DDI_SIG_MAX_SIZE */
	VERITY_E_JSON_BAD_PADDING = -634,     /* bytes other than NUL after the object */
	VERITY_E_JSON_MISSING_KEY = -635,     /* rootHash or signature absent */
	VERITY_E_JSON_BAD_ROOT_HASH = -636,   /* rootHash not lowercase hex, even, <= 128 */
	VERITY_E_JSON_BAD_BASE64 = -637,      /* signature not canonical Base64 */
	VERITY_E_JSON_BAD_FINGERPRINT = -638, /* certificateFingerprint not 64 hex */
	VERITY_E_JSON_WRONG_TYPE = -639,      /* a known key's value is not a string */

	VERITY_E_DDI_NO_PARTITION = -650,        /* no partition of the wanted kind */
	VERITY_E_DDI_PAIR_MISMATCH = -651,       /* partition UUIDs do not match the root hash */
	VERITY_E_DDI_UNKNOWN_FINGERPRINT = -652, /* no trusted certificate has that fingerprint */
	VERITY_E_DDI_NOT_SIGNED = -653,          /* no signature and no root hash given */
	VERITY_E_DDI_BAD_ARCH = -655,            /* unknown architecture name */
};

/* ---- GPT ---- */

#define VERITY_GPT_MAX_ENTRIES    1024u /* entry array limit (the usual is 128) */
#define VERITY_GPT_MAX_ENTRY_SIZE 1024u /* 128, 256, 512 or 1024 bytes */
#define VERITY_GPT_LABEL_SIZE     109u  /* 36 UTF-16 units as UTF-8, NUL */

#define VERITY_GPT_ATTR_REQUIRED  (1ull << 0)
#define VERITY_GPT_ATTR_READ_ONLY (1ull << 60)
#define VERITY_GPT_ATTR_GROWFS    (1ull << 59)
#define VERITY_GPT_ATTR_NO_AUTO   (1ull << 63)

/**
 * struct verity_gpt_partition - one used GPT entry
 * @index: entry number, 1-based (as Linux names partitions)
 * @type: type GUID, 16 bytes in the textual order (converted from GPT's
 *        mixed-endian form): byte 0 is the first two hex digits
 * @uuid: unique partition GUID, same order; for verity partitions the
 *        corresponding root hash bytes
 * @first_lba: first sector
 * @last_lba: last sector (inclusive)
 * @offset: first byte on the disk
 * @size: bytes
 * @attributes: attribute bits (VERITY_GPT_ATTR_*)
 * @label: the name as UTF-8 (invalid UTF-16 becomes U+FFFD), NUL-terminated
 */
struct verity_gpt_partition {
	uint32_t index;
	uint8_t type[16];
	uint8_t uuid[16];
	uint64_t first_lba;
	uint64_t last_lba;
	uint64_t offset;
	uint64_t size;
	uint64_t attributes;
	char label[VERITY_GPT_LABEL_SIZE];
};

/**
 * struct verity_gpt - a partition table as read
 * @sector_size: 512 or 4096
 * @disk_guid: disk GUID (textual order)
 * @used_backup: the primary header or its entries failed a check and the
 *               backup at the last sector was used
 * @primary_error: why the primary was refused (0 when it was used)
 * @first_usable_lba: from the header
 * @last_usable_lba: from the header
 * @count: used entries in @parts
 * @parts: used entries in table order (allocated)
 * @allocator: the hooks @parts came from
 */
struct verity_gpt {
	uint32_t sector_size;
	uint8_t disk_guid[16];
	bool used_backup;
	int primary_error;
	uint64_t first_usable_lba;
	uint64_t last_usable_lba;
	uint32_t count;
	struct verity_gpt_partition *parts;
	const struct verity_allocator *allocator;
};

/**
 * verity_gpt_read() - read and check a GUID partition table
 * @gpt: filled on success; free with verity_gpt_free()
 * @disk: the whole disk
 * @sector_size: 512 or 4096, or 0 to find it ("EFI PART" at byte 512 or 4096;
 *               a valid table for both sizes is refused as ambiguous)
 * @allocator: hooks for the entry array; NULL for malloc/free
 *
 * Checks, in order: protective MBR (0x55AA and one entry of type 0xEE);
 * header signature, revision 1.0, size (92 .. sector size), CRC32, reserved
 * field, its own LBA, usable range inside the disk after the entry arrays,
 * entry size (128 << n up to VERITY_GPT_MAX_ENTRY_SIZE), count (1 ..
 * VERITY_GPT_MAX_ENTRIES), entry array inside the disk and outside the
 * usable range, entries CRC32; then each used entry: inside the disk,
 * inside the usable range, no overlap, no duplicate UUID. When the primary
 * header or its entry array fails, the backup header at the last sector is
 * read instead (the entries' own checks are not retried on the backup:
 * both describe the same partitions). Reads at most two headers, the MBR
 * and two entry arrays.
 *
 * Return: 0; VERITY_E_INVAL; VERITY_E_NOMEM; VERITY_E_GPT_* (one per check;
 * VERITY_E_GPT_NOT_FOUND for a disk with neither a protective MBR nor a
 * header signature; a failed primary and backup return the primary's
 * error); or a read error.
 */
VERITY_PUBLIC int verity_gpt_read(struct verity_gpt *gpt, const struct verity_bdev *disk,
                                  uint32_t sector_size, const struct verity_allocator *allocator);

/** verity_gpt_free() - free what verity_gpt_read() allocated; NULL allowed. */
VERITY_PUBLIC void verity_gpt_free(struct verity_gpt *gpt);

/**
 * verity_guid_format() - textual form of a GUID in textual byte order
 * @guid: 16 bytes
 * @out: receives 36 lowercase characters and a NUL
 */
VERITY_PUBLIC void verity_guid_format(const uint8_t guid[16], char out[37]);

/**
 * verity_guid_parse() - parse "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
 * Return: 0, or VERITY_E_BAD_HEX.
 */
VERITY_PUBLIC int verity_guid_parse(const char *text, uint8_t guid[16]);

/* ---- Discoverable Partitions Specification ---- */

/* What a partition type means. */
enum verity_dps_role {
	VERITY_DPS_OTHER = 0,       /* not a type this library uses */
	VERITY_DPS_ROOT = 1,        /* root file system */
	VERITY_DPS_USR = 2,         /* /usr file system */
	VERITY_DPS_ROOT_VERITY,     /* hash tree of root */
	VERITY_DPS_USR_VERITY,      /* hash tree of /usr */
	VERITY_DPS_ROOT_VERITY_SIG, /* signature JSON of root */
	VERITY_DPS_USR_VERITY_SIG,  /* signature JSON of /usr */
	VERITY_DPS_ESP,
	VERITY_DPS_XBOOTLDR,
	VERITY_DPS_SWAP,
	VERITY_DPS_HOME,
	VERITY_DPS_SRV,
	VERITY_DPS_VAR,
	VERITY_DPS_TMP,
};

/**
 * verity_dps_lookup() - what a GPT type GUID is in the DPS
 * @type: type GUID (textual byte order)
 * @role: receives enum verity_dps_role (VERITY_DPS_OTHER if unknown)
 * @arch: receives the systemd architecture name ("x86-64", "arm64", ...),
 *        or NULL for types without one; may be NULL
 *
 * Return: 0, or VERITY_E_INVAL.
 */
VERITY_PUBLIC int verity_dps_lookup(const uint8_t type[16], uint32_t *role, const char **arch);

/**
 * verity_dps_type() - the type GUID of a role on an architecture
 * @arch: systemd architecture identifier (x86-64, arm64, arm, riscv64, x86,
 *        alpha, arc, ia64, loongarch64, mips-le, mips64-le, ppc, ppc64,
 *        ppc64-le, riscv32, s390, s390x, tilegx)
 * @role: VERITY_DPS_ROOT .. VERITY_DPS_USR_VERITY_SIG
 * @type: receives the GUID (textual byte order)
 *
 * Return: 0, VERITY_E_INVAL, or VERITY_E_DDI_BAD_ARCH.
 */
VERITY_PUBLIC int verity_dps_type(const char *arch, uint32_t role, uint8_t type[16]);

/**
 * verity_dps_role_name() - "root", "usr", "root-verity", ... or "other"
 * Return: a static string, never NULL.
 */
VERITY_PUBLIC const char *verity_dps_role_name(uint32_t role);

/**
 * verity_dps_native_arch() - the architecture this library was built for
 * Return: a systemd identifier, or NULL when the DPS has none for it.
 */
VERITY_PUBLIC const char *verity_dps_native_arch(void);

/**
 * verity_strverscmp() - compare version strings as glibc's strverscmp()
 * Return: < 0, 0 or > 0 as @a sorts before, with or after @b.
 */
VERITY_PUBLIC int verity_strverscmp(const char *a, const char *b);

/* ---- the verity signature partition ---- */

#define VERITY_DDI_SIG_MAX_SIZE (1u << 20) /* JSON text plus NUL padding */
#define VERITY_JSON_MAX_DEPTH   32

/**
 * struct verity_ddi_sig - the contents of a verity-sig partition
 * @root_hex: rootHash, lowercase hex, NUL-terminated
 * @root_digest: the same, binary
 * @root_digest_size: bytes in @root_digest
 * @has_fingerprint: certificateFingerprint was present
 * @fingerprint: its SHA-256 bytes
 * @signature: DER PKCS#7 decoded from Base64 (allocated)
 * @signature_size: its bytes
 * @allocator: the hooks @signature came from
 */
struct verity_ddi_sig {
	char root_hex[2 * VERITY_MAX_DIGEST_SIZE + 1];
	uint8_t root_digest[VERITY_MAX_DIGEST_SIZE];
	uint32_t root_digest_size;
	bool has_fingerprint;
	uint8_t fingerprint[32];
	uint8_t *signature;
	size_t signature_size;
	const struct verity_allocator *allocator;
};

/**
 * verity_ddi_sig_parse() - read the JSON of a verity-sig partition
 * @sig: filled on success; free with verity_ddi_sig_free()
 * @buf: the partition's bytes
 * @len: their count (at most VERITY_DDI_SIG_MAX_SIZE)
 * @allocator: hooks for the signature bytes; NULL for malloc/free
 *
 * Strict RFC 8259: one object, optional whitespace around it, then only NUL
 * bytes to the end. Strings must be valid UTF-8 without control characters;
 * escapes (\uXXXX with surrogate pairs included) are decoded before keys are
 * compared. Duplicate keys in the object are refused; unknown keys are
 * skipped whatever their value (nesting at most VERITY_JSON_MAX_DEPTH).
 * Known keys: rootHash (required, lowercase hex, 2 .. 128 digits, even),
 * signature (required, canonical Base64 with padding, 1 ..
 * VERITY_SIG_MAX_SIZE bytes decoded), certificateFingerprint (optional, 64
 * lowercase hex digits).
 *
 * Return: 0; VERITY_E_INVAL; VERITY_E_NOMEM; VERITY_E_JSON_TOO_LARGE,
 * VERITY_E_JSON_SYNTAX, VERITY_E_JSON_TOO_DEEP, VERITY_E_JSON_BAD_PADDING,
 * VERITY_E_JSON_DUPLICATE_KEY, VERITY_E_JSON_WRONG_TYPE,
 * VERITY_E_JSON_MISSING_KEY, VERITY_E_JSON_BAD_ROOT_HASH,
 * VERITY_E_JSON_BAD_BASE64, VERITY_E_SIG_TOO_LARGE or
 * VERITY_E_JSON_BAD_FINGERPRINT.
 */
VERITY_PUBLIC int verity_ddi_sig_parse(struct verity_ddi_sig *sig, const void *buf, size_t len,
                                       const struct verity_allocator *allocator);

/** verity_ddi_sig_free() - free the signature bytes; NULL allowed. */
VERITY_PUBLIC void verity_ddi_sig_free(struct verity_ddi_sig *sig);

/**
 * verity_ddi_sig_check() - check a signature partition's signature
 * @sig: parsed contents
 * @keyring: trusted certificates
 * @options: signature policy, or NULL
 * @result: optional; as verity_sig_verify()
 *
 * With a certificateFingerprint only the keyring certificate whose DER
 * SHA-256 equals it may vouch for the signature.
 * Return: 0; VERITY_E_DDI_UNKNOWN_FINGERPRINT (no trusted certificate has
 * that fingerprint); or what verity_sig_verify() returns for @sig->root_hex.
 */
VERITY_PUBLIC int verity_ddi_sig_check(const struct verity_ddi_sig *sig,
                                       const struct verity_keyring *keyring,
                                       const struct verity_sig_options *options,
                                       struct verity_sig_result *result);

/* ---- discoverable disk images ---- */

#define VERITY_DDI_MAX_PAIRS 16

/* Per partition, why it is not used (struct verity_ddi_part.ignored). */
enum verity_ddi_ignore {
	VERITY_DDI_USED = 0,
	VERITY_DDI_IGNORED_NO_AUTO = 1, /* attribute bit 63 */
	VERITY_DDI_IGNORED_PARTIAL = 2, /* label starts with PRT# */
	VERITY_DDI_IGNORED_PENDING = 3, /* label starts with PND# */
	VERITY_DDI_IGNORED_FOREIGN = 4, /* DPS type of another architecture */
};

/**
 * struct verity_ddi_pair - one data partition, its verity partition and
 * signature partition, as found
 * @role: VERITY_DPS_ROOT or VERITY_DPS_USR
 * @data: index into the GPT's parts, or -1
 * @hash: index into the GPT's parts, or -1
 * @sig: index of the signature partition, or -1
 * @root_digest: the root hash (signed, or given by the caller)
 * @root_digest_size: its bytes (0 when unknown)
 * @status: 0 when consistent and trusted, else the first error found
 * @signed_ok: the signature verified with a trusted certificate
 * @sig_error: why the signature failed (0 if it did not, or if absent)
 * @signer: name of the trusted certificate that matched
 * @params: tree parameters from the superblock, with the root digest
 *          (valid when @status is 0)
 */
struct verity_ddi_pair {
	uint32_t role;
	int data;
	int hash;
	int sig;
	uint8_t root_digest[VERITY_MAX_DIGEST_SIZE];
	uint32_t root_digest_size;
	int status;
	bool signed_ok;
	int sig_error;
	char signer[128];
	struct verity_params params;
};

/**
 * struct verity_ddi_options - how to dissect (zero, then fill in)
 * @arch: systemd architecture identifier of the wanted types; NULL: native
 * @sector_size: 0 (find it), 512 or 4096
 * @keyring: trusted certificates, or NULL (signatures are then untrusted)
 * @sig_options: signature policy, or NULL
 * @root_digest: a root hash the caller trusts, or NULL; a pair with this
 *               root is accepted without signature
 * @root_digest_size: its bytes
 * @allocator: hooks; NULL for malloc/free
 * @reserved: must be zero
 */
struct verity_ddi_options {
	const char *arch;
	uint32_t sector_size;
	const struct verity_keyring *keyring;
	const struct verity_sig_options *sig_options;
	const uint8_t *root_digest;
	uint32_t root_digest_size;
	const struct verity_allocator *allocator;
	uint64_t reserved[4];
};

/**
 * struct verity_ddi - what verity_ddi_dissect() found
 * @gpt: the partition table
 * @role: per GPT entry, enum verity_dps_role for the wanted architecture
 * @ignored: per GPT entry, enum verity_ddi_ignore
 * @pair_count: entries in @pairs
 * @pairs: every pair found (signed ones, one for a given root hash)
 */
struct verity_ddi {
	struct verity_gpt gpt;
	uint32_t *role;
	uint8_t *ignored;
	uint32_t pair_count;
	struct verity_ddi_pair pairs[VERITY_DDI_MAX_PAIRS];
};

/**
 * verity_ddi_dissect() - find and check the verity pairs of a disk image
 * @ddi: filled on success (even when pairs failed); free with verity_ddi_free()
 * @disk: the whole image
 * @options: NULL for defaults
 *
 * Reads the GPT, classifies every entry by its DPS type for @options->arch
 * (no-auto, PRT# and PND# entries are ignored), and for each root or usr
 * signature partition (and for a given root hash) builds a pair: the data
 * partition is the one whose UUID is the root hash's first 16 bytes, the
 * verity partition the one whose UUID is its last 16 bytes. A pair is
 * consistent when both exist with the right types, its superblock parses,
 * the tree's top block matches the root hash, and the signature verifies
 * with a trusted certificate (or the root hash is the given one). Each
 * pair's problem is kept in its @status; reads are limited to the GPT, the
 * signature partitions, the superblocks and the hash blocks on the path to
 * the first data block, and that block.
 *
 * Return: 0 (look at the pairs); VERITY_E_INVAL; VERITY_E_NOMEM;
 * VERITY_E_DDI_BAD_ARCH; or a verity_gpt_read() error.
 */
VERITY_PUBLIC int verity_ddi_dissect(struct verity_ddi *ddi, const struct verity_bdev *disk,
                                     const struct verity_ddi_options *options);

/** verity_ddi_free() - free what verity_ddi_dissect() allocated; NULL allowed. */
VERITY_PUBLIC void verity_ddi_free(struct verity_ddi *ddi);

/**
 * verity_ddi_select() - the pair to use for a role
 * @ddi: dissected image
 * @role: VERITY_DPS_ROOT or VERITY_DPS_USR
 * @label: a data partition label to require, or NULL for the best
 * @index: receives the index into @ddi->pairs
 *
 * Among the consistent pairs of @role (with @label if given), the one whose
 * data partition label sorts highest in strverscmp() order (A/B updates);
 * on equal labels the earlier partition wins, as the DPS says.
 * Return: 0; VERITY_E_INVAL; VERITY_E_DDI_NO_PARTITION (no pair of that
 * role, or none with @label); or the @status of the first failed pair when
 * none is consistent.
 */
VERITY_PUBLIC int verity_ddi_select(const struct verity_ddi *ddi, uint32_t role, const char *label,
                                    uint32_t *index);

/**
 * struct verity_slice_bdev - a window of a bdev (a partition)
 * @parent: the whole disk
 * @offset: first byte of the window
 */
struct verity_slice_bdev {
	const struct verity_bdev *parent;
	uint64_t offset;
};

/**
 * verity_bdev_slice() - a bdev over bytes [@offset, @offset + @size) of @parent
 * @bdev: filled in
 * @ctx: storage the bdev points at (must outlive @bdev)
 *
 * Return: 0, VERITY_E_INVAL, or VERITY_E_RANGE when the window is not
 * inside @parent.
 */
VERITY_PUBLIC int verity_bdev_slice(struct verity_bdev *bdev, struct verity_slice_bdev *ctx,
                                    const struct verity_bdev *parent, uint64_t offset,
                                    uint64_t size);

/* The partitions of a pair as bdevs (storage for verity_ddi_open()). */
struct verity_ddi_bdevs {
	struct verity_slice_bdev data_ctx;
	struct verity_slice_bdev hash_ctx;
	struct verity_bdev data;
	struct verity_bdev hash;
};

/**
 * verity_ddi_open() - open the verified device of a consistent pair
 * @dev: receives the device
 * @disk: the image given to verity_ddi_dissect() (must outlive @dev)
 * @ddi: the dissected image
 * @index: the pair (see verity_ddi_select())
 * @bdevs: storage for the two partitions' bdevs (must outlive @dev)
 * @options: device options, or NULL
 *
 * verity_open() over the two partitions with the pair's root hash (its
 * signature was checked by verity_ddi_dissect()).
 * Return: 0; VERITY_E_INVAL; the pair's @status when it is not 0; or a
 * verity_open() error.
 */
VERITY_PUBLIC int verity_ddi_open(struct verity_device **dev, const struct verity_bdev *disk,
                                  const struct verity_ddi *ddi, uint32_t index,
                                  struct verity_ddi_bdevs *bdevs,
                                  const struct verity_device_options *options);

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_DISK_H */
