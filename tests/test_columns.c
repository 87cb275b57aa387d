/*
 * test_columns.c: header matching (issue 12, items 5 and 6) — a BOM inside
 * a name, unknown columns and the known name suggested for them, and
 * suggestions that must not be made; and (issue 19) a header of another
 * of ssrfill's files, with another separator, or a data row where the
 * header belongs is named, and a Latin-1 field's reason says how to
 * convert the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* issue 19: map a header (comma-separated) as a score reports file (0) or
 * an orders file (1); the message, "" when it maps */
static const char *map_as(int as_orders, const char *header)
{
	static char h[2048], err[512];
	snprintf(h, sizeof h, "%s", header);
	static const char *names[64];
	static size_t lens[64];
	const size_t n = split(h, names, lens, 64);
	err[0] = 0;
	if (as_orders) {
		orders *o;
		config c;
		config_defaults(&c);
		assert_int_equal(orders_new(&o, &c), ST_OK);
		if (orders_set_header(o, names, lens, n, err, sizeof err) == 0)
			err[0] = 0;
		orders_free(o);
	} else {
		student_cols cols;
		if (student_cols_map(&cols, names, lens, n, err, sizeof err) == 0)
			err[0] = 0;
	}
	return err;
}

static void assert_has(const char *s, const char *part)
{
	if (!strstr(s, part))
		fail_msg("\"%s\" lacks \"%s\"", s, part);
}

#define ORDERS_HEADER "lea_code,school_code,program,envelopes,paper_size,po_number,ordered_on,cancelled_on"
#define LEAS_HEADER "lea_code,ship_to_name,attention,address1,address2,city,state,zip,phone"

/* every known score reports column, from the engine's own table */
static const char *students_header(char sep)
{
	static char h[1024];
	h[0] = 0;
	for (int c = 0; c < COL_COUNT; c++) {
		const size_t k = strlen(h);
		snprintf(h + k, sizeof h - k, "%s%s", c ? (char[]){ sep, 0 } : "", student_col_name[c]);
	}
	return h;
}

static void another_kind_of_file_is_named(void **state)
{
	(void)state;
	assert_string_equal(map_as(1, students_header(',')),
			    "missing required column(s): program, ordered_on; this looks like a score reports file "
			    "(it has ssid, lea_code, lea_name, school_code, ...): is it --students?");
	assert_string_equal(map_as(0, ORDERS_HEADER),
			    "missing required column(s): ssid, grade, last_name, first_name, report; this looks like "
			    "an orders file (it has lea_code, school_code, program, envelopes, ...): is it --orders?");
	assert_has(map_as(1, LEAS_HEADER), "this looks like an LEA directory (it has lea_code, ship_to_name, "
		   "attention, address1, ...): is it --leas?");
	assert_has(map_as(0, LEAS_HEADER), "is it --leas?");
	assert_has(map_as(0, "line,reason,raw"), "this looks like a rejects file ssrfill wrote (it has line, "
		   "reason, raw): give the input file itself, not its rejects");
	/* names in another case, with spaces and a BOM, still count */
	assert_has(map_as(1, "\xEF\xBB\xBFSSID, Lea_Code ,GRADE,report"), "is it --students?");
	/* one column missing from the right kind of file: no guess */
	assert_string_equal(map_as(0, "ssid,lea_code,school_code,grade,last_name,first_name,city"),
			    "missing required column(s): report");
	/* one name of another kind is not enough */
	assert_string_equal(map_as(1, "lea_code,program,ssid"), "missing required column(s): ordered_on");
	/* a file that maps gets no message */
	assert_string_equal(map_as(1, ORDERS_HEADER), "");
}

static void another_separator_is_named(void **state)
{
	(void)state;
	assert_string_equal(map_as(0, students_header(';')),
			    "the file is separated by ';' not ',': column 1 of the header holds the names ssid, "
			    "lea_code, lea_name, school_code, ...; save it again as comma-separated CSV (in Excel: "
			    "\"CSV UTF-8 (Comma delimited)\")");
	assert_has(map_as(1, "lea_code\tschool_code\tprogram\tordered_on"), "separated by tabs not ','");
	assert_has(map_as(1, "lea_code|program|ordered_on"), "separated by '|' not ','");
	/* the orders' names found by an orders file read as score reports */
	assert_has(map_as(0, "lea_code;program;ordered_on"), "separated by ';' not ','");
	/* a ';' in an unknown column's name is not a separator */
	assert_string_equal(map_as(1, "lea_code,program,notes;misc"), "missing required column(s): ordered_on");
}

static void a_data_row_for_a_header_is_named(void **state)
{
	(void)state;
	const char *e = map_as(0, "2100000001,1111111,Alpha Unified,1000001,Alpha Elem,05,Abernathy,Amelia,SB");
	assert_has(e, "missing required column(s): ssid,");
	assert_has(e, "the first line looks like a row of data, not a header: put the header line "
		   "(the column names) first");
	/* no student data in the message */
	assert_null(strstr(e, "Abernathy"));
	assert_null(strstr(e, "2100000001"));
	/* names ssrfill does not know, and no codes: no guess */
	assert_string_equal(map_as(1, "a,b,c"), "missing required column(s): lea_code, program, ordered_on");
}

static void latin1_fields_get_the_iconv_hint(void **state)
{
	(void)state;
	const int index[2] = { 0, 1 };
	static const char *const known[2] = { "last_name", "first_name" };
	char reason[256];
	const char *f[2] = { "Mu\xf1oz", "Ana" };
	size_t len[2] = { 5, 3 };
	assert_int_equal(columns_check_fields(known, 2, index, f, len, 2, reason, sizeof reason), -1);
	assert_string_equal(reason, "column 1 (last_name): invalid UTF-8; it looks like Latin-1 (ISO-8859-1) "
			    "text: convert the file to UTF-8 with iconv -f latin1 -t utf-8 IN > OUT");
	f[0] = "Ana";
	len[0] = 3;
	f[1] = "\x93" "Bo\x94";
	len[1] = 4;
	assert_int_equal(columns_check_fields(known, 2, index, f, len, 2, reason, sizeof reason), -1);
	assert_has(reason, "column 2 (first_name): invalid UTF-8; it looks like Windows-1252 text");
	assert_has(reason, "iconv -f windows-1252 -t utf-8 IN > OUT");
	/* binary bytes and NUL bytes get no guess */
	f[1] = "\x01\xff";
	len[1] = 2;
	assert_int_equal(columns_check_fields(known, 2, index, f, len, 2, reason, sizeof reason), -1);
	assert_string_equal(reason, "column 2 (first_name): invalid UTF-8");
	f[1] = "A\0B";
	len[1] = 3;
	assert_int_equal(columns_check_fields(known, 2, index, f, len, 2, reason, sizeof reason), -1);
	assert_string_equal(reason, "column 2 (first_name): contains a NUL byte");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(misspellings_suggested),
		cmocka_unit_test(unrelated_names_not_suggested),
		cmocka_unit_test(bom_inside_a_name_is_ignored),
		cmocka_unit_test(long_and_hostile_names_are_cut),
		cmocka_unit_test(many_unknown_columns_are_counted),
		cmocka_unit_test(another_kind_of_file_is_named),
		cmocka_unit_test(another_separator_is_named),
		cmocka_unit_test(a_data_row_for_a_header_is_named),
		cmocka_unit_test(latin1_fields_get_the_iconv_hint),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
