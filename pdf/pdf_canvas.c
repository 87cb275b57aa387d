/*
 * pdf_canvas.c: PDF drawing for the operator documents (see pdf_canvas.h).
 *
 * A statewide run writes about 7,000 PDF files — packing lists, label
 * files, invoices — and must not take much longer for it (issue 6: at most
 * 30% more than the CSVs alone).  cairo spends about 1 ms on each: it
 * subsets fonts through its own general-purpose subsetter, prints every
 * number through its own printf, and shapes text through pango.  So a
 * document is written by ssrfill itself, in two steps:
 *
 *   1. The caller's draw function runs against the native writer: page
 *      content streams (stored, not deflated) of a few operators per
 *      element (BT/Tf/Td/Tj/ET for text, re/f/S for boxes, rules and
 *      barcode bars) into memory (pdf_doc.c), text as two-byte codes of a
 *      Type0 font per face: a Latin-1 font made once, or a subset HarfBuzz
 *      cuts at the end (pdf_font.c).  About 75 µs a document, file
 *      creation included.
 *   2. If some text needs what only a shaper does — right-to-left or
 *      Indic scripts, combining marks with no precomposed form, characters
 *      in none of the faces — the native attempt is dropped and the draw
 *      function runs again against cairo and pango (pdf_cairo.c).
 *
 * Text the native writer takes: characters of scripts drawn one glyph per
 * character, left to right, without contextual forms — Latin with every
 * accent, Vietnamese, Greek, Cyrillic, Armenian, Georgian, Chinese,
 * Japanese kana, Korean Hangul syllables, punctuation and symbols — after
 * NFC composition (so "Nguyễn" typed with combining marks becomes
 * precomposed letters).  Glyphs are placed by their advance widths without
 * kerning, as a typewriter would; at these sizes that is invisible.
 *
 * The two ways use the same faces at the same sizes.  With
 * SOURCE_DATE_EPOCH set, both write the same bytes on every run.
 *
 * Books (pdf_book_*, a shipment's labels in one file): a document of its
 * own state (docstate: the file's objects, the current page, the page
 * list) and its own record of the characters it used (pdf_font_state),
 * which a canvas takes in place of its own while it draws a part of the
 * book, so the same faces serve the canvas's documents and any book.
 * Each finished page goes out to the book's file at once; the page tree,
 * the fonts (one subset a face for the whole book) and the trailer at the
 * end.  Only the native way: a book cannot be drawn again by cairo, so
 * text that needs a shaper is drawn there one glyph a character.
 */
#include "pdf_canvas.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <zint.h>

#include "../base/mem.h"
#include "pdf_cairo.h"
#include "pdf_doc.h"
#include "pdf_font.h"
#include "../base/bytebuf.h"

/* Characters of one string after NFC composition, which turns a few
 * characters into up to three (U+FB2C), so that every bounded string
 * (pdf_text_bound: PDF_TEXT_CHARS and "...") fits; longer ones would go to
 * cairo. */
#define TEXT_MAX (3 * (PDF_TEXT_CHARS + 3))

static const double font_size[PF_COUNT] = {
	[PF_SMALL] = 7, [PF_BODY] = 8.5, [PF_TEXT] = 10, [PF_LEAD] = 11,
	[PF_HEAD] = 14, [PF_TITLE] = 22, [PF_HUGE] = 36,
};

enum { WAY_NATIVE, WAY_CAIRO };

/* One document being drawn natively: a file in memory, or a book's. */
typedef struct docstate {
	status st;             /* the first drawing error */
	double height;
	pdf_doc doc;
	bytebuf page;          /* the current page's content */
	uint32_t *pages;       /* page objects */
	uint32_t n_pages, cap_pages;
	uint32_t resources;
	double page_width;
	int cur_face;          /* the text font set on this page, -1: none */
	double cur_size;
} docstate;

static void docstate_release(docstate *ds)
{
	pdf_doc_release(&ds->doc);
	bytebuf_release(&ds->page);
	mem_free(ds->pages);
	memset(ds, 0, sizeof *ds);
}

/* A book (pdf_book_begin): its document, the file it goes to as it
 * grows, and what it uses of the fonts. */
struct pdf_book {
	docstate d;
	pdf_font_state *fonts;
	outstream *out;
	char rel[128], title[160];
	uint64_t unshaped;
};

struct pdf_canvas {
	pdf_fonts *fonts;
	pdf_cairo *cairo;      /* made on first need */
	char date[16];         /* 2019-08-01 */
	char date_iso[32];     /* 2019-08-01T00:00:00Z, cairo's metadata */
	char date_pdf[24];     /* D:20190801000000Z */
	/* the document being drawn */
	int way;
	int redo;              /* native: text it cannot draw, so cairo draws it */
	docstate own;
	docstate *ds;          /* &own, or the book's being added to */
	pdf_book *book;        /* that book, or NULL */
	/* one string's characters and glyphs */
	uint32_t cp[TEXT_MAX + 3];        /* + an ellipsis */
	pdf_glyph glyph[TEXT_MAX + 3];
};

status pdf_canvas_new(pdf_canvas **out, time_t date_epoch, int lean)
{
	*out = NULL;
	pdf_canvas *c = mem_calloc(1, sizeof *c);
	if (!c)
		return status_fail(ST_NOMEM, "out of memory");
	struct tm tm;
	gmtime_r(&date_epoch, &tm);
	strftime(c->date, sizeof c->date, "%Y-%m-%d", &tm);
	strftime(c->date_iso, sizeof c->date_iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(c->date_pdf, sizeof c->date_pdf, "D:%Y%m%d%H%M%SZ", &tm);
	pdf_doc_init(&c->own.doc);
	c->ds = &c->own;
	const status st = pdf_fonts_new(&c->fonts, lean);
	if (st != ST_OK) {
		pdf_canvas_free(c);
		return st;
	}
	*out = c;
	return ST_OK;
}

void pdf_canvas_free(pdf_canvas *c)
{
	if (!c)
		return;
	pdf_fonts_free(c->fonts);
	pdf_cairo_free(c->cairo);
	docstate_release(&c->own);
	mem_free(c);
}

const char *pdf_canvas_date(const pdf_canvas *c)
{
	return c->date;
}

static void fail(pdf_canvas *c, status st)
{
	if (c->ds->st == ST_OK)
		c->ds->st = st;
}

static void book_flush(pdf_canvas *c);

/* ---- native: pages and the file ------------------------------------------------ */

static void end_page(pdf_canvas *c)
{
	pdf_doc *d = &c->ds->doc;
	if (c->ds->n_pages == c->ds->cap_pages) {
		const uint32_t cap = c->ds->cap_pages ? c->ds->cap_pages * 2 : 64;
		uint32_t *p = mem_realloc(c->ds->pages, cap * sizeof *p);
		if (!p) {
			fail(c, status_fail(ST_NOMEM, "out of memory drawing a PDF document"));
			return;
		}
		c->ds->pages = p;
		c->ds->cap_pages = cap;
	}
	const uint32_t content = pdf_doc_new_obj(d), page = pdf_doc_new_obj(d);
	/* stored: deflating page contents (about fourfold) took a third of a
	 * document's time, for files about 17% smaller */
	pdf_doc_stream(d, content, "", c->ds->page.p, c->ds->page.len, PDF_STORED);
	pdf_doc_begin(d, page);
	pdf_buf_puts(&d->body, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ");
	pdf_buf_num(&d->body, c->ds->page_width);
	pdf_buf_putc(&d->body, ' ');
	pdf_buf_num(&d->body, c->ds->height);
	pdf_buf_puts(&d->body, "] /Resources ");
	pdf_buf_u64(&d->body, c->ds->resources);
	pdf_buf_puts(&d->body, " 0 R /Contents ");
	pdf_buf_u64(&d->body, content);
	pdf_buf_puts(&d->body, " 0 R >>");
	pdf_doc_end(d);
	c->ds->pages[c->ds->n_pages++] = page;
	c->ds->page.len = 0;
	c->ds->cur_face = -1;
	if (c->book)
		book_flush(c);
}

static void docstate_begin(docstate *ds, double width, double height)
{
	ds->st = ST_OK;
	ds->page_width = width;
	ds->height = height;
	ds->n_pages = 0;
	ds->page.len = 0;
	ds->page.oom = 0;
	ds->cur_face = -1;
	pdf_doc_start(&ds->doc);
	/* 1 catalog, 2 page tree, 3 information, 4 resources: written last */
	for (int i = 0; i < 4; i++)
		pdf_doc_new_obj(&ds->doc);
	ds->resources = 4;
}

static void native_begin(pdf_canvas *c, double width, double height)
{
	c->way = WAY_NATIVE;
	c->redo = 0;
	docstate_begin(c->ds, width, height);
	pdf_fonts_reset(c->fonts);
}

static uint64_t file_id(const char *rel, const char *title, size_t n_bytes)
{
	const uint64_t h = pdf_hash(pdf_hash(PDF_HASH_SEED, rel, strlen(rel)), title, strlen(title));
	return pdf_hash(h, &n_bytes, sizeof n_bytes);
}

/* The objects after the pages: fonts, resources, page tree, information,
 * catalog, cross-reference table. */
static status native_close(pdf_canvas *c, const char *rel, const char *title)
{
	pdf_doc *d = &c->ds->doc;
	bytebuf *o = &d->body;
	uint32_t font_obj[PDF_FACES] = { 0 };
	for (int f = 0; f < PDF_FACES && c->ds->st == ST_OK; f++)
		if (pdf_fonts_used(c->fonts, f))
			fail(c, pdf_fonts_embed(c->fonts, f, d, &font_obj[f]));
	if (c->ds->st != ST_OK)
		return c->ds->st;
	pdf_doc_begin(d, c->ds->resources);
	pdf_buf_puts(o, "<< /Font <<");
	for (int f = 0; f < PDF_FACES; f++) {
		if (!font_obj[f])
			continue;
		pdf_buf_puts(o, " /F");
		pdf_buf_u64(o, (uint64_t)f);
		pdf_buf_putc(o, ' ');
		pdf_buf_u64(o, font_obj[f]);
		pdf_buf_puts(o, " 0 R");
	}
	pdf_buf_puts(o, " >> /ProcSet [/PDF /Text] >>");
	pdf_doc_end(d);
	pdf_doc_begin(d, 2);
	pdf_buf_puts(o, "<< /Type /Pages /Kids [");
	for (uint32_t i = 0; i < c->ds->n_pages; i++) {
		pdf_buf_u64(o, c->ds->pages[i]);
		pdf_buf_puts(o, i + 1 < c->ds->n_pages ? " 0 R " : " 0 R");
	}
	pdf_buf_puts(o, "] /Count ");
	pdf_buf_u64(o, c->ds->n_pages);
	pdf_buf_puts(o, " >>");
	pdf_doc_end(d);
	pdf_doc_begin(d, 3);
	pdf_buf_puts(o, "<< /Title ");
	pdf_buf_string(o, title);
	pdf_buf_puts(o, " /Creator (ssrfill) /Producer (ssrfill) /CreationDate ");
	pdf_buf_string(o, c->date_pdf);
	pdf_buf_puts(o, " >>");
	pdf_doc_end(d);
	pdf_doc_begin(d, 1);
	pdf_buf_puts(o, "<< /Type /Catalog /Pages 2 0 R >>");
	pdf_doc_end(d);
	pdf_doc_finish(d, 1, 3, file_id(rel, title, d->flushed + o->len));
	if (pdf_doc_oom(d) || c->ds->page.oom)
		return status_fail(ST_NOMEM, "out of memory drawing %s", rel);
	return ST_OK;
}

static status native_finish(pdf_canvas *c, outdir *dir, const char *rel, const char *title)
{
	const bytebuf *o = &c->ds->doc.body;
	end_page(c);
	status st = native_close(c, rel, title);
	if (st != ST_OK)
		return st;
	outstream *out;
	if ((st = outdir_open(dir, rel, 0, &out)) != ST_OK)
		return st;
	outstream_write(out, o->p, o->len);
	return outstream_close(out);
}

status pdf_document(pdf_canvas *c, outdir *d, const char *rel, double width, double height,
		    const char *title, pdf_draw_fn draw, void *arg)
{
	native_begin(c, width, height);
	draw(c, arg);
	if (!c->redo)
		return c->ds->st != ST_OK ? c->ds->st : native_finish(c, d, rel, title);

	status st = c->cairo ? ST_OK : pdf_cairo_new(&c->cairo);
	if (st == ST_OK)
		st = pdf_cairo_begin(c->cairo, d, rel, width, height, title, c->date_iso);
	if (st != ST_OK)
		return st;
	c->way = WAY_CAIRO;
	c->ds->st = ST_OK;
	draw(c, arg);
	st = pdf_cairo_end(c->cairo, c->ds->st != ST_OK);
	c->way = WAY_NATIVE;
	return c->ds->st != ST_OK ? c->ds->st : st;
}

/* ---- books ---------------------------------------------------------------------- */

status pdf_book_new(pdf_book **out)
{
	pdf_book *b = mem_calloc(1, sizeof *b);
	if (!b)
		return status_fail(ST_NOMEM, "out of memory for a book");
	pdf_doc_init(&b->d.doc);
	const status st = pdf_font_state_new(&b->fonts);
	if (st != ST_OK) {
		mem_free(b);
		return st;
	}
	*out = b;
	return ST_OK;
}

void pdf_book_free(pdf_book *b)
{
	if (!b)
		return;
	if (b->out)
		outstream_abort(b->out);
	docstate_release(&b->d);
	pdf_font_state_free(b->fonts);
	mem_free(b);
}

status pdf_book_begin(pdf_book *b, outdir *d, const char *rel, double width, double height,
		      const char *title)
{
	assert(!b->out);
	docstate_begin(&b->d, width, height);
	pdf_font_state_reset(b->fonts);
	snprintf(b->rel, sizeof b->rel, "%s", rel);
	snprintf(b->title, sizeof b->title, "%s", title);
	return outdir_open(d, rel, 0, &b->out);
}

int pdf_book_open(const pdf_book *b)
{
	return b->out != NULL;
}

uint64_t pdf_book_unshaped(const pdf_book *b)
{
	return b->unshaped;
}

/* The canvas draws into b, with b's fonts, until book_leave. */
static void book_enter(pdf_canvas *c, pdf_book *b)
{
	assert(!c->book && c->way == WAY_NATIVE);
	c->book = b;
	c->ds = &b->d;
	c->redo = 0;
	pdf_fonts_swap(c->fonts, b->fonts);
}

static void book_leave(pdf_canvas *c)
{
	pdf_fonts_swap(c->fonts, NULL);
	c->ds = &c->own;
	c->book = NULL;
}

/* The book's bytes so far out to its file (after each page: a book holds
 * a page in memory, however long it grows). */
static void book_flush(pdf_canvas *c)
{
	pdf_book *b = c->book;
	if (pdf_doc_oom(&b->d.doc) || b->d.page.oom) {
		fail(c, status_fail(ST_NOMEM, "out of memory drawing %s", b->rel));
		return;
	}
	outstream_write(b->out, b->d.doc.body.p, b->d.doc.body.len);
	pdf_doc_flushed(&b->d.doc);
}

status pdf_book_add(pdf_book *b, pdf_canvas *c, pdf_draw_fn draw, void *arg)
{
	assert(b->out);
	if (b->d.st != ST_OK)
		return b->d.st;
	book_enter(c, b);
	b->d.page.len = 0;
	b->d.cur_face = -1;
	draw(c, arg);
	end_page(c);
	book_flush(c);
	book_leave(c);
	return b->d.st;
}

status pdf_book_end(pdf_book *b, pdf_canvas *c)
{
	assert(b->out);
	book_enter(c, b);
	status st = b->d.st;
	if (st == ST_OK)
		st = native_close(c, b->rel, b->title);
	if (st == ST_OK) {
		book_flush(c);
		st = b->d.st;
	}
	book_leave(c);
	outstream *o = b->out;
	b->out = NULL;
	/* its memory back until the next shipment's book */
	docstate_release(&b->d);
	pdf_doc_init(&b->d.doc);
	if (st != ST_OK) {
		outstream_abort(o);
		return st;
	}
	return outstream_close(o);
}

/* ---- native: text --------------------------------------------------------------- */

/* Characters the native writer draws one glyph each, left to right, with
 * no contextual forms (see the head of this file).  Marks, joiners and
 * direction controls are outside every range or excluded by category;
 * so are the IPA tone letters U+02E5..02E9, which DejaVu joins into
 * contours by contextual substitution. */
static int simple_char(uint32_t cp)
{
	static const uint32_t range[][2] = {
		{ 0x0020, 0x007E }, { 0x00A0, 0x02E4 }, { 0x02EA, 0x02FF }, { 0x0370, 0x052F },
		{ 0x0531, 0x058A },
		{ 0x10A0, 0x10FF }, { 0x1E00, 0x1FFE }, { 0x2000, 0x200A }, { 0x2010, 0x2027 },
		{ 0x2030, 0x205E }, { 0x2070, 0x2BFF }, { 0x2E80, 0x2FDF }, { 0x3000, 0x3029 },
		{ 0x3030, 0x3098 }, { 0x309B, 0x318F }, { 0x3190, 0x4DBF }, { 0x4E00, 0x9FFF },
		{ 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF }, { 0xFF01, 0xFFEE }, { 0xFFFD, 0xFFFD },
	};
	if (cp < 0x7F)
		return cp >= 0x20;
	for (size_t i = 0; i < sizeof range / sizeof *range; i++) {
		if (cp < range[i][0])
			return 0;
		if (cp <= range[i][1]) {
			const utf8proc_category_t k = utf8proc_category((utf8proc_int32_t)cp);
			return k != UTF8PROC_CATEGORY_MN && k != UTF8PROC_CATEGORY_MC &&
			       k != UTF8PROC_CATEGORY_ME && k != UTF8PROC_CATEGORY_CF;
		}
	}
	return 0;
}

/* s's characters into c->cp; -1 when a character is not simple_char or
 * s is not UTF-8 or is too long. */
static int decode(pdf_canvas *c, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int n = 0;
	while (*p) {
		if (n == TEXT_MAX)
			return -1;
		uint32_t cp = *p;
		if (cp < 0x80) {
			p++;
		} else {
			utf8proc_int32_t u;
			const utf8proc_ssize_t k = utf8proc_iterate(p, -1, &u);
			if (k <= 0)
				return -1;
			p += k;
			cp = (uint32_t)u;
		}
		if (!simple_char(cp))
			return -1;
		c->cp[n++] = cp;
	}
	return n;
}

/* s as glyphs in c->glyph; -1 when the native writer cannot draw it. */
static int shape(pdf_canvas *c, const char *s)
{
	int n = decode(c, s);
	if (n < 0) {
		/* composed, marks may become letters it has (NFC, UAX #15) */
		utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)s);
		if (!nfc)
			return -1;
		n = decode(c, (const char *)nfc);
		free(nfc);
		if (n < 0)
			return -1;
	}
	for (int i = 0; i < n; i++)
		if (!pdf_fonts_lookup(c->fonts, c->cp[i], &c->glyph[i]))
			return -1;
	return n;
}

/* In a book, s when shape() cannot take it: NFC, then each character
 * drawn by the glyph a face has for it, one after another, left to right
 * (no joining or reordering), U+FFFD or '?' for one no face has. */
static int shape_loose(pdf_canvas *c, const char *s)
{
	utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)s);
	const unsigned char *p = nfc ? nfc : (const unsigned char *)s;
	int n = 0;
	while (*p && n < TEXT_MAX) {
		utf8proc_int32_t u;
		utf8proc_ssize_t k = utf8proc_iterate(p, -1, &u);
		if (k <= 0) {
			u = 0xFFFD;
			k = 1;
		}
		p += k;
		uint32_t cp = (uint32_t)u;
		if (cp < 0x20)
			cp = ' ';
		if (!pdf_fonts_lookup(c->fonts, cp, &c->glyph[n])) {
			cp = 0xFFFD;
			if (!pdf_fonts_lookup(c->fonts, cp, &c->glyph[n])) {
				cp = '?';
				if (!pdf_fonts_lookup(c->fonts, cp, &c->glyph[n]))
					continue;
			}
		}
		c->cp[n++] = cp;
	}
	free(nfc);
	return n;
}

/* s as glyphs: shape(), or in a book shape_loose() (counted once a
 * string drawn, see pdf_book_begin). */
static int shape_any(pdf_canvas *c, const char *s, int drawing)
{
	const int n = shape(c, s);
	if (n >= 0 || !c->book)
		return n;
	c->book->unshaped += (uint64_t)drawing;
	return shape_loose(c, s);
}

/* The advance of c->glyph[0, n), in em. */
static double glyphs_width(const pdf_canvas *c, int n)
{
	double w = 0;
	for (int i = 0; i < n; i++)
		w += c->glyph[i].adv;
	return w;
}

/* A byte of a literal string: parentheses and backslash escaped, and line
 * ends too, which a reader would otherwise take as a newline (ISO 32000-1
 * §7.3.4.2). */
static void put_code_byte(bytebuf *b, unsigned v)
{
	if (v == '(' || v == ')' || v == '\\') {
		const char e[2] = { '\\', (char)v };
		bytebuf_put(b, e, 2);
	} else if (v == '\r') {
		bytebuf_put(b, "\\r", 2);
	} else if (v == '\n') {
		bytebuf_put(b, "\\n", 2);
	} else {
		pdf_buf_putc(b, (char)v);
	}
}

static void native_text(pdf_canvas *c, int font_id, double x, double baseline, double width,
			int align, const char *s)
{
	const double size = font_size[font_id];
	int n = shape_any(c, s, 1);
	if (n < 0) {
		c->redo = 1;
		return;
	}
	double w = glyphs_width(c, n) * size;
	if (width > 0 && w > width) {
		/* cut at a character, drop spaces before the ellipsis */
		pdf_glyph dot;
		if (!pdf_fonts_lookup(c->fonts, '.', &dot)) {
			c->redo = 1;
			return;
		}
		const double ellipsis = 3 * dot.adv * size;
		while (n > 0 && w + ellipsis > width)
			w -= c->glyph[--n].adv * size;
		while (n > 0 && c->cp[n - 1] == ' ')
			w -= c->glyph[--n].adv * size;
		for (int k = 0; k < 3; k++) {
			c->cp[n] = '.';
			c->glyph[n++] = dot;
		}
		w += ellipsis;
	}
	double pen;
	if (width > 0)
		pen = align == PA_RIGHT ? x + width - w : align == PA_CENTER ? x + (width - w) / 2 : x;
	else
		pen = align == PA_RIGHT ? x - w : align == PA_CENTER ? x - w / 2 : x;

	bytebuf *b = &c->ds->page;
	pdf_buf_puts(b, "BT ");
	pdf_buf_num(b, pen);
	pdf_buf_putc(b, ' ');
	pdf_buf_num(b, c->ds->height - baseline);
	pdf_buf_puts(b, " Td");
	for (int i = 0; i < n;) {
		/* the font is graphics state: it holds from one BT to the next */
		const int face = c->glyph[i].face;
		if (face != c->ds->cur_face || size != c->ds->cur_size) {
			pdf_buf_puts(b, " /F");
			pdf_buf_u64(b, (uint64_t)face);
			pdf_buf_putc(b, ' ');
			pdf_buf_num(b, size);
			pdf_buf_puts(b, " Tf");
			c->ds->cur_face = face;
			c->ds->cur_size = size;
		}
		/* two bytes a code, as a literal string: half the size of hex */
		pdf_buf_puts(b, " (");
		for (; i < n && c->glyph[i].face == face; i++) {
			const uint16_t cid = pdf_fonts_use(c->fonts, &c->glyph[i], c->cp[i]);
			if (!cid)
				fail(c, status_fail(ST_NOMEM, "out of memory drawing a PDF document"));
			put_code_byte(b, cid >> 8);
			put_code_byte(b, cid & 0xFF);
		}
		pdf_buf_puts(b, ") Tj");
	}
	pdf_buf_puts(b, " ET\n");
}

/* ---- bounded text ---------------------------------------------------------------- */

/* What pdf_text_bound draws in place of cp: a space for a control
 * character (C0, DEL, C1) or a line or paragraph separator, else cp. */
static uint32_t drawable(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029 ? ' ' : cp;
}

/* Whether s is its own bound: short, valid UTF-8, nothing drawable()
 * changes.  Nearly every string is, and this test costs a few nanoseconds
 * a byte where grapheme breaking costs tens. */
static int bounded_already(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	while (*p) {
		if (++n > PDF_TEXT_CHARS)
			return 0;
		if (*p < 0x80) {
			if (*p < 0x20 || *p == 0x7F)
				return 0;
			p++;
			continue;
		}
		utf8proc_int32_t cp;
		const utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
		if (k <= 0 || drawable((uint32_t)cp) != (uint32_t)cp)
			return 0;
		p += k;
	}
	return 1;
}

size_t pdf_text_bound(char *out, size_t cap, const char *s)
{
	assert(cap >= 8);
	const unsigned char *p = (const unsigned char *)s;
	size_t len = 0;          /* bytes written */
	size_t boundary = 0;     /* bytes written up to the last grapheme boundary */
	size_t n = 0;            /* characters written */
	utf8proc_int32_t prev = -1, state = 0;
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
		if (k <= 0) {
			cp = 0xFFFD;   /* one byte of an invalid sequence */
			k = 1;
		}
		cp = (utf8proc_int32_t)drawable((uint32_t)cp);
		if (prev < 0 || utf8proc_grapheme_break_stateful(prev, cp, &state))
			boundary = len;
		utf8proc_uint8_t enc[4];
		const size_t w = (size_t)utf8proc_encode_char(cp, enc);
		if (n == PDF_TEXT_CHARS || len + w + 4 > cap) {
			/* cut: whole graphemes, unless the first alone is too long */
			len = boundary ? boundary : len;
			while (len > 0 && out[len - 1] == ' ')
				len--;
			memcpy(out + len, "...", 3);
			len += 3;
			break;
		}
		memcpy(out + len, enc, w);
		len += w;
		n++;
		prev = cp;
		p += k;
	}
	out[len] = '\0';
	return len;
}

/* ---- drawing -------------------------------------------------------------------- */

void pdf_text(pdf_canvas *c, int font_id, double x, double baseline, double width, int align,
	      const char *s)
{
	if (!*s)
		return;
	char cut[PDF_TEXT_BYTES];
	if (!bounded_already(s)) {
		pdf_text_bound(cut, sizeof cut, s);
		s = cut;
	}
	if (c->way == WAY_CAIRO)
		pdf_cairo_text(c->cairo, font_size[font_id], x, baseline, width, align, s);
	else if (!c->redo)
		native_text(c, font_id, x, baseline, width, align, s);
}

double pdf_text_width(pdf_canvas *c, int font_id, const char *s)
{
	char cut[PDF_TEXT_BYTES];
	if (!bounded_already(s)) {
		pdf_text_bound(cut, sizeof cut, s);
		s = cut;
	}
	if (c->way == WAY_CAIRO)
		return pdf_cairo_text_width(c->cairo, font_size[font_id], s);
	const int n = c->redo ? -1 : shape_any(c, s, 0);
	if (n < 0) {
		c->redo = 1;
		return 0;
	}
	return glyphs_width(c, n) * font_size[font_id];
}

void pdf_rule(pdf_canvas *c, double x0, double y0, double x1, double y1, double line_width)
{
	if (c->way == WAY_CAIRO) {
		pdf_cairo_rule(c->cairo, x0, y0, x1, y1, line_width);
		return;
	}
	bytebuf *b = &c->ds->page;
	pdf_buf_num(b, line_width);
	pdf_buf_puts(b, " w ");
	pdf_buf_num(b, x0);
	pdf_buf_putc(b, ' ');
	pdf_buf_num(b, c->ds->height - y0);
	pdf_buf_puts(b, " m ");
	pdf_buf_num(b, x1);
	pdf_buf_putc(b, ' ');
	pdf_buf_num(b, c->ds->height - y1);
	pdf_buf_puts(b, " l S\n");
}

static void native_rect(pdf_canvas *c, double x, double y, double w, double h)
{
	bytebuf *b = &c->ds->page;
	pdf_buf_num(b, x);
	pdf_buf_putc(b, ' ');
	pdf_buf_num(b, c->ds->height - y - h);
	pdf_buf_putc(b, ' ');
	pdf_buf_num(b, w);
	pdf_buf_putc(b, ' ');
	pdf_buf_num(b, h);
	pdf_buf_puts(b, " re");
}

void pdf_box(pdf_canvas *c, double x, double y, double w, double h, double line_width,
	     double fill_gray)
{
	if (c->way == WAY_CAIRO) {
		pdf_cairo_box(c->cairo, x, y, w, h, line_width, fill_gray);
		return;
	}
	if (fill_gray < 0 && line_width <= 0)
		return;   /* neither filled nor outlined: nothing to see */
	bytebuf *b = &c->ds->page;
	if (fill_gray >= 0) {
		pdf_buf_num(b, fill_gray);
		pdf_buf_puts(b, " g ");
	}
	if (line_width > 0) {
		pdf_buf_num(b, line_width);
		pdf_buf_puts(b, " w ");
	}
	native_rect(c, x, y, w, h);
	pdf_buf_puts(b, fill_gray < 0 ? " S\n" : line_width > 0 ? " B 0 g\n" : " f 0 g\n");
}

void pdf_barcode128(pdf_canvas *c, const char *data, double x, double y, double w, double h)
{
	if (c->way == WAY_NATIVE && c->redo)
		return;
	struct zint_symbol *z = ZBarcode_Create();
	if (!z) {
		fail(c, status_fail(ST_NOMEM, "out of memory encoding a barcode"));
		return;
	}
	z->symbology = BARCODE_CODE128;
	z->show_hrt = 0;
	z->whitespace_width = 10;   /* the quiet zones Code 128 needs, in modules */
	int e = ZBarcode_Encode(z, (const unsigned char *)data, (int)strlen(data));
	if (e < ZINT_ERROR)
		e = ZBarcode_Buffer_Vector(z, 0);
	if (e >= ZINT_ERROR || !z->vector || z->vector->width <= 0 || z->vector->height <= 0) {
		fail(c, status_fail(ST_INTERNAL, "cannot encode the barcode %s: %s", data, z->errtxt));
	} else {
		const double sx = w / z->vector->width, sy = h / z->vector->height;
		for (const struct zint_vector_rect *r = z->vector->rectangles; r; r = r->next) {
			if (c->way == WAY_CAIRO) {
				pdf_cairo_rect(c->cairo, x + r->x * sx, y + r->y * sy, r->width * sx, r->height * sy);
			} else {
				native_rect(c, x + r->x * sx, y + r->y * sy, r->width * sx, r->height * sy);
				pdf_buf_putc(&c->ds->page, '\n');
			}
		}
		if (c->way == WAY_CAIRO)
			pdf_cairo_fill(c->cairo);
		else
			pdf_buf_puts(&c->ds->page, "f\n");
	}
	ZBarcode_Delete(z);
}

void pdf_page(pdf_canvas *c)
{
	if (c->way == WAY_CAIRO)
		pdf_cairo_page(c->cairo);
	else if (!c->redo)
		end_page(c);
}

/* ---- numbers -------------------------------------------------------------------- */

void pdf_count(char *buf, size_t cap, uint64_t v)
{
	char tmp[32];
	const int n = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
	size_t at = 0;
	for (int i = 0; i < n && at + 2 < cap; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[at++] = ',';
		buf[at++] = tmp[i];
	}
	buf[at] = '\0';
}

void pdf_weight(char *buf, size_t cap, int64_t mg)
{
	/* exact from integer milligrams: kilograms to the gram, pounds rounded
	 * up to 0.1 as the shipping files and carriers take them (docs/rules.md
	 * §16.2: 453.59237 g a pound), so a box shows one weight everywhere */
	const int64_t g = (mg + 500) / 1000;
	const int64_t tenth_lb = mg > 0 ? (mg * 1000 + 45359236) / 45359237 : 0;
	snprintf(buf, cap, "%lld.%03lld kg (%lld.%lld lb)", (long long)(g / 1000),
		 (long long)(g % 1000), (long long)(tenth_lb / 10), (long long)(tenth_lb % 10));
}
