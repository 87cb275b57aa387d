/*
 * calendar.c: which days exist (see calendar.h).  February has 29 days in
 * a leap year: one divisible by 4, except a century year not divisible by
 * 400 (1900 is not a leap year, 2000 is).
 */
#include "calendar.h"

static int is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int calendar_day_valid(int year, int month, int day)
{
	static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month < 1 || month > 12 || day < 1 || day > days[month - 1])
		return 0;
	return !(month == 2 && day == 29 && !is_leap(year));
}
