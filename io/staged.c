/*
 * staged.c: outputs written beside their name and renamed into place (see
 * staged.h).
 *
 * The staged name is NAME.ssrfill-tmp-XXXXXX, made by mkostemp and locked
 * by tmpfiles_mkstemp, so a killed sort leaves a file the next command in
 * that folder recognises as a leftover (its lock is free) and removes.
 */
#include "staged.h"
#include "outdir.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/fault.h"
#include "../base/mem.h"
#include "../base/tmpfiles.h"

static status check_direct(const char *path, const struct stat *sb)
{
	if (S_ISDIR(sb->st_mode))
		return status_fail(ST_USAGE, "%s is a folder; name a file to write", path);
	if (S_ISBLK(sb->st_mode))
		return status_fail(ST_USAGE, "%s is a block device (a disk); refusing to write over it", path);
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
	struct stat sb, lsb;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		const status st = check_direct(path, &sb);
		return st != ST_OK ? st : outstream_open(&sf->o, path, flags);
	}
	/* A symbolic link (/dev/stdout into a file, a link to the real output)
	 * is followed, never replaced: the output is staged beside the file it
	 * leads to and renamed over that.  One planted by another user in a
	 * shared sticky folder is refused (the kernel's protected_symlinks
	 * rule, which may be off). */
	char *resolved = NULL;
	if (lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode)) {
		char *dir = staged_parent(path);
		struct stat dsb;
		const int foreign = dir && stat(dir, &dsb) == 0 && (dsb.st_mode & S_ISVTX) &&
			(dsb.st_mode & S_IWOTH) && lsb.st_uid != geteuid() && lsb.st_uid != dsb.st_uid;
		mem_free(dir);
		if (foreign)
			return status_fail(ST_USAGE, "%s is a symbolic link another user (uid %ld) put in a shared folder; "
					   "refusing to follow it", path, (long)lsb.st_uid);
		resolved = realpath(path, NULL);
		if (!resolved)
			return status_fail(ST_USAGE, "%s is a symbolic link to %s; name the file itself",
					   path, errno == ENOENT ? "nothing" : strerror(errno));
		path = resolved;
	}
	const size_t n = strlen(path) + 24;
	sf->final = mem_strndup(path, strlen(path));
	sf->tmp = mem_alloc(n);
	if (!sf->final || !sf->tmp) {
		free(resolved);
		return status_fail(ST_NOMEM, "out of memory");
	}
	snprintf(sf->tmp, n, "%s.ssrfill-tmp-XXXXXX", path);
	free(resolved);  /* path is not used past here */
	int fd;
	if (tmpfiles_mkstemp(sf->tmp, &fd) != ST_OK)
		return status_fail(ST_IO, "%s: cannot create a file beside it: %s", sf->final, strerror(errno));
	return outstream_open_fd(&sf->o, fd, sf->tmp, flags);
}

status staged_close(staged *sf)
{
	const status st = outstream_close(sf->o);
	sf->o = NULL;
	sf->closed = 1;
	return st;
}

status staged_check_new(const char *flag, const char *path, int force)
{
	struct stat sb, out;
	if (force || strcmp(path, "-") == 0 || strncmp(path, "/dev/", 5) == 0 ||
	    stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return ST_OK;
	/* a name for standard output (a link to /proc/self/fd/1): the shell
	 * made that file for this command */
	if (fstat(STDOUT_FILENO, &out) == 0 && out.st_dev == sb.st_dev && out.st_ino == sb.st_ino)
		return ST_OK;
	return status_fail(ST_USAGE, "%s %s exists: give --force (-f) to replace it, or name a new file",
			   flag, path);
}

status staged_commit(staged *sf)
{
	status st = sf->closed ? ST_OK : staged_close(sf);
	if (st == ST_OK && sf->tmp)
		st = outdir_share_path(sf->tmp);
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

/* "folder/name" with the folder resolved (realpath) into out[PATH_MAX];
 * 0, or -1 when the folder does not resolve.  Stack buffers only: an
 * allocation failure here could only be swallowed. */
static int place_of(const char *path, char *out)
{
	char dir[PATH_MAX];
	const size_t n = strlen(path);
	if (n == 0 || n >= sizeof dir || path[n - 1] == '/')
		return -1;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (!slash) {
		strcpy(dir, ".");
	} else if (slash == path) {
		strcpy(dir, "/");
	} else {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	char real[PATH_MAX];
	if (!realpath(dir, real))
		return -1;
	return snprintf(out, PATH_MAX, "%s/%s", real, base) < PATH_MAX ? 0 : -1;
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
	char pa[PATH_MAX], pb[PATH_MAX];
	return place_of(a, pa) == 0 && place_of(b, pb) == 0 && strcmp(pa, pb) == 0;
}
