/*
 * clock.h: seconds on the monotonic clock, for the phase timings runs
 * report (a difference of two readings; never a date).
 */
#ifndef SSRFILL_CLOCK_H
#define SSRFILL_CLOCK_H

double clock_now(void);

#endif
