/*
 * tmpfiles.c: paths to delete on failure or signal, the locks that tell a
 * live run's files from a killed run's, and the sweep that removes the
 * latter (see tmpfiles.h).
 *
 * The registry must be walkable from a signal handler, so it is a chain of
 * fixed-size chunks that are never moved while a handler may walk them; a
 * slot is written fully before the count that publishes it is raised.  The
 * handler uses only unlink(2), rmdir(2), open(2), getdents64(2),
 * unlinkat(2), close(2), nanosleep(2), signal(2) and raise(3): system
 * calls, safe in a signal handler.
 *
 * Freeing a slot (tmpfiles_forget) races with the handler, which may run
 * on the main thread while a worker thread forgets a spill file.  So a
 * forgetter blocks signals in its own thread and announces itself in
 * `forgetting`; the handler first sets `dying`, then waits for the
 * forgetters in flight, and a forgetter that sees `dying` frees nothing
 * (the process is about to die).  Both sides use sequentially consistent
 * atomics, so one of them always sees the other (Dekker's handshake).
 *
 * Ownership locks.  A staged output folder, a spill folder or a staged
 * output file is created under a unique name (mkdtemp/mkostemp) and
 * flock(2)ed at once by its creator, which holds the lock until it renames
 * or removes the thing (the slot keeps the descriptor).  The kernel drops
 * the lock when the process dies, however it dies: SIGKILL, the OOM
 * killer, a power cut.  tmpfiles_sweep() later removes the ssrfill
 * leftovers of a folder whose lock it can take: their owner is gone; no
 * PID is guessed, so it is right in containers where PIDs repeat.  The
 * creator checks, once it holds the lock, that its folder is still linked:
 * a sweeper that took the lock between mkdtemp and flock has removed it,
 * and the creator simply makes another.
 */
#include "tmpfiles.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"
#include "mem.h"
#include "progress.h"

#define CHUNK_SLOTS 256

typedef struct chunk {
	struct chunk *prev;
	atomic_int n;
	char *_Atomic path[CHUNK_SLOTS];
	unsigned char is_dir[CHUNK_SLOTS];
	int lock_fd[CHUNK_SLOTS];  /* the flock this process holds on it, or -1 */
} chunk;

static chunk first;
static chunk *_Atomic last = &first;
/* A file or folder mkdtemp/mkostemp is creating right now (on any
 * thread): the handler removes it too, so there is no moment it exists
 * unknown to the handler. */
static char *_Atomic pending_path;
static atomic_int pending_is_dir;
static atomic_int dying;       /* a termination signal is being handled */
static atomic_int creating;    /* worker-thread creations in flight */
static atomic_int forgetting;  /* threads freeing registry slots */
/* Writers to the registry take turns (the document workers and the main
 * thread register files at the same time); the handler only reads it. */
static pthread_mutex_t writers = PTHREAD_MUTEX_INITIALIZER;
/* Set by tmpfiles_block_in_thread: only worker threads bracket their
 * creations, as the handler runs on the main thread and would wait in vain
 * for a creation it interrupted. */
static _Thread_local int is_worker;

/* Every signal whose default action ends the process and that a handler
 * may catch.  The asynchronous ones are blocked in worker threads, so
 * their handler runs on the main thread; the synchronous ones (a fault in
 * the thread itself, abort(), GLib's g_error trap) cannot be blocked and
 * are handled on whichever thread raised them.  Under the sanitizers the
 * fault signals are left to the sanitizer, whose report matters more. */
static const int async_sigs[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGALRM, SIGTERM, SIGUSR1, SIGUSR2,
	SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGSTKFLT,
};
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
static const int sync_sigs[] = {
	SIGABRT, SIGTRAP, SIGSYS,
#ifndef SANITIZED
	SIGSEGV, SIGBUS, SIGFPE, SIGILL,
#endif
};

static void async_sigset(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof async_sigs / sizeof async_sigs[0]; i++)
		sigaddset(set, async_sigs[i]);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaddset(set, sig);
}

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
	async_sigset(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	is_worker = 1;
}

static status add_slot(const char *path, int is_dir, int lock_fd)
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
	atomic_store(&c->path[i], copy);
	c->is_dir[i] = (unsigned char)is_dir;
	c->lock_fd[i] = lock_fd;
	atomic_store(&c->n, i + 1);
	pthread_mutex_unlock(&writers);
	return ST_OK;
}

status tmpfiles_add(const char *path, int is_dir)
{
	return add_slot(path, is_dir, -1);
}

/* Hold back the asynchronous termination signals in this thread. */
static void hold_signals(sigset_t *old)
{
	sigset_t set;
	async_sigset(&set);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

/* Take the owner lock on what fd refers to and check it is still linked
 * (a sweeper may have removed it between its creation and now).  0 when
 * held; -1 when the thing is gone or another process holds it. */
static int own(int fd)
{
	if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		return -1;
	struct stat sb;
	if (fstat(fd, &sb) != 0 || sb.st_nlink == 0)
		return -1;
	return 0;
}

/* Create a unique file or folder from template (ending in XXXXXX; made
 * anew on each attempt), registered, with this process's owner lock on it.
 * *write_fd gets a descriptor for writing a file (the registry keeps its
 * own, which holds the lock until tmpfiles_forget). */
static status make_owned(char *template, int is_dir, int *write_fd)
{
	const size_t len = strlen(template);
	if (len < 6 || strcmp(template + len - 6, "XXXXXX") != 0)
		return status_fail(ST_INTERNAL, "%s: not a template", template);
	sigset_t old;
	hold_signals(&old);
	status st = ST_IO;
	int e = 0;
	for (int attempt = 0; attempt < 16 && st == ST_IO; attempt++) {
		memcpy(template + len - 6, "XXXXXX", 6);
		atomic_store(&pending_is_dir, is_dir);
		atomic_store(&pending_path, template);
		if (tmpfiles_create_begin() != 0) {
			e = errno;
			atomic_store(&pending_path, NULL);
			break;
		}
		int fd = -1, wfd = -1, made = 0;
		if (fault_hit(FAULT_OPEN)) {
			e = errno;
		} else if (is_dir) {
			made = mkdtemp(template) != NULL;
			if (made)
				fd = open(template, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			e = errno;
		} else {
			wfd = mkostemp(template, O_CLOEXEC);  /* mode 0600 */
			e = errno;
			made = wfd >= 0;
			if (wfd >= 0 && (fd = dup(wfd)) < 0)
				e = errno;
		}
		if (fd >= 0 && own(fd) == 0) {
			st = add_slot(template, is_dir, fd);
			if (st != ST_OK) {
				is_dir ? rmdir(template) : unlink(template);
				close(fd);
				if (wfd >= 0)
					close(wfd);
			} else if (write_fd) {
				*write_fd = wfd;
			} else if (wfd >= 0) {
				close(wfd);
			}
		} else {
			if (made)  /* a sweeper took it, or open or flock failed: remove it, make another */
				is_dir ? rmdir(template) : unlink(template);
			if (fd >= 0)
				close(fd);
			if (wfd >= 0)
				close(wfd);
			if (!made) {
				tmpfiles_create_end();
				atomic_store(&pending_path, NULL);
				break;  /* no room, no permission: final */
			}
			e = EAGAIN;
		}
		tmpfiles_create_end();
		atomic_store(&pending_path, NULL);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return st;
}

status tmpfiles_mkdtemp(char *template)
{
	return make_owned(template, 1, NULL);
}

status tmpfiles_mkstemp(char *template, int *fd)
{
	*fd = -1;
	return make_owned(template, 0, fd);
}

status tmpfiles_lock(const char *path, const char *what, int *fd_out)
{
	*fd_out = -1;
	for (int attempt = 0; attempt < 16; attempt++) {
		const int fd = fault_hit(FAULT_OPEN) ? -1 :
			open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return status_fail(ST_IO, "%s: cannot create the lock file: %s", path, strerror(errno));
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			const int e = errno;
			char holder[160] = "";
			if (e == EWOULDBLOCK) {
				const ssize_t r = pread(fd, holder, sizeof holder - 1, 0);
				holder[r > 0 ? r : 0] = '\0';
				holder[strcspn(holder, "\n")] = '\0';
				for (char *c = holder; *c; c++)  /* another user's text: no escapes */
					if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
						*c = '?';
			}
			close(fd);
			if (e == EWOULDBLOCK)
				return status_fail(ST_IO, "%s is in use by another run (%s, lock %s); wait for it to end or choose another",
						   what, *holder ? holder : "ssrfill", path);
			return status_fail(ST_IO, "%s: cannot lock: %s", path, strerror(e));
		}
		/* the file we locked must still be the one at path: a process
		 * ending its run unlinks it while holding the lock */
		struct stat a, b;
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			char me[160], host[64] = "", since[32] = "";
			gethostname(host, sizeof host - 1);
			const time_t now = time(NULL);
			struct tm tm;
			if (gmtime_r(&now, &tm))
				strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", &tm);
			const int len = snprintf(me, sizeof me, "ssrfill pid %ld on %s since %s\n",
						 (long)getpid(), host, since);
			if (ftruncate(fd, 0) != 0 || pwrite(fd, me, (size_t)len, 0) != len) {
				const int e = errno;
				close(fd);
				return status_fail(ST_IO, "%s: cannot write the lock file: %s", path, strerror(e));
			}
			const status st = add_slot(path, 0, fd);
			if (st != ST_OK) {
				unlink(path);
				close(fd);
				return st;
			}
			*fd_out = fd;
			return ST_OK;
		}
		close(fd);
	}
	return status_fail(ST_IO, "%s: cannot lock: it keeps being replaced", path);
}

/* Free slot i of c unless a handler is running; the caller holds
 * `writers` and is counted in `forgetting`. */
static void free_slot(chunk *c, int i)
{
	char *p = atomic_exchange(&c->path[i], NULL);
	if (c->lock_fd[i] >= 0) {
		close(c->lock_fd[i]);
		c->lock_fd[i] = -1;
	}
	mem_free(p);
}

/* Enter or leave a section that frees slots: see the header comment. */
static int forget_begin(sigset_t *old)
{
	hold_signals(old);
	atomic_fetch_add(&forgetting, 1);
	if (atomic_load(&dying)) {
		atomic_fetch_sub(&forgetting, 1);
		pthread_sigmask(SIG_SETMASK, old, NULL);
		return -1;
	}
	pthread_mutex_lock(&writers);
	return 0;
}

static void forget_end(sigset_t *old)
{
	pthread_mutex_unlock(&writers);
	atomic_fetch_sub(&forgetting, 1);
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

void tmpfiles_forget(const char *path)
{
	sigset_t old;
	if (forget_begin(&old) != 0)
		return;
	for (chunk *c = atomic_load(&last); c; c = c->prev) {
		const int n = atomic_load(&c->n);
		for (int i = n - 1; i >= 0; i--) {
			const char *p = atomic_load(&c->path[i]);
			if (p && strcmp(p, path) == 0) {
				free_slot(c, i);
				forget_end(&old);
				return;
			}
		}
	}
	forget_end(&old);
}

void tmpfiles_forget_all(void)
{
	sigset_t old;
	if (forget_begin(&old) != 0)
		return;
	chunk *c = atomic_load(&last);
	atomic_store(&last, &first);
	while (c) {
		chunk *prev = c->prev;
		for (int i = 0; i < atomic_load(&c->n); i++)
			free_slot(c, i);
		atomic_store(&c->n, 0);
		if (c != &first)
			mem_free(c);
		c = prev;
	}
	forget_end(&old);
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

static void remove_all(void)
{
	/* files first, then folders, each newest first, so a folder is empty
	 * by the time its turn comes */
	for (int pass = 0; pass < 2; pass++) {
		for (chunk *c = atomic_load(&last); c; c = c->prev) {
			for (int i = atomic_load(&c->n) - 1; i >= 0; i--) {
				const char *p = atomic_load(&c->path[i]);
				if (!p || c->is_dir[i] != pass)
					continue;
				if (pass == 0)
					unlink(p);
				else if (rmdir(p) != 0 && errno == ENOTEMPTY)
					purge_dir(p);
			}
		}
	}
	const char *pending = atomic_load(&pending_path);
	if (pending) {  /* fails harmlessly if not made yet */
		if (atomic_load(&pending_is_dir))
			rmdir(pending);
		else
			unlink(pending);
	}
}

void tmpfiles_cleanup(void)
{
	sigset_t old;
	hold_signals(&old);
	remove_all();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	tmpfiles_forget_all();
}

/* Wait (a second at most) until counter drops to zero. */
static void wait_for(atomic_int *counter)
{
	for (int i = 0; i < 1000 && atomic_load(counter) > 0; i++) {
		const struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
}

static void on_signal(int sig)
{
	/* stop worker threads from creating or freeing anything, and let
	 * those already under way finish so clean-up sees a still registry */
	atomic_store(&dying, 1);
	wait_for(&creating);
	wait_for(&forgetting);
	remove_all();
	progress_erase_for_signal();   /* the progress line, so the prompt starts a line */
	signal(sig, SIG_DFL);
	raise(sig);
	/* still here: the signal is blocked in this handler (it dies on
	 * return), or this process is PID 1 in a container, where the kernel
	 * drops a signal with its default action; either way the run must not
	 * go on with its files gone */
	if (getpid() == 1)
		_exit(128 + sig);
}

void tmpfiles_install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof async_sigs / sizeof async_sigs[0]; i++) {
		struct sigaction was;
		/* a signal the caller chose to ignore (nohup) stays ignored */
		if (sigaction(async_sigs[i], NULL, &was) == 0 && was.sa_handler == SIG_IGN &&
		    async_sigs[i] != SIGPIPE)
			continue;
		sigaction(async_sigs[i], &sa, NULL);
	}
	for (size_t i = 0; i < sizeof sync_sigs / sizeof sync_sigs[0]; i++)
		sigaction(sync_sigs[i], &sa, NULL);
	/* real-time signals end a process too (glibc keeps the first two) */
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++) {
		struct sigaction was;
		if (sigaction(sig, NULL, &was) == 0 && was.sa_handler == SIG_DFL)
			sigaction(sig, &sa, NULL);
	}
}

/* ---- leftovers of killed runs ------------------------------------------ */

/* Names ssrfill gives what it creates beside an output or under --tmpdir:
 * NAME.ssrfill-tmp-XXXXXX (a staged output folder or file),
 * NAME.ssrfill-old-XXXXXX (an output being replaced), NAME.ssrfill-lock,
 * and ssrfill-spill-XXXXXX (sorted runs).  The suffixes are mkdtemp's. */
static int is_leftover_name(const char *nm)
{
	static const char *const infix[] = { ".ssrfill-tmp-", ".ssrfill-old-" };
	const size_t len = strlen(nm);
	for (size_t i = 0; i < 2; i++) {
		const size_t k = strlen(infix[i]);
		if (len > k + 6 && memcmp(nm + len - 6 - k, infix[i], k) == 0)
			return 1;
	}
	static const char lock[] = ".ssrfill-lock";
	if (len > sizeof lock - 1 && strcmp(nm + len - (sizeof lock - 1), lock) == 0)
		return 1;
	static const char spill[] = "ssrfill-spill-";
	return len == sizeof spill - 1 + 6 && memcmp(nm, spill, sizeof spill - 1) == 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

status tmpfiles_sweep(const char *dir, void (*removed)(const char *path, void *arg), void *arg)
{
	DIR *d = opendir(dir);
	if (!d)
		return ST_OK;  /* nothing of ours can be there */
	const uid_t me = geteuid();
	status st = ST_OK;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && st == ST_OK) {
		if (!is_leftover_name(e->d_name))
			continue;
		struct stat sb;
		if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || sb.st_uid != me ||
		    !(S_ISDIR(sb.st_mode) || S_ISREG(sb.st_mode)))
			continue;  /* not ours to judge */
		const int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		const size_t nlen = strlen(e->d_name);
		if (S_ISREG(sb.st_mode) && nlen > 13 && strcmp(e->d_name + nlen - 13, ".ssrfill-lock") == 0) {
			char head[12] = "";  /* ours say "ssrfill pid " */
			if (pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head ||
			    memcmp(head, "ssrfill pid ", sizeof head) != 0) {
				close(fd);
				continue;
			}
		}
		struct stat now;
		/* a lock we can take means its owner is gone; hold it while
		 * removing, so a creator racing us sees its folder gone */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &now) == 0 &&
		    now.st_ino == sb.st_ino && now.st_nlink > 0) {
			const size_t n = strlen(dir) + strlen(e->d_name) + 2;
			char *path = mem_alloc(n);
			if (!path) {
				st = status_fail(ST_NOMEM, "out of memory");
			} else {
				snprintf(path, n, "%s/%s", dir, e->d_name);
				if (S_ISDIR(sb.st_mode))
					nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
				else
					unlink(path);
				/* a lock file held no data: no need to mention it */
				const size_t len = strlen(e->d_name);
				if (removed && !(len > 13 && strcmp(e->d_name + len - 13, ".ssrfill-lock") == 0))
					removed(path, arg);
				mem_free(path);
			}
		}
		close(fd);
	}
	closedir(d);
	return st;
}
