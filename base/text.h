/*
 * text.h: what every text field of an input is checked for, and the small
 * parsers fields share: valid UTF-8 without NUL bytes, at most
 * TEXT_MAX_MARKS combining marks on one character, blanks around a field,
 * fixed-width digit codes.
 */
#ifndef SSRFILL_TEXT_H
#define SSRFILL_TEXT_H

#include <stddef.h>

/* Offset of the first invalid UTF-8 byte in p[0, n), or n when valid. */
size_t text_invalid_at(const char *p, size_t n);

/* Why p[0, n) cannot be text: "invalid UTF-8", else "contains a NUL byte",
 * else NULL. */
const char *text_fault(const char *p, size_t n);

/* Narrow s[0, *n) to leave out the spaces and tabs around it. */
void text_trim(const char **s, size_t *n);

/* Exactly `digits` ASCII digits: the value, else -1. */
long long text_digits(const char *s, size_t n, size_t digits);

/* Combining marks (Unicode Mn, Mc, Me) allowed on one character in a text
 * field.  Real orthographies use at most three (Vietnamese two: ệ is e,
 * circumflex, dot below; Yoruba and Navajo two; Devanagari and Tibetan
 * stacks three); a longer run is malformed text, and would make shaping
 * the name quadratic in the PDFs (a cluster of 32 K marks takes pango
 * seconds). */
#define TEXT_MAX_MARKS 4

/* The longest run of combining marks after one character (or at the start)
 * in s[0, n), UTF-8 as written (not normalized). */
size_t text_marks_run(const char *s, size_t n);
/* text_marks_run(s, n) > TEXT_MAX_MARKS, without decoding text that
 * cannot hold such a run (the check every row's text columns get). */
int text_too_many_marks(const char *s, size_t n);

#endif
