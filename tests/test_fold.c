/*
 * test_fold.c: name folding (SPEC §2.7) — the examples the SPEC gives, the
 * scripts California's names come in, and the order folded names sort in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../engine/fold.h"

static void expect_fold(const char *name, const char *want)
{
	bytebuf b;
	bytebuf_init(&b);
	fold_name(name, strlen(name), &b);
	assert_false(b.oom);
	bytebuf_put(&b, "", 1);
	assert_string_equal((const char *)b.p, want);
	bytebuf_release(&b);
}

static void spec_examples(void **state)
{
	(void)state;
	expect_fold("Núñez", "nunez");
	expect_fold("O'Brien", "obrien");
	expect_fold("De La Cruz", "delacruz");
}

static void ascii_rules(void **state)
{
	(void)state;
	expect_fold("Smith-Jones", "smithjones");
	expect_fold("  McDONALD  ", "mcdonald");
	expect_fold("John3", "john3");
	expect_fold("St. John", "stjohn");
	expect_fold("'-. ", "");
	expect_fold("", "");
}

static void full_case_fold(void **state)
{
	(void)state;
	expect_fold("Straße", "strasse");       /* ß folds to ss */
	expect_fold("STRASSE", "strasse");
	expect_fold("ẞ", "ss");                 /* capital sharp s */
	expect_fold("ǅemal", "dzemal");          /* titlecase digraph, NFKD */
	expect_fold("Ｓｍｉｔｈ", "smith");          /* fullwidth, NFKD */
	expect_fold("ﬁnn", "finn");              /* ligature, NFKD */
}

static void accents_and_marks(void **state)
{
	(void)state;
	expect_fold("Zoë", "zoe");
	expect_fold("Renée", "renee");
	expect_fold("Peña", "pena");
	expect_fold("Müller", "muller");
	/* decomposed input (e + combining acute) folds the same as precomposed */
	expect_fold("Rene\xcc\x81" "e", "renee");
	expect_fold("O’Connor", "oconnor");     /* typographic apostrophe */
}

static void vietnamese(void **state)
{
	(void)state;
	expect_fold("Nguyễn", "nguyen");
	expect_fold("Trần", "tran");
	expect_fold("Phạm", "pham");
	/* Đ has no decomposition: it stays a letter and folds to đ */
	expect_fold("Đặng", "đang");
	expect_fold("Võ Thị", "vothi");
}

static void hangul_and_han(void **state)
{
	(void)state;
	/* NFKD splits a Hangul syllable into its conjoining jamo (letters) */
	expect_fold("김", "\xe1\x84\x80\xe1\x85\xb5\xe1\x86\xb7");
	expect_fold("김 민준", "\xe1\x84\x80\xe1\x85\xb5\xe1\x86\xb7"
		    "\xe1\x84\x86\xe1\x85\xb5\xe1\x86\xab\xe1\x84\x8c\xe1\x85\xae\xe1\x86\xab");
	expect_fold("陈", "陈");
	expect_fold("Chen 陈", "chen陈");
}

static void other_scripts(void **state)
{
	(void)state;
	expect_fold("ΣΩΚΡΑΤΗΣ", "σωκρατησ");     /* final sigma folds to σ */
	expect_fold("Ахмед", "ахмед");
	expect_fold("Al-Sayed", "alsayed");
	expect_fold("٣", "٣");                    /* Arabic-Indic digit: Nd, kept */
	expect_fold("x²", "x2");                  /* superscript two: NFKD 2 */
}

static int cmp_folded(const char *a, const char *b)
{
	bytebuf x, y;
	bytebuf_init(&x);
	bytebuf_init(&y);
	fold_name(a, strlen(a), &x);
	fold_name(b, strlen(b), &y);
	const size_t n = x.len < y.len ? x.len : y.len;
	int c = memcmp(x.p ? (const void *)x.p : "", y.p ? (const void *)y.p : "", n);
	if (!c)
		c = x.len < y.len ? -1 : x.len > y.len;
	bytebuf_release(&x);
	bytebuf_release(&y);
	return c;
}

static void folded_order(void **state)
{
	(void)state;
	assert_true(cmp_folded("Nunez", "Núñez") == 0);
	assert_true(cmp_folded("de la Cruz", "Delacroix") > 0);   /* delacruz > delacroix */
	assert_true(cmp_folded("O'Brien", "Oakley") > 0);         /* obrien > oakley */
	assert_true(cmp_folded("Smith", "Smith-Jones") < 0);      /* prefix first */
	assert_true(cmp_folded("Zimmer", "Ábalos") > 0);          /* accents do not sort last */
	assert_true(cmp_folded("Nguyen", "Đặng") < 0);            /* đ is past z in bytes */
}

static size_t marks_run(const char *s)
{
	return fold_marks_run(s, strlen(s));
}

/* Combining marks counted as written, per character: Vietnamese in NFD has
 * two on a letter; a run at the start counts; other scripts' marks too. */
static void marks_per_character(void **state)
{
	(void)state;
	assert_int_equal(marks_run(""), 0);
	assert_int_equal(marks_run("O'Brien"), 0);
	assert_int_equal(marks_run("Nguy\u1EC5n"), 0);                 /* NFC: ễ precomposed */
	assert_int_equal(marks_run("Nguye\u0302\u0303n"), 2);         /* NFD: e + 2 marks */
	assert_int_equal(marks_run("a\u0301b\u0301\u0301c"), 2);     /* the longest run */
	assert_int_equal(marks_run("\u0301\u0301\u0301x"), 3);       /* at the start */
	assert_int_equal(marks_run("e\u0301\u0301\u0301\u0301\u0301"), 5);
	assert_int_equal(marks_run("\u0915\u094D\u0937\u093F"), 1); /* Devanagari ksi */
	assert_int_equal(marks_run("x\u20DD\u20DD"), 2);              /* enclosing (Me) */
	assert_int_equal(marks_run("\u0995\u09BE\u0981"), 2);        /* Bengali: Mc then Mn */
	assert_int_equal(marks_run("a\xcc"), 0);                       /* cut sequence: no mark */
}

/* The byte-scanning check agrees with the count: the shortest runs over
 * the cap (five two-byte marks, right after ASCII or a Hangul syllable),
 * exactly at the cap, and long non-ASCII text with no marks at all. */
static void too_many_marks_agrees(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"", "O'Brien", "Nguy\u1EC5n", "Nguye\u0302\u0303n",
		"e\u0301\u0301\u0301\u0301", "e\u0301\u0301\u0301\u0301\u0301",
		"\u0301\u0301\u0301\u0301\u0301", "\uAE40\u0301\u0301\u0301\u0301\u0301x",
		"\u5F20\u4F1F\u5F20\u4F1F\u5F20\u4F1F", "\uAE40\uBBFC\uC900\uAE40\uBBFC\uC900",
		"x\u20DD\u20DD\u20DD\u20DD\u20DD", "\u0995\u09BE\u0981\u0981\u0981\u0981",
		"\xcc\xcc\xcc\xcc\xcc\xcc\xcc\xcc\xcc\xcc\xcc",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const size_t n = strlen(cases[i]);
		if (fold_too_many_marks(cases[i], n) != (fold_marks_run(cases[i], n) > FOLD_MAX_MARKS))
			fail_msg("case %zu: the fast check and the count disagree", i);
	}
	assert_true(fold_too_many_marks("e\u0301\u0301\u0301\u0301\u0301", 11));
	assert_false(fold_too_many_marks("e\u0301\u0301\u0301\u0301", 9));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_examples),
		cmocka_unit_test(too_many_marks_agrees),
		cmocka_unit_test(ascii_rules),
		cmocka_unit_test(full_case_fold),
		cmocka_unit_test(accents_and_marks),
		cmocka_unit_test(vietnamese),
		cmocka_unit_test(hangul_and_han),
		cmocka_unit_test(other_scripts),
		cmocka_unit_test(folded_order),
		cmocka_unit_test(marks_per_character),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
