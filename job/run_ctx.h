/*
 * run_ctx.h: what the files of the run job share (job/ only): the run's
 * context and the helpers every phase uses.  run.c drives the phases;
 * run_pack.c packs and prints, run_bill.c invoices, run_reports.c writes
 * the distribution reports and the orders that cover no row.
 */
#ifndef SSRFILL_RUN_CTX_H
#define SSRFILL_RUN_CTX_H

#include <stdint.h>

#include "run.h"

#include "../base/bytebuf.h"
#include "../base/u64map.h"
#include "../io/outdir.h"
#include "../io/outstream.h"
#include "../sorter/sorter.h"
#include "../engine/config.h"
#include "../engine/orders.h"
#include "../engine/tally.h"
#include "../writers/doc_pool.h"

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

#endif
