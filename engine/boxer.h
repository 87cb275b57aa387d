/*
 * boxer.h: box packing for one (shipment, LEA) (docs/rules.md §10).
 *
 *   boxer b;
 *   boxer_begin(&b, &config.box);            // at each new (shipment, LEA)
 *   for each set in print order:
 *       boxer_place(&b, first_of_school, school_mg, set_mg, &where);
 *       // where.divider: a school or continued divider goes first
 *       // where.new_box: the set (and its divider) open box where.box_no
 *   b.box_no is then the LEA's box count M.
 *   box_id_format(id, sizeof id, shipment, lea, box_no);  // "august-1964733-0003"
 *
 * A set goes into the current box while the gross weight (tare + dividers
 * + sets) stays within max_gross_mg; otherwise a new box opens with a
 * continued divider.  A school divider whose first set would not fit moves
 * to the new box with it.  With keep_schools_together, a school that fits
 * an empty box but not the current one starts a new box.  Sets are never
 * split.
 */
#ifndef SSRFILL_BOXER_H
#define SSRFILL_BOXER_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum divider_kind { DIVIDER_NONE, DIVIDER_SCHOOL, DIVIDER_CONTINUED };

typedef struct boxer {
	box_config cfg;
	uint32_t box_no;      /* current box, 0 before the first */
	int64_t gross_mg;     /* of the current box */
} boxer;

typedef struct box_place {
	int new_box;
	enum divider_kind divider;
	uint32_t box_no;
} box_place;

void boxer_begin(boxer *b, const box_config *cfg);
/* school_mg: the whole school group's weight (its divider and every set),
 * read only for keep_schools_together. */
void boxer_place(boxer *b, int first_of_school, int64_t school_mg, int64_t set_mg,
		 box_place *out);

/* The id of box box_no of (shipment, lea), docs/rules.md §10.3:
 * <shipment>-<lea_code in 7 digits>-<N in at least 4>, "august-1964733-0003".
 * It is printed on the print stream, manifests, packing lists and labels. */
void box_id_format(char *buf, size_t cap, int shipment, uint32_t lea, uint32_t box_no);

#endif
