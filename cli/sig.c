/* SPDX-License-Identifier: MIT */
/* Trust options and root-hash signature checks shared by verify and sig. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"

/* Device trees larger than this are not keyrings. */
#define DTB_MAX_SIZE (4u << 20)

bool cli_has_trust_options(const struct cli_options *opts)
{
	return opts->trusted_cert.count || opts->trusted_certs || opts->trusted_dtb;
}

/*
 * Read a whole regular file of 1 .. @max bytes. Return: exit code;
 * @empty_status for an empty file (a malformed signature, a bad parameter).
 */
static int read_small_file(const char *path, const char *what, size_t max, int empty_status,
                           uint8_t **data, size_t *len)
{
	int fd = cli_open_path(path, O_RDONLY, what);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");
	struct stat st;
	uint8_t *buf;

	if (!f) {
		if (fd >= 0) {
			cli_error("Cannot read %s %s (%s).", what, path, strerror(errno));
			close(fd);
		}
		return EXIT_IO;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		cli_error("Invalid %s %s (not a regular file).", what, path);
		fclose(f);
		return EXIT_IO;
	}
	if (st.st_size == 0) {
		cli_error("Invalid %s %s (empty).", what, path);
		fclose(f);
		return empty_status;
	}
	/* One byte more than allowed, so that the library reports the size. */
	if ((uint64_t)st.st_size > max + 1)
		st.st_size = (off_t)max + 1;
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		fclose(f);
		return EXIT_NOMEM;
	}
	*len = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f) || *len == 0) {
		cli_error("Cannot read %s %s.", what, path);
		free(buf);
		fclose(f);
		return EXIT_IO;
	}
	fclose(f);
	*data = buf;
	return EXIT_OK;
}

static int keyring_failed(struct verity_keyring *keyring, int err, const char *what)
{
	cli_error("Cannot load trusted certificates from %s: %s (%s).", what, verity_strerror(err),
	          verity_keyring_error(keyring));
	if (err == VERITY_E_IO)
		return EXIT_IO;
	if (err == VERITY_E_NOMEM)
		return EXIT_NOMEM;
	return EXIT_USAGE;
}

int cli_load_keyring(const struct cli_options *opts, struct verity_keyring **keyring)
{
	struct verity_keyring *kr;
	int err;

	if (!cli_has_trust_options(opts)) {
		cli_error("A root hash signature needs trusted certificates "
		          "(--trusted-cert, --trusted-certs or --trusted-dtb).");
		return EXIT_USAGE;
	}
	if (verity_keyring_new(&kr) != 0)
		return EXIT_NOMEM;
	for (unsigned i = 0; i < opts->trusted_cert.count; i++) {
		err = verity_keyring_add_file(kr, opts->trusted_cert.items[i]);
		if (err) {
			err = keyring_failed(kr, err, opts->trusted_cert.items[i]);
			verity_keyring_free(kr);
			return err;
		}
	}
	if (opts->trusted_certs) {
		err = verity_keyring_add_dir(kr, opts->trusted_certs);
		if (err) {
			err = keyring_failed(kr, err, opts->trusted_certs);
			verity_keyring_free(kr);
			return err;
		}
	}
	if (opts->trusted_dtb) {
		uint8_t *blob;
		size_t len;

		err = read_small_file(opts->trusted_dtb, "device tree", DTB_MAX_SIZE, EXIT_USAGE,
		                      &blob, &len);
		if (err) {
			verity_keyring_free(kr);
			return err;
		}
		err = verity_keyring_add_dtb(kr, blob, len, NULL);
		free(blob);
		if (err) {
			err = keyring_failed(kr, err, opts->trusted_dtb);
			verity_keyring_free(kr);
			return err;
		}
	}
	for (size_t i = 0; i < verity_keyring_count(kr); i++)
		cli_debug(opts, "trusted certificate %zu: %s", i, verity_keyring_name(kr, i));
	*keyring = kr;
	return EXIT_OK;
}

int cli_read_signature(const char *sig_path, uint8_t **sig, size_t *sig_len)
{
	return read_small_file(sig_path, "root hash signature file", VERITY_SIG_MAX_SIZE,
	                       EXIT_BAD_SIGNATURE, sig, sig_len);
}

int cli_signature_result(const struct cli_options *opts, const char *sig_path, int err,
                         const struct verity_sig_result *result)
{
	if (err == VERITY_E_NOMEM)
		return EXIT_NOMEM;
	if (err) {
		cli_error("Root hash signature verification failed: %s.", verity_strerror(err));
		cli_error("%s: %s.", sig_path, result->detail);
		return err == VERITY_E_INVAL ? EXIT_USAGE : EXIT_BAD_SIGNATURE;
	}
	cli_verbose(opts, "Root hash signature verified: signer %d of %u, trusted certificate %s.",
	            result->trusted_signer, result->signer_count, result->trusted_name);
	return EXIT_OK;
}

void cli_sig_options(const struct cli_options *opts, struct verity_sig_options *sig_opts)
{
	memset(sig_opts, 0, sizeof(*sig_opts));
	if (opts->allow_sha1)
		sig_opts->flags |= VERITY_SIG_ALLOW_SHA1;
}

int cli_check_signature(const struct cli_options *opts, const char *sig_path, const uint8_t *digest,
                        size_t digest_len)
{
	struct verity_sig_options sig_opts;
	struct verity_sig_result result;
	struct verity_keyring *kr;
	uint8_t *sig;
	size_t sig_len;
	int ret, err;

	ret = cli_load_keyring(opts, &kr);
	if (ret)
		return ret;
	ret = cli_read_signature(sig_path, &sig, &sig_len);
	if (ret) {
		verity_keyring_free(kr);
		return ret;
	}
	cli_sig_options(opts, &sig_opts);
	err = verity_sig_verify_digest(kr, sig, sig_len, digest, digest_len, &sig_opts, &result);
	free(sig);
	verity_keyring_free(kr);
	return cli_signature_result(opts, sig_path, err, &result);
}
