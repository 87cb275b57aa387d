/*
 * synth.c: the deterministic synthetic statewide file behind `ssrfill gen`
 * (see synth.h): a score reports file (docs/rules.md §3) and an orders file
 * (docs/rules.md §4) that look like a real California administration year.
 * This file is the driver; the work is done by the other gen/ files, whose
 * private interface is synth_internal.h.
 *
 * API.  synth_run(&opts) is the whole interface: it checks the options,
 * opens both outputs, builds the world, streams the rows, writes the orders
 * and closes (orders first, so a failure there can still remove the
 * students file).  synth_write does the same into streams the caller
 * opened.
 *
 * Determinism.  Every choice comes from xoshiro256** generators seeded
 * with splitmix64 from opts->seed (synth_rng.h), one stream per purpose:
 * the world (LEAs, schools), the students, the malformed rows and the
 * orders.  Only integer arithmetic decides anything (the one double,
 * bad_rate, is turned into a 32-bit threshold once), so the bytes are the
 * same on any machine.  The bad-row stream is separate, so a file with
 * malformed rows is the clean file with rows slipped in (and cut at
 * `rows`).
 *
 * The run, in order:
 *   synth_world_build     LEAs and schools, sized by rows (synth_world.c,
 *                         synth_schools.c)
 *   synth_rows_init, synth_people_init, synth_places_init
 *                         grade and language shares, SSID keys, counties
 *   synth_rows_write      the students file: students drawn one by one
 *                         (synth_rows.c, with synth_people.c,
 *                         synth_names.c and synth_places.c), and malformed
 *                         rows among them (synth_bad.c)
 *   synth_orders_write    the orders file, for the schools that got rows
 *                         (synth_orders.c)
 *
 * A wave 2 (opts->wave) calls synth_late_write instead of synth_rows_write:
 * wave 1's rows drawn again, with late, corrected and gone rows from a
 * fifth stream (synth_late.c), and synth_orders_write adds late orders.
 *
 * Memory stays a few MiB whatever `rows` is: the world stops growing at
 * 1,000 LEAs and no row is held but the ring of recent rows the duplicates
 * are copied from.
 */
#include "synth.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../base/mem.h"
#include "../io/outstream.h"
#include "synth_internal.h"

static void synth_free(synth *s)
{
	if (!s)
		return;
	synth_world_release(s);
	for (unsigned k = 0; k < SYNTH_N_COUNTIES; k++)
		mem_free(s->county_places[k]);
	mem_free(s);
}

static int ends_with(const char *s, const char *suffix)
{
	const size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

status synth_check(const synth_opts *o)
{
	if (!o->students_path || !*o->students_path)
		return status_fail(ST_USAGE, "gen: no students file given");
	if (o->orders_path && !*o->orders_path)
		return status_fail(ST_USAGE, "gen: empty orders file name");
	if (o->orders_path && strcmp(o->students_path, "-") == 0 && strcmp(o->orders_path, "-") == 0)
		return status_fail(ST_USAGE, "gen: students and orders cannot both go to standard output");
	if (o->rows > SYNTH_MAX_ROWS)
		return status_fail(ST_USAGE, "gen: --rows %llu is more than %llu",
				   (unsigned long long)o->rows, (unsigned long long)SYNTH_MAX_ROWS);
	if (o->wave > 2)
		return status_fail(ST_USAGE, "gen: --wave must be 1 or 2");
	if (!(o->bad_rate >= 0.0 && o->bad_rate <= 1.0))
		return status_fail(ST_USAGE, "gen: bad row rate must be between 0 and 1");
	return ST_OK;
}

status synth_write(const synth_opts *o, outstream *students, outstream *orders, outstream *leas)
{
	status st = synth_check(o);
	if (st != ST_OK)
		return st;
	synth *s = mem_calloc(1, sizeof *s);
	if (!s)
		return status_fail(ST_NOMEM, "synth: out of memory");
	s->seed = o->seed;
	s->wave = o->wave ? o->wave : 1;
	rng_seed(&s->r_world, o->seed, 1);
	rng_seed(&s->r_main, o->seed, 2);
	rng_seed(&s->r_bad, o->seed, 3);
	rng_seed(&s->r_orders, o->seed, 4);
	rng_seed(&s->r_late, o->seed, 5);
	st = synth_world_build(s, o->rows);
	if (st == ST_OK) {
		synth_rows_init(s);
		synth_people_init(s);
		st = synth_places_init(s);
	}
	if (st != ST_OK) {
		synth_free(s);
		return st;
	}

	s->out = students;
	/* bad_rate as a 32-bit threshold: the only floating point, done once. */
	const uint64_t bad_threshold = (uint64_t)(o->bad_rate * 4294967296.0);
	if (s->wave == 2)
		st = synth_late_write(s, o->rows, bad_threshold);
	else
		synth_rows_write(s, o->rows, bad_threshold);

	if (st == ST_OK && orders)
		st = synth_orders_write(s, orders);
	if (st == ST_OK && leas)
		st = synth_leas_write(s, leas);
	synth_free(s);
	return st;
}

status synth_run(const synth_opts *o)
{
	status st = synth_check(o);
	if (st != ST_OK)
		return st;
	outstream *students = NULL, *orders = NULL;
	st = outstream_open(&students, o->students_path,
			    ends_with(o->students_path, ".zst") ? OUT_ZSTD : 0);
	if (st == ST_OK && o->orders_path)
		st = outstream_open(&orders, o->orders_path, 0);
	if (st == ST_OK)
		st = synth_write(o, students, orders, NULL);
	/* Orders first: if they fail the students file can still go. */
	if (st == ST_OK) {
		st = outstream_close(orders);
		orders = NULL;
	}
	if (st == ST_OK) {
		st = outstream_close(students);
		students = NULL;
	}
	outstream_abort(orders);   /* each removed only if this call made it */
	outstream_abort(students);
	return st;
}
