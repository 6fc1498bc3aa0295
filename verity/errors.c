/* SPDX-License-Identifier: MIT */
/* Messages for every error code of libverity.h, one place for all layers. */
#include "libverity.h"

static const struct {
	int code;
	const char *message;
} messages[] = {
    {VERITY_OK, "Success"},
    /* General */
    {VERITY_E_INVAL, "Invalid argument"},
    {VERITY_E_NOMEM, "Out of memory"},
    {VERITY_E_IO, "I/O error"},
    {VERITY_E_SHORT_READ, "Device is shorter than expected"},
    {VERITY_E_OVERFLOW, "Size or offset overflows 64 bits"},
    {VERITY_E_UNSUPPORTED, "Not supported by this build or CPU"},
    {VERITY_E_BAD_HASH_ALG, "Hash algorithm not supported"},
    {VERITY_E_BAD_HEX, "Malformed hexadecimal string"},
    {VERITY_E_RANGE, "Read outside the verified data area"},
    {VERITY_E_THREAD, "Could not start a worker thread"},
    /* Tree geometry and verification */
    {VERITY_E_BAD_HASH_TYPE, "Unsupported hash type (format must be 0 or 1)"},
    {VERITY_E_BAD_DATA_BLOCK_SIZE, "Invalid data block size (power of two, 512 B to 512 KiB)"},
    {VERITY_E_BAD_HASH_BLOCK_SIZE, "Invalid hash block size (power of two, 512 B to 512 KiB)"},
    {VERITY_E_SALT_TOO_LONG, "Salt longer than 256 bytes"},
    {VERITY_E_DIGEST_TOO_BIG, "Digest size too big for the hash block size"},
    {VERITY_E_TOO_MANY_LEVELS, "Too many tree levels"},
    {VERITY_E_NO_DATA_BLOCKS, "Number of data blocks is zero"},
    {VERITY_E_HASH_AREA_OVERFLOW, "Hash area overflow"},
    {VERITY_E_HASH_DEVICE_TOO_SMALL, "Hash device is too small"},
    {VERITY_E_DATA_DEVICE_TOO_SMALL, "Data device is too small"},
    {VERITY_E_AREA_OVERLAP, "Data area overlaps with hash area"},
    {VERITY_E_BAD_HASH_OFFSET, "Hash offset is not a multiple of 512"},
    {VERITY_E_BAD_ROOT_DIGEST, "Root digest has the wrong size"},
    {VERITY_E_CORRUPT_DATA, "Data block is corrupted"},
    {VERITY_E_CORRUPT_HASH, "Hash block is corrupted"},
    {VERITY_E_CORRUPT_PADDING, "Spare area of a hash block is not zeroed"},
    {VERITY_E_ROOT_MISMATCH, "Verification of root hash failed"},
    /* Superblock */
    {VERITY_E_SB_TOO_SHORT, "Superblock is shorter than 512 bytes"},
    {VERITY_E_SB_BAD_MAGIC, "No VERITY signature detected"},
    {VERITY_E_SB_BAD_VERSION, "Unsupported VERITY version"},
    {VERITY_E_SB_BAD_HASH_TYPE, "Unsupported VERITY hash type"},
    {VERITY_E_SB_BAD_ALGORITHM, "Superblock hash algorithm not supported"},
    {VERITY_E_SB_BAD_BLOCK_SIZE, "Unsupported VERITY block size"},
    {VERITY_E_SB_BAD_SALT_SIZE, "VERITY header corrupted: salt size over 256"},
    {VERITY_E_SB_RESERVED_NONZERO, "VERITY header corrupted: reserved bytes not zero"},
    /* Verified device and table line */
    {VERITY_E_TABLE_SYNTAX, "Malformed verity table line"},
    {VERITY_E_TABLE_NOT_ENOUGH_ARGS, "Not enough arguments"},
    {VERITY_E_TABLE_BAD_TARGET, "Target type is not verity"},
    {VERITY_E_TABLE_BAD_SECTORS, "Invalid target start or length"},
    {VERITY_E_TABLE_LENGTH_TOO_BIG, "Data device is too small"},
    {VERITY_E_TABLE_BAD_VERSION, "Invalid version"},
    {VERITY_E_TABLE_BAD_DATA_DEV, "Data device lookup failed"},
    {VERITY_E_TABLE_BAD_HASH_DEV, "Hash device lookup failed"},
    {VERITY_E_TABLE_BAD_DATA_BLOCK_SIZE, "Invalid data device block size"},
    {VERITY_E_TABLE_BAD_HASH_BLOCK_SIZE, "Invalid hash device block size"},
    {VERITY_E_TABLE_BAD_DATA_BLOCKS, "Invalid data blocks"},
    {VERITY_E_TABLE_BAD_HASH_START, "Invalid hash start"},
    {VERITY_E_TABLE_BAD_ALGORITHM, "Cannot initialize hash function"},
    {VERITY_E_TABLE_BAD_DIGEST, "Invalid root digest"},
    {VERITY_E_TABLE_BAD_SALT, "Invalid salt"},
    {VERITY_E_TABLE_BAD_OPT_COUNT, "Invalid number of feature args"},
    {VERITY_E_TABLE_UNKNOWN_OPTION, "Unrecognized verity feature request"},
    {VERITY_E_TABLE_CONFLICTING_MODES, "Conflicting error handling parameters"},
    {VERITY_E_TABLE_FEC_NEEDS_VALUE, "FEC feature arguments require a value"},
    {VERITY_E_TABLE_BAD_FEC_DEV, "FEC device lookup failed"},
    {VERITY_E_TABLE_BAD_FEC_START, "Invalid fec_start"},
    {VERITY_E_TABLE_BAD_FEC_BLOCKS, "Invalid fec_blocks"},
    {VERITY_E_TABLE_BAD_FEC_ROOTS, "Invalid fec_roots"},
    {VERITY_E_TABLE_FEC_MISSING_ROOTS, "Missing fec_roots"},
    {VERITY_E_TABLE_FEC_MISSING_BLOCKS, "Missing fec_blocks"},
    {VERITY_E_TABLE_FEC_BLOCK_SIZES, "Block sizes must match to use FEC"},
    {VERITY_E_TABLE_SIG_KEY_MISSING, "Signature key not specified"},
    {VERITY_E_TABLE_SIG_KEY_REPEATED, "root_hash_sig_key_desc already specified"},
    {VERITY_E_TABLE_TRAILING_WORDS, "Unexpected words after the optional arguments"},
    {VERITY_E_TABLE_SIG_KEY_TOO_LONG, "Signature key description too long"},
    {VERITY_E_TABLE_UNREPRESENTABLE,
     "Name is empty or contains characters a table line cannot hold"},
    {VERITY_E_BUFFER_TOO_SMALL, "Output buffer too small"},
    {VERITY_E_AT_MOST_ONCE_TOO_LARGE, "Device too large to use check_at_most_once"},
    {VERITY_E_BUDGET_TOO_SMALL, "Memory budget too small for the device's fixed buffers"},
    {VERITY_E_MISSING_CALLBACK, "Error mode requires a callback that is not set"},
    {VERITY_E_NO_THREADS, "Thread-safe device requested in a build without threads"},
    /* Signatures and keyrings */
    {VERITY_E_SIG_MALFORMED, "Malformed PKCS#7 signature"},
};

const char *verity_strerror(int err)
{
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if (messages[i].code == err)
			return messages[i].message;
	return "Unknown error";
}
