/* SPDX-License-Identifier: MIT */
/*
 * libverity: verify Linux dm-verity images outside the kernel.
 *
 * One public header. Every function returns 0 on success or a negative
 * VERITY_E_* code; verity_strerror() turns a code into a message. The library
 * never prints and never exits.
 *
 * Conventions (after libfsverity): parameter structs are zeroed by the caller
 * and then filled in; fields named reserved* must stay zero.
 */
#ifndef LIBVERITY_H
#define LIBVERITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VERITY_VERSION_STRING "0.1.0"

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/*
 * Error codes. Groups by layer; the numbers are part of the ABI, so new codes
 * are only ever appended to their group.
 */
enum verity_error {
	VERITY_OK = 0,

	/* General (-1 .. -99) */
	VERITY_E_INVAL = -1,        /* an argument is NULL or out of range */
	VERITY_E_NOMEM = -2,        /* the allocator hook failed */
	VERITY_E_IO = -3,           /* a read or write callback failed */
	VERITY_E_SHORT_READ = -4,   /* a device ended before the requested range */
	VERITY_E_OVERFLOW = -5,     /* a size or offset does not fit 64 bits */
	VERITY_E_UNSUPPORTED = -6,  /* feature not built in or not supported */
	VERITY_E_BAD_HASH_ALG = -7, /* unknown or unavailable hash algorithm */
	VERITY_E_BAD_HEX = -8,      /* malformed hex string */
	VERITY_E_RANGE = -9,        /* read outside the verified data */
	VERITY_E_THREAD = -10,      /* a worker thread could not be started */

	/* Tree geometry and verification (-100 .. -199) */
	VERITY_E_BAD_HASH_TYPE = -100,       /* hash type not 0 or 1 */
	VERITY_E_BAD_DATA_BLOCK_SIZE = -101, /* not a power of two in 512..512 KiB */
	VERITY_E_BAD_HASH_BLOCK_SIZE = -102, /* not a power of two in 512..512 KiB */
	VERITY_E_SALT_TOO_LONG = -103,       /* salt longer than 256 bytes */
	VERITY_E_DIGEST_TOO_BIG = -104,      /* hash block smaller than 2 digests */
	VERITY_E_TOO_MANY_LEVELS = -105,     /* more than 63 tree levels */
	VERITY_E_NO_DATA_BLOCKS = -106,      /* data_blocks is zero */
	VERITY_E_HASH_AREA_OVERFLOW = -107,  /* tree end does not fit 64 bits */
	VERITY_E_HASH_DEVICE_TOO_SMALL = -108,
	VERITY_E_DATA_DEVICE_TOO_SMALL = -109,
	VERITY_E_AREA_OVERLAP = -110,    /* data and hash areas overlap */
	VERITY_E_BAD_HASH_OFFSET = -111, /* hash offset not a multiple of 512 */
	VERITY_E_BAD_ROOT_DIGEST = -112, /* root digest of the wrong size */
	VERITY_E_CORRUPT_DATA = -113,    /* a data block does not match */
	VERITY_E_CORRUPT_HASH = -114,    /* a hash block does not match */
	VERITY_E_CORRUPT_PADDING = -115, /* non-zero bytes after the digests */
	VERITY_E_ROOT_MISMATCH = -116,   /* the top block does not match root */

	/* Superblock (-200 .. -299) */
	VERITY_E_SB_TOO_SHORT = -200,              /* fewer than 512 bytes */
	VERITY_E_SB_BAD_MAGIC = -201,              /* signature is not "verity\0\0" */
	VERITY_E_SB_BAD_VERSION = -202,            /* version is not 1 */
	VERITY_E_SB_BAD_HASH_TYPE = -203,          /* hash type not 0 or 1 */
	VERITY_E_SB_BAD_ALGORITHM = -204,          /* unknown hash algorithm name */
	VERITY_E_SB_BAD_BLOCK_SIZE = -205,         /* bad data block size */
	VERITY_E_SB_BAD_SALT_SIZE = -206,          /* salt size over 256 */
	VERITY_E_SB_RESERVED_NONZERO = -207,       /* padding fields not zero */
	VERITY_E_SB_ALGORITHM_UNTERMINATED = -208, /* no NUL in the 32 name bytes */
	VERITY_E_SB_BAD_HASH_BLOCK_SIZE = -209,    /* bad hash block size */

	/* Verified device and kernel table line (-300 .. -399) */
	VERITY_E_TABLE_SYNTAX = -300,              /* empty line, control bytes, bad word */
	VERITY_E_TABLE_NOT_ENOUGH_ARGS = -301,     /* fewer than 10 target arguments */
	VERITY_E_TABLE_BAD_TARGET = -302,          /* target type is not "verity" */
	VERITY_E_TABLE_BAD_SECTORS = -303,         /* bad <start> or <len>, or len 0 */
	VERITY_E_TABLE_LENGTH_TOO_BIG = -304,      /* len > data_blocks * dbs / 512 */
	VERITY_E_TABLE_BAD_VERSION = -305,         /* version not 0 or 1 */
	VERITY_E_TABLE_BAD_DATA_DEV = -306,        /* data device name too long */
	VERITY_E_TABLE_BAD_HASH_DEV = -307,        /* hash device name too long */
	VERITY_E_TABLE_BAD_DATA_BLOCK_SIZE = -308, /* Invalid data device block size */
	VERITY_E_TABLE_BAD_HASH_BLOCK_SIZE = -309, /* Invalid hash device block size */
	VERITY_E_TABLE_BAD_DATA_BLOCKS = -310,     /* not a number, or overflows in sectors */
	VERITY_E_TABLE_BAD_HASH_START = -311,      /* not a number, or overflows in sectors */
	VERITY_E_TABLE_BAD_ALGORITHM = -312,       /* unknown hash algorithm */
	VERITY_E_TABLE_BAD_DIGEST = -313,          /* not exactly 2 * digest size hex digits */
	VERITY_E_TABLE_BAD_SALT = -314,            /* odd length or not hex (and not "-") */
	VERITY_E_TABLE_BAD_OPT_COUNT = -315,       /* bad <#opt_words> */
	VERITY_E_TABLE_UNKNOWN_OPTION = -316,      /* Unrecognized verity feature request */
	VERITY_E_TABLE_CONFLICTING_MODES = -317,   /* two error handling modes */
	VERITY_E_TABLE_FEC_NEEDS_VALUE = -318,     /* FEC feature arguments require a value */
	VERITY_E_TABLE_BAD_FEC_DEV = -319,         /* FEC device name too long */
	VERITY_E_TABLE_BAD_FEC_START = -320,       /* Invalid fec_start */
	VERITY_E_TABLE_BAD_FEC_BLOCKS = -321,      /* Invalid fec_blocks */
	VERITY_E_TABLE_BAD_FEC_ROOTS = -322,       /* not 2 .. 24 */
	VERITY_E_TABLE_FEC_MISSING_ROOTS = -323,   /* Missing fec_roots */
	VERITY_E_TABLE_FEC_MISSING_BLOCKS = -324,  /* Missing fec_blocks */
	VERITY_E_TABLE_FEC_BLOCK_SIZES = -325,     /* FEC with dbs != hbs */
	VERITY_E_TABLE_SIG_KEY_MISSING = -326,     /* root_hash_sig_key_desc without a value */
	VERITY_E_TABLE_SIG_KEY_REPEATED = -327,    /* root_hash_sig_key_desc already specified */
	VERITY_E_TABLE_TRAILING_WORDS = -328,      /* words after the optional arguments */
	VERITY_E_TABLE_SIG_KEY_TOO_LONG = -329,    /* key description too long */
	VERITY_E_TABLE_UNREPRESENTABLE = -330,     /* a name cannot be written into a table line */
	VERITY_E_BUFFER_TOO_SMALL = -331,          /* output buffer too small */
	VERITY_E_AT_MOST_ONCE_TOO_LARGE = -332,    /* more than INT_MAX data blocks */
	VERITY_E_BUDGET_TOO_SMALL = -333,          /* memory budget below the fixed buffers */
	VERITY_E_MISSING_CALLBACK = -334,          /* an error mode's callback is NULL */
	VERITY_E_NO_THREADS = -335, /* thread-safe device in a build without threads */

	/* Signatures and keyrings (-400 .. -499) */
	VERITY_E_SIG_MALFORMED = -400,
	VERITY_E_SIG_TOO_LARGE = -401,          /* over the size cap (32767 bytes) */
	VERITY_E_SIG_TRAILING_DATA = -402,      /* bytes after the ContentInfo */
	VERITY_E_SIG_BER = -403,                /* BER-only encoding (indefinite length) */
	VERITY_E_SIG_NOT_SIGNED_DATA = -404,    /* ContentInfo type is not signedData */
	VERITY_E_SIG_BAD_VERSION = -405,        /* SignedData/SignerInfo version unknown */
	VERITY_E_SIG_VERSION_MISMATCH = -406,   /* SignerInfo version vs SignedData/sid */
	VERITY_E_SIG_NOT_DETACHED = -407,       /* eContent present */
	VERITY_E_SIG_WRONG_CONTENT_TYPE = -408, /* eContentType/contentType not data */
	VERITY_E_SIG_NO_SIGNERS = -409,
	VERITY_E_SIG_LIMIT = -410,               /* too many signers or certificates */
	VERITY_E_SIG_UNSUPPORTED_DIGEST = -411,  /* digest algorithm not accepted */
	VERITY_E_SIG_SHA1_DISABLED = -412,       /* SHA-1 refused by policy */
	VERITY_E_SIG_UNSUPPORTED_SIG_ALG = -413, /* e.g. sha256WithRSAEncryption */
	VERITY_E_SIG_RSA_PSS_DISABLED = -414,    /* RSA-PSS refused by policy */
	VERITY_E_SIG_ALG_DIGEST_MISMATCH = -415, /* ecdsa-with-SHAx vs digestAlgorithm */
	VERITY_E_SIG_INCONSISTENT_ATTRS = -416,  /* signed attributes in some signers */
	VERITY_E_SIG_MISSING_ATTR = -417,        /* contentType or messageDigest absent */
	VERITY_E_SIG_REPEATED_ATTR = -418,       /* repeated or multi-valued attribute */
	VERITY_E_SIG_FORBIDDEN_ATTR = -419,      /* e.g. smimeCapabilities */
	VERITY_E_SIG_DIGEST_MISMATCH = -420,     /* messageDigest != H(content) */
	VERITY_E_SIG_SIGNING_TIME = -421,        /* signingTime outside cert validity */
	VERITY_E_SIG_BAD_CERT = -422,            /* embedded certificate unparsable */
	VERITY_E_SIG_KEY_UNSUPPORTED = -423,     /* key type, curve or size refused */
	VERITY_E_SIG_BAD_SIGNATURE = -424,       /* signature does not verify */
	VERITY_E_SIG_UNTRUSTED = -425,           /* no signer reaches a trusted cert */
	VERITY_E_KEYRING_BAD_CERT = -426,        /* trusted certificate unparsable */
	VERITY_E_KEYRING_EMPTY = -427,           /* no active certificate found */
	VERITY_E_KEYRING_BAD_DTB = -428,         /* device tree fails fdt_check_full */
	VERITY_E_KEYRING_DTB_NO_NODE = -429,     /* no container node in the tree */
	VERITY_E_KEYRING_DTB_PROPERTY = -430,    /* missing or malformed property */
	VERITY_E_DT_BAD_PARAMS = -431,           /* FIT dm-verity node malformed */
	VERITY_E_KEYRING_FINGERPRINT = -432,     /* sha256-fingerprint does not match */

	/* Forward error correction (libverity/fec.h) */
	VERITY_E_FEC_BAD_ROOTS = -700,        /* roots not in 2 .. 24 */
	VERITY_E_FEC_BLOCK_SIZES = -701,      /* data and hash block sizes differ */
	VERITY_E_FEC_BAD_BLOCKS = -702,       /* fec_blocks below data + tree */
	VERITY_E_FEC_BAD_OFFSET = -703,       /* FEC offset not a multiple of 512 */
	VERITY_E_FEC_AREA_OVERLAP = -704,     /* FEC area overlaps data or hash */
	VERITY_E_FEC_DEVICE_TOO_SMALL = -705, /* parity area past the FEC device */
	VERITY_E_FEC_UNCORRECTABLE = -706,    /* a codeword cannot be corrected */
	VERITY_E_FEC_NOT_VERIFIED = -707,     /* a corrected block still fails its hash */
};

/**
 * verity_strerror() - describe an error code
 * @err: a value returned by a libverity function
 *
 * Return: a static, NUL-terminated English message; never NULL.
 */
const char *verity_strerror(int err);

/* ------------------------------------------------------------------------ */
/* Memory hooks                                                              */
/* ------------------------------------------------------------------------ */

/*
 * Allocator hooks, so that a bootloader can link the core without malloc.
 * A NULL hooks pointer anywhere means the C library's malloc/free.
 */
struct verity_allocator {
	void *user_data;
	void *(*alloc)(void *user_data, size_t size);
	void (*free)(void *user_data, void *ptr);
};

/* ------------------------------------------------------------------------ */
/* Block devices (read-only)                                                 */
/* ------------------------------------------------------------------------ */

/**
 * struct verity_bdev - something to read bytes from
 * @user_data: passed back to @read
 * @read: read exactly @len bytes at byte @offset into @buf; return 0, or a
 *        negative VERITY_E_* code (VERITY_E_IO, VERITY_E_SHORT_READ). Never
 *        called with a range past @size.
 * @size: bytes readable
 *
 * The library never writes through a bdev. Adapters below fill one in; a
 * caller with its own storage (a bootloader's block layer) fills in its own.
 */
struct verity_bdev {
	void *user_data;
	int (*read)(void *user_data, uint64_t offset, void *buf, size_t len);
	uint64_t size;
};

/**
 * verity_bdev_read() - checked read through a bdev
 *
 * Return: 0; VERITY_E_INVAL for a NULL bdev, callback or buffer;
 * VERITY_E_RANGE if [offset, offset + len) is not inside the device (also on
 * overflow); otherwise what the callback returned.
 */
int verity_bdev_read(const struct verity_bdev *bdev, uint64_t offset, void *buf, size_t len);

/**
 * verity_bdev_from_memory() - a bdev over a caller-owned buffer
 * @bdev: filled in
 * @mem_ctx: storage the bdev points at (must outlive @bdev)
 * @mem: the bytes (must outlive @bdev)
 * @len: their count
 *
 * Return: 0, or VERITY_E_INVAL if @bdev is NULL or @mem is NULL with len > 0.
 */
struct verity_memory_bdev {
	const uint8_t *bytes;
	size_t len;
};
int verity_bdev_from_memory(struct verity_bdev *bdev, struct verity_memory_bdev *mem_ctx,
                            const void *mem, size_t len);

#ifndef VERITY_FREESTANDING
/**
 * verity_bdev_from_fd() - a bdev over an open file descriptor (pread)
 * @bdev: filled in
 * @fd_ctx: storage the bdev points at (must outlive @bdev)
 * @fd: open for reading; not closed by the library
 * @size: bytes usable, or UINT64_MAX to take the file's (or block device's)
 *        current size
 *
 * Short reads are retried; EINTR is retried; reading past end of file gives
 * VERITY_E_SHORT_READ, other errors VERITY_E_IO (errno kept in @fd_ctx).
 * Return: 0, VERITY_E_INVAL, or VERITY_E_IO if the size cannot be found.
 */
struct verity_fd_bdev {
	int fd;
	int last_errno;
};
int verity_bdev_from_fd(struct verity_bdev *bdev, struct verity_fd_bdev *fd_ctx, int fd,
                        uint64_t size);
#endif

/* ------------------------------------------------------------------------ */
/* SHA-256 implementations                                                   */
/* ------------------------------------------------------------------------ */

/**
 * verity_sha256_impl_name() - name of the SHA-256 code chosen at run time
 * @many: true for the implementation used to hash many equal-length blocks,
 *        false for the single-stream one.
 *
 * The choice is made once, on first use: the fastest implementation the CPU
 * supports, unless the environment variable VERITY_SHA256_IMPL names one.
 * Return: a static string such as "generic", "shani-x2" or "avx512-x16".
 */
const char *verity_sha256_impl_name(bool many);

/**
 * verity_sha256_force_impl() - choose an implementation by name
 * @name: an implementation name, or NULL to return to automatic choice
 *
 * For tests, benchmarks and bootloaders that know their CPU.
 * Return: 0, VERITY_E_UNSUPPORTED if not built in or the CPU lacks it,
 * VERITY_E_INVAL for an unknown name.
 */
int verity_sha256_force_impl(const char *name);

/* ------------------------------------------------------------------------ */
/* Tree parameters and geometry                                              */
/* ------------------------------------------------------------------------ */

#define VERITY_MAX_SALT_SIZE   256
#define VERITY_MAX_DIGEST_SIZE 64
#define VERITY_MAX_LEVELS      63
#define VERITY_MIN_BLOCK_SIZE  512u
#define VERITY_MAX_BLOCK_SIZE  (512u * 1024u)

/**
 * struct verity_params - what defines a dm-verity tree (the kernel table)
 * @hash_type: 1 (normal, salt prepended) or 0 (Chrome OS, salt appended)
 * @algorithm: NUL-terminated hash name as in the kernel table ("sha256")
 * @data_block_size: bytes per data block
 * @hash_block_size: bytes per hash block
 * @data_blocks: number of data blocks covered by the tree
 * @hash_start_block: first tree block on the hash device, in hash blocks
 * @salt_size: bytes of @salt in use (0 .. 256)
 * @salt: the salt
 * @root_digest_size: bytes of @root_digest in use (0 while unknown)
 * @root_digest: the expected root hash
 * @reserved: must be zero
 */
struct verity_params {
	uint32_t hash_type;
	char algorithm[32];
	uint32_t data_block_size;
	uint32_t hash_block_size;
	uint64_t data_blocks;
	uint64_t hash_start_block;
	uint32_t salt_size;
	uint8_t salt[VERITY_MAX_SALT_SIZE];
	uint32_t root_digest_size;
	uint8_t root_digest[VERITY_MAX_DIGEST_SIZE];
	uint64_t reserved[4];
};

/**
 * struct verity_geometry - tree layout derived from struct verity_params
 * @digest_size: bytes per digest
 * @hash_per_block_bits: log2 of the number of digests per hash block
 * @digest_slot_size: bytes between consecutive digests in a hash block
 * @levels: number of tree levels (0 when there is one data block)
 * @level_start: absolute hash-device block of each level; [0] = leaves
 * @level_blocks: number of hash blocks in each level
 * @hash_end_block: first hash-device block after the tree
 */
struct verity_geometry {
	uint32_t digest_size;
	uint32_t hash_per_block_bits;
	uint32_t digest_slot_size;
	uint32_t levels;
	uint64_t level_start[VERITY_MAX_LEVELS];
	uint64_t level_blocks[VERITY_MAX_LEVELS];
	uint64_t hash_end_block;
};

/**
 * verity_geometry_init() - compute and check the tree layout
 * @geo: filled on success
 * @params: the tree parameters (root digest not needed)
 *
 * All arithmetic is overflow-checked; layouts that cannot exist are refused.
 * Return: 0 or VERITY_E_BAD_HASH_TYPE, VERITY_E_BAD_HASH_ALG,
 * VERITY_E_BAD_*_BLOCK_SIZE, VERITY_E_SALT_TOO_LONG, VERITY_E_DIGEST_TOO_BIG,
 * VERITY_E_NO_DATA_BLOCKS, VERITY_E_TOO_MANY_LEVELS,
 * VERITY_E_HASH_AREA_OVERFLOW, VERITY_E_INVAL (reserved fields).
 */
int verity_geometry_init(struct verity_geometry *geo, const struct verity_params *params);

/**
 * verity_hash_digest_size() - digest size of a hash algorithm
 * @algorithm: name as in the kernel table
 *
 * Return: digest bytes, or 0 if the algorithm is unknown or not built in.
 */
uint32_t verity_hash_digest_size(const char *algorithm);

/* ---- tree: format and full verification (issue: hash trees) ---- */

/**
 * struct verity_writer - where verity_format() writes the hash tree
 * @user_data: passed back to @write
 * @write: write @len bytes from @buf at byte @offset of the hash device;
 *         return 0 or a negative VERITY_E_* code (VERITY_E_IO).
 *
 * Blocks are written at their final offsets (the top level lies first on
 * disk, the leaves last); each offset is written exactly once.
 */
struct verity_writer {
	void *user_data;
	int (*write)(void *user_data, uint64_t offset, const void *buf, size_t len);
};

#ifndef VERITY_FREESTANDING
/**
 * verity_writer_from_fd() - a writer over an open file descriptor (pwrite)
 * @writer: filled in
 * @fd_ctx: storage the writer points at (must outlive @writer)
 * @fd: open for writing; not closed by the library
 *
 * Short writes and EINTR are retried; other failures give VERITY_E_IO with
 * errno kept in @fd_ctx.
 * Return: 0, or VERITY_E_INVAL for a NULL pointer or a negative @fd.
 */
struct verity_fd_writer {
	int fd;
	int last_errno;
};
int verity_writer_from_fd(struct verity_writer *writer, struct verity_fd_writer *fd_ctx, int fd);
#endif

/**
 * typedef verity_progress_fn - progress report of format and verify
 * @user_data: the options' @progress_user_data
 * @done: data bytes processed so far
 * @total: data bytes in all
 *
 * Called from the caller's thread only, in increasing order of @done.
 */
typedef void (*verity_progress_fn)(void *user_data, uint64_t done, uint64_t total);

/**
 * struct verity_tree_options - how verity_format() and verity_verify() run
 * @allocator: memory hooks; NULL for malloc/free
 * @threads: worker threads including the caller's; 0 means every online CPU
 *           in hosted builds (1 in freestanding builds, which have no threads)
 * @extent_size: data bytes read per call; 0 for the default (256 KiB, less
 *               with more than 4 threads: 1 MiB shared, at least 64 KiB each);
 *               rounded down to whole data blocks, at least one block
 * @progress: optional progress callback
 * @progress_user_data: passed to @progress
 * @reserved: must be zero
 *
 * A NULL options pointer means all defaults. Memory used is about
 * (2 x @threads) x (one job's leaf hash blocks) + @threads x @extent_size
 * + one hash block per tree level: it does not grow with the image.
 */
struct verity_tree_options {
	const struct verity_allocator *allocator;
	unsigned threads;
	uint32_t extent_size;
	verity_progress_fn progress;
	void *progress_user_data;
	uint64_t reserved[4];
};

/**
 * verity_format() - build the hash tree of a data device
 * @params: tree parameters (hash_start_block included; root digest ignored);
 *          on success @params->root_digest and root_digest_size are set
 * @data: the data device; blocks 0 .. data_blocks - 1 are hashed
 * @hash: where the tree goes: hash blocks hash_start_block .. the tree end.
 *        Nothing before hash_start_block is written (the superblock is the
 *        caller's, see verity_superblock_write()).
 * @opts: NULL for defaults
 *
 * Streams the data once, hashing blocks in batches; the output is
 * byte-identical to `veritysetup format` for the same parameters, zero
 * padding included.
 *
 * Return: 0; a verity_geometry_init() error for bad parameters;
 * VERITY_E_INVAL for NULL pointers or nonzero reserved options;
 * VERITY_E_DATA_DEVICE_TOO_SMALL if @data holds fewer than data_blocks blocks;
 * VERITY_E_NOMEM; VERITY_E_THREAD; or what a @data read or @hash write
 * returned (VERITY_E_IO, VERITY_E_SHORT_READ).
 */
int verity_format(struct verity_params *params, const struct verity_bdev *data,
                  const struct verity_writer *hash, const struct verity_tree_options *opts);

/* What a failure in struct verity_verify_result is about. */
enum verity_block_kind {
	VERITY_BLOCK_NONE = 0, /* no block: success, or a failure before any */
	VERITY_BLOCK_DATA = 1, /* a data block */
	VERITY_BLOCK_HASH = 2, /* a hash (tree) block */
};

/**
 * struct verity_verify_result - where verity_verify() stopped
 * @error: 0, or the code verity_verify() returned
 * @kind: enum verity_block_kind of the failing block
 * @level: for a hash block, its tree level (0 = leaves); 0 for data
 * @block: data block index, or absolute hash-device block index
 * @position: byte offset of the failure on its device, as veritysetup
 *            reports it: the block's first byte, or for
 *            VERITY_E_CORRUPT_PADDING the first byte of the spare area
 *            (unused part of a digest slot, or the tail after the last
 *            digest) that is not zero
 * @reserved: zeroed
 */
struct verity_verify_result {
	int error;
	uint32_t kind;
	uint32_t level;
	uint64_t block;
	uint64_t position;
	uint64_t reserved[2];
};

/**
 * verity_verify() - check a whole image against its root hash
 * @params: tree parameters with the expected root digest
 * @data: the data device
 * @hash: the hash device
 * @opts: NULL for defaults (in hosted builds: every CPU)
 * @result: optional; filled in on every return
 *
 * Every hash block is read once, checked against its parent (the top block
 * against the root digest) before anything below it, and its spare area
 * checked for zeros; every data block is then checked against its leaf
 * digest. The failure reported is the first in that order, which is also
 * data-position order: the same whatever @opts->threads is. Stops at it.
 *
 * Unlike veritysetup, which checks bottom-up, a changed digest in a hash
 * block is reported as that hash block (VERITY_E_CORRUPT_HASH), not as the
 * data block below it.
 *
 * Return: 0 if everything matches;
 * VERITY_E_ROOT_MISMATCH if the top block (or, with one data block, the data
 * block) does not hash to the root digest;
 * VERITY_E_CORRUPT_HASH if a hash block does not match its parent's digest;
 * VERITY_E_CORRUPT_PADDING if a hash block's spare area is not zero (also
 * when that block mismatches its parent: the padding is then the cause);
 * VERITY_E_CORRUPT_DATA if a data block does not match its leaf digest;
 * VERITY_E_BAD_ROOT_DIGEST if root_digest_size is not the digest size;
 * a verity_geometry_init() error; VERITY_E_INVAL (NULL pointers, nonzero
 * reserved options); VERITY_E_DATA_DEVICE_TOO_SMALL or
 * VERITY_E_HASH_DEVICE_TOO_SMALL for a truncated device; VERITY_E_NOMEM;
 * VERITY_E_THREAD; or what a device read returned (VERITY_E_IO ...).
 */
int verity_verify(const struct verity_params *params, const struct verity_bdev *data,
                  const struct verity_bdev *hash, const struct verity_tree_options *opts,
                  struct verity_verify_result *result);

/**
 * verity_check_overlap() - refuse data and hash areas sharing bytes
 * @params: tree parameters
 * @hash_area_offset: first byte of the hash area on the shared device: the
 *                    superblock's offset, or hash_start_block x block size
 *                    without a superblock
 *
 * For data and hash on one device. The data area is bytes
 * [0, data_blocks x data_block_size), the hash area runs from
 * @hash_area_offset to the end of the tree.
 * Return: 0; VERITY_E_AREA_OVERLAP ("Data area overlaps with hash area");
 * or a verity_geometry_init() error.
 */
int verity_check_overlap(const struct verity_params *params, uint64_t hash_area_offset);

/* ---- superblock ---- */

#define VERITY_SUPERBLOCK_SIZE 512
#define VERITY_UUID_SIZE       16

/**
 * verity_hash_start_block() - where the tree starts on the hash device
 * @hash_offset: byte offset of the hash area (veritysetup --hash-offset)
 * @hash_block_size: hash block size
 * @superblock: whether a superblock sits at @hash_offset
 * @start: set to ceil((@hash_offset + 512) / @hash_block_size) with a
 *         superblock, @hash_offset / @hash_block_size without (as veritysetup)
 *
 * Return: 0; VERITY_E_INVAL for a NULL @start; VERITY_E_BAD_HASH_OFFSET if
 * @hash_offset is not a multiple of 512; VERITY_E_BAD_HASH_BLOCK_SIZE;
 * VERITY_E_OVERFLOW.
 */
int verity_hash_start_block(uint64_t hash_offset, uint32_t hash_block_size, bool superblock,
                            uint64_t *start);

/**
 * verity_superblock_parse() - read a veritysetup superblock
 * @buf: the bytes at the hash offset (untrusted)
 * @len: bytes available at @buf (512 are used)
 * @hash_offset: where @buf was read from, to compute hash_start_block
 * @params: zeroed and filled in on success (root digest left empty);
 *          data_blocks is taken as stored, 0 included (veritysetup then
 *          uses the whole data device)
 * @uuid: optional; the raw 16-byte UUID
 *
 * Checks, in this order, each with its own code: length
 * (VERITY_E_SB_TOO_SHORT), signature (VERITY_E_SB_BAD_MAGIC), version
 * (VERITY_E_SB_BAD_VERSION), hash type (VERITY_E_SB_BAD_HASH_TYPE),
 * algorithm name NUL-terminated within 32 bytes
 * (VERITY_E_SB_ALGORITHM_UNTERMINATED) and known (VERITY_E_SB_BAD_ALGORITHM),
 * data block size (VERITY_E_SB_BAD_BLOCK_SIZE), hash block size
 * (VERITY_E_SB_BAD_HASH_BLOCK_SIZE), salt size (VERITY_E_SB_BAD_SALT_SIZE),
 * padding fields zero (VERITY_E_SB_RESERVED_NONZERO). Like veritysetup,
 * salt bytes past salt_size are not checked.
 *
 * Return: 0, one of the codes above, VERITY_E_INVAL for NULL pointers, or a
 * verity_hash_start_block() error for @hash_offset.
 */
int verity_superblock_parse(const void *buf, size_t len, uint64_t hash_offset,
                            struct verity_params *params, uint8_t *uuid);

/**
 * verity_superblock_write() - build a veritysetup superblock
 * @out: 512 bytes out (all of them written)
 * @params: hash type, algorithm, block sizes, data blocks and salt
 * @uuid: the raw 16-byte UUID, or NULL for zeros
 *
 * The bytes are those `veritysetup format` writes.
 * Return: 0; VERITY_E_INVAL for NULL pointers or an algorithm name of 32
 * bytes or more; VERITY_E_BAD_HASH_TYPE; VERITY_E_BAD_HASH_ALG;
 * VERITY_E_BAD_DATA_BLOCK_SIZE; VERITY_E_BAD_HASH_BLOCK_SIZE;
 * VERITY_E_SALT_TOO_LONG.
 */
int verity_superblock_write(uint8_t out[VERITY_SUPERBLOCK_SIZE], const struct verity_params *params,
                            const uint8_t *uuid);

/* ---- verified block device and table line ---- */

/*
 * The verified block device: a read-only view of the data area in which
 * every byte handed out has been hashed and matched along a path to the root
 * digest (reference/dm-verity-format.md sections 2, 6 and 7).
 *
 * Memory: everything the device holds (its state, bounce buffers, the cached
 * intermediate levels, the leaf cache, the check_at_most_once bitmap) comes
 * from ONE allocation made at open through the allocator hooks, never larger
 * than the memory budget. Reads never allocate (with SHA-256; the other
 * algorithms go through mbedTLS md, which allocates its context per call).
 *
 * Threads: a device opened with VERITY_DEVICE_THREAD_SAFE (hosted builds)
 * may be read by any number of threads at once: a mutex guards the cache,
 * the bitmap and the counters; I/O and hashing run outside it, each reader
 * in one of max_readers private buffer sets (a reader waits when all are
 * taken). Without the flag, and always in freestanding builds, the caller
 * serialises calls. Callbacks run on the reading thread with no library lock
 * held; they must not read from the same device.
 */

/* How a hash mismatch is handled (kernel table options). */
enum verity_corruption_mode {
	VERITY_CORRUPTION_EIO = 0,     /* the read fails (default) */
	VERITY_CORRUPTION_IGNORE = 1,  /* ignore_corruption: report, return the data */
	VERITY_CORRUPTION_RESTART = 2, /* restart_on_corruption: call options->restart */
	VERITY_CORRUPTION_PANIC = 3,   /* panic_on_corruption: call options->panic */
};

/* How a failed read callback is handled (kernel *_on_error options). */
enum verity_io_error_mode {
	VERITY_IO_ERROR_EIO = 0,     /* the read fails (default) */
	VERITY_IO_ERROR_RESTART = 1, /* restart_on_error: call options->restart */
	VERITY_IO_ERROR_PANIC = 2,   /* panic_on_error: call options->panic */
};

enum verity_event_kind {
	VERITY_EVENT_CORRUPTION = 0, /* a block did not match its digest */
	VERITY_EVENT_IO_ERROR = 1,   /* a read callback failed */
};

/**
 * struct verity_device_event - what a callback is told
 * @kind: enum verity_event_kind
 * @block_type: enum verity_block_kind: VERITY_BLOCK_DATA or VERITY_BLOCK_HASH
 *              (the kernel's uevent says 0 for data, 1 for metadata)
 * @block: the data block number, or the absolute hash-device block number
 * @error: VERITY_E_CORRUPT_DATA, VERITY_E_CORRUPT_HASH, or the callback's error
 * @count: corruptions (for CORRUPTION) or I/O errors (for IO_ERROR) so far,
 *         this one included
 */
struct verity_device_event {
	uint32_t kind;
	uint32_t block_type;
	uint64_t block;
	int error;
	uint64_t count;
};

/* After this many corruptions @report is no longer called (kernel: logging stops). */
#define VERITY_DEVICE_MAX_REPORTED_CORRUPTIONS 100

#define VERITY_DEVICE_CHECK_AT_MOST_ONCE (1u << 0) /* verify each data block once */
#define VERITY_DEVICE_IGNORE_ZERO_BLOCKS (1u << 1) /* zero-digest blocks read as zeros */
#define VERITY_DEVICE_THREAD_SAFE        (1u << 2) /* concurrent readers (hosted only) */

#define VERITY_DEVICE_DEFAULT_MEMORY_BUDGET (4u << 20)
#define VERITY_DEVICE_DEFAULT_BATCH_BYTES   (128u << 10)
#define VERITY_DEVICE_DEFAULT_MAX_READERS   4

/**
 * struct verity_device_options - how to open a device (zero it, then fill in)
 * @allocator: hooks for the one allocation, copied at open; NULL: malloc/free
 *             (in freestanding builds hooks are required)
 * @memory_budget: upper bound in bytes on what the device allocates (the
 *                 whole device, not only its cache); 0 selects
 *                 VERITY_DEVICE_DEFAULT_MEMORY_BUDGET. The fixed part (state,
 *                 bounce buffers, bitmap) must fit; then the intermediate
 *                 levels are kept from the top down while whole levels fit;
 *                 the rest holds the leaf cache.
 * @batch_bytes: data bytes read and hashed together (hash_many) per reader;
 *               0 selects VERITY_DEVICE_DEFAULT_BATCH_BYTES; rounded down to
 *               whole data blocks, at least one. Halved until the fixed part
 *               fits the budget (the default: half the budget).
 * @max_readers: concurrent readers with VERITY_DEVICE_THREAD_SAFE; 0 selects
 *               VERITY_DEVICE_DEFAULT_MAX_READERS; ignored (1) without it.
 * @flags: VERITY_DEVICE_* flags
 * @corruption_mode: enum verity_corruption_mode
 * @io_error_mode: enum verity_io_error_mode
 * @callback_data: passed to the callbacks
 * @report: optional; called for every I/O error and for the first
 *          VERITY_DEVICE_MAX_REPORTED_CORRUPTIONS corruptions, in every mode
 * @restart: required by the RESTART modes; called after @report. If it
 *           returns, the read fails as in the EIO mode.
 * @panic: required by the PANIC modes; same contract as @restart
 * @reserved: must be zero
 */
struct verity_device_options {
	const struct verity_allocator *allocator;
	size_t memory_budget;
	size_t batch_bytes;
	uint32_t max_readers;
	uint32_t flags;
	uint32_t corruption_mode;
	uint32_t io_error_mode;
	void *callback_data;
	void (*report)(void *callback_data, const struct verity_device_event *event);
	void (*restart)(void *callback_data, const struct verity_device_event *event);
	void (*panic)(void *callback_data, const struct verity_device_event *event);
	uint64_t reserved[4];
};

/**
 * struct verity_device_status - state and counters, like the kernel's INFO
 * @state: 'V' while no corruption has been seen, then 'C' for good
 * @data_blocks_verified: data blocks hashed and matched
 * @hash_blocks_verified: hash blocks hashed and matched (open included)
 * @hash_blocks_read: hash blocks read from the hash device (open included)
 * @cache_hits: leaf hash blocks found verified in the cache
 * @cache_misses: leaf hash blocks that had to be read and verified
 * @corruptions: hash mismatches, data and metadata (rechecked data included
 *               only if the recheck failed too)
 * @io_errors: failed read callbacks
 * @rechecks_passed: data blocks that mismatched, then matched when re-read
 * @zero_blocks: blocks returned as zeros unread (ignore_zero_blocks)
 * @skipped_blocks: blocks not re-hashed (check_at_most_once)
 * @last_event: the most recent event (valid when corruptions or io_errors > 0)
 * @memory_used: bytes allocated at open (<= the budget)
 * @cache_capacity: hash blocks the leaf cache holds
 * @pinned_levels: tree levels kept in memory and verified since open
 */
struct verity_device_status {
	char state;
	uint64_t data_blocks_verified;
	uint64_t hash_blocks_verified;
	uint64_t hash_blocks_read;
	uint64_t cache_hits;
	uint64_t cache_misses;
	uint64_t corruptions;
	uint64_t io_errors;
	uint64_t rechecks_passed;
	uint64_t zero_blocks;
	uint64_t skipped_blocks;
	struct verity_device_event last_event;
	size_t memory_used;
	size_t cache_capacity;
	uint32_t pinned_levels;
};

struct verity_device;

/**
 * verity_device_open() - open a verified view of a data device
 * @dev: receives the device
 * @params: tree parameters with the trusted root digest (copied)
 * @data: the data device (struct copied; its user_data must outlive @dev)
 * @hash: the hash device, may be the same storage as @data (same rules)
 * @options: NULL for defaults (struct copied)
 *
 * Reads and verifies the intermediate levels that fit the budget: the top
 * block against the root digest, each level against its parent, hashing a
 * level's blocks together. A mismatch there does not fail the open (as in
 * the kernel): the level is simply not kept, and reads that depend on it
 * find the corruption.
 *
 * Return: 0; VERITY_E_INVAL (NULL argument, reserved field set, unknown
 * mode or flag); VERITY_E_MISSING_CALLBACK; VERITY_E_NO_THREADS; any
 * verity_geometry_init() error; VERITY_E_BAD_ROOT_DIGEST (size differs from
 * the algorithm's); VERITY_E_DATA_DEVICE_TOO_SMALL;
 * VERITY_E_HASH_DEVICE_TOO_SMALL; VERITY_E_AT_MOST_ONCE_TOO_LARGE;
 * VERITY_E_BUDGET_TOO_SMALL; VERITY_E_NOMEM; VERITY_E_THREAD (mutex);
 * a read callback's error while reading the intermediate levels.
 */
int verity_device_open(struct verity_device **dev, const struct verity_params *params,
                       const struct verity_bdev *data, const struct verity_bdev *hash,
                       const struct verity_device_options *options);

/**
 * verity_device_read() - read verified bytes
 * @dev: an open device
 * @offset: byte offset in the data area (any alignment)
 * @length: bytes wanted; offset + length <= data_blocks * data_block_size
 * @buffer: receives the bytes
 *
 * Whole data blocks are read into a private buffer, hashed (several at once)
 * and compared with digests taken from verified hash blocks; only then are
 * the wanted bytes copied to @buffer. A mismatching data block is re-read
 * and re-hashed once before it counts as corrupt.
 *
 * On failure @buffer is entirely zeroed, so no byte of a failed read can be
 * taken for data. In VERITY_CORRUPTION_IGNORE mode corrupt blocks are
 * returned as they are (the caller asked for that; @report says which), and
 * with VERITY_DEVICE_CHECK_AT_MOST_ONCE a block verified once is returned
 * later without re-hashing (kernel semantics).
 *
 * Return: 0; VERITY_E_INVAL; VERITY_E_RANGE (outside the data area or
 * overflow); VERITY_E_CORRUPT_DATA; VERITY_E_CORRUPT_HASH (a hash block on
 * the path, the top block included, does not match); or the error of a
 * failed read callback (VERITY_E_IO, VERITY_E_SHORT_READ, ...; a positive
 * value from a callback becomes VERITY_E_IO). The device stays usable.
 */
int verity_device_read(struct verity_device *dev, uint64_t offset, size_t length, void *buffer);

/**
 * verity_device_get_status() - state and counters
 *
 * Return: 0, or VERITY_E_INVAL for a NULL argument.
 */
int verity_device_get_status(struct verity_device *dev, struct verity_device_status *status);

/**
 * verity_device_data_size() - bytes readable (data_blocks * data_block_size)
 *
 * Return: the size, 0 for a NULL device.
 */
uint64_t verity_device_data_size(const struct verity_device *dev);

/** verity_device_close() - free everything; NULL is a no-op. */
void verity_device_close(struct verity_device *dev);

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
 * apply (reference §5): option names are case-insensitive, <#opt> counts
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
int verity_table_parse(struct verity_table *table, const char *line, size_t len);

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
int verity_table_init(struct verity_table *table, const struct verity_params *params,
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
int verity_table_format(const struct verity_table *table, char *buf, size_t size, size_t *out_len);

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
int verity_table_format_dm_mod_create(const struct verity_table *table, const char *name,
                                      const char *uuid, char *buf, size_t size, size_t *out_len);

/**
 * verity_table_device_options() - carry a table's options into device options
 * @table: a parsed table
 * @options: its flags and modes are set; other fields are left alone
 *
 * FEC and the signature key are not device options (FEC is not implemented
 * by the device; signatures are checked before opening).
 * Return: 0 or VERITY_E_INVAL.
 */
int verity_table_device_options(const struct verity_table *table,
                                struct verity_device_options *options);

/* ---- signatures and keyrings ---- */

/*
 * Root-hash signatures as the Linux kernel's dm-verity checks them: a
 * detached PKCS#7/CMS SignedData (DER) over the root hash as lowercase hex,
 * no newline. Acceptance rules follow the kernel (see docs/signatures.md);
 * verification never reads the clock.
 */

/* Upper bound of a signature, as the kernel's user-key payload limit. */
#define VERITY_SIG_MAX_SIZE 32767u

/* Flags of struct verity_sig_options. */
#define VERITY_SIG_ALLOW_SHA1    (1u << 0) /* accept SHA-1 digests (off: insecure) */
#define VERITY_SIG_ALLOW_RSA_PSS (1u << 1) /* accept RSASSA-PSS (the kernel refuses) */

/**
 * struct verity_sig_options - verification policy; zero means the defaults
 * @flags: VERITY_SIG_ALLOW_* bits; 0 = SHA-256/384/512 only, no RSA-PSS
 * @max_size: largest signature accepted in bytes; 0 or anything above
 *            VERITY_SIG_MAX_SIZE means VERITY_SIG_MAX_SIZE
 * @reserved: must be zero
 */
struct verity_sig_options {
	uint32_t flags;
	uint32_t max_size;
	uint32_t reserved[6];
};

/**
 * struct verity_sig_result - what a verification found, for messages
 * @error: the value returned by verity_sig_verify()
 * @offset: byte offset in the signature of the element at fault, or -1
 * @signer: index of the SignerInfo at fault, or -1
 * @signer_count: number of SignerInfos parsed
 * @trusted_signer: index of the first signer that reached a trusted
 *                  certificate (success), or -1
 * @trusted_name: name of that trusted certificate (key-name-hint, file name
 *                or subject), empty otherwise
 * @detail: NUL-terminated English detail, e.g. the field that is malformed
 */
struct verity_sig_result {
	int error;
	long offset;
	int signer;
	unsigned signer_count;
	int trusted_signer;
	char trusted_name[128];
	char detail[256];
};

/* A set of trusted X.509 certificates (opaque). */
struct verity_keyring;

/**
 * verity_keyring_new() - create an empty keyring
 * @keyring: receives the new keyring, to be freed with verity_keyring_free()
 *
 * With mbedTLS built for PSA crypto this also initialises PSA.
 * Return: 0, VERITY_E_INVAL or VERITY_E_NOMEM.
 */
int verity_keyring_new(struct verity_keyring **keyring);

/** verity_keyring_free() - free a keyring; NULL is allowed. */
void verity_keyring_free(struct verity_keyring *keyring);

/**
 * verity_keyring_count() - number of certificates in a keyring
 * Return: the count; 0 for NULL.
 */
size_t verity_keyring_count(const struct verity_keyring *keyring);

/**
 * verity_keyring_name() - name of certificate @index (for logs)
 * Return: a string owned by the keyring, or NULL if @index is out of range.
 */
const char *verity_keyring_name(const struct verity_keyring *keyring, size_t index);

/**
 * verity_keyring_error() - detail of the last failed verity_keyring_add_*()
 *
 * Names the file, directory entry or device-tree node at fault.
 * Return: a string owned by the keyring (empty if none); never NULL.
 */
const char *verity_keyring_error(const struct verity_keyring *keyring);

/**
 * verity_keyring_add_der() - add one DER certificate from memory
 * @keyring: the keyring
 * @der: exactly one DER X.509 certificate, nothing after it
 * @len: bytes at @der
 * @name: name for logs, or NULL to use the certificate's subject
 *
 * The bytes are copied. All-or-nothing: on error the keyring is unchanged.
 * Return: 0, VERITY_E_INVAL, VERITY_E_NOMEM or VERITY_E_KEYRING_BAD_CERT.
 */
int verity_keyring_add_der(struct verity_keyring *keyring, const uint8_t *der, size_t len,
                           const char *name);

/**
 * verity_keyring_add_buffer() - add certificates from PEM or DER in memory
 * @keyring: the keyring
 * @buf: one DER certificate, or PEM text with one or more CERTIFICATE blocks
 * @len: bytes at @buf
 * @name: name for logs (suffixed "#N" for the Nth PEM block), or NULL
 *
 * All-or-nothing: on error the keyring is unchanged.
 * Return: 0, VERITY_E_INVAL, VERITY_E_NOMEM or VERITY_E_KEYRING_BAD_CERT.
 */
int verity_keyring_add_buffer(struct verity_keyring *keyring, const uint8_t *buf, size_t len,
                              const char *name);

/**
 * verity_keyring_add_file() - add the certificates of a PEM or DER file
 * @keyring: the keyring
 * @path: file name (at most 1 MiB)
 *
 * Return: 0, VERITY_E_INVAL, VERITY_E_NOMEM, VERITY_E_IO or
 * VERITY_E_KEYRING_BAD_CERT.
 */
int verity_keyring_add_file(struct verity_keyring *keyring, const char *path);

/**
 * verity_keyring_add_dir() - add every *.crt, *.pem and *.der file of @dir
 * @keyring: the keyring
 * @dir: directory name; not recursive; files are read in name order
 *
 * Return: 0, VERITY_E_INVAL, VERITY_E_NOMEM, VERITY_E_IO,
 * VERITY_E_KEYRING_BAD_CERT or VERITY_E_KEYRING_EMPTY (no such file).
 */
int verity_keyring_add_dir(struct verity_keyring *keyring, const char *dir);

/**
 * verity_keyring_add_dtb() - add the certificates of a device tree blob
 * @keyring: the keyring
 * @blob: flattened device tree; checked with fdt_check_full() first
 * @size: bytes at @blob (the header's totalsize must fit in it)
 * @path: container node path, or NULL for every node compatible with
 *        "libverity,dm-verity-keys"
 *
 * Binding: docs/devicetree-binding.md. Each subnode whose status is absent
 * or "okay" contributes its x509-certificate property (one DER certificate);
 * key-name-hint names it; an optional sha256-fingerprint must match.
 * All-or-nothing: on error the keyring is unchanged.
 * Return: 0, VERITY_E_INVAL, VERITY_E_NOMEM, VERITY_E_KEYRING_BAD_DTB,
 * VERITY_E_KEYRING_DTB_NO_NODE, VERITY_E_KEYRING_DTB_PROPERTY,
 * VERITY_E_KEYRING_BAD_CERT, VERITY_E_KEYRING_FINGERPRINT or
 * VERITY_E_KEYRING_EMPTY (no active certificate).
 */
int verity_keyring_add_dtb(struct verity_keyring *keyring, const void *blob, size_t size,
                           const char *path);

/**
 * verity_root_hex() - format a binary root digest as the signed string
 * @digest: the root digest
 * @digest_len: 1 .. VERITY_MAX_DIGEST_SIZE bytes
 * @out: receives lowercase hex and a NUL
 * @out_size: at least 2 * @digest_len + 1
 *
 * Return: 0 or VERITY_E_INVAL.
 */
int verity_root_hex(const uint8_t *digest, size_t digest_len, char *out, size_t out_size);

/**
 * verity_sig_verify() - check a root-hash signature
 * @keyring: trusted certificates
 * @sig: DER PKCS#7/CMS ContentInfo (detached SignedData)
 * @sig_len: bytes at @sig
 * @root_hex: the signed string: lowercase hex, even length, at most
 *            2 * VERITY_MAX_DIGEST_SIZE characters, no newline
 * @options: policy, or NULL for the defaults
 * @result: optional; filled in on success and failure
 *
 * Every signer must parse and use accepted algorithms; every signer whose
 * certificate is embedded must verify with it; and at least one signer must
 * verify with a keyring certificate found by issuer and serial number (or
 * subject key identifier), or through a chain of embedded certificates
 * ending at a certificate signed by a keyring certificate.
 *
 * Return: 0 when trusted; VERITY_E_INVAL (NULL arguments, reserved fields),
 * VERITY_E_BAD_HEX (@root_hex not lowercase hex), VERITY_E_NOMEM, or one of
 * the VERITY_E_SIG_* codes: MALFORMED, TOO_LARGE, TRAILING_DATA, BER,
 * NOT_SIGNED_DATA, BAD_VERSION, VERSION_MISMATCH, NOT_DETACHED,
 * WRONG_CONTENT_TYPE, NO_SIGNERS, LIMIT, UNSUPPORTED_DIGEST, SHA1_DISABLED,
 * UNSUPPORTED_SIG_ALG, RSA_PSS_DISABLED, ALG_DIGEST_MISMATCH,
 * INCONSISTENT_ATTRS, MISSING_ATTR, REPEATED_ATTR, FORBIDDEN_ATTR,
 * DIGEST_MISMATCH, SIGNING_TIME, BAD_CERT, KEY_UNSUPPORTED (an embedded
 * signer certificate's key is refused, or no signer is trusted and a
 * matching keyring certificate's key was refused), BAD_SIGNATURE, UNTRUSTED.
 */
int verity_sig_verify(const struct verity_keyring *keyring, const uint8_t *sig, size_t sig_len,
                      const char *root_hex, const struct verity_sig_options *options,
                      struct verity_sig_result *result);

/**
 * verity_sig_verify_digest() - verity_sig_verify() over a binary root digest
 * @digest: root digest, formatted with verity_root_hex() before checking
 * @digest_len: 1 .. VERITY_MAX_DIGEST_SIZE
 *
 * Other arguments and return values as verity_sig_verify().
 */
int verity_sig_verify_digest(const struct verity_keyring *keyring, const uint8_t *sig,
                             size_t sig_len, const uint8_t *digest, size_t digest_len,
                             const struct verity_sig_options *options,
                             struct verity_sig_result *result);

/* Flags read from a U-Boot FIT dm-verity node (booleans of the same names). */
#define VERITY_FIT_RESTART_ON_CORRUPTION (1u << 0)
#define VERITY_FIT_PANIC_ON_CORRUPTION   (1u << 1)
#define VERITY_FIT_RESTART_ON_ERROR      (1u << 2)
#define VERITY_FIT_PANIC_ON_ERROR        (1u << 3)
#define VERITY_FIT_CHECK_AT_MOST_ONCE    (1u << 4)

/**
 * verity_params_from_fit() - read a U-Boot FIT "dm-verity" node
 * @blob: flattened device tree (checked with fdt_check_full() first)
 * @size: bytes at @blob
 * @path: path of the dm-verity node, e.g. "/images/rootfs/dm-verity"
 * @params: filled in (hash_type 1, algorithm, block sizes, data_blocks,
 *          hash_start_block, salt, root digest)
 * @flags: receives VERITY_FIT_* bits; may be NULL
 *
 * Return: 0, VERITY_E_INVAL, VERITY_E_KEYRING_BAD_DTB,
 * VERITY_E_KEYRING_DTB_NO_NODE, VERITY_E_DT_BAD_PARAMS (a property missing,
 * of the wrong size, or out of range) or VERITY_E_BAD_HASH_ALG.
 */
int verity_params_from_fit(const void *blob, size_t size, const char *path,
                           struct verity_params *params, uint32_t *flags);

#ifdef __cplusplus
}
#endif

#include "libverity/fec.h"

#endif /* LIBVERITY_H */
