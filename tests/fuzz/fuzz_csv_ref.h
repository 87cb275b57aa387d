/*
 * fuzz_csv_ref.h: a plain reference reader of the CSV rules in README
 * "Inputs", for checking io/csv_reader.c record by record.
 *
 * It holds the whole (decompressed) file in memory and walks it byte by
 * byte, with none of csv_reader's buffering, refills or fast path, so a
 * difference points at one of those:
 *
 *   - a UTF-8 BOM at the very start is skipped;
 *   - a record ends at LF, CRLF or a lone CR outside quotes; blank lines
 *     hold no record; a record's line is 1 + the line ends before it,
 *     those inside quoted fields included;
 *   - a quote opens a quoted field only at the start of a field; inside
 *     one, "" is a quote and a lone " closes it; a file ending inside a
 *     quoted field is unusable;
 *   - fields are split as libcsv's strict mode does: a quote inside an
 *     unquoted field, or anything but a comma or the record's end after a
 *     closing quote, makes the record malformed, at the 1-based column
 *     where it happens; no trimming.
 */
#ifndef SSRFILL_FUZZ_CSV_REF_H
#define SSRFILL_FUZZ_CSV_REF_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct ref_csv {
	const uint8_t *p;
	size_t n, pos;
	uint64_t line;
	/* the current record */
	size_t start, len;
	uint64_t rec_line;
	int malformed;
	size_t bad_column;
	size_t n_fields;
	uint8_t *fbytes;      /* fields one after another */
	size_t *foff, *flen;
} ref_csv;

static inline void ref_csv_init(ref_csv *r, const uint8_t *p, size_t n)
{
	memset(r, 0, sizeof *r);
	r->p = p;
	r->n = n;
	r->line = 1;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		r->pos = 3;
	/* a record has at most n + 1 fields and n bytes of field text */
	r->fbytes = malloc(n + 1);
	r->foff = malloc((n + 2) * sizeof *r->foff);
	r->flen = malloc((n + 2) * sizeof *r->flen);
	if (!r->fbytes || !r->foff || !r->flen)
		abort();
}

static inline void ref_csv_release(ref_csv *r)
{
	free(r->fbytes);
	free(r->foff);
	free(r->flen);
	memset(r, 0, sizeof *r);
}

enum { REF_FS, REF_UNQ, REF_Q, REF_QSEEN };

/* Split the current record into fields (libcsv strict rules). */
static inline void ref_csv_split(ref_csv *r)
{
	const uint8_t *s = r->p + r->start;
	size_t used = 0, nf = 0, fstart = 0;
	int st = REF_FS;
	r->malformed = 0;
	r->bad_column = 0;
	for (size_t i = 0; i < r->len; i++) {
		const uint8_t c = s[i];
		switch (st) {
		case REF_FS:
			if (c == '"') {
				st = REF_Q;
			} else if (c == ',') {
				r->foff[nf] = fstart;
				r->flen[nf++] = used - fstart;
				fstart = used;
			} else {
				r->fbytes[used++] = c;
				st = REF_UNQ;
			}
			break;
		case REF_UNQ:
			if (c == ',') {
				r->foff[nf] = fstart;
				r->flen[nf++] = used - fstart;
				fstart = used;
				st = REF_FS;
			} else if (c == '"') {
				goto malformed;
			} else {
				r->fbytes[used++] = c;
			}
			break;
		case REF_Q:
			if (c == '"')
				st = REF_QSEEN;
			else
				r->fbytes[used++] = c;
			break;
		case REF_QSEEN:
			if (c == '"') {
				r->fbytes[used++] = c;
				st = REF_Q;
			} else if (c == ',') {
				r->foff[nf] = fstart;
				r->flen[nf++] = used - fstart;
				fstart = used;
				st = REF_FS;
			} else {
				goto malformed;
			}
			break;
		}
	}
	/* the record scanner never ends a record inside quotes */
	if (st == REF_Q)
		abort();
	r->foff[nf] = fstart;
	r->flen[nf++] = used - fstart;
	r->n_fields = nf;
	return;
malformed:
	r->malformed = 1;
	r->bad_column = nf + 1;
	r->n_fields = nf;
}

/* 1: a record (start, len, rec_line and the fields set); 0: end of input;
 * -1: a quote left open at the end. */
static inline int ref_csv_next(ref_csv *r)
{
	for (;;) {
		if (r->pos >= r->n)
			return 0;
		size_t i = r->pos, end, next;
		uint64_t breaks = 0;
		int st = REF_FS;
		for (;;) {
			if (i == r->n) {
				if (st == REF_Q)
					return -1;
				end = next = i;
				break;
			}
			const uint8_t c = r->p[i];
			if (st == REF_Q) {
				if (c == '"')
					st = REF_QSEEN;
				else if (c == '\n' || (c == '\r' && !(i + 1 < r->n && r->p[i + 1] == '\n')))
					breaks++;
				i++;
				continue;
			}
			if (c == '\n' || c == '\r') {
				end = i;
				next = c == '\r' && i + 1 < r->n && r->p[i + 1] == '\n' ? i + 2 : i + 1;
				break;
			}
			if (c == '"')
				st = st == REF_UNQ ? REF_UNQ : REF_Q;   /* opens, or a doubled quote */
			else if (c == ',')
				st = REF_FS;
			else
				st = REF_UNQ;
			i++;
		}
		r->start = r->pos;
		r->rec_line = r->line;
		r->line += breaks + (next > end ? 1 : 0);
		r->pos = next;
		if (end == r->start)
			continue;       /* a blank line (or nothing left) */
		r->len = end - r->start;
		ref_csv_split(r);
		return 1;
	}
}

#endif
