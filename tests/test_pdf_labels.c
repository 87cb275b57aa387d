/*
 * test_pdf_labels.c: labels and packing lists as the shipping desk and the
 * packers read them (issue 17, docs/rules.md §16.3), drawn through
 * packing_pdf.c into an output folder and read back with poppler's
 * pdftotext and pdfinfo and with zbarimg, as a person or a scanner would:
 *
 *   - a label with a directory row: the ship-to block (name, attention,
 *     address lines, "City, ST ZIP", phone) before anything but the return
 *     address, which is config [shipper]'s, under "FROM";
 *   - a held LEA (a directory without its row): "SHIP-TO MISSING: HOLD",
 *     and no address;
 *   - no directory at all: the LEA's name and code, as before;
 *   - the longest names and addresses `ssrfill gen` makes, whole on the
 *     labels and the packing list (shrunk or wrapped, never cut);
 *   - the paper size and envelope kind of what is in each box;
 *   - books: labels/august.pdf and packing/august.pdf hold every label and
 *     packing list of the shipment in the order they were added, one label
 *     page per box, and the books' barcodes scan like the labels' own.
 *
 * The LEAs are packed with packing_set_ship_to directly, the seam the run
 * uses once --leas is read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ftw.h>
#include <unistd.h>

#include "../engine/config.h"
#include "../engine/packing.h"
#include "../io/outdir.h"
#include "../writers/packing_pdf.h"
#include "../pdf/pdf_canvas.h"

#define DATE 1564617600   /* 2019-08-01 */

/* The longest of their kind that gen writes (a hyphenated Hispanic last
 * name with a particle, a two-part first name; the longest school and LEA
 * names; an attention line and a suite). */
#define LONG_LAST "Velázquez-González de la Torre"
#define LONG_FIRST "María Guadalupe"
#define LONG_SCHOOL "Dr. Martin Luther King, Jr. Continuation High"
#define LONG_SCHOOL2 "Frederick Douglass Elementary"
#define LONG_LEA "Sierra Montessori Esperanza Charter Academy"

typedef struct fixture {
	char dir[64];
	char out[96];
	outdir *d;
	pdf_canvas *c;
	pdf_book *book_pk, *book_lb;
	config cfg;
} fixture;

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	snprintf(fx->dir, sizeof fx->dir, "%s", "/tmp/test_pdf_labels.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->out, sizeof fx->out, "%s/out", fx->dir);
	assert_int_equal(outdir_begin(&fx->d, fx->out, 0, NULL), ST_OK);
	static const char *const folders[] = { "packing", "packing/august", "labels", "labels/august" };
	for (size_t i = 0; i < sizeof folders / sizeof *folders; i++)
		assert_int_equal(outdir_mkdir(fx->d, folders[i]), ST_OK);
	assert_int_equal(pdf_canvas_new(&fx->c, DATE, 1), ST_OK);
	assert_int_equal(pdf_book_new(&fx->book_pk), ST_OK);
	assert_int_equal(pdf_book_new(&fx->book_lb), ST_OK);
	config_defaults(&fx->cfg);
	snprintf(fx->cfg.shipper.name, sizeof fx->cfg.shipper.name, "Sacramento Print and Mail Center");
	snprintf(fx->cfg.shipper.address1, sizeof fx->cfg.shipper.address1, "4400 Return Road");
	snprintf(fx->cfg.shipper.address2, sizeof fx->cfg.shipper.address2, "Dock 7");
	snprintf(fx->cfg.shipper.city, sizeof fx->cfg.shipper.city, "Rancho Cordova");
	snprintf(fx->cfg.shipper.zip, sizeof fx->cfg.shipper.zip, "95670-1234");
	*state = fx;
	return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	fixture *fx = *state;
	pdf_canvas_free(fx->c);
	pdf_book_free(fx->book_pk);
	pdf_book_free(fx->book_lb);
	outdir_free(fx->d);
	if (!getenv("TEST_PDF_KEEP"))   /* set: the files stay, to look at */
		nftw(fx->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

enum { DIR_NONE, DIR_ROW, DIR_HELD };

/* An LEA of `boxes` boxes (each about one set over the small box below),
 * two schools, the longest names; its paper and envelopes as given; into
 * its own files and the books. */
static void pack_lea(fixture *fx, uint32_t lea, const char *lea_name, int dir, int boxes, int paper,
		     int envelopes)
{
	box_config small = fx->cfg.box;
	small.max_gross_mg = small.tare_mg + 2 * small.divider_mg + 2 * 30000;   /* two sets a box */
	packing *p;
	assert_int_equal(packing_new(&p, &small), ST_OK);
	packing_begin(p, SHIP_AUGUST, lea, lea_name, strlen(lea_name));
	const ship_to st = { lea, "Sierra Montessori Esperanza Charter Academy District Office",
			     "Assessment and Accountability, Student Score Reports", "12345 East Foothill Boulevard",
			     "Building C, Suite 2500", "San Juan Capistrano", "CA", "92675-1234",
			     "(949) 555-0123" };
	if (dir == DIR_ROW)
		packing_set_ship_to(p, &st);
	else if (dir == DIR_HELD)
		packing_set_ship_to(p, NULL);
	for (int i = 0; i < 2 * boxes; i++) {
		setrec r;
		memset(&r, 0, sizeof r);
		r.lea = lea;
		r.school = i < boxes ? 11 : 22;
		r.ssid = 3000000001u + (uint64_t)i;
		r.weight_mg = 30000;
		r.grade = 5;
		r.paper = (uint8_t)paper;
		r.sheets = paper == PAPER_LETTER ? 4 : 2;
		r.envelopes = (uint8_t)envelopes;
		for (int s = 0; s < SETREC_NSTR; s++)
			r.str[s] = "";
		r.str[SR_LAST] = i % 2 ? "Young" : LONG_LAST;
		r.str[SR_FIRST] = i % 2 ? "Yul" : LONG_FIRST;
		r.str[SR_LEA_NAME] = lea_name;
		r.str[SR_SCHOOL_NAME] = i < boxes ? LONG_SCHOOL : LONG_SCHOOL2;
		for (int s = 0; s < SETREC_NSTR; s++)
			r.len[s] = (uint32_t)strlen(r.str[s]);
		box_place where;
		assert_int_equal(packing_add(p, &r, small.divider_mg + 30000, &where), ST_OK);
	}
	assert_int_equal((int)packing_box_count(p), boxes);
	assert_int_equal(packing_pdf_write(fx->c, fx->d, p, &fx->cfg), ST_OK);
	assert_int_equal(labels_pdf_write(fx->c, fx->d, p, &fx->cfg), ST_OK);
	if (!pdf_book_open(fx->book_pk)) {
		assert_int_equal(packing_book_begin(fx->book_pk, fx->d, SHIP_AUGUST), ST_OK);
		assert_int_equal(labels_book_begin(fx->book_lb, fx->d, SHIP_AUGUST), ST_OK);
	}
	/* between the LEA's own documents on the same canvas, as a run draws them */
	assert_int_equal(packing_book_add(fx->book_pk, fx->c, p, &fx->cfg), ST_OK);
	assert_int_equal(labels_book_add(fx->book_lb, fx->c, p, &fx->cfg), ST_OK);
	packing_free(p);
}

static void commit(fixture *fx)
{
	assert_int_equal(pdf_book_end(fx->book_pk, fx->c), ST_OK);
	assert_int_equal(pdf_book_end(fx->book_lb, fx->c), ST_OK);
	assert_int_equal(outdir_commit(fx->d), ST_OK);
}

/* The output of a command, NUL-terminated (malloc'd). */
static char *run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t n = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (size_t k; (k = fread(buf + n, 1, cap - 1 - n, f)) > 0;) {
		n += k;
		if (n == cap - 1) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[n] = 0;
	pclose(f);
	return buf;
}

/* The text of a PDF (pages first..last, 0: all) in reading order, each
 * run of white space made one space, so a wrapped line reads on. */
static char *text_of(const fixture *fx, const char *rel, int first, int last)
{
	char range[64] = "";
	if (first)
		snprintf(range, sizeof range, "-f %d -l %d", first, last);
	char *t = run("pdftotext %s '%s/%s' - 2>/dev/null", range, fx->out, rel);
	char *w = t;
	int space = 0;
	for (const char *r = t; *r; r++) {
		if (*r == ' ' || *r == '\n' || *r == '\t' || *r == '\f') {
			space = 1;
			continue;
		}
		if (space && w != t)
			*w++ = ' ';
		space = 0;
		*w++ = *r;
	}
	*w = 0;
	return t;
}

static void expect_in(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("\"%s\" is not in: %s", want, text);
}

static int pages(const fixture *fx, const char *rel)
{
	char *info = run("pdfinfo '%s/%s' 2>/dev/null", fx->out, rel);
	const char *p = strstr(info, "Pages:");
	const int n = p ? atoi(p + 6) : -1;
	free(info);
	return n;
}

/* The box id the barcode of page `page` decodes to, at dpi. */
static char *barcode(const fixture *fx, const char *rel, int page, int dpi)
{
	char *s = run("pdftoppm -r %d -gray -png -f %d -l %d '%s/%s' 2>/dev/null | "
		      "zbarimg --quiet --raw -Sdisable -Scode128.enable - 2>/dev/null",
		      dpi, page, page, fx->out, rel);
	s[strcspn(s, "\n")] = 0;
	return s;
}

/* A directory row: the whole ship-to block, in the carriers' order, after
 * the return address and before Box N of M; the return address. */
static void label_ship_to(void **state)
{
	fixture *fx = *state;
	pack_lea(fx, 5550001, LONG_LEA, DIR_ROW, 2, PAPER_LETTER, 2);
	commit(fx);
	char *t = text_of(fx, "labels/august/5550001.pdf", 1, 1);
	expect_in(t, "FROM Sacramento Print and Mail Center 4400 Return Road Dock 7 "
		     "Rancho Cordova, CA 95670-1234 (916) 555-0142");
	/* the block may wrap, but it reads on in this order, before the box */
	const char *order[] = { "SHIP TO (LEA 5550001)",
				"Sierra Montessori Esperanza Charter Academy District Office",
				"ATTN: Assessment and Accountability, Student Score Reports",
				"12345 East Foothill Boulevard", "Building C, Suite 2500",
				"San Juan Capistrano, CA 92675-1234", "(949) 555-0123", "Box 1 of 2" };
	const char *at = t;
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		const char *hit = strstr(at, order[i]);
		if (!hit)
			fail_msg("\"%s\" is not after \"%s\" in: %s", order[i], i ? order[i - 1] : "", t);
		at = hit + strlen(order[i]);
	}
	assert_null(strstr(t, "SHIP-TO MISSING"));
	expect_in(t, "Paper 8.5x11, envelopes #10");
	free(t);
	char *id = barcode(fx, "labels/august/5550001.pdf", 2, 100);
	assert_string_equal(id, "august-5550001-0002");
	free(id);
}

/* An LEA the directory lacks: HOLD across the label, no address. */
static void label_held(void **state)
{
	fixture *fx = *state;
	pack_lea(fx, 5550002, "Held Unified", DIR_HELD, 1, PAPER_11X17, 0);
	commit(fx);
	char *t = text_of(fx, "labels/august/5550002.pdf", 0, 0);
	expect_in(t, "SHIP-TO MISSING: HOLD");
	expect_in(t, "Held Unified (LEA 5550002)");
	assert_null(strstr(t, "Foothill"));
	assert_null(strstr(t, "ATTN"));
	expect_in(t, "Paper 11x17, no envelopes");
	free(t);
	t = text_of(fx, "packing/august/5550002.pdf", 0, 0);
	expect_in(t, "SHIP-TO MISSING: HOLD");
	free(t);
	char *id = barcode(fx, "labels/august/5550002.pdf", 1, 100);
	assert_string_equal(id, "august-5550002-0001");
	free(id);
}

/* No directory: the LEA's name and code, as before --leas. */
static void label_no_directory(void **state)
{
	fixture *fx = *state;
	pack_lea(fx, 5550003, LONG_LEA, DIR_NONE, 1, PAPER_11X17, 2);
	commit(fx);
	char *t = text_of(fx, "labels/august/5550003.pdf", 0, 0);
	expect_in(t, "SHIP TO (LEA 5550003) " LONG_LEA " LEA 5550003 Box 1 of 1");
	assert_null(strstr(t, "SHIP-TO MISSING"));
	expect_in(t, "Paper 11x17, envelopes 6x9");
	free(t);
}

/* The longest names, whole: the school and student names on the
 * packing list (wrapped in their cells), the contents line of a label. */
static void nothing_cut(void **state)
{
	fixture *fx = *state;
	pack_lea(fx, 5550004, LONG_LEA, DIR_ROW, 3, PAPER_11X17, 2);
	commit(fx);
	char *t = text_of(fx, "packing/august/5550004.pdf", 0, 0);
	expect_in(t, "0000011 " LONG_SCHOOL);
	expect_in(t, "0000022 " LONG_SCHOOL2);
	expect_in(t, LONG_LAST ", " LONG_FIRST);
	expect_in(t, LONG_LEA " (LEA 5550004)");
	expect_in(t, "Paper 11x17, envelopes 6x9");
	assert_null(strstr(t, "..."));
	assert_null(strstr(t, "…"));
	free(t);
	t = text_of(fx, "labels/august/5550004.pdf", 0, 0);
	expect_in(t, "Contents: 2 sets, 4 SSR sheets, 1 divider, 4 envelopes");
	expect_in(t, "From 0000011 " LONG_SCHOOL);
	assert_null(strstr(t, "..."));
	free(t);
}

/* Books: every LEA added, in order; a label page per box; the barcodes
 * of the book scan as the labels' own. */
static void books_in_print_order(void **state)
{
	fixture *fx = *state;
	pack_lea(fx, 5550009, "Zeta Unified", DIR_ROW, 2, PAPER_11X17, 0);
	pack_lea(fx, 5550001, "Alpha Unified", DIR_HELD, 3, PAPER_LETTER, 2);
	pack_lea(fx, 5550005, "Mid Unified", DIR_NONE, 1, PAPER_11X17, 2);
	commit(fx);
	assert_int_equal(pages(fx, "labels/august.pdf"), 6);
	char *t = text_of(fx, "labels/august.pdf", 0, 0);
	const char *z = strstr(t, "august-5550009-0002"), *a = strstr(t, "august-5550001-0001"),
		   *m = strstr(t, "august-5550005-0001");
	assert_true(z && a && m && z < a && a < m);
	free(t);
	/* page 3 is the held LEA's first label */
	t = text_of(fx, "labels/august.pdf", 3, 3);
	expect_in(t, "SHIP-TO MISSING: HOLD");
	free(t);
	for (int page = 1; page <= 6; page++) {
		static const char *const want[] = { "august-5550009-0001", "august-5550009-0002",
						    "august-5550001-0001", "august-5550001-0002",
						    "august-5550001-0003", "august-5550005-0001" };
		char *id = barcode(fx, "labels/august.pdf", page, 100);
		assert_string_equal(id, want[page - 1]);
		free(id);
	}
	t = text_of(fx, "packing/august.pdf", 0, 0);
	const char *pz = strstr(t, "Zeta Unified (LEA 5550009)"), *pa = strstr(t, "Alpha Unified (LEA 5550001)"),
		   *pm = strstr(t, "Mid Unified (LEA 5550005)");
	assert_true(pz && pa && pm && pz < pa && pa < pm);
	free(t);
	assert_int_equal(pages(fx, "packing/august.pdf"),
			 pages(fx, "packing/august/5550009.pdf") + pages(fx, "packing/august/5550001.pdf") +
				 pages(fx, "packing/august/5550005.pdf"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(label_ship_to, setup, teardown),
		cmocka_unit_test_setup_teardown(label_held, setup, teardown),
		cmocka_unit_test_setup_teardown(label_no_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(books_in_print_order, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
