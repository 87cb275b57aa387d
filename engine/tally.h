/*
 * tally.h: the counts of a run (docs/rules.md §12) per shipment and
 * overall, and whether they reconcile: every row read is rejected, printed
 * or electronic only; every set printed is packed and invoiced.
 *
 *   run_summary s;      filled by the job as it goes
 *   char why[256];
 *   if (!tally_reconcile(&s, why, sizeof why)) fail(why);
 */
#ifndef SSRFILL_TALLY_H
#define SSRFILL_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "../io/columns.h"
#include "orders.h"
#include "student.h"

typedef struct run_ship {
	uint64_t printed;      /* decided at ingest */
	uint64_t packed;       /* counted into boxes */
	uint64_t invoiced;     /* summed from invoice lines */
	uint64_t leas, boxes, sheets, envelopes, dividers;
	int64_t gross_mg;
	uint64_t no_address;   /* sets in envelopes without a complete mailing address */
} run_ship;

typedef struct run_summary {
	uint64_t rows, rejected, duplicates, electronic;
	/* a run with a ledger (docs/rules.md §15): valid rows whose (ssid,
	 * report) an earlier wave printed, those of them whose printed fields
	 * changed since, and sets printed earlier absent from this file */
	uint64_t printed_earlier, changed_since_printed, missing_since_printed;
	const char *ledger_file;       /* NULL: a one-off run */
	int64_t ledger_run;            /* the run's id in the ledger */
	int waves[SHIP_COUNT];         /* this run's wave of each shipment, 0: printed nothing */
	int nothing_new;               /* a ledger run that printed nothing */
	int ledger_created;            /* the run created its ledger: wave 1 */
	/* a reprint (docs/rules.md §15.5): by box or by ssid; the valid rows
	 * it did not choose; free unless billed.  Its changed rows are
	 * changed_since_printed. */
	int reprint;                   /* enum tally_reprint */
	/* shipping (docs/rules.md §16): the LEA directory's rows; the boxes
	 * that ship and the held ones (no address), the carrier files */
	uint64_t leas_rows, leas_rejected;
	int shipping_directory;        /* the run had --leas */
	uint64_t ship_boxes, held_boxes, held_leas, ups_files;
	uint64_t not_reprinted;
	int reprint_billed;
	uint64_t ordered_by[4];        /* enum ordered_by */
	run_ship ship[SHIP_COUNT];
	order_counts orders;
	uint64_t invoices;
	int64_t grand_total_cents;
	uint64_t warnings;
	uint64_t order_warnings;       /* of warnings, those about the orders file */
	uint64_t orders_without_reports; /* active orders no valid row falls under */
	uint64_t leas;                 /* distinct LEAs packed, over all shipments */
	int reconciled;
	int documents;                 /* the PDFs were written */
	uint64_t packing_lists;        /* = label files; invoice PDFs = invoices */
	double t_read, t_sort, t_write, t_total;
	double t_documents;            /* the PDFs' share of t_write */
	/* memory: --memory, the most ssrfill's own allocations held at once
	 * (base/mem.h), the process's peak resident size (getrusage) */
	uint64_t memory_budget, memory_peak, memory_resident;
	/* the header columns of the score reports [0] and orders [1] files */
	column_notes columns[2];
	const char *columns_file[2];
} run_summary;

enum tally_reprint { TALLY_RUN, TALLY_REPRINT_BOX, TALLY_REPRINT_SSID };

/* The shipments' counts summed; leas is the distinct LEAs (one LEA ships
 * in up to three shipments). */
void tally_overall(const run_summary *s, run_ship *all);

/* 1 when the counts reconcile (rows = rejected + printed + printed
 * earlier + electronic only + not reprinted; per shipment printed = packed
 * = invoiced, or nothing invoiced for a free reprint); else 0, with the
 * first count that does not in why, in words and numbers ("august: 10
 * sets printed, 9 packed, 10 invoiced"). */
int tally_reconcile(const run_summary *s, char *why, size_t cap);

#endif
