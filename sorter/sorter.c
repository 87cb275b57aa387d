/*
 * sorter.c: an external merge sorter of (key, payload) records, in the
 * manner of SQLite's vdbesort.c (see sorter.h for the calls).
 *
 * Run formation.  Records are appended to a buffer: an arena of large
 * blocks holding [u32 key_len][u32 payload_len][key][payload], indexed by
 * 16-byte entries {8-byte big-endian key prefix, pointer}.  A buffer may
 * hold memory_bytes / buffers bytes, counting its blocks, its index and the
 * scratch array the radix pass will need.  When it is full it is sorted
 *
 *   1. by an LSD radix sort on the prefix, one byte per pass, skipping the
 *      passes whose byte is the same in every entry (with print keys the
 *      shipment and often the LEA bytes are constant), then
 *   2. by memcmp of the whole keys inside each group of equal prefixes
 *      (insertion sort for small groups, qsort for large),
 *
 * and written as a sorted run (runfile.h: zstd blocks) into a private
 * folder, mode 0700, under the temporary directory.  With two or more
 * threads there are two buffers: a worker thread sorts and writes one while
 * the caller's thread parses into the other, so the two cores overlap
 * parsing with sorting, compression and writing.  With one thread the
 * caller spills synchronously.
 *
 * Nothing spilled.  If every record fit one buffer, finish() sorts it and
 * next() walks it: no disk at all.
 *
 * Merge.  Otherwise the last buffer is sorted and kept in memory as one
 * more source, and the runs are merged through a tournament (loser) tree:
 * tree[0] holds the current winner, tree[1..k-1] the loser of each match,
 * so advancing the winner replays only its path to the root, log2(k)
 * comparisons.  Each run costs RUNFILE_READER_BYTES of buffers; the
 * fan-in is what the budget left over affords, and at most the open-file
 * limit allows.  When the runs outnumber it, the last buffer is spilled
 * too and the oldest runs are merged fan-in at a time into new runs until
 * one final merge can take them all.
 *
 * Keys are unique in ssrfill, so the order is total and the output is the
 * same bytes whatever the budget, the thread count or the run boundaries.
 */
#include "sorter.h"
#include "../base/fault.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <zstd.h>

#include "../base/tmpfiles.h"
#include "../base/mem.h"
#include "runfile.h"

#define MAX_BLOCK_BYTES (1u << 20)
#define MIN_BLOCK_BYTES (64u << 10)
#define MAX_FAN_IN 512
/* A run buffer larger than this sorts slower per record (its records no
 * longer fit the cache when the sorted index is walked); more budget then
 * buys merge fan-in instead. */
#define MAX_BUFFER_BYTES (32u << 20)

typedef struct entry {
	uint64_t prefix;
	const uint8_t *rec;
} entry;

typedef struct block {
	struct block *next;
	size_t used, cap;
	uint8_t data[];
} block;

typedef struct buffer {
	block *blocks;        /* oldest first; kept across spills and reused */
	block *active;        /* the block being filled */
	size_t arena_bytes;   /* sum of block capacities */
	entry *idx;
	size_t n, cap;
} buffer;

typedef struct source {
	runfile_reader *rd;   /* NULL: the in-memory buffer */
	size_t pos;           /* in-memory cursor */
	int done;
	uint64_t prefix;
	runfile_rec cur;
} source;

enum mode { ADDING, MEMORY, MERGING, FINISHED };

struct sorter {
	sorter_opts opts;
	int fits;             /* the whole input is expected to fit one buffer */
	size_t reserved;      /* bytes of the budget the caller holds */
	size_t buf_limit;     /* the caller's thread only (sorter_reserve moves it) */
	size_t block_bytes;
	int n_bufs;
	buffer buf[2];
	int cur;
	enum mode mode;
	sorter_stats stats;

	/* spill runs */
	char *dir;
	char **runs;
	size_t n_runs, cap_runs;
	unsigned run_seq;
	ZSTD_CCtx *cctx;

	/* the worker thread (n_bufs == 2) */
	pthread_t thread;
	int thread_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int job;              /* buffer being spilled, or -1 */
	size_t job_limit;     /* buf_limit when the job was handed over */
	int quit;
	status worker_st;
	char worker_msg[512];

	/* output */
	buffer *mem;          /* the in-memory source */
	size_t mem_pos;
	ZSTD_DCtx *dctx;
	source *src;
	int *tree;
	size_t k;
	int pending;          /* source to advance before the next winner, or -1 */
};

static uint64_t key_prefix(const uint8_t *key, size_t len)
{
	uint64_t p = 0;
	for (size_t i = 0; i < 8; i++)
		p = (p << 8) | (i < len ? key[i] : 0);
	return p;
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static int cmp_keys(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
	const int c = memcmp(a, b, la < lb ? la : lb);
	if (c)
		return c;
	return la < lb ? -1 : la > lb;
}

static int cmp_entry(const entry *a, const entry *b)
{
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return cmp_keys(a->rec + 8, rd32(a->rec), b->rec + 8, rd32(b->rec));
}

static int cmp_qsort(const void *a, const void *b)
{
	return cmp_entry(a, b);
}

/* ---- buffers ---------------------------------------------------------- */

static size_t buffer_bytes(const buffer *b)
{
	/* the index and the radix scratch array of the same size */
	return b->arena_bytes + 2 * b->cap * sizeof(entry);
}

static void free_blocks(block *k)
{
	while (k) {
		block *next = k->next;
		mem_free(k);
		k = next;
	}
}

/* Empty b for the next run.  Its blocks stay allocated, up to what the
 * limit still allows (it shrinks while the duplicate set grows): refilling
 * memory that is already mapped costs no page faults. */
static void buffer_reset(buffer *b, size_t limit)
{
	/* an index grown under a larger limit would leave no room for records */
	if (2 * b->cap * sizeof(entry) > limit / 2) {
		mem_free(b->idx);
		b->idx = NULL;
		b->cap = 0;
	}
	const size_t keep = limit > 2 * b->cap * sizeof(entry) ? limit - 2 * b->cap * sizeof(entry) : 0;
	size_t kept = 0;
	block **link = &b->blocks;
	while (*link && kept + (*link)->cap <= keep) {
		(*link)->used = 0;
		kept += (*link)->cap;
		link = &(*link)->next;
	}
	free_blocks(*link);
	*link = NULL;
	b->arena_bytes = kept;
	b->active = b->blocks;
	b->n = 0;
}

static void buffer_release(buffer *b)
{
	free_blocks(b->blocks);
	b->blocks = b->active = NULL;
	b->arena_bytes = 0;
	b->n = 0;
	mem_free(b->idx);
	b->idx = NULL;
	b->cap = 0;
}

/* The block a record of `need` bytes goes in without allocating, or NULL. */
static block *room_for(const buffer *b, size_t need)
{
	for (block *k = b->active; k; k = k->next)
		if (k->cap - k->used >= need)
			return k;
	return NULL;
}

/* Can b take a record of `need` bytes within the limit? */
static int buffer_fits(const sorter *s, const buffer *b, size_t need)
{
	size_t grow = 0;
	if (!room_for(b, need))
		grow += need > s->block_bytes ? need : s->block_bytes;
	if (b->n == b->cap)
		grow += 2 * (b->cap ? b->cap / 2 : 1024) * sizeof(entry);
	return buffer_bytes(b) + grow <= s->buf_limit;
}

static status buffer_add(sorter *s, buffer *b, const void *key, size_t key_len,
			 const void *payload, size_t payload_len)
{
	const size_t need = RUNFILE_RECORD_BYTES(key_len, payload_len);
	block *k = room_for(b, need);
	if (!k) {
		const size_t cap = need > s->block_bytes ? need : s->block_bytes;
		k = mem_alloc(sizeof *k + cap);
		if (!k)
			return status_fail(ST_NOMEM, "out of memory holding records to sort");
		k->next = NULL;
		k->used = 0;
		k->cap = cap;
		block **link = &b->blocks;
		while (*link)
			link = &(*link)->next;
		*link = k;
		b->arena_bytes += cap;
	}
	b->active = k;
	if (b->n == b->cap) {
		const size_t cap = b->cap ? b->cap + b->cap / 2 : 1024;
		entry *idx = mem_realloc(b->idx, cap * sizeof *idx);
		if (!idx)
			return status_fail(ST_NOMEM, "out of memory holding records to sort");
		b->idx = idx;
		b->cap = cap;
	}
	uint8_t *rec = k->data + k->used;
	runfile_record_put(rec, key, key_len, payload, payload_len);
	k->used += need;
	b->idx[b->n].prefix = key_prefix(key, key_len);
	b->idx[b->n].rec = rec;
	b->n++;
	return ST_OK;
}

/* LSD radix sort of idx by prefix; tmp has room for n entries. */
static void radix_prefix(entry *idx, entry *tmp, size_t n)
{
	uint64_t same = ~(uint64_t)0;  /* bits equal in every prefix */
	for (size_t i = 1; i < n; i++)
		same &= ~(idx[i].prefix ^ idx[0].prefix);
	entry *src = idx, *dst = tmp;
	for (int byte = 0; byte < 8; byte++) {
		const int shift = byte * 8;
		if (((same >> shift) & 0xFF) == 0xFF)
			continue;
		size_t count[256] = { 0 };
		for (size_t i = 0; i < n; i++)
			count[(src[i].prefix >> shift) & 0xFF]++;
		size_t sum = 0;
		for (int b = 0; b < 256; b++) {
			const size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i].prefix >> shift) & 0xFF]++] = src[i];
		entry *t = src;
		src = dst;
		dst = t;
	}
	if (src != idx)
		memcpy(idx, src, n * sizeof *idx);
}

static void sort_equal_prefixes(entry *idx, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && idx[j].prefix == idx[i].prefix)
			j++;
		const size_t m = j - i;
		if (m > 16) {
			qsort(idx + i, m, sizeof *idx, cmp_qsort);
		} else {
			for (size_t a = i + 1; a < j; a++) {
				const entry e = idx[a];
				size_t b = a;
				while (b > i && cmp_entry(&idx[b - 1], &e) > 0) {
					idx[b] = idx[b - 1];
					b--;
				}
				idx[b] = e;
			}
		}
		i = j;
	}
}

static status buffer_sort(buffer *b)
{
	if (b->n < 2)
		return ST_OK;
	entry *tmp = mem_alloc(b->n * sizeof *tmp);
	if (!tmp)
		return status_fail(ST_NOMEM, "out of memory sorting records");
	radix_prefix(b->idx, tmp, b->n);
	mem_free(tmp);
	sort_equal_prefixes(b->idx, b->n);
	return ST_OK;
}

/* ---- runs ------------------------------------------------------------- */

static status make_dir(sorter *s)
{
	if (s->dir)
		return ST_OK;
	const size_t n = strlen(s->opts.tmpdir) + 32;
	char *d = mem_alloc(n);
	if (!d)
		return status_fail(ST_NOMEM, "out of memory");
	snprintf(d, n, "%s/ssrfill-spill-XXXXXX", s->opts.tmpdir);
	status st = tmpfiles_mkdtemp(d);  /* mode 0700 */
	if (st == ST_IO)
		st = status_fail(ST_IO, "%s: cannot create a temporary folder for sorted runs: %m",
				 s->opts.tmpdir);
	if (st != ST_OK) {
		mem_free(d);
		return st;
	}
	s->dir = d;
	return ST_OK;
}

/* A new run path, registered for clean-up; appended to the run list by
 * the caller once the run is complete. */
static status new_run_path(sorter *s, char **out)
{
	*out = NULL;
	status st = make_dir(s);
	if (st != ST_OK)
		return st;
	const size_t n = strlen(s->dir) + 32;
	char *p = mem_alloc(n);
	if (!p)
		return status_fail(ST_NOMEM, "out of memory");
	pthread_mutex_lock(&s->mu);
	snprintf(p, n, "%s/run-%06u", s->dir, s->run_seq++);
	pthread_mutex_unlock(&s->mu);
	if ((st = tmpfiles_add(p, 0)) != ST_OK) {
		mem_free(p);
		return st;
	}
	*out = p;
	return ST_OK;
}

static status push_run(sorter *s, char *path)
{
	pthread_mutex_lock(&s->mu);
	status st = ST_OK;
	if (s->n_runs == s->cap_runs) {
		const size_t cap = s->cap_runs ? 2 * s->cap_runs : 64;
		char **r = mem_realloc(s->runs, cap * sizeof *r);
		if (!r) {
			st = status_fail(ST_NOMEM, "out of memory");
		} else {
			s->runs = r;
			s->cap_runs = cap;
		}
	}
	if (st == ST_OK) {
		s->runs[s->n_runs++] = path;
		s->stats.n_runs++;
	}
	pthread_mutex_unlock(&s->mu);
	return st;
}

static void drop_run(char *path)
{
	unlink(path);
	tmpfiles_forget(path);
	mem_free(path);
}

/* Sort buffer b, write it as a run and empty it, keeping as many of its
 * blocks as `limit` allows.  The worker thread passes the limit it was
 * handed with the job: buf_limit itself moves under the caller's thread. */
static status spill(sorter *s, buffer *b, size_t limit)
{
	status st = buffer_sort(b);
	char *path = NULL;
	if (st == ST_OK)
		st = new_run_path(s, &path);
	runfile_writer *w = NULL;
	if (st == ST_OK)
		st = runfile_writer_open(&w, path, s->cctx);
	for (size_t i = 0; st == ST_OK && i < b->n; i++) {
		const uint8_t *rec = b->idx[i].rec;
		const uint32_t kl = rd32(rec), pl = rd32(rec + 4);
		st = runfile_put(w, rec + 8, kl, rec + 8 + kl, pl);
	}
	const status c = runfile_writer_close(w);
	if (st == ST_OK)
		st = c;
	buffer_reset(b, limit);
	if (st == ST_OK)
		return push_run(s, path);
	if (path)
		drop_run(path);
	return st;
}

/* ---- the worker thread -------------------------------------------------- */

static void *worker(void *arg)
{
	sorter *s = arg;
	tmpfiles_block_in_thread();
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->job < 0 && !s->quit)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->quit)
			break;
		const int j = s->job;
		const size_t limit = s->job_limit;
		pthread_mutex_unlock(&s->mu);
		status_clear();
		const status st = spill(s, &s->buf[j], limit);
		pthread_mutex_lock(&s->mu);
		if (st != ST_OK && s->worker_st == ST_OK) {
			s->worker_st = st;
			snprintf(s->worker_msg, sizeof s->worker_msg, "%s", status_detail(st));
		}
		s->job = -1;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Wait until the worker is idle; its failure, if any, becomes ours. */
static status wait_idle(sorter *s)
{
	if (!s->thread_started)
		return ST_OK;
	pthread_mutex_lock(&s->mu);
	while (s->job >= 0)
		pthread_cond_wait(&s->cv, &s->mu);
	const status st = s->worker_st;
	pthread_mutex_unlock(&s->mu);
	if (st != ST_OK)
		return status_fail(st, "%s", s->worker_msg);
	return ST_OK;
}

/* ---- API: adding ---------------------------------------------------------- */

status sorter_new(sorter **out, const sorter_opts *opts)
{
	*out = NULL;
	sorter *s = mem_calloc(1, sizeof *s);
	if (!s)
		return status_fail(ST_NOMEM, "out of memory creating the sorter");
	s->opts = *opts;
	if (!s->opts.tmpdir || !*s->opts.tmpdir)
		s->opts.tmpdir = "/tmp";
	s->n_bufs = opts->threads >= 2 ? 2 : 1;
	/* an input that fits the budget gets one buffer as large as the
	 * budget, so it is sorted in memory; records take about the input's
	 * bytes plus a 48-byte key, header and index entry each (~30%) */
	s->fits = opts->input_bytes && opts->input_bytes + opts->input_bytes / 2 <= opts->memory_bytes;
	if (s->fits)
		s->n_bufs = 1;
	s->buf_limit = opts->memory_bytes / (size_t)s->n_bufs;
	if (s->buf_limit > MAX_BUFFER_BYTES && !s->fits)
		s->buf_limit = MAX_BUFFER_BYTES;
	s->block_bytes = s->buf_limit / 16;
	if (s->block_bytes > MAX_BLOCK_BYTES)
		s->block_bytes = MAX_BLOCK_BYTES;
	if (s->block_bytes < MIN_BLOCK_BYTES)
		s->block_bytes = MIN_BLOCK_BYTES;
	s->job = -1;
	s->pending = -1;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	*out = s;
	return ST_OK;
}

static status ensure_cctx(sorter *s)
{
	if (!s->cctx && !(s->cctx = ZSTD_createCCtx()))
		return status_fail(ST_NOMEM, "out of memory for zstd");
	return ST_OK;
}

status sorter_add(sorter *s, const void *key, size_t key_len,
		  const void *payload, size_t payload_len)
{
	if (s->mode != ADDING)
		return status_fail(ST_INTERNAL, "sorter_add after sorter_finish");
	const size_t need = RUNFILE_RECORD_BYTES(key_len, payload_len);
	buffer *b = &s->buf[s->cur];
	if (b->n > 0 && !buffer_fits(s, b, need)) {
		status st = ensure_cctx(s);
		if (st != ST_OK)
			return st;
		if (s->n_bufs == 2) {
			if (!s->thread_started) {
				if (pthread_create(&s->thread, NULL, worker, s) != 0)
					return status_fail(ST_NOMEM, "cannot start the sorting thread");
				s->thread_started = 1;
			}
			if ((st = wait_idle(s)) != ST_OK)
				return st;
			pthread_mutex_lock(&s->mu);
			s->job = s->cur;
			s->job_limit = s->buf_limit;
			pthread_cond_broadcast(&s->cv);
			pthread_mutex_unlock(&s->mu);
			s->cur ^= 1;
			b = &s->buf[s->cur];
		} else if ((st = spill(s, b, s->buf_limit)) != ST_OK) {
			return st;
		}
	}
	s->stats.n_records++;
	return buffer_add(s, b, key, key_len, payload, payload_len);
}

/* ---- merging ---------------------------------------------------------------- */

static status source_advance(sorter *s, source *x)
{
	if (x->done)
		return ST_OK;
	if (!x->rd) {
		if (x->pos == s->mem->n) {
			x->done = 1;
			return ST_OK;
		}
		const uint8_t *rec = s->mem->idx[x->pos++].rec;
		x->cur.key_len = rd32(rec);
		x->cur.payload_len = rd32(rec + 4);
		x->cur.key = rec + 8;
		x->cur.payload = rec + 8 + x->cur.key_len;
	} else {
		const status st = runfile_next(x->rd, &x->cur);
		if (st == ST_EOF) {
			x->done = 1;
			return ST_OK;
		}
		if (st != ST_OK)
			return st;
	}
	x->prefix = key_prefix(x->cur.key, x->cur.key_len);
	return ST_OK;
}

/* Does source a come before source b? */
static int beats(const sorter *s, int a, int b)
{
	const source *x = &s->src[a], *y = &s->src[b];
	if (x->done || y->done)
		return !x->done;
	if (x->prefix != y->prefix)
		return x->prefix < y->prefix;
	const int c = cmp_keys(x->cur.key, x->cur.key_len, y->cur.key, y->cur.key_len);
	return c ? c < 0 : a < b;
}

/* Replay the matches from leaf w up to the root. */
static void tree_adjust(sorter *s, int w)
{
	for (size_t t = (w + s->k) / 2; t > 0; t /= 2) {
		if (s->tree[t] < 0) {     /* building: the first to arrive waits */
			s->tree[t] = w;
			return;
		}
		if (beats(s, s->tree[t], w)) {
			const int loser = w;
			w = s->tree[t];
			s->tree[t] = loser;
		}
	}
	s->tree[0] = w;
}

static void merge_close(sorter *s)
{
	for (size_t i = 0; i < s->k; i++)
		runfile_reader_free(s->src[i].rd);
	mem_free(s->src);
	mem_free(s->tree);
	s->src = NULL;
	s->tree = NULL;
	s->k = 0;
	s->pending = -1;
}

/* Open a merge of runs[0, n_files) and, if with_mem, the memory buffer. */
static status merge_open(sorter *s, size_t n_files, int with_mem)
{
	const size_t k = n_files + (with_mem ? 1 : 0);
	source *src = mem_calloc(k, sizeof *src);
	int *tree = mem_alloc(k * sizeof *tree);
	if (!src || !tree) {
		mem_free(src);
		mem_free(tree);
		return status_fail(ST_NOMEM, "out of memory merging sorted runs");
	}
	/* k only with its arrays: merge_close() walks k sources */
	s->src = src;
	s->tree = tree;
	s->k = k;
	if (!s->dctx && !(s->dctx = ZSTD_createDCtx()))
		return status_fail(ST_NOMEM, "out of memory for zstd");
	status st = ST_OK;
	for (size_t i = 0; i < n_files && st == ST_OK; i++)
		st = runfile_reader_open(&s->src[i].rd, s->runs[i], s->dctx);
	if (with_mem) {
		s->src[n_files].rd = NULL;
		s->mem_pos = 0;
	}
	for (size_t i = 0; i < s->k && st == ST_OK; i++)
		st = source_advance(s, &s->src[i]);
	if (st != ST_OK)
		return st;
	for (size_t i = 0; i < s->k; i++)
		s->tree[i] = -1;
	for (size_t i = 0; i < s->k; i++)
		tree_adjust(s, (int)i);
	s->pending = -1;
	return ST_OK;
}

/* The next record of the open merge: ST_OK with *w the winning source. */
static status merge_step(sorter *s, int *w)
{
	if (s->pending >= 0) {
		const status st = source_advance(s, &s->src[s->pending]);
		if (st != ST_OK)
			return st;
		tree_adjust(s, s->pending);
		s->pending = -1;
	}
	*w = s->tree[0];
	if (s->src[*w].done)
		return ST_EOF;
	s->pending = *w;
	return ST_OK;
}

static size_t fan_in(const sorter *s, size_t held)
{
	held += s->reserved;
	const size_t avail = s->opts.memory_bytes > held ? s->opts.memory_bytes - held : 0;
	size_t f = avail / RUNFILE_READER_BYTES;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		/* keep descriptors for the outputs a run writes meanwhile */
		const size_t fd = rl.rlim_cur > 48 ? (size_t)rl.rlim_cur - 40 : 2;
		if (f > fd)
			f = fd;
	}
	if (f > MAX_FAN_IN)
		f = MAX_FAN_IN;
	return f < 2 ? 2 : f;
}

/* Merge the oldest `n` runs into one new run at the end of the list. */
static status merge_pass(sorter *s, size_t n)
{
	char *path;
	status st = new_run_path(s, &path);
	if (st != ST_OK)
		return st;
	runfile_writer *w = NULL;
	st = merge_open(s, n, 0);
	if (st == ST_OK)
		st = runfile_writer_open(&w, path, s->cctx);
	int win;
	while (st == ST_OK && (st = merge_step(s, &win)) == ST_OK) {
		const runfile_rec *r = &s->src[win].cur;
		st = runfile_put(w, r->key, r->key_len, r->payload, r->payload_len);
	}
	merge_close(s);
	const status c = runfile_writer_close(w);
	if (st == ST_EOF)
		st = c;
	if (st != ST_OK) {
		drop_run(path);
		return st;
	}
	for (size_t i = 0; i < n; i++)
		drop_run(s->runs[i]);
	memmove(s->runs, s->runs + n, (s->n_runs - n) * sizeof *s->runs);
	s->n_runs -= n;
	s->stats.n_merge_passes++;
	return push_run(s, path);
}

status sorter_finish(sorter *s)
{
	if (s->mode != ADDING)
		return status_fail(ST_INTERNAL, "sorter_finish called twice");
	status st = wait_idle(s);
	if (st != ST_OK)
		return st;
	buffer *last = &s->buf[s->cur];
	buffer_release(&s->buf[s->cur ^ 1]);
	if ((st = buffer_sort(last)) != ST_OK)
		return st;
	s->mem = last;
	if (s->n_runs == 0) {
		s->mode = MEMORY;
		s->mem_pos = 0;
		return ST_OK;
	}
	if ((st = ensure_cctx(s)) != ST_OK)
		return st;
	if (s->n_runs + 1 > fan_in(s, buffer_bytes(last))) {
		/* too many runs to merge beside the buffer: spill it, merge in passes */
		if ((st = spill(s, last, s->buf_limit)) != ST_OK)
			return st;
		buffer_release(last);
		/* The first pass merges only as many runs as it takes to bring
		 * the count down to a multiple the fan-in can finish, so no more
		 * data than needed is read and written twice. */
		const size_t f = fan_in(s, 0);
		while (s->n_runs > f) {
			size_t n = (s->n_runs - f) % (f - 1) + 1;
			if (n < 2)
				n = f;
			if ((st = merge_pass(s, n)) != ST_OK)
				return st;
		}
		st = merge_open(s, s->n_runs, 0);
	} else {
		st = merge_open(s, s->n_runs, 1);
		s->stats.n_merge_passes++;
	}
	if (st != ST_OK)
		return st;
	s->mode = MERGING;
	return ST_OK;
}

static void drop_all_runs(sorter *s)
{
	for (size_t i = 0; i < s->n_runs; i++)
		drop_run(s->runs[i]);
	s->n_runs = 0;
	if (s->dir) {
		rmdir(s->dir);
		tmpfiles_forget(s->dir);
		mem_free(s->dir);
		s->dir = NULL;
	}
}

status sorter_next(sorter *s, sorter_item *item)
{
	if (s->mode == MEMORY) {
		if (s->mem_pos == s->mem->n) {
			s->mode = FINISHED;
			return ST_EOF;
		}
		const uint8_t *rec = s->mem->idx[s->mem_pos++].rec;
		item->key_len = rd32(rec);
		item->payload_len = rd32(rec + 4);
		item->key = rec + 8;
		item->payload = rec + 8 + item->key_len;
		return ST_OK;
	}
	if (s->mode != MERGING)
		return ST_EOF;
	int w;
	const status st = merge_step(s, &w);
	if (st == ST_EOF) {
		merge_close(s);
		drop_all_runs(s);
		s->mode = FINISHED;
	}
	if (st != ST_OK)
		return st;
	const runfile_rec *r = &s->src[w].cur;
	item->key = r->key;
	item->key_len = r->key_len;
	item->payload = r->payload;
	item->payload_len = r->payload_len;
	return ST_OK;
}

/* The caller's thread, between adds, while the worker may be spilling:
 * the worker never reads buf_limit, it was handed its own with the job. */
void sorter_reserve(sorter *s, size_t bytes)
{
	s->reserved = bytes;
	const size_t left = s->opts.memory_bytes > bytes ? s->opts.memory_bytes - bytes : 0;
	s->buf_limit = left / (size_t)s->n_bufs;
	if (s->buf_limit > MAX_BUFFER_BYTES && !s->fits)
		s->buf_limit = MAX_BUFFER_BYTES;
	if (s->buf_limit < (1u << 20))
		s->buf_limit = 1u << 20;
}

void sorter_stats_get(const sorter *s, sorter_stats *st)
{
	*st = s->stats;
}

void sorter_free(sorter *s)
{
	if (!s)
		return;
	if (s->thread_started) {
		pthread_mutex_lock(&s->mu);
		while (s->job >= 0)
			pthread_cond_wait(&s->cv, &s->mu);
		s->quit = 1;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
	}
	merge_close(s);
	drop_all_runs(s);
	mem_free(s->runs);
	buffer_release(&s->buf[0]);
	buffer_release(&s->buf[1]);
	ZSTD_freeCCtx(s->cctx);
	ZSTD_freeDCtx(s->dctx);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	mem_free(s);
}
