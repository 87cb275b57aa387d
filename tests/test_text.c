/*
 * test_text.c: the cap on combining marks per character of a text field,
 * counted as written, and the fast check every row's text gets.  (The
 * order of names is test_collate.c's.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../base/text.h"

static size_t marks_run(const char *s)
{
	return text_marks_run(s, strlen(s));
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
		if (text_too_many_marks(cases[i], n) != (text_marks_run(cases[i], n) > TEXT_MAX_MARKS))
			fail_msg("case %zu: the fast check and the count disagree", i);
	}
	assert_true(text_too_many_marks("e\u0301\u0301\u0301\u0301\u0301", 11));
	assert_false(text_too_many_marks("e\u0301\u0301\u0301\u0301", 9));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(too_many_marks_agrees),
		cmocka_unit_test(marks_per_character),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
