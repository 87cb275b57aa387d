/*
 * synth.h: the deterministic synthetic statewide data generator behind
 * `ssrfill gen`.
 *
 *   synth_opts o = { .rows = 6000000, .seed = 1, .bad_rate = 0.0,
 *                    .students_path = "students.csv.zst",
 *                    .orders_path = "orders.csv" };
 *   status st = synth_run(&o);
 *
 * It writes a score reports file (docs/rules.md §3) with exactly `rows` data rows
 * and an orders file (docs/rules.md §4) whose LEAs and schools all appear in the
 * score reports file.  With .wave = 2 it writes instead the later files of
 * the same seed and rows, as ETS and the ordering system send them again
 * later in the season.  The same seed and rows give the same bytes on any
 * machine; memory use is a few MiB whatever `rows` is.
 */
#ifndef SSRFILL_SYNTH_H
#define SSRFILL_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"
#include "../io/outstream.h"

typedef struct synth_opts {
	uint64_t rows;             /* data rows of the students file, exactly (header not counted) */
	uint64_t seed;             /* same seed + same rows => byte-identical files */
	double bad_rate;           /* 0..1: fraction of rows replaced with malformed rows */
	const char *students_path; /* zstd-compressed when the name ends in ".zst"; "-" = stdout */
	const char *orders_path;   /* the orders file, plain CSV ("-" = stdout; NULL = none) */
	unsigned wave;             /* 0 or 1: the files above; 2: the later files of the same
	                            * rows and seed, with late, corrected and gone rows and
	                            * late orders (gen/synth_late.c) */
} synth_opts;

/* The largest rows value synth_run() accepts. */
#define SYNTH_MAX_ROWS UINT64_C(4000000000)

/*
 * Generate both files.  Returns ST_OK, ST_USAGE (bad options: rows above
 * SYNTH_MAX_ROWS, wave above 2, bad_rate outside 0..1, no students path,
 * both paths "-"),
 * ST_NOMEM or ST_IO, with a status_fail() detail.  On failure no half-written
 * file is left behind (standard output excepted).
 */
status synth_run(const synth_opts *o);
/* The option checks synth_run makes (ST_USAGE with a detail). */
status synth_check(const synth_opts *o);
/* Generate into streams the caller opened (students_path then only says
 * what the files are called); orders may be NULL.  Closing, renaming or
 * removing them is the caller's.  leas (may be NULL) gets the LEA
 * directory (docs/rules.md §16.1) for the LEAs with rows, a few left out. */
status synth_write(const synth_opts *o, outstream *students, outstream *orders, outstream *leas);

/* The i-th name of the generator's name tables (surnames, first and middle
 * names of every group), NULL past the last: the tests check that names
 * collate the same by the fast path as by ICU on every name `gen` makes
 * (gen joins some of them with a space or hyphen, and changes the case of
 * a few). */
const char *synth_name(size_t i);

#endif
