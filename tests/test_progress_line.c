/*
 * test_progress_line.c: the text of the progress line (cli/progress_line.c)
 * on a fake clock: the percentage, the rows, MB/s over the last seconds,
 * the ETA, the time a phase without a total has taken, a new phase
 * starting afresh, and a line never as wide as the terminal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../cli/progress_line.h"

static const char *fmt(progress_meter *m, const progress_snap *s, double now, int width)
{
	static char out[256];
	progress_line_format(m, s, now, "sort", width, out, sizeof out);
	return out;
}

static void thousands_and_durations(void **state)
{
	(void)state;
	char b[32];
	progress_line_thousands(0, b, sizeof b);
	assert_string_equal(b, "0");
	progress_line_thousands(999, b, sizeof b);
	assert_string_equal(b, "999");
	progress_line_thousands(1000, b, sizeof b);
	assert_string_equal(b, "1,000");
	progress_line_thousands(1234567, b, sizeof b);
	assert_string_equal(b, "1,234,567");
	progress_line_thousands(UINT64_MAX, b, sizeof b);
	assert_string_equal(b, "18,446,744,073,709,551,615");
	progress_line_thousands(1234567, b, 4);   /* cut, still a string */
	assert_int_equal(strlen(b), 3);
	progress_line_duration(0, b, sizeof b);
	assert_string_equal(b, "0:00");
	progress_line_duration(7.9, b, sizeof b);
	assert_string_equal(b, "0:07");
	progress_line_duration(754, b, sizeof b);
	assert_string_equal(b, "12:34");
	progress_line_duration(3723, b, sizeof b);
	assert_string_equal(b, "1:02:03");
	progress_line_duration(-1, b, sizeof b);
	assert_string_equal(b, "0:00");
}

/* A 100 MB file read at 50 MB/s: the percentage from the start; the rate
 * once a fifth of a second has passed; the ETA from half a second, rounded
 * up. */
static void reading_a_file(void **state)
{
	(void)state;
	progress_meter m;
	progress_meter_init(&m);
	progress_snap s = { .phase = "reading", .seq = 2, .started = 10.0, .total_bytes = 100000000 };
	s.bytes = 5000000;
	s.rows = 33792;
	assert_string_equal(fmt(&m, &s, 10.1, 80), "ssrfill sort: reading 5%, 33,792 rows");
	s.bytes = 50000000;
	s.rows = 337920;
	assert_string_equal(fmt(&m, &s, 11.0, 80), "ssrfill sort: reading 50%, 337,920 rows, 50.0 MB/s, ETA 0:01");
	s.bytes = 99000000;
	assert_string_equal(fmt(&m, &s, 11.99, 80),
			    "ssrfill sort: reading 99%, 337,920 rows, 49.7 MB/s, ETA 0:01");
	/* a file that grew while read: never more than 100%, no ETA */
	s.bytes = 120000000;
	assert_string_equal(fmt(&m, &s, 12.4, 80), "ssrfill sort: reading 100%, 337,920 rows, 50.0 MB/s");
}

/* The rate is the last few seconds', so a disk that slows down shows it
 * (an average since the start would still say 10 MB/s). */
static void rate_follows_the_last_seconds(void **state)
{
	(void)state;
	progress_meter m;
	progress_meter_init(&m);
	progress_snap s = { .phase = "reading", .seq = 4, .started = 0, .total_bytes = 1000000000 };
	double t = 0;
	for (int i = 1; i <= 100; i++) {   /* 10 s at 10 MB/s */
		t = i * 0.1;
		s.bytes += 1000000;
		fmt(&m, &s, t, 200);
	}
	assert_non_null(strstr(fmt(&m, &s, t + 0.1, 200), ", 9.7 MB/s"));   /* no new bytes for a tick */
	for (int i = 1; i <= 40; i++) {    /* then 4 s at 1 MB/s */
		s.bytes += 100000;
		fmt(&m, &s, t + 0.1 + i * 0.1, 200);
	}
	const char *line = fmt(&m, &s, t + 4.2, 200);
	assert_non_null(strstr(line, ", 1.0 MB/s"));
	/* 896 MB left at 3 MB in the last 3.1 s: 926 s */
	assert_string_equal(line, "ssrfill sort: reading 10%, 1.0 MB/s, ETA 15:26");
}

/* A new phase starts from zero: its own percentage from rows, rows a
 * second and no bytes; a phase without a total says how long it has run. */
static void phases_with_rows_or_no_total(void **state)
{
	(void)state;
	progress_meter m;
	progress_meter_init(&m);
	progress_snap s = { .phase = "reading", .seq = 2, .started = 0, .total_bytes = 1000, .bytes = 900,
			    .rows = 9000 };
	fmt(&m, &s, 1.0, 80);
	s = (progress_snap){ .phase = "sorting", .seq = 4, .started = 1.0 };
	assert_string_equal(fmt(&m, &s, 1.1, 80), "ssrfill sort: sorting");
	assert_string_equal(fmt(&m, &s, 1.9, 80), "ssrfill sort: sorting");
	assert_string_equal(fmt(&m, &s, 4.5, 80), "ssrfill sort: sorting (0:03)");
	assert_string_equal(fmt(&m, &s, 62.0, 80), "ssrfill sort: sorting (1:01)");
	s = (progress_snap){ .phase = "writing", .seq = 6, .started = 62.0, .total_rows = 40000, .rows = 10240 };
	assert_string_equal(fmt(&m, &s, 63.0, 80), "ssrfill sort: writing 25%, 10,240 rows, 10,240 rows/s, ETA 0:03");
	s.rows = 40000;
	assert_string_equal(fmt(&m, &s, 64.0, 80), "ssrfill sort: writing 100%, 40,000 rows, 20,000 rows/s");
	/* standard input: bytes but no total; MB/s and the time taken */
	s = (progress_snap){ .phase = "reading", .seq = 8, .started = 0, .bytes = 250000000, .rows = 1500000 };
	assert_string_equal(fmt(&m, &s, 2.0, 80), "ssrfill sort: reading, 1,500,000 rows, 125 MB/s (0:02)");
}

/* Never as wide as the terminal (the cursor would wrap to a new line and
 * "\r" could not redraw it); no phase draws nothing. */
static void width_and_no_phase(void **state)
{
	(void)state;
	progress_meter m;
	progress_meter_init(&m);
	progress_snap s = { .phase = "reading", .seq = 2, .started = 0, .total_bytes = 100, .bytes = 50,
			    .rows = 123456789 };
	char full[256], cut[256];
	progress_line_format(&m, &s, 1.0, "run", 200, full, sizeof full);
	assert_true(strlen(full) > 40);
	progress_meter_init(&m);
	const size_t n = progress_line_format(&m, &s, 1.0, "run", 30, cut, sizeof cut);
	assert_int_equal(n, 29);
	assert_int_equal(strlen(cut), 29);
	assert_memory_equal(cut, full, 29);
	progress_meter_init(&m);
	assert_int_equal(progress_line_format(&m, &s, 1.0, "run", 0, cut, sizeof cut), strlen(full) < 79 ? strlen(full) : 79);
	s.phase = NULL;
	assert_int_equal(progress_line_format(&m, &s, 2.0, "run", 80, cut, sizeof cut), 0);
	assert_string_equal(cut, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(thousands_and_durations),
		cmocka_unit_test(reading_a_file),
		cmocka_unit_test(rate_follows_the_last_seconds),
		cmocka_unit_test(phases_with_rows_or_no_total),
		cmocka_unit_test(width_and_no_phase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
