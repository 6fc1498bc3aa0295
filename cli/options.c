/* SPDX-License-Identifier: MIT */
/*
 * veritysetup-compatible options, one table for every subcommand. Each
 * subcommand takes the options it lists (struct cli_command) and refuses
 * the others, as veritysetup 2.6.1's per-action table does.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

enum option_type {
	OPT_FLAG,   /* bool, no argument */
	OPT_STRING, /* const char * */
	OPT_U32,    /* uint32_t, decimal */
	OPT_U64,    /* uint64_t, decimal */
	OPT_LIST,   /* struct cli_string_list: repeatable string */
};

struct option_def {
	const char *name;
	int short_name; /* 0: none */
	enum option_type type;
	size_t offset; /* in struct cli_options */
	const char *arg;
	const char *help;
};

#define FIELD(f) offsetof(struct cli_options, f)

static const struct option_def option_table[] = {
    {"hash", 'h', OPT_STRING, FIELD(hash), "string", "Hash algorithm (default sha256)"},
    {"format", 0, OPT_U32, FIELD(format), "number",
     "Format type (1 - normal, 0 - original Chrome OS; default 1)"},
    {"data-block-size", 0, OPT_U32, FIELD(data_block_size), "bytes",
     "Block size on the data device (default 4096)"},
    {"hash-block-size", 0, OPT_U32, FIELD(hash_block_size), "bytes",
     "Block size on the hash device (default 4096)"},
    {"data-blocks", 0, OPT_U64, FIELD(data_blocks), "blocks",
     "The number of blocks in the data file (default: all of it)"},
    {"hash-offset", 0, OPT_U64, FIELD(hash_offset), "bytes",
     "Starting offset on the hash device (default 0)"},
    {"salt", 's', OPT_STRING, FIELD(salt), "hex string",
     "Salt as hex, or - for none (default: 32 random bytes for format, none otherwise)"},
    {"uuid", 0, OPT_STRING, FIELD(uuid), "STRING", "UUID for device to use (default: random)"},
    {"no-superblock", 0, OPT_FLAG, FIELD(no_superblock), NULL, "Do not use verity superblock"},
    {"root-hash-file", 0, OPT_STRING, FIELD(root_hash_file), "STRING", "Path to root hash file"},
    {"root-hash-signature", 0, OPT_STRING, FIELD(root_hash_signature), "STRING",
     "Path to root hash signature file (DER PKCS#7, checked in userspace)"},
    {"trusted-cert", 0, OPT_LIST, FIELD(trusted_cert), "FILE",
     "Trusted X.509 certificate, PEM or DER (repeatable)"},
    {"trusted-certs", 0, OPT_STRING, FIELD(trusted_certs), "DIR",
     "Directory of trusted *.crt, *.pem and *.der certificates"},
    {"trusted-dtb", 0, OPT_STRING, FIELD(trusted_dtb), "FILE",
     "Device tree blob with trusted certificates (libverity,dm-verity-keys)"},
    {"allow-sha1", 0, OPT_FLAG, FIELD(allow_sha1), NULL,
     "Accept SHA-1 root hash signatures (refused by default)"},
    {"threads", 'j', OPT_U32, FIELD(threads), "N", "Threads for hashing (default 0: every CPU)"},
    {"offset", 0, OPT_U64, FIELD(offset), "bytes", "First data byte to read (read; default 0)"},
    {"length", 0, OPT_U64, FIELD(length), "bytes", "Bytes to read (read; default: to the end)"},
    {"ignore-corruption", 0, OPT_FLAG, FIELD(ignore_corruption), NULL,
     "Ignore corruption, log it only (table)"},
    {"restart-on-corruption", 0, OPT_FLAG, FIELD(restart_on_corruption), NULL,
     "Restart kernel if corruption is detected (table)"},
    {"panic-on-corruption", 0, OPT_FLAG, FIELD(panic_on_corruption), NULL,
     "Panic kernel if corruption is detected (table)"},
    {"error-as-corruption", 0, OPT_FLAG, FIELD(error_as_corruption), NULL,
     "Handle I/O errors like the corruption mode: restart or panic (table)"},
    {"ignore-zero-blocks", 0, OPT_FLAG, FIELD(ignore_zero_blocks), NULL,
     "Do not verify zeroed blocks (table)"},
    {"check-at-most-once", 0, OPT_FLAG, FIELD(check_at_most_once), NULL,
     "Verify data block only the first time it is read (table)"},
    {"use-tasklets", 0, OPT_FLAG, FIELD(use_tasklets), NULL,
     "Verify in softirq context when possible (table)"},
    {"dm-name", 0, OPT_STRING, FIELD(dm_name), "name",
     "Device name in the dm-mod.create= argument (table; default vroot)"},
    {"architecture", 0, OPT_STRING, FIELD(architecture), "ARCH",
     "Partition types of this architecture (x86-64, arm64, arm, riscv64, x86, ...)"},
    {"partition", 0, OPT_STRING, FIELD(partition), "root|usr",
     "Which verity pair of a disk image (default: every for dissect and verify)"},
    {"root-hash", 0, OPT_STRING, FIELD(root_hash), "hex",
     "Trusted root hash of a disk image (instead of its signature)"},
    {"sector-size", 0, OPT_U32, FIELD(sector_size), "bytes",
     "Sector size of a disk image: 512 or 4096 (default: found)"},
    {"pv", 0, OPT_LIST, FIELD(pv), "FILE",
     "LVM2 physical volume: VG/LV names then mean logical volumes on these (repeatable)"},
    {"output", 'o', OPT_STRING, FIELD(output), "FILE",
     "Write the extracted file here, - for standard output (extract)"},
    {"force", 0, OPT_FLAG, FIELD(force), NULL, "Replace an existing output file (extract)"},
    {"fec-device", 0, OPT_STRING, FIELD(fec_device), "path",
     "Path to device with error correction data"},
    {"fec-offset", 0, OPT_U64, FIELD(fec_offset), "bytes",
     "Starting offset on the FEC device (default 0)"},
    {"fec-roots", 0, OPT_U32, FIELD(fec_roots), "bytes", "FEC parity bytes, 2 to 24 (default 2)"},
    {"dry-run", 0, OPT_FLAG, FIELD(dry_run), NULL, "List what repair would change, change nothing"},
    {"json", 0, OPT_FLAG, FIELD(json), NULL, "Machine-readable output on stdout"},
    {"no-progress", 0, OPT_FLAG, FIELD(no_progress), NULL, "No progress bar on a terminal"},
    {"verbose", 'v', OPT_FLAG, FIELD(verbose), NULL, "Shows more detailed error messages"},
    {"debug", 0, OPT_FLAG, FIELD(debug), NULL, "Show debug messages"},
    {"batch-mode", 'q', OPT_FLAG, FIELD(batch_mode), NULL,
     "Do not ask for confirmation (accepted; nothing asks)"},
    {"help", 0, OPT_FLAG, FIELD(help), NULL, "Show this help message (also -?)"},
    {"usage", 0, OPT_FLAG, FIELD(usage), NULL, "Display brief usage"},
    {"version", 'V', OPT_FLAG, FIELD(version), NULL, "Print package version"},
};

/* Allowed with every subcommand. */
static const char *const common_options[] = {"json", "verbose", "debug",   "batch-mode",
                                             "help", "usage",   "version", NULL};

/* Allowed with every veritysetup action, as veritysetup 2.6.1 does (even where unused). */
static const char *const veritysetup_global_options[] = {"hash",
                                                         "format",
                                                         "data-block-size",
                                                         "hash-block-size",
                                                         "data-blocks",
                                                         "hash-offset",
                                                         "no-superblock",
                                                         "salt",
                                                         "uuid",
                                                         "check-at-most-once",
                                                         NULL};

#define OPTION_COUNT (sizeof(option_table) / sizeof(option_table[0]))
_Static_assert(OPTION_COUNT <= CLI_MAX_OPTIONS, "raise CLI_MAX_OPTIONS");

static int find_option(const char *name)
{
	for (size_t i = 0; i < OPTION_COUNT; i++)
		if (strcmp(option_table[i].name, name) == 0)
			return (int)i;
	return -1;
}

bool cli_option_given(const struct cli_options *opts, const char *name)
{
	int i = find_option(name);

	return i >= 0 && opts->given[i];
}

/* Strict decimal: digits only, no sign, no overflow. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static int store(struct cli_options *opts, const struct option_def *def, const char *arg)
{
	char *field = (char *)opts + def->offset;
	uint64_t v;

	switch (def->type) {
	case OPT_FLAG:
		*(bool *)(void *)field = true;
		return 0;
	case OPT_STRING:
		*(const char **)(void *)field = arg;
		return 0;
	case OPT_U32:
		if (parse_u64(arg, UINT32_MAX, &v))
			break;
		*(uint32_t *)(void *)field = (uint32_t)v;
		return 0;
	case OPT_U64:
		if (parse_u64(arg, UINT64_MAX, &v))
			break;
		*(uint64_t *)(void *)field = v;
		return 0;
	case OPT_LIST: {
		struct cli_string_list *list = (struct cli_string_list *)(void *)field;

		if (list->count == CLI_MAX_LIST) {
			cli_error("Option --%s given more than %d times.", def->name, CLI_MAX_LIST);
			return EXIT_USAGE;
		}
		list->items[list->count++] = arg;
		return 0;
	}
	}
	cli_error("Invalid value '%s' for option --%s (a non-negative decimal number).", arg,
	          def->name);
	return EXIT_USAGE;
}

int cli_parse_options(int argc, char **argv, struct cli_options *opts, int *npos)
{
	struct option longopts[OPTION_COUNT + 1];
	char shortopts[2 * OPTION_COUNT + 3];
	size_t ns = 0;
	int pos = 0, c, index;

	memset(opts, 0, sizeof(*opts));
	opts->hash = "sha256";
	opts->format = 1;
	opts->data_block_size = 4096;
	opts->hash_block_size = 4096;

	/* '+'-less: GNU getopt permutes, so options may follow the subcommand. */
	shortopts[ns++] = ':';
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		const struct option_def *def = &option_table[i];

		longopts[i] = (struct option){
		    def->name, def->type == OPT_FLAG ? no_argument : required_argument, NULL, 0};
		if (def->short_name) {
			shortopts[ns++] = (char)def->short_name;
			if (def->type != OPT_FLAG)
				shortopts[ns++] = ':';
		}
	}
	shortopts[ns] = '\0';
	longopts[OPTION_COUNT] = (struct option){NULL, 0, NULL, 0};

	/* popt's "-?" for help: getopt reserves '?' for errors. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-?") == 0)
			argv[i] = (char *)"--help";
	}

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, &index)) != -1) {
		const struct option_def *def = NULL;
		int ret;

		if (c == '?') {
			if (optopt)
				cli_error("Unknown option -%c.", optopt);
			else
				cli_error("Unknown option %s.", argv[optind - 1]);
			return EXIT_USAGE;
		}
		if (c == ':') {
			cli_error("Option %s needs a value.", argv[optind - 1]);
			return EXIT_USAGE;
		}
		if (c == 0) {
			def = &option_table[index];
		} else {
			for (size_t i = 0; i < OPTION_COUNT; i++)
				if (option_table[i].short_name == c)
					def = &option_table[i];
		}
		if (!def)
			return EXIT_USAGE;
		ret = store(opts, def, optarg);
		if (ret)
			return ret;
		opts->given[def - option_table] = true;
	}
	for (int i = optind; i < argc; i++)
		argv[pos++] = argv[i];
	*npos = pos;
	return EXIT_OK;
}

static bool listed(const char *const *names, const char *name)
{
	for (; *names; names++)
		if (strcmp(*names, name) == 0)
			return true;
	return false;
}

int cli_check_options(const struct cli_options *opts, const struct cli_command *cmd)
{
	for (size_t i = 0; i < OPTION_COUNT; i++) {
		const struct option_def *def = &option_table[i];

		if (!opts->given[i])
			continue;
		if (cmd->raw_stdout && def->offset == FIELD(json)) {
			cli_error("Option --json is not allowed with %s action (its data goes to "
			          "standard output).",
			          cmd->name);
			return EXIT_USAGE;
		}
		if (listed(common_options, def->name) || listed(cmd->options, def->name) ||
		    (cmd->veritysetup && listed(veritysetup_global_options, def->name)))
			continue;
		cli_error("Option --%s is not allowed with %s action.", def->name, cmd->name);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static void print_help_line(FILE *out, const struct option_def *def)
{
	char left[64];

	if (def->short_name)
		snprintf(left, sizeof(left), "-%c, --%s%s%s", def->short_name, def->name,
		         def->arg ? "=" : "", def->arg ? def->arg : "");
	else
		snprintf(left, sizeof(left), "    --%s%s%s", def->name, def->arg ? "=" : "",
		         def->arg ? def->arg : "");
	fprintf(out, "  %-36s %s\n", left, def->help);
}

void cli_print_option_help(FILE *out, const char *const *names)
{
	for (; *names; names++) {
		int i = find_option(*names);

		if (i >= 0)
			print_help_line(out, &option_table[i]);
	}
}

void cli_print_common_option_help(FILE *out, bool json)
{
	for (const char *const *name = common_options; *name; name++)
		if (json || strcmp(*name, "json") != 0)
			print_help_line(out, &option_table[find_option(*name)]);
}
