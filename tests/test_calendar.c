/*
 * test_calendar.c: which days exist — the rule the configuration's
 * deadlines and the orders' dates share (a deadline of 02-29 in 2019 or an
 * order dated 1900-02-29 is refused).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../base/calendar.h"

static void leap_years(void **state)
{
	(void)state;
	assert_true(calendar_day_valid(2020, 2, 29));
	assert_false(calendar_day_valid(2019, 2, 29));
	assert_false(calendar_day_valid(1900, 2, 29));   /* a century */
	assert_true(calendar_day_valid(2000, 2, 29));    /* divisible by 400 */
	assert_false(calendar_day_valid(2020, 2, 30));
}

static void month_lengths(void **state)
{
	(void)state;
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	for (int m = 1; m <= 12; m++) {
		assert_true(calendar_day_valid(2019, m, 1));
		assert_true(calendar_day_valid(2019, m, days[m - 1]));
		assert_false(calendar_day_valid(2019, m, days[m - 1] + 1));
		assert_false(calendar_day_valid(2019, m, 0));
	}
	assert_false(calendar_day_valid(2019, 0, 1));
	assert_false(calendar_day_valid(2019, 13, 1));
	assert_false(calendar_day_valid(2019, -1, 1));
	assert_false(calendar_day_valid(2019, 1, -1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(leap_years),
		cmocka_unit_test(month_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
