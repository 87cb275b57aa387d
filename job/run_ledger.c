/*
 * run_ledger.c: the season in the run (docs/rules.md §15), with --ledger.
 *
 * Before the orders are read, the ledger is opened and its write lock
 * taken (a second writer waits 5 s, then fails naming the ledger), and
 * what earlier waves printed is read once, in key order, into two maps:
 * (ssid, report) -> the digest of what was printed, and the orders (a
 * school's or an LEA-wide one, by program) sets were printed under (the
 * ledger keeps each set's ordered_by): a cancellation of one of those is
 * ignored (engine/orders.h).  As the rows are read, each whose (ssid,
 * report) was printed is counted "printed earlier", not planned again, and
 * listed in reports/changed_since_printed.csv when its printed fields
 * changed; the map marks it seen.  After the last row, the sets printed
 * earlier that no row marked are listed in reports/missing_since_printed.csv
 * and the maps are freed before the sort needs the memory.  Everything the
 * run adds to the ledger (run_pack.c: boxes and sets; run_bill.c:
 * invoices) is one transaction, committed only after the output folder is
 * in place.
 *
 * Neither CSV reaches standard error or the ledger: they hold names and
 * live in the output folder (0700) like the print stream.
 */
#include "run_ctx.h"
#include "run_keys.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../base/mem.h"

/* Set in a printed map value once a row of this file has the set. */
#define PRINTED_SEEN (UINT64_C(1) << 63)

static int scope_printed(void *ctx, uint32_t lea, uint32_t school, enum program p)
{
	const run_ctx *x = ctx;
	const uint32_t place = school == ORDER_SCHOOL_NONE ? PLACE_LEA : school;
	return u64map_get(x->printed_scope, cover_key(lea, place, (unsigned)p)) != NULL;
}

/* What the map of n printed sets takes: u64map keeps its table at most
 * half full, in powers of two, 16 bytes a slot. */
static size_t printed_map_bytes(uint64_t n)
{
	size_t slots = 64;
	while (slots < 2 * n)
		slots *= 2;
	return slots * 2 * sizeof(uint64_t);
}

static status read_printed(run_ctx *x)
{
	/* the maps count against --memory (the sorter gets what is left): a
	 * ledger too big for the budget is refused before they are built */
	uint64_t n;
	status st = ledger_count_sets(x->lg, &n);
	if (st != ST_OK)
		return st;
	const size_t need = printed_map_bytes(n);
	if (need > x->opt->memory / 2)
		return status_fail(ST_BADINPUT,
				   "the ledger %s holds %llu printed sets; looking them up takes %zu MiB, more than "
				   "half of --memory (%zu MiB): run with --memory %zuM or more",
				   x->opt->ledger, (unsigned long long)n, need >> 20, x->opt->memory >> 20,
				   ((2 * need + (size_t)(48 << 20)) >> 20) + 1);
	x->n_printed = n;
	ledger_cursor *c;
	const ledger_filter all = { -1, -1 };
	if ((st = ledger_printed_open(x->lg, &all, &c)) != ST_OK)
		return st;
	ledger_printed p;
	while ((st = ledger_printed_next(c, &p)) == ST_OK) {
		const unsigned prog = (unsigned)report_table[p.report].program;
		/* each slot is written before the next u64map_slot of its map,
		 * which may grow the map and move (free) the slot */
		uint64_t *v = u64map_slot(x->printed, p.ssid * REPORT_COUNT + p.report);
		if (v)
			*v = p.digest & ~PRINTED_SEEN;
		/* the order it printed under: the school's own, or the LEA-wide
		 * one (a set a parent ordered is under neither) */
		uint64_t *o = v;
		if (v && (p.ordered_by == ORDERED_SCHOOL || p.ordered_by == ORDERED_LEA))
			o = u64map_slot(x->printed_scope, cover_key(p.lea, p.ordered_by == ORDERED_SCHOOL ?
									       p.school : PLACE_LEA, prog));
		if (!o) {
			st = status_fail(ST_NOMEM, "out of memory reading what the ledger %s printed",
					 x->opt->ledger);
			break;
		}
		if (o != v)
			*o = 1;
	}
	ledger_printed_close(c);
	return st == ST_EOF ? ST_OK : st;
}

/* SQLite's page cache for the ledger: an eighth of --memory, between 2 and
 * 64 MiB, counted against the budget with the maps (run_ledger_memory). */
static size_t cache_bytes(const run_opts *opt)
{
	const size_t lo = (size_t)2 << 20, hi = (size_t)64 << 20, b = opt->memory / 8;
	return b < lo ? lo : b > hi ? hi : b;
}

/* The output folder's absolute path, as the ledger records it: its
 * parent resolved (it exists), then its name. */
static void absolute_out(const char *out, char *buf, size_t cap)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(out, '/');
	const char *name = slash ? slash + 1 : out;
	if (slash)
		snprintf(parent, sizeof parent, "%.*s", (int)(slash - out) ? (int)(slash - out) : 1, out);
	else
		snprintf(parent, sizeof parent, ".");
	char *real = realpath(parent, NULL);
	snprintf(buf, cap, "%s/%s", real ? real : parent, name);
	free(real);
}

status run_ledger_open(run_ctx *x)
{
	const run_opts *opt = x->opt;
	const ledger_options lo = { .cache_kib = (int)(cache_bytes(opt) >> 10) };
	struct stat sb;
	x->sum.ledger_created = lstat(opt->ledger, &sb) != 0 && errno == ENOENT;
	/* a reprint prints what a ledger printed: a mistyped name must not
	 * leave an empty ledger behind */
	if (opt->reprint && x->sum.ledger_created)
		return status_fail(ST_BADINPUT, "the ledger %s does not exist: a reprint prints again what "
				   "a season's ledger says was printed", opt->ledger);
	status st = ledger_open(&x->lg, opt->ledger, &lo);
	char out[PATH_MAX + 256];
	absolute_out(opt->out, out, sizeof out);
	if (st == ST_OK) {
		const ledger_run run = { opt->reprint ? "reprint" : "run", out, (int64_t)time(NULL),
					 x->cfg.admin_year };
		st = ledger_begin_run(x->lg, &run, &x->sum.ledger_run);
	}
	if (st != ST_OK)
		return st;
	x->sum.ledger_file = opt->ledger;
	/* one ledger, one season: last year's would skip this year's sets as
	 * printed (box ids carry no year) */
	char season[32];
	if ((st = ledger_season(x->lg, season, sizeof season)) != ST_OK)
		return st;
	if (season[0] && strcmp(season, x->cfg.admin_year) != 0)
		return status_fail(ST_BADINPUT, "the ledger %s is the %s season's, and this run's configuration "
				   "is for %s: a ledger holds one administration year; give this season a new ledger",
				   opt->ledger, season, x->cfg.admin_year);
	/* --force must not destroy the only copy of what a wave printed */
	int64_t printed_by = 0;
	if (opt->force && (st = ledger_printed_into(x->lg, out, &printed_by)) != ST_OK)
		return st;
	if (printed_by)
		return status_fail(ST_USAGE, "%s holds what run %lld printed, as the ledger %s records it: "
				   "--force would destroy that wave's print streams, manifests and invoices; "
				   "choose another --out", opt->out, (long long)printed_by, opt->ledger);
	return ST_OK;
}

status run_ledger_start(run_ctx *x)
{
	const run_opts *opt = x->opt;
	status st = ST_OK;
	/* the inputs' SHA-256, on threads of their own while the rows are read
	 * (inline with --threads 1, whose fallible calls keep one order) */
	const char *in[4] = { opt->students, opt->orders, opt->config_path, opt->leas };
	for (int i = 0; i < 4 && st == ST_OK; i++)
		if (in[i])
			st = (opt->threads >= 2 ? filehash_start : filehash_start_inline)(&x->hash[i], in[i]);
	for (int s = 0; s < SHIP_COUNT && st == ST_OK && !opt->reprint; s++)
		st = ledger_next_wave(x->lg, s, &x->next_wave[s]);
	if (st == ST_OK && !opt->reprint)
		st = u64map_new(&x->printed);
	if (st == ST_OK)
		st = u64map_new(&x->printed_scope);
	/* a reprint reads only the sets it prints again (with the orders they
	 * were printed under), a run everything printed */
	if (st == ST_OK)
		st = opt->reprint ? run_reprint_select(x) : read_printed(x);
	if (st == ST_OK)
		orders_set_printed(x->ord, scope_printed, x);
	if (st == ST_OK)
		st = outdir_open(x->dir, "reports/changed_since_printed.csv", OUT_CSV_SAFE, &x->changed);
	if (st == ST_OK)
		outstream_puts(x->changed, "shipment,wave,box_id,lea_code,ssid,report,school_code_printed,"
			       "school_code_now,grade_printed,grade_now,last_name,first_name\n");
	return st;
}

size_t run_ledger_memory(const run_ctx *x)
{
	if (!x->lg)
		return 0;
	/* the cache, the sets of closed boxes the ledger holds until it writes
	 * them (at most 64 Ki of 40 bytes), the maps */
	return cache_bytes(x->opt) + ((size_t)5 << 19) + (x->printed ? u64map_bytes(x->printed) : 0) +
	       (x->printed_scope ? u64map_bytes(x->printed_scope) : 0);
}

/* The ledger's record of one printed set, found by ssid. */
typedef struct found_set {
	uint8_t report;
	int hit;
	ledger_found f;
	char box_id[LEDGER_SCAN_MAX + 1], reprint_box_id[LEDGER_SCAN_MAX + 1];
} found_set;

static int take_report(void *ctx, const ledger_found *f)
{
	found_set *w = ctx;
	if (f->report != w->report)
		return 0;
	w->hit = 1;
	w->f = *f;
	snprintf(w->box_id, sizeof w->box_id, "%s", f->box_id);
	snprintf(w->reprint_box_id, sizeof w->reprint_box_id, "%s", f->reprint_box_id);
	w->f.box_id = w->box_id;
	w->f.reprint_box_id = w->reprint_box_id;
	return 1;
}

static status find_set(run_ctx *x, uint64_t ssid, uint8_t report, found_set *w)
{
	memset(w, 0, sizeof *w);
	w->report = report;
	const status st = ledger_find_ssid(x->lg, ssid, take_report, w, NULL);
	if (st == ST_OK && !w->hit)
		return status_fail(ST_INTERNAL, "the ledger %s lost a set it listed as printed", x->opt->ledger);
	return st;
}

static void code7(outstream *o, uint32_t code, int last)
{
	char buf[16];
	snprintf(buf, sizeof buf, "%07u", code);
	outstream_csv_str(o, buf, last);
}

void run_ledger_note_changed(run_ctx *x, int shipment, int wave, const char *box_id, uint32_t lea,
			     uint32_t school, uint8_t grade, const setrec *r)
{
	outstream *o = x->changed;
	char ssid[24];
	snprintf(ssid, sizeof ssid, "%010llu", (unsigned long long)r->ssid);
	outstream_csv_str(o, shipment_name[shipment], 0);
	outstream_csv_u64(o, (uint64_t)wave, 0);
	outstream_csv_str(o, box_id, 0);
	code7(o, lea, 0);
	outstream_csv_str(o, ssid, 0);
	outstream_csv_str(o, report_table[r->report].code, 0);
	code7(o, school, 0);
	code7(o, r->school, 0);
	outstream_csv_str(o, grade_name[grade], 0);
	outstream_csv_str(o, grade_name[r->grade], 0);
	outstream_csv_field(o, r->str[SR_LAST], r->len[SR_LAST], 0);
	outstream_csv_field(o, r->str[SR_FIRST], r->len[SR_FIRST], 1);
}

static status note_changed(run_ctx *x, const student *s, const setrec *r)
{
	found_set w;
	const status st = find_set(x, s->ssid, s->report, &w);
	/* named by the box the LEA has it in now: its latest reprint's */
	if (st == ST_OK)
		run_ledger_note_changed(x, w.f.shipment, w.f.wave, w.reprint_box_id[0] ? w.reprint_box_id : w.box_id,
					w.f.lea, w.f.school, w.f.grade, r);
	return st;
}

int run_ledger_printed_earlier(run_ctx *x, const student *s, const setrec *r, status *st)
{
	if (!x->printed)
		return 0;
	uint64_t *v = u64map_at(x->printed, student_identity(s));
	if (!v)
		return 0;
	x->sum.printed_earlier++;
	if ((*v & ~PRINTED_SEEN) != (ledger_digest(r) & ~PRINTED_SEEN)) {
		x->sum.changed_since_printed++;
		*st = note_changed(x, s, r);
	}
	*v |= PRINTED_SEEN;
	return 1;
}

/* reports/missing_since_printed.csv: the sets printed earlier no row of
 * this file has, in ssid order, from the ledger (which has no names): a
 * second pass over what was printed, only when some are missing (every
 * set printed earlier that a row had is counted printed_earlier). */
static status write_missing(run_ctx *x)
{
	outstream *o;
	status st = outdir_open(x->dir, "reports/missing_since_printed.csv", OUT_CSV_SAFE, &o);
	if (st != ST_OK)
		return st;
	outstream_puts(o, "shipment,wave,box_id,lea_code,school_code,grade,ssid,report\n");
	ledger_cursor *c = NULL;
	const ledger_filter all = { -1, -1 };
	uint64_t reprinted = 0;
	if (x->n_printed > x->sum.printed_earlier)
		st = ledger_count_reprinted(x->lg, &reprinted);
	if (st == ST_OK && x->n_printed > x->sum.printed_earlier)
		st = ledger_printed_open(x->lg, &all, &c);
	ledger_printed p;
	while (c && st == ST_OK && (st = ledger_printed_next(c, &p)) == ST_OK) {
		const uint64_t *v = u64map_get(x->printed, p.ssid * REPORT_COUNT + p.report);
		if (v && (*v & PRINTED_SEEN))
			continue;
		x->sum.missing_since_printed++;
		char code[24];
		/* the box the LEA has it in now, when a reprint put it in another */
		found_set w = { 0 };
		if (reprinted && (st = find_set(x, p.ssid, p.report, &w)) != ST_OK)
			break;
		outstream_csv_str(o, shipment_name[p.shipment], 0);
		outstream_csv_u64(o, (uint64_t)p.wave, 0);
		outstream_csv_str(o, w.reprint_box_id[0] ? w.reprint_box_id : p.box_id, 0);
		code7(o, p.lea, 0);
		code7(o, p.school, 0);
		outstream_csv_str(o, grade_name[p.grade], 0);
		snprintf(code, sizeof code, "%010llu", (unsigned long long)p.ssid);
		outstream_csv_str(o, code, 0);
		outstream_csv_str(o, report_table[p.report].code, 1);
	}
	ledger_printed_close(c);
	if (st == ST_EOF)
		st = ST_OK;
	const status cl = outstream_close(o);
	return st != ST_OK ? st : cl;
}

/* The run's inputs into the ledger: name as given, size and SHA-256 (none
 * for standard input or a pipe, which cannot be read twice). */
static status record_inputs(run_ctx *x)
{
	static const char *const role[4] = { "students", "orders", "config", "leas" };
	const char *in[4] = { x->opt->students, x->opt->orders, x->opt->config_path, x->opt->leas };
	status st = ST_OK;
	for (int i = 0; i < 4 && st == ST_OK; i++) {
		if (!x->hash[i])
			continue;
		uint8_t sha[FILEHASH_SHA256_BYTES];
		uint64_t n;
		int hashed;
		st = filehash_finish(x->hash[i], sha, &n, &hashed);
		if (st == ST_OK)
			st = ledger_add_input(x->lg, role[i], in[i], n, hashed ? sha : NULL);
		filehash_free(x->hash[i]);
		x->hash[i] = NULL;
	}
	return st;
}

status run_ledger_after_rows(run_ctx *x)
{
	if (!x->lg)
		return ST_OK;
	status st = record_inputs(x);
	if (x->opt->reprint) {
		const status c = outstream_close(x->changed);
		x->changed = NULL;
		if (st == ST_OK)
			st = c;
		u64map_free(x->printed_scope);
		x->printed_scope = NULL;
		return st == ST_OK ? run_reprint_after_rows(x) : st;
	}
	if (st == ST_OK)
		st = write_missing(x);
	const status c = outstream_close(x->changed);
	x->changed = NULL;
	if (st == ST_OK)
		st = c;
	u64map_free(x->printed);
	u64map_free(x->printed_scope);
	x->printed = x->printed_scope = NULL;
	uint64_t printed = 0;
	for (int s = 0; s < SHIP_COUNT && st == ST_OK; s++) {
		printed += x->sum.ship[s].printed;
		if (!x->sum.ship[s].printed)
			continue;
		x->sum.waves[s] = x->next_wave[s];
		st = ledger_add_wave(x->lg, s, x->next_wave[s]);
	}
	x->sum.nothing_new = printed == 0;
	const uint64_t ch = x->sum.changed_since_printed, mi = x->sum.missing_since_printed;
	if (st == ST_OK && ch)
		st = run_warn(x, "%llu set%s printed in an earlier wave changed since (listed in "
			      "reports/changed_since_printed.csv); %s not printed again",
			      (unsigned long long)ch, ch == 1 ? "" : "s", ch == 1 ? "it was" : "they were");
	if (st == ST_OK && mi)
		st = run_warn(x, "%llu set%s printed in an earlier wave %s not in %s (listed in "
			      "reports/missing_since_printed.csv)", (unsigned long long)mi, mi == 1 ? "" : "s",
			      mi == 1 ? "is" : "are", x->opt->students);
	return st;
}

status run_ledger_commit(run_ctx *x)
{
	if (!x->lg)
		return ST_OK;
	run_ship all;
	tally_overall(&x->sum, &all);
	const ledger_run_end end = { (int64_t)time(NULL), x->sum.rows, all.printed, all.boxes,
				     x->sum.nothing_new };
	const status st = ledger_commit_run(x->lg, &end);
	if (st != ST_OK)
		return status_fail(st, "%s is in place, but the ledger %s could not record the run, so a "
				   "later wave would print its sets again: run the same command again with --force",
				   x->opt->out, x->opt->ledger);
	return ST_OK;
}

void run_ledger_end(run_ctx *x)
{
	for (int i = 0; i < 4; i++)
		filehash_free(x->hash[i]);
	outstream_abort(x->changed);
	u64map_free(x->printed);
	u64map_free(x->printed_scope);
	ledger_close(x->lg);   /* rolls back a run that did not commit */
}
