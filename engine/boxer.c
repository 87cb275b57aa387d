/*
 * boxer.c: the box packing rule of docs/rules.md §10 (see boxer.h) as a small
 * state machine: the current box number and its gross weight.  Weights are
 * integer milligrams, so "stays within" is an exact comparison and a box
 * may close at exactly max_gross_mg.
 */
#include "boxer.h"

#include <assert.h>
#include <stdio.h>

void boxer_begin(boxer *b, const box_config *cfg)
{
	b->cfg = *cfg;
	b->box_no = 0;
	b->gross_mg = 0;
}

static void open_box(boxer *b, box_place *out)
{
	b->box_no++;
	b->gross_mg = b->cfg.tare_mg;
	out->new_box = 1;
}

void boxer_place(boxer *b, int first_of_school, int64_t school_mg, int64_t set_mg,
		 box_place *out)
{
	const int64_t max = b->cfg.max_gross_mg;
	out->new_box = 0;
	if (first_of_school) {
		out->divider = DIVIDER_SCHOOL;
		const int64_t need = b->cfg.divider_mg + set_mg;
		int fits = b->box_no > 0 && b->gross_mg + need <= max;
		if (fits && b->cfg.keep_schools_together &&
		    b->cfg.tare_mg + school_mg <= max && b->gross_mg + school_mg > max)
			fits = 0;  /* the whole school fits a fresh box: keep it together */
		if (!fits)
			open_box(b, out);
		b->gross_mg += need;
	} else if (b->gross_mg + set_mg <= max) {
		out->divider = DIVIDER_NONE;
		b->gross_mg += set_mg;
	} else {
		out->divider = DIVIDER_CONTINUED;
		open_box(b, out);
		b->gross_mg += b->cfg.divider_mg + set_mg;
	}
	/* config_check guarantees a divider and the heaviest set fit a box */
	assert(b->gross_mg <= max);
	out->box_no = b->box_no;
}

void box_id_format(char *buf, size_t cap, int shipment, uint32_t lea, uint32_t box_no)
{
	assert(shipment >= 0 && shipment < SHIP_COUNT);
	snprintf(buf, cap, "%s-%07u-%04u", shipment_name[shipment], lea, box_no);
}
