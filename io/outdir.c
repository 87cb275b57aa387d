/*
 * outdir.c: build beside, rename into place (see outdir.h).
 *
 * The staging folder is DIR.ssrfill-tmp-PID in DIR's parent, so the final
 * rename(2) stays on one file system and is atomic.  With --force an
 * existing DIR is first renamed to DIR.ssrfill-old-PID, the new folder
 * renamed in, and only then is the old one deleted: at no moment is there
 * no DIR.  Everything is made durable before the rename (one syncfs of
 * the staged folder's file system, then the parent folder after the
 * rename), so a crash right after exit 0 keeps the output.
 */
#include "outdir.h"
#include "../engine/fault.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/mem.h"
#include "tmpfiles.h"

struct outdir {
	char *final;
	char *stage;
	int force;
	int committed;
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

status outdir_begin(outdir **out, const char *path, int force)
{
	*out = NULL;
	const int state = non_empty(path);
	if (state < 0)
		return status_fail(ST_USAGE, "%s exists and is not a folder", path);
	if (state > 0 && !force)
		return status_fail(ST_USAGE, "%s exists and is not empty; use --force to replace it", path);
	outdir *d = mem_calloc(1, sizeof *d);
	if (!d)
		return status_fail(ST_NOMEM, "out of memory");
	d->force = force;
	d->final = mem_strndup(path, strlen(path));
	const size_t n = strlen(path) + 40;
	d->stage = mem_alloc(n);
	if (!d->final || !d->stage) {
		outdir_free(d);
		return status_fail(ST_NOMEM, "out of memory");
	}
	/* drop trailing slashes so the stage sits beside DIR, not inside it */
	size_t len = strlen(d->final);
	while (len > 1 && d->final[len - 1] == '/')
		d->final[--len] = '\0';
	snprintf(d->stage, n, "%s.ssrfill-tmp-%ld", d->final, (long)getpid());
	status st = tmpfiles_add(d->stage, 1);
	if (st == ST_OK && (fault_hit(FAULT_OPEN) || mkdir(d->stage, 0700) != 0)) {
		st = status_fail(ST_IO, "%s: cannot create the output folder: %s",
				 d->stage, strerror(errno));
		tmpfiles_forget(d->stage);
	}
	if (st != ST_OK) {
		outdir_free(d);
		return st;
	}
	*out = d;
	return ST_OK;
}

status outdir_mkdir(outdir *d, const char *rel)
{
	char *p = join(d->stage, rel);
	if (!p)
		return status_fail(ST_NOMEM, "out of memory");
	/* registered first: a folder that exists unregistered would keep the
	 * staged folder from being removed */
	status st = tmpfiles_add(p, 1);
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
	char *p = join(d->stage, rel);
	if (!p)
		return status_fail(ST_NOMEM, "out of memory");
	status st = tmpfiles_add(p, 0);
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

/* Best effort: the output is in place already.  `copy` is the final path,
 * allocated before the rename so that nothing can fail after it. */
static void sync_parent(char *copy)
{
	const int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	mem_free(copy);
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
	char *old = NULL;
	const status synced = sync_stage(d);
	if (synced != ST_OK)
		return synced;
	struct stat st;
	if (stat(d->final, &st) == 0) {
		if (non_empty(d->final) > 0) {
			const size_t n = strlen(d->final) + 40;
			old = mem_alloc(n);
			if (!old)
				return status_fail(ST_NOMEM, "out of memory");
			snprintf(old, n, "%s.ssrfill-old-%ld", d->final, (long)getpid());
			if (rename(d->final, old) != 0) {
				status s = status_fail(ST_IO, "%s: cannot move the old output aside: %s",
						       d->final, strerror(errno));
				mem_free(old);
				return s;
			}
		} else if (rmdir(d->final) != 0) {
			return status_fail(ST_IO, "%s: cannot replace: %s", d->final, strerror(errno));
		}
	}
	char *parent = mem_strndup(d->final, strlen(d->final));
	if (!parent || fault_hit(FAULT_RENAME) || rename(d->stage, d->final) != 0) {
		status s = parent ? status_fail(ST_IO, "%s: cannot rename the output into place: %s",
						d->final, strerror(errno))
				  : status_fail(ST_NOMEM, "out of memory");
		mem_free(parent);
		if (old) {
			rename(old, d->final);
			mem_free(old);
		}
		return s;
	}
	d->committed = 1;
	tmpfiles_forget_all();
	sync_parent(parent);
	if (old) {
		nftw(old, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		mem_free(old);
	}
	return ST_OK;
}

void outdir_free(outdir *d)
{
	if (!d)
		return;
	mem_free(d->final);
	mem_free(d->stage);
	mem_free(d);
}
