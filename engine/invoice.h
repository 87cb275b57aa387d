/*
 * invoice.h: an LEA's invoice lines (docs/rules.md §11).  One item per shipment —
 * ELA/mathematics sets (august), science and Spanish pairs (winter), ELPAC
 * sets (elpac) — each split by the envelope option, priced from the
 * program's set_price or envelope_set_price.  Integer cents throughout.
 *
 *   uint64_t qty[SHIP_COUNT][2];   // [shipment][envelopes]
 *   n = invoice_lines(&config, qty, lines);
 *   total = invoice_total_cents(lines, n);
 *   invoice_id_format(id, sizeof id, &config, lea);   // "INV-2018-19-1964733"
 */
#ifndef SSRFILL_INVOICE_H
#define SSRFILL_INVOICE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

typedef struct invoice_line {
	int item;               /* enum shipment */
	int envelopes;          /* 0 or 1 */
	uint64_t quantity;
	int64_t unit_cents;
	int64_t amount_cents;
} invoice_line;

extern const char *const invoice_item_code[SHIP_COUNT];
extern const char *const invoice_item_title[SHIP_COUNT];

/* Lines with a nonzero quantity, in item then envelope order; returns how
 * many (at most 2 * SHIP_COUNT). */
size_t invoice_lines(const config *c, const uint64_t qty[SHIP_COUNT][2],
		     invoice_line out[2 * SHIP_COUNT]);
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

#endif
