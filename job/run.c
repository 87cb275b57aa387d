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
 *      orders no valid row falls under go to reports/orders_without_reports.csv;
 *   4. one pass over the sorted sets: boxes (engine/packing.c), the print
 *      stream row of every divider and set (and reports/envelopes_without_address.csv
 *      for envelope sets lacking one), and at each (shipment, LEA)
 *      boundary its manifest rows, packing list and box labels (PDF);
 *   5. invoices (CSV and PDF), distribution reports, the reconciliation
 *      of docs/rules.md §12 and summary.json; then the staged folder is
 *      renamed into place.
 *
 * The job prints nothing: warnings go to the caller (run_opts.on_warning)
 * and into summary.json, failures to status_fail.  Neither holds anything
 * of a student: they name files, lines, columns and counts only.
 */
#include "run.h"
#include "run_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/bytebuf.h"
#include "../base/clock.h"
#include "../base/mem.h"
#include "../base/text.h"
#include "../base/tmpfiles.h"
#include "../base/u64map.h"
#include "../io/columns.h"
#include "../io/csv_reader.h"
#include "../io/instream.h"
#include "../io/outdir.h"
#include "../io/rejects.h"
#include "../sorter/sorter.h"
#include "../engine/fulfil.h"
#include "../engine/invoice.h"
#include "../engine/orders.h"
#include "../engine/packing.h"
#include "../engine/setrec.h"
#include "../readers/config_ini.h"
#include "../readers/orders_reader.h"
#include "../readers/student_reader.h"
#include "../writers/doc_pool.h"
#include "../writers/invoice_writer.h"
#include "../writers/run_docs.h"
#include "../writers/summary_writer.h"

typedef struct run_ctx {
	const run_opts *opt;
	const char *inputs[4]; /* students, orders, config: never inside what --force replaces */
	config cfg;
	orders *ord;
	outdir *dir;
	doc_pool *docs;        /* the PDFs; NULL with --no-documents */
	sorter *so;
	u64map *school_mg;     /* school_mg_key -> mg */
	u64map *dist_lea;      /* dist_key, school 0 -> sets, summed at the end */
	u64map *dist_school;   /* dist_key -> sets */
	u64map *names;         /* name_key -> offset + 1 in name_pool */
	u64map *invoice_qty;   /* qty_key -> sets */
	u64map *leas_packed;   /* lea -> 1: overall.leas counts LEAs, not (shipment, LEA)s */
	outstream *no_address; /* reports/envelopes_without_address.csv */
	bytebuf name_pool;
	bytebuf warnings;      /* one warning per line */
	run_summary sum;
} run_ctx;

/* Names by place (run_keys.h): the first row's spelling of each school's
 * and each LEA's name. */

static status remember_name(run_ctx *x, uint64_t key, const char *s, size_t n)
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

static const char *name_of(const run_ctx *x, uint64_t key)
{
	const uint64_t *v = u64map_get(x->names, key);
	return v ? (const char *)x->name_pool.p + *v - 1 : "";
}

static status add_count(u64map *m, uint64_t key, uint64_t n)
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

static status warn(run_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static status warn(run_ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const status st = vwarn(x, 0, fmt, ap);
	va_end(ap);
	return st;
}

/* A warning about the orders file: summary.json's orders.warnings counts
 * these, so it agrees with its warnings[]. */
static status warn_orders(run_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static status warn_orders(run_ctx *x, const char *fmt, ...)
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
		st = (slot ? warn_orders : warn)(x, "%s: line 1: %s", file, line);
	}
	if (st == ST_OK && cn->more)
		st = (slot ? warn_orders : warn)(x, "%s: line 1: %zu more columns not recognised",
						 file, cn->more);
	return st;
}

static status read_orders(run_ctx *x, outstream *rejects)
{
	orders_reader *rd;
	status st = orders_reader_open(&rd, x->opt->orders, x->ord, rejects);
	if (st != ST_OK)
		return st;
	st = warn_columns(x, 1, x->opt->orders, orders_reader_notes(rd));
	order_result res;
	uint64_t line;
	while (st == ST_OK && (st = orders_reader_next(rd, &res, &line)) == ST_OK)
		if (res.warning[0])
			st = warn_orders(x, "%s: line %llu: %s", orders_reader_name(rd),
					 (unsigned long long)line, res.warning);
	orders_reader_free(rd);
	if (st != ST_EOF)
		return st;
	order_counts oc;
	orders_counts_get(x->ord, &oc);
	if (oc.rejected)
		return warn_orders(x, "%s: %llu of %llu order rows rejected (reasons in rejects/orders.csv)",
			    x->opt->orders, (unsigned long long)oc.rejected, (unsigned long long)oc.rows);
	return ST_OK;
}

/* ---- 3. score reports ---------------------------------------------------- */

static status plan_rows(run_ctx *x, outstream *rejects)
{
	student_reader *rd;
	status st = student_reader_open(&rd, x->opt->students, rejects);
	if (st != ST_OK)
		return st;
	if ((st = warn_columns(x, 0, x->opt->students, student_reader_notes(rd))) != ST_OK) {
		student_reader_free(rd);
		return st;
	}
	collator *coll;
	if ((st = collator_new(&coll)) != ST_OK) {
		student_reader_free(rd);
		return st;
	}
	bytebuf key, payload;
	bytebuf_init(&key);
	bytebuf_init(&payload);
	student s;
	const csv_record *rec;
	uint64_t n_sorted = 0;
	while ((st = student_reader_next(rd, &s, &rec)) == ST_OK) {
		set_plan p;
		fulfil_plan(&x->cfg, x->ord, &s, &p);
		const report_info *ri = &report_table[s.report];
		uint64_t *count = u64map_slot(x->dist_school,
					      dist_key_pack((dist_key){ s.lea, s.school, s.report, p.copy2, p.delivery }));
		if (!count) {
			st = status_fail(ST_NOMEM, "out of memory for counts");
			break;
		}
		/* names are first seen with a school's first distribution key */
		if ((*count)++ == 0) {
			st = remember_name(x, place_key(s.lea, PLACE_LEA), s.f[COL_LEA_NAME], s.len[COL_LEA_NAME]);
			if (st == ST_OK)
				st = remember_name(x, place_key(s.lea, s.school), s.f[COL_SCHOOL_NAME],
						   s.len[COL_SCHOOL_NAME]);
			if (st != ST_OK)
				break;
		}
		if (p.delivery == DELIVERY_ELECTRONIC) {
			x->sum.electronic++;
			continue;
		}
		x->sum.ship[ri->shipment].printed++;
		x->sum.ordered_by[p.ordered_by]++;
		st = add_count(x->school_mg, school_mg_key(ri->shipment, s.lea, s.school),
			       (uint64_t)p.weight_mg);
		if (st != ST_OK)
			break;
		setrec r;
		memset(&r, 0, sizeof r);
		r.lea = s.lea;
		r.school = s.school;
		r.ssid = s.ssid;
		r.weight_mg = p.weight_mg;
		r.grade = s.grade;
		r.report = s.report;
		r.copy2 = p.copy2;
		r.paper = p.paper;
		r.sheets = p.sheets;
		r.envelopes = p.envelopes;
		r.ordered_by = p.ordered_by;
		static const int col_of[SETREC_NSTR] = {
			COL_LAST_NAME, COL_FIRST_NAME, COL_MIDDLE_NAME, COL_LEA_NAME, COL_SCHOOL_NAME,
			COL_GUARDIAN_NAME, COL_ADDRESS_LINE1, COL_ADDRESS_LINE2, COL_CITY, COL_STATE, COL_ZIP,
		};
		for (int i = 0; i < SETREC_NSTR; i++) {
			r.str[i] = s.f[col_of[i]];
			r.len[i] = (uint32_t)s.len[col_of[i]];
		}
		key.len = payload.len = 0;
		student_key(&s, ri->shipment, coll, &key);
		setrec_encode(&r, &payload);
		if (key.oom || payload.oom) {
			st = status_fail(ST_NOMEM, "out of memory building sort records");
			break;
		}
		if ((n_sorted++ & 4095) == 0)
			sorter_reserve(x->so, student_reader_memory(rd));
		st = sorter_add(x->so, key.p, key.len, payload.p, payload.len);
		if (st != ST_OK)
			break;
	}
	bytebuf_release(&key);
	bytebuf_release(&payload);
	collator_free(coll);
	sorter_reserve(x->so, student_reader_memory(rd));
	student_counts n;
	student_reader_counts(rd, &n);
	x->sum.rows = n.rows;
	x->sum.rejected = n.rejected;
	x->sum.duplicates = n.duplicates;
	student_reader_free(rd);
	return st == ST_EOF ? ST_OK : st;
}

/* ---- 3b. orders that cover no score report row ---------------------------- */

/* An active order whose LEA, school or program has no valid score report
 * row prints nothing: most often a typo in a code, and the district gets
 * no paper.  Each is listed in reports/orders_without_reports.csv, and
 * warned (the first ORDER_GAPS_WARNED of them one by one, then a count).
 * Rows are known by the distribution counts: every valid row has one. */
#define ORDER_GAPS_WARNED 20

static status orders_without_reports(run_ctx *x)
{
	u64map *seen;
	status st = u64map_new(&seen);
	if (st != ST_OK)
		return st;
	uint64_t *keys = NULL;
	const long nk = u64map_sorted_keys(x->dist_school, &keys);
	if (nk < 0)
		st = status_fail(ST_NOMEM, "out of memory checking the orders");
	for (long i = 0; i < nk && st == ST_OK; i++) {
		const dist_key d = dist_key_unpack(keys[i]);
		const uint32_t lea = d.lea, school = d.school;
		const unsigned prog = report_table[d.report].program;
		const uint64_t k[4] = { cover_key(lea, school, prog), cover_key(lea, school, COVER_ANY_PROGRAM),
					cover_key(lea, PLACE_LEA, prog), cover_key(lea, PLACE_LEA, COVER_ANY_PROGRAM) };
		for (int j = 0; j < 4 && st == ST_OK; j++)
			st = add_count(seen, k[j], 1);
	}
	mem_free(keys);
	outstream *o = NULL;
	if (st == ST_OK)
		st = outdir_open(x->dir, "reports/orders_without_reports.csv", OUT_CSV_SAFE, &o);
	if (st == ST_OK)
		outstream_puts(o, "line,lea_code,school_code,program,po_number,reason\n");
	size_t n;
	const order *ord = orders_active(x->ord, &n);
	uint64_t gaps = 0;
	for (size_t i = 0; i < n && st == ST_OK; i++) {
		const order *a = &ord[i];
		const int lea_wide = a->school == ORDER_SCHOOL_NONE;
		const uint32_t school = lea_wide ? PLACE_LEA : a->school;
		if (u64map_get(seen, cover_key(a->lea, school, a->program)))
			continue;
		char reason[64], school_code[16] = "", where[32];
		if (!u64map_get(seen, cover_key(a->lea, PLACE_LEA, COVER_ANY_PROGRAM)))
			snprintf(reason, sizeof reason, "no score report rows for this LEA");
		else if (!u64map_get(seen, cover_key(a->lea, school, COVER_ANY_PROGRAM)))
			snprintf(reason, sizeof reason, "no score report rows for this school");
		else
			snprintf(reason, sizeof reason, "no %s score report rows for this %s",
				 program_name[a->program], lea_wide ? "LEA" : "school");
		if (!lea_wide)
			snprintf(school_code, sizeof school_code, "%07u", a->school);
		snprintf(where, sizeof where, "%s%s", lea_wide ? "" : " school ", school_code);
		outstream_csv_u64(o, a->line, 0);
		char lea_code[16];
		snprintf(lea_code, sizeof lea_code, "%07u", a->lea);
		outstream_csv_str(o, lea_code, 0);
		outstream_csv_str(o, school_code, 0);
		outstream_csv_str(o, program_name[a->program], 0);
		outstream_csv_str(o, a->po_number, 0);
		outstream_csv_str(o, reason, 1);
		if (++gaps <= ORDER_GAPS_WARNED)
			st = warn_orders(x, "%s: line %llu: the %s order of LEA %07u%s covers no score report row (%s)",
					 x->opt->orders, (unsigned long long)a->line, program_name[a->program],
					 a->lea, where, reason);
	}
	if (st == ST_OK && gaps > ORDER_GAPS_WARNED)
		st = warn_orders(x, "%s: %llu more orders cover no score report row",
				 x->opt->orders, (unsigned long long)(gaps - ORDER_GAPS_WARNED));
	if (st == ST_OK && gaps)
		st = warn_orders(x, "%s: %llu active orders cover no score report row; they print nothing "
				 "(listed in reports/orders_without_reports.csv)",
				 x->opt->orders, (unsigned long long)gaps);
	x->sum.orders_without_reports = gaps;
	u64map_free(seen);
	if (st != ST_OK) {
		outstream_abort(o);
		return st;
	}
	return outstream_close(o);
}

/* ---- 4. boxes, print streams, manifests, packing lists ------------------- */

/* The blocks of the mailing address a set in envelopes needs; the guardian
 * name and address_line2 may be blank (envelopes then go "to the parent or
 * guardian of" the student). */
static size_t missing_address(const setrec *r, char *out, size_t cap)
{
	static const struct { int str; const char *name; } need[] = {
		{ SR_ADDR1, "address_line1" }, { SR_CITY, "city" }, { SR_STATE, "state" }, { SR_ZIP, "zip" },
	};
	size_t used = 0;
	out[0] = 0;
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
		const char *p = r->str[need[i].str];
		size_t n = r->len[need[i].str];
		text_trim(&p, &n);
		if (n)
			continue;
		const int w = snprintf(out + used, cap - used, "%s%s", used ? " " : "", need[i].name);
		if (w > 0 && (size_t)w < cap - used)
			used += (size_t)w;
	}
	return used;
}

/* A set going into envelopes without a complete mailing address: one row
 * of reports/envelopes_without_address.csv, for the operator to pull the
 * set (box, print stream seq, name) and the coordinator to look the
 * address up (ssid).  Student data, so only in the output folder (0700),
 * as in the print stream; warnings give a count. */
static void note_envelopes_without_address(run_ctx *x, int sh, const char *box_id, uint64_t seq,
					   const setrec *r)
{
	char missing[64];
	if (!r->envelopes || !missing_address(r, missing, sizeof missing))
		return;
	x->sum.ship[sh].no_address++;
	outstream *o = x->no_address;
	char code[24];
	outstream_csv_str(o, shipment_name[sh], 0);
	outstream_csv_str(o, box_id, 0);
	outstream_csv_u64(o, seq, 0);
	snprintf(code, sizeof code, "%07u", r->lea);
	outstream_csv_str(o, code, 0);
	snprintf(code, sizeof code, "%07u", r->school);
	outstream_csv_str(o, code, 0);
	outstream_csv_str(o, grade_name[r->grade], 0);
	snprintf(code, sizeof code, "%010llu", (unsigned long long)r->ssid);
	outstream_csv_str(o, code, 0);
	outstream_csv_str(o, report_table[r->report].code, 0);
	outstream_csv_field(o, r->str[SR_LAST], r->len[SR_LAST], 0);
	outstream_csv_field(o, r->str[SR_FIRST], r->len[SR_FIRST], 0);
	outstream_csv_str(o, missing, 1);
}

static status envelopes_without_address_close(run_ctx *x)
{
	const status st = outstream_close(x->no_address);
	x->no_address = NULL;
	uint64_t n = 0;
	for (int s = 0; s < SHIP_COUNT; s++)
		n += x->sum.ship[s].no_address;
	if (st != ST_OK || !n)
		return st;
	return warn(x, "%llu set%s into envelopes without a complete mailing address "
		    "(listed in reports/envelopes_without_address.csv)",
		    (unsigned long long)n, n == 1 ? " goes" : "s go");
}

typedef struct ship_out {
	outstream *print, *manifest;
	uint64_t seq;
} ship_out;

/* The (shipment, LEA) in *pk is packed: its manifest rows, its counts, and
 * its PDFs handed to the document pool (which takes *pk). */
static status finish_lea(run_ctx *x, packing **pk, ship_out *so)
{
	const int sh = packing_shipment(*pk);
	manifest_write_lea(so[sh].manifest, *pk);
	packing_totals t;
	packing_totals_get(*pk, &t);
	run_ship *rs = &x->sum.ship[sh];
	rs->leas++;
	uint64_t *seen = u64map_slot(x->leas_packed, packing_lea(*pk));
	if (!seen)
		return status_fail(ST_NOMEM, "out of memory for counts");
	x->sum.leas += (*seen)++ == 0;
	rs->boxes += t.boxes;
	rs->packed += t.sets;
	rs->sheets += t.sheets;
	rs->envelopes += t.envelopes;
	rs->dividers += t.dividers;
	rs->gross_mg += t.gross_mg;
	if (!x->docs)
		return ST_OK;
	const double t0 = clock_now();
	const status st = doc_pool_submit_packing(x->docs, *pk);
	*pk = NULL;
	x->sum.packing_lists++;
	x->sum.t_documents += clock_now() - t0;
	return st;
}

static status pack_and_print(run_ctx *x)
{
	ship_out so[SHIP_COUNT];
	memset(so, 0, sizeof so);
	status st = ST_OK;
	char rel[64];
	for (int s = 0; s < SHIP_COUNT && st == ST_OK; s++) {
		snprintf(rel, sizeof rel, "print/%s.csv.zst", shipment_name[s]);
		st = outdir_open(x->dir, rel, OUT_ZSTD | (x->opt->threads >= 2 ? OUT_ASYNC : 0), &so[s].print);
		if (st == ST_OK) {
			snprintf(rel, sizeof rel, "manifests/%s.csv", shipment_name[s]);
			st = outdir_open(x->dir, rel, OUT_CSV_SAFE, &so[s].manifest);
		}
		if (st == ST_OK) {
			print_stream_header(so[s].print);
			manifest_header(so[s].manifest);
		}
	}
	if (st == ST_OK)
		st = outdir_open(x->dir, "reports/envelopes_without_address.csv", OUT_CSV_SAFE, &x->no_address);
	if (st == ST_OK)
		outstream_puts(x->no_address, "shipment,box_id,seq,lea_code,school_code,grade,ssid,report,"
			       "last_name,first_name,missing\n");
	packing *pk = NULL;   /* ours until finish_lea hands it over */
	if (st == ST_OK && !x->docs)
		st = packing_new(&pk, &x->cfg.box);
	int have = 0, cur_ship = -1;
	uint32_t cur_lea = 0;
	sorter_item it;
	while (st == ST_OK && (st = sorter_next(x->so, &it)) == ST_OK) {
		setrec r;
		if (it.key_len < 1 || setrec_decode(it.payload, it.payload_len, &r) != 0) {
			st = status_fail(ST_INTERNAL, "a sorted record is corrupt");
			break;
		}
		const int sh = it.key[0];
		if (!have || sh != cur_ship || r.lea != cur_lea) {
			if (have && (st = finish_lea(x, &pk, so)) != ST_OK)
				break;
			if (!pk) {
				const double t0 = clock_now();
				st = doc_pool_packing(x->docs, &pk);
				x->sum.t_documents += clock_now() - t0;
				if (st != ST_OK)
					break;
			}
			const char *lname = name_of(x, place_key(r.lea, PLACE_LEA));
			packing_begin(pk, sh, r.lea, lname, strlen(lname));
			have = 1;
			cur_ship = sh;
			cur_lea = r.lea;
		}
		const uint64_t *school_mg = u64map_get(x->school_mg,
						       school_mg_key((unsigned)sh, r.lea, r.school));
		const int64_t school_total = x->cfg.box.divider_mg + (school_mg ? (int64_t)*school_mg : 0);
		box_place where;
		if ((st = packing_add(pk, &r, school_total, &where)) != ST_OK)
			break;
		char id[64];
		box_id_format(id, sizeof id, sh, r.lea, where.box_no);
		if (where.divider != DIVIDER_NONE)
			print_stream_divider(so[sh].print, ++so[sh].seq, id,
					     where.divider == DIVIDER_CONTINUED, &r, x->cfg.box.divider_mg);
		print_stream_set(so[sh].print, ++so[sh].seq, id, &r);
		note_envelopes_without_address(x, sh, id, so[sh].seq, &r);
		st = add_count(x->invoice_qty, qty_key_pack((qty_key){ r.lea, (unsigned)sh, r.envelopes ? 1 : 0 }), 1);
	}
	if (st == ST_EOF)
		st = have ? finish_lea(x, &pk, so) : ST_OK;
	for (int s = 0; s < SHIP_COUNT; s++) {
		const status a = outstream_close(so[s].print);
		const status b = outstream_close(so[s].manifest);
		if (st == ST_OK)
			st = a != ST_OK ? a : b;
	}
	packing_free(pk);
	if (st == ST_OK)
		return envelopes_without_address_close(x);
	outstream_abort(x->no_address);
	x->no_address = NULL;
	return st;
}

/* ---- 5. invoices, distribution ------------------------------------------- */

static status write_invoices(run_ctx *x)
{
	outstream *csv;
	status st = outdir_open(x->dir, "invoices/invoices.csv", OUT_CSV_SAFE, &csv);
	if (st != ST_OK)
		return st;
	invoice_csv_header(csv);
	uint64_t *keys;
	const long n = u64map_sorted_keys(x->invoice_qty, &keys);
	if (n < 0) {
		outstream_abort(csv);
		return status_fail(ST_NOMEM, "out of memory for invoices");
	}
	bytebuf po;
	bytebuf_init(&po);
	for (long i = 0; i < n && st == ST_OK;) {
		const uint32_t lea = qty_key_unpack(keys[i]).lea;
		uint64_t qty[SHIP_COUNT][2];
		memset(qty, 0, sizeof qty);
		for (qty_key q; i < n && (q = qty_key_unpack(keys[i])).lea == lea; i++)
			qty[q.shipment][q.envelopes] = *u64map_get(x->invoice_qty, keys[i]);
		/* the LEA's PO numbers, distinct, in order placed */
		po.len = 0;
		const order *small[256], **list = small;
		const size_t k = orders_of_lea(x->ord, lea, small, 256);
		if (k > 256 && (list = mem_alloc(k * sizeof *list)) != NULL)
			orders_of_lea(x->ord, lea, list, k);
		for (size_t a = 0; list && a < k; a++) {
			const char *p = list[a]->po_number;
			int seen = !*p;
			for (size_t b = 0; b < a && !seen; b++)
				seen = strcmp(list[b]->po_number, p) == 0;
			if (seen)
				continue;
			if (po.len)
				bytebuf_put(&po, "; ", 2);
			bytebuf_put(&po, p, strlen(p));
		}
		bytebuf_put(&po, "", 1);
		if (list != small)
			mem_free(list);
		/* a missing PO number would go unnoticed on an invoice: fail instead */
		if (!list || po.oom) {
			st = status_fail(ST_NOMEM, "out of memory listing the PO numbers of LEA %07u", lea);
			break;
		}
		invoice_line lines[2 * SHIP_COUNT];
		const size_t nl = invoice_lines(&x->cfg, qty, lines);
		invoice_doc doc = { .lea = lea, .lea_name = name_of(x, place_key(lea, PLACE_LEA)),
				    .po_numbers = (const char *)po.p, .n = nl };
		memcpy(doc.lines, lines, sizeof lines);
		invoice_write(csv, &x->cfg, lea, doc.lea_name, doc.po_numbers, lines, nl, &doc.total_cents);
		if (x->docs) {
			const double t0 = clock_now();
			st = doc_pool_submit_invoice(x->docs, &doc);
			x->sum.t_documents += clock_now() - t0;
		}
		for (size_t l = 0; l < nl; l++)
			x->sum.ship[lines[l].item].invoiced += lines[l].quantity;
		x->sum.invoices++;
		x->sum.grand_total_cents += doc.total_cents;
	}
	bytebuf_release(&po);
	mem_free(keys);
	const status c = outstream_close(csv);
	return st != ST_OK ? st : c;
}

/* The LEA-level counts are the school-level ones summed over schools. */
static status sum_by_lea(run_ctx *x)
{
	uint64_t *keys;
	const long n = u64map_sorted_keys(x->dist_school, &keys);
	if (n < 0)
		return status_fail(ST_NOMEM, "out of memory for distribution reports");
	status st = ST_OK;
	for (long i = 0; i < n && st == ST_OK; i++) {
		dist_key k = dist_key_unpack(keys[i]);
		k.school = 0;
		st = add_count(x->dist_lea, dist_key_pack(k), *u64map_get(x->dist_school, keys[i]));
	}
	mem_free(keys);
	return st;
}

static status write_distribution(run_ctx *x, u64map *m, const char *rel, int by_school)
{
	outstream *o;
	status st = outdir_open(x->dir, rel, OUT_CSV_SAFE, &o);
	if (st != ST_OK)
		return st;
	outstream_puts(o, by_school ? "lea_code,school_code,school_name,report,copy2_lang,delivery,sets\n"
				    : "lea_code,lea_name,report,copy2_lang,delivery,sets\n");
	uint64_t *keys;
	const long n = u64map_sorted_keys(m, &keys);
	if (n < 0) {
		outstream_abort(o);
		return status_fail(ST_NOMEM, "out of memory for distribution reports");
	}
	for (long i = 0; i < n; i++) {
		const uint64_t k = keys[i];
		const dist_key d = dist_key_unpack(k);
		const uint32_t lea = d.lea, school = d.school;
		char code[16];
		snprintf(code, sizeof code, "%07u", lea);
		outstream_csv_str(o, code, 0);
		if (by_school) {
			snprintf(code, sizeof code, "%07u", school);
			outstream_csv_str(o, code, 0);
			outstream_csv_str(o, name_of(x, place_key(lea, school)), 0);
		} else {
			outstream_csv_str(o, name_of(x, place_key(lea, PLACE_LEA)), 0);
		}
		outstream_csv_str(o, report_table[d.report].code, 0);
		outstream_csv_str(o, lang_code[d.lang], 0);
		outstream_csv_str(o, delivery_name[d.delivery], 0);
		outstream_csv_u64(o, *u64map_get(m, k), 1);
	}
	mem_free(keys);
	return outstream_close(o);
}

/* ---- the job --------------------------------------------------------------- */

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
	if (st == ST_OK)
		st = outdir_begin(&x->dir, opt->out, opt->force, x->inputs);
	static const char *const dirs[] = {
		"print", "manifests", "invoices", "reports", "rejects",
		/* the PDF documents' */
		"packing", "packing/august", "packing/winter", "packing/elpac",
		"labels", "labels/august", "labels/winter", "labels/elpac",
	};
	const size_t n_dirs = opt->no_documents ? 5 : sizeof dirs / sizeof dirs[0];
	for (size_t i = 0; st == ST_OK && i < n_dirs; i++)
		st = outdir_mkdir(x->dir, dirs[i]);
	/* documents are drawn by worker threads when there are cores to spare
	 * and the budget has room for their fonts (about 5 MiB a worker, with
	 * the font index that makes subsets fast); under a small budget they
	 * are drawn inline, lean, within the fixed 32 MiB */
	const int roomy = opt->memory >= ((size_t)64 << 20);
	if (st == ST_OK && !opt->no_documents)
		st = doc_pool_new(&x->docs, x->dir, &x->cfg, document_date(),
				  opt->threads >= 2 && roomy ? opt->threads : 0, !roomy);
	x->sum.documents = !opt->no_documents;
	const sorter_opts so = { opt->memory, opt->threads, opt->tmpdir,
				 instream_size_hint(opt->students) };
	if (st == ST_OK)
		st = orders_new(&x->ord, &x->cfg);
	if (st == ST_OK)
		st = sorter_new(&x->so, &so);
	u64map **maps[] = { &x->school_mg, &x->dist_lea, &x->dist_school, &x->names, &x->invoice_qty,
			    &x->leas_packed };
	for (size_t i = 0; st == ST_OK && i < sizeof maps / sizeof maps[0]; i++)
		st = u64map_new(maps[i]);

	outstream *rej_orders = NULL, *rej_students = NULL;
	if (st == ST_OK)
		st = outdir_open(x->dir, "rejects/orders.csv", 0, &rej_orders);
	if (st == ST_OK)
		st = outdir_open(x->dir, "rejects/students.csv", 0, &rej_students);
	if (st == ST_OK) {
		rejects_write_header(rej_orders);
		rejects_write_header(rej_students);
		st = read_orders(x, rej_orders);
	}
	if (st == ST_OK)
		st = plan_rows(x, rej_students);
	if (st == ST_OK)
		st = orders_without_reports(x);
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

	if ((st = sorter_finish(x->so)) != ST_OK)
		return st;
	x->sum.t_sort = clock_now() - t0 - x->sum.t_read;
	if ((st = pack_and_print(x)) != ST_OK)
		return st;
	if ((st = write_invoices(x)) != ST_OK)
		return st;
	if (x->docs) {
		const double t_wait = clock_now();
		st = doc_pool_finish(x->docs);
		x->sum.t_documents += clock_now() - t_wait;
		if (st != ST_OK)
			return st;
	}
	if ((st = sum_by_lea(x)) != ST_OK)
		return st;
	if ((st = write_distribution(x, x->dist_lea, "reports/distribution_lea.csv", 0)) != ST_OK)
		return st;
	if ((st = write_distribution(x, x->dist_school, "reports/distribution_school.csv", 1)) != ST_OK)
		return st;
	orders_counts_get(x->ord, &x->sum.orders);
	x->sum.orders.warnings = x->sum.order_warnings;

	/* docs/rules.md §12.1: every row accounted for; packed = printed = invoiced */
	char why[256];
	const int ok = tally_reconcile(&x->sum, why, sizeof why);
	x->sum.reconciled = ok;
	x->sum.t_total = clock_now() - t0;
	x->sum.t_write = x->sum.t_total - x->sum.t_read - x->sum.t_sort;
	outstream *js;
	if ((st = outdir_open(x->dir, "summary.json", 0, &js)) != ST_OK)
		return st;
	summary_write(js, &x->sum, &x->cfg, opt->students, opt->orders,
		      x->warnings.len ? (const char *)x->warnings.p : "", x->warnings.len);
	if ((st = outstream_close(js)) != ST_OK)
		return st;
	if (!ok)
		return status_fail(ST_INTERNAL, "the counts do not reconcile (%s); nothing was written", why);
	return outdir_commit(x->dir);
}

status run_job(const run_opts *opt, run_summary *sum)
{
	run_ctx x;
	memset(&x, 0, sizeof x);
	x.opt = opt;
	x.inputs[0] = opt->students;
	x.inputs[1] = opt->orders;
	x.inputs[2] = opt->config_path;
	bytebuf_init(&x.name_pool);
	bytebuf_init(&x.warnings);
	const status st = run_phases(&x);
	*sum = x.sum;
	sorter_free(x.so);
	orders_free(x.ord);
	u64map_free(x.school_mg);
	u64map_free(x.dist_lea);
	u64map_free(x.dist_school);
	u64map_free(x.names);
	u64map_free(x.invoice_qty);
	u64map_free(x.leas_packed);
	bytebuf_release(&x.name_pool);
	bytebuf_release(&x.warnings);
	doc_pool_free(x.docs);
	if (st != ST_OK)
		tmpfiles_cleanup();
	outdir_free(x.dir);
	return st;
}
