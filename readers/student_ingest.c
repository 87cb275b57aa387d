/*
 * student_ingest.c: a score reports file into a sorter on every core (see
 * student_ingest.h).
 *
 * Batches.  A ring of threads + 2 batches, each a copy of consecutive
 * records (raw bytes, unescaped fields, line numbers and limit flags from
 * io/csv_reader.h) of about BATCH_TARGET bytes, goes round three states:
 *
 *   free --reader fills--> filled --a worker takes and checks--> done
 *        <--the next commit, in input order------------------------'
 *
 * The reader is the caller's thread: it reads, decompresses and splits
 * records, nothing else.  A worker takes the filled batches in input
 * order, checks each row and adds the valid ones to its own sorter lane
 * (sorter.h) with a mark, then marks the batch done.  Whoever marks a batch
 * done and finds no commit running commits, under the lock's protection
 * but not holding it, every done batch that is next in input order: so
 * commits are serial and in input order while the checking runs in
 * parallel.  A commit finds duplicates (the first row by input order stays,
 * docs/rules.md §3.4) and drops their marks, writes the rejects in line
 * order and hands each accepted row to ops->commit.
 *
 * A lane is flushed (sorted into a run) only once every batch its worker
 * added to it is committed, so no drop can come after its records are
 * sorted.  A worker waiting for that waits for an earlier batch another
 * worker is checking, which never waits on it: the earliest batch not yet
 * committed is always being checked (batches are taken in order), so the
 * pipeline cannot deadlock.
 */
#include "student_ingest.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "../base/mem.h"
#include "../engine/collate.h"
#include "../base/tmpfiles.h"

#define BATCH_MIN (64u << 10)
#define BATCH_MAX (256u << 10)
/* dupset lookups prefetched this many rows ahead in a commit */
#define PREFETCH_AHEAD 8

enum bstate { B_FREE, B_FILLED, B_TAKEN, B_DONE };
enum fate { F_REJECT, F_VALID, F_SORTED };

typedef struct brec {
	uint64_t line, record_bytes, identity;
	size_t raw_off, raw_len;
	size_t fld;                  /* its first field in foff/flen */
	size_t n_fields, bad_column, limit_column;
	uint8_t malformed, over_limit, fate;
	size_t reason_off;           /* F_REJECT: in reasons */
	void *mark;                  /* F_SORTED */
} brec;

typedef struct batch {
	enum bstate state;
	uint64_t seq;
	brec *rec;
	size_t n, rec_cap;
	char *bytes;                 /* each raw record, then its fields NUL-terminated */
	size_t len, bytes_cap;
	size_t *foff, *flen;
	size_t nf, f_cap;
	char *reasons;
	size_t reasons_len, reasons_cap;
	unsigned char *notes;        /* rec_cap x note_bytes */
	sorter_lane *lane;           /* of the worker that checked it */
	size_t bytes_total;          /* what the batch holds, for the budget */
} batch;

typedef struct ingest ingest;

typedef struct worker {
	ingest *g;
	pthread_t thread;
	sorter_lane *lane;
	void *tctx;
	bytebuf key, payload;
	const char **fptr;           /* CSV_MAX_COLUMNS field pointers */
	uint64_t last_seq;           /* the last batch it added rows from, + 1 */
	status st;
} worker;

struct ingest {
	student_reader *rd;
	sorter *so;
	const student_ingest_ops *ops;
	void *ctx;
	size_t target;
	batch *ring;
	size_t n_ring;
	_Atomic size_t pipe_bytes;   /* every batch's bytes_total */

	pthread_mutex_t mu;
	pthread_cond_t cv_filled, cv_free, cv_commit;
	uint64_t next_fill, next_take, next_commit;
	int eof, committing;
	status fail;
	char fail_msg[512];
};

/* ---- growing a batch ------------------------------------------------------ */

static int grow(ingest *g, batch *b, void **p, size_t *cap, size_t want, size_t elem)
{
	if (want <= *cap)
		return 0;
	size_t n = *cap ? *cap : 64;
	while (n < want)
		n *= 2;
	void *q = mem_realloc(*p, n * elem);
	if (!q)
		return -1;
	atomic_fetch_add_explicit(&g->pipe_bytes, (n - *cap) * elem, memory_order_relaxed);
	b->bytes_total += (n - *cap) * elem;
	*p = q;
	*cap = n;
	return 0;
}

static int grow_recs(ingest *g, batch *b)
{
	if (b->n < b->rec_cap)
		return 0;
	size_t cap = b->rec_cap;
	if (grow(g, b, (void **)&b->rec, &cap, b->n + 1, sizeof *b->rec) != 0)
		return -1;
	if (g->ops->note_bytes) {
		size_t ncap = b->rec_cap;
		if (grow(g, b, (void **)&b->notes, &ncap, cap, g->ops->note_bytes) != 0)
			return -1;
	}
	b->rec_cap = cap;
	return 0;
}

static void batch_clear(batch *b)
{
	b->n = b->len = b->nf = b->reasons_len = 0;
}

static void batch_release(ingest *g, batch *b)
{
	atomic_fetch_sub_explicit(&g->pipe_bytes, b->bytes_total, memory_order_relaxed);
	mem_free(b->rec);
	mem_free(b->bytes);
	mem_free(b->foff);
	mem_free(b->flen);
	mem_free(b->reasons);
	mem_free(b->notes);
	memset(b, 0, sizeof *b);
}

/* ---- the reader: records into a batch ---------------------------------------- */

/* Copy records into the empty batch b until what they take (bytes,
 * record entries, field index, notes) reaches the target: ST_OK, ST_EOF
 * when the input ended (b may hold records still), or a failure. */
static status fill(ingest *g, batch *b)
{
	csv_record rec;
	const size_t per_rec = sizeof *b->rec + g->ops->note_bytes;
	while (b->len + b->n * per_rec + b->nf * (sizeof *b->foff + sizeof *b->flen) < g->target) {
		status st = student_reader_read(g->rd, &rec);
		if (st != ST_OK)
			return st;
		size_t fbytes = 0;
		for (size_t k = 0; k < rec.n_fields; k++)
			fbytes += rec.len[k] + 1;
		if (grow_recs(g, b) != 0 ||
		    grow(g, b, (void **)&b->bytes, &b->bytes_cap, b->len + rec.raw_len + fbytes, 1) != 0)
			goto oom;
		size_t fcap = b->f_cap;
		if (grow(g, b, (void **)&b->foff, &fcap, b->nf + rec.n_fields, sizeof *b->foff) != 0)
			goto oom;
		size_t lcap = b->f_cap;
		if (grow(g, b, (void **)&b->flen, &lcap, b->nf + rec.n_fields, sizeof *b->flen) != 0)
			goto oom;
		b->f_cap = fcap;
		brec *r = &b->rec[b->n++];
		r->line = rec.line;
		r->record_bytes = rec.record_bytes;
		r->raw_off = b->len;
		r->raw_len = rec.raw_len;
		r->fld = b->nf;
		r->n_fields = rec.n_fields;
		r->bad_column = rec.bad_column;
		r->limit_column = rec.limit_column;
		r->malformed = (uint8_t)rec.malformed;
		r->over_limit = (uint8_t)rec.over_limit;
		memcpy(b->bytes + b->len, rec.raw, rec.raw_len);
		b->len += rec.raw_len;
		for (size_t k = 0; k < rec.n_fields; k++) {
			memcpy(b->bytes + b->len, rec.field[k], rec.len[k] + 1);
			b->foff[b->nf] = b->len;
			b->flen[b->nf++] = rec.len[k];
			b->len += rec.len[k] + 1;
		}
	}
	return ST_OK;
oom:
	return status_fail(ST_NOMEM, "%s: line %llu: out of memory reading rows",
			   student_reader_name(g->rd), (unsigned long long)rec.line);
}

/* The csv_record of b's record i: its fields through fptr. */
static void view(const batch *b, size_t i, const char **fptr, csv_record *rec)
{
	const brec *r = &b->rec[i];
	for (size_t k = 0; fptr && k < r->n_fields; k++)
		fptr[k] = b->bytes + b->foff[r->fld + k];
	rec->line = r->line;
	rec->raw = b->bytes + r->raw_off;
	rec->raw_len = r->raw_len;
	rec->n_fields = r->n_fields;
	rec->field = fptr;
	rec->len = b->flen ? b->flen + r->fld : NULL;
	rec->malformed = r->malformed;
	rec->bad_column = r->bad_column;
	rec->over_limit = (enum csv_limit)r->over_limit;
	rec->limit_column = r->limit_column;
	rec->record_bytes = r->record_bytes;
}

/* ---- a worker: checking, keys, lanes --------------------------------------------- */

static status process(worker *w, batch *b)
{
	ingest *g = w->g;
	const size_t nb = g->ops->note_bytes;
	char reason[256];
	b->lane = w->lane;
	for (size_t i = 0; i < b->n; i++) {
		brec *r = &b->rec[i];
		csv_record rec;
		view(b, i, w->fptr, &rec);
		student s;
		if (student_reader_check(g->rd, &rec, &s, reason, sizeof reason) != 0) {
			const size_t n = strlen(reason) + 1;
			if (grow(g, b, (void **)&b->reasons, &b->reasons_cap, b->reasons_len + n, 1) != 0)
				return status_fail(ST_NOMEM, "out of memory checking rows");
			memcpy(b->reasons + b->reasons_len, reason, n);
			r->reason_off = b->reasons_len;
			b->reasons_len += n;
			r->fate = F_REJECT;
			continue;
		}
		r->identity = student_identity(&s);
		w->key.len = w->payload.len = 0;
		int sort = 1;
		status st = g->ops->prepare(g->ctx, w->tctx, &s, &rec, &w->key, &w->payload,
					    nb ? b->notes + i * nb : NULL, &sort);
		if (st == ST_OK && (w->key.oom || w->payload.oom))
			st = status_fail(ST_NOMEM, "out of memory building sort records");
		if (st != ST_OK)
			return st;
		r->fate = F_VALID;
		if (sort) {
			/* ops->raw_payload: the record itself, not copied first */
			const void *pl = g->ops->raw_payload ? (const void *)rec.raw : w->payload.p;
			const size_t pl_len = g->ops->raw_payload ? rec.raw_len : w->payload.len;
			st = sorter_lane_add(w->lane, w->key.p, w->key.len, pl, pl_len, &r->mark);
			if (st != ST_OK)
				return st;
			r->fate = F_SORTED;
		}
	}
	return ST_OK;
}

/* ---- commits ---------------------------------------------------------------------- */

/* What the commit of b's record i will look up: its duplicate-set slot
 * and the caller's. */
static void prefetch(const ingest *g, const batch *b, size_t i)
{
	if (b->rec[i].fate == F_REJECT)
		return;
	student_reader_prefetch(g->rd, b->rec[i].identity);
	if (g->ops->prefetch)
		g->ops->prefetch(g->ctx, b->notes + i * g->ops->note_bytes);
}

static status commit(ingest *g, batch *b)
{
	const size_t nb = g->ops->note_bytes;
	status st = ST_OK;
	for (size_t i = 0; i < b->n && i < PREFETCH_AHEAD; i++)
		prefetch(g, b, i);
	for (size_t i = 0; i < b->n && st == ST_OK; i++) {
		const brec *r = &b->rec[i];
		if (i + PREFETCH_AHEAD < b->n)
			prefetch(g, b, i + PREFETCH_AHEAD);
		csv_record rec;
		view(b, i, NULL, &rec);
		if (r->fate == F_REJECT) {
			student_reader_rejected(g->rd, &rec, b->reasons + r->reason_off);
			continue;
		}
		st = student_reader_first(g->rd, &rec, r->identity);
		int keep = 1;
		if (st == ST_OK && g->ops->commit)
			st = g->ops->commit(g->ctx, nb ? b->notes + i * nb : NULL, r->fate == F_SORTED, &keep);
		if (st == ST_EOF) {   /* a duplicate */
			keep = 0;
			st = ST_OK;
		}
		if (st == ST_OK && !keep && r->fate == F_SORTED)
			sorter_drop(b->lane, r->mark);
	}
	if (st == ST_OK)
		sorter_reserve(g->so, student_reader_memory(g->rd) + student_reader_buffer_bytes(g->rd) +
			       atomic_load_explicit(&g->pipe_bytes, memory_order_relaxed) +
			       (g->ops->held ? g->ops->held(g->ctx) : 0));
	return st;
}

/* Under g->mu: the first failure stops every thread. */
static void set_fail(ingest *g, status st)
{
	if (g->fail == ST_OK) {
		g->fail = st;
		snprintf(g->fail_msg, sizeof g->fail_msg, "%s", status_detail(st));
	}
	pthread_cond_broadcast(&g->cv_filled);
	pthread_cond_broadcast(&g->cv_free);
	pthread_cond_broadcast(&g->cv_commit);
}

/* Under g->mu: batch b is done; commit it and every done batch after it,
 * unless a commit is running (which then commits them). */
static void done(ingest *g, batch *b)
{
	b->state = B_DONE;
	if (g->committing)
		return;
	g->committing = 1;
	for (;;) {
		batch *c = &g->ring[g->next_commit % g->n_ring];
		if (g->fail != ST_OK || c->state != B_DONE || c->seq != g->next_commit)
			break;
		pthread_mutex_unlock(&g->mu);
		status_clear();
		const status st = commit(g, c);
		pthread_mutex_lock(&g->mu);
		if (st != ST_OK) {
			set_fail(g, st);
			break;
		}
		batch_clear(c);
		c->state = B_FREE;
		g->next_commit++;
		pthread_cond_broadcast(&g->cv_free);
		pthread_cond_broadcast(&g->cv_commit);
	}
	g->committing = 0;
}

static status worker_start(worker *w)
{
	ingest *g = w->g;
	bytebuf_init(&w->key);
	bytebuf_init(&w->payload);
	w->fptr = mem_alloc(CSV_MAX_COLUMNS * sizeof *w->fptr);
	if (!w->fptr)
		return status_fail(ST_NOMEM, "out of memory reading rows");
	if (g->ops->thread_new)
		return g->ops->thread_new(g->ctx, &w->tctx);
	return ST_OK;
}

static void worker_end(worker *w)
{
	if (w->tctx && w->g->ops->thread_free)
		w->g->ops->thread_free(w->tctx);
	w->tctx = NULL;
	bytebuf_release(&w->key);
	bytebuf_release(&w->payload);
	mem_free(w->fptr);
	w->fptr = NULL;
}

/* Would the next batch take the worker's lane over its share?  A lane is
 * flushed only between batches (every record of a batch must be committed
 * first), so it is asked for a whole batch: at most target / 64 rows (a
 * valid row is longer), each a key of its fields (folded names included)
 * and a payload no longer than the row, so about twice the target. */
static int lane_full(const worker *w)
{
	const size_t t = w->g->target;
	return sorter_lane_full(w->lane, 2 * t, t / 64);
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	ingest *g = w->g;
	tmpfiles_block_in_thread();
	status_clear();
	status st = worker_start(w);
	pthread_mutex_lock(&g->mu);
	if (st != ST_OK)
		set_fail(g, st);
	while (g->fail == ST_OK) {
		if (lane_full(w)) {
			while (g->fail == ST_OK && g->next_commit < w->last_seq)
				pthread_cond_wait(&g->cv_commit, &g->mu);
			if (g->fail != ST_OK)
				break;
			pthread_mutex_unlock(&g->mu);
			status_clear();
			st = sorter_lane_flush(w->lane);
			pthread_mutex_lock(&g->mu);
			if (st != ST_OK) {
				set_fail(g, st);
				break;
			}
		}
		batch *b = &g->ring[g->next_take % g->n_ring];
		while (g->fail == ST_OK && !(b->state == B_FILLED && b->seq == g->next_take) &&
		       !(g->eof && g->next_take == g->next_fill)) {
			pthread_cond_wait(&g->cv_filled, &g->mu);
			b = &g->ring[g->next_take % g->n_ring];
		}
		if (g->fail != ST_OK || (g->eof && g->next_take == g->next_fill))
			break;
		b->state = B_TAKEN;
		g->next_take++;
		pthread_cond_broadcast(&g->cv_filled);   /* the next batch may be waiting */
		pthread_mutex_unlock(&g->mu);
		status_clear();
		st = process(w, b);
		pthread_mutex_lock(&g->mu);
		if (st != ST_OK) {
			set_fail(g, st);
			break;
		}
		w->last_seq = b->seq + 1;
		done(g, b);
	}
	pthread_mutex_unlock(&g->mu);
	worker_end(w);
	return NULL;
}

/* ---- the whole ------------------------------------------------------------------- */

status student_ingest_collator_new(void *ctx, void **thread_ctx)
{
	(void)ctx;
	return collator_new((collator **)thread_ctx);
}

void student_ingest_collator_free(void *thread_ctx)
{
	collator_free(thread_ctx);
}

/* threads == 1: read, check, commit and flush in turn on this thread. */
static status run_inline(ingest *g, worker *w)
{
	status st = worker_start(w);
	batch *b = &g->ring[0];
	int eof = 0;
	while (st == ST_OK && !eof) {
		if (lane_full(w) && (st = sorter_lane_flush(w->lane)) != ST_OK)
			break;
		st = fill(g, b);
		if (st == ST_EOF) {
			eof = 1;
			st = ST_OK;
		}
		if (st == ST_OK)
			st = process(w, b);
		if (st == ST_OK)
			st = commit(g, b);
		batch_clear(b);
	}
	worker_end(w);
	return st;
}

static status run_threads(ingest *g, worker *ws, int threads)
{
	int started = 0;
	status st = ST_OK;
	for (; started < threads; started++)
		if (pthread_create(&ws[started].thread, NULL, worker_main, &ws[started]) != 0) {
			st = status_fail(ST_NOMEM, "cannot start a thread to read rows");
			break;
		}
	pthread_mutex_lock(&g->mu);
	if (st != ST_OK)
		set_fail(g, st);
	while (g->fail == ST_OK && !g->eof) {
		batch *b = &g->ring[g->next_fill % g->n_ring];
		while (g->fail == ST_OK && b->state != B_FREE)
			pthread_cond_wait(&g->cv_free, &g->mu);
		if (g->fail != ST_OK)
			break;
		pthread_mutex_unlock(&g->mu);
		st = fill(g, b);
		pthread_mutex_lock(&g->mu);
		if (st != ST_OK && st != ST_EOF) {
			set_fail(g, st);
			break;
		}
		if (b->n) {
			b->seq = g->next_fill++;
			b->state = B_FILLED;
		}
		if (st == ST_EOF)
			g->eof = 1;
		pthread_cond_broadcast(&g->cv_filled);
	}
	pthread_mutex_unlock(&g->mu);
	for (int i = 0; i < started; i++)
		pthread_join(ws[i].thread, NULL);
	if (g->fail != ST_OK)
		return status_fail(g->fail, "%s", g->fail_msg);
	if (g->next_commit != g->next_fill)
		return status_fail(ST_INTERNAL, "rows read but never committed: %llu of %llu batches",
				   (unsigned long long)g->next_commit, (unsigned long long)g->next_fill);
	return ST_OK;
}

int student_ingest_workers(int threads, size_t memory)
{
	const size_t afford = memory / STUDENT_INGEST_WORKER_BYTES;
	if (threads < 1)
		threads = 1;
	if ((size_t)threads > afford)
		threads = afford > 1 ? (int)afford : 1;
	return threads;
}

status student_ingest(student_reader *rd, sorter *so, int threads, size_t memory,
		      const student_ingest_ops *ops, void *ctx)
{
	threads = student_ingest_workers(threads, memory);
	ingest g = { .rd = rd, .so = so, .ops = ops, .ctx = ctx };
	g.target = memory / 128;
	if (g.target < BATCH_MIN)
		g.target = BATCH_MIN;
	if (g.target > BATCH_MAX)
		g.target = BATCH_MAX;
	g.n_ring = threads == 1 ? 1 : (size_t)threads + 2;
	g.ring = mem_calloc(g.n_ring, sizeof *g.ring);
	worker *ws = mem_calloc((size_t)threads, sizeof *ws);
	status st = g.ring && ws ? ST_OK : status_fail(ST_NOMEM, "out of memory reading rows");
	for (int i = 0; st == ST_OK && i < threads; i++) {
		ws[i].g = &g;
		st = sorter_lane_new(so, &ws[i].lane);
	}
	if (st == ST_OK) {
		pthread_mutex_init(&g.mu, NULL);
		pthread_cond_init(&g.cv_filled, NULL);
		pthread_cond_init(&g.cv_free, NULL);
		pthread_cond_init(&g.cv_commit, NULL);
		st = threads == 1 ? run_inline(&g, &ws[0]) : run_threads(&g, ws, threads);
		pthread_mutex_destroy(&g.mu);
		pthread_cond_destroy(&g.cv_filled);
		pthread_cond_destroy(&g.cv_free);
		pthread_cond_destroy(&g.cv_commit);
	}
	for (size_t i = 0; g.ring && i < g.n_ring; i++)
		batch_release(&g, &g.ring[i]);
	mem_free(g.ring);
	mem_free(ws);
	/* the duplicate set goes before the sort needs its memory to merge */
	if (st == ST_OK)
		student_reader_done(rd);
	sorter_reserve(so, ops->held ? ops->held(ctx) : 0);
	return st;
}
