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

/* Invoice quantities: (lea, shipment, envelopes or not) -> sets; one LEA's
 * keys are consecutive when sorted. */
typedef struct qty_key {
	uint32_t lea;
	unsigned shipment, envelopes;
} qty_key;

static inline uint64_t qty_key_pack(qty_key k)
{
	assert(k.lea <= 0xFFFFFF && k.shipment < 4 && k.envelopes < 2);
	return (uint64_t)k.lea << 3 | k.shipment << 1 | k.envelopes;
}

static inline qty_key qty_key_unpack(uint64_t v)
{
	const qty_key k = { (uint32_t)(v >> 3), (unsigned)(v >> 1) & 3, (unsigned)v & 1 };
	return k;
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
