/*
 * csv_reader.c: record boundaries, line numbers and raw bytes by a small
 * scanner; field unescaping by libcsv (see csv_reader.h).
 *
 * libcsv reports fields through callbacks and cannot say where a record
 * began or on which line, both of which a reject needs.  So the reader works
 * in two steps per record:
 *
 *  1. A scanner walks the buffered bytes with the RFC 4180 states
 *     FIELD_START, UNQUOTED, QUOTED and QUOTE_SEEN (a quote inside a quoted
 *     field: either the first of a doubled quote or the closing one).  A
 *     quote opens a quoted field only at the start of a field, as in libcsv,
 *     so a stray quote in `O"Brien` cannot swallow the lines after it.  A
 *     line end (LF, CRLF or a lone CR) outside quotes ends the record; every
 *     line end, quoted or not, advances the line counter.
 *  2. The record's bytes (without the line end) go to csv_parse() in strict
 *     mode, then csv_fini() flushes the last field.  Strict mode turns
 *     malformed quoting into CSV_EPARSE, which becomes a malformed record
 *     (a reject for the caller, not a stop).  Whitespace is never trimmed.
 *
 * The buffer holds at least one whole record: when the scanner reaches the
 * end of the buffered bytes inside a record, the record is moved to the
 * front and more input is read; the scanner resumes where it stopped.
 *
 * Limits (see csv_reader.h).  A record that has grown past
 * CSV_MAX_RECORD_BYTES when more input is needed is not kept: its first
 * CSV_RAW_PREFIX_BYTES are copied aside, the bytes scanned so far are
 * dropped, and the scanner goes on in the same state (quotes and line ends
 * still followed) through as many reads as the record takes, holding
 * nothing.  So the buffer never grows: it holds at most one record within
 * the limit plus one read.  The fast path looks no further than the record
 * limit, and neither path records more than CSV_MAX_COLUMNS fields, so a
 * row of 60 M commas costs one read buffer and a 1,024-entry field index.
 */
#include "csv_reader.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include <csv.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "../base/mem.h"
#include "../base/text.h"
#include "sniff.h"

#define READ_BYTES (1u << 20)

enum scan_state { FIELD_START, UNQUOTED, QUOTED, QUOTE_SEEN };

struct csv_reader {
	instream *in;
	struct csv_parser parser;
	int eof;
	int at_start;          /* nothing consumed yet: a BOM may follow */
	uint64_t line;         /* line of the next unread byte */
	uint64_t n_consumed;
	char *buf;
	size_t cap, pos, len;  /* unread bytes are buf[pos, len) */

	/* the current record's fields */
	char *fbytes;
	size_t fbytes_cap, fbytes_len;
	size_t *foff;
	size_t *flen;
	const char **fptr;
	size_t nf, nf_cap;
	int overflow;          /* an allocation failed in a libcsv callback */
	int too_many;          /* the record has more than CSV_MAX_COLUMNS fields */

	/* a record over CSV_MAX_RECORD_BYTES being skipped */
	int skipping;
	uint64_t skipped;      /* its bytes dropped so far */
	size_t prefix_len;
	char prefix[CSV_RAW_PREFIX_BYTES];
};

static int never_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* libcsv's realloc_func takes no context, hence a flag per thread.  When
 * growing its field buffer fails, libcsv retries with half the block, and
 * half again, and carries on if one fits; an allocation that failed would
 * then go unnoticed.  The reader stops at the first failure instead, like
 * every other allocation of a run. */
static _Thread_local int csv_alloc_failed;

static void *csv_realloc(void *p, size_t n)
{
	void *q = mem_realloc(p, n);
	if (!q)
		csv_alloc_failed = 1;
	return q;
}

static int grow_field_index(csv_reader *r)
{
	const size_t cap = r->nf_cap ? r->nf_cap * 2 : 32;
	size_t *off = mem_realloc(r->foff, cap * sizeof *off);
	if (off)
		r->foff = off;
	size_t *len = mem_realloc(r->flen, cap * sizeof *len);
	if (len)
		r->flen = len;
	const char **ptr = mem_realloc(r->fptr, cap * sizeof *ptr);
	if (ptr)
		r->fptr = ptr;
	if (!off || !len || !ptr)
		return -1;
	r->nf_cap = cap;
	return 0;
}

/* Room for `total` bytes of field text. */
static int reserve_fields(csv_reader *r, size_t total)
{
	if (total <= r->fbytes_cap)
		return 0;
	size_t cap = r->fbytes_cap ? r->fbytes_cap : 4096;
	while (cap < total)
		cap *= 2;
	char *b = mem_realloc(r->fbytes, cap);
	if (!b)
		return -1;
	r->fbytes = b;
	r->fbytes_cap = cap;
	return 0;
}

static void on_field(void *s, size_t n, void *data)
{
	csv_reader *r = data;
	if (r->overflow || r->too_many)
		return;
	if (r->nf == CSV_MAX_COLUMNS) {
		r->too_many = 1;
		return;
	}
	if ((r->nf == r->nf_cap && grow_field_index(r) != 0) ||
	    reserve_fields(r, r->fbytes_len + n + 1) != 0) {
		r->overflow = 1;
		return;
	}
	if (n)
		memcpy(r->fbytes + r->fbytes_len, s, n);
	r->fbytes[r->fbytes_len + n] = '\0';
	r->foff[r->nf] = r->fbytes_len;
	r->flen[r->nf] = n;
	r->fbytes_len += n + 1;
	r->nf++;
}

status csv_reader_open(csv_reader **out, instream *in)
{
	*out = NULL;
	csv_reader *r = mem_calloc(1, sizeof *r);
	if (!r) {
		const status st = status_fail(ST_NOMEM, "out of memory reading %s", instream_name(in));
		instream_free(in);
		return st;
	}
	r->in = in;
	r->line = 1;
	r->at_start = 1;
	r->cap = 2 * READ_BYTES;
	r->buf = mem_alloc(r->cap);
	if (!r->buf || csv_init(&r->parser, CSV_STRICT) != 0) {
		status st = status_fail(ST_NOMEM, "out of memory reading %s", instream_name(in));
		mem_free(r->buf);
		r->buf = NULL;
		instream_free(in);
		mem_free(r);
		return st;
	}
	csv_set_space_func(&r->parser, never_space);
	/* libcsv grows its field buffer by blk_size: 128 bytes by default,
	 * which is thousands of reallocations for a 1 MB field */
	csv_set_blk_size(&r->parser, 64 * 1024);
	csv_set_realloc_func(&r->parser, csv_realloc);
	csv_set_free_func(&r->parser, mem_free);
	*out = r;
	return ST_OK;
}

/* Make room and read more input after buf[len]; keeps buf[pos, len). */
static status refill(csv_reader *r)
{
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	/* skip_long() keeps what is held within the record limit (plus a CR
	 * whose LF may follow), so one read always fits */
	assert(r->cap - r->len >= READ_BYTES);
	size_t n = 0;
	status st = instream_read(r->in, r->buf + r->len, r->cap - r->len, &n);
	if (st != ST_OK)
		return st;
	if (n == 0)
		r->eof = 1;
	r->len += n;
	return ST_OK;
}

/*
 * The fast path of csv_reader_next(): does the record at buf[pos] end, within
 * the buffered bytes, at a LF with no quote and no CR before it?  Then its
 * fields are exactly the comma-separated spans, recorded here (offsets
 * relative to pos, lengths) while looking for the LF.  Returns 1 and sets
 * *end (the LF's offset), 0 to take the exact path, -1 out of memory.
 * Sixteen bytes at a time with SSE2 (every x86-64 has it), else a byte
 * loop.
 */
/* Record the field that ends at offset `at` (a comma or the line end):
 * 0, -1 out of memory, 1 one field too many (the exact path decides). */
static inline int add_field(csv_reader *r, size_t *field_start, size_t at)
{
	if (r->nf == CSV_MAX_COLUMNS)
		return 1;
	if (r->nf == r->nf_cap && grow_field_index(r) != 0)
		return -1;
	r->foff[r->nf] = *field_start;
	r->flen[r->nf++] = at - *field_start;
	*field_start = at + 1;
	return 0;
}

/* Record a field for every comma bit set in a 16-byte chunk at offset i. */
static inline int take_commas(csv_reader *r, unsigned commas, size_t i, size_t *field_start)
{
	for (; commas; commas &= commas - 1) {
		const int e = add_field(r, field_start, i + (size_t)__builtin_ctz(commas));
		if (e != 0)
			return e;
	}
	return 0;
}

static int scan_plain_line(csv_reader *r, size_t *end)
{
	const char *const b = r->buf + r->pos;
	/* a line end further on than this ends a record over the limit */
	const size_t avail = r->len - r->pos < CSV_MAX_RECORD_BYTES + 1
		? r->len - r->pos : CSV_MAX_RECORD_BYTES + 1;
	size_t field_start = 0, i = 0;
	int e;
	r->nf = 0;
#ifdef __SSE2__
	const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n');
	const __m128i quote = _mm_set1_epi8('"'), cr = _mm_set1_epi8('\r');
	for (; i + 16 <= avail; i += 16) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(b + i));
		const unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			_mm_cmpeq_epi8(v, lf), _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, cr))));
		unsigned commas = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma));
		if (stop) {
			const unsigned first = (unsigned)__builtin_ctz(stop);
			if (b[i + first] != '\n' || (i == 0 && first == 0))
				return 0;
			commas &= (1u << first) - 1;
			if ((e = take_commas(r, commas, i, &field_start)) != 0)
				return e < 0 ? -1 : 0;
			i += first;
			goto line_end;
		}
		if ((e = take_commas(r, commas, i, &field_start)) != 0)
			return e < 0 ? -1 : 0;
	}
#endif
	for (; i < avail; i++) {
		const char c = b[i];
		if (c == '\n') {
			if (i == 0)
				return 0;  /* a blank line: the exact path skips it */
			goto line_end;
		}
		if (c == '"' || c == '\r')
			return 0;
		if (c == ',' && (e = add_field(r, &field_start, i)) != 0)
			return e < 0 ? -1 : 0;
	}
	return 0;  /* no line end buffered yet */
line_end:
	if ((e = add_field(r, &field_start, i)) != 0)
		return e < 0 ? -1 : 0;
	if (reserve_fields(r, i + 1) != 0)
		return -1;
	*end = r->pos + i;
	return 1;
}

/*
 * Called before reading more input in the middle of the record at
 * buf[pos, i): a record already over CSV_MAX_RECORD_BYTES is not kept.  Its
 * prefix is copied aside (the first time) and the bytes up to i dropped;
 * the scanner's state lives in csv_reader_next()'s locals and goes on.
 */
static void skip_long(csv_reader *r, size_t i)
{
	const size_t n = i - r->pos;
	if (!r->skipping && n <= CSV_MAX_RECORD_BYTES)
		return;
	if (!r->skipping) {
		r->skipping = 1;
		r->skipped = 0;
		r->prefix_len = n < sizeof r->prefix ? n : sizeof r->prefix;
		memcpy(r->prefix, r->buf + r->pos, r->prefix_len);
	}
	r->skipped += n;
	r->n_consumed += n;
	r->pos = i;
}

/* p[0, n) without a UTF-8 sequence cut at its end. */
static size_t utf8_whole(const char *p, size_t n)
{
	size_t k = n;
	while (k > 0 && n - k < 3 && ((unsigned char)p[k - 1] & 0xC0) == 0x80)
		k--;
	if (k == 0)
		return n;
	const unsigned char c = (unsigned char)p[k - 1];
	const size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	return n - (k - 1) < want ? k - 1 : n;
}

static void limit_record(csv_record *rec, uint64_t line, enum csv_limit limit, const char *raw,
			 size_t raw_len, uint64_t n_bytes)
{
	rec->line = line;
	rec->raw = raw;
	rec->raw_len = raw_len;
	rec->n_fields = 0;
	rec->field = NULL;
	rec->len = NULL;
	rec->malformed = 0;
	rec->bad_column = 0;
	rec->over_limit = limit;
	rec->limit_column = 0;
	rec->record_bytes = n_bytes;
}

/* The first field over CSV_MAX_FIELD_BYTES of a well-quoted record. */
static void check_fields(const csv_reader *r, csv_record *rec)
{
	rec->over_limit = CSV_LIMIT_NONE;
	rec->limit_column = 0;
	if (rec->malformed)
		return;
	for (size_t k = 0; k < r->nf; k++)
		if (r->flen[k] > CSV_MAX_FIELD_BYTES) {
			rec->over_limit = CSV_LIMIT_FIELD;
			rec->limit_column = k + 1;
			return;
		}
}

status csv_reader_next(csv_reader *r, csv_record *rec)
{
	for (;;) {
		/* Scan for the end of the record that starts at buf[pos]. */
		enum scan_state state = FIELD_START;
		size_t i = r->pos;
		uint64_t breaks = 0;       /* line ends inside the record */
		uint64_t quote_breaks = 0; /* line ends before the last opening quote */
		size_t end = 0, next = 0;  /* record end, start of what follows */
		int has_quote = 1;         /* unknown: take the libcsv path */
		r->skipping = 0;
		/* Fast path: one pass finds the line end and the commas of a line
		 * with no quote and no CR (nearly every row); the scanner below
		 * handles everything else exactly. */
		if (r->pos < r->len) {
			const int got = scan_plain_line(r, &end);
			if (got < 0)
				return status_fail(ST_NOMEM, "%s: line %llu: out of memory",
						   instream_name(r->in), (unsigned long long)r->line);
			if (got > 0) {
				next = end + 1;
				has_quote = 0;
				goto found;
			}
		}
		for (;;) {
			if (i == r->len) {
				if (r->eof) {
					if (state == QUOTED)
						return status_fail(ST_BADINPUT,
							"%s: line %llu: a quote opened here is never closed (the file is cut short?)%s",
							instream_name(r->in),
							(unsigned long long)(r->line + quote_breaks),
							quote_breaks ? "; its record starts higher up" : "");
					end = next = i;
					break;
				}
				skip_long(r, i);
				const size_t done = i - r->pos;
				status st = refill(r);
				if (st != ST_OK)
					return st;
				/* a zstd frame may end inside the BOM: read on until
				 * three bytes are here, or the input ends */
				while (r->at_start && r->len - r->pos < 3 && !r->eof)
					if ((st = refill(r)) != ST_OK)
						return st;
				if (r->at_start && r->len - r->pos >= 3 &&
				    memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0) {
					r->pos += 3;
					r->n_consumed += 3;
				}
				r->at_start = 0;
				i = r->pos + done;
				continue;
			}
			if (state == QUOTED) {
				const char *q = memchr(r->buf + i, '"', r->len - i);
				size_t stop = q ? (size_t)(q - r->buf) : r->len;
				int split_crlf = 0;
				for (size_t k = i; k < stop; k++) {
					if (r->buf[k] == '\n') {
						breaks++;
					} else if (r->buf[k] == '\r') {
						if (k + 1 == r->len && !r->eof) {
							split_crlf = 1; /* CR last in buffer: LF next? */
							stop = k;
							break;
						}
						if (k + 1 == r->len || r->buf[k + 1] != '\n')
							breaks++;
					}
				}
				i = stop;
				if (split_crlf) {
					skip_long(r, i);
					const size_t done = i - r->pos;
					status st = refill(r);
					if (st != ST_OK)
						return st;
					i = r->pos + done;
				} else if (q) {
					state = QUOTE_SEEN;
					i++;
				}
				continue;
			}
			const char c = r->buf[i];
			if (c == '\n' || c == '\r') {
				if (c == '\r' && i + 1 == r->len && !r->eof) {
					/* CRLF split across reads: look at the next byte first */
					skip_long(r, i);
					const size_t done = i - r->pos;
					status st = refill(r);
					if (st != ST_OK)
						return st;
					i = r->pos + done;
					continue;
				}
				end = i;
				next = (c == '\r' && i + 1 < r->len && r->buf[i + 1] == '\n') ? i + 2 : i + 1;
				break;
			}
			if (c == '"') {
				/* opens a field, or is the second of a doubled quote;
				 * inside an unquoted field it is just a byte */
				if (state == FIELD_START)
					quote_breaks = breaks;
				if (state != UNQUOTED)
					state = QUOTED;
			} else if (c == ',') {
				state = FIELD_START;
			} else {
				state = UNQUOTED;
			}
			i++;
		}

found:;
		const size_t start = r->pos;
		const uint64_t line = r->line;
		r->line += breaks + (next > end ? 1 : 0);
		r->n_consumed += next - start;
		r->pos = next;
		const size_t n = end - start;
		if (r->skipping || n > CSV_MAX_RECORD_BYTES) {
			/* over the record limit: the prefix only, no fields */
			const char *raw = r->skipping ? r->prefix : r->buf + start;
			size_t raw_len = r->skipping ? r->prefix_len : n;
			if (raw_len > CSV_RAW_PREFIX_BYTES)
				raw_len = CSV_RAW_PREFIX_BYTES;
			limit_record(rec, line, CSV_LIMIT_RECORD, raw, utf8_whole(raw, raw_len),
				     r->skipped + n);
			r->skipping = 0;
			return ST_OK;
		}
		if (end == start) {
			if (next == start)
				return ST_EOF; /* nothing left */
			continue;      /* a blank line */
		}

		r->fbytes_len = 0;
		r->overflow = 0;
		r->too_many = 0;
		if (!has_quote) {
			/* No quote at all: the fields are the comma-separated spans. */
			/* scan_plain_line found the commas: one copy of the record,
			 * each comma becoming its field's NUL */
			memcpy(r->fbytes, r->buf + start, n);
			r->fbytes[n] = '\0';
			for (size_t k = 0; k + 1 < r->nf; k++)
				r->fbytes[r->foff[k] + r->flen[k]] = '\0';
			r->fbytes_len = n + 1;
			for (size_t k = 0; k < r->nf; k++)
				r->fptr[k] = r->fbytes + r->foff[k];
			rec->line = line;
			rec->raw = r->buf + start;
			rec->raw_len = n;
			rec->n_fields = r->nf;
			rec->field = r->fptr;
			rec->len = r->flen;
			rec->malformed = 0;
			rec->bad_column = 0;
			rec->record_bytes = n;
			check_fields(r, rec);
			return ST_OK;
		}

		/* Step 2: libcsv splits and unescapes the fields. */
		r->nf = 0;
		csv_alloc_failed = 0;
		const size_t used = csv_parse(&r->parser, r->buf + start, n, on_field, NULL, r);
		if (csv_alloc_failed || (used != n && csv_error(&r->parser) != CSV_EPARSE)) {
			csv_fini(&r->parser, NULL, NULL, NULL);
			return status_fail(ST_NOMEM, "%s: line %llu: out of memory",
					   instream_name(r->in), (unsigned long long)line);
		}
		const int malformed = used != n;
		csv_fini(&r->parser, malformed ? NULL : on_field, NULL, malformed ? NULL : r);
		if (r->overflow)
			return status_fail(ST_NOMEM, "%s: line %llu: out of memory",
					   instream_name(r->in), (unsigned long long)line);
		if (r->too_many) {
			limit_record(rec, line, CSV_LIMIT_COLUMNS, r->buf + start, n, n);
			return ST_OK;
		}
		for (size_t k = 0; k < r->nf; k++)
			r->fptr[k] = r->fbytes + r->foff[k];
		rec->line = line;
		rec->raw = r->buf + start;
		rec->raw_len = n;
		rec->n_fields = r->nf;
		rec->field = r->fptr;
		rec->len = r->flen;
		rec->malformed = malformed;
		rec->bad_column = malformed ? r->nf + 1 : 0;
		rec->record_bytes = n;
		check_fields(r, rec);
		return ST_OK;
	}
}

const char *csv_reader_name(const csv_reader *r) { return instream_name(r->in); }

void csv_limit_reason(const csv_record *rec, const char *column_name, char *buf, size_t cap)
{
	switch (rec->over_limit) {
	case CSV_LIMIT_RECORD:
		snprintf(buf, cap, "record of %llu bytes, over the %u-byte record limit (raw: its first %zu bytes)",
			 (unsigned long long)rec->record_bytes, CSV_MAX_RECORD_BYTES, rec->raw_len);
		break;
	case CSV_LIMIT_COLUMNS:
		snprintf(buf, cap, "more than %u fields, over the column limit", CSV_MAX_COLUMNS);
		break;
	case CSV_LIMIT_FIELD:
		snprintf(buf, cap, "column %zu (%s): %zu bytes, over the %u-byte field limit",
			 rec->limit_column, column_name, rec->len[rec->limit_column - 1],
			 CSV_MAX_FIELD_BYTES);
		break;
	case CSV_LIMIT_NONE:
		snprintf(buf, cap, "within the limits");
		break;
	}
}

void csv_limit_header_reason(const csv_record *rec, char *buf, size_t cap)
{
	switch (rec->over_limit) {
	case CSV_LIMIT_RECORD:
		snprintf(buf, cap, "the header is a record of %llu bytes, over the %u-byte record limit",
			 (unsigned long long)rec->record_bytes, CSV_MAX_RECORD_BYTES);
		break;
	case CSV_LIMIT_COLUMNS:
		snprintf(buf, cap, "the header has more than %u columns, over the column limit",
			 CSV_MAX_COLUMNS);
		break;
	case CSV_LIMIT_FIELD:
		snprintf(buf, cap, "header column %zu is %zu bytes, over the %u-byte field limit",
			 rec->limit_column, rec->len[rec->limit_column - 1], CSV_MAX_FIELD_BYTES);
		break;
	case CSV_LIMIT_NONE:
		snprintf(buf, cap, "the header is within the limits");
		break;
	}
}
/*
 * The first bytes of the input, read before the header so that a file that
 * is not CSV text can be named by its magic number (io/sniff.h) even when
 * its first "record" is a few binary bytes before a stray line end.  Reads
 * until SNIFF_BYTES are buffered or the input ends, and skips a byte order
 * mark as csv_reader_next() does at the start (it then finds at_start
 * cleared and the bytes waiting in the buffer).
 */
static status peek_start(csv_reader *r)
{
	status st = ST_OK;
	if (!r->at_start)
		return ST_OK;
	while (st == ST_OK && r->len - r->pos < SNIFF_BYTES && !r->eof)
		st = refill(r);
	if (st != ST_OK)
		return st;
	if (r->len - r->pos >= 3 && memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0) {
		r->pos += 3;
		r->n_consumed += 3;
	}
	r->at_start = 0;
	return ST_OK;
}

/* The 1-based column of byte `at` of a header record: commas before it,
 * outside quotes, plus one. */
static size_t column_of(const char *raw, size_t at)
{
	size_t col = 1;
	int quoted = 0;
	for (size_t i = 0; i < at; i++) {
		if (raw[i] == '"')
			quoted = !quoted;
		else if (raw[i] == ',' && !quoted)
			col++;
	}
	return col;
}

status csv_reader_header(csv_reader *r, csv_record *h)
{
	const char *name = csv_reader_name(r);
	status st = peek_start(r);
	if (st != ST_OK)
		return st;
	const sniff_kind *kind = sniff_magic(r->buf, r->len);
	if (kind)
		return status_fail(ST_BADINPUT, "%s: this is %s, not CSV in UTF-8: %s", name, kind->what, kind->todo);
	st = csv_reader_next(r, h);
	if (st == ST_EOF)
		return status_fail(ST_BADINPUT, "%s: the file is empty (no header row)", name);
	if (st != ST_OK)
		return st;
	if (h->over_limit) {
		char why[160];
		csv_limit_header_reason(h, why, sizeof why);
		return status_fail(ST_BADINPUT, "%s: line %llu: %s", name, (unsigned long long)h->line, why);
	}
	const size_t bad = text_invalid_at(h->raw, h->raw_len);
	const char *nul = memchr(h->raw, '\0', h->raw_len);
	if (bad < h->raw_len || nul) {
		const size_t at = nul && (size_t)(nul - h->raw) < bad ? (size_t)(nul - h->raw) : bad;
		const char *charset = nul ? NULL : sniff_charset(h->raw, h->raw_len);
		char advice[160];
		if (charset)
			sniff_iconv_advice(charset, advice, sizeof advice);
		else
			snprintf(advice, sizeof advice, "it holds %s: is it a binary file? ssrfill reads CSV text "
				 "in UTF-8 (a spreadsheet's \"CSV UTF-8\" export), or such a file compressed with zstd",
				 nul ? "a NUL byte" : "bytes no text has");
		return status_fail(ST_BADINPUT, "%s: line %llu, column %zu: the header is not UTF-8 text; %s",
				   name, (unsigned long long)h->line, column_of(h->raw, at), advice);
	}
	if (h->malformed)
		return status_fail(ST_BADINPUT,
				   "%s: line %llu: the header is not CSV: column %zu has a quote inside an unquoted "
				   "name or text after a closing quote",
				   name, (unsigned long long)h->line, h->bad_column);
	return ST_OK;
}

uint64_t csv_reader_bytes(const csv_reader *r) { return r->n_consumed; }

size_t csv_reader_memory(const csv_reader *r)
{
	/* the fields: unescaped bytes and an index, both grown by doubling
	 * to hold one record of at most CSV_MAX_RECORD_BYTES */
	return sizeof *r + r->cap + 4 * (size_t)CSV_MAX_RECORD_BYTES;
}

void csv_reader_free(csv_reader *r)
{
	if (!r)
		return;
	csv_free(&r->parser);
	instream_free(r->in);
	mem_free(r->buf);
	mem_free(r->fbytes);
	mem_free(r->foff);
	mem_free(r->flen);
	mem_free(r->fptr);
	mem_free(r);
}
