/*
 * pdf_cairo.c: documents drawn by cairo, their text laid out by pango
 * (see pdf_cairo.h) — the way for text that needs a shaper.
 *
 * pango shapes each string (bidirectional reordering, joining forms,
 * marks placed by the font) with the family list "DejaVu Sans, Droid Sans
 * Fallback, NanumGothic", the same faces and order as pdf_font.c, without
 * hinting, so a document drawn here looks like its neighbours.  cairo
 * subsets and embeds the fonts and deflates the streams, about 1 ms a
 * document; it is not the common path.
 */
#include "pdf_cairo.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <zlib.h>

#include "../base/mem.h"
#include "pdf_canvas.h"

#define FAMILY "DejaVu Sans,Droid Sans Fallback,NanumGothic"

struct pdf_cairo {
	PangoFontMap *fontmap;
	PangoContext *context;
	PangoLayout *layout;
	PangoFontDescription *desc;
	/* the document being drawn */
	outstream *out;
	cairo_surface_t *surface;
	cairo_t *cr;
};

/* cairo deflates every stream at zlib's default level 6 and offers no
 * setting; level 1 is three to four times faster for files about 10%
 * larger.  This definition comes before libz's in the dynamic linker's
 * search order (the executable's symbols are searched first), so it
 * replaces deflateInit for every caller in the process, not cairo alone:
 * libz's own compress2() calls deflateInit through the same lookup, so
 * pdf_font.c's deflate_buf, which asks compress2() for
 * Z_BEST_COMPRESSION, gets level 1 too.  pdf_doc.c calls deflateInit2,
 * which this does not touch. */
int deflateInit_(z_streamp strm, int level, const char *version, int stream_size);
int deflateInit_(z_streamp strm, int level, const char *version, int stream_size)
{
	(void)level;
	return deflateInit2_(strm, 1, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY, version, stream_size);
}

status pdf_cairo_new(pdf_cairo **out)
{
	*out = NULL;
	pdf_cairo *k = mem_calloc(1, sizeof *k);
	if (!k)
		return status_fail(ST_NOMEM, "out of memory");
	k->fontmap = pango_cairo_font_map_new();
	k->context = k->fontmap ? pango_font_map_create_context(k->fontmap) : NULL;
	k->layout = k->context ? pango_layout_new(k->context) : NULL;
	k->desc = pango_font_description_from_string(FAMILY);
	if (!k->layout || !k->desc) {
		pdf_cairo_free(k);
		return status_fail(ST_NOMEM, "out of memory starting pango");
	}
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(k->context, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(k->context, 72);
	pango_layout_set_single_paragraph_mode(k->layout, TRUE);
	*out = k;
	return ST_OK;
}

void pdf_cairo_free(pdf_cairo *k)
{
	if (!k)
		return;
	if (k->surface) {
		cairo_destroy(k->cr);
		cairo_surface_destroy(k->surface);
		outstream_abort(k->out);
	}
	if (k->desc)
		pango_font_description_free(k->desc);
	if (k->layout)
		g_object_unref(k->layout);
	if (k->context)
		g_object_unref(k->context);
	if (k->fontmap)
		g_object_unref(k->fontmap);
	mem_free(k);
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int n)
{
	/* outstream keeps the first error and reports it at close */
	outstream_write(closure, data, n);
	return CAIRO_STATUS_SUCCESS;
}

status pdf_cairo_begin(pdf_cairo *k, outdir *d, const char *rel, double width, double height,
		       const char *title, const char *date_iso)
{
	status st = outdir_open(d, rel, 0, &k->out);
	if (st != ST_OK)
		return st;
	k->surface = cairo_pdf_surface_create_for_stream(write_out, k->out, width, height);
	k->cr = cairo_create(k->surface);
	if (cairo_status(k->cr) != CAIRO_STATUS_SUCCESS) {
		cairo_destroy(k->cr);
		cairo_surface_destroy(k->surface);
		k->surface = NULL;
		outstream_abort(k->out);
		k->out = NULL;
		return status_fail(ST_NOMEM, "out of memory drawing %s", rel);
	}
	cairo_pdf_surface_set_metadata(k->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(k->surface, CAIRO_PDF_METADATA_CREATOR, "ssrfill");
	cairo_pdf_surface_set_metadata(k->surface, CAIRO_PDF_METADATA_CREATE_DATE, date_iso);
	pango_cairo_update_context(k->cr, k->context);
	pango_layout_context_changed(k->layout);
	return ST_OK;
}

static void prepare(pdf_cairo *k, double size, const char *s, double width, int align)
{
	PangoLayout *l = k->layout;
	pango_font_description_set_absolute_size(k->desc, size * PANGO_SCALE);
	pango_layout_set_font_description(l, k->desc);
	pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_ellipsize(l, width > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
	pango_layout_set_alignment(l, align == PA_RIGHT ? PANGO_ALIGN_RIGHT
				   : align == PA_CENTER ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, s, -1);
}

double pdf_cairo_text_width(pdf_cairo *k, double size, const char *s)
{
	prepare(k, size, s, 0, PA_LEFT);
	int w, h;
	pango_layout_get_size(k->layout, &w, &h);
	return (double)w / PANGO_SCALE;
}

void pdf_cairo_text(pdf_cairo *k, double size, double x, double baseline, double width, int align,
		    const char *s)
{
	prepare(k, size, s, width, align);
	/* without a width pango aligns nothing: place the line ourselves */
	double left = x;
	if (width <= 0 && align != PA_LEFT) {
		int w, h;
		pango_layout_get_size(k->layout, &w, &h);
		left = align == PA_RIGHT ? x - (double)w / PANGO_SCALE : x - (double)w / PANGO_SCALE / 2;
	}
	cairo_move_to(k->cr, left, baseline - (double)pango_layout_get_baseline(k->layout) / PANGO_SCALE);
	pango_cairo_show_layout(k->cr, k->layout);
}

void pdf_cairo_rule(pdf_cairo *k, double x0, double y0, double x1, double y1, double line_width)
{
	cairo_set_line_width(k->cr, line_width);
	cairo_move_to(k->cr, x0, y0);
	cairo_line_to(k->cr, x1, y1);
	cairo_stroke(k->cr);
}

void pdf_cairo_box(pdf_cairo *k, double x, double y, double w, double h, double line_width,
		   double fill_gray)
{
	cairo_rectangle(k->cr, x, y, w, h);
	if (fill_gray >= 0) {
		cairo_set_source_rgb(k->cr, fill_gray, fill_gray, fill_gray);
		if (line_width > 0)
			cairo_fill_preserve(k->cr);
		else
			cairo_fill(k->cr);
		cairo_set_source_rgb(k->cr, 0, 0, 0);
	}
	if (line_width > 0) {
		cairo_set_line_width(k->cr, line_width);
		cairo_stroke(k->cr);
	}
}

void pdf_cairo_rect(pdf_cairo *k, double x, double y, double w, double h)
{
	cairo_rectangle(k->cr, x, y, w, h);
}

void pdf_cairo_fill(pdf_cairo *k)
{
	cairo_fill(k->cr);
}

void pdf_cairo_page(pdf_cairo *k)
{
	cairo_show_page(k->cr);
}

status pdf_cairo_end(pdf_cairo *k, int discard)
{
	cairo_destroy(k->cr);
	cairo_surface_finish(k->surface);
	const cairo_status_t cs = cairo_surface_status(k->surface);
	cairo_surface_destroy(k->surface);
	k->surface = NULL;
	k->cr = NULL;
	outstream *o = k->out;
	k->out = NULL;
	if (discard) {
		outstream_abort(o);
		return ST_OK;
	}
	if (cs != CAIRO_STATUS_SUCCESS) {
		outstream_abort(o);
		return status_fail(cs == CAIRO_STATUS_NO_MEMORY ? ST_NOMEM : ST_INTERNAL,
				   "cannot draw a PDF document: %s", cairo_status_to_string(cs));
	}
	return outstream_close(o);
}
