/*
 * leas_reader.h: the LEA directory file (`--leas`, docs/rules.md §16.1)
 * into an engine/leadir.h directory, as orders_reader.h reads orders.
 *
 *   leas_counts n;
 *   st = leas_read(path, dir, rejects, &n, on_note, arg);
 *
 * The header is mapped like the other inputs' (unknown columns are notes,
 * a missing required column or a repeated one makes the file unusable,
 * ST_BADINPUT naming file and line); each row is judged by the rules of
 * §16.1 and either added or written to `rejects` with its line and the
 * column and reason.  A file that cannot be opened or read is ST_IO.
 */
#ifndef SSRFILL_LEAS_READER_H
#define SSRFILL_LEAS_READER_H

#include <stdint.h>

#include "../engine/leadir.h"
#include "../io/columns.h"
#include "../io/outstream.h"

typedef struct leas_counts {
	uint64_t rows, accepted, rejected;
	uint64_t first_line;          /* the first rejected row's line, 0 when none */
	char first_reason[256];       /* and why */
} leas_counts;

/* *notes gets the header's notes (unknown columns, BOMs) for warnings. */
status leas_read(const char *path, leadir *dir, outstream *rejects, leas_counts *n,
		 column_notes *notes);

#endif
