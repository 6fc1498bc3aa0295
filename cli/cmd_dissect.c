/* SPDX-License-Identifier: MIT */
/*
 * verify-image dissect IMAGE: every GPT partition of a discoverable disk
 * image with its DPS role, and every verity pair with its root hash,
 * signature status and the certificate that matched. Exit 0 only when every
 * pair (of --partition, if given) is consistent and trusted.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

static const char *const dissect_options[] = {CLI_DDI_OPTIONS, "pv", NULL};

static const char *ignore_name(uint8_t ignored)
{
	static const char *const names[] = {NULL, "no-auto", "partial (PRT#)", "pending (PND#)",
	                                    "other architecture"};

	return ignored < sizeof(names) / sizeof(names[0]) ? names[ignored] : "ignored";
}

static const char *part_arch(const struct verity_gpt_partition *p)
{
	const char *arch;
	uint32_t role;

	verity_dps_lookup(p->type, &role, &arch);
	return arch;
}

static void print_text(const struct cli_ddi *d, uint32_t role)
{
	const struct verity_ddi *ddi = &d->ddi;
	char uuid[37], hex[2 * VERITY_MAX_DIGEST_SIZE + 1];

	printf("Image:        %s\nSector size:  %u\n", d->path, ddi->gpt.sector_size);
	if (ddi->gpt.used_backup)
		printf("Primary GPT:  damaged (%s), backup header used\n",
		       verity_strerror(ddi->gpt.primary_error));
	printf("\n#   %-16s %-12s %-36s %-24s %12s %12s\n", "ROLE", "ARCH", "UUID", "LABEL",
	       "OFFSET", "SIZE");
	for (uint32_t i = 0; i < ddi->gpt.count; i++) {
		const struct verity_gpt_partition *p = &ddi->gpt.parts[i];
		const char *arch = part_arch(p);

		verity_guid_format(p->uuid, uuid);
		printf("%-3u %-16s %-12s %-36s %-24s %12llu %12llu", p->index,
		       verity_dps_role_name(ddi->role[i]), arch ? arch : "-", uuid, p->label,
		       (unsigned long long)p->offset, (unsigned long long)p->size);
		if (ddi->ignored[i])
			printf("  (ignored: %s)", ignore_name(ddi->ignored[i]));
		printf("\n");
	}
	for (uint32_t i = 0; i < ddi->pair_count; i++) {
		const struct verity_ddi_pair *p = &ddi->pairs[i];

		if (role && p->role != role)
			continue;
		printf("\n%s verity pair:\n", verity_dps_role_name(p->role));
		printf("  data partition:      ");
		p->data >= 0 ? printf("#%u\n", ddi->gpt.parts[p->data].index) : printf("none\n");
		printf("  verity partition:    ");
		p->hash >= 0 ? printf("#%u\n", ddi->gpt.parts[p->hash].index) : printf("none\n");
		printf("  signature partition: ");
		p->sig >= 0 ? printf("#%u\n", ddi->gpt.parts[p->sig].index) : printf("none\n");
		if (p->root_digest_size) {
			cli_hex(hex, p->root_digest, p->root_digest_size);
			printf("  root hash:           %s\n", hex);
		}
		if (p->signed_ok)
			printf("  signature:           trusted (certificate %s)\n", p->signer);
		else if (p->sig >= 0)
			printf("  signature:           not trusted: %s\n",
			       verity_strerror(p->sig_error));
		else
			printf("  signature:           none\n");
		printf("  status:              %s\n",
		       p->status ? verity_strerror(p->status) : "ok");
	}
}

/* The dissect fields of the one JSON object main.c prints (cli_json_finish). */
static void print_json(const struct cli_ddi *d, uint32_t role)
{
	FILE *o = cli_json_stream();
	const struct verity_ddi *ddi = &d->ddi;
	char uuid[37], hex[2 * VERITY_MAX_DIGEST_SIZE + 1];
	const char *sep = "";

	if (!o)
		return;
	fprintf(o, ",\"image\":");
	cli_json_string(o, d->path);
	if (!d->dissected) {
		return;
	}
	fprintf(o, ",\"sector_size\":%u,\"backup_header_used\":%s", ddi->gpt.sector_size,
	        ddi->gpt.used_backup ? "true" : "false");
	if (ddi->gpt.used_backup) {
		fprintf(o, ",\"primary_header_error\":");
		cli_json_string(o, verity_strerror(ddi->gpt.primary_error));
	}
	fprintf(o, ",\"partitions\":[");
	for (uint32_t i = 0; i < ddi->gpt.count; i++) {
		const struct verity_gpt_partition *p = &ddi->gpt.parts[i];
		const char *arch = part_arch(p);

		fprintf(o, "%s{\"index\":%u,\"role\":\"%s\",\"architecture\":", sep, p->index,
		        verity_dps_role_name(ddi->role[i]));
		arch ? cli_json_string(o, arch) : (void)fprintf(o, "null");
		verity_guid_format(p->type, uuid);
		fprintf(o, ",\"type\":\"%s\"", uuid);
		verity_guid_format(p->uuid, uuid);
		fprintf(o, ",\"uuid\":\"%s\",\"label\":", uuid);
		cli_json_string(o, p->label);
		fprintf(o, ",\"offset\":%llu,\"size\":%llu,\"attributes\":%llu,\"ignored\":",
		        (unsigned long long)p->offset, (unsigned long long)p->size,
		        (unsigned long long)p->attributes);
		ddi->ignored[i] ? cli_json_string(o, ignore_name(ddi->ignored[i]))
		                : (void)fprintf(o, "null");
		fprintf(o, "}");
		sep = ",";
	}
	fprintf(o, "],\"pairs\":[");
	sep = "";
	for (uint32_t i = 0; i < ddi->pair_count; i++) {
		const struct verity_ddi_pair *p = &ddi->pairs[i];

		if (role && p->role != role)
			continue;
		fprintf(o, "%s{\"role\":\"%s\"", sep, verity_dps_role_name(p->role));
		fprintf(o, ",\"data\":");
		p->data >= 0 ? fprintf(o, "%u", ddi->gpt.parts[p->data].index) : fprintf(o, "null");
		fprintf(o, ",\"verity\":");
		p->hash >= 0 ? fprintf(o, "%u", ddi->gpt.parts[p->hash].index) : fprintf(o, "null");
		fprintf(o, ",\"signature\":");
		p->sig >= 0 ? fprintf(o, "%u", ddi->gpt.parts[p->sig].index) : fprintf(o, "null");
		fprintf(o, ",\"root_hash\":");
		if (p->root_digest_size) {
			cli_hex(hex, p->root_digest, p->root_digest_size);
			fprintf(o, "\"%s\"", hex);
		} else {
			fprintf(o, "null");
		}
		fprintf(o, ",\"signed\":%s,\"certificate\":", p->signed_ok ? "true" : "false");
		p->signed_ok ? cli_json_string(o, p->signer) : (void)fprintf(o, "null");
		fprintf(o, ",\"signature_error\":");
		p->sig_error ? cli_json_string(o, verity_strerror(p->sig_error))
		             : (void)fprintf(o, "null");
		fprintf(o, ",\"status\":\"%s\"", p->status ? "error" : "ok");
		if (p->status) {
			fprintf(o, ",\"error\":%d,\"message\":", p->status);
			cli_json_string(o, verity_strerror(p->status));
		}
		fprintf(o, "}");
		sep = ",";
	}
	fprintf(o, "]");
}

/*
 * An unpartitioned image with sidecar files: the root hash was checked by
 * cli_ddi_open(); here the superblock and the path from the first data block
 * to the root, as for a pair.
 */
static int dissect_plain(const struct cli_options *opts, const char *path)
{
	struct verity_device *dev = NULL;
	const struct cli_sidecar *sc;
	struct cli_image img;
	uint8_t *block = NULL;
	int ret, err = 0;

	cli_json_field_string("image", path);
	cli_json_field_bool("sidecar", true);
	ret = cli_image_open_ddi(&img, opts, path);
	if (ret == EXIT_OK) {
		err = verity_device_open(&dev, &img.params, &img.data, &img.hash, NULL);
		block = err ? NULL : malloc(img.params.data_block_size);
		if (!err && !block)
			err = VERITY_E_NOMEM;
		if (!err)
			err = verity_device_read(dev, 0, img.params.data_block_size, block);
		free(block);
		verity_device_close(dev);
		if (err)
			cli_error("%s: %s.", path, verity_strerror(err));
		ret = cli_ddi_exit_code(err);
	}
	sc = ret == EXIT_OK ? cli_image_sidecar(&img) : NULL;
	if (sc) {
		cli_json_field_string("role", verity_dps_role_name(sc->role));
		cli_json_field_string("root_hash", sc->root_hex);
		cli_json_field_bool("signed", !opts->root_hash);
		if (!opts->json)
			printf("Image:        %s (unpartitioned, sidecar files)\n%s hash:    %s\n"
			       "Verity file:  %s\nTrusted by:   %s\nStatus:       ok\n",
			       path, verity_dps_role_name(sc->role), sc->root_hex, sc->verity_path,
			       opts->root_hash ? "--root-hash" : "its .p7s signature");
	}
	cli_image_close(&img);
	return ret;
}

static int run_dissect(const struct cli_options *opts, int argc, char **argv)
{
	struct cli_ddi d;
	uint32_t role = 0, shown = 0;
	int ret, err = 0;

	(void)argc;
	ret = cli_ddi_role(opts, true, &role);
	if (ret == EXIT_OK)
		ret = cli_ddi_open(&d, opts, argv[0]);
	else
		memset(&d, 0, sizeof(d)), d.fd = -1, d.path = argv[0];
	if (ret == EXIT_OK && d.sidecar.verity_path[0]) {
		cli_ddi_close(&d);
		return dissect_plain(opts, argv[0]);
	}
	if (ret == EXIT_OK) {
		/* Success needs at least one pair, and every (selected) pair sound. */
		for (uint32_t i = 0; i < d.ddi.pair_count; i++) {
			const struct verity_ddi_pair *p = &d.ddi.pairs[i];

			if (role && p->role != role)
				continue;
			shown++;
			if (p->status && !err) {
				err = p->status;
				cli_error("%s verity pair: %s.", verity_dps_role_name(p->role),
				          verity_strerror(err));
			}
		}
		if (!shown) {
			err = VERITY_E_DDI_NO_PARTITION;
			cli_error("%s: no verity partitions%s%s.", d.path, role ? " for " : "",
			          role ? verity_dps_role_name(role) : "");
		}
		ret = cli_ddi_exit_code(err);
		if (!opts->json)
			print_text(&d, role);
	}
	if (opts->json)
		print_json(&d, role);
	cli_ddi_close(&d);
	return ret;
}

const struct cli_command cli_cmd_dissect = {
    .name = "dissect",
    .args = "<image>",
    .summary = "Show the partitions and verity pairs of a discoverable disk image and check them",
    .min_args = 1,
    .max_args = 1,
    .options = dissect_options,
    .run = run_dissect,
};
