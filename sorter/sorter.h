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
 * Several threads add through lanes, one lane per thread:
 *
 *   sorter_lane *l;  st = sorter_lane_new(s, &l);     // before the threads start
 *   on the lane's thread:
 *     if (sorter_lane_full(l, bytes, n)) st = sorter_lane_flush(l);
 *     st = sorter_lane_add(l, key, klen, payload, plen, &mark);
 *   on any thread, before the lane is next flushed: sorter_drop(l, mark);
 *   then, every lane's thread done: sorter_finish(s) ...
 *
 * A lane gathers records into a buffer; flushing it sorts it into a run
 * that stays in memory while the budget allows and is written to disk
 * otherwise.  A record may be dropped (a duplicate found later) until its
 * lane is next flushed: the caller makes sure a drop happens before that
 * (the flush and the drop are ordered by a lock or a join).  sorter_add is
 * sorter_lane_add on a lane of the caller's own.
 *
 * Keys are unique in ssrfill (they end in ssid and report), so the order is
 * total and the output does not depend on input order, run boundaries or
 * lanes.  An item stays valid until the next call of sorter_next().
 */
#ifndef SSRFILL_SORTER_H
#define SSRFILL_SORTER_H

#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"

typedef struct sorter sorter;
typedef struct sorter_lane sorter_lane;

typedef struct sorter_opts {
	size_t memory_bytes;   /* working memory budget */
	int threads;           /* lanes that will add at once, >= 1 */
	const char *tmpdir;    /* where spill runs go */
} sorter_opts;

typedef struct sorter_item {
	const uint8_t *key;
	size_t key_len;
	const uint8_t *payload;
	size_t payload_len;
} sorter_item;

typedef struct sorter_stats {
	uint64_t n_records;     /* sorted so far (dropped ones not counted) */
	uint64_t n_runs;        /* sorted runs written to disk (0: all in memory) */
	uint64_t n_mem_runs;    /* sorted runs kept in memory */
	uint64_t n_merge_passes;/* times the most merged record was merged:
				 * 0 one run, 1 one final merge, 2 a pass
				 * over disk runs before it, ... */
} sorter_stats;

status sorter_new(sorter **out, const sorter_opts *opts);
status sorter_add(sorter *s, const void *key, size_t key_len,
		  const void *payload, size_t payload_len);

status sorter_lane_new(sorter *s, sorter_lane **out);
/* Would adding up to `records` records, taking `bytes` in all
 * (RUNFILE_RECORD_BYTES each), take the lane's buffer over its share of the
 * budget?  Then flush it first.  A caller that adds a batch between two
 * checks asks for the whole batch. */
int sorter_lane_full(const sorter_lane *l, size_t bytes, size_t records);
/* *mark (if mark is not NULL) names the record for sorter_drop(). */
status sorter_lane_add(sorter_lane *l, const void *key, size_t key_len,
		       const void *payload, size_t payload_len, void **mark);
status sorter_lane_flush(sorter_lane *l);
/* The record of lane l will not come out of the sorter. */
void sorter_drop(sorter_lane *l, void *mark);

status sorter_finish(sorter *s);
status sorter_next(sorter *s, sorter_item *item);
/* Memory the caller holds that the budget must also cover (the duplicate
 * set grows while rows are added): buffers shrink to what is left, down
 * to a floor of 1 MiB each.  Any thread. */
void sorter_reserve(sorter *s, size_t bytes);
void sorter_stats_get(sorter *s, sorter_stats *st);
void sorter_free(sorter *s);

#endif
