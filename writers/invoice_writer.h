/*
 * invoice_writer.h: invoices/invoices.csv (item lines of every LEA, no
 * total rows) and invoices/<lea_code>.pdf, the printable invoice.
 *
 *   invoice_csv_header(csv);
 *   per LEA: invoice_write(csv, &c, lea, number, lea_name, po_numbers, lines, n, &total);
 *            invoice_pdf_write(canvas, dir, &c, &doc);   // doc_pool.h runs it on a worker
 */
#ifndef SSRFILL_INVOICE_WRITER_H
#define SSRFILL_INVOICE_WRITER_H

#include "../engine/invoice.h"
#include "../io/outdir.h"
#include "../io/outstream.h"
#include "../pdf/pdf_canvas.h"

/* What the printable invoice shows. */
typedef struct invoice_doc {
	uint32_t lea;
	int number;             /* the LEA's invoice of the season, < 0 a reprint's (invoice_id_format) */
	const char *lea_name, *po_numbers;
	invoice_line lines[2 * SHIP_COUNT];
	size_t n;
	int64_t total_cents;
} invoice_doc;

void invoice_csv_header(outstream *csv);
/* Writes the LEA's lines to csv (errors surface at its close); *total_cents
 * gets the invoice total (invoice_total_cents). */
void invoice_write(outstream *csv, const config *c, uint32_t lea, int number, const char *lea_name,
		   const char *po_numbers, const invoice_line *lines, size_t n, int64_t *total_cents);
/* invoices/<lea_code>.pdf */
status invoice_pdf_write(pdf_canvas *pc, outdir *d, const config *c, const invoice_doc *inv);

#endif
