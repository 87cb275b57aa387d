/*
 * student.h: one score report row — its columns, the rules it must obey
 * (docs/rules.md §3) and its print-order key (docs/rules.md §9).
 *
 *   student_cols cols;
 *   student_cols_map(&cols, header_names, header_lens, n, err, sizeof err);
 *   for each row:
 *     student s;
 *     if (student_parse(&s, &cols, fields, lens, n, reason, sizeof reason))
 *         reject(reason);
 *     else
 *         student_key(&s, -1, coll, &key);   // or a shipment for `run`
 */
#ifndef SSRFILL_STUDENT_H
#define SSRFILL_STUDENT_H

#include <stddef.h>
#include <stdint.h>

#include "collate.h"
#include "../base/bytebuf.h"

/* The columns ssrfill knows, in the order of docs/rules.md §3.1; `req`
 * marks required. */
#define STUDENT_COLUMNS(X)                     \
	X(SSID,             "ssid",             1) \
	X(LEA_CODE,         "lea_code",         1) \
	X(LEA_NAME,         "lea_name",         0) \
	X(SCHOOL_CODE,      "school_code",      1) \
	X(SCHOOL_NAME,      "school_name",      0) \
	X(GRADE,            "grade",            1) \
	X(LAST_NAME,        "last_name",        1) \
	X(FIRST_NAME,       "first_name",       1) \
	X(MIDDLE_NAME,      "middle_name",      0) \
	X(REPORT,           "report",           1) \
	X(PRIMARY_LANGUAGE, "primary_language", 0) \
	X(SSR_LANGUAGE,     "ssr_language",     0) \
	X(PAPER_SSR,        "paper_ssr",        0) \
	X(GUARDIAN_NAME,    "guardian_name",    0) \
	X(ADDRESS_LINE1,    "address_line1",    0) \
	X(ADDRESS_LINE2,    "address_line2",    0) \
	X(CITY,             "city",             0) \
	X(STATE,            "state",            0) \
	X(ZIP,              "zip",              0)

enum student_col {
#define STUDENT_COL_ENUM(id, name, req) COL_##id,
	STUDENT_COLUMNS(STUDENT_COL_ENUM)
#undef STUDENT_COL_ENUM
	COL_COUNT
};

extern const char *const student_col_name[COL_COUNT];

enum report { REPORT_SB, REPORT_CAA, REPORT_CAST, REPORT_CAAS, REPORT_CSA,
	      REPORT_ELPAC, REPORT_COUNT };
enum program { PROGRAM_CAASPP, PROGRAM_ELPAC, PROGRAM_COUNT };
enum shipment { SHIP_AUGUST, SHIP_WINTER, SHIP_ELPAC, SHIP_COUNT };
/* SSR languages, English first; LANG_NONE = no override given. */
enum lang { LANG_EN, LANG_ES, LANG_VI, LANG_ZH, LANG_FIL, LANG_KO, LANG_COUNT,
	    LANG_NONE = LANG_COUNT };

/* Grades are ranked TK=0, KN=1, 01=2 ... 12=13. */
#define GRADE_COUNT 14
extern const char *const grade_name[GRADE_COUNT];
extern const char *const lang_code[LANG_COUNT];
extern const char *const program_name[PROGRAM_COUNT];
extern const char *const shipment_name[SHIP_COUNT];

typedef struct report_info {
	const char *code;
	enum program program;
	enum shipment shipment;
	int pages;
	uint16_t grades;        /* bit g set: given in grade rank g */
} report_info;

/* In the order of docs/rules.md §3.2, which is also the order of the print
 * key. */
extern const report_info report_table[REPORT_COUNT];

typedef struct student_cols {
	int index[COL_COUNT];   /* input column of each known column, or -1 */
	size_t n_fields;        /* fields in the header */
} student_cols;

typedef struct student {
	const char *f[COL_COUNT];   /* the row's fields; "" for absent columns */
	size_t len[COL_COUNT];
	uint64_t ssid;
	uint32_t lea;
	uint32_t school;
	uint8_t grade;              /* rank */
	uint8_t report;             /* enum report */
	uint8_t primary_language;   /* CALPADS code 0..99, 0 when blank */
	uint8_t ssr_language;       /* enum lang, LANG_NONE when blank */
	uint8_t paper_ssr;          /* 1 for Y */
} student;

/* Map a header to the known columns.  Returns 0, or -1 with a message in
 * err naming the missing or repeated columns.  Names match after trimming
 * spaces, ignoring ASCII case; unknown columns are ignored. */
int student_cols_map(student_cols *cols, const char *const *names,
		     const size_t *lens, size_t n, char *err, size_t err_cap);

/* The name of input column i (0-based) if ssrfill knows it, else
 * "unknown column". */
const char *student_cols_name(const student_cols *cols, size_t i);

/* Check a row against every rule.  Returns 0 and fills s, or -1 with the
 * reason (column number and name, what is wrong; never the value). */
int student_parse(student *s, const student_cols *cols,
		  const char *const *fields, const size_t *lens, size_t n,
		  char *reason, size_t reason_cap);
/* The same, when the caller has already found the whole raw record to be
 * valid UTF-8 without NUL bytes (the fields need no check of their own). */
int student_parse_valid_utf8(student *s, const student_cols *cols,
			     const char *const *fields, const size_t *lens, size_t n,
			     char *reason, size_t reason_cap);

/* Append the row's print-order key: an optional shipment byte (shipment <
 * 0 for none), then lea (3 bytes), school (3), grade (1), the last name's
 * collation key (collate.h), 0x00, the first name's, 0x00, ssid (5 bytes),
 * report (1), so memcmp on two keys is the print order of docs/rules.md §9.
 * Collation keys hold no 0x00 byte, so the terminator sorts a name before
 * every longer name it begins. */
void student_key(const student *s, int shipment, collator *coll, bytebuf *key);

/* The 64-bit identity of (ssid, report) used to find duplicates. */
static inline uint64_t student_identity(const student *s)
{
	return s->ssid * REPORT_COUNT + s->report;
}

#endif
