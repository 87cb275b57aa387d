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
 * with a message in err naming the repeated or missing columns. */
int columns_map(const char *const *known, const int *required, int n_known,
		const char *const *names, const size_t *lens, size_t n,
		int *index, char *err, size_t err_cap);

/* Offset of the first invalid UTF-8 byte in p[0, n), or n when valid. */
size_t utf8_invalid_at(const char *p, size_t n);

/* Exactly `digits` ASCII digits: the value, else -1. */
long long columns_digits(const char *s, size_t n, size_t digits);

#endif
