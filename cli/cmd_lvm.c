/* SPDX-License-Identifier: MIT */
/*
 * verify-image lvm PV...: the volume groups and visible logical volumes on
 * LVM2 physical volumes. The plain output is one line per segment, the
 * columns of `lvs --segments --units b --nosuffix -o vg_name,lv_name,
 * lv_size,seg_start_pe,seg_size_pe,seg_pe_ranges`.
 */
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

static void print_json_lv(const struct cli_lvm *pvs, size_t v, size_t l, uint64_t extent_size)
{
	const struct verity_lvm *lvm = pvs->lvm;
	struct verity_lvm_lv_info lv;

	verity_lvm_lv_info(lvm, v, l, &lv);
	fputs("{\"name\":", stdout);
	cli_json_string(stdout, lv.name);
	fputs(",\"id\":", stdout);
	cli_json_string(stdout, lv.id);
	fprintf(stdout, ",\"size\":%llu,\"extent_count\":%llu,\"linear\":%s",
	        (unsigned long long)lv.size, (unsigned long long)lv.extent_count,
	        lv.unsupported_type ? "false" : "true");
	if (lv.unsupported_type) {
		fputs(",\"unsupported_type\":", stdout);
		cli_json_string(stdout, lv.unsupported_type);
	}
	fputs(",\"tags\":[", stdout);
	for (size_t t = 0; t < lv.tag_count; t++) {
		if (t)
			putchar(',');
		cli_json_string(stdout, verity_lvm_lv_tag(lvm, v, l, t));
	}
	fputs("],\"segments\":[", stdout);
	for (size_t s = 0; s < lv.segment_count; s++) {
		struct verity_lvm_segment seg;
		struct verity_lvm_pv_info pv;

		verity_lvm_segment(lvm, v, l, s, &seg);
		fprintf(stdout,
		        "%s{\"start_extent\":%llu,\"extent_count\":%llu,\"start\":%llu,\"size\":%"
		        "llu,\"type\":",
		        s ? "," : "", (unsigned long long)seg.start_extent,
		        (unsigned long long)seg.extent_count,
		        (unsigned long long)(seg.start_extent * extent_size),
		        (unsigned long long)(seg.extent_count * extent_size));
		cli_json_string(stdout, seg.type);
		if (seg.linear) {
			verity_lvm_pv_info(lvm, v, seg.pv, &pv);
			fputs(",\"pv\":", stdout);
			cli_json_string(stdout, pv.name);
			fprintf(stdout, ",\"pe\":%llu,\"pv_offset\":%llu",
			        (unsigned long long)seg.pe,
			        (unsigned long long)(pv.pe_start + seg.pe * extent_size));
		}
		putchar('}');
	}
	fputs("]}", stdout);
}

static void print_json(const struct cli_lvm *pvs)
{
	const struct verity_lvm *lvm = pvs->lvm;

	fputs("{\"status\":\"ok\",\"exit_code\":0,\"volume_groups\":[", stdout);
	for (size_t v = 0; v < verity_lvm_vg_count(lvm); v++) {
		struct verity_lvm_vg_info vg;

		verity_lvm_vg_info(lvm, v, &vg);
		fputs(v ? ",{\"name\":" : "{\"name\":", stdout);
		cli_json_string(stdout, vg.name);
		fputs(",\"id\":", stdout);
		cli_json_string(stdout, vg.id);
		fprintf(stdout, ",\"seqno\":%llu,\"extent_size\":%llu,\"physical_volumes\":[",
		        (unsigned long long)vg.seqno, (unsigned long long)vg.extent_size);
		for (size_t p = 0; p < vg.pv_count; p++) {
			struct verity_lvm_pv_info pv;

			verity_lvm_pv_info(lvm, v, p, &pv);
			fputs(p ? ",{\"name\":" : "{\"name\":", stdout);
			cli_json_string(stdout, pv.name);
			fputs(",\"id\":", stdout);
			cli_json_string(stdout, pv.id);
			fputs(",\"file\":", stdout);
			cli_json_string(stdout, pvs->paths[pv.device_index]);
			if (pv.device) {
				fputs(",\"device\":", stdout);
				cli_json_string(stdout, pv.device);
			}
			fprintf(stdout, ",\"pe_start\":%llu,\"pe_count\":%llu}",
			        (unsigned long long)pv.pe_start, (unsigned long long)pv.pe_count);
		}
		fputs("],\"logical_volumes\":[", stdout);
		for (size_t l = 0; l < vg.lv_count; l++) {
			if (l)
				putchar(',');
			print_json_lv(pvs, v, l, vg.extent_size);
		}
		fputs("]}", stdout);
	}
	fputs("]}\n", stdout);
}

static int run_lvm(const struct cli_options *opts, int argc, char **argv)
{
	struct cli_lvm pvs;
	char detail[256];
	int ret, err;

	ret = cli_lvm_open(&pvs, (const char *const *)argv, (size_t)argc, &err, detail,
	                   sizeof(detail));
	if (ret && opts->json) {
		fprintf(stdout,
		        "{\"status\":\"error\",\"exit_code\":%d,\"error\":%d,\"message\":", ret,
		        err);
		cli_json_string(stdout, verity_strerror(err));
		fputs(",\"detail\":", stdout);
		cli_json_string(stdout, detail);
		fputs("}\n", stdout);
	} else if (!ret) {
		if (opts->json)
			print_json(&pvs);
		else
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
