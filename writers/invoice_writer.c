/*
 * invoice_writer.c: invoice documents (see invoice_writer.h).  Amounts are
 * integer cents in the CSV and dollars ("$1,234.56") in the PDF.  The ids,
 * lines, totals and dates are engine/invoice.c's; this file only lays them
 * out.
 *
 * The PDF: US letter.  The head gives the invoice id, its date, the terms
 * ("Net 30") and the due date; BILL TO (the LEA directory's address, or
 * the LEA's name and code without one) beside REMIT TO (config [shipper]);
 * the LEA's PO numbers; then a table of lines, each its item with the
 * order it was printed under and that order's PO on a second row, and the
 * total.  A table longer than the page goes on over more pages, its head
 * repeated, "Page k of n" on each.
 */
#include "invoice_writer.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

void invoice_csv_header(outstream *csv)
{
	outstream_puts(csv, "invoice_id,lea_code,item,envelopes,quantity,unit_cents,"
		       "amount_cents,lea_name,po_numbers,po_number,ordered_by,school_code,"
		       "invoice_date,due_date\n");
}

void invoice_write(outstream *csv, const config *c, invoice_doc *inv)
{
	char id[64], code[16], date[16], due[16];
	invoice_id_format(id, sizeof id, c, inv->lea, inv->number);
	snprintf(code, sizeof code, "%07u", inv->lea);
	invoice_date_format(date, sizeof date, inv->invoice_date);
	invoice_date_format(due, sizeof due, inv->due_date);
	for (size_t i = 0; i < inv->n; i++) {
		const invoice_line *l = &inv->lines[i];
		char school[16] = "";
		if (l->ordered_by == ORDERED_SCHOOL)
			snprintf(school, sizeof school, "%07u", l->school);
		outstream_csv_str(csv, id, 0);
		outstream_csv_str(csv, code, 0);
		outstream_csv_str(csv, invoice_item_code[l->item], 0);
		outstream_csv_str(csv, l->envelopes ? "Y" : "N", 0);
		outstream_csv_u64(csv, l->quantity, 0);
		outstream_csv_u64(csv, (uint64_t)l->unit_cents, 0);
		outstream_csv_u64(csv, (uint64_t)l->amount_cents, 0);
		outstream_csv_str(csv, inv->lea_name, 0);
		outstream_csv_str(csv, inv->po_numbers, 0);
		outstream_csv_str(csv, l->po_number ? l->po_number : "", 0);
		outstream_csv_str(csv, invoice_ordered_by_name(l->ordered_by), 0);
		outstream_csv_str(csv, school, 0);
		outstream_csv_str(csv, date, 0);
		outstream_csv_str(csv, due, 1);
	}
	inv->total_cents = invoice_total_cents(inv->lines, inv->n);
}

/* ---- the queued copy ---- */

/* The bytes of s as drawn, its NUL included. */
static size_t bounded_size(const char *s)
{
	char tmp[PDF_TEXT_BYTES];
	return pdf_text_bound(tmp, sizeof tmp, s ? s : "") + 1;
}

/* s as drawn, at *at; returns it. */
static const char *put_bounded(char **at, const char *s)
{
	char *const out = *at;
	*at += pdf_text_bound(out, PDF_TEXT_BYTES, s ? s : "") + 1;
	return out;
}

#define SHIP_TO_STRINGS(X, st) X(st->name) X(st->attention) X(st->address1) X(st->address2) \
	X(st->city) X(st->state) X(st->zip) X(st->phone)

size_t invoice_doc_copy_size(const invoice_doc *inv)
{
	size_t n = inv->n * sizeof(invoice_line) + bounded_size(inv->lea_name) +
		bounded_size(inv->po_numbers);
	for (size_t i = 0; i < inv->n; i++)
		n += bounded_size(inv->lines[i].po_number);
	if (inv->bill_to) {
		const ship_to *st = inv->bill_to;
		n += sizeof(ship_to) + (_Alignof(ship_to) - 1);
#define ADD_SIZE(s) n += bounded_size(s);
		SHIP_TO_STRINGS(ADD_SIZE, st)
#undef ADD_SIZE
	}
	return n;
}

void invoice_doc_copy(invoice_doc *dst, const invoice_doc *src, void *mem)
{
	*dst = *src;
	invoice_line *lines = mem;
	char *at = (char *)(lines + src->n);
	if (src->bill_to) {
		/* the ship_to next, aligned, its strings after the lines' */
		const uintptr_t a = _Alignof(ship_to);
		ship_to *st = (ship_to *)(((uintptr_t)at + a - 1) / a * a);
		*st = *src->bill_to;
		at = (char *)(st + 1);
#define PUT(s) s = put_bounded(&at, s);
		SHIP_TO_STRINGS(PUT, st)
#undef PUT
		dst->bill_to = st;
	}
	for (size_t i = 0; i < src->n; i++) {
		lines[i] = src->lines[i];
		lines[i].po_number = put_bounded(&at, src->lines[i].po_number);
	}
	dst->lines = lines;
	dst->lea_name = put_bounded(&at, src->lea_name);
	dst->po_numbers = put_bounded(&at, src->po_numbers);
}

/* ---- the PDF ---- */

typedef struct invoice_job {
	const config *c;
	const invoice_doc *inv;
} invoice_job;

enum { I_ITEM, I_ENV, I_QTY, I_UNIT, I_AMOUNT, I_N };
static const struct {
	double x, w;
	int align;
	const char *head;
} col[I_N] = {
	[I_ITEM] = { 42, 282, PA_LEFT, "Item" },
	[I_ENV] = { 328, 50, PA_LEFT, "Envelopes" },
	[I_QTY] = { 378, 54, PA_RIGHT, "Quantity" },
	[I_UNIT] = { 436, 58, PA_RIGHT, "Unit price" },
	[I_AMOUNT] = { 498, 72, PA_RIGHT, "Amount" },
};

#define LEFT 36.0
#define RIGHT (PDF_LETTER_W - 36)
#define ROW_H 28.0              /* a line: the item, then its order */
#define TABLE_BOTTOM 700.0      /* the last line ends above this */
#define FIRST_TABLE_Y 262.0     /* under the head of page 1 */
#define NEXT_TABLE_Y 96.0       /* under the running head of later pages */
#define TAIL_H 80.0             /* the total and the notes */

/* The second row of a line: whose order, and its PO. */
static void order_text(char *buf, size_t cap, const invoice_line *l)
{
	char po[PDF_TEXT_BYTES];
	pdf_text_bound(po, sizeof po, l->po_number && *l->po_number ? l->po_number : "(none)");
	switch (l->ordered_by) {
	case ORDERED_LEA:
		snprintf(buf, cap, "LEA-wide order, PO number: %s", po);
		break;
	case ORDERED_SCHOOL:
		snprintf(buf, cap, "Order of school %07u, PO number: %s", l->school, po);
		break;
	case ORDERED_INDIVIDUAL:
		snprintf(buf, cap, "Ordered individually by parents (no PO number)");
		break;
	default:
		buf[0] = '\0';
	}
}

static size_t lines_on_first(size_t n)
{
	const size_t fit = (size_t)((TABLE_BOTTOM - FIRST_TABLE_Y - 16) / ROW_H);
	return n < fit ? n : fit;
}

static size_t lines_per_next(void)
{
	return (size_t)((TABLE_BOTTOM - NEXT_TABLE_Y - 16) / ROW_H);
}

/* Pages: the lines, and the total with its notes on the last page. */
static int page_count(size_t n)
{
	const size_t first = lines_on_first(n);
	size_t left = n - first;
	int pages = 1;
	double y = FIRST_TABLE_Y + 16 + (double)first * ROW_H;
	while (left) {
		const size_t k = left < lines_per_next() ? left : lines_per_next();
		left -= k;
		pages++;
		y = NEXT_TABLE_Y + 16 + (double)k * ROW_H;
	}
	if (y + TAIL_H > PDF_LETTER_H - 30)
		pages++;   /* the total on a page of its own */
	return pages;
}

static void table_head(pdf_canvas *pc, double y)
{
	pdf_box(pc, LEFT, y, RIGHT - LEFT, 16, 0, 0.88);
	for (int k = 0; k < I_N; k++)
		pdf_text(pc, PF_BODY, col[k].x, y + 11.5, col[k].w, col[k].align, col[k].head);
}

static void page_foot(pdf_canvas *pc, const char *id, int page, int pages)
{
	char buf[160];
	snprintf(buf, sizeof buf, "%s    Page %d of %d", id, page, pages);
	pdf_text(pc, PF_SMALL, RIGHT, PDF_LETTER_H - 24, 0, PA_RIGHT, buf);
}

/* A block of address lines from y down; returns the y after it. */
/* The largest font from `from` down to PF_SMALL that draws s within w
 * (PF_SMALL when none does: pdf_text then cuts it): a bill-to is the
 * directory's whole row, not its first 40 characters. */
static int fit_font(pdf_canvas *pc, int from, const char *s, double w)
{
	for (int f = from; f > PF_SMALL; f--)
		if (pdf_text_width(pc, f, s) <= w)
			return f;
	return PF_SMALL;
}

static double address_lines(pdf_canvas *pc, double x, double y, double w, const char *const *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!s[i] || !*s[i])
			continue;
		pdf_text(pc, fit_font(pc, PF_TEXT, s[i], w), x, y, w, PA_LEFT, s[i]);
		y += 13;
	}
	return y;
}

static void draw_invoice(pdf_canvas *pc, void *arg)
{
	const invoice_job *j = arg;
	const config *const c = j->c;
	const invoice_doc *const inv = j->inv;
	const invoice_line *const lines = inv->lines;
	const size_t n = inv->n;
	char id[64], code[16], po[PDF_TEXT_BYTES], buf[PDF_TEXT_BYTES + 96], a[48];
	char date[16], due[16];
	invoice_id_format(id, sizeof id, c, inv->lea, inv->number);
	snprintf(code, sizeof code, "%07u", inv->lea);
	invoice_date_format(date, sizeof date, inv->invoice_date);
	invoice_date_format(due, sizeof due, inv->due_date);
	const int pages = page_count(n);
	int page = 1;

	pdf_text(pc, PF_TITLE, LEFT, 60, 0, PA_LEFT, "INVOICE");
	pdf_text(pc, PF_LEAD, RIGHT, 44, 0, PA_RIGHT, id);
	snprintf(buf, sizeof buf, "Date: %s", date);
	pdf_text(pc, PF_TEXT, RIGHT, 58, 0, PA_RIGHT, buf);
	snprintf(buf, sizeof buf, "Terms: Net %d", c->billing.terms_days);
	pdf_text(pc, PF_TEXT, RIGHT, 71, 0, PA_RIGHT, buf);
	snprintf(buf, sizeof buf, "Due: %s", due);
	pdf_text(pc, PF_LEAD, RIGHT, 85, 0, PA_RIGHT, buf);
	pdf_rule(pc, LEFT, 94, RIGHT, 94, 1);

	/* BILL TO, left; REMIT TO, right */
	const double mid = 330, lw = mid - LEFT - 12, rw = RIGHT - mid;
	pdf_text(pc, PF_SMALL, LEFT, 110, 0, PA_LEFT, "BILL TO");
	pdf_text(pc, PF_SMALL, mid, 110, 0, PA_LEFT, "REMIT TO");
	const ship_to *bt = inv->bill_to;
	const char *bill_name = bt && *bt->name ? bt->name : inv->lea_name;
	pdf_text(pc, fit_font(pc, PF_HEAD, bill_name, lw), LEFT, 126, lw, PA_LEFT, bill_name);
	double yl = 141;
	char city[PDF_TEXT_BYTES * 3 + 8], attn[PDF_TEXT_BYTES + 8];
	if (bt) {
		/* a directory's attention line may say "Attn" itself */
		snprintf(attn, sizeof attn, "%s%s",
			 *bt->attention && strncasecmp(bt->attention, "attn", 4) != 0 ? "Attn: " : "", bt->attention);
		snprintf(city, sizeof city, "%s, %s %s", bt->city, bt->state, bt->zip);
		const char *const s[] = { attn, bt->address1, bt->address2, city, bt->phone };
		yl = address_lines(pc, LEFT, yl, lw, s, sizeof s / sizeof s[0]);
	}
	snprintf(buf, sizeof buf, "LEA %s", code);
	pdf_text(pc, PF_TEXT, LEFT, yl, lw, PA_LEFT, buf);
	yl += 13;
	const shipper_config *sh = &c->shipper;
	pdf_text(pc, fit_font(pc, PF_LEAD, sh->name, rw), mid, 126, rw, PA_LEFT, sh->name);
	snprintf(city, sizeof city, "%s, %s %s", sh->city, sh->state, sh->zip);
	const char *const r[] = { sh->address1, sh->address2, city, sh->phone };
	double yr = address_lines(pc, mid, 141, rw, r, sizeof r / sizeof r[0]);
	double y = (yl > yr ? yl : yr) + 6;
	if (y < 214)
		y = 214;
	/* every PO number of the LEA's orders, as many as fit on the line (all
	 * of them are in invoices.csv); each line names its own below */
	pdf_text_bound(po, sizeof po, inv->po_numbers[0] ? inv->po_numbers : "(none)");
	snprintf(buf, sizeof buf, "PO numbers: %s", po);
	pdf_text(pc, PF_TEXT, LEFT, y, RIGHT - LEFT, PA_LEFT, buf);
	snprintf(buf, sizeof buf, "Paper Student Score Reports printed and shipped, %s administration",
		 c->admin_year);
	pdf_text(pc, PF_TEXT, LEFT, y + 14, RIGHT - LEFT, PA_LEFT, buf);

	y = FIRST_TABLE_Y;
	table_head(pc, y);
	y += 16;
	for (size_t i = 0; i < n; i++) {
		if (y + ROW_H > TABLE_BOTTOM) {
			page_foot(pc, id, page, pages);
			pdf_page(pc);
			page++;
			snprintf(buf, sizeof buf, "INVOICE %s (continued)", id);
			pdf_text(pc, PF_LEAD, LEFT, 60, 0, PA_LEFT, buf);
			pdf_text(pc, PF_TEXT, RIGHT, 60, 0, PA_RIGHT, bt && *bt->name ? bt->name : inv->lea_name);
			y = NEXT_TABLE_Y;
			table_head(pc, y);
			y += 16;
		}
		const invoice_line *l = &lines[i];
		const double base = y + 13;
		pdf_text(pc, PF_TEXT, col[I_ITEM].x, base, col[I_ITEM].w, PA_LEFT, invoice_item_title[l->item]);
		order_text(buf, sizeof buf, l);
		pdf_text(pc, PF_BODY, col[I_ITEM].x + 8, base + 11, col[I_ITEM].w - 8, PA_LEFT, buf);
		pdf_text(pc, PF_TEXT, col[I_ENV].x, base, col[I_ENV].w, PA_LEFT, l->envelopes ? "yes" : "no");
		pdf_count(a, sizeof a, l->quantity);
		pdf_text(pc, PF_TEXT, col[I_QTY].x, base, col[I_QTY].w, PA_RIGHT, a);
		invoice_dollars(a, sizeof a, l->unit_cents);
		pdf_text(pc, PF_TEXT, col[I_UNIT].x, base, col[I_UNIT].w, PA_RIGHT, a);
		invoice_dollars(a, sizeof a, l->amount_cents);
		pdf_text(pc, PF_TEXT, col[I_AMOUNT].x, base, col[I_AMOUNT].w, PA_RIGHT, a);
		y += ROW_H;
		pdf_rule(pc, LEFT, y, RIGHT, y, 0.3);
	}
	if (n == 0) {
		pdf_text(pc, PF_TEXT, col[I_ITEM].x, y + 13, 0, PA_LEFT, "No sets were printed for this LEA.");
		y += 18;
	}
	if (y + TAIL_H > PDF_LETTER_H - 30) {
		page_foot(pc, id, page, pages);
		pdf_page(pc);
		page++;
		y = NEXT_TABLE_Y;
	}
	pdf_rule(pc, col[I_UNIT].x, y + 4, RIGHT, y + 4, 1);
	pdf_text(pc, PF_LEAD, col[I_UNIT].x, y + 20, col[I_UNIT].w, PA_RIGHT, "Total");
	invoice_dollars(a, sizeof a, inv->total_cents);
	pdf_text(pc, PF_LEAD, col[I_AMOUNT].x, y + 20, col[I_AMOUNT].w, PA_RIGHT, a);
	snprintf(buf, sizeof buf, "Payment due %s (Net %d). Please quote the invoice number %s.", due,
		 c->billing.terms_days, id);
	pdf_text(pc, PF_TEXT, LEFT, y + 40, RIGHT - LEFT, PA_LEFT, buf);
	pdf_text(pc, PF_SMALL, LEFT, y + 56, RIGHT - LEFT, PA_LEFT,
		 "Amounts in US dollars. A set is one SSR printed twice (English and the home language); "
		 "science and Spanish SSRs are billed as pairs.");
	pdf_text(pc, PF_SMALL, LEFT, y + 66, RIGHT - LEFT, PA_LEFT,
		 "Prices per set as configured for this administration; sets ordered individually by "
		 "parents are billed to the LEA at the set price, on lines of their own.");
	page_foot(pc, id, page, pages);
}

status invoice_pdf_write(pdf_canvas *pc, outdir *d, const config *c, const invoice_doc *inv)
{
	char id[64], rel[64], title[96];
	invoice_id_format(id, sizeof id, c, inv->lea, inv->number);
	snprintf(rel, sizeof rel, "invoices/%07u.pdf", inv->lea);
	snprintf(title, sizeof title, "Invoice %s", id);
	invoice_job j = { c, inv };
	return pdf_document(pc, d, rel, PDF_LETTER_W, PDF_LETTER_H, title, draw_invoice, &j);
}
