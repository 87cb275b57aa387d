/*
 * invoice.c: invoice lines, totals, ids, dates and money formatting (see
 * invoice.h).  The science and Spanish item is billed per pair of
 * additional SSRs, at the CAASPP prices, as the 2018-19 flyer says; ELPAC
 * sets at ELPAC's prices.
 *
 * A line is (item, envelopes, order): the sets of one shipment printed
 * under one order, so the LEA's accounts payable can match each line to
 * the PO that bought it (docs/rules.md §16.4).  Every set prints under at
 * most one order (§6), so the lines partition the LEA's sets and the
 * invoice total is the same to the cent as one line per item would give.
 *
 * Dates are whole UTC days counted in unix seconds; the calendar is
 * Howard Hinnant's days-from-civil arithmetic (proleptic Gregorian, leap
 * years included), so no time zone or time_t width is involved.
 */
#include "invoice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
			l->ordered_by = ORDERED_NONE;
			l->school = 0;
			l->po_number = "";
			l->unit_cents = e ? p->envelope_set_price_cents : p->set_price_cents;
			l->amount_cents = (int64_t)l->quantity * l->unit_cents;
		}
	}
	return n;
}

void invoice_price(const config *c, invoice_line *l)
{
	const program_config *p = &c->program[l->item == SHIP_ELPAC ? PROGRAM_ELPAC : PROGRAM_CAASPP];
	l->unit_cents = l->envelopes ? p->envelope_set_price_cents : p->set_price_cents;
	l->amount_cents = (int64_t)l->quantity * l->unit_cents;
}

/* The LEA-wide order's line first, the schools' next, the parents' last. */
static int order_rank(int ordered_by)
{
	switch (ordered_by) {
	case ORDERED_LEA: return 0;
	case ORDERED_SCHOOL: return 1;
	case ORDERED_INDIVIDUAL: return 2;
	default: return 3;
	}
}

static int line_cmp(const void *pa, const void *pb)
{
	const invoice_line *a = pa, *b = pb;
	if (a->item != b->item)
		return a->item < b->item ? -1 : 1;
	if (a->envelopes != b->envelopes)
		return a->envelopes < b->envelopes ? -1 : 1;
	const int ra = order_rank(a->ordered_by), rb = order_rank(b->ordered_by);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (a->school != b->school)
		return a->school < b->school ? -1 : 1;
	const int c = strcmp(a->po_number ? a->po_number : "", b->po_number ? b->po_number : "");
	if (c)
		return c;
	return (a->ordered_by > b->ordered_by) - (a->ordered_by < b->ordered_by);
}

size_t invoice_sort(invoice_line *l, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (l[i].quantity)
			l[k++] = l[i];
	qsort(l, k, sizeof *l, line_cmp);
	return k;
}

const char *invoice_ordered_by_name(int ordered_by)
{
	switch (ordered_by) {
	case ORDERED_LEA: return "lea";
	case ORDERED_SCHOOL: return "school";
	case ORDERED_INDIVIDUAL: return "parent";
	default: return "";
	}
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

#define DAY_S 86400

int64_t invoice_day(int64_t t)
{
	const int64_t d = t / DAY_S - (t % DAY_S < 0);
	return d * DAY_S;
}

int64_t invoice_due_date(int64_t date, int terms_days)
{
	return invoice_day(date) + (int64_t)terms_days * DAY_S;
}

void invoice_date_format(char *buf, size_t cap, int64_t t)
{
	/* civil_from_days: eras of 400 years (146097 days) from 0000-03-01 */
	int64_t z = invoice_day(t) / DAY_S + 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const int64_t doe = z - era * 146097;
	const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int64_t mp = (5 * doy + 2) / 153;
	const int64_t d = doy - (153 * mp + 2) / 5 + 1;
	const int64_t m = mp < 10 ? mp + 3 : mp - 9;
	const int64_t y = yoe + era * 400 + (m <= 2);
	snprintf(buf, cap, "%04lld-%02lld-%02lld", (long long)y, (long long)m, (long long)d);
}
