/*
 * run.c: the main job behind `ssrfill run` (docs/rules.md §6-§13), from the
 * inputs to the committed output folder.
 *
 *   1. config: built-in defaults, the --config file on top, checked;
 *   2. orders: every row judged (engine/orders.c), rejects written;
 *   3. score reports: each valid row planned (engine/fulfil.c): electronic
 *      rows are only counted; printed rows go to the sorter keyed by
 *      shipment then print order, with their set record as payload, and
 *      their weight is added to their school's total (keep_schools_together
 *      needs it before the school's first set is placed); then active
 *      orders no valid row falls under go to reports/orders_without_reports.csv
 *      (run_reports.c);
 *   4. one pass over the sorted sets: boxes (engine/packing.c), the print
 *      stream row of every divider and set (and reports/envelopes_without_address.csv
 *      for envelope sets lacking one), and at each (shipment, LEA)
 *      boundary its manifest rows, packing list and box labels (PDF)
 *      (run_pack.c);
 *   5. invoices, CSV and PDF (run_bill.c), distribution reports
 *      (run_reports.c), the reconciliation of docs/rules.md §12
 *      (engine/tally.c) and summary.json; then the staged folder is
 *      renamed into place.
 *
 * The job prints nothing: warnings go to the caller (run_opts.on_warning)
 * and into summary.json, failures to status_fail.  Neither holds anything
 * of a student: they name files, lines, columns and counts only.
 */
#include "run.h"
#include "build_info.h"
#include "run_ctx.h"
#include "run_keys.h"

#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/resource.h>

#include "../base/clock.h"
#include "../base/mem.h"
#include "../base/progress.h"
#include "../base/tmpfiles.h"
#include "../io/instream.h"
#include "../io/rejects.h"
#include "../engine/fulfil.h"
#include "../engine/setrec.h"
#include "../engine/student.h"
#include "../readers/config_ini.h"
#include "../readers/leas_reader.h"
#include "../writers/shipping_writer.h"
#include "../pdf/pdf_font.h"
#include "../readers/orders_reader.h"
#include "../readers/student_ingest.h"
#include "../readers/student_reader.h"

/* Names by place (run_keys.h): the first row's spelling of each school's
 * and each LEA's name. */
status run_remember_name(run_ctx *x, uint64_t key, const char *s, size_t n)
{
	uint64_t *v = u64map_slot(x->names, key);
	if (!v)
		return status_fail(ST_NOMEM, "out of memory for names");
	if (*v)
		return ST_OK; /* the first row's spelling wins */
	*v = x->name_pool.len + 1;
	bytebuf_put(&x->name_pool, s, n);
	bytebuf_put(&x->name_pool, "", 1);
	return x->name_pool.oom ? status_fail(ST_NOMEM, "out of memory for names") : ST_OK;
}

const char *run_name_of(const run_ctx *x, uint64_t key)
{
	const uint64_t *v = u64map_get(x->names, key);
	return v ? (const char *)x->name_pool.p + *v - 1 : "";
}

status run_add_count(u64map *m, uint64_t key, uint64_t n)
{
	uint64_t *v = u64map_slot(m, key);
	if (!v)
		return status_fail(ST_NOMEM, "out of memory for counts");
	*v += n;
	return ST_OK;
}

/* A warning goes to standard error and into summary.json.  A summary that
 * silently lacks one would mislead whoever reads it later, so a warning
 * that cannot be kept fails the run; the buffer's out-of-memory flag is
 * sticky, so every later warning fails too. */
static status vwarn(run_ctx *x, int about_orders, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static status vwarn(run_ctx *x, int about_orders, const char *fmt, va_list ap)
{
	char line[512];
	vsnprintf(line, sizeof line, fmt, ap);
	x->sum.order_warnings += about_orders != 0;
	bytebuf_put(&x->warnings, line, strlen(line));
	bytebuf_put(&x->warnings, "\n", 1);
	x->sum.warnings++;
	if (x->opt->on_warning)
		x->opt->on_warning(line, x->opt->warning_arg);
	if (x->warnings.oom)
		return status_fail(ST_NOMEM, "out of memory keeping the warnings for summary.json");
	return ST_OK;
}

status run_warn(run_ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const status st = vwarn(x, 0, fmt, ap);
	va_end(ap);
	return st;
}

/* A warning about the orders file: summary.json's orders.warnings counts
 * these, so it agrees with its warnings[]. */
status run_warn_orders(run_ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const status st = vwarn(x, 1, fmt, ap);
	va_end(ap);
	return st;
}

/* ---- 2. orders ---------------------------------------------------------- */

/* A header's unknown columns (with the closest known name) and BOMs in
 * names: warned, and kept for summary.json's unknown_columns (slot 0 the
 * score reports, 1 the orders). */
static status warn_columns(run_ctx *x, int slot, const char *file, const column_notes *cn)
{
	x->sum.columns[slot] = *cn;
	x->sum.columns_file[slot] = file;
	char line[256];
	status st = ST_OK;
	for (size_t i = 0; i < cn->n && st == ST_OK; i++) {
		columns_note_text(&cn->note[i], line, sizeof line);
		st = (slot ? run_warn_orders : run_warn)(x, "%s: line 1: %s", file, line);
	}
	if (st == ST_OK && cn->more)
		st = (slot ? run_warn_orders : run_warn)(x, "%s: line 1: %zu more columns not recognised",
						 file, cn->more);
	return st;
}

static status read_orders(run_ctx *x, outstream *rejects)
{
	orders_reader *rd;
	progress_phase_file("reading orders", x->opt->orders);
	status st = orders_reader_open(&rd, x->opt->orders, x->ord, rejects);
	if (st != ST_OK)
		return st;
	st = warn_columns(x, 1, x->opt->orders, orders_reader_notes(rd));
	order_result res;
	uint64_t line;
	while (st == ST_OK && (st = orders_reader_next(rd, &res, &line)) == ST_OK)
		if (res.warning[0])
			st = run_warn_orders(x, "%s: line %llu: %s", orders_reader_name(rd),
					 (unsigned long long)line, res.warning);
	orders_reader_free(rd);
	if (st != ST_EOF)
		return st;
	order_counts oc;
	orders_counts_get(x->ord, &oc);
	if (oc.rejected)
		return run_warn_orders(x, "%s: %llu of %llu order rows rejected, the first on line %llu: %s "
				       "(every reason in rejects/orders.csv)", x->opt->orders,
				       (unsigned long long)oc.rejected, (unsigned long long)oc.rows,
				       (unsigned long long)oc.first_rejected_line, oc.first_reason);
	return ST_OK;
}

/* The LEA directory (docs/rules.md §16.1), read before the orders: its
 * rejects in rejects/leas.csv, a warning with their count and for each
 * unknown column. */
static status read_leas(run_ctx *x)
{
	outstream *rej;
	progress_phase_file("reading LEAs", x->opt->leas);
	status st = leadir_new(&x->leas);
	if (st == ST_OK)
		st = outdir_open(x->dir, "rejects/leas.csv", 0, &rej);
	if (st != ST_OK)
		return st;
	rejects_write_header(rej);
	leas_counts n;
	column_notes notes;
	st = leas_read(x->opt->leas, x->leas, rej, &n, &notes);
	const status c = outstream_close(rej);
	if (st == ST_OK)
		st = c;
	char line[256];
	for (size_t i = 0; i < notes.n && st == ST_OK; i++) {
		columns_note_text(&notes.note[i], line, sizeof line);
		st = run_warn(x, "%s: line 1: %s", x->opt->leas, line);
	}
	x->sum.leas_rows = n.rows;
	x->sum.leas_rejected = n.rejected;
	/* a directory none of whose rows is usable is the wrong file, or a
	 * wrong separator: every box would be held */
	if (st == ST_OK && n.rows && !n.accepted)
		return status_fail(ST_BADINPUT, "%s: none of its %llu rows is usable (line %llu: %s); "
				   "nothing was written", x->opt->leas, (unsigned long long)n.rows,
				   (unsigned long long)n.first_line, n.first_reason);
	/* it counts against --memory like the rows' buffers */
	const size_t dir_bytes = leadir_bytes(x->leas);
	if (st == ST_OK && dir_bytes > x->opt->memory / 4)
		return status_fail(ST_BADINPUT, "%s: the LEA directory takes %zu MiB, more than a quarter of "
				   "--memory (%zu MiB): is it the right file? (run with --memory %zuM or more)",
				   x->opt->leas, dir_bytes >> 20, x->opt->memory >> 20, ((4 * dir_bytes) >> 20) + 1);
	if (st == ST_OK && n.rejected)
		st = run_warn(x, "%s: %llu of %llu LEA directory rows rejected (reasons in rejects/leas.csv); "
			      "an LEA without a row has its boxes held", x->opt->leas,
			      (unsigned long long)n.rejected, (unsigned long long)n.rows);
	return st;
}

/* ---- 3. score reports ---------------------------------------------------- */

/* A valid row between its plan on a worker and its commit in input order
 * (student_ingest.h). */
typedef struct row_note {
	student s;
	set_plan p;
} row_note;

static void setrec_of(const student *s, const set_plan *p, setrec *r)
{
	memset(r, 0, sizeof *r);
	r->lea = s->lea;
	r->school = s->school;
	r->ssid = s->ssid;
	r->weight_mg = p->weight_mg;
	r->grade = s->grade;
	r->report = s->report;
	r->copy2 = p->copy2;
	r->paper = p->paper;
	r->sheets = p->sheets;
	r->envelopes = p->envelopes;
	r->ordered_by = p->ordered_by;
	static const int col_of[SETREC_NSTR] = {
		COL_LAST_NAME, COL_FIRST_NAME, COL_MIDDLE_NAME, COL_LEA_NAME, COL_SCHOOL_NAME,
		COL_GUARDIAN_NAME, COL_ADDRESS_LINE1, COL_ADDRESS_LINE2, COL_CITY, COL_STATE, COL_ZIP,
	};
	for (int i = 0; i < SETREC_NSTR; i++) {
		r->str[i] = s->f[col_of[i]];
		r->len[i] = (uint32_t)s->len[col_of[i]];
	}
}

/* On a worker: the row planned (engine/fulfil.c); a paper set keyed for
 * its shipment and encoded for the sort. */
static status row_prepare(void *ctx, void *tctx, const student *s, const csv_record *rec, bytebuf *key,
			  bytebuf *payload, void *note, int *sort)
{
	(void)rec;
	run_ctx *x = ctx;
	row_note *n = note;
	n->s = *s;
	fulfil_plan(&x->cfg, x->ord, s, &n->p);
	*sort = n->p.delivery != DELIVERY_ELECTRONIC;
	if (*sort) {
		setrec r;
		setrec_of(s, &n->p, &r);
		student_key(s, report_table[s->report].shipment, tctx, key);
		setrec_encode(&r, payload);
	}
	return ST_OK;
}

/* In input order: what the run counts of an accepted row; *keep = 0 when
 * its set is not printed (electronic only, or printed by an earlier wave). */
static status row_commit(void *ctx, void *note, int sorted, int *keep)
{
	(void)sorted;
	run_ctx *x = ctx;
	const row_note *n = note;
	const student *s = &n->s;
	const set_plan *p = &n->p;
	const dist_key dk = { s->lea, s->school, s->report, p->copy2, p->delivery };
	setrec r;
	setrec_of(s, p, &r);
	status st = ST_OK;
	*keep = 0;
	/* docs/rules.md §15: a set an earlier wave printed is not planned again */
	if (run_ledger_printed_earlier(x, s, &r, &st)) {
		if (st == ST_OK)
			st = run_add_count(x->dist_earlier, dist_key_pack(dk), 1);
		return st;
	}
	uint64_t *count = u64map_slot(x->dist_school, dist_key_pack(dk));
	if (!count)
		return status_fail(ST_NOMEM, "out of memory for counts");
	/* names are first seen with a school's first distribution key */
	if ((*count)++ == 0) {
		st = run_remember_name(x, place_key(s->lea, PLACE_LEA), s->f[COL_LEA_NAME], s->len[COL_LEA_NAME]);
		if (st == ST_OK)
			st = run_remember_name(x, place_key(s->lea, s->school), s->f[COL_SCHOOL_NAME],
					       s->len[COL_SCHOOL_NAME]);
		if (st != ST_OK)
			return st;
	}
	if (p->delivery == DELIVERY_ELECTRONIC) {
		x->sum.electronic++;
		return ST_OK;
	}
	const report_info *ri = &report_table[s->report];
	x->sum.ship[ri->shipment].printed++;
	x->sum.ordered_by[p->ordered_by]++;
	*keep = 1;
	return run_add_count(x->school_mg, school_mg_key(ri->shipment, s->lea, s->school), (uint64_t)p->weight_mg);
}

static void row_prefetch(void *ctx, const void *note)
{
	const run_ctx *x = ctx;
	const row_note *n = note;
	u64map_prefetch(x->dist_school, dist_key_pack((dist_key){ n->s.lea, n->s.school, n->s.report,
								   n->p.copy2, n->p.delivery }));
}

/* The run's tallies and names by place, made, counted and freed as one. */
static const size_t run_maps[] = {
	offsetof(run_ctx, school_mg), offsetof(run_ctx, dist_lea), offsetof(run_ctx, dist_school),
	offsetof(run_ctx, dist_earlier), offsetof(run_ctx, names), offsetof(run_ctx, invoice_qty),
	offsetof(run_ctx, leas_packed),
};
#define N_RUN_MAPS (sizeof run_maps / sizeof run_maps[0])

static u64map **run_map(run_ctx *x, size_t i)
{
	return (u64map **)((char *)x + run_maps[i]);
}

/* What the run holds beside the sorter while rows come in, which the
 * sorter leaves room for: the ledger's lookups, the LEA directory, and the
 * tallies by school and grade and the names, which grow with the schools
 * a file has (about 10 MiB for a statewide file). */
static size_t row_held(void *ctx)
{
	run_ctx *x = ctx;
	size_t n = run_ledger_memory(x) + leadir_bytes(x->leas) + x->name_pool.cap;
	for (size_t i = 0; i < N_RUN_MAPS; i++)
		n += *run_map(x, i) ? u64map_bytes(*run_map(x, i)) : 0;
	return n;
}

/* docs/rules.md §15.5: a reprint plans only the sets it chose, on this
 * thread (the choice reads the ledger); every row's LEA name is kept: a
 * box goes to the LEA it went to, which a moved student's row no longer
 * names. */
static status plan_reprint_rows(run_ctx *x, student_reader *rd)
{
	collator *coll;
	status st = collator_new(&coll);
	if (st != ST_OK)
		return st;
	bytebuf key, payload;
	bytebuf_init(&key);
	bytebuf_init(&payload);
	row_note n;
	const csv_record *rec;
	uint64_t n_sorted = 0;
	while ((st = student_reader_next(rd, &n.s, &rec)) == ST_OK) {
		const student *s = &n.s;
		fulfil_plan(&x->cfg, x->ord, s, &n.p);
		setrec r;
		setrec_of(s, &n.p, &r);
		st = run_remember_name(x, place_key(s->lea, PLACE_LEA), s->f[COL_LEA_NAME], s->len[COL_LEA_NAME]);
		if (st != ST_OK || !run_reprint_row(x, s, &r, &n.p, coll, &key, &st) || st != ST_OK) {
			if (st != ST_OK)
				break;
			continue;
		}
		int keep;
		if ((st = row_commit(x, &n, 1, &keep)) != ST_OK)
			break;
		if (!keep)
			continue;
		payload.len = 0;
		setrec_encode(&r, &payload);
		if (key.oom || payload.oom) {
			st = status_fail(ST_NOMEM, "out of memory building sort records");
			break;
		}
		if ((n_sorted++ & 4095) == 0)
			sorter_reserve(x->so, student_reader_memory(rd) + student_reader_buffer_bytes(rd) + row_held(x));
		if ((st = sorter_add(x->so, key.p, key.len, payload.p, payload.len)) != ST_OK)
			break;
	}
	bytebuf_release(&key);
	bytebuf_release(&payload);
	collator_free(coll);
	sorter_reserve(x->so, student_reader_memory(rd) + student_reader_buffer_bytes(rd) + row_held(x));
	return st == ST_EOF ? ST_OK : st;
}

static status plan_rows(run_ctx *x, outstream *rejects)
{
	student_reader *rd;
	status st = student_reader_open(&rd, x->opt->students, rejects);
	if (st != ST_OK)
		return st;
	st = warn_columns(x, 0, x->opt->students, student_reader_notes(rd));
	static const student_ingest_ops ops = {
		sizeof(row_note), 0, student_ingest_collator_new, student_ingest_collator_free,
		row_prepare, row_commit, row_prefetch, row_held,
	};
	if (st == ST_OK)
		st = x->opt->reprint ? plan_reprint_rows(x, rd)
			: student_ingest(rd, x->so, x->opt->threads, x->opt->memory, &ops, x);
	student_counts n;
	student_reader_counts(rd, &n);
	x->sum.rows = n.rows;
	x->sum.rejected = n.rejected;
	x->sum.duplicates = n.duplicates;
	student_reader_free(rd);
	char advice[320];
	student_counts_encoding_advice(&n, advice, sizeof advice);
	if (st == ST_OK && *advice)
		st = run_warn(x, "%s: %s", x->opt->students, advice);
	return st;
}

/* ---- the job --------------------------------------------------------------- */

/* The sets the sorter holds: the progress line's total while packing. */
static uint64_t sets_to_pack(const run_ctx *x)
{
	uint64_t n = 0;
	for (int s = 0; s < SHIP_COUNT; s++)
		n += x->sum.ship[s].printed;
	return n;
}

/* Today, or SOURCE_DATE_EPOCH when set (reproducible documents, the
 * reproducible-builds.org convention): dates the invoices and the PDFs. */
static time_t document_date(void)
{
	const char *v = getenv("SOURCE_DATE_EPOCH");
	if (v && *v) {
		char *end;
		const long long t = strtoll(v, &end, 10);
		if (!*end && t >= 0)
			return (time_t)t;
	}
	return time(NULL);
}

static status run_phases(run_ctx *x)
{
	const run_opts *opt = x->opt;
	const double t0 = clock_now();
	config_defaults(&x->cfg);
	status st = ST_OK;
	if (opt->config_path)
		st = config_load(&x->cfg, opt->config_path);
	if (st == ST_OK)
		st = config_check(&x->cfg, opt->config_path ? opt->config_path : "the built-in configuration");
	/* the ledger first: a busy one stops the run before any work, and one
	 * it creates exists when outdir_begin checks --force spares it */
	if (st == ST_OK && opt->ledger)
		st = run_ledger_open(x);
	if (st == ST_OK)
		st = outdir_begin(&x->dir, opt->out, opt->force, x->inputs);
	static const char *const dirs[] = {
		"print", "manifests", "invoices", "reports", "rejects", "shipping", "shipping/ups",
		/* the PDF documents' */
		"packing", "packing/august", "packing/winter", "packing/elpac",
		"labels", "labels/august", "labels/winter", "labels/elpac",
	};
	const size_t n_dirs = opt->no_documents ? 7 : sizeof dirs / sizeof dirs[0];
	for (size_t i = 0; st == ST_OK && i < n_dirs; i++)
		if (i != 6 || opt->leas)   /* carrier files need addresses */
			st = outdir_mkdir(x->dir, dirs[i]);
	x->doc_date = document_date();
	x->sum.documents = !opt->no_documents;
	if (st == ST_OK && !opt->no_documents)
		st = pdf_fonts_check();   /* before minutes of reading, not after */
	const sorter_opts so = { opt->memory, opt->reprint ? 1 : student_ingest_workers(opt->threads, opt->memory),
				 opt->tmpdir };
	if (st == ST_OK)
		st = orders_new(&x->ord, &x->cfg);
	if (st == ST_OK)
		st = sorter_new(&x->so, &so);
	for (size_t i = 0; st == ST_OK && i < N_RUN_MAPS; i++)
		st = u64map_new(run_map(x, i));

	if (st == ST_OK && opt->ledger)
		st = run_ledger_start(x);

	outstream *rej_orders = NULL, *rej_students = NULL;
	if (st == ST_OK)
		st = outdir_open(x->dir, "rejects/orders.csv", 0, &rej_orders);
	if (st == ST_OK)
		st = outdir_open(x->dir, "rejects/students.csv", 0, &rej_students);
	if (st == ST_OK && opt->leas)
		st = read_leas(x);
	if (st == ST_OK) {
		rejects_write_header(rej_orders);
		rejects_write_header(rej_students);
		st = read_orders(x, rej_orders);
	}
	progress_phase_file("reading", opt->students);
	if (st == ST_OK)
		st = plan_rows(x, rej_students);
	if (st == ST_OK)
		st = run_ledger_after_rows(x);
	if (st == ST_OK && !opt->reprint)
		st = run_orders_without_reports(x);
	if (st == ST_OK) {
		const status a = outstream_close(rej_orders);
		const status b = outstream_close(rej_students);
		rej_orders = rej_students = NULL;
		st = a != ST_OK ? a : b;
	}
	outstream_abort(rej_orders);
	outstream_abort(rej_students);
	x->sum.t_read = clock_now() - t0;
	if (st != ST_OK)
		return st;
	const double rate = x->sum.rows ? (double)x->sum.rejected / (double)x->sum.rows : 0;
	if (rate > opt->max_reject_rate)
		return status_fail(ST_REJECTS,
				   "%s: %llu of %llu rows rejected (%.2f%%), more than --max-reject-rate %.2f%%; "
				   "nothing was written (list them with: ssrfill sort --students %s --out /dev/null --rejects FILE --max-reject-rate 1)",
				   opt->students, (unsigned long long)x->sum.rejected,
				   (unsigned long long)x->sum.rows, 100 * rate, 100 * opt->max_reject_rate,
				   opt->students);

	progress_phase("sorting");
	if ((st = sorter_finish(x->so)) != ST_OK)
		return st;
	/* the rows' buffers and the duplicate set are freed: their pages go
	 * back before the documents' fonts and drawing take theirs */
	mem_release_free_pages();
	x->sum.t_sort = clock_now() - t0 - x->sum.t_read;
	/* The documents start only now, so their fonts and canvases never
	 * sit beside the lanes' buffers while rows come in (they took 10 MiB
	 * of a 64M run's peak); the runs kept in memory and the merge's
	 * buffers are still there.  They are drawn by worker threads when
	 * there are cores to spare and the budget has room for their fonts
	 * (about 5 MiB a worker, with the font index that makes subsets
	 * fast); under a small budget they are drawn inline, lean, within the
	 * fixed 32 MiB.  Whether the fonts are there at all was asked before
	 * the rows were read. */
	const int roomy = opt->memory >= ((size_t)64 << 20);
	if (!opt->no_documents &&
	    (st = doc_pool_new(&x->docs, x->dir, &x->cfg, x->doc_date,
			       opt->threads >= 2 && roomy ? opt->threads : 0, !roomy)) != ST_OK)
		return st;
	progress_phase_rows("packing", sets_to_pack(x));
	if ((st = run_pack_and_print(x)) != ST_OK)
		return st;
	progress_phase("invoices");
	if ((st = run_write_invoices(x)) != ST_OK)
		return st;
	/* the ledger's sets while the document workers still draw, rather
	 * than after them (its commit waits for the output folder) */
	if (x->lg && (st = ledger_flush(x->lg)) != ST_OK)
		return st;
	progress_phase("documents");
	if (x->docs) {
		const double t_wait = clock_now();
		st = doc_pool_finish(x->docs);
		x->sum.t_documents += clock_now() - t_wait;
		if (st != ST_OK)
			return st;
		/* docs/rules.md §16.3: the shipment books draw such names unshaped */
		const uint64_t unshaped = doc_pool_unshaped(x->docs);
		if (unshaped && (st = run_warn(x, "%llu name%s in labels/<shipment>.pdf or packing/<shipment>.pdf "
					       "need%s a shaper (Arabic, Hebrew, Indic scripts) and %s drawn "
					       "unshaped there: print those LEAs' own files",
					       (unsigned long long)unshaped, unshaped == 1 ? "" : "s",
					       unshaped == 1 ? "s" : "", unshaped == 1 ? "is" : "are")) != ST_OK)
			return st;
	}
	progress_phase("reports");
	if (!opt->reprint && (st = run_write_distributions(x)) != ST_OK)
		return st;
	orders_counts_get(x->ord, &x->sum.orders);
	x->sum.orders.warnings = x->sum.order_warnings;

	/* docs/rules.md §12.1: every row accounted for; packed = printed = invoiced */
	char why[256];
	const int ok = tally_reconcile(&x->sum, why, sizeof why);
	x->sum.reconciled = ok;
	x->sum.t_total = clock_now() - t0;
	x->sum.t_write = x->sum.t_total - x->sum.t_read - x->sum.t_sort;
	x->sum.memory_budget = opt->memory;
	x->sum.memory_peak = mem_peak();
	struct rusage ru;
	x->sum.memory_resident = getrusage(RUSAGE_SELF, &ru) == 0 ? (uint64_t)ru.ru_maxrss * 1024 : 0;
	outstream *js;
	if ((st = outdir_open(x->dir, "summary.json", 0, &js)) != ST_OK)
		return st;
	summary_reprint sr = { 0 };
	if (opt->reprint) {
		sr = (summary_reprint){ opt->reprint->reason, opt->reprint->operator_name,
					(const char *)x->reprint_boxes.p, x->reprint_boxes.len };
	}
	char build[BUILD_INFO_JSON_MAX];   /* which build wrote this output */
	build_info_json(build);
	summary_write(js, &x->sum, &x->cfg, opt->students, opt->orders,
		      x->warnings.len ? (const char *)x->warnings.p : "", x->warnings.len,
		      opt->reprint ? &sr : NULL, build);
	if ((st = outstream_close(js)) != ST_OK)
		return st;
	if (!ok)
		return status_fail(ST_INTERNAL, "the counts do not reconcile (%s); nothing was written", why);
	progress_phase("committing");
	if ((st = outdir_commit(x->dir)) != ST_OK)
		return st;
	/* docs/rules.md §15: the ledger learns of the run only once its output
	 * folder is in place */
	progress_phase("ledger");
	return run_ledger_commit(x);
}

status run_job(const run_opts *opt, run_summary *sum)
{
	run_ctx x;
	memset(&x, 0, sizeof x);
	x.opt = opt;
	const char *in[5] = { opt->students, opt->orders, opt->config_path, opt->ledger, opt->leas };
	for (size_t i = 0, n = 0; i < 5; i++)
		if (in[i])
			x.inputs[n++] = in[i];
	bytebuf_init(&x.name_pool);
	bytebuf_init(&x.warnings);
	const status st = run_phases(&x);
	*sum = x.sum;
	sorter_free(x.so);
	orders_free(x.ord);
	for (size_t i = 0; i < N_RUN_MAPS; i++)
		u64map_free(*run_map(&x, i));
	bytebuf_release(&x.name_pool);
	bytebuf_release(&x.warnings);
	doc_pool_free(x.docs);
	run_reprint_end(&x);
	run_ledger_end(&x);
	shipping_writer_abort(x.ship);
	leadir_free(x.leas);
	if (st != ST_OK)
		tmpfiles_cleanup();
	outdir_free(x.dir);
	return st;
}
