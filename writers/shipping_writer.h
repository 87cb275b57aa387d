/*
 * shipping_writer.h: the shipping desk's files (docs/rules.md §16.2), one
 * packed (shipment, LEA) at a time in print order:
 *
 *   shipping/<shipment>.csv        every box that ships: its ship-to, sets,
 *                                  gross weight in mg, pounds (rounded up to
 *                                  0.1) and kg, reference = box id
 *   shipping/held.csv              (with a directory) the boxes of LEAs it
 *                                  has no address for
 *   shipping/ups/<shipment>-NNN.csv  (with a directory) the boxes that ship,
 *                                  in UPS's batch import layout, 250 a file
 *
 *   shipping_writer *w;
 *   st = shipping_writer_open(&w, dir, have_directory);
 *   per packed (shipment, LEA): st = shipping_writer_lea(w, packing, &held);
 *   st = shipping_writer_close(w);           // or shipping_writer_abort(w)
 */
#ifndef SSRFILL_SHIPPING_WRITER_H
#define SSRFILL_SHIPPING_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "../engine/packing.h"
#include "../io/outdir.h"

/* UPS batch file layout: fields a row, rows a file (docs/rules.md §16.2). */
#define UPS_BATCH_FIELDS 80
#define UPS_BATCH_ROWS 250

typedef struct shipping_writer shipping_writer;

typedef struct shipping_counts {
	uint64_t boxes, held_boxes, held_leas, ups_files;
	uint64_t manual_boxes;   /* of held_boxes: an address with no ASCII form */
	uint64_t cut_boxes;      /* UPS rows with a field cut to UPS's length */
} shipping_counts;

status shipping_writer_open(shipping_writer **out, outdir *d, int have_directory);
/* The boxes of the packed (shipment, LEA) in p (packing_ship_to says
 * where they go, or that they are held). */
status shipping_writer_lea(shipping_writer *w, const packing *p);
void shipping_writer_counts(const shipping_writer *w, shipping_counts *c);
/* Close every file (errors surface here); frees w. */
status shipping_writer_close(shipping_writer *w);
void shipping_writer_abort(shipping_writer *w);

/* Box weight in tenths of a pound, rounded up (a carrier bills the next
 * tenth): 453.59237 g a pound. */
uint64_t shipping_tenth_lb(int64_t gross_mg);
/* s as the carrier file takes text: transliterated to ASCII by iconv in
 * the C.UTF-8 locale ("Łódź" -> "Lodz", "Straße" -> "Strasse", "½" ->
 * "1/2"), anything with no ASCII form, control bytes, commas and quotes
 * turned into spaces, runs of spaces made one, no leading '#', cut to max
 * bytes (trailing spaces dropped).  Writes out[cap]; returns its length. */
size_t shipping_ascii(const char *s, size_t max, char *out, size_t cap);

#endif
