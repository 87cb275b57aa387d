/*
 * test_sorter.c: the sorter gives every record back, payload intact, in
 * memcmp order of the keys — for random keys, keys sharing long prefixes
 * (the 8-byte radix prefix cannot tell them apart), keys that are prefixes
 * of each other, and the empty and one-record cases.  Also the duplicate
 * set of docs/rules.md §3.4.
 */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../base/dupset.h"
#include "../base/fault.h"
#include "../base/mem.h"
#include "../sorter/runfile.h"
#include "../sorter/sorter.h"

typedef struct ref {
	uint8_t key[40];
	size_t len;
	uint32_t id;
} ref;

static int ref_cmp(const void *a, const void *b)
{
	const ref *x = a, *y = b;
	const size_t n = x->len < y->len ? x->len : y->len;
	const int c = memcmp(x->key, y->key, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* n keys of min_len to min_len + spread - 1 random bytes (the first
 * shared_prefix of them 7, the others below alphabet), each with a
 * unique tail, as ssrfill keys end in ssid and report; id = index. */
static ref *make_refs(size_t n, size_t min_len, size_t spread, int shared_prefix, int alphabet)
{
	ref *refs = calloc(n ? n : 1, sizeof *refs);
	assert_non_null(refs);
	for (size_t i = 0; i < n; i++) {
		refs[i].len = min_len + next_rand() % spread;
		for (size_t k = 0; k < refs[i].len; k++)
			refs[i].key[k] = k < (size_t)shared_prefix ? 7
				: (uint8_t)(next_rand() % (uint64_t)alphabet);
		refs[i].key[refs[i].len++] = (uint8_t)(i >> 16);
		refs[i].key[refs[i].len++] = (uint8_t)(i >> 8);
		refs[i].key[refs[i].len++] = (uint8_t)i;
		refs[i].id = (uint32_t)i;
	}
	return refs;
}

/* Sort n generated keys through a sorter with the given budget and
 * threads, and compare with qsort.  With reserve_per_record, the caller
 * claims that many bytes of the budget per record added, as cmd_run does
 * for the duplicate set, so the buffers shrink while records come in. */
static void check_sort_reserving(size_t n, int shared_prefix, int alphabet, size_t memory, int threads,
				 size_t reserve_per_record)
{
	ref *refs = make_refs(n, 1, 30, shared_prefix, alphabet);
	sorter *s;
	const sorter_opts o = { memory, threads, "/tmp" };
	assert_int_equal(sorter_new(&s, &o), ST_OK);
	for (size_t i = 0; i < n; i++) {
		if (reserve_per_record && i % 1024 == 0)
			sorter_reserve(s, i * reserve_per_record);
		assert_int_equal(sorter_add(s, refs[i].key, refs[i].len, &refs[i].id, 4), ST_OK);
	}
	assert_int_equal(sorter_finish(s), ST_OK);
	qsort(refs, n, sizeof *refs, ref_cmp);
	sorter_item it;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(sorter_next(s, &it), ST_OK);
		assert_int_equal(it.key_len, refs[i].len);
		assert_memory_equal(it.key, refs[i].key, it.key_len);
		assert_int_equal(it.payload_len, 4);
		uint32_t id;
		memcpy(&id, it.payload, 4);
		assert_int_equal(id, refs[i].id);
	}
	assert_int_equal(sorter_next(s, &it), ST_EOF);
	sorter_stats st;
	sorter_stats_get(s, &st);
	assert_int_equal(st.n_records, n);
	if (memory < (4u << 20) && n > 100000)
		assert_true(st.n_runs > 2);   /* the budget really forced spills */
	sorter_free(s);
	free(refs);
}

static void check_sort_with(size_t n, int shared_prefix, int alphabet, size_t memory, int threads)
{
	check_sort_reserving(n, shared_prefix, alphabet, memory, threads, 0);
}

static void check_sort(size_t n, int shared_prefix, int alphabet)
{
	check_sort_with(n, shared_prefix, alphabet, 64u << 20, 1);
}

/* A 1 MiB budget: many runs on disk. */
static void spilled_runs(void **state)
{
	(void)state;
	check_sort_with(300000, 0, 256, 1u << 20, 1);
}

/* Lanes on threads of their own, as readers/student_ingest.c adds: each
 * thread adds every threads-th record, flushing its lane when it is full,
 * and drops every seventh record it added (a duplicate found later).  The
 * records come back in key order, the dropped ones not, whatever the
 * budget: runs on disk, or runs kept in memory and merged there.  The
 * tests named *thread* are the ones `make tsan` runs under
 * ThreadSanitizer. */
typedef struct lane_job {
	sorter *s;
	sorter_lane *lane;
	ref *refs;
	size_t n, first, step;
	size_t reserve_per_record;
	size_t batch;         /* records added between two checks, as ingest adds a batch */
	status st;
} lane_job;

static void *lane_thread(void *arg)
{
	lane_job *j = arg;
	size_t added = 0;
	for (size_t i = j->first; i < j->n && j->st == ST_OK; i += j->step) {
		if (j->batch <= 1 && sorter_lane_full(j->lane, RUNFILE_RECORD_BYTES(j->refs[i].len, 4), 1))
			j->st = sorter_lane_flush(j->lane);
		/* keys are at most 30 bytes: a batch's records at most 42 each */
		if (j->batch > 1 && added++ % j->batch == 0 &&
		    sorter_lane_full(j->lane, j->batch * RUNFILE_RECORD_BYTES(30, 4), j->batch))
			j->st = sorter_lane_flush(j->lane);
		void *mark;
		if (j->st == ST_OK)
			j->st = sorter_lane_add(j->lane, j->refs[i].key, j->refs[i].len, &j->refs[i].id, 4, &mark);
		if (j->st == ST_OK && j->refs[i].id % 7 == 3)
			sorter_drop(j->lane, mark);
		/* the caller's reserve moves while other lanes flush */
		if (j->reserve_per_record && j->first == 0 && i % 4096 == 0)
			sorter_reserve(j->s, i * j->reserve_per_record);
	}
	return NULL;
}

/* What the last check_lanes's sorter allocated at most (mem.h counts
 * every allocation at the size the allocator gives), adding and merging. */
static size_t lanes_peak;

static void check_lanes_batched(size_t n, size_t memory, int threads, size_t reserve_per_record, size_t batch,
				sorter_stats *out)
{
	ref *refs = make_refs(n, 4, 24, 0, 64);
	const size_t base = mem_in_use();
	mem_reset_peak();
	sorter *s;
	const sorter_opts o = { memory, threads, "/tmp" };
	assert_int_equal(sorter_new(&s, &o), ST_OK);
	lane_job jobs[8];
	pthread_t th[8];
	assert_true(threads <= 8);
	for (int t = 0; t < threads; t++) {
		jobs[t] = (lane_job){ s, NULL, refs, n, (size_t)t, (size_t)threads, reserve_per_record, batch, ST_OK };
		assert_int_equal(sorter_lane_new(s, &jobs[t].lane), ST_OK);
	}
	for (int t = 0; t < threads; t++)
		assert_int_equal(pthread_create(&th[t], NULL, lane_thread, &jobs[t]), 0);
	for (int t = 0; t < threads; t++) {
		pthread_join(th[t], NULL);
		assert_int_equal(jobs[t].st, ST_OK);
	}
	sorter_reserve(s, 0);
	assert_int_equal(sorter_finish(s), ST_OK);
	qsort(refs, n, sizeof *refs, ref_cmp);
	sorter_item it;
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		if (refs[i].id % 7 == 3)
			continue;
		kept++;
		assert_int_equal(sorter_next(s, &it), ST_OK);
		assert_int_equal(it.key_len, refs[i].len);
		assert_memory_equal(it.key, refs[i].key, it.key_len);
		uint32_t id;
		memcpy(&id, it.payload, 4);
		assert_int_equal(id, refs[i].id);
	}
	assert_int_equal(sorter_next(s, &it), ST_EOF);
	lanes_peak = mem_peak() - base;
	sorter_stats_get(s, out);
	assert_int_equal(out->n_records, kept);
	sorter_free(s);
	free(refs);
}

static void check_lanes(size_t n, size_t memory, int threads, size_t reserve_per_record, sorter_stats *out)
{
	check_lanes_batched(n, memory, threads, reserve_per_record, 1, out);
}

/* A 2 MiB budget: every lane spills runs to disk. */
static void lanes_spill_threads(void **state)
{
	(void)state;
	sorter_stats st;
	check_lanes(300000, 2u << 20, 3, 0, &st);
	assert_true(st.n_runs > 6);
	assert_true(st.n_merge_passes >= 1 && st.n_merge_passes <= 2);
}

/* The budget is what the sorter allocates, counted as the allocator
 * gives it (a block's header once took each 1 MiB block to 1.25 MiB),
 * with two lanes filling at once and then merging: 8 MiB of a 40 MiB
 * input, and 24 MiB, where some runs stay in memory. */
static void lanes_keep_to_budget_threads(void **state)
{
	(void)state;
	sorter_stats st;
	check_lanes(600000, 8u << 20, 2, 0, &st);
	assert_true(st.n_runs > 2);
	assert_in_range(lanes_peak, 4u << 20, 8u << 20);
	check_lanes(600000, 24u << 20, 2, 0, &st);
	assert_true(st.n_mem_runs > 0);
	assert_in_range(lanes_peak, 12u << 20, 24u << 20);
	/* a lane asked once a batch of 2,000 records, as ingest asks, while
	 * the caller's reserve grows: asked for one record, it took a block
	 * and a larger index more than its share (8.5 MiB in all) */
	check_lanes_batched(600000, 8u << 20, 1, 4, 2000, &st);
	assert_true(st.n_runs > 2);
	assert_in_range(lanes_peak, 4u << 20, 8u << 20);
}

/* A share pushed down to its 1 MiB floor by the caller's reserve still
 * holds many records: blocks are cut from the share now, not from the
 * budget the sorter began with (1 MiB blocks once made such a lane full
 * after every record: 20,000 records, 20,000 runs). */
static void floor_lane_holds_many_records(void **state)
{
	(void)state;
	ref *refs = make_refs(20000, 4, 24, 0, 64);
	sorter *s;
	const sorter_opts o = { 32u << 20, 1, "/tmp" };
	assert_int_equal(sorter_new(&s, &o), ST_OK);
	sorter_reserve(s, 32u << 20);
	for (size_t i = 0; i < 20000; i++)
		assert_int_equal(sorter_add(s, refs[i].key, refs[i].len, &refs[i].id, 4), ST_OK);
	assert_int_equal(sorter_finish(s), ST_OK);
	sorter_item it;
	size_t n = 0;
	while (sorter_next(s, &it) == ST_OK)
		n++;
	assert_int_equal(n, 20000);
	sorter_stats st;
	sorter_stats_get(s, &st);
	assert_in_range(st.n_runs + st.n_mem_runs, 1, 10);
	sorter_free(s);
	free(refs);
}

/* The budget the caller holds grows while lanes fill (the duplicate set):
 * sorter_reserve moves the lanes' share while others flush. */
static void reserve_while_lanes_threads(void **state)
{
	(void)state;
	sorter_stats st;
	check_lanes(300000, 6u << 20, 2, 12, &st);
	assert_true(st.n_runs > 2);
}

/* A budget the input fits: cache-sized runs, kept in memory, merged in
 * memory; nothing on disk. */
static void lanes_in_memory_threads(void **state)
{
	(void)state;
	sorter_stats st;
	check_lanes(1500000, 1u << 30, 2, 0, &st);
	assert_int_equal(st.n_runs, 0);
	assert_true(st.n_mem_runs >= 3);
	assert_int_equal(st.n_merge_passes, 1);
}

/* A budget between: some runs stay in memory, the rest go to disk, and
 * one merge takes both. */
static void lanes_memory_and_disk_threads(void **state)
{
	(void)state;
	sorter_stats st;
	check_lanes(1500000, 48u << 20, 2, 0, &st);
	assert_true(st.n_runs > 0);
	assert_true(st.n_mem_runs > 0);
}

static void random_keys(void **state)
{
	(void)state;
	check_sort(50000, 0, 256);
}

static void long_shared_prefix(void **state)
{
	(void)state;
	check_sort(20000, 12, 3);   /* all entries share the radix prefix */
}

static void small_alphabet(void **state)
{
	(void)state;
	check_sort(20000, 0, 2);    /* many keys are prefixes of others */
}

static void empty_and_one(void **state)
{
	(void)state;
	check_sort(0, 0, 256);
	check_sort(1, 0, 256);
}

static void big_payload(void **state)
{
	(void)state;
	sorter *s;
	const sorter_opts o = { 64u << 20, 1, "/tmp" };
	assert_int_equal(sorter_new(&s, &o), ST_OK);
	const size_t n = 6u << 20;   /* larger than one arena block */
	char *p = malloc(n);
	assert_non_null(p);
	memset(p, 'x', n);
	assert_int_equal(sorter_add(s, "b", 1, "small", 5), ST_OK);
	assert_int_equal(sorter_add(s, "a", 1, p, n), ST_OK);
	assert_int_equal(sorter_finish(s), ST_OK);
	sorter_item it;
	assert_int_equal(sorter_next(s, &it), ST_OK);
	assert_int_equal(it.payload_len, n);
	assert_memory_equal(it.payload, p, n);
	assert_int_equal(sorter_next(s, &it), ST_OK);
	assert_memory_equal(it.payload, "small", 5);
	sorter_free(s);
	sorter_free(NULL);
	free(p);
}

static void duplicates(void **state)
{
	(void)state;
	dupset *d;
	assert_int_equal(dupset_new(&d), ST_OK);
	for (uint64_t i = 0; i < 300000; i++)
		assert_int_equal(dupset_insert(d, i * 6 + 0), 1);   /* grows many times */
	for (uint64_t i = 0; i < 300000; i += 997)
		assert_int_equal(dupset_insert(d, i * 6), 0);
	assert_int_equal(dupset_insert(d, 0 * 6 + 1), 1);  /* same ssid, other report */
	assert_int_equal(dupset_insert(d, 1), 0);
	dupset_free(d);
	dupset_free(NULL);
}

/* The compact set keeps only 16 bits of each identity per bucket: check it
 * is exact against a plain hash table, on random identities and on their
 * neighbours (same ssid, other reports). */
static void duplicates_exact(void **state)
{
	(void)state;
	const size_t n = 1500000, slots = 1u << 23;
	uint64_t *table = calloc(slots, sizeof *table);   /* id + 1, 0 = empty */
	dupset *d;
	assert_non_null(table);
	assert_int_equal(dupset_new(&d), ST_OK);
	size_t n_new = 0;
	for (size_t i = 0; i < 2 * n; i++) {
		uint64_t id = next_rand() % (9999999999ull * 6 + 6);
		if (i % 2)
			id = (id / 6) * 6 + (id + 1) % 6;
		if (i % 7 == 0)
			id = i / 7 * 6;   /* dense, repeated ids */
		size_t h = (size_t)((id * 0x9E3779B97F4A7C15ull) >> 41) & (slots - 1);
		while (table[h] && table[h] != id + 1)
			h = (h + 1) & (slots - 1);
		const int was = table[h] != 0;
		table[h] = id + 1;
		const int got = dupset_insert(d, id);
		if (got != !was)
			fail_msg("id %llu: dupset says %d, reference says %s", (unsigned long long)id,
				 got, was ? "seen" : "new");
		n_new += !was;
	}
	/* about 2.3 bytes per identity, not the 16 of a hash table */
	assert_true(dupset_bytes(d) < n_new * 3 + (6u << 20));
	dupset_free(d);
	free(table);
}

static void allocation_failure(void **state)
{
	(void)state;
	sorter *s;
	const sorter_opts o = { 64u << 20, 1, "/tmp" };
	assert_int_equal(sorter_new(&s, &o), ST_OK);
	fault_set_op(FAULT_ALLOC, 1);
	assert_int_equal(sorter_add(s, "k", 1, "p", 1), ST_NOMEM);
	fault_set_op(FAULT_ALLOC, 0);
	assert_int_equal(sorter_add(s, "k", 1, "p", 1), ST_OK);
	sorter_free(s);
}

static size_t entries_in(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* Every fallible call of a multi-pass merge fails in turn (allocation,
 * open, read, write): sorter_finish reports it as a status, and freeing
 * the sorter afterwards neither crashes nor leaves a spill file behind.
 * A run that dies here must end with exit 3 and a message, not SIGSEGV. */
static void finish_fault_walk(void **state)
{
	(void)state;
	char tmp[] = "/tmp/ssrfill-test-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	const size_t n = 120000;
	unsigned long walked = 0;
	for (unsigned long k = 1;; k++) {
		rng = 88172645463325252ull;
		sorter *s;
		const sorter_opts o = { 1u << 20, 1, tmp };
		assert_int_equal(sorter_new(&s, &o), ST_OK);
		for (size_t i = 0; i < n; i++) {
			uint8_t key[16];
			for (size_t b = 0; b < 12; b++)
				key[b] = (uint8_t)next_rand();
			memcpy(key + 12, &i, 4);   /* unique */
			assert_int_equal(sorter_add(s, key, sizeof key, &i, sizeof i), ST_OK);
		}
		fault_set(k);
		const status st = sorter_finish(s);
		fault_set(0);
		if (st == ST_OK) {
			sorter_stats ss;
			sorter_stats_get(s, &ss);
			/* 1 MiB affords at most 7 run readers: this many runs
			 * took a merge pass before the final merge */
			assert_true(ss.n_runs >= 8);
			sorter_free(s);
			break;
		}
		if (st != ST_NOMEM && st != ST_IO)
			fail_msg("fault at call %lu of sorter_finish: status %d", k, (int)st);
		sorter_free(s);
		if (entries_in(tmp) != 0)
			fail_msg("fault at call %lu of sorter_finish left spill files in %s", k, tmp);
		walked++;
	}
	assert_true(walked > 10);
	assert_int_equal(entries_in(tmp), 0);
	assert_int_equal(rmdir(tmp), 0);
}

/* test_sorter [PATTERN]: only the tests whose names match (cmocka's * and ?). */
int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_keys),
		cmocka_unit_test(spilled_runs),
		cmocka_unit_test(lanes_spill_threads),
		cmocka_unit_test(lanes_keep_to_budget_threads),
		cmocka_unit_test(floor_lane_holds_many_records),
		cmocka_unit_test(reserve_while_lanes_threads),
		cmocka_unit_test(lanes_in_memory_threads),
		cmocka_unit_test(lanes_memory_and_disk_threads),
		cmocka_unit_test(long_shared_prefix),
		cmocka_unit_test(small_alphabet),
		cmocka_unit_test(empty_and_one),
		cmocka_unit_test(big_payload),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(duplicates_exact),
		cmocka_unit_test(allocation_failure),
		cmocka_unit_test(finish_fault_walk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
