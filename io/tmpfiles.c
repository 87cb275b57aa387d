/*
 * tmpfiles.c: paths to delete on failure or signal (see tmpfiles.h).
 *
 * The registry must be walkable from a signal handler, so it is a chain of
 * fixed-size chunks that are never moved or freed while the program runs;
 * a slot is written fully before the count that publishes it is raised.
 * The handler uses only unlink(2), rmdir(2), open(2), getdents64(2),
 * unlinkat(2), close(2), signal(2) and raise(3): system calls, safe in a
 * signal handler.
 */
#include "tmpfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../engine/fault.h"
#include "../engine/mem.h"

#define CHUNK_SLOTS 256

typedef struct chunk {
	struct chunk *prev;
	atomic_int n;
	char *path[CHUNK_SLOTS];
	unsigned char is_dir[CHUNK_SLOTS];
} chunk;

static chunk first;
static chunk *_Atomic last = &first;
static volatile sig_atomic_t interrupted;
/* A folder mkdtemp is creating right now (on any thread): the handler
 * removes it too, so there is no moment it exists unknown to the handler. */
static char *_Atomic pending_dir;
static atomic_int dying;      /* a termination signal is being handled */
static atomic_int creating;   /* worker-thread creations in flight */
/* Writers to the registry take turns (the document workers and the main
 * thread register files at the same time); the handler only reads it. */
static pthread_mutex_t writers = PTHREAD_MUTEX_INITIALIZER;
/* Set by tmpfiles_block_in_thread: only worker threads bracket their
 * creations, as the handler runs on the main thread and would wait in vain
 * for a creation it interrupted. */
static _Thread_local int is_worker;

int tmpfiles_create_begin(void)
{
	if (!is_worker)
		return 0;
	atomic_fetch_add(&creating, 1);
	if (atomic_load(&dying)) {
		atomic_fetch_sub(&creating, 1);
		errno = EINTR;
		return -1;
	}
	return 0;
}

void tmpfiles_create_end(void)
{
	if (is_worker)
		atomic_fetch_sub(&creating, 1);
}

void tmpfiles_block_in_thread(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	is_worker = 1;
}

status tmpfiles_add(const char *path, int is_dir)
{
	char *copy = mem_strndup(path, strlen(path));
	if (!copy)
		return status_fail(ST_NOMEM, "out of memory registering %s", path);
	pthread_mutex_lock(&writers);
	chunk *c = atomic_load(&last);
	if (atomic_load(&c->n) == CHUNK_SLOTS) {
		chunk *nc = mem_calloc(1, sizeof *nc);
		if (!nc) {
			pthread_mutex_unlock(&writers);
			mem_free(copy);
			return status_fail(ST_NOMEM, "out of memory registering %s", path);
		}
		nc->prev = c;
		atomic_store(&last, nc);
		c = nc;
	}
	const int i = atomic_load(&c->n);
	c->path[i] = copy;
	c->is_dir[i] = (unsigned char)is_dir;
	atomic_store(&c->n, i + 1);
	pthread_mutex_unlock(&writers);
	return ST_OK;
}

/* The handler walks the registry: keep it out while a slot is freed. */
static void block_signals(sigset_t *old)
{
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, old);
}

status tmpfiles_mkdtemp(char *template)
{
	sigset_t all, old;
	sigemptyset(&all);
	sigaddset(&all, SIGINT);
	sigaddset(&all, SIGTERM);
	sigaddset(&all, SIGHUP);
	sigaddset(&all, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	status st = ST_OK;
	atomic_store(&pending_dir, template);
	if (tmpfiles_create_begin() != 0) {
		st = ST_IO;
	} else {
		if (fault_hit(FAULT_OPEN) || !mkdtemp(template))
			st = ST_IO;
		else if ((st = tmpfiles_add(template, 1)) != ST_OK)
			rmdir(template);
		tmpfiles_create_end();
	}
	atomic_store(&pending_dir, NULL);
	const int e = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return st;
}

void tmpfiles_forget(const char *path)
{
	sigset_t old;
	block_signals(&old);
	pthread_mutex_lock(&writers);
	for (chunk *c = atomic_load(&last); c; c = c->prev) {
		const int n = atomic_load(&c->n);
		for (int i = n - 1; i >= 0; i--) {
			if (c->path[i] && strcmp(c->path[i], path) == 0) {
				char *p = c->path[i];
				c->path[i] = NULL;
				mem_free(p);
				pthread_mutex_unlock(&writers);
				sigprocmask(SIG_SETMASK, &old, NULL);
				return;
			}
		}
	}
	pthread_mutex_unlock(&writers);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Empty a folder of ours and remove it, with system calls only (this runs
 * in a signal handler).  Another thread may still create a file in it (the
 * sorter's worker writing its next run), so a folder that will not go is
 * emptied again, a few times. */
static void purge_dir(const char *path)
{
	for (int attempt = 0; attempt < 4; attempt++) {
		const int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return;
		char buf[4096] __attribute__((aligned(8)));
		long n;
		while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
			for (long at = 0; at < n;) {
				const struct linux_dirent64 {
					uint64_t d_ino;
					int64_t d_off;
					unsigned short d_reclen;
					unsigned char d_type;
					char d_name[];
				} *e = (const void *)(buf + at);
				const char *nm = e->d_name;
				if (!(nm[0] == '.' && (!nm[1] || (nm[1] == '.' && !nm[2]))))
					unlinkat(fd, nm, 0);  /* subfolders are registered */
				at += e->d_reclen;
			}
		}
		close(fd);
		if (rmdir(path) == 0 || errno != ENOTEMPTY)
			return;
	}
}

static void remove_all(int free_paths)
{
	char *pending = atomic_load(&pending_dir);
	/* files first, then folders, each newest first, so a folder is empty
	 * by the time its turn comes */
	for (int pass = 0; pass < 2; pass++) {
		for (chunk *c = atomic_load(&last); c; c = c->prev) {
			for (int i = atomic_load(&c->n) - 1; i >= 0; i--) {
				const char *p = c->path[i];
				if (!p || c->is_dir[i] != pass)
					continue;
				if (pass == 0)
					unlink(p);
				else if (rmdir(p) != 0 && errno == ENOTEMPTY)
					purge_dir(p);
			}
		}
	}
	if (pending)
		rmdir(pending);  /* fails harmlessly if not made yet, or not empty */
	if (!free_paths)
		return;
	tmpfiles_forget_all();
}

void tmpfiles_forget_all(void)
{
	sigset_t old;
	block_signals(&old);
	chunk *c = atomic_load(&last);
	while (c) {
		chunk *prev = c->prev;
		for (int i = 0; i < atomic_load(&c->n); i++) {
			mem_free(c->path[i]);
			c->path[i] = NULL;
		}
		atomic_store(&c->n, 0);
		if (c != &first)
			mem_free(c);
		c = prev;
	}
	atomic_store(&last, &first);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void tmpfiles_cleanup(void)
{
	remove_all(1);
}

static void on_signal(int sig)
{
	interrupted = 1;
	/* stop worker threads from creating anything, and let the creations
	 * already under way finish (a second at most) so clean-up sees them */
	atomic_store(&dying, 1);
	for (int i = 0; i < 1000 && atomic_load(&creating) > 0; i++) {
		const struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	remove_all(0);
	signal(sig, SIG_DFL);
	raise(sig);
}

void tmpfiles_install_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigfillset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

int tmpfiles_interrupted(void)
{
	return interrupted;
}
