/*
 * outdir.h: an output folder that appears whole or not at all (docs/rules.md §13.4).
 *
 *   outdir *d;
 *   st = outdir_begin(&d, "out/run1", force, inputs);  // builds out/run1.ssrfill-tmp-XXXXXX
 *   st = outdir_mkdir(d, "print");
 *   st = outdir_open(d, "print/august.csv.zst", OUT_ZSTD, &o);
 *   ... write, outstream_close(o) ...
 *   st = outdir_commit(d);      // rename into place (replacing with --force)
 *   outdir_free(d);             // without commit: everything is removed
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

#endif
