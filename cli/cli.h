/* SPDX-License-Identifier: MIT */
/*
 * verify-image internals shared by the subcommands: the veritysetup-style
 * options (cli/options.c), opening an image (cli/image.c), and output
 * helpers (cli/util.c, cli/progress.c).
 */
#ifndef VERITY_CLI_H
#define VERITY_CLI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libverity.h"

#define CLI_MAX_OPTIONS 64
#define CLI_MAX_LIST    16

/* A repeatable string option, in command-line order. */
struct cli_string_list {
	const char *items[CLI_MAX_LIST];
	unsigned count;
};

/*
 * Every option's value; the table in cli/options.c says which field each
 * option fills. Defaults are veritysetup's. Adding an option: a field here
 * and one line in that table.
 */
struct cli_options {
	/* veritysetup options */
	const char *hash;                /* --hash, -h */
	uint32_t format;                 /* --format (hash type) */
	uint32_t data_block_size;        /* --data-block-size */
	uint32_t hash_block_size;        /* --hash-block-size */
	uint64_t data_blocks;            /* --data-blocks (0: the whole data file) */
	uint64_t hash_offset;            /* --hash-offset, bytes */
	const char *salt;                /* --salt, -s: hex or "-"; NULL: random */
	const char *uuid;                /* --uuid; NULL: random */
	bool no_superblock;              /* --no-superblock */
	const char *root_hash_file;      /* --root-hash-file */
	bool debug;                      /* --debug */
	bool verbose;                    /* --verbose, -v */
	bool batch_mode;                 /* --batch-mode, -q */
	const char *root_hash_signature; /* --root-hash-signature (DER PKCS#7 file) */
	/* verify-image options */
	struct cli_string_list trusted_cert; /* --trusted-cert (repeatable) */
	const char *trusted_certs;           /* --trusted-certs DIR */
	const char *trusted_dtb;             /* --trusted-dtb FILE */
	bool allow_sha1;                     /* --allow-sha1 (signature policy) */
	uint32_t threads;                    /* --threads, -j (0: every CPU) */
	bool json;                           /* --json */
	bool no_progress;                    /* --no-progress */
	struct cli_string_list pv;           /* --pv FILE (repeatable): LVM2 PVs */
	/* read / table (verified block device) */
	uint64_t offset;            /* --offset, bytes */
	uint64_t length;            /* --length, bytes (not given: to the end) */
	bool ignore_corruption;     /* --ignore-corruption */
	bool restart_on_corruption; /* --restart-on-corruption */
	bool panic_on_corruption;   /* --panic-on-corruption */
	bool error_as_corruption;   /* --error-as-corruption */
	bool ignore_zero_blocks;    /* --ignore-zero-blocks */
	bool check_at_most_once;    /* --check-at-most-once */
	bool use_tasklets;          /* --use-tasklets */
	const char *dm_name;        /* --dm-name (dm-mod.create device name) */
	/* discoverable disk images */
	const char *architecture; /* --architecture (systemd identifier) */
	const char *partition;    /* --partition root|usr */
	const char *root_hash;    /* --root-hash HEX (trusted without signature) */
	uint32_t sector_size;     /* --sector-size 512|4096 (0: find it) */
	/* extract */
	const char *output; /* --output, -o: file, or - for stdout */
	bool force;         /* --force: replace an existing output file */
	/* forward error correction */
	const char *fec_device; /* --fec-device */
	uint64_t fec_offset;    /* --fec-offset, bytes */
	uint32_t fec_roots;     /* --fec-roots (not given: 2) */
	bool dry_run;           /* --dry-run (repair) */
	/* handled by main */
	bool help;
	bool usage;
	bool version;
	bool given[CLI_MAX_OPTIONS]; /* per table entry: seen on the command line */
};

/*
 * Parse the whole command line (options may come before or after the
 * subcommand and its arguments). Positional arguments are moved, in order,
 * to argv[0 .. *npos - 1]. Prints a message and returns EXIT_USAGE on error.
 */
int cli_parse_options(int argc, char **argv, struct cli_options *opts, int *npos);

/* Whether the long option @name was given. */
bool cli_option_given(const struct cli_options *opts, const char *name);

struct cli_command;

/*
 * Refuse an option @cmd does not take (see struct cli_command). Prints the
 * message. Return: EXIT_OK or EXIT_USAGE.
 */
int cli_check_options(const struct cli_options *opts, const struct cli_command *cmd);

/* Print the help lines of the options named in @names (NULL-terminated). */
void cli_print_option_help(FILE *out, const char *const *names);
/* Print the help lines of the options every subcommand takes (@json: --json too). */
void cli_print_common_option_help(FILE *out, bool json);

/**
 * struct cli_command - one subcommand
 * @name: what the user types
 * @args: positional arguments, for usage lines ("<data_device> <hash_device>")
 * @summary: one line
 * @min_args, @max_args: positional argument count range
 * @options: long names of the options it takes, NULL-terminated: its --help
 *           and its allow-list (any other option is refused with veritysetup's
 *           "Option --x is not allowed with y action."; --verbose, --debug,
 *           --batch-mode, --json, --help, --usage and --version are always
 *           allowed)
 * @veritysetup: a veritysetup action: also accepts, and ignores where it does
 *           not use them, the options veritysetup 2.6.1 accepts with every
 *           action (OPT_VERITYSETUP_GLOBAL in cli/options.c)
 * @raw_stdout: writes data to standard output, so --json is refused
 * @run: returns an exit code; @argv holds the positional arguments only
 */
struct cli_command {
	const char *name;
	const char *args;
	const char *summary;
	int min_args;
	int max_args;
	const char *const *options;
	bool veritysetup;
	bool raw_stdout;
	int (*run)(const struct cli_options *opts, int argc, char **argv);
};

/* Program name for messages. */
extern const char *cli_program;

/* ---- cli/util.c ---- */

/* Messages go to stderr; verbose and debug only with -v / --debug. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Open a path argument (@flags as open(2)) as every path is opened: never
 * blocking on a FIFO, refusing what is not a regular file or block device.
 * @what names it in messages ("signature file"); NULL: a device, with
 * veritysetup's wording. Return: a file descriptor, or -1 (message printed;
 * exit status EXIT_IO).
 */
int cli_open_path(const char *path, int flags, const char *what);
/*
 * Background writeback of a file being written: while it runs, its dirty
 * pages go to the disk every few milliseconds, so that the fsync after a
 * long write waits for little. Advisory: write errors show at the fsync.
 */
struct cli_writeback {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int fd[2];
	bool stop, running;
};
/* Start for @fd and @fd2 (-1: none); nothing when no thread can be started. */
void cli_writeback_start(struct cli_writeback *wb, int fd, int fd2);
void cli_writeback_stop(struct cli_writeback *wb);
/*
 * Sequential output around the page cache (cli/direct_writer.c): writes
 * given to @writer are gathered into aligned chunks that a thread of its
 * own writes with O_DIRECT while the caller goes on. For large outputs not
 * read back soon (FEC parity). Chunks that the file refuses to take
 * directly, or that are not 4096-aligned, go through the buffered
 * descriptor, so the caller still fsyncs that one at the end.
 */
#define CLI_DIRECT_CHUNK  (1024u * 1024u)
#define CLI_DIRECT_CHUNKS 4u
struct cli_direct_chunk {
	uint8_t *buf;
	uint64_t offset; /* in the file, of buf[0] */
	size_t len;
	bool queued; /* handed to the thread, not written yet */
};
struct cli_direct_writer {
	struct verity_writer writer;
	struct verity_writer buffered; /* the caller's descriptor */
	struct verity_fd_writer buffered_ctx;
	int direct_fd; /* the same file, O_DIRECT */
	bool direct;   /* the file still takes direct writes */
	uint8_t *ring;
	struct cli_direct_chunk chunk[CLI_DIRECT_CHUNKS];
	unsigned fill;       /* the caller's chunk */
	unsigned next_write; /* the thread's */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work, space;
	int err; /* errno of the first failed write */
	bool stop;
};
/*
 * Start for the file open as @fd at @path. False: no direct writes here
 * (no O_DIRECT on this file system, no memory, no thread); use @fd.
 */
bool cli_direct_writer_start(struct cli_direct_writer *dw, const char *path, int fd);
/* Write what is gathered, stop the thread. Return: 0, or the errno of the first failed write. */
int cli_direct_writer_finish(struct cli_direct_writer *dw);
void cli_verbose(const struct cli_options *opts, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_debug(const struct cli_options *opts, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Exit code for a libverity error code. */
int cli_exit_code(int err);

/* Lowercase hex of @len bytes into @out (2 * len + 1 bytes). */
void cli_hex(char *out, const uint8_t *bytes, size_t len);
/* Hex (either case, even length) to bytes. Return: byte count, or -1. */
int cli_unhex(const char *hex, uint8_t *out, size_t max);

/* Standard 8-4-4-4-12 form. Return: 0 or -1. */
int cli_uuid_parse(const char *text, uint8_t uuid[VERITY_UUID_SIZE]);
void cli_uuid_format(char out[37], const uint8_t uuid[VERITY_UUID_SIZE]);
/* Random bytes from the kernel. Return: 0 or -1 (errno set). */
int cli_random_bytes(void *buf, size_t len);

/*
 * JSON string literal (quotes included) of @s to @out. Bytes that are not
 * UTF-8 are written as \udcXX (Python's surrogateescape).
 */
void cli_json_string(FILE *out, const char *s);

/*
 * --json output. main() prints exactly one object per run, failures and
 * usage errors included: "status" ("ok" or "error"), "exit_code", on
 * failure "error" (one name per exit status) and "message" (the first
 * cli_error() line), then the fields the subcommand added, in order, with
 * the calls below. Subcommands never print JSON themselves; they may add
 * fields whether or not --json was given (they are dropped without it).
 */
void cli_json_field_string(const char *name, const char *value); /* NULL: null */
void cli_json_field_u64(const char *name, uint64_t value);
void cli_json_field_int(const char *name, int value);
void cli_json_field_bool(const char *name, bool value);
/* @json: an already-formed JSON value (an object or an array). */
void cli_json_field_raw(const char *name, const char *json);
/* Print the object for exit status @code (main only). */
void cli_json_finish(int code);
/*
 * For nested values: the stream the fields go to (NULL when out of memory).
 * Write whole fields, each starting with a comma: ,"name":value
 */
FILE *cli_json_stream(void);

/* ---- cli/lvm.c ---- */

/* LVM2 physical volumes opened read-only, and what their metadata describes. */
struct cli_lvm {
	const char *const *paths;
	size_t count;
	int fds[VERITY_LVM_MAX_DEVICES];
	struct verity_fd_bdev ctx[VERITY_LVM_MAX_DEVICES];
	struct verity_bdev bdevs[VERITY_LVM_MAX_DEVICES];
	struct verity_lvm *lvm;
};

/*
 * Open and scan @count PV files. Prints a message on error.
 * Return: EXIT_OK or an exit code (EXIT_IO, EXIT_CORRUPT, EXIT_USAGE...); on
 * error *@err (if not NULL) gets the library code and @detail what it names.
 */
int cli_lvm_open(struct cli_lvm *pvs, const char *const *paths, size_t count, int *err,
                 char *detail, size_t detail_size);
void cli_lvm_close(struct cli_lvm *pvs);

/* Exit status for a library error, with the LVM2 codes mapped. */
int cli_lvm_exit_code(int err);

/*
 * With --pv: whether @path names a logical volume ("VG/LV", not "./VG/LV"
 * nor an absolute path); if so, open the PVs once into @pvs and fill
 * @bdev. Return: EXIT_OK with *@is_lv set or clear, or an exit code.
 */
int cli_lvm_resolve(struct cli_lvm *pvs, const struct cli_options *opts, const char *path,
                    struct verity_bdev *bdev, bool *is_lv);

/* The device-mapper name lvm2 gives VG/LV ("vg0/os-a" -> "vg0-os--a"). Return: exit code. */
int cli_lvm_dm_name(const char *vg_lv, char *out, size_t size);

/*
 * The linear table of LV @path, one "<start> <len> linear <pv file> <sector>"
 * per segment, separated by @sep. Return: EXIT_OK, EXIT_NOT_FOUND, or
 * EXIT_USAGE (a PV name a table cannot hold, or @size too small).
 */
int cli_lvm_linear_table(const struct cli_lvm *pvs, const char *path, char sep, char *out,
                         size_t size);

/* ---- cli/image.c ---- */

/* An open data/hash pair with the tree parameters, as verify and dump see it. */
struct cli_image {
	const char *data_path;
	const char *hash_path;
	int data_fd;
	int hash_fd;
	struct verity_fd_bdev data_ctx;
	struct verity_fd_bdev hash_ctx;
	struct verity_bdev data;
	struct verity_bdev hash;
	struct verity_params params;
	bool superblock; /* parameters came from the superblock */
	uint8_t uuid[VERITY_UUID_SIZE];
	uint64_t hash_offset;
	bool same_file;            /* data and hash are one file or device */
	struct cli_ddi_image *ddi; /* a discovered disk image's pair (cli/ddi.c), or NULL */
	struct cli_lvm pvs;        /* with --pv */
};

/*
 * Open @hash_path (and @data_path unless NULL) read-only and resolve the
 * parameters with verity_open_resolve(): from the superblock at
 * --hash-offset, or from the options with --no-superblock. Without a data
 * path, data_blocks stays as stored. Prints a message on error.
 * Return: EXIT_OK or an exit code.
 */
int cli_image_open(struct cli_image *img, const struct cli_options *opts, const char *data_path,
                   const char *hash_path);
void cli_image_close(struct cli_image *img);

/* Tree parameters from the options alone (--hash, --format, sizes, salt). */
int cli_params_from_options(struct verity_params *params, const struct cli_options *opts);

/* Print veritysetup's message for a parameter error and ours. Return: exit code. */
int cli_parameter_error(int err);

/* "Data device is too small" for @params (data_blocks 0: not one block). Return: EXIT_USAGE. */
int cli_data_too_small(const char *path, const struct verity_params *params);

/* Whether two open files are the same file or device. */
bool cli_same_file(int fd1, int fd2);
/* @fd and the existing file at @path are one file (false when @path does not exist). */
bool cli_same_path(int fd, const char *path);

/* The arguments and options that cli_image_open_with_root() reads. */
#define CLI_IMAGE_ARGS "<data_device> <hash_device> [<root_hash>] | <image>"
#define CLI_IMAGE_OPTIONS                                                                      \
	"root-hash-file", "hash-offset", "no-superblock", "hash", "format", "data-block-size", \
	    "hash-block-size", "data-blocks", "salt", "pv"

/*
 * The <data_device> <hash_device> [<root_hash>] arguments of verify, read
 * and table: cli_image_open(), cli_read_root_hash(), then, if
 * @check_signature, the root hash signature (--root-hash-signature) when
 * one is given; trust options without a signature are refused. Prints a
 * message on error. Return: EXIT_OK or an exit code; close @img in either case.
 */
int cli_image_open_with_root(struct cli_image *img, const struct cli_options *opts, int argc,
                             char **argv, bool check_signature);

/* The first event a verified device reports: which block failed. */
struct cli_failure {
	bool seen;
	struct verity_device_event event;
};

/* A verity_device_options.report keeping the first event in a struct cli_failure. */
void cli_failure_remember(void *user_data, const struct verity_device_event *event);

/* Say which block of which file failed (@err's message when no event was seen). */
void cli_failure_report(const struct cli_image *img, const struct cli_failure *f, int err);

/* ---- cli/rootcheck.c ---- */

/* The hash-device block of the top tree level; false for a one-block image. */
bool cli_top_block(const struct verity_params *params, uint64_t *block);

/*
 * The top hash block of @img does not hash to its root hash: verify the tree
 * below against the stored top block instead, into @below. below->error 0
 * means the tree is consistent and the root hash is wrong (veritysetup's 1);
 * a corruption there is what veritysetup reports (2).
 * Return: 0, or the error that kept it from checking.
 */
int cli_check_below_top(const struct cli_image *img, const struct verity_tree_options *topts,
                        struct verity_verify_result *below);

struct cli_fec;

/* Print the veritysetup "VERITY header information" block (format, dump); @fec may be NULL. */
void cli_print_header_info(FILE *out, const char *hash_path, const struct verity_params *params,
                           const uint8_t *uuid, uint64_t hash_offset, bool root,
                           const struct cli_fec *fec);
/* The same as --json fields. */
void cli_json_header_fields(const char *hash_path, const struct verity_params *params,
                            const uint8_t *uuid, uint64_t hash_offset, bool root,
                            const struct cli_fec *fec);

/* ---- cli/fec.c ---- */

/* The FEC device of --fec-device, and the table's FEC arguments for it. */
struct cli_fec {
	bool enabled; /* --fec-device given */
	const char *path;
	int fd;
	struct verity_fd_bdev ctx;
	struct verity_bdev dev;  /* the whole device */
	struct verity_bdev area; /* from --fec-offset on */
	struct verity_fd_writer wctx;
	struct verity_writer writer;      /* the whole device (writable opens) */
	struct verity_writer area_writer; /* from --fec-offset on */
	uint32_t roots;
	uint64_t offset; /* --fec-offset */
	bool same_as_hash, same_as_data;
	bool is_lv;                      /* a logical volume of --pv (fd -1) */
	struct verity_fec_params params; /* fec_start 0: offsets are relative to @area */
	uint64_t parity_blocks;          /* what veritysetup calls "FEC blocks" */
};

/*
 * Open --fec-device (created if @writable): a logical volume of @pvs when
 * --pv is given and the path names one (@pvs NULL: files only), else a
 * file. Not given: EXIT_OK, disabled. Return: exit code.
 */
int cli_fec_open(struct cli_fec *f, const struct cli_options *opts, bool writable,
                 struct cli_lvm *pvs);
void cli_fec_close(struct cli_fec *f);
/*
 * fec_blocks as veritysetup derives it (the rest of the hash device, or up
 * to --fec-offset when the FEC area shares the hash device), checked
 * against the tree and the data area. @data_fd may be -1. With @img (whose
 * devices may be logical volumes, fd -1), its devices are used instead of
 * the two descriptors. Return: exit code.
 */
int cli_fec_derive(struct cli_fec *f, const struct verity_params *params, int data_fd, int hash_fd,
                   const struct cli_image *img);
/*
 * cli_fec_open(), cli_fec_derive() for @img, and with @need_parity
 * cli_fec_check_size(): what every action taking --fec-device does first.
 */
int cli_fec_setup(struct cli_fec *f, const struct cli_options *opts, struct cli_image *img,
                  bool writable, bool need_parity);
/* The FEC device holds the whole parity area. Return: exit code. */
int cli_fec_check_size(const struct cli_fec *f, uint32_t block_size);
/* veritysetup's lines ("FEC RS roots", "FEC blocks"; "FEC device size") and JSON fields. */
void cli_fec_print_info(FILE *out, const struct cli_fec *f);
void cli_fec_print_size(FILE *out, const struct cli_fec *f, uint32_t block_size);
void cli_fec_json_fields(const struct cli_fec *f, uint32_t block_size);

/* ---- cli/sig.c ---- */

/* Whether any --trusted-* option was given. */
bool cli_has_trust_options(const struct cli_options *opts);

/*
 * Load the trusted certificates of --trusted-cert, --trusted-certs and
 * --trusted-dtb (at least one is required). Prints a message on error.
 * Return: EXIT_OK, EXIT_USAGE (no trust option, unusable certificate or
 * device tree), EXIT_IO or EXIT_NOMEM.
 */
int cli_load_keyring(const struct cli_options *opts, struct verity_keyring **keyring);

/*
 * Check the signature file @sig_path over the root digest (lowercase hex of
 * @digest is what is signed), with the trust options of @opts. Prints what
 * failed, or with -v who signed. Return: EXIT_OK, EXIT_BAD_SIGNATURE,
 * EXIT_USAGE, EXIT_IO or EXIT_NOMEM.
 */
int cli_check_signature(const struct cli_options *opts, const char *sig_path, const uint8_t *digest,
                        size_t digest_len);

/* Read the signature file @sig_path (at most VERITY_SIG_MAX_SIZE + 1 bytes). Return: exit code. */
int cli_read_signature(const char *sig_path, uint8_t **sig, size_t *sig_len);

/* The policy options (--allow-sha1). */
void cli_sig_options(const struct cli_options *opts, struct verity_sig_options *sig_opts);

/* Print the outcome of a signature check of @sig_path. Return: exit code. */
int cli_signature_result(const struct cli_options *opts, const char *sig_path, int err,
                         const struct verity_sig_result *result);

/* ---- cli/ddi.c: discoverable disk images ---- */

/*
 * systemd's sidecar files next to an image: foo.raw (or foo) has
 * foo.roothash or foo.usrhash (hex), optionally foo.roothash.p7s /
 * foo.usrhash.p7s (DER PKCS#7 over the hex), and for an unpartitioned
 * image foo.verity (superblock and tree).
 */
struct cli_sidecar {
	bool found;
	uint32_t role; /* VERITY_DPS_ROOT or VERITY_DPS_USR */
	char root_hex[2 * VERITY_MAX_DIGEST_SIZE + 1];
	uint8_t root[VERITY_MAX_DIGEST_SIZE];
	int root_size;
	uint8_t *sig; /* NULL without a .p7s file */
	size_t sig_len;
	char verity_path[4096]; /* empty without a .verity file */
};

/* An image opened and dissected, with the keyring used. */
struct cli_ddi {
	const char *path;
	int fd;
	struct verity_fd_bdev fd_ctx;
	struct verity_bdev disk;
	struct verity_keyring *keyring;
	bool dissected;
	struct cli_sidecar sidecar; /* found: its root hash is trusted (checked) */
	struct verity_ddi ddi;
	uint8_t root[VERITY_MAX_DIGEST_SIZE];
	int root_given;     /* bytes of --root-hash in @root, 0 without */
	struct cli_lvm pvs; /* with --pv, the image may be a logical volume */
};

/* The options dissect, verify, read and table take for an image. */
#define CLI_DDI_IMAGE_OPTIONS "architecture", "partition", "root-hash", "sector-size"
#define CLI_DDI_OPTIONS \
	CLI_DDI_IMAGE_OPTIONS, "trusted-cert", "trusted-certs", "trusted-dtb", "allow-sha1"

/*
 * Open and dissect the image @path with --architecture, --sector-size,
 * --root-hash and the trust options (none: the certificates in /etc/verity.d,
 * /run/verity.d and /usr/lib/verity.d). Prints a message on error.
 * Return: EXIT_OK or an exit code; close @d in either case.
 */
int cli_ddi_open(struct cli_ddi *d, const struct cli_options *opts, const char *path);
void cli_ddi_close(struct cli_ddi *d);

/* Exit status for an error of the disk layer (and any other library error). */
int cli_ddi_exit_code(int err);

/*
 * The single-argument form of verify, read and table: dissect the image and
 * present the pair of --partition (default root, else usr) as @img, with
 * /dev/disk/by-partuuid/ names for data_path and hash_path. The signature
 * (or --root-hash) has been checked by dissecting. Prints a message on error.
 * Return: EXIT_OK or an exit code; cli_image_close() in either case.
 */
int cli_image_open_ddi(struct cli_image *img, const struct cli_options *opts, const char *path);
void cli_image_close_ddi(struct cli_image *img);

/* The sidecar files behind @img when it is an unpartitioned image, else NULL. */
const struct cli_sidecar *cli_image_sidecar(const struct cli_image *img);

/* The root hash role of the pair behind @img ("roothash" or "usrhash"), or NULL. */
const char *cli_image_ddi_hash_arg(const struct cli_image *img);

/*
 * Run @fn for the image @path once per verity pair role when the image has
 * root and usr pairs and no --partition was given (as --partition root, then
 * usr); otherwise once. With --json the objects are wrapped in one:
 * {"pairs":[...],"status":...,"exit_code":...}. Return: the first failure's
 * exit code, or EXIT_OK.
 */
int cli_ddi_each_role(const struct cli_options *opts, const char *path,
                      int (*fn)(const struct cli_options *opts, int argc, char **argv));

/* enum verity_dps_role of --partition (root by default, or 0 for "every" when @all). */
int cli_ddi_role(const struct cli_options *opts, bool all, uint32_t *role);

/*
 * The pair to use for --partition (default root): verity_ddi_select().
 * Prints a message on error. Return: EXIT_OK or an exit code.
 */
int cli_ddi_select(struct cli_ddi *d, const struct cli_options *opts, uint32_t *index);

/* ---- cli/progress.c ---- */

/* A progress bar on stderr, shown only on a terminal and only for long runs. */
struct cli_progress {
	bool enabled;
	bool drawn;
	const char *label;
	uint64_t start_ns;
	uint64_t last_ns;
};

void cli_progress_init(struct cli_progress *p, const struct cli_options *opts, const char *label);
/* A verity_progress_fn; @user_data is the struct cli_progress. */
void cli_progress_update(void *user_data, uint64_t done, uint64_t total);
void cli_progress_end(struct cli_progress *p);

#endif
