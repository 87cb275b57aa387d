/*
 * pdf_cairo.h: the second way pdf_canvas draws a document — cairo writes
 * the PDF and pango lays out its text — for the few documents whose text
 * needs shaping that ssrfill's own PDF writer does not do (right-to-left
 * scripts, Indic and other complex scripts, combining marks with no
 * precomposed form; see pdf_canvas.c).  Made on first need.
 *
 *   pdf_cairo *k;
 *   st = pdf_cairo_new(&k);
 *   st = pdf_cairo_begin(k, dir, rel, width, height, title, date_iso);
 *       pdf_cairo_text(k, size, x, baseline, width, align, s); ...
 *       pdf_cairo_rect(k, ...); pdf_cairo_fill(k); pdf_cairo_page(k);
 *   st = pdf_cairo_end(k, 0);
 *   pdf_cairo_free(k);
 *
 * Arguments mean what they mean in pdf_canvas.h.
 */
#ifndef SSRFILL_PDF_CAIRO_H
#define SSRFILL_PDF_CAIRO_H

#include "../base/status.h"
#include "../io/outdir.h"

typedef struct pdf_cairo pdf_cairo;

status pdf_cairo_new(pdf_cairo **out);
void pdf_cairo_free(pdf_cairo *k);
status pdf_cairo_begin(pdf_cairo *k, outdir *d, const char *rel, double width, double height,
		       const char *title, const char *date_iso);
void pdf_cairo_text(pdf_cairo *k, double size, double x, double baseline, double width, int align,
		    const char *s);
double pdf_cairo_text_width(pdf_cairo *k, double size, const char *s);
void pdf_cairo_rule(pdf_cairo *k, double x0, double y0, double x1, double y1, double line_width);
void pdf_cairo_box(pdf_cairo *k, double x, double y, double w, double h, double line_width,
		   double fill_gray);
/* A rectangle added to the path that pdf_cairo_fill fills black. */
void pdf_cairo_rect(pdf_cairo *k, double x, double y, double w, double h);
void pdf_cairo_fill(pdf_cairo *k);
void pdf_cairo_page(pdf_cairo *k);
/* Finishes the file; with discard, or on a cairo error, removes it. */
status pdf_cairo_end(pdf_cairo *k, int discard);

#endif
