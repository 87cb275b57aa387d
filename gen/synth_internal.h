/*
 * synth_internal.h: what the files of the generator share, private to gen/
 * (the public interface is synth.h).  gen/synth.c says how the pieces fit
 * and in which order a run calls them:
 *
 *   synth_world.c    the LEAs (synth_world_build), and the arena that keeps
 *                    the world's strings
 *   synth_schools.c  their schools, and the school a student of a grade
 *                    goes to
 *   synth_places.c   California's cities, counties, zip codes and streets,
 *                    and a student's mailing address
 *   synth_people.c   home languages and the person behind a student
 *   synth_names.c    the name tables and how names are drawn from them
 *   synth_rows.c     students, their score report rows, and the row loop
 *   synth_bad.c      the malformed rows slipped in at --bad-rows
 *   synth_orders.c   the orders file
 *   synth_late.c     the later file of a wave 2 (late, corrected and gone rows)
 *   synth_rng.h      the random streams
 *
 * Below: the vocabulary every file uses (grades, reports, columns), small
 * text helpers (CSV joining among them), the generator's state, and one
 * section per file.  The few functions that run for every student are
 * static inline here, so the row loop pays no calls for them.
 */
#ifndef SSRFILL_SYNTH_INTERNAL_H
#define SSRFILL_SYNTH_INTERNAL_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../base/status.h"
#include "../io/outstream.h"
#include "synth_rng.h"

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* ------------------------------------------------------------------ */
/* Shared vocabulary                                                    */

enum { G_TK, G_KN, G_01, G_02, G_03, G_04, G_05, G_06, G_07, G_08,
       G_09, G_10, G_11, G_12, N_GRADES };

enum { R_SB, R_CAA, R_CAST, R_CAAS, R_CSA, R_ELPAC, N_REPORTS };

/* Name groups.  Groups follow the home language (synth_people.c maps one
 * to the other); NG_ENGLISH_MIX and NG_ANY stand for a draw among them. */
enum { NG_HISPANIC, NG_VIETNAMESE, NG_CHINESE, NG_KOREAN, NG_FILIPINO,
       NG_ARABIC, NG_ANGLO, NG_ARMENIAN, NG_PERSIAN, NG_SOUTH_ASIAN,
       NG_SLAVIC, NG_HMONG, NG_JAPANESE, NG_KHMER, NG_PORTUGUESE, N_GROUPS,
       NG_ENGLISH_MIX = N_GROUPS, NG_ANY };

/* LEA kinds. */
enum { K_UNIFIED, K_ELEMENTARY, K_HIGH, K_CHARTER, K_COE };

/* Columns of the students file, in header order. */
enum { C_SSID, C_LEA_CODE, C_LEA_NAME, C_SCHOOL_CODE, C_SCHOOL_NAME,
       C_GRADE, C_LAST, C_FIRST, C_MIDDLE, C_REPORT, C_PLANG, C_SSRLANG,
       C_PAPER, C_GUARDIAN, C_ADDR1, C_ADDR2, C_CITY, C_STATE, C_ZIP,
       N_COLS };

/* ------------------------------------------------------------------ */
/* Small text helpers                                                   */

typedef struct span {
	const char *p;
	size_t n;
} span;

static inline span span_str(const char *s)
{
	return (span){ s, strlen(s) };
}

/* Write v as exactly `width` decimal digits (zero-padded) at dst. */
static inline void put_digits(char *dst, uint64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		dst[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Decimal without padding; returns the length. */
static inline size_t put_uint(char *dst, uint64_t v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		dst[i] = tmp[n - 1 - i];
	return n;
}

/* Bounded string builder over a fixed buffer (names, addresses). */
typedef struct sbuf {
	char *p;
	size_t n, cap;
} sbuf;

static inline void sb_add(sbuf *b, const char *s, size_t n)
{
	if (n > b->cap - b->n)
		n = b->cap - b->n;
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static inline void sb_str(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static inline void sb_uint(sbuf *b, uint64_t v)
{
	char tmp[24];
	sb_add(b, tmp, put_uint(tmp, v));
}

/* Append n fields to dst in RFC 4180 form as docs/rules.md §2.1 reads it
 * (quoted when a field holds a comma, quote or line break), each followed
 * by ',' but the last, which is followed by '\n' when end_line, else ','.
 * Returns the length written.  Inline: it runs twice per student, with a
 * constant field count. */
static inline size_t csv_join(char *dst, size_t cap, const span *f, size_t n, int end_line)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int quote = 0;
		for (size_t j = 0; j < f[i].n; j++) {
			const char c = f[i].p[j];
			if (c == ',' || c == '"' || c == '\n' || c == '\r') {
				quote = 1;
				break;
			}
		}
		assert(k + 2 * f[i].n + 3 <= cap);
		(void)cap;
		if (!quote) {
			memcpy(dst + k, f[i].p, f[i].n);
			k += f[i].n;
		} else {
			dst[k++] = '"';
			for (size_t j = 0; j < f[i].n; j++) {
				if (f[i].p[j] == '"')
					dst[k++] = '"';
				dst[k++] = f[i].p[j];
			}
			dst[k++] = '"';
		}
		dst[k++] = (i + 1 == n && end_line) ? '\n' : ',';
	}
	return k;
}

/* ------------------------------------------------------------------ */
/* The generator's state                                                */

typedef struct arena_chunk arena_chunk;

typedef struct lea {
	char code[8];
	const char *name;
	uint32_t place;          /* home city for mail (synth_places[]) */
	uint32_t weight;         /* students per grade, relative */
	uint32_t first_school, n_schools;
	uint8_t kind;
} lea;

typedef struct school {
	char code[8];
	const char *name;
	const char *prefix;      /* "lea_code,lea_name,school_code,school_name," as CSV */
	uint32_t n_prefix;
	uint32_t lea;
	uint32_t unit;           /* size relative to the LEA's other schools */
	uint8_t lo, hi;          /* grades served */
	uint64_t n_rows;         /* good rows written (of wave 1, in a wave 2) */
	uint32_t n_late;         /* late rows of a wave 2 (synth_late.c) */
} school;

/* One student: the drawn facts, the field texts and the two joined CSV
 * pieces its rows share. */
typedef struct student {
	uint8_t grade, lang, n_rep, next;
	uint8_t rep[4];
	uint32_t school;
	char ssid[10];
	span f[N_COLS];          /* GRADE..MIDDLE and PLANG..ZIP are set */
	char last[128], first[96], middle[96], guardian[224];
	char addr1[96], addr2[24], zip[6];
	char mid[1024];          /* grade..middle_name, then ',' */
	size_t n_mid;
	char tail[1024];         /* primary_language..zip, then '\n' */
	size_t n_tail;
} student;

#define LINE_BYTES 4096
#define RING_ROWS 32
#define SSID_SPACE UINT64_C(9000000000)  /* 1000000000..9999999999 */
/* SSID numbers k: wave 1's students count up from 0 (below SYNTH_MAX_ROWS),
 * the malformed rows' phantoms down from SSID_SPACE - 1 (as many as rows at
 * most), a wave 2's late students up from here: never the same k. */
#define LATE_K_BASE UINT64_C(4000000000)
#define SYNTH_N_COUNTIES 59              /* county codes 1..58; 0 unused */
#define SYNTH_N_HOME_LANGS 24            /* entries of home_langs[] */

typedef struct synth {
	uint64_t seed;
	unsigned wave;                    /* 1, or 2: the later file (synth_late.c) */
	rng r_world, r_main, r_bad, r_orders;
	rng r_late;                       /* every choice of a wave 2 */
	uint32_t n_lea, n_school;
	uint32_t n_lea_world;             /* n_lea as synth_world_build made it */
	lea *leas;
	school *schools;
	arena_chunk *arena;               /* the world's strings (synth_world.c) */
	uint32_t *pick_cum[N_GRADES];     /* inclusive cumulative weights */
	uint32_t *pick_school[N_GRADES];
	uint32_t pick_n[N_GRADES];
	uint16_t grade_cum[N_GRADES];
	uint16_t lang_cum[SYNTH_N_HOME_LANGS];
	uint32_t lang_english;            /* bit i: home language i is English or blank */
	uint32_t *county_places[SYNTH_N_COUNTIES];  /* places of each county */
	uint32_t county_n[SYNTH_N_COUNTIES];
	uint64_t feistel_key[4];
	uint64_t n_students, n_phantoms, n_good;
	outstream *out;
	student cur;                      /* the student whose rows are going out */
	student phantom;                  /* the malformed row being built */
	student late;                     /* a wave 2's late student */
	student fixed;                    /* s->cur as a wave 2 corrects it */
	int cur_fixed;                    /* s->cur's rows go out as s->fixed */
	uint64_t n_late_students;
	uint32_t ring_n, ring_next;
	uint16_t ring_len[RING_ROWS];
	char ring[RING_ROWS][LINE_BYTES];
	char line[LINE_BYTES];
} synth;

/* ------------------------------------------------------------------ */
/* synth_places.c                                                       */

typedef struct place {
	const char *city;
	uint8_t county;
	uint32_t zip;
} place;

/* California cities with their county code and first zip code, the big
 * cities first. */
#define SYNTH_N_PLACES 312u
extern const place synth_places[];
extern const char *const synth_county_names[SYNTH_N_COUNTIES];
/* Street names, the common ones first. */
#define SYNTH_N_STREETS 55u
extern const char *const synth_streets[];

/* The index of a city in synth_places[] (it must be there). */
uint32_t synth_places_index(const char *city);
/* The places of each county (s->county_places), for mail sent nearby. */
status synth_places_init(synth *s);
/* address_line1, address_line2, city, state and zip of st, near its
 * LEA's city. */
void synth_places_address(const synth *s, rng *r, student *st);

/* ------------------------------------------------------------------ */
/* synth_world.c                                                        */

/* The LEAs, their schools and the per-grade school tables, drawn from
 * s->r_world and sized by rows. */
status synth_world_build(synth *s, uint64_t rows);
/* A copy of p[0..n) with a NUL, kept until synth_world_release; NULL when
 * out of memory. */
const char *synth_world_strdup(synth *s, const char *p, size_t n);
/* One more LEA, a one-school charter in no pick table, after the world
 * (a wave 2's school that tested late: synth_late.c). */
status synth_world_add_charter(synth *s);
/* Free what synth_world_build made (the struct is the caller's). */
void synth_world_release(synth *s);

/* ------------------------------------------------------------------ */
/* synth_schools.c                                                      */

/* The schools of the LEAs and, per grade, the schools serving it with
 * cumulative weights (s->pick_*); synth_world_build calls it. */
status synth_schools_build(synth *s, uint64_t rows);

/* The school of the charter synth_world_add_charter just added, its type
 * drawn from r. */
status synth_schools_add_charter(synth *s, rng *r);

/* A school that serves grade g, by weight: a binary search for the first
 * cumulative weight above a draw (inline: once per student). */
static inline uint32_t synth_schools_pick(const synth *s, rng *r, unsigned g)
{
	const uint32_t *cum = s->pick_cum[g];
	const uint32_t x = rng_below(r, cum[s->pick_n[g] - 1]);
	uint32_t lo = 0, hi = s->pick_n[g] - 1;  /* first cum > x */
	while (lo < hi) {
		const uint32_t mid = lo + (hi - lo) / 2;
		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return s->pick_school[g][lo];
}

/* ------------------------------------------------------------------ */
/* synth_names.c                                                        */

/* What a student's name draw leaves for the guardian's name. */
typedef struct name_draw {
	unsigned group;          /* the name group drawn */
	int han;                 /* surname and given name written in Han */
	const char *last;        /* the surname before any change of case */
	char compound[96];       /* the buffer of a double surname */
} name_draw;

/* last_name, first_name and middle_name of st, for a student whose home
 * language has name group lang_group (NG_*). */
void synth_names_draw(rng *r, unsigned lang_group, student *st, name_draw *d);
/* guardian_name of st, after synth_names_draw. */
void synth_names_guardian(rng *r, const name_draw *d, student *st);

/* ------------------------------------------------------------------ */
/* synth_people.c                                                       */

#define LANG_SPANISH 1  /* index of "01" in home_langs[] */

/* The cumulative shares of the home languages (s->lang_cum) and which
 * are English (s->lang_english). */
void synth_people_init(synth *s);

/* A home language, by its share of students (inline, like the next: they
 * are drawn again for every student without a report). */
static inline unsigned synth_people_lang(const synth *s, rng *r)
{
	return pick_cum(r, s->lang_cum, SYNTH_N_HOME_LANGS);
}

/* Whether a home language is English ("00") or blank: no ELPAC. */
static inline int synth_people_english(const synth *s, unsigned lang)
{
	return (int)((s->lang_english >> lang) & 1u);
}

/* Names, languages, paper flag and mailing block of st (its grade,
 * language and school are set). */
void synth_people_fill(const synth *s, rng *r, student *st);

/* ------------------------------------------------------------------ */
/* synth_rows.c                                                         */

extern const char synth_grade_text[N_GRADES][3];
extern const char *const synth_report_text[N_REPORTS];
extern const char synth_students_header[];  /* the header line, with its '\n' */

/* The grade shares and the SSID permutation's keys. */
void synth_rows_init(synth *s);
/* Draw the next student with at least one report into st; k numbers its
 * SSID (k < SSID_SPACE, each k once). */
void synth_rows_draw(synth *s, rng *r, student *st, uint64_t k);
/* synth_rows_draw with the school given (a grade it serves is drawn). */
void synth_rows_draw_at(synth *s, rng *r, student *st, uint64_t k, uint32_t school_i);
/* Join st's fields again into its two CSV pieces (after changing one). */
void synth_rows_join(student *st);
/* st's row for report rep_i into dst (LINE_BYTES); returns its length. */
size_t synth_rows_line(const synth *s, const student *st, unsigned rep_i, char *dst);
/* s->cur's next row into s->line, counted for its school and kept in the
 * ring now and then, as the students file writes it; returns its length. */
size_t synth_rows_next(synth *s);
/* All 19 fields of one of st's rows, the one for report rep. */
void synth_rows_fields(const synth *s, const student *st, unsigned rep, span *f);
/* The students file: its header, then `rows` rows, a share of them
 * malformed (bad_threshold out of 2^32). */
void synth_rows_write(synth *s, uint64_t rows, uint64_t bad_threshold);

/* ------------------------------------------------------------------ */
/* synth_bad.c                                                          */

/* One malformed row to s->out, drawn from s->r_bad. */
void synth_bad_row(synth *s);

/* ------------------------------------------------------------------ */
/* synth_orders.c                                                       */

/* The orders file, for the schools that got rows (and, in a wave 2, the
 * late orders). */
status synth_orders_write(synth *s, outstream *o);
/* The LEA directory (gen --leas; synth_leas.c). */
status synth_leas_write(synth *s, outstream *o);

/* ------------------------------------------------------------------ */
/* synth_late.c                                                         */

/* The students file of a wave 2: wave 1's rows regenerated, a few gone or
 * corrected, late rows among them and at the end. */
status synth_late_write(synth *s, uint64_t rows, uint64_t bad_threshold);

#endif
