/*
 * invoice.h: an LEA's invoice lines (docs/rules.md §11, §16.4).  Items by
 * shipment — ELA/mathematics sets (august), science and Spanish pairs
 * (winter), ELPAC sets (elpac) — each split by the envelope option and by
 * the order the sets were printed under (the LEA-wide order, a school's
 * order, or parents' individual orders), priced from the program's
 * set_price or envelope_set_price.  Integer cents throughout.
 *
 *   invoice_line l[n];                    // item, envelopes, quantity, order filled
 *   for each: invoice_price(&config, &l[i]);
 *   n = invoice_sort(l, n);               // zero quantities dropped, invoice order
 *   total = invoice_total_cents(l, n);
 *   invoice_id_format(id, sizeof id, &config, lea, 1);   // "INV-2018-19-1964733"
 *   due = invoice_due_date(date, config.billing.terms_days);
 *
 * invoice_lines() makes the lines of per-item quantities alone (no order:
 * ordered_by ORDERED_NONE, no PO), for documents drawn without a run.
 */
#ifndef SSRFILL_INVOICE_H
#define SSRFILL_INVOICE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "fulfil.h"

typedef struct invoice_line {
	int item;               /* enum shipment */
	int envelopes;          /* 0 or 1 */
	uint64_t quantity;
	int64_t unit_cents;
	int64_t amount_cents;
	/* the order the sets were printed under (docs/rules.md §6) */
	int ordered_by;         /* enum ordered_by: ORDERED_LEA, _SCHOOL, _INDIVIDUAL (parents) */
	uint32_t school;        /* the school whose order (ORDERED_SCHOOL), else 0 */
	const char *po_number;  /* that order's PO number; "" when blank or parents' */
} invoice_line;

extern const char *const invoice_item_code[SHIP_COUNT];
extern const char *const invoice_item_title[SHIP_COUNT];

/* Lines with a nonzero quantity, in item then envelope order; returns how
 * many (at most 2 * SHIP_COUNT).  No order: ordered_by ORDERED_NONE. */
size_t invoice_lines(const config *c, const uint64_t qty[SHIP_COUNT][2],
		     invoice_line out[2 * SHIP_COUNT]);
/* l's unit price and amount from its item, envelope option and quantity. */
void invoice_price(const config *c, invoice_line *l);
/* Drop the lines of quantity 0 and put the rest in invoice order: item,
 * no envelopes before envelopes, then the LEA-wide order's line, the
 * schools' by school code, the parents' last (PO number, then ordered_by
 * break any tie).  Returns the number left. */
size_t invoice_sort(invoice_line *l, size_t n);
/* "lea", "school", "parent" (invoices.csv's ordered_by), "" for none. */
const char *invoice_ordered_by_name(int ordered_by);
/* The invoice total: the sum of the lines' amounts (docs/rules.md §11). */
int64_t invoice_total_cents(const invoice_line *lines, size_t n);
/* The id of the LEA's invoice number n of the season (docs/rules.md §11,
 * §15): INV-<admin_year>-<lea_code in 7 digits> for the first (n <= 1:
 * also every run without a ledger), INV-<admin_year>-<lea_code>-W<n> for
 * a later wave's; n < 0 is the LEA's reprint invoice -n (docs/rules.md
 * §15.5), INV-<admin_year>-<lea_code>-R<-n>. */
void invoice_id_format(char *buf, size_t cap, const config *c, uint32_t lea, int n);
/* "$1,234.56" from cents. */
void invoice_dollars(char *buf, size_t cap, int64_t cents);

/* Dates are unix seconds at a UTC midnight (docs/rules.md §16.4). */
/* The UTC day of t: t rounded down to its midnight (t >= 0). */
int64_t invoice_day(int64_t t);
/* The due date: terms_days calendar days after the invoice date. */
int64_t invoice_due_date(int64_t date, int terms_days);
/* "2019-08-01": the UTC day of t. */
void invoice_date_format(char *buf, size_t cap, int64_t t);

#endif
