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
 */
#ifndef SSRFILL_CSV_READER_H
#define SSRFILL_CSV_READER_H

#include <stddef.h>
#include <stdint.h>

#include "../engine/status.h"
#include "instream.h"

typedef struct csv_reader csv_reader;

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
} csv_record;

/* Records longer than this are an unusable input, not a reject: a quote
 * left open in a huge file would otherwise swallow it whole. */
#define CSV_MAX_RECORD_BYTES (64u * 1024u * 1024u)

status csv_reader_open(csv_reader **out, instream *in);
status csv_reader_next(csv_reader *r, csv_record *rec);
const char *csv_reader_name(const csv_reader *r);
/* Bytes of (decompressed) input consumed so far, for progress lines. */
uint64_t csv_reader_bytes(const csv_reader *r);
void csv_reader_free(csv_reader *r);

#endif
