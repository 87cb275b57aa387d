/*
 * sort.h: `ssrfill sort` without its command line: the accepted rows of a
 * score reports file in print order (docs/rules.md §9), the rejected ones
 * in a rejects file.
 *
 *   sort_opts o = { .students = ..., .out = ..., .rejects = NULL or a path,
 *                   .memory = ..., .threads = ..., .tmpdir = ...,
 *                   .max_reject_rate = ... };
 *   sort_result r;
 *   status st = sort_job(&o, &r);
 *
 * The caller has installed the signal handlers (tmpfiles.h) and checked
 * --tmpdir; the output and rejects files appear whole or not at all.
 */
#ifndef SSRFILL_SORT_H
#define SSRFILL_SORT_H

#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"
#include "../io/columns.h"

typedef struct sort_opts {
	const char *students, *out, *rejects;
	size_t memory;
	int threads;
	const char *tmpdir;
	double max_reject_rate;
	/* the header's unknown columns and BOMs, once it is read; NULL: none */
	void (*on_notes)(const column_notes *notes, void *arg);
	void *notes_arg;
} sort_opts;

typedef struct sort_result {
	uint64_t rows, accepted, rejected, duplicates;
	uint64_t runs, merge_passes;
	double t_read, t_sort, t_write, t_total;   /* seconds */
	/* rows rejected for not being UTF-8 and how to convert the file
	 * (student_counts_encoding_advice); "" when none */
	char encoding_advice[320];
} sort_result;

/* The options' files are usable together: no output is the input, --out
 * and --rejects differ (ST_USAGE).  sort_job checks it too; a caller
 * checks first to refuse before any other work. */
status sort_check(const sort_opts *o);
status sort_job(const sort_opts *o, sort_result *r);

#endif
