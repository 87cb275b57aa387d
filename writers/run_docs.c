/*
 * run_docs.c: the print stream and manifest writers (see run_docs.h).
 *
 * Print stream: one row per divider or set, in print order; the columns of
 * docs/rules.md §13.2 first (seq, box_id, kind, lea_code, school_code,
 * grade, last_name, first_name, ssid, report, copy1_lang, copy2_lang, paper,
 * sheets, envelopes, the mailing block), then middle_name, lea_name,
 * school_name and the set's weight_mg.  A divider row carries the LEA and
 * school and leaves the student columns blank.
 *
 * Manifest: one row per (box, school segment), with the whole box's gross
 * weight repeated on each of its rows.  `sheets` counts SSR sheets (the
 * divider sheet is in `dividers`, always 1 per segment).
 */
#include "run_docs.h"

#include <stdio.h>
#include <string.h>

#include "../engine/fulfil.h"
#include "../engine/student.h"

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
	outstream_csv_str(o, lang_code[FULFIL_COPY1_LANG], 0);
	outstream_csv_str(o, lang_code[r->copy2], 0);
	outstream_csv_str(o, paper_name[r->paper], 0);
	outstream_csv_u64(o, r->sheets, 0);
	outstream_csv_u64(o, r->envelopes, 0);
	for (int s = SR_GUARDIAN; s <= SR_ZIP; s++)
		str_field(o, r, s, 0);
	str_field(o, r, SR_MIDDLE, 0);
	str_field(o, r, SR_LEA_NAME, 0);
	str_field(o, r, SR_SCHOOL_NAME, 0);
	outstream_csv_u64(o, (uint64_t)r->weight_mg, 1);   /* config_check refuses negative weights */
}

void manifest_header(outstream *o)
{
	outstream_puts(o, "box_id,box_no,box_count,lea_code,school_code,segment,first_student,"
		       "last_student,sets,sheets,envelopes,gross_mg,dividers,first_grade,"
		       "last_grade,lea_name,school_name,wave\n");
}

void manifest_write_lea(outstream *o, const packing *p)
{
	char id[96];
	for (size_t i = 0; i < packing_segment_count(p); i++) {
		const segment *s = packing_segment(p, i);
		packing_box_id(p, s->box_no, id, sizeof id);
		outstream_csv_str(o, id, 0);
		outstream_csv_u64(o, packing_label_no(p, s->box_no), 0);
		outstream_csv_u64(o, packing_label_count(p, s->box_no), 0);
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
		outstream_csv_str(o, packing_text(p, s->school_name), 0);
		/* 1 without a ledger; 0 for an ssid reprint's boxes */
		const int w = packing_box_wave(p, s->box_no);
		outstream_csv_u64(o, w || packing_reprint(p) ? (uint64_t)w : 1, 1);
	}
}
