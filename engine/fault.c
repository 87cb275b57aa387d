/*
 * fault.c: the countdown behind fault_hit() (see fault.h).
 */
#include "fault.h"

#include <errno.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_ulong countdown;
static int signal_instead;   /* raise this signal instead of failing */

int fault_hit(enum fault_op op)
{
	unsigned long left = atomic_load_explicit(&countdown, memory_order_relaxed);
	while (left) {
		if (atomic_compare_exchange_weak(&countdown, &left, left - 1)) {
			if (left != 1)
				return 0;
			if (signal_instead)   /* to the process: any thread may hit this */
				kill(getpid(), signal_instead);
			errno = op == FAULT_WRITE ? ENOSPC : op == FAULT_ALLOC ? ENOMEM : EIO;
			return 1;
		}
	}
	return 0;
}

void fault_set(unsigned long n)
{
	atomic_store(&countdown, n);
}

void fault_init_from_env(void)
{
	const char *v = getenv("SSRFILL_FAULT");
	if (v && *v)
		fault_set(strtoul(v, NULL, 10));
	const char *sig = getenv("SSRFILL_FAULT_SIGNAL");
	if (sig && strcmp(sig, "TERM") == 0)
		signal_instead = SIGTERM;
	else if (sig && strcmp(sig, "INT") == 0)
		signal_instead = SIGINT;
}
