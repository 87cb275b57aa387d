/*
 * invoice_writer.h: invoices/invoices.csv (item lines of every LEA, no
 * total rows) and invoices/<lea_code>.pdf, the printable invoice
 * (docs/rules.md §11, §16.4).
 *
 *   invoice_csv_header(csv);
 *   per LEA: invoice_write(csv, &c, &doc);            // doc.total_cents set
 *            invoice_pdf_write(canvas, dir, &c, &doc); // doc_pool.h runs it on a worker
 *
 * A queued invoice is a copy in one block (invoice_doc_copy_size, then
 * invoice_doc_copy into that many bytes after the doc), its strings bounded
 * as the PDF draws them.
 */
#ifndef SSRFILL_INVOICE_WRITER_H
#define SSRFILL_INVOICE_WRITER_H

#include "../engine/invoice.h"
#include "../engine/leadir.h"
#include "../io/outdir.h"
#include "../io/outstream.h"
#include "../pdf/pdf_canvas.h"

/* What an invoice says. */
typedef struct invoice_doc {
	uint32_t lea;
	int number;             /* the LEA's invoice of the season, < 0 a reprint's (invoice_id_format) */
	const char *lea_name;   /* from the score reports: the bill-to without a directory row */
	const char *po_numbers; /* every PO of the LEA's active orders, "; "-joined */
	const ship_to *bill_to; /* the LEA directory's row (--leas); NULL: name and code only */
	int64_t invoice_date;   /* unix seconds, a UTC midnight */
	int64_t due_date;       /* invoice_date + terms_days */
	invoice_line *lines;    /* in invoice order (invoice_sort) */
	size_t n;
	int64_t total_cents;
} invoice_doc;

void invoice_csv_header(outstream *csv);
/* Writes the invoice's lines to csv (errors surface at its close);
 * inv->total_cents gets the invoice total (invoice_total_cents). */
void invoice_write(outstream *csv, const config *c, invoice_doc *inv);
/* The bytes invoice_doc_copy needs after the copied struct. */
size_t invoice_doc_copy_size(const invoice_doc *inv);
/* *dst = *src with its lines, bill-to and strings in mem (aligned for an
 * invoice_line, invoice_doc_copy_size(src) bytes), strings cut as drawn. */
void invoice_doc_copy(invoice_doc *dst, const invoice_doc *src, void *mem);
/* invoices/<lea_code>.pdf */
status invoice_pdf_write(pdf_canvas *pc, outdir *d, const config *c, const invoice_doc *inv);

#endif
