/*
 * student_reader.c: CSV records in, valid and first-seen score report rows
 * out (see student_reader.h).
 *
 * Each record goes through: the limits of csv_reader.h (a record, its
 * field count or a field too long is a reject saying which limit), quoting
 * (a malformed record is a reject naming the column), student_parse() for
 * every rule of docs/rules.md §3.1-§3.3, then the duplicate set for
 * docs/rules.md §3.4.  Rejects are written as they happen, in input order.
 * The header record is copied because the csv_reader's buffer moves on.
 */
#include "student_reader.h"

#include <stdio.h>
#include <string.h>

#include "../io/columns.h"
#include "../base/dupset.h"
#include "../base/mem.h"
#include "../base/progress.h"
#include "../io/rejects.h"
#include "../io/sniff.h"
#include "../base/text.h"

struct student_reader {
	csv_reader *csv;
	outstream *rejects;
	dupset *seen;
	student_cols cols;
	student_counts counts;
	csv_record header;
	char *header_raw;
	csv_record rec;
	column_notes notes;     /* unknown columns, BOMs in names */
};

status student_reader_open(student_reader **out, const char *path, outstream *rejects)
{
	*out = NULL;
	instream *in;
	status st = instream_open(&in, path);
	if (st != ST_OK)
		return st;
	student_reader *r = mem_calloc(1, sizeof *r);
	if (!r) {
		instream_free(in);
		return status_fail(ST_NOMEM, "out of memory reading %s", path);
	}
	r->rejects = rejects;
	st = csv_reader_open(&r->csv, in);
	if (st == ST_OK)
		st = dupset_new(&r->seen);
	if (st != ST_OK) {
		student_reader_free(r);
		return st;
	}
	const char *name = csv_reader_name(r->csv);
	csv_record h;
	st = csv_reader_header(r->csv, &h);
	if (st == ST_OK) {
		char err[512];
		if (student_cols_map(&r->cols, h.field, h.len, h.n_fields, err, sizeof err) != 0)
			st = status_fail(ST_BADINPUT, "%s: line %llu: %s", name,
					 (unsigned long long)h.line, err);
		else
			columns_notes(student_col_name, COL_COUNT, r->cols.index, h.field, h.len,
				      h.n_fields, &r->notes);
	}
	if (st == ST_OK) {
		r->header_raw = mem_strndup(h.raw, h.raw_len);
		if (!r->header_raw)
			st = status_fail(ST_NOMEM, "out of memory reading %s", name);
		r->header.line = h.line;
		r->header.raw = r->header_raw;
		r->header.raw_len = h.raw_len;
	}
	if (st != ST_OK) {
		student_reader_free(r);
		return st;
	}
	*out = r;
	return ST_OK;
}

static void reject(student_reader *r, const csv_record *rec, const char *reason)
{
	r->counts.rejected++;
	if (r->rejects)
		rejects_write(r->rejects, rec->line, reason, rec->raw, rec->raw_len);
}

int student_reader_check(const student_reader *r, const csv_record *rec, student *s,
			 char *reason, size_t cap)
{
	if (rec->over_limit) {
		csv_limit_reason(rec, rec->over_limit == CSV_LIMIT_FIELD
				 ? student_cols_name(&r->cols, rec->limit_column - 1) : "",
				 reason, cap);
		return -1;
	}
	if (rec->malformed) {
		snprintf(reason, cap,
			 "column %zu (%s): malformed quotes (a quote inside an unquoted field or text after a closing quote)",
			 rec->bad_column, student_cols_name(&r->cols, rec->bad_column - 1));
		return -1;
	}
	/* one pass over the raw record; fields are checked one by one only
	 * to name the column of a bad byte */
	const int clean = !text_fault(rec->raw, rec->raw_len);
	return (clean ? student_parse_valid_utf8 : student_parse)(s, &r->cols, rec->field, rec->len,
								rec->n_fields, reason, cap);
}

void student_reader_rejected(student_reader *r, const csv_record *rec, const char *reason)
{
	r->counts.rows++;
	progress_add_rows(1);   /* the progress line (a thread-local add) */
	/* rejects are few: this second look at their bytes costs nothing */
	if (text_invalid_at(rec->raw, rec->raw_len) < rec->raw_len && !r->counts.not_utf8++) {
		r->counts.first_not_utf8_line = rec->line;
		r->counts.not_utf8_charset = sniff_charset(rec->raw, rec->raw_len);
	}
	reject(r, rec, reason);
}

status student_reader_first(student_reader *r, const csv_record *rec, uint64_t identity)
{
	r->counts.rows++;
	progress_add_rows(1);
	const int fresh = dupset_insert(r->seen, identity);
	if (fresh < 0)
		return status_fail(ST_NOMEM, "%s: line %llu: out of memory for the duplicate check",
				   csv_reader_name(r->csv), (unsigned long long)rec->line);
	if (!fresh) {
		r->counts.duplicates++;
		reject(r, rec, "duplicate: the same ssid and report appear on an earlier row");
		return ST_EOF;
	}
	r->counts.accepted++;
	return ST_OK;
}

void student_reader_prefetch(const student_reader *r, uint64_t identity)
{
	dupset_prefetch(r->seen, identity);
}

status student_reader_read(student_reader *r, csv_record *rec)
{
	return csv_reader_next(r->csv, rec);
}

void student_reader_done(student_reader *r)
{
	dupset_free(r->seen);
	r->seen = NULL;
}

status student_reader_next(student_reader *r, student *s, const csv_record **out_rec)
{
	for (;;) {
		status st = student_reader_read(r, &r->rec);
		if (st == ST_EOF)
			student_reader_done(r);
		if (st != ST_OK)
			return st;
		const csv_record *rec = &r->rec;
		char reason[256];
		if (student_reader_check(r, rec, s, reason, sizeof reason) != 0) {
			student_reader_rejected(r, rec, reason);
			continue;
		}
		if ((st = student_reader_first(r, rec, student_identity(s))) == ST_EOF)
			continue;
		if (st != ST_OK)
			return st;
		*out_rec = rec;
		return ST_OK;
	}
}

const csv_record *student_reader_header(const student_reader *r) { return &r->header; }
const column_notes *student_reader_notes(const student_reader *r) { return &r->notes; }
void student_reader_counts(const student_reader *r, student_counts *c) { *c = r->counts; }

void student_counts_encoding_advice(const student_counts *c, char *buf, size_t cap)
{
	if (!c->not_utf8) {
		buf[0] = '\0';
		return;
	}
	char advice[192] = "convert the file to UTF-8 (iconv -f CHARSET -t utf-8 IN > OUT)";
	if (c->not_utf8_charset)
		sniff_iconv_advice(c->not_utf8_charset, advice, sizeof advice);
	snprintf(buf, cap, "%llu row%s rejected for not being UTF-8, the first on line %llu: %s",
		 (unsigned long long)c->not_utf8, c->not_utf8 == 1 ? "" : "s",
		 (unsigned long long)c->first_not_utf8_line, advice);
}
size_t student_reader_memory(const student_reader *r) { return r->seen ? dupset_bytes(r->seen) : 0; }
size_t student_reader_buffer_bytes(const student_reader *r) { return csv_reader_memory(r->csv); }
const char *student_reader_name(const student_reader *r) { return csv_reader_name(r->csv); }

void student_reader_free(student_reader *r)
{
	if (!r)
		return;
	csv_reader_free(r->csv);
	dupset_free(r->seen);
	mem_free(r->header_raw);
	mem_free(r);
}
