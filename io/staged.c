/*
 * staged.c: outputs written beside their name and renamed into place (see
 * staged.h).
 *
 * The staged name is NAME.ssrfill-tmp-XXXXXX, made by mkostemp and locked
 * by tmpfiles_mkstemp, so a killed sort leaves a file the next command in
 * that folder recognises as a leftover (its lock is free) and removes.
 */
#include "staged.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../engine/fault.h"
#include "../engine/mem.h"
#include "tmpfiles.h"

static status check_direct(const char *path, const struct stat *sb)
{
	if (S_ISDIR(sb->st_mode))
		return status_fail(ST_USAGE, "%s is a folder; name a file to write", path);
	if (sb->st_uid != geteuid() && sb->st_uid != 0)
		return status_fail(ST_USAGE,
				   "%s is a %s owned by another user (uid %ld); refusing to write student data to it",
				   path, S_ISFIFO(sb->st_mode) ? "FIFO" : S_ISSOCK(sb->st_mode) ? "socket" : "device",
				   (long)sb->st_uid);
	return ST_OK;
}

status staged_open(staged *sf, const char *path, int flags)
{
	sf->o = NULL;
	sf->final = sf->tmp = NULL;
	if (!*path)
		return status_fail(ST_USAGE, "an output file name is empty");
	if (strcmp(path, "-") == 0)
		return outstream_open(&sf->o, path, flags);
	struct stat sb;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		const status st = check_direct(path, &sb);
		return st != ST_OK ? st : outstream_open(&sf->o, path, flags);
	}
	const size_t n = strlen(path) + 24;
	sf->final = mem_strndup(path, strlen(path));
	sf->tmp = mem_alloc(n);
	if (!sf->final || !sf->tmp)
		return status_fail(ST_NOMEM, "out of memory");
	snprintf(sf->tmp, n, "%s.ssrfill-tmp-XXXXXX", path);
	int fd;
	if (tmpfiles_mkstemp(sf->tmp, &fd) != ST_OK)
		return status_fail(ST_IO, "%s: cannot create a file beside it: %s", path, strerror(errno));
	return outstream_open_fd(&sf->o, fd, sf->tmp, flags);
}

status staged_close(staged *sf)
{
	const status st = outstream_close(sf->o);
	sf->o = NULL;
	sf->closed = 1;
	return st;
}

status staged_commit(staged *sf)
{
	status st = sf->closed ? ST_OK : staged_close(sf);
	if (st == ST_OK && sf->tmp && (fault_hit(FAULT_RENAME) || rename(sf->tmp, sf->final) != 0))
		st = status_fail(ST_IO, "%s: cannot rename into place: %s", sf->final, strerror(errno));
	if (st == ST_OK && sf->tmp)
		tmpfiles_forget(sf->tmp);
	return st;
}

void staged_release(staged *sf)
{
	if (sf->o)
		outstream_abort(sf->o);
	sf->o = NULL;
	mem_free(sf->final);
	mem_free(sf->tmp);
	sf->final = sf->tmp = NULL;
}

char *staged_parent(const char *path)
{
	char *copy = mem_strndup(path, strlen(path));
	if (!copy)
		return NULL;
	char *d = dirname(copy);  /* may point into copy, or at "." */
	char *out = mem_strndup(d, strlen(d));
	mem_free(copy);
	return out;
}

/* "folder/name" with the folder resolved (realpath), mem_alloc'ed; NULL
 * when the folder does not resolve. */
static char *place_of(const char *path)
{
	char *dir = staged_parent(path);
	char *copy = mem_strndup(path, strlen(path));
	char *out = NULL;
	if (dir && copy) {
		char *real = realpath(dir, NULL);
		const char *base = basename(copy);
		if (real) {
			const size_t n = strlen(real) + strlen(base) + 2;
			out = mem_alloc(n);
			if (out)
				snprintf(out, n, "%s/%s", real, base);
			free(real);
		}
	}
	mem_free(dir);
	mem_free(copy);
	return out;
}

int staged_same_file(const char *a, const char *b)
{
	if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
		return 0;
	struct stat sa, sb;
	const int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
	if (ea && eb)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino &&
		       !S_ISCHR(sa.st_mode);  /* /dev/null twice is fine */
	if (ea != eb)
		return 0;
	char *pa = place_of(a), *pb = place_of(b);
	const int same = pa && pb && strcmp(pa, pb) == 0;
	mem_free(pa);
	mem_free(pb);
	return same;
}
