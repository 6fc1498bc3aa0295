/* SPDX-License-Identifier: MIT */
/* libverity: errors, allocator hooks, block devices, hex parsing (core). Include <libverity.h>. */
#ifndef LIBVERITY_COMMON_H
#define LIBVERITY_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Marks the exported API; everything else in the library is hidden. */
#ifndef VERITY_PUBLIC
#if defined(__GNUC__) || defined(__clang__)
#define VERITY_PUBLIC __attribute__((visibility("default")))
#else
#define VERITY_PUBLIC
#endif
#endif

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
	VERITY_E_SIG_MISSING = -433,             /* trusted keys given but no signature */

	/* Forward error correction, libverity/fec.h (-700 .. -799) */
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
VERITY_PUBLIC const char *verity_strerror(int err);

/**
 * verity_hex_to_digest() - decode hex digits (either case) into bytes
 * @hex: the digits; need not be NUL-terminated
 * @len: characters at @hex: an even number
 * @out: receives @len / 2 bytes
 * @out_size: bytes available at @out
 * @out_len: if not NULL, receives @len / 2
 *
 * Return: 0; VERITY_E_INVAL (NULL @hex or @out); VERITY_E_BAD_HEX (odd
 * length, a character that is not a hex digit, or more than @out_size bytes).
 */
VERITY_PUBLIC int verity_hex_to_digest(const char *hex, size_t len, uint8_t *out, size_t out_size,
                                       size_t *out_len);

/* ------------------------------------------------------------------------ */
/* Memory hooks                                                              */
/* ------------------------------------------------------------------------ */

/*
 * Allocator hooks, so that a bootloader can link the core without malloc.
 * A NULL hooks pointer anywhere means the C library's malloc/free (in the
 * freestanding build, which has no default, hooks are required). @alloc
 * returns memory aligned to at least 8 bytes, or NULL; @free is never
 * called with NULL.
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
 * @map: optional (NULL: not available, callers read): a pointer to the @len
 *       bytes at byte @offset, readable until the matching @unmap, or NULL
 *       when that range cannot be mapped now; the caller then reads it
 *       through @read, which reports the error if there is one. Never called
 *       with a range past @size; may be called from several threads at once.
 *       format and verify hash data blocks straight from such a mapping (no
 *       copy); the verified device never uses it (its buffers hold only
 *       bytes it has checked).
 * @unmap: optional: release what @map returned for (@offset, @len); NULL
 *         when mappings need no release (memory).
 *
 * The library never writes through a bdev. Adapters below fill one in; a
 * caller with its own storage (a bootloader's block layer) fills in its own,
 * zero-filling the struct (`= {0}` or a compound literal) so that fields
 * added at the end stay NULL.
 */
struct verity_bdev {
	void *user_data;
	int (*read)(void *user_data, uint64_t offset, void *buf, size_t len);
	uint64_t size;
	const void *(*map)(void *user_data, uint64_t offset, size_t len);
	void (*unmap)(void *user_data, const void *addr, uint64_t offset, size_t len);
};

/**
 * verity_bdev_read() - checked read through a bdev
 *
 * Return: 0; VERITY_E_INVAL for a NULL bdev, callback or buffer;
 * VERITY_E_RANGE if [offset, offset + len) is not inside the device (also on
 * overflow); otherwise what the callback returned, a positive value turned
 * into VERITY_E_IO. Every read the library makes goes through here.
 */
VERITY_PUBLIC int verity_bdev_read(const struct verity_bdev *bdev, uint64_t offset, void *buf,
                                   size_t len);

/**
 * verity_bdev_from_memory() - a bdev over a caller-owned buffer
 * @bdev: filled in
 * @mem_ctx: storage the bdev points at (must outlive @bdev)
 * @mem: the bytes (must outlive @bdev)
 * @len: their count
 *
 * The bdev maps too: format and verify hash the buffer in place.
 * Return: 0, or VERITY_E_INVAL if @bdev is NULL or @mem is NULL with len > 0.
 */
struct verity_memory_bdev {
	const uint8_t *bytes;
	size_t len;
};
VERITY_PUBLIC int verity_bdev_from_memory(struct verity_bdev *bdev,
                                          struct verity_memory_bdev *mem_ctx, const void *mem,
                                          size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LIBVERITY_COMMON_H */
