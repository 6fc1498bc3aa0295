/* SPDX-License-Identifier: MIT */
/*
 * The signature partition's JSON reader. Input: partition contents (seeds:
 * JSON as systemd-repart writes it, NUL-padded).
 *
 * Invariants: only documented codes; on success rootHash is lowercase hex of
 * an even length up to 128 matching the binary digest, the signature is
 * 1 .. VERITY_SIG_MAX_SIZE bytes, and the same fields written back as
 * canonical JSON parse to the same result; every allocation freed.
 */
#include "fuzz/fuzz.h"
#include "libverity.h"

static size_t base64(char *out, const uint8_t *in, size_t len)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = a[v >> 18];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = i + 1 < len ? a[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? a[v & 63] : '=';
	}
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long live = 0;
	struct verity_allocator hooks = FUZZ_COUNTING_ALLOCATOR(&live);
	struct verity_ddi_sig sig, again;
	char *text;
	size_t n;
	int ret;

	ret = verity_ddi_sig_parse(&sig, data, size, &hooks);
	FUZZ_LOG("ddi_sig: %d (%s)\n", ret, verity_strerror(ret));
	if (ret != 0) {
		FUZZ_EXPECT_CODES(ret, VERITY_E_INVAL, VERITY_E_NOMEM, VERITY_E_JSON_TOO_LARGE,
		                  VERITY_E_JSON_SYNTAX, VERITY_E_JSON_TOO_DEEP,
		                  VERITY_E_JSON_BAD_PADDING, VERITY_E_JSON_DUPLICATE_KEY,
		                  VERITY_E_JSON_WRONG_TYPE, VERITY_E_JSON_MISSING_KEY,
		                  VERITY_E_JSON_BAD_ROOT_HASH, VERITY_E_JSON_BAD_BASE64,
		                  VERITY_E_SIG_TOO_LARGE, VERITY_E_JSON_BAD_FINGERPRINT);
		FUZZ_CHECK(live == 0);
		return 0;
	}
	n = strlen(sig.root_hex);
	FUZZ_CHECK(n >= 2 && n <= 2 * VERITY_MAX_DIGEST_SIZE && n % 2 == 0);
	FUZZ_CHECK(sig.root_digest_size == n / 2);
	for (size_t i = 0; i < n; i++) {
		static const char hex[] = "0123456789abcdef";
		uint8_t b = sig.root_digest[i / 2];

		FUZZ_CHECK(sig.root_hex[i] == hex[i % 2 ? b & 15 : b >> 4]);
	}
	FUZZ_CHECK(sig.signature_size >= 1 && sig.signature_size <= VERITY_SIG_MAX_SIZE);

	/* Canonical form of the same fields. */
	text = malloc(200 + 4 * (sig.signature_size / 3 + 1) + 2 * 64 + 2 * VERITY_MAX_DIGEST_SIZE);
	FUZZ_CHECK(text != NULL);
	n = (size_t)sprintf(text, "{\"rootHash\":\"%s\",\"signature\":\"", sig.root_hex);
	n += base64(text + n, sig.signature, sig.signature_size);
	text[n++] = '"';
	if (sig.has_fingerprint) {
		n += (size_t)sprintf(text + n, ",\"certificateFingerprint\":\"");
		for (int i = 0; i < 32; i++)
			n += (size_t)sprintf(text + n, "%02x", sig.fingerprint[i]);
		text[n++] = '"';
	}
	text[n++] = '}';
	FUZZ_CHECK(verity_ddi_sig_parse(&again, text, n, &hooks) == 0);
	FUZZ_CHECK(strcmp(again.root_hex, sig.root_hex) == 0);
	FUZZ_CHECK(again.signature_size == sig.signature_size &&
	           memcmp(again.signature, sig.signature, sig.signature_size) == 0);
	FUZZ_CHECK(again.has_fingerprint == sig.has_fingerprint &&
	           memcmp(again.fingerprint, sig.fingerprint, 32) == 0);
	free(text);
	verity_ddi_sig_free(&again);
	verity_ddi_sig_free(&sig);
	FUZZ_CHECK(live == 0);
	return 0;
}
