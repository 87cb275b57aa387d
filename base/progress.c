/*
 * progress.c: the counters behind the progress line (see progress.h).
 *
 * One phase at a time: its name, when it began, the totals it expects and
 * the bytes and rows done so far.  Adds are relaxed atomic adds: the
 * counters order nothing, they are only read for display.  A phase change
 * is a seqlock write (one writer, the job's own thread): the sequence
 * number is odd while the phase's fields change, and a snapshot taken
 * across a change is taken again, so the drawer never pairs one phase's
 * name with another's totals.
 *
 * Rows come in thread-local batches (progress_add_rows, inline in the
 * header): a batch notes the phase it began in and reaches the shared
 * counter only if that phase is still the current one.
 */
#include "progress.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"

static _Atomic(const char *) cur_phase;
static atomic_uint_fast64_t cur_seq;
static _Atomic double cur_started;
static atomic_uint_fast64_t cur_bytes, cur_total_bytes, cur_rows, cur_total_rows;

_Thread_local uint32_t progress_rows_pending_;
_Thread_local uint64_t progress_rows_seq_;

void progress_rows_begin_(void)
{
	progress_rows_seq_ = atomic_load_explicit(&cur_seq, memory_order_relaxed);
}

void progress_rows_flush_(void)
{
	if (atomic_load_explicit(&cur_seq, memory_order_relaxed) == progress_rows_seq_)
		atomic_fetch_add_explicit(&cur_rows, progress_rows_pending_, memory_order_relaxed);
	progress_rows_pending_ = 0;
}

void progress_add_bytes(uint64_t n)
{
	atomic_fetch_add_explicit(&cur_bytes, n, memory_order_relaxed);
}

static void set_phase(const char *name, uint64_t total_bytes, uint64_t total_rows)
{
	const uint64_t seq = atomic_load_explicit(&cur_seq, memory_order_relaxed);
	atomic_store_explicit(&cur_seq, seq + 1, memory_order_relaxed);   /* odd: changing */
	atomic_thread_fence(memory_order_release);
	atomic_store_explicit(&cur_phase, name, memory_order_relaxed);
	atomic_store_explicit(&cur_started, clock_now(), memory_order_relaxed);
	atomic_store_explicit(&cur_bytes, 0, memory_order_relaxed);
	atomic_store_explicit(&cur_rows, 0, memory_order_relaxed);
	atomic_store_explicit(&cur_total_bytes, total_bytes, memory_order_relaxed);
	atomic_store_explicit(&cur_total_rows, total_rows, memory_order_relaxed);
	atomic_store_explicit(&cur_seq, seq + 2, memory_order_release);
	/* this thread's unfinished batch belongs to the phase that ended */
	progress_rows_pending_ = 0;
}

void progress_phase(const char *name) { set_phase(name, 0, 0); }
void progress_phase_rows(const char *name, uint64_t total_rows) { set_phase(name, 0, total_rows); }
void progress_done(void) { set_phase(NULL, 0, 0); }

void progress_phase_file(const char *name, const char *path)
{
	struct stat sb;
	const int known = path && strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
	set_phase(name, known ? (uint64_t)sb.st_size : 0, 0);
}

/* 0 nothing on the terminal, 1 a line, 2 a termination signal came */
static atomic_int drawn;

int progress_note_drawn(int shown)
{
	int was = atomic_load(&drawn);
	while (was != 2)
		if (atomic_compare_exchange_weak(&drawn, &was, shown))
			return 1;
	return 0;
}

void progress_erase_for_signal(void)
{
	if (atomic_exchange(&drawn, 2) == 1) {
		static const char erase[] = "\r\033[K";
		ssize_t w = write(STDERR_FILENO, erase, sizeof erase - 1);
		(void)w;   /* dying anyway */
	}
}

void progress_snapshot(progress_snap *s)
{
	for (int tries = 0;; tries++) {
		const uint64_t seq = atomic_load_explicit(&cur_seq, memory_order_acquire);
		s->phase = atomic_load_explicit(&cur_phase, memory_order_relaxed);
		s->started = atomic_load_explicit(&cur_started, memory_order_relaxed);
		s->bytes = atomic_load_explicit(&cur_bytes, memory_order_relaxed);
		s->rows = atomic_load_explicit(&cur_rows, memory_order_relaxed);
		s->total_bytes = atomic_load_explicit(&cur_total_bytes, memory_order_relaxed);
		s->total_rows = atomic_load_explicit(&cur_total_rows, memory_order_relaxed);
		atomic_thread_fence(memory_order_acquire);
		s->seq = seq;
		if ((!(seq & 1) && atomic_load_explicit(&cur_seq, memory_order_relaxed) == seq) || tries == 100)
			return;
	}
}
