/* SPDX-License-Identifier: MIT */
/* libverity: the Linux dm-verity table line (core). Include <libverity.h>. */
#ifndef LIBVERITY_TABLE_H
#define LIBVERITY_TABLE_H

#include <libverity/device.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of a device, key description or FEC device name, NUL included. */
#define VERITY_TABLE_NAME_MAX 256

/**
 * struct verity_table - one dm-verity table line, fields as the kernel reads them
 * @has_target: the line begins with "<start> <len> verity"
 * @start_sector: <start> (0 without @has_target)
 * @length_sectors: <len>
 * @params: version, block sizes, data blocks, hash start, algorithm, root
 *          digest, salt
 * @data_device: <data_dev>, NUL-terminated
 * @hash_device: <hash_dev>
 * @corruption_mode: enum verity_corruption_mode
 * @io_error_mode: enum verity_io_error_mode
 * @ignore_zero_blocks: the option is present
 * @check_at_most_once: the option is present
 * @try_verify_in_tasklet: the option is present
 * @has_fec: use_fec_from_device is present (the other FEC fields are kept
 *           either way, as the kernel reads them)
 * @fec_device: its value
 * @fec_start: fec_start, in blocks
 * @fec_blocks: fec_blocks
 * @fec_roots: fec_roots (2 .. 24), 0 when absent
 * @has_sig_key: root_hash_sig_key_desc is present
 * @sig_key_desc: its value
 */
struct verity_table {
	bool has_target;
	uint64_t start_sector;
	uint64_t length_sectors;
	struct verity_params params;
	char data_device[VERITY_TABLE_NAME_MAX];
	char hash_device[VERITY_TABLE_NAME_MAX];
	uint32_t corruption_mode;
	uint32_t io_error_mode;
	bool ignore_zero_blocks;
	bool check_at_most_once;
	bool try_verify_in_tasklet;
	bool has_fec;
	char fec_device[VERITY_TABLE_NAME_MAX];
	uint64_t fec_start;
	uint64_t fec_blocks;
	uint32_t fec_roots;
	bool has_sig_key;
	char sig_key_desc[VERITY_TABLE_NAME_MAX];
};

/**
 * verity_table_parse() - parse a Linux dm-verity table line
 * @table: filled on success (zeroed first)
 * @line: "<start> <len> verity <args>" or only "<args>", where args are
 *        "<version> <data_dev> <hash_dev> <dbs> <hbs> <num_data_blocks>
 *        <hash_start_block> <algorithm> <digest> <salt|-> [<#opt> <opt>...]"
 * @len: bytes of @line (need not be NUL-terminated; a NUL inside is an error)
 *
 * Words are separated by spaces, tabs and newlines. The kernel's rules
 * apply (the kernel's verity_ctr()): option names are case-insensitive, <#opt> counts
 * option values too and is at most 15, one corruption mode and one I/O
 * error mode at most, FEC options need a value, use_fec_from_device needs
 * fec_roots and fec_blocks and equal block sizes. Stricter than the kernel:
 * block sizes must be 512 B .. 512 KiB (the library's range, regardless of
 * page size), the salt at most 256 bytes, names shorter than
 * VERITY_TABLE_NAME_MAX, numbers plain decimal, and no words may follow the
 * options. The geometry must be valid (verity_geometry_init()).
 *
 * Return: 0; VERITY_E_INVAL (NULL); VERITY_E_TABLE_* (one per rule);
 * VERITY_E_SALT_TOO_LONG; VERITY_E_AT_MOST_ONCE_TOO_LARGE; or a
 * verity_geometry_init() error (VERITY_E_DIGEST_TOO_BIG, ...).
 */
VERITY_PUBLIC int verity_table_parse(struct verity_table *table, const char *line, size_t len);

/**
 * verity_table_init() - a table for parameters, as veritysetup would load it
 * @table: filled (zeroed first): has_target, start 0, len =
 *         data_blocks * data_block_size / 512, no options
 * @params: tree parameters with the root digest
 * @data_device: name written for <data_dev>
 * @hash_device: name written for <hash_dev>
 *
 * Return: 0; VERITY_E_INVAL; VERITY_E_BAD_ROOT_DIGEST; a geometry error;
 * VERITY_E_TABLE_UNREPRESENTABLE (a name empty, too long, or containing
 * whitespace or control bytes); VERITY_E_OVERFLOW (len in sectors).
 */
VERITY_PUBLIC int verity_table_init(struct verity_table *table, const struct verity_params *params,
                                    const char *data_device, const char *hash_device);

/**
 * verity_table_format() - write a table line exactly as veritysetup does
 * @table: the table (with @has_target the "<start> <len> verity " prefix
 *         is written too)
 * @buf: receives the NUL-terminated line, no newline
 * @size: bytes of @buf
 * @out_len: if not NULL, receives strlen of the line
 *
 * Fixed option order, lower-case hex, "-" for an empty salt.
 * Return: 0; VERITY_E_INVAL (NULL, or a mode out of range);
 * VERITY_E_TABLE_UNREPRESENTABLE (a name that would not parse back);
 * VERITY_E_BUFFER_TOO_SMALL.
 */
VERITY_PUBLIC int verity_table_format(const struct verity_table *table, char *buf, size_t size,
                                      size_t *out_len);

/**
 * verity_table_format_dm_mod_create() - the dm-mod.create= kernel argument
 * @table: the table; without @has_target, start 0 and the full length are used
 * @name: the mapped device name ("vroot" if NULL)
 * @uuid: its UUID, or NULL for none
 * @buf: receives `dm-mod.create="<name>,<uuid>,,ro,<table line>"`
 * @size: bytes of @buf
 * @out_len: if not NULL, receives strlen of the result
 *
 * Return: as verity_table_format(); also VERITY_E_TABLE_UNREPRESENTABLE when
 * a name, the UUID or the line holds a comma, semicolon or double quote
 * (dm-init cannot express them).
 */
VERITY_PUBLIC int verity_table_format_dm_mod_create(const struct verity_table *table,
                                                    const char *name, const char *uuid, char *buf,
                                                    size_t size, size_t *out_len);

/**
 * verity_table_device_options() - carry a table's options into device options
 * @table: a parsed table
 * @options: its flags and modes are set; other fields are left alone
 *
 * FEC and the signature key are not device options (FEC is not implemented
 * by the device; signatures are checked before opening).
 * Return: 0 or VERITY_E_INVAL.
 */
VERITY_PUBLIC int verity_table_device_options(const struct verity_table *table,
                                              struct verity_device_options *options);

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_TABLE_H */
