/*
 * fold.c: the byte buffer keys are built in, and the count of combining
 * marks per character that validation caps (see fold.h).
 *
 * fold_marks_run() counts combining marks as written, for the cap on marks
 * per character that validation applies before a name is keyed or drawn:
 * ASCII bytes are characters, anything else is decoded and its category
 * looked up (utf8proc).
 */
#include "fold.h"

#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "mem.h"

void bytebuf_init(bytebuf *b)
{
	memset(b, 0, sizeof *b);
}

void bytebuf_release(bytebuf *b)
{
	mem_free(b->p);
	bytebuf_init(b);
}

void bytebuf_reserve(bytebuf *b, size_t extra)
{
	if (b->len + extra <= b->cap || b->oom)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra)
		cap *= 2;
	uint8_t *p = mem_realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		return;
	}
	b->p = p;
	b->cap = cap;
}

void bytebuf_put(bytebuf *b, const void *p, size_t n)
{
	if (n == 0)  /* b->p may still be NULL: no NULL + 0, no memcpy from it */
		return;
	bytebuf_reserve(b, n);
	if (b->oom)
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

int fold_too_many_marks(const char *s, size_t n)
{
	/* Every combining mark is U+0300 or above, two bytes or more of
	 * UTF-8, so a run of more than FOLD_MAX_MARKS needs a stretch of
	 * 2 * (FOLD_MAX_MARKS + 1) non-ASCII bytes.  Names nearly never have
	 * one (a Vietnamese syllable has 3, a Hangul name 9): the bytes are
	 * scanned and nothing is decoded. */
	if (n < 2 * (FOLD_MAX_MARKS + 1))
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
		if (stretch >= 2 * (FOLD_MAX_MARKS + 1))
			return fold_marks_run(s, n) > FOLD_MAX_MARKS;
		i++;
	}
	return 0;
}

size_t fold_marks_run(const char *s, size_t n)
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
