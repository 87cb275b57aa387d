/*
 * run_docs.h: the documents of `ssrfill run` (docs/rules.md §13), one writer each:
 * the print stream (print_stream_*) and the manifest (manifest_*), both
 * CSV.  Box ids are engine/boxer.h's box_id_format (packing.h includes
 * it).  The PDF documents are packing_pdf.h and invoice_writer.h.
 */
#ifndef SSRFILL_RUN_DOCS_H
#define SSRFILL_RUN_DOCS_H

#include <stddef.h>
#include <stdint.h>

#include "../engine/config.h"
#include "../engine/packing.h"
#include "../engine/setrec.h"
#include "../io/outdir.h"
#include "../io/outstream.h"

void print_stream_header(outstream *o);
void print_stream_divider(outstream *o, uint64_t seq, const char *box_id, int continued,
			  const setrec *first_set, int64_t divider_mg);
void print_stream_set(outstream *o, uint64_t seq, const char *box_id, const setrec *r);

void manifest_header(outstream *o);
void manifest_write_lea(outstream *o, const packing *p);

#endif
