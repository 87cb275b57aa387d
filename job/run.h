/*
 * run.h: the main job, `ssrfill run` without its command line: the score
 * reports and orders in, the output folder out (docs/rules.md §6-§13).
 *
 *   run_opts o = { .students = ..., .orders = ..., .out = ..., .memory = ...,
 *                  .threads = ..., .tmpdir = ..., .max_reject_rate = ... };
 *   run_summary sum;
 *   status st = run_job(&o, &sum);     the folder committed, or nothing
 *
 * The caller has installed the signal handlers (tmpfiles.h) and checked
 * the output name and --tmpdir; on failure nothing of the run is left.
 */
#ifndef SSRFILL_RUN_H
#define SSRFILL_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"
#include "../writers/summary_writer.h"

/* `ssrfill reprint` (docs/rules.md §15.5): the run job on a ledger, printing
 * only the sets chosen here, from the current rows. */
typedef struct reprint_opts {
	const char *const *boxes; /* --box, as typed; or */
	size_t n_boxes;
	const uint64_t *ssids;    /* --ssid */
	size_t n_ssids;
	unsigned reports;         /* --report: 1 << enum report each; 0: every one */
	const char *reason, *operator_name;
	int bill;
} reprint_opts;

typedef struct run_opts {
	const char *students, *orders, *config_path, *out;
	size_t memory;            /* the --memory budget, bytes */
	int threads;
	const char *tmpdir;
	double max_reject_rate;   /* 0..1 */
	int force, no_documents;
	const char *ledger;       /* --ledger: the season's ledger; NULL: a one-off run */
	const reprint_opts *reprint; /* a reprint (needs the ledger); NULL: `run` */
	const char *leas;         /* --leas: the LEA directory (ship-to addresses); NULL: none */
	int64_t invoice_date;     /* --invoice-date as unix seconds (UTC midnight); 0: the
				     documents' date (today, or SOURCE_DATE_EPOCH) */
	/* each warning, as it happens (they all go into summary.json too);
	 * NULL: none */
	void (*on_warning)(const char *line, void *arg);
	void *warning_arg;
} run_opts;

/* Run the job; *sum holds its counts (for the caller's one-line summary),
 * also when it fails part way. */
status run_job(const run_opts *opt, run_summary *sum);

#endif
