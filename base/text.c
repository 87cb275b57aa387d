/*
 * text.c: the checks every text field gets and the small field parsers
 * (see text.h).
 *
 * text_marks_run() counts combining marks as written, for the cap on marks
 * per character that validation applies before a name is keyed or drawn:
 * ASCII bytes are characters, anything else is decoded and its category
 * looked up (utf8proc).
 */
#include "text.h"

#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

void text_trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

size_t text_invalid_at(const char *p, size_t n)
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

const char *text_fault(const char *p, size_t n)
{
	if (text_invalid_at(p, n) < n)
		return "invalid UTF-8";
	return memchr(p, '\0', n) ? "contains a NUL byte" : NULL;
}

long long text_digits(const char *s, size_t n, size_t digits)
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

int text_too_many_marks(const char *s, size_t n)
{
	/* Every combining mark is U+0300 or above, two bytes or more of
	 * UTF-8, so a run of more than TEXT_MAX_MARKS needs a stretch of
	 * 2 * (TEXT_MAX_MARKS + 1) non-ASCII bytes.  Names nearly never have
	 * one (a Vietnamese syllable has 3, a Hangul name 9): the bytes are
	 * scanned and nothing is decoded. */
	if (n < 2 * (TEXT_MAX_MARKS + 1))
		return 0;  /* too short to hold such a run: most names, every zip */
	const unsigned char *p = (const unsigned char *)s;
	size_t stretch = 0, i = 0;
	while (i < n) {
		uint64_t w;
		if (n - i >= 8 && (memcpy(&w, p + i, 8), (w & UINT64_C(0x8080808080808080)) == 0)) {
			stretch = 0;  /* eight ASCII bytes at once: most text is */
			i += 8;
			continue;
		}
		stretch = p[i] < 0x80 ? 0 : stretch + 1;
		if (stretch >= 2 * (TEXT_MAX_MARKS + 1))
			return text_marks_run(s, n) > TEXT_MAX_MARKS;
		i++;
	}
	return 0;
}

size_t text_marks_run(const char *s, size_t n)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t run = 0, longest = 0, i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			run = 0;
			i++;
			continue;
		}
		utf8proc_int32_t cp;
		const utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0) {
			run = 0;  /* invalid UTF-8: the caller rejects it for that */
			i++;
			continue;
		}
		i += (size_t)k;
		switch (utf8proc_category(cp)) {
		case UTF8PROC_CATEGORY_MN:
		case UTF8PROC_CATEGORY_MC:
		case UTF8PROC_CATEGORY_ME:
			if (++run > longest)
				longest = run;
			break;
		default:
			run = 0;
		}
	}
	return longest;
}
