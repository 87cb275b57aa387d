/*
 * student.c: score report rows — the column table, validation and the
 * binary print-order key (see student.h).
 *
 * Validation runs in a fixed order so every bad row gets one reason, the
 * first it breaks: field count, quoting (checked by the caller), UTF-8 of
 * every field, combining marks in the text columns (at most TEXT_MAX_MARKS
 * on one character), then each known column in the order of docs/rules.md §3.1, then
 * whether the report is given in the row's grade.  Duplicates (docs/rules.md §3.4)
 * are the caller's business: only a valid row counts as a first occurrence.
 *
 * The key is built once per row so the sorter compares with memcmp and
 * never re-parses.  Codes are packed as binary big-endian numbers (a 7-digit
 * code fits 3 bytes, a 10-digit ssid 5), which orders exactly like the
 * fixed-width digit strings and keeps the first 8 key bytes (shipment, lea,
 * school, grade) discriminating for the radix pass of the sorter.
 */
#include "student.h"

#include <stdio.h>
#include <string.h>

#include "../io/columns.h"
#include "../base/text.h"
#include "../base/bytebuf.h"

const char *const student_col_name[COL_COUNT] = {
#define STUDENT_COL_NAME(id, name, req) name,
	STUDENT_COLUMNS(STUDENT_COL_NAME)
#undef STUDENT_COL_NAME
};

static const int col_required[COL_COUNT] = {
#define STUDENT_COL_REQ(id, name, req) req,
	STUDENT_COLUMNS(STUDENT_COL_REQ)
#undef STUDENT_COL_REQ
};

const char *const grade_name[GRADE_COUNT] = {
	"TK", "KN", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
};

const char *const lang_code[LANG_COUNT] = { "EN", "ES", "VI", "ZH", "FIL", "KO" };
const char *const program_name[PROGRAM_COUNT] = { "CAASPP", "ELPAC" };
const char *const shipment_name[SHIP_COUNT] = { "august", "winter", "elpac" };

#define G(name) (1u << (name))
enum { R_TK, R_KN, R_01, R_02, R_03, R_04, R_05, R_06, R_07, R_08, R_09, R_10, R_11, R_12 };
#define SB_GRADES (G(R_03) | G(R_04) | G(R_05) | G(R_06) | G(R_07) | G(R_08) | G(R_11))
#define SCIENCE_GRADES (G(R_05) | G(R_08) | G(R_10) | G(R_11) | G(R_12))
#define CSA_GRADES (SB_GRADES | G(R_09) | G(R_10) | G(R_12))
#define ALL_GRADES ((1u << GRADE_COUNT) - 1)

const report_info report_table[REPORT_COUNT] = {
	{ "SB",    PROGRAM_CAASPP, SHIP_AUGUST, 4, SB_GRADES },
	{ "CAA",   PROGRAM_CAASPP, SHIP_AUGUST, 4, SB_GRADES },
	{ "CAST",  PROGRAM_CAASPP, SHIP_WINTER, 2, SCIENCE_GRADES },
	{ "CAAS",  PROGRAM_CAASPP, SHIP_WINTER, 2, SCIENCE_GRADES },
	{ "CSA",   PROGRAM_CAASPP, SHIP_WINTER, 2, CSA_GRADES },
	{ "ELPAC", PROGRAM_ELPAC,  SHIP_ELPAC,  2, ALL_GRADES },
};

int student_cols_map(student_cols *cols, const char *const *names,
		     const size_t *lens, size_t n, char *err, size_t err_cap)
{
	cols->n_fields = n;
	return columns_map(student_col_name, col_required, COL_COUNT, names, lens, n,
			   cols->index, err, err_cap);
}

const char *student_cols_name(const student_cols *cols, size_t i)
{
	return columns_name(student_col_name, COL_COUNT, cols->index, i);
}

static int64_t parse_digits(const char *s, size_t n, size_t digits)
{
	return text_digits(s, n, digits);
}

static int is_blank(const char *s, size_t n)
{
	text_trim(&s, &n);
	return n == 0;
}

static int parse_grade(const char *s, size_t n)
{
	if (n != 2)
		return -1;
	if (s[0] == 'T' && s[1] == 'K')
		return R_TK;
	if (s[0] == 'K' && s[1] == 'N')
		return R_KN;
	const int64_t v = parse_digits(s, n, 2);
	return v >= 1 && v <= 12 ? (int)v + 1 : -1;
}

static int parse_report(const char *s, size_t n)
{
	for (int r = 0; r < REPORT_COUNT; r++)
		if (strlen(report_table[r].code) == n && memcmp(report_table[r].code, s, n) == 0)
			return r;
	return -1;
}

static int parse_lang(const char *s, size_t n)
{
	for (int l = 0; l < LANG_COUNT; l++)
		if (strlen(lang_code[l]) == n && memcmp(lang_code[l], s, n) == 0)
			return l;
	return -1;
}

static int bad(char *reason, size_t cap, const student_cols *cols, int col, const char *what)
{
	snprintf(reason, cap, "column %d (%s): %s", cols->index[col] + 1,
		 student_col_name[col], what);
	return -1;
}

static int student_parse_checked(student *s, const student_cols *cols,
				 const char *const *fields, const size_t *lens, size_t n,
				 char *reason, size_t reason_cap, int check_utf8);

int student_parse(student *s, const student_cols *cols,
		  const char *const *fields, const size_t *lens, size_t n,
		  char *reason, size_t reason_cap)
{
	return student_parse_checked(s, cols, fields, lens, n, reason, reason_cap, 1);
}

int student_parse_valid_utf8(student *s, const student_cols *cols,
			     const char *const *fields, const size_t *lens, size_t n,
			     char *reason, size_t reason_cap)
{
	return student_parse_checked(s, cols, fields, lens, n, reason, reason_cap, 0);
}

static int student_parse_checked(student *s, const student_cols *cols,
				 const char *const *fields, const size_t *lens, size_t n,
				 char *reason, size_t reason_cap, int check_utf8)
{
	if (n != cols->n_fields) {
		snprintf(reason, reason_cap, "expected %zu fields as in the header, found %zu",
			 cols->n_fields, n);
		return -1;
	}
	if (check_utf8 && columns_check_fields(student_col_name, COL_COUNT, cols->index, fields,
					       lens, n, reason, reason_cap) != 0)
		return -1;
	for (int c = 0; c < COL_COUNT; c++) {
		const int i = cols->index[c];
		s->f[c] = i >= 0 ? fields[i] : "";
		s->len[c] = i >= 0 ? lens[i] : 0;
	}
	/* the text columns (codes are checked digit by digit below): a run
	 * of marks beyond TEXT_MAX_MARKS is malformed text */
	static const int text_cols[] = {
		COL_LEA_NAME, COL_SCHOOL_NAME, COL_LAST_NAME, COL_FIRST_NAME, COL_MIDDLE_NAME,
		COL_GUARDIAN_NAME, COL_ADDRESS_LINE1, COL_ADDRESS_LINE2, COL_CITY, COL_STATE, COL_ZIP,
	};
	for (size_t k = 0; k < sizeof text_cols / sizeof text_cols[0]; k++) {
		const int c = text_cols[k];
		if (text_too_many_marks(s->f[c], s->len[c])) {
			char what[96];
			snprintf(what, sizeof what,
				 "more than %d combining marks on one character (malformed text)",
				 TEXT_MAX_MARKS);
			return bad(reason, reason_cap, cols, c, what);
		}
	}

	int64_t v = parse_digits(s->f[COL_SSID], s->len[COL_SSID], 10);
	if (v < 0)
		return bad(reason, reason_cap, cols, COL_SSID, "must be exactly 10 digits");
	s->ssid = (uint64_t)v;
	if ((v = parse_digits(s->f[COL_LEA_CODE], s->len[COL_LEA_CODE], 7)) < 0)
		return bad(reason, reason_cap, cols, COL_LEA_CODE, "must be exactly 7 digits");
	s->lea = (uint32_t)v;
	if ((v = parse_digits(s->f[COL_SCHOOL_CODE], s->len[COL_SCHOOL_CODE], 7)) < 0)
		return bad(reason, reason_cap, cols, COL_SCHOOL_CODE, "must be exactly 7 digits");
	s->school = (uint32_t)v;
	const int g = parse_grade(s->f[COL_GRADE], s->len[COL_GRADE]);
	if (g < 0)
		return bad(reason, reason_cap, cols, COL_GRADE, "must be TK, KN or 01 to 12");
	s->grade = (uint8_t)g;
	if (is_blank(s->f[COL_LAST_NAME], s->len[COL_LAST_NAME]))
		return bad(reason, reason_cap, cols, COL_LAST_NAME, "is empty");
	if (is_blank(s->f[COL_FIRST_NAME], s->len[COL_FIRST_NAME]))
		return bad(reason, reason_cap, cols, COL_FIRST_NAME, "is empty");
	const int r = parse_report(s->f[COL_REPORT], s->len[COL_REPORT]);
	if (r < 0)
		return bad(reason, reason_cap, cols, COL_REPORT,
			   "must be one of SB, CAA, CAST, CAAS, CSA, ELPAC");
	s->report = (uint8_t)r;
	s->primary_language = 0;
	if (s->len[COL_PRIMARY_LANGUAGE]) {
		if ((v = parse_digits(s->f[COL_PRIMARY_LANGUAGE], s->len[COL_PRIMARY_LANGUAGE], 2)) < 0)
			return bad(reason, reason_cap, cols, COL_PRIMARY_LANGUAGE,
				   "must be blank or a 2-digit language code");
		s->primary_language = (uint8_t)v;
	}
	s->ssr_language = LANG_NONE;
	if (s->len[COL_SSR_LANGUAGE]) {
		const int l = parse_lang(s->f[COL_SSR_LANGUAGE], s->len[COL_SSR_LANGUAGE]);
		if (l < 0)
			return bad(reason, reason_cap, cols, COL_SSR_LANGUAGE,
				   "unknown SSR language (must be blank, EN, ES, VI, ZH, FIL or KO)");
		s->ssr_language = (uint8_t)l;
	}
	const char *p = s->f[COL_PAPER_SSR];
	const size_t pn = s->len[COL_PAPER_SSR];
	if (pn == 0 || (pn == 1 && p[0] == 'N'))
		s->paper_ssr = 0;
	else if (pn == 1 && p[0] == 'Y')
		s->paper_ssr = 1;
	else
		return bad(reason, reason_cap, cols, COL_PAPER_SSR, "must be Y, N or blank");
	if (!(report_table[r].grades & (1u << g))) {
		snprintf(reason, reason_cap, "column %d (report): %s is not given in grade %s",
			 cols->index[COL_REPORT] + 1, report_table[r].code, grade_name[g]);
		return -1;
	}
	return 0;
}

static void put_be(bytebuf *key, uint64_t v, int n_bytes)
{
	uint8_t b[8];
	for (int i = n_bytes - 1; i >= 0; i--) {
		b[i] = (uint8_t)v;
		v >>= 8;
	}
	bytebuf_put(key, b, (size_t)n_bytes);
}

void student_key(const student *s, int shipment, collator *coll, bytebuf *key)
{
	static const uint8_t zero = 0;
	if (shipment >= 0)
		put_be(key, (uint64_t)shipment, 1);
	put_be(key, s->lea, 3);
	put_be(key, s->school, 3);
	put_be(key, s->grade, 1);
	collate_name(coll, s->f[COL_LAST_NAME], s->len[COL_LAST_NAME], key);
	bytebuf_put(key, &zero, 1);
	collate_name(coll, s->f[COL_FIRST_NAME], s->len[COL_FIRST_NAME], key);
	bytebuf_put(key, &zero, 1);
	put_be(key, s->ssid, 5);
	put_be(key, s->report, 1);
}
