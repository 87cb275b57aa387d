/*
 * pdf_canvas.c: PDF drawing for the operator documents (see pdf_canvas.h).
 *
 * cairo writes the PDF (fonts subset and embedded, text extractable through
 * ToUnicode maps) into an outstream of the output folder.  Text takes one
 * of two paths:
 *
 *   - Printable ASCII — codes, counts, weights, headings and most names —
 *     is placed glyph by glyph from a table built once per font (glyph index
 *     and advance of every character 0x20..0x7E), with cairo_show_text_glyphs.
 *     A statewide run prints about 30,000 packing list rows and 3,600
 *     labels; laying each cell out with pango costs about 0.7 µs per
 *     character, this path about 0.09 µs.
 *   - Anything else — accented Latin, Vietnamese, Chinese, Korean — goes
 *     through pango, which shapes it and falls back from DejaVu Sans to
 *     Droid Sans Fallback (Chinese, Japanese) and NanumGothic (Korean) for
 *     characters DejaVu lacks.  These are TrueType: cairo subsets them in
 *     about a millisecond, where the CFF outlines of Noto Sans CJK cost
 *     over 100 ms a document (cairo reads the whole 16 MB CFF table).
 *
 * Both paths use the same DejaVu Sans face at the same sizes, without
 * hinting, so a name looks the same whichever path drew it (the ASCII path
 * does not kern, which at these sizes is invisible).
 *
 * What a document costs: at its end cairo subsets and embeds every face it
 * used and deflates its streams, about 0.25 ms a face, then the file is
 * created — about 0.4 ms a document in all, for about 7,000 documents in a
 * statewide run.  Hence one face (no bold) and the ASCII path.
 */
#include "pdf_canvas.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>
#include <zint.h>
#include <zlib.h>

#include "../engine/mem.h"

#define FAMILY "DejaVu Sans,Droid Sans Fallback,NanumGothic"
#define ASCII_LO 0x20
#define ASCII_N 95
#define FAST_MAX 240   /* longer strings take the pango path */

static const double font_size[PF_COUNT] = {
	[PF_SMALL] = 7, [PF_BODY] = 8.5, [PF_TEXT] = 10, [PF_LEAD] = 11,
	[PF_HEAD] = 14, [PF_TITLE] = 22, [PF_HUGE] = 36,
};

typedef struct font {
	PangoFontDescription *desc;
	PangoFont *pf;                  /* keeps sf alive */
	cairo_scaled_font_t *sf;
	unsigned long glyph[ASCII_N];   /* 0: not in the face, use pango */
	double advance[ASCII_N];
	double ellipsis;                /* width of "..." */
} font;

struct pdf_canvas {
	PangoFontMap *fontmap;
	PangoContext *context;
	PangoLayout *layout;
	font fonts[PF_COUNT];
	char date[16];        /* 2019-08-01 */
	char date_iso[32];    /* 2019-08-01T00:00:00Z, for the PDF's metadata */
	/* the document being drawn */
	outstream *out;
	cairo_surface_t *surface;
	cairo_t *cr;
	status st;            /* the first drawing error */
	cairo_glyph_t glyphs[FAST_MAX + 3];
	cairo_text_cluster_t clusters[FAST_MAX + 3];
	char text[FAST_MAX + 4];
};

/* cairo deflates every stream of a PDF — page contents and the embedded
 * font subsets, about 250 MB in a statewide run — at zlib's default level
 * 6, and offers no setting.  Level 1 deflates them three to four times
 * faster for files about 10% larger.  This definition comes before libz's
 * in the dynamic linker's search order (the executable's symbols are
 * searched first), and cairo is the only caller of deflateInit in this
 * program (libpng and zstd do not use it). */
int deflateInit_(z_streamp strm, int level, const char *version, int stream_size);
int deflateInit_(z_streamp strm, int level, const char *version, int stream_size)
{
	(void)level;
	return deflateInit2_(strm, 1, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY, version, stream_size);
}

static status load_font(pdf_canvas *c, font *f, double size)
{
	f->desc = pango_font_description_from_string(FAMILY);
	if (!f->desc)
		return status_fail(ST_NOMEM, "out of memory loading fonts");
	pango_font_description_set_absolute_size(f->desc, size * PANGO_SCALE);
	f->pf = pango_font_map_load_font(c->fontmap, c->context, f->desc);
	if (!f->pf || !PANGO_IS_CAIRO_FONT(f->pf))
		return status_fail(ST_IO, "cannot load the font DejaVu Sans (Debian package fonts-dejavu-core)");
	f->sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(f->pf));
	if (!f->sf || cairo_scaled_font_status(f->sf) != CAIRO_STATUS_SUCCESS)
		return status_fail(ST_IO, "cannot load the font DejaVu Sans (Debian package fonts-dejavu-core)");
	for (int i = 0; i < ASCII_N; i++) {
		const char ch = (char)(ASCII_LO + i);
		cairo_glyph_t *g = NULL;
		int ng = 0;
		if (cairo_scaled_font_text_to_glyphs(f->sf, 0, 0, &ch, 1, &g, &ng, NULL, NULL, NULL) ==
			    CAIRO_STATUS_SUCCESS && ng == 1 && g[0].index != 0) {
			cairo_text_extents_t e;
			cairo_scaled_font_glyph_extents(f->sf, g, 1, &e);
			f->glyph[i] = g[0].index;
			f->advance[i] = e.x_advance;
		}
		cairo_glyph_free(g);
	}
	f->ellipsis = 3 * f->advance['.' - ASCII_LO];
	return ST_OK;
}

status pdf_canvas_new(pdf_canvas **out, time_t date_epoch)
{
	*out = NULL;
	pdf_canvas *c = mem_calloc(1, sizeof *c);
	if (!c)
		return status_fail(ST_NOMEM, "out of memory");
	struct tm tm;
	gmtime_r(&date_epoch, &tm);
	strftime(c->date, sizeof c->date, "%Y-%m-%d", &tm);
	strftime(c->date_iso, sizeof c->date_iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	status st = ST_OK;
	c->fontmap = pango_cairo_font_map_new();
	c->context = c->fontmap ? pango_font_map_create_context(c->fontmap) : NULL;
	c->layout = c->context ? pango_layout_new(c->context) : NULL;
	if (!c->layout)
		st = status_fail(ST_NOMEM, "out of memory starting pango");
	if (st == ST_OK) {
		/* unhinted, so glyph advances are the same on every path */
		cairo_font_options_t *fo = cairo_font_options_create();
		cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
		cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
		pango_cairo_context_set_font_options(c->context, fo);
		cairo_font_options_destroy(fo);
		pango_cairo_context_set_resolution(c->context, 72);
		pango_layout_set_single_paragraph_mode(c->layout, TRUE);
	}
	for (int i = 0; st == ST_OK && i < PF_COUNT; i++)
		st = load_font(c, &c->fonts[i], font_size[i]);
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
	if (c->surface) {
		cairo_destroy(c->cr);
		cairo_surface_destroy(c->surface);
		outstream_abort(c->out);
	}
	for (int i = 0; i < PF_COUNT; i++) {
		if (c->fonts[i].pf)
			g_object_unref(c->fonts[i].pf);
		if (c->fonts[i].desc)
			pango_font_description_free(c->fonts[i].desc);
	}
	if (c->layout)
		g_object_unref(c->layout);
	if (c->context)
		g_object_unref(c->context);
	if (c->fontmap)
		g_object_unref(c->fontmap);
	mem_free(c);
}

const char *pdf_canvas_date(const pdf_canvas *c)
{
	return c->date;
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int n)
{
	/* outstream keeps the first error and reports it at close */
	outstream_write(closure, data, n);
	return CAIRO_STATUS_SUCCESS;
}

status pdf_begin(pdf_canvas *c, outdir *d, const char *rel, double width, double height,
		 const char *title)
{
	status st = outdir_open(d, rel, 0, &c->out);
	if (st != ST_OK)
		return st;
	c->surface = cairo_pdf_surface_create_for_stream(write_out, c->out, width, height);
	c->cr = cairo_create(c->surface);
	if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
		cairo_destroy(c->cr);
		cairo_surface_destroy(c->surface);
		c->surface = NULL;
		outstream_abort(c->out);
		c->out = NULL;
		return status_fail(ST_NOMEM, "out of memory drawing %s", rel);
	}
	cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATOR, "ssrfill");
	cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_CREATE_DATE, c->date_iso);
	pango_cairo_update_context(c->cr, c->context);
	pango_layout_context_changed(c->layout);
	c->st = ST_OK;
	return ST_OK;
}

/* Printable ASCII only, short enough for the glyph buffers, every glyph in
 * the face. */
static int fast_ok(const font *f, const char *s, size_t *n)
{
	size_t i = 0;
	for (; s[i]; i++) {
		const unsigned char ch = (unsigned char)s[i];
		if (i >= FAST_MAX || ch < ASCII_LO || ch >= ASCII_LO + ASCII_N || !f->glyph[ch - ASCII_LO])
			return 0;
	}
	*n = i;
	return 1;
}

static double fast_width(const font *f, const char *s, size_t n)
{
	double w = 0;
	for (size_t i = 0; i < n; i++)
		w += f->advance[(unsigned char)s[i] - ASCII_LO];
	return w;
}

static void pango_prepare(pdf_canvas *c, const font *f, const char *s, double width, int align)
{
	PangoLayout *l = c->layout;
	pango_layout_set_font_description(l, f->desc);
	pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_ellipsize(l, width > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
	pango_layout_set_alignment(l, align == PA_RIGHT ? PANGO_ALIGN_RIGHT
				   : align == PA_CENTER ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, s, -1);
}

double pdf_text_width(pdf_canvas *c, int font_id, const char *s)
{
	const font *f = &c->fonts[font_id];
	size_t n;
	if (fast_ok(f, s, &n))
		return fast_width(f, s, n);
	pango_prepare(c, f, s, 0, PA_LEFT);
	int w, h;
	pango_layout_get_size(c->layout, &w, &h);
	return (double)w / PANGO_SCALE;
}

void pdf_text(pdf_canvas *c, int font_id, double x, double baseline, double width, int align,
	      const char *s)
{
	const font *f = &c->fonts[font_id];
	size_t n;
	if (!*s)
		return;
	if (!fast_ok(f, s, &n)) {
		pango_prepare(c, f, s, width, align);
		/* without a width pango aligns nothing: place the line ourselves */
		double left = x;
		if (width <= 0 && align != PA_LEFT) {
			int w, h;
			pango_layout_get_size(c->layout, &w, &h);
			left = align == PA_RIGHT ? x - (double)w / PANGO_SCALE : x - (double)w / PANGO_SCALE / 2;
		}
		cairo_move_to(c->cr, left, baseline - (double)pango_layout_get_baseline(c->layout) / PANGO_SCALE);
		pango_cairo_show_layout(c->cr, c->layout);
		return;
	}
	double w = fast_width(f, s, n);
	size_t keep = n;
	int cut = 0;
	if (width > 0 && w > width) {
		cut = 1;
		while (keep > 0 && w + f->ellipsis > width)
			w -= f->advance[(unsigned char)s[--keep] - ASCII_LO];
		while (keep > 0 && s[keep - 1] == ' ')
			w -= f->advance[(unsigned char)s[--keep] - ASCII_LO];
		w += f->ellipsis;
	}
	memcpy(c->text, s, keep);
	if (cut)
		memcpy(c->text + keep, "...", 3);
	const size_t total = keep + (cut ? 3 : 0);
	double pen = x;
	if (width > 0)
		pen = align == PA_RIGHT ? x + width - w : align == PA_CENTER ? x + (width - w) / 2 : x;
	else
		pen = align == PA_RIGHT ? x - w : align == PA_CENTER ? x - w / 2 : x;
	for (size_t i = 0; i < total; i++) {
		const int k = (unsigned char)c->text[i] - ASCII_LO;
		c->glyphs[i].index = f->glyph[k];
		c->glyphs[i].x = pen;
		c->glyphs[i].y = baseline;
		c->clusters[i].num_bytes = 1;
		c->clusters[i].num_glyphs = 1;
		pen += f->advance[k];
	}
	cairo_set_scaled_font(c->cr, f->sf);
	cairo_show_text_glyphs(c->cr, c->text, (int)total, c->glyphs, (int)total, c->clusters,
			       (int)total, 0);
}

void pdf_rule(pdf_canvas *c, double x0, double y0, double x1, double y1, double line_width)
{
	cairo_set_line_width(c->cr, line_width);
	cairo_move_to(c->cr, x0, y0);
	cairo_line_to(c->cr, x1, y1);
	cairo_stroke(c->cr);
}

void pdf_box(pdf_canvas *c, double x, double y, double w, double h, double line_width,
	     double fill_gray)
{
	cairo_rectangle(c->cr, x, y, w, h);
	if (fill_gray >= 0) {
		cairo_set_source_rgb(c->cr, fill_gray, fill_gray, fill_gray);
		if (line_width > 0)
			cairo_fill_preserve(c->cr);
		else
			cairo_fill(c->cr);
		cairo_set_source_rgb(c->cr, 0, 0, 0);
	}
	if (line_width > 0) {
		cairo_set_line_width(c->cr, line_width);
		cairo_stroke(c->cr);
	}
}

status pdf_barcode128(pdf_canvas *c, const char *data, double x, double y, double w, double h)
{
	struct zint_symbol *z = ZBarcode_Create();
	if (!z)
		return c->st = status_fail(ST_NOMEM, "out of memory encoding a barcode");
	z->symbology = BARCODE_CODE128;
	z->show_hrt = 0;
	z->whitespace_width = 10;   /* the quiet zones Code 128 needs, in modules */
	status st = ST_OK;
	int e = ZBarcode_Encode(z, (const unsigned char *)data, (int)strlen(data));
	if (e < ZINT_ERROR)
		e = ZBarcode_Buffer_Vector(z, 0);
	if (e >= ZINT_ERROR || !z->vector || z->vector->width <= 0 || z->vector->height <= 0) {
		st = status_fail(ST_INTERNAL, "cannot encode the barcode %s: %s", data, z->errtxt);
	} else {
		const double sx = w / z->vector->width, sy = h / z->vector->height;
		for (const struct zint_vector_rect *r = z->vector->rectangles; r; r = r->next)
			cairo_rectangle(c->cr, x + r->x * sx, y + r->y * sy, r->width * sx, r->height * sy);
		cairo_fill(c->cr);
	}
	ZBarcode_Delete(z);
	if (st != ST_OK && c->st == ST_OK)
		c->st = st;
	return st;
}

void pdf_page(pdf_canvas *c)
{
	cairo_show_page(c->cr);
}

status pdf_end(pdf_canvas *c)
{
	cairo_destroy(c->cr);
	cairo_surface_finish(c->surface);
	const cairo_status_t cs = cairo_surface_status(c->surface);
	cairo_surface_destroy(c->surface);
	c->surface = NULL;
	c->cr = NULL;
	outstream *o = c->out;
	c->out = NULL;
	status st = c->st;
	if (st == ST_OK && cs != CAIRO_STATUS_SUCCESS)
		st = status_fail(cs == CAIRO_STATUS_NO_MEMORY ? ST_NOMEM : ST_INTERNAL,
				 "cannot draw a PDF document: %s", cairo_status_to_string(cs));
	if (st != ST_OK) {
		outstream_abort(o);
		return st;
	}
	return outstream_close(o);
}

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
	/* exact from integer milligrams: kilograms to the gram, pounds to 0.1 */
	const int64_t g = (mg + 500) / 1000;
	const int64_t tenth_lb = (mg * 10 + 226796) / 453592;
	snprintf(buf, cap, "%lld.%03lld kg (%lld.%lld lb)", (long long)(g / 1000),
		 (long long)(g % 1000), (long long)(tenth_lb / 10), (long long)(tenth_lb % 10));
}
