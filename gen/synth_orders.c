/*
 * synth_orders.c: the orders file (docs/rules.md §4) that goes with the
 * generated students file.
 *
 *   synth_orders_write(s, out)            once, after the students file
 *
 * After the rows, each school knows how many good rows it got, so the
 * orders only name LEAs and schools that appear in the students file.
 * About 12% of those LEAs order (Los Angeles half the time, three mid-size
 * LEAs always), CAASPP and/or ELPAC, mostly LEA-wide, some for a few
 * schools, some both.  Dates fall between 2019-04-15 and the deadline
 * (docs/rules.md §4.3), with a few late, cancelled (before or after the
 * cancel deadline) and duplicate rows, and a few paper sizes on school
 * orders, which are ignored with a warning (§4.4).  The rows are written in
 * ordered_on order, like an ordering system's export.  Every draw comes
 * from s->r_orders.  A wave 2 adds its late orders (late_orders, drawn
 * from s->r_late) before the sort; its rows sort after wave 1's of the same
 * day, so wave 1's rows keep their order.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/mem.h"
#include "synth_internal.h"

static const char orders_header[] =
	"lea_code,school_code,program,envelopes,paper_size,po_number,"
	"ordered_on,cancelled_on\n";

#define NO_SCHOOL UINT32_MAX
#define DOY_APR15 105  /* day of year in 2019 */
#define DOY_JUN30 181
#define DOY_JUL15 196

enum { P_CAASPP, P_ELPAC };

typedef struct order_row {
	uint32_t lea, school;     /* school NO_SCHOOL: LEA-wide */
	uint32_t seq;             /* creation order, the sort's tie-break */
	uint32_t po;              /* 0: none */
	uint16_t ordered, cancelled;  /* days of 2019; cancelled 0: none */
	uint8_t program;
	char envelopes;           /* 'Y', 'N' or 0 (blank) */
	uint8_t paper;            /* 0 blank, 1 11x17, 2 8.5x11 */
} order_row;

typedef struct order_list {
	order_row *v;
	uint32_t n, cap;
} order_list;

static void order_push(order_list *L, const order_row *o)
{
	assert(L->n < L->cap);
	L->v[L->n] = *o;
	L->v[L->n].seq = L->n;
	L->n++;
}

/* One order row with its dates and options, and now and then a second,
 * duplicate active row for the same key. */
static void order_add(rng *r, order_list *L, uint32_t lea_i, uint32_t school_i, unsigned prog, uint32_t po)
{
	const unsigned deadline = prog == P_CAASPP ? DOY_JUL15 : DOY_JUN30;
	order_row o = { .lea = lea_i, .school = school_i, .program = (uint8_t)prog, .po = po };
	const int late = rng_chance(r, 300);
	o.ordered = (uint16_t)(late ? deadline + 1 + rng_below(r, 30) :
			       DOY_APR15 + rng_below(r, deadline - DOY_APR15 + 1));
	const uint32_t env = rng_below(r, 100);
	o.envelopes = env < 30 ? 'Y' : env < 70 ? 'N' : 0;
	const uint32_t paper = rng_below(r, 100);
	if (school_i == NO_SCHOOL && prog == P_CAASPP)
		o.paper = paper < 15 ? 2 : paper < 50 ? 1 : 0;
	else if (school_i == NO_SCHOOL)
		o.paper = paper < 20 ? 1 : 0;
	else
		o.paper = paper < 5 ? 1 : 0;  /* ignored with a warning */
	if (rng_chance(r, 300)) {
		if (rng_chance(r, 5000) && o.ordered <= DOY_JUL15)  /* in time: inactive */
			o.cancelled = (uint16_t)(o.ordered + rng_below(r, DOY_JUL15 - o.ordered + 1u));
		else  /* too late: ignored, the order stands */
			o.cancelled = (uint16_t)((o.ordered > DOY_JUL15 ? o.ordered : DOY_JUL15 + 1) + rng_below(r, 45));
	}
	order_push(L, &o);
	const int active = !late && !(o.cancelled && o.cancelled <= DOY_JUL15);
	if (active && rng_chance(r, 200)) {
		order_row d = o;
		const unsigned later = o.ordered + 1 + rng_below(r, 10);
		d.ordered = (uint16_t)(later < deadline ? later : deadline);
		d.cancelled = 0;
		order_push(L, &d);
	}
}

static int order_cmp(const void *a, const void *b)
{
	const order_row *x = a, *y = b;
	if (x->ordered != y->ordered)
		return x->ordered < y->ordered ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* "2019-MM-DD" for a day of 2019 (not a leap year). */
static void put_date(char *dst, unsigned doy)
{
	static const uint8_t mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned m = 0;
	while (m < 11 && doy > mdays[m]) {
		doy -= mdays[m];
		m++;
	}
	memcpy(dst, "2019-", 5);
	put_digits(dst + 5, m + 1, 2);
	dst[7] = '-';
	put_digits(dst + 8, doy, 2);
}

static uint64_t lea_rows(const synth *s, uint32_t i)
{
	const lea *l = &s->leas[i];
	uint64_t n = 0;
	for (uint32_t j = 0; j < l->n_schools; j++)
		n += s->schools[l->first_school + j].n_rows;
	return n;
}

/* A day for a late order of prog: on or after every in-time order of
 * prog already in L, on or before its deadline (docs/rules.md §4.3). */
static uint16_t late_day(const order_list *L, unsigned prog, rng *r)
{
	const unsigned deadline = prog == P_CAASPP ? DOY_JUL15 : DOY_JUN30;
	unsigned last = DOY_APR15;
	for (uint32_t i = 0; i < L->n; i++)
		if (L->v[i].program == prog && L->v[i].ordered <= deadline && L->v[i].ordered > last)
			last = L->v[i].ordered;
	return (uint16_t)(last + rng_below(r, deadline - last + 1));
}

/* A wave 2's orders (synth_late.c): wave 1's rows, then, dated after them
 * and in time, a school order for the new charter's school (the last
 * school with late rows and no wave 1 row), a school order in an LEA that
 * had ordered nothing, and an LEA-wide order of another such LEA (when
 * there is one) cancelled in time (it covers nothing in either wave, so no
 * set printed in wave 1 loses its order).  lea_ordered: scratch, one byte
 * per LEA. */
static void late_orders(synth *s, order_list *L, uint8_t *lea_ordered)
{
	rng *r = &s->r_late;
	memset(lea_ordered, 0, s->n_lea);
	for (uint32_t i = 0; i < L->n; i++)
		lea_ordered[L->v[i].lea] = 1;
	for (uint32_t i = s->n_school; i-- > 0;) {  /* the new charter's first */
		const school *sc = &s->schools[i];
		if (sc->n_rows == 0 && sc->n_late > 0) {
			const unsigned prog = sc->hi >= G_03 ? P_CAASPP : P_ELPAC;
			order_row o = { .lea = sc->lea, .school = i, .program = (uint8_t)prog, .envelopes = 'N' };
			o.ordered = late_day(L, prog, r);
			order_push(L, &o);
			break;
		}
	}
	const uint32_t l0 = rng_below(r, s->n_lea);
	unsigned made = 0;
	for (uint32_t j = 0; j < s->n_lea && made < 2; j++) {
		const uint32_t i = (l0 + j) % s->n_lea;
		if (lea_ordered[i] || lea_rows(s, i) == 0)
			continue;
		order_row o = { .lea = i, .school = NO_SCHOOL, .program = P_CAASPP };
		if (made == 0) {  /* the school with the most rows */
			const lea *l = &s->leas[i];
			o.school = l->first_school;
			for (uint32_t k = 1; k < l->n_schools; k++)
				if (s->schools[l->first_school + k].n_rows > s->schools[o.school].n_rows)
					o.school = l->first_school + k;
			o.program = s->schools[o.school].hi >= G_03 ? P_CAASPP : P_ELPAC;
			o.ordered = late_day(L, o.program, r);
		} else {
			o.ordered = late_day(L, P_CAASPP, r);
			o.cancelled = (uint16_t)(o.ordered + rng_below(r, DOY_JUL15 - o.ordered + 1u));
		}
		order_push(L, &o);
		made++;
	}
}

status synth_orders_write(synth *s, outstream *o)
{
	rng *r = &s->r_orders;
	uint32_t max_sch = 1;
	for (uint32_t i = 0; i < s->n_lea; i++)
		if (s->leas[i].n_schools > max_sch)
			max_sch = s->leas[i].n_schools;
	/* Per ordering LEA and program: an LEA-wide row, up to 3 school
	 * rows, and a duplicate of each: at most 8 rows; and a wave 2's 3
	 * late rows. */
	order_list L = { mem_alloc(((size_t)s->n_lea * 2 * 8 + 3) * sizeof(order_row)), 0, s->n_lea * 2 * 8 + 3 };
	uint32_t *present = mem_alloc((size_t)(max_sch > s->n_lea ? max_sch : s->n_lea) * sizeof(uint32_t));
	uint8_t *forced = mem_calloc(s->n_lea, 1);
	if (!L.v || !present || !forced) {
		mem_free(L.v);
		mem_free(present);
		mem_free(forced);
		return status_fail(ST_NOMEM, "synth: out of memory");
	}

	/* Three mid-size districts that appear in the file always order (of
	 * the LEAs of the world as built: a wave 2 adds one). */
	const uint32_t n_lea = s->n_lea_world;
	const uint32_t lo = n_lea / 50 > 1 ? n_lea / 50 : 1;
	const uint32_t hi = n_lea / 5 > lo + 3 ? n_lea / 5 : lo + 3;
	uint32_t n_cand = 0;
	for (uint32_t i = lo; i <= hi && i < n_lea; i++)
		if (s->leas[i].kind != K_CHARTER && lea_rows(s, i) > 0)
			present[n_cand++] = i;
	for (uint32_t k = 0; k < 3 && k < n_cand; k++) {
		const uint32_t j = k + rng_below(r, n_cand - k);
		const uint32_t t = present[k];
		present[k] = present[j];
		present[j] = t;
		forced[present[k]] = 1;
	}

	for (uint32_t i = 0; i < s->n_lea; i++) {
		const lea *l = &s->leas[i];
		uint32_t np = 0;
		for (uint32_t j = 0; j < l->n_schools; j++)
			if (s->schools[l->first_school + j].n_rows)
				present[np++] = l->first_school + j;
		const uint32_t p = forced[i] ? 10000 : i == 0 ? 5000 : 1200;
		if (!np || !rng_chance(r, p))
			continue;
		const uint32_t po = rng_chance(r, 7000) ? 1 + rng_below(r, 99999) : 0;
		const uint32_t which = rng_below(r, 100);
		for (unsigned prog = P_CAASPP; prog <= P_ELPAC; prog++) {
			if ((prog == P_CAASPP && which >= 55 && which < 70) ||
			    (prog == P_ELPAC && which < 55))
				continue;  /* 55% CAASPP only, 15% ELPAC only, 30% both */
			const uint32_t scope = rng_below(r, 100);
			const int lea_wide = np < 2 || scope < 75 || scope >= 90;
			const int schools = np >= 2 && scope >= 75;
			if (lea_wide)
				order_add(r, &L, i, NO_SCHOOL, prog, po);
			if (schools) {
				const uint32_t k = 1 + rng_below(r, np - 1 < 3 ? np - 1 : 3);
				for (uint32_t j = 0; j < k; j++) {
					const uint32_t x = j + rng_below(r, np - j);
					const uint32_t t = present[j];
					present[j] = present[x];
					present[x] = t;
					order_add(r, &L, i, present[j], prog, po);
				}
			}
		}
	}
	if (s->wave == 2)
		late_orders(s, &L, forced);
	qsort(L.v, L.n, sizeof *L.v, order_cmp);

	outstream_write(o, orders_header, sizeof orders_header - 1);
	for (uint32_t i = 0; i < L.n; i++) {
		const order_row *x = &L.v[i];
		static const char *const paper_text[] = { "", "11x17", "8.5x11" };
		char po[16], d1[10], d2[10];
		outstream_csv_field(o, s->leas[x->lea].code, 7, 0);
		if (x->school == NO_SCHOOL)
			outstream_csv_field(o, "", 0, 0);
		else
			outstream_csv_field(o, s->schools[x->school].code, 7, 0);
		outstream_csv_str(o, x->program == P_CAASPP ? "CAASPP" : "ELPAC", 0);
		outstream_csv_field(o, &x->envelopes, x->envelopes ? 1 : 0, 0);
		outstream_csv_str(o, paper_text[x->paper], 0);
		if (x->po) {
			memcpy(po, "PO-2019-", 8);
			put_digits(po + 8, x->po, 5);
			outstream_csv_field(o, po, 13, 0);
		} else {
			outstream_csv_field(o, "", 0, 0);
		}
		put_date(d1, x->ordered);
		outstream_csv_field(o, d1, 10, 0);
		if (x->cancelled) {
			put_date(d2, x->cancelled);
			outstream_csv_field(o, d2, 10, 1);
		} else {
			outstream_csv_field(o, "", 0, 1);
		}
	}
	mem_free(L.v);
	mem_free(present);
	mem_free(forced);
	return ST_OK;
}
