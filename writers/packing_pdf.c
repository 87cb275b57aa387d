/*
 * packing_pdf.c: packing lists and box labels (see packing_pdf.h).
 *
 * Packing list, US letter.  Page 1 opens with the shipment, the LEA, the
 * ship window and the totals; every page has a short running head and a
 * "Page k of n" foot.  Then box by box: a shaded head with a check box for
 * the packer, "Box N of M", the box id, its sets and its gross weight, a
 * line with the paper and envelope kind of what it holds, and one row per
 * school segment — divider or continued, school code and name, grades,
 * first and last student, sets, SSR sheets, envelopes.  A box that does
 * not fit in what is left of a page starts on the next one when it fits
 * on a whole page; a longer box is split, and its head is repeated with
 * "(continued)".  The layout is walked twice with the same code, first
 * without drawing to count the pages (inside the draw function, so text
 * is measured the way it is drawn).
 *
 * Labels, 4x6 inches, one page per box, laid out as carriers expect: the
 * return address small at the top left ("FROM", config [shipper]); the
 * ship-to block first and large (the LEA directory's name, attention,
 * address lines, city, state and ZIP, phone), or "SHIP-TO MISSING: HOLD"
 * across it for an LEA the directory lacks, or the LEA's name and code in
 * a run without a directory; then "Box N of M" and the gross weight, the
 * shipment (and wave or REPRINT), what the box holds, its paper and
 * envelope kind, the first and last school, and the box id as a Code 128
 * barcode with the id printed under it.
 *
 * Nothing a packer or carrier reads is cut: a name too wide for its place
 * is drawn in a smaller size, and when even that is too wide, wrapped
 * onto more lines (fit_text).  Only a string past pdf_text_bound's 256
 * characters, which no real name or address is, ends in "...".
 *
 * Books (packing_book_add, labels_book_add): the same pages again, drawn
 * into one file per shipment and desk (pdf_book_begin), in print order.
 */
#include "packing_pdf.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../engine/student.h"
#include "run_docs.h"

static const char *const ship_title[SHIP_COUNT] = {
	"August shipment: Smarter Balanced and CAA, ELA and mathematics",
	"December/January shipment: science (CAST, CAAS) and Spanish (CSA)",
	"ELPAC shipment: Summative ELPAC",
};

static const char *const ship_short[SHIP_COUNT] = {
	"August shipment", "December/January shipment", "ELPAC shipment",
};

static const char *const ship_contents[SHIP_COUNT] = {
	"ELA and mathematics SSRs (SB, CAA)",
	"Science and Spanish SSRs (CAST, CAAS, CSA)",
	"Summative ELPAC SSRs",
};

static const char *plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* "Paper 8.5x11, envelopes #10", "Paper 11x17, no envelopes": the paper
 * of a box's sets and the envelopes they go in (docs/rules.md §8: 6x9 for
 * a folded 11x17 sheet, #10 window for letter paper). */
static void paper_line(char *buf, size_t cap, uint8_t papers, uint8_t envelope_papers)
{
	static const char *const paper[2] = { [PAPER_11X17] = "11x17", [PAPER_LETTER] = "8.5x11" };
	static const char *const env[2] = { [PAPER_11X17] = "6x9", [PAPER_LETTER] = "#10" };
	char p[32] = "", e[32] = "";
	for (int k = 0; k < 2; k++) {
		if (papers & (1u << k))
			snprintf(p + strlen(p), sizeof p - strlen(p), "%s%s", p[0] ? " and " : "", paper[k]);
		if (envelope_papers & (1u << k))
			snprintf(e + strlen(e), sizeof e - strlen(e), "%s%s", e[0] ? " and " : "", env[k]);
	}
	if (e[0])
		snprintf(buf, cap, "Paper %s, envelopes %s", p, e);
	else
		snprintf(buf, cap, "Paper %s, no envelopes", p);
}

/* ---- text that fits ----------------------------------------------------------- */

#define MAX_LINES 8

/* s wrapped into lines no wider than w in font: breaks after a space or a
 * hyphen, inside a word only when the word alone is wider than a line.
 * Lines are s[at[i], at[i] + len[i]); returns their count, at most max
 * (the last one then holds the rest, which pdf_text cuts). */
static int wrap(pdf_canvas *c, int font, double w, const char *s, size_t *at, size_t *len, int max)
{
	char buf[PDF_TEXT_BYTES];
	size_t b = 0;
	const size_t n = strlen(s);
	int lines = 0;
	while (b < n && lines < max) {
		while (s[b] == ' ')
			b++;
		if (!s[b])
			break;
		if (lines == max - 1 || pdf_text_width(c, font, s + b) <= w) {
			at[lines] = b;
			len[lines++] = n - b;
			break;
		}
		size_t best = 0, e = b, last_char = b;
		while (e < n) {
			/* the next character */
			size_t k = e + 1;
			while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
				k++;
			const size_t l = k - b < sizeof buf ? k - b : sizeof buf - 1;
			memcpy(buf, s + b, l);
			buf[l] = 0;
			if (pdf_text_width(c, font, buf) > w)
				break;
			last_char = k;
			if (s[e] == ' ' || s[e] == '-' || s[e] == '/')
				best = k;
			e = k;
		}
		if (!best)
			best = last_char > b ? last_char : e + 1;   /* a word wider than the line */
		size_t end = best;
		while (end > b && s[end - 1] == ' ')
			end--;
		at[lines] = b;
		len[lines++] = end - b;
		b = best;
	}
	return lines;
}

typedef struct fit {
	int font, lines;
} fit;

/* How s fits in width w: on one line in the first of fonts[0..nf) that
 * takes it whole, else wrapped in the last on up to max lines. */
static fit fit_measure(pdf_canvas *c, const int *fonts, int nf, double w, const char *s, int max)
{
	for (int i = 0; i < nf; i++)
		if (pdf_text_width(c, fonts[i], s) <= w)
			return (fit){ fonts[i], 1 };
	size_t at[MAX_LINES], len[MAX_LINES];
	const int lines = wrap(c, fonts[nf - 1], w, s, at, len, max);
	return (fit){ fonts[nf - 1], lines ? lines : 1 };
}

/* Draws s as fit_measure fits it, the first baseline at y, lines lead
 * apart; returns the fit. */
static fit fit_text(pdf_canvas *c, const int *fonts, int nf, double x, double y, double w, int align,
		    double lead, int max, const char *s)
{
	const fit f = fit_measure(c, fonts, nf, w, s, max);
	if (f.lines == 1) {
		pdf_text(c, f.font, x, y, w, align, s);
		return f;
	}
	size_t at[MAX_LINES], len[MAX_LINES];
	char line[PDF_TEXT_BYTES];
	const int lines = wrap(c, f.font, w, s, at, len, max);
	for (int i = 0; i < lines; i++) {
		const size_t l = len[i] < sizeof line ? len[i] : sizeof line - 1;
		memcpy(line, s + at[i], l);
		line[l] = 0;
		pdf_text(c, f.font, x, y + i * lead, w, align, line);
	}
	return f;
}

/* ---- packing list ---------------------------------------------------------- */

#define MARGIN 36.0
#define RIGHT (PDF_LETTER_W - MARGIN)
#define BOTTOM (PDF_LETTER_H - 44.0)   /* content ends here; the foot is below */
#define ROW 11.0
#define ROW_LEAD 8.0                   /* lines of a wrapped cell (7 pt) */
#define BOX_HEAD 18.0
#define COL_HEAD 12.0
#define BOX_GAP 9.0
#define FIRST_TOP 168.0
#define NEXT_TOP 66.0
#define SIGN_OFF 46.0
#define CELL_LINES 3

/* table columns: left edge and width */
enum { C_DIV, C_SCHOOL, C_GRADES, C_FIRST, C_LAST, C_SETS, C_SHEETS, C_ENV, C_N };
static const struct {
	double x, w;
	int align;
	const char *head;
} col[C_N] = {
	[C_DIV] = { 40, 54, PA_LEFT, "Divider" },
	[C_SCHOOL] = { 96, 156, PA_LEFT, "School" },
	[C_GRADES] = { 254, 32, PA_LEFT, "Grades" },
	[C_FIRST] = { 288, 98, PA_LEFT, "First student" },
	[C_LAST] = { 388, 98, PA_LEFT, "Last student" },
	[C_SETS] = { 488, 28, PA_RIGHT, "Sets" },
	[C_SHEETS] = { 518, 28, PA_RIGHT, "Sheets" },
	[C_ENV] = { 548, 24, PA_RIGHT, "Env." },
};

static const int cell_fonts[] = { PF_BODY, PF_SMALL };

typedef struct plist {
	pdf_canvas *c;
	int draw;            /* 0: only count the pages */
	const packing *p;
	const config *cfg;
	char lea_name[PDF_TEXT_BYTES];   /* bounded (pdf_text_bound) */
	char id_first[48], id_last[48];
	int page, pages;
	double y;
} plist;

static void text(plist *pl, int font, double x, double base, double w, int align, const char *s)
{
	if (pl->draw)
		pdf_text(pl->c, font, x, base, w, align, s);
}

static void grades(char *buf, size_t cap, const segment *s)
{
	if (s->first_grade == s->last_grade)
		snprintf(buf, cap, "%s", grade_name[s->first_grade]);
	else
		snprintf(buf, cap, "%s-%s", grade_name[s->first_grade], grade_name[s->last_grade]);
}

static void page_head(plist *pl)
{
	const packing *p = pl->p;
	const int sh = packing_shipment(p);
	char buf[PDF_TEXT_BYTES + 64], a[64];
	if (pl->page == 1) {
		packing_totals t;
		packing_totals_get(p, &t);
		text(pl, PF_TITLE, MARGIN, 56, 0, PA_LEFT, "PACKING LIST");
		snprintf(buf, sizeof buf, "Paper Student Score Reports, %s", pl->cfg->admin_year);
		text(pl, PF_TEXT, RIGHT, 56, 0, PA_RIGHT, buf);
		snprintf(buf, sizeof buf, "%s (LEA %07u)", pl->lea_name, packing_lea(p));
		static const int head_fonts[] = { PF_HEAD, PF_LEAD, PF_TEXT, PF_BODY };
		const fit f = fit_measure(pl->c, head_fonts, 4, RIGHT - MARGIN, buf, 1);
		text(pl, f.font, MARGIN, 80, RIGHT - MARGIN, PA_LEFT, buf);
		text(pl, PF_TEXT, MARGIN, 96, 0, PA_LEFT, ship_title[sh]);
		ship_to st;
		if (packing_ship_to(p, &st) < 0)   /* docs/rules.md §16: no address, held */
			text(pl, PF_LEAD, RIGHT, 111, 0, PA_RIGHT, "SHIP-TO MISSING: HOLD");
		if (packing_reprint(p)) {   /* docs/rules.md §15.5 */
			text(pl, PF_HEAD, RIGHT, 96, 0, PA_RIGHT, "REPRINT");
		} else if (packing_wave(p)) {   /* a run with a ledger: which wave of the season */
			snprintf(buf, sizeof buf, "Wave %d", packing_wave(p));
			text(pl, PF_HEAD, RIGHT, 96, 0, PA_RIGHT, buf);
		}
		packing_ship_window(a, sizeof a, sh, pl->cfg);
		snprintf(buf, sizeof buf, "Ship window: %s", a);
		text(pl, PF_TEXT, MARGIN, 110, 0, PA_LEFT, buf);
		if (pl->draw)
			pdf_box(pl->c, MARGIN, 118, RIGHT - MARGIN, 36, 0.6, 0.93);
		char n1[32], n2[32], n3[32], n4[32];
		pdf_count(n1, sizeof n1, t.sets);
		pdf_count(n2, sizeof n2, t.sheets);
		pdf_count(n3, sizeof n3, t.dividers);
		pdf_count(n4, sizeof n4, t.envelopes);
		snprintf(buf, sizeof buf, "Totals: %u %s, %s %s, %s SSR %s, %s %s, %s %s",
			 packing_box_count(p), plural(t.boxes, "box", "boxes"), n1, plural(t.sets, "set", "sets"),
			 n2, plural(t.sheets, "sheet", "sheets"), n3, plural(t.dividers, "divider", "dividers"),
			 n4, plural(t.envelopes, "envelope", "envelopes"));
		text(pl, PF_BODY, MARGIN + 6, 132, 0, PA_LEFT, buf);
		pdf_weight(a, sizeof a, t.gross_mg);
		snprintf(buf, sizeof buf, "Gross weight %s     Box ids %s to %s", a, pl->id_first, pl->id_last);
		text(pl, PF_BODY, MARGIN + 6, 146, 0, PA_LEFT, buf);
		pl->y = FIRST_TOP;
	} else {
		snprintf(buf, sizeof buf, "Packing list: %s (LEA %07u)", pl->lea_name, packing_lea(p));
		text(pl, PF_BODY, MARGIN, 46, 380, PA_LEFT, buf);
		text(pl, PF_BODY, RIGHT, 46, 0, PA_RIGHT, ship_short[sh]);
		if (pl->draw)
			pdf_rule(pl->c, MARGIN, 52, RIGHT, 52, 0.6);
		pl->y = NEXT_TOP;
	}
}

static void page_foot(plist *pl)
{
	char buf[160];
	snprintf(buf, sizeof buf, "LEA %07u, %s, %s", packing_lea(pl->p), ship_short[packing_shipment(pl->p)],
		 pl->cfg->admin_year);
	text(pl, PF_SMALL, MARGIN, PDF_LETTER_H - 26, 0, PA_LEFT, buf);
	snprintf(buf, sizeof buf, "Page %d of %d", pl->page, pl->pages);
	text(pl, PF_SMALL, RIGHT, PDF_LETTER_H - 26, 0, PA_RIGHT, buf);
}

static void next_page(plist *pl)
{
	page_foot(pl);
	if (pl->draw)
		pdf_page(pl->c);
	pl->page++;
	page_head(pl);
}

/* The rows under a box's shaded head: its paper line, the REPRINT line. */
static double box_head_height(const packing *p, uint32_t b)
{
	return BOX_HEAD + ROW + COL_HEAD + (packing_reprint_box(p, b) ? ROW : 0);
}

static void box_head(plist *pl, uint32_t b, const packing_box *bx, int continued)
{
	const packing *p = pl->p;
	char buf[128], id[96], w[64], n[32];
	const uint64_t sets = bx->sets;
	const size_t n_seg = bx->end_segment - bx->first_segment;
	if (pl->draw) {
		pdf_box(pl->c, MARGIN, pl->y, RIGHT - MARGIN, BOX_HEAD, 0, 0.88);
		pdf_box(pl->c, MARGIN + 5, pl->y + 3.5, 11, 11, 1, 1);   /* the packer's check box */
	}
	const double base = pl->y + 12.8;
	snprintf(buf, sizeof buf, continued ? "Box %u of %u (continued)" : "Box %u of %u",
		 packing_label_no(p, b), packing_label_count(p, b));
	text(pl, PF_LEAD, MARGIN + 22, base, 150, PA_LEFT, buf);
	packing_box_id(p, b, id, sizeof id);
	text(pl, PF_BODY, 210, base, 0, PA_LEFT, id);
	pdf_count(n, sizeof n, sets);
	snprintf(buf, sizeof buf, "%s %s, %zu %s", n, plural(sets, "set", "sets"), n_seg,
		 plural(n_seg, "segment", "segments"));
	text(pl, PF_BODY, 330, base, 0, PA_LEFT, buf);
	pdf_weight(w, sizeof w, bx->gross_mg);
	snprintf(buf, sizeof buf, "gross %s", w);
	text(pl, PF_TEXT, RIGHT - 4, base, 0, PA_RIGHT, buf);
	pl->y += BOX_HEAD;
	paper_line(buf, sizeof buf, bx->papers, bx->envelope_papers);
	text(pl, PF_TEXT, MARGIN + 22, pl->y + 10, 0, PA_LEFT, buf);
	pl->y += ROW;
	const packing_rbox *rb = packing_reprint_box(p, b);
	if (rb) {   /* docs/rules.md §15.5: the box it replaces, under its head */
		char of[224];
		snprintf(of, sizeof of, "REPRINT of %s: that box is void; this one replaces it", rb->of);
		text(pl, PF_TEXT, MARGIN + 22, pl->y + 10, 0, PA_LEFT, of);
		pl->y += ROW;
	}
	for (int k = 0; k < C_N; k++)
		text(pl, PF_SMALL, col[k].x, pl->y + 9, col[k].w, col[k].align, col[k].head);
	if (pl->draw)
		pdf_rule(pl->c, MARGIN, pl->y + COL_HEAD - 0.5, RIGHT, pl->y + COL_HEAD - 0.5, 0.4);
	pl->y += COL_HEAD;
}

/* A segment's three text cells, as drawn. */
static void segment_cells(const packing *p, const segment *s, char *school, size_t cap)
{
	char name[PDF_TEXT_BYTES];
	pdf_text_bound(name, sizeof name, packing_text(p, s->school_name));
	snprintf(school, cap, "%07u %s", s->school, name);
}

/* The height of a segment's row: one line, or the most lines a name
 * cell wraps onto. */
static double segment_height(plist *pl, const segment *s)
{
	char school[PDF_TEXT_BYTES + 32];
	segment_cells(pl->p, s, school, sizeof school);
	const char *cell[3] = { school, packing_text(pl->p, s->first_student),
				packing_text(pl->p, s->last_student) };
	static const int which[3] = { C_SCHOOL, C_FIRST, C_LAST };
	int lines = 1;
	for (int k = 0; k < 3; k++) {
		const fit f = fit_measure(pl->c, cell_fonts, 2, col[which[k]].w, cell[k], CELL_LINES);
		if (f.lines > lines)
			lines = f.lines;
	}
	return lines == 1 ? ROW : lines * ROW_LEAD + 3;
}

static void segment_row(plist *pl, const segment *s, double h)
{
	const packing *p = pl->p;
	char buf[PDF_TEXT_BYTES + 32];
	const double base = pl->y + (h > ROW ? 7.4 : 8.4);
	if (pl->draw) {
		text(pl, PF_BODY, col[C_DIV].x, base, col[C_DIV].w, PA_LEFT, s->continued ? "CONTINUED" : "school");
		segment_cells(p, s, buf, sizeof buf);
		fit_text(pl->c, cell_fonts, 2, col[C_SCHOOL].x, base, col[C_SCHOOL].w, PA_LEFT, ROW_LEAD,
			 CELL_LINES, buf);
		grades(buf, sizeof buf, s);
		text(pl, PF_BODY, col[C_GRADES].x, base, col[C_GRADES].w, PA_LEFT, buf);
		fit_text(pl->c, cell_fonts, 2, col[C_FIRST].x, base, col[C_FIRST].w, PA_LEFT, ROW_LEAD,
			 CELL_LINES, packing_text(p, s->first_student));
		fit_text(pl->c, cell_fonts, 2, col[C_LAST].x, base, col[C_LAST].w, PA_LEFT, ROW_LEAD,
			 CELL_LINES, packing_text(p, s->last_student));
		static const int num_col[3] = { C_SETS, C_SHEETS, C_ENV };
		const uint64_t v[3] = { s->sets, s->sheets, s->envelopes };
		for (int k = 0; k < 3; k++) {
			snprintf(buf, sizeof buf, "%llu", (unsigned long long)v[k]);
			text(pl, PF_BODY, col[num_col[k]].x, base, col[num_col[k]].w, PA_RIGHT, buf);
		}
	}
	pl->y += h;
}

/* Lays the list out, drawing when pl->draw is set; returns the page count. */
static int lay_out(plist *pl)
{
	const packing *p = pl->p;
	const uint32_t m = packing_box_count(p);
	pl->page = 1;
	page_head(pl);
	for (uint32_t b = 1; b <= m; b++) {
		packing_box bx;
		packing_box_get(p, b, &bx);
		const double head = box_head_height(p, b);
		double rows = 0, first_row = ROW;
		for (size_t k = bx.first_segment; k < bx.end_segment; k++) {
			const double h = segment_height(pl, packing_segment(p, k));
			rows += h;
			if (k == bx.first_segment)
				first_row = h;
		}
		const double need = head + rows;
		const double top = pl->page == 1 ? FIRST_TOP : NEXT_TOP;
		/* move a box that fits on a page of its own; split only a longer one,
		 * and never leave a head without a row under it */
		if (pl->y + need > BOTTOM && pl->y > top &&
		    (need <= BOTTOM - NEXT_TOP || pl->y + head + first_row > BOTTOM))
			next_page(pl);
		box_head(pl, b, &bx, 0);
		for (size_t k = bx.first_segment; k < bx.end_segment; k++) {
			const segment *s = packing_segment(p, k);
			const double h = segment_height(pl, s);
			if (pl->y + h > BOTTOM) {
				next_page(pl);
				box_head(pl, b, &bx, 1);
			}
			segment_row(pl, s, h);
		}
		pl->y += BOX_GAP;
	}
	if (pl->y + SIGN_OFF > BOTTOM)
		next_page(pl);
	pl->y += 18;
	text(pl, PF_TEXT, MARGIN, pl->y, 0, PA_LEFT,
	     "Packed by: ______________________   Date: __________   Checked by: ______________________");
	page_foot(pl);
	return pl->page;
}

static void draw_list(pdf_canvas *c, void *arg)
{
	plist *pl = arg;
	pl->c = c;
	pl->draw = 0;
	pl->pages = lay_out(pl);
	pl->draw = 1;
	lay_out(pl);
}

static void list_init(plist *pl, const packing *p, const config *cfg)
{
	memset(pl, 0, sizeof *pl);
	pl->p = p;
	pl->cfg = cfg;
	pdf_text_bound(pl->lea_name, sizeof pl->lea_name, packing_lea_name(p));
	packing_box_id(p, 1, pl->id_first, sizeof pl->id_first);
	packing_box_id(p, packing_box_count(p), pl->id_last, sizeof pl->id_last);
}

status packing_pdf_write(pdf_canvas *c, outdir *d, const packing *p, const config *cfg)
{
	char rel[96], title[160];
	const int sh = packing_shipment(p);
	plist pl;
	list_init(&pl, p, cfg);
	snprintf(rel, sizeof rel, "packing/%s/%07u.pdf", shipment_name[sh], packing_lea(p));
	snprintf(title, sizeof title, "Packing list, %s, LEA %07u", ship_short[sh], packing_lea(p));
	return pdf_document(c, d, rel, PDF_LETTER_W, PDF_LETTER_H, title, draw_list, &pl);
}

status packing_book_begin(pdf_book *b, outdir *d, int shipment)
{
	char rel[96], title[160];
	snprintf(rel, sizeof rel, "packing/%s.pdf", shipment_name[shipment]);
	snprintf(title, sizeof title, "Packing lists, %s", ship_short[shipment]);
	return pdf_book_begin(b, d, rel, PDF_LETTER_W, PDF_LETTER_H, title);
}

status packing_book_add(pdf_book *b, pdf_canvas *c, const packing *p, const config *cfg)
{
	plist pl;
	list_init(&pl, p, cfg);
	return pdf_book_add(b, c, draw_list, &pl);
}

/* ---- labels ---------------------------------------------------------------- */

#define L_MARGIN 16.0
#define L_WIDTH (PDF_4X6_W - 2 * L_MARGIN)
#define L_RIGHT (PDF_4X6_W - L_MARGIN)
#define L_FROM_W 210.0        /* the return address, top left */
#define L_SHIP_TOP 64.0       /* the ship-to block: its first baseline ... */
#define L_SHIP_END 176.0      /* ... and the most it may take */
#define L_BARCODE 294.0

static const double lead_of[PF_COUNT] = {
	[PF_SMALL] = 8, [PF_BODY] = 10, [PF_TEXT] = 12, [PF_LEAD] = 13,
	[PF_HEAD] = 16.5, [PF_TITLE] = 25, [PF_HUGE] = 40,
};

typedef struct label_job {
	const packing *p;
	const config *cfg;
	int have;             /* packing_ship_to */
	ship_to st;
} label_job;

/* The return address, small, at the top left; returns the baseline under it. */
static double from_block(pdf_canvas *c, const shipper_config *sh)
{
	char city[160];
	snprintf(city, sizeof city, "%s, %s %s", sh->city, sh->state, sh->zip);
	const char *const line[5] = { sh->name, sh->address1, sh->address2, city, sh->phone };
	static const int small[] = { PF_SMALL };
	double y = 13;
	pdf_text(c, PF_SMALL, L_MARGIN, y, 0, PA_LEFT, "FROM");
	for (int i = 0; i < 5; i++) {
		if (!line[i][0])
			continue;
		const fit f = fit_text(c, small, 1, L_MARGIN + 26, y, L_FROM_W - 26, PA_LEFT, 7.6, 2, line[i]);
		y += 7.6 * f.lines;
	}
	return y;
}

/* The ship-to lines of a directory row: the name, the attention line,
 * the address lines, "City, ST ZIP", the phone. */
static int ship_lines(const ship_to *st, char out[][PDF_TEXT_BYTES + 16], int *font)
{
	int n = 0;
	pdf_text_bound(out[n], PDF_TEXT_BYTES, st->name);
	font[n++] = PF_HEAD;
	if (st->attention[0]) {
		char a[PDF_TEXT_BYTES];
		pdf_text_bound(a, sizeof a, st->attention);
		/* a directory's attention line may say "Attn" itself */
		snprintf(out[n], PDF_TEXT_BYTES + 16, "%s%s", strncasecmp(a, "attn", 4) == 0 ? "" : "ATTN: ", a);
		font[n++] = PF_LEAD;
	}
	pdf_text_bound(out[n], PDF_TEXT_BYTES, st->address1);
	font[n++] = PF_HEAD;
	if (st->address2[0]) {
		pdf_text_bound(out[n], PDF_TEXT_BYTES, st->address2);
		font[n++] = PF_HEAD;
	}
	char city[PDF_TEXT_BYTES];
	pdf_text_bound(city, sizeof city, st->city);
	snprintf(out[n], PDF_TEXT_BYTES + 16, "%.*s, %.3s %.10s", PDF_TEXT_BYTES - 32, city, st->state, st->zip);
	font[n++] = PF_HEAD;
	if (st->phone[0]) {
		pdf_text_bound(out[n], PDF_TEXT_BYTES, st->phone);
		font[n++] = PF_TEXT;
	}
	return n;
}

/* The ship-to block, first and large, under top: each line in its size,
 * or all a size smaller until the block ends by L_SHIP_END. */
static void ship_block(pdf_canvas *c, const ship_to *st, double top)
{
	char line[6][PDF_TEXT_BYTES + 16];
	int want[6];
	const int n = ship_lines(st, line, want);
	static const int ladder[] = { PF_HEAD, PF_LEAD, PF_TEXT, PF_BODY, PF_SMALL };
	int fonts[6][2], nf[6];
	for (int step = 0;; step++) {
		double y = top;
		for (int i = 0; i < n; i++) {
			/* its size or the next smaller on one line, else wrapped in
			 * the smaller: a long name stays large on two lines */
			const int most = want[i] - step < PF_SMALL ? PF_SMALL : want[i] - step;
			nf[i] = 0;
			for (int k = 0; k < 5 && nf[i] < 2; k++)
				if (ladder[k] <= most)
					fonts[i][nf[i]++] = ladder[k];
			const fit f = fit_measure(c, fonts[i], nf[i], L_WIDTH, line[i], 3);
			y += lead_of[f.font] * f.lines;
		}
		if (y <= L_SHIP_END || step == 4)
			break;
	}
	double y = top;
	for (int i = 0; i < n; i++) {
		const fit f = fit_measure(c, fonts[i], nf[i], L_WIDTH, line[i], 3);
		y += lead_of[f.font] * 0.8;
		fit_text(c, fonts[i], nf[i], L_MARGIN, y, L_WIDTH, PA_LEFT, lead_of[f.font], 3, line[i]);
		y += lead_of[f.font] * (f.lines - 1) + lead_of[f.font] * 0.2;
	}
}

/* Across the ship-to block of an LEA the directory lacks (docs/rules.md
 * §16): the label must not go out. */
static void held_block(pdf_canvas *c, const packing *p, double top)
{
	pdf_box(c, L_MARGIN - 4, top, L_WIDTH + 8, L_SHIP_END + 2 - top, 3, 0.85);
	static const int big[] = { PF_TITLE, PF_HEAD, PF_LEAD };
	const fit f = fit_measure(c, big, 3, L_WIDTH, "SHIP-TO MISSING: HOLD", 1);
	pdf_text(c, f.font, PDF_4X6_W / 2, top + 26, 0, PA_CENTER, "SHIP-TO MISSING: HOLD");
	pdf_text(c, PF_HUGE, PDF_4X6_W / 2, top + 68, 0, PA_CENTER, "HOLD");
	pdf_text(c, PF_BODY, PDF_4X6_W / 2, top + 86, 0, PA_CENTER,
		 "No address for this LEA in the directory: do not ship");
	char buf[PDF_TEXT_BYTES + 32];
	snprintf(buf, sizeof buf, "%s (LEA %07u)", packing_lea_name(p), packing_lea(p));
	static const int small[] = { PF_BODY, PF_SMALL };
	fit_text(c, small, 2, L_MARGIN, top + 100, L_WIDTH, PA_CENTER, 8, 2, buf);
}

/* A run without a directory: the LEA's name and code, as before. */
static void lea_block(pdf_canvas *c, const packing *p)
{
	static const int name_fonts[] = { PF_TITLE, PF_HEAD, PF_LEAD, PF_TEXT };
	const fit f = fit_text(c, name_fonts, 4, L_MARGIN, L_SHIP_TOP + 8, L_WIDTH, PA_LEFT, lead_of[PF_TEXT], 4,
			       packing_lea_name(p));
	char buf[32];
	snprintf(buf, sizeof buf, "LEA %07u", packing_lea(p));
	pdf_text(c, PF_LEAD, L_MARGIN, L_SHIP_TOP + 8 + lead_of[f.font] * (f.lines - 1) + 18, 0, PA_LEFT, buf);
}

/* "From"/"To" and a school, wrapped onto two lines when even 7 pt is too
 * wide; draw 0 only measures.  Returns its lines. */
static int school_line(pdf_canvas *c, int draw, double base, const char *lead, const packing *p,
		       const segment *s)
{
	char name[PDF_TEXT_BYTES], buf[PDF_TEXT_BYTES + 32];
	pdf_text_bound(name, sizeof name, packing_text(p, s->school_name));
	snprintf(buf, sizeof buf, "%07u %s%s", s->school, name,
		 s->continued ? " (continued)" : "");
	static const int fonts[] = { PF_BODY, PF_SMALL };
	if (!draw)
		return fit_measure(c, fonts, 2, L_WIDTH - 24, buf, 2).lines;
	pdf_text(c, PF_SMALL, L_MARGIN, base, 0, PA_LEFT, lead);
	return fit_text(c, fonts, 2, L_MARGIN + 24, base, L_WIDTH - 24, PA_LEFT, 7.4, 2, buf).lines;
}

static void label(pdf_canvas *c, const label_job *j, uint32_t b, const packing_box *bx)
{
	const packing *p = j->p;
	const int sh = packing_shipment(p);
	char buf[256], id[96], n1[32], n2[32], n3[32];
	static const int line_fonts[] = { PF_BODY, PF_SMALL };

	/* FROM, top left; the program and year, top right */
	const double from_end = from_block(c, &j->cfg->shipper);
	pdf_text(c, PF_SMALL, L_RIGHT, 13, 0, PA_RIGHT, "Paper SSRs");
	pdf_text(c, PF_SMALL, L_RIGHT, 21, 0, PA_RIGHT, j->cfg->admin_year);
	const double rule1 = from_end > 46 ? from_end - 4 : 42;
	pdf_rule(c, L_MARGIN, rule1, L_RIGHT, rule1, 1);

	/* SHIP TO, first and large */
	snprintf(buf, sizeof buf, "SHIP TO (LEA %07u)", packing_lea(p));
	pdf_text(c, PF_SMALL, L_MARGIN, rule1 + 9, 0, PA_LEFT, buf);
	if (j->have > 0)
		ship_block(c, &j->st, rule1 + 11);
	else if (j->have < 0)
		held_block(c, p, rule1 + 13);
	else
		lea_block(c, p);
	pdf_rule(c, L_MARGIN, L_SHIP_END + 6, L_RIGHT, L_SHIP_END + 6, 1.5);

	/* Box N of M, the gross weight beside it */
	snprintf(buf, sizeof buf, "Box %u of %u", packing_label_no(p, b), packing_label_count(p, b));
	pdf_text(c, PF_TITLE, L_MARGIN, 206, 0, PA_LEFT, buf);
	const double box_w = pdf_text_width(c, PF_TITLE, buf);
	pdf_weight(n1, sizeof n1, bx->gross_mg);
	if (box_w + 8 + pdf_text_width(c, PF_BODY, n1) <= L_WIDTH) {
		pdf_text(c, PF_SMALL, L_RIGHT, 195, 0, PA_RIGHT, "Gross weight");
		pdf_text(c, PF_BODY, L_RIGHT, 206, 0, PA_RIGHT, n1);
	} else {
		pdf_text(c, PF_SMALL, L_RIGHT, 195, 0, PA_RIGHT, n1);
	}

	/* the shipment, and its wave or REPRINT beside it */
	pdf_text(c, PF_LEAD, L_MARGIN, 222, 0, PA_LEFT, ship_short[sh]);
	const packing_rbox *rb = packing_reprint_box(p, b);
	if (rb)   /* docs/rules.md §15.5: the box it replaces */
		snprintf(buf, sizeof buf, "REPRINT of %s", rb->of);
	else if (packing_reprint(p))
		snprintf(buf, sizeof buf, "REPRINT");
	else if (packing_wave(p))
		snprintf(buf, sizeof buf, "Wave %d", packing_wave(p));
	else
		buf[0] = 0;
	/* beside the shipment, in the largest size that fits uncut */
	const double room = L_WIDTH - pdf_text_width(c, PF_LEAD, ship_short[sh]) - 12;
	int font = PF_LEAD;
	if (pdf_text_width(c, font, buf) > room)
		font = pdf_text_width(c, PF_BODY, buf) <= room ? PF_BODY : PF_SMALL;
	if (buf[0])
		pdf_text(c, font, L_RIGHT, 222, 0, PA_RIGHT, buf);

	/* what it holds, its paper and envelopes, its first and last school:
	 * the lines they wrap onto decide whether the shipment's contents
	 * line (the shipment says as much) has room above them */
	const uint64_t sets = bx->sets, sheets = bx->sheets, env = bx->envelopes;
	pdf_count(n1, sizeof n1, sets);
	pdf_count(n2, sizeof n2, sheets);
	pdf_count(n3, sizeof n3, env);
	char contents[256];
	snprintf(contents, sizeof contents, "Contents: %s %s, %s SSR %s, %llu %s, %s %s", n1,
		 plural(sets, "set", "sets"), n2, plural(sheets, "sheet", "sheets"),
		 (unsigned long long)bx->dividers, plural(bx->dividers, "divider", "dividers"), n3,
		 plural(env, "envelope", "envelopes"));
	const size_t from = bx->first_segment, to = bx->end_segment;
	const int c_lines = fit_measure(c, line_fonts, 2, L_WIDTH, contents, 2).lines;
	const int f_lines = school_line(c, 0, 0, "From", p, packing_segment(p, from));
	const int t_lines = school_line(c, 0, 0, "To", p, packing_segment(p, to - 1));
	const double need = 11 + 8 * (c_lines - 1) + 12 + 12 + 7.4 * (f_lines - 1) + 9 + 7.4 * (t_lines - 1);
	double y = 222;
	if (y + 10 + need <= L_BARCODE - 3) {
		y += 10;
		pdf_text(c, PF_SMALL, L_MARGIN, y, 0, PA_LEFT, ship_contents[sh]);
	}
	y += 11;
	fit_text(c, line_fonts, 2, L_MARGIN, y, L_WIDTH, PA_LEFT, 8, 2, contents);
	y += 8 * (c_lines - 1) + 12;
	paper_line(buf, sizeof buf, bx->papers, bx->envelope_papers);
	pdf_text(c, PF_TEXT, L_MARGIN, y, 0, PA_LEFT, buf);
	snprintf(buf, sizeof buf, "%zu %s in this box", to - from, plural(to - from, "school", "schools"));
	pdf_text(c, PF_SMALL, L_RIGHT, y, 0, PA_RIGHT, buf);
	y += 12;
	y += 7.4 * school_line(c, 1, y, "From", p, packing_segment(p, from)) + 1.6;
	school_line(c, 1, y, "To", p, packing_segment(p, to - 1));

	packing_box_id(p, b, id, sizeof id);
	pdf_barcode128(c, id, L_MARGIN - 6, L_BARCODE, L_WIDTH + 12, 96);
	pdf_text(c, PF_TEXT, PDF_4X6_W / 2, L_BARCODE + 109, 0, PA_CENTER, id);
	pdf_text(c, PF_SMALL, PDF_4X6_W / 2, L_BARCODE + 126, 0, PA_CENTER,
		 "Contents: confidential student score reports for the LEA");
}

static void draw_labels(pdf_canvas *c, void *arg)
{
	const label_job *j = arg;
	const uint32_t m = packing_box_count(j->p);
	for (uint32_t b = 1; b <= m; b++) {
		packing_box bx;
		packing_box_get(j->p, b, &bx);
		if (b > 1)
			pdf_page(c);
		label(c, j, b, &bx);
	}
}

static void label_init(label_job *j, const packing *p, const config *cfg)
{
	memset(j, 0, sizeof *j);
	j->p = p;
	j->cfg = cfg;
	j->have = packing_ship_to(p, &j->st);
}

status labels_pdf_write(pdf_canvas *c, outdir *d, const packing *p, const config *cfg)
{
	char rel[96], title[160];
	const int sh = packing_shipment(p);
	snprintf(rel, sizeof rel, "labels/%s/%07u.pdf", shipment_name[sh], packing_lea(p));
	snprintf(title, sizeof title, "Box labels, %s, LEA %07u", ship_short[sh], packing_lea(p));
	label_job j;
	label_init(&j, p, cfg);
	return pdf_document(c, d, rel, PDF_4X6_W, PDF_4X6_H, title, draw_labels, &j);
}

status labels_book_begin(pdf_book *b, outdir *d, int shipment)
{
	char rel[96], title[160];
	snprintf(rel, sizeof rel, "labels/%s.pdf", shipment_name[shipment]);
	snprintf(title, sizeof title, "Box labels, %s", ship_short[shipment]);
	return pdf_book_begin(b, d, rel, PDF_4X6_W, PDF_4X6_H, title);
}

status labels_book_add(pdf_book *b, pdf_canvas *c, const packing *p, const config *cfg)
{
	label_job j;
	label_init(&j, p, cfg);
	return pdf_book_add(b, c, draw_labels, &j);
}
