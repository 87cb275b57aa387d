/*
 * student_ingest.h: the rows of a score reports file into a sorter, on
 * every core.
 *
 *   student_reader *rd;  student_reader_open(&rd, path, rejects);
 *   sorter *so;          sorter_new(&so, &opts);
 *   const student_ingest_ops ops = { ... };
 *   st = student_ingest(rd, so, threads, memory, &ops, ctx);
 *   // every row read: rejects written, counts in student_reader_counts(),
 *   // the sorted rows in so, ready for sorter_finish()
 *
 * One thread reads (and decompresses) the file and splits it into records
 * (io/csv_reader.h, so record boundaries, line numbers and limits are
 * exactly a single reader's); batches of records go to `threads` workers,
 * which check each row (docs/rules.md §3.1-§3.3), call ops->prepare for
 * the key and payload of a valid one and add it to a sorter lane of their
 * own.  Then, batch by batch in input order, whichever worker finishes the
 * next batch commits it: the duplicate check (the first row by input order
 * stays, §3.4), the rejects file in input order, and ops->commit for each
 * accepted row, which may still leave it out of the sort.  So the outputs
 * are the same bytes for every thread count.  With threads == 1 it all
 * happens on the caller's thread.
 */
#ifndef SSRFILL_STUDENT_INGEST_H
#define SSRFILL_STUDENT_INGEST_H

#include <stddef.h>

#include "../base/bytebuf.h"
#include "../base/status.h"
#include "../sorter/sorter.h"
#include "student_reader.h"

typedef struct student_ingest_ops {
	/* bytes of note per valid row, from prepare to commit (0: none) */
	size_t note_bytes;
	/* 1: a sorted row's payload is its raw record (prepare leaves
	 * payload empty) */
	int raw_payload;
	/* a worker's own state (e.g. its collator), made on its thread */
	status (*thread_new)(void *ctx, void **thread_ctx);
	void (*thread_free)(void *thread_ctx);
	/* On a worker: a valid row's (s, read from rec) sort key and
	 * payload into key and payload (empty on entry) and its note;
	 * *sort = 0 leaves it out of the sort (it is still committed).  The
	 * row's fields stay valid until its commit. */
	status (*prepare)(void *ctx, void *thread_ctx, const student *s, const csv_record *rec,
			  bytebuf *key, bytebuf *payload, void *note, int *sort);
	/* One at a time, in input order, for each accepted row (valid, the
	 * first of its ssid and report): *keep = 0 leaves a sorted row out
	 * of the sort.  NULL: every row is kept. */
	status (*commit)(void *ctx, void *note, int sorted, int *keep);
	/* Before commit, a few rows ahead: bring what it will look up
	 * towards the cache.  NULL: nothing. */
	void (*prefetch)(void *ctx, const void *note);
	/* Memory the caller holds that grows with the rows (its maps), for
	 * the sorter's budget; called between commits.  NULL: none. */
	size_t (*held)(void *ctx);
} student_ingest_ops;

status student_ingest(student_reader *rd, sorter *so, int threads, size_t memory,
		      const student_ingest_ops *ops, void *ctx);

/* The workers student_ingest starts for --threads and --memory: at most
 * one per STUDENT_INGEST_WORKER_BYTES of the budget (each holds a sorter
 * lane of at least 1 MiB, its batches, a collator and a zstd context),
 * at least one.  Give the sorter the same number (sorter_opts.threads). */
#define STUDENT_INGEST_WORKER_BYTES ((size_t)4 << 20)
int student_ingest_workers(int threads, size_t memory);

/* thread_new and thread_free for a worker whose state is a collator
 * (engine/collate.h: one per thread), as sort and run key names. */
status student_ingest_collator_new(void *ctx, void **thread_ctx);
void student_ingest_collator_free(void *thread_ctx);

#endif
