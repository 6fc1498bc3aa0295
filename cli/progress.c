/* SPDX-License-Identifier: MIT */
/*
 * Progress bar on stderr: only on a terminal, never with --json,
 * --batch-mode or --no-progress, drawn only once a run has taken half a
 * second, and redrawn at most ten times a second.
 */
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

#define SHOW_AFTER_NS 500000000ull
#define REDRAW_NS     100000000ull
#define BAR_WIDTH     30

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void cli_progress_init(struct cli_progress *p, const struct cli_options *opts, const char *label)
{
	p->enabled =
	    !opts->json && !opts->batch_mode && !opts->no_progress && isatty(STDERR_FILENO);
	p->drawn = false;
	p->label = label;
	p->start_ns = p->last_ns = now_ns();
}

void cli_progress_update(void *user_data, uint64_t done, uint64_t total)
{
	struct cli_progress *p = user_data;
	uint64_t t = now_ns(), elapsed = t - p->start_ns;
	char bar[BAR_WIDTH + 1];
	unsigned filled;
	double mib_s;

	if (!p->enabled || total == 0 || elapsed < SHOW_AFTER_NS ||
	    (p->drawn && t - p->last_ns < REDRAW_NS && done < total))
		return;
	filled = (unsigned)((double)done / (double)total * BAR_WIDTH);
	for (unsigned i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < filled ? '=' : ' ';
	bar[BAR_WIDTH] = '\0';
	mib_s = (double)done / 1048576.0 / ((double)elapsed / 1e9);
	fprintf(stderr, "\r%s [%s] %3u%% %llu/%llu MiB %.0f MiB/s", p->label, bar,
	        (unsigned)((double)done * 100.0 / (double)total), (unsigned long long)(done >> 20),
	        (unsigned long long)(total >> 20), mib_s);
	fflush(stderr);
	p->drawn = true;
	p->last_ns = t;
}

void cli_progress_end(struct cli_progress *p)
{
	if (p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->drawn = false;
}
