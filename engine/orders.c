/*
 * orders.c: the order table (see orders.h).
 *
 * Active orders live in an array in input order and in an open-addressing
 * hash index keyed by (lea, school, program), which both finds an earlier
 * active order for the duplicate rule while loading and answers
 * orders_cover() for every score report row.  There are a few thousand
 * orders at most, so the table is small; lookups are what must be fast.
 * Dates are compared as yyyymmdd numbers.
 */
#include "orders.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../base/calendar.h"
#include "../io/columns.h"
#include "../base/text.h"
#include "../base/mem.h"

static const char *const ocol_name[OCOL_COUNT] = {
#define ORDER_COL_NAME(id, name, req) name,
	ORDER_COLUMNS(ORDER_COL_NAME)
#undef ORDER_COL_NAME
};

static const int ocol_required[OCOL_COUNT] = {
#define ORDER_COL_REQ(id, name, req) req,
	ORDER_COLUMNS(ORDER_COL_REQ)
#undef ORDER_COL_REQ
};

struct orders {
	config cfg;
	int index[OCOL_COUNT];
	size_t n_fields;
	order *active;
	size_t n, cap;
	uint32_t *slot;     /* hash index: position + 1 in active[], 0 empty */
	size_t mask;
	order_counts counts;
	column_notes notes;
	orders_printed_fn printed;   /* NULL: a run without a ledger */
	void *printed_ctx;
};

static uint64_t order_key(uint32_t lea, uint32_t school, unsigned program)
{
	return ((uint64_t)lea << 34) ^ ((uint64_t)school << 2) ^ program;
}

static size_t hash(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ull;
	x ^= x >> 29;
	return (size_t)x;
}

static long find(const orders *o, uint32_t lea, uint32_t school, unsigned program)
{
	size_t i = hash(order_key(lea, school, program)) & o->mask;
	while (o->slot[i]) {
		const order *a = &o->active[o->slot[i] - 1];
		if (a->lea == lea && a->school == school && a->program == program)
			return (long)o->slot[i] - 1;
		i = (i + 1) & o->mask;
	}
	return -1;
}

static int rehash(orders *o, size_t mask)
{
	uint32_t *slot = mem_calloc(mask + 1, sizeof *slot);
	if (!slot)
		return -1;
	for (size_t k = 0; k < o->n; k++) {
		const order *a = &o->active[k];
		size_t i = hash(order_key(a->lea, a->school, a->program)) & mask;
		while (slot[i])
			i = (i + 1) & mask;
		slot[i] = (uint32_t)k + 1;
	}
	mem_free(o->slot);
	o->slot = slot;
	o->mask = mask;
	return 0;
}

status orders_new(orders **out, const config *c)
{
	*out = NULL;
	orders *o = mem_calloc(1, sizeof *o);
	if (!o)
		return status_fail(ST_NOMEM, "out of memory for the orders");
	o->cfg = *c;
	if (rehash(o, 255) != 0) {
		mem_free(o);
		return status_fail(ST_NOMEM, "out of memory for the orders");
	}
	*out = o;
	return ST_OK;
}

int orders_set_header(orders *o, const char *const *names, const size_t *lens,
		      size_t n, char *err, size_t err_cap)
{
	o->n_fields = n;
	if (columns_map(ocol_name, ocol_required, OCOL_COUNT, names, lens, n,
			o->index, err, err_cap) != 0)
		return -1;
	columns_notes(ocol_name, OCOL_COUNT, o->index, names, lens, n, &o->notes);
	return 0;
}

/* YYYY-MM-DD, a real calendar date: yyyymmdd, else -1. */
static long parse_date(const char *s, size_t n)
{
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	const long long y = text_digits(s, 4, 4);
	const long long m = text_digits(s + 5, 2, 2);
	const long long d = text_digits(s + 8, 2, 2);
	if (y < 1900 || !calendar_day_valid((int)y, (int)m, (int)d))
		return -1;
	return (long)(y * 10000 + m * 100 + d);
}

static void fmt_date(char *buf, size_t cap, long ymd)
{
	snprintf(buf, cap, "%04ld-%02ld-%02ld", ymd / 10000, ymd / 100 % 100, ymd % 100);
}

/* A code of the orders file: ASCII case does not count (docs/rules.md
 * §4.1: caaspp is CAASPP, 11X17 is 11x17); the row keeps the canonical
 * code, not the spelling. */
static int field_is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* Why a date field that parse_date() refused is wrong, saying what is
 * expected and never repeating the value (docs/rules.md §4.2). */
static const char *date_problem(const char *s, size_t n, int may_be_blank)
{
	int digits = 0, slash = 0, dot = 0, dash = 0, other = 0;
	for (size_t i = 0; i < n; i++) {
		const char c = s[i];
		if (c >= '0' && c <= '9')
			digits++;
		else if (c == '/')
			slash++;
		else if (c == '.')
			dot++;
		else if (c == '-')
			dash++;
		else
			other++;
	}
	if (!other && digits >= 5 && (slash == 2 || dot == 2) && !dash)
		return may_be_blank
			? "must be blank or a date written YYYY-MM-DD, like 2019-05-01 (not with '/' or '.', "
			  "not month first)"
			: "must be a date written YYYY-MM-DD, like 2019-05-01 (not with '/' or '.', not month first)";
	if (!other && !slash && !dot && dash == 2 && digits == 8 && n == 10 && s[4] == '-' && s[7] == '-')
		return "is not a calendar day (YYYY-MM-DD from 1900-01-01 on)";
	if (!other && !slash && !dot && dash == 2 && digits >= 4)
		return may_be_blank ? "must be blank or a date written YYYY-MM-DD, like 2019-05-01 (four-digit "
				      "year first, two-digit month and day)"
				    : "must be a date written YYYY-MM-DD, like 2019-05-01 (four-digit year first, "
				      "two-digit month and day)";
	return may_be_blank ? "must be blank or a date written YYYY-MM-DD, like 2019-05-01"
			    : "must be a date written YYYY-MM-DD, like 2019-05-01";
}

const char *orders_column_name(const orders *o, size_t i)
{
	return columns_name(ocol_name, OCOL_COUNT, o->index, i);
}

static void reject(orders *o, order_result *res, int col, const char *what)
{
	res->verdict = ORDER_REJECTED;
	snprintf(res->reason, sizeof res->reason, "column %d (%s): %s",
		 o->index[col] + 1, ocol_name[col], what);
}

/* One more rejected row; the first is kept for the warning. */
static void count_rejected(orders *o, uint64_t line, const char *reason)
{
	if (!o->counts.rejected++) {
		o->counts.first_rejected_line = line;
		snprintf(o->counts.first_reason, sizeof o->counts.first_reason, "%s", reason);
	}
}

void orders_add_rejected(orders *o, uint64_t line, const char *reason, order_result *res)
{
	memset(res, 0, sizeof *res);
	o->counts.rows++;
	res->verdict = ORDER_REJECTED;
	snprintf(res->reason, sizeof res->reason, "%s", reason);
	count_rejected(o, line, res->reason);
}

status orders_add(orders *o, const char *const *fields, const size_t *lens,
		  size_t n, uint64_t line, int malformed_column, order_result *res)
{
	memset(res, 0, sizeof *res);
	o->counts.rows++;
	res->verdict = ORDER_REJECTED;
	if (malformed_column > 0) {
		snprintf(res->reason, sizeof res->reason,
			 "column %d (%s): malformed quotes (a quote inside an unquoted field or text after a closing quote)",
			 malformed_column, orders_column_name(o, (size_t)malformed_column - 1));
		goto rejected;
	}
	if (n != o->n_fields) {
		snprintf(res->reason, sizeof res->reason,
			 "expected %zu fields as in the header, found %zu", o->n_fields, n);
		goto rejected;
	}
	if (columns_check_fields(ocol_name, OCOL_COUNT, o->index, fields, lens, n,
				 res->reason, sizeof res->reason) != 0)
		goto rejected;
	const char *f[OCOL_COUNT];
	size_t len[OCOL_COUNT];
	for (int c = 0; c < OCOL_COUNT; c++) {
		f[c] = o->index[c] >= 0 ? fields[o->index[c]] : "";
		len[c] = o->index[c] >= 0 ? lens[o->index[c]] : 0;
	}
	/* the PO number is drawn on the invoice: no cluster of marks */
	if (text_too_many_marks(f[OCOL_PO_NUMBER], len[OCOL_PO_NUMBER])) {
		char what[96];
		snprintf(what, sizeof what, "more than %d combining marks on one character (malformed text)",
			 TEXT_MAX_MARKS);
		reject(o, res, OCOL_PO_NUMBER, what);
		goto rejected;
	}
	order ord;
	memset(&ord, 0, sizeof ord);
	ord.line = line;
	long long v = text_digits(f[OCOL_LEA_CODE], len[OCOL_LEA_CODE], 7);
	if (v < 0) {
		reject(o, res, OCOL_LEA_CODE, "must be exactly 7 digits");
		goto rejected;
	}
	ord.lea = (uint32_t)v;
	ord.school = ORDER_SCHOOL_NONE;
	if (len[OCOL_SCHOOL_CODE]) {
		if ((v = text_digits(f[OCOL_SCHOOL_CODE], len[OCOL_SCHOOL_CODE], 7)) < 0) {
			reject(o, res, OCOL_SCHOOL_CODE, "must be blank (the whole LEA) or exactly 7 digits");
			goto rejected;
		}
		ord.school = (uint32_t)v;
	}
	if (field_is(f[OCOL_PROGRAM], len[OCOL_PROGRAM], "CAASPP")) {
		ord.program = PROGRAM_CAASPP;
	} else if (field_is(f[OCOL_PROGRAM], len[OCOL_PROGRAM], "ELPAC")) {
		ord.program = PROGRAM_ELPAC;
	} else {
		reject(o, res, OCOL_PROGRAM, "must be CAASPP or ELPAC");
		goto rejected;
	}
	if (len[OCOL_ENVELOPES] == 0 || field_is(f[OCOL_ENVELOPES], len[OCOL_ENVELOPES], "N")) {
		ord.envelopes = 0;
	} else if (field_is(f[OCOL_ENVELOPES], len[OCOL_ENVELOPES], "Y")) {
		ord.envelopes = 1;
	} else {
		reject(o, res, OCOL_ENVELOPES, "must be Y, N or blank");
		goto rejected;
	}
	int letter = 0;
	if (field_is(f[OCOL_PAPER_SIZE], len[OCOL_PAPER_SIZE], "8.5x11")) {
		letter = 1;
	} else if (len[OCOL_PAPER_SIZE] && !field_is(f[OCOL_PAPER_SIZE], len[OCOL_PAPER_SIZE], "11x17")) {
		reject(o, res, OCOL_PAPER_SIZE, "must be 11x17, 8.5x11 or blank");
		goto rejected;
	}
	const long ordered = parse_date(f[OCOL_ORDERED_ON], len[OCOL_ORDERED_ON]);
	if (ordered < 0) {
		reject(o, res, OCOL_ORDERED_ON, date_problem(f[OCOL_ORDERED_ON], len[OCOL_ORDERED_ON], 0));
		goto rejected;
	}
	long cancelled = 0;
	if (len[OCOL_CANCELLED_ON] &&
	    (cancelled = parse_date(f[OCOL_CANCELLED_ON], len[OCOL_CANCELLED_ON])) < 0) {
		reject(o, res, OCOL_CANCELLED_ON, date_problem(f[OCOL_CANCELLED_ON], len[OCOL_CANCELLED_ON], 1));
		goto rejected;
	}
	const program_config *pc = &o->cfg.program[ord.program];
	if (!pc->available) {
		snprintf(res->reason, sizeof res->reason, "%s: service not available for %s",
			 program_name[ord.program], o->cfg.admin_year);
		goto rejected;
	}
	const long deadline = config_order_deadline(&o->cfg, (enum program)ord.program);
	if (ordered > deadline) {
		char a[24], b[24];
		fmt_date(a, sizeof a, ordered);
		fmt_date(b, sizeof b, deadline);
		snprintf(res->reason, sizeof res->reason,
			 "ordered on %s, after the %s order deadline %s",
			 a, program_name[ord.program], b);
		goto rejected;
	}
	const long earlier = find(o, ord.lea, ord.school, ord.program);
	if (earlier >= 0) {
		snprintf(res->reason, sizeof res->reason,
			 "duplicate: an active %s order for the same LEA and %s came on line %llu",
			 program_name[ord.program],
			 ord.school == ORDER_SCHOOL_NONE ? "no school (LEA-wide)" : "school",
			 (unsigned long long)o->active[earlier].line);
		goto rejected;
	}
	const long cancel_deadline = config_cancel_deadline(&o->cfg, (enum program)ord.program);
	/* docs/rules.md §15: sets an earlier wave printed under the order cannot
	 * be unprinted; its cancellation is ignored and the order stands */
	const int printed = cancelled && o->printed &&
			    o->printed(o->printed_ctx, ord.lea, ord.school, (enum program)ord.program);
	if (cancelled && cancelled <= cancel_deadline && !printed) {
		res->verdict = ORDER_CANCELLED;
		o->counts.cancelled++;
		return ST_OK;
	}
	if (printed) {
		char a[24];
		fmt_date(a, sizeof a, cancelled);
		snprintf(res->warning, sizeof res->warning,
			 "cancelled on %s, but an earlier wave printed %s sets under this order: "
			 "the cancellation is ignored and the order stands", a, program_name[ord.program]);
	} else if (cancelled) {
		char a[24], b[24];
		fmt_date(a, sizeof a, cancelled);
		fmt_date(b, sizeof b, cancel_deadline);
		snprintf(res->warning, sizeof res->warning,
			 "cancelled on %s, after the cancel deadline %s: the cancellation is ignored and the order stands",
			 a, b);
	} else if (len[OCOL_PAPER_SIZE] && ord.school != ORDER_SCHOOL_NONE) {
		snprintf(res->warning, sizeof res->warning,
			 "paper_size on a school order is ignored (only an LEA-wide order sets it)");
	} else if (letter && ord.program != PROGRAM_CAASPP) {
		snprintf(res->warning, sizeof res->warning,
			 "paper_size on an ELPAC order is ignored (only 4-page CAASPP SSRs have a paper choice)");
	}
	ord.letter_paper = (uint8_t)(letter && ord.school == ORDER_SCHOOL_NONE &&
				     ord.program == PROGRAM_CAASPP);
	ord.po_number = mem_strndup(f[OCOL_PO_NUMBER], len[OCOL_PO_NUMBER]);
	if (!ord.po_number)
		return status_fail(ST_NOMEM, "out of memory for the orders");
	if (o->n == o->cap) {
		const size_t cap = o->cap ? o->cap * 2 : 64;
		order *a = mem_realloc(o->active, cap * sizeof *a);
		if (!a) {
			mem_free(ord.po_number);
			return status_fail(ST_NOMEM, "out of memory for the orders");
		}
		o->active = a;
		o->cap = cap;
	}
	o->active[o->n++] = ord;
	if (2 * o->n > o->mask + 1) {
		if (rehash(o, o->mask * 2 + 1) != 0)
			return status_fail(ST_NOMEM, "out of memory for the orders");
	} else {
		size_t i = hash(order_key(ord.lea, ord.school, ord.program)) & o->mask;
		while (o->slot[i])
			i = (i + 1) & o->mask;
		o->slot[i] = (uint32_t)o->n;
	}
	res->verdict = ORDER_ACTIVE;
	o->counts.active++;
	if (res->warning[0])
		o->counts.warnings++;
	return ST_OK;
rejected:
	count_rejected(o, line, res->reason);
	return ST_OK;
}

const order *orders_cover(const orders *o, uint32_t lea, uint32_t school, enum program p)
{
	long i = find(o, lea, school, p);
	if (i < 0)
		i = find(o, lea, ORDER_SCHOOL_NONE, p);
	return i < 0 ? NULL : &o->active[i];
}

int orders_letter_paper(const orders *o, uint32_t lea)
{
	const long i = find(o, lea, ORDER_SCHOOL_NONE, PROGRAM_CAASPP);
	return i >= 0 && o->active[i].letter_paper;
}

size_t orders_of_lea(const orders *o, uint32_t lea, const order **out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < o->n; i++)
		if (o->active[i].lea == lea) {
			if (k < cap)
				out[k] = &o->active[i];
			k++;
		}
	return k;
}

const column_notes *orders_header_notes(const orders *o)
{
	return &o->notes;
}

const order *orders_active(const orders *o, size_t *n)
{
	*n = o->n;
	return o->active;
}

void orders_counts_get(const orders *o, order_counts *c)
{
	*c = o->counts;
}

void orders_set_printed(orders *o, orders_printed_fn fn, void *ctx)
{
	o->printed = fn;
	o->printed_ctx = ctx;
}

void orders_free(orders *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++)
		mem_free(o->active[i].po_number);
	mem_free(o->active);
	mem_free(o->slot);
	mem_free(o);
}
