/*
 * sort.c: the job behind `ssrfill sort`: the accepted rows of a score
 * reports file in print order (docs/rules.md §9), CSV with the input's
 * header.
 *
 * Pipeline: student_ingest (CSV, validation, duplicates, rejects, on every
 * core) -> key built once per row (student_key, no shipment byte) ->
 * sorter lanes, with the raw record as the payload so each row comes out
 * byte for byte as it came in (its line end normalised to LF) -> output.  The output and rejects files
 * are written beside their final names and renamed into place at the end,
 * so a failed run leaves neither half-written.  Every row is read before the
 * first is written, so the reject rate is decided before a byte goes out:
 * a pipe (--out -) never receives rows of a run that then fails.
 */
#include "sort.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/bytebuf.h"
#include "../base/clock.h"
#include "../base/fault.h"
#include "../base/mem.h"
#include "../base/progress.h"
#include "../base/tmpfiles.h"
#include "../io/outstream.h"
#include "../io/rejects.h"
#include "../io/staged.h"
#include "../sorter/sorter.h"
#include "../engine/student.h"
#include "../readers/student_ingest.h"
#include "../readers/student_reader.h"

typedef struct phase_times {
	double read, finish, write;
} phase_times;

/* student_ingest's calls for `sort`: the key without a shipment byte, the
 * raw record as the payload (raw_payload); nothing to commit. */
static status prepare(void *ctx, void *tctx, const student *s, const csv_record *rec, bytebuf *key,
		      bytebuf *payload, void *note, int *sort)
{
	(void)ctx;
	(void)rec;
	(void)payload;
	(void)note;
	*sort = 1;
	student_key(s, -1, tctx, key);
	return ST_OK;
}

/* Read every row into the sorter and sort them (runs merged down to the
 * last pass); nothing is written yet. */
static status sort_rows(student_reader *rd, sorter *so, const sort_opts *o, phase_times *pt)
{
	double t = clock_now();
	static const student_ingest_ops ops = { 0, 1, student_ingest_collator_new, student_ingest_collator_free,
						 prepare, NULL, NULL, NULL };
	status st = student_ingest(rd, so, o->threads, o->memory, &ops, NULL);
	if (st != ST_OK)
		return st;
	pt->read = clock_now() - t;
	t = clock_now();
	progress_phase("sorting");
	if ((st = sorter_finish(so)) != ST_OK)
		return st;
	pt->finish = clock_now() - t;
	return ST_OK;
}

static status write_rows(student_reader *rd, sorter *so, outstream *out, phase_times *pt)
{
	const double t = clock_now();
	const csv_record *h = student_reader_header(rd);
	outstream_write(out, h->raw, h->raw_len);
	outstream_putc(out, '\n');
	sorter_item it;
	status st;
	while ((st = sorter_next(so, &it)) == ST_OK) {
		outstream_write(out, it.payload, it.payload_len);
		outstream_putc(out, '\n');
		progress_add_rows(1);
	}
	pt->write = clock_now() - t;
	return st == ST_EOF ? ST_OK : st;
}


status sort_check(const sort_opts *o)
{
	const char *clash = staged_same_file(o->out, o->students) ? o->out
		: o->rejects && staged_same_file(o->rejects, o->students) ? o->rejects : NULL;
	if (clash)
		return status_fail(ST_USAGE, "%s is the input file; write the output elsewhere, or the input is lost",
				   clash);
	if (o->rejects && staged_same_file(o->out, o->rejects))
		return status_fail(ST_USAGE, "--out and --rejects name the same file (%s)", o->out);
	return ST_OK;
}

status sort_job(const sort_opts *o, sort_result *r)
{
	memset(r, 0, sizeof *r);
	const double t0 = clock_now();
	status st = sort_check(o);
	staged out = { 0 }, rej = { 0 };
	student_reader *rd = NULL;
	sorter *so = NULL;
	const sorter_opts sopts = { o->memory, student_ingest_workers(o->threads, o->memory), o->tmpdir };
	if (st == ST_OK)
		st = staged_open(&out, o->out, o->threads >= 2 ? OUT_ASYNC : 0);
	if (st == ST_OK && o->rejects) {
		st = staged_open(&rej, o->rejects, 0);
		if (st == ST_OK)
			rejects_write_header(rej.o);
	}
	progress_phase_file("reading", o->students);
	if (st == ST_OK)
		st = student_reader_open(&rd, o->students, rej.o);
	if (st == ST_OK && o->on_notes)
		o->on_notes(student_reader_notes(rd), o->notes_arg);
	if (st == ST_OK)
		st = sorter_new(&so, &sopts);
	phase_times pt = { 0, 0, 0 };
	if (st == ST_OK)
		st = sort_rows(rd, so, o, &pt);
	sorter_stats ss = { 0 };
	if (so)
		sorter_stats_get(so, &ss);

	student_counts n = { 0 };
	if (rd)
		student_reader_counts(rd, &n);
	const double rate = n.rows ? (double)n.rejected / (double)n.rows : 0;
	if (st == ST_OK && n.rows != n.accepted + n.rejected)
		st = status_fail(ST_INTERNAL, "counts do not reconcile: %llu rows read, %llu accepted, %llu rejected",
				 (unsigned long long)n.rows, (unsigned long long)n.accepted,
				 (unsigned long long)n.rejected);
	if (st == ST_OK && rej.o)
		st = staged_commit(&rej);  /* the operator needs these either way */
	char advice[sizeof r->encoding_advice];
	student_counts_encoding_advice(&n, advice, sizeof advice);
	if (st == ST_OK && rate > o->max_reject_rate)
		st = status_fail(ST_REJECTS,
				 "%s: %llu of %llu rows rejected (%.2f%%), more than --max-reject-rate %.2f%%; no output written%s%s%s",
				 o->students, (unsigned long long)n.rejected, (unsigned long long)n.rows,
				 100 * rate, 100 * o->max_reject_rate,
				 o->rejects ? ", see the rejects file" : "", *advice ? "; " : "", advice);
	progress_phase_rows(ss.n_runs ? "merging" : "writing", n.accepted);
	if (st == ST_OK)
		st = write_rows(rd, so, out.o, &pt);
	if (st == ST_OK)
		st = staged_commit(&out);
	sorter_free(so);
	student_reader_free(rd);
	staged_release(&out);
	staged_release(&rej);
	if (st != ST_OK) {
		tmpfiles_cleanup();
		return st;
	}
	memcpy(r->encoding_advice, advice, sizeof advice);
	r->rows = n.rows;
	r->accepted = n.accepted;
	r->rejected = n.rejected;
	r->duplicates = n.duplicates;
	r->runs = ss.n_runs;
	r->merge_passes = ss.n_merge_passes;
	r->t_read = pt.read;
	r->t_sort = pt.finish;
	r->t_write = pt.write;
	r->t_total = clock_now() - t0;
	return ST_OK;
}
