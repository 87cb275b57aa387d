/*
 * config_ini.c: the configuration file, read with inih and written in the
 * same INI form (see config_ini.h for the format, key by key).
 *
 *   config_defaults(&c);
 *   st = config_load(&c, path);     // then config_check(&c, path)
 *   config_write_ini(&c, out);
 *
 * One table lists every section and key with its kind and where it lives in
 * the struct; the reader and the writer both walk it, so a key cannot be
 * readable and not written or the other way round.
 *
 * inih reports an error only as a line number, and its handler is not told
 * the line.  So config_load() hands inih its lines through its own reader
 * (ini_parse_stream), which counts them: the handler then knows the line of
 * the pair it is given and can say "line 7: unknown key 'colour' in [box]".
 * The reader also
 *   - strips leading blanks, so an indented line is never taken for a
 *     continuation of the previous value (inih's multi-line values) and the
 *     file means the same whatever options libinih was built with;
 *   - refuses a line longer than inih's buffer or holding a NUL byte,
 *     instead of letting inih cut it in two, except that a comment (a
 *     line starting with # or ;, or " ;" after a value) may be as long
 *     as it likes: its tail is dropped;
 *   - checks a [section] header when it is read, so an unknown section is
 *     named at its own line even when no key follows it;
 *   - stops the parse (returns NULL) at the first error the handler or the
 *     reader found.
 * A line inih cannot parse (neither a [section], a key = value pair nor a
 * comment) makes ini_parse_stream() return its number; whichever error came
 * first in the file is the one reported.
 *
 * Values are parsed by hand: prices as dollars and cents in integers (never
 * through a double, so 1.48 is exactly 148 cents), weights as integers.  The
 * file is applied to a copy of the config, which replaces the caller's only
 * when the whole file is good.
 */
#include "config_ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "../base/calendar.h"
#include "../base/text.h"
#include "../io/sniff.h"

/* K_CODE: text like K_TEXT, kept in ASCII capitals (a state, CA) whatever
 * case the file writes it in. */
enum key_kind { K_ADMIN_YEAR, K_BOOL, K_PRICE, K_MMDD, K_LANGS, K_MG, K_TEXT, K_CODE, K_DAYS };

typedef struct key_def {
	const char *name;
	enum key_kind kind;
	size_t offset;          /* in the section's struct */
	size_t size;            /* K_TEXT: its buffer */
} key_def;

#define PROGRAM_KEY(name, kind) { #name, kind, offsetof(program_config, name), 0 }
#define BOX_KEY(name, kind) { #name, kind, offsetof(box_config, name), 0 }

static const key_def top_keys[] = {
	{ "admin_year", K_ADMIN_YEAR, offsetof(config, admin_year), 0 },
};

static const key_def program_keys[] = {
	PROGRAM_KEY(available, K_BOOL),
	{ "set_price", K_PRICE, offsetof(program_config, set_price_cents), 0 },
	{ "envelope_set_price", K_PRICE, offsetof(program_config, envelope_set_price_cents), 0 },
	{ "order_deadline", K_MMDD, offsetof(program_config, order_deadline_mmdd), 0 },
	{ "cancel_deadline", K_MMDD, offsetof(program_config, cancel_deadline_mmdd), 0 },
	PROGRAM_KEY(languages, K_LANGS),
};

static const key_def box_keys[] = {
	BOX_KEY(max_gross_mg, K_MG),
	BOX_KEY(tare_mg, K_MG),
	BOX_KEY(letter_sheet_mg, K_MG),
	BOX_KEY(tabloid_sheet_mg, K_MG),
	BOX_KEY(divider_mg, K_MG),
	BOX_KEY(envelope_10_mg, K_MG),
	BOX_KEY(envelope_6x9_mg, K_MG),
	BOX_KEY(keep_schools_together, K_BOOL),
};

#define SHIPPER_KEY(name, kind) { #name, kind, offsetof(shipper_config, name), \
				   sizeof(((shipper_config *)0)->name) }

static const key_def shipper_keys[] = {
	SHIPPER_KEY(name, K_TEXT), SHIPPER_KEY(address1, K_TEXT), SHIPPER_KEY(address2, K_TEXT),
	SHIPPER_KEY(city, K_TEXT), SHIPPER_KEY(state, K_CODE), SHIPPER_KEY(zip, K_TEXT),
	SHIPPER_KEY(phone, K_TEXT),
};

static const key_def billing_keys[] = {
	{ "terms_days", K_DAYS, offsetof(billing_config, terms_days), 0 },
};

#define N_OF(a) (sizeof (a) / sizeof (a)[0])
#define MAX_KEYS 8

enum { SEC_TOP, SEC_CAASPP, SEC_ELPAC, SEC_BOX, SEC_SHIPPER, SEC_BILLING, SEC_COUNT };

static const struct section_def {
	const char *name;       /* "" for the top level, as inih passes it */
	const key_def *keys;
	size_t n_keys;
} sections[SEC_COUNT] = {
	[SEC_TOP] = { "", top_keys, N_OF(top_keys) },
	[SEC_CAASPP] = { "caaspp", program_keys, N_OF(program_keys) },
	[SEC_ELPAC] = { "elpac", program_keys, N_OF(program_keys) },
	[SEC_BOX] = { "box", box_keys, N_OF(box_keys) },
	[SEC_SHIPPER] = { "shipper", shipper_keys, N_OF(shipper_keys) },
	[SEC_BILLING] = { "billing", billing_keys, N_OF(billing_keys) },
};

_Static_assert(N_OF(program_keys) <= MAX_KEYS && N_OF(box_keys) <= MAX_KEYS &&
	       N_OF(shipper_keys) <= MAX_KEYS,
	       "seen[] holds every key of a section");

/* Where a section's struct lies in a config. */
static size_t section_offset(int sec)
{
	switch (sec) {
	case SEC_CAASPP:
		return offsetof(config, program) + PROGRAM_CAASPP * sizeof(program_config);
	case SEC_ELPAC:
		return offsetof(config, program) + PROGRAM_ELPAC * sizeof(program_config);
	case SEC_BOX:
		return offsetof(config, box);
	case SEC_SHIPPER:
		return offsetof(config, shipper);
	case SEC_BILLING:
		return offsetof(config, billing);
	default:
		return 0;
	}
}

static int section_find(const char *name, size_t len)
{
	for (int s = SEC_TOP + 1; s < SEC_COUNT; s++)
		if (strlen(sections[s].name) == len && strncasecmp(sections[s].name, name, len) == 0)
			return s;
	return -1;
}

typedef struct load_state {
	config work;            /* the caller's config with the file applied */
	FILE *f;
	int lineno;             /* lines handed to inih so far */
	int err_line;           /* line of the first error found here, or 0 */
	int read_errno;         /* nonzero: reading failed */
	char err[256];
	int seen[SEC_COUNT][MAX_KEYS];  /* line that set each key, or 0 */
	int csv_line;           /* the first line that looks like CSV, or 0 */
} load_state;

/* Record the first error, at the current line; returns 0 for inih. */
static int fail(load_state *ls, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(load_state *ls, const char *fmt, ...)
{
	if (ls->err_line)
		return 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ls->err, sizeof ls->err, fmt, ap);
	va_end(ap);
	ls->err_line = ls->lineno;
	return 0;
}

/* --- values ---------------------------------------------------------- */

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "true", "1" };
	static const char *const no[] = { "no", "false", "0" };
	for (size_t i = 0; i < N_OF(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Dollars with optional cents: "2", "1.48", "0.5", "2.00".  Returns NULL
 * and the cents, or what is wrong. */
static const char *parse_price(const char *s, int64_t *cents)
{
	const char *p = s;
	if (p[0] == '-' && is_digit(p[1]))
		return "must not be negative";
	if (!is_digit(*p))
		return "is not an amount in dollars like 1.48";
	int64_t dollars = 0;
	for (; is_digit(*p); p++) {
		dollars = dollars * 10 + (*p - '0');
		if (dollars > CONFIG_MAX_CENTS / 100)
			return "is more than 1000000.00";
	}
	int64_t frac = 0;
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return "is not an amount in dollars like 1.48";
		for (int i = 0; is_digit(*p); i++, p++) {
			if (i < 2)
				frac = frac * 10 + (*p - '0');
			else if (*p != '0')
				return "is not a whole number of cents";
			if (i == 0 && !is_digit(p[1]))
				frac *= 10;    /* "0.5" is 50 cents */
		}
	}
	if (*p)
		return "is not an amount in dollars like 1.48";
	*cents = dollars * 100 + frac;
	if (*cents > CONFIG_MAX_CENTS)
		return "is more than 1000000.00";
	return NULL;
}

static const char *parse_mg(const char *s, int64_t *mg)
{
	const char *p = s;
	if (p[0] == '-' && is_digit(p[1]))
		return "must not be negative";
	if (!is_digit(*p))
		return "is not a whole number of milligrams";
	int64_t v = 0;
	for (; is_digit(*p); p++) {
		v = v * 10 + (*p - '0');
		if (v > CONFIG_MAX_MG)
			return "is more than 1000000000000 mg";
	}
	if (*p)
		return "is not a whole number of milligrams";
	*mg = v;
	return NULL;
}

/* "MM-DD", a day of `year`: month * 100 + day, or -1. */
static int parse_mmdd(const char *s, int year)
{
	if (!is_digit(s[0]) || !is_digit(s[1]) || s[2] != '-' ||
	    !is_digit(s[3]) || !is_digit(s[4]) || s[5] != '\0')
		return -1;
	const int month = (s[0] - '0') * 10 + (s[1] - '0');
	const int day = (s[3] - '0') * 10 + (s[4] - '0');
	if (!calendar_day_valid(year, month, day))
		return -1;
	return month * 100 + day;
}


/* Language codes separated by blanks; EN is always in the set. */
static int parse_languages(load_state *ls, const char *s, uint32_t *out)
{
	uint32_t bits = 1u << LANG_EN;
	const char *p = s;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t n = 0;
		while (p[n] && p[n] != ' ' && p[n] != '\t')
			n++;
		int found = -1;
		for (int l = 0; l < LANG_COUNT; l++)
			if (strlen(lang_code[l]) == n && strncasecmp(lang_code[l], p, n) == 0)
				found = l;
		if (found < 0)
			return fail(ls, "line %d: languages: unknown language '%.*s' "
				    "(known: EN ES VI ZH FIL KO, separated by spaces)",
				    ls->lineno, (int)(n < 20 ? n : 20), p);
		bits |= 1u << found;
		p += n;
	}
	*out = bits;
	return 1;
}

/* --- inih callbacks -------------------------------------------------- */

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	load_state *ls = user;
	if (ls->err_line)
		return 0;
	const int line = ls->lineno;
	const int sec = *section ? section_find(section, strlen(section)) : SEC_TOP;
	if (sec < 0)   /* the reader names it at its header; this is a backstop */
		return fail(ls, "line %d: unknown section [%.40s]", line, section);

	const struct section_def *sd = &sections[sec];
	size_t k = 0;
	while (k < sd->n_keys && strcasecmp(sd->keys[k].name, name) != 0)
		k++;
	if (k == sd->n_keys) {
		if (sec == SEC_TOP)
			return fail(ls, "line %d: unknown key '%.40s' before the first section "
				    "(only admin_year goes there)", line, name);
		if (strcasecmp(name, "admin_year") == 0)
			return fail(ls, "line %d: unknown key 'admin_year' in [%s] "
				    "(admin_year goes before the first section)", line, sd->name);
		return fail(ls, "line %d: unknown key '%.40s' in [%s]", line, name, sd->name);
	}
	const key_def *kd = &sd->keys[k];
	if (ls->seen[sec][k] && sec == SEC_TOP)
		return fail(ls, "line %d: %s is already set on line %d", line, kd->name,
			    ls->seen[sec][k]);
	if (ls->seen[sec][k])
		return fail(ls, "line %d: %s in [%s] is already set on line %d", line,
			    kd->name, sd->name, ls->seen[sec][k]);
	ls->seen[sec][k] = line;

	char *const at = (char *)&ls->work + section_offset(sec) + kd->offset;
	const char *why;
	switch (kd->kind) {
	case K_ADMIN_YEAR: {
		const int end = config_admin_year_end(value);
		if (end < 0)
			return fail(ls, "line %d: admin_year '%.20s' is not a school year like "
				    "2018-19 (YYYY-YY, the second year following the first)",
				    line, value);
		memcpy(ls->work.admin_year, value, sizeof ls->work.admin_year);
		ls->work.end_year = end;
		return 1;
	}
	case K_BOOL:
		if (parse_bool(value, (int *)(void *)at) != 0)
			return fail(ls, "line %d: %s '%.20s' is not yes or no", line,
				    kd->name, value);
		return 1;
	case K_PRICE:
		why = parse_price(value, (int64_t *)(void *)at);
		if (why)
			return fail(ls, "line %d: %s '%.30s' %s", line, kd->name, value, why);
		return 1;
	case K_MG: {
		int64_t *mg = (int64_t *)(void *)at, lo, hi;
		why = parse_mg(value, mg);
		if (why)
			return fail(ls, "line %d: %s '%.30s' %s", line, kd->name, value, why);
		if (config_mg_range(kd->name, &lo, &hi) == 0 && (*mg < lo || *mg > hi))
			return fail(ls, "line %d: %s %lld mg is out of range: it must be from %lld to %lld mg "
				    "(%.1f g to %.1f kg)", line, kd->name, (long long)*mg, (long long)lo,
				    (long long)hi, (double)lo / 1000, (double)hi / 1e6);
		return 1;
	}
	case K_MMDD: {
		const int mmdd = parse_mmdd(value, ls->work.end_year);
		if (mmdd < 0)
			return fail(ls, "line %d: %s '%.20s' is not a date MM-DD in %d", line,
				    kd->name, value, ls->work.end_year);
		*(int *)(void *)at = mmdd;
		return 1;
	}
	case K_LANGS:
		return parse_languages(ls, value, (uint32_t *)(void *)at);
	case K_TEXT:
	case K_CODE: {
		/* printed on labels and invoices: one line, no control bytes */
		const size_t n = strlen(value);
		if (n >= kd->size)
			return fail(ls, "line %d: %s is longer than %zu bytes", line, kd->name, kd->size - 1);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f)
				return fail(ls, "line %d: %s holds a control character", line, kd->name);
		/* drawn on every label and invoice: UTF-8, like every input */
		if (text_invalid_at(value, n) < n) {
			const char *charset = sniff_charset(value, n);
			char advice[160] = "save the file as UTF-8";
			if (charset)
				sniff_iconv_advice(charset, advice, sizeof advice);
			return fail(ls, "line %d: %s is not UTF-8 text; %s", line, kd->name, advice);
		}
		memcpy(at, value, n + 1);
		if (kd->kind == K_CODE)
			for (char *c = at; *c; c++)
				if (*c >= 'a' && *c <= 'z')
					*c = (char)(*c - 'a' + 'A');
		return 1;
	}
	case K_DAYS: {
		char *end;
		errno = 0;
		const long v = strtol(value, &end, 10);
		if (errno || end == value || *end || v < 0 || v > CONFIG_MAX_TERMS_DAYS)
			return fail(ls, "line %d: %s '%.20s' is not a number of days from 0 to %d", line,
				    kd->name, value, CONFIG_MAX_TERMS_DAYS);
		*(int *)(void *)at = (int)v;
		return 1;
	}
	}
	return fail(ls, "line %d: internal error: key kind", line);
}

/* inih's fgets-style reader: one line into str (at most num - 1 bytes). */
static char *read_line(char *str, int num, void *stream)
{
	load_state *ls = stream;
	if (ls->err_line)
		return NULL;
	const size_t cap = (size_t)num - 1;
	const int line = ls->lineno + 1;
	size_t n = 0;
	int ch;
	size_t comment = SIZE_MAX;  /* where a comment starts, once seen */
	int blank = 1;              /* only blanks so far */
	while ((ch = getc(ls->f)) != EOF && ch != '\n') {
		if (ch == '\0') {
			ls->lineno = line;
			fail(ls, "line %d: holds a NUL byte", line);
			return NULL;
		}
		if (comment == SIZE_MAX && ((blank && (ch == '#' || ch == ';')) ||
					    (ch == ';' && n > 0 && (str[n - 1] == ' ' || str[n - 1] == '\t'))))
			comment = n;
		if (ch != ' ' && ch != '\t')
			blank = 0;
		if (n == cap) {
			/* a comment may run on: what follows it is dropped, not
			 * cut into a second line; anything else that long is
			 * refused */
			if (comment != SIZE_MAX)
				continue;
			ls->lineno = line;
			fail(ls, "line %d: longer than %zu bytes", line, cap);
			return NULL;
		}
		str[n++] = (char)ch;
	}
	if (n == cap && comment != SIZE_MAX)
		n = comment + 1 <= n ? comment + 1 : n;  /* keep the ';' or '#' itself */
	if (ch == EOF && ferror(ls->f)) {
		ls->read_errno = errno ? errno : EIO;
		return NULL;
	}
	if (ch == EOF && n == 0)
		return NULL;
	str[n] = '\0';
	ls->lineno = line;

	char *p = str;
	if (ls->lineno == 1 && (unsigned char)p[0] == 0xEF &&
	    (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
		p += 3;
	while (*p == ' ' || *p == '\t')
		p++;
	memmove(str, p, strlen(p) + 1);

	/* a line of a CSV file (given as --config by mistake): commas, no '=' */
	if (!ls->csv_line && str[0] != '[' && str[0] != ';' && str[0] != '#' && !strchr(str, '=')) {
		int commas = 0;
		for (const char *c = str; *c; c++)
			commas += *c == ',';
		if (commas >= 2)
			ls->csv_line = ls->lineno;
	}

	if (str[0] == '[') {
		const char *close = strchr(str, ']');
		if (!close)
			return str;   /* inih reports the line as malformed */
		const size_t len = (size_t)(close - str - 1);
		if (section_find(str + 1, len) < 0) {
			fail(ls, "line %d: unknown section [%.*s] (known: [caaspp], [elpac], [box], [shipper], [billing])",
			     ls->lineno, (int)(len < 40 ? len : 40), str + 1);
			return NULL;
		}
		const char *after = close + 1;
		while (isspace((unsigned char)*after))
			after++;
		if (*after && *after != ';' && *after != '#') {
			fail(ls, "line %d: unexpected text after [%.*s]", ls->lineno,
			     (int)len, str + 1);
			return NULL;
		}
	}
	return str;
}

status config_load(config *c, const char *path)
{
	load_state *ls = &(load_state){ .work = *c };
	ls->f = fopen(path, "re");
	if (!ls->f)
		return status_fail(ST_IO, "%s: cannot open: %s", path, strerror(errno));
	/* a compressed file, a workbook ...: named by its magic number (read
	 * with pread, which leaves the stream where it is, so a pipe is
	 * simply not looked at) */
	unsigned char head[SNIFF_BYTES];
	const ssize_t got = pread(fileno(ls->f), head, sizeof head, 0);
	const sniff_kind *kind = got > 0 ? sniff_magic(head, (size_t)got) : NULL;
	if (kind) {
		fclose(ls->f);
		return status_fail(ST_BADCONFIG, "%s: this is %s, not an INI configuration in text (ssrfill "
				   "config prints a configuration to start from)", path, kind->what);
	}
	errno = 0;
	const int rc = ini_parse_stream(read_line, ls, on_pair, ls);
	fclose(ls->f);
	if (ls->read_errno)
		return status_fail(ST_IO, "%s: cannot read: %s", path, strerror(ls->read_errno));
	if (rc == -2)
		return status_fail(ST_NOMEM, "%s: out of memory", path);
	if (rc > 0 && (ls->err_line == 0 || rc < ls->err_line))
		return status_fail(ST_BADCONFIG, "%s: line %d: not a [section] header, "
				   "a key = value pair or a comment%s", path, rc,
				   rc == ls->csv_line ? "; this looks like a CSV file, not an INI configuration: "
				   "is it meant for --students, --orders or --leas? (ssrfill config prints a "
				   "configuration to start from)" : "");
	if (ls->err_line)
		return status_fail(ST_BADCONFIG, "%s: %s", path, ls->err);
	if (rc != 0)
		return status_fail(ST_INTERNAL, "%s: inih returned %d", path, rc);
	*c = ls->work;
	return ST_OK;
}

/* --- writing --------------------------------------------------------- */

static void write_value(outstream *o, const config *c, const key_def *kd, const char *at)
{
	int i;
	int64_t v;
	uint32_t bits;
	switch (kd->kind) {
	case K_ADMIN_YEAR:
		outstream_printf(o, " %.7s", c->admin_year);
		return;
	case K_BOOL:
		memcpy(&i, at, sizeof i);
		outstream_puts(o, i ? " yes" : " no");
		return;
	case K_PRICE:
		memcpy(&v, at, sizeof v);
		outstream_printf(o, " %s%lld.%02lld", v < 0 ? "-" : "",
				 (long long)(v < 0 ? -(v / 100) : v / 100),
				 (long long)(v < 0 ? -(v % 100) : v % 100));
		return;
	case K_MG:
		memcpy(&v, at, sizeof v);
		outstream_printf(o, " %lld", (long long)v);
		return;
	case K_MMDD:
		memcpy(&i, at, sizeof i);
		outstream_printf(o, " %02d-%02d", i / 100, i % 100);
		return;
	case K_LANGS:
		memcpy(&bits, at, sizeof bits);
		for (int l = 0; l < LANG_COUNT; l++)
			if (l != LANG_EN && (bits & 1u << l))
				outstream_printf(o, " %s", lang_code[l]);
		return;
	case K_TEXT:
	case K_CODE:
		if (*at)
			outstream_printf(o, " %s", at);
		return;
	case K_DAYS:
		memcpy(&i, at, sizeof i);
		outstream_printf(o, " %d", i);
		return;
	}
}

void config_write_ini(const config *c, outstream *o)
{
	outstream_puts(o, "; ssrfill configuration: prices in dollars, weights in milligrams,\n"
		       "; deadlines MM-DD in the end year of admin_year, languages offered\n"
		       "; besides English (ES VI ZH FIL KO).\n");
	for (int s = 0; s < SEC_COUNT; s++) {
		const struct section_def *sd = &sections[s];
		if (s != SEC_TOP)
			outstream_printf(o, "\n[%s]\n", sd->name);
		const char *const base = (const char *)c + section_offset(s);
		for (size_t k = 0; k < sd->n_keys; k++) {
			outstream_printf(o, "%s =", sd->keys[k].name);
			write_value(o, c, &sd->keys[k], base + sd->keys[k].offset);
			outstream_putc(o, '\n');
		}
	}
}
