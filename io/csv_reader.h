/*
 * csv_reader.h: RFC 4180 records from an instream, with the line each
 * record starts on and its raw bytes.
 *
 *   csv_reader *r;
 *   st = csv_reader_open(&r, in);          // takes ownership of in
 *   while ((st = csv_reader_next(r, &rec)) == ST_OK) { ... }
 *   // st == ST_EOF at the end; ST_BADINPUT for a quote left open at EOF
 *   csv_reader_free(r);
 *
 * A record's fields and raw bytes stay valid until the next call.  Blank
 * lines are skipped (they hold no record); a UTF-8 byte order mark at the
 * start of the input is skipped.
 *
 * Limits (README "Inputs"), enforced while reading so that no input costs
 * more memory than one record within them: a record longer than
 * CSV_MAX_RECORD_BYTES is skipped to its end without being held (its line
 * ends still counted) and comes out with over_limit = CSV_LIMIT_RECORD, its
 * first bytes only in raw and no fields; a record with more than
 * CSV_MAX_COLUMNS fields comes out with CSV_LIMIT_COLUMNS and no fields; a
 * well-quoted record with a field longer than CSV_MAX_FIELD_BYTES comes out
 * whole with CSV_LIMIT_FIELD and limit_column.  The caller decides: a
 * header that breaks a limit makes the file unusable, a data record is a
 * reject (csv_limit_reason() words it).
 */
#ifndef SSRFILL_CSV_READER_H
#define SSRFILL_CSV_READER_H

#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"
#include "instream.h"

typedef struct csv_reader csv_reader;

/* A record (without its line end) of more bytes than this is not held;
 * real records are about 250 bytes, and 64 KiB is 16 fields at the field
 * limit. */
#define CSV_MAX_RECORD_BYTES (64u * 1024u)
/* A field longer than this (UTF-8 bytes after unquoting): CALPADS allows 50
 * characters in a name and 60 in an address line, at most 200 bytes of
 * UTF-8 even with combining marks. */
#define CSV_MAX_FIELD_BYTES 4096u
/* Fields in a record, header included: the score reports file has 19 known
 * columns, and district exports add a few dozen. */
#define CSV_MAX_COLUMNS 1024u
/* What raw keeps of a record over CSV_MAX_RECORD_BYTES: enough to find the
 * row (its codes come first), cut back to a whole UTF-8 character. */
#define CSV_RAW_PREFIX_BYTES 1024u

enum csv_limit { CSV_LIMIT_NONE, CSV_LIMIT_RECORD, CSV_LIMIT_COLUMNS, CSV_LIMIT_FIELD };

typedef struct csv_record {
	uint64_t line;              /* 1-based line on which the record starts */
	const char *raw;            /* the record as read, without its line end */
	size_t raw_len;
	size_t n_fields;
	const char *const *field;   /* unescaped fields, each NUL-terminated */
	const size_t *len;
	/* Nonzero when the quoting is malformed (a quote inside an unquoted
	 * field, text after a closing quote); then bad_column is the 1-based
	 * column where it goes wrong and the fields are not to be trusted. */
	int malformed;
	size_t bad_column;
	enum csv_limit over_limit;  /* CSV_LIMIT_NONE for a record within the limits */
	size_t limit_column;        /* CSV_LIMIT_FIELD: the 1-based column */
	uint64_t record_bytes;      /* the whole record's length (raw may be a prefix) */
} csv_record;

status csv_reader_open(csv_reader **out, instream *in);
status csv_reader_next(csv_reader *r, csv_record *rec);
const char *csv_reader_name(const csv_reader *r);
/* The reason a record over a limit is rejected, e.g. "record of 104857600
 * bytes, over the 65536-byte record limit (raw: its first 1024 bytes)";
 * column_name names limit_column for CSV_LIMIT_FIELD. */
void csv_limit_reason(const csv_record *rec, const char *column_name, char *buf, size_t cap);
/* The same for a header, which the file cannot be read without:
 * "the header has more than 1024 columns, over the column limit". */
void csv_limit_header_reason(const csv_record *rec, char *buf, size_t cap);
/* Read the header record of an input: ST_OK with *h, or ST_BADINPUT
 * naming the file and line when there is none (an empty file), when it is
 * over a limit, when it is not text in UTF-8 without NUL bytes (naming the
 * column, with the iconv command when it looks like Latin-1 or
 * Windows-1252), or when its quoting is broken (naming the column).
 * Before the header, the first bytes are looked at: a file that starts
 * with another format's magic number (gzip, an Excel workbook, UTF-16 ...,
 * io/sniff.h) is refused saying what it is and what to do.  Every input's
 * reader starts with it. */
status csv_reader_header(csv_reader *r, csv_record *h);
/* Bytes of (decompressed) input consumed so far, for progress lines. */
uint64_t csv_reader_bytes(const csv_reader *r);
/* Bytes the reader holds at most: its read buffer and one record's
 * fields.  A bound, fixed when the reader opens, so another thread may
 * ask while this one reads. */
size_t csv_reader_memory(const csv_reader *r);
void csv_reader_free(csv_reader *r);

#endif
