/*
 * test_columns.c: header matching (issue 12, items 5 and 6) — a BOM inside
 * a name, unknown columns and the known name suggested for them, and
 * suggestions that must not be made.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../io/columns.h"
#include "../engine/orders.h"
#include "../engine/student.h"

static const char *suggest(const char *name)
{
	return columns_suggest(student_col_name, COL_COUNT, name, strlen(name));
}

static void misspellings_suggested(void **state)
{
	(void)state;
	assert_string_equal(suggest("paper-ssr"), "paper_ssr");
	assert_string_equal(suggest("Paper SSR"), "paper_ssr");
	assert_string_equal(suggest("ssr_lang"), "ssr_language");
	assert_string_equal(suggest("address1"), "address_line1");
	assert_string_equal(suggest("adress_line1"), "address_line1");
	assert_string_equal(suggest("frist_name"), "first_name");   /* a swapped pair costs 1 */
	assert_string_equal(suggest("grades"), "grade");
	assert_string_equal(suggest("zip "), "zip");
	assert_string_equal(suggest("guardian"), "guardian_name");
}

static void unrelated_names_not_suggested(void **state)
{
	(void)state;
	assert_null(suggest("notes"));
	assert_null(suggest("id"));          /* 2 edits from ssid: too far for a short name */
	assert_null(suggest("email"));
	assert_null(suggest("phone"));
	assert_null(suggest("dob"));
	assert_null(suggest(""));
	assert_null(suggest("___"));
	char big[300];
	memset(big, 'a', sizeof big);
	assert_null(columns_suggest(student_col_name, COL_COUNT, big, sizeof big));
}

/* names, lens from a comma-separated header (no quoting) */
static size_t split(char *h, const char **names, size_t *lens, size_t cap)
{
	size_t n = 0;
	for (char *p = h; n < cap;) {
		char *c = strchr(p, ',');
		names[n] = p;
		lens[n++] = c ? (size_t)(c - p) : strlen(p);
		if (!c)
			break;
		p = c + 1;
	}
	return n;
}

static void bom_inside_a_name_is_ignored(void **state)
{
	(void)state;
	char h[] = "ssid,\xEF\xBB\xBFlea_code,school_code,grade,last_name,first_name,report,"
		   "paper-ssr,city\xEF\xBB\xBF";
	const char *names[16];
	size_t lens[16];
	const size_t n = split(h, names, lens, 16);
	int index[COL_COUNT];
	char err[256] = "";
	student_cols cols;
	assert_int_equal(student_cols_map(&cols, names, lens, n, err, sizeof err), 0);
	assert_int_equal(cols.index[COL_LEA_CODE], 1);
	assert_int_equal(cols.index[COL_CITY], 8);
	memcpy(index, cols.index, sizeof index);
	column_notes cn;
	columns_notes(student_col_name, COL_COUNT, index, names, lens, n, &cn);
	assert_int_equal(cn.n, 3);
	assert_int_equal(cn.note[0].kind, COLUMN_BOM);
	assert_int_equal(cn.note[0].column, 2);
	assert_string_equal(cn.note[0].name, "lea_code");
	assert_int_equal(cn.note[1].kind, COLUMN_UNKNOWN);
	assert_int_equal(cn.note[1].column, 8);
	assert_string_equal(cn.note[1].did_you_mean, "paper_ssr");
	assert_int_equal(cn.note[2].kind, COLUMN_BOM);
	char line[256];
	columns_note_text(&cn.note[1], line, sizeof line);
	assert_string_equal(line, "column 8 \"paper-ssr\" is not a column ssrfill knows and is ignored "
			    "(did you mean paper_ssr?)");
	columns_note_text(&cn.note[0], line, sizeof line);
	assert_string_equal(line, "column 2 (lea_code): a byte order mark (U+FEFF) in the name is ignored");
}

static void long_and_hostile_names_are_cut(void **state)
{
	(void)state;
	/* 60 bytes of two-byte letters, a quote and a control byte */
	char h[200] = "ssid,lea_code,school_code,grade,last_name,first_name,report,\"\x01";
	for (int i = 0; i < 30; i++)
		strcat(h, "\xC3\xA9");
	const char *names[16];
	size_t lens[16];
	const size_t n = split(h, names, lens, 16);
	student_cols cols;
	char err[256];
	assert_int_equal(student_cols_map(&cols, names, lens, n, err, sizeof err), 0);
	column_notes cn;
	columns_notes(student_col_name, COL_COUNT, cols.index, names, lens, n, &cn);
	assert_int_equal(cn.n, 1);
	const char *s = cn.note[0].name;
	assert_true(strlen(s) <= COLUMN_SHOWN + 3);
	assert_memory_equal(s, "??", 2);
	assert_string_equal(s + strlen(s) - 3, "...");
	assert_true(((unsigned char)s[strlen(s) - 4] & 0xC0) == 0x80);   /* whole characters */
}

static void many_unknown_columns_are_counted(void **state)
{
	(void)state;
	static char h[8192] = "lea_code,program,ordered_on";
	for (int i = 0; i < 100; i++)
		strcat(h, ",x");
	static const char *names[128];
	static size_t lens[128];
	const size_t n = split(h, names, lens, 128);
	orders *o;
	config c;
	config_defaults(&c);
	assert_int_equal(orders_new(&o, &c), ST_OK);
	char err[256];
	assert_int_equal(orders_set_header(o, names, lens, n, err, sizeof err), 0);
	const column_notes *cn = orders_header_notes(o);
	assert_int_equal(cn->n, COLUMN_NOTES_MAX);
	assert_int_equal(cn->more, 100 - COLUMN_NOTES_MAX);
	assert_int_equal(cn->note[0].column, 4);
	orders_free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(misspellings_suggested),
		cmocka_unit_test(unrelated_names_not_suggested),
		cmocka_unit_test(bom_inside_a_name_is_ignored),
		cmocka_unit_test(long_and_hostile_names_are_cut),
		cmocka_unit_test(many_unknown_columns_are_counted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
