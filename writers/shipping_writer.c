/*
 * shipping_writer.c: the shipping desk's files (shipping_writer.h,
 * docs/rules.md §16.2).
 *
 * The UPS files follow the layout UPS publishes for CampusShip's "Batch
 * File Shipping": no header row, one single-package shipment a row, every
 * row with every field's comma even when empty (80 fields, the current
 * template's count), at most 250 rows a file, each field within its
 * maximum length, plain ASCII (docs/rules.md §16.2 lists the fields
 * filled).  The ship-from address and the payer are chosen in UPS's
 * screens for the whole batch, so they are not in the file.
 */
#include "shipping_writer.h"

#include <errno.h>
#include <iconv.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "../base/u64map.h"
#include "../io/outstream.h"

struct shipping_writer {
	outdir *dir;
	int have_directory;
	outstream *list[SHIP_COUNT];   /* shipping/<shipment>.csv */
	outstream *held;               /* shipping/held.csv */
	outstream *ups;                /* the open UPS file, of ups_ship */
	int ups_ship;
	unsigned ups_file_no[SHIP_COUNT];
	unsigned ups_rows;
	u64map *held_leas;             /* lea -> 1: an LEA held in two shipments counts once */
	shipping_counts n;
};

uint64_t shipping_tenth_lb(int64_t gross_mg)
{
	/* tenths = mg / 45,359.237 = mg * 1000 / 45,359,237, rounded up */
	const uint64_t mg = gross_mg > 0 ? (uint64_t)gross_mg : 0;
	return (mg * 1000 + 45359236) / 45359237;
}

/* Transliterate s to ASCII with iconv's //TRANSLIT in the C.UTF-8 locale
 * (glibc's tables: "Łódź" -> "Lodz", "Straße" -> "Strasse", "½" -> " 1/2"),
 * the locale set for this thread only; a character with no ASCII form
 * becomes '?'.  Returns a malloc'ed string, NULL when iconv is not there. */
static char *translit(const char *s)
{
	static locale_t utf8;
	if (!utf8 && !(utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0)))
		return NULL;
	const locale_t old = uselocale(utf8);
	char *res = NULL;
	iconv_t cd = iconv_open("ASCII//TRANSLIT", "UTF-8");
	if (cd != (iconv_t)-1) {
		size_t in_left = strlen(s), cap = 4 * in_left + 16, out_left = cap - 1;
		char *buf = malloc(cap), *in = (char *)s, *out = buf;
		while (buf && in_left) {
			if (iconv(cd, &in, &in_left, &out, &out_left) != (size_t)-1)
				continue;
			if (errno != EILSEQ && errno != EINVAL)
				break;
			/* not UTF-8 (the readers let none through): skip a byte */
			in++;
			in_left--;
			if (out_left) {
				*out++ = '?';
				out_left--;
			}
		}
		if (buf) {
			*out = 0;
			res = buf;
		}
		iconv_close(cd);
	}
	uselocale(old);
	return res;
}

size_t shipping_ascii(const char *s, size_t max, char *out, size_t cap)
{
	if (cap == 0)
		return 0;
	if (max > cap - 1)
		max = cap - 1;
	char *t = translit(s);
	const unsigned char *in = (const unsigned char *)(t ? t : s);
	size_t k = 0;
	for (size_t i = 0; in[i] && k < max; i++) {
		unsigned char c = in[i];
		/* what has no ASCII form ('?'), control bytes, commas and quotes
		 * (no field is ever quoted) become spaces */
		if (c < 0x20 || c > 0x7e || c == ',' || c == '"' || c == '?')
			c = ' ';
		if (c == ' ' && (k == 0 || out[k - 1] == ' '))
			continue;   /* no leading space, one space at a time */
		if (c == '#' && k == 0)
			continue;   /* UPS: a '#' first in a row is an error */
		out[k++] = (char)c;
	}
	while (k && out[k - 1] == ' ')
		k--;
	out[k] = 0;
	free(t);
	return k;
}

static status open_csv(shipping_writer *w, const char *rel, int flags, outstream **o)
{
	return outdir_open(w->dir, rel, flags, o);
}

status shipping_writer_open(shipping_writer **out, outdir *d, int have_directory)
{
	*out = NULL;
	shipping_writer *w = mem_calloc(1, sizeof *w);
	if (!w)
		return status_fail(ST_NOMEM, "out of memory for the shipping files");
	w->dir = d;
	w->have_directory = have_directory;
	w->ups_ship = -1;
	status st = u64map_new(&w->held_leas);
	char rel[64];
	for (int s = 0; s < SHIP_COUNT && st == ST_OK; s++) {
		snprintf(rel, sizeof rel, "shipping/%s.csv", shipment_name[s]);
		st = open_csv(w, rel, OUT_CSV_SAFE, &w->list[s]);
		if (st == ST_OK)
			outstream_puts(w->list[s], "box_id,wave,lea_code,ship_to_name,attention,address1,address2,"
				       "city,state,zip,phone,sets,gross_mg,weight_lb,weight_kg,reference\n");
	}
	if (st == ST_OK && have_directory) {
		st = open_csv(w, "shipping/held.csv", OUT_CSV_SAFE, &w->held);
		if (st == ST_OK)
			outstream_puts(w->held, "shipment,box_id,wave,lea_code,lea_name,sets,gross_mg,weight_lb,"
				       "reason\n");
	}
	if (st != ST_OK) {
		shipping_writer_abort(w);
		return st;
	}
	*out = w;
	return ST_OK;
}

static void code7(outstream *o, uint32_t v, int last)
{
	char b[16];
	snprintf(b, sizeof b, "%07u", v);
	outstream_csv_str(o, b, last);
}

static void tenths(outstream *o, uint64_t t, int last)
{
	char b[32];
	snprintf(b, sizeof b, "%llu.%llu", (unsigned long long)(t / 10), (unsigned long long)(t % 10));
	outstream_csv_str(o, b, last);
}

/* A UPS field: transliterated and cut to its length, then the comma; 1
 * when it had to be cut. */
static int ups_field(outstream *o, const char *v, size_t max)
{
	char b[1024];
	const size_t n = shipping_ascii(v, max, b, sizeof b);
	outstream_write(o, b, n);
	outstream_putc(o, ',');
	return n == max && shipping_ascii(v, sizeof b - 1, b, sizeof b) > max;
}

/* The ship-to cannot be written for a carrier: its name, street or city
 * has no ASCII form at all (a name in Arabic or Chinese script). */
static int ship_to_unwritable(const ship_to *t)
{
	char b[64];
	return !shipping_ascii(t->name, 35, b, sizeof b) || !shipping_ascii(t->address1, 35, b, sizeof b) ||
	       !shipping_ascii(t->city, 30, b, sizeof b);
}

/* The next UPS file of the shipment once the open one holds 250 rows. */
static status ups_next_file(shipping_writer *w, int sh)
{
	if (w->ups && w->ups_ship == sh && w->ups_rows < UPS_BATCH_ROWS)
		return ST_OK;
	if (w->ups) {
		const status st = outstream_close(w->ups);
		w->ups = NULL;
		if (st != ST_OK)
			return st;
	}
	char rel[64];
	snprintf(rel, sizeof rel, "shipping/ups/%s-%03u.csv", shipment_name[sh], ++w->ups_file_no[sh]);
	w->ups_ship = sh;
	w->ups_rows = 0;
	w->n.ups_files++;
	return outdir_open(w->dir, rel, 0, &w->ups);
}

/* One row of UPS CampusShip's batch layout (fields 1-35; 36-80 empty);
 * 1 when a field had to be cut to its length. */
static int ups_row(outstream *o, const ship_to *t, const char *box_id, int sh, uint32_t lea,
		    uint64_t tenth_lb)
{
	char phone[24] = "", ref2[64], weight[48];
	size_t k = 0;
	for (const char *p = t->phone; *p && k < 15; p++)
		if (*p >= '0' && *p <= '9')
			phone[k++] = *p;
	phone[k] = 0;
	if (k == 11 && phone[0] == '1')
		memmove(phone, phone + 1, k);   /* the country's 1 is not part of a US number */
	snprintf(ref2, sizeof ref2, "%s LEA %07u", shipment_name[sh], lea);
	snprintf(weight, sizeof weight, "%llu.%llu", (unsigned long long)(tenth_lb / 10),
		 (unsigned long long)(tenth_lb % 10));
	int cut = ups_field(o, t->attention, 35);   /* 1 Contact Name */
	cut |= ups_field(o, t->name, 35);    /* 2 Company or Name */
	ups_field(o, "US", 2);               /* 3 Country */
	cut |= ups_field(o, t->address1, 35);   /* 4 Address 1 */
	cut |= ups_field(o, t->address2, 35);   /* 5 Address 2 */
	ups_field(o, "", 35);                /* 6 Address 3 */
	cut |= ups_field(o, t->city, 30);    /* 7 City */
	ups_field(o, t->state, 30);          /* 8 State/Province/Other */
	ups_field(o, t->zip, 10);            /* 9 Postal Code */
	ups_field(o, phone, 15);             /* 10 Telephone */
	ups_field(o, "", 5);                 /* 11 Extension */
	ups_field(o, "0", 1);                /* 12 Residential Indicator: commercial */
	ups_field(o, "", 50);                /* 13 E-mail Address */
	ups_field(o, "2", 2);                /* 14 Packaging Type: the shipper's own box */
	ups_field(o, "", 15);                /* 15 Customs Value */
	ups_field(o, weight, 5);             /* 16 Weight, pounds */
	for (int f = 17; f <= 24; f++)       /* 17-19 dimensions, 20 unit (pounds by default), 21-24 */
		outstream_putc(o, ',');
	ups_field(o, "03", 2);               /* 25 Service: UPS Ground */
	for (int f = 26; f <= 32; f++)       /* 26-32 options */
		outstream_putc(o, ',');
	ups_field(o, box_id, 35);            /* 33 Reference 1: the box id */
	ups_field(o, ref2, 35);              /* 34 Reference 2 */
	for (int f = 35; f < UPS_BATCH_FIELDS; f++)   /* 35 Reference 3, 36-80 */
		outstream_putc(o, ',');
	outstream_puts(o, "\r\n");           /* the 80th field is empty */
	return cut;
}

status shipping_writer_lea(shipping_writer *w, const packing *p)
{
	const int sh = packing_shipment(p);
	const uint32_t lea = packing_lea(p), m = packing_box_count(p);
	ship_to t;
	int where = packing_ship_to(p, &t);
	/* a ship-to with no ASCII name, street or city: held for a hand-keyed
	 * label, not sent to the carrier blank */
	const int manual = where > 0 && w->have_directory && ship_to_unwritable(&t);
	if (manual)
		where = -1;
	if (where < 0 && m) {
		uint64_t *seen = u64map_slot(w->held_leas, lea);
		if (!seen)
			return status_fail(ST_NOMEM, "out of memory for the shipping files");
		w->n.held_leas += (*seen)++ == 0;
	}
	status st = ST_OK;
	for (uint32_t b = 1; b <= m && st == ST_OK; b++) {
		packing_box bx;
		packing_box_get(p, b, &bx);
		char id[96];
		packing_box_id(p, b, id, sizeof id);
		const int wave = packing_box_wave(p, b);
		const uint64_t t10 = shipping_tenth_lb(bx.gross_mg);
		if (where < 0) {   /* held: no carrier file */
			w->n.held_boxes++;
			outstream *o = w->held;
			outstream_csv_str(o, shipment_name[sh], 0);
			outstream_csv_str(o, id, 0);
			outstream_csv_u64(o, (uint64_t)(wave || packing_reprint(p) ? wave : 1), 0);
			code7(o, lea, 0);
			outstream_csv_str(o, packing_lea_name(p), 0);
			outstream_csv_u64(o, bx.sets, 0);
			outstream_csv_u64(o, (uint64_t)bx.gross_mg, 0);
			tenths(o, t10, 0);
			outstream_csv_str(o, manual ? "the ship-to's name, street or city has no ASCII form for the "
					  "carrier files: key it in by hand" : "no ship-to address in the LEA directory", 1);
			w->n.manual_boxes += manual;
			continue;
		}
		w->n.boxes++;
		outstream *o = w->list[sh];
		outstream_csv_str(o, id, 0);
		outstream_csv_u64(o, (uint64_t)(wave || packing_reprint(p) ? wave : 1), 0);
		code7(o, lea, 0);
		const char *const f[8] = { where > 0 ? t.name : packing_lea_name(p), where > 0 ? t.attention : "",
					   where > 0 ? t.address1 : "", where > 0 ? t.address2 : "",
					   where > 0 ? t.city : "", where > 0 ? t.state : "",
					   where > 0 ? t.zip : "", where > 0 ? t.phone : "" };
		for (int i = 0; i < 8; i++)
			outstream_csv_str(o, f[i], 0);
		outstream_csv_u64(o, bx.sets, 0);
		outstream_csv_u64(o, (uint64_t)bx.gross_mg, 0);
		tenths(o, t10, 0);
		char kg[32];   /* to the gram, rounded half up */
		const uint64_t g = ((uint64_t)bx.gross_mg + 500) / 1000;
		snprintf(kg, sizeof kg, "%llu.%03llu", (unsigned long long)(g / 1000), (unsigned long long)(g % 1000));
		outstream_csv_str(o, kg, 0);
		outstream_csv_str(o, id, 1);
		if (where > 0 && w->have_directory) {
			if ((st = ups_next_file(w, sh)) != ST_OK)
				break;
			w->n.cut_boxes += ups_row(w->ups, &t, id, sh, lea, t10);
			w->ups_rows++;
		}
	}
	return st;
}

void shipping_writer_counts(const shipping_writer *w, shipping_counts *c)
{
	*c = w->n;
}

status shipping_writer_close(shipping_writer *w)
{
	status st = ST_OK;
	for (int s = 0; s < SHIP_COUNT; s++) {
		const status a = outstream_close(w->list[s]);
		st = st != ST_OK ? st : a;
	}
	const status h = outstream_close(w->held);
	const status u = outstream_close(w->ups);
	st = st != ST_OK ? st : h != ST_OK ? h : u;
	u64map_free(w->held_leas);
	mem_free(w);
	return st;
}

void shipping_writer_abort(shipping_writer *w)
{
	if (!w)
		return;
	for (int s = 0; s < SHIP_COUNT; s++)
		outstream_abort(w->list[s]);
	outstream_abort(w->held);
	outstream_abort(w->ups);
	u64map_free(w->held_leas);
	mem_free(w);
}
