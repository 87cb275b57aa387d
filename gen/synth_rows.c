/*
 * synth_rows.c: the score report rows of the students file
 * (docs/rules.md §3): students, their SSIDs and reports, and the row loop.
 *
 *   synth_rows_init(s)                    once, after the world
 *   synth_rows_write(s, rows, threshold)  the whole students file
 *   synth_rows_draw, synth_rows_fields    also for malformed rows (synth_bad.c)
 *   synth_rows_next, synth_rows_line,     for a wave 2 (synth_late.c): wave
 *   synth_rows_draw_at, synth_rows_join   1's next row without writing it, a
 *                                         row of any student, a student at a
 *                                         given school, a corrected student
 *
 * A student draws a grade (statewide grade sizes), a CALPADS home language
 * (synth_people.c), then the reports the table of docs/rules.md §3.2 gives
 * that grade: SB (or CAA for 1%) in 03-08 and 11, CAST (or CAAS) in 05, 08
 * and once in high school, CSA for a few percent of 03-12 (more among
 * Spanish speakers), ELPAC for most non-English speakers (English
 * learners), more in the early grades.  A student with no report is drawn
 * again (that is why TK-02 students only ever have ELPAC rows).  Then a
 * school serving that grade (synth_schools.c), a unique SSID (a 4-round
 * Feistel permutation of the student number over 10^10, cycle-walked into
 * 1000000000..9999999999), names and a mailing block (synth_people.c).
 * The student's fixed fields are joined once into two CSV pieces, and each
 * of its rows is four memcpy's: ssid, school text, middle piece, report +
 * tail piece.  Students come in draw order, so rows are spread over LEAs
 * and schools like a statewide extract, with one student's rows adjacent.
 *
 * Before each row, the bad-row stream decides whether this row is
 * malformed (synth_bad.c); the clean rows go on from the same student, so
 * a file with malformed rows is the clean file with rows slipped in (and
 * cut at `rows`).  Every 8th good row is kept in a ring of 32 for the
 * duplicates among the malformed rows: the only row memory kept.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "synth_internal.h"

const char synth_grade_text[N_GRADES][3] = {
	"TK", "KN", "01", "02", "03", "04", "05", "06", "07", "08",
	"09", "10", "11", "12",
};

/* Statewide grade sizes, per mille-ish (TK is a partial grade). */
static const uint16_t grade_weight[N_GRADES] = {
	40, 100, 100, 100, 100, 100, 100, 100, 100, 100, 104, 100, 98, 98,
};

const char *const synth_report_text[N_REPORTS] = {
	"SB", "CAA", "CAST", "CAAS", "CSA", "ELPAC",
};

#define GBIT(g) (1u << (g))
#define SB_GRADES (GBIT(G_03) | GBIT(G_04) | GBIT(G_05) | GBIT(G_06) | \
		   GBIT(G_07) | GBIT(G_08) | GBIT(G_11))

/* Chance of a CAST in each high school grade: one of 10, 11, 12 per
 * student (a few never test). */
static const uint16_t cast_hs_per_10k[N_GRADES] = {
	[G_10] = 1500, [G_11] = 2500, [G_12] = 4500,
};

/* ELPAC among non-English speakers by grade: English learners are
 * reclassified as they grow, so the early grades test most. */
static const uint16_t elpac_per_10k[N_GRADES] = {
	9000, 9000, 8800, 8500, 8000, 7500, 7000, 6600, 6200, 6000,
	5800, 5600, 5400, 5200,
};

const char synth_students_header[] =
	"ssid,lea_code,lea_name,school_code,school_name,grade,last_name,"
	"first_name,middle_name,report,primary_language,ssr_language,paper_ssr,"
	"guardian_name,address_line1,address_line2,city,state,zip\n";

/* A permutation of 0..10^10-1: a balanced Feistel network on two 5-digit
 * halves, addition mod 10^5 so every round is a bijection. */
static uint64_t feistel10(const synth *s, uint64_t x)
{
	uint64_t l = x / 100000, r = x % 100000;
	for (int i = 0; i < 4; i++) {
		const uint64_t f = mix64(r ^ s->feistel_key[i]) % 100000;
		const uint64_t nl = r;
		r = (l + f) % 100000;
		l = nl;
	}
	return l * 100000 + r;
}

/* The k-th SSID, k < SSID_SPACE: cycle-walk the permutation until it lands
 * on ten digits with no leading zero, so distinct k give distinct SSIDs. */
static void ssid_of(const synth *s, uint64_t k, char out[10])
{
	uint64_t x = UINT64_C(1000000000) + k;
	do
		x = feistel10(s, x);
	while (x < UINT64_C(1000000000));
	put_digits(out, x, 10);
}

void synth_rows_init(synth *s)
{
	uint32_t c = 0;
	for (unsigned g = 0; g < N_GRADES; g++)
		s->grade_cum[g] = (uint16_t)(c += grade_weight[g]);
	/* The SSID permutation's keys: a stream of their own. */
	uint64_t x = s->seed ^ UINT64_C(0x5151D5151D5151D5);
	for (int i = 0; i < 4; i++)
		s->feistel_key[i] = splitmix64(&x);
}

/* The draw of synth_rows_draw, at school `at` (a grade it serves is drawn)
 * or, at NO_SCHOOL_PICKED, at a school drawn for the grade. */
#define NO_SCHOOL_PICKED UINT32_MAX
static void draw_at(synth *s, rng *r, student *st, uint64_t k, uint32_t at)
{
	for (;;) {
		const unsigned g = pick_cum(r, s->grade_cum, N_GRADES);
		if (at != NO_SCHOOL_PICKED && (g < s->schools[at].lo || g > s->schools[at].hi))
			continue;
		const unsigned lang = synth_people_lang(s, r);
		const int english = synth_people_english(s, lang);
		const int alternate = rng_chance(r, 100);  /* takes the CAAs */
		unsigned n = 0;
		if (SB_GRADES & GBIT(g))
			st->rep[n++] = alternate ? R_CAA : R_SB;
		if ((g == G_05 || g == G_08) || rng_chance(r, cast_hs_per_10k[g]))
			st->rep[n++] = alternate ? R_CAAS : R_CAST;
		if (g >= G_03 && rng_chance(r, lang == LANG_SPANISH ? 400 : 50))
			st->rep[n++] = R_CSA;
		if (!english && rng_chance(r, elpac_per_10k[g]))
			st->rep[n++] = R_ELPAC;
		if (!n)
			continue;  /* no test this year: not in the file */
		st->grade = (uint8_t)g;
		st->lang = (uint8_t)lang;
		st->n_rep = (uint8_t)n;
		st->next = 0;
		break;
	}
	st->school = at != NO_SCHOOL_PICKED ? at : synth_schools_pick(s, r, st->grade);
	ssid_of(s, k, st->ssid);
	st->f[C_GRADE] = (span){ synth_grade_text[st->grade], 2 };
	synth_people_fill(s, r, st);
	synth_rows_join(st);
}

void synth_rows_draw(synth *s, rng *r, student *st, uint64_t k)
{
	draw_at(s, r, st, k, NO_SCHOOL_PICKED);
}

void synth_rows_draw_at(synth *s, rng *r, student *st, uint64_t k, uint32_t school_i)
{
	draw_at(s, r, st, k, school_i);
}

void synth_rows_join(student *st)
{
	st->n_mid = csv_join(st->mid, sizeof st->mid, st->f + C_GRADE, 4, 0);
	st->n_tail = csv_join(st->tail, sizeof st->tail, st->f + C_PLANG, N_COLS - C_PLANG, 1);
}

void synth_rows_fields(const synth *s, const student *st, unsigned rep, span *f)
{
	const school *sc = &s->schools[st->school];
	const lea *l = &s->leas[sc->lea];
	memcpy(f, st->f, sizeof st->f);
	f[C_SSID] = (span){ st->ssid, 10 };
	f[C_LEA_CODE] = (span){ l->code, 7 };
	f[C_LEA_NAME] = span_str(l->name);
	f[C_SCHOOL_CODE] = (span){ sc->code, 7 };
	f[C_SCHOOL_NAME] = span_str(sc->name);
	f[C_REPORT] = span_str(synth_report_text[rep]);
}

size_t synth_rows_line(const synth *s, const student *st, unsigned rep_i, char *dst)
{
	const school *sc = &s->schools[st->school];
	const char *rep = synth_report_text[rep_i];
	const size_t n_rep = strlen(rep);
	char *p = dst;
	memcpy(p, st->ssid, 10);
	p[10] = ',';
	p += 11;
	memcpy(p, sc->prefix, sc->n_prefix);
	p += sc->n_prefix;
	memcpy(p, st->mid, st->n_mid);
	p += st->n_mid;
	memcpy(p, rep, n_rep);
	p += n_rep;
	*p++ = ',';
	memcpy(p, st->tail, st->n_tail);
	p += st->n_tail;
	const size_t n = (size_t)(p - dst);
	assert(n <= LINE_BYTES);
	return n;
}

size_t synth_rows_next(synth *s)
{
	student *st = &s->cur;
	const size_t n = synth_rows_line(s, st, st->rep[st->next++], s->line);
	s->schools[st->school].n_rows++;
	/* Keep every 8th good row for duplicates. */
	if ((s->n_good++ & 7) == 0) {
		memcpy(s->ring[s->ring_next], s->line, n);
		s->ring_len[s->ring_next] = (uint16_t)n;
		s->ring_next = (s->ring_next + 1) % RING_ROWS;
		if (s->ring_n < RING_ROWS)
			s->ring_n++;
	}
	return n;
}

/* The next row of s->cur, the student whose rows are going out. */
static void emit_good(synth *s)
{
	const size_t n = synth_rows_next(s);
	outstream_write(s->out, s->line, n);
}


void synth_rows_write(synth *s, uint64_t rows, uint64_t bad_threshold)
{
	outstream_write(s->out, synth_students_header, sizeof synth_students_header - 1);
	s->cur.next = s->cur.n_rep = 0;
	for (uint64_t row = 0; row < rows; row++) {
		if (bad_threshold && (rng_next(&s->r_bad) >> 32) < bad_threshold) {
			synth_bad_row(s);
			continue;
		}
		if (s->cur.next == s->cur.n_rep)
			synth_rows_draw(s, &s->r_main, &s->cur, s->n_students++);
		emit_good(s);
	}
}
