/*
 * pdf_font.c: faces, glyphs and embedded font subsets for ssrfill's PDF
 * writer (see pdf_font.h).
 *
 * Faces.  fontconfig names the files of DejaVu Sans, Droid Sans Fallback
 * and NanumGothic once per process; every pdf_fonts (one per drawing
 * thread) maps them with HarfBuzz.  A character's glyph comes from the
 * first face whose cmap has it, the order pango used for the same family
 * list.  Lookups below U+0250 (Latin and its accents) come from a table
 * built at load.
 *
 * Fonts in a PDF.  Each face a document uses becomes a Type0 font with
 * Identity-H encoding over a CIDFontType2 (ISO 32000-1 §9.7): two-byte
 * codes (CIDs) that the document assigns one per character as it draws,
 * a /W array of their widths, a CIDToGIDMap from CID to glyph, and a
 * ToUnicode CMap from CID to the character, for search and copy.
 *
 * Subsets.  hb-subset cuts from the face the used glyphs (and the glyphs
 * their composites are built from), with every table a PDF
 * reader does not need dropped; its plan says where each old glyph went,
 * which fills the CIDToGIDMap.  For DejaVu Sans it costs about 60 µs a
 * document once the face is "preprocessed" (an index HarfBuzz builds in
 * 23 ms and about 3 MiB, skipped by lean canvases), about 400 µs without.
 * The fallback faces are large (Droid: 49,000 glyphs, 96 ms and 15 MB to
 * preprocess) and few documents need them (one in forty statewide), so
 * they are preprocessed only after PREPROCESS_AFTER documents used them.
 * The subset is stored, not deflated: TrueType outlines shrink by only a
 * quarter, and zlib took half of a document's time doing it.
 */
#include "pdf_font.h"

#include <fontconfig/fontconfig.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>
#include <assert.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "../base/mem.h"
#include "../base/bytebuf.h"

#define LATIN_N 0x250
#define PREPROCESS_AFTER 256
#define LATIN1_N 0x100   /* main-face characters below this are their own CID */
#define DYN_BASE 0x100   /* the first CID of other characters */

static const char *const family[PDF_FACES] = {
	[PDF_FACE_MAIN] = "DejaVu Sans",
	[PDF_FACE_CJK] = "Droid Sans Fallback",
	[PDF_FACE_KOREAN] = "NanumGothic",
};

/* What a TrueType font in a PDF needs.  ISO 32000-1 §9.9 asks for "cvt ",
 * "fpgm" and "prep" only if the glyphs' instructions need them; the
 * subsets are unhinted (HB_SUBSET_FLAGS_NO_HINTING strips the instructions
 * too): a 300 dpi printer or a zooming viewer renders these sizes fine
 * without hints, and the subsets are half the size.  The rest (layout, naming, OS/2 metrics) only a text shaper or
 * an operating system uses. */
static const char *const keep_table[] = { "head", "hhea", "hmtx", "loca", "glyf", "maxp", "post" };

/* A character in a document's font: its code, and its glyph in the face. */
typedef struct glyph_ref {
	uint32_t cid, cp;
	uint16_t gid;
} glyph_ref;

typedef struct face {
	hb_blob_t *blob;
	hb_face_t *face;
	hb_face_t *subset_face;   /* preprocessed, or face itself */
	hb_font_t *font;
	unsigned docs;            /* documents that embedded it */
	double upem;
	int bbox[4], ascent, descent, cap_height;   /* in 1/1000 em */
	char ps_name[64];
	hb_tag_t drop[64];
	unsigned n_drop;
} face;

/* What one document used of a face: Latin-1 of the main face (CID =
 * character), and the rest, CIDs from DYN_BASE in the order of first use,
 * found again through a small hash of the characters (open addressing;
 * a document uses tens of such characters, a book a few thousand). */
typedef struct face_use {
	uint8_t latin_used[LATIN1_N];
	unsigned n_latin;
	uint32_t *slot;     /* character << 16 | CID, 0: empty */
	uint32_t n_slot;    /* a power of two, or 0 */
	glyph_ref *dyn;     /* [CID - DYN_BASE] */
	uint32_t n_dyn, cap_dyn;
} face_use;

struct pdf_font_state {
	face_use use[PDF_FACES];
};

/* What a Type0 font is made of, ready to be written as PDF objects. */
typedef struct font_parts {
	bytebuf file;          /* the TrueType subset */
	size_t file_len;       /* its length before deflate (/Length1) */
	bytebuf cid_map;       /* CIDToGIDMap: two bytes a CID */
	bytebuf tounicode;     /* the ToUnicode CMap */
	bytebuf widths;        /* the /W array */
	int deflated;          /* cid_map and tounicode (and file) deflated already */
	char name[96];
} font_parts;

struct pdf_fonts {
	face faces[PDF_FACES];
	pdf_glyph latin[LATIN_N];
	uint8_t latin_ok[LATIN_N];
	int lean;
	font_parts latin1;     /* ASCII and Latin-1 letters of the main face, made once */
	int latin1_ready;
	font_parts parts;      /* one document's font */
	glyph_ref *list;       /* the glyphs of the font being made, by CID */
	uint32_t list_cap;
	pdf_font_state own;    /* the documents drawn with these fonts */
	pdf_font_state *cur;   /* own, or a book's (pdf_fonts_swap) */
};

/* ---- finding the files ------------------------------------------------------- */

static struct {
	char path[PATH_MAX];
	int index;
	int found;
} font_file[PDF_FACES];
static pthread_once_t found_once = PTHREAD_ONCE_INIT;

static void find_files(void)
{
	for (int i = 0; i < PDF_FACES; i++) {
		FcPattern *pat = FcPatternCreate();
		if (!pat)
			continue;
		FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family[i]);
		FcPatternAddInteger(pat, FC_WEIGHT, FC_WEIGHT_REGULAR);
		FcPatternAddInteger(pat, FC_SLANT, FC_SLANT_ROMAN);
		FcConfigSubstitute(NULL, pat, FcMatchPattern);
		FcDefaultSubstitute(pat);
		FcResult r;
		FcPattern *m = FcFontMatch(NULL, pat, &r);
		FcPatternDestroy(pat);
		if (!m)
			continue;
		/* fontconfig always offers something; take only the family asked for */
		int same = 0;
		FcChar8 *fam, *file;
		for (int k = 0; !same && FcPatternGetString(m, FC_FAMILY, k, &fam) == FcResultMatch; k++)
			same = strcasecmp((const char *)fam, family[i]) == 0;
		if (same && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch &&
		    strlen((const char *)file) < sizeof font_file[i].path) {
			strcpy(font_file[i].path, (const char *)file);
			if (FcPatternGetInteger(m, FC_INDEX, 0, &font_file[i].index) != FcResultMatch)
				font_file[i].index = 0;
			font_file[i].found = 1;
		}
		FcPatternDestroy(m);
	}
}

/* ---- loading ----------------------------------------------------------------- */

static int be16(const char *p)
{
	return (int16_t)((uint16_t)((unsigned char)p[0] << 8 | (unsigned char)p[1]));
}

static int em1000(const face *fc, double units)
{
	return (int)(units * 1000.0 / fc->upem + (units >= 0 ? 0.5 : -0.5));
}

static void face_metrics(face *fc, int index)
{
	fc->upem = hb_face_get_upem(fc->face);
	hb_blob_t *head = hb_face_reference_table(fc->face, HB_TAG('h', 'e', 'a', 'd'));
	unsigned n;
	const char *h = hb_blob_get_data(head, &n);
	if (h && n >= 44)
		for (int k = 0; k < 4; k++)
			fc->bbox[k] = em1000(fc, be16(h + 36 + 2 * k));
	hb_blob_destroy(head);
	hb_position_t v;
	fc->ascent = hb_ot_metrics_get_position(fc->font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v)
			     ? em1000(fc, v) : fc->bbox[3];
	fc->descent = hb_ot_metrics_get_position(fc->font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v)
			      ? em1000(fc, v) : fc->bbox[1];
	/* OS/2 version 1 (DejaVu's) has no cap height: measure the H */
	hb_codepoint_t h_gid;
	hb_glyph_extents_t ext;
	if (hb_ot_metrics_get_position(fc->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &v) && v > 0)
		fc->cap_height = em1000(fc, v);
	else if (hb_font_get_nominal_glyph(fc->font, 'H', &h_gid) &&
		 hb_font_get_glyph_extents(fc->font, h_gid, &ext) && ext.y_bearing > 0)
		fc->cap_height = em1000(fc, ext.y_bearing);
	else
		fc->cap_height = fc->ascent;
	/* the PostScript name, letters and digits only, names the font in the PDF */
	char name[64];
	unsigned len = sizeof name;
	if (!hb_ot_name_get_utf8(fc->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len, name))
		name[0] = '\0';
	size_t at = 0;
	for (const char *p = name; *p && at + 1 < sizeof fc->ps_name; p++)
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')
			fc->ps_name[at++] = *p;
	if (!at)
		at = (size_t)snprintf(fc->ps_name, sizeof fc->ps_name, "Face%d", index);
	fc->ps_name[at] = '\0';
	/* the tables to drop: all but keep_table */
	hb_tag_t tags[64];
	unsigned count = 64;
	hb_face_get_table_tags(fc->face, 0, &count, tags);
	for (unsigned t = 0; t < count; t++) {
		int keep = 0;
		for (size_t k = 0; k < sizeof keep_table / sizeof *keep_table; k++)
			keep |= tags[t] == hb_tag_from_string(keep_table[k], 4);
		if (!keep)
			fc->drop[fc->n_drop++] = tags[t];
	}
}

static status load_face(face *fc, int i)
{
	fc->blob = hb_blob_create_from_file_or_fail(font_file[i].path);
	if (!fc->blob)
		return status_fail(ST_IO, "cannot read the font file %s", font_file[i].path);
	fc->face = hb_face_create(fc->blob, (unsigned)font_file[i].index);
	if (hb_face_get_glyph_count(fc->face) == 0)
		return status_fail(ST_IO, "the font file %s holds no glyphs", font_file[i].path);
	fc->font = hb_font_create(fc->face);   /* scale: font units */
	fc->subset_face = hb_face_reference(fc->face);
	face_metrics(fc, i);
	return ST_OK;
}

static void preprocess(face *fc)
{
	hb_face_t *pre = hb_subset_preprocess(fc->face);
	if (pre && hb_face_get_glyph_count(pre) > 0) {
		hb_face_destroy(fc->subset_face);
		fc->subset_face = pre;
	} else {
		hb_face_destroy(pre);   /* subset from the plain face, only slower */
	}
}

static int find_glyph(pdf_fonts *f, uint32_t cp, pdf_glyph *g)
{
	for (int i = 0; i < PDF_FACES; i++) {
		face *fc = &f->faces[i];
		hb_codepoint_t gid;
		if (fc->font && hb_font_get_nominal_glyph(fc->font, cp, &gid) && gid > 0 && gid <= 0xFFFF) {
			g->face = (uint8_t)i;
			g->gid = (uint16_t)gid;
			g->adv = (float)(hb_font_get_glyph_h_advance(fc->font, gid) / fc->upem);
			return 1;
		}
	}
	return 0;
}

/* ---- making a font ------------------------------------------------------------- */

/* Room for n entries in *refs (capacity *cap). */
static int refs_reserve(glyph_ref **refs, uint32_t *cap, uint32_t n)
{
	if (n <= *cap)
		return 1;
	uint32_t c = *cap ? *cap : 256;
	while (c < n)
		c *= 2;
	glyph_ref *r = mem_realloc(*refs, c * sizeof *r);
	if (!r)
		return 0;
	*refs = r;
	*cap = c;
	return 1;
}

/* The ToUnicode CMap (Adobe technical note #5411), 100 entries a block. */
static void to_unicode(bytebuf *b, const pdf_fonts *f, uint32_t n)
{
	pdf_buf_puts(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
			"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
			"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
			"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	for (uint32_t i = 0; i < n; i += 100) {
		const uint32_t end = i + 100 <= n ? i + 100 : n;
		pdf_buf_u64(b, end - i);
		pdf_buf_puts(b, " beginbfchar\n");
		for (uint32_t k = i; k < end; k++) {
			pdf_buf_putc(b, '<');
			pdf_buf_hex16(b, f->list[k].cid);
			pdf_buf_puts(b, "> <");
			pdf_buf_hex16(b, f->list[k].cp);
			pdf_buf_puts(b, ">\n");
		}
		pdf_buf_puts(b, "endbfchar\n");
	}
	pdf_buf_puts(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

/* The /W array, one run per span of consecutive CIDs: [32 [600 318] 256 [...]]. */
static void widths(bytebuf *b, const pdf_fonts *f, const face *fc, uint32_t n)
{
	pdf_buf_putc(b, '[');
	for (uint32_t i = 0; i < n;) {
		pdf_buf_u64(b, f->list[i].cid);
		pdf_buf_puts(b, " [");
		uint32_t j = i;
		do {
			if (j > i)
				pdf_buf_putc(b, ' ');
			pdf_buf_num(b, hb_font_get_glyph_h_advance(fc->font, f->list[j].gid) * 1000.0 / fc->upem);
			j++;
		} while (j < n && f->list[j].cid == f->list[j - 1].cid + 1);
		pdf_buf_puts(b, j < n ? "] " : "]");
		i = j;
	}
	pdf_buf_putc(b, ']');
}

/* "ABCDEF+DejaVuSans": a subset's name starts with a tag of six capitals
 * that differs between subsets (ISO 32000-1 §9.6.4); derived from the
 * glyphs, so the same document gets the same name every run. */
static void subset_name(char *buf, size_t cap, const pdf_fonts *f, const face *fc, uint32_t n)
{
	uint64_t h = PDF_HASH_SEED;
	for (uint32_t i = 0; i < n; i++)
		h = pdf_hash(h, &f->list[i].gid, sizeof f->list[i].gid);
	char tag[7];
	for (int k = 0; k < 6; k++, h /= 26)
		tag[k] = (char)('A' + h % 26);
	tag[6] = '\0';
	snprintf(buf, cap, "%s+%s", tag, fc->ps_name);
}

/* The parts of a font with the n glyphs of the list (sorted by CID): the
 * subset hb-subset cuts, and the maps and widths that go with it. */
static status make_parts(pdf_fonts *f, face *fc, uint32_t n, font_parts *fp)
{
	assert(n > 0);
	fp->file.len = fp->cid_map.len = fp->tounicode.len = fp->widths.len = 0;
	fp->file.oom = fp->cid_map.oom = fp->tounicode.oom = fp->widths.oom = 0;
	fp->deflated = 0;
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	if (!in)
		return status_fail(ST_NOMEM, "out of memory embedding a font");
	hb_set_t *glyphs = hb_subset_input_glyph_set(in);
	hb_set_add(glyphs, 0);
	for (uint32_t i = 0; i < n; i++)
		hb_set_add(glyphs, f->list[i].gid);
	hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
	hb_set_clear(drop);
	for (unsigned t = 0; t < fc->n_drop; t++)
		hb_set_add(drop, fc->drop[t]);
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
	hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(fc->subset_face, in);
	hb_subset_input_destroy(in);
	hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
	if (!sub) {
		hb_subset_plan_destroy(plan);
		return status_fail(ST_NOMEM, "cannot cut a subset of the font %s", fc->ps_name);
	}
	hb_blob_t *blob = hb_face_reference_blob(sub);
	unsigned n_bytes;
	const char *bytes = hb_blob_get_data(blob, &n_bytes);
	bytebuf_put(&fp->file, bytes, n_bytes);
	fp->file_len = n_bytes;
	hb_blob_destroy(blob);
	hb_face_destroy(sub);

	/* CIDToGIDMap: the new glyph of every CID up to the last, 0 between */
	const hb_map_t *new_gid = hb_subset_plan_old_to_new_glyph_mapping(plan);
	const size_t n_map = 2 * ((size_t)f->list[n - 1].cid + 1);
	bytebuf_reserve(&fp->cid_map, n_map);
	if (!fp->cid_map.oom) {
		memset(fp->cid_map.p, 0, n_map);
		fp->cid_map.len = n_map;
		for (uint32_t i = 0; i < n; i++) {
			hb_codepoint_t g = hb_map_get(new_gid, f->list[i].gid);
			if (g == HB_MAP_VALUE_INVALID)
				g = 0;
			fp->cid_map.p[2 * f->list[i].cid] = (uint8_t)(g >> 8);
			fp->cid_map.p[2 * f->list[i].cid + 1] = (uint8_t)g;
		}
	}
	hb_subset_plan_destroy(plan);
	to_unicode(&fp->tounicode, f, n);
	widths(&fp->widths, f, fc, n);
	subset_name(fp->name, sizeof fp->name, f, fc, n);
	if (fp->file.oom || fp->cid_map.oom || fp->tounicode.oom || fp->widths.oom)
		return status_fail(ST_NOMEM, "out of memory embedding a font");
	return ST_OK;
}

/* b deflated in place.  The level asked for is not the level given:
 * pdf_cairo.c's deflateInit, which compress2() reaches, makes it 1. */
static int deflate_buf(bytebuf *b)
{
	uLongf n = compressBound((uLong)b->len);
	uint8_t *z = mem_alloc(n);
	if (!z || compress2(z, &n, b->p, (uLong)b->len, Z_BEST_COMPRESSION) != Z_OK) {
		mem_free(z);
		return 0;
	}
	mem_free(b->p);
	b->p = z;
	b->len = b->cap = n;
	return 1;
}

static void release_parts(font_parts *fp)
{
	bytebuf_release(&fp->file);
	bytebuf_release(&fp->cid_map);
	bytebuf_release(&fp->tounicode);
	bytebuf_release(&fp->widths);
}

/* Printable ASCII and the letters of Latin-1 (accented capitals and small
 * letters; not its symbols, which names and codes do not use). */
static int latin1_common(uint32_t cp)
{
	return cp < 0x7F || (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7);
}

/* The main face's ASCII and Latin-1 letters (latin1_common) — all that
 * 93% of a statewide run's documents print — as a font made and deflated
 * once (at level 1: see deflate_buf), written whole into each document
 * that needs nothing else from the face: no subset to cut and nothing to
 * deflate per document, for about 4 KB more a file than a subset of just
 * its glyphs. */
static status make_latin1(pdf_fonts *f)
{
	face *fc = &f->faces[PDF_FACE_MAIN];
	if (!refs_reserve(&f->list, &f->list_cap, LATIN1_N))
		return status_fail(ST_NOMEM, "out of memory loading fonts");
	uint32_t n = 0;
	for (uint32_t cp = 0x20; cp < LATIN1_N; cp++) {
		if (!f->latin_ok[cp] || f->latin[cp].face != PDF_FACE_MAIN || !latin1_common(cp))
			continue;
		f->list[n++] = (glyph_ref){ cp, cp, f->latin[cp].gid };
	}
	status st = make_parts(f, fc, n, &f->latin1);
	if (st == ST_OK && !(deflate_buf(&f->latin1.file) && deflate_buf(&f->latin1.cid_map) &&
			     deflate_buf(&f->latin1.tounicode)))
		st = status_fail(ST_NOMEM, "out of memory loading fonts");
	f->latin1.deflated = 1;
	f->latin1_ready = st == ST_OK;
	return st;
}

/* ---- what documents use --------------------------------------------------------- */

static void state_release(pdf_font_state *st)
{
	for (int i = 0; i < PDF_FACES; i++) {
		mem_free(st->use[i].slot);
		mem_free(st->use[i].dyn);
	}
	memset(st, 0, sizeof *st);
}

status pdf_font_state_new(pdf_font_state **out)
{
	*out = mem_calloc(1, sizeof **out);
	return *out ? ST_OK : status_fail(ST_NOMEM, "out of memory for a document's fonts");
}

void pdf_font_state_free(pdf_font_state *st)
{
	if (!st)
		return;
	state_release(st);
	mem_free(st);
}

void pdf_font_state_reset(pdf_font_state *st)
{
	for (int i = 0; i < PDF_FACES; i++) {
		face_use *u = &st->use[i];
		if (u->n_latin)
			memset(u->latin_used, 0, sizeof u->latin_used);
		u->n_latin = 0;
		if (u->n_dyn)
			memset(u->slot, 0, u->n_slot * sizeof *u->slot);
		u->n_dyn = 0;
	}
}

pdf_font_state *pdf_fonts_swap(pdf_fonts *f, pdf_font_state *st)
{
	pdf_font_state *was = f->cur == &f->own ? NULL : f->cur;
	f->cur = st ? st : &f->own;
	return was;
}

static uint32_t slot_of(uint32_t cp, uint32_t mask)
{
	return (cp * 2654435761u >> 8) & mask;
}

/* cp's CID in u, 0: none yet. */
static uint16_t cid_find(const face_use *u, uint32_t cp)
{
	if (!u->n_slot)
		return 0;
	const uint32_t mask = u->n_slot - 1;
	for (uint32_t i = slot_of(cp, mask);; i = (i + 1) & mask) {
		if (!u->slot[i])
			return 0;
		if (u->slot[i] >> 16 == cp)
			return (uint16_t)u->slot[i];
	}
}

static void cid_put(face_use *u, uint32_t cp, uint16_t cid)
{
	const uint32_t mask = u->n_slot - 1;
	uint32_t i = slot_of(cp, mask);
	while (u->slot[i])
		i = (i + 1) & mask;
	u->slot[i] = cp << 16 | cid;
}

/* Room for one more character, the table at most half full. */
static int cid_room(face_use *u)
{
	if (2 * (u->n_dyn + 1) <= u->n_slot)
		return 1;
	const uint32_t n = u->n_slot ? 2 * u->n_slot : 64;
	uint32_t *old = u->slot;
	const uint32_t n_old = u->n_slot;
	if (!(u->slot = mem_calloc(n, sizeof *u->slot))) {
		u->slot = old;
		return 0;
	}
	u->n_slot = n;
	for (uint32_t i = 0; i < n_old; i++)
		if (old[i])
			cid_put(u, old[i] >> 16, (uint16_t)old[i]);
	mem_free(old);
	return 1;
}

/* ---- loading and freeing ------------------------------------------------------- */

status pdf_fonts_check(void)
{
	pthread_once(&found_once, find_files);
	if (!font_file[PDF_FACE_MAIN].found)
		return status_fail(ST_IO, "cannot find the font DejaVu Sans (Debian package fonts-dejavu-core)");
	return ST_OK;
}

status pdf_fonts_new(pdf_fonts **out, int lean)
{
	*out = NULL;
	status st = pdf_fonts_check();
	if (st != ST_OK)
		return st;
	pdf_fonts *f = mem_calloc(1, sizeof *f);
	if (!f)
		return status_fail(ST_NOMEM, "out of memory loading fonts");
	for (int i = 0; st == ST_OK && i < PDF_FACES; i++)
		if (font_file[i].found)
			st = load_face(&f->faces[i], i);
	f->cur = &f->own;
	if (st == ST_OK) {
		f->lean = lean;
		if (!lean)
			preprocess(&f->faces[PDF_FACE_MAIN]);
		for (uint32_t cp = 0x20; cp < LATIN_N; cp++)
			f->latin_ok[cp] = (uint8_t)find_glyph(f, cp, &f->latin[cp]);
		st = make_latin1(f);
	}
	if (st != ST_OK) {
		pdf_fonts_free(f);
		return st;
	}
	*out = f;
	return ST_OK;
}

void pdf_fonts_free(pdf_fonts *f)
{
	if (!f)
		return;
	for (int i = 0; i < PDF_FACES; i++) {
		face *fc = &f->faces[i];
		hb_font_destroy(fc->font);
		hb_face_destroy(fc->subset_face);
		hb_face_destroy(fc->face);
		hb_blob_destroy(fc->blob);
	}
	state_release(&f->own);
	release_parts(&f->latin1);
	release_parts(&f->parts);
	mem_free(f->list);
	mem_free(f);
}

/* ---- one document ------------------------------------------------------------ */

void pdf_fonts_reset(pdf_fonts *f)
{
	pdf_font_state_reset(f->cur);
}

int pdf_fonts_lookup(pdf_fonts *f, uint32_t cp, pdf_glyph *g)
{
	if (cp < LATIN_N) {
		if (!f->latin_ok[cp])
			return 0;
		*g = f->latin[cp];
		return 1;
	}
	return cp <= 0xFFFF && find_glyph(f, cp, g);
}

uint16_t pdf_fonts_use(pdf_fonts *f, const pdf_glyph *g, uint32_t cp)
{
	face_use *u = &f->cur->use[g->face];
	if (g->face == PDF_FACE_MAIN && cp < LATIN1_N) {
		u->n_latin += !u->latin_used[cp];
		u->latin_used[cp] = 1;
		return (uint16_t)cp;
	}
	const uint16_t known = cid_find(u, cp);
	if (known)
		return known;
	if (u->n_dyn >= 0xFFFF - DYN_BASE)
		return 0;   /* two-byte codes are all taken */
	if (!refs_reserve(&u->dyn, &u->cap_dyn, u->n_dyn + 1) || !cid_room(u))
		return 0;
	const uint16_t cid = (uint16_t)(DYN_BASE + u->n_dyn);
	u->dyn[u->n_dyn++] = (glyph_ref){ cid, cp, g->gid };
	cid_put(u, cp, cid);
	return cid;
}

int pdf_fonts_used(const pdf_fonts *f, int face_id)
{
	return f->cur->use[face_id].n_latin + f->cur->use[face_id].n_dyn > 0;
}

/* ---- embedding --------------------------------------------------------------- */

static status emit_parts(const face *fc, const font_parts *fp, pdf_doc *d, uint32_t *obj)
{
	const uint32_t type0 = pdf_doc_new_obj(d), cidfont = pdf_doc_new_obj(d), desc = pdf_doc_new_obj(d),
		       file = pdf_doc_new_obj(d), cid_map = pdf_doc_new_obj(d), tounicode = pdf_doc_new_obj(d);
	char dict[48];
	snprintf(dict, sizeof dict, "/Length1 %zu", fp->file_len);
	pdf_doc_stream(d, file, dict, fp->file.p, fp->file.len, fp->deflated ? PDF_DEFLATED : PDF_STORED);
	const enum pdf_stream_mode maps = fp->deflated ? PDF_DEFLATED : PDF_DEFLATE;
	pdf_doc_stream(d, cid_map, "", fp->cid_map.p, fp->cid_map.len, maps);
	pdf_doc_stream(d, tounicode, "", fp->tounicode.p, fp->tounicode.len, maps);

	bytebuf *o = &d->body;
	pdf_doc_begin(d, desc);
	pdf_buf_puts(o, "<< /Type /FontDescriptor /FontName /");
	pdf_buf_puts(o, fp->name);
	pdf_buf_puts(o, " /Flags 4 /FontBBox [");
	for (int k = 0; k < 4; k++) {
		pdf_buf_num(o, fc->bbox[k]);
		pdf_buf_putc(o, k < 3 ? ' ' : ']');
	}
	pdf_buf_puts(o, " /ItalicAngle 0 /Ascent ");
	pdf_buf_num(o, fc->ascent);
	pdf_buf_puts(o, " /Descent ");
	pdf_buf_num(o, fc->descent);
	pdf_buf_puts(o, " /CapHeight ");
	pdf_buf_num(o, fc->cap_height);
	pdf_buf_puts(o, " /StemV 80 /FontFile2 ");
	pdf_buf_u64(o, file);
	pdf_buf_puts(o, " 0 R >>");
	pdf_doc_end(d);

	pdf_doc_begin(d, cidfont);
	pdf_buf_puts(o, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /");
	pdf_buf_puts(o, fp->name);
	pdf_buf_puts(o, " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
			" /FontDescriptor ");
	pdf_buf_u64(o, desc);
	pdf_buf_puts(o, " 0 R /CIDToGIDMap ");
	pdf_buf_u64(o, cid_map);
	pdf_buf_puts(o, " 0 R /W ");
	bytebuf_put(o, fp->widths.p, fp->widths.len);
	pdf_buf_puts(o, " >>");
	pdf_doc_end(d);

	pdf_doc_begin(d, type0);
	pdf_buf_puts(o, "<< /Type /Font /Subtype /Type0 /BaseFont /");
	pdf_buf_puts(o, fp->name);
	pdf_buf_puts(o, " /Encoding /Identity-H /DescendantFonts [");
	pdf_buf_u64(o, cidfont);
	pdf_buf_puts(o, " 0 R] /ToUnicode ");
	pdf_buf_u64(o, tounicode);
	pdf_buf_puts(o, " 0 R >>");
	pdf_doc_end(d);
	if (pdf_doc_oom(d))
		return status_fail(ST_NOMEM, "out of memory embedding a font");
	*obj = type0;
	return ST_OK;
}

/* Whether the Latin-1 font has every character the document used. */
static int latin1_covers(const face_use *u)
{
	for (uint32_t cp = 0xA0; cp < 0xC0; cp++)
		if (u->latin_used[cp])
			return 0;
	return !u->latin_used[0xD7] && !u->latin_used[0xF7];
}

status pdf_fonts_embed(pdf_fonts *f, int face_id, pdf_doc *d, uint32_t *obj)
{
	face *fc = &f->faces[face_id];
	const face_use *u = &f->cur->use[face_id];
	*obj = 0;
	if (face_id == PDF_FACE_MAIN && u->n_dyn == 0 && f->latin1_ready && latin1_covers(u))
		return emit_parts(fc, &f->latin1, d, obj);
	if (++fc->docs == PREPROCESS_AFTER && fc->subset_face == fc->face && !f->lean)
		preprocess(fc);
	const uint32_t n = u->n_latin + u->n_dyn;
	if (!refs_reserve(&f->list, &f->list_cap, n))
		return status_fail(ST_NOMEM, "out of memory embedding a font");
	uint32_t k = 0;
	for (uint32_t cp = 0; u->n_latin && cp < LATIN1_N; cp++) {
		if (!u->latin_used[cp])
			continue;
		f->list[k++] = (glyph_ref){ cp, cp, f->latin[cp].gid };
	}
	/* by CID already; dyn is NULL until a face's first character past
	 * Latin-1, and memcpy's source must not be NULL even for 0 bytes */
	if (u->n_dyn)
		memcpy(f->list + k, u->dyn, u->n_dyn * sizeof *u->dyn);
	const status st = make_parts(f, fc, n, &f->parts);
	return st != ST_OK ? st : emit_parts(fc, &f->parts, d, obj);
}
