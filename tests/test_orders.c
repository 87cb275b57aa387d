/*
 * test_orders.c: the order rules of docs/rules.md §4 and §4 (orders.h).
 *
 * - A malformed row is rejected with the column that is wrong: LEA and
 *   school codes, program, envelopes, paper size, dates, field count,
 *   invalid UTF-8.
 * - A program not available this year: "service not available for <year>".
 * - Ordered after the program's order deadline (CAASPP 07-15, ELPAC 06-30
 *   of the admin year's end year): rejected; on the deadline: accepted.
 * - A second active order for the same (lea, school, program): rejected,
 *   naming the earlier line; a cancelled row is not active, so it does not
 *   block a later one.
 * - Cancelled on or before the cancel deadline: inactive (covers nothing);
 *   cancelled later: a warning, and the order stands.
 * - Which order covers a row: the school's own, else the LEA-wide one.
 * - Codes in any ASCII case (caaspp, y, 11X17) are the canonical ones
 *   (issue 19); a date not written YYYY-MM-DD says what is expected; the
 *   counts keep the first rejected row's line and reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../engine/config.h"
#include "../engine/orders.h"

static const char *const header[] = {
	"lea_code", "school_code", "program", "envelopes", "paper_size",
	"po_number", "ordered_on", "cancelled_on",
};
#define NCOL (sizeof header / sizeof header[0])

static orders *new_orders(const config *c)
{
	orders *o;
	assert_int_equal(orders_new(&o, c), ST_OK);
	size_t lens[NCOL];
	for (size_t i = 0; i < NCOL; i++)
		lens[i] = strlen(header[i]);
	char err[256];
	assert_int_equal(orders_set_header(o, header, lens, NCOL, err, sizeof err), 0);
	return o;
}

/* Add one row given as comma-separated fields (no quoting needed here). */
static enum order_verdict add(orders *o, const char *row, uint64_t line, order_result *res)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", row);
	const char *f[16];
	size_t len[16], n = 0;
	char *p = buf;
	for (;;) {
		char *comma = strchr(p, ',');
		f[n] = p;
		len[n] = comma ? (size_t)(comma - p) : strlen(p);
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	assert_int_equal(orders_add(o, f, len, n, line, 0, res), ST_OK);
	return res->verdict;
}

static void assert_contains(const char *s, const char *part)
{
	if (!strstr(s, part))
		fail_msg("\"%s\" does not contain \"%s\"", s, part);
}

static void a_valid_order_is_active(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	orders *o = new_orders(&c);
	order_result r;
	assert_int_equal(add(o, "1964733,,CAASPP,Y,8.5x11,PO-77,2019-03-01,", 2, &r), ORDER_ACTIVE);
	assert_string_equal(r.warning, "");
	const order *ord = orders_cover(o, 1964733, 1234567, PROGRAM_CAASPP);
	assert_non_null(ord);
	assert_int_equal(ord->school, ORDER_SCHOOL_NONE);
	assert_int_equal(ord->envelopes, 1);
	assert_string_equal(ord->po_number, "PO-77");
	assert_int_equal(orders_letter_paper(o, 1964733), 1);
	/* other programs and LEAs are not covered */
	assert_null(orders_cover(o, 1964733, 1234567, PROGRAM_ELPAC));
	assert_null(orders_cover(o, 1964734, 1234567, PROGRAM_CAASPP));
	orders_free(o);
	orders_free(NULL);
}

/* Each malformed field rejects the row and the reason names the column. */
static void malformed_rows(void **state)
{
	(void)state;
	static const struct {
		const char *row, *column;
	} bad[] = {
		{ "196473,,CAASPP,,,,2019-03-01,", "lea_code" },
		{ "19647330,,CAASPP,,,,2019-03-01,", "lea_code" },
		{ "19x4733,,CAASPP,,,,2019-03-01,", "lea_code" },
		{ ",,CAASPP,,,,2019-03-01,", "lea_code" },
		{ "1964733,12345,CAASPP,,,,2019-03-01,", "school_code" },
		{ "1964733,,SBAC,,,,2019-03-01,", "program" },
		{ "1964733,,CAASPP ,,,,2019-03-01,", "program" },     /* case ignored, spaces not */
		{ "1964733,,,,,,2019-03-01,", "program" },
		{ "1964733,,CAASPP,yes,,,2019-03-01,", "envelopes" },
		{ "1964733,,CAASPP,,A4,,2019-03-01,", "paper_size" },
		{ "1964733,,CAASPP,,,,,", "ordered_on" },
		{ "1964733,,CAASPP,,,,03/01/2019,", "ordered_on" },
		{ "1964733,,CAASPP,,,,2019-02-29,", "ordered_on" },   /* 2019 is no leap year */
		{ "1964733,,CAASPP,,,,2019-13-01,", "ordered_on" },
		{ "1964733,,CAASPP,,,,2019-04-31,", "ordered_on" },
		{ "1964733,,CAASPP,,,,2019-03-01,2019-3-5", "cancelled_on" },
	};
	config c;
	config_defaults(&c);
	orders *o = new_orders(&c);
	order_result r;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (add(o, bad[i].row, i + 2, &r) != ORDER_REJECTED)
			fail_msg("accepted: %s", bad[i].row);
		assert_contains(r.reason, bad[i].column);
	}
	/* too few or too many fields */
	assert_int_equal(add(o, "1964733,,CAASPP,,,,2019-03-01", 30, &r), ORDER_REJECTED);
	assert_contains(r.reason, "fields");
	assert_int_equal(add(o, "1964733,,CAASPP,,,,2019-03-01,,", 31, &r), ORDER_REJECTED);
	/* invalid UTF-8 in the PO number */
	assert_int_equal(add(o, "1964733,,CAASPP,,,PO\xC3,2019-03-01,", 32, &r), ORDER_REJECTED);
	assert_contains(r.reason, "po_number");
	/* none of them covers anything */
	assert_null(orders_cover(o, 1964733, 0, PROGRAM_CAASPP));
	order_counts k;
	orders_counts_get(o, &k);
	assert_int_equal(k.rows, sizeof bad / sizeof bad[0] + 3);
	assert_int_equal(k.rejected, k.rows);
	assert_int_equal(k.active, 0);
	/* a leap day is a date in a leap year */
	assert_int_equal(add(o, "1964733,,CAASPP,,,,2016-02-29,", 40, &r), ORDER_ACTIVE);
	orders_free(o);
}

static void service_not_available(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	memcpy(c.admin_year, "2020-21", sizeof "2020-21");
	c.end_year = 2021;
	c.program[PROGRAM_CAASPP].available = 0;
	orders *o = new_orders(&c);
	order_result r;
	assert_int_equal(add(o, "1964733,,CAASPP,,,,2021-03-01,", 2, &r), ORDER_REJECTED);
	assert_contains(r.reason, "service not available for 2020-21");
	assert_null(orders_cover(o, 1964733, 1, PROGRAM_CAASPP));
	/* the other program still takes orders */
	assert_int_equal(add(o, "1964733,,ELPAC,,,,2021-03-01,", 3, &r), ORDER_ACTIVE);
	orders_free(o);
}

/* Deadlines fall in the end year of admin_year; the day itself is in time. */
static void order_deadline(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	orders *o = new_orders(&c);
	order_result r;
	assert_int_equal(add(o, "1000001,,CAASPP,,,,2019-07-15,", 2, &r), ORDER_ACTIVE);
	assert_int_equal(add(o, "1000002,,CAASPP,,,,2019-07-16,", 3, &r), ORDER_REJECTED);
	assert_contains(r.reason, "deadline");
	assert_contains(r.reason, "2019-07-15");
	assert_int_equal(add(o, "1000003,,ELPAC,,,,2019-06-30,", 4, &r), ORDER_ACTIVE);
	assert_int_equal(add(o, "1000004,,ELPAC,,,,2019-07-01,", 5, &r), ORDER_REJECTED);
	assert_contains(r.reason, "2019-06-30");
	/* a year late is late even on the same day of the year */
	assert_int_equal(add(o, "1000005,,CAASPP,,,,2020-03-01,", 6, &r), ORDER_REJECTED);
	assert_null(orders_cover(o, 1000002, 1, PROGRAM_CAASPP));
	assert_null(orders_cover(o, 1000004, 1, PROGRAM_ELPAC));
	orders_free(o);

	/* a configured deadline moves it */
	c.program[PROGRAM_CAASPP].order_deadline_mmdd = 801;
	o = new_orders(&c);
	assert_int_equal(add(o, "1000002,,CAASPP,,,,2019-07-16,", 2, &r), ORDER_ACTIVE);
	assert_int_equal(add(o, "1000003,,CAASPP,,,,2019-08-02,", 3, &r), ORDER_REJECTED);
	orders_free(o);
}

static void duplicate_active_order(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	orders *o = new_orders(&c);
	order_result r;
	assert_int_equal(add(o, "1964733,,CAASPP,N,,PO-1,2019-03-01,", 7, &r), ORDER_ACTIVE);
	assert_int_equal(add(o, "1964733,,CAASPP,Y,,PO-2,2019-03-02,", 9, &r), ORDER_REJECTED);
	assert_contains(r.reason, "duplicate");
	assert_contains(r.reason, "line 7");
	/* the first by input order is the one that stands */
	const order *ord = orders_cover(o, 1964733, 5, PROGRAM_CAASPP);
	assert_non_null(ord);
	assert_int_equal(ord->envelopes, 0);
	assert_string_equal(ord->po_number, "PO-1");
	/* another school, another program: not duplicates */
	assert_int_equal(add(o, "1964733,0000005,CAASPP,Y,,,2019-03-02,", 10, &r), ORDER_ACTIVE);
	assert_int_equal(add(o, "1964733,,ELPAC,,,,2019-03-02,", 11, &r), ORDER_ACTIVE);
	assert_int_equal(add(o, "1964733,0000005,CAASPP,,,,2019-03-03,", 12, &r), ORDER_REJECTED);
	assert_contains(r.reason, "line 10");
	order_counts k;
	orders_counts_get(o, &k);
	assert_int_equal(k.active, 3);
	assert_int_equal(k.rejected, 2);
	orders_free(o);
}

/* A cancelled row is not active: it neither covers rows nor blocks a
 * later order for the same (lea, school, program). */
static void cancelled_row_does_not_block(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	orders *o = new_orders(&c);
	order_result r;
	assert_int_equal(add(o, "1964733,,CAASPP,Y,,,2019-03-01,2019-04-01", 2, &r), ORDER_CANCELLED);
	assert_null(orders_cover(o, 1964733, 5, PROGRAM_CAASPP));
	assert_int_equal(add(o, "1964733,,CAASPP,N,,,2019-05-01,", 3, &r), ORDER_ACTIVE);
	const order *ord = orders_cover(o, 1964733, 5, PROGRAM_CAASPP);
	assert_non_null(ord);
	assert_int_equal(ord->envelopes, 0);
	orders_free(o);
}

/* Cancel deadline 07-15: on it, the order is cancelled; a day later the
 * cancellation is ignored with a warning and the order stands. */
static void cancel_deadline(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	orders *o = new_orders(&c);
	order_result r;
	assert_int_equal(add(o, "1000001,,CAASPP,,,,2019-03-01,2019-07-15", 2, &r), ORDER_CANCELLED);
	assert_null(orders_cover(o, 1000001, 1, PROGRAM_CAASPP));
	assert_int_equal(add(o, "1000002,,CAASPP,Y,,,2019-03-01,2019-07-16", 3, &r), ORDER_ACTIVE);
	assert_contains(r.warning, "cancel");
	assert_contains(r.warning, "2019-07-15");
	const order *ord = orders_cover(o, 1000002, 1, PROGRAM_CAASPP);
	assert_non_null(ord);
	assert_int_equal(ord->envelopes, 1);
	order_counts k;
	orders_counts_get(o, &k);
	assert_int_equal(k.cancelled, 1);
	assert_int_equal(k.active, 1);
	assert_int_equal(k.warnings, 1);
	assert_int_equal(k.rows, 2);
	orders_free(o);
}

/* A later wave (docs/rules.md §15.2): what an earlier wave printed. */
static int printed_in_1964733_school_1234567(void *ctx, uint32_t lea, uint32_t school, enum program p)
{
	int *asked = ctx;
	(*asked)++;
	return lea == 1964733 && (school == 1234567 || school == ORDER_SCHOOL_NONE) && p == PROGRAM_CAASPP;
}

/* A cancellation, in time or not, of an order whose scope has printed sets
 * is ignored with a warning and the order stands; one whose scope printed
 * nothing (another school, another program) is cancelled as before. */
static void cancellation_under_printed_sets_is_ignored(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	orders *o = new_orders(&c);
	int asked = 0;
	orders_set_printed(o, printed_in_1964733_school_1234567, &asked);
	order_result r;
	assert_int_equal(add(o, "1964733,1234567,CAASPP,Y,,,2019-03-01,2019-04-01", 2, &r), ORDER_ACTIVE);
	assert_contains(r.warning, "earlier wave");
	assert_contains(r.warning, "2019-04-01");
	const order *ord = orders_cover(o, 1964733, 1234567, PROGRAM_CAASPP);
	assert_non_null(ord);
	assert_int_equal(ord->envelopes, 1);
	assert_int_equal(add(o, "1964733,7654321,CAASPP,Y,,,2019-03-01,2019-04-01", 3, &r), ORDER_CANCELLED);
	assert_int_equal(add(o, "1964733,1234567,ELPAC,,,,2019-03-01,2019-04-01", 4, &r), ORDER_CANCELLED);
	assert_int_equal(add(o, "1964733,,CAASPP,N,,,2019-03-01,2019-04-01", 5, &r), ORDER_ACTIVE);
	assert_contains(r.warning, "earlier wave");
	/* a row not cancelled never asks */
	const int before = asked;
	assert_int_equal(add(o, "1000001,,CAASPP,Y,,,2019-03-01,", 6, &r), ORDER_ACTIVE);
	assert_int_equal(asked, before);
	order_counts k;
	orders_counts_get(o, &k);
	assert_int_equal(k.cancelled, 2);
	assert_int_equal(k.active, 3);
	orders_free(o);
}

/* The school's own order covers its rows; other schools of the LEA fall
 * to the LEA-wide order; paper size comes from the LEA-wide CAASPP order
 * only (a school row's is ignored with a warning). */
static void school_order_before_lea_order(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	orders *o = new_orders(&c);
	order_result r;
	assert_int_equal(add(o, "1964733,,CAASPP,N,,LEA-PO,2019-03-01,", 2, &r), ORDER_ACTIVE);
	assert_int_equal(add(o, "1964733,0000009,CAASPP,Y,8.5x11,SCH-PO,2019-03-01,", 3, &r),
			 ORDER_ACTIVE);
	assert_contains(r.warning, "paper_size");
	const order *own = orders_cover(o, 1964733, 9, PROGRAM_CAASPP);
	assert_non_null(own);
	assert_int_equal(own->school, 9);
	assert_int_equal(own->envelopes, 1);
	const order *lea = orders_cover(o, 1964733, 8, PROGRAM_CAASPP);
	assert_non_null(lea);
	assert_int_equal(lea->school, ORDER_SCHOOL_NONE);
	assert_int_equal(lea->envelopes, 0);
	assert_int_equal(orders_letter_paper(o, 1964733), 0);
	/* an ELPAC order's paper size does not choose CAASPP paper either */
	assert_int_equal(add(o, "2000000,,ELPAC,,8.5x11,,2019-03-01,", 4, &r), ORDER_ACTIVE);
	assert_int_equal(orders_letter_paper(o, 2000000), 0);
	/* PO numbers of an LEA's active orders, in input order */
	const order *mine[4];
	assert_int_equal(orders_of_lea(o, 1964733, mine, 4), 2);
	assert_string_equal(mine[0]->po_number, "LEA-PO");
	assert_string_equal(mine[1]->po_number, "SCH-PO");
	orders_free(o);
}

/* Many orders: the index grows and every one is still found. */
static void many_orders(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	orders *o = new_orders(&c);
	order_result r;
	char row[128];
	for (unsigned i = 0; i < 3000; i++) {
		snprintf(row, sizeof row, "%07u,%07u,%s,%s,,,2019-03-01,", 1000000 + i / 10, i % 10,
			 i % 3 ? "CAASPP" : "ELPAC", i % 2 ? "Y" : "N");
		assert_int_equal(add(o, row, i + 2, &r), ORDER_ACTIVE);
	}
	for (unsigned i = 0; i < 3000; i++) {
		const order *ord = orders_cover(o, 1000000 + i / 10, i % 10,
						i % 3 ? PROGRAM_CAASPP : PROGRAM_ELPAC);
		assert_non_null(ord);
		assert_int_equal(ord->line, i + 2);
		assert_int_equal(ord->envelopes, i % 2);
	}
	/* and every one still refuses its duplicate */
	assert_int_equal(add(o, "1000299,0000009,CAASPP,,,,2019-03-01,", 9999, &r), ORDER_REJECTED);
	orders_free(o);
}


/* issue 19: codes ignore ASCII case and are kept canonical */
static void codes_in_any_case(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	orders *o = new_orders(&c);
	order_result r;
	assert_int_equal(add(o, "1964733,,caaspp,y,8.5X11,PO-1,2019-03-01,", 2, &r), ORDER_ACTIVE);
	assert_string_equal(r.warning, "");
	assert_int_equal(add(o, "1964733,,Elpac,n,,PO-2,2019-03-01,", 3, &r), ORDER_ACTIVE);
	assert_int_equal(add(o, "1964734,,CaAsPp,N,11X17,,2019-03-01,", 4, &r), ORDER_ACTIVE);
	const order *ord = orders_cover(o, 1964733, 1, PROGRAM_CAASPP);
	assert_non_null(ord);
	assert_int_equal(ord->program, PROGRAM_CAASPP);
	assert_int_equal(ord->envelopes, 1);
	assert_int_equal(orders_letter_paper(o, 1964733), 1);
	assert_int_equal(orders_letter_paper(o, 1964734), 0);
	ord = orders_cover(o, 1964733, 1, PROGRAM_ELPAC);
	assert_non_null(ord);
	assert_int_equal(ord->envelopes, 0);
	/* a second order in other case is the same order: a duplicate */
	assert_int_equal(add(o, "1964733,,CAASPP,Y,,PO-3,2019-03-02,", 5, &r), ORDER_REJECTED);
	assert_contains(r.reason, "duplicate");
	assert_contains(r.reason, "line 2");
	/* non-ASCII look-alikes are not folded (a fullwidth c) */
	assert_int_equal(add(o, "1964735,,\xef\xbd\x83" "aaspp,,,,2019-03-01,", 6, &r), ORDER_REJECTED);
	assert_contains(r.reason, "column 3 (program): must be CAASPP or ELPAC");
	orders_free(o);
}

/* issue 19: a date that is not YYYY-MM-DD says what is expected; the first
 * rejected row's line and reason are kept for the run's warning */
static void dates_say_what_they_expect(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	orders *o = new_orders(&c);
	order_result r;
	assert_int_equal(add(o, "1964733,,CAASPP,,,,2019-03-01,", 2, &r), ORDER_ACTIVE);
	assert_int_equal(add(o, "1964734,,CAASPP,,,,2019/05/01,", 3, &r), ORDER_REJECTED);
	assert_string_equal(r.reason, "column 7 (ordered_on): must be a date written YYYY-MM-DD, like 2019-05-01 "
			    "(not with '/' or '.', not month first)");
	char first[256];
	snprintf(first, sizeof first, "%s", r.reason);
	assert_int_equal(add(o, "1964735,,CAASPP,,,,05/01/2019,", 4, &r), ORDER_REJECTED);
	assert_contains(r.reason, "YYYY-MM-DD");
	assert_contains(r.reason, "not month first");
	assert_int_equal(add(o, "1964736,,CAASPP,,,,2019-5-1,", 5, &r), ORDER_REJECTED);
	assert_contains(r.reason, "four-digit year first, two-digit month and day");
	assert_int_equal(add(o, "1964737,,CAASPP,,,,2019-02-30,", 6, &r), ORDER_REJECTED);
	assert_string_equal(r.reason, "column 7 (ordered_on): is not a calendar day (YYYY-MM-DD from 1900-01-01 on)");
	assert_int_equal(add(o, "1964738,,CAASPP,,,,May 1 2019,", 7, &r), ORDER_REJECTED);
	assert_string_equal(r.reason, "column 7 (ordered_on): must be a date written YYYY-MM-DD, like 2019-05-01");
	assert_int_equal(add(o, "1964739,,CAASPP,,,,2019-03-01,2019.07.01", 8, &r), ORDER_REJECTED);
	assert_contains(r.reason, "column 8 (cancelled_on): must be blank or a date written YYYY-MM-DD");
	/* no reason repeats the value */
	assert_null(strstr(r.reason, "2019.07.01"));
	order_counts k;
	orders_counts_get(o, &k);
	assert_int_equal(k.rejected, 6);
	assert_int_equal(k.first_rejected_line, 3);
	assert_string_equal(k.first_reason, first);
	/* a row rejected by the reader counts too, with its line */
	orders *o2 = new_orders(&c);
	orders_add_rejected(o2, 9, "more than 1024 fields, over the column limit", &r);
	orders_counts_get(o2, &k);
	assert_int_equal(k.first_rejected_line, 9);
	assert_string_equal(k.first_reason, "more than 1024 fields, over the column limit");
	orders_free(o2);
	orders_free(o);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_valid_order_is_active),
		cmocka_unit_test(malformed_rows),
		cmocka_unit_test(service_not_available),
		cmocka_unit_test(order_deadline),
		cmocka_unit_test(duplicate_active_order),
		cmocka_unit_test(cancelled_row_does_not_block),
		cmocka_unit_test(cancel_deadline),
		cmocka_unit_test(cancellation_under_printed_sets_is_ignored),
		cmocka_unit_test(school_order_before_lea_order),
		cmocka_unit_test(many_orders),
		cmocka_unit_test(codes_in_any_case),
		cmocka_unit_test(dates_say_what_they_expect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
