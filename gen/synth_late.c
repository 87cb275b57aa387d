/*
 * synth_late.c: the students file of a second wave (`ssrfill gen --wave
 * 2`): the full statewide file again, as ETS sends it later in the season,
 * for the wave logic of a run with a ledger to read after wave 1's file.
 *
 *   synth_late_write(s, rows, threshold)  instead of synth_rows_write
 *   (synth_orders.c then adds the late orders when s->wave is 2)
 *
 * Wave 1 is not read back: its rows are drawn again from the same seed,
 * in the same order, by the same code (synth_rows_next), so memory stays
 * what wave 1 takes whatever `rows` is, and the same seed, rows and bad
 * row rate give the same wave 2.  Every choice that makes wave 2 differ
 * comes from a stream of its own, s->r_late, so wave 1's streams (and the
 * malformed rows) are drawn exactly as in wave 1.  Of wave 1's rows:
 *
 *   gone       0.5% of the good rows, one by one (a score withdrawn);
 *   corrected  1% of the students: all their rows with the last name
 *              spelled right (two letters swapped back) or, for a name
 *              that is not plain ASCII letters or one time in two, the
 *              house number of address_line1 corrected;
 *   the rest   byte for byte as in wave 1.
 *
 * Late rows, new (ssid, report) pairs:
 *
 *   late students  before 2.5% of wave 1's students, a new student (its
 *                  SSID numbered from LATE_K_BASE, so it is no wave 1
 *                  student's) drawn as any other, with all its rows;
 *   late reports   after 1% of the students in grades 03-12 without a
 *                  CSA, a CSA row (a winter score arriving late);
 *   new schools    at the end, students at a new one-school charter (an
 *                  LEA wave 1 had no row of: synth_world_add_charter) and
 *                  at up to 2 schools that had no row in wave 1 (schools
 *                  that tested late).
 *
 * So wave 2 has about rows * (1 - 0.005 + 0.04) good rows, and `rows`
 * counts wave 1's.  Malformed rows (--bad-rows) are wave 1's, in place.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "synth_internal.h"

#define GONE_PER_10K 50          /* of wave 1's good rows */
#define FIXED_PER_10K 100        /* of wave 1's students */
#define LATE_STUDENT_PER_10K 250 /* before a wave 1 student */
#define LATE_CSA_PER_10K 100     /* of the students in 03-12 without CSA */
#define NEW_SCHOOLS 3

/* dst = src, with the spans that pointed into src pointing into dst. */
static void student_copy(student *dst, const student *src)
{
	memcpy(dst, src, sizeof *dst);
	const uintptr_t lo = (uintptr_t)src, hi = lo + sizeof *src;
	for (unsigned i = 0; i < N_COLS; i++) {
		const uintptr_t p = (uintptr_t)dst->f[i].p;
		if (p >= lo && p < hi)
			dst->f[i].p = (const char *)dst + (p - lo);
	}
}

/* Field i of st rewritten into buf (cap bytes) by swapping two adjacent,
 * different lowercase ASCII letters after the first: 0 if it has none. */
static int fix_spelling(student *st, unsigned i, char *buf, size_t cap, rng *r)
{
	const span f = st->f[i];
	if (f.n < 4 || f.n > cap)
		return 0;
	char tmp[128];
	assert(cap <= sizeof tmp);
	memcpy(tmp, f.p, f.n);
	for (size_t k = 0; k < f.n; k++)
		if ((unsigned char)tmp[k] >= 0x80)
			return 0;  /* keep UTF-8 whole: only plain ASCII names */
	const size_t start = 1 + rng_below(r, (uint32_t)(f.n - 2));
	for (size_t j = 0; j + 1 < f.n; j++) {
		const size_t k = 1 + (start - 1 + j) % (f.n - 2);
		const char a = tmp[k], b = tmp[k + 1];
		if (a >= 'a' && a <= 'z' && b >= 'a' && b <= 'z' && a != b) {
			tmp[k] = b;
			tmp[k + 1] = a;
			memcpy(buf, tmp, f.n);
			st->f[i] = (span){ buf, f.n };
			return 1;
		}
	}
	return 0;
}

/* address_line1 with its house number's first digit another: 0 for a PO
 * box or a blank line. */
static int fix_house_number(student *st, rng *r)
{
	const span f = st->f[C_ADDR1];
	if (f.n == 0 || f.n > sizeof st->addr1 || f.p[0] < '1' || f.p[0] > '9')
		return 0;
	char tmp[sizeof st->addr1];
	memcpy(tmp, f.p, f.n);
	tmp[0] = (char)('1' + (tmp[0] - '1' + 1 + (int)rng_below(r, 8)) % 9);
	memcpy(st->addr1, tmp, f.n);
	st->f[C_ADDR1] = (span){ st->addr1, f.n };
	return 1;
}

/* Decide whether s->cur, just drawn, is corrected in wave 2, and if so
 * make s->fixed. */
static void maybe_fix(synth *s)
{
	rng *r = &s->r_late;
	s->cur_fixed = 0;
	if (!rng_chance(r, FIXED_PER_10K))
		return;
	student *fx = &s->fixed;
	student_copy(fx, &s->cur);
	const int name_first = rng_chance(r, 5000);
	int done = name_first && fix_spelling(fx, C_LAST, fx->last, sizeof fx->last, r);
	if (!done)
		done = fix_house_number(fx, r);
	if (!done && !name_first)
		done = fix_spelling(fx, C_LAST, fx->last, sizeof fx->last, r);
	if (!done)
		return;  /* nothing to correct: the rows stay as they were */
	synth_rows_join(fx);
	s->cur_fixed = 1;
}

/* All the rows of st, a late student. */
static void emit_student(synth *s, const student *st)
{
	for (unsigned i = 0; i < st->n_rep; i++) {
		const size_t n = synth_rows_line(s, st, st->rep[i], s->line);
		outstream_write(s->out, s->line, n);
	}
	s->schools[st->school].n_late += st->n_rep;
}

/* A late student, at school school_i or (UINT32_MAX) one drawn. */
static void late_student(synth *s, uint32_t school_i)
{
	const uint64_t k = LATE_K_BASE + s->n_late_students++;
	if (school_i == UINT32_MAX)
		synth_rows_draw(s, &s->r_late, &s->late, k);
	else
		synth_rows_draw_at(s, &s->r_late, &s->late, k, school_i);
	emit_student(s, &s->late);
}

/* After s->cur's last row: now and then a late CSA for it. */
static void maybe_late_csa(synth *s)
{
	const student *st = s->cur_fixed ? &s->fixed : &s->cur;
	if (st->grade < G_03)
		return;
	for (unsigned i = 0; i < st->n_rep; i++)
		if (st->rep[i] == R_CSA)
			return;
	if (!rng_chance(&s->r_late, LATE_CSA_PER_10K))
		return;
	const size_t n = synth_rows_line(s, st, R_CSA, s->line);
	outstream_write(s->out, s->line, n);
	s->schools[st->school].n_late++;
}

/* Students at a new charter (an LEA wave 1 did not know) and at up to
 * NEW_SCHOOLS - 1 schools that had no wave 1 row. */
static status new_schools(synth *s)
{
	rng *r = &s->r_late;
	status st = synth_world_add_charter(s);
	if (st != ST_OK)
		return st;
	for (uint32_t n = 3 + rng_below(r, 10); n > 0; n--)
		late_student(s, s->n_school - 1);
	unsigned made = 1;
	const uint32_t s0 = rng_below(r, s->n_school);
	for (uint32_t j = 0; j < s->n_school && made < NEW_SCHOOLS; j++) {
		const uint32_t sc = (s0 + j) % s->n_school;
		if (s->schools[sc].n_rows || s->schools[sc].n_late)
			continue;
		for (uint32_t n = 3 + rng_below(r, 10); n > 0; n--)
			late_student(s, sc);
		made++;
	}
	return ST_OK;
}

status synth_late_write(synth *s, uint64_t rows, uint64_t bad_threshold)
{
	outstream_write(s->out, synth_students_header, strlen(synth_students_header));
	s->cur.next = s->cur.n_rep = 0;
	for (uint64_t row = 0; row < rows; row++) {
		if (bad_threshold && (rng_next(&s->r_bad) >> 32) < bad_threshold) {
			synth_bad_row(s);
			continue;
		}
		if (s->cur.next == s->cur.n_rep) {
			if (s->n_students)
				maybe_late_csa(s);
			if (rng_chance(&s->r_late, LATE_STUDENT_PER_10K))
				late_student(s, UINT32_MAX);
			synth_rows_draw(s, &s->r_main, &s->cur, s->n_students++);
			maybe_fix(s);
		}
		const unsigned rep = s->cur.rep[s->cur.next];
		const size_t n = synth_rows_next(s);  /* wave 1's row, counted */
		if (rng_chance(&s->r_late, GONE_PER_10K))
			continue;
		if (s->cur_fixed)
			outstream_write(s->out, s->line, synth_rows_line(s, &s->fixed, rep, s->line));
		else
			outstream_write(s->out, s->line, n);
	}
	return new_schools(s);
}
