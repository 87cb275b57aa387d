/*
 * dupset.c: an open-addressing hash set of 64-bit identities (see dupset.h).
 *
 * Linear probing over a power-of-two table kept at most half full; the
 * stored value is id + 1 so that 0 marks an empty slot.  A statewide file
 * (6 M identities) needs a 16 M-slot table, 128 MiB.
 */
#include "dupset.h"

#include "mem.h"

struct dupset {
	uint64_t *slot;
	size_t mask;
	size_t n;
};

static inline size_t hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (size_t)x;
}

status dupset_new(dupset **out)
{
	*out = NULL;
	dupset *d = mem_calloc(1, sizeof *d);
	if (!d)
		return status_fail(ST_NOMEM, "out of memory for the duplicate check");
	d->mask = (1u << 16) - 1;
	d->slot = mem_calloc(d->mask + 1, sizeof *d->slot);
	if (!d->slot) {
		mem_free(d);
		return status_fail(ST_NOMEM, "out of memory for the duplicate check");
	}
	*out = d;
	return ST_OK;
}

static void place(uint64_t *slot, size_t mask, uint64_t v)
{
	size_t i = hash(v) & mask;
	while (slot[i])
		i = (i + 1) & mask;
	slot[i] = v;
}

int dupset_insert(dupset *d, uint64_t id)
{
	const uint64_t v = id + 1;
	size_t i = hash(v) & d->mask;
	while (d->slot[i]) {
		if (d->slot[i] == v)
			return 0;
		i = (i + 1) & d->mask;
	}
	if (2 * (d->n + 1) > d->mask + 1) {
		const size_t mask = d->mask * 2 + 1;
		uint64_t *slot = mem_calloc(mask + 1, sizeof *slot);
		if (!slot)
			return -1;
		for (size_t k = 0; k <= d->mask; k++)
			if (d->slot[k])
				place(slot, mask, d->slot[k]);
		mem_free(d->slot);
		d->slot = slot;
		d->mask = mask;
		place(slot, mask, v);
	} else {
		d->slot[i] = v;
	}
	d->n++;
	return 1;
}

size_t dupset_bytes(const dupset *d)
{
	return (d->mask + 1) * sizeof *d->slot;
}

void dupset_free(dupset *d)
{
	if (!d)
		return;
	mem_free(d->slot);
	mem_free(d);
}
