/*
 * run_keys.h: the 64-bit keys of the run's counting maps (base/u64map.h),
 * one packed layout each, packed and unpacked only here.
 *
 * Each layout puts its fields most significant first, so the map's keys
 * sorted as numbers come in the order the reports list them: LEA, school,
 * then the rest.  Codes fit 24 bits (at most 9,999,999); the enums fit the
 * bits given them (checked below).
 */
#ifndef SSRFILL_RUN_KEYS_H
#define SSRFILL_RUN_KEYS_H

#include <assert.h>
#include <stdint.h>

#include "../engine/fulfil.h"
#include "../engine/orders.h"
#include "../engine/setrec.h"
#include "../engine/student.h"

_Static_assert(REPORT_COUNT <= 8 && LANG_COUNT <= 8 && DELIVERY_COUNT <= 4,
	       "dist_key packs a report and a language in 3 bits, a delivery in 2");
_Static_assert(SHIP_COUNT <= 4 && PROGRAM_COUNT < 4,
	       "qty_key and cover_key pack a shipment or a program (or any) in 2 bits");

/* A place: a school (lea, school), or the LEA itself (school PLACE_LEA). */
#define PLACE_LEA 0xFFFFFFu

static inline uint64_t place_key(uint32_t lea, uint32_t school)
{
	assert(lea <= 0xFFFFFF && school <= 0xFFFFFF);
	return (uint64_t)lea << 24 | school;
}

/* Distribution counts: (lea, school, report, copy 2 language, delivery)
 * -> sets; school 0 in the LEA-level map. */
typedef struct dist_key {
	uint32_t lea, school;
	unsigned report, lang, delivery;
} dist_key;

static inline uint64_t dist_key_pack(dist_key k)
{
	assert(k.lea <= 0xFFFFFF && k.school <= 0xFFFFFF && k.report < 8 && k.lang < 8 && k.delivery < 4);
	return (uint64_t)k.lea << 32 | (uint64_t)k.school << 8 | k.report << 5 | k.lang << 2 | k.delivery;
}

static inline dist_key dist_key_unpack(uint64_t v)
{
	const dist_key k = { (uint32_t)(v >> 32), (uint32_t)(v >> 8) & 0xFFFFFF,
			     (unsigned)(v >> 5) & 7, (unsigned)(v >> 2) & 7, (unsigned)v & 3 };
	return k;
}

/* A school's weight in one shipment: (shipment, lea, school) -> mg. */
static inline uint64_t school_mg_key(unsigned shipment, uint32_t lea, uint32_t school)
{
	return (uint64_t)shipment << 56 | place_key(lea, school);
}

/* Invoice quantities: (lea, shipment, envelopes or not, whose order, the
 * order) -> sets; one LEA's keys are consecutive when sorted.  The order
 * is its index in orders_active() + 1 (0: parents', or none found), so a
 * line can name the PO that bought its sets (docs/rules.md §16.4). */
typedef struct qty_key {
	uint32_t lea;
	unsigned shipment, envelopes;
	unsigned ordered_by;    /* enum ordered_by */
	uint64_t order;         /* index in orders_active() + 1, or 0 */
} qty_key;

#define QTY_ORDER_BITS 35

static inline uint64_t qty_key_pack(qty_key k)
{
	assert(k.lea <= 0xFFFFFF && k.shipment < 4 && k.envelopes < 2 && k.ordered_by < 4 &&
	       k.order < (uint64_t)1 << QTY_ORDER_BITS);
	return (uint64_t)k.lea << 40 | (uint64_t)k.shipment << 38 | (uint64_t)k.envelopes << 37 |
	       (uint64_t)k.ordered_by << QTY_ORDER_BITS | k.order;
}

static inline qty_key qty_key_unpack(uint64_t v)
{
	const qty_key k = { (uint32_t)(v >> 40), (unsigned)(v >> 38) & 3, (unsigned)(v >> 37) & 1,
			    (unsigned)(v >> QTY_ORDER_BITS) & 3,
			    v & (((uint64_t)1 << QTY_ORDER_BITS) - 1) };
	return k;
}

/* The qty_key of a set billed to LEA lea (the LEA its box goes to): the
 * order it was printed under, found as planning found it (orders_cover:
 * the school's for ORDERED_SCHOOL, the LEA-wide one for ORDERED_LEA). */
static inline uint64_t qty_key_of_set(const orders *o, uint32_t lea, unsigned shipment,
				      const setrec *r)
{
	qty_key k = { lea, shipment, r->envelopes ? 1 : 0, r->ordered_by, 0 };
	if (r->ordered_by == ORDERED_SCHOOL || r->ordered_by == ORDERED_LEA) {
		const order *ord = orders_cover(o, r->lea, r->ordered_by == ORDERED_SCHOOL
						? r->school : ORDER_SCHOOL_NONE,
						report_table[r->report].program);
		size_t n_active = 0;
		const order *base = orders_active(o, &n_active);
		if (ord && (ord->school == ORDER_SCHOOL_NONE) == (r->ordered_by == ORDERED_LEA))
			k.order = (uint64_t)(ord - base) + 1;
	}
	return qty_key_pack(k);
}

/* What score report rows were seen, for the orders that cover none:
 * (lea, school or PLACE_LEA, program or COVER_ANY_PROGRAM). */
#define COVER_ANY_PROGRAM PROGRAM_COUNT

static inline uint64_t cover_key(uint32_t lea, uint32_t school, unsigned program)
{
	assert(program <= COVER_ANY_PROGRAM);
	return place_key(lea, school) << 2 | program;
}

#endif
