/*
 * run_pack.c: phase 4 of the run (see run.c): one pass over the sorted
 * sets packs the boxes (engine/packing.c) and writes the print stream row
 * of every divider and set, reports/envelopes_without_address.csv, and at
 * each (shipment, LEA) boundary its manifest rows, packing list and labels.
 * With a ledger, every set and box goes into it as it is packed, and each
 * LEA's boxes continue its numbering of earlier waves (docs/rules.md §15).
 */
#include "run_ctx.h"
#include "run_keys.h"

#include <stdio.h>
#include <string.h>

#include "../base/clock.h"
#include "../base/progress.h"
#include "../base/text.h"
#include "../engine/packing.h"
#include "../engine/setrec.h"
#include "../writers/run_docs.h"
#include "../writers/shipping_writer.h"


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
	return run_warn(x, "%llu set%s into envelopes without a complete mailing address "
		    "(listed in reports/envelopes_without_address.csv)",
		    (unsigned long long)n, n == 1 ? " goes" : "s go");
}

typedef struct ship_out {
	outstream *print, *manifest;
	uint64_t seq;
} ship_out;

/* Box n of the (shipment, LEA) being packed is full: into the ledger, after
 * its sets.  Its "of M" is set at the LEA's end (ledger_set_box_count). */
static status ledger_box_done(run_ctx *x, const packing *pk, uint32_t n)
{
	if (x->opt->reprint)
		return run_reprint_box_done(x, pk, n);
	packing_box b;
	packing_box_get(pk, n, &b);
	const ledger_box lb = { packing_shipment(pk), packing_lea(pk), packing_wave(pk),
				packing_box_no(pk, n), n, 0, (uint32_t)b.sheets, b.gross_mg };
	return ledger_add_box(x->lg, &lb);
}

/* The (shipment, LEA) in *pk is packed: its manifest rows, its counts, and
 * its PDFs handed to the document pool (which takes *pk). */
static status finish_lea(run_ctx *x, packing **pk, ship_out *so)
{
	const int sh = packing_shipment(*pk);
	if (x->lg) {
		const uint32_t m = packing_box_count(*pk);
		status st = m ? ledger_box_done(x, *pk, m) : ST_OK;
		/* a box reprint's boxes keep the M of the boxes they replace */
		if (st == ST_OK && packing_reprint(*pk) != PACKING_BOX_REPRINT)
			st = ledger_set_box_count(x->lg, sh, packing_lea(*pk), m);
		if (st != ST_OK)
			return st;
	}
	manifest_write_lea(so[sh].manifest, *pk);
	status ss = shipping_writer_lea(x->ship, *pk);
	if (ss != ST_OK)
		return ss;
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

status run_pack_and_print(run_ctx *x)
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
		st = shipping_writer_open(&x->ship, x->dir, x->leas != NULL);
	if (st == ST_OK)
		st = outdir_open(x->dir, "reports/envelopes_without_address.csv", OUT_CSV_SAFE, &x->no_address);
	if (st == ST_OK)
		outstream_puts(x->no_address, "shipment,box_id,seq,lea_code,school_code,grade,ssid,report,"
			       "last_name,first_name,missing\n");
	packing *pk = NULL;   /* ours until finish_lea hands it over */
	if (st == ST_OK && !x->docs)
		st = packing_new(&pk, &x->cfg.box);
	int have = 0, cur_ship = -1;
	uint32_t cur_lea = 0, cur_group = 0;
	sorter_item it;
	while (st == ST_OK && (st = sorter_next(x->so, &it)) == ST_OK) {
		setrec r;
		if (it.key_len < 1 || setrec_decode(it.payload, it.payload_len, &r) != 0) {
			st = status_fail(ST_INTERNAL, "a sorted record is corrupt");
			break;
		}
		const int sh = it.key[0];
		/* a box reprint packs the box's LEA (run_reprint.c) */
		uint32_t lea = r.lea, group = 0;
		if (x->opt->reprint && x->opt->reprint->n_boxes)
			run_reprint_key_place(x, it.key, it.key_len, &lea, &group);
		const int new_lea = !have || sh != cur_ship || lea != cur_lea;
		if (new_lea) {
			if (have && (st = finish_lea(x, &pk, so)) != ST_OK)
				break;
			if (!pk) {
				const double t0 = clock_now();
				st = doc_pool_packing(x->docs, &pk);
				x->sum.t_documents += clock_now() - t0;
				if (st != ST_OK)
					break;
			}
			const char *lname = run_name_of(x, place_key(lea, PLACE_LEA));
			packing_begin(pk, sh, lea, lname, strlen(lname));
			if (x->leas)   /* where its boxes go, or held (docs/rules.md §16) */
				packing_set_ship_to(pk, leadir_get(x->leas, lea));
			if (x->opt->reprint) {
				if ((st = run_reprint_begin_lea(x, pk, sh, lea)) != ST_OK)
					break;
			} else if (x->lg) {
				uint32_t first;
				if ((st = ledger_next_box_no(x->lg, sh, r.lea, &first)) != ST_OK)
					break;
				packing_set_wave(pk, x->sum.waves[sh], first);
			}
			have = 1;
			cur_ship = sh;
			cur_lea = lea;
		}
		if (x->opt->reprint && x->opt->reprint->n_boxes && (new_lea || group != cur_group)) {
			if ((st = run_reprint_next_box(x, pk, group)) != ST_OK)
				break;
			cur_group = group;
		}
		const uint64_t *school_mg = u64map_get(x->school_mg,
						       school_mg_key((unsigned)sh, r.lea, r.school));
		const int64_t school_total = x->cfg.box.divider_mg + (school_mg ? (int64_t)*school_mg : 0);
		box_place where;
		if ((st = packing_add(pk, &r, school_total, &where)) != ST_OK)
			break;
		if (x->lg) {
			if (where.box_no > 1 && where.new_box)
				st = ledger_box_done(x, pk, where.box_no - 1);
			const ledger_set ls = { r.ssid, r.report, r.grade, r.school, ledger_digest(&r),
						r.ordered_by };
			if (st == ST_OK)
				st = x->opt->reprint ? run_reprint_set(x, &r) : ledger_add_set(x->lg, &ls);
			if (st != ST_OK)
				break;
		}
		char id[96];
		packing_box_id(pk, where.box_no, id, sizeof id);
		if (where.divider != DIVIDER_NONE)
			print_stream_divider(so[sh].print, ++so[sh].seq, id,
					     where.divider == DIVIDER_CONTINUED, &r, x->cfg.box.divider_mg);
		print_stream_set(so[sh].print, ++so[sh].seq, id, &r);
		note_envelopes_without_address(x, sh, id, so[sh].seq, &r);
		/* billed to the LEA the box goes to */
		st = run_add_count(x->invoice_qty, qty_key_of_set(x->ord, lea, (unsigned)sh, &r), 1);
		progress_add_rows(1);
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
	if (x->ship) {
		shipping_counts sc;
		shipping_writer_counts(x->ship, &sc);
		const status c = shipping_writer_close(x->ship);
		x->ship = NULL;
		if (st == ST_OK)
			st = c;
		x->sum.shipping_directory = x->leas != NULL;
		x->sum.ship_boxes = sc.boxes;
		x->sum.held_boxes = sc.held_boxes;
		x->sum.held_leas = sc.held_leas;
		x->sum.ups_files = sc.ups_files;
		if (st == ST_OK && sc.held_boxes)
			st = run_warn(x, "%llu box%s of %llu LEA%s held: the LEA directory %s has no ship-to for "
				      "%s%s (listed in shipping/held.csv; not in the carrier files)",
				      (unsigned long long)sc.held_boxes, sc.held_boxes == 1 ? "" : "es",
				      (unsigned long long)sc.held_leas, sc.held_leas == 1 ? "" : "s",
				      x->opt->leas, sc.held_leas == 1 ? "it" : "them",
				      sc.manual_boxes ? ", or one a carrier file cannot spell in ASCII" : "");
		if (st == ST_OK && sc.cut_boxes)
			st = run_warn(x, "%llu box%s in the UPS files with a name or address line cut to UPS's "
				      "length (35 characters, city 30): check them in shipping/<shipment>.csv",
				      (unsigned long long)sc.cut_boxes, sc.cut_boxes == 1 ? "" : "es");
	}
	if (st == ST_OK)
		return envelopes_without_address_close(x);
	outstream_abort(x->no_address);
	x->no_address = NULL;
	return st;
}

