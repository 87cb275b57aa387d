/*
 * fault.c: the counter behind fault_hit() (see fault.h).
 *
 * Nothing is counted until a test asks (SSRFILL_FAULT or
 * SSRFILL_FAULT_COUNT), so a normal run pays one relaxed load per call.
 * Once armed, every call takes the next number (with fault_set_op, every
 * call of the one kind asked for); the call whose number is the chosen one
 * fails, and the count and whether it fired are kept for
 * fault_report().  The report's own file is written with plain calls: it
 * is no fallible call of the run.
 */
#include "fault.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_int armed;       /* count calls at all */
static atomic_ulong calls;     /* fallible calls so far */
static atomic_ulong fail_at;   /* the call that fails (0: none) */
static atomic_int only_op;     /* count only this enum fault_op; -1: all */
static atomic_int fired;       /* that call was made */
static int signal_instead;     /* raise this signal instead of failing */
static const char *report_path;

int fault_hit(enum fault_op op)
{
	if (!atomic_load_explicit(&armed, memory_order_relaxed))
		return 0;
	const int only = atomic_load_explicit(&only_op, memory_order_relaxed);
	if (only >= 0 && (int)op != only)
		return 0;
	const unsigned long n = atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed) + 1;
	if (n != atomic_load_explicit(&fail_at, memory_order_relaxed))
		return 0;
	atomic_store(&fired, 1);
	if (signal_instead) { /* to the process: any thread may hit this */
		kill(getpid(), signal_instead);
		/* SIGKILL is never caught: the process is gone before kill
		 * returns.  Wait for it rather than let the call go on. */
		while (signal_instead == SIGKILL)
			pause();
	}
	errno = op == FAULT_WRITE ? ENOSPC : op == FAULT_ALLOC ? ENOMEM : EIO;
	return 1;
}

static void arm(int op, unsigned long n)
{
	atomic_store(&calls, 0);
	atomic_store(&fired, 0);
	atomic_store(&fail_at, n);
	atomic_store(&only_op, n ? op : -1);
	atomic_store(&armed, n != 0 || report_path != NULL);
}

void fault_set(unsigned long n)
{
	arm(-1, n);
}

void fault_set_op(enum fault_op op, unsigned long n)
{
	arm((int)op, n);
}

void fault_init_from_env(void)
{
	const char *count = getenv("SSRFILL_FAULT_COUNT");
	report_path = count && *count ? count : NULL;
	const char *v = getenv("SSRFILL_FAULT");
	fault_set(v && *v ? strtoul(v, NULL, 10) : 0);
	const char *sig = getenv("SSRFILL_FAULT_SIGNAL");
	if (sig && strcmp(sig, "TERM") == 0)
		signal_instead = SIGTERM;
	else if (sig && strcmp(sig, "INT") == 0)
		signal_instead = SIGINT;
	else if (sig && strcmp(sig, "KILL") == 0)
		signal_instead = SIGKILL;
}

int fault_report(void)
{
	if (!report_path)
		return 0;
	char line[64];
	const int n = snprintf(line, sizeof line, "%lu %d\n", atomic_load(&calls), atomic_load(&fired));
	const int fd = open(report_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	const int ok = write(fd, line, (size_t)n) == n;
	return close(fd) == 0 && ok ? 0 : -1;
}
