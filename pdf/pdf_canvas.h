/*
 * pdf_canvas.h: printable PDF documents for operators (docs/rules.md §13).  A canvas
 * holds the fonts and is reused for document after document; it is not
 * shared between threads.  A document is drawn by a function of the
 * caller's, which the canvas may call twice (see pdf_canvas.c: most
 * documents are written by ssrfill's own PDF writer, the rare ones whose
 * text needs a shaper by cairo and pango), so it must only draw.
 *
 *   static void draw(pdf_canvas *c, void *arg)
 *   {
 *       pdf_text(c, PF_BODY, x, baseline, width, PA_LEFT, "Núñez, José");
 *       pdf_rule(...), pdf_box(...), pdf_barcode128(c, "august-1234567-0001", ...);
 *       pdf_page(c);                               // next page
 *   }
 *   pdf_canvas *c;
 *   st = pdf_canvas_new(&c, date_epoch, lean);    // fonts loaded once
 *   st = pdf_document(c, dir, "labels/august/1234567.pdf", PDF_4X6_W, PDF_4X6_H, title,
 *                     draw, arg);                 // the first error, if any
 *   pdf_canvas_free(c);
 *
 * Units are PostScript points (1/72 inch), y grows downwards; text is
 * placed by its baseline inside a box [x, x + width] and cut with an
 * ellipsis when it does not fit (width 0: no limit).  Every string is
 * first bounded (pdf_text_bound), so no field, however long, costs the
 * drawing (or pango, cairo and HarfBuzz under it) more than a
 * PDF_TEXT_CHARS-character string would.  Files go through
 * outdir, so they are staged, mode 0600 and removed on failure like every
 * other output.
 */
#ifndef SSRFILL_PDF_CANVAS_H
#define SSRFILL_PDF_CANVAS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../base/status.h"
#include "../io/outdir.h"

#define PDF_LETTER_W 612.0
#define PDF_LETTER_H 792.0
#define PDF_4X6_W 288.0
#define PDF_4X6_H 432.0

/* One face, DejaVu Sans (with fallbacks for Chinese, Japanese and Korean),
 * in several sizes: every face a document uses is subset and embedded in
 * it, so emphasis comes from size, rules and shading, not bold. */
enum pdf_font {
	PF_SMALL,      /* 7 pt: column heads, footers */
	PF_BODY,       /* 8.5 pt: table rows */
	PF_TEXT,       /* 10 pt */
	PF_LEAD,       /* 11 pt: box heads, totals */
	PF_HEAD,       /* 14 pt: names of LEAs */
	PF_TITLE,      /* 22 pt */
	PF_HUGE,       /* 36 pt: "Box 3 of 12" on a label */
	PF_COUNT
};

enum pdf_align { PA_LEFT, PA_CENTER, PA_RIGHT };

typedef struct pdf_canvas pdf_canvas;

/* date_epoch dates every document (the invoices' date and the PDFs'
 * creation date).  lean: about 3 MiB less memory, font subsets cut about
 * 0.3 ms a document slower (pdf_fonts_new). */
status pdf_canvas_new(pdf_canvas **out, time_t date_epoch, int lean);
void pdf_canvas_free(pdf_canvas *c);
/* "2019-08-01", the date of date_epoch in UTC. */
const char *pdf_canvas_date(const pdf_canvas *c);

typedef void (*pdf_draw_fn)(pdf_canvas *c, void *arg);

/* Draws a document of pages width x height into rel under d. */
status pdf_document(pdf_canvas *c, outdir *d, const char *rel, double width, double height,
		    const char *title, pdf_draw_fn draw, void *arg);
/* A book: one long document of many draws' pages, in the order they are
 * added (labels/<shipment>.pdf: every label of a shipment), written to
 * its file a page at a time as it grows.  A book is not a canvas: it is
 * drawn on any canvas (with that canvas's faces, and a record of its own
 * of the characters it used, so the fonts of the whole book are subset
 * once, at the end), one at a time, between that canvas's own documents,
 * so a book needs no fonts of its own and may move between threads.
 * Always ssrfill's own writer: text that needs a shaper (pdf_cairo.c) is
 * drawn glyph by glyph, unshaped, and counted (pdf_book_unshaped); the
 * draw's own document (pdf_document) is the one that shows it shaped.
 *
 *   pdf_book *b;
 *   st = pdf_book_new(&b);
 *   st = pdf_book_begin(b, dir, "labels/august.pdf", PDF_4X6_W, PDF_4X6_H, title);
 *   st = pdf_book_add(b, canvas, draw, arg);   // its pages after the others
 *   st = pdf_book_end(b, canvas);              // fonts, page tree: the file is whole
 *   ... pdf_book_begin again for the next file
 *   pdf_book_free(b);                          // an open book's file is abandoned
 */
typedef struct pdf_book pdf_book;
status pdf_book_new(pdf_book **out);
void pdf_book_free(pdf_book *b);
status pdf_book_begin(pdf_book *b, outdir *d, const char *rel, double width, double height,
		      const char *title);
status pdf_book_add(pdf_book *b, pdf_canvas *c, pdf_draw_fn draw, void *arg);
status pdf_book_end(pdf_book *b, pdf_canvas *c);
int pdf_book_open(const pdf_book *b);
/* Strings the book drew unshaped (see above). */
uint64_t pdf_book_unshaped(const pdf_book *b);

void pdf_text(pdf_canvas *c, int font, double x, double baseline, double width, int align,
	      const char *s);
double pdf_text_width(pdf_canvas *c, int font, const char *s);
/* A line from (x0, y0) to (x1, y1). */
void pdf_rule(pdf_canvas *c, double x0, double y0, double x1, double y1, double line_width);
/* A rectangle, outlined (line_width > 0) and/or filled with gray (0 black
 * .. 1 white; fill_gray < 0: no fill). */
void pdf_box(pdf_canvas *c, double x, double y, double w, double h, double line_width,
	     double fill_gray);
/* A Code 128 barcode of data filling (x, y, w, h), its quiet zones inside.
 * A failure is the document's. */
void pdf_barcode128(pdf_canvas *c, const char *data, double x, double y, double w, double h);
void pdf_page(pdf_canvas *c);

/* The most characters of one string that a document draws: more than the
 * widest text box holds (540 pt, the page less its margins: 194 of DejaVu
 * Sans' narrowest letters, i and l, at the 10 pt of the PO numbers, 138 at
 * the 14 pt of an LEA name), so with ordinary text the width cut comes
 * first and this bound never shows on paper; and small, so a megabyte
 * field costs what a short one does. */
#define PDF_TEXT_CHARS 256
/* Room for any string pdf_text_bound makes: 4 bytes a character, "...", NUL. */
#define PDF_TEXT_BYTES (4 * PDF_TEXT_CHARS + 4)

/* s as a document draws it, into out (cap >= 8 bytes): valid UTF-8 (each
 * byte of an invalid sequence becomes U+FFFD), control characters and line
 * or paragraph separators as spaces (a name may hold a line break inside
 * CSV quotes), and when s has more than PDF_TEXT_CHARS characters or does
 * not fit in cap, cut at the last grapheme boundary (inside the first
 * grapheme only when that one alone is too long) with trailing spaces
 * dropped and "..." appended.  Returns out's length in bytes. */
size_t pdf_text_bound(char *out, size_t cap, const char *s);

/* "1,234,567" */
void pdf_count(char *buf, size_t cap, uint64_t v);
/* "17.985 kg (39.6 lb)" from integer milligrams. */
void pdf_weight(char *buf, size_t cap, int64_t mg);

#endif
