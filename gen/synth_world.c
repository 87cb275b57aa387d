/*
 * synth_world.c: the LEAs of the generated state, and the arena that keeps
 * the world's strings; their schools are synth_schools.c's.
 *
 *   synth_world_build(s, rows)      once, from s->r_world: LEAs, then schools
 *   synth_world_strdup(s, p, n)     a string kept until the release
 *   synth_world_release(s)          at the end
 *
 * The LEA count grows with the square root of `rows` (about 100 for 60,000
 * rows, capped at 1,000 for a statewide 6 M), schools about ten times
 * that.  LEA sizes are Zipf-like by rank, w = 2^28 / (rank + 10), with Los
 * Angeles Unified at rank 0 sized to about 8% of the rows; the first ranks
 * are real large districts, the tail a mix of elementary, unified and high
 * school districts, county offices and one-school charters.  An LEA's code
 * has the shape docs/rules.md §3.1 asks for, 7 digits: its county's two,
 * then five that number the LEA.  The arena hands out 64 KiB chunks,
 * linked, freed together.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "../base/mem.h"
#include "synth_internal.h"

/* The arena: chunks of 64 KiB (more for a longer string), newest first. */
struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	char data[];
};

#define ARENA_CHUNK_BYTES (64u * 1024u)

static char *arena_alloc(arena_chunk **head, size_t n)
{
	arena_chunk *c = *head;
	if (!c || c->cap - c->used < n) {
		const size_t cap = n > ARENA_CHUNK_BYTES ? n : ARENA_CHUNK_BYTES;
		c = mem_alloc(sizeof *c + cap);
		if (!c)
			return NULL;
		c->next = *head;
		c->used = 0;
		c->cap = cap;
		*head = c;
	}
	char *p = c->data + c->used;
	c->used += n;
	return p;
}

const char *synth_world_strdup(synth *s, const char *p, size_t n)
{
	char *q = arena_alloc(&s->arena, n + 1);
	if (q) {
		memcpy(q, p, n);
		q[n] = '\0';
	}
	return q;
}

static void arena_free(arena_chunk *c)
{
	while (c) {
		arena_chunk *next = c->next;
		mem_free(c);
		c = next;
	}
}

/* The largest LEAs, by rank. */
typedef struct big_lea {
	const char *name;
	const char *city;
	uint8_t kind;
} big_lea;

static const big_lea big_leas[] = {
	{ "Los Angeles Unified", "Los Angeles", K_UNIFIED },
	{ "San Diego Unified", "San Diego", K_UNIFIED },
	{ "Fresno Unified", "Fresno", K_UNIFIED },
	{ "Long Beach Unified", "Long Beach", K_UNIFIED },
	{ "Elk Grove Unified", "Elk Grove", K_UNIFIED },
	{ "San Francisco Unified", "San Francisco", K_UNIFIED },
	{ "Corona-Norco Unified", "Corona", K_UNIFIED },
	{ "San Bernardino City Unified", "San Bernardino", K_UNIFIED },
	{ "Capistrano Unified", "San Juan Capistrano", K_UNIFIED },
	{ "Santa Ana Unified", "Santa Ana", K_UNIFIED },
	{ "Oakland Unified", "Oakland", K_UNIFIED },
	{ "Sacramento City Unified", "Sacramento", K_UNIFIED },
	{ "San Juan Unified", "Carmichael", K_UNIFIED },
	{ "Riverside Unified", "Riverside", K_UNIFIED },
	{ "Clovis Unified", "Clovis", K_UNIFIED },
	{ "Garden Grove Unified", "Garden Grove", K_UNIFIED },
	{ "Sweetwater Union High", "Chula Vista", K_HIGH },
	{ "Irvine Unified", "Irvine", K_UNIFIED },
	{ "Fontana Unified", "Fontana", K_UNIFIED },
	{ "Stockton Unified", "Stockton", K_UNIFIED },
	{ "Kern High", "Bakersfield", K_HIGH },
	{ "Moreno Valley Unified", "Moreno Valley", K_UNIFIED },
	{ "Poway Unified", "Poway", K_UNIFIED },
	{ "Saddleback Valley Unified", "Mission Viejo", K_UNIFIED },
	{ "Chino Valley Unified", "Chino", K_UNIFIED },
	{ "Twin Rivers Unified", "North Highlands", K_UNIFIED },
	{ "Bakersfield City", "Bakersfield", K_ELEMENTARY },
	{ "Lodi Unified", "Lodi", K_UNIFIED },
	{ "Mt. Diablo Unified", "Concord", K_UNIFIED },
	{ "Fremont Unified", "Fremont", K_UNIFIED },
	{ "Murrieta Valley Unified", "Murrieta", K_UNIFIED },
	{ "Temecula Valley Unified", "Temecula", K_UNIFIED },
	{ "Desert Sands Unified", "La Quinta", K_UNIFIED },
	{ "Visalia Unified", "Visalia", K_UNIFIED },
	{ "Hacienda La Puente Unified", "La Puente", K_UNIFIED },
	{ "Palmdale Elementary", "Palmdale", K_ELEMENTARY },
	{ "Compton Unified", "Compton", K_UNIFIED },
	{ "Pomona Unified", "Pomona", K_UNIFIED },
	{ "Anaheim Union High", "Anaheim", K_HIGH },
	{ "West Contra Costa Unified", "Richmond", K_UNIFIED },
	{ "Placentia-Yorba Linda Unified", "Placentia", K_UNIFIED },
	{ "Montebello Unified", "Montebello", K_UNIFIED },
	{ "Torrance Unified", "Torrance", K_UNIFIED },
	{ "William S. Hart Union High", "Santa Clarita", K_HIGH },
	{ "Pajaro Valley Unified", "Watsonville", K_UNIFIED },
	{ "Hesperia Unified", "Hesperia", K_UNIFIED },
	{ "Downey Unified", "Downey", K_UNIFIED },
	{ "Norwalk-La Mirada Unified", "Norwalk", K_UNIFIED },
	{ "San Ramon Valley Unified", "San Ramon", K_UNIFIED },
	{ "Oxnard Union High", "Oxnard", K_HIGH },
};

/* District name stems that are not cities (their mail goes to a random
 * city of the table). */
static const char *const area_stems[] = {
	"Pleasant Valley", "Oak Grove", "Evergreen", "Cottonwood", "Pine Ridge",
	"Sierra Sands", "Golden Plains", "Mountain Empire", "Twin Hills",
	"Cold Spring", "Rio Bravo", "Lone Pine", "Green Point", "Happy Valley",
	"Bear Valley", "Round Valley", "Alta Loma", "Cucamonga", "Buena Vista",
	"Laguna Salada", "Ravenswood City", "Columbia", "Liberty",
	"Mother Lode", "Big Oak Flat-Groveland", "Junction", "Sundale",
	"Richland", "Lakeside", "Alview-Dairyland", "Hope", "Orchard",
	"Los Molinos", "Plumas Lake", "Knightsen", "Burrel", "Fruitvale",
	"Panama-Buena Vista", "Whisman", "Cupertino Union", "Mission Valley",
	"Sequoia", "Tamalpais", "Capay", "Piner-Olivet", "Wiseburn",
	"Rio Dell", "Jamul-Dulzura", "Bonsall", "Spencer Valley",
};

static const char *const unified_suffix[] = {
	" Unified", " Joint Unified", " Valley Unified", " City Unified",
};
static const char *const elementary_suffix[] = {
	" Elementary", " Union Elementary", " City Elementary",
	" Joint Elementary", " School District",
};
static const char *const high_suffix[] = {
	" Union High", " Joint Union High", " High",
};

static const char *const charter_prefix[] = {
	"Aspire", "KIPP", "Green Dot", "Summit", "Alliance", "High Tech",
	"Da Vinci", "Magnolia", "Rocketship", "Camino Nuevo", "Ánimo",
	"Bright Star", "Celerity", "Gabriella", "Vaughn", "Oxford", "Excel",
	"Everest", "Ingenium", "Valiente", "Los Feliz", "Golden Valley",
	"New Heights", "Urban Discovery", "Inspire", "Connecting Waters",
	"Odyssey", "Granada Hills", "Método", "Compass", "Pacific Coast",
	"Sierra Montessori", "Lighthouse", "Leadership Public", "Making Waves",
	"Rocklin Academy", "Clayton Valley", "Westlake", "Mare Island",
	"Synergy",
};
static const char *const charter_core[] = {
	"", " Pacific", " Bayview", " Sierra", " Tahoma", " Empower",
	" Eastside", " Westside", " Valley", " Heritage", " Discovery",
	" Frontier", " Legacy", " Esperanza", " Mariposa", " Renaissance",
	" Innovation", " Horizon", " Vista", " Gateway",
};
static const char *const charter_tail[] = {
	" Charter Academy", " Charter School", " Preparatory Academy",
	" Academy", " Charter High", " Leadership Academy", " College Prep",
	" STEAM Academy", " Community Charter", " Public Charter",
};


static uint64_t isqrt64(uint64_t v)
{
	uint64_t r = 0, bit = UINT64_C(1) << 62;
	while (bit > v)
		bit >>= 2;
	while (bit) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static int lea_name_taken(const synth *s, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(s->leas[i].name, name) == 0)
			return 1;
	return 0;
}

/* Name and home place of a generic LEA i (not one of big_leas[]). */
static status lea_name_generic(synth *s, uint32_t i)
{
	lea *l = &s->leas[i];
	rng *r = &s->r_world;
	char buf[160];
	for (int attempt = 0;; attempt++) {
		sbuf b = { buf, 0, sizeof buf - 1 };
		switch (l->kind) {
		case K_CHARTER:
			l->place = rng_below(r, SYNTH_N_PLACES);
			sb_str(&b, charter_prefix[rng_below(r, COUNT(charter_prefix))]);
			sb_str(&b, charter_core[rng_below(r, COUNT(charter_core))]);
			sb_str(&b, charter_tail[rng_below(r, COUNT(charter_tail))]);
			break;
		case K_COE:  /* l->place is already in its county */
			sb_str(&b, synth_county_names[synth_places[l->place].county]);
			sb_str(&b, " County Office of Education");
			break;
		default: {
			const uint32_t n_stems = SYNTH_N_PLACES + COUNT(area_stems);
			const uint32_t stem = rng_below(r, n_stems);
			sb_str(&b, stem < SYNTH_N_PLACES ? synth_places[stem].city :
			       area_stems[stem - SYNTH_N_PLACES]);
			l->place = stem < SYNTH_N_PLACES ? stem : rng_below(r, SYNTH_N_PLACES);
			if (l->kind == K_UNIFIED)
				sb_str(&b, unified_suffix[rng_skew(r, COUNT(unified_suffix))]);
			else if (l->kind == K_HIGH)
				sb_str(&b, high_suffix[rng_skew(r, COUNT(high_suffix))]);
			else
				sb_str(&b, elementary_suffix[rng_skew(r, COUNT(elementary_suffix))]);
		}
		}
		if (attempt >= 200) {  /* practically never: number it */
			sb_str(&b, " No. ");
			sb_uint(&b, i);
		}
		buf[b.n] = '\0';
		if (lea_name_taken(s, i, buf))
			continue;
		l->name = synth_world_strdup(s, buf, b.n);
		return l->name ? ST_OK : status_fail(ST_NOMEM, "synth: out of memory");
	}
}

/* Decide each LEA's kind, size, name and code. */
/* LEA codes: county + a 5-digit district number, a bijection of the rank
 * over 10000..99999 that gives Los Angeles its real 64733. */
static void lea_code(lea *l, uint32_t i)
{
	const uint64_t district = 10000 + (UINT64_C(7919) * i + 54733) % 90000;
	put_digits(l->code, synth_places[l->place].county, 2);
	put_digits(l->code + 2, district, 5);
	l->code[7] = '\0';
}

static status build_leas(synth *s, uint64_t rows)
{
	rng *r = &s->r_world;
	uint64_t n = isqrt64(rows / 6);
	if (n < 6)
		n = 6;
	if (n > 1000)
		n = 1000;
	s->n_lea = (uint32_t)n;
	s->leas = mem_calloc(n, sizeof *s->leas);
	if (!s->leas)
		return status_fail(ST_NOMEM, "synth: out of memory");

	int coe_used[SYNTH_N_COUNTIES] = { 0 };
	const uint32_t n_big_used = COUNT(big_leas) < (n + 1) / 2 ? (uint32_t)COUNT(big_leas) : (uint32_t)(n + 1) / 2;
	uint64_t w_rest = 0;
	for (uint32_t i = 0; i < s->n_lea; i++) {
		lea *l = &s->leas[i];
		if (i < n_big_used) {
			l->kind = big_leas[i].kind;
			l->name = big_leas[i].name;
			l->place = synth_places_index(big_leas[i].city);
		} else {
			/* Past the big districts: mostly one-school charters and
			 * small elementary districts, as in California. */
			const uint32_t k = rng_below(r, 100);
			l->kind = k < 45 ? K_CHARTER : k < 75 ? K_ELEMENTARY :
				  k < 87 ? K_UNIFIED : k < 92 ? K_HIGH : K_COE;
			if (l->kind == K_COE) {
				/* one per county: the county of a random place */
				l->place = rng_below(r, SYNTH_N_PLACES);
				const uint8_t county = synth_places[l->place].county;
				if (coe_used[county])
					l->kind = K_ELEMENTARY;
				coe_used[county] = 1;
			}
			status st = lea_name_generic(s, i);
			if (st != ST_OK)
				return st;
		}
		if (i > 0) {
			uint32_t w = (uint32_t)((UINT32_C(1) << 28) / (i + 10));
			if (l->kind == K_CHARTER)
				w /= 2;
			else if (l->kind == K_COE)
				w /= 3;
			l->weight = w ? w : 1;
			w_rest += l->weight;
		}
	}
	/* Los Angeles Unified: about 8% of the rows (it serves every grade,
	 * unlike the elementary and high school districts, hence 7/100). */
	s->leas[0].weight = (uint32_t)(w_rest * 7 / 100);

	for (uint32_t i = 0; i < s->n_lea; i++)
		lea_code(&s->leas[i], i);
	return ST_OK;
}

status synth_world_add_charter(synth *s)
{
	const uint32_t i = s->n_lea;
	lea *v = mem_realloc(s->leas, ((size_t)i + 1) * sizeof *v);
	if (!v)
		return status_fail(ST_NOMEM, "synth: out of memory");
	s->leas = v;
	memset(&v[i], 0, sizeof v[i]);
	v[i].kind = K_CHARTER;
	v[i].weight = 0;  /* in no pick table: wave 1 never drew it */
	s->n_lea = i + 1;
	/* s->r_world: its draws for wave 1's world are all made by now. */
	status st = lea_name_generic(s, i);
	if (st == ST_OK) {
		lea_code(&v[i], i);
		st = synth_schools_add_charter(s, &s->r_world);
	}
	return st;
}

status synth_world_build(synth *s, uint64_t rows)
{
	status st = build_leas(s, rows);
	s->n_lea_world = s->n_lea;
	if (st == ST_OK)
		st = synth_schools_build(s, rows);
	return st;
}

void synth_world_release(synth *s)
{
	for (unsigned g = 0; g < N_GRADES; g++) {
		mem_free(s->pick_cum[g]);
		mem_free(s->pick_school[g]);
	}
	arena_free(s->arena);
	mem_free(s->schools);
	mem_free(s->leas);
}
