/*
 * fault.h: the fault-injection seam (SQLite's sqlite3FaultSim in spirit).
 *
 * Every fallible call ssrfill makes — allocation, open, read, write,
 * rename, fsync — first asks fault_hit().  Normally that is one relaxed
 * atomic load.  With SSRFILL_FAULT=N in the environment (read once by
 * main), the N-th such call fails as the real one could: allocation
 * returns NULL, writes fail with ENOSPC (a full disk), everything else with
 * EIO.  With SSRFILL_FAULT_SIGNAL=TERM (or INT) that call raises the signal
 * instead, which lands a signal in any chosen phase of a run; with KILL it
 * raises SIGKILL, which no handler sees: the process dies at that call with
 * nothing cleaned up, as in a crash or an OOM kill, at a point the test
 * chooses (tests/e2e_ledger.sh kills runs with a ledger in every phase).
 * A killed process writes no SSRFILL_FAULT_COUNT report.
 *
 * With SSRFILL_FAULT_COUNT=FILE, main writes to FILE when the command
 * returns one line, "CALLS FIRED": how many fallible calls the process
 * made and whether the injected fault fired (1) or not (0).  A run without
 * a fault gives the number of calls to walk; a run that exits 0 with
 * FIRED 1 swallowed a failure.  tests/e2e_faults.sh walks N over every
 * call of end-to-end runs.
 */
#ifndef SSRFILL_FAULT_H
#define SSRFILL_FAULT_H

enum fault_op { FAULT_ALLOC, FAULT_OPEN, FAULT_READ, FAULT_WRITE, FAULT_RENAME, FAULT_SYNC };

/* Nonzero when this call must fail; errno is then set for the operation. */
int fault_hit(enum fault_op op);
/* Fail the n-th fallible call from now (0: never). */
void fault_set(unsigned long n);
/* Fail the n-th call of kind op from now, counting only calls of that
 * kind (0: never); unit tests walk the allocations of a function with
 * fault_set_op(FAULT_ALLOC, n). */
void fault_set_op(enum fault_op op, unsigned long n);
/* Read SSRFILL_FAULT, SSRFILL_FAULT_SIGNAL and SSRFILL_FAULT_COUNT. */
void fault_init_from_env(void);
/* Write "CALLS FIRED" to the SSRFILL_FAULT_COUNT file, if one was asked
 * for (0 done or nothing asked, -1 the file could not be written). */
int fault_report(void);

#endif
