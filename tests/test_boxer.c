/*
 * test_boxer.c: the box packing rule of docs/rules.md §10 (boxer.h), the boxes and
 * school segments built on it (packing.h), the boxes' contents and ids
 * (§10.3), ship windows (§10.4) and the manifest written from them
 * (run_docs.h).
 *
 * The weights are small round numbers (tare 100, divider 100, box 1000 mg)
 * so each expectation can be worked out by hand from the rule:
 *
 * - a set goes into the current box while tare + dividers + sets stays
 *   within max_gross_mg (a box may weigh exactly the maximum);
 * - otherwise the box closes and the next opens with a *continued* divider
 *   for the same school;
 * - a school divider whose school's first set does not fit moves to the
 *   new box with that set (a school divider, not a continued one);
 * - keep_schools_together: a school that fits an empty box but not the
 *   current one starts a new box; one too big for any box does not;
 * - a set is never split, boxes are numbered 1..M per (shipment, LEA).
 *
 * A randomized test checks the same rules on thousands of sequences with an
 * independent checker, so an off-by-one in "within" or a box opened early
 * or late is caught whatever the weights.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../engine/boxer.h"
#include "../engine/packing.h"
#include "../engine/setrec.h"
#include "../io/outstream.h"
#include "../writers/run_docs.h"

#define TARE 100
#define DIVIDER 100
#define MAX 1000

static box_config small_box(int keep_schools_together)
{
	box_config b;
	memset(&b, 0, sizeof b);
	b.max_gross_mg = MAX;
	b.tare_mg = TARE;
	b.divider_mg = DIVIDER;
	b.letter_sheet_mg = 10;
	b.tabloid_sheet_mg = 20;
	b.envelope_10_mg = 10;
	b.envelope_6x9_mg = 10;
	b.keep_schools_together = keep_schools_together;
	return b;
}

/* One school of nine 200 mg sets: tare 100 + divider 100 + 4 x 200 = 1000,
 * exactly the maximum, so four sets fill a box; the fifth opens box 2
 * with a continued divider (100 + 100 + 200 = 400), and so on. */
static void continued_divider_when_full(void **state)
{
	(void)state;
	const box_config cfg = small_box(0);
	boxer b;
	boxer_begin(&b, &cfg);
	for (int i = 0; i < 9; i++) {
		box_place w;
		boxer_place(&b, i == 0, 9 * 200 + DIVIDER, 200, &w);
		const uint32_t want_box = (uint32_t)(i / 4 + 1);
		assert_int_equal(w.box_no, want_box);
		assert_int_equal(w.new_box, i % 4 == 0);
		assert_int_equal(w.divider, i == 0 ? DIVIDER_SCHOOL
				 : i % 4 == 0 ? DIVIDER_CONTINUED : DIVIDER_NONE);
	}
	assert_int_equal(b.box_no, 3);   /* M */
}

/* One milligram over the maximum does not fit; exactly the maximum does. */
static void within_means_at_most(void **state)
{
	(void)state;
	const box_config cfg = small_box(0);
	boxer b;
	box_place w;
	boxer_begin(&b, &cfg);
	boxer_place(&b, 1, 0, 400, &w);           /* 100 + 100 + 400 = 600 */
	boxer_place(&b, 0, 0, 400, &w);           /* 1000: fits exactly */
	assert_int_equal(w.box_no, 1);
	assert_int_equal(w.divider, DIVIDER_NONE);

	boxer_begin(&b, &cfg);
	boxer_place(&b, 1, 0, 400, &w);
	boxer_place(&b, 0, 0, 401, &w);           /* 1001: one mg too many */
	assert_int_equal(w.box_no, 2);
	assert_int_equal(w.new_box, 1);
	assert_int_equal(w.divider, DIVIDER_CONTINUED);
}

/* A second school whose divider and first set fit stays in the box. */
static void next_school_shares_the_box(void **state)
{
	(void)state;
	const box_config cfg = small_box(0);
	boxer b;
	box_place w;
	boxer_begin(&b, &cfg);
	boxer_place(&b, 1, 0, 300, &w);           /* 500 */
	boxer_place(&b, 1, 0, 300, &w);           /* school 2: + 100 + 300 = 900 */
	assert_int_equal(w.box_no, 1);
	assert_int_equal(w.new_box, 0);
	assert_int_equal(w.divider, DIVIDER_SCHOOL);
	assert_int_equal(b.gross_mg, 900);
}

/* Box at 800: a 150 mg set alone would fit (950) but not with its school
 * divider (1050), so the divider moves to box 2 with the set, and it is a
 * school divider there, not a continued one. */
static void school_divider_moves_with_first_set(void **state)
{
	(void)state;
	const box_config cfg = small_box(0);
	boxer b;
	box_place w;
	boxer_begin(&b, &cfg);
	boxer_place(&b, 1, 0, 300, &w);           /* 500 */
	boxer_place(&b, 0, 0, 300, &w);           /* 800 */
	boxer_place(&b, 1, 0, 150, &w);
	assert_int_equal(w.box_no, 2);
	assert_int_equal(w.new_box, 1);
	assert_int_equal(w.divider, DIVIDER_SCHOOL);
	assert_int_equal(b.gross_mg, TARE + DIVIDER + 150);
	/* the same set continuing the first school would have fitted */
	boxer_begin(&b, &cfg);
	boxer_place(&b, 1, 0, 300, &w);
	boxer_place(&b, 0, 0, 300, &w);
	boxer_place(&b, 0, 0, 150, &w);
	assert_int_equal(w.box_no, 1);
}

/* School A fills 600 mg; school B is 500 mg in all (divider + 2 x 200).
 * Without keep_schools_together B starts in box 1 (600 + 300 = 900) and
 * continues in box 2; with it, B fits an empty box (600) but not this one
 * (1100), so it starts box 2 whole. */
static void keep_schools_together(void **state)
{
	(void)state;
	const int64_t school_b = DIVIDER + 2 * 200;
	for (int keep = 0; keep <= 1; keep++) {
		const box_config cfg = small_box(keep);
		boxer b;
		box_place w1, w2;
		boxer_begin(&b, &cfg);
		boxer_place(&b, 1, DIVIDER + 400, 400, &w1);    /* A: 600 */
		boxer_place(&b, 1, school_b, 200, &w1);
		boxer_place(&b, 0, school_b, 200, &w2);
		if (keep) {
			assert_int_equal(w1.box_no, 2);
			assert_int_equal(w1.divider, DIVIDER_SCHOOL);
			assert_int_equal(w2.box_no, 2);
			assert_int_equal(w2.divider, DIVIDER_NONE);
			assert_int_equal(b.box_no, 2);
		} else {
			assert_int_equal(w1.box_no, 1);
			assert_int_equal(w1.divider, DIVIDER_SCHOOL);
			assert_int_equal(w2.box_no, 2);
			assert_int_equal(w2.divider, DIVIDER_CONTINUED);
		}
	}
}

/* A school too big for any box gains nothing from a new box: with
 * keep_schools_together it still starts where its first set fits.  And a
 * school that fits the current box stays in it. */
static void keep_schools_together_limits(void **state)
{
	(void)state;
	const box_config cfg = small_box(1);
	boxer b;
	box_place w;
	boxer_begin(&b, &cfg);
	boxer_place(&b, 1, DIVIDER + 400, 400, &w);          /* 600 */
	boxer_place(&b, 1, DIVIDER + 5 * 200, 200, &w);      /* 1100 mg school */
	assert_int_equal(w.box_no, 1);
	assert_int_equal(w.divider, DIVIDER_SCHOOL);

	boxer_begin(&b, &cfg);
	boxer_place(&b, 1, DIVIDER + 400, 400, &w);          /* 600 */
	boxer_place(&b, 1, DIVIDER + 300, 300, &w);          /* fits: 1000 */
	assert_int_equal(w.box_no, 1);
	assert_int_equal(w.new_box, 0);
}

/* --- randomized: the rule checked by an independent model ------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* For random schools and set weights, check every placement against the
 * rule stated in terms of the boxes' contents (kept here, not read from
 * the boxer): within the maximum; a box is closed only when what had to go
 * in next (the set, with its school divider when first) would exceed it,
 * or (keep_schools_together) the whole school fits an empty box but not
 * the current one; continued dividers exactly where a school resumes in a
 * new box; consecutive box numbers. */
static void random_sequences_obey_the_rule(void **state)
{
	(void)state;
	for (int trial = 0; trial < 3000; trial++) {
		const int keep = trial & 1;
		box_config cfg = small_box(keep);
		cfg.max_gross_mg = 600 + (int64_t)(next_rand() % 1400);
		cfg.divider_mg = 1 + (int64_t)(next_rand() % 150);
		const int64_t max_set = cfg.max_gross_mg - cfg.tare_mg - cfg.divider_mg;
		const int n_schools = 1 + (int)(next_rand() % 6);
		boxer b;
		boxer_begin(&b, &cfg);
		uint32_t box = 0;
		int64_t gross = 0;      /* the model's current box */
		for (int s = 0; s < n_schools; s++) {
			const int n_sets = 1 + (int)(next_rand() % 12);
			int64_t w[12];
			int64_t school = cfg.divider_mg;
			for (int i = 0; i < n_sets; i++) {
				w[i] = 1 + (int64_t)(next_rand() % (uint64_t)max_set);
				school += w[i];
			}
			for (int i = 0; i < n_sets; i++) {
				box_place p;
				boxer_place(&b, i == 0, school, w[i], &p);
				const int64_t need = w[i] + (i == 0 ? cfg.divider_mg : 0);
				const int fits = box > 0 && gross + need <= cfg.max_gross_mg;
				int moved = 0;
				if (i == 0 && fits && keep && cfg.tare_mg + school <= cfg.max_gross_mg &&
				    gross + school > cfg.max_gross_mg)
					moved = 1;
				if (fits && !moved) {
					assert_int_equal(p.new_box, 0);
					assert_int_equal(p.box_no, box);
					assert_int_equal(p.divider, i == 0 ? DIVIDER_SCHOOL : DIVIDER_NONE);
					gross += need;
				} else {
					assert_int_equal(p.new_box, 1);
					assert_int_equal(p.box_no, box + 1);
					assert_int_equal(p.divider, i == 0 ? DIVIDER_SCHOOL : DIVIDER_CONTINUED);
					box++;
					gross = cfg.tare_mg + cfg.divider_mg + w[i];
				}
				assert_true(gross <= cfg.max_gross_mg);
				assert_int_equal(b.gross_mg, gross);
			}
		}
		assert_int_equal(b.box_no, box);
	}
}

/* --- packing: boxes, segments, totals --------------------------------- */

static const char *const names[][2] = {
	{ "Ahn", "Mina" }, { "Baker", "Lee" }, { "Cruz", "Ana" }, { "Diaz", "Rosa" },
	{ "Engel", "Tom" }, { "Fox", "Ida" }, { "Garcia", "Luz" }, { "Ho", "Kim" },
	{ "Ito", "Ken" }, { "Jones", "Bo" },
};

static setrec make_set(uint32_t school, const char *school_name, int who, int64_t weight_mg,
		       uint8_t sheets, uint8_t envelopes)
{
	setrec r;
	memset(&r, 0, sizeof r);
	r.lea = 1964733;
	r.school = school;
	r.ssid = 1000000000ull + (uint64_t)who;
	r.weight_mg = weight_mg;
	r.grade = (uint8_t)(5 + who % 3);
	r.sheets = sheets;
	r.envelopes = envelopes;
	for (int i = 0; i < SETREC_NSTR; i++)
		r.str[i] = "";
	r.str[SR_LAST] = names[who][0];
	r.len[SR_LAST] = (uint32_t)strlen(names[who][0]);
	r.str[SR_FIRST] = names[who][1];
	r.len[SR_FIRST] = (uint32_t)strlen(names[who][1]);
	r.str[SR_SCHOOL_NAME] = school_name;
	r.len[SR_SCHOOL_NAME] = (uint32_t)strlen(school_name);
	return r;
}

/* School 1: six 200 mg sets (4 fill box 1, 2 continue in box 2: 100 + 100
 * + 400 = 600); school 2: three 300 mg sets (box 2 at 600 takes its
 * divider and first set, 1000; the next two continue in box 3: 100 + 100
 * + 600 = 800).  Segments: (1,s1), (2,s1 continued), (2,s2), (3,s2
 * continued). */
static const char lea_name[] = "Sample Unified";

static packing *sample_lea(const box_config *cfg)
{
	packing *p;
	assert_int_equal(packing_new(&p, cfg), ST_OK);
	packing_begin(p, SHIP_AUGUST, 1964733, lea_name, strlen(lea_name));
	int who = 0;
	box_place w;
	for (int i = 0; i < 6; i++, who++) {
		const setrec r = make_set(11, "North Elementary", who, 200, 2, 0);
		assert_int_equal(packing_add(p, &r, DIVIDER + 6 * 200, &w), ST_OK);
	}
	for (int i = 0; i < 3; i++, who++) {
		const setrec r = make_set(22, "South Middle", who, 300, 4, 2);
		assert_int_equal(packing_add(p, &r, DIVIDER + 3 * 300, &w), ST_OK);
	}
	return p;
}

static void packing_boxes_and_segments(void **state)
{
	(void)state;
	const box_config cfg = small_box(0);
	packing *p = sample_lea(&cfg);
	assert_int_equal(packing_box_count(p), 3);
	assert_int_equal(packing_box_gross(p, 1), 1000);
	assert_int_equal(packing_box_gross(p, 2), 1000);
	assert_int_equal(packing_box_gross(p, 3), 800);
	assert_string_equal(packing_lea_name(p), lea_name);
	assert_int_equal(packing_lea(p), 1964733);
	assert_int_equal(packing_shipment(p), SHIP_AUGUST);

	assert_int_equal(packing_segment_count(p), 4);
	const struct {
		uint32_t box, school;
		int continued;
		uint64_t sets;
		const char *first, *last, *school_name;
	} want[] = {
		{ 1, 11, 0, 4, "Ahn, Mina", "Diaz, Rosa", "North Elementary" },
		{ 2, 11, 1, 2, "Engel, Tom", "Fox, Ida", "North Elementary" },
		{ 2, 22, 0, 1, "Garcia, Luz", "Garcia, Luz", "South Middle" },
		{ 3, 22, 1, 2, "Ho, Kim", "Ito, Ken", "South Middle" },
	};
	for (size_t i = 0; i < 4; i++) {
		const segment *s = packing_segment(p, i);
		assert_int_equal(s->box_no, want[i].box);
		assert_int_equal(s->school, want[i].school);
		assert_int_equal(s->continued, want[i].continued);
		assert_int_equal(s->sets, want[i].sets);
		assert_int_equal(s->sheets, want[i].sets * (want[i].school == 11 ? 2 : 4));
		assert_int_equal(s->envelopes, want[i].sets * (want[i].school == 11 ? 0 : 2));
		assert_string_equal(packing_text(p, s->first_student), want[i].first);
		assert_string_equal(packing_text(p, s->last_student), want[i].last);
		assert_string_equal(packing_text(p, s->school_name), want[i].school_name);
	}
	packing_totals t;
	packing_totals_get(p, &t);
	assert_int_equal(t.boxes, 3);
	assert_int_equal(t.sets, 9);
	assert_int_equal(t.sheets, 6 * 2 + 3 * 4);
	assert_int_equal(t.envelopes, 3 * 2);
	assert_int_equal(t.dividers, 4);
	/* every gram is accounted for: tares, dividers and sets */
	assert_int_equal(t.gross_mg, 3 * TARE + 4 * DIVIDER + 6 * 200 + 3 * 300);
	/* the paper and envelope kind of what each box holds (the labels and
	 * packing list say them): box 1 holds no envelopes, box 2 some */
	packing_box bx;
	packing_box_get(p, 1, &bx);
	assert_int_equal(bx.papers, 1u << PAPER_11X17);
	assert_int_equal(bx.envelope_papers, 0);
	packing_box_get(p, 2, &bx);
	assert_int_equal(bx.papers, 1u << PAPER_11X17);
	assert_int_equal(bx.envelope_papers, 1u << PAPER_11X17);
	packing_free(p);
}

/* A later wave (docs/rules.md §15.2): the LEA's boxes continue its earlier
 * numbering (box ids), while "Box N of M" and the segments count within
 * the wave; packing_begin forgets the wave. */
static void packing_later_wave_continues_box_ids(void **state)
{
	(void)state;
	const box_config cfg = small_box(0);
	packing *p;
	assert_int_equal(packing_new(&p, &cfg), ST_OK);
	packing_begin(p, SHIP_AUGUST, 1964733, lea_name, strlen(lea_name));
	packing_set_wave(p, 2, 4);
	box_place w;
	for (int i = 0; i < 6; i++) {
		const setrec r = make_set(11, "North Elementary", i, 200, 2, 0);
		assert_int_equal(packing_add(p, &r, DIVIDER + 6 * 200, &w), ST_OK);
	}
	assert_int_equal(packing_wave(p), 2);
	assert_int_equal(packing_box_count(p), 2);
	assert_int_equal(w.box_no, 2);
	assert_int_equal(packing_segment(p, 0)->box_no, 1);
	char id[48];
	packing_box_id(p, 1, id, sizeof id);
	assert_string_equal(id, "august-1964733-0004");
	packing_box_id(p, packing_box_count(p), id, sizeof id);
	assert_string_equal(id, "august-1964733-0005");
	assert_int_equal(packing_box_no(p, 2), 5);
	packing_begin(p, SHIP_WINTER, 1964733, lea_name, strlen(lea_name));
	assert_int_equal(packing_wave(p), 0);
	packing_box_id(p, 1, id, sizeof id);
	assert_string_equal(id, "winter-1964733-0001");
	packing_free(p);
}

/* Reprints (docs/rules.md §15.5).  A box reprint: each box replaced is one
 * box, whatever its sets weigh (the sample's nine sets, 2,300 mg, in a
 * 1,000 mg box), with its own id, the replaced box's "Box N of M" and
 * wave, and a continued divider first when that box opened with one; a
 * new box starts at each packing_next_reprint_box even within a school.
 * An ssid reprint: R<nnnn> ids from the LEA's next number, wave 0;
 * packing_begin forgets both. */
static void packing_reprints(void **state)
{
	(void)state;
	const box_config cfg = small_box(0);
	packing *p;
	assert_int_equal(packing_new(&p, &cfg), ST_OK);
	packing_begin(p, SHIP_AUGUST, 1964733, lea_name, strlen(lea_name));
	packing_set_box_reprint(p);
	const packing_rbox a = { "august-1964733-0002-R1", "august-1964733-0002", 1, 2, 3, 1 };
	const packing_rbox b = { "august-1964733-0009-R2", "august-1964733-0009-R1", 2, 1, 1, 0 };
	assert_int_equal(packing_next_reprint_box(p, &a), ST_OK);
	box_place w;
	for (int i = 0; i < 9; i++) {
		const setrec r = make_set(i < 6 ? 11 : 22, i < 6 ? "North Elementary" : "South Middle", i,
					  i < 6 ? 200 : 300, 2, 0);
		if (i == 4)
			assert_int_equal(packing_next_reprint_box(p, &b), ST_OK);
		assert_int_equal(packing_add(p, &r, 0, &w), ST_OK);
		if (i == 0)
			assert_int_equal(w.divider, DIVIDER_CONTINUED);
		if (i == 4) {   /* a new box, though school 11 goes on: a school divider */
			assert_int_equal(w.box_no, 2);
			assert_int_equal(w.divider, DIVIDER_SCHOOL);
		}
		if (i == 6)
			assert_int_equal(w.divider, DIVIDER_SCHOOL);
	}
	assert_int_equal(packing_box_count(p), 2);
	assert_true(packing_box_gross(p, 2) > cfg.max_gross_mg);   /* never split */
	char id[96];
	packing_box_id(p, 1, id, sizeof id);
	assert_string_equal(id, "august-1964733-0002-R1");
	packing_box_id(p, 2, id, sizeof id);
	assert_string_equal(id, "august-1964733-0009-R2");
	assert_int_equal(packing_label_no(p, 1), 2);
	assert_int_equal(packing_label_count(p, 1), 3);
	assert_int_equal(packing_box_wave(p, 2), 2);
	assert_string_equal(packing_reprint_box(p, 2)->of, "august-1964733-0009-R1");
	assert_true(packing_segment(p, 0)->continued);

	packing_begin(p, SHIP_WINTER, 1964733, lea_name, strlen(lea_name));
	assert_int_equal(packing_reprint(p), PACKING_NOT_REPRINT);
	packing_set_reprint(p, 7);
	for (int i = 0; i < 6; i++) {
		const setrec r = make_set(11, "North Elementary", i, 200, 2, 0);
		assert_int_equal(packing_add(p, &r, DIVIDER + 6 * 200, &w), ST_OK);
	}
	assert_int_equal(packing_box_count(p), 2);   /* packed as a run packs */
	packing_box_id(p, 2, id, sizeof id);
	assert_string_equal(id, "winter-1964733-R0008");
	assert_int_equal(packing_label_no(p, 2), 2);
	assert_int_equal(packing_label_count(p, 2), 2);
	assert_int_equal(packing_box_wave(p, 1), 0);
	assert_null(packing_reprint_box(p, 1));
	packing_begin(p, SHIP_WINTER, 1964733, lea_name, strlen(lea_name));
	packing_box_id(p, 1, id, sizeof id);
	assert_string_equal(id, "winter-1964733-0001");
	packing_free(p);
}

/* What one box holds, as the packing list and the label show it: its
 * segments (one divider each), the sets, SSR sheets and envelopes in them,
 * its gross weight; the boxes add up to the LEA's totals.  Then boxes with
 * several small schools each, found among many segments. */
static void packing_per_box_totals(void **state)
{
	(void)state;
	const box_config cfg = small_box(0);
	packing *p = sample_lea(&cfg);
	const struct {
		size_t first, end;
		uint64_t sets, sheets, envelopes;
		int64_t gross;
	} want[] = {
		{ 0, 1, 4, 8, 0, 1000 },
		{ 1, 3, 3, 2 * 2 + 4, 2, 1000 },
		{ 3, 4, 2, 8, 4, 800 },
	};
	packing_totals t;
	packing_totals_get(p, &t);
	packing_box sum;
	memset(&sum, 0, sizeof sum);
	for (uint32_t b = 1; b <= 3; b++) {
		packing_box bx;
		packing_box_get(p, b, &bx);
		assert_int_equal(bx.first_segment, want[b - 1].first);
		assert_int_equal(bx.end_segment, want[b - 1].end);
		assert_int_equal(bx.dividers, want[b - 1].end - want[b - 1].first);
		assert_int_equal(bx.sets, want[b - 1].sets);
		assert_int_equal(bx.sheets, want[b - 1].sheets);
		assert_int_equal(bx.envelopes, want[b - 1].envelopes);
		assert_int_equal(bx.gross_mg, want[b - 1].gross);
		sum.dividers += bx.dividers;
		sum.sets += bx.sets;
		sum.sheets += bx.sheets;
		sum.envelopes += bx.envelopes;
		sum.gross_mg += bx.gross_mg;
	}
	assert_int_equal(sum.dividers, t.dividers);
	assert_int_equal(sum.sets, t.sets);
	assert_int_equal(sum.sheets, t.sheets);
	assert_int_equal(sum.envelopes, t.envelopes);
	assert_int_equal(sum.gross_mg, t.gross_mg);
	packing_free(p);

	/* 300 schools of one 150 mg set: a box takes 100 + 3 x (100 + 150) =
	 * 850 (a fourth school would make 1100), so 100 boxes of 3 segments */
	assert_int_equal(packing_new(&p, &cfg), ST_OK);
	packing_begin(p, SHIP_WINTER, 7654321, "L", 1);
	box_place w;
	for (int i = 0; i < 300; i++) {
		const setrec r = make_set((uint32_t)i + 1, "S", i % 10, 150, 2, 2);
		assert_int_equal(packing_add(p, &r, DIVIDER + 150, &w), ST_OK);
	}
	assert_int_equal(packing_box_count(p), 100);
	for (uint32_t b = 1; b <= 100; b++) {
		packing_box bx;
		packing_box_get(p, b, &bx);
		assert_int_equal(bx.first_segment, 3 * (b - 1));
		assert_int_equal(bx.end_segment, 3 * b);
		assert_int_equal(bx.dividers, 3);
		assert_int_equal(bx.sets, 3);
		assert_int_equal(bx.sheets, 6);
		assert_int_equal(bx.envelopes, 6);
		assert_int_equal(bx.gross_mg, TARE + 3 * (DIVIDER + 150));
		assert_int_equal(packing_segment(p, bx.first_segment)->school, 3 * (b - 1) + 1);
	}
	packing_free(p);
}

/* Boxes are numbered per (shipment, LEA): the next LEA starts at box 1,
 * with none of the last LEA's boxes, segments or weights. */
static void packing_restarts_per_lea(void **state)
{
	(void)state;
	const box_config cfg = small_box(0);
	packing *p;
	assert_int_equal(packing_new(&p, &cfg), ST_OK);
	box_place w;
	packing_begin(p, SHIP_WINTER, 1111111, "A", 1);
	for (int i = 0; i < 10; i++) {
		const setrec r = make_set(1, "One", i, 400, 2, 0);
		assert_int_equal(packing_add(p, &r, DIVIDER + 4000, &w), ST_OK);
	}
	assert_true(packing_box_count(p) > 1);
	packing_begin(p, SHIP_WINTER, 2222222, "B", 1);
	const setrec r = make_set(1, "One", 0, 100, 2, 0);
	assert_int_equal(packing_add(p, &r, DIVIDER + 100, &w), ST_OK);
	assert_int_equal(w.box_no, 1);
	assert_int_equal(w.new_box, 1);
	assert_int_equal(w.divider, DIVIDER_SCHOOL);
	assert_int_equal(packing_box_count(p), 1);
	assert_int_equal(packing_segment_count(p), 1);
	assert_string_equal(packing_lea_name(p), "B");
	packing_totals t;
	packing_totals_get(p, &t);
	assert_int_equal(t.boxes, 1);
	assert_int_equal(t.sets, 1);
	assert_int_equal(t.gross_mg, TARE + DIVIDER + 100);
	packing_free(p);
	packing_free(NULL);
}

/* Many boxes: the per-box weight table grows, and each box's gross stays
 * what its contents weigh. */
static void packing_many_boxes(void **state)
{
	(void)state;
	const box_config cfg = small_box(0);
	packing *p;
	assert_int_equal(packing_new(&p, &cfg), ST_OK);
	packing_begin(p, SHIP_ELPAC, 1234567, "L", 1);
	box_place w;
	const int n = 500;   /* 800 mg sets: one a box */
	for (int i = 0; i < n; i++) {
		const setrec r = make_set(7, "S", i % 10, 800, 2, 0);
		assert_int_equal(packing_add(p, &r, DIVIDER + 800 * n, &w), ST_OK);
		assert_int_equal(w.box_no, (uint32_t)i + 1);
	}
	assert_int_equal(packing_box_count(p), (uint32_t)n);
	for (uint32_t b = 1; b <= (uint32_t)n; b++)
		assert_int_equal(packing_box_gross(p, b), TARE + DIVIDER + 800);
	assert_int_equal(packing_segment_count(p), (size_t)n);
	assert_int_equal(packing_segment(p, 0)->continued, 0);
	assert_int_equal(packing_segment(p, (size_t)n - 1)->continued, 1);
	packing_free(p);
}

/* The manifest of the same LEA: one row per (box, school segment), each
 * with its box id, "box N of M", first or continued, and the whole box's
 * gross weight. */
static void manifest_rows(void **state)
{
	(void)state;
	const box_config cfg = small_box(0);
	packing *p = sample_lea(&cfg);
	char path[300];
	const char *tmp = getenv("TMPDIR");
	snprintf(path, sizeof path, "%s/ssrfill-test-manifest-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	const int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	outstream *o;
	assert_int_equal(outstream_open(&o, path, OUT_NO_FSYNC), ST_OK);
	manifest_write_lea(o, p);
	assert_int_equal(outstream_close(o), ST_OK);
	packing_free(p);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static const char *const want[] = {
		"august-1964733-0001,1,3,1964733,0000011,first,\"Ahn, Mina\",\"Diaz, Rosa\",4,8,0,1000,",
		"august-1964733-0002,2,3,1964733,0000011,continued,\"Engel, Tom\",\"Fox, Ida\",2,4,0,1000,",
		"august-1964733-0002,2,3,1964733,0000022,first,\"Garcia, Luz\",\"Garcia, Luz\",1,4,2,1000,",
		"august-1964733-0003,3,3,1964733,0000022,continued,\"Ho, Kim\",\"Ito, Ken\",2,8,4,800,",
	};
	char line[512];
	for (size_t i = 0; i < 4; i++) {
		assert_non_null(fgets(line, sizeof line, f));
		if (strncmp(line, want[i], strlen(want[i])) != 0)
			fail_msg("manifest row %zu:\n  %s  want %s", i + 1, line, want[i]);
	}
	assert_null(fgets(line, sizeof line, f));
	fclose(f);
	unlink(path);
}

/* Ship windows, docs/rules.md §10.4: dated by the end year of admin_year,
 * the winter shipment straddling it and the next. */
static void ship_windows(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	char w[96];
	packing_ship_window(w, sizeof w, SHIP_AUGUST, &c);
	assert_string_equal(w, "August 2019");
	packing_ship_window(w, sizeof w, SHIP_WINTER, &c);
	assert_string_equal(w, "December 2019 or January 2020");
	packing_ship_window(w, sizeof w, SHIP_ELPAC, &c);
	assert_string_equal(w, "with the Summative ELPAC release, 2019");
	memcpy(c.admin_year, "2020-21", sizeof "2020-21");
	c.end_year = 2021;
	packing_ship_window(w, sizeof w, SHIP_WINTER, &c);
	assert_string_equal(w, "December 2021 or January 2022");
	packing_ship_window(w, sizeof w, SHIP_AUGUST, &c);
	assert_string_equal(w, "August 2021");
}

/* Box ids, docs/rules.md §10.3: <shipment>-<lea_code>-<N>, the LEA code
 * with its 7 digits, N zero-padded to at least 4 digits and never cut. */
static void box_ids(void **state)
{
	(void)state;
	char id[64];
	box_id_format(id, sizeof id, SHIP_AUGUST, 1964733, 1);
	assert_string_equal(id, "august-1964733-0001");
	box_id_format(id, sizeof id, SHIP_WINTER, 112345, 42);
	assert_string_equal(id, "winter-0112345-0042");
	box_id_format(id, sizeof id, SHIP_ELPAC, 3768338, 1234);
	assert_string_equal(id, "elpac-3768338-1234");
	box_id_format(id, sizeof id, SHIP_AUGUST, 1964733, 12345);
	assert_string_equal(id, "august-1964733-12345");
	box_id_format(id, sizeof id, SHIP_WINTER, 0, 1);
	assert_string_equal(id, "winter-0000000-0001");
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(continued_divider_when_full),
		cmocka_unit_test(within_means_at_most),
		cmocka_unit_test(next_school_shares_the_box),
		cmocka_unit_test(school_divider_moves_with_first_set),
		cmocka_unit_test(keep_schools_together),
		cmocka_unit_test(keep_schools_together_limits),
		cmocka_unit_test(random_sequences_obey_the_rule),
		cmocka_unit_test(packing_boxes_and_segments),
		cmocka_unit_test(packing_per_box_totals),
		cmocka_unit_test(packing_later_wave_continues_box_ids),
		cmocka_unit_test(packing_reprints),
		cmocka_unit_test(packing_restarts_per_lea),
		cmocka_unit_test(packing_many_boxes),
		cmocka_unit_test(manifest_rows),
		cmocka_unit_test(ship_windows),
		cmocka_unit_test(box_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
