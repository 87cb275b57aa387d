/*
 * packing_pdf.c: packing lists and box labels (see packing_pdf.h).
 *
 * Packing list, US letter.  Page 1 opens with the shipment, the LEA, the
 * ship window and the totals; every page has a short running head and a
 * "Page k of n" foot.  Then box by box: a shaded head with a check box for
 * the packer, "Box N of M", the box id, its sets and its gross weight, and
 * one row per school segment — divider or continued, school code and
 * name, grades, first and last student, sets, SSR sheets, envelopes.  A
 * box that does not fit in what is left of a page starts on the next one
 * when it fits on a whole page; a longer box is split, and its head is
 * repeated with "(continued)".  The layout is walked twice with the same
 * code, first without drawing to count the pages.
 *
 * Labels, 4x6 inches, one page per box: ship to (LEA name and code),
 * "Box N of M", the shipment, the first and last school in the box, what
 * the box holds, its gross weight, and the box id as a Code 128 barcode
 * with the id printed under it.
 */
#include "packing_pdf.h"

#include <stdio.h>
#include <string.h>

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

/* ---- packing list ---------------------------------------------------------- */

#define MARGIN 36.0
#define RIGHT (PDF_LETTER_W - MARGIN)
#define BOTTOM (PDF_LETTER_H - 44.0)   /* content ends here; the foot is below */
#define ROW 11.0
#define BOX_HEAD 18.0
#define COL_HEAD 12.0
#define BOX_GAP 9.0
#define FIRST_TOP 168.0
#define NEXT_TOP 66.0
#define SIGN_OFF 46.0

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

typedef struct plist {
	pdf_canvas *c;       /* NULL: only count the pages */
	const packing *p;
	const config *cfg;
	char lea_name[PDF_TEXT_BYTES];   /* bounded (pdf_text_bound) */
	char id_first[48], id_last[48];
	int page, pages;
	double y;
} plist;

static void text(plist *pl, int font, double x, double base, double w, int align, const char *s)
{
	if (pl->c)
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
		text(pl, PF_HEAD, MARGIN, 80, RIGHT - MARGIN, PA_LEFT, buf);
		text(pl, PF_TEXT, MARGIN, 96, 0, PA_LEFT, ship_title[sh]);
		if (packing_reprint(p)) {   /* docs/rules.md §15.5 */
			text(pl, PF_HEAD, RIGHT, 96, 0, PA_RIGHT, "REPRINT");
		} else if (packing_wave(p)) {   /* a run with a ledger: which wave of the season */
			snprintf(buf, sizeof buf, "Wave %d", packing_wave(p));
			text(pl, PF_HEAD, RIGHT, 96, 0, PA_RIGHT, buf);
		}
		packing_ship_window(a, sizeof a, sh, pl->cfg);
		snprintf(buf, sizeof buf, "Ship window: %s", a);
		text(pl, PF_TEXT, MARGIN, 110, 0, PA_LEFT, buf);
		if (pl->c)
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
		if (pl->c)
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
	if (pl->c)
		pdf_page(pl->c);
	pl->page++;
	page_head(pl);
}

static void box_head(plist *pl, uint32_t b, const packing_box *bx, int continued)
{
	const packing *p = pl->p;
	char buf[128], id[96], w[64], n[32];
	const uint64_t sets = bx->sets;
	const size_t n_seg = bx->end_segment - bx->first_segment;
	if (pl->c) {
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
	const packing_rbox *rb = packing_reprint_box(p, b);
	if (rb) {   /* docs/rules.md §15.5: the box it replaces, under its head */
		char of[224];
		snprintf(of, sizeof of, "REPRINT of %s: that box is void; this one replaces it", rb->of);
		text(pl, PF_TEXT, MARGIN + 22, pl->y + 10, 0, PA_LEFT, of);
		pl->y += ROW;
	}
	for (int k = 0; k < C_N; k++)
		text(pl, PF_SMALL, col[k].x, pl->y + 9, col[k].w, col[k].align, col[k].head);
	if (pl->c)
		pdf_rule(pl->c, MARGIN, pl->y + COL_HEAD - 0.5, RIGHT, pl->y + COL_HEAD - 0.5, 0.4);
	pl->y += COL_HEAD;
}

static void segment_row(plist *pl, const segment *s)
{
	const packing *p = pl->p;
	char name[PDF_TEXT_BYTES], buf[PDF_TEXT_BYTES + 32];
	const double base = pl->y + 8.4;
	text(pl, PF_BODY, col[C_DIV].x, base, col[C_DIV].w, PA_LEFT, s->continued ? "CONTINUED" : "school");
	pdf_text_bound(name, sizeof name, packing_text(p, s->school_name));
	snprintf(buf, sizeof buf, "%07u %s", s->school, name);
	text(pl, PF_BODY, col[C_SCHOOL].x, base, col[C_SCHOOL].w, PA_LEFT, buf);
	grades(buf, sizeof buf, s);
	text(pl, PF_BODY, col[C_GRADES].x, base, col[C_GRADES].w, PA_LEFT, buf);
	text(pl, PF_BODY, col[C_FIRST].x, base, col[C_FIRST].w, PA_LEFT, packing_text(p, s->first_student));
	text(pl, PF_BODY, col[C_LAST].x, base, col[C_LAST].w, PA_LEFT, packing_text(p, s->last_student));
	static const int num_col[3] = { C_SETS, C_SHEETS, C_ENV };
	const uint64_t v[3] = { s->sets, s->sheets, s->envelopes };
	for (int k = 0; k < 3; k++) {
		snprintf(buf, sizeof buf, "%llu", (unsigned long long)v[k]);
		text(pl, PF_BODY, col[num_col[k]].x, base, col[num_col[k]].w, PA_RIGHT, buf);
	}
	pl->y += ROW;
}

/* Lays the list out, drawing when pl->c is set; returns the page count. */
static int lay_out(plist *pl)
{
	const packing *p = pl->p;
	const uint32_t m = packing_box_count(p);
	pl->page = 1;
	page_head(pl);
	for (uint32_t b = 1; b <= m; b++) {
		packing_box bx;
		packing_box_get(p, b, &bx);
		const double head = BOX_HEAD + COL_HEAD + (packing_reprint_box(p, b) ? ROW : 0);
		const double need = head + (double)(bx.end_segment - bx.first_segment) * ROW;
		const double top = pl->page == 1 ? FIRST_TOP : NEXT_TOP;
		/* move a box that fits on a page of its own; split only a longer one,
		 * and never leave a head without a row under it */
		if (pl->y + need > BOTTOM && pl->y > top &&
		    (need <= BOTTOM - NEXT_TOP || pl->y + head + ROW > BOTTOM))
			next_page(pl);
		box_head(pl, b, &bx, 0);
		for (size_t k = bx.first_segment; k < bx.end_segment; k++) {
			if (pl->y + ROW > BOTTOM) {
				next_page(pl);
				box_head(pl, b, &bx, 1);
			}
			segment_row(pl, packing_segment(p, k));
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
	lay_out(pl);
}

status packing_pdf_write(pdf_canvas *c, outdir *d, const packing *p, const config *cfg)
{
	char rel[96], title[160];
	const int sh = packing_shipment(p);
	plist pl;
	memset(&pl, 0, sizeof pl);
	pl.p = p;
	pl.cfg = cfg;
	pdf_text_bound(pl.lea_name, sizeof pl.lea_name, packing_lea_name(p));
	packing_box_id(p, 1, pl.id_first, sizeof pl.id_first);
	packing_box_id(p, packing_box_count(p), pl.id_last, sizeof pl.id_last);
	pl.pages = lay_out(&pl);
	snprintf(rel, sizeof rel, "packing/%s/%07u.pdf", shipment_name[sh], packing_lea(p));
	snprintf(title, sizeof title, "Packing list, %s, LEA %07u", ship_short[sh], packing_lea(p));
	return pdf_document(c, d, rel, PDF_LETTER_W, PDF_LETTER_H, title, draw_list, &pl);
}

/* ---- labels ---------------------------------------------------------------- */

#define L_MARGIN 16.0
#define L_WIDTH (PDF_4X6_W - 2 * L_MARGIN)

static void school_line(pdf_canvas *c, double base, const char *lead, const packing *p,
			const segment *s)
{
	char name[PDF_TEXT_BYTES], buf[PDF_TEXT_BYTES + 32];
	pdf_text_bound(name, sizeof name, packing_text(p, s->school_name));
	snprintf(buf, sizeof buf, "%07u %s%s", s->school, name,
		 s->continued ? " (continued)" : "");
	pdf_text(c, PF_BODY, L_MARGIN, base, 0, PA_LEFT, lead);
	pdf_text(c, PF_BODY, L_MARGIN + 30, base, L_WIDTH - 30, PA_LEFT, buf);
}

static void label(pdf_canvas *c, const packing *p, const config *cfg, uint32_t b, const packing_box *bx)
{
	const int sh = packing_shipment(p);
	char buf[256], id[96], n1[32], n2[32], n3[32];
	pdf_text(c, PF_BODY, L_MARGIN, 28, 0, PA_LEFT, "PAPER STUDENT SCORE REPORTS");
	pdf_text(c, PF_BODY, PDF_4X6_W - L_MARGIN, 28, 0, PA_RIGHT, cfg->admin_year);
	pdf_rule(c, L_MARGIN, 34, PDF_4X6_W - L_MARGIN, 34, 1);
	pdf_text(c, PF_SMALL, L_MARGIN, 48, 0, PA_LEFT, "SHIP TO");
	const char *name = packing_lea_name(p);
	pdf_text(c, pdf_text_width(c, PF_HEAD, name) <= L_WIDTH ? PF_HEAD : PF_LEAD, L_MARGIN, 66,
		 L_WIDTH, PA_LEFT, name);
	snprintf(buf, sizeof buf, "LEA %07u", packing_lea(p));
	pdf_text(c, PF_TEXT, L_MARGIN, 82, 0, PA_LEFT, buf);
	pdf_rule(c, L_MARGIN, 92, PDF_4X6_W - L_MARGIN, 92, 1);

	snprintf(buf, sizeof buf, "Box %u of %u", packing_label_no(p, b), packing_label_count(p, b));
	pdf_text(c, pdf_text_width(c, PF_HUGE, buf) <= L_WIDTH ? PF_HUGE : PF_TITLE, PDF_4X6_W / 2, 136,
		 0, PA_CENTER, buf);
	pdf_rule(c, L_MARGIN, 152, PDF_4X6_W - L_MARGIN, 152, 1);

	pdf_text(c, PF_LEAD, L_MARGIN, 170, 0, PA_LEFT, ship_short[sh]);
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
		pdf_text(c, font, PDF_4X6_W - L_MARGIN, 170, 0, PA_RIGHT, buf);
	pdf_text(c, PF_BODY, L_MARGIN, 183, L_WIDTH, PA_LEFT, ship_contents[sh]);
	const uint64_t sets = bx->sets, sheets = bx->sheets, env = bx->envelopes;
	const size_t from = bx->first_segment, to = bx->end_segment;
	snprintf(buf, sizeof buf, "Schools in this box: %zu", to - from);
	pdf_text(c, PF_SMALL, L_MARGIN, 201, 0, PA_LEFT, buf);
	school_line(c, 214, "From", p, packing_segment(p, from));
	school_line(c, 227, "To", p, packing_segment(p, to - 1));
	pdf_count(n1, sizeof n1, sets);
	pdf_count(n2, sizeof n2, sheets);
	pdf_count(n3, sizeof n3, env);
	snprintf(buf, sizeof buf, "Contents: %s %s, %s SSR %s, %llu %s, %s %s", n1, plural(sets, "set", "sets"),
		 n2, plural(sheets, "sheet", "sheets"), (unsigned long long)bx->dividers,
		 plural(bx->dividers, "divider", "dividers"), n3, plural(env, "envelope", "envelopes"));
	pdf_text(c, PF_BODY, L_MARGIN, 244, L_WIDTH, PA_LEFT, buf);
	pdf_weight(n1, sizeof n1, bx->gross_mg);
	snprintf(buf, sizeof buf, "Gross weight %s", n1);
	pdf_text(c, PF_LEAD, L_MARGIN, 262, 0, PA_LEFT, buf);

	packing_box_id(p, b, id, sizeof id);
	pdf_barcode128(c, id, L_MARGIN - 6, 284, L_WIDTH + 12, 96);
	pdf_text(c, PF_TEXT, PDF_4X6_W / 2, 398, 0, PA_CENTER, id);
	pdf_text(c, PF_SMALL, PDF_4X6_W / 2, 418, 0, PA_CENTER,
		 "Contents: confidential student score reports for the LEA");
}

typedef struct label_job {
	const packing *p;
	const config *cfg;
} label_job;

static void draw_labels(pdf_canvas *c, void *arg)
{
	const label_job *j = arg;
	const uint32_t m = packing_box_count(j->p);
	for (uint32_t b = 1; b <= m; b++) {
		packing_box bx;
		packing_box_get(j->p, b, &bx);
		if (b > 1)
			pdf_page(c);
		label(c, j->p, j->cfg, b, &bx);
	}
}

status labels_pdf_write(pdf_canvas *c, outdir *d, const packing *p, const config *cfg)
{
	char rel[96], title[160];
	const int sh = packing_shipment(p);
	snprintf(rel, sizeof rel, "labels/%s/%07u.pdf", shipment_name[sh], packing_lea(p));
	snprintf(title, sizeof title, "Box labels, %s, LEA %07u", ship_short[sh], packing_lea(p));
	label_job j = { p, cfg };
	return pdf_document(c, d, rel, PDF_4X6_W, PDF_4X6_H, title, draw_labels, &j);
}
