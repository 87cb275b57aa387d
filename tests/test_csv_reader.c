/*
 * test_csv_reader.c: unit tests of io/csv_reader.h, the RFC 4180 record
 * reader every input goes through.
 *
 * Each test writes an input to a temporary file (mkstemp in /tmp), opens it
 * with instream_open() + csv_reader_open() and checks every record a caller
 * gets: the line it starts on (1-based, counting the line ends inside quoted
 * fields and the skipped blank lines), its raw bytes without the line end,
 * the unescaped fields and their lengths, malformed/bad_column, and the
 * status at the end (ST_EOF, or ST_BADINPUT for a quote left open).
 *
 * Small cases are string literals with a table of wanted records.  The
 * buffer cases (a record longer than the 1 MiB read size, a CRLF split
 * across two reads) generate a few MiB of rows with a `gen` that writes the
 * input and the records it must read back as, side by side.  The fixture
 * owns every file, reader and buffer, so a failed assertion still cleans up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "../base/fault.h"
#include "../base/mem.h"
#include "../base/status.h"
#include "../io/csv_reader.h"
#include "../io/instream.h"

#define KIB (1024u)
#define MIB (1024u * 1024u)
#define MAX_FIELDS 8

/* ---- growing byte buffer ---------------------------------------------- */

struct bytes {
	char *p;
	size_t len, cap;
};

static void bytes_put(struct bytes *b, const void *s, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		char *p = realloc(b->p, cap);
		assert_non_null(p);
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void bytes_free(struct bytes *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ---- generated inputs and the records they must read back as ----------- */

struct exp_rec {
	uint64_t line;
	size_t raw_off, raw_len;   /* into gen.in */
	size_t first_field, n_fields;
};

struct exp_field {
	size_t off, len;           /* into gen.fields */
};

struct gen {
	struct bytes in;           /* the input file */
	struct bytes fields;       /* wanted field bytes, unescaped */
	struct exp_rec *rec;
	size_t n_rec, cap_rec;
	struct exp_field *fld;
	size_t n_fld, cap_fld;
	uint64_t line;             /* the line the next input byte is on */
	unsigned next_id;
};

static void gen_init(struct gen *g)
{
	memset(g, 0, sizeof *g);
	g->line = 1;
	g->next_id = 1;
}

static void gen_free(struct gen *g)
{
	bytes_free(&g->in);
	bytes_free(&g->fields);
	free(g->rec);
	free(g->fld);
	gen_init(g);
}

/* Line ends inside a quoted field's content: LF, CRLF or a lone CR. */
static uint64_t count_breaks(const char *s, size_t n)
{
	uint64_t breaks = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
			breaks++;
	return breaks;
}

/*
 * Append one record: fields f[0..n) of lengths len[], those whose bit is set
 * in quote_mask written quoted (quotes doubled), then the line end eol ("\n",
 * "\r\n", "\r", or "" for a last record without one).
 */
static void gen_row(struct gen *g, size_t n, const char *const *f, const size_t *len,
		    unsigned quote_mask, const char *eol)
{
	assert_true(n >= 1 && n <= MAX_FIELDS);
	if (g->n_rec == g->cap_rec) {
		g->cap_rec = g->cap_rec ? 2 * g->cap_rec : 1024;
		g->rec = realloc(g->rec, g->cap_rec * sizeof *g->rec);
		assert_non_null(g->rec);
	}
	if (g->n_fld + n > g->cap_fld) {
		g->cap_fld = g->cap_fld ? 2 * g->cap_fld : 4096;
		g->fld = realloc(g->fld, g->cap_fld * sizeof *g->fld);
		assert_non_null(g->fld);
	}
	struct exp_rec *e = &g->rec[g->n_rec++];
	e->line = g->line;
	e->raw_off = g->in.len;
	e->first_field = g->n_fld;
	e->n_fields = n;
	uint64_t breaks = 0;
	for (size_t k = 0; k < n; k++) {
		if (k)
			bytes_put(&g->in, ",", 1);
		if (quote_mask & (1u << k)) {
			bytes_put(&g->in, "\"", 1);
			size_t from = 0;
			for (size_t i = 0; i < len[k]; i++) {
				if (f[k][i] == '"') {
					bytes_put(&g->in, f[k] + from, i + 1 - from);
					bytes_put(&g->in, "\"", 1);
					from = i + 1;
				}
			}
			bytes_put(&g->in, f[k] + from, len[k] - from);
			bytes_put(&g->in, "\"", 1);
			breaks += count_breaks(f[k], len[k]);
		} else {
			bytes_put(&g->in, f[k], len[k]);
		}
		g->fld[g->n_fld].off = g->fields.len;
		g->fld[g->n_fld].len = len[k];
		g->n_fld++;
		bytes_put(&g->fields, f[k], len[k]);
	}
	e->raw_len = g->in.len - e->raw_off;
	bytes_put(&g->in, eol, strlen(eol));
	g->line += breaks + (eol[0] ? 1 : 0);
}

static void gen_blank(struct gen *g, const char *eol)
{
	bytes_put(&g->in, eol, strlen(eol));
	g->line++;
}

/* A row "<8-digit id>,<pad x's>" ending in CRLF: 11 + pad bytes. */
static void gen_filler(struct gen *g, size_t pad)
{
	char id[16], x[128];
	assert_true(pad <= sizeof x);
	snprintf(id, sizeof id, "%08u", g->next_id++);
	memset(x, 'x', pad);
	const char *f[2] = { id, x };
	const size_t len[2] = { 8, pad };
	gen_row(g, 2, f, len, 0, "\r\n");
}

#define FILLER_PAD 40u
#define FILLER_LEN (11u + FILLER_PAD)

/* Filler rows until the input is exactly goal bytes long. */
static void gen_fill_to(struct gen *g, size_t goal)
{
	assert_true(goal >= g->in.len + FILLER_LEN);
	while (goal - g->in.len >= 2 * FILLER_LEN)
		gen_filler(g, FILLER_PAD);
	gen_filler(g, goal - g->in.len - 11);
	assert_int_equal(g->in.len, goal);
}

/* What sits at a given input offset (see gen_line_end_at). */
enum end_kind { ROW_END, IN_QUOTES, BLANK_LINE, LONE_CR };

/*
 * Make the input byte at offset cr_at a CR:
 *   ROW_END     the CRLF ending a row,
 *   IN_QUOTES   a CRLF inside a quoted field,
 *   BLANK_LINE  a blank line "\r\n",
 *   LONE_CR     a lone CR ending a row (a row follows at once).
 */
static void gen_line_end_at(struct gen *g, size_t cr_at, enum end_kind kind)
{
	char id[16];
	static const char xs[] = "xxxxxxxxxxx";             /* 11 bytes */
	static const char quoted[] = "qqqqqqqqqq\r\nz";     /* CR at 10 */
	const char *f[2] = { id, NULL };
	size_t len[2] = { 8, 0 };
	switch (kind) {
	case BLANK_LINE:
		gen_fill_to(g, cr_at);
		gen_blank(g, "\r\n");
		break;
	case ROW_END:
	case LONE_CR:
		/* "<id8>,<11 x>" is 20 bytes: its line end starts at cr_at */
		gen_fill_to(g, cr_at - 20);
		snprintf(id, sizeof id, "%08u", g->next_id++);
		f[1] = xs;
		len[1] = sizeof xs - 1;
		gen_row(g, 2, f, len, 0, kind == ROW_END ? "\r\n" : "\r");
		if (kind == LONE_CR)
			gen_filler(g, FILLER_PAD); /* a row, not an LF, follows the CR */
		break;
	case IN_QUOTES:
		/* `<id8>,"qqqqqqqqqq` is 20 bytes: the quoted CR is at cr_at */
		gen_fill_to(g, cr_at - 20);
		snprintf(id, sizeof id, "%08u", g->next_id++);
		f[1] = quoted;
		len[1] = sizeof quoted - 1;
		gen_row(g, 2, f, len, 2u, "\r\n");
		break;
	}
	assert_int_equal(g->in.p[cr_at], '\r');
	if (kind == LONE_CR)
		assert_true(g->in.p[cr_at + 1] != '\n');
}

/* ---- fixture ----------------------------------------------------------- */

struct fixture {
	char path[64];      /* temporary inputs, "" when none */
	char zpath[64];
	csv_reader *r;
	csv_reader *rz;
	struct gen g;
	char *big;          /* large wanted field contents */
	unsigned char *z;   /* a compressed input */
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	gen_init(&fx->g);
	status_clear();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	fault_set_op(FAULT_ALLOC, 0);
	csv_reader_free(fx->r);
	csv_reader_free(fx->rz);
	if (fx->path[0])
		unlink(fx->path);
	if (fx->zpath[0])
		unlink(fx->zpath);
	gen_free(&fx->g);
	free(fx->big);
	free(fx->z);
	free(fx);
	return 0;
}

static void write_temp(char path[64], const void *bytes, size_t n)
{
	strcpy(path, "/tmp/test_csv_reader.XXXXXX");
	const int fd = mkstemp(path);
	if (fd < 0) {
		path[0] = '\0';
		fail_msg("mkstemp failed");
	}
	const char *p = bytes;
	while (n > 0) {
		const ssize_t w = write(fd, p, n);
		if (w <= 0) {
			close(fd);
			fail_msg("cannot write the temporary input %s", path);
		}
		p += w;
		n -= (size_t)w;
	}
	assert_int_equal(close(fd), 0);
}

static void open_reader(const char *path, csv_reader **r)
{
	instream *in = NULL;
	status st = instream_open(&in, path);
	if (st != ST_OK)
		fail_msg("instream_open(%s): %s", path, status_detail(st));
	st = csv_reader_open(r, in);
	if (st != ST_OK)
		fail_msg("csv_reader_open(%s): %s", path, status_detail(st));
}

/* Write input to a temporary file and open a reader on it. */
static void open_input(struct fixture *fx, const void *input, size_t n)
{
	write_temp(fx->path, input, n);
	open_reader(fx->path, &fx->r);
}

/* ---- checking records -------------------------------------------------- */

/* Bytes as a C string literal for messages, cut after about 80 bytes. */
static const char *show(const char *s, size_t n)
{
	static char bufs[4][160];
	static unsigned next;
	char *o = bufs[next++ % 4];
	size_t j = 0;
	o[j++] = '"';
	size_t i = 0;
	for (; i < n && j < 80; i++) {
		const unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			j += (size_t)sprintf(o + j, "\\n");
		else if (c == '\r')
			j += (size_t)sprintf(o + j, "\\r");
		else if (c == '"' || c == '\\')
			j += (size_t)sprintf(o + j, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			j += (size_t)sprintf(o + j, "\\x%02X", c);
		else
			o[j++] = (char)c;
	}
	if (i < n)
		j += (size_t)sprintf(o + j, "...(%zu bytes)", n);
	o[j++] = '"';
	o[j] = '\0';
	return o;
}

static csv_record next_ok(csv_reader *r, size_t idx, uint64_t want_line)
{
	csv_record rec;
	memset(&rec, 0, sizeof rec);
	const status st = csv_reader_next(r, &rec);
	if (st != ST_OK)
		fail_msg("record %zu (want line %llu): got %s: %s", idx,
			 (unsigned long long)want_line, status_message(st), status_detail(st));
	return rec;
}

/* Check one record; malformed records are checked for line, raw and
 * bad_column only, since their fields are not to be trusted. */
static void check_record(const csv_record *rec, size_t idx, uint64_t line,
			 const char *raw, size_t raw_len, int malformed, size_t bad_column,
			 size_t n_fields, const char *const *fv, const size_t *fl)
{
	if (rec->line != line)
		fail_msg("record %zu %s: starts on line %llu, want line %llu", idx,
			 show(raw, raw_len), (unsigned long long)rec->line,
			 (unsigned long long)line);
	if (rec->raw_len != raw_len || memcmp(rec->raw, raw, raw_len) != 0)
		fail_msg("record %zu (line %llu): raw %s, want %s", idx,
			 (unsigned long long)line, show(rec->raw, rec->raw_len), show(raw, raw_len));
	if (!rec->malformed != !malformed)
		fail_msg("record %zu (line %llu) %s: malformed=%d, want %d", idx,
			 (unsigned long long)line, show(raw, raw_len), rec->malformed, malformed);
	if (malformed) {
		if (rec->bad_column != bad_column)
			fail_msg("record %zu (line %llu) %s: bad_column %zu, want %zu", idx,
				 (unsigned long long)line, show(raw, raw_len), rec->bad_column,
				 bad_column);
		return;
	}
	if (rec->n_fields != n_fields)
		fail_msg("record %zu (line %llu) %s: %zu fields, want %zu", idx,
			 (unsigned long long)line, show(raw, raw_len), rec->n_fields, n_fields);
	for (size_t k = 0; k < n_fields; k++) {
		if (rec->len[k] != fl[k] || memcmp(rec->field[k], fv[k], fl[k]) != 0)
			fail_msg("record %zu (line %llu) field %zu: %s (%zu bytes), want %s (%zu bytes)",
				 idx, (unsigned long long)line, k + 1,
				 show(rec->field[k], rec->len[k]), rec->len[k], show(fv[k], fl[k]), fl[k]);
		if (rec->field[k][fl[k]] != '\0')
			fail_msg("record %zu (line %llu) field %zu is not NUL-terminated", idx,
				 (unsigned long long)line, k + 1);
	}
}

static void expect_eof(csv_reader *r, size_t idx)
{
	csv_record rec;
	memset(&rec, 0, sizeof rec);
	status st = csv_reader_next(r, &rec);
	if (st == ST_OK)
		fail_msg("an extra record %zu on line %llu: %s", idx,
			 (unsigned long long)rec.line, show(rec.raw, rec.raw_len));
	if (st != ST_EOF)
		fail_msg("after %zu records: %s, want the end of input: %s", idx,
			 status_message(st), status_detail(st));
	/* and the end stays the end */
	assert_int_equal(csv_reader_next(r, &rec), ST_EOF);
}

struct want {
	uint64_t line;
	const char *raw;
	size_t n_fields;
	const char *field[MAX_FIELDS];
	int malformed;
	size_t bad_column;
};

static void check_want_rec(const csv_record *rec, size_t idx, const struct want *w)
{
	size_t fl[MAX_FIELDS];
	assert_true(w->n_fields <= MAX_FIELDS);
	for (size_t k = 0; k < w->n_fields; k++)
		fl[k] = strlen(w->field[k]);
	check_record(rec, idx, w->line, w->raw, strlen(w->raw), w->malformed, w->bad_column,
		     w->n_fields, w->field, fl);
}

static void check_want(csv_reader *r, size_t idx, const struct want *w)
{
	const csv_record rec = next_ok(r, idx, w->line);
	check_want_rec(&rec, idx, w);
}

/* The input reads back as exactly the wanted records, then ST_EOF. */
static void expect_records(struct fixture *fx, const char *input, size_t n,
			   const struct want *w, size_t n_want)
{
	open_input(fx, input, n);
	for (size_t i = 0; i < n_want; i++)
		check_want(fx->r, i, &w[i]);
	expect_eof(fx->r, n_want);
}

#define EXPECT_RECORDS(fx, input, wants) \
	expect_records((fx), (input), sizeof(input) - 1, (wants), sizeof(wants) / sizeof((wants)[0]))

/* The reader gives exactly the records of g, then ST_EOF. */
static void expect_generated(csv_reader *r, const struct gen *g)
{
	const char *fv[MAX_FIELDS];
	size_t fl[MAX_FIELDS];
	for (size_t i = 0; i < g->n_rec; i++) {
		const struct exp_rec *e = &g->rec[i];
		for (size_t k = 0; k < e->n_fields; k++) {
			const struct exp_field *f = &g->fld[e->first_field + k];
			fv[k] = g->fields.p + f->off;
			fl[k] = f->len;
		}
		const csv_record rec = next_ok(r, i, e->line);
		check_record(&rec, i, e->line, g->in.p + e->raw_off, e->raw_len, 0, 0,
			     e->n_fields, fv, fl);
	}
	expect_eof(r, g->n_rec);
}

/* "line N" followed by a non-digit somewhere in s. */
static int mentions_line(const char *s, unsigned long long n)
{
	char want[32];
	const int w = snprintf(want, sizeof want, "line %llu", n);
	for (const char *p = strstr(s, want); p; p = strstr(p + 1, want))
		if (p[w] < '0' || p[w] > '9')
			return 1;
	return 0;
}

/* ---- small inputs ------------------------------------------------------ */

static void lf_records(void **state)
{
	static const struct want w[] = {
		{ .line = 1, .raw = "ssid,grade,last_name", .n_fields = 3,
		  .field = { "ssid", "grade", "last_name" } },
		{ .line = 2, .raw = "1234567890,05,Ng", .n_fields = 3,
		  .field = { "1234567890", "05", "Ng" } },
		{ .line = 3, .raw = "0000000001,KN,Lee", .n_fields = 3,
		  .field = { "0000000001", "KN", "Lee" } },
	};
	EXPECT_RECORDS(*state, "ssid,grade,last_name\n1234567890,05,Ng\n0000000001,KN,Lee\n", w);
}

/* CRLF: the CR belongs to the line end, not to the last field or raw. */
static void crlf_records(void **state)
{
	static const struct want w[] = {
		{ .line = 1, .raw = "ssid,grade,last_name", .n_fields = 3,
		  .field = { "ssid", "grade", "last_name" } },
		{ .line = 2, .raw = "1234567890,05,Ng", .n_fields = 3,
		  .field = { "1234567890", "05", "Ng" } },
		{ .line = 3, .raw = "0000000001,KN,Lee", .n_fields = 3,
		  .field = { "0000000001", "KN", "Lee" } },
	};
	EXPECT_RECORDS(*state,
		       "ssid,grade,last_name\r\n1234567890,05,Ng\r\n0000000001,KN,Lee\r\n", w);
}

/* A UTF-8 BOM opening the file is skipped (the header's first column must
 * match "ssid"); a BOM anywhere else is data. */
static void bom_skipped_at_start_only(void **state)
{
	static const struct want w[] = {
		{ .line = 1, .raw = "ssid,grade", .n_fields = 2, .field = { "ssid", "grade" } },
		{ .line = 2, .raw = "1,\xEF\xBB\xBF" "05", .n_fields = 2,
		  .field = { "1", "\xEF\xBB\xBF" "05" } },
	};
	EXPECT_RECORDS(*state, "\xEF\xBB\xBF" "ssid,grade\r\n1,\xEF\xBB\xBF" "05\r\n", w);
}

static void bom_then_single_letter_field(void **state)
{
	static const struct want w[] = {
		{ .line = 1, .raw = "a", .n_fields = 1, .field = { "a" } },
	};
	EXPECT_RECORDS(*state, "\xEF\xBB\xBF" "a\n", w);
}

static void quoted_commas_and_doubled_quotes(void **state)
{
	static const struct want w[] = {
		{ .line = 1, .raw = "name,quote", .n_fields = 2, .field = { "name", "quote" } },
		{ .line = 2, .raw = "\"Smith, Jr.\",\"She said \"\"hi\"\"\"", .n_fields = 2,
		  .field = { "Smith, Jr.", "She said \"hi\"" } },
		{ .line = 3, .raw = "\"\"\"\",x,\",\"", .n_fields = 3,
		  .field = { "\"", "x", "," } },
	};
	EXPECT_RECORDS(*state,
		       "name,quote\n"
		       "\"Smith, Jr.\",\"She said \"\"hi\"\"\"\n"
		       "\"\"\"\",x,\",\"\n", w);
}

/* Line ends inside quotes are field bytes, and count as lines. */
static void line_breaks_inside_quotes(void **state)
{
	static const struct want w[] = {
		{ .line = 1, .raw = "id,note", .n_fields = 2, .field = { "id", "note" } },
		{ .line = 2, .raw = "1,\"two\nlines\"", .n_fields = 2,
		  .field = { "1", "two\nlines" } },
		{ .line = 4, .raw = "2,\"crlf\r\ninside\",z", .n_fields = 3,
		  .field = { "2", "crlf\r\ninside", "z" } },
		{ .line = 6, .raw = "3,\"\n\n\"", .n_fields = 2, .field = { "3", "\n\n" } },
		{ .line = 9, .raw = "4,after", .n_fields = 2, .field = { "4", "after" } },
	};
	EXPECT_RECORDS(*state,
		       "id,note\n"
		       "1,\"two\nlines\"\n"
		       "2,\"crlf\r\ninside\",z\r\n"
		       "3,\"\n\n\"\n"
		       "4,after\n", w);
}

static void empty_quoted_fields(void **state)
{
	static const struct want w[] = {
		{ .line = 1, .raw = "\"\",a,\"\"", .n_fields = 3, .field = { "", "a", "" } },
		{ .line = 2, .raw = "\"\"", .n_fields = 1, .field = { "" } },
		{ .line = 3, .raw = "b,\"\"", .n_fields = 2, .field = { "b", "" } },
	};
	EXPECT_RECORDS(*state, "\"\",a,\"\"\n\"\"\nb,\"\"\n", w);
}

static void empty_fields_and_trailing_comma(void **state)
{
	static const struct want w[] = {
		{ .line = 1, .raw = "a,b,", .n_fields = 3, .field = { "a", "b", "" } },
		{ .line = 2, .raw = ",,", .n_fields = 3, .field = { "", "", "" } },
		{ .line = 3, .raw = ",", .n_fields = 2, .field = { "", "" } },
		{ .line = 4, .raw = "x,,y", .n_fields = 3, .field = { "x", "", "y" } },
	};
	EXPECT_RECORDS(*state, "a,b,\n,,\n,\nx,,y\n", w);
}

/* Blank lines hold no record but are lines; the last record needs no
 * line end. */
static void blank_lines_and_no_final_newline(void **state)
{
	static const struct want w[] = {
		{ .line = 2, .raw = "id", .n_fields = 1, .field = { "id" } },
		{ .line = 5, .raw = "1", .n_fields = 1, .field = { "1" } },
		{ .line = 7, .raw = "2,last", .n_fields = 2, .field = { "2", "last" } },
	};
	EXPECT_RECORDS(*state, "\nid\n\n\n1\r\n\r\n2,last", w);
}

static void trailing_blank_lines_make_no_record(void **state)
{
	static const struct want w[] = {
		{ .line = 1, .raw = "a", .n_fields = 1, .field = { "a" } },
	};
	EXPECT_RECORDS(*state, "a\n\n\r\n\n", w);
}

static void empty_file_is_eof(void **state)
{
	struct fixture *fx = *state;
	open_input(fx, "", 0);
	expect_eof(fx->r, 0);
}

/* Spaces around unquoted fields are data, never trimmed (a name check
 * trims later, with its own rule). */
static void spaces_are_kept(void **state)
{
	static const struct want w[] = {
		{ .line = 1, .raw = " a , b ,c ", .n_fields = 3, .field = { " a ", " b ", "c " } },
		{ .line = 2, .raw = "\t1\t,  ", .n_fields = 2, .field = { "\t1\t", "  " } },
		{ .line = 3, .raw = "   ", .n_fields = 1, .field = { "   " } },
		{ .line = 4, .raw = "\" q \", x", .n_fields = 2, .field = { " q ", " x" } },
	};
	EXPECT_RECORDS(*state, " a , b ,c \n\t1\t,  \n   \n\" q \", x\n", w);
}

/* O"Brien: a quote inside an unquoted field is malformed at its column,
 * and does not open a quoted field that would swallow the lines after. */
static void stray_quote_in_unquoted_field(void **state)
{
	static const struct want w[] = {
		{ .line = 1, .raw = "id,last,first", .n_fields = 3,
		  .field = { "id", "last", "first" } },
		{ .line = 2, .raw = "1,O\"Brien,Pat", .malformed = 1, .bad_column = 2 },
		{ .line = 3, .raw = "2,Smith,Ann", .n_fields = 3, .field = { "2", "Smith", "Ann" } },
		{ .line = 4, .raw = "O\"Neil,x", .malformed = 1, .bad_column = 1 },
		{ .line = 5, .raw = "3,\"Lee\",Kim", .n_fields = 3, .field = { "3", "Lee", "Kim" } },
		{ .line = 6, .raw = "4,x,Brien\"", .malformed = 1, .bad_column = 3 },
		{ .line = 7, .raw = "5,y,z", .n_fields = 3, .field = { "5", "y", "z" } },
	};
	EXPECT_RECORDS(*state,
		       "id,last,first\n"
		       "1,O\"Brien,Pat\n"
		       "2,Smith,Ann\n"
		       "O\"Neil,x\r\n"
		       "3,\"Lee\",Kim\n"
		       "4,x,Brien\"\n"
		       "5,y,z\n", w);
}

/* "ab"c: text after a closing quote is malformed at that column; a quote
 * after it does not reopen a quoted field. */
static void text_after_closing_quote(void **state)
{
	static const struct want w[] = {
		{ .line = 1, .raw = "\"ab\"c,d", .malformed = 1, .bad_column = 1 },
		{ .line = 2, .raw = "x,\"ab\"c", .malformed = 1, .bad_column = 2 },
		{ .line = 3, .raw = "\"ok\",y", .n_fields = 2, .field = { "ok", "y" } },
		{ .line = 4, .raw = "x,y,\"ab\"c\"d", .malformed = 1, .bad_column = 3 },
		{ .line = 5, .raw = "next,1", .n_fields = 2, .field = { "next", "1" } },
	};
	EXPECT_RECORDS(*state,
		       "\"ab\"c,d\n"
		       "x,\"ab\"c\n"
		       "\"ok\",y\n"
		       "x,y,\"ab\"c\"d\n"
		       "next,1\n", w);
}

static void lone_cr_line_ends(void **state)
{
	static const struct want w[] = {
		{ .line = 1, .raw = "a,b", .n_fields = 2, .field = { "a", "b" } },
		{ .line = 2, .raw = "c,d", .n_fields = 2, .field = { "c", "d" } },
		{ .line = 4, .raw = "e,\"x\ry\"", .n_fields = 2, .field = { "e", "x\ry" } },
		{ .line = 6, .raw = "f", .n_fields = 1, .field = { "f" } },
		{ .line = 7, .raw = "g", .n_fields = 1, .field = { "g" } },
	};
	EXPECT_RECORDS(*state, "a,b\rc,d\r\re,\"x\ry\"\rf\r\ng\r", w);
}

/* A quote never closed: ST_BADINPUT at the end (not a silent last record),
 * with a message naming the file and the line where the quote opened. */
static void quote_open_at_eof(void **state)
{
	struct fixture *fx = *state;
	static const char input[] = "id,note\n1,ok\n2,\"never closed\nmore text\n";
	static const struct want w[] = {
		{ .line = 1, .raw = "id,note", .n_fields = 2, .field = { "id", "note" } },
		{ .line = 2, .raw = "1,ok", .n_fields = 2, .field = { "1", "ok" } },
	};
	open_input(fx, input, sizeof input - 1);
	for (size_t i = 0; i < 2; i++)
		check_want(fx->r, i, &w[i]);
	csv_record rec;
	const status st = csv_reader_next(fx->r, &rec);
	if (st != ST_BADINPUT)
		fail_msg("a quote left open at the end: %s, want %s", status_message(st),
			 status_message(ST_BADINPUT));
	const char *detail = status_detail(st);
	if (!mentions_line(detail, 3))
		fail_msg("the message does not name line 3 where the quote opened: \"%s\"", detail);
	if (!strstr(detail, fx->path))
		fail_msg("the message does not name the file %s: \"%s\"", fx->path, detail);
}

/* The quote left open is on line 3, in a record that starts on line 2 with a
 * properly closed two-line field: the message must point at line 3, where
 * the operator will find the unbalanced quote. */
static void quote_open_at_eof_after_multiline_field(void **state)
{
	struct fixture *fx = *state;
	static const char input[] = "id,a,b\n1,\"two\nlines\",\"open\nrest\n";
	static const struct want w = {
		.line = 1, .raw = "id,a,b", .n_fields = 3, .field = { "id", "a", "b" },
	};
	open_input(fx, input, sizeof input - 1);
	check_want(fx->r, 0, &w);
	csv_record rec;
	const status st = csv_reader_next(fx->r, &rec);
	assert_int_equal(st, ST_BADINPUT);
	const char *detail = status_detail(st);
	if (!mentions_line(detail, 3))
		fail_msg("the message does not name line 3 where the quote opened: \"%s\"", detail);
}

/* ---- buffer boundaries ------------------------------------------------- */

/* Three short fields, LF-terminated, whose content follows from the id. */
static void gen_plain_row(struct gen *g)
{
	char id[16], name[32], n[32];
	const unsigned k = g->next_id++;
	const int a = snprintf(id, sizeof id, "%07u", k);
	const int b = snprintf(name, sizeof name, "name %u", k * 31u % 1000u);
	const int c = snprintf(n, sizeof n, "%u", k * 7u);
	const char *f[3] = { id, name, n };
	const size_t len[3] = { (size_t)a, (size_t)b, (size_t)c };
	gen_row(g, 3, f, len, 0, "\n");
}

/* Records up to the record limit that span the 1 MiB read size (the
 * unread rest is moved to the front of the buffer): a 60 KiB quoted field
 * with commas, doubled quotes and line breaks across the first MiB, a 50 KiB
 * unquoted one across the second; among 3 MiB of rows.  Every row must come
 * back whole, on its line. */
static void record_spanning_read_buffer(void **state)
{
	struct fixture *fx = *state;
	struct gen *g = &fx->g;
	const size_t big_len = 60u * KIB, big2_len = 50u * KIB;
	fx->big = malloc(big_len + big2_len);
	assert_non_null(fx->big);
	for (size_t j = 0; j < big_len; j++) {
		char c = (char)('a' + j % 26);
		if (j % 1003 == 17)
			c = '"';
		else if (j % 777 == 5)
			c = '\n';
		else if (j % 521 == 7)
			c = ',';
		else if (j % 919 == 3)
			c = '\r'; /* a lone CR: a line end too */
		fx->big[j] = c;
	}
	char *big2 = fx->big + big_len;
	for (size_t j = 0; j < big2_len; j++)
		big2[j] = (char)('A' + j % 26);

	while (g->in.len < 1u * MIB - 30u * KIB)
		gen_plain_row(g);
	{
		const char *f[3] = { "big", fx->big, "end" };
		const size_t len[3] = { 3, big_len, 3 };
		gen_row(g, 3, f, len, 2u, "\n");
	}
	assert_true(g->line > g->rec[g->n_rec - 1].line + 10); /* the field spans lines */
	assert_true(g->rec[g->n_rec - 1].raw_len <= CSV_MAX_RECORD_BYTES);
	assert_true(g->in.len > 1u * MIB);
	while (g->in.len < 2u * MIB - 20u * KIB)
		gen_plain_row(g);
	{
		const char *f[2] = { big2, "tail" };
		const size_t len[2] = { big2_len, 4 };
		gen_row(g, 2, f, len, 0, "\r\n");
	}
	while (g->in.len < 3u * MIB)
		gen_plain_row(g);

	/* the fields are over the field limit, the records within the others */
	open_input(fx, g->in.p, g->in.len);
	expect_generated(fx->r, g);
	assert_int_equal(csv_reader_bytes(fx->r), g->in.len);
}

/* ---- limits ------------------------------------------------------------ */

static void put_n(struct bytes *b, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bytes_put(b, &c, 1);
}

static void put_s(struct bytes *b, const char *s)
{
	bytes_put(b, s, strlen(s));
}

/* The next record: its line, the limit it breaks, its raw bytes (raw_len
 * of them, the first cmp_len equal to want_raw's), its whole length. */
static csv_record expect_limit(csv_reader *r, size_t idx, uint64_t line, enum csv_limit limit,
			       const char *want_raw, size_t cmp_len, size_t raw_len,
			       uint64_t record_bytes, size_t column)
{
	const csv_record rec = next_ok(r, idx, line);
	if (rec.line != line)
		fail_msg("record %zu: line %llu, want %llu", idx, (unsigned long long)rec.line,
			 (unsigned long long)line);
	if (rec.over_limit != limit)
		fail_msg("record %zu (line %llu): over_limit %d, want %d", idx,
			 (unsigned long long)line, (int)rec.over_limit, (int)limit);
	if (rec.raw_len != raw_len || memcmp(rec.raw, want_raw, cmp_len) != 0)
		fail_msg("record %zu (line %llu): raw %s, want %zu bytes starting %s", idx,
			 (unsigned long long)line, show(rec.raw, rec.raw_len), raw_len,
			 show(want_raw, cmp_len));
	if (rec.record_bytes != record_bytes)
		fail_msg("record %zu (line %llu): record_bytes %llu, want %llu", idx,
			 (unsigned long long)line, (unsigned long long)rec.record_bytes,
			 (unsigned long long)record_bytes);
	if (limit == CSV_LIMIT_FIELD && rec.limit_column != column)
		fail_msg("record %zu (line %llu): limit_column %zu, want %zu", idx,
			 (unsigned long long)line, rec.limit_column, column);
	if ((limit == CSV_LIMIT_RECORD || limit == CSV_LIMIT_COLUMNS) && rec.n_fields != 0)
		fail_msg("record %zu (line %llu): %zu fields of a record over a limit", idx,
			 (unsigned long long)line, rec.n_fields);
	return rec;
}

/*
 * Every limit at its edge, through both the fast path and libcsv: a record
 * of exactly CSV_MAX_RECORD_BYTES and one byte more, a field of exactly
 * CSV_MAX_FIELD_BYTES and one more (after unquoting), CSV_MAX_COLUMNS fields
 * and one more; a malformed record's long field is not judged; a 3 MiB
 * quoted record with line breaks (its raw prefix cut before a UTF-8
 * character the limit would split, the lines after it still right); a
 * 20 MiB record read through without the reader's memory growing; blank
 * line bombs; a quote left open after it all.
 */
static void records_over_the_limits(void **state)
{
	struct fixture *fx = *state;
	struct bytes in = { 0 }, rec16 = { 0 }, cols = { 0 };
	const size_t peak_before = mem_peak();
	put_s(&in, "id,name\n");                                   /* line 1 */
	for (int k = 0; k < 16; k++) {                             /* 16 fields, 65536 bytes */
		if (k)
			put_s(&rec16, ",");
		put_n(&rec16, 'b', k == 15 ? CSV_MAX_FIELD_BYTES : CSV_MAX_FIELD_BYTES - 1);
	}
	assert_int_equal(rec16.len, CSV_MAX_RECORD_BYTES);
	bytes_put(&in, rec16.p, rec16.len);                        /* line 2: within */
	put_s(&in, "\n");
	bytes_put(&in, rec16.p, rec16.len);                        /* line 3: one byte over */
	put_s(&in, "b\n");
	put_s(&in, "1,");                                          /* line 4: a 4096-byte field */
	put_n(&in, 'c', CSV_MAX_FIELD_BYTES);
	put_s(&in, "\n2,");                                        /* line 5: 4097 */
	put_n(&in, 'c', CSV_MAX_FIELD_BYTES + 1);
	put_s(&in, "\n\"");                                        /* line 6: 4097 once unquoted */
	put_n(&in, 'c', CSV_MAX_FIELD_BYTES - 1);
	put_s(&in, "\"\"c\",3\n");
	put_n(&cols, ',', CSV_MAX_COLUMNS - 1);                    /* line 7: 1024 fields */
	bytes_put(&in, cols.p, cols.len);
	put_s(&in, "\n");
	bytes_put(&in, cols.p, cols.len);                          /* line 8: 1025 */
	put_s(&in, ",\n\"q\",");                                   /* line 9: 1025, quoted */
	bytes_put(&in, cols.p, cols.len);
	put_s(&in, "\nx\"");                                       /* line 10: malformed */
	put_n(&in, 'y', 5000);
	put_s(&in, "\n");
	const size_t big_at = in.len;                              /* line 11: 3 MiB quoted */
	put_n(&in, 'p', CSV_RAW_PREFIX_BYTES - 2);
	put_s(&in, "\xE2\x82\xAC,\"");                             /* a euro sign at 1022..1024 */
	uint64_t breaks = 0;
	while (in.len - big_at < 3u * MIB) {
		put_n(&in, 'q', 3000);
		put_s(&in, "\r\n");
		breaks++;
	}
	put_s(&in, "\"");
	const size_t big_len = in.len - big_at;
	put_s(&in, "\n2,after\n");                                 /* line 12 + breaks */
	const size_t huge_at = in.len;                             /* line 13 + breaks: 20 MiB */
	put_n(&in, 'h', 20u * MIB);
	const size_t huge_len = in.len - huge_at;
	put_s(&in, "\r\n");
	put_n(&in, '\n', 100000);                                  /* blank lines */
	for (int k = 0; k < 100000; k++)
		put_s(&in, "\r\n");
	put_n(&in, '\r', 100000);
	put_s(&in, "3,end\n");                                     /* line 300014 + breaks */
	put_s(&in, "4,\"open");                                    /* line 300015 + breaks */
	put_n(&in, 'z', 3u * MIB);

	open_input(fx, in.p, in.len);
	const char *const hdr[2] = { "id", "name" };
	const size_t hl[2] = { 2, 4 };
	csv_record rec = next_ok(fx->r, 0, 1);
	check_record(&rec, 0, 1, "id,name", 7, 0, 0, 2, hdr, hl);
	rec = expect_limit(fx->r, 1, 2, CSV_LIMIT_NONE, rec16.p, rec16.len, rec16.len, rec16.len, 0);
	assert_int_equal(rec.n_fields, 16);
	expect_limit(fx->r, 2, 3, CSV_LIMIT_RECORD, rec16.p, CSV_RAW_PREFIX_BYTES, CSV_RAW_PREFIX_BYTES,
		     rec16.len + 1, 0);
	rec = expect_limit(fx->r, 3, 4, CSV_LIMIT_NONE, "1,cc", 4, 2 + CSV_MAX_FIELD_BYTES,
			   2 + CSV_MAX_FIELD_BYTES, 0);
	assert_int_equal(rec.len[1], CSV_MAX_FIELD_BYTES);
	expect_limit(fx->r, 4, 5, CSV_LIMIT_FIELD, "2,cc", 4, 3 + CSV_MAX_FIELD_BYTES, 3 + CSV_MAX_FIELD_BYTES, 2);
	rec = expect_limit(fx->r, 5, 6, CSV_LIMIT_FIELD, "\"ccc", 4, CSV_MAX_FIELD_BYTES + 6,
			   CSV_MAX_FIELD_BYTES + 6, 1);
	assert_int_equal(rec.len[0], CSV_MAX_FIELD_BYTES + 1);
	rec = expect_limit(fx->r, 6, 7, CSV_LIMIT_NONE, cols.p, cols.len, cols.len, cols.len, 0);
	assert_int_equal(rec.n_fields, CSV_MAX_COLUMNS);
	expect_limit(fx->r, 7, 8, CSV_LIMIT_COLUMNS, cols.p, cols.len, cols.len + 1, cols.len + 1, 0);
	expect_limit(fx->r, 8, 9, CSV_LIMIT_COLUMNS, "\"q\",", 4, cols.len + 4, cols.len + 4, 0);
	rec = expect_limit(fx->r, 9, 10, CSV_LIMIT_NONE, "x\"yy", 4, 5002, 5002, 0);
	assert_true(rec.malformed);
	expect_limit(fx->r, 10, 11, CSV_LIMIT_RECORD, in.p + big_at, CSV_RAW_PREFIX_BYTES - 2,
		     CSV_RAW_PREFIX_BYTES - 2, big_len, 0);
	rec = expect_limit(fx->r, 11, 12 + breaks, CSV_LIMIT_NONE, "2,after", 7, 7, 7, 0);
	assert_int_equal(rec.n_fields, 2);
	expect_limit(fx->r, 12, 13 + breaks, CSV_LIMIT_RECORD, in.p + huge_at, CSV_RAW_PREFIX_BYTES,
		     CSV_RAW_PREFIX_BYTES, huge_len, 0);
	expect_limit(fx->r, 13, 300014 + breaks, CSV_LIMIT_NONE, "3,end", 5, 5, 5, 0);
	const status st = csv_reader_next(fx->r, &rec);
	assert_int_equal(st, ST_BADINPUT);
	if (!mentions_line(status_detail(st), 300015 + breaks))
		fail_msg("the open quote's message lacks its line %llu: %s",
			 (unsigned long long)(300015 + breaks), status_detail(st));
	/* one read buffer and a record within the limits, never the 20 MiB */
	if (mem_peak() > peak_before + 4u * MIB && mem_peak() > 4u * MIB)
		fail_msg("the reader's memory peaked at %zu bytes", mem_peak());
	free(in.p);
	free(rec16.p);
	free(cols.p);
}

/* CRLF row ends whose CR is the last byte of the first and second MiB of the
 * file, where one read of the reader ends and the next begins: the LF must
 * not become a second line end (a blank line, so line numbers drift). */
static void crlf_split_at_1mib_and_2mib(void **state)
{
	struct fixture *fx = *state;
	struct gen *g = &fx->g;
	gen_line_end_at(g, 1 * MIB - 1, ROW_END);
	gen_line_end_at(g, 2 * MIB - 1, ROW_END);
	gen_fill_to(g, 2 * MIB + 10 * KIB);
	assert_memory_equal(g->in.p + 1 * MIB - 1, "\r\n", 2);
	assert_memory_equal(g->in.p + 2 * MIB - 1, "\r\n", 2);

	open_input(fx, g->in.p, g->in.len);
	expect_generated(fx->r, g);
}

/* The same at every 256 KiB up to 3 MiB, cycling through a row end, a CRLF
 * inside quotes, a blank line and a lone CR. */
static void line_ends_at_read_boundaries(void **state)
{
	struct fixture *fx = *state;
	struct gen *g = &fx->g;
	static const enum end_kind kinds[] = { IN_QUOTES, BLANK_LINE, LONE_CR, ROW_END };
	for (size_t k = 1; k <= 12; k++)
		gen_line_end_at(g, k * 256u * KIB - 1, kinds[k % 4]);
	gen_fill_to(g, 3 * MIB + 4 * KIB);

	open_input(fx, g->in.p, g->in.len);
	expect_generated(fx->r, g);
}

/* ---- zstd -------------------------------------------------------------- */

/* A zstd-compressed input gives the same records as the plain one: tricky
 * small cases first (after a BOM), then MiBs of rows whose line ends sit at
 * read boundaries of the plain file. */
static void zstd_input_gives_same_records(void **state)
{
	struct fixture *fx = *state;
	struct gen *g = &fx->g;
	static const char head[] =
		"\xEF\xBB\xBF" "id,name,note\r\n"
		"1,\"Smith, Jr.\",\"say \"\"hi\"\"\"\r\n"
		"\r\n"
		"2,O\"Brien,x\n"
		"3,\"two\r\nlines\",\"\"\n"
		"4,\"ab\"c,y\r"
		" 5 ,,\n";
	bytes_put(&g->in, head, sizeof head - 1);
	g->line = 9;
	for (size_t k = 1; k <= 10; k++)
		gen_line_end_at(g, k * 256u * KIB - 1, (enum end_kind)(k % 4));
	gen_fill_to(g, 5 * MIB / 2 + 4 * KIB);

	write_temp(fx->path, g->in.p, g->in.len);
	const size_t cap = ZSTD_compressBound(g->in.len);
	fx->z = malloc(cap);
	assert_non_null(fx->z);
	const size_t zlen = ZSTD_compress(fx->z, cap, g->in.p, g->in.len, 3);
	if (ZSTD_isError(zlen))
		fail_msg("ZSTD_compress: %s", ZSTD_getErrorName(zlen));
	write_temp(fx->zpath, fx->z, zlen);

	open_reader(fx->path, &fx->r);
	instream *in = NULL;
	status st = instream_open(&in, fx->zpath);
	if (st != ST_OK)
		fail_msg("instream_open(%s): %s", fx->zpath, status_detail(st));
	assert_int_equal(instream_is_zstd(in), 1);
	st = csv_reader_open(&fx->rz, in);
	assert_int_equal(st, ST_OK);

	size_t n = 0;
	for (;; n++) {
		csv_record a, b;
		const status sa = csv_reader_next(fx->r, &a);
		const status sb = csv_reader_next(fx->rz, &b);
		if (sa != sb)
			fail_msg("record %zu: plain gives %s, zstd gives %s (%s)", n,
				 status_message(sa), status_message(sb), status_detail(sb));
		if (sa != ST_OK)
			break;
		check_record(&b, n, a.line, a.raw, a.raw_len, a.malformed, a.bad_column,
			     a.n_fields, a.field, a.len);
		if (n == 0 && (b.n_fields < 1 || strcmp(b.field[0], "id") != 0))
			fail_msg("zstd: the BOM is not skipped: first field %s",
				 show(b.field[0], b.len[0]));
	}
	/* the head's 6 records, then the generated ones */
	assert_int_equal(n, 6 + g->n_rec);
	csv_record rec;
	assert_int_equal(csv_reader_next(fx->rz, &rec), ST_EOF);
	assert_int_equal(csv_reader_bytes(fx->rz), g->in.len);
}

/* ---- out of memory ------------------------------------------------------ */

/*
 * Make each allocation in turn fail (base/mem.h's test seam), from
 * instream_open() to the end of the input: the run either stops with
 * ST_NOMEM and a message naming the file, or reads exactly the right
 * records; never a wrong record, a crash or a leak.  Reading this input
 * makes a fixed number of allocations, so the failures come first and the
 * whole reads after them: a whole read between two failures is a failed
 * allocation that was ignored (as libcsv does when a smaller block fits).
 * Kept last: a memory error found here aborts a sanitizer build.
 */
static void out_of_memory_at_each_allocation(void **state)
{
	struct fixture *fx = *state;
	static const char input[] = "id,note\n1,\"a,b\"\n2,\"x\ny\",\"\"\n";
	static const struct want w[] = {
		{ .line = 1, .raw = "id,note", .n_fields = 2, .field = { "id", "note" } },
		{ .line = 2, .raw = "1,\"a,b\"", .n_fields = 2, .field = { "1", "a,b" } },
		{ .line = 3, .raw = "2,\"x\ny\",\"\"", .n_fields = 3, .field = { "2", "x\ny", "" } },
	};
	const size_t n_want = sizeof w / sizeof w[0];
	write_temp(fx->path, input, sizeof input - 1);
	unsigned long failed = 0, whole = 0, first_whole = 0;
	for (unsigned long nth = 1; nth <= 40; nth++) {
		status_clear();
		fault_set_op(FAULT_ALLOC, nth);
		instream *in = NULL;
		status st = instream_open(&in, fx->path);
		if (st == ST_OK)
			st = csv_reader_open(&fx->r, in); /* frees in on failure */
		size_t i = 0;
		if (st == ST_OK) {
			csv_record rec;
			for (; i < n_want && (st = csv_reader_next(fx->r, &rec)) == ST_OK; i++)
				check_want_rec(&rec, i, &w[i]);
			if (st == ST_OK) {
				st = csv_reader_next(fx->r, &rec);
				if (st == ST_OK)
					fail_msg("allocation %lu failing: an extra record on line %llu",
						 nth, (unsigned long long)rec.line);
				if (st == ST_EOF)
					st = ST_OK;
			}
		}
		fault_set_op(FAULT_ALLOC, 0);
		if (st != ST_OK) {
			if (st != ST_NOMEM)
				fail_msg("allocation %lu failing, after %zu records: %s (%s), want %s",
					 nth, i, status_message(st), status_detail(st),
					 status_message(ST_NOMEM));
			const char *detail = status_detail(st);
			if (!strstr(detail, fx->path))
				fail_msg("allocation %lu failing: message does not name %s: \"%s\"",
					 nth, fx->path, detail);
			if (whole)
				fail_msg("allocation %lu failing: ST_NOMEM, but with allocation %lu "
					 "failing every record was read (a failure ignored)", nth, first_whole);
			failed++;
		} else {
			if (!whole++)
				first_whole = nth;
		}
		csv_reader_free(fx->r);
		fx->r = NULL;
	}
	/* some allocations really failed, and the walk went past the last */
	assert_true(failed > 0);
	assert_true(whole > 0);
}

/* ---- the header's diagnostics (issue 19) ------------------------------- */

/* csv_reader_header() on input: its status, and the detail in *detail */
static status header_of(struct fixture *fx, const void *input, size_t n, csv_record *h, const char **detail)
{
	open_input(fx, input, n);
	status_clear();
	memset(h, 0, sizeof *h);
	const status st = csv_reader_header(fx->r, h);
	*detail = st == ST_OK ? "" : status_detail(st);
	return st;
}

static void assert_has(const char *s, const char *part)
{
	if (!strstr(s, part))
		fail_msg("\"%s\" lacks \"%s\"", s, part);
}

/* A file named by its magic number, even when a line end comes right
 * after it (the header "record" is then two bytes). */
static void header_names_a_compressed_file(void **state)
{
	struct fixture *fx = *state;
	csv_record h;
	const char *d;
	static const char gz[] = "\x1f\x8b\n\x08\x00\x00\x00\x00\x00\x03" "abc";
	assert_int_equal(header_of(fx, gz, sizeof gz - 1, &h, &d), ST_BADINPUT);
	assert_has(d, ": this is a gzip-compressed file, not CSV in UTF-8: decompress it with gunzip, "
		   "or recompress it with zstd, which ssrfill reads");
	assert_has(d, fx->path);
}

static void header_names_an_xlsx(void **state)
{
	struct fixture *fx = *state;
	unsigned char x[80] = "PK\x03\x04";
	x[26] = 19;
	memcpy(x + 30, "[Content_Types].xml", 19);
	x[49] = '\n';
	csv_record h;
	const char *d;
	assert_int_equal(header_of(fx, x, sizeof x, &h, &d), ST_BADINPUT);
	assert_has(d, "this is an Excel workbook (.xlsx), not CSV in UTF-8: export it as CSV UTF-8");
}

/* Latin-1 in the header: line, column and the iconv command */
static void header_in_latin1_says_how_to_convert(void **state)
{
	struct fixture *fx = *state;
	static const char in[] = "ssid,lea_code,\"Bemerkung, n\xe4here\",grade\n1,2,3,4\n";
	csv_record h;
	const char *d;
	assert_int_equal(header_of(fx, in, sizeof in - 1, &h, &d), ST_BADINPUT);
	assert_has(d, ": line 1, column 3: the header is not UTF-8 text; it looks like Latin-1 (ISO-8859-1) "
		   "text: convert the file to UTF-8 with iconv -f latin1 -t utf-8 IN > OUT");
	csv_reader_free(fx->r);
	fx->r = NULL;
	unlink(fx->path);
	static const char bin[] = "ssid,\x01\x02\xff\n";
	assert_int_equal(header_of(fx, bin, sizeof bin - 1, &h, &d), ST_BADINPUT);
	assert_has(d, ": line 1, column 2: the header is not UTF-8 text; it holds bytes no text has: "
		   "is it a binary file?");
}

/* The first bytes read before the header change nothing in the records:
 * a BOM is still skipped once, lines still counted, short and long files. */
static void header_then_records_after_the_first_bytes(void **state)
{
	struct fixture *fx = *state;
	struct gen *g = &fx->g;
	bytes_put(&g->in, "\xEF\xBB\xBF" "id,name\n", 11);
	for (int i = 0; i < 300; i++) {
		char row[32];
		const int n = snprintf(row, sizeof row, "%d,\"n\r\n%d\"\n", i, i);
		bytes_put(&g->in, row, (size_t)n);
	}
	csv_record h;
	const char *d;
	assert_int_equal(header_of(fx, g->in.p, g->in.len, &h, &d), ST_OK);
	assert_int_equal(h.n_fields, 2);
	assert_string_equal(h.field[0], "id");
	assert_int_equal(h.line, 1);
	for (int i = 0; i < 300; i++) {
		const csv_record rec = next_ok(fx->r, (size_t)i, (uint64_t)(2 + 2 * i));
		assert_int_equal(rec.line, 2 + 2 * i);
		char want[16];
		snprintf(want, sizeof want, "%d", i);
		assert_string_equal(rec.field[0], want);
	}
	csv_record rec;
	assert_int_equal(csv_reader_next(fx->r, &rec), ST_EOF);
	csv_reader_free(fx->r);
	fx->r = NULL;
	unlink(fx->path);
	/* a file shorter than what is peeked, with a BOM */
	assert_int_equal(header_of(fx, "\xEF\xBB\xBF" "a,b", 6, &h, &d), ST_OK);
	assert_int_equal(h.n_fields, 2);
	assert_string_equal(h.field[0], "a");
	assert_int_equal(csv_reader_next(fx->r, &rec), ST_EOF);
	assert_int_equal(csv_reader_bytes(fx->r), 6);
}

/* An optional argument runs only the tests whose names match it
 * (cmocka_set_test_filter: "*" and "?" wildcards). */
int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(lf_records),
		T(crlf_records),
		T(bom_skipped_at_start_only),
		T(bom_then_single_letter_field),
		T(quoted_commas_and_doubled_quotes),
		T(line_breaks_inside_quotes),
		T(empty_quoted_fields),
		T(empty_fields_and_trailing_comma),
		T(blank_lines_and_no_final_newline),
		T(trailing_blank_lines_make_no_record),
		T(empty_file_is_eof),
		T(spaces_are_kept),
		T(stray_quote_in_unquoted_field),
		T(text_after_closing_quote),
		T(lone_cr_line_ends),
		T(quote_open_at_eof),
		T(quote_open_at_eof_after_multiline_field),
		T(record_spanning_read_buffer),
		T(records_over_the_limits),
		T(crlf_split_at_1mib_and_2mib),
		T(line_ends_at_read_boundaries),
		T(zstd_input_gives_same_records),
		T(out_of_memory_at_each_allocation),
		T(header_names_a_compressed_file),
		T(header_names_an_xlsx),
		T(header_in_latin1_says_how_to_convert),
		T(header_then_records_after_the_first_bytes),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
