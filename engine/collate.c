/*
 * collate.c: name keys by ICU's root collation (see collate.h).
 *
 * The reference is ICU itself: collate_name_icu() converts the name to
 * UTF-16 and asks ucol_getSortKey() of a collator opened on the root locale
 * with strength primary and alternate shifted.  That costs about 100 ns a
 * name, two names a row: on a statewide file more than the rest of the key.
 *
 * The fast path gives the same bytes for the names nearly every row has:
 * names whose every character is in a table built, once per process when
 * the first collator is opened, by asking ICU about each character of Basic Latin, Latin-1,
 * Latin Extended-A and -B and Latin Extended Additional (Vietnamese).  A
 * character goes in the table only when its key can be pasted next to
 * any other's and give the key of the pair:
 *
 *   - its primary key is empty (a space, an apostrophe, a hyphen: variable
 *     characters, ignored with alternate shifted), or 1 to 3 bytes that
 *     repeat and sit beside `a` unchanged: ICU compresses the lead bytes of
 *     some scripts' primary weights, so two such characters in a row are
 *     not the key of one twice (µ, U+00B5, keyed as Greek mu, fails this
 *     test and stays with ICU; on ICU 72 it is the only one here);
 *   - it is not a combining mark (a mark can join the letter before it
 *     into another letter: и + U+0306 is й) and not a control;
 *   - it does not continue a contraction or prefix rule of the collation
 *     (ucol_getContractionsAndExpansions: root has `l·`, the Catalan ela
 *     geminada, keyed unlike l then ·).  A rule applies only where all its
 *     characters are, so with its later characters out of the table no
 *     rule applies to a name the table keys, and `l` stays in it.
 *
 * A name is keyed from the table if every character is in it, else by ICU
 * whole; no name is split between the two.  Every table character is a
 * starter with no decomposition that could reorder it, so ICU's own
 * normalization leaves such a name alone.  tests/test_collate.c checks the
 * fast path against ICU on every pair of table characters, on random
 * names, on every name `gen` makes and on a list of tricky names.
 */
#include "collate.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ucol.h>
#include <unicode/uset.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "../base/mem.h"
#include "../base/status.h"
#include "../base/bytebuf.h"

/* The table's ranges: U+0000..U+024F and U+1E00..U+1EFF. */
#define LATIN_END 0x0250
#define VIET_START 0x1E00
#define VIET_END 0x1F00
#define N_FAST (LATIN_END + (VIET_END - VIET_START))
#define FAST_SLOW 0xff    /* fastkey.len: ICU keys this character */

typedef struct fastkey {
	uint8_t b[3];
	uint8_t len;      /* 0..3 key bytes, or FAST_SLOW */
} fastkey;

struct collator {
	UCollator *ucol;
	UChar *u;         /* the UTF-16 of the name ICU keys */
	int32_t u_cap;
};

/* The table is the same for every collator (a function of ICU's root
 * data), and asking ICU for its contractions takes ~10 ms: it is built
 * once per process, by the first collator_new, and only read after. */
static fastkey fast[N_FAST];
static pthread_once_t fast_once = PTHREAD_ONCE_INIT;

static int fast_index(UChar32 cp)
{
	if (cp >= 0 && cp < LATIN_END)
		return (int)cp;
	if (cp >= VIET_START && cp < VIET_END)
		return LATIN_END + (int)(cp - VIET_START);
	return -1;
}

static UChar32 fast_char(int i)
{
	return i < LATIN_END ? (UChar32)i : (UChar32)(VIET_START + (i - LATIN_END));
}

/* ICU's key of the UTF-16 string u[0, n), without its terminating zero;
 * its length, or -1 if the key would not fit in cap bytes. */
static int32_t icu_key(const UCollator *ucol, const UChar *u, int32_t n, uint8_t *key, int32_t cap)
{
	const int32_t need = ucol_getSortKey(ucol, u, n, key, cap);
	return need > 0 && need <= cap ? need - 1 : -1;
}

/* Mark with FAST_SLOW the table characters that continue a contraction or
 * prefix rule of the collation (root's Latin has `l·`, `L·`: ela geminada). */
static int mark_contractions(const UCollator *ucol)
{
	UErrorCode ec = U_ZERO_ERROR;
	USet *set = uset_openEmpty();
	ucol_getContractionsAndExpansions(ucol, set, NULL, 1, &ec);
	if (U_FAILURE(ec)) {
		uset_close(set);
		return -1;
	}
	const int32_t n_items = uset_getItemCount(set);
	UChar small[64], *str = small;
	int32_t cap = 64;
	for (int32_t i = 0; i < n_items; i++) {
		UChar32 start, end;
		ec = U_ZERO_ERROR;
		int32_t len = uset_getItem(set, i, &start, &end, str, cap, &ec);
		if (ec == U_BUFFER_OVERFLOW_ERROR && len > cap) {
			UChar *big = mem_realloc(str == small ? NULL : str, (size_t)len * sizeof *big);
			if (!big)
				break;
			str = big;
			cap = len;
			ec = U_ZERO_ERROR;
			len = uset_getItem(set, i, &start, &end, str, cap, &ec);
		}
		if (U_FAILURE(ec))
			break;
		if (len == 0) {  /* a range of code points */
			for (UChar32 cp = start; cp <= end; cp++)
				if (fast_index(cp) >= 0)
					fast[fast_index(cp)].len = FAST_SLOW;
			continue;
		}
		/* the characters after the first: a rule can only apply to a
		 * name that holds one of them (the first alone keys as itself:
		 * l is in the table, the · of the rule `l·` is not).  A rule
		 * whose first character is not in the table never applies to
		 * a name the table keys (U+FDD1 L: an index character). */
		int32_t k = 0;
		UChar32 cp;
		U16_NEXT(str, k, len, cp);
		if (fast_index(cp) < 0)
			continue;
		while (k < len) {
			U16_NEXT(str, k, len, cp);
			if (fast_index(cp) >= 0)
				fast[fast_index(cp)].len = FAST_SLOW;
		}
	}
	if (str != small)
		mem_free(str);
	const int done = U_SUCCESS(ec) || ec == U_STRING_NOT_TERMINATED_WARNING;
	uset_close(set);
	return done ? 0 : -1;
}

/* Whether the key of `x c y` (UTF-16) is the key of x, then k, then the
 * key of y: the character c with key k pastes between neighbours. */
static int pastes(const UCollator *ucol, const UChar *x, int32_t nx, UChar32 c,
		  const uint8_t *k, int32_t nk, const UChar *y, int32_t ny)
{
	UChar u[8];
	int32_t n = 0;
	memcpy(u, x, (size_t)nx * sizeof *u);
	n += nx;
	U16_APPEND_UNSAFE(u, n, c);
	memcpy(u + n, y, (size_t)ny * sizeof *u);
	n += ny;
	uint8_t kx[16], ky[16], want[48], got[48];
	const int32_t n_kx = icu_key(ucol, x, nx, kx, sizeof kx);
	const int32_t n_ky = icu_key(ucol, y, ny, ky, sizeof ky);
	const int32_t n_got = icu_key(ucol, u, n, got, sizeof got);
	if (n_kx < 0 || n_ky < 0 || n_got < 0)
		return 0;
	memcpy(want, kx, (size_t)n_kx);
	memcpy(want + n_kx, k, (size_t)nk);
	memcpy(want + n_kx + nk, ky, (size_t)n_ky);
	return n_got == n_kx + nk + n_ky && memcmp(got, want, (size_t)n_got) == 0;
}

static void build_fast(const UCollator *ucol)
{
	static const UChar a[] = { 'a' }, none[] = { 0 };
	for (int i = 0; i < N_FAST; i++) {
		fastkey *f = &fast[i];
		if (f->len == FAST_SLOW)
			continue;  /* in a contraction */
		const UChar32 cp = fast_char(i);
		f->len = FAST_SLOW;
		if (U_GET_GC_MASK(cp) & (U_GC_M_MASK | U_GC_CC_MASK | U_GC_CN_MASK | U_GC_CS_MASK))
			continue;
		UChar u[2];
		int32_t n = 0;
		U16_APPEND_UNSAFE(u, n, cp);
		uint8_t k[16];
		const int32_t nk = icu_key(ucol, u, n, k, sizeof k);
		if (nk < 0 || nk > 3)
			continue;
		/* alone, repeated (`c c` against k k), between, before and
		 * after a letter */
		if (!pastes(ucol, none, 0, cp, k, nk, none, 0) ||
		    !pastes(ucol, u, n, cp, k, nk, none, 0) ||
		    !pastes(ucol, a, 1, cp, k, nk, a, 1) ||
		    !pastes(ucol, none, 0, cp, k, nk, a, 1) ||
		    !pastes(ucol, a, 1, cp, k, nk, none, 0))
			continue;
		memcpy(f->b, k, (size_t)nk);
		f->len = (uint8_t)nk;
	}
}

/* root, strength primary, alternate shifted: the print order's collation */
static UCollator *open_root(UErrorCode *ec)
{
	UCollator *ucol = ucol_open("", ec);
	if (U_SUCCESS(*ec))
		ucol_setStrength(ucol, UCOL_PRIMARY);
	if (U_SUCCESS(*ec))
		ucol_setAttribute(ucol, UCOL_ALTERNATE_HANDLING, UCOL_SHIFTED, ec);
	if (U_FAILURE(*ec) && ucol) {
		ucol_close(ucol);
		ucol = NULL;
	}
	return ucol;
}

/* Without the table (ICU would not list its contractions) every name is
 * keyed by ICU: slower, never wrong. */
static void fast_build(void)
{
	for (int i = 0; i < N_FAST; i++)
		fast[i].len = FAST_SLOW;
	UErrorCode ec = U_ZERO_ERROR;
	UCollator *ucol = open_root(&ec);
	if (!ucol)
		return;
	memset(fast, 0, sizeof fast);
	if (mark_contractions(ucol) == 0)
		build_fast(ucol);
	else
		for (int i = 0; i < N_FAST; i++)
			fast[i].len = FAST_SLOW;
	ucol_close(ucol);
}

status collator_new(collator **out)
{
	*out = NULL;
	collator *c = mem_calloc(1, sizeof *c);
	if (!c)
		return status_fail(ST_NOMEM, "out of memory opening the collation");
	UErrorCode ec = U_ZERO_ERROR;
	c->ucol = open_root(&ec);
	pthread_once(&fast_once, fast_build);
	if (!c->ucol) {
		collator_free(c);
		return status_fail(ST_INTERNAL, "cannot open ICU's root collation (%s): is the libicu package installed?",
				   u_errorName(ec));
	}
	/* room for any name within the field limit, so keying a name does
	 * not allocate */
	c->u_cap = 4096;
	c->u = mem_alloc((size_t)c->u_cap * sizeof *c->u);
	if (!c->u) {
		collator_free(c);
		return status_fail(ST_NOMEM, "out of memory opening the collation");
	}
	*out = c;
	return ST_OK;
}

void collator_free(collator *c)
{
	if (!c)
		return;
	if (c->ucol)
		ucol_close(c->ucol);
	mem_free(c->u);
	mem_free(c);
}

void collate_name_icu(collator *c, const char *s, size_t n, bytebuf *out)
{
	if (n > INT32_MAX / 4) {
		out->oom = 1;  /* fields are at most a few KiB; never */
		return;
	}
	int32_t n_u = 0;
	for (;;) {
		UErrorCode ec = U_ZERO_ERROR;
		/* invalid UTF-8 never gets here (rows are checked first);
		 * U+FFFD for it keeps the order total */
		u_strFromUTF8WithSub(c->u, c->u_cap, &n_u, s, (int32_t)n, 0xFFFD, NULL, &ec);
		if (ec != U_BUFFER_OVERFLOW_ERROR && U_SUCCESS(ec))
			break;
		if (ec != U_BUFFER_OVERFLOW_ERROR || n_u <= c->u_cap) {
			out->oom = 1;
			return;
		}
		UChar *u = mem_realloc(c->u, (size_t)n_u * sizeof *u);
		if (!u) {
			out->oom = 1;
			return;
		}
		c->u = u;
		c->u_cap = n_u;
	}
	size_t guess = 2 * (size_t)n_u + 16;
	for (;;) {
		bytebuf_reserve(out, guess);
		if (out->oom)
			return;
		const size_t avail = out->cap - out->len;
		const int32_t cap = avail > INT32_MAX ? INT32_MAX : (int32_t)avail;
		const int32_t need = ucol_getSortKey(c->ucol, c->u, n_u, out->p + out->len, cap);
		if (need <= 0) {
			out->oom = 1;
			return;
		}
		if (need <= cap) {
			out->len += (size_t)need - 1;  /* not the terminating zero */
			return;
		}
		guess = (size_t)need;
	}
}

/* The table index of the character at p[*i], *i moved past it; -1 when
 * the table does not key it (or the bytes are not UTF-8 the table knows:
 * ICU then keys the name, U+FFFD for bad bytes). */
static inline int next_index(const uint8_t *p, size_t n, size_t *i)
{
	const size_t at = *i;
	const uint8_t b0 = p[at];
	UChar32 cp;
	if (b0 < 0x80) {
		cp = b0;
		*i = at + 1;
	} else if (b0 >= 0xC2 && b0 <= 0xC9 && at + 1 < n && (p[at + 1] & 0xC0) == 0x80) {
		cp = (UChar32)((b0 & 0x1F) << 6 | (p[at + 1] & 0x3F));  /* U+0080..U+027F */
		*i = at + 2;
	} else if (b0 == 0xE1 && at + 2 < n && p[at + 1] >= 0xB8 && p[at + 1] <= 0xBB &&
		   (p[at + 2] & 0xC0) == 0x80) {
		cp = (UChar32)(0x1000 | (p[at + 1] & 0x3F) << 6 | (p[at + 2] & 0x3F));  /* U+1E00..U+1EFF */
		*i = at + 3;
	} else {
		return -1;
	}
	const int k = fast_index(cp);
	return k >= 0 && fast[k].len != FAST_SLOW ? k : -1;
}

void collate_name(collator *c, const char *s, size_t n, bytebuf *out)
{
	/* a table character is at least one byte of UTF-8 and at most three
	 * of key: 3n bytes hold the key, and a 3-byte store never overruns */
	if (n == 0)
		return;  /* the empty key (and no arithmetic on a NULL buffer) */
	const size_t start = out->len;
	bytebuf_reserve(out, 3 * n);
	if (out->oom)
		return;
	const uint8_t *p = (const uint8_t *)s;
	uint8_t *o = out->p + start;
	for (size_t i = 0; i < n;) {
		const int k = next_index(p, n, &i);
		if (k < 0) {
			out->len = start;
			collate_name_icu(c, s, n, out);
			return;
		}
		memcpy(o, fast[k].b, 3);
		o += fast[k].len;
	}
	out->len = (size_t)(o - out->p);
}

int collate_fast_covers(const collator *c, const char *s, size_t n)
{
	(void)c;  /* its opening built the table */
	for (size_t i = 0; i < n;)
		if (next_index((const uint8_t *)s, n, &i) < 0)
			return 0;
	return 1;
}
