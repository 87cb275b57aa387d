/*
 * staged.h: one output file written beside its name and renamed into
 * place at the end (sort's and gen's outputs), and the checks that keep
 * an output from destroying anything.
 *
 *   staged sf;
 *   st = staged_open(&sf, "sorted.csv", flags);   // sorted.csv.ssrfill-tmp-XXXXXX
 *   ... outstream_write(sf.o, ...) ...
 *   st = staged_commit(&sf);    // close, rename over sorted.csv
 *   staged_release(&sf);        // without commit: the staged file goes
 *
 * Only a regular file (or a new one) is staged and renamed over.  "-", a
 * FIFO, a character device (/dev/null, a terminal) or what /dev/stdout
 * leads to are written to directly and never removed or replaced.  A FIFO,
 * socket or device owned by another user is refused: in a sticky /tmp it
 * could be a trap that streams every row to someone else.  A committed
 * file gets the sharing of outdir_set_share (--group, --mode).
 */
#ifndef SSRFILL_STAGED_H
#define SSRFILL_STAGED_H

#include "../base/status.h"
#include "outstream.h"

typedef struct staged {
	outstream *o;
	char *final;  /* NULL when written directly */
	char *tmp;
	int closed;
} staged;

/* The one overwrite rule of every command's outputs: an existing file
 * named by `flag` ("--out") is refused, ST_USAGE naming both, unless
 * force.  "-", a FIFO or device, what a /dev/ name leads to
 * (/dev/stdout) and the file standard output is (a link to
 * /proc/self/fd/1) are streams, never refused. */
status staged_check_new(const char *flag, const char *path, int force);

/* ST_USAGE when path cannot be an output (a folder, someone else's FIFO). */
status staged_open(staged *sf, const char *path, int flags);
/* Flush and close (the file stays staged): several outputs are closed
 * first and renamed after, so a full disk replaces none of them. */
status staged_close(staged *sf);
status staged_commit(staged *sf);
void staged_release(staged *sf);

/* Nonzero when a and b name the same file (same device and inode), or,
 * when either does not exist yet, the same place (same folder and name). */
int staged_same_file(const char *a, const char *b);

/* The folder a path's file is in ("." for a bare name), mem_alloc'ed. */
char *staged_parent(const char *path);

#endif
