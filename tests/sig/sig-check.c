/* SPDX-License-Identifier: MIT */
/*
 * sig-check: test driver for the signature library. Loads a keyring from
 * files, directories and device trees, then verifies a signature over a root
 * hash and prints ACCEPT or REJECT with the symbolic error, for
 * tests/sig/sig-matrix.sh.
 *
 *   sig-check [--allow-sha1] [--allow-pss] [--cert F]... [--dir D]...
 *             [--dtb F [--dtb-path P]]... [--truncations] [ROOT_HEX SIGFILE]
 *
 * Without ROOT_HEX it prints the keyring. With --truncations it also checks
 * that every proper prefix of SIGFILE is rejected (and nothing crashes).
 * Exit: 0 accept (or keyring loaded), 1 reject, 2 keyring error, 3 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libverity.h"

#define NAME(code)          \
	{                   \
		code, #code \
	}
static const struct {
	int code;
	const char *name;
} names[] = {
    NAME(VERITY_E_INVAL),
    NAME(VERITY_E_NOMEM),
    NAME(VERITY_E_IO),
    NAME(VERITY_E_BAD_HEX),
    NAME(VERITY_E_SIG_MALFORMED),
    NAME(VERITY_E_SIG_TOO_LARGE),
    NAME(VERITY_E_SIG_TRAILING_DATA),
    NAME(VERITY_E_SIG_BER),
    NAME(VERITY_E_SIG_NOT_SIGNED_DATA),
    NAME(VERITY_E_SIG_BAD_VERSION),
    NAME(VERITY_E_SIG_VERSION_MISMATCH),
    NAME(VERITY_E_SIG_NOT_DETACHED),
    NAME(VERITY_E_SIG_WRONG_CONTENT_TYPE),
    NAME(VERITY_E_SIG_NO_SIGNERS),
    NAME(VERITY_E_SIG_LIMIT),
    NAME(VERITY_E_SIG_UNSUPPORTED_DIGEST),
    NAME(VERITY_E_SIG_SHA1_DISABLED),
    NAME(VERITY_E_SIG_UNSUPPORTED_SIG_ALG),
    NAME(VERITY_E_SIG_RSA_PSS_DISABLED),
    NAME(VERITY_E_SIG_ALG_DIGEST_MISMATCH),
    NAME(VERITY_E_SIG_INCONSISTENT_ATTRS),
    NAME(VERITY_E_SIG_MISSING_ATTR),
    NAME(VERITY_E_SIG_REPEATED_ATTR),
    NAME(VERITY_E_SIG_FORBIDDEN_ATTR),
    NAME(VERITY_E_SIG_DIGEST_MISMATCH),
    NAME(VERITY_E_SIG_SIGNING_TIME),
    NAME(VERITY_E_SIG_BAD_CERT),
    NAME(VERITY_E_SIG_KEY_UNSUPPORTED),
    NAME(VERITY_E_SIG_BAD_SIGNATURE),
    NAME(VERITY_E_SIG_UNTRUSTED),
    NAME(VERITY_E_KEYRING_BAD_CERT),
    NAME(VERITY_E_KEYRING_EMPTY),
    NAME(VERITY_E_KEYRING_BAD_DTB),
    NAME(VERITY_E_KEYRING_DTB_NO_NODE),
    NAME(VERITY_E_KEYRING_DTB_PROPERTY),
    NAME(VERITY_E_DT_BAD_PARAMS),
    NAME(VERITY_E_KEYRING_FINGERPRINT),
};

static const char *error_name(int code)
{
	static char buf[32];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	snprintf(buf, sizeof(buf), "ERROR_%d", code);
	return buf;
}

static uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len == cap) {
			uint8_t *grown;

			cap = cap ? cap * 2 : 4096;
			grown = realloc(buf, cap);
			if (!grown) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = grown;
		}
		size_t n = fread(buf + *len, 1, cap - *len, f);

		if (n == 0)
			break;
		*len += n;
	}
	fclose(f);
	return buf;
}

static int keyring_failed(const char *what, struct verity_keyring *kr, int ret)
{
	printf("KEYRING %s %s: %s\n", error_name(ret), what, verity_keyring_error(kr));
	verity_keyring_free(kr);
	return 2;
}

int main(int argc, char **argv)
{
	struct verity_sig_options opts = {0};
	struct verity_sig_result res;
	struct verity_keyring *kr;
	const char *dtb_path = NULL;
	bool truncations = false;
	uint8_t *sig;
	size_t sig_len;
	int i, ret;

	if (verity_keyring_new(&kr) != 0)
		return 3;
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *opt = argv[i];
		const char *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(opt, "--allow-sha1") == 0) {
			opts.flags |= VERITY_SIG_ALLOW_SHA1;
		} else if (strcmp(opt, "--allow-pss") == 0) {
			opts.flags |= VERITY_SIG_ALLOW_RSA_PSS;
		} else if (strcmp(opt, "--truncations") == 0) {
			truncations = true;
		} else if (strcmp(opt, "--cert") == 0 && arg) {
			ret = verity_keyring_add_file(kr, arg);
			if (ret)
				return keyring_failed(arg, kr, ret);
			i++;
		} else if (strcmp(opt, "--dir") == 0 && arg) {
			ret = verity_keyring_add_dir(kr, arg);
			if (ret)
				return keyring_failed(arg, kr, ret);
			i++;
		} else if (strcmp(opt, "--dtb-path") == 0 && arg) {
			dtb_path = arg;
			i++;
		} else if (strcmp(opt, "--dtb") == 0 && arg) {
			uint8_t *blob = read_all(arg, &sig_len);

			if (!blob)
				return keyring_failed(arg, kr, VERITY_E_IO);
			ret = verity_keyring_add_dtb(kr, blob, sig_len, dtb_path);
			free(blob);
			if (ret)
				return keyring_failed(arg, kr, ret);
			i++;
		} else {
			fprintf(stderr, "sig-check: bad option %s\n", opt);
			verity_keyring_free(kr);
			return 3;
		}
	}
	if (i == argc) {
		printf("KEYRING-OK %zu", verity_keyring_count(kr));
		for (size_t k = 0; k < verity_keyring_count(kr); k++)
			printf(" [%s]", verity_keyring_name(kr, k));
		printf("\n");
		verity_keyring_free(kr);
		return 0;
	}
	if (argc - i != 2) {
		fprintf(stderr, "sig-check: need ROOT_HEX SIGFILE\n");
		verity_keyring_free(kr);
		return 3;
	}
	sig = read_all(argv[i + 1], &sig_len);
	if (!sig) {
		fprintf(stderr, "sig-check: cannot read %s\n", argv[i + 1]);
		verity_keyring_free(kr);
		return 3;
	}
	if (truncations) {
		/* Exact-size copies so that ASan sees any read past the end. */
		for (size_t len = 0; len < sig_len; len++) {
			uint8_t *prefix = malloc(len ? len : 1);

			memcpy(prefix, sig, len);
			ret = verity_sig_verify(kr, prefix, len, argv[i], &opts, &res);
			free(prefix);
			if (ret == 0 || ret != res.error) {
				printf("TRUNCATION-ACCEPTED %zu of %zu\n", len, sig_len);
				free(sig);
				verity_keyring_free(kr);
				return 1;
			}
		}
		printf("TRUNCATIONS-REJECTED %zu\n", sig_len);
	}
	ret = verity_sig_verify(kr, sig, sig_len, argv[i], &opts, &res);
	if (ret == 0)
		printf("ACCEPT signer=%d/%u trusted=%s\n", res.trusted_signer, res.signer_count,
		       res.trusted_name);
	else
		printf("REJECT %s %s\n", error_name(ret), res.detail);
	free(sig);
	verity_keyring_free(kr);
	return ret == 0 ? 0 : 1;
}
