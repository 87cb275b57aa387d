/*
 * dupset.h: the exact set of (ssid, report) identities seen so far, for the
 * duplicate rule (docs/rules.md §3.4: the first valid row by input order is
 * kept).
 *
 *   dupset *d; dupset_new(&d);
 *   if (dupset_insert(d, id) == 0) -> id was already there: a duplicate
 *   (ids are below 2^36: ssid * 6 + report)
 *   dupset_free(d);
 */
#ifndef SSRFILL_DUPSET_H
#define SSRFILL_DUPSET_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct dupset dupset;

status dupset_new(dupset **out);
/* 1 when id is new (and is now in the set), 0 when it was there already,
 * -1 when the set could not grow (out of memory). */
int dupset_insert(dupset *d, uint64_t id);
/* Bring the memory dupset_insert(d, id) will touch towards the cache:
 * inserts of a batch of identities, each prefetched some inserts ahead,
 * wait on memory less. */
void dupset_prefetch(const dupset *d, uint64_t id);
size_t dupset_bytes(const dupset *d);
void dupset_free(dupset *d);

#endif
