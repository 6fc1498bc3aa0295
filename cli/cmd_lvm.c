/* SPDX-License-Identifier: MIT */
/*
 * verify-image lvm PV...: the volume groups and visible logical volumes on
 * LVM2 physical volumes. The plain output is one line per segment, the
 * columns of `lvs --segments --units b --nosuffix -o vg_name,lv_name,
 * lv_size,seg_start_pe,seg_size_pe,seg_pe_ranges`.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

static const char *const lvm_options[] = {NULL};

/* Where the metadata last saw a PV, else the file given. */
static const char *pv_label(const struct cli_lvm *pvs, const struct verity_lvm_pv_info *pv)
{
	return pv->device ? pv->device : pvs->paths[pv->device_index];
}

static void print_text(const struct cli_lvm *pvs)
{
	const struct verity_lvm *lvm = pvs->lvm;

	for (size_t v = 0; v < verity_lvm_vg_count(lvm); v++) {
		struct verity_lvm_vg_info vg;

		verity_lvm_vg_info(lvm, v, &vg);
		for (size_t l = 0; l < vg.lv_count; l++) {
			struct verity_lvm_lv_info lv;

			verity_lvm_lv_info(lvm, v, l, &lv);
			for (size_t s = 0; s < lv.segment_count; s++) {
				struct verity_lvm_segment seg;
				struct verity_lvm_pv_info pv;

				verity_lvm_segment(lvm, v, l, s, &seg);
				printf("%s %s %llu %llu %llu", vg.name, lv.name,
				       (unsigned long long)lv.size,
				       (unsigned long long)seg.start_extent,
				       (unsigned long long)seg.extent_count);
				if (seg.linear) {
					verity_lvm_pv_info(lvm, v, seg.pv, &pv);
					printf(" %s:%llu-%llu", pv_label(pvs, &pv),
					       (unsigned long long)seg.pe,
					       (unsigned long long)(seg.pe + seg.extent_count - 1));
				} else {
					printf(" (%s)", seg.type);
				}
				putchar('\n');
			}
		}
	}
}

static void print_json_lv(FILE *f, const struct cli_lvm *pvs, size_t v, size_t l,
                          uint64_t extent_size)
{
	const struct verity_lvm *lvm = pvs->lvm;
	struct verity_lvm_lv_info lv;

	verity_lvm_lv_info(lvm, v, l, &lv);
	fputs("{\"name\":", f);
	cli_json_string(f, lv.name);
	fputs(",\"id\":", f);
	cli_json_string(f, lv.id);
	fprintf(f, ",\"size\":%llu,\"extent_count\":%llu,\"linear\":%s",
	        (unsigned long long)lv.size, (unsigned long long)lv.extent_count,
	        lv.unsupported_type ? "false" : "true");
	if (lv.unsupported_type) {
		fputs(",\"unsupported_type\":", f);
		cli_json_string(f, lv.unsupported_type);
	}
	fputs(",\"tags\":[", f);
	for (size_t t = 0; t < lv.tag_count; t++) {
		if (t)
			fputc(',', f);
		cli_json_string(f, verity_lvm_lv_tag(lvm, v, l, t));
	}
	fputs("],\"segments\":[", f);
	for (size_t s = 0; s < lv.segment_count; s++) {
		struct verity_lvm_segment seg;
		struct verity_lvm_pv_info pv;

		verity_lvm_segment(lvm, v, l, s, &seg);
		fprintf(f,
		        "%s{\"start_extent\":%llu,\"extent_count\":%llu,\"start\":%llu,\"size\":%"
		        "llu,\"type\":",
		        s ? "," : "", (unsigned long long)seg.start_extent,
		        (unsigned long long)seg.extent_count,
		        (unsigned long long)(seg.start_extent * extent_size),
		        (unsigned long long)(seg.extent_count * extent_size));
		cli_json_string(f, seg.type);
		if (seg.linear) {
			verity_lvm_pv_info(lvm, v, seg.pv, &pv);
			fputs(",\"pv\":", f);
			cli_json_string(f, pv.name);
			fprintf(f, ",\"pe\":%llu,\"pv_offset\":%llu", (unsigned long long)seg.pe,
			        (unsigned long long)(pv.pe_start + seg.pe * extent_size));
		}
		fputc('}', f);
	}
	fputs("]}", f);
}

/* The "volume_groups" array. */
static void print_json(FILE *f, const struct cli_lvm *pvs)
{
	const struct verity_lvm *lvm = pvs->lvm;

	fputc('[', f);
	for (size_t v = 0; v < verity_lvm_vg_count(lvm); v++) {
		struct verity_lvm_vg_info vg;

		verity_lvm_vg_info(lvm, v, &vg);
		fputs(v ? ",{\"name\":" : "{\"name\":", f);
		cli_json_string(f, vg.name);
		fputs(",\"id\":", f);
		cli_json_string(f, vg.id);
		fprintf(f, ",\"seqno\":%llu,\"extent_size\":%llu,\"physical_volumes\":[",
		        (unsigned long long)vg.seqno, (unsigned long long)vg.extent_size);
		for (size_t p = 0; p < vg.pv_count; p++) {
			struct verity_lvm_pv_info pv;

			verity_lvm_pv_info(lvm, v, p, &pv);
			fputs(p ? ",{\"name\":" : "{\"name\":", f);
			cli_json_string(f, pv.name);
			fputs(",\"id\":", f);
			cli_json_string(f, pv.id);
			fputs(",\"file\":", f);
			cli_json_string(f, pvs->paths[pv.device_index]);
			if (pv.device) {
				fputs(",\"device\":", f);
				cli_json_string(f, pv.device);
			}
			fprintf(f, ",\"pe_start\":%llu,\"pe_count\":%llu}",
			        (unsigned long long)pv.pe_start, (unsigned long long)pv.pe_count);
		}
		fputs("],\"logical_volumes\":[", f);
		for (size_t l = 0; l < vg.lv_count; l++) {
			if (l)
				fputc(',', f);
			print_json_lv(f, pvs, v, l, vg.extent_size);
		}
		fputs("]}", f);
	}
	fputc(']', f);
}

static int run_lvm(const struct cli_options *opts, int argc, char **argv)
{
	struct cli_lvm pvs;
	char detail[256], *buf = NULL;
	size_t len = 0;
	int ret, err;
	FILE *f;

	ret = cli_lvm_open(&pvs, (const char *const *)argv, (size_t)argc, &err, detail,
	                   sizeof(detail));
	if (ret) {
		cli_json_field_int("code", err);
		cli_json_field_string("detail", detail);
	} else if (opts->json) {
		f = open_memstream(&buf, &len);
		if (!f) {
			cli_error("Out of memory.");
			ret = EXIT_NOMEM;
		} else {
			print_json(f, &pvs);
			if (fclose(f) == 0)
				cli_json_field_raw("volume_groups", buf);
			free(buf);
		}
	} else {
		print_text(&pvs);
	}
	cli_lvm_close(&pvs);
	return ret;
}

const struct cli_command cli_cmd_lvm = {
    .name = "lvm",
    .args = "<pv>...",
    .summary = "List the LVM2 volume groups and logical volumes on physical volumes <pv>",
    .min_args = 1,
    .max_args = VERITY_LVM_MAX_DEVICES,
    .options = lvm_options,
    .run = run_lvm,
};
