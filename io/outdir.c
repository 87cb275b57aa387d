/*
 * outdir.c: build beside, rename into place, and never destroy what
 * ssrfill did not write (see outdir.h).
 *
 * The staging folder is DIR.ssrfill-tmp-XXXXXX in DIR's parent (mkdtemp,
 * locked by this process; tmpfiles.c), so the final rename(2) stays on one
 * file system and is atomic, and a killed run's stage is found and removed
 * by the next command that works in that parent.  For the whole run this
 * process also holds DIR.ssrfill-lock (flock), so a second run into the
 * same DIR is refused while the first works; the lock file holds the
 * holder's pid, host and start, for the message.
 *
 * What --force may replace.  Last of all, the run writes a marker,
 * DIR/.ssrfill-output, listing the top-level entries it wrote.  An existing
 * non-empty DIR is replaced only with --force, only when it carries that
 * marker, only when every top-level entry is one the marker lists (nothing
 * an operator added), and never when it holds an input of this run.  These
 * checks are made before the job and again at commit, as something may
 * have been put into DIR meanwhile.
 *
 * Sharing (--group, --mode; outdir_set_share): after the marker and
 * before the syncfs, every entry of the stage gets the mode and group, so
 * DIR appears shared, in one rename, or not at all.
 *
 * Commit: write the marker; one syncfs of the staged folder's file system;
 * re-check DIR; move an old DIR aside to DIR.ssrfill-old-XXXXXX (locked
 * before the move, so no sweeper takes it while it could still be moved
 * back); rename the stage into place; sync the parent; delete the old one.
 * At no moment is there no DIR, and a crash right after exit 0 keeps the
 * output.
 */
#include "outdir.h"
#include "../base/fault.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <pthread.h>
#include <unistd.h>

#include "../base/bytebuf.h"
#include "../base/mem.h"
#include "../base/tmpfiles.h"

#define MARKER ".ssrfill-output"
#define MARKER_HEAD "ssrfill output folder 1\n"
#define MAX_MARKER_BYTES (64u << 20)  /* a run writes ~7,000 paths: ~300 KB */

struct outdir {
	char *final;
	char *stage;
	char *lock_path;
	char *parent;        /* DIR's parent folder, synced after the rename */
	int lock_fd;
	int force;
	int committed;
	const char *const *inputs;
	/* every path written, relative, one a line: the marker's list.  The
	 * document workers open files too, hence the lock. */
	pthread_mutex_t mu;
	bytebuf paths;
};

static char *join(const char *a, const char *b)
{
	const size_t n = strlen(a) + strlen(b) + 2;
	char *p = mem_alloc(n);
	if (p)
		snprintf(p, n, "%s/%s", a, b);
	return p;
}

/* 1 when path is a folder with entries, 0 when absent or empty, -1 when it
 * exists but is not a folder. */
static int non_empty(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return -1;
	DIR *d = opendir(path);
	if (!d)
		return 1;
	int any = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			any = 1;
			break;
		}
	closedir(d);
	return any;
}

/* --out names the folder to create: not "", ".", "..", "/" or a path
 * ending in one of them (the stage beside it would be elsewhere, and the
 * folder replaced would be the caller's own). */
status outdir_check_name(const char *path)
{
	if (!*path)
		return status_fail(ST_USAGE, "--out is empty; name a folder for the output");
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	size_t at = len;
	while (at > 0 && path[at - 1] != '/')
		at--;
	const char *last = path + at;
	const size_t n = len - at;
	if ((n == 1 && last[0] == '.') || (n == 2 && last[0] == '.' && last[1] == '.') ||
	    (len == 1 && path[0] == '/'))
		return status_fail(ST_USAGE, "--out %s names an existing folder by '.', '..' or '/'; "
				   "name the output folder itself, like --out out/run1", path);
	/* a symbolic link would be replaced by the folder, and another run
	 * could reach the same folder under another name, past its lock */
	char name[PATH_MAX];
	struct stat sb;
	if (len < sizeof name) {
		memcpy(name, path, len);
		name[len] = '\0';
		if (lstat(name, &sb) == 0 && S_ISLNK(sb.st_mode))
			return status_fail(ST_USAGE, "--out %s is a symbolic link; name the folder itself", path);
	}
	return ST_OK;
}

/* Whether path (resolved) lies inside folder real_dir (resolved). */
static int inside(const char *real_dir, const char *path)
{
	char *real = realpath(path, NULL);
	if (!real)
		return 0;
	const size_t n = strlen(real_dir);
	const int in = strncmp(real, real_dir, n) == 0 && (real[n] == '/' || real[n] == '\0' ||
							   (n == 1 && real_dir[0] == '/'));
	free(real);
	return in;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What the walk of DIR needs (nftw has no user pointer; the checks run on
 * the main thread only). */
static struct {
	const char *root;
	size_t root_len;
	dev_t dev;
	char **names;
	size_t n_names;
	const char *bad;      /* the first entry not ours, or NULL */
	const char *why;
	char bad_buf[512];
} walk;

static int check_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)flag;
	if (ftw->level == 0)
		return 0;
	const char *rel = path + walk.root_len + 1;
	const char *why = NULL;
	if (S_ISLNK(sb->st_mode))
		why = "a symbolic link ssrfill never makes";
	else if (sb->st_dev != walk.dev)
		why = "on another file system (a mount)";
	else if (strcmp(rel, MARKER) != 0 &&
		 !bsearch(&rel, walk.names, walk.n_names, sizeof *walk.names, cmp_str))
		why = "not written there by ssrfill";
	if (!why)
		return 0;
	snprintf(walk.bad_buf, sizeof walk.bad_buf, "%s", rel);
	walk.bad = walk.bad_buf;
	walk.why = why;
	return 1;  /* stop the walk */
}

/* May the existing, non-empty folder d->final be replaced?  Only when it
 * is an earlier run's output, every entry of it listed in its marker. */
static status check_replaceable(const outdir *d, status failure)
{
	char *real = realpath(d->final, NULL);
	if (!real)
		return status_fail(failure, "%s: cannot resolve: %s", d->final, strerror(errno));
	status st = ST_OK;
	for (size_t i = 0; d->inputs && d->inputs[i] && st == ST_OK; i++)
		if (strcmp(d->inputs[i], "-") != 0 && inside(real, d->inputs[i]))
			st = status_fail(failure, "%s holds %s, an input of this run; --force will not replace it. "
					 "Choose another --out or move the input out", d->final, d->inputs[i]);
	free(real);
	if (st != ST_OK)
		return st;

	char *marker = join(d->final, MARKER);
	if (!marker)
		return status_fail(ST_NOMEM, "out of memory");
	const int fd = open(marker, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	mem_free(marker);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > MAX_MARKER_BYTES) {
		if (fd >= 0)
			close(fd);
		return status_fail(failure, "%s was not written by ssrfill run (it has no %s marker); "
				   "--force replaces only an earlier run's output. Choose another --out or empty it yourself",
				   d->final, MARKER);
	}
	const size_t n = (size_t)sb.st_size;
	char *text = mem_alloc(n + 1);
	if (!text) {
		close(fd);
		return status_fail(ST_NOMEM, "out of memory");
	}
	const ssize_t got = read(fd, text, n);
	close(fd);
	text[got > 0 ? got : 0] = '\0';
	if (got != (ssize_t)n || strncmp(text, MARKER_HEAD, strlen(MARKER_HEAD)) != 0) {
		mem_free(text);
		return status_fail(failure, "%s: its %s marker is not ssrfill's; --force will not replace it",
				   d->final, MARKER);
	}
	/* the listed paths, sorted for bsearch */
	size_t n_names = 0;
	for (const char *p = text + strlen(MARKER_HEAD); *p; p++)
		n_names += *p == '\n';
	char **names = mem_alloc((n_names + 1) * sizeof *names);
	if (!names) {
		mem_free(text);
		return status_fail(ST_NOMEM, "out of memory");
	}
	size_t k = 0;
	for (char *p = text + strlen(MARKER_HEAD); *p && k < n_names;) {
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		names[k++] = p;
		p = nl + 1;
	}
	qsort(names, k, sizeof *names, cmp_str);
	struct stat root;
	if (lstat(d->final, &root) != 0) {
		st = status_fail(failure, "%s: cannot read: %s", d->final, strerror(errno));
	} else {
		walk.root = d->final;
		walk.root_len = strlen(d->final);
		walk.dev = root.st_dev;
		walk.names = names;
		walk.n_names = k;
		walk.bad = NULL;
		const int rc = nftw(d->final, check_entry, 16, FTW_PHYS);
		if (walk.bad)
			st = status_fail(failure, "%s holds %s, %s; --force will not replace it. "
					 "Move it out or choose another --out", d->final, walk.bad, walk.why);
		else if (rc != 0)
			st = status_fail(failure, "%s: cannot read it all: %s", d->final, strerror(errno));
	}
	mem_free(names);
	mem_free(text);
	return st;
}

/* The state of DIR before the job (failure ST_USAGE) or at commit. */
static status check_final(const outdir *d, status failure)
{
	const int state = non_empty(d->final);
	if (state < 0)
		return status_fail(failure, "%s exists and is not a folder", d->final);
	if (state == 0)
		return ST_OK;
	if (!d->force)
		return status_fail(failure, failure == ST_USAGE ?
				   "%s exists and is not empty; use --force to replace an earlier run's output" :
				   "%s was created or filled by something else while this run worked; "
				   "nothing was replaced and the output was not written",
				   d->final);
	return check_replaceable(d, failure);
}

status outdir_begin(outdir **out, const char *path, int force, const char *const *inputs)
{
	*out = NULL;
	status st = outdir_check_name(path);
	if (st != ST_OK)
		return st;
	outdir *d = mem_calloc(1, sizeof *d);
	if (!d)
		return status_fail(ST_NOMEM, "out of memory");
	d->force = force;
	d->inputs = inputs;
	d->lock_fd = -1;
	pthread_mutex_init(&d->mu, NULL);
	bytebuf_init(&d->paths);
	d->final = mem_strndup(path, strlen(path));
	const size_t n = strlen(path) + 40;
	d->stage = mem_alloc(n);
	d->lock_path = mem_alloc(n);
	if (!d->final || !d->stage || !d->lock_path) {
		outdir_free(d);
		return status_fail(ST_NOMEM, "out of memory");
	}
	/* drop trailing slashes so the stage sits beside DIR, not inside it */
	size_t len = strlen(d->final);
	while (len > 1 && d->final[len - 1] == '/')
		d->final[--len] = '\0';
	snprintf(d->lock_path, n, "%s.ssrfill-lock", d->final);
	char *copy = mem_strndup(d->final, strlen(d->final));
	if (copy) {
		const char *p = dirname(copy);
		d->parent = mem_strndup(p, strlen(p));
		mem_free(copy);
	}
	if (!d->parent) {
		outdir_free(d);
		return status_fail(ST_NOMEM, "out of memory");
	}
	snprintf(d->stage, n, "%s.ssrfill-tmp-XXXXXX", d->final);
	st = check_final(d, ST_USAGE);
	if (st == ST_OK)
		st = tmpfiles_lock(d->lock_path, d->final, &d->lock_fd);
	if (st == ST_OK)
		st = check_final(d, ST_USAGE);  /* the run we waited on may have written it */
	if (st == ST_OK && tmpfiles_mkdtemp(d->stage) != ST_OK)
		st = status_fail(ST_IO, "%s: cannot create the output folder: %s", d->stage, strerror(errno));
	if (st != ST_OK) {
		if (d->lock_fd >= 0) {
			unlink(d->lock_path);
			tmpfiles_forget(d->lock_path);
		}
		outdir_free(d);
		return st;
	}
	*out = d;
	return ST_OK;
}

/* Remember rel for the marker. */
static status note_path(outdir *d, const char *rel)
{
	pthread_mutex_lock(&d->mu);
	bytebuf_put(&d->paths, rel, strlen(rel));
	bytebuf_put(&d->paths, "\n", 1);
	const int oom = d->paths.oom;
	pthread_mutex_unlock(&d->mu);
	return oom ? status_fail(ST_NOMEM, "out of memory listing the outputs") : ST_OK;
}

status outdir_mkdir(outdir *d, const char *rel)
{
	status st = note_path(d, rel);
	if (st != ST_OK)
		return st;
	char *p = join(d->stage, rel);
	if (!p)
		return status_fail(ST_NOMEM, "out of memory");
	/* registered first: a folder that exists unregistered would keep the
	 * staged folder from being removed */
	st = tmpfiles_add(p, 1);
	if (st == ST_OK && (fault_hit(FAULT_OPEN) || mkdir(p, 0700) != 0)) {
		st = status_fail(ST_IO, "%s: cannot create: %s", p, strerror(errno));
		tmpfiles_forget(p);
	}
	mem_free(p);
	return st;
}

status outdir_open(outdir *d, const char *rel, int flags, outstream **o)
{
	*o = NULL;
	status st = note_path(d, rel);
	if (st != ST_OK)
		return st;
	char *p = join(d->stage, rel);
	if (!p)
		return status_fail(ST_NOMEM, "out of memory");
	st = tmpfiles_add(p, 0);
	if (st == ST_OK) {
		/* a document worker opens files too: see tmpfiles_create_begin */
		if (tmpfiles_create_begin() != 0) {
			st = status_fail(ST_IO, "%s: not created: the run is being interrupted", p);
		} else {
			st = outstream_open(o, p, flags | OUT_EXCL | OUT_NO_FSYNC);
			tmpfiles_create_end();
		}
	}
	mem_free(p);
	return st;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* After the rename the new name must reach the disk too: fsync DIR's
 * parent (its path found at the start, so nothing can fail for memory
 * once the output is in place). */
static void sync_parent(const outdir *d)
{
	const int fd = open(d->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* The marker, last file of the stage: what --force may replace later. */
static status write_marker(outdir *d)
{
	outstream *o;
	status st = outdir_open(d, MARKER, 0, &o);
	if (st != ST_OK)
		return st;
	outstream_puts(o, MARKER_HEAD);
	pthread_mutex_lock(&d->mu);
	outstream_write(o, d->paths.p, d->paths.len);
	pthread_mutex_unlock(&d->mu);
	return outstream_close(o);
}

/* One syncfs(2) makes every file of the staged folder durable at once,
 * instead of an fsync per file (a run writes hundreds). */
static status sync_stage(const outdir *d)
{
	const int fd = open(d->stage, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return status_fail(ST_IO, "%s: cannot open: %s", d->stage, strerror(errno));
	const int rc = fault_hit(FAULT_SYNC) ? -1 : syncfs(fd);
	const int e = errno;
	close(fd);
	if (rc != 0)
		return status_fail(ST_IO, "%s: cannot sync the output: %s", d->stage, strerror(e));
	return ST_OK;
}

static unsigned share_file_mode = 0600;
static long share_gid = -1;

void outdir_set_share(unsigned file_mode, long gid)
{
	assert((file_mode & 0007) == 0 && (file_mode & 0600) == 0600);
	share_file_mode = file_mode & 0666;
	share_gid = gid;
}

static int sharing(void)
{
	return share_file_mode != 0600 || share_gid >= 0;
}

status outdir_share_path(const char *path)
{
	if (!sharing())
		return ST_OK;
	/* O_NOFOLLOW: a link in the stage is never a way to chmod elsewhere */
	const int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		const int e = errno;
		if (fd >= 0)
			close(fd);
		return status_fail(ST_IO, "%s: cannot share it: %s", path, strerror(e));
	}
	unsigned mode = share_file_mode;
	if (S_ISDIR(sb.st_mode))
		mode |= (mode & 0444) >> 2;   /* x where r: 0640 -> 0750 */
	status st = ST_OK;
	if (share_gid >= 0 && (gid_t)share_gid != sb.st_gid && fchown(fd, (uid_t)-1, (gid_t)share_gid) != 0)
		st = status_fail(ST_IO, "%s: cannot give it to group %ld: %s", path, share_gid, strerror(errno));
	/* after the chown, which may clear set-id bits */
	if (st == ST_OK && fchmod(fd, (mode_t)mode) != 0)
		st = status_fail(ST_IO, "%s: cannot set its mode to %04o: %s", path, mode, strerror(errno));
	close(fd);
	return st;
}

static status share_status;
static int share_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_SL || flag == FTW_SLN)
		return 0;
	share_status = outdir_share_path(path);
	return share_status != ST_OK;
}

static status share_stage(outdir *d)
{
	if (!sharing())
		return ST_OK;
	static pthread_mutex_t once = PTHREAD_MUTEX_INITIALIZER;   /* nftw's callback has no argument */
	pthread_mutex_lock(&once);
	share_status = ST_OK;
	const int rc = nftw(d->stage, share_one, 16, FTW_PHYS);
	status st = share_status;
	pthread_mutex_unlock(&once);
	if (st == ST_OK && rc != 0)
		st = status_fail(ST_IO, "%s: cannot share the output: %s", d->final, strerror(errno));
	return st;
}

status outdir_commit(outdir *d)
{
	status st = write_marker(d);
	if (st == ST_OK)
		st = share_stage(d);
	if (st == ST_OK)
		st = sync_stage(d);
	if (st == ST_OK)
		st = check_final(d, ST_IO);
	if (st != ST_OK)
		return st;
	/* An earlier output is swapped with the stage in one step
	 * (RENAME_EXCHANGE): there is no moment without DIR, and what a kill
	 * leaves is the old output under the stage's name, a leftover the next
	 * sweep removes.  Where the file system cannot swap, the old output is
	 * moved aside first (locked, so no sweep takes it meanwhile). */
	const int replacing = non_empty(d->final) > 0;
	char *old = NULL;
	int old_fd = -1;
	int swapped = 0;
	if (replacing && !fault_hit(FAULT_RENAME)) {
		if (renameat2(AT_FDCWD, d->stage, AT_FDCWD, d->final, RENAME_EXCHANGE) == 0)
			swapped = 1;
		else if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
			return status_fail(ST_IO, "%s: cannot swap in the new output: %s", d->final, strerror(errno));
	} else if (replacing) {
		return status_fail(ST_IO, "%s: cannot swap in the new output: %s", d->final, strerror(errno));
	}
	if (replacing && !swapped) {
		const size_t n = strlen(d->final) + 40;
		old = mem_alloc(n);
		if (!old)
			return status_fail(ST_NOMEM, "out of memory");
		/* the stage's unique suffix makes the aside name unique too */
		snprintf(old, n, "%s.ssrfill-old-%s", d->final, d->stage + strlen(d->stage) - 6);
		old_fd = open(d->final, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (old_fd < 0 || flock(old_fd, LOCK_EX | LOCK_NB) != 0 || rename(d->final, old) != 0) {
			st = status_fail(ST_IO, "%s: cannot move the old output aside: %s",
					 d->final, strerror(errno));
			if (old_fd >= 0)
				close(old_fd);
			mem_free(old);
			return st;
		}
	} else if (!replacing) {
		struct stat sb;
		if (stat(d->final, &sb) == 0 && rmdir(d->final) != 0)
			return status_fail(ST_IO, "%s: cannot replace: %s", d->final, strerror(errno));
	}
	if (!swapped && (fault_hit(FAULT_RENAME) || rename(d->stage, d->final) != 0)) {
		st = status_fail(ST_IO, "%s: cannot rename the output into place: %s",
				 d->final, strerror(errno));
		if (old) {
			rename(old, d->final);
			close(old_fd);
			mem_free(old);
		}
		return st;
	}
	d->committed = 1;
	unlink(d->lock_path);  /* while still holding it: see tmpfiles_lock */
	tmpfiles_forget_all();
	d->lock_fd = -1;
	sync_parent(d);
	/* the old output: under the stage's name after a swap, else aside;
	 * FTW_MOUNT: never into another file system (none was there at the
	 * check, but one could have been mounted since) */
	const char *gone = swapped ? d->stage : old;
	if (gone && nftw(gone, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) != 0)
		st = status_fail(ST_IO, "the new output is in %s, but the old one could not all be removed "
				 "from %s: %s", d->final, gone, strerror(errno));
	if (old) {
		close(old_fd);
		mem_free(old);
	}
	return st;
}

void outdir_free(outdir *d)
{
	if (!d)
		return;
	pthread_mutex_destroy(&d->mu);
	bytebuf_release(&d->paths);
	mem_free(d->final);
	mem_free(d->stage);
	mem_free(d->lock_path);
	mem_free(d->parent);
	mem_free(d);
}
