/*
 * invoice_writer.c: invoice documents (see invoice_writer.h).  Amounts are
 * integer cents in the CSV and dollars ("$1,234.56") in the PDF.  The ids,
 * lines and totals are engine/invoice.c's; this file only lays them out.
 */
#include "invoice_writer.h"

#include <stdio.h>

void invoice_csv_header(outstream *csv)
{
	outstream_puts(csv, "invoice_id,lea_code,item,envelopes,quantity,unit_cents,"
		       "amount_cents,lea_name,po_numbers\n");
}

typedef struct invoice_job {
	const config *c;
	const invoice_doc *inv;
} invoice_job;

/* Letter paper: the head (invoice id, date, bill to, PO numbers), a table
 * of lines with a shaded head, the total under a rule, a note on units. */
static void draw_invoice(pdf_canvas *pc, void *arg)
{
	const invoice_job *j = arg;
	const config *const c = j->c;
	const invoice_doc *const inv = j->inv;
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
	const double left = 36, right = PDF_LETTER_W - 36;
	const char *const lea_name = inv->lea_name, *const po_numbers = inv->po_numbers;
	const invoice_line *const lines = inv->lines;
	const size_t n = inv->n;
	char id[64], code[16], po[PDF_TEXT_BYTES], buf[PDF_TEXT_BYTES + 64], a[48];
	invoice_id_format(id, sizeof id, c, inv->lea, inv->number);
	snprintf(code, sizeof code, "%07u", inv->lea);
	pdf_text(pc, PF_TITLE, left, 60, 0, PA_LEFT, "INVOICE");
	pdf_text(pc, PF_LEAD, right, 52, 0, PA_RIGHT, id);
	snprintf(buf, sizeof buf, "Date: %s", pdf_canvas_date(pc));
	pdf_text(pc, PF_TEXT, right, 66, 0, PA_RIGHT, buf);
	pdf_rule(pc, left, 76, right, 76, 1);
	pdf_text(pc, PF_SMALL, left, 96, 0, PA_LEFT, "BILL TO");
	pdf_text(pc, PF_HEAD, left, 114, right - left, PA_LEFT, lea_name);
	snprintf(buf, sizeof buf, "LEA %s", code);
	pdf_text(pc, PF_TEXT, left, 130, 0, PA_LEFT, buf);
	/* every PO number of the LEA's orders, as many as fit on the line (all
	 * of them are in invoices.csv) */
	pdf_text_bound(po, sizeof po, po_numbers[0] ? po_numbers : "(none)");
	snprintf(buf, sizeof buf, "PO numbers: %s", po);
	pdf_text(pc, PF_TEXT, left, 148, right - left, PA_LEFT, buf);
	snprintf(buf, sizeof buf, "Paper Student Score Reports printed and shipped by ETS, %s administration",
		 c->admin_year);
	pdf_text(pc, PF_TEXT, left, 162, right - left, PA_LEFT, buf);

	double y = 184;
	pdf_box(pc, left, y, right - left, 16, 0, 0.88);
	for (int k = 0; k < I_N; k++)
		pdf_text(pc, PF_BODY, col[k].x, y + 11.5, col[k].w, col[k].align, col[k].head);
	y += 16;
	for (size_t i = 0; i < n; i++) {
		const invoice_line *l = &lines[i];
		const double base = y + 13;
		pdf_text(pc, PF_TEXT, col[I_ITEM].x, base, col[I_ITEM].w, PA_LEFT, invoice_item_title[l->item]);
		pdf_text(pc, PF_TEXT, col[I_ENV].x, base, col[I_ENV].w, PA_LEFT, l->envelopes ? "yes" : "no");
		pdf_count(a, sizeof a, l->quantity);
		pdf_text(pc, PF_TEXT, col[I_QTY].x, base, col[I_QTY].w, PA_RIGHT, a);
		invoice_dollars(a, sizeof a, l->unit_cents);
		pdf_text(pc, PF_TEXT, col[I_UNIT].x, base, col[I_UNIT].w, PA_RIGHT, a);
		invoice_dollars(a, sizeof a, l->amount_cents);
		pdf_text(pc, PF_TEXT, col[I_AMOUNT].x, base, col[I_AMOUNT].w, PA_RIGHT, a);
		y += 18;
		pdf_rule(pc, left, y, right, y, 0.3);
	}
	if (n == 0) {
		pdf_text(pc, PF_TEXT, col[I_ITEM].x, y + 13, 0, PA_LEFT, "No sets were printed for this LEA.");
		y += 18;
	}
	pdf_rule(pc, col[I_UNIT].x, y + 4, right, y + 4, 1);
	pdf_text(pc, PF_LEAD, col[I_UNIT].x, y + 20, col[I_UNIT].w, PA_RIGHT, "Total");
	invoice_dollars(a, sizeof a, inv->total_cents);
	pdf_text(pc, PF_LEAD, col[I_AMOUNT].x, y + 20, col[I_AMOUNT].w, PA_RIGHT, a);
	pdf_text(pc, PF_SMALL, left, y + 48, right - left, PA_LEFT,
		 "Amounts in US dollars. A set is one SSR printed twice (English and the home language); "
		 "science and Spanish SSRs are billed as pairs.");
	pdf_text(pc, PF_SMALL, left, y + 58, right - left, PA_LEFT,
		 "Prices per set as configured for this administration; sets ordered individually by "
		 "parents are billed to the LEA at the set price.");
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

void invoice_write(outstream *csv, const config *c, uint32_t lea, int number, const char *lea_name,
		   const char *po_numbers, const invoice_line *lines, size_t n, int64_t *total_cents)
{
	char id[64], code[16];
	invoice_id_format(id, sizeof id, c, lea, number);
	snprintf(code, sizeof code, "%07u", lea);
	for (size_t i = 0; i < n; i++) {
		const invoice_line *l = &lines[i];
		outstream_csv_str(csv, id, 0);
		outstream_csv_str(csv, code, 0);
		outstream_csv_str(csv, invoice_item_code[l->item], 0);
		outstream_csv_str(csv, l->envelopes ? "Y" : "N", 0);
		outstream_csv_u64(csv, l->quantity, 0);
		outstream_csv_u64(csv, (uint64_t)l->unit_cents, 0);
		outstream_csv_u64(csv, (uint64_t)l->amount_cents, 0);
		outstream_csv_str(csv, lea_name, 0);
		outstream_csv_str(csv, po_numbers, 1);
	}
	*total_cents = invoice_total_cents(lines, n);
}
