/*
 * run_docs.h: the documents of `ssrfill run` (SPEC §3), one writer each:
 * the print stream (print_stream_*), the manifest (manifest_*), the
 * packing list (packing_list_write), invoices (invoice_*), distribution
 * reports (distribution_write) — all CSV or plain text — and box ids.
 */
#ifndef SSRFILL_RUN_DOCS_H
#define SSRFILL_RUN_DOCS_H

#include <stddef.h>
#include <stdint.h>

#include "../engine/config.h"
#include "../engine/packing.h"
#include "../engine/setrec.h"
#include "outdir.h"
#include "outstream.h"

/* "august-1964733-0001" */
void box_id_format(char *buf, size_t cap, int shipment, uint32_t lea, uint32_t box_no);

void print_stream_header(outstream *o);
void print_stream_divider(outstream *o, uint64_t seq, const char *box_id, int continued,
			  const setrec *first_set, int64_t divider_mg);
void print_stream_set(outstream *o, uint64_t seq, const char *box_id, const setrec *r);

void manifest_header(outstream *o);
void manifest_write_lea(outstream *o, const packing *p);

/* packing/<shipment>/<lea_code>.txt */
status packing_list_write(outdir *d, const packing *p, const config *c);

#endif
