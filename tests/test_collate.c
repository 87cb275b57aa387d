/*
 * test_collate.c: the order of names (docs/rules.md, "Print order"): the
 * way people alphabetise them, by ICU's root collation at primary
 * strength with punctuation and spaces ignored.
 *
 * First the order a school office would notice: Núñez with Nunez, Đặng
 * under D, Ødegaard under O, Łukasz under L, Han after Hangul, names of
 * only punctuation first, names equal at primary strength left for the
 * next key.  Then the fast path (engine/collate.c) against ICU itself,
 * byte for byte: on every pair of characters of the Latin ranges it
 * covers, on those characters beside combining marks, on random names, on
 * every name `gen` makes and on a list of tricky ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../engine/collate.h"
#include "../gen/synth.h"
#include "../base/bytebuf.h"

static collator *coll;

static int setup(void **state)
{
	(void)state;
	return collator_new(&coll) == ST_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	collator_free(coll);
	return 0;
}

/* memcmp order of the two names' keys: <0, 0, >0 */
static int cmp_names(const char *a, const char *b)
{
	bytebuf x, y;
	bytebuf_init(&x);
	bytebuf_init(&y);
	collate_name(coll, a, strlen(a), &x);
	collate_name(coll, b, strlen(b), &y);
	assert_false(x.oom || y.oom);
	const size_t n = x.len < y.len ? x.len : y.len;
	int c = n ? memcmp(x.p, y.p, n) : 0;
	if (!c)
		c = x.len < y.len ? -1 : x.len > y.len;
	bytebuf_release(&x);
	bytebuf_release(&y);
	return c;
}

#define SAME(a, b) do { if (cmp_names(a, b) != 0) fail_msg("%s and %s should file together", a, b); } while (0)
#define BEFORE(a, b) do { if (cmp_names(a, b) >= 0) fail_msg("%s should file before %s", a, b); } while (0)

static void equal_as_people_read_them(void **state)
{
	(void)state;
	SAME("Núñez", "Nunez");
	SAME("O'Brien", "Obrien");
	SAME("O’Connor", "OConnor");           /* typographic apostrophe */
	SAME("De La Cruz", "Delacruz");
	SAME("Smith-Jones", "Smith Jones");
	SAME("Straße", "Strasse");
	SAME("ẞ", "ss");                          /* capital sharp s */
	SAME("Nguyễn", "Nguyen");
	SAME("Nguye\u0302\u0303n", "Nguyễn");     /* decomposed as typed on a Mac */
	SAME("SMITH", "smith");
	SAME("Ｓｍｉｔｈ", "Smith");                  /* fullwidth */
	SAME("Đặng", "Dang");
	SAME("Ærøe", "Aeroe");                      /* Æ is AE in root */
}

static void vietnamese_nordic_polish_under_their_letter(void **state)
{
	(void)state;
	/* the bug of issue 13: Đ sorted after Z by its UTF-8 bytes */
	BEFORE("Đặng", "Davis");
	BEFORE("Cruz", "Đặng");
	BEFORE("Đỗ", "Duarte");
	BEFORE("Đoàn", "Nguyen");
	BEFORE("Đinh", "Zimmer");
	BEFORE("Đào", "Dávila");                   /* Dao < Davila */
	BEFORE("Obrien", "Ødegaard");
	BEFORE("Ødegaard", "Owens");
	BEFORE("Lopez", "Łukasz");
	BEFORE("Łukasz", "Luna");
	BEFORE("Adams", "Ærøe");
	BEFORE("Ærøe", "Afonso");
	BEFORE("Ábalos", "Zimmer");
}

static void scripts_in_cldr_order(void **state)
{
	(void)state;
	BEFORE("Zimmer", "Σωκράτης");    /* Latin, Greek, Cyrillic, ... */
	BEFORE("Σωκράτης", "Ахмед");
	BEFORE("Ахмед", "김");            /* ... Hangul, then Han */
	BEFORE("김", "李");
	BEFORE("박", "李");
	BEFORE("김", "박");
	BEFORE("张", "李");               /* Han among themselves by radical and stroke */
}

static void punctuation_and_digits(void **state)
{
	(void)state;
	SAME("'-.", "");
	SAME("  ", "");
	BEFORE("'-.", "A");
	BEFORE("John", "John3");           /* a name before every longer one it begins */
	BEFORE("John3", "Johna");          /* digits before letters */
	BEFORE("Smith", "Smith-Jones");
	BEFORE("Delacroix", "de la Cruz");
	BEFORE("Oakley", "O'Brien");
}

/* Two keys equal at primary strength leave the order to the next key: the
 * print-order key puts a zero byte after each name, so "Nguyen, Anh" and
 * "Nguyễn, Bao" order by first name whatever the accents. */
static void equal_names_fall_through(void **state)
{
	(void)state;
	bytebuf a, b;
	bytebuf_init(&a);
	bytebuf_init(&b);
	static const uint8_t zero = 0;
	collate_name(coll, "Nguyễn", strlen("Nguyễn"), &a);
	bytebuf_put(&a, &zero, 1);
	collate_name(coll, "Bao", 3, &a);
	collate_name(coll, "Nguyen", 6, &b);
	bytebuf_put(&b, &zero, 1);
	collate_name(coll, "Anh", 3, &b);
	assert_true(memcmp(b.p, a.p, a.len < b.len ? a.len : b.len) < 0);
	bytebuf_release(&a);
	bytebuf_release(&b);
}

/* ---- the fast path against ICU ------------------------------------------ */

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static bytebuf fast, ref;

/* collate_name and ICU give the same bytes for s[0, n) */
static int agrees(const char *s, size_t n)
{
	fast.len = ref.len = 0;
	collate_name(coll, s, n, &fast);
	collate_name_icu(coll, s, n, &ref);
	assert_false(fast.oom || ref.oom);
	if (memchr(fast.p, 0, fast.len))
		fail_msg("the key of \"%.*s\" holds a zero byte, the names' separator", (int)n, s);
	return fast.len == ref.len && (n == 0 || memcmp(fast.p, ref.p, fast.len) == 0);
}

static void expect_agrees(const char *s, size_t n)
{
	if (!agrees(s, n))
		fail_msg("the fast key of \"%.*s\" is not ICU's", (int)n, s);
}

/* The code points of the ranges the fast path covers (Basic Latin to
 * Latin Extended-B, Latin Extended Additional), and a margin past each. */
static size_t latin_chars(uint32_t *cps)
{
	size_t n = 0;
	for (uint32_t cp = 1; cp < 0x0250 + 0x10; cp++)
		cps[n++] = cp;
	for (uint32_t cp = 0x1E00 - 0x10; cp < 0x1F00 + 0x10; cp++)
		cps[n++] = cp;
	return n;
}

static void fast_path_every_pair(void **state)
{
	(void)state;
	static uint32_t cps[0x0400];
	const size_t n = latin_chars(cps);
	char s[8];
	for (size_t i = 0; i < n; i++) {
		size_t k = put_utf8(s, cps[i]);
		expect_agrees(s, k);
		for (size_t j = 0; j < n; j++) {
			const size_t m = k + put_utf8(s + k, cps[j]);
			if (!agrees(s, m))
				fail_msg("U+%04X U+%04X: the fast key is not ICU's", cps[i], cps[j]);
		}
	}
}

/* Letters beside marks and the characters contractions and expansions are
 * made of: a mark can make another letter of the one before it (и + U+0306
 * is й), a middle dot joins l·l in some tailorings. */
static void fast_path_beside_marks(void **state)
{
	(void)state;
	static uint32_t cps[0x0400];
	const size_t n = latin_chars(cps);
	static const uint32_t joiners[] = {
		0x0300, 0x0301, 0x0302, 0x0303, 0x0306, 0x0307, 0x0308, 0x030A, 0x030C,
		0x0323, 0x0327, 0x0328, 0x0338, 0x0345, 0x00B7, 0x0387, 0x200D, 0x00AD,
		0x0418, 0x0439, 0x0E40, 0x0E01, 0x3099, 0x309A, 0x30FC, 0x0F71,
	};
	char s[16];
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < sizeof joiners / sizeof *joiners; j++) {
			size_t k = put_utf8(s, cps[i]);
			k += put_utf8(s + k, joiners[j]);
			expect_agrees(s, k);
			k = put_utf8(s, joiners[j]);
			k += put_utf8(s + k, cps[i]);
			k += put_utf8(s + k, 'a');
			expect_agrees(s, k);
		}
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rng(uint32_t below)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % below);
}

static void fast_path_random_names(void **state)
{
	(void)state;
	static uint32_t cps[0x0400];
	const size_t n_latin = latin_chars(cps);
	static const uint32_t others[] = {
		' ', '-', '\'', '.', 0x2019, 0x0301, 0x0303, 0x0323, 0x0306, 0x00B7,
		0xAE40, 0xBC15, 0x674E, 0x5F20, 0x0410, 0x0439, 0x03A3, 0x0645, 0x05D0,
		0x0915, 0x094D, 0x0E01, 0x0E40, 0x1100, 0x1161, 0xFF33, 0x2163, 0x1F600,
	};
	char s[128];
	for (int t = 0; t < 200000; t++) {
		const uint32_t len = 1 + rng(16);
		const int ascii_only = rng(3) == 0;
		size_t k = 0;
		for (uint32_t c = 0; c < len; c++) {
			const uint32_t pick = rng(100);
			uint32_t cp;
			if (ascii_only || pick < 60)
				cp = 0x20 + rng(0x5F);
			else if (pick < 95)
				cp = cps[rng((uint32_t)n_latin)];
			else
				cp = others[rng(sizeof others / sizeof *others)];
			k += put_utf8(s + k, cp);
		}
		expect_agrees(s, k);
	}
}

static void upper_ascii(char *o, const char *s)
{
	for (; *s; s++)
		*o++ = (char)(*s >= 'a' && *s <= 'z' ? *s - 32 : *s);
	*o = 0;
}

static void fast_path_every_gen_name(void **state)
{
	(void)state;
	size_t n = 0;
	char buf[256];
	const char *prev = "";
	for (const char *name; (name = synth_name(n)) != NULL; n++) {
		expect_agrees(name, strlen(name));
		upper_ascii(buf, name);
		expect_agrees(buf, strlen(buf));
		/* double and hyphenated surnames */
		snprintf(buf, sizeof buf, "%s %s", prev, name);
		expect_agrees(buf, strlen(buf));
		snprintf(buf, sizeof buf, "%s-%s", name, prev);
		expect_agrees(buf, strlen(buf));
		prev = name;
	}
	assert_true(n > 500);  /* the tables were walked */
}

static void fast_path_tricky_names(void **state)
{
	(void)state;
	static const char *const tricky[] = {
		"", " ", "'", "-", "O'Brien", "D'Angelo", "Mc'Donald", "St. John", "Smith-Jones",
		"Straße", "STRASSE", "ẞ", "ß", "ss", "Æsir", "æ", "Œuvre", "œ", "Þór", "þþ", "ð",
		"Đặng", "đ", "Ø", "Ødegaard", "Łukasz", "ł", "Ŀlorenç", "ŀl", "l·l", "L·L",
		"ŉ", "ĳssel", "Ĳ", "ǅemal", "ǆ", "ſ", "ı", "İstanbul", "ĸ", "Ŋ", "ŋ", "Ħ",
		"Nguyễn", "Nguye\u0302\u0303n", "Võ Thị", "Trần", "Phạm", "Huỳnh",
		"Núñez", "Nun\u0303ez", "Zúñiga", "Ábalos", "Müller", "Renée",
		"John3", "x²", "½", "Ⅷ", "٣", "a\tb", "Ma\u00ADry", "Zo\u200Dë",
		"김", "김 민준", "李", "Chen 陈", "ΣΩΚΡΑΤΗΣ", "Ахмед", "Йосиф", "И\u0306осиф",
		"Ｓｍｉｔｈ", "ﬁnn", "ǈ", "ǋ", "Ǳ", "ǲ", "ǳ", "ȸ", "ȹ", "Ƣ", "ƣ", "ʼn", "ʻOkina",
		"Aa", "aA", "Ch", "ch", "Ll", "ll", "Dz", "dž",
	};
	for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++)
		expect_agrees(tricky[i], strlen(tricky[i]));
}

/* The names nearly every row has take the table, not ICU: the speed the
 * print order's cost rests on (a table that sent everything to ICU would
 * give the same keys, only 5 times slower). */
static void fast_path_is_taken(void **state)
{
	(void)state;
	static const char *const fast_names[] = {
		"Smith", "O'Brien", "De La Cruz", "García", "Núñez", "Hernández-López", "Müller",
		"Nguyễn", "Trần", "Đặng", "Huỳnh", "Ødegaard", "Łukaszewski", "Ærøe", "Straße",
		"Zoë", "ǅemal", "John3",
	};
	for (size_t i = 0; i < sizeof fast_names / sizeof *fast_names; i++)
		if (!collate_fast_covers(coll, fast_names[i], strlen(fast_names[i])))
			fail_msg("%s is keyed by ICU, not the table", fast_names[i]);
	static const char *const icu_names[] = {
		"김", "李", "Ахмед", "Σωκράτης", "Nguye\u0302\u0303n", "µ", "Ｓｍｉｔｈ", "a\tb",
	};
	for (size_t i = 0; i < sizeof icu_names / sizeof *icu_names; i++)
		if (collate_fast_covers(coll, icu_names[i], strlen(icu_names[i])))
			fail_msg("%s is keyed by the table; it is outside what the table covers", icu_names[i]);
	/* of the names gen makes, all but the Han, Hangul and a few others */
	size_t n = 0, covered = 0;
	for (const char *name; (name = synth_name(n)) != NULL; n++)
		covered += (size_t)collate_fast_covers(coll, name, strlen(name));
	if (covered * 100 < n * 95)
		fail_msg("only %zu of the %zu names gen makes take the fast path", covered, n);
}

int main(void)
{
	bytebuf_init(&fast);
	bytebuf_init(&ref);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(equal_as_people_read_them),
		cmocka_unit_test(vietnamese_nordic_polish_under_their_letter),
		cmocka_unit_test(scripts_in_cldr_order),
		cmocka_unit_test(punctuation_and_digits),
		cmocka_unit_test(equal_names_fall_through),
		cmocka_unit_test(fast_path_every_pair),
		cmocka_unit_test(fast_path_beside_marks),
		cmocka_unit_test(fast_path_random_names),
		cmocka_unit_test(fast_path_every_gen_name),
		cmocka_unit_test(fast_path_tricky_names),
		cmocka_unit_test(fast_path_is_taken),
	};
	const int rc = cmocka_run_group_tests(tests, setup, teardown);
	bytebuf_release(&fast);
	bytebuf_release(&ref);
	return rc;
}
