/*
 * fulfil.h: what happens to one valid score report row (docs/rules.md §6-§8):
 * whether it prints and under which order, the language of its second
 * copy, its paper, sheets, envelopes and weight.
 *
 *   set_plan p;
 *   fulfil_plan(&config, orders, &student, &p);
 */
#ifndef SSRFILL_FULFIL_H
#define SSRFILL_FULFIL_H

#include <stdint.h>

#include "config.h"
#include "orders.h"
#include "student.h"

enum delivery { DELIVERY_ELECTRONIC, DELIVERY_PAPER, DELIVERY_PAPER_ENVELOPE, DELIVERY_COUNT };
enum ordered_by { ORDERED_NONE, ORDERED_SCHOOL, ORDERED_LEA, ORDERED_INDIVIDUAL };

extern const char *const delivery_name[DELIVERY_COUNT];
extern const char *const paper_name[2];   /* "11x17", "8.5x11" */

typedef struct set_plan {
	uint8_t delivery;     /* enum delivery */
	uint8_t ordered_by;   /* enum ordered_by */
	uint8_t copy2;        /* enum lang of the second copy */
	uint8_t paper;        /* enum paper */
	uint8_t sheets;       /* sheets of both copies */
	uint8_t envelopes;    /* 0 or 2 */
	int64_t weight_mg;    /* sheets and envelopes of the set */
} set_plan;

/* Copy 1 of every set is in English (docs/rules.md §7); only copy 2's
 * language is chosen. */
enum { FULFIL_COPY1_LANG = LANG_EN };

/* Copy 2's language: the override, else the CALPADS mapping; English when
 * the program does not offer it this year; CSA only in Spanish. */
enum lang fulfil_copy2(const config *c, const student *s);
void fulfil_plan(const config *c, const orders *o, const student *s, set_plan *p);

#endif
