/*
 * packing_pdf.h: the documents the packers work from, for one (shipment,
 * LEA) — its packing list (letter paper, every box and what is in it) and
 * its box labels (one 4x6 inch label per box, with a Code 128 barcode of
 * the box id).
 *
 *   per (shipment, LEA), once its sets are packed:
 *       st = packing_pdf_write(canvas, dir, p, &config);  // packing/<shipment>/<lea>.pdf
 *       st = labels_pdf_write(canvas, dir, p, &config);   // labels/<shipment>/<lea>.pdf
 *
 * and the same pages again into one book per shipment and desk, in print
 * order (doc_pool.c), drawn on whichever canvas is free:
 *   st = packing_book_begin(book, dir, shipment);   // packing/<shipment>.pdf
 *   st = labels_book_begin(book2, dir, shipment);   // labels/<shipment>.pdf
 *   per (shipment, LEA): packing_book_add(book, canvas, p, &config);
 *                        labels_book_add(book2, canvas, p, &config);
 *   st = pdf_book_end(book, canvas); st = pdf_book_end(book2, canvas);
 */
#ifndef SSRFILL_PACKING_PDF_H
#define SSRFILL_PACKING_PDF_H

#include "../engine/config.h"
#include "../engine/packing.h"
#include "../io/outdir.h"
#include "../pdf/pdf_canvas.h"

status packing_pdf_write(pdf_canvas *c, outdir *d, const packing *p, const config *cfg);
status labels_pdf_write(pdf_canvas *c, outdir *d, const packing *p, const config *cfg);
status packing_book_begin(pdf_book *b, outdir *d, int shipment);
status packing_book_add(pdf_book *b, pdf_canvas *c, const packing *p, const config *cfg);
status labels_book_begin(pdf_book *b, outdir *d, int shipment);
status labels_book_add(pdf_book *b, pdf_canvas *c, const packing *p, const config *cfg);

#endif
