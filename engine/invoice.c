/*
 * invoice.c: invoice lines, totals, ids and money formatting (see
 * invoice.h).  The
 * science and Spanish item is billed per pair of additional SSRs, at the
 * CAASPP prices, as the 2018-19 flyer says; ELPAC sets at ELPAC's prices.
 */
#include "invoice.h"

#include <stdio.h>

const char *const invoice_item_code[SHIP_COUNT] = {
	"ela_math_sets", "science_spanish_pairs", "elpac_sets",
};

const char *const invoice_item_title[SHIP_COUNT] = {
	"ELA/mathematics SSR sets (August)",
	"Science and Spanish SSR pairs (December/January)",
	"ELPAC SSR sets",
};

size_t invoice_lines(const config *c, const uint64_t qty[SHIP_COUNT][2],
		     invoice_line out[2 * SHIP_COUNT])
{
	size_t n = 0;
	for (int s = 0; s < SHIP_COUNT; s++) {
		const program_config *p = &c->program[s == SHIP_ELPAC ? PROGRAM_ELPAC : PROGRAM_CAASPP];
		for (int e = 0; e < 2; e++) {
			if (!qty[s][e])
				continue;
			invoice_line *l = &out[n++];
			l->item = s;
			l->envelopes = e;
			l->quantity = qty[s][e];
			l->unit_cents = e ? p->envelope_set_price_cents : p->set_price_cents;
			l->amount_cents = (int64_t)l->quantity * l->unit_cents;
		}
	}
	return n;
}

int64_t invoice_total_cents(const invoice_line *lines, size_t n)
{
	int64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += lines[i].amount_cents;
	return total;
}

void invoice_id_format(char *buf, size_t cap, const config *c, uint32_t lea, int n)
{
	if (n < 0)
		snprintf(buf, cap, "INV-%s-%07u-R%d", c->admin_year, lea, -n);
	else if (n <= 1)
		snprintf(buf, cap, "INV-%s-%07u", c->admin_year, lea);
	else
		snprintf(buf, cap, "INV-%s-%07u-W%d", c->admin_year, lea, n);
}

void invoice_dollars(char *buf, size_t cap, int64_t cents)
{
	char digits[32];
	const int neg = cents < 0;
	const unsigned long long v = (unsigned long long)(neg ? -cents : cents);
	const int n = snprintf(digits, sizeof digits, "%llu", v / 100);
	char grouped[48];
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[k++] = ',';
		grouped[k++] = digits[i];
	}
	grouped[k] = '\0';
	snprintf(buf, cap, "%s$%s.%02llu", neg ? "-" : "", grouped, v % 100);
}
