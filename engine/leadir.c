/*
 * leadir.c: the LEA directory (leadir.h): an array of ship-to addresses,
 * each string its own allocation, and a map from LEA code to its place.
 * A few thousand LEAs at most (California has about 1,000 districts and
 * 1,300 charters), so nothing cleverer is needed.
 */
#include "leadir.h"

#include <string.h>

#include "../base/mem.h"
#include "../base/u64map.h"

#define SHIP_TO_STRINGS 8

typedef struct entry {
	ship_to st;
	char *s[SHIP_TO_STRINGS];
} entry;

struct leadir {
	entry *e;
	size_t n, cap;
	u64map *at;   /* lea -> index + 1 */
	size_t text_bytes;   /* the strings' bytes */
};

status leadir_new(leadir **out)
{
	*out = NULL;
	leadir *d = mem_calloc(1, sizeof *d);
	if (!d || u64map_new(&d->at) != ST_OK) {
		mem_free(d);
		return status_fail(ST_NOMEM, "out of memory for the LEA directory");
	}
	*out = d;
	return ST_OK;
}

status leadir_add(leadir *d, const ship_to *st)
{
	uint64_t *at = u64map_slot(d->at, st->lea);
	if (!at)
		return status_fail(ST_NOMEM, "out of memory for the LEA directory");
	if (*at)
		return ST_BADINPUT;
	if (d->n == d->cap) {
		const size_t cap = d->cap ? 2 * d->cap : 256;
		entry *e = mem_realloc(d->e, cap * sizeof *e);
		if (!e)
			return status_fail(ST_NOMEM, "out of memory for the LEA directory");
		d->e = e;
		d->cap = cap;
	}
	entry *e = &d->e[d->n];
	memset(e, 0, sizeof *e);
	const char *const in[SHIP_TO_STRINGS] = { st->name, st->attention, st->address1, st->address2,
						  st->city, st->state, st->zip, st->phone };
	for (int i = 0; i < SHIP_TO_STRINGS; i++) {
		const char *v = in[i] ? in[i] : "";
		d->text_bytes += strlen(v) + 1;
		if (!(e->s[i] = mem_strndup(v, strlen(v)))) {
			for (int k = 0; k < i; k++)
				mem_free(e->s[k]);
			return status_fail(ST_NOMEM, "out of memory for the LEA directory");
		}
	}
	e->st = (ship_to){ st->lea, e->s[0], e->s[1], e->s[2], e->s[3], e->s[4], e->s[5], e->s[6], e->s[7] };
	*at = ++d->n;
	return ST_OK;
}

const ship_to *leadir_get(const leadir *d, uint32_t lea)
{
	if (!d)
		return NULL;
	const uint64_t *at = u64map_get(d->at, lea);
	return at ? &d->e[*at - 1].st : NULL;
}

size_t leadir_bytes(const leadir *d)
{
	/* each string's allocation rounds up to 16 bytes or so: count 16 more */
	return d ? d->text_bytes + d->n * SHIP_TO_STRINGS * 16 + d->cap * sizeof(entry) + u64map_bytes(d->at)
		 : 0;
}

void leadir_free(leadir *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		for (int k = 0; k < SHIP_TO_STRINGS; k++)
			mem_free(d->e[i].s[k]);
	mem_free(d->e);
	u64map_free(d->at);
	mem_free(d);
}
