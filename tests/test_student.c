/*
 * test_student.c: the score report row — header mapping, every validation
 * reason of docs/rules.md §3, and the print-order key of docs/rules.md §9
 * (grades TK < KN < 01..12, reports in table order, lea/school/name/ssid
 * precedence).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../engine/student.h"
#include "../base/text.h"
#include "../base/bytebuf.h"

static const char *const hdr[] = {
	"ssid", "lea_code", "school_code", "grade", "last_name", "first_name",
	"report", "primary_language", "ssr_language", "paper_ssr", "zip",
};
#define N_HDR (sizeof hdr / sizeof hdr[0])

static student_cols cols;

static int setup(void **state)
{
	(void)state;
	size_t lens[N_HDR];
	for (size_t i = 0; i < N_HDR; i++)
		lens[i] = strlen(hdr[i]);
	char err[256];
	return student_cols_map(&cols, hdr, lens, N_HDR, err, sizeof err);
}

/* A valid row with field `col` (by header name) replaced by `value`. */
static int parse_with(student *s, const char *col, const char *value, char *reason)
{
	const char *f[N_HDR] = {
		"1234567890", "1964733", "6017000", "05", "Núñez", "José",
		"SB", "01", "", "Y", "90001",
	};
	size_t lens[N_HDR];
	for (size_t i = 0; i < N_HDR; i++) {
		if (col && strcmp(hdr[i], col) == 0)
			f[i] = value;
		lens[i] = strlen(f[i]);
	}
	return student_parse(s, &cols, f, lens, N_HDR, reason, 256);
}

static void expect_reject(const char *col, const char *value, const char *reason_part)
{
	student s;
	char reason[256] = "";
	assert_int_equal(parse_with(&s, col, value, reason), -1);
	if (!strstr(reason, reason_part))
		fail_msg("%s=\"%s\": reason \"%s\" lacks \"%s\"", col, value, reason, reason_part);
}

static void expect_accept(const char *col, const char *value)
{
	student s;
	char reason[256] = "";
	if (parse_with(&s, col, value, reason) != 0)
		fail_msg("%s=\"%s\" rejected: %s", col, value, reason);
}

static void header_mapping(void **state)
{
	(void)state;
	student_cols c;
	char err[256];
	const char *names[] = { "zip", " Report ", "SSID", "lea_code", "school_code",
				"grade", "last_name", "first_name", "mystery" };
	size_t lens[9];
	for (int i = 0; i < 9; i++)
		lens[i] = strlen(names[i]);
	assert_int_equal(student_cols_map(&c, names, lens, 9, err, sizeof err), 0);
	assert_int_equal(c.index[COL_REPORT], 1);
	assert_int_equal(c.index[COL_SSID], 2);
	assert_int_equal(c.index[COL_PAPER_SSR], -1);
	assert_string_equal(student_cols_name(&c, 8), "unknown column");

	/* missing required columns are all named */
	assert_int_equal(student_cols_map(&c, names + 2, lens + 2, 7, err, sizeof err), -1);
	assert_non_null(strstr(err, "report"));
	assert_null(strstr(err, "ssid"));

	/* a repeated known column is unusable */
	const char *dup[] = { "ssid", "lea_code", "school_code", "grade", "last_name",
			      "first_name", "report", "ssid" };
	size_t dl[8];
	for (int i = 0; i < 8; i++)
		dl[i] = strlen(dup[i]);
	assert_int_equal(student_cols_map(&c, dup, dl, 8, err, sizeof err), -1);
	assert_non_null(strstr(err, "ssid appears twice (columns 1 and 8)"));
}

static void valid_row(void **state)
{
	(void)state;
	student s;
	char reason[256];
	assert_int_equal(parse_with(&s, NULL, NULL, reason), 0);
	assert_int_equal(s.ssid, 1234567890u);
	assert_int_equal(s.lea, 1964733u);
	assert_int_equal(s.school, 6017000u);
	assert_int_equal(s.grade, 6);       /* 05 ranks after TK, KN, 01..04 */
	assert_int_equal(s.report, REPORT_SB);
	assert_int_equal(s.primary_language, 1);
	assert_int_equal(s.ssr_language, LANG_NONE);
	assert_int_equal(s.paper_ssr, 1);
	/* blanks and the optional values that are allowed */
	expect_accept("primary_language", "");
	expect_accept("primary_language", "99");
	expect_accept("paper_ssr", "");
	expect_accept("paper_ssr", "N");
	expect_accept("ssr_language", "FIL");
	expect_accept("ssr_language", "KO");
	expect_accept("last_name", "'");   /* folds to nothing, yet not empty */
}

static void every_reason(void **state)
{
	(void)state;
	expect_reject("ssid", "123456789", "column 1 (ssid): must be exactly 10 digits");
	expect_reject("ssid", "12345678901", "(ssid)");
	expect_reject("ssid", "12345X7890", "(ssid)");
	expect_reject("ssid", " 1234567890", "(ssid)");
	expect_reject("lea_code", "196473", "column 2 (lea_code): must be exactly 7 digits");
	expect_reject("school_code", "", "column 3 (school_code)");
	expect_reject("grade", "5", "column 4 (grade): must be TK, KN or 01 to 12");
	expect_reject("grade", "K", "(grade)");
	expect_reject("grade", "13", "(grade)");
	expect_reject("grade", "00", "(grade)");
	expect_reject("grade", "tk", "(grade)");
	expect_reject("last_name", "   ", "column 5 (last_name): is empty");
	expect_reject("first_name", "", "column 6 (first_name): is empty");
	expect_reject("report", "SBAC", "column 7 (report): must be one of");
	expect_reject("report", "sb", "(report)");
	expect_reject("primary_language", "1", "column 8 (primary_language)");
	expect_reject("primary_language", "ES", "(primary_language)");
	expect_reject("ssr_language", "FR", "column 9 (ssr_language): unknown SSR language");
	expect_reject("ssr_language", "es", "(ssr_language)");
	expect_reject("paper_ssr", "X", "column 10 (paper_ssr): must be Y, N or blank");
	expect_reject("paper_ssr", "yes", "(paper_ssr)");
	expect_reject("last_name", "N\xfa\xf1" "ez", "column 5 (last_name): invalid UTF-8");
	expect_reject("zip", "9\xc3", "column 11 (zip): invalid UTF-8");   /* cut-short sequence */
	expect_reject("first_name", "\xed\xa0\x80", "invalid UTF-8");   /* a surrogate */
	expect_reject("first_name", "\xc0\xaf", "invalid UTF-8");       /* overlong */
}

/* At most TEXT_MAX_MARKS combining marks on one character in a text column
 * (a name of 32 K marks took pango seconds to draw); real names pass. */
static void combining_marks(void **state)
{
	(void)state;
	expect_accept("last_name", "Nguye\u0302\u0303n");                 /* Vietnamese, NFD */
	expect_accept("last_name", "A\u0301\u0301\u0301\u0301");         /* 4: the cap */
	expect_accept("first_name", "\u0939\u093F\u0928\u094D\u0926\u0940");   /* Hindi */
	expect_reject("last_name", "A\u0301\u0301\u0301\u0301\u0301",
		      "column 5 (last_name): more than 4 combining marks on one character (malformed text)");
	expect_reject("first_name", "\u0301\u0301\u0301\u0301\u0301Jos\u00e9", "column 6 (first_name): more than 4");
	expect_reject("zip", "9\u20DD\u20DD\u20DD\u20DD\u20DD", "column 11 (zip): more than 4");
	/* invalid UTF-8 is the first reason, before marks are counted */
	expect_reject("last_name", "\xff" "A\u0301\u0301\u0301\u0301\u0301", "column 5 (last_name): invalid UTF-8");
}

static void report_grades(void **state)
{
	(void)state;
	static const struct { const char *report, *grade; int ok; } cases[] = {
		{ "SB", "03", 1 }, { "SB", "08", 1 }, { "SB", "11", 1 },
		{ "SB", "02", 0 }, { "SB", "09", 0 }, { "SB", "10", 0 }, { "SB", "12", 0 },
		{ "CAA", "11", 1 }, { "CAA", "KN", 0 },
		{ "CAST", "05", 1 }, { "CAST", "08", 1 }, { "CAST", "10", 1 },
		{ "CAST", "12", 1 }, { "CAST", "06", 0 }, { "CAST", "09", 0 },
		{ "CAAS", "11", 1 }, { "CAAS", "04", 0 },
		{ "CSA", "03", 1 }, { "CSA", "09", 1 }, { "CSA", "12", 1 }, { "CSA", "02", 0 },
		{ "ELPAC", "TK", 1 }, { "ELPAC", "KN", 1 }, { "ELPAC", "01", 1 }, { "ELPAC", "12", 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *f[N_HDR] = {
			"1234567890", "1964733", "6017000", cases[i].grade, "A", "B",
			cases[i].report, "", "", "", "",
		};
		size_t lens[N_HDR];
		for (size_t k = 0; k < N_HDR; k++)
			lens[k] = strlen(f[k]);
		student s;
		char reason[256] = "";
		const int rc = student_parse(&s, &cols, f, lens, N_HDR, reason, sizeof reason);
		if ((rc == 0) != cases[i].ok)
			fail_msg("%s in grade %s: got %s", cases[i].report, cases[i].grade,
				 rc ? reason : "accepted");
		if (!cases[i].ok && !strstr(reason, "is not given in grade"))
			fail_msg("reason: %s", reason);
	}
}

static void field_count(void **state)
{
	(void)state;
	const char *f[N_HDR] = { "1234567890" };
	size_t lens[N_HDR] = { 10 };
	student s;
	char reason[256];
	assert_int_equal(student_parse(&s, &cols, f, lens, 1, reason, sizeof reason), -1);
	assert_string_equal(reason, "expected 11 fields as in the header, found 1");
}

/* The key of a row built from the given fields. */
static bytebuf key_of(const char *lea, const char *school, const char *grade,
		      const char *last, const char *first, const char *ssid,
		      const char *report, int shipment)
{
	const char *f[N_HDR] = { ssid, lea, school, grade, last, first, report, "", "", "", "" };
	size_t lens[N_HDR];
	for (size_t k = 0; k < N_HDR; k++)
		lens[k] = strlen(f[k]);
	student s;
	char reason[256];
	if (student_parse(&s, &cols, f, lens, N_HDR, reason, sizeof reason) != 0)
		fail_msg("fixture row rejected: %s", reason);
	collator *coll;
	if (collator_new(&coll) != ST_OK)
		fail_msg("cannot open the collation");
	bytebuf b;
	bytebuf_init(&b);
	student_key(&s, shipment, coll, &b);
	collator_free(coll);
	return b;
}

static int keycmp(bytebuf a, bytebuf b)
{
	const size_t n = a.len < b.len ? a.len : b.len;
	int c = memcmp(a.p, b.p, n);
	if (!c)
		c = a.len < b.len ? -1 : a.len > b.len;
	bytebuf_release(&a);
	bytebuf_release(&b);
	return c;
}

#define K(lea, sch, gr, last, first, ssid, rep) \
	key_of(lea, sch, gr, last, first, ssid, rep, -1)

static void key_order(void **state)
{
	(void)state;
	/* grades: TK < KN < 01 < ... < 12 */
	assert_true(keycmp(K("1000000", "0000001", "TK", "A", "A", "1000000000", "ELPAC"),
			   K("1000000", "0000001", "KN", "A", "A", "1000000000", "ELPAC")) < 0);
	assert_true(keycmp(K("1000000", "0000001", "KN", "Z", "Z", "9000000000", "ELPAC"),
			   K("1000000", "0000001", "01", "A", "A", "1000000000", "ELPAC")) < 0);
	assert_true(keycmp(K("1000000", "0000001", "09", "A", "A", "1000000000", "ELPAC"),
			   K("1000000", "0000001", "10", "A", "A", "1000000000", "ELPAC")) < 0);
	/* lea before school before grade before names */
	assert_true(keycmp(K("1000000", "9999999", "12", "A", "A", "1000000000", "ELPAC"),
			   K("1000001", "0000000", "TK", "A", "A", "1000000000", "ELPAC")) < 0);
	assert_true(keycmp(K("1000000", "0000001", "12", "A", "A", "1000000000", "ELPAC"),
			   K("1000000", "0000002", "TK", "A", "A", "1000000000", "ELPAC")) < 0);
	/* last name, then first name, then ssid */
	assert_true(keycmp(K("1000000", "0000001", "05", "Núñez", "Zed", "9000000000", "SB"),
			   K("1000000", "0000001", "05", "Nunez", "Zoe", "1000000000", "SB")) < 0);
	assert_true(keycmp(K("1000000", "0000001", "05", "Smith", "Zed", "9000000000", "SB"),
			   K("1000000", "0000001", "05", "Smith-Jones", "Al", "1000000000", "SB")) < 0);
	assert_true(keycmp(K("1000000", "0000001", "05", "Lee", "Al", "1000000002", "SB"),
			   K("1000000", "0000001", "05", "Lee", "Al", "1000000010", "SB")) < 0);
	/* reports in the order of docs/rules.md §3.2 for the same student */
	static const char *const order[] = { "SB", "CAA", "CAST", "CAAS", "CSA" };
	for (int i = 0; i + 1 < 5; i++)
		assert_true(keycmp(K("1000000", "0000001", "05", "A", "A", "1000000000", order[i]),
				   K("1000000", "0000001", "05", "A", "A", "1000000000", order[i + 1])) < 0);
	/* the shipment byte leads when given */
	assert_true(keycmp(key_of("9999999", "0000001", "05", "A", "A", "1000000000", "SB", SHIP_AUGUST),
			   key_of("0000001", "0000001", "05", "A", "A", "1000000000", "CAST", SHIP_WINTER)) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_mapping),
		cmocka_unit_test(valid_row),
		cmocka_unit_test(every_reason),
		cmocka_unit_test(combining_marks),
		cmocka_unit_test(report_grades),
		cmocka_unit_test(field_count),
		cmocka_unit_test(key_order),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
