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
 * Commit: write the marker; one syncfs of the staged folder's file system;
 * re-check DIR; move an old DIR aside to DIR.ssrfill-old-XXXXXX (locked
 * before the move, so no sweeper takes it while it could still be moved
 * back); rename the stage into place; sync the parent; delete the old one.
 * At no moment is there no DIR, and a crash right after exit 0 keeps the
 * output.
 */
#include "outdir.h"
#include "../engine/fault.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/mem.h"
#include "tmpfiles.h"

#define MARKER ".ssrfill-output"
#define MARKER_HEAD "ssrfill output folder 1\n"
#define MAX_TOP 32

struct outdir {
	char *final;
	char *stage;
	char *lock_path;
	char *parent;        /* DIR's parent folder, synced after the rename */
	int lock_fd;
	int force;
	int committed;
	const char *const *inputs;
	char *top[MAX_TOP];  /* top-level entries written, for the marker */
	size_t n_top;
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
static status check_name(const char *path)
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

/* May the existing, non-empty folder d->final be replaced? */
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
	FILE *f = fopen(marker, "re");
	mem_free(marker);
	if (!f)
		return status_fail(failure, "%s was not written by ssrfill run (it has no %s marker); "
				   "--force replaces only an earlier run's output. Choose another --out or empty it yourself",
				   d->final, MARKER);
	char line[64];
	char names[MAX_TOP][64];
	size_t n_names = 0;
	int head = fgets(line, sizeof line, f) && strcmp(line, MARKER_HEAD) == 0;
	while (head && n_names < MAX_TOP && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		memcpy(names[n_names++], line, sizeof line);
	}
	fclose(f);
	if (!head)
		return status_fail(failure, "%s: its %s marker is not ssrfill's; --force will not replace it",
				   d->final, MARKER);
	DIR *dir = opendir(d->final);
	if (!dir)
		return status_fail(failure, "%s: cannot read: %s", d->final, strerror(errno));
	struct dirent *e;
	while ((e = readdir(dir)) != NULL && st == ST_OK) {
		const char *nm = e->d_name;
		if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0 || strcmp(nm, MARKER) == 0)
			continue;
		int known = 0;
		for (size_t i = 0; i < n_names && !known; i++)
			known = strcmp(names[i], nm) == 0;
		if (!known)
			st = status_fail(failure, "%s holds %s, which ssrfill did not write there; "
					 "--force will not replace it. Move it out or choose another --out",
					 d->final, nm);
	}
	closedir(dir);
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
	status st = check_name(path);
	if (st != ST_OK)
		return st;
	outdir *d = mem_calloc(1, sizeof *d);
	if (!d)
		return status_fail(ST_NOMEM, "out of memory");
	d->force = force;
	d->inputs = inputs;
	d->lock_fd = -1;
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

/* Remember rel's first component for the marker. */
static status note_top(outdir *d, const char *rel)
{
	const size_t n = strcspn(rel, "/");
	for (size_t i = 0; i < d->n_top; i++)
		if (strlen(d->top[i]) == n && memcmp(d->top[i], rel, n) == 0)
			return ST_OK;
	if (d->n_top == MAX_TOP || n >= 64)
		return status_fail(ST_INTERNAL, "%s: too many top-level outputs", rel);
	if (!(d->top[d->n_top] = mem_strndup(rel, n)))
		return status_fail(ST_NOMEM, "out of memory");
	d->n_top++;
	return ST_OK;
}

status outdir_mkdir(outdir *d, const char *rel)
{
	status st = note_top(d, rel);
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
	status st = note_top(d, rel);
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

const char *outdir_final_path(const outdir *d)
{
	return d->final;
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
	for (size_t i = 0; i < d->n_top; i++) {
		outstream_puts(o, d->top[i]);
		outstream_putc(o, '\n');
	}
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

status outdir_commit(outdir *d)
{
	status st = write_marker(d);
	if (st == ST_OK)
		st = sync_stage(d);
	if (st == ST_OK)
		st = check_final(d, ST_IO);
	if (st != ST_OK)
		return st;
	char *old = NULL;
	int old_fd = -1;
	struct stat sb;
	if (stat(d->final, &sb) == 0) {
		if (non_empty(d->final) > 0) {
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
		} else if (rmdir(d->final) != 0) {
			return status_fail(ST_IO, "%s: cannot replace: %s", d->final, strerror(errno));
		}
	}
	if (fault_hit(FAULT_RENAME) || rename(d->stage, d->final) != 0) {
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
	if (old) {
		nftw(old, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		close(old_fd);
		mem_free(old);
	}
	return ST_OK;
}

void outdir_free(outdir *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_top; i++)
		mem_free(d->top[i]);
	mem_free(d->final);
	mem_free(d->stage);
	mem_free(d->lock_path);
	mem_free(d->parent);
	mem_free(d);
}
