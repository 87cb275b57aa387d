/*
 * run_bill.c: phase 5 of the run (see run.c): an invoice per LEA that printed
 * (docs/rules.md §11, §16.4), to invoices/invoices.csv and, with documents,
 * a PDF.  With a ledger the invoice bills this wave's sets only and is the
 * LEA's next invoice of the season (docs/rules.md §15), recorded in the
 * ledger.
 *
 * run_pack.c counted the sets billed to each LEA by qty_key: shipment,
 * envelopes and the order they were printed under (run_keys.h).  One LEA's
 * keys are consecutive; each becomes a line naming its order's PO (the
 * parents' sets a line of their own), and the lines are put in invoice
 * order (invoice_sort).  The invoice is dated --invoice-date, else the
 * documents' date, and due terms_days later.
 */
#include "run_ctx.h"
#include "run_keys.h"

#include <stdio.h>
#include <string.h>

#include "../base/clock.h"
#include "../base/mem.h"
#include "../engine/invoice.h"
#include "../ledger/ledger.h"
#include "../writers/invoice_writer.h"

/* Record the invoice, its lines as billed, in the ledger. */
static status ledger_invoice_put(run_ctx *x, const invoice_doc *doc, const config *cfg)
{
	char id[64];
	invoice_id_format(id, sizeof id, cfg, doc->lea, doc->number);
	ledger_invoice_line small[2 * SHIP_COUNT], *ll = small;
	if (doc->n > sizeof small / sizeof small[0] && !(ll = mem_alloc(doc->n * sizeof *ll)))
		return status_fail(ST_NOMEM, "out of memory for the invoice of LEA %07u", doc->lea);
	for (size_t l = 0; l < doc->n; l++) {
		const invoice_line *il = &doc->lines[l];
		ll[l] = (ledger_invoice_line){ il->item, il->envelopes, il->quantity, il->unit_cents,
					       il->amount_cents, il->ordered_by, il->school, il->po_number };
	}
	const int reprint = doc->number < 0;
	const ledger_invoice inv = { id, doc->lea, reprint ? 0 : doc->number, reprint ? "reprint" : "wave",
				     doc->total_cents, doc->invoice_date, doc->due_date };
	const status st = ledger_add_invoice(x->lg, &inv, ll, doc->n);
	if (ll != small)
		mem_free(ll);
	return st;
}

/* The LEA's PO numbers, distinct, in order placed, into po (NUL-ended);
 * 0 when out of memory. */
static int lea_po_numbers(const run_ctx *x, uint32_t lea, bytebuf *po)
{
	po->len = 0;
	const order *small[256], **list = small;
	const size_t k = orders_of_lea(x->ord, lea, small, 256);
	if (k > 256 && (list = mem_alloc(k * sizeof *list)) != NULL)
		orders_of_lea(x->ord, lea, list, k);
	for (size_t a = 0; list && a < k; a++) {
		const char *p = list[a]->po_number;
		int seen = !*p;
		for (size_t b = 0; b < a && !seen; b++)
			seen = strcmp(list[b]->po_number, p) == 0;
		if (seen)
			continue;
		if (po->len)
			bytebuf_put(po, "; ", 2);
		bytebuf_put(po, p, strlen(p));
	}
	bytebuf_put(po, "", 1);
	if (list != small)
		mem_free(list);
	return list && !po->oom;
}

/* The invoices' date (docs/rules.md §16.4): --invoice-date, else the day
 * the documents are dated. */
static int64_t invoice_date_of(const run_ctx *x)
{
	return invoice_day(x->opt->invoice_date ? x->opt->invoice_date : (int64_t)x->doc_date);
}

status run_write_invoices(run_ctx *x)
{
	outstream *csv;
	status st = outdir_open(x->dir, "invoices/invoices.csv", OUT_CSV_SAFE, &csv);
	if (st != ST_OK)
		return st;
	invoice_csv_header(csv);
	/* docs/rules.md §15.5: a reprint is free unless --bill */
	if (x->opt->reprint && !x->opt->reprint->bill)
		return outstream_close(csv);
	uint64_t *keys;
	const long n = u64map_sorted_keys(x->invoice_qty, &keys);
	invoice_line *lines = n > 0 ? mem_alloc((size_t)n * sizeof *lines) : NULL;
	if (n < 0 || (n > 0 && !lines)) {
		if (n >= 0)
			mem_free(keys);
		outstream_abort(csv);
		return status_fail(ST_NOMEM, "out of memory for invoices");
	}
	size_t n_active = 0;
	const order *active = orders_active(x->ord, &n_active);
	const int64_t date = invoice_date_of(x);
	const int64_t due = invoice_due_date(date, x->cfg.billing.terms_days);
	bytebuf po;
	bytebuf_init(&po);
	for (long i = 0; i < n && st == ST_OK;) {
		const uint32_t lea = qty_key_unpack(keys[i]).lea;
		size_t nl = 0;
		for (qty_key q; i < n && (q = qty_key_unpack(keys[i])).lea == lea; i++) {
			invoice_line *l = &lines[nl++];
			const order *o = q.order && q.order <= n_active ? &active[q.order - 1] : NULL;
			*l = (invoice_line){ .item = (int)q.shipment, .envelopes = (int)q.envelopes,
					     .quantity = *u64map_get(x->invoice_qty, keys[i]),
					     .ordered_by = (int)q.ordered_by,
					     .school = o && q.ordered_by == ORDERED_SCHOOL ? o->school : 0,
					     .po_number = o ? o->po_number : "" };
			invoice_price(&x->cfg, l);
		}
		nl = invoice_sort(lines, nl);
		/* a missing PO number would go unnoticed on an invoice: fail instead */
		if (!lea_po_numbers(x, lea, &po)) {
			st = status_fail(ST_NOMEM, "out of memory listing the PO numbers of LEA %07u", lea);
			break;
		}
		invoice_doc doc = { .lea = lea, .number = 1, .lea_name = run_name_of(x, place_key(lea, PLACE_LEA)),
				    .po_numbers = (const char *)po.p,
				    .bill_to = x->leas ? leadir_get(x->leas, lea) : NULL,
				    .invoice_date = date, .due_date = due, .lines = lines, .n = nl };
		if (x->opt->reprint) {
			if ((st = ledger_next_reprint_invoice_no(x->lg, lea, &doc.number)) != ST_OK)
				break;
			doc.number = -doc.number;   /* INV-<year>-<lea>-R<n> */
		} else if (x->lg && (st = ledger_next_invoice_no(x->lg, lea, &doc.number)) != ST_OK) {
			break;
		}
		invoice_write(csv, &x->cfg, &doc);
		if (x->lg && (st = ledger_invoice_put(x, &doc, &x->cfg)) != ST_OK)
			break;
		if (x->docs) {
			const double t0 = clock_now();
			st = doc_pool_submit_invoice(x->docs, &doc);
			x->sum.t_documents += clock_now() - t0;
		}
		for (size_t l = 0; l < nl; l++)
			x->sum.ship[lines[l].item].invoiced += lines[l].quantity;
		x->sum.invoices++;
		x->sum.grand_total_cents += doc.total_cents;
	}
	bytebuf_release(&po);
	mem_free(lines);
	mem_free(keys);
	const status c = outstream_close(csv);
	return st != ST_OK ? st : c;
}
