/*
 * progress_line.c: the progress line on a terminal (see progress_line.h).
 *
 * A thread wakes every PROGRESS_TICK_MS, takes a snapshot of the counters
 * (base/progress.c), formats the line and, when its text changed, writes
 * "\r" + text + "\033[K" (erase to the end of the line) to standard error
 * in one write(2): the text overwrites the old one in place and the
 * erase removes what was longer, without a blank frame between.  The job
 * never waits for it: counting is relaxed atomic adds, and the thread
 * reads them.
 *
 * Whoever else writes to standard error while the line shows must not
 * have their line glued to it: progress_line_printf takes the same mutex
 * as the drawing, erases the line ("\r\033[K") and prints; the next tick
 * draws it again below.  progress_line_stop erases it for good before the
 * summary line.
 *
 * The text: "ssrfill sort: reading 37%, 1,234,567 rows, 45.2 MB/s, ETA
 * 0:12".  The percentage and the ETA come from bytes when the phase knows
 * its total bytes (the input file's size: for a zstd file the compressed
 * bytes read against its size on disk), else from rows when it knows its
 * total rows.  The rate is the change over the last samples (about three
 * seconds), MB as 10^6 bytes (as dd and pv).  Without a total the line
 * shows how long the phase has taken (from its first second) instead.
 */
#include "progress_line.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "../base/clock.h"

#define PROGRESS_TICK_MS 100   /* at most ten drawings a second (SPEC §4) */
#define ERASE "\033[K"

/* ---- the text ---------------------------------------------------------- */

void progress_meter_init(progress_meter *m)
{
	memset(m, 0, sizeof *m);
	m->seq = UINT64_MAX;
}

static void push(progress_meter *m, double t, uint64_t bytes, uint64_t rows)
{
	m->s[m->next].t = t;
	m->s[m->next].bytes = bytes;
	m->s[m->next].rows = rows;
	m->next = (m->next + 1) % PROGRESS_METER_SAMPLES;
	if (m->n < PROGRESS_METER_SAMPLES)
		m->n++;
}

void progress_line_thousands(uint64_t v, char *out, size_t cap)
{
	char digits[24];
	const int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
	size_t o = 0;
	for (int i = 0; i < n && o + 1 < cap; i++) {
		if (i && (n - i) % 3 == 0 && o + 2 < cap)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	if (cap)
		out[o] = '\0';
}

void progress_line_duration(double seconds, char *out, size_t cap)
{
	if (!(seconds >= 0))
		seconds = 0;
	if (seconds > 359999)   /* 99:59:59 */
		seconds = 359999;
	const unsigned long s = (unsigned long)seconds;
	if (s >= 3600)
		snprintf(out, cap, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(out, cap, "%lu:%02lu", s / 60, s % 60);
}

size_t progress_line_format(progress_meter *m, const progress_snap *s, double now, const char *cmd,
			    int width, char *out, size_t cap)
{
	if (cap)
		out[0] = '\0';
	if (!s->phase || cap == 0)
		return 0;
	if (m->seq != s->seq) {   /* a new phase: it began at zero */
		progress_meter_init(m);
		m->seq = s->seq;
		if (s->started <= now)
			push(m, s->started, 0, 0);
	}
	push(m, now, s->bytes, s->rows);
	const size_t oldest = m->n < PROGRESS_METER_SAMPLES ? 0 : m->next;
	const double dt = now - m->s[oldest].t;
	const double byte_rate = dt > 0 ? (double)(s->bytes - m->s[oldest].bytes) / dt : 0;
	const double row_rate = dt > 0 ? (double)(s->rows - m->s[oldest].rows) / dt : 0;

	char line[256], num[32];
	size_t n = (size_t)snprintf(line, sizeof line, "ssrfill %s: %s", cmd, s->phase);
#define ADD(...) do { if (n < sizeof line) n += (size_t)snprintf(line + n, sizeof line - n, __VA_ARGS__); } while (0)
	/* done and total in the unit the phase knows its total in */
	uint64_t done = 0, total = 0;
	double rate = 0;
	if (s->total_bytes) {
		done = s->bytes;
		total = s->total_bytes;
		rate = byte_rate;
	} else if (s->total_rows) {
		done = s->rows;
		total = s->total_rows;
		rate = row_rate;
	}
	if (total) {
		const uint64_t pct = done >= total ? 100 : (uint64_t)((double)done * 100 / (double)total);
		ADD(" %llu%%", (unsigned long long)pct);
	}
	if (s->rows) {
		progress_line_thousands(s->rows, num, sizeof num);
		ADD(", %s rows", num);
	}
	const int rated = dt >= 0.2;
	if (rated && s->bytes) {
		const double mbs = byte_rate / 1e6;
		ADD(mbs >= 100 ? ", %.0f MB/s" : ", %.1f MB/s", mbs);
	} else if (rated && s->rows) {
		progress_line_thousands((uint64_t)(row_rate + 0.5), num, sizeof num);
		ADD(", %s rows/s", num);
	}
	if (total && done < total && dt >= 0.5 && rate > 0) {
		/* rounded up: "ETA 0:00" while there is work left reads as a hang */
		progress_line_duration(ceil((double)(total - done) / rate), num, sizeof num);
		ADD(", ETA %s", num);
	} else if (!total && now - s->started >= 1) {
		/* no total: how long it has taken tells it is not stuck */
		progress_line_duration(floor(now - s->started), num, sizeof num);
		ADD(" (%s)", num);
	}
#undef ADD
	if (n >= sizeof line)
		n = sizeof line - 1;
	size_t max = width > 1 ? (size_t)width - 1 : 79;
	if (max > cap - 1)
		max = cap - 1;
	if (n > max)
		n = max;
	memcpy(out, line, n);
	out[n] = '\0';
	return n;
}

/* ---- the terminal ------------------------------------------------------- */

static struct {
	pthread_mutex_t mu;     /* drawing and other lines on standard error */
	pthread_cond_t wake;
	pthread_t thread;
	int running, stop, shown;
	const char *cmd;
	char last[256];
} L = { .mu = PTHREAD_MUTEX_INITIALIZER };

static void write_all(const char *p, size_t n)
{
	while (n) {
		const ssize_t w = write(STDERR_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;   /* a terminal gone: nothing to tell anyone */
		p += w;
		n -= (size_t)w;
	}
}

/* Under L.mu. */
static void erase_locked(void)
{
	if (L.shown && progress_note_drawn(0))
		write_all("\r" ERASE, sizeof "\r" ERASE - 1);
	L.shown = 0;
	L.last[0] = '\0';
}

static int terminal_width(void)
{
	struct winsize ws;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static void *draw_loop(void *arg)
{
	(void)arg;
	progress_meter m;
	progress_meter_init(&m);
	pthread_mutex_lock(&L.mu);
	while (!L.stop) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += PROGRESS_TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!L.stop && pthread_cond_timedwait(&L.wake, &L.mu, &until) != ETIMEDOUT)
			;
		if (L.stop)
			break;
		/* a job sent to the background (Ctrl-Z, bg) draws nothing over
		 * the shell's prompt */
		if (tcgetpgrp(STDERR_FILENO) != getpgrp()) {
			erase_locked();
			continue;
		}
		progress_snap s;
		progress_snapshot(&s);
		char text[sizeof L.last];
		const size_t n = progress_line_format(&m, &s, clock_now(), L.cmd, terminal_width(),
						      text, sizeof text);
		if (n == 0) {
			erase_locked();
			continue;
		}
		if (L.shown && strcmp(text, L.last) == 0)
			continue;
		if (!progress_note_drawn(1))
			break;   /* the process is dying of a signal */
		char frame[sizeof text + 8];
		frame[0] = '\r';
		memcpy(frame + 1, text, n);
		memcpy(frame + 1 + n, ERASE, sizeof ERASE - 1);
		write_all(frame, n + sizeof ERASE);
		memcpy(L.last, text, n + 1);
		L.shown = 1;
	}
	pthread_mutex_unlock(&L.mu);
	return NULL;
}

void progress_line_start(const char *cmd, int quiet, int uses_stdout)
{
	const char *term = getenv("TERM");
	if (L.running || quiet || !isatty(STDERR_FILENO) || !term || !*term || strcmp(term, "dumb") == 0 ||
	    (uses_stdout && isatty(STDOUT_FILENO)))
		return;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	const int ok = pthread_cond_init(&L.wake, &ca) == 0;
	pthread_condattr_destroy(&ca);
	if (!ok)
		return;
	L.cmd = cmd;
	L.stop = 0;
	L.shown = 0;
	L.last[0] = '\0';
	/* signals are the job's threads' to handle (tmpfiles.c) */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	L.running = pthread_create(&L.thread, NULL, draw_loop, NULL) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!L.running)
		pthread_cond_destroy(&L.wake);
}

void progress_line_stop(void)
{
	progress_done();
	if (!L.running)
		return;
	pthread_mutex_lock(&L.mu);
	L.stop = 1;
	pthread_cond_signal(&L.wake);
	pthread_mutex_unlock(&L.mu);
	pthread_join(L.thread, NULL);
	pthread_mutex_lock(&L.mu);
	erase_locked();
	pthread_mutex_unlock(&L.mu);
	pthread_cond_destroy(&L.wake);
	L.running = 0;
}

void progress_line_clear(void)
{
	pthread_mutex_lock(&L.mu);
	erase_locked();
	pthread_mutex_unlock(&L.mu);
}

void progress_line_printf(const char *fmt, ...)
{
	va_list ap;
	pthread_mutex_lock(&L.mu);
	erase_locked();
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	pthread_mutex_unlock(&L.mu);
}
