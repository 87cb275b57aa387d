/*
 * test_synth.c: the synthetic data generator (gen/synth.c), checked the
 * way a user of `ssrfill gen` would notice it breaking: same seed, same
 * bytes; the exact header and row count; clean rows that obey docs/rules.md §3
 * with no duplicates; orders that name LEAs and schools of the students
 * file; a real zstd stream for ".zst"; malformed rows at the asked rate and
 * of every kind; surnames in Đ, Ø, Ł, Æ, Han and Hangul at their shares;
 * small memory; and a wave 2 (--wave 2) that keeps most of wave 1's rows
 * byte for byte, with late, corrected and gone rows at their shares and a
 * late school order.
 *
 * Every test generates small files into one mkdtemp folder, removed at the
 * end.  The checks parse the CSV here, independently of io/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zstd.h>

#include "../base/mem.h"
#include "../gen/synth.h"

static char tmpdir[64];

static const char students_header[] =
	"ssid,lea_code,lea_name,school_code,school_name,grade,last_name,"
	"first_name,middle_name,report,primary_language,ssr_language,paper_ssr,"
	"guardian_name,address_line1,address_line2,city,state,zip\n";
static const char orders_header[] =
	"lea_code,school_code,program,envelopes,paper_size,po_number,"
	"ordered_on,cancelled_on\n";

/* ---- helpers ---------------------------------------------------------- */

static const char *tpath(char *buf, const char *name)
{
	snprintf(buf, 256, "%s/%s", tmpdir, name);
	return buf;
}

static status gen(uint64_t rows, uint64_t seed, double bad, const char *students, const char *orders)
{
	char a[256], b[256];
	const synth_opts o = {
		.rows = rows, .seed = seed, .bad_rate = bad,
		.students_path = tpath(a, students),
		.orders_path = orders ? tpath(b, orders) : NULL,
	};
	status_clear();
	return synth_run(&o);
}

static status gen_wave(uint64_t rows, uint64_t seed, double bad, unsigned wave,
		       const char *students, const char *orders)
{
	char a[256], b[256];
	const synth_opts o = {
		.rows = rows, .seed = seed, .bad_rate = bad, .wave = wave,
		.students_path = tpath(a, students),
		.orders_path = orders ? tpath(b, orders) : NULL,
	};
	status_clear();
	return synth_run(&o);
}

static char *slurp(const char *name, size_t *len)
{
	char p[256];
	FILE *f = fopen(tpath(p, name), "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	const long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static int same_file(const char *x, const char *y)
{
	size_t nx, ny;
	char *a = slurp(x, &nx), *b = slurp(y, &ny);
	const int same = nx == ny && memcmp(a, b, nx) == 0;
	free(a);
	free(b);
	return same;
}

typedef struct field {
	const char *p;
	size_t n;
} field;

#define MAX_FIELDS 32

/* Parse one RFC 4180 record starting at *pos: fields unquoted into
 * scratch.  Returns the field count, 0 at the end of the buffer. */
static int next_record(const char *buf, size_t len, size_t *pos, field *f, char *scratch)
{
	size_t i = *pos, k = 0;
	int nf = 0;
	if (i >= len)
		return 0;
	for (;;) {
		const size_t start = k;
		if (buf[i] == '"') {
			i++;
			for (;;) {
				assert_true(i < len);  /* a quote left open */
				if (buf[i] == '"') {
					if (i + 1 < len && buf[i + 1] == '"') {
						scratch[k++] = '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				scratch[k++] = buf[i++];
			}
		} else {
			while (i < len && buf[i] != ',' && buf[i] != '\n')
				scratch[k++] = buf[i++];
		}
		if (nf < MAX_FIELDS)
			f[nf] = (field){ scratch + start, k - start };
		nf++;
		assert_true(i < len);  /* every record ends with '\n' */
		if (buf[i++] == '\n')
			break;
	}
	*pos = i;
	return nf;
}

/* Data records after an exact header. */
static uint64_t count_records(const char *buf, size_t len, const char *header)
{
	const size_t nh = strlen(header);
	assert_true(len >= nh);
	assert_memory_equal(buf, header, nh);
	size_t pos = nh;
	uint64_t n = 0;
	field f[MAX_FIELDS];
	char *scratch = malloc(len + 1);
	while (next_record(buf, len, &pos, f, scratch))
		n++;
	free(scratch);
	return n;
}

static int is_digits(const field *f, size_t n)
{
	if (f->n != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (f->p[i] < '0' || f->p[i] > '9')
			return 0;
	return 1;
}

static int is_one_of(const field *f, const char *const *set, size_t n_set)
{
	for (size_t i = 0; i < n_set; i++)
		if (strlen(set[i]) == f->n && memcmp(set[i], f->p, f->n) == 0)
			return (int)i;
	return -1;
}

static int blank(const field *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->p[i] != ' ')
			return 0;
	return 1;
}

static int valid_utf8(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		const unsigned char c = (unsigned char)s[i];
		size_t len;
		if (c < 0x80)
			len = 1;
		else if (c >= 0xC2 && c <= 0xDF)
			len = 2;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (size_t j = 1; j < len; j++)
			if (((unsigned char)s[i + j] & 0xC0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

static const char *const grades[] = {
	"TK", "KN", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
};
static const char *const reports[] = { "SB", "CAA", "CAST", "CAAS", "CSA", "ELPAC" };
/* docs/rules.md §3: which grades (bit per index of grades[]) take each report. */
static const unsigned report_grades[] = {
	0x13F0, 0x13F0, 0x3A40, 0x3A40, 0x3FF0, 0x3FFF,
};

/* Why a students row would be rejected (docs/rules.md §3.3-§3.4), or OK. */
enum { OK, R_FIELDS, R_UTF8, R_SSID, R_LEA, R_SCHOOL, R_GRADE, R_LAST,
       R_FIRST, R_REPORT, R_REPORT_GRADE, R_PLANG, R_SSRLANG, R_PAPER,
       R_DUP, N_REASONS };

typedef struct scan {
	uint64_t rows;
	uint64_t reasons[N_REASONS];
	uint64_t per_report[6];
	uint64_t *keys;        /* ssid * 8 + report of good rows */
	uint64_t n_keys;
	uint64_t *schools;     /* lea * 10^7 + school of good rows */
	uint64_t n_schools;
} scan;

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t to_u64(const field *f)
{
	uint64_t v = 0;
	for (size_t i = 0; i < f->n; i++)
		v = v * 10 + (uint64_t)(f->p[i] - '0');
	return v;
}

static int check_row(const field *f, int nf, scan *sc)
{
	static const char *const ssr_langs[] = { "", "EN", "ES", "VI", "ZH", "FIL", "KO" };
	static const char *const paper[] = { "", "Y", "N" };
	if (nf != 19)
		return R_FIELDS;
	for (int i = 0; i < nf; i++)
		if (!valid_utf8(f[i].p, f[i].n))
			return R_UTF8;
	if (!is_digits(&f[0], 10))
		return R_SSID;
	if (!is_digits(&f[1], 7))
		return R_LEA;
	if (!is_digits(&f[3], 7))
		return R_SCHOOL;
	const int g = is_one_of(&f[5], grades, 14);
	if (g < 0)
		return R_GRADE;
	if (blank(&f[6]))
		return R_LAST;
	if (blank(&f[7]))
		return R_FIRST;
	const int rep = is_one_of(&f[9], reports, 6);
	if (rep < 0)
		return R_REPORT;
	if (!(report_grades[rep] & (1u << g)))
		return R_REPORT_GRADE;
	if (f[10].n != 0 && !is_digits(&f[10], 2))
		return R_PLANG;
	if (is_one_of(&f[11], ssr_langs, 7) < 0)
		return R_SSRLANG;
	if (is_one_of(&f[12], paper, 3) < 0)
		return R_PAPER;
	/* the mailing block: CA and a California zip, or nothing */
	assert_true(f[17].n == 0 || (f[17].n == 2 && memcmp(f[17].p, "CA", 2) == 0));
	assert_true(f[18].n == 0 || (is_digits(&f[18], 5) && to_u64(&f[18]) >= 90001 &&
				     to_u64(&f[18]) <= 96162));
	sc->per_report[rep]++;
	sc->keys[sc->n_keys++] = to_u64(&f[0]) * 8 + (uint64_t)rep;
	sc->schools[sc->n_schools++] = to_u64(&f[1]) * 10000000 + to_u64(&f[3]);
	return OK;
}

/* Check every row of a students file; duplicates are counted over the
 * whole file (the first of a key is the good one). */
static void scan_students(const char *name, scan *sc)
{
	size_t len;
	char *buf = slurp(name, &len);
	const size_t nh = strlen(students_header);
	assert_true(len >= nh);
	assert_memory_equal(buf, students_header, nh);
	memset(sc, 0, sizeof *sc);
	sc->keys = malloc((len / 32 + 1) * sizeof *sc->keys);
	sc->schools = malloc((len / 32 + 1) * sizeof *sc->schools);
	char *scratch = malloc(len + 1);
	assert_true(sc->keys && sc->schools && scratch);
	size_t pos = nh;
	field f[MAX_FIELDS];
	int nf;
	while ((nf = next_record(buf, len, &pos, f, scratch)) > 0) {
		sc->rows++;
		sc->reasons[check_row(f, nf, sc)]++;
	}
	qsort(sc->keys, sc->n_keys, sizeof *sc->keys, cmp_u64);
	for (uint64_t i = 1; i < sc->n_keys; i++)
		if (sc->keys[i] == sc->keys[i - 1]) {
			sc->reasons[R_DUP]++;
			sc->reasons[OK]--;
		}
	qsort(sc->schools, sc->n_schools, sizeof *sc->schools, cmp_u64);
	free(scratch);
	free(buf);
}

static void scan_free(scan *sc)
{
	free(sc->keys);
	free(sc->schools);
}

/* ---- tests ------------------------------------------------------------ */

static void test_same_seed_same_bytes(void **state)
{
	(void)state;
	assert_int_equal(gen(20000, 42, 0.01, "a.csv", "a_orders.csv"), ST_OK);
	assert_int_equal(gen(20000, 42, 0.01, "b.csv", "b_orders.csv"), ST_OK);
	assert_int_equal(gen(20000, 43, 0.01, "c.csv", "c_orders.csv"), ST_OK);
	assert_true(same_file("a.csv", "b.csv"));
	assert_true(same_file("a_orders.csv", "b_orders.csv"));
	assert_false(same_file("a.csv", "c.csv"));
	assert_false(same_file("a_orders.csv", "c_orders.csv"));
}

static void test_header_and_exact_row_count(void **state)
{
	(void)state;
	static const uint64_t counts[] = { 0, 1, 2, 7, 1000, 20001 };
	for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
		assert_int_equal(gen(counts[i], 5, 0.0, "n.csv", "n_orders.csv"), ST_OK);
		size_t len;
		char *buf = slurp("n.csv", &len);
		assert_int_equal(count_records(buf, len, students_header), counts[i]);
		free(buf);
		buf = slurp("n_orders.csv", &len);
		(void)count_records(buf, len, orders_header);
		free(buf);
		/* with malformed rows too, the count is exact */
		assert_int_equal(gen(counts[i], 5, 0.3, "n.csv", NULL), ST_OK);
		buf = slurp("n.csv", &len);
		assert_int_equal(count_records(buf, len, students_header), counts[i]);
		free(buf);
	}
}

static void test_clean_rows_follow_spec(void **state)
{
	(void)state;
	assert_int_equal(gen(20000, 11, 0.0, "clean.csv", NULL), ST_OK);
	scan sc;
	scan_students("clean.csv", &sc);
	assert_int_equal(sc.rows, 20000);
	for (int r = 1; r < N_REASONS; r++) {
		if (sc.reasons[r])
			print_error("rejectable rows of kind %d: %llu\n", r, (unsigned long long)sc.reasons[r]);
		assert_int_equal(sc.reasons[r], 0);
	}
	/* A statewide mix: every report type, Smarter Balanced the most. */
	for (int r = 0; r < 6; r++)
		assert_true(sc.per_report[r] > 0);
	assert_in_range(sc.per_report[0] * 100 / sc.rows, 45, 65);  /* SB */
	assert_in_range(sc.per_report[2] * 100 / sc.rows, 15, 30);  /* CAST */
	assert_in_range(sc.per_report[5] * 100 / sc.rows, 12, 30);  /* ELPAC */
	/* several LEAs with several schools each */
	uint64_t n_lea = 0, n_school = 0;
	for (uint64_t i = 0; i < sc.n_schools; i++) {
		if (i == 0 || sc.schools[i] != sc.schools[i - 1])
			n_school++;
		if (i == 0 || sc.schools[i] / 10000000 != sc.schools[i - 1] / 10000000)
			n_lea++;
	}
	assert_true(n_lea >= 20);
	assert_true(n_school >= 3 * n_lea);
	scan_free(&sc);
}

static int has(const uint64_t *v, uint64_t n, uint64_t key, int lea_only)
{
	uint64_t lo = 0, hi = n;
	while (lo < hi) {
		const uint64_t mid = lo + (hi - lo) / 2;
		const uint64_t x = lea_only ? v[mid] / 10000000 : v[mid];
		if (x < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && (lea_only ? v[lo] / 10000000 : v[lo]) == key;
}

static void test_orders_name_existing_leas_and_schools(void **state)
{
	(void)state;
	static const uint64_t counts[] = { 50, 20000 };
	for (size_t c = 0; c < 2; c++) {
		assert_int_equal(gen(counts[c], 3, 0.02, "os.csv", "oo.csv"), ST_OK);
		scan sc;
		scan_students("os.csv", &sc);
		size_t len;
		char *buf = slurp("oo.csv", &len);
		const size_t nh = strlen(orders_header);
		assert_memory_equal(buf, orders_header, nh);
		char *scratch = malloc(len + 1);
		size_t pos = nh;
		field f[MAX_FIELDS];
		int nf, n_rows = 0;
		/* (lea, program) orders, and whether each has an LEA-wide row */
		uint64_t order_key[512];
		int order_wide[512], n_orders = 0;
		while ((nf = next_record(buf, len, &pos, f, scratch)) > 0) {
			static const char *const programs[] = { "CAASPP", "ELPAC" };
			n_rows++;
			assert_int_equal(nf, 8);
			assert_true(is_digits(&f[0], 7));
			assert_true(has(sc.schools, sc.n_schools, to_u64(&f[0]), 1));
			if (f[1].n) {
				assert_true(is_digits(&f[1], 7));
				assert_true(has(sc.schools, sc.n_schools,
						to_u64(&f[0]) * 10000000 + to_u64(&f[1]), 0));
			}
			const int prog = is_one_of(&f[2], programs, 2);
			assert_true(prog >= 0);
			const uint64_t key = to_u64(&f[0]) * 2 + (uint64_t)prog;
			int k = 0;
			while (k < n_orders && order_key[k] != key)
				k++;
			if (k == n_orders) {
				assert_true(n_orders < 512);
				order_key[n_orders] = key;
				order_wide[n_orders++] = 0;
			}
			order_wide[k] |= f[1].n == 0;
			assert_int_equal(f[6].n, 10);
			assert_memory_equal(f[6].p, "2019-", 5);
			assert_true(f[7].n == 0 || f[7].n == 10);
		}
		if (counts[c] == 20000) {
			int n_wide = 0;
			for (int k = 0; k < n_orders; k++)
				n_wide += order_wide[k];
			assert_true(n_orders >= 3);
			assert_true(n_wide * 2 > n_orders);  /* most orders are LEA-wide */
			assert_true(n_rows >= n_orders);
		}
		free(scratch);
		free(buf);
		scan_free(&sc);
	}
}

static void test_zst_output_is_zstd_of_the_same_bytes(void **state)
{
	(void)state;
	assert_int_equal(gen(5000, 9, 0.01, "z.csv.zst", "z_orders.csv"), ST_OK);
	assert_int_equal(gen(5000, 9, 0.01, "z.csv", "z_orders2.csv"), ST_OK);
	size_t nz, np;
	char *z = slurp("z.csv.zst", &nz), *plain = slurp("z.csv", &np);
	assert_true(nz >= 4);
	assert_memory_equal(z, "\x28\xB5\x2F\xFD", 4);
	assert_true(nz < np);

	char *out = malloc(np + 1);
	ZSTD_DCtx *d = ZSTD_createDCtx();
	ZSTD_inBuffer in = { z, nz, 0 };
	ZSTD_outBuffer ob = { out, np + 1, 0 };
	size_t left;
	do {
		left = ZSTD_decompressStream(d, &ob, &in);
		assert_false(ZSTD_isError(left));
	} while (left != 0 && in.pos < in.size);
	assert_int_equal(left, 0);
	assert_int_equal(ob.pos, np);
	assert_memory_equal(out, plain, np);
	assert_true(same_file("z_orders.csv", "z_orders2.csv"));
	ZSTD_freeDCtx(d);
	free(out);
	free(z);
	free(plain);
}

static void test_bad_rows_at_rate_and_of_every_kind(void **state)
{
	(void)state;
	assert_int_equal(gen(20000, 17, 0.05, "bad.csv", NULL), ST_OK);
	scan sc;
	scan_students("bad.csv", &sc);
	assert_int_equal(sc.rows, 20000);
	uint64_t rejects = 0;
	for (int r = 1; r < N_REASONS; r++) {
		if (!sc.reasons[r])
			print_error("no malformed row of kind %d\n", r);
		assert_true(sc.reasons[r] > 0);
		rejects += sc.reasons[r];
	}
	assert_in_range(rejects, 800, 1200);  /* 5% of 20,000 */
	scan_free(&sc);

	/* rate 1: every row malformed */
	assert_int_equal(gen(500, 17, 1.0, "bad.csv", NULL), ST_OK);
	scan_students("bad.csv", &sc);
	assert_int_equal(sc.reasons[OK], 0);
	scan_free(&sc);
}

/* What a name starts with, by its first UTF-8 sequence. */
enum { S_D_STROKE, S_O_STROKE, S_L_STROKE, S_AE, S_HAN, S_HANGUL, S_OTHER, N_STARTS };

static int name_start(const field *f)
{
	const unsigned char *u = (const unsigned char *)f->p;
	if (f->n >= 2 && u[0] == 0xC4 && (u[1] == 0x90 || u[1] == 0x91))
		return S_D_STROKE;  /* Đ đ */
	if (f->n >= 2 && u[0] == 0xC3 && (u[1] == 0x98 || u[1] == 0xB8))
		return S_O_STROKE;  /* Ø ø */
	if (f->n >= 2 && u[0] == 0xC5 && (u[1] == 0x81 || u[1] == 0x82))
		return S_L_STROKE;  /* Ł ł */
	if (f->n >= 2 && u[0] == 0xC3 && (u[1] == 0x86 || u[1] == 0xA6))
		return S_AE;        /* Æ æ */
	if (f->n >= 3 && u[0] >= 0xE4 && u[0] <= 0xE9)
		return S_HAN;       /* U+4E00..U+9FFF, CJK unified ideographs */
	if (f->n >= 3 && ((u[0] == 0xEA && u[1] >= 0xB0) || (u[0] >= 0xEB && u[0] <= 0xED)))
		return S_HANGUL;    /* U+AC00..U+D7FF, Hangul syllables */
	return S_OTHER;
}

/* The sort's hard cases come in realistic shares (gen/synth_names.c,
 * surname_extras[]): Vietnamese Đ surnames a few per thousand rows, Han
 * about two per thousand, the Nordic and Polish ones rare but present; a
 * Han surname comes with a Han given name; Vietnamese given names in Đ. */
static void test_surnames_in_every_script_at_their_share(void **state)
{
	(void)state;
	assert_int_equal(gen(300000, 23, 0.0, "names.csv", NULL), ST_OK);
	size_t len;
	char *buf = slurp("names.csv", &len);
	char *scratch = malloc(len + 1);
	assert_non_null(scratch);
	uint64_t last[N_STARTS] = { 0 }, ae = 0, first_d = 0, han_both = 0, rows = 0;
	size_t pos = strlen(students_header);
	field f[MAX_FIELDS];
	while (next_record(buf, len, &pos, f, scratch) > 0) {
		rows++;
		const int start = name_start(&f[6]);
		last[start]++;
		ae += memmem(f[6].p, f[6].n, "\xC3\x86", 2) || memmem(f[6].p, f[6].n, "\xC3\xA6", 2);
		first_d += name_start(&f[7]) == S_D_STROKE;
		han_both += start == S_HAN && name_start(&f[7]) == S_HAN;
	}
	assert_int_equal(rows, 300000);
	assert_in_range(last[S_D_STROKE] * 10000 / rows, 20, 50);  /* 0.2% to 0.5% */
	assert_in_range(last[S_HAN] * 10000 / rows, 10, 35);
	assert_in_range(last[S_O_STROKE] + last[S_L_STROKE] + last[S_AE], 30, 300);
	assert_true(last[S_O_STROKE] > 0 && last[S_L_STROKE] > 0 && ae > 0);  /* Æ is the rarest */
	assert_true(last[S_HANGUL] > 0);
	assert_int_equal(han_both, last[S_HAN]);
	assert_true(first_d * 10000 / rows >= 10);
	free(scratch);
	free(buf);
}

/* ---- wave 2 (gen --wave 2, gen/synth_late.c) ------------------------- */

/* One students row of a file: its (ssid, report) key, where it starts
 * and ends in the file's bytes, and its LEA and school. */
typedef struct rowref {
	uint64_t key, school;
	size_t start, end;
} rowref;

static int cmp_rowref(const void *a, const void *b)
{
	const rowref *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

/* Every row of a clean students file, sorted by key (no key twice). */
static rowref *index_rows(const char *buf, size_t len, uint64_t *n_out)
{
	const size_t nh = strlen(students_header);
	assert_memory_equal(buf, students_header, nh);
	rowref *v = malloc((len / 32 + 1) * sizeof *v);
	char *scratch = malloc(len + 1);
	assert_true(v && scratch);
	size_t pos = nh;
	uint64_t n = 0;
	field f[MAX_FIELDS];
	int nf;
	for (size_t start = pos; (nf = next_record(buf, len, &pos, f, scratch)) > 0; start = pos) {
		assert_int_equal(nf, 19);
		const int rep = is_one_of(&f[9], reports, 6);
		assert_true(rep >= 0);
		v[n++] = (rowref){ to_u64(&f[0]) * 8 + (uint64_t)rep,
			to_u64(&f[1]) * 10000000 + to_u64(&f[3]), start, pos };
	}
	qsort(v, n, sizeof *v, cmp_rowref);
	for (uint64_t i = 1; i < n; i++)
		assert_true(v[i].key != v[i - 1].key);
	free(scratch);
	*n_out = n;
	return v;
}

static int ssid_in(const rowref *v, uint64_t n, uint64_t ssid)
{
	uint64_t lo = 0, hi = n;
	while (lo < hi) {
		const uint64_t mid = lo + (hi - lo) / 2;
		if (v[mid].key / 8 < ssid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].key / 8 == ssid;
}

/* A corrected row differs from wave 1's in one field, last_name (a
 * spelling) or address_line1 (a house number), of the same length. */
static void check_corrected(const char *r1, size_t n1, const char *r2, size_t n2)
{
	field f1[MAX_FIELDS], f2[MAX_FIELDS];
	char *s1 = malloc(n1 + 1), *s2 = malloc(n2 + 1);
	size_t p1 = 0, p2 = 0;
	assert_int_equal(next_record(r1, n1, &p1, f1, s1), 19);
	assert_int_equal(next_record(r2, n2, &p2, f2, s2), 19);
	int n_diff = 0;
	for (int i = 0; i < 19; i++) {
		if (f1[i].n == f2[i].n && memcmp(f1[i].p, f2[i].p, f1[i].n) == 0)
			continue;
		n_diff++;
		assert_true(i == 6 || i == 14);
		assert_int_equal(f1[i].n, f2[i].n);
	}
	assert_int_equal(n_diff, 1);
	free(s1);
	free(s2);
}

static void test_wave2_keeps_most_rows_with_late_corrected_and_gone(void **state)
{
	(void)state;
	const uint64_t rows = 40000;
	assert_int_equal(gen_wave(rows, 5, 0, 1, "w1.csv", "w1_orders.csv"), ST_OK);
	assert_int_equal(gen_wave(rows, 5, 0, 2, "w2.csv", "w2_orders.csv"), ST_OK);
	/* wave 2 is a clean file on its own: every row valid, no duplicate */
	scan sc;
	scan_students("w2.csv", &sc);
	assert_int_equal(sc.reasons[OK], sc.rows);
	scan_free(&sc);

	size_t l1, l2;
	char *b1 = slurp("w1.csv", &l1), *b2 = slurp("w2.csv", &l2);
	uint64_t n1, n2;
	rowref *v1 = index_rows(b1, l1, &n1), *v2 = index_rows(b2, l2, &n2);
	assert_int_equal(n1, rows);
	uint64_t same = 0, corrected = 0, gone = 0, late = 0;
	uint64_t late_old_ssid = 0, late_new_school = 0, late_new_lea = 0;
	uint64_t *schools1 = malloc(n1 * sizeof *schools1);
	for (uint64_t i = 0; i < n1; i++)
		schools1[i] = v1[i].school;
	qsort(schools1, n1, sizeof *schools1, cmp_u64);
	uint64_t i = 0, j = 0;
	while (i < n1 || j < n2) {
		if (j == n2 || (i < n1 && v1[i].key < v2[j].key)) {
			gone++;
			i++;
		} else if (i == n1 || v2[j].key < v1[i].key) {
			late++;
			late_old_ssid += ssid_in(v1, n1, v2[j].key / 8);
			late_new_school += !has(schools1, n1, v2[j].school, 0);
			late_new_lea += !has(schools1, n1, v2[j].school / 10000000, 1);
			j++;
		} else {
			const size_t a = v1[i].end - v1[i].start, b = v2[j].end - v2[j].start;
			if (a == b && memcmp(b1 + v1[i].start, b2 + v2[j].start, a) == 0) {
				same++;
			} else {
				corrected++;
				check_corrected(b1 + v1[i].start, a, b2 + v2[j].start, b);
			}
			i++;
			j++;
		}
	}
	/* the shares of gen/synth_late.c: 0.5% gone, 1% of students corrected,
	 * about 3% late (2.5% late students, late CSAs, new schools) */
	assert_true(same >= rows * 97 / 100);
	assert_true(gone >= rows * 2 / 1000 && gone <= rows * 10 / 1000);
	assert_true(corrected >= rows * 4 / 1000 && corrected <= rows * 20 / 1000);
	assert_true(late >= rows * 2 / 100 && late <= rows * 6 / 100);
	assert_true(late_old_ssid > 0);  /* a late report of a wave 1 student */
	assert_true(late_new_school > 0);
	assert_true(late_new_lea > 0);
	assert_int_equal(n2, n1 - gone + late);
	free(schools1);
	free(v1);
	free(v2);
	free(b1);
	free(b2);
}

/* The lines of a file, split in place. */
static size_t split_lines(char *buf, char **line, size_t max)
{
	size_t n = 0;
	for (char *p = buf; *p && n < max; n++) {
		line[n] = p;
		char *e = strchr(p, '\n');
		assert_non_null(e);
		*e = '\0';
		p = e + 1;
	}
	return n;
}

static void test_wave2_orders_add_a_late_school_order(void **state)
{
	(void)state;
	static const uint64_t counts[] = { 50, 40000 };
	for (size_t c = 0; c < 2; c++) {
		assert_int_equal(gen_wave(counts[c], 5, 0, 1, "w1.csv", "w1_orders.csv"), ST_OK);
		assert_int_equal(gen_wave(counts[c], 5, 0, 2, "w2.csv", "w2_orders.csv"), ST_OK);
		size_t l1, l2;
		char *b1 = slurp("w1_orders.csv", &l1), *b2 = slurp("w2_orders.csv", &l2);
		char *o1[600], *o2[600];
		const size_t n1 = split_lines(b1, o1, 600), n2 = split_lines(b2, o2, 600);
		/* wave 1's rows in order, and two or three more */
		assert_true(n2 == n1 + 2 || n2 == n1 + 3);
		char last_in_time[2][11] = { "2019-01-01", "2019-01-01" };
		for (size_t i = 1; i < n1; i++) {
			const int elpac = strstr(o1[i], ",ELPAC,") != NULL;
			const char *d = strstr(o1[i], ",2019-") + 1;
			if (strncmp(d, elpac ? "2019-06-30" : "2019-07-15", 10) <= 0 &&
			    strncmp(d, last_in_time[elpac], 10) > 0)
				memcpy(last_in_time[elpac], d, 10);
		}
		size_t i = 0, n_school = 0, n_cancelled = 0;
		for (size_t j = 0; j < n2; j++) {
			if (i < n1 && strcmp(o1[i], o2[j]) == 0) {
				i++;
				continue;
			}
			/* a late row: dated after wave 1's in time, by the deadline */
			field f[MAX_FIELDS];
			char scratch[256];
			size_t pos = 0;
			const size_t n = strlen(o2[j]);
			o2[j][n] = '\n';
			assert_int_equal(next_record(o2[j], n + 1, &pos, f, scratch), 8);
			const int elpac = f[2].n == 5;
			assert_true(strncmp(f[6].p, last_in_time[elpac], 10) >= 0);
			assert_true(strncmp(f[6].p, elpac ? "2019-06-30" : "2019-07-15", 10) <= 0);
			if (f[7].n) {
				assert_true(strncmp(f[7].p, "2019-07-15", 10) <= 0);
				n_cancelled++;
			} else {
				assert_true(f[1].n == 7);  /* a school order */
				n_school++;
			}
			o2[j][n] = '\0';
		}
		assert_int_equal(i, n1);
		assert_int_equal(n_school, 2);
		/* the cancelled one needs a second LEA that ordered nothing (a
		 * 50-row world has just one) */
		assert_int_equal(n_cancelled, counts[c] == 50 ? n2 - n1 - 2 : 1);
		free(b1);
		free(b2);
	}
	/* the first late order is the new charter's: a school with rows in
	 * wave 2 and none in wave 1 */
	scan s1, s2;
	scan_students("w1.csv", &s1);
	scan_students("w2.csv", &s2);
	size_t l2;
	char *b2 = slurp("w2_orders.csv", &l2);
	char *o2[600];
	const size_t n2 = split_lines(b2, o2, 600);
	int found = 0;
	for (size_t j = 1; j < n2; j++) {
		if (strlen(o2[j]) < 16 || o2[j][7] != ',' || o2[j][15] != ',')
			continue;
		const uint64_t key = strtoull(o2[j], NULL, 10) * 10000000 + strtoull(o2[j] + 8, NULL, 10);
		found += !has(s1.schools, s1.n_schools, key, 0) && has(s2.schools, s2.n_schools, key, 0);
	}
	assert_int_equal(found, 1);
	free(b2);
	scan_free(&s1);
	scan_free(&s2);
}

static void test_wave2_same_seed_same_bytes(void **state)
{
	(void)state;
	assert_int_equal(gen_wave(20000, 42, 0.01, 2, "a.csv", "a_orders.csv"), ST_OK);
	assert_int_equal(gen_wave(20000, 42, 0.01, 2, "b.csv", "b_orders.csv"), ST_OK);
	assert_int_equal(gen_wave(20000, 43, 0.01, 2, "c.csv", "c_orders.csv"), ST_OK);
	assert_true(same_file("a.csv", "b.csv"));
	assert_true(same_file("a_orders.csv", "b_orders.csv"));
	assert_false(same_file("a.csv", "c.csv"));
	/* wave 1 asked for by name is the default file */
	assert_int_equal(gen_wave(20000, 42, 0.01, 1, "b.csv", "b_orders.csv"), ST_OK);
	assert_int_equal(gen(20000, 42, 0.01, "c.csv", "c_orders.csv"), ST_OK);
	assert_true(same_file("b.csv", "c.csv"));
	assert_true(same_file("b_orders.csv", "c_orders.csv"));
	assert_false(same_file("a.csv", "b.csv"));
}

static void test_memory_small_and_released(void **state)
{
	(void)state;
	const size_t before = mem_in_use();
	assert_int_equal(gen(300000, 1, 0.01, "m.csv.zst", "m_orders.csv"), ST_OK);
	assert_int_equal(mem_in_use(), before);
	assert_true(mem_peak() < 16u * 1024 * 1024);
	/* a wave 2 draws wave 1 again instead of holding it */
	assert_int_equal(gen_wave(300000, 1, 0.01, 2, "m.csv.zst", "m_orders.csv"), ST_OK);
	assert_int_equal(mem_in_use(), before);
	assert_true(mem_peak() < 16u * 1024 * 1024);
}

static void test_bad_options_are_usage_errors(void **state)
{
	(void)state;
	synth_opts o = { .rows = 10, .seed = 1, .students_path = "-", .orders_path = "-" };
	status_clear();
	assert_int_equal(synth_run(&o), ST_USAGE);
	o.orders_path = NULL;
	o.bad_rate = 1.5;
	status_clear();
	assert_int_equal(synth_run(&o), ST_USAGE);
	o.bad_rate = NAN;
	status_clear();
	assert_int_equal(synth_run(&o), ST_USAGE);
	o.bad_rate = 0;
	o.rows = SYNTH_MAX_ROWS + 1;
	status_clear();
	assert_int_equal(synth_run(&o), ST_USAGE);
	o.rows = 10;
	o.wave = 3;
	status_clear();
	assert_int_equal(synth_run(&o), ST_USAGE);
	o.wave = 0;
	o.students_path = NULL;
	status_clear();
	assert_int_equal(synth_run(&o), ST_USAGE);

	/* an unwritable path is an I/O error naming the file */
	char p[256];
	o.students_path = tpath(p, "no/such/dir/s.csv");
	status_clear();
	assert_int_equal(synth_run(&o), ST_IO);
	assert_non_null(strstr(status_detail(ST_IO), "no/such/dir"));
	status_clear();
}

/* ---- fixture ---------------------------------------------------------- */

static int make_tmpdir(void **state)
{
	(void)state;
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof tmpdir, "%s/test_synth.XXXXXX", base && *base && strlen(base) < 40 ? base : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	(void)state;
	static const char *const names[] = {
		"a.csv", "a_orders.csv", "b.csv", "b_orders.csv", "c.csv",
		"c_orders.csv", "n.csv", "n_orders.csv", "clean.csv", "os.csv",
		"oo.csv", "z.csv.zst", "z.csv", "z_orders.csv", "z_orders2.csv",
		"bad.csv", "m.csv.zst", "m_orders.csv", "names.csv", "w1.csv",
		"w1_orders.csv", "w2.csv", "w2_orders.csv",
	};
	char p[256];
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		unlink(tpath(p, names[i]));
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_bytes),
		cmocka_unit_test(test_header_and_exact_row_count),
		cmocka_unit_test(test_clean_rows_follow_spec),
		cmocka_unit_test(test_orders_name_existing_leas_and_schools),
		cmocka_unit_test(test_zst_output_is_zstd_of_the_same_bytes),
		cmocka_unit_test(test_bad_rows_at_rate_and_of_every_kind),
		cmocka_unit_test(test_surnames_in_every_script_at_their_share),
		cmocka_unit_test(test_wave2_keeps_most_rows_with_late_corrected_and_gone),
		cmocka_unit_test(test_wave2_orders_add_a_late_school_order),
		cmocka_unit_test(test_wave2_same_seed_same_bytes),
		cmocka_unit_test(test_memory_small_and_released),
		cmocka_unit_test(test_bad_options_are_usage_errors),
	};
	return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
