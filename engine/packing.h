/*
 * packing.h: the boxes of one (shipment, LEA) as its sets stream by in
 * print order — which box each set goes in (boxer.h) and, per box, its
 * school segments, for the manifest and the packing list.
 *
 *   packing *p; packing_new(&p, &config.box);
 *   per (shipment, LEA): packing_begin(p, shipment, lea, lea_name, n);
 *       per set:  packing_add(p, &rec, school_mg, &where);  // where: divider, box
 *       then read p's boxes and segments (packing_box_count, packing_box_get,
 *       packing_segment, packing_totals_get...)
 *   packing_free(p);
 */
#ifndef SSRFILL_PACKING_H
#define SSRFILL_PACKING_H

#include <stddef.h>
#include <stdint.h>

#include "boxer.h"
#include "leadir.h"
#include "setrec.h"
#include "../base/status.h"

typedef struct segment {
	uint32_t box_no;
	uint32_t school;
	int continued;              /* opened by a continued divider */
	uint8_t first_grade, last_grade;
	uint8_t papers;             /* bit 1 << enum paper: the paper of a set in it */
	uint8_t envelope_papers;    /* ... of a set in envelopes (#10 letter, 6x9 11x17) */
	uint64_t sets, sheets, envelopes;
	size_t first_student, last_student, school_name;  /* offsets in the text pool */
} segment;

typedef struct packing packing;

status packing_new(packing **out, const box_config *cfg);
void packing_begin(packing *p, int shipment, uint32_t lea, const char *lea_name, size_t name_len);
status packing_add(packing *p, const setrec *r, int64_t school_mg, box_place *where);

/* A later wave of the season (docs/rules.md §15): the (shipment, LEA)
 * being packed is of that wave and its box 1 is the LEA's box first_box_no
 * in the shipment, so box ids continue the numbering of earlier waves.
 * Call after packing_begin, which resets to a run without a ledger (wave
 * 0, box 1 = 1).  Box n (1-based, as everywhere here) is "Box n of
 * packing_box_count" within the wave. */
void packing_set_wave(packing *p, int wave, uint32_t first_box_no);
int packing_wave(const packing *p);
/* The LEA's number of box n in the shipment, and its id
 * ("august-1964733-0004"). */
uint32_t packing_box_no(const packing *p, uint32_t n);
void packing_box_id(const packing *p, uint32_t n, char *buf, size_t cap);

/* A reprint (docs/rules.md §15.5); call after packing_begin.
 * packing_set_reprint: the (shipment, LEA)'s boxes are reprint boxes
 * "<shipment>-<lea>-R<nnnn>" numbered from first_no, "Box n of M" within
 * this reprint, wave 0.  packing_set_box_reprint: each box replaces one
 * box and holds the same sets again, never split however much they weigh
 * now; packing_next_reprint_box before each one's first set says which. */
enum packing_reprint { PACKING_NOT_REPRINT, PACKING_SSID_REPRINT, PACKING_BOX_REPRINT };
typedef struct packing_rbox {
	char id[96];            /* "<replaced box's root id>-R<n>" */
	char of[96];            /* the box it replaces */
	int wave;               /* that box's wave, "Box n of m" */
	uint32_t n, m;
	int continued;          /* that box opened with a continued divider */
} packing_rbox;
void packing_set_reprint(packing *p, uint32_t first_no);
void packing_set_box_reprint(packing *p);
status packing_next_reprint_box(packing *p, const packing_rbox *b);
int packing_reprint(const packing *p);
/* Box n of a box reprint; NULL for any other packing. */
const packing_rbox *packing_reprint_box(const packing *p, uint32_t n);
/* Box n's "Box N of M" and wave, as its label and manifest say them: n of
 * packing_box_count of packing_wave, but for a box reprint the replaced
 * box's. */
uint32_t packing_label_no(const packing *p, uint32_t n);
uint32_t packing_label_count(const packing *p, uint32_t n);
int packing_box_wave(const packing *p, uint32_t n);

/* Where the LEA's boxes go (docs/rules.md §16), with --leas: its address,
 * copied into the packing, or NULL when the directory has no row for the
 * LEA (its boxes are held).  packing_ship_to: 1 with *out the address (its
 * strings live until the packing's next packing_add or packing_begin), -1
 * held, 0 no directory at all (a run without --leas; packing_begin's
 * default). */
void packing_set_ship_to(packing *p, const ship_to *st);
int packing_ship_to(const packing *p, ship_to *out);

int packing_shipment(const packing *p);
uint32_t packing_lea(const packing *p);
const char *packing_lea_name(const packing *p);
uint32_t packing_box_count(const packing *p);
/* Gross weight of box n (1-based). */
int64_t packing_box_gross(const packing *p, uint32_t n);
size_t packing_segment_count(const packing *p);
const segment *packing_segment(const packing *p, size_t i);
const char *packing_text(const packing *p, size_t offset);

/* What box n (1-based) holds (docs/rules.md §10.3): its segments
 * [first_segment, end_segment), each opened by one divider, so at least
 * one; the sets, SSR sheets and envelopes in them; its gross weight. */
typedef struct packing_box {
	size_t first_segment, end_segment;
	uint64_t dividers, sets, sheets, envelopes;
	uint8_t papers, envelope_papers;   /* as in segment, over the box */
	int64_t gross_mg;
} packing_box;
void packing_box_get(const packing *p, uint32_t n, packing_box *out);

/* When a shipment of cfg's year ships (docs/rules.md §10.4), for the
 * packing list: "August 2019", "December 2019 or January 2020", "with the
 * Summative ELPAC release, 2019". */
void packing_ship_window(char *buf, size_t cap, int shipment, const config *cfg);

typedef struct packing_totals {
	uint64_t boxes, sets, sheets, envelopes, dividers;
	int64_t gross_mg;
} packing_totals;
void packing_totals_get(const packing *p, packing_totals *t);

void packing_free(packing *p);

#endif
