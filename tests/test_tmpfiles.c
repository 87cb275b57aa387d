/*
 * test_tmpfiles.c: the clean-up registry, owner locks and the sweep.
 *
 * - A worker thread registering and forgetting paths while a termination
 *   signal lands on the main thread: the handler must never walk a slot
 *   being freed (under ThreadSanitizer the old registry raced here; in
 *   any build the process must die by the signal, not crash or hang).
 * - tmpfiles_mkdtemp and tmpfiles_mkstemp hold an owner lock the sweep
 *   respects; the sweep removes only unlocked ssrfill leftovers, never
 *   other names, symlinks or a live owner's folder.
 * - tmpfiles_lock refuses a second holder and names the first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../base/status.h"
#include "../base/tmpfiles.h"

static char base[256];

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TMPDIR");
	snprintf(base, sizeof base, "%s/ssrfill-test-tmpfiles.XXXXXX", t && *t ? t : "/tmp");
	return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", base, name);
}

static int exists(const char *name)
{
	char p[400];
	path_in(p, sizeof p, name);
	struct stat sb;
	return lstat(p, &sb) == 0;
}

static void make_file(const char *name)
{
	char p[400];
	path_in(p, sizeof p, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("data\n", f);
	fclose(f);
}

static void *churn(void *arg)
{
	(void)arg;
	tmpfiles_block_in_thread();
	char p[400];
	for (unsigned i = 0;; i++) {
		snprintf(p, sizeof p, "%s/churn-%u", base, i % 600);
		if (tmpfiles_add(p, 0) != ST_OK)
			continue;
		tmpfiles_forget(p);
		if (i % 997 == 0)
			tmpfiles_forget_all();
	}
	return NULL;
}

/* The child: churn on a worker, then SIGTERM on the main thread. */
static void race_child(unsigned delay_us)
{
	tmpfiles_install_signals();
	pthread_t t;
	if (pthread_create(&t, NULL, churn, NULL) != 0)
		_exit(2);
	const struct timespec d = { 0, (long)delay_us * 1000 };
	nanosleep(&d, NULL);
	raise(SIGTERM);
	_exit(3);  /* not reached: the handler re-raises with the default action */
}

static void forget_races_the_handler(void **state)
{
	(void)state;
	for (unsigned k = 0; k < 20; k++) {
		fflush(NULL);
		const pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			race_child(200 + 300 * k);
		int ws;
		assert_int_equal(waitpid(pid, &ws, 0), pid);
		if (!WIFSIGNALED(ws) || WTERMSIG(ws) != SIGTERM)
			fail_msg("child %u: %s %d, wanted death by SIGTERM", k,
				 WIFSIGNALED(ws) ? "signal" : "exit",
				 WIFSIGNALED(ws) ? WTERMSIG(ws) : WEXITSTATUS(ws));
	}
}

static void sweep_removes_only_unlocked_leftovers(void **state)
{
	(void)state;
	char p[400];
	/* a killed run's staged folder, with content; a killed sort's file */
	path_in(p, sizeof p, "out.ssrfill-tmp-AbC123");
	assert_int_equal(mkdir(p, 0700), 0);
	make_file("out.ssrfill-tmp-AbC123/summary.json");
	make_file("sorted.csv.ssrfill-tmp-Zz9Yy8");
	make_file("notes.ssrfill-lock");  /* named like a lock, not one of ours */
	path_in(p, sizeof p, "out.ssrfill-lock");
	FILE *lf = fopen(p, "w");
	assert_non_null(lf);
	fputs("ssrfill pid 4242 on host since 2026-01-01T00:00:00Z\n", lf);
	fclose(lf);
	/* not ours: other names, and a symlink with our name */
	make_file("out.ssrfill-tmp-short");
	make_file("notes.txt");
	path_in(p, sizeof p, "x.ssrfill-tmp-QQQQQQ");
	char target[400];
	path_in(target, sizeof target, "notes.txt");
	assert_int_equal(symlink(target, p), 0);
	/* a live owner's: made and locked by this process, which keeps it */
	char live[400];
	path_in(live, sizeof live, "live.ssrfill-tmp-XXXXXX");
	assert_int_equal(tmpfiles_mkdtemp(live), ST_OK);
	char spill[400];
	path_in(spill, sizeof spill, "ssrfill-spill-XXXXXX");
	int fd;
	char livefile[400];
	path_in(livefile, sizeof livefile, "s.csv.ssrfill-tmp-XXXXXX");
	assert_int_equal(tmpfiles_mkstemp(livefile, &fd), ST_OK);
	close(fd);  /* the registry's descriptor keeps the lock */

	assert_int_equal(tmpfiles_sweep(base, NULL, NULL), ST_OK);
	assert_false(exists("out.ssrfill-tmp-AbC123"));
	assert_false(exists("sorted.csv.ssrfill-tmp-Zz9Yy8"));
	assert_false(exists("out.ssrfill-lock"));
	assert_true(exists("notes.ssrfill-lock"));
	assert_true(exists("out.ssrfill-tmp-short"));
	assert_true(exists("notes.txt"));
	assert_true(exists("x.ssrfill-tmp-QQQQQQ"));
	assert_true(exists(strrchr(live, '/') + 1));
	assert_true(exists(strrchr(livefile, '/') + 1));

	/* once the owner lets go, they are leftovers like any other */
	tmpfiles_forget(live);
	tmpfiles_forget(livefile);
	assert_int_equal(tmpfiles_sweep(base, NULL, NULL), ST_OK);
	assert_false(exists(strrchr(live, '/') + 1));
	assert_false(exists(strrchr(livefile, '/') + 1));
	tmpfiles_forget_all();
}

static void lock_refuses_a_second_holder(void **state)
{
	(void)state;
	char p[400];
	path_in(p, sizeof p, "dir.ssrfill-lock");
	int fd;
	assert_int_equal(tmpfiles_lock(p, "dir", &fd), ST_OK);
	/* another process tries */
	fflush(NULL);
	const pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		status_clear();
		int fd2;
		const status st = tmpfiles_lock(p, "dir", &fd2);
		char want[64];
		snprintf(want, sizeof want, "pid %ld", (long)getppid());
		_exit(st == ST_IO && strstr(status_detail(st), want) && strstr(status_detail(st), "in use") ? 0 : 1);
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	/* ended as a run ends it: unlinked while held, then released */
	unlink(p);
	tmpfiles_forget(p);
	assert_int_equal(tmpfiles_lock(p, "dir", &fd), ST_OK);
	unlink(p);
	tmpfiles_forget_all();
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(forget_races_the_handler, setup, teardown),
		cmocka_unit_test_setup_teardown(sweep_removes_only_unlocked_leftovers, setup, teardown),
		cmocka_unit_test_setup_teardown(lock_refuses_a_second_holder, setup, teardown),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
