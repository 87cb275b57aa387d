/*
 * dupset.c: an exact set of (ssid, report) identities in about 2.3 bytes
 * each (see dupset.h): 6 million identities, a statewide file, take about
 * 15 MiB instead of the 128 MiB of a plain hash table.
 *
 * An identity (ssid * 6 + report) is below 2^36.  It is first scrambled by
 * a bijection of [0, 2^36) (xorshift and odd multiplications modulo 2^36,
 * each invertible), so different identities stay different and spread
 * evenly.  The top 20 bits of the scrambled value pick a bucket; only the
 * low 16 bits (the remainder) are stored: bucket and remainder together
 * give back the whole value, so membership is exact.
 *
 * Buckets are kept in groups of 8.  A group owns one growable array of
 * 16-bit remainders holding its buckets one after another, each bucket's
 * remainders in insertion order, and a 16-bit count per bucket kept in the
 * group's 32-byte header, so an insert touches two cache lines.  A lookup
 * sums the counts of the buckets before its own in the group (at most 7)
 * and scans its bucket (about 6 entries for a statewide file); an insert
 * shifts the rest of the group by one slot.
 */
#include "dupset.h"

#include <string.h>

#include "mem.h"

#define BUCKET_BITS 20
#define GROUP_BUCKETS 8
#define N_BUCKETS (1u << BUCKET_BITS)
#define N_GROUPS (N_BUCKETS / GROUP_BUCKETS)
#define MASK36 ((1ull << 36) - 1)

/* 32 bytes: a group's header and its bucket counts share a cache line */
typedef struct group {
	uint16_t *rem;
	uint32_t len, cap;
	uint16_t count[GROUP_BUCKETS];
} group;

struct dupset {
	group *groups;
	size_t n;
	size_t bytes;         /* remainder arrays */
};

static uint64_t scramble(uint64_t x)
{
	x &= MASK36;
	x ^= x >> 17;
	x = (x * 0x9E3779B97Full) & MASK36;
	x ^= x >> 19;
	x = (x * 0xC2B2AE3Dull) & MASK36;
	x ^= x >> 16;
	return x;
}

status dupset_new(dupset **out)
{
	*out = NULL;
	dupset *d = mem_calloc(1, sizeof *d);
	if (d)
		d->groups = mem_calloc(N_GROUPS, sizeof *d->groups);
	if (!d || !d->groups) {
		dupset_free(d);
		return status_fail(ST_NOMEM, "out of memory for the duplicate check");
	}
	*out = d;
	return ST_OK;
}

int dupset_insert(dupset *d, uint64_t id)
{
	const uint64_t h = scramble(id);
	const uint32_t bucket = (uint32_t)(h >> 16);
	const uint16_t rem = (uint16_t)h;
	group *g = &d->groups[bucket / GROUP_BUCKETS];
	const uint32_t slot = bucket & (GROUP_BUCKETS - 1);
	uint32_t at = 0;
	for (uint32_t b = 0; b < slot; b++)
		at += g->count[b];
	const uint32_t n = g->count[slot];
	for (uint32_t i = 0; i < n; i++)
		if (g->rem[at + i] == rem)
			return 0;
	if (n == UINT16_MAX)
		return -1;
	if (g->len == g->cap) {
		const uint32_t cap = g->cap ? g->cap + g->cap / 4 + 4 : 8;
		uint16_t *r = mem_realloc(g->rem, cap * sizeof *r);
		if (!r)
			return -1;
		d->bytes += (cap - g->cap) * sizeof *r;
		g->rem = r;
		g->cap = cap;
	}
	const uint32_t pos = at + n;
	memmove(g->rem + pos + 1, g->rem + pos, (g->len - pos) * sizeof *g->rem);
	g->rem[pos] = rem;
	g->len++;
	g->count[slot]++;
	d->n++;
	return 1;
}

void dupset_prefetch(const dupset *d, uint64_t id)
{
	__builtin_prefetch(&d->groups[(uint32_t)(scramble(id) >> 16) / GROUP_BUCKETS]);
}

size_t dupset_bytes(const dupset *d)
{
	return d->bytes + N_GROUPS * sizeof(group);
}

void dupset_free(dupset *d)
{
	if (!d)
		return;
	if (d->groups)
		for (size_t i = 0; i < N_GROUPS; i++)
			mem_free(d->groups[i].rem);
	mem_free(d->groups);
	mem_free(d);
}
