/*
 * outdir.h: an output folder that appears whole or not at all (docs/rules.md §13.4).
 *
 *   outdir *d;
 *   st = outdir_begin(&d, "out/run1", force, inputs);  // builds out/run1.ssrfill-tmp-XXXXXX
 *   st = outdir_mkdir(d, "print");
 *   st = outdir_open(d, "print/august.csv.zst", OUT_ZSTD, &o);
 *   ... write, outstream_close(o) ...
 *   st = outdir_commit(d);      // rename into place (replacing with --force)
 *   outdir_free(d);             // frees the handle only; deletes nothing
 *   if (st != ST_OK) tmpfiles_cleanup();   // removes the stage and the lock
 *
 * Without a commit, outdir_free leaves the staged folder, everything made
 * in it and DIR.ssrfill-lock (still locked) on disk, registered with
 * tmpfiles: the command's tmpfiles_cleanup() on failure removes them, as
 * the signal handler does on a termination signal, and after a crash the
 * next sweep of DIR's parent does.  outdir_commit forgets every registered
 * path (tmpfiles_forget_all), so a clean-up after it leaves the output alone.
 *
 * Folders are mode 0700 and files 0600 while they are built; every path is
 * registered with tmpfiles so a signal removes the half-built folder too.
 * An existing non-empty DIR is refused unless force is set, and force
 * replaces only an earlier run's output that holds none of `inputs` (a
 * NULL-terminated list of this run's input paths).  A second run into the
 * same DIR is refused while the first holds it.
 */
#ifndef SSRFILL_OUTDIR_H
#define SSRFILL_OUTDIR_H

#include "../base/status.h"
#include "outstream.h"

typedef struct outdir outdir;

status outdir_begin(outdir **out, const char *path, int force, const char *const *inputs);
/* The checks on --out's name alone ("", ".", "..", "/", a symbolic
 * link), for a command to make before it does anything else. */
status outdir_check_name(const char *path);
status outdir_mkdir(outdir *d, const char *rel);
status outdir_open(outdir *d, const char *rel, int flags, outstream **o);
status outdir_commit(outdir *d);
void outdir_free(outdir *d);

/* Sharing the outputs with a group (`--group`, `--mode`): file_mode is
 * what every file of a committed output folder, and every staged file
 * (staged.c), gets just before it is renamed into place; folders get the
 * same with x where r (0640 -> 0750).  gid >= 0: their group too.  The
 * default, 0600 and gid -1, leaves them as built (0600, folders 0700).
 * The caller refuses a mode with a bit for others.  Not thread-safe: set
 * it once, before any output is opened. */
void outdir_set_share(unsigned file_mode, long gid);
/* Apply the sharing to one path (a file or a folder, never through a
 * symbolic link); ST_OK at once when nothing is shared. */
status outdir_share_path(const char *path);

#endif
