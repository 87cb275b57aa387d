/*
 * run_docs.c: the print stream, manifest and packing list writers (see
 * run_docs.h).
 *
 * Print stream: one row per divider or set, in print order; the columns of
 * SPEC §3 first (seq, box_id, kind, lea_code, school_code, grade,
 * last_name, first_name, ssid, report, copy1_lang, copy2_lang, paper,
 * sheets, envelopes, the mailing block), then middle_name, lea_name,
 * school_name and the set's weight_mg.  A divider row carries the LEA and
 * school and leaves the student columns blank.
 *
 * Manifest: one row per (box, school segment), with the whole box's gross
 * weight repeated on each of its rows.  `sheets` counts SSR sheets (the
 * divider sheet is in `dividers`, always 1 per segment).
 *
 * Packing list: plain UTF-8 text an operator prints and packs from.
 */
#include "run_docs.h"

#include <stdio.h>
#include <string.h>

#include "../engine/fulfil.h"
#include "../engine/student.h"

void box_id_format(char *buf, size_t cap, int shipment, uint32_t lea, uint32_t box_no)
{
	snprintf(buf, cap, "%s-%07u-%04u", shipment_name[shipment], lea, box_no);
}

static void code7(outstream *o, uint32_t v, int last)
{
	char b[16];
	snprintf(b, sizeof b, "%07u", v);
	outstream_csv_field(o, b, 7, last);
}

static void str_field(outstream *o, const setrec *r, int which, int last)
{
	outstream_csv_field(o, r->str[which], r->len[which], last);
}

void print_stream_header(outstream *o)
{
	outstream_puts(o, "seq,box_id,kind,lea_code,school_code,grade,last_name,first_name,ssid,"
		       "report,copy1_lang,copy2_lang,paper,sheets,envelopes,guardian_name,"
		       "address_line1,address_line2,city,state,zip,middle_name,lea_name,"
		       "school_name,weight_mg\n");
}

void print_stream_divider(outstream *o, uint64_t seq, const char *box_id, int continued,
			  const setrec *r, int64_t divider_mg)
{
	outstream_csv_u64(o, seq, 0);
	outstream_csv_str(o, box_id, 0);
	outstream_csv_str(o, continued ? "continued" : "divider", 0);
	code7(o, r->lea, 0);
	code7(o, r->school, 0);
	/* grade .. mailing block and middle_name are blank on a divider */
	outstream_write(o, ",,,,,,,,,,,,,,,,,", 17);
	str_field(o, r, SR_LEA_NAME, 0);
	str_field(o, r, SR_SCHOOL_NAME, 0);
	outstream_csv_u64(o, (uint64_t)divider_mg, 1);
}

void print_stream_set(outstream *o, uint64_t seq, const char *box_id, const setrec *r)
{
	char ssid[16];
	outstream_csv_u64(o, seq, 0);
	outstream_csv_str(o, box_id, 0);
	outstream_write(o, "set,", 4);
	code7(o, r->lea, 0);
	code7(o, r->school, 0);
	outstream_csv_str(o, grade_name[r->grade], 0);
	str_field(o, r, SR_LAST, 0);
	str_field(o, r, SR_FIRST, 0);
	snprintf(ssid, sizeof ssid, "%010llu", (unsigned long long)r->ssid);
	outstream_csv_field(o, ssid, 10, 0);
	outstream_csv_str(o, report_table[r->report].code, 0);
	outstream_write(o, "EN,", 3);
	outstream_csv_str(o, lang_code[r->copy2], 0);
	outstream_csv_str(o, paper_name[r->paper], 0);
	outstream_csv_u64(o, r->sheets, 0);
	outstream_csv_u64(o, r->envelopes, 0);
	for (int s = SR_GUARDIAN; s <= SR_ZIP; s++)
		str_field(o, r, s, 0);
	str_field(o, r, SR_MIDDLE, 0);
	str_field(o, r, SR_LEA_NAME, 0);
	str_field(o, r, SR_SCHOOL_NAME, 0);
	outstream_csv_u64(o, r->weight_mg, 1);
}

void manifest_header(outstream *o)
{
	outstream_puts(o, "box_id,box_no,box_count,lea_code,school_code,segment,first_student,"
		       "last_student,sets,sheets,envelopes,gross_mg,dividers,first_grade,"
		       "last_grade,lea_name,school_name\n");
}

void manifest_write_lea(outstream *o, const packing *p)
{
	const uint32_t m = packing_box_count(p);
	char id[64];
	for (size_t i = 0; i < packing_segment_count(p); i++) {
		const segment *s = packing_segment(p, i);
		box_id_format(id, sizeof id, packing_shipment(p), packing_lea(p), s->box_no);
		outstream_csv_str(o, id, 0);
		outstream_csv_u64(o, s->box_no, 0);
		outstream_csv_u64(o, m, 0);
		code7(o, packing_lea(p), 0);
		code7(o, s->school, 0);
		outstream_csv_str(o, s->continued ? "continued" : "first", 0);
		outstream_csv_str(o, packing_text(p, s->first_student), 0);
		outstream_csv_str(o, packing_text(p, s->last_student), 0);
		outstream_csv_u64(o, s->sets, 0);
		outstream_csv_u64(o, s->sheets, 0);
		outstream_csv_u64(o, s->envelopes, 0);
		outstream_csv_u64(o, (uint64_t)packing_box_gross(p, s->box_no), 0);
		outstream_csv_u64(o, 1, 0);
		outstream_csv_str(o, grade_name[s->first_grade], 0);
		outstream_csv_str(o, grade_name[s->last_grade], 0);
		outstream_csv_str(o, packing_lea_name(p), 0);
		outstream_csv_str(o, packing_text(p, s->school_name), 1);
	}
}

static const char *const shipment_title[SHIP_COUNT] = {
	"August shipment: Smarter Balanced and CAA, ELA and mathematics SSRs",
	"December/January shipment: science (CAST, CAAS) and Spanish (CSA) SSRs",
	"ELPAC shipment: Summative ELPAC SSRs",
};

static void kg(char *buf, size_t cap, int64_t mg)
{
	/* exact from integer milligrams: kilograms to the gram, pounds to 0.1 */
	const int64_t g = (mg + 500) / 1000;
	const int64_t tenth_lb = (mg * 10 + 226796) / 453592;
	snprintf(buf, cap, "%lld.%03lld kg (%lld.%lld lb)", (long long)(g / 1000),
		 (long long)(g % 1000), (long long)(tenth_lb / 10), (long long)(tenth_lb % 10));
}

status packing_list_write(outdir *d, const packing *p, const config *c)
{
	char rel[96], w[64];
	const int sh = packing_shipment(p);
	snprintf(rel, sizeof rel, "packing/%s/%07u.txt", shipment_name[sh], packing_lea(p));
	outstream *o;
	status st = outdir_open(d, rel, 0, &o);
	if (st != ST_OK)
		return st;
	packing_totals t;
	packing_totals_get(p, &t);
	const uint32_t m = packing_box_count(p);
	outstream_printf(o, "PACKING LIST  %s %s\n", c->admin_year, shipment_title[sh]);
	outstream_printf(o, "LEA: %s (%07u)\n", packing_lea_name(p), packing_lea(p));
	if (sh == SHIP_WINTER)
		outstream_printf(o, "Ship window: December %d / January %d\n", c->end_year, c->end_year + 1);
	else
		outstream_printf(o, "Ship window: %s %d\n", sh == SHIP_AUGUST ? "August" : "with the ELPAC release,",
				 c->end_year);
	kg(w, sizeof w, t.gross_mg);
	outstream_printf(o, "Totals: %u boxes, %llu sets, %llu SSR sheets, %llu dividers, %llu envelopes, gross %s\n",
			 m, (unsigned long long)t.sets, (unsigned long long)t.sheets,
			 (unsigned long long)t.dividers, (unsigned long long)t.envelopes, w);
	size_t i = 0;
	for (uint32_t b = 1; b <= m; b++) {
		char id[64];
		box_id_format(id, sizeof id, sh, packing_lea(p), b);
		kg(w, sizeof w, packing_box_gross(p, b));
		outstream_printf(o, "\n[ ] Box %u of %u   %s   gross %s\n", b, m, id, w);
		for (; i < packing_segment_count(p) && packing_segment(p, i)->box_no == b; i++) {
			const segment *s = packing_segment(p, i);
			outstream_printf(o, "    %s school %07u %s\n", s->continued ? "continued" : "divider  ",
					 s->school, packing_text(p, s->school_name));
			outstream_printf(o, "        grades %s-%s, %llu sets, %llu sheets, %llu envelopes\n",
					 grade_name[s->first_grade], grade_name[s->last_grade],
					 (unsigned long long)s->sets, (unsigned long long)s->sheets,
					 (unsigned long long)s->envelopes);
			outstream_printf(o, "        first: %s\n        last:  %s\n",
					 packing_text(p, s->first_student), packing_text(p, s->last_student));
		}
	}
	outstream_printf(o, "\nPacked by: ____________________   Checked by: ____________________\n");
	return outstream_close(o);
}
