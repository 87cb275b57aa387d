/*
 * fold.c: name folding for the print order (see fold.h).
 *
 * Most names are ASCII, and for ASCII the whole pipeline reduces to "keep
 * [A-Za-z0-9], lower-cased", done inline.  Anything else goes through
 * utf8proc in the order the SPEC gives:
 *
 *   1. utf8proc_decompose(DECOMPOSE | COMPAT | STRIPMARK): NFKD with the
 *      marks (Mn, Mc, Me) dropped, including those the decomposition makes;
 *   2. each code point is case folded alone with
 *      utf8proc_decompose_char(CASEFOLD), the full folding (ß -> ss);
 *   3. only letters (Lu Ll Lt Lm Lo) and decimal digits (Nd) are kept and
 *      encoded back to UTF-8.
 *
 * Folding after dropping marks matters for the odd character: U+0345
 * (a combining mark that case folds to the letter iota) is gone before
 * folding could turn it into a letter, as the SPEC's order says.
 *
 * fold_marks_run() counts combining marks as written, for the cap on marks
 * per character that validation applies before a name is folded or drawn:
 * ASCII bytes are characters, anything else is decoded and its category
 * looked up.
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

static int keep(utf8proc_int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
		return 1;
	default:
		return 0;
	}
}

static void fold_unicode(const char *s, size_t n, bytebuf *out)
{
	utf8proc_int32_t small[256];
	utf8proc_int32_t *cps = small;
	utf8proc_ssize_t cap = 256;
	const int opts = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK;
	utf8proc_ssize_t n_cp;
	for (;;) {
		n_cp = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
					  cps, cap, opts);
		if (n_cp < 0) {
			/* invalid UTF-8 never gets here (rows are checked first);
			 * fall back to the bytes so the order stays total */
			bytebuf_put(out, s, n);
			goto done;
		}
		if (n_cp <= cap)
			break;
		if (cps != small)
			mem_free(cps);
		cap = n_cp;
		cps = mem_alloc((size_t)cap * sizeof *cps);
		if (!cps) {
			out->oom = 1;
			return;
		}
	}
	for (utf8proc_ssize_t i = 0; i < n_cp; i++) {
		utf8proc_int32_t folded[32];
		int bound = 0;
		utf8proc_ssize_t n_f = utf8proc_decompose_char(cps[i], folded, 32,
							       UTF8PROC_CASEFOLD, &bound);
		if (n_f < 0 || n_f > 32) {
			folded[0] = cps[i];
			n_f = 1;
		}
		for (utf8proc_ssize_t k = 0; k < n_f; k++) {
			if (!keep(folded[k]))
				continue;
			bytebuf_reserve(out, 4);
			if (out->oom)
				goto done;
			out->len += (size_t)utf8proc_encode_char(folded[k], out->p + out->len);
		}
	}
done:
	if (cps != small)
		mem_free(cps);
}

void fold_name(const char *s, size_t n, bytebuf *out)
{
	bytebuf_reserve(out, n);
	if (out->oom)
		return;
	for (size_t i = 0; i < n; i++) {
		const unsigned char c = (unsigned char)s[i];
		if (c >= 0x80) {
			fold_unicode(s + i, n - i, out);
			return;
		}
		if (c >= 'A' && c <= 'Z')
			out->p[out->len++] = (uint8_t)(c + ('a' - 'A'));
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out->p[out->len++] = c;
	}
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
