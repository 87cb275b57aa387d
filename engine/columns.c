/*
 * columns.c: header matching and the field checks every input shares —
 * UTF-8 validity and fixed-width digit codes (see columns.h).
 */
#include "columns.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static void trim_spaces(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

int columns_map(const char *const *known, const int *required, int n_known,
		const char *const *names, const size_t *lens, size_t n,
		int *index, char *err, size_t err_cap)
{
	for (int c = 0; c < n_known; c++)
		index[c] = -1;
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		size_t len = lens[i];
		trim_spaces(&name, &len);
		for (int c = 0; c < n_known; c++) {
			if (strlen(known[c]) != len ||
			    strncasecmp(name, known[c], len) != 0)
				continue;
			if (index[c] >= 0) {
				snprintf(err, err_cap, "column %s appears twice (columns %d and %zu)",
					 known[c], index[c] + 1, i + 1);
				return -1;
			}
			index[c] = (int)i;
		}
	}
	size_t used = 0;
	int missing = 0;
	for (int c = 0; c < n_known; c++) {
		if (!required[c] || index[c] >= 0)
			continue;
		int w = snprintf(err + used, err_cap - used, "%s%s",
				 missing ? ", " : "missing required column(s): ",
				 known[c]);
		if (w > 0 && (size_t)w < err_cap - used)
			used += (size_t)w;
		missing = 1;
	}
	return missing ? -1 : 0;
}

size_t utf8_invalid_at(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0;
	while (i < n) {
		/* eight ASCII bytes at a time */
		if (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (!(w & 0x8080808080808080ull)) {
				i += 8;
				continue;
			}
		}
		const unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t need;
		unsigned lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;     /* overlong */
			else if (c == 0xED)
				hi = 0x9F;     /* surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;     /* above U+10FFFF */
		} else {
			return i;
		}
		if (i + need >= n)
			return i;   /* cut short */
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k <= need; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return i;
		i += need + 1;
	}
	return n;
}

long long columns_digits(const char *s, size_t n, size_t digits)
{
	if (n != digits)
		return -1;
	long long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

