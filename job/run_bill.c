/*
 * run_bill.c: phase 5 of the run (see run.c): an invoice per LEA that printed
 * (docs/rules.md §11), to invoices/invoices.csv and, with documents, a PDF.
 * With a ledger the invoice bills this wave's sets only and is the LEA's
 * next invoice of the season (docs/rules.md §15), recorded in the ledger.
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
	ledger_invoice_line ll[2 * SHIP_COUNT];
	for (size_t l = 0; l < doc->n; l++)
		ll[l] = (ledger_invoice_line){ doc->lines[l].item, doc->lines[l].envelopes, doc->lines[l].quantity,
					       doc->lines[l].unit_cents, doc->lines[l].amount_cents };
	const int reprint = doc->number < 0;
	const ledger_invoice inv = { id, doc->lea, reprint ? 0 : doc->number, reprint ? "reprint" : "wave",
				     doc->total_cents };
	return ledger_add_invoice(x->lg, &inv, ll, doc->n);
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
	if (n < 0) {
		outstream_abort(csv);
		return status_fail(ST_NOMEM, "out of memory for invoices");
	}
	bytebuf po;
	bytebuf_init(&po);
	for (long i = 0; i < n && st == ST_OK;) {
		const uint32_t lea = qty_key_unpack(keys[i]).lea;
		uint64_t qty[SHIP_COUNT][2];
		memset(qty, 0, sizeof qty);
		for (qty_key q; i < n && (q = qty_key_unpack(keys[i])).lea == lea; i++)
			qty[q.shipment][q.envelopes] = *u64map_get(x->invoice_qty, keys[i]);
		/* the LEA's PO numbers, distinct, in order placed */
		po.len = 0;
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
			if (po.len)
				bytebuf_put(&po, "; ", 2);
			bytebuf_put(&po, p, strlen(p));
		}
		bytebuf_put(&po, "", 1);
		if (list != small)
			mem_free(list);
		/* a missing PO number would go unnoticed on an invoice: fail instead */
		if (!list || po.oom) {
			st = status_fail(ST_NOMEM, "out of memory listing the PO numbers of LEA %07u", lea);
			break;
		}
		invoice_line lines[2 * SHIP_COUNT];
		const size_t nl = invoice_lines(&x->cfg, qty, lines);
		invoice_doc doc = { .lea = lea, .number = 1, .lea_name = run_name_of(x, place_key(lea, PLACE_LEA)),
				    .po_numbers = (const char *)po.p, .n = nl };
		memcpy(doc.lines, lines, sizeof lines);
		if (x->opt->reprint) {
			if ((st = ledger_next_reprint_invoice_no(x->lg, lea, &doc.number)) != ST_OK)
				break;
			doc.number = -doc.number;   /* INV-<year>-<lea>-R<n> */
		} else if (x->lg && (st = ledger_next_invoice_no(x->lg, lea, &doc.number)) != ST_OK) {
			break;
		}
		invoice_write(csv, &x->cfg, lea, doc.number, doc.lea_name, doc.po_numbers, lines, nl,
			      &doc.total_cents);
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
	mem_free(keys);
	const status c = outstream_close(csv);
	return st != ST_OK ? st : c;
}

