/*
 * run_reports.c: the run's reports (see run.c): the active orders no valid row falls
 * under (reports/orders_without_reports.csv) and the distribution of sets
 * by LEA and by school (reports/distribution_*.csv).
 */
#include "run_ctx.h"
#include "run_keys.h"

#include <stdio.h>
#include <string.h>

#include "../base/mem.h"
#include "../engine/fulfil.h"
#include "../engine/student.h"


/* An active order whose LEA, school or program has no valid score report
 * row prints nothing: most often a typo in a code, and the district gets
 * no paper.  Each is listed in reports/orders_without_reports.csv, and
 * warned (the first ORDER_GAPS_WARNED of them one by one, then a count).
 * Rows are known by the distribution counts: every valid row has one,
 * except those an earlier wave printed, which the distribution reports
 * leave out (they list this wave) and dist_earlier keeps for this. */
#define ORDER_GAPS_WARNED 20

status run_orders_without_reports(run_ctx *x)
{
	u64map *seen;
	status st = u64map_new(&seen);
	if (st != ST_OK)
		return st;
	u64map *const rows[2] = { x->dist_school, x->dist_earlier };
	for (int m = 0; m < 2 && st == ST_OK; m++) {
		uint64_t *keys = NULL;
		const long nk = u64map_sorted_keys(rows[m], &keys);
		if (nk < 0)
			st = status_fail(ST_NOMEM, "out of memory checking the orders");
		for (long i = 0; i < nk && st == ST_OK; i++) {
			const dist_key d = dist_key_unpack(keys[i]);
			const uint32_t lea = d.lea, school = d.school;
			const unsigned prog = report_table[d.report].program;
			const uint64_t k[4] = { cover_key(lea, school, prog), cover_key(lea, school, COVER_ANY_PROGRAM),
						cover_key(lea, PLACE_LEA, prog), cover_key(lea, PLACE_LEA, COVER_ANY_PROGRAM) };
			for (int j = 0; j < 4 && st == ST_OK; j++)
				st = run_add_count(seen, k[j], 1);
		}
		mem_free(keys);
	}
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
			st = run_warn_orders(x, "%s: line %llu: the %s order of LEA %07u%s covers no score report row (%s)",
					 x->opt->orders, (unsigned long long)a->line, program_name[a->program],
					 a->lea, where, reason);
	}
	if (st == ST_OK && gaps > ORDER_GAPS_WARNED)
		st = run_warn_orders(x, "%s: %llu more orders cover no score report row",
				 x->opt->orders, (unsigned long long)(gaps - ORDER_GAPS_WARNED));
	if (st == ST_OK && gaps)
		st = run_warn_orders(x, "%s: %llu active orders cover no score report row; they print nothing "
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
		st = run_add_count(x->dist_lea, dist_key_pack(k), *u64map_get(x->dist_school, keys[i]));
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
			outstream_csv_str(o, run_name_of(x, place_key(lea, school)), 0);
		} else {
			outstream_csv_str(o, run_name_of(x, place_key(lea, PLACE_LEA)), 0);
		}
		outstream_csv_str(o, report_table[d.report].code, 0);
		outstream_csv_str(o, lang_code[d.lang], 0);
		outstream_csv_str(o, delivery_name[d.delivery], 0);
		outstream_csv_u64(o, *u64map_get(m, k), 1);
	}
	mem_free(keys);
	return outstream_close(o);
}

status run_write_distributions(run_ctx *x)
{
	status st = sum_by_lea(x);
	if (st == ST_OK)
		st = write_distribution(x, x->dist_lea, "reports/distribution_lea.csv", 0);
	if (st == ST_OK)
		st = write_distribution(x, x->dist_school, "reports/distribution_school.csv", 1);
	return st;
}
