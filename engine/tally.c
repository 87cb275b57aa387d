/*
 * tally.c: the sums and the reconciliation of a run's counts (see tally.h,
 * docs/rules.md §12).
 */
#include "tally.h"

#include <stdio.h>
#include <string.h>

void tally_overall(const run_summary *s, run_ship *all)
{
	memset(all, 0, sizeof *all);
	for (int i = 0; i < SHIP_COUNT; i++) {
		const run_ship *r = &s->ship[i];
		all->printed += r->printed;
		all->packed += r->packed;
		all->invoiced += r->invoiced;
		all->no_address += r->no_address;
		all->boxes += r->boxes;
		all->sheets += r->sheets;
		all->dividers += r->dividers;
		all->envelopes += r->envelopes;
		all->gross_mg += r->gross_mg;
	}
	all->leas = s->leas;
}

int tally_reconcile(const run_summary *s, char *why, size_t cap)
{
	run_ship all;
	tally_overall(s, &all);
	const uint64_t sum = s->rejected + all.printed + s->printed_earlier + s->electronic +
			     s->not_reprinted;
	if (s->rows != sum) {
		char chosen[48] = "";
		if (s->reprint)
			snprintf(chosen, sizeof chosen, " + %llu not reprinted",
				 (unsigned long long)s->not_reprinted);
		snprintf(why, cap, "%llu rows read, but %llu rejected + %llu printed + %llu printed earlier "
			 "+ %llu electronic only%s = %llu",
			 (unsigned long long)s->rows, (unsigned long long)s->rejected,
			 (unsigned long long)all.printed, (unsigned long long)s->printed_earlier,
			 (unsigned long long)s->electronic, chosen, (unsigned long long)sum);
		return 0;
	}
	/* a free reprint bills nothing */
	const int billed = !s->reprint || s->reprint_billed;
	for (int i = 0; i < SHIP_COUNT; i++) {
		const run_ship *r = &s->ship[i];
		if (r->printed != r->packed || (billed ? r->packed != r->invoiced : r->invoiced != 0)) {
			snprintf(why, cap, "%s: %llu sets printed, %llu packed, %llu invoiced", shipment_name[i],
				 (unsigned long long)r->printed, (unsigned long long)r->packed,
				 (unsigned long long)r->invoiced);
			return 0;
		}
	}
	if (cap)
		why[0] = 0;
	return 1;
}
