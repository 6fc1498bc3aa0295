/* SPDX-License-Identifier: MIT */
/*
 * PKCS#7 root-hash signatures: the input is the DER signature, checked
 * against the fixed string the seeds sign, with two fixed trusted
 * certificates (RSA-2048 and P-256, fuzz/fixtures/).
 *
 * Invariants: the result mirrors the return code and its strings are
 * terminated; an accepted signature names a trusted signer, fails for any
 * other root hash, and (when OpenSSL is there and the message has one
 * signer) is also accepted by OpenSSL's CMS verification over the same bytes,
 * so that an acceptance can never be a forgery that only libverity believes.
 */
#include "fuzz/fixtures.h"
#include "fuzz/fuzz.h"
#include "libverity.h"

#ifdef FUZZ_HAVE_OPENSSL
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#endif

static struct verity_keyring *trusted;

static void load_keyring(void)
{
	if (trusted)
		return;
	FUZZ_CHECK(verity_keyring_new(&trusted) == 0);
	FUZZ_CHECK(verity_keyring_add_der(trusted, fuzz_fixture_trusted_rsa2048,
	                                  fuzz_fixture_trusted_rsa2048_len, "rsa2048") == 0);
	FUZZ_CHECK(verity_keyring_add_der(trusted, fuzz_fixture_trusted_p256,
	                                  fuzz_fixture_trusted_p256_len, "p256") == 0);
	FUZZ_CHECK(verity_keyring_count(trusted) == 2);
}

#ifdef FUZZ_HAVE_OPENSSL
/*
 * OpenSSL's view of an accepted message; false only on a real disagreement.
 * OpenSSL also digests the content with every algorithm of
 * SignedData.digestAlgorithms and fails on one it does not know; the kernel
 * (and so libverity) ignores that list, so that failure is no disagreement.
 */
static bool openssl_agrees(const uint8_t *data, size_t size, const char *root)
{
	const unsigned char *p = data;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)size);
	STACK_OF(X509) *certs = sk_X509_new_null();
	BIO *content;
	bool agrees = true;

	FUZZ_CHECK(certs != NULL);
	if (cms && sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)) == 1) {
		const uint8_t *der[2] = {fuzz_fixture_trusted_rsa2048, fuzz_fixture_trusted_p256};
		size_t len[2] = {fuzz_fixture_trusted_rsa2048_len, fuzz_fixture_trusted_p256_len};

		for (int i = 0; i < 2; i++) {
			const unsigned char *q = der[i];
			X509 *cert = d2i_X509(NULL, &q, (long)len[i]);

			FUZZ_CHECK(cert != NULL && sk_X509_push(certs, cert) > 0);
		}
		content = BIO_new_mem_buf(root, (int)strlen(root));
		FUZZ_CHECK(content != NULL);
		/* Signature arithmetic only: trust is libverity's own decision. */
		agrees = CMS_verify(cms, certs, NULL, content, NULL,
		                    CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1;
		for (unsigned long e; !agrees && (e = ERR_get_error()) != 0;)
			if (ERR_GET_LIB(e) == ERR_LIB_CMS &&
			    ERR_GET_REASON(e) == CMS_R_UNKNOWN_DIGEST_ALGORITHM)
				agrees = true;
		BIO_free(content);
	}
	ERR_clear_error();
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	return agrees;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verity_sig_options opts;
	struct verity_sig_result result;
	char other[sizeof(FUZZ_SIGNED_ROOT)];
	int ret;

	load_keyring();
	memset(&opts, 0, sizeof(opts));
	memset(&result, 0xa5, sizeof(result));
	ret = verity_sig_verify(trusted, data, size, FUZZ_SIGNED_ROOT, &opts, &result);
	if (ret == VERITY_E_SIG_SHA1_DISABLED || ret == VERITY_E_SIG_RSA_PSS_DISABLED) {
		/* Reach the code behind the policy too. */
		opts.flags = VERITY_SIG_ALLOW_SHA1 | VERITY_SIG_ALLOW_RSA_PSS;
		memset(&result, 0xa5, sizeof(result));
		ret = verity_sig_verify(trusted, data, size, FUZZ_SIGNED_ROOT, &opts, &result);
	}
	FUZZ_LOG("pkcs7: %d (%s) signers %u trusted %d: %s\n", ret, verity_strerror(ret),
	         result.signer_count, result.trusted_signer, result.detail);
	FUZZ_EXPECT_CODES(ret, 0, FUZZ_SIG_CODES);
	FUZZ_CHECK(result.error == ret);
	FUZZ_CHECK(memchr(result.detail, 0, sizeof(result.detail)) != NULL);
	FUZZ_CHECK(memchr(result.trusted_name, 0, sizeof(result.trusted_name)) != NULL);
	if (ret != 0) {
		FUZZ_CHECK(result.trusted_signer == -1);
		return 0;
	}
	FUZZ_CHECK(result.signer_count >= 1);
	FUZZ_CHECK(result.trusted_signer >= 0 &&
	           (unsigned)result.trusted_signer < result.signer_count);
	FUZZ_CHECK(strcmp(result.trusted_name, "rsa2048") == 0 ||
	           strcmp(result.trusted_name, "p256") == 0);

	/* The same signature over any other root hash must be refused. */
	memcpy(other, FUZZ_SIGNED_ROOT, sizeof(other));
	{
		char *c = &other[size % (sizeof(other) - 1)];

		*c = *c == '0' ? '1' : '0';
	}
	ret = verity_sig_verify(trusted, data, size, other, &opts, NULL);
	FUZZ_EXPECT_CODES(ret, FUZZ_SIG_CODES);
#ifdef FUZZ_HAVE_OPENSSL
	FUZZ_CHECK(openssl_agrees(data, size, FUZZ_SIGNED_ROOT));
#endif
	return 0;
}
