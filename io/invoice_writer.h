/*
 * invoice_writer.h: invoices/invoices.csv (item lines of every LEA, no
 * total rows) and invoices/<lea_code>.txt, the readable invoice.
 *
 *   invoice_csv_header(csv);
 *   per LEA: invoice_write(d, csv, &c, lea, lea_name, po_numbers, lines, n);
 */
#ifndef SSRFILL_INVOICE_WRITER_H
#define SSRFILL_INVOICE_WRITER_H

#include "../engine/invoice.h"
#include "outdir.h"
#include "outstream.h"

void invoice_id_format(char *buf, size_t cap, const config *c, uint32_t lea);
void invoice_csv_header(outstream *csv);
/* Writes the LEA's lines to csv and its readable invoice; *total_cents gets
 * the invoice total. */
status invoice_write(outdir *d, outstream *csv, const config *c, uint32_t lea,
		     const char *lea_name, const char *po_numbers,
		     const invoice_line *lines, size_t n, int64_t *total_cents);

#endif
