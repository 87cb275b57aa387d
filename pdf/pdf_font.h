/*
 * pdf_font.h: the fonts of the operator documents, embedded by ssrfill's
 * own PDF writer (pdf_canvas.c): DejaVu Sans, then Droid Sans Fallback
 * (Chinese, Japanese) and NanumGothic (Korean) for what DejaVu lacks —
 * the faces fontconfig finds for those names.  HarfBuzz reads the faces
 * and cuts, per document, a subset holding just the glyphs it used.
 *
 *   pdf_fonts *f;
 *   st = pdf_fonts_new(&f, lean);        // faces found and loaded
 *   per document:
 *       pdf_fonts_reset(f);
 *       pdf_glyph g;
 *       if (pdf_fonts_lookup(f, cp, &g))  // face, glyph and advance of a character
 *           cid = pdf_fonts_use(f, &g, cp);   // its code in this document's font
 *       for each face with pdf_fonts_used(f, face):
 *           st = pdf_fonts_embed(f, face, &doc, &obj);   // a Type0 font object
 *   pdf_fonts_free(f);
 *
 * Each character gets its own code (CID) in a document, so the font's
 * ToUnicode map gives text extraction back exactly the characters that
 * were drawn: in the main face a character below U+0100 is its own code
 * (documents that use nothing else share one Latin-1 font made at load),
 * other characters are numbered from 0x100 in the order of first use.
 */
#ifndef SSRFILL_PDF_FONT_H
#define SSRFILL_PDF_FONT_H

#include <stdint.h>

#include "../base/status.h"
#include "pdf_doc.h"

enum { PDF_FACE_MAIN, PDF_FACE_CJK, PDF_FACE_KOREAN, PDF_FACES };

typedef struct pdf_fonts pdf_fonts;
/* What a document uses of the faces (its characters and their codes).
 * pdf_fonts holds its own; a book (pdf_canvas.h) that is drawn a part at
 * a time on whichever canvas is free holds one of its own and lends it
 * to that canvas's fonts while it draws (pdf_fonts_swap). */
typedef struct pdf_font_state pdf_font_state;

typedef struct pdf_glyph {
	float adv;      /* advance in em */
	uint16_t gid;   /* glyph index in the face */
	uint8_t face;
} pdf_glyph;

/* lean: no subsetting index ("preprocessed" face, about 3 MiB for DejaVu
 * Sans), so subsets are cut about 0.3 ms slower. */
status pdf_fonts_new(pdf_fonts **out, int lean);
/* Are the faces' files there (fontconfig), without loading them?  The
 * same failure pdf_fonts_new would give: a run asks before it reads its
 * rows, so a missing font is not found only after minutes of sorting. */
status pdf_fonts_check(void);
void pdf_fonts_free(pdf_fonts *f);
status pdf_font_state_new(pdf_font_state **out);
void pdf_font_state_free(pdf_font_state *st);
void pdf_font_state_reset(pdf_font_state *st);
/* From now on f's documents use st (NULL: f's own); returns the state it
 * used before (NULL: its own). */
pdf_font_state *pdf_fonts_swap(pdf_fonts *f, pdf_font_state *st);
void pdf_fonts_reset(pdf_fonts *f);
/* 1 and *g when a face has a glyph for the character cp (from the basic
 * multilingual plane), else 0. */
int pdf_fonts_lookup(pdf_fonts *f, uint32_t cp, pdf_glyph *g);
/* cp's code in this document's font for g.face; 0 when out of memory or
 * out of two-byte codes. */
uint16_t pdf_fonts_use(pdf_fonts *f, const pdf_glyph *g, uint32_t cp);
int pdf_fonts_used(const pdf_fonts *f, int face);
/* Writes the face's font for this document into d — a Type0 font, its
 * CIDFontType2, descriptor, embedded TrueType subset, CID-to-glyph map and
 * ToUnicode map — and sets *obj to the Type0 font's object. */
status pdf_fonts_embed(pdf_fonts *f, int face, pdf_doc *d, uint32_t *obj);

#endif
