/*
 * progress.h: what a long command is doing right now, for the progress
 * line (SPEC §4) that cli/progress_line.c draws on a terminal.
 *
 * The job names its phase; the reading pipeline counts what it consumed:
 *
 *   progress_phase_file("reading", path);   // total = the file's size
 *   ... progress_add_bytes(n)   per read(2) of the input (instream.c)
 *   ... progress_add_rows(1)    per record (student_reader.c)
 *   progress_phase("sorting");              // totals unknown
 *   progress_phase_rows("writing", n);      // total = n rows
 *   ... progress_add_rows(1)    per row written
 *
 * A phase change starts its counters from zero.  The counters are relaxed
 * atomics: any thread may add, nothing waits, and no call makes a system
 * call (but progress_phase_file's one stat).  Rows are counted per thread
 * in a thread-local batch that reaches the shared counter every
 * PROGRESS_ROW_BATCH rows, so a row costs an add to a thread-local
 * variable; the line may show up to a batch fewer rows per thread than
 * were read, which a display updated ten times a second does not notice.
 * A batch begun in one phase is dropped when it reaches the next.
 *
 * Counting costs the same whether or not anything draws; the drawer takes
 * a consistent-enough snapshot with progress_snapshot().
 */
#ifndef SSRFILL_PROGRESS_H
#define SSRFILL_PROGRESS_H

#include <stdint.h>

#define PROGRESS_ROW_BATCH 1024u

/* name: a string that lives as long as the process (a literal). */
void progress_phase(const char *name);
/* The phase reads the file at path: its size on disk is the total bytes
 * (0, unknown, for standard input, a pipe or a file it cannot stat). */
void progress_phase_file(const char *name, const char *path);
/* The phase handles total_rows rows (0 = unknown). */
void progress_phase_rows(const char *name, uint64_t total_rows);
/* No phase: what the drawer shows is nothing. */
void progress_done(void);

void progress_add_bytes(uint64_t n);

/* The batch of this thread (the names with a trailing _ are only for
 * this inline function). */
extern _Thread_local uint32_t progress_rows_pending_;
void progress_rows_begin_(void);
void progress_rows_flush_(void);
static inline void progress_add_rows(uint32_t n)
{
	if (progress_rows_pending_ == 0)
		progress_rows_begin_();
	if ((progress_rows_pending_ += n) >= PROGRESS_ROW_BATCH)
		progress_rows_flush_();
}

/* The drawer (cli/progress_line.c) notes whether a line is on the
 * terminal: 1 before it draws one (0 back: a termination signal came, do
 * not draw), 0 once it erased it.  A termination signal's handler
 * (tmpfiles.c) calls progress_erase_for_signal, async-signal-safe: it
 * erases a line that shows, so the shell's prompt does not start after
 * it, and no line is drawn after. */
int progress_note_drawn(int shown);
void progress_erase_for_signal(void);

typedef struct progress_snap {
	const char *phase;      /* NULL: no phase */
	uint64_t seq;           /* changes with every phase change */
	double started;         /* clock_now() when the phase began */
	uint64_t bytes, total_bytes;
	uint64_t rows, total_rows;
} progress_snap;

void progress_snapshot(progress_snap *s);

#endif
