/*
 * synth_rng.h: the random streams of the generator (gen/synth.c says which
 * stream serves what): xoshiro256** seeded with splitmix64, and the few
 * ways the generator draws from one.
 *
 *   rng r;
 *   rng_seed(&r, seed, stream);       one stream per purpose
 *   rng_below(&r, n)                  uniform in [0, n)
 *   rng_chance(&r, per_10k)           true per_10k times in 10,000
 *   rng_skew(&r, n)                   [0, n) leaning to the front
 *   pick_cum(&r, cum, n)              an index by cumulative weights
 *
 * Integers only, so a seed gives the same draws on any machine.  Static
 * inline: the row loop draws a few dozen numbers per student.
 */
#ifndef SSRFILL_SYNTH_RNG_H
#define SSRFILL_SYNTH_RNG_H

#include <stdint.h>

typedef struct rng {
	uint64_t s[4];
} rng;

static inline uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static inline uint64_t mix64(uint64_t z)
{
	return splitmix64(&z);
}

static inline void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * UINT64_C(0xd1b54a32d192ed03));
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s;
	const uint64_t result = rotl64(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

/* Uniform in [0, n), n < 2^32 (Lemire's multiply, no division). */
static inline uint32_t rng_below(rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static inline int rng_chance(rng *r, uint32_t per_10k)
{
	return rng_below(r, 10000) < per_10k;
}

/* [0, n) leaning to the front (the minimum of two draws): the first names
 * of a pool are the common ones. */
static inline uint32_t rng_skew(rng *r, uint32_t n)
{
	const uint32_t a = rng_below(r, n), b = rng_below(r, n);
	return a < b ? a : b;
}

/* Index into a cumulative table of small weights (linear: tables are short
 * and front-loaded). */
static inline unsigned pick_cum(rng *r, const uint16_t *cum, unsigned n)
{
	const uint32_t x = rng_below(r, cum[n - 1]);
	unsigned i = 0;
	while (cum[i] <= x)
		i++;
	return i;
}

#endif
