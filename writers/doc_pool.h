/*
 * doc_pool.h: the PDF documents of a run, drawn on worker threads while
 * the main thread goes on packing and printing.
 *
 *   doc_pool *dp;
 *   st = doc_pool_new(&dp, dir, &config, date, workers, lean);  // 0 workers: drawn inline
 *   per (shipment, LEA):
 *       st = doc_pool_packing(dp, &p);        // an empty packing (waits for one)
 *       packing_begin(p, ...); packing_add(p, ...) ...
 *       st = doc_pool_submit_packing(dp, p);  // packing list and labels; p is the pool's again
 *   per LEA: st = doc_pool_submit_invoice(dp, &doc);   // copied
 *   st = doc_pool_finish(dp);                 // every document written, or the first error
 *   n = doc_pool_unshaped(dp);                // strings the books drew unshaped
 *   doc_pool_free(dp);                        // without finish: workers stop, nothing more is drawn
 *
 * A packing is handed over whole, so the main thread never waits for a
 * document unless every packing is queued or being drawn (workers + 2 of
 * them).  Each worker owns a pdf_canvas (its fonts and buffers, and
 * pango and cairo objects, are not shared between threads).  The first failure stops the pool: later
 * submissions return it, and so does doc_pool_finish.  Besides each
 * (shipment, LEA)'s own files, the packings go in print order into one
 * book per shipment and desk: labels/<shipment>.pdf, packing/<shipment>.pdf.
 */
#ifndef SSRFILL_DOC_POOL_H
#define SSRFILL_DOC_POOL_H

#include <time.h>

#include "../engine/config.h"
#include "../engine/packing.h"
#include "invoice_writer.h"
#include "../io/outdir.h"

typedef struct doc_pool doc_pool;

/* lean: canvases without the font index (pdf_canvas_new), for small budgets */
status doc_pool_new(doc_pool **out, outdir *d, const config *cfg, time_t date, int workers,
		    int lean);
status doc_pool_packing(doc_pool *dp, packing **p);
status doc_pool_submit_packing(doc_pool *dp, packing *p);
status doc_pool_submit_invoice(doc_pool *dp, const invoice_doc *inv);
status doc_pool_finish(doc_pool *dp);
/* Strings the books drew glyph by glyph because they need a shaper (Arabic,
 * Hebrew, Indic scripts): each LEA's own file shows them shaped. */
uint64_t doc_pool_unshaped(const doc_pool *dp);
void doc_pool_free(doc_pool *dp);

#endif
