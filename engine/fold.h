/*
 * fold.h: the byte buffer keys are built in, and the cap on combining marks
 * per character of a text field.  (Names are keyed by collate.h.)
 */
#ifndef SSRFILL_FOLD_H
#define SSRFILL_FOLD_H

#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer that keys are built in. */
typedef struct bytebuf {
	uint8_t *p;
	size_t len, cap;
	int oom;      /* sticky: an allocation failed; p holds a prefix */
} bytebuf;

void bytebuf_init(bytebuf *b);
void bytebuf_release(bytebuf *b);
void bytebuf_reserve(bytebuf *b, size_t extra);
void bytebuf_put(bytebuf *b, const void *p, size_t n);

/* Combining marks (Unicode Mn, Mc, Me) allowed on one character in a text
 * field.  Real orthographies use at most three (Vietnamese two: ệ is e,
 * circumflex, dot below; Yoruba and Navajo two; Devanagari and Tibetan
 * stacks three); a longer run is malformed text, and would make shaping
 * the name quadratic in the PDFs (a cluster of 32 K marks takes pango
 * seconds). */
#define FOLD_MAX_MARKS 4

/* The longest run of combining marks after one character (or at the start)
 * in s[0, n), UTF-8 as written (not normalized). */
size_t fold_marks_run(const char *s, size_t n);
/* fold_marks_run(s, n) > FOLD_MAX_MARKS, without decoding text that
 * cannot hold such a run (the check every row's text columns get). */
int fold_too_many_marks(const char *s, size_t n);

#endif
