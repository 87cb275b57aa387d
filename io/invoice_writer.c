/*
 * invoice_writer.c: invoice documents (see invoice_writer.h).  Amounts are
 * integer cents in the CSV and dollars ("$1,234.56") in the readable text.
 */
#include "invoice_writer.h"

#include <stdio.h>
#include <time.h>

void invoice_id_format(char *buf, size_t cap, const config *c, uint32_t lea)
{
	snprintf(buf, cap, "INV-%s-%07u", c->admin_year, lea);
}

void invoice_csv_header(outstream *csv)
{
	outstream_puts(csv, "invoice_id,lea_code,item,envelopes,quantity,unit_cents,"
		       "amount_cents,lea_name,po_numbers\n");
}

status invoice_write(outdir *d, outstream *csv, const config *c, uint32_t lea,
		     const char *lea_name, const char *po_numbers,
		     const invoice_line *lines, size_t n, int64_t *total_cents)
{
	char id[64], code[16], rel[64], a[48], b[48];
	invoice_id_format(id, sizeof id, c, lea);
	snprintf(code, sizeof code, "%07u", lea);
	int64_t total = 0;
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
		total += l->amount_cents;
	}
	*total_cents = total;

	snprintf(rel, sizeof rel, "invoices/%s.txt", code);
	outstream *o;
	status st = outdir_open(d, rel, 0, &o);
	if (st != ST_OK)
		return st;
	char date[16];
	const time_t now = time(NULL);
	struct tm tm;
	strftime(date, sizeof date, "%Y-%m-%d", gmtime_r(&now, &tm));
	outstream_printf(o, "INVOICE %s\nDate: %s\nBill to: %s (%s)\nPO numbers: %s\n"
			 "Paper Student Score Reports, %s administration\n\n",
			 id, date, lea_name, code, po_numbers[0] ? po_numbers : "(none)", c->admin_year);
	outstream_printf(o, "%-50s %-9s %10s %12s %16s\n", "Item", "Envelopes", "Quantity",
			 "Unit price", "Amount");
	for (size_t i = 0; i < n; i++) {
		const invoice_line *l = &lines[i];
		invoice_dollars(a, sizeof a, l->unit_cents);
		invoice_dollars(b, sizeof b, l->amount_cents);
		outstream_printf(o, "%-50s %-9s %10llu %12s %16s\n", invoice_item_title[l->item],
				 l->envelopes ? "yes" : "no", (unsigned long long)l->quantity, a, b);
	}
	invoice_dollars(b, sizeof b, total);
	outstream_printf(o, "%-50s %-9s %10s %12s %16s\n", "TOTAL", "", "", "", b);
	return outstream_close(o);
}
