/* SPDX-License-Identifier: MIT */
/*
 * The Discoverable Partitions Specification's type GUIDs (every architecture
 * it lists), label versions compared in strverscmp() order.
 */
#include <string.h>

#include "libverity.h"

/* Per architecture, in enum verity_dps_role order from ROOT to USR_VERITY_SIG. */
static const struct {
	const char *arch;
	const char *type[6];
} arch_types[] = {
    {"alpha",
     {"6523f8ae-3eb1-4e2a-a05a-18b695ae656f", "e18cf08c-33ec-4c0d-8246-c6c6fb3da024",
      "fc56d9e9-e6e5-4c06-be32-e74407ce09a5", "8cce0d25-c0d0-4a44-bd87-46331bf1df67",
      "d46495b7-a053-414f-80f7-700c99921ef8", "5c6e1c76-076a-457a-a0fe-f3b4cd21ce6e"}},
    {"arc",
     {"d27f46ed-2919-4cb8-bd25-9531f3c16534", "7978a683-6316-4922-bbee-38bff5a2fecc",
      "24b2d975-0f97-4521-afa1-cd531e421b8d", "fca0598c-d880-4591-8c16-4eda05c7347c",
      "143a70ba-cbd3-4f06-919f-6c05683a78bc", "94f9a9a1-9971-427a-a400-50cb297f0f35"}},
    {"arm",
     {"69dad710-2ce4-4e3c-b16c-21a1d49abed3", "7d0359a3-02b3-4f0a-865c-654403e70625",
      "7386cdf2-203c-47a9-a498-f2ecce45a2d6", "c215d751-7bcd-4649-be90-6627490a4c05",
      "42b0455f-eb11-491d-98d3-56145ba9d037", "d7ff812f-37d1-4902-a810-d76ba57b975a"}},
    {"arm64",
     {"b921b045-1df0-41c3-af44-4c6f280d3fae", "b0e01050-ee5f-4390-949a-9101b17104e9",
      "df3300ce-d69f-4c92-978c-9bfb0f38d820", "6e11a4e7-fbca-4ded-b9e9-e1a512bb664e",
      "6db69de6-29f4-4758-a7a5-962190f00ce3", "c23ce4ff-44bd-4b00-b2d4-b41b3419e02a"}},
    {"ia64",
     {"993d8d3d-f80e-4225-855a-9daf8ed7ea97", "4301d2a6-4e3b-4b2a-bb94-9e0b2c4225ea",
      "86ed10d5-b607-45bb-8957-d350f23d0571", "6a491e03-3be7-4545-8e38-83320e0ea880",
      "e98b36ee-32ba-4882-9b12-0ce14655f46a", "8de58bc2-2a43-460d-b14e-a76e4a17b47f"}},
    {"loongarch64",
     {"77055800-792c-4f94-b39a-98c91b762bb6", "e611c702-575c-4cbe-9a46-434fa0bf7e3f",
      "f3393b22-e9af-4613-a948-9d3bfbd0c535", "f46b2c26-59ae-48f0-9106-c50ed47f673d",
      "5afb67eb-ecc8-4f85-ae8e-ac1e7c50e7d0", "b024f315-d330-444c-8461-44bbde524e99"}},
    {"mips-le",
     {"37c58c8a-d913-4156-a25f-48b1b64e07f0", "0f4868e9-9952-4706-979f-3ed3a473e947",
      "d7d150d2-2a04-4a33-8f12-16651205ff7b", "46b98d8d-b55c-4e8f-aab3-37fca7f80752",
      "c919cc1f-4456-4eff-918c-f75e94525ca5", "3e23ca0b-a4bc-4b4e-8087-5ab6a26aa8a9"}},
    {"mips64-le",
     {"700bda43-7a34-4507-b179-eeb93d7a7ca3", "c97c1f32-ba06-40b4-9f22-236061b08aa8",
      "16b417f8-3e06-4f57-8dd2-9b5232f41aa6", "3c3d61fe-b5f3-414d-bb71-8739a694a4ef",
      "904e58ef-5c65-4a31-9c57-6af5fc7c5de7", "f2c2c7ee-adcc-4351-b5c6-ee9816b66e16"}},
    {"ppc",
     {"1de3f1ef-fa98-47b5-8dcd-4a860a654d78", "7d14fec5-cc71-415d-9d6c-06bf0b3c3eaf",
      "98cfe649-1588-46dc-b2f0-add147424925", "df765d00-270e-49e5-bc75-f47bb2118b09",
      "1b31b5aa-add9-463a-b2ed-bd467fc857e7", "7007891d-d371-4a80-86a4-5cb875b9302e"}},
    {"ppc64",
     {"912ade1d-a839-4913-8964-a10eee08fbd2", "2c9739e2-f068-46b3-9fd0-01c5a9afbcca",
      "9225a9a3-3c19-4d89-b4f6-eeff88f17631", "bdb528a5-a259-475f-a87d-da53fa736a07",
      "f5e2c20c-45b2-4ffa-bce9-2a60737e1aaf", "0b888863-d7f8-4d9e-9766-239fce4d58af"}},
    {"ppc64-le",
     {"c31c45e6-3f39-412e-80fb-4809c4980599", "15bb03af-77e7-4d4a-b12b-c0d084f7491c",
      "906bd944-4589-4aae-a4e4-dd983917446a", "ee2b9983-21e8-4153-86d9-b6901a54d1ce",
      "d4a236e7-e873-4c07-bf1d-bf6cf7f1c3c6", "c8bfbd1e-268e-4521-8bba-bf314c399557"}},
    {"riscv32",
     {"60d5a7fe-8e7d-435c-b714-3dd8162144e1", "b933fb22-5c3f-4f91-af90-e2bb0fa50702",
      "ae0253be-1167-4007-ac68-43926c14c5de", "cb1ee4e3-8cd0-4136-a0a4-aa61a32e8730",
      "3a112a75-8729-4380-b4cf-764d79934448", "c3836a13-3137-45ba-b583-b16c50fe5eb4"}},
    {"riscv64",
     {"72ec70a6-cf74-40e6-bd49-4bda08e8f224", "beaec34b-8442-439b-a40b-984381ed097d",
      "b6ed5582-440b-4209-b8da-5ff7c419ea3d", "8f1056be-9b05-47c4-81d6-be53128e5b54",
      "efe0f087-ea8d-4469-821a-4c2a96a8386a", "d2f9000a-7a18-453f-b5cd-4d32f77a7b32"}},
    {"s390",
     {"08a7acea-624c-4a20-91e8-6e0fa67d23f9", "cd0f869b-d0fb-4ca0-b141-9ea87cc78d66",
      "7ac63b47-b25c-463b-8df8-b4a94e6c90e1", "b663c618-e7bc-4d6d-90aa-11b756bb1797",
      "3482388e-4254-435a-a241-766a065f9960", "17440e4f-a8d0-467f-a46e-3912ae6ef2c5"}},
    {"s390x",
     {"5eead9a9-fe09-4a1e-a1d7-520d00531306", "8a4f5770-50aa-4ed3-874a-99b710db6fea",
      "b325bfbe-c7be-4ab8-8357-139e652d2f6b", "31741cc4-1a2a-4111-a581-e00b447d2d06",
      "c80187a5-73a3-491a-901a-017c3fa953e9", "3f324816-667b-46ae-86ee-9b0c0c6c11b4"}},
    {"tilegx",
     {"c50cdd70-3862-4cc3-90e1-809a8c93ee2c", "55497029-c7c1-44cc-aa39-815ed1558630",
      "966061ec-28e4-4b2e-b4a5-1f0a825a1d84", "2fb4bf56-07fa-42da-8132-6b139f2026ae",
      "b3671439-97b0-4a53-90f7-2d5a8f3ad47b", "4ede75e2-6ccc-4cc8-b9c7-70334b087510"}},
    {"x86",
     {"44479540-f297-41b2-9af7-d131d5f0458a", "75250d76-8cc6-458e-bd66-bd47cc81a812",
      "d13c5d3b-b5d1-422a-b29f-9454fdc89d76", "8f461b0d-14ee-4e81-9aa9-049b6fb97abd",
      "5996fc05-109c-48de-808b-23fa0830b676", "974a71c0-de41-43c3-be5d-5c5ccd1ad2c0"}},
    {"x86-64",
     {"4f68bce3-e8cd-4db1-96e7-fbcaf984b709", "8484680c-9521-48c6-9c11-b0720656f69e",
      "2c7357ed-ebd2-46d9-aec1-23d437ec2bf5", "77ff5f63-e7b6-4633-acf4-1565b864c0e6",
      "41092b05-9fc8-4523-994f-2def0408b176", "e7bb33fb-06cf-4e81-8273-e543b413e2e2"}},
};

#define ARCH_COUNT (sizeof(arch_types) / sizeof(arch_types[0]))

/* Types without an architecture. */
static const struct {
	uint32_t role;
	const char *type;
} plain_types[] = {
    {VERITY_DPS_ESP, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"},
    {VERITY_DPS_XBOOTLDR, "bc13c2ff-59e6-4262-a352-b275fd6f7172"},
    {VERITY_DPS_SWAP, "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f"},
    {VERITY_DPS_HOME, "933ac7e1-2eb4-4f13-b844-0e14e2aef915"},
    {VERITY_DPS_SRV, "3b8f8425-20e0-4f3b-907f-1a25a76f98e8"},
    {VERITY_DPS_VAR, "4d21b016-b534-45c2-a9fb-5c16e091fd2d"},
    {VERITY_DPS_TMP, "7ec6f557-3bc5-4aca-b293-16ef5df639d1"},
};

static bool same_type(const uint8_t type[16], const char *text)
{
	uint8_t guid[16];

	return verity_guid_parse(text, guid) == 0 && memcmp(guid, type, 16) == 0;
}

int verity_dps_lookup(const uint8_t type[16], uint32_t *role, const char **arch)
{
	if (!type || !role)
		return VERITY_E_INVAL;
	*role = VERITY_DPS_OTHER;
	if (arch)
		*arch = NULL;
	for (size_t a = 0; a < ARCH_COUNT; a++)
		for (unsigned r = 0; r < 6; r++)
			if (same_type(type, arch_types[a].type[r])) {
				*role = VERITY_DPS_ROOT + r;
				if (arch)
					*arch = arch_types[a].arch;
				return 0;
			}
	for (size_t i = 0; i < sizeof(plain_types) / sizeof(plain_types[0]); i++)
		if (same_type(type, plain_types[i].type)) {
			*role = plain_types[i].role;
			return 0;
		}
	return 0;
}

int verity_dps_type(const char *arch, uint32_t role, uint8_t type[16])
{
	if (!arch || !type || role < VERITY_DPS_ROOT || role > VERITY_DPS_USR_VERITY_SIG)
		return VERITY_E_INVAL;
	for (size_t a = 0; a < ARCH_COUNT; a++)
		if (strcmp(arch, arch_types[a].arch) == 0)
			return verity_guid_parse(arch_types[a].type[role - VERITY_DPS_ROOT], type);
	return VERITY_E_DDI_BAD_ARCH;
}

const char *verity_dps_role_name(uint32_t role)
{
	static const char *const names[] = {
	    "other",
	    "root",
	    "usr",
	    "root-verity",
	    "usr-verity",
	    "root-verity-sig",
	    "usr-verity-sig",
	    "esp",
	    "xbootldr",
	    "swap",
	    "home",
	    "srv",
	    "var",
	    "tmp",
	};

	return role < sizeof(names) / sizeof(names[0]) ? names[role] : "other";
}

const char *verity_dps_native_arch(void)
{
#if defined(__x86_64__)
	return "x86-64";
#elif defined(__i386__)
	return "x86";
#elif defined(__aarch64__)
	return "arm64";
#elif defined(__arm__)
	return "arm";
#elif defined(__riscv) && __riscv_xlen == 64
	return "riscv64";
#elif defined(__riscv) && __riscv_xlen == 32
	return "riscv32";
#elif defined(__loongarch64)
	return "loongarch64";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
	return "ppc64-le";
#elif defined(__powerpc64__)
	return "ppc64";
#elif defined(__powerpc__)
	return "ppc";
#elif defined(__s390x__)
	return "s390x";
#elif defined(__s390__)
	return "s390";
#elif defined(__mips__) && defined(__MIPSEL__) && defined(__LP64__)
	return "mips64-le";
#elif defined(__mips__) && defined(__MIPSEL__)
	return "mips-le";
#elif defined(__alpha__)
	return "alpha";
#elif defined(__ia64__)
	return "ia64";
#elif defined(__arc__)
	return "arc";
#elif defined(__tilegx__)
	return "tilegx";
#else
	return NULL;
#endif
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Length of the digit run starting at @s. */
static size_t digit_run(const unsigned char *s)
{
	size_t n = 0;

	while (is_digit(s[n]))
		n++;
	return n;
}

/*
 * glibc's order: non-digits compare as bytes; digit runs compare as numbers
 * (longer is larger), except runs with a leading zero, which compare as
 * fractions (000 < 00 < 01 < 010 < 09 < 0 < 1 < 9 < 10).
 */
int verity_strverscmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	size_t i = 0, start;
	int diff;
	bool dp, dq;

	while (p[i] == q[i]) {
		if (p[i] == '\0')
			return 0;
		i++;
	}
	diff = (int)p[i] - (int)q[i];
	dp = is_digit(p[i]);
	dq = is_digit(q[i]);
	start = i;
	while (start > 0 && is_digit(p[start - 1]))
		start--;
	if (start == i) {
		/* The difference starts a number on both sides: integral unless a zero leads. */
		if (dp && dq && p[i] != '0' && q[i] != '0')
			goto by_length;
		return diff;
	}
	if (p[start] == '0') {
		bool all_zero = true;

		for (size_t k = start; k < i; k++)
			if (p[k] != '0')
				all_zero = false;
		if (!all_zero)
			return diff; /* fractional part: plain order */
		/* Only zeros so far: the side whose run ends first is the larger. */
		if (!dp && dq)
			return 1;
		if (dp && !dq)
			return -1;
		return diff;
	}
	/* Integral number in progress: the shorter run is the smaller. */
	if (!dp && !dq)
		return diff;
	if (!dp)
		return -1;
	if (!dq)
		return 1;
by_length : {
	size_t lp = digit_run(p + i), lq = digit_run(q + i);

	if (lp != lq)
		return lp > lq ? 1 : -1;
	return diff;
}
}
