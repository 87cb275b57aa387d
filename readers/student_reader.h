/*
 * student_reader.h: the score reports file as a stream of valid rows.
 *
 *   student_reader *r;
 *   st = student_reader_open(&r, path, rejects);  // header read and mapped
 *   while ((st = student_reader_next(r, &s, &rec)) == ST_OK) use(s, rec);
 *   // ST_EOF at the end; rejects and duplicates never come out of next()
 *   student_reader_counts(r, &counts);
 *   student_reader_free(r);
 *
 * Every rejected row is written to `rejects` (which may be NULL to only
 * count them).  A header without a required column, a repeated column, an
 * empty file or an unreadable one is an unusable input (ST_BADINPUT), with
 * a message naming the file and line.
 */
#ifndef SSRFILL_STUDENT_READER_H
#define SSRFILL_STUDENT_READER_H

#include <stdint.h>

#include "../io/columns.h"
#include "../engine/student.h"
#include "../io/csv_reader.h"
#include "../io/outstream.h"

typedef struct student_reader student_reader;

typedef struct student_counts {
	uint64_t rows;        /* data rows read (records after the header) */
	uint64_t rejected;    /* all rejects, duplicates included */
	uint64_t duplicates;
	uint64_t accepted;
	/* rejected rows that are not UTF-8, the first one's line, and the
	 * character set the first looks like (io/sniff.h; NULL: not text) */
	uint64_t not_utf8, first_not_utf8_line;
	const char *not_utf8_charset;
} student_counts;

status student_reader_open(student_reader **out, const char *path, outstream *rejects);
status student_reader_next(student_reader *r, student *s, const csv_record **rec);

/* student_reader_next in steps, for readers that check rows on several
 * threads (student_ingest.h).  read: the next record (ST_EOF at the end).
 * check (any thread): 0 and s filled when the record is within the limits,
 * well quoted and keeps every rule of docs/rules.md §3.1-§3.3, else -1
 * with the reason.  Then once per record, in input order: rejected counts
 * and writes a reject; first counts a valid row and finds its duplicates
 * (docs/rules.md §3.4): ST_OK for the first row of its identity, ST_EOF for
 * a duplicate (counted and written as a reject).  prefetch: the duplicate
 * set's memory for an identity about to be looked up. */
status student_reader_read(student_reader *r, csv_record *rec);
int student_reader_check(const student_reader *r, const csv_record *rec, student *s,
			 char *reason, size_t cap);
void student_reader_rejected(student_reader *r, const csv_record *rec, const char *reason);
status student_reader_first(student_reader *r, const csv_record *rec, uint64_t identity);
void student_reader_prefetch(const student_reader *r, uint64_t identity);
/* Every row is committed: the duplicate set goes (student_reader_next
 * does this at the end of the input). */
void student_reader_done(student_reader *r);
/* The input's name for messages. */
const char *student_reader_name(const student_reader *r);
/* The header record as read (a BOM skipped). */
const csv_record *student_reader_header(const student_reader *r);
/* The header's unknown columns (with the closest known name) and names
 * that carried a BOM, for warnings. */
const column_notes *student_reader_notes(const student_reader *r);
/* Bytes the duplicate check holds (0 once the input is exhausted: the set
 * is freed then, before the sort needs its memory to merge). */
size_t student_reader_memory(const student_reader *r);
/* Bytes the reader's CSV buffers hold at most (csv_reader_memory): fixed
 * when it opens, so a thread committing rows may ask while another reads. */
size_t student_reader_buffer_bytes(const student_reader *r);
void student_reader_counts(const student_reader *r, student_counts *c);
/* When some rows were rejected for not being UTF-8: a one-line warning
 * saying how many, the first one's line and how to convert the file
 * ("... iconv -f latin1 -t utf-8 IN > OUT"), into buf; else "". */
void student_counts_encoding_advice(const student_counts *c, char *buf, size_t cap);
void student_reader_free(student_reader *r);

#endif
