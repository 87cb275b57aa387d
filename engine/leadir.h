/*
 * leadir.h: the LEA directory (docs/rules.md §16): where each LEA's boxes
 * go, one ship-to address per LEA code, from `--leas` (readers/leas_reader.c).
 *
 *   leadir *d; leadir_new(&d);
 *   leadir_add(d, &st);                      // the reader, once per valid row
 *   const ship_to *st = leadir_get(d, lea);  // NULL: no row, boxes held
 *   leadir_free(d);
 *
 * The strings are the directory's own copies; every one is "" when blank,
 * never NULL.  Addresses are not student data (an LEA's office), but they
 * stay out of the ledger like everything but ids and codes.
 */
#ifndef SSRFILL_LEADIR_H
#define SSRFILL_LEADIR_H

#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"

typedef struct ship_to {
	uint32_t lea;
	const char *name;        /* the district (ship_to_name) */
	const char *attention;   /* a person or office, "" */
	const char *address1, *address2;
	const char *city, *state, *zip;
	const char *phone;       /* "" when none */
} ship_to;

typedef struct leadir leadir;

status leadir_new(leadir **out);
/* Copies st's strings.  A second row for an LEA code is the reader's to
 * refuse; here it replaces nothing and returns ST_BADINPUT. */
status leadir_add(leadir *d, const ship_to *st);
/* Valid until the next leadir_add. */
const ship_to *leadir_get(const leadir *d, uint32_t lea);
/* What the directory takes in memory, for the --memory budget. */
size_t leadir_bytes(const leadir *d);
void leadir_free(leadir *d);

#endif
