/*
 * sorter.h: sort (key, payload) records by memcmp order of their keys.
 *
 *   sorter *s;
 *   st = sorter_new(&s, &opts);
 *   for each record: st = sorter_add(s, key, key_len, payload, payload_len);
 *   st = sorter_finish(s);
 *   while ((st = sorter_next(s, &item)) == ST_OK) use(item);   // ST_EOF at end
 *   sorter_free(s);
 *
 * Keys are unique in ssrfill (they end in ssid and report), so the order is
 * total and the output does not depend on input order.  An item stays valid
 * until the next call of sorter_next().
 */
#ifndef SSRFILL_SORTER_H
#define SSRFILL_SORTER_H

#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"

typedef struct sorter sorter;

typedef struct sorter_opts {
	size_t memory_bytes;   /* working memory budget */
	int threads;           /* worker threads, >= 1 */
	const char *tmpdir;    /* where spill runs go */
	uint64_t input_bytes;  /* the input's expected size, 0 if unknown: when
				* it fits the budget, the run buffer may use all
				* of it and nothing is spilled */
} sorter_opts;

typedef struct sorter_item {
	const uint8_t *key;
	size_t key_len;
	const uint8_t *payload;
	size_t payload_len;
} sorter_item;

typedef struct sorter_stats {
	uint64_t n_records;
	uint64_t n_runs;        /* sorted runs written to disk (0: all in memory) */
	uint64_t n_merge_passes;
} sorter_stats;

status sorter_new(sorter **out, const sorter_opts *opts);
status sorter_add(sorter *s, const void *key, size_t key_len,
		  const void *payload, size_t payload_len);
status sorter_finish(sorter *s);
status sorter_next(sorter *s, sorter_item *item);
/* Memory the caller holds that the budget must also cover (the duplicate
 * set grows while rows are added): buffers shrink to what is left, down
 * to a floor of 1 MiB each. */
void sorter_reserve(sorter *s, size_t bytes);
void sorter_stats_get(const sorter *s, sorter_stats *st);
void sorter_free(sorter *s);

#endif
