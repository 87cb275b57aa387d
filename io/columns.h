/*
 * columns.h: matching a CSV header against the columns a file type knows.
 * Names match after trimming spaces and tabs, ignoring ASCII case; unknown
 * columns are ignored; a known column given twice or a required one missing
 * makes the header unusable.
 */
#ifndef SSRFILL_COLUMNS_H
#define SSRFILL_COLUMNS_H

#include <stddef.h>

/* index[k] receives the input column of known[k], or -1.  Returns 0, or -1
 * with a message in err naming the repeated or missing columns, and what
 * the header looks like instead when it looks like something: another
 * separator, another of ssrfill's input files (with its flag), a data row
 * (docs/rules.md §2.5).  A byte
 * order mark (U+FEFF) anywhere in a name is ignored, as spaces around it
 * are: it is what joining exported files leaves, never part of a name. */
int columns_map(const char *const *known, const int *required, int n_known,
		const char *const *names, const size_t *lens, size_t n,
		int *index, char *err, size_t err_cap);

/* What a header holds that a user should hear about: a column no known
 * name matched (ignored, maybe misspelt), or a known one whose name
 * carried a BOM.  Names are shown cut to COLUMN_SHOWN bytes (on a UTF-8
 * boundary, control bytes as '?'). */
#define COLUMN_SHOWN 48
#define COLUMN_NOTES_MAX 32
enum column_note_kind { COLUMN_UNKNOWN, COLUMN_BOM };
typedef struct column_note {
	enum column_note_kind kind;
	size_t column;                  /* 1-based */
	char name[COLUMN_SHOWN + 4];    /* as written, trimmed; "..." when cut */
	const char *did_you_mean;       /* COLUMN_UNKNOWN: the closest known name or NULL */
} column_note;
typedef struct column_notes {
	size_t n;                       /* notes kept, at most COLUMN_NOTES_MAX */
	size_t more;                    /* notes beyond those */
	column_note note[COLUMN_NOTES_MAX];
} column_notes;

/* After a successful columns_map(): the notes of the header, in column
 * order. */
void columns_notes(const char *const *known, int n_known, const int *index,
		   const char *const *names, const size_t *lens, size_t n,
		   column_notes *out);

/* The known name closest to `name` (ignoring case, '_', '-', '.', spaces
 * and BOMs), when close enough to be a likely misspelling; else NULL. */
const char *columns_suggest(const char *const *known, int n_known, const char *name, size_t len);

/* One line for a note: 'column 12 "paper-ssr" is not a column ssrfill knows
 * and is ignored (did you mean paper_ssr?)'. */
void columns_note_text(const column_note *c, char *buf, size_t cap);

/* The known name of input column i (0-based) in a header columns_map()
 * matched: "unknown column" when no known column is there. */
const char *columns_name(const char *const *known, int n_known, const int *index, size_t i);

/* Every field of a record is text (text_fault): 0; else -1 with
 * "column N (name): why" in reason for the first field that is not, and
 * for bytes that look like Latin-1 or Windows-1252 the iconv command that
 * converts the file ("...: invalid UTF-8; it looks like Latin-1 ..."). */
int columns_check_fields(const char *const *known, int n_known, const int *index,
			 const char *const *fields, const size_t *lens, size_t n,
			 char *reason, size_t reason_cap);

#endif
