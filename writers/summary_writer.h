/*
 * summary_writer.h: summary.json of `ssrfill run` — every count of
 * docs/rules.md §12 per shipment and overall, the invoice grand total, the
 * effective configuration, warnings and timings.  No student data.
 */
#ifndef SSRFILL_SUMMARY_WRITER_H
#define SSRFILL_SUMMARY_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "../io/columns.h"
#include "../engine/config.h"
#include "../engine/orders.h"
#include "../io/outstream.h"

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
	/* the header columns of the score reports [0] and orders [1] files */
	column_notes columns[2];
	const char *columns_file[2];
} run_summary;

void summary_write(outstream *o, const run_summary *s, const config *c,
		   const char *students_path, const char *orders_path,
		   const char *warnings, size_t warnings_len);

#endif
