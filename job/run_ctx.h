/*
 * run_ctx.h: what the files of the run job share (job/ only): the run's
 * context and the helpers every phase uses.  run.c drives the phases;
 * run_pack.c packs and prints, run_bill.c invoices, run_reports.c writes
 * the distribution reports and the orders that cover no row.
 */
#ifndef SSRFILL_RUN_CTX_H
#define SSRFILL_RUN_CTX_H

#include <stdint.h>
#include <time.h>

#include "run.h"

#include "../base/bytebuf.h"
#include "../base/u64map.h"
#include "../io/filehash.h"
#include "../io/outdir.h"
#include "../io/outstream.h"
#include "../sorter/sorter.h"
#include "../engine/collate.h"
#include "../engine/config.h"
#include "../engine/fulfil.h"
#include "../engine/leadir.h"
#include "../engine/packing.h"
#include "../engine/orders.h"
#include "../engine/tally.h"
#include "../writers/doc_pool.h"
#include "../ledger/ledger.h"

typedef struct run_ctx {
	const run_opts *opt;
	const char *inputs[6]; /* students, orders, config, ledger, leas (NULL-terminated):
				  never inside what --force replaces */
	config cfg;
	orders *ord;
	outdir *dir;
	doc_pool *docs;        /* the PDFs; NULL with --no-documents */
	sorter *so;
	u64map *school_mg;     /* school_mg_key -> mg */
	u64map *dist_lea;      /* dist_key, school 0 -> sets, summed at the end */
	u64map *dist_school;   /* dist_key -> sets */
	u64map *dist_earlier;  /* dist_key -> sets an earlier wave printed (not in the reports) */
	u64map *names;         /* name_key -> offset + 1 in name_pool */
	u64map *invoice_qty;   /* qty_key -> sets */
	u64map *leas_packed;   /* lea -> 1: overall.leas counts LEAs, not (shipment, LEA)s */
	outstream *no_address; /* reports/envelopes_without_address.csv */
	/* the season (docs/rules.md §15); all NULL / 0 without --ledger */
	ledger *lg;
	int next_wave[SHIP_COUNT];   /* the wave this run is of each shipment, if it prints any */
	u64map *printed;       /* identity -> ledger digest of what earlier waves printed,
				  PRINTED_SEEN set once this file has the row */
	u64map *printed_scope; /* cover_key -> 1: the orders (a school's, or LEA-wide with
				  school PLACE_LEA; by program) earlier waves printed sets under */
	outstream *changed;    /* reports/changed_since_printed.csv */
	uint64_t n_printed;    /* the sets earlier waves printed */
	filehash *hash[4];     /* SHA-256 of the students, orders, config and LEA directory files */
	/* a reprint (run_reprint.c): the sets chosen, looked up by identity,
	 * and with --box the boxes replaced (group n is box n of --box) */
	struct reprint_set *sel;
	size_t n_sel;
	u64map *sel_at;        /* identity -> index + 1 in sel */
	struct reprint_group *groups;
	size_t n_groups;
	bytebuf reprint_boxes; /* summary.json's reprint.boxes, as JSON objects */
	/* shipping (docs/rules.md §16): the LEA directory, NULL without --leas;
	 * the shipping desk's files, written as each (shipment, LEA) is packed */
	leadir *leas;
	struct shipping_writer *ship;
	time_t doc_date;       /* the documents' date: today, or SOURCE_DATE_EPOCH (run.c) */
	bytebuf name_pool;
	bytebuf warnings;      /* one warning per line */
	run_summary sum;
} run_ctx;

/* Names by place (run_keys.h): the first row's spelling wins. */
status run_remember_name(run_ctx *x, uint64_t key, const char *s, size_t n);
/* The name remembered for a place, "" when none. */
const char *run_name_of(const run_ctx *x, uint64_t key);
/* m[key] += n. */
status run_add_count(u64map *m, uint64_t key, uint64_t n);
/* A warning: to the caller (run_opts.on_warning) and into summary.json;
 * run_warn_orders for one about the orders file (counted apart). */
status run_warn(run_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
status run_warn_orders(run_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The phases after the score reports are read (run.c calls them in this
 * order): active orders no valid row falls under, to
 * reports/orders_without_reports.csv; boxes, print streams, manifests,
 * packing lists and labels; invoices; distribution reports. */
status run_orders_without_reports(run_ctx *x);
status run_pack_and_print(run_ctx *x);
status run_write_invoices(run_ctx *x);
status run_write_distributions(run_ctx *x);

/* The season (run_ledger.c): open the ledger and take its write lock
 * (before the output folder, which must not hold it); then read
 * what earlier waves printed; then, as the rows are read, tell each row
 * printed earlier (listing those changed since); after the last row, list
 * those printed earlier that the file no longer has and fix this run's
 * waves; the run's record commits after the output folder is in place. */
status run_ledger_open(run_ctx *x);
status run_ledger_start(run_ctx *x);
/* 1 when an earlier wave printed the row's (ssid, report): counted, and
 * listed when its printed fields changed (*st set on failure). */
int run_ledger_printed_earlier(run_ctx *x, const student *s, const setrec *r, status *st);
status run_ledger_after_rows(run_ctx *x);
/* What the maps of what was printed hold, for the sorter's budget. */
size_t run_ledger_memory(const run_ctx *x);
status run_ledger_commit(run_ctx *x);
void run_ledger_end(run_ctx *x);
/* One row of reports/changed_since_printed.csv: where the set was printed
 * (box, its shipment, wave and LEA; the school and grade then), and the
 * row now. */
void run_ledger_note_changed(run_ctx *x, int shipment, int wave, const char *box_id, uint32_t lea,
			     uint32_t school, uint8_t grade, const setrec *r);

/* A reprint (run_reprint.c, docs/rules.md §15.5), inside the run's phases:
 * choose the sets from the ledger (refusing any it never printed) once the
 * run's ledger transaction is open; for each valid row, 1 when it is one
 * of them (its sort key in *key), 0 when not (counted); after the last
 * row, refuse when one is missing.  run_pack.c then opens each (shipment,
 * LEA)'s boxes with run_reprint_begin_lea and, with --box, each new group
 * with run_reprint_next_box; each set and box goes into the ledger through
 * run_reprint_set and run_reprint_box_done. */
status run_reprint_select(run_ctx *x);
int run_reprint_row(run_ctx *x, const student *s, const setrec *r, const set_plan *p, collator *coll,
		    bytebuf *key, status *st);
status run_reprint_after_rows(run_ctx *x);
/* The LEA and --box group a sorted record's key is of (group 0 by ssid). */
void run_reprint_key_place(const run_ctx *x, const uint8_t *key, size_t len, uint32_t *lea,
			   uint32_t *group);
status run_reprint_begin_lea(run_ctx *x, packing *pk, int shipment, uint32_t lea);
status run_reprint_next_box(run_ctx *x, packing *pk, uint32_t group);
status run_reprint_set(run_ctx *x, const setrec *r);
status run_reprint_box_done(run_ctx *x, const packing *pk, uint32_t n);
void run_reprint_end(run_ctx *x);

#endif
