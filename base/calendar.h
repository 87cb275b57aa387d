/*
 * calendar.h: the Gregorian calendar, for the dates ssrfill reads: the
 * deadlines of the configuration (MM-DD in the end year of admin_year) and
 * the order dates of the orders file (YYYY-MM-DD).  Each reader parses its
 * own format and asks here whether the day exists.
 *
 *   if (!calendar_day_valid(2019, 2, 29)) ...   // 2019 is not a leap year
 */
#ifndef SSRFILL_CALENDAR_H
#define SSRFILL_CALENDAR_H

/* Nonzero when month (1-12) has a day `day` in `year`. */
int calendar_day_valid(int year, int month, int day);

#endif
