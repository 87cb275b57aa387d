/*
 * progress_line.h: the progress line of SPEC §4 on standard error, when it
 * is a terminal: the phase, the rows, MB/s, and the percentage and ETA
 * when the total is known, redrawn in place at most ten times a second by
 * a thread of its own from base/progress.h's counters.
 *
 *   progress_line_start("run", quiet, 0);  // after the pre-job checks
 *   ... the job; its warnings through progress_line_printf()
 *   progress_line_stop();                  // clears it, before the summary
 *
 * Nothing is drawn (and no thread started) with --quiet, when standard
 * error is not a terminal (a pipe, a file, a log), when TERM is unset,
 * empty or "dumb", or when the command writes its output to standard
 * output and that is the terminal too.  While the process is in the
 * background of its terminal the line is not drawn.
 */
#ifndef SSRFILL_PROGRESS_LINE_H
#define SSRFILL_PROGRESS_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/progress.h"

void progress_line_start(const char *cmd, int quiet, int uses_stdout);
/* Stop the thread and clear the line; a no-op when none was started. */
void progress_line_stop(void);
/* One line on standard error ("\n" added), never mixed with the progress
 * line: the line is cleared first and redrawn at the next tick. */
void progress_line_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Clear the line now (it comes back at the next tick); for a caller that
 * prints on its own, progress_line_printf is the safe way. */
void progress_line_clear(void);

/* ---- the text of the line, apart from the terminal (unit-tested) ---- */

#define PROGRESS_METER_SAMPLES 32   /* 3.2 s of ticks at 10 a second */

/* The recent samples of one phase, for the rate: the rate is the change
 * over the samples kept (about the last three seconds), so it follows a
 * disk that slows down without jumping at every tick. */
typedef struct progress_meter {
	uint64_t seq;            /* the phase these samples are of */
	size_t n, next;
	struct { double t; uint64_t bytes, rows; } s[PROGRESS_METER_SAMPLES];
} progress_meter;

void progress_meter_init(progress_meter *m);
/* The line for snapshot s at time now (clock_now() seconds) for command
 * cmd, at most width - 1 characters (a line as wide as the terminal would
 * wrap and could not be redrawn in place), into out; records the sample.
 * Returns its length (0 when there is no phase). */
size_t progress_line_format(progress_meter *m, const progress_snap *s, double now, const char *cmd,
			    int width, char *out, size_t cap);
/* "1,234,567" */
void progress_line_thousands(uint64_t v, char *out, size_t cap);
/* "0:07", "12:34", "1:02:03": whole seconds, the fraction dropped */
void progress_line_duration(double seconds, char *out, size_t cap);

#endif
