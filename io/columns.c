/*
 * columns.c: header matching and the field checks every input shares —
 * the name of a column, blanks around a field, UTF-8 validity and NUL
 * bytes, fixed-width digit codes (see columns.h).
 *
 * Suggestions for unknown columns: both names are reduced to their ASCII
 * letters and digits, lower-cased (so paper-ssr, Paper SSR and paper_ssr
 * are one), then compared by optimal string alignment distance
 * (Damerau-Levenshtein without repeated edits of a substring: a swapped
 * pair of letters costs 1).  A known name is suggested when the distance
 * is at most 1 for names of up to 4 characters and 2 beyond, or when the
 * shorter name (3 characters or more) is a subsequence of the longer one
 * (ssr_lang in ssr_language, address1 in address_line1: abbreviations); the
 * smallest distance wins, ties go to the earlier known column.
 *
 * A header missing a required column is looked at once more, to say what
 * it is instead (docs/rules.md §2.5): one column of known names joined by
 * ';', a tab or '|' is another separator; two or more names of another of
 * ssrfill's files (file_kinds[]) that this one does not know name that
 * file and its flag; no known name at all and a column of digits is a
 * data row where the header belongs.  A field that is not UTF-8 gets the
 * iconv command for the character set it looks like (io/sniff.h).
 */
#include "columns.h"
#include "../base/text.h"
#include "sniff.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char bom[3] = { '\xEF', '\xBB', '\xBF' };

static int has_bom(const char *s, size_t n)
{
	return memmem(s, n, bom, 3) != NULL;
}

/* The name without BOMs into buf (names longer than buf match nothing a
 * file knows, so they are left as they are). */
static void drop_boms(const char **s, size_t *n, char *buf, size_t cap)
{
	if (*n > cap || !has_bom(*s, *n))
		return;
	size_t k = 0;
	for (size_t i = 0; i < *n;) {
		if (i + 3 <= *n && memcmp(*s + i, bom, 3) == 0) {
			i += 3;
			continue;
		}
		buf[k++] = (*s)[i++];
	}
	*s = buf;
	*n = k;
}

/* name (as written in a header: spaces and tabs around it and BOMs in it
 * do not count, nor ASCII case) is `want`. */
static int name_is(const char *name, size_t len, const char *want)
{
	char buf[64];
	drop_boms(&name, &len, buf, sizeof buf);
	text_trim(&name, &len);
	return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

static int in_list(const char *const *list, int n, const char *name, size_t len)
{
	for (int c = 0; c < n; c++)
		if (name_is(name, len, list[c]))
			return 1;
	return 0;
}

/*
 * The files a user can give ssrfill in the wrong place, by their columns
 * (docs/rules.md §3.1, §4.1, §16.1, and the rejects files of §3.3): a
 * header that misses required columns is compared with each, and the one
 * it matches best, by columns this file type does not know, is named.
 * tests/test_columns.c checks these lists against the engine's tables.
 */
#define KIND_COLUMNS_MAX 20
static const struct file_kind {
	const char *what;
	const char *todo;
	int n;
	const char *col[KIND_COLUMNS_MAX];
} file_kinds[] = {
	{ "a score reports file", "is it --students?", 19,
	  { "ssid", "lea_code", "lea_name", "school_code", "school_name", "grade", "last_name",
	    "first_name", "middle_name", "report", "primary_language", "ssr_language", "paper_ssr",
	    "guardian_name", "address_line1", "address_line2", "city", "state", "zip" } },
	{ "an orders file", "is it --orders?", 8,
	  { "lea_code", "school_code", "program", "envelopes", "paper_size", "po_number",
	    "ordered_on", "cancelled_on" } },
	{ "an LEA directory", "is it --leas?", 9,
	  { "lea_code", "ship_to_name", "attention", "address1", "address2", "city", "state", "zip",
	    "phone" } },
	{ "a rejects file ssrfill wrote", "give the input file itself, not its rejects", 3,
	  { "line", "reason", "raw" } },
};

/* Append to err[used, cap) as snprintf would; the new used. */
static size_t append(char *err, size_t cap, size_t used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static size_t append(char *err, size_t cap, size_t used, const char *fmt, ...)
{
	if (used >= cap)
		return used;
	va_list ap;
	va_start(ap, fmt);
	const int w = vsnprintf(err + used, cap - used, fmt, ap);
	va_end(ap);
	if (w < 0)
		return used;
	return (size_t)w < cap - used ? used + (size_t)w : cap - 1;
}

/* A header that is one column holding known names joined by ';', a tab or
 * '|': the separator, and err rewritten to say so.  Returns 1 when found. */
static int wrong_separator(const char *const *known, int n_known, const char *const *names,
			   const size_t *lens, size_t n, char *err, size_t cap)
{
	static const char seps[] = { ';', '\t', '|' };
	for (size_t i = 0; i < n; i++)
		for (size_t s = 0; s < sizeof seps; s++) {
			const char *p = names[i], *end = names[i] + lens[i];
			if (!memchr(p, seps[s], lens[i]))
				continue;
			const char *found[4];
			int hits = 0, more = 0;
			while (p <= end) {
				const char *q = memchr(p, seps[s], (size_t)(end - p));
				if (!q)
					q = end;
				const char *hit = NULL;
				for (int c = 0; c < n_known && !hit; c++)
					if (name_is(p, (size_t)(q - p), known[c]))
						hit = known[c];
				for (size_t k = 0; k < sizeof file_kinds / sizeof file_kinds[0] && !hit; k++)
					for (int c = 0; c < file_kinds[k].n && !hit; c++)
						if (name_is(p, (size_t)(q - p), file_kinds[k].col[c]))
							hit = file_kinds[k].col[c];
				if (hit && hits < 4)
					found[hits++] = hit;
				else if (hit)
					more = 1;
				p = q + 1;
			}
			if (hits < 2)
				continue;
			const char *const sep_name = seps[s] == '\t' ? "tabs" : seps[s] == ';' ? "';'" : "'|'";
			size_t used = append(err, cap, 0, "the file is separated by %s not ',': column %zu of "
					     "the header holds the names ", sep_name, i + 1);
			for (int h = 0; h < hits; h++)
				used = append(err, cap, used, "%s%s", h ? ", " : "", found[h]);
			append(err, cap, used, "%s; save it again as comma-separated CSV (in Excel: "
			       "\"CSV UTF-8 (Comma delimited)\")", more ? ", ..." : "");
			return 1;
		}
	return 0;
}

/* After "missing required column(s): ...": what the header looks like
 * instead, when it looks like something: another separator, another of
 * the files ssrfill reads, or a first row of data where the header
 * belongs.  No field's text is repeated, only known names. */
static void diagnose(const char *const *known, int n_known, const char *const *names,
		     const size_t *lens, size_t n, char *err, size_t cap, size_t used)
{
	if (wrong_separator(known, n_known, names, lens, n, err, cap))
		return;
	const size_t n_kinds = sizeof file_kinds / sizeof file_kinds[0];
	size_t best = n_kinds;
	int best_score = 1;   /* two columns at least */
	for (size_t k = 0; k < n_kinds; k++) {
		const struct file_kind *fk = &file_kinds[k];
		int score = 0;
		for (size_t i = 0; i < n; i++)
			score += in_list(fk->col, fk->n, names[i], lens[i]) &&
				 !in_list(known, n_known, names[i], lens[i]);
		if (score > best_score) {
			best = k;
			best_score = score;
		}
	}
	if (best < n_kinds) {
		const struct file_kind *fk = &file_kinds[best];
		used = append(err, cap, used, "; this looks like %s (it has ", fk->what);
		int shown = 0;
		for (size_t i = 0; i < n; i++)
			for (int c = 0; c < fk->n; c++)
				if (name_is(names[i], lens[i], fk->col[c])) {
					if (shown < 4)
						used = append(err, cap, used, "%s%s", shown ? ", " : "", fk->col[c]);
					else if (shown == 4)
						used = append(err, cap, used, ", ...");
					shown++;
				}
		append(err, cap, used, "): %s", fk->todo);
		return;
	}
	/* no name a file of ssrfill has, and a code where a name belongs */
	int any_known = 0, digits = 0;
	for (size_t i = 0; i < n && !any_known; i++) {
		any_known = in_list(known, n_known, names[i], lens[i]);
		for (size_t k = 0; k < n_kinds && !any_known; k++)
			any_known = in_list(file_kinds[k].col, file_kinds[k].n, names[i], lens[i]);
		const char *s = names[i];
		size_t len = lens[i];
		text_trim(&s, &len);
		size_t d = 0;
		while (d < len && s[d] >= '0' && s[d] <= '9')
			d++;
		digits |= len > 0 && d == len;
	}
	if (!any_known && digits)
		append(err, cap, used, "; the first line looks like a row of data, not a header: "
		       "put the header line (the column names) first");
}

int columns_map(const char *const *known, const int *required, int n_known,
		const char *const *names, const size_t *lens, size_t n,
		int *index, char *err, size_t err_cap)
{
	for (int c = 0; c < n_known; c++)
		index[c] = -1;
	char buf[64];
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		size_t len = lens[i];
		drop_boms(&name, &len, buf, sizeof buf);
		text_trim(&name, &len);
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
	if (missing)
		diagnose(known, n_known, names, lens, n, err, err_cap, used);
	return missing ? -1 : 0;
}

/* ASCII letters and digits of s, lower-cased, at most cap. */
static size_t squeeze(const char *s, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k < cap; i++) {
		const char c = s[i];
		if (c >= 'A' && c <= 'Z')
			out[k++] = (char)(c - 'A' + 'a');
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[k++] = c;
	}
	return k;
}

#define SQUEEZED 32

/* Optimal string alignment distance of a[0,na) and b[0,nb), both at most
 * SQUEEZED long. */
static size_t osa_distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t d[SQUEEZED + 1][SQUEEZED + 1];
	for (size_t i = 0; i <= na; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= na; i++)
		for (size_t j = 1; j <= nb; j++) {
			const size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[na][nb];
}

static int subsequence(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0;
	for (size_t j = 0; j < nb && i < na; j++)
		if (a[i] == b[j])
			i++;
	return i == na;
}

const char *columns_suggest(const char *const *known, int n_known, const char *name, size_t len)
{
	char a[SQUEEZED], b[SQUEEZED];
	if (len > 4 * SQUEEZED)
		return NULL;
	const size_t na = squeeze(name, len, a, sizeof a);
	if (na == 0 || na == sizeof a)
		return NULL;
	const char *best = NULL;
	size_t best_d = SIZE_MAX;
	for (int c = 0; c < n_known; c++) {
		const size_t nb = squeeze(known[c], strlen(known[c]), b, sizeof b);
		const size_t d = osa_distance(a, na, b, nb);
		const size_t shorter = na < nb ? na : nb;
		const int close = d <= (shorter <= 4 ? 1u : 2u) ||
			(shorter >= 3 && (na < nb ? subsequence(a, na, b, nb) : subsequence(b, nb, a, na)));
		if (close && d < best_d) {
			best = known[c];
			best_d = d;
		}
	}
	return best;
}

/* name cut to COLUMN_SHOWN bytes on a UTF-8 boundary, control bytes as '?' */
static void show_name(char *out, const char *s, size_t n)
{
	size_t k = n;
	if (k > COLUMN_SHOWN) {
		k = COLUMN_SHOWN;
		while (k && ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
	}
	for (size_t i = 0; i < k; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7F || s[i] == '"' ? '?' : s[i];
	memcpy(out + k, k < n ? "..." : "", k < n ? 4 : 1);
}

/* The known column matched to input column i, or -1. */
static int known_at(int n_known, const int *index, size_t i)
{
	for (int c = 0; c < n_known; c++)
		if (index[c] == (int)i)
			return c;
	return -1;
}

const char *columns_name(const char *const *known, int n_known, const int *index, size_t i)
{
	const int k = known_at(n_known, index, i);
	return k >= 0 ? known[k] : "unknown column";
}

void columns_notes(const char *const *known, int n_known, const int *index,
		   const char *const *names, const size_t *lens, size_t n,
		   column_notes *out)
{
	memset(out, 0, offsetof(column_notes, note));
	for (size_t i = 0; i < n; i++) {
		const int k = known_at(n_known, index, i);
		if (k >= 0 && !has_bom(names[i], lens[i]))
			continue;
		if (out->n == COLUMN_NOTES_MAX) {
			out->more++;
			continue;
		}
		column_note *c = &out->note[out->n++];
		const char *name = names[i];
		size_t len = lens[i];
		text_trim(&name, &len);
		c->column = i + 1;
		if (k >= 0) {
			c->kind = COLUMN_BOM;
			snprintf(c->name, sizeof c->name, "%s", known[k]);
			c->did_you_mean = NULL;
		} else {
			c->kind = COLUMN_UNKNOWN;
			show_name(c->name, name, len);
			c->did_you_mean = columns_suggest(known, n_known, name, len);
		}
	}
}

void columns_note_text(const column_note *c, char *buf, size_t cap)
{
	if (c->kind == COLUMN_BOM)
		snprintf(buf, cap, "column %zu (%s): a byte order mark (U+FEFF) in the name is ignored",
			 c->column, c->name);
	else if (!c->name[0])
		snprintf(buf, cap, "column %zu has no name and is ignored", c->column);
	else if (c->did_you_mean)
		snprintf(buf, cap, "column %zu \"%s\" is not a column ssrfill knows and is ignored "
			 "(did you mean %s?)", c->column, c->name, c->did_you_mean);
	else
		snprintf(buf, cap, "column %zu \"%s\" is not a column ssrfill knows and is ignored",
			 c->column, c->name);
}

int columns_check_fields(const char *const *known, int n_known, const int *index,
			 const char *const *fields, const size_t *lens, size_t n,
			 char *reason, size_t reason_cap)
{
	for (size_t i = 0; i < n; i++) {
		const char *why = text_fault(fields[i], lens[i]);
		if (why) {
			/* the likely charset, said in the reason: the rows go to
			 * the rejects file, where the fix is looked for */
			const char *charset = text_invalid_at(fields[i], lens[i]) < lens[i]
				? sniff_charset(fields[i], lens[i]) : NULL;
			char advice[160] = "";
			if (charset) {
				advice[0] = ';';
				advice[1] = ' ';
				sniff_iconv_advice(charset, advice + 2, sizeof advice - 2);
			}
			snprintf(reason, reason_cap, "column %zu (%s): %s%s", i + 1,
				 columns_name(known, n_known, index, i), why, advice);
			return -1;
		}
	}
	return 0;
}

