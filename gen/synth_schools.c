/*
 * synth_schools.c: the schools of the generated LEAs, and the tables a
 * student's school is drawn from.
 *
 *   synth_schools_build(s, rows)          once, after the LEAs (synth_world.c)
 *   synth_schools_pick(s, r, grade)       per student (synth_internal.h)
 *   synth_schools_add_charter(s, r)       a wave 2's new charter's school
 *
 * Charters have one school and county offices one to three; districts
 * share the rest of about ten schools per LEA by weight.  A district's
 * schools (elementary TK-05, middle 06-08, high 09-12, K-8,
 * continuation...) split its weight for each grade they serve, which
 * gives, per grade, a cumulative weight table over the schools serving it;
 * a student's school is a binary search in its grade's table.  A
 * district's school names are namesakes first, then street names, namesake
 * variants ("Lincoln Park") and at last numbered streets, so they are
 * unique within the LEA; codes are 7 digits (docs/rules.md §3.1), unique
 * statewide.  Each school keeps its
 * "lea_code,lea_name,school_code,school_name," text ready to copy,
 * CSV-quoted once here (some school names hold commas).
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "../base/mem.h"
#include "synth_internal.h"

/* School namesakes; one holds a comma, so its rows get quoted. */
static const char *const namesakes[] = {
	"Lincoln", "Washington", "Jefferson", "Roosevelt", "Kennedy", "Franklin",
	"Madison", "Garfield", "Grant", "Jackson", "Monroe", "Wilson", "Adams",
	"Hamilton", "Edison", "Emerson", "Hawthorne", "Longfellow", "Whittier",
	"John Muir", "Sequoia", "Redwood", "Sierra Vista", "Mountain View",
	"Valley View", "Oak Grove", "Willow Creek", "Pine Hills",
	"César Chávez", "Dolores Huerta", "Dr. Martin Luther King, Jr.",
	"Rosa Parks", "Sally Ride", "Harvey Milk", "Fred T. Korematsu",
	"Thurgood Marshall", "Frederick Douglass", "Sojourner Truth",
	"Juan Rodríguez Cabrillo", "Gabriela Mistral", "Rubén Salazar",
	"Eleanor Roosevelt", "Amelia Earhart", "Jackie Robinson", "Mark Twain",
	"John Steinbeck", "Jack London", "Robert Frost", "Pacific", "Bayside",
	"Hillcrest", "Lakeside", "Parkview", "Sunnyside", "Westwood",
	"Eastwood", "Northridge", "Southgate", "Meadowbrook", "Cypress",
	"Magnolia", "Jacaranda", "Manzanita", "Los Cerritos", "Las Palmas",
	"El Sereno", "Loma Vista", "Buena Vista", "Vista Grande", "Rancho",
	"Sutter", "Fremont", "Stanford", "George Washington Carver",
	"Mary McLeod Bethune", "Dr. Sammy Lee", "Ynez", "Alta Vista",
	"Del Mar", "La Cañada", "Peñasquitos", "Dos Pueblos", "Arroyo",
	"Live Oak", "Sycamore", "Canyon", "Mesa Verde", "Rio Vista",
	"Harriet Tubman", "Ralph Bunche", "Maya Angelou", "Ruth Asawa",
	"Wilma Mankiller", "Daniel Inouye", "Vicente Martinez",
};

typedef struct school_type {
	uint8_t lo, hi;       /* grades served */
	const char *suffix;
	uint16_t unit_lo, unit_span;  /* relative size draw */
} school_type;

enum { S_ELEM, S_ELEM6, S_MIDDLE, S_HIGH, S_K8, S_CONT, S_K12, S_COMM,
       S_SPED, S_CH_ELEM, S_CH_K8, S_CH_MID, S_CH_HIGH, S_CH_612,
       S_CH_K12, N_SCHOOL_TYPES };

static const school_type school_types[N_SCHOOL_TYPES] = {
	[S_ELEM] = { G_TK, G_05, " Elementary", 60, 100 },
	[S_ELEM6] = { G_TK, G_06, " Elementary", 60, 100 },
	[S_MIDDLE] = { G_06, G_08, " Middle", 60, 100 },
	[S_HIGH] = { G_09, G_12, " High", 60, 100 },
	[S_K8] = { G_TK, G_08, " K-8 Academy", 30, 50 },
	[S_CONT] = { G_09, G_12, " Continuation High", 5, 15 },
	[S_K12] = { G_TK, G_12, " School", 60, 60 },
	[S_COMM] = { G_07, G_12, " County Community", 30, 30 },
	[S_SPED] = { G_TK, G_12, " County Special Education", 10, 20 },
	[S_CH_ELEM] = { G_TK, G_05, "", 60, 60 },
	[S_CH_K8] = { G_TK, G_08, "", 60, 60 },
	[S_CH_MID] = { G_06, G_08, "", 60, 60 },
	[S_CH_HIGH] = { G_09, G_12, "", 60, 60 },
	[S_CH_612] = { G_06, G_12, "", 60, 60 },
	[S_CH_K12] = { G_TK, G_12, "", 60, 60 },
};

/* For districts with more schools than namesakes. */
static const char *const street_words[] = {
	" Avenue", " Street", " Boulevard", " Drive", " Road",
};
static const char *const namesake_words[] = { " Park", " Heights", " Hills" };

static const char *const campus_suffix[] = {
	", Main Campus", ", North Campus", ", South Campus", ", East Campus",
	", West Campus", ", Annex",
};

/* The types of a district's n schools, into types[0..n). */
static void school_mix(rng *r, uint8_t kind, uint32_t n, uint8_t *types)
{
	uint32_t k = 0;
	switch (kind) {
	case K_UNIFIED:
		if (n == 1) {
			types[k++] = S_K12;
		} else if (n == 2) {
			types[k++] = S_K8;
			types[k++] = S_HIGH;
		} else {
			uint32_t high = n * 15 / 100, mid = n * 17 / 100, other = n * 5 / 100;
			if (high < 1)
				high = 1;
			if (mid < 1)
				mid = 1;
			for (uint32_t i = 0; i < high; i++)
				types[k++] = S_HIGH;
			for (uint32_t i = 0; i < mid; i++)
				types[k++] = S_MIDDLE;
			for (uint32_t i = 0; i < other; i++)
				types[k++] = (i & 1) ? S_K8 : S_CONT;
			while (k < n)
				types[k++] = S_ELEM;
		}
		break;
	case K_ELEMENTARY:
		if (n == 1) {
			types[k++] = S_K8;
		} else {
			uint32_t mid = n / 6;
			if (mid < 1)
				mid = 1;
			for (uint32_t i = 0; i < mid; i++)
				types[k++] = S_MIDDLE;
			while (k < n)
				types[k++] = S_ELEM;
		}
		break;
	case K_HIGH: {
		const uint32_t cont = n >= 4 ? n / 5 : 0;
		for (uint32_t i = 0; i < cont; i++)
			types[k++] = S_CONT;
		while (k < n)
			types[k++] = S_HIGH;
		break;
	}
	case K_COE:
		types[k++] = S_COMM;
		if (n > 1)
			types[k++] = S_SPED;
		while (k < n)
			types[k++] = S_COMM;
		break;
	default: { /* one-school charter */
		static const uint8_t ch[] = { S_CH_ELEM, S_CH_ELEM, S_CH_K8, S_CH_K8,
			S_CH_MID, S_CH_HIGH, S_CH_HIGH, S_CH_612, S_CH_K12 };
		types[k++] = ch[rng_below(r, COUNT(ch))];
	}
	}
	assert(k == n);
}

/* Statewide-unique 7-digit codes, a bijection of the index. */
static void school_code(school *sc, uint32_t id)
{
	put_digits(sc->code, 1000000 + (UINT64_C(1234577) * id + 6016) % 9000000, 7);
	sc->code[7] = '\0';
}

/* sc's name, and its "lea_code,lea_name,school_code,school_name," text. */
static status school_name(synth *s, school *sc, const char *name, size_t n)
{
	const lea *l = &s->leas[sc->lea];
	sc->name = synth_world_strdup(s, name, n);
	const span f[4] = { { l->code, 7 }, span_str(l->name), { sc->code, 7 }, { name, n } };
	char pre[640];
	const size_t np = csv_join(pre, sizeof pre, f, 4, 0);
	sc->prefix = synth_world_strdup(s, pre, np);
	sc->n_prefix = (uint32_t)np;
	if (!sc->name || !sc->prefix)
		return status_fail(ST_NOMEM, "synth: out of memory");
	return ST_OK;
}

status synth_schools_add_charter(synth *s, rng *r)
{
	const uint32_t i = s->n_lea - 1, id = s->n_school;
	assert(s->leas[i].kind == K_CHARTER);
	school *v = mem_realloc(s->schools, ((size_t)id + 1) * sizeof *v);
	if (!v)
		return status_fail(ST_NOMEM, "synth: out of memory");
	s->schools = v;
	school *sc = &v[id];
	memset(sc, 0, sizeof *sc);
	uint8_t type;
	school_mix(r, K_CHARTER, 1, &type);
	sc->lea = i;
	sc->lo = school_types[type].lo;
	sc->hi = school_types[type].hi;
	sc->unit = school_types[type].unit_lo;
	school_code(sc, id);
	s->leas[i].first_school = id;
	s->leas[i].n_schools = 1;
	s->n_school = id + 1;
	return school_name(s, sc, s->leas[i].name, strlen(s->leas[i].name));
}

static status build_schools(synth *s, uint64_t rows)
{
	rng *r = &s->r_world;
	uint64_t target = (uint64_t)s->n_lea * 10;
	uint64_t by_rows = rows / 25;
	if (by_rows < (uint64_t)s->n_lea * 2)
		by_rows = (uint64_t)s->n_lea * 2;
	if (target > by_rows)
		target = by_rows;

	/* Charters and county offices have one to three schools; districts
	 * share the rest by weight. */
	uint64_t fixed = 0, w_dist = 0;
	for (uint32_t i = 0; i < s->n_lea; i++) {
		lea *l = &s->leas[i];
		if (l->kind == K_CHARTER) {
			l->n_schools = 1;
			fixed++;
		} else if (l->kind == K_COE) {
			l->n_schools = 1 + rng_below(r, 3);
			fixed += l->n_schools;
		} else {
			w_dist += l->weight;
		}
	}
	const uint64_t for_dist = target > fixed ? target - fixed : 0;
	uint64_t total = 0;
	uint32_t max_per_lea = 1;
	for (uint32_t i = 0; i < s->n_lea; i++) {
		lea *l = &s->leas[i];
		if (l->kind != K_CHARTER && l->kind != K_COE) {
			uint64_t k = for_dist * l->weight / w_dist;
			if (k < 1)
				k = 1;
			if (i == 0 && k < 3)
				k = 3;  /* Los Angeles serves every grade on its own */
			l->n_schools = (uint32_t)k;
		}
		l->first_school = (uint32_t)total;
		total += l->n_schools;
		if (l->n_schools > max_per_lea)
			max_per_lea = l->n_schools;
	}
	s->n_school = (uint32_t)total;
	s->schools = mem_calloc(total, sizeof *s->schools);
	uint8_t *types = mem_alloc(max_per_lea);
	if (!s->schools || !types) {
		mem_free(types);
		return status_fail(ST_NOMEM, "synth: out of memory");
	}

	for (uint32_t i = 0; i < s->n_lea; i++) {
		const lea *l = &s->leas[i];
		school_mix(r, l->kind, l->n_schools, types);
		const uint32_t ns_start = rng_below(r, COUNT(namesakes));
		for (uint32_t j = 0; j < l->n_schools; j++) {
			const uint32_t id = l->first_school + j;
			school *sc = &s->schools[id];
			const school_type *t = &school_types[types[j]];
			sc->lea = i;
			sc->lo = t->lo;
			sc->hi = t->hi;
			sc->unit = t->unit_lo + rng_below(r, t->unit_span + 1u);
			school_code(sc, id);

			char buf[200];
			sbuf b = { buf, 0, sizeof buf - 1 };
			if (l->kind == K_CHARTER) {
				sb_str(&b, l->name);
			} else if (l->kind == K_COE) {
				sb_str(&b, synth_county_names[synth_places[l->place].county]);
				sb_str(&b, t->suffix);
				if (j >= 2) {
					sb_str(&b, " ");
					sb_uint(&b, j);
				}
			} else {
				/* Namesakes first, then Los Angeles style street
				 * names ("Hobart Boulevard Elementary"), namesake
				 * variants, and at last numbered streets, so names
				 * are unique within the LEA. */
				const uint32_t n_ns = COUNT(namesakes);
				const uint32_t n_st = SYNTH_N_STREETS * COUNT(street_words);
				const uint32_t n_var = n_ns * COUNT(namesake_words);
				if (j < n_ns) {
					sb_str(&b, namesakes[(ns_start + j) % n_ns]);
				} else if (j < n_ns + n_st) {
					const uint32_t q = j - n_ns;
					sb_str(&b, synth_streets[(ns_start + q) % SYNTH_N_STREETS]);
					sb_str(&b, street_words[q / SYNTH_N_STREETS]);
				} else if (j < n_ns + n_st + n_var) {
					const uint32_t q = j - n_ns - n_st;
					sb_str(&b, namesakes[(ns_start + q) % n_ns]);
					sb_str(&b, namesake_words[q / n_ns]);
				} else {
					const uint64_t num = j - (n_ns + n_st + n_var) + 10;
					const uint64_t last2 = num % 100;
					sb_uint(&b, num);
					sb_str(&b, (last2 >= 11 && last2 <= 13) ? "th" :
						num % 10 == 1 ? "st" : num % 10 == 2 ? "nd" :
						num % 10 == 3 ? "rd" : "th");
					sb_str(&b, " Street");
				}
				sb_str(&b, t->suffix);
				if (rng_chance(r, 300))
					sb_str(&b, campus_suffix[rng_below(r, COUNT(campus_suffix))]);
			}
			if (school_name(s, sc, buf, b.n) != ST_OK) {
				mem_free(types);
				return ST_NOMEM;
			}
		}
	}
	mem_free(types);
	return ST_OK;
}

/* Per grade: the schools serving it, with cumulative weights.  A district
 * spreads its weight over the schools serving each grade by their units. */
static status build_pick_tables(synth *s)
{
	uint64_t (*unit_sum)[N_GRADES] = mem_calloc(s->n_lea, sizeof *unit_sum);
	if (!unit_sum)
		return status_fail(ST_NOMEM, "synth: out of memory");
	for (uint32_t i = 0; i < s->n_school; i++) {
		const school *sc = &s->schools[i];
		for (unsigned g = sc->lo; g <= sc->hi; g++) {
			unit_sum[sc->lea][g] += sc->unit;
			s->pick_n[g]++;
		}
	}
	for (unsigned g = 0; g < N_GRADES; g++) {
		s->pick_cum[g] = mem_alloc((s->pick_n[g] + 1) * sizeof(uint32_t));
		s->pick_school[g] = mem_alloc((s->pick_n[g] + 1) * sizeof(uint32_t));
		if (!s->pick_cum[g] || !s->pick_school[g]) {
			mem_free(unit_sum);
			return status_fail(ST_NOMEM, "synth: out of memory");
		}
		assert(s->pick_n[g] > 0);  /* Los Angeles serves every grade */
	}
	uint32_t k[N_GRADES] = { 0 };
	uint64_t cum[N_GRADES] = { 0 };
	for (uint32_t i = 0; i < s->n_school; i++) {
		const school *sc = &s->schools[i];
		const lea *l = &s->leas[sc->lea];
		for (unsigned g = sc->lo; g <= sc->hi; g++) {
			uint64_t w = (uint64_t)l->weight * sc->unit / unit_sum[sc->lea][g];
			cum[g] += w ? w : 1;
			assert(cum[g] < UINT32_MAX);
			s->pick_cum[g][k[g]] = (uint32_t)cum[g];
			s->pick_school[g][k[g]] = i;
			k[g]++;
		}
	}
	mem_free(unit_sum);
	return ST_OK;
}

status synth_schools_build(synth *s, uint64_t rows)
{
	status st = build_schools(s, rows);
	if (st == ST_OK)
		st = build_pick_tables(s);
	return st;
}
