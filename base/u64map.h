/*
 * u64map.h: a hash map from 64-bit keys to 64-bit values, for the small
 * tables of a run (per-school weights, distribution counts, invoice
 * quantities, names by code).  Keys are any value but UINT64_MAX.
 *
 *   u64map *m; u64map_new(&m);
 *   uint64_t *v = u64map_slot(m, key);   // inserted as 0 when new; NULL: OOM
 *   *v += 1;
 *   size_t n = u64map_sorted_keys(m, &keys);  // ascending, caller mem_free()s
 *   u64map_free(m);
 */
#ifndef SSRFILL_U64MAP_H
#define SSRFILL_U64MAP_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct u64map u64map;

status u64map_new(u64map **out);
/* The value's address, valid until the next u64map_slot on the same map
 * (an insert may grow the table and move every value). */
uint64_t *u64map_slot(u64map *m, uint64_t key);
/* The value's address, or NULL when the key is absent. */
/* Bring key's slot towards the cache before a u64map_slot or get of it
 * some calls later (a map larger than the cache costs a miss a lookup). */
void u64map_prefetch(const u64map *m, uint64_t key);
const uint64_t *u64map_get(const u64map *m, uint64_t key);
/* The same, writable; never inserts. */
uint64_t *u64map_at(u64map *m, uint64_t key);
/* The memory the map holds, for a budget. */
size_t u64map_bytes(const u64map *m);
/* All keys, ascending, in a new array (mem_alloc); -1 on OOM. */
long u64map_sorted_keys(const u64map *m, uint64_t **keys);
void u64map_free(u64map *m);

#endif
