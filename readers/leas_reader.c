/*
 * leas_reader.c: the LEA directory's rows judged and added (leas_reader.h,
 * docs/rules.md §16.1).
 *
 * A row is rejected, with the column and why, when: its fields do not
 * match the header's count, quotes are malformed, a field is not text
 * (columns_check_fields) or clusters combining marks, lea_code is not 7
 * digits, ship_to_name, address1 or city is blank, state is not two
 * letters, zip is not a ZIP (5 digits or ZIP+4), phone is given but has
 * not 10 digits (a leading 1 allowed), or an earlier row already gave
 * that LEA an address (the first wins: a carrier cannot take two).
 * Surrounding spaces are trimmed; state is kept in capitals.
 */
#include "leas_reader.h"

#include <stdio.h>
#include <string.h>

#include "../base/mem.h"
#include "../base/text.h"
#include "../base/u64map.h"
#include "../engine/config.h"
#include "../io/csv_reader.h"
#include "../io/instream.h"
#include "../io/rejects.h"

enum lcol {
	LCOL_LEA_CODE, LCOL_NAME, LCOL_ATTENTION, LCOL_ADDRESS1, LCOL_ADDRESS2, LCOL_CITY,
	LCOL_STATE, LCOL_ZIP, LCOL_PHONE, LCOL_COUNT
};

static const char *const lcol_name[LCOL_COUNT] = {
	"lea_code", "ship_to_name", "attention", "address1", "address2", "city", "state", "zip", "phone",
};
static const int lcol_required[LCOL_COUNT] = { 1, 1, 0, 1, 0, 1, 1, 1, 0 };

/* Longest a field may be: more than any label or carrier takes, less than
 * a pasted page. */
#define LEAS_FIELD_MAX 200

typedef struct judge {
	int index[LCOL_COUNT];
	size_t n_fields;
	u64map *line_of;      /* lea -> the line that gave it an address */
} judge;

/* The row's verdict: "" accepted (st filled), else the reason. */
static void judge_row(const judge *j, const csv_record *rec, ship_to *st, char *buf, size_t cap,
		      char *why, size_t why_cap, char state[3])
{
	why[0] = 0;
	if (rec->malformed) {
		snprintf(why, why_cap, "column %zu (%s): malformed quotes (a quote inside an unquoted field "
			 "or text after a closing quote)", rec->bad_column,
			 columns_name(lcol_name, LCOL_COUNT, j->index, rec->bad_column - 1));
		return;
	}
	if (rec->n_fields != j->n_fields) {
		snprintf(why, why_cap, "expected %zu fields as in the header, found %zu", j->n_fields,
			 rec->n_fields);
		return;
	}
	if (columns_check_fields(lcol_name, LCOL_COUNT, j->index, (const char *const *)rec->field, rec->len,
				 rec->n_fields, why, why_cap) != 0)
		return;
	const char *f[LCOL_COUNT];
	size_t n[LCOL_COUNT];
	for (int c = 0; c < LCOL_COUNT; c++) {
		f[c] = j->index[c] >= 0 ? rec->field[j->index[c]] : "";
		n[c] = j->index[c] >= 0 ? rec->len[j->index[c]] : 0;
		text_trim(&f[c], &n[c]);
		if (n[c] > LEAS_FIELD_MAX) {
			snprintf(why, why_cap, "column %d (%s): longer than %d bytes", j->index[c] + 1,
				 lcol_name[c], LEAS_FIELD_MAX);
			return;
		}
		/* printed on labels, written into carrier files: one line of
		 * text, no control characters and no bidirectional overrides,
		 * which would reorder what a label shows */
		for (size_t i = 0; i < n[c]; i++) {
			const unsigned char b = (unsigned char)f[c][i];
			const int bidi = b == 0xE2 && i + 2 < n[c] && (unsigned char)f[c][i + 1] == 0x80 &&
					 (unsigned char)f[c][i + 2] >= 0xAA && (unsigned char)f[c][i + 2] <= 0xAE;
			const int isolate = b == 0xE2 && i + 2 < n[c] && (unsigned char)f[c][i + 1] == 0x81 &&
					    (unsigned char)f[c][i + 2] >= 0xA6 && (unsigned char)f[c][i + 2] <= 0xA9;
			if (b < 0x20 || b == 0x7f || bidi || isolate) {
				snprintf(why, why_cap, "column %d (%s): holds a control character (a line break, tab "
					 "or text direction override): one line of text is wanted", j->index[c] + 1,
					 lcol_name[c]);
				return;
			}
		}
		if (text_too_many_marks(f[c], n[c])) {
			snprintf(why, why_cap, "column %d (%s): more than %d combining marks on one character "
				 "(malformed text)", j->index[c] + 1, lcol_name[c], TEXT_MAX_MARKS);
			return;
		}
	}
#define BAD(c, ...) do { char w_[160]; snprintf(w_, sizeof w_, __VA_ARGS__); \
		snprintf(why, why_cap, "column %d (%s): %s", j->index[c] + 1, lcol_name[c], w_); return; } while (0)
	const long long lea = text_digits(f[LCOL_LEA_CODE], n[LCOL_LEA_CODE], 7);
	if (lea < 0)
		BAD(LCOL_LEA_CODE, "must be exactly 7 digits");
	static const int need[] = { LCOL_NAME, LCOL_ADDRESS1, LCOL_CITY };
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (!n[need[i]])
			BAD(need[i], "is blank: a carrier needs it");
	if (n[LCOL_STATE] != 2)
		BAD(LCOL_STATE, "must be a state's two letters (CA)");
	for (int i = 0; i < 2; i++) {
		const char ch = f[LCOL_STATE][i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z')))
			BAD(LCOL_STATE, "must be a state's two letters (CA)");
		state[i] = (char)(ch >= 'a' ? ch - 'a' + 'A' : ch);
	}
	state[2] = 0;
	char zip[16];
	snprintf(zip, sizeof zip, "%.*s", (int)(n[LCOL_ZIP] < 15 ? n[LCOL_ZIP] : 15), f[LCOL_ZIP]);
	if (n[LCOL_ZIP] > 10 || !config_zip_valid(zip))
		BAD(LCOL_ZIP, "must be a ZIP code, 5 digits or ZIP+4 (95814 or 95814-1234)");
	if (n[LCOL_PHONE]) {
		size_t digits = 0;
		int other = 0;
		for (size_t i = 0; i < n[LCOL_PHONE]; i++) {
			const char ch = f[LCOL_PHONE][i];
			if (ch >= '0' && ch <= '9')
				digits++;
			else if (!strchr(" ()-.+", ch))
				other = 1;
		}
		if (other || !(digits == 10 || (digits == 11 && f[LCOL_PHONE][strspn(f[LCOL_PHONE], " (+")] == '1')))
			BAD(LCOL_PHONE, "must be blank or a US phone number of 10 digits ((916) 555-0100)");
	}
	const uint64_t *seen = u64map_get(j->line_of, (uint64_t)lea);
	if (seen)
		BAD(LCOL_LEA_CODE, "LEA %07lld already has a ship-to address on line %llu (the first is kept)",
		    lea, (unsigned long long)*seen);
#undef BAD
	/* the fields, trimmed and NUL-terminated, one after another in buf */
	size_t used = 0;
	const char *out[LCOL_COUNT];
	for (int c = 0; c < LCOL_COUNT; c++) {
		out[c] = buf + used;
		const size_t k = n[c] < cap - used - 1 ? n[c] : cap - used - 1;
		memcpy(buf + used, f[c], k);
		buf[used + k] = 0;
		used += k + 1;
	}
	*st = (ship_to){ (uint32_t)lea, out[LCOL_NAME], out[LCOL_ATTENTION], out[LCOL_ADDRESS1],
			 out[LCOL_ADDRESS2], out[LCOL_CITY], state, out[LCOL_ZIP], out[LCOL_PHONE] };
}

status leas_read(const char *path, leadir *dir, outstream *rejects, leas_counts *n,
		 column_notes *notes)
{
	memset(n, 0, sizeof *n);
	memset(notes, 0, sizeof *notes);
	instream *in;
	status st = instream_open(&in, path);
	if (st != ST_OK)
		return st;
	csv_reader *csv;
	if ((st = csv_reader_open(&csv, in)) != ST_OK)
		return st;   /* it took the stream */
	judge j;
	memset(&j, 0, sizeof j);
	csv_record h;
	st = csv_reader_header(csv, &h);
	char err[512];
	if (st == ST_OK && columns_map(lcol_name, lcol_required, LCOL_COUNT, (const char *const *)h.field,
				       h.len, h.n_fields, j.index, err, sizeof err) != 0)
		st = status_fail(ST_BADINPUT, "%s: line %llu: %s (an LEA directory has the columns lea_code, "
				 "ship_to_name, attention, address1, address2, city, state, zip, phone)",
				 csv_reader_name(csv), (unsigned long long)h.line, err);
	if (st == ST_OK) {
		columns_notes(lcol_name, LCOL_COUNT, j.index, (const char *const *)h.field, h.len, h.n_fields,
			      notes);
		j.n_fields = h.n_fields;
		st = u64map_new(&j.line_of);
	}
	csv_record rec;
	char buf[LCOL_COUNT * (LEAS_FIELD_MAX + 1)], why[256], state[3];
	while (st == ST_OK && (st = csv_reader_next(csv, &rec)) == ST_OK) {
		n->rows++;
		ship_to s;
		if (rec.over_limit)
			csv_limit_reason(&rec, rec.over_limit == CSV_LIMIT_FIELD
					 ? columns_name(lcol_name, LCOL_COUNT, j.index, rec.limit_column - 1) : "",
					 why, sizeof why);
		else
			judge_row(&j, &rec, &s, buf, sizeof buf, why, sizeof why, state);
		if (why[0]) {
			if (!n->rejected++) {
				n->first_line = rec.line;
				snprintf(n->first_reason, sizeof n->first_reason, "%s", why);
			}
			rejects_write(rejects, rec.line, why, rec.raw, rec.raw_len);
			continue;
		}
		uint64_t *line = u64map_slot(j.line_of, s.lea);
		if (!line) {
			st = status_fail(ST_NOMEM, "out of memory reading %s", path);
			break;
		}
		*line = rec.line;
		if ((st = leadir_add(dir, &s)) != ST_OK)
			break;
		n->accepted++;
	}
	u64map_free(j.line_of);
	csv_reader_free(csv);
	return st == ST_EOF ? ST_OK : st;
}
