/*
 * sorter.c: an external merge sorter of (key, payload) records, in the
 * manner of SQLite's vdbesort.c (see sorter.h for the calls).
 *
 * Run formation.  Each lane appends records to its buffer: an arena of
 * large blocks holding [u32 key_len][u32 payload_len][key][payload],
 * indexed by 16-byte entries {8-byte big-endian key prefix, pointer}.  A
 * dropped record keeps its place with the top bit of its key length set.
 * A lane's buffer may hold its share of the budget, at most
 * MAX_BUFFER_BYTES (about the size of a last-level cache), counting its
 * blocks, its index and the scratch array the radix pass needs.  When the
 * lane is flushed its buffer is sorted
 *
 *   1. by an LSD radix sort on the prefix, one byte per pass, skipping the
 *      passes whose byte is the same in every entry (with print keys the
 *      shipment and often the LEA bytes are constant), then
 *   2. by memcmp of the whole keys inside each group of equal prefixes
 *      (insertion sort for small groups, qsort for large),
 *
 * and becomes a run.  The run stays in memory (its records copied in order
 * into one array, so a merge reads it straight through) while the runs
 * kept so far, every lane's buffer, the caller's reserve and MERGE_RESERVE
 * still fit the budget; otherwise it is written to disk (runfile.h: zstd
 * blocks) into a private folder, mode 0700, under the temporary directory.
 * Either way the lane keeps its blocks for its next buffer.
 * Lanes flush on their own threads, so sorting and spilling run on every
 * core.  So an input that fits the budget is sorted as cache-sized runs
 * merged in memory, and more memory never means more work.
 *
 * Merge.  One run and nothing else: next() walks it.  Otherwise the runs
 * are merged through a tournament (loser) tree: tree[0] holds the current
 * winner, tree[1..k-1] the loser of each match, so advancing the winner
 * replays only its path to the root, log2(k) comparisons.  Each disk run
 * costs runfile_reader_bytes() of buffers; the fan-in is what the budget
 * left over affords, and at most the open-file limit allows.  When the
 * disk runs outnumber it, the oldest are merged fan-in at a time into new
 * disk runs until one final merge can take them all with the runs in
 * memory.
 *
 * Keys are unique in ssrfill, so the order is total and the output is the
 * same bytes whatever the budget, the thread count or the run boundaries.
 */
#include "sorter.h"
#include "../base/fault.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <zstd.h>

#include "../base/tmpfiles.h"
#include "../base/mem.h"
#include "runfile.h"

#define MAX_BLOCK_BYTES (1u << 20)
#define MIN_BLOCK_BYTES (64u << 10)
#define MIN_BUFFER_BYTES (1u << 20)
#define MAX_FAN_IN 512
/* A run buffer larger than this sorts slower per record (its records no
 * longer fit the cache when the sorted index is walked); more budget then
 * buys runs kept in memory instead. */
#define MAX_BUFFER_BYTES (32u << 20)
/* Kept free of runs in memory whenever a run may go to disk: the final
 * merge's fan-in (128 disk runs at 16 MiB). */
#define MERGE_RESERVE_MAX (16u << 20)
/* The top bit of a buffered record's key length: dropped. */
#define DROPPED 0x80000000u

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
	size_t arena_bytes;   /* the blocks' allocations, headers too */
	entry *idx;
	size_t n, cap;
	entry *tmp;           /* the radix pass's scratch, kept across runs */
	size_t tmp_cap;
	size_t rec_bytes;     /* its records' bytes, dropped ones too */
} buffer;

/* A sorted run kept in memory: its records one after another in order,
 * as in a disk run's blocks, so a merge reads each run straight through
 * (the buffer's own order would send it all over the arena). */
typedef struct memrun {
	uint8_t *data;
	size_t len, n;
} memrun;

struct sorter_lane {
	sorter *s;
	buffer b;
	ZSTD_CCtx *cctx;
	_Atomic size_t drops; /* records dropped since the last flush */
};

typedef struct source {
	runfile_reader *rd;   /* NULL: the in-memory run m */
	const memrun *m;
	size_t pos;
	int done;
	uint64_t prefix;
	runfile_rec cur;
} source;

enum mode { ADDING, MEMORY, MERGING, FINISHED };

struct sorter {
	sorter_opts opts;
	_Atomic size_t lane_limit;   /* a lane's share of the budget */
	enum mode mode;

	pthread_mutex_t mu;          /* guards what follows, up to the output */
	size_t reserved;             /* bytes of the budget the caller holds */
	sorter_lane **lanes;
	size_t n_lanes, cap_lanes;
	sorter_lane *own;            /* sorter_add's lane */
	memrun *mruns;
	size_t n_mruns, cap_mruns, mrun_bytes;
	char *dir;
	char **runs;                 /* disk runs, oldest first */
	uint8_t *run_level;          /* merges each disk run's records went through */
	size_t n_runs, cap_runs;
	unsigned run_seq;
	sorter_stats stats;

	/* output (the caller's thread, after finish) */
	ZSTD_CCtx *cctx;
	ZSTD_DCtx *dctx;
	const memrun *single;        /* MEMORY: the one run */
	size_t single_pos;
	source *src;
	int *tree;
	size_t k;
	int pending;                 /* source to advance before the next winner, or -1 */
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

/* ---- budget --------------------------------------------------------------- */

static size_t merge_reserve(const sorter *s)
{
	const size_t r = s->opts.memory_bytes / 8;
	return r < MERGE_RESERVE_MAX ? r : MERGE_RESERVE_MAX;
}

/* A lane's share: what the caller's reserve leaves, split between the
 * lanes, less the buffers of the run file a lane writes when it spills,
 * capped at a cache-sized buffer.  Under s->mu. */
static void set_lane_limit(sorter *s)
{
	const size_t lanes = s->n_lanes > (size_t)s->opts.threads ? s->n_lanes : (size_t)s->opts.threads;
	const size_t held = s->reserved + lanes * runfile_writer_bytes();
	const size_t left = s->opts.memory_bytes > held ? s->opts.memory_bytes - held : 0;
	size_t limit = left / (lanes ? lanes : 1);
	if (limit > MAX_BUFFER_BYTES)
		limit = MAX_BUFFER_BYTES;
	if (limit < MIN_BUFFER_BYTES)
		limit = MIN_BUFFER_BYTES;
	atomic_store_explicit(&s->lane_limit, limit, memory_order_relaxed);
}

/* ---- buffers ---------------------------------------------------------- */

/* What a block's allocation takes: blocks are sized to the allocator's
 * size classes (mem_good_size), so this is what mem_in_use counts. */
static size_t block_size(const block *k)
{
	return sizeof *k + k->cap;
}

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
		mem_free(b->tmp);
		b->tmp = NULL;
		b->tmp_cap = 0;
	}
	const size_t keep = limit > 2 * b->cap * sizeof(entry) ? limit - 2 * b->cap * sizeof(entry) : 0;
	size_t kept = 0;
	block **link = &b->blocks;
	while (*link && kept + block_size(*link) <= keep) {
		(*link)->used = 0;
		kept += block_size(*link);
		link = &(*link)->next;
	}
	if (*link) {
		/* the limit shrank (the duplicate set grew): the blocks past it
		 * go back to the system now, or the allocator would keep their
		 * pages resident, beside the memory that took their place in
		 * the budget */
		free_blocks(*link);
		*link = NULL;
		mem_release_free_pages();
	}
	b->arena_bytes = kept;
	b->active = b->blocks;
	b->n = 0;
	b->rec_bytes = 0;
}

static void buffer_release(buffer *b)
{
	free_blocks(b->blocks);
	b->blocks = b->active = NULL;
	b->arena_bytes = 0;
	b->n = 0;
	b->rec_bytes = 0;
	mem_free(b->idx);
	b->idx = NULL;
	b->cap = 0;
	mem_free(b->tmp);
	b->tmp = NULL;
	b->tmp_cap = 0;
}

/* The block a record of `need` bytes goes in without allocating, or NULL. */
static block *room_for(const buffer *b, size_t need)
{
	for (block *k = b->active; k; k = k->next)
		if (k->cap - k->used >= need)
			return k;
	return NULL;
}

/* The index's next capacity: half as large again, to the allocator's size
 * (the scratch array of the radix pass is as large). */
static size_t index_cap(size_t cap)
{
	return mem_good_size((cap ? cap + cap / 2 : 1024) * sizeof(entry)) / sizeof(entry);
}

/* The size of a new block, header included: a sixteenth of the lane's
 * current share, a power of two (an allocation size of its own: a header
 * on top of a round capacity would take the allocator's next size up, a
 * quarter more than the budget counted), 64 KiB to 1 MiB.  From the share
 * now, not when the sorter began: a share shrunk to its floor by the
 * caller's reserve must still hold many blocks' worth of records, or a
 * lane would be full after every record. */
static size_t block_bytes(const sorter *s)
{
	const size_t lim = atomic_load_explicit(&s->lane_limit, memory_order_relaxed);
	size_t n = MIN_BLOCK_BYTES;
	while (n < MAX_BLOCK_BYTES && 2 * n <= lim / 16)
		n *= 2;
	return n;
}

/* What adding `records` records of `bytes` in all would allocate: the
 * blocks the free room of the buffer's blocks cannot take, and a larger
 * index (and scratch array) when it would overflow. */
static size_t growth(const sorter *s, const buffer *b, size_t bytes, size_t records)
{
	size_t grow = 0;
	if (records == 1) {   /* exactly: the first block with room */
		if (!room_for(b, bytes)) {
			const size_t bb = block_bytes(s);
			grow = sizeof(block) + bytes > bb ? mem_good_size(sizeof(block) + bytes) : bb;
		}
	} else {
		size_t room = 0;
		for (const block *k = b->active; k; k = k->next)
			room += k->cap - k->used;
		if (bytes > room) {
			const size_t bb = block_bytes(s), per = bb - sizeof(block);
			grow = (bytes - room + per - 1) / per * bb;
		}
	}
	size_t cap = b->cap;
	while (cap < b->n + records)
		cap = index_cap(cap);
	return grow + 2 * (cap - b->cap) * sizeof(entry);
}

static status buffer_add(const sorter *s, buffer *b, const void *key, size_t key_len,
			 const void *payload, size_t payload_len, void **mark)
{
	if (key_len >= DROPPED || payload_len > UINT32_MAX)
		return status_fail(ST_INTERNAL, "a record too large to sort");
	const size_t need = RUNFILE_RECORD_BYTES(key_len, payload_len);
	block *k = room_for(b, need);
	if (!k) {
		const size_t bb = block_bytes(s);
		const size_t total = sizeof *k + need > bb ? mem_good_size(sizeof *k + need) : bb;
		k = mem_alloc(total);
		if (!k)
			return status_fail(ST_NOMEM, "out of memory holding records to sort");
		k->next = NULL;
		k->used = 0;
		k->cap = total - sizeof *k;
		block **link = &b->blocks;
		while (*link)
			link = &(*link)->next;
		*link = k;
		b->arena_bytes += total;
	}
	b->active = k;
	if (b->n == b->cap) {
		const size_t cap = index_cap(b->cap);
		entry *idx = mem_realloc(b->idx, cap * sizeof *idx);
		if (!idx)
			return status_fail(ST_NOMEM, "out of memory holding records to sort");
		b->idx = idx;
		b->cap = cap;
	}
	uint8_t *rec = k->data + k->used;
	runfile_record_put(rec, key, key_len, payload, payload_len);
	k->used += need;
	b->rec_bytes += need;
	b->idx[b->n].prefix = key_prefix(key, key_len);
	b->idx[b->n].rec = rec;
	b->n++;
	if (mark)
		*mark = rec;
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

/* Leave out the dropped records (when there are), then sort. */
static status buffer_sort(buffer *b, int dropped)
{
	if (dropped) {
		size_t n = 0;
		for (size_t i = 0; i < b->n; i++)
			if (!(rd32(b->idx[i].rec) & DROPPED))
				b->idx[n++] = b->idx[i];
		b->n = n;
	}
	if (b->n < 2)
		return ST_OK;
	if (b->tmp_cap < b->n) {
		/* the index's size: counted in buffer_bytes() from the start */
		mem_free(b->tmp);
		b->tmp_cap = 0;
		if (!(b->tmp = mem_alloc(b->cap * sizeof *b->tmp)))
			return status_fail(ST_NOMEM, "out of memory sorting records");
		b->tmp_cap = b->cap;
	}
	radix_prefix(b->idx, b->tmp, b->n);
	sort_equal_prefixes(b->idx, b->n);
	return ST_OK;
}

/* ---- runs ------------------------------------------------------------- */

/* Under s->mu. */
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
	pthread_mutex_lock(&s->mu);
	status st = make_dir(s);
	const size_t n = s->dir ? strlen(s->dir) + 32 : 0;
	char *p = st == ST_OK ? mem_alloc(n) : NULL;
	if (st == ST_OK && !p)
		st = status_fail(ST_NOMEM, "out of memory");
	if (p)
		snprintf(p, n, "%s/run-%06u", s->dir, s->run_seq++);
	pthread_mutex_unlock(&s->mu);
	if (st != ST_OK)
		return st;
	if ((st = tmpfiles_add(p, 0)) != ST_OK) {
		mem_free(p);
		return st;
	}
	*out = p;
	return ST_OK;
}

/* Under s->mu. */
static status push_run(sorter *s, char *path, uint8_t level)
{
	if (s->n_runs == s->cap_runs) {
		const size_t cap = s->cap_runs ? 2 * s->cap_runs : 64;
		char **r = mem_realloc(s->runs, cap * sizeof *r);
		if (r)
			s->runs = r;
		uint8_t *l = mem_realloc(s->run_level, cap);
		if (l)
			s->run_level = l;
		if (!r || !l)
			return status_fail(ST_NOMEM, "out of memory");
		s->cap_runs = cap;
	}
	s->runs[s->n_runs] = path;
	s->run_level[s->n_runs++] = level;
	return ST_OK;
}

static void drop_run(char *path)
{
	unlink(path);
	tmpfiles_forget(path);
	mem_free(path);
}

/* Write the sorted buffer b as a disk run. */
static status write_run(sorter *s, const buffer *b, ZSTD_CCtx *cctx)
{
	char *path = NULL;
	status st = new_run_path(s, &path);
	runfile_writer *w = NULL;
	if (st == ST_OK)
		st = runfile_writer_open(&w, path, cctx);
	for (size_t i = 0; st == ST_OK && i < b->n; i++) {
		const uint8_t *rec = b->idx[i].rec;
		const uint32_t kl = rd32(rec), pl = rd32(rec + 4);
		st = runfile_put(w, rec + 8, kl, rec + 8 + kl, pl);
	}
	const status c = runfile_writer_close(w);
	if (st == ST_OK)
		st = c;
	if (st == ST_OK) {
		pthread_mutex_lock(&s->mu);
		st = push_run(s, path, 0);
		if (st == ST_OK)
			s->stats.n_runs++;
		pthread_mutex_unlock(&s->mu);
		if (st == ST_OK)
			return ST_OK;
	}
	if (path)
		drop_run(path);
	return st;
}

/* May a run of `bytes` stay in memory beside everything else held: the
 * caller's reserve, the runs kept so far, the lanes' buffers
 * (lanes_bytes) and, when a run may go to disk, the final merge's
 * reserve?  Under s->mu. */
static int keep_in_memory(const sorter *s, size_t bytes, size_t lanes_bytes, int reserve_merge)
{
	/* the caller's reserve counts twice: the duplicate set it holds goes
	 * on growing, and a run kept in memory cannot give its memory back */
	const size_t held = 2 * s->reserved + s->mrun_bytes + lanes_bytes +
			    (reserve_merge ? merge_reserve(s) : 0);
	return held <= s->opts.memory_bytes && bytes <= s->opts.memory_bytes - held;
}

/* Ask for transparent huge pages for the whole 2 MiB pages inside
 * [p, p + n): a run is written once straight through, and 4 KiB pages
 * would cost a page fault each (a third of the sort's time when 650 MB of
 * runs stay in memory).  Only advice: failure changes nothing. */
static void huge_pages(void *p, size_t n)
{
	const uintptr_t huge = (uintptr_t)2 << 20;
	const uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
	const uintptr_t e = ((uintptr_t)p + n) & ~(huge - 1);
	if (e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
}

/* Add a run in memory (its bytes already counted).  Under s->mu. */
static status push_memrun(sorter *s, uint8_t *data, size_t len, size_t n)
{
	if (s->n_mruns == s->cap_mruns) {
		const size_t cap = s->cap_mruns ? 2 * s->cap_mruns : 16;
		memrun *m = mem_realloc(s->mruns, cap * sizeof *m);
		if (!m)
			return status_fail(ST_NOMEM, "out of memory");
		s->mruns = m;
		s->cap_mruns = cap;
	}
	s->mruns[s->n_mruns++] = (memrun){ data, len, n };
	return ST_OK;
}

/* Sort a lane's buffer into a run, in memory if it fits, else on disk;
 * the lane keeps its blocks either way. */
static status lane_flush(sorter_lane *l, int finishing)
{
	sorter *s = l->s;
	buffer *b = &l->b;
	status st = buffer_sort(b, atomic_exchange_explicit(&l->drops, 0, memory_order_relaxed) > 0);
	if (st != ST_OK || b->n == 0)
		goto reset;
	const size_t run_bytes = b->rec_bytes;   /* dropped records' too: a little more */
	const size_t run_alloc = mem_good_size(run_bytes);
	pthread_mutex_lock(&s->mu);
	s->stats.n_records += b->n;
	/* while adding, every lane (this one too: it fills again) counts at
	 * its limit; when finishing, at what it holds (this one's buffer is
	 * held while the run is copied out of it) */
	size_t lanes_bytes = 0;
	for (size_t i = 0; i < s->n_lanes; i++)
		lanes_bytes += finishing ? buffer_bytes(&s->lanes[i]->b)
					 : atomic_load_explicit(&s->lane_limit, memory_order_relaxed);
	const int keep = keep_in_memory(s, run_alloc, lanes_bytes, !finishing || s->n_runs > 0);
	if (keep) {   /* counted now: other lanes decide meanwhile */
		s->mrun_bytes += run_alloc;
		s->stats.n_mem_runs++;
	}
	pthread_mutex_unlock(&s->mu);
	if (keep) {
		uint8_t *data = mem_alloc(run_bytes);
		if (!data) {
			st = status_fail(ST_NOMEM, "out of memory holding sorted runs");
			goto reset;
		}
		huge_pages(data, run_bytes);
		size_t at = 0;
		for (size_t i = 0; i < b->n; i++) {
			const uint8_t *rec = b->idx[i].rec;
			const size_t n = RUNFILE_RECORD_BYTES(rd32(rec), rd32(rec + 4));
			memcpy(data + at, rec, n);
			at += n;
		}
		pthread_mutex_lock(&s->mu);
		st = push_memrun(s, data, at, b->n);
		pthread_mutex_unlock(&s->mu);
		if (st != ST_OK)
			mem_free(data);
		goto reset;
	}
	if (!l->cctx && !(l->cctx = ZSTD_createCCtx()))
		st = status_fail(ST_NOMEM, "out of memory for zstd");
	if (st == ST_OK)
		st = write_run(s, b, l->cctx);
reset:
	buffer_reset(b, atomic_load_explicit(&s->lane_limit, memory_order_relaxed));
	return st;
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
	if (s->opts.threads < 1)
		s->opts.threads = 1;
	pthread_mutex_init(&s->mu, NULL);
	set_lane_limit(s);
	s->pending = -1;
	*out = s;
	return ST_OK;
}

status sorter_lane_new(sorter *s, sorter_lane **out)
{
	*out = NULL;
	if (s->mode != ADDING)
		return status_fail(ST_INTERNAL, "sorter_lane_new after sorter_finish");
	sorter_lane *l = mem_calloc(1, sizeof *l);
	if (!l)
		return status_fail(ST_NOMEM, "out of memory creating the sorter");
	l->s = s;
	pthread_mutex_lock(&s->mu);
	status st = ST_OK;
	if (s->n_lanes == s->cap_lanes) {
		const size_t cap = s->cap_lanes ? 2 * s->cap_lanes : 8;
		sorter_lane **v = mem_realloc(s->lanes, cap * sizeof *v);
		if (!v)
			st = status_fail(ST_NOMEM, "out of memory creating the sorter");
		else {
			s->lanes = v;
			s->cap_lanes = cap;
		}
	}
	if (st == ST_OK) {
		s->lanes[s->n_lanes++] = l;
		set_lane_limit(s);
	}
	pthread_mutex_unlock(&s->mu);
	if (st != ST_OK) {
		mem_free(l);
		return st;
	}
	*out = l;
	return ST_OK;
}

int sorter_lane_full(const sorter_lane *l, size_t bytes, size_t records)
{
	return l->b.n > 0 && buffer_bytes(&l->b) + growth(l->s, &l->b, bytes, records ? records : 1) >
				     atomic_load_explicit(&l->s->lane_limit, memory_order_relaxed);
}

status sorter_lane_add(sorter_lane *l, const void *key, size_t key_len,
		       const void *payload, size_t payload_len, void **mark)
{
	return buffer_add(l->s, &l->b, key, key_len, payload, payload_len, mark);
}

status sorter_lane_flush(sorter_lane *l)
{
	return lane_flush(l, 0);
}

void sorter_drop(sorter_lane *l, void *mark)
{
	atomic_fetch_add_explicit(&l->drops, 1, memory_order_relaxed);
	uint8_t *rec = mark;
	const uint32_t kl = rd32(rec) | DROPPED;
	memcpy(rec, &kl, 4);
}

status sorter_add(sorter *s, const void *key, size_t key_len,
		  const void *payload, size_t payload_len)
{
	if (s->mode != ADDING)
		return status_fail(ST_INTERNAL, "sorter_add after sorter_finish");
	status st;
	if (!s->own && (st = sorter_lane_new(s, &s->own)) != ST_OK)
		return st;
	/* would this record take the buffer over its share? */
	const size_t need = RUNFILE_RECORD_BYTES(key_len, payload_len);
	const buffer *b = &s->own->b;
	if (b->n > 0 && buffer_bytes(b) + growth(s, b, need, 1) > atomic_load_explicit(&s->lane_limit, memory_order_relaxed) &&
	    (st = lane_flush(s->own, 0)) != ST_OK)
		return st;
	return buffer_add(s, &s->own->b, key, key_len, payload, payload_len, NULL);
}

/* ---- merging ---------------------------------------------------------------- */

static status source_advance(source *x)
{
	if (x->done)
		return ST_OK;
	if (!x->rd) {
		if (x->pos == x->m->len) {
			x->done = 1;
			return ST_OK;
		}
		const uint8_t *rec = x->m->data + x->pos;
		x->cur.key_len = rd32(rec);
		x->cur.payload_len = rd32(rec + 4);
		x->cur.key = rec + 8;
		x->cur.payload = rec + 8 + x->cur.key_len;
		x->pos += RUNFILE_RECORD_BYTES(x->cur.key_len, x->cur.payload_len);
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

/* Open a merge of the disk runs [0, n_files) and the first n_mem runs in
 * memory. */
static status merge_open(sorter *s, size_t n_files, size_t n_mem)
{
	const size_t k = n_files + n_mem;
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
	if (n_files && !s->dctx && !(s->dctx = ZSTD_createDCtx()))
		return status_fail(ST_NOMEM, "out of memory for zstd");
	status st = ST_OK;
	for (size_t i = 0; i < n_files && st == ST_OK; i++)
		st = runfile_reader_open(&s->src[i].rd, s->runs[i], s->dctx);
	for (size_t i = 0; i < n_mem; i++)
		s->src[n_files + i].m = &s->mruns[i];
	for (size_t i = 0; i < s->k && st == ST_OK; i++)
		st = source_advance(&s->src[i]);
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
		const status st = source_advance(&s->src[s->pending]);
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

static size_t fan_in(const sorter *s)
{
	/* a merge pass writes a run as it reads its inputs */
	const size_t held = s->reserved + s->mrun_bytes + runfile_writer_bytes();
	const size_t avail = s->opts.memory_bytes > held ? s->opts.memory_bytes - held : 0;
	size_t f = avail / runfile_reader_bytes();
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

/* Merge the oldest `n` disk runs into one new disk run at the end of the
 * list. */
static status merge_pass(sorter *s, size_t n)
{
	char *path;
	status st = new_run_path(s, &path);
	if (st != ST_OK)
		return st;
	uint8_t level = 0;
	for (size_t i = 0; i < n; i++)
		if (s->run_level[i] > level)
			level = s->run_level[i];
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
	memmove(s->run_level, s->run_level + n, s->n_runs - n);
	s->n_runs -= n;
	return push_run(s, path, (uint8_t)(level + 1));
}

status sorter_finish(sorter *s)
{
	if (s->mode != ADDING)
		return status_fail(ST_INTERNAL, "sorter_finish called twice");
	/* every lane's last buffer becomes a run; each lane lets go of its
	 * blocks before the next lane decides.  Its pages are handed back
	 * too: they were allocated on its worker's thread, in an arena of
	 * its own, where this thread's next allocation (a run copied into
	 * memory, the merge's buffers) would not find them, and resident
	 * memory would count them twice. */
	status st = ST_OK;
	for (size_t i = 0; i < s->n_lanes && st == ST_OK; i++) {
		st = lane_flush(s->lanes[i], 1);
		buffer_release(&s->lanes[i]->b);
		ZSTD_freeCCtx(s->lanes[i]->cctx);   /* about 0.5 MB a lane */
		s->lanes[i]->cctx = NULL;
		mem_release_free_pages();
	}
	if (st != ST_OK)
		return st;
	s->mode = MERGING;
	if (s->n_runs == 0 && s->n_mruns <= 1) {
		s->mode = MEMORY;
		s->single = s->n_mruns ? &s->mruns[0] : NULL;
		s->single_pos = 0;
		return ST_OK;
	}
	if (s->n_runs && !s->cctx && !(s->cctx = ZSTD_createCCtx()))
		return status_fail(ST_NOMEM, "out of memory for zstd");
	/* The first pass merges only as many disk runs as it takes to bring
	 * the count down to a multiple the fan-in can finish, so no more
	 * data than needed is read and written twice. */
	const size_t f = fan_in(s);
	while (s->n_runs > f) {
		size_t n = (s->n_runs - f) % (f - 1) + 1;
		if (n < 2)
			n = f;
		if ((st = merge_pass(s, n)) != ST_OK)
			return st;
	}
	uint8_t level = 0;
	for (size_t i = 0; i < s->n_runs; i++)
		if (s->run_level[i] > level)
			level = s->run_level[i];
	s->stats.n_merge_passes = (uint64_t)level + 1;
	return merge_open(s, s->n_runs, s->n_mruns);
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
		if (!s->single || s->single_pos == s->single->len) {
			s->mode = FINISHED;
			return ST_EOF;
		}
		const uint8_t *rec = s->single->data + s->single_pos;
		item->key_len = rd32(rec);
		item->payload_len = rd32(rec + 4);
		item->key = rec + 8;
		item->payload = rec + 8 + item->key_len;
		s->single_pos += RUNFILE_RECORD_BYTES(item->key_len, item->payload_len);
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

void sorter_reserve(sorter *s, size_t bytes)
{
	pthread_mutex_lock(&s->mu);
	s->reserved = bytes;
	set_lane_limit(s);
	pthread_mutex_unlock(&s->mu);
}

void sorter_stats_get(sorter *s, sorter_stats *st)
{
	pthread_mutex_lock(&s->mu);
	*st = s->stats;
	pthread_mutex_unlock(&s->mu);
}

void sorter_free(sorter *s)
{
	if (!s)
		return;
	merge_close(s);
	drop_all_runs(s);
	mem_free(s->runs);
	mem_free(s->run_level);
	for (size_t i = 0; i < s->n_lanes; i++) {
		buffer_release(&s->lanes[i]->b);
		ZSTD_freeCCtx(s->lanes[i]->cctx);
		mem_free(s->lanes[i]);
	}
	mem_free(s->lanes);
	for (size_t i = 0; i < s->n_mruns; i++)
		mem_free(s->mruns[i].data);
	mem_free(s->mruns);
	ZSTD_freeCCtx(s->cctx);
	ZSTD_freeDCtx(s->dctx);
	pthread_mutex_destroy(&s->mu);
	mem_free(s);
}
