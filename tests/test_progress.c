/*
 * test_progress.c: the counters behind the progress line (base/progress.c):
 * a phase's totals (a file's size on disk, nothing for standard input),
 * counts that start afresh with each phase, rows counted in batches that
 * never carry one phase's rows into the next, and adds from many threads
 * that lose nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <cmocka.h>

#include "../base/clock.h"
#include "../base/progress.h"

static progress_snap snap(void)
{
	progress_snap s;
	progress_snapshot(&s);
	return s;
}

static void totals_of_a_phase(void **state)
{
	(void)state;
	char path[] = "/tmp/ssrfill-test-progress.XXXXXX";
	const int fd = mkstemp(path);
	assert_true(fd >= 0);
	char block[12345];
	memset(block, 'x', sizeof block);
	assert_int_equal(write(fd, block, sizeof block), (ssize_t)sizeof block);
	close(fd);

	const double before = clock_now();
	progress_phase_file("reading", path);
	progress_snap s = snap();
	assert_string_equal(s.phase, "reading");
	assert_int_equal(s.total_bytes, 12345);
	assert_int_equal(s.total_rows, 0);
	assert_true(s.started >= before && s.started <= clock_now());
	const uint64_t seq = s.seq;
	assert_int_equal(seq % 2, 0);
	unlink(path);

	progress_phase_file("reading", "-");                 /* standard input */
	assert_int_equal(snap().total_bytes, 0);
	progress_phase_file("reading", path);                /* gone */
	assert_int_equal(snap().total_bytes, 0);
	progress_phase_file("reading", "/tmp");              /* not a file */
	assert_int_equal(snap().total_bytes, 0);
	progress_phase_file("reading", NULL);
	assert_int_equal(snap().total_bytes, 0);
	progress_phase_rows("writing", 777);
	s = snap();
	assert_string_equal(s.phase, "writing");
	assert_int_equal(s.total_rows, 777);
	assert_int_equal(s.total_bytes, 0);
	assert_true(s.seq > seq);
	progress_done();
	assert_null(snap().phase);
}

static void counts_start_afresh(void **state)
{
	(void)state;
	progress_phase("reading");
	progress_add_bytes(1000);
	progress_add_bytes(24);
	for (unsigned i = 0; i < PROGRESS_ROW_BATCH - 1; i++)
		progress_add_rows(1);
	progress_snap s = snap();
	assert_int_equal(s.bytes, 1024);
	assert_int_equal(s.rows, 0);                         /* a batch not yet full */
	progress_add_rows(1);
	assert_int_equal(snap().rows, PROGRESS_ROW_BATCH);
	progress_add_rows(500);                              /* half a batch, then a new phase */
	progress_phase("writing");
	s = snap();
	assert_int_equal(s.bytes, 0);
	assert_int_equal(s.rows, 0);
	progress_add_rows(PROGRESS_ROW_BATCH);
	assert_int_equal(snap().rows, PROGRESS_ROW_BATCH);   /* none of the 500 of reading */
	progress_done();
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int step;

static void wait_step(int n)
{
	pthread_mutex_lock(&mu);
	while (step < n)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
}

static void set_step(int n)
{
	pthread_mutex_lock(&mu);
	step = n;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}

static void *straddler(void *arg)
{
	(void)arg;
	progress_add_rows(600);              /* begun in "reading" */
	set_step(1);
	wait_step(2);
	progress_add_rows(PROGRESS_ROW_BATCH - 600);   /* full in "sorting": dropped */
	progress_add_rows(PROGRESS_ROW_BATCH);         /* a batch of "sorting" */
	return NULL;
}

/* Another thread's batch begun before a phase change does not count in
 * the new phase. */
static void batch_of_another_thread(void **state)
{
	(void)state;
	progress_phase("reading");
	step = 0;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, straddler, NULL), 0);
	wait_step(1);
	progress_phase("sorting");
	set_step(2);
	pthread_join(t, NULL);
	assert_int_equal(snap().rows, PROGRESS_ROW_BATCH);
	progress_done();
}

enum { THREADS = 4, BATCHES = 2000 };

static void *adder(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < BATCHES * PROGRESS_ROW_BATCH; i++)
		progress_add_rows(1);
	for (int i = 0; i < BATCHES; i++)
		progress_add_bytes(65536);
	return NULL;
}

static void many_threads_lose_nothing(void **state)
{
	(void)state;
	progress_phase("reading");
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, adder, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	const progress_snap s = snap();
	assert_int_equal(s.rows, (uint64_t)THREADS * BATCHES * PROGRESS_ROW_BATCH);
	assert_int_equal(s.bytes, (uint64_t)THREADS * BATCHES * 65536);
	progress_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(totals_of_a_phase),
		cmocka_unit_test(counts_start_afresh),
		cmocka_unit_test(batch_of_another_thread),
		cmocka_unit_test(many_threads_lose_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
