/*
 * synth_leas.c: the LEA directory (docs/rules.md §16.1) that goes with the
 * generated files (`gen --leas F`).
 *
 *   synth_leas_write(s, out)              once, after the students file
 *
 * One row for every LEA that got rows, but a few left out on purpose (3%
 * of the smaller ones, at least one when there are ten or more), so that a
 * run shows held boxes.  An LEA's office is in its home city: a street
 * address (house number, sometimes a direction, a street and suffix), for
 * 20% a suite, building or room, the city's ZIP (within 90001-96162), an
 * attention line for a third, a phone number with a California area code
 * and a 555-01xx number (reserved for fiction) for 90%.  Every draw comes
 * from its own stream (seed, 6), so adding the directory changes nothing
 * in the other files.
 */
#include <string.h>

#include "synth_internal.h"

static const char *const attention[] = {
	"Assessment Office", "Testing Coordinator", "Educational Services",
	"Attn: Director of Assessment", "Student Services", "Curriculum and Instruction",
	"Research, Evaluation and Assessment Department",
};
static const char *const room[] = { "Suite ", "Building ", "Room ", "Suite ", "Floor " };
static const char *const suffix[] = { " St", " Ave", " Blvd", " Rd", " Way", " Dr", " Ln" };
static const char *const direction[] = { "N ", "S ", "E ", "W " };
static const uint16_t area_code[] = {
	209, 213, 310, 323, 408, 415, 510, 530, 559, 562, 619, 626, 650, 661, 707,
	714, 760, 805, 818, 831, 858, 909, 916, 925, 949, 951,
};

#define N_OF(a) (sizeof (a) / sizeof (a)[0])

static uint64_t rows_of(const synth *s, uint32_t i)
{
	uint64_t n = 0;
	const lea *l = &s->leas[i];
	for (uint32_t j = 0; j < l->n_schools; j++)
		n += s->schools[l->first_school + j].n_rows + s->schools[l->first_school + j].n_late;
	return n;
}

status synth_leas_write(synth *s, outstream *o)
{
	rng r;
	rng_seed(&r, s->seed, 6);
	outstream_puts(o, "lea_code,ship_to_name,attention,address1,address2,city,state,zip,phone\n");
	/* one LEA is always left out once there are ten, the biggest never */
	const uint32_t forced = s->n_lea >= 10 ? 5 + rng_below(&r, s->n_lea - 5) : UINT32_MAX;
	for (uint32_t i = 0; i < s->n_lea; i++) {
		const lea *l = &s->leas[i];
		if (!rows_of(s, i))
			continue;
		const int left_out = i == forced || (i >= 5 && rng_chance(&r, 300));
		char a1[96], a2[32], zip[6], phone[24];
		sbuf b = { a1, 0, sizeof a1 - 1 };
		sb_uint(&b, 100 + rng_below(&r, 9900));
		sb_str(&b, " ");
		if (rng_chance(&r, 1500))
			sb_str(&b, direction[rng_below(&r, N_OF(direction))]);
		sb_str(&b, synth_streets[rng_skew(&r, SYNTH_N_STREETS)]);
		sb_str(&b, suffix[rng_below(&r, N_OF(suffix))]);
		a1[b.n] = 0;
		a2[0] = 0;
		if (rng_chance(&r, 2000)) {
			sbuf c = { a2, 0, sizeof a2 - 1 };
			sb_str(&c, room[rng_below(&r, N_OF(room))]);
			sb_uint(&c, 1 + rng_below(&r, 400));
			a2[c.n] = 0;
		}
		const place *pl = &synth_places[l->place];
		uint32_t z = pl->zip + rng_below(&r, 4);
		if (z > 96162)
			z = 96162;
		put_digits(zip, z, 5);
		zip[5] = 0;
		phone[0] = 0;
		if (rng_chance(&r, 9000)) {
			sbuf c = { phone, 0, sizeof phone - 1 };
			sb_str(&c, "(");
			sb_uint(&c, area_code[rng_below(&r, N_OF(area_code))]);
			sb_str(&c, ") 555-01");
			char two[3];
			put_digits(two, rng_below(&r, 100), 2);
			sb_add(&c, two, 2);
			phone[c.n] = 0;
		}
		const char *att = rng_chance(&r, 3300) ? attention[rng_below(&r, N_OF(attention))] : "";
		if (left_out)
			continue;   /* drawn all the same: the others' addresses do not move */
		const span f[9] = {
			{ l->code, 7 }, span_str(l->name), span_str(att), span_str(a1), span_str(a2),
			span_str(pl->city), { "CA", 2 }, { zip, 5 }, span_str(phone),
		};
		char line[1024];
		outstream_write(o, line, csv_join(line, sizeof line, f, 9, 1));
	}
	return ST_OK;
}
