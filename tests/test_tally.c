/*
 * test_tally.c: a run's counts and their reconciliation (docs/rules.md
 * §12): the sums over shipments, and a failure that says which count is
 * off, in numbers, since the output folder it would be read from is gone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../engine/tally.h"

/* 100 rows: 4 rejected, 60 printed (40 August, 15 winter, 5 ELPAC), 36
 * electronic only; every printed set packed and invoiced. */
static run_summary balanced(void)
{
	run_summary s;
	memset(&s, 0, sizeof s);
	s.rows = 100;
	s.rejected = 4;
	s.electronic = 36;
	const uint64_t sets[SHIP_COUNT] = { 40, 15, 5 };
	for (int i = 0; i < SHIP_COUNT; i++) {
		s.ship[i].printed = s.ship[i].packed = s.ship[i].invoiced = sets[i];
		s.ship[i].boxes = (uint64_t)i + 1;
		s.ship[i].gross_mg = 1000 * (i + 1);
	}
	s.leas = 2;
	return s;
}

static void sums_over_shipments(void **state)
{
	(void)state;
	const run_summary s = balanced();
	run_ship all;
	tally_overall(&s, &all);
	assert_int_equal(all.printed, 60);
	assert_int_equal(all.invoiced, 60);
	assert_int_equal(all.boxes, 6);
	assert_int_equal(all.gross_mg, 6000);
	assert_int_equal(all.leas, 2);   /* distinct LEAs, not a sum */
}

static void balanced_counts_reconcile(void **state)
{
	(void)state;
	const run_summary s = balanced();
	char why[256] = "x";
	assert_true(tally_reconcile(&s, why, sizeof why));
	assert_string_equal(why, "");
}

static void a_lost_row_is_named_with_the_counts(void **state)
{
	(void)state;
	run_summary s = balanced();
	s.rows = 101;
	char why[256];
	assert_false(tally_reconcile(&s, why, sizeof why));
	assert_string_equal(why, "101 rows read, but 4 rejected + 60 printed + 0 printed earlier + "
			    "36 electronic only = 100");
}

/* A later wave (docs/rules.md §15): the rows an earlier wave printed count
 * towards the rows read, and leaving them out is named. */
static void rows_printed_earlier_reconcile(void **state)
{
	(void)state;
	run_summary s = balanced();
	s.rows += 7;
	char why[256];
	assert_false(tally_reconcile(&s, why, sizeof why));
	s.printed_earlier = 7;
	assert_true(tally_reconcile(&s, why, sizeof why));
	s.printed_earlier = 8;
	assert_false(tally_reconcile(&s, why, sizeof why));
	assert_string_equal(why, "107 rows read, but 4 rejected + 60 printed + 8 printed earlier + "
			    "36 electronic only = 108");
}

static void a_set_not_packed_names_its_shipment(void **state)
{
	(void)state;
	run_summary s = balanced();
	s.ship[SHIP_WINTER].packed = 14;
	char why[256];
	assert_false(tally_reconcile(&s, why, sizeof why));
	assert_string_equal(why, "winter: 15 sets printed, 14 packed, 15 invoiced");
	s = balanced();
	s.ship[SHIP_ELPAC].invoiced = 6;
	assert_false(tally_reconcile(&s, why, sizeof why));
	assert_string_equal(why, "elpac: 5 sets printed, 5 packed, 6 invoiced");
}

/* docs/rules.md §15.5: a reprint's rows it did not choose are counted;
 * a free one invoices nothing, a billed one every set */
static void a_reprint_reconciles_free_or_billed(void **state)
{
	(void)state;
	run_summary s = balanced();
	s.reprint = TALLY_REPRINT_SSID;
	s.rows += 900;
	char why[256];
	assert_false(tally_reconcile(&s, why, sizeof why));
	assert_string_equal(why, "1000 rows read, but 4 rejected + 60 printed + 0 printed earlier + "
			    "36 electronic only + 0 not reprinted = 100");
	s.not_reprinted = 900;
	s.reprint_billed = 1;
	assert_true(tally_reconcile(&s, why, sizeof why));
	s.reprint_billed = 0;   /* free: nothing may be invoiced */
	assert_false(tally_reconcile(&s, why, sizeof why));
	assert_string_equal(why, "august: 40 sets printed, 40 packed, 40 invoiced");
	for (int i = 0; i < SHIP_COUNT; i++)
		s.ship[i].invoiced = 0;
	assert_true(tally_reconcile(&s, why, sizeof why));
	s.reprint = TALLY_RUN;   /* a run invoices every set */
	s.not_reprinted = 0;
	s.rows = 100;
	assert_false(tally_reconcile(&s, why, sizeof why));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sums_over_shipments),
		cmocka_unit_test(balanced_counts_reconcile),
		cmocka_unit_test(a_lost_row_is_named_with_the_counts),
		cmocka_unit_test(rows_printed_earlier_reconcile),
		cmocka_unit_test(a_set_not_packed_names_its_shipment),
		cmocka_unit_test(a_reprint_reconciles_free_or_billed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
