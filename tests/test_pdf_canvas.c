/*
 * test_pdf_canvas.c: the operator documents drawn the way a run draws them
 * — a packing list, its labels and an invoice for one LEA, through
 * packing_pdf.c, invoice_writer.c and pdf_canvas.c into an output folder —
 * with the names a statewide file holds: each must come out as a whole
 * PDF file.  The text itself is read back with poppler in
 * tests/e2e_docs.sh; here the files are checked for what a reader needs
 * first (a header, a font with a ToUnicode map, the end-of-file marker).
 *
 * Each test gets a new canvas, as a run's first document does.
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
#include <utf8proc.h>

#include "../engine/config.h"
#include "../engine/invoice.h"
#include "../base/mem.h"
#include "../engine/packing.h"
#include "../writers/invoice_writer.h"
#include "../io/outdir.h"
#include "../writers/packing_pdf.h"
#include "../pdf/pdf_canvas.h"

#define LEA 5550001u
#define DATE 1564617600   /* 2019-08-01 */

typedef struct fixture {
	char dir[64];
	char out[96];
	outdir *d;
	pdf_canvas *c;
	config cfg;
} fixture;

static int setup(void **state)
{
	fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	snprintf(fx->dir, sizeof fx->dir, "%s", "/tmp/test_pdf_canvas.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->out, sizeof fx->out, "%s/out", fx->dir);
	assert_int_equal(outdir_begin(&fx->d, fx->out, 0, NULL), ST_OK);
	static const char *const folders[] = { "packing", "packing/august", "labels", "labels/august",
					       "invoices" };
	for (size_t i = 0; i < sizeof folders / sizeof *folders; i++)
		assert_int_equal(outdir_mkdir(fx->d, folders[i]), ST_OK);
	assert_int_equal(pdf_canvas_new(&fx->c, DATE, 1), ST_OK);
	config_defaults(&fx->cfg);
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
	outdir_free(fx->d);
	nftw(fx->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

/* One school of two students in one box, for a packing list and labels. */
static void draw_lea(fixture *fx, const char *lea_name, const char *school_name, const char *last,
		     const char *first, const char *po_numbers)
{
	packing *p;
	assert_int_equal(packing_new(&p, &fx->cfg.box), ST_OK);
	packing_begin(p, SHIP_AUGUST, LEA, lea_name, strlen(lea_name));
	const char *lasts[2] = { last, "Young" }, *firsts[2] = { first, "Yul" };
	for (int i = 0; i < 2; i++) {
		setrec r;
		memset(&r, 0, sizeof r);
		r.lea = LEA;
		r.school = 11;
		r.ssid = 3000000001u + (uint64_t)i;
		r.weight_mg = 18140;
		r.grade = 5;
		r.sheets = 2;
		for (int s = 0; s < SETREC_NSTR; s++)
			r.str[s] = "";
		r.str[SR_LAST] = lasts[i];
		r.str[SR_FIRST] = firsts[i];
		r.str[SR_LEA_NAME] = lea_name;
		r.str[SR_SCHOOL_NAME] = school_name;
		for (int s = 0; s < SETREC_NSTR; s++)
			r.len[s] = (uint32_t)strlen(r.str[s]);
		box_place where;
		assert_int_equal(packing_add(p, &r, fx->cfg.box.divider_mg + 2 * 18140, &where), ST_OK);
	}
	assert_int_equal(packing_pdf_write(fx->c, fx->d, p, &fx->cfg), ST_OK);
	assert_int_equal(labels_pdf_write(fx->c, fx->d, p, &fx->cfg), ST_OK);
	packing_free(p);

	const uint64_t qty[SHIP_COUNT][2] = { { 2, 0 } };
	invoice_line lines[2 * SHIP_COUNT];
	invoice_doc inv = { .lea = LEA, .lea_name = lea_name, .po_numbers = po_numbers, .lines = lines };
	inv.n = invoice_lines(&fx->cfg, qty, inv.lines);
	for (size_t i = 0; i < inv.n; i++)
		inv.total_cents += inv.lines[i].amount_cents;
	assert_int_equal(invoice_pdf_write(fx->c, fx->d, &fx->cfg, &inv), ST_OK);
	assert_int_equal(outdir_commit(fx->d), ST_OK);
}

/* The file rel of the committed folder, NUL-terminated; *n its size. */
static char *slurp(const fixture *fx, const char *rel, size_t *n)
{
	char path[160];
	snprintf(path, sizeof path, "%s/%s", fx->out, rel);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	const long len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	char *buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	*n = (size_t)len;
	return buf;
}

/* A whole PDF file: its header, a font with a ToUnicode map (the names can
 * be searched and copied), the end-of-file marker last. */
static void expect_pdf(const fixture *fx, const char *rel)
{
	size_t n;
	char *pdf = slurp(fx, rel, &n);
	assert_true(n > 16);
	assert_memory_equal(pdf, "%PDF-", 5);
	assert_non_null(memmem(pdf, n, "/ToUnicode", 10));
	assert_true(n >= 6 && memcmp(pdf + n - 6, "%%EOF\n", 6) == 0);
	free(pdf);
}

static void expect_documents(const fixture *fx)
{
	expect_pdf(fx, "packing/august/5550001.pdf");
	expect_pdf(fx, "labels/august/5550001.pdf");
	expect_pdf(fx, "invoices/5550001.pdf");
}

/* Latin-1 symbols (U+00A0..U+00BF: the no-break space, §, °, ½, ¿) are
 * not in the shared Latin-1 font, so such a document gets a subset of its
 * own; the first document of a canvas has no other characters yet. */
static void latin1_symbols(void **state)
{
	fixture *fx = *state;
	draw_lea(fx, "Distrito\xC2\xA0" "Escolar de San Jos\xC3\xA9", "Escuela N\xC2\xBA" " 5",
		 "Garc\xC3\xAD" "a\xC2\xA0L\xC3\xB3pez \xC2\xBD", "\xC2\xBFMar\xC3\xAD" "a\xC2\xA7\xC2\xB0",
		 "PO\xC2\xA0" "17");
	expect_documents(fx);
}

/* ---- bounded text ---------------------------------------------------------------- */

/* The characters of a valid UTF-8 string; fails on an invalid one. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s; *p; n++) {
		utf8proc_int32_t cp;
		const utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
		assert_true(k > 0);
		p += k;
	}
	return n;
}

static int ends_with(const char *s, const char *tail)
{
	const size_t n = strlen(s), k = strlen(tail);
	return n >= k && strcmp(s + n - k, tail) == 0;
}

/* n bytes of unit repeated, NUL-terminated. */
static char *repeat(const char *unit, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	const size_t k = strlen(unit);
	for (size_t i = 0; i < n; i++)
		s[i] = unit[i % k];
	s[n] = '\0';
	return s;
}

static void expect_bound(const char *s, const char *want)
{
	char out[PDF_TEXT_BYTES];
	const size_t n = pdf_text_bound(out, sizeof out, s);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

/* What a document draws of a string: the string itself when it is short
 * and clean. */
static void bound_keeps_names(void **state)
{
	(void)state;
	expect_bound("", "");
	expect_bound("Núñez, José", "Núñez, José");
	expect_bound("Nguyễn, Thị Ánh", "Nguyễn, Thị Ánh");
	expect_bound("王, 芳", "王, 芳");
	expect_bound("حداد, ليلى", "حداد, ليلى");
	char *s = repeat("Abcdefghij", PDF_TEXT_CHARS);   /* exactly the bound */
	expect_bound(s, s);
	free(s);
}

/* A line break inside CSV quotes, a tab, DEL and C1 controls print as
 * spaces; bytes that are not UTF-8 as U+FFFD. */
static void bound_cleans(void **state)
{
	(void)state;
	expect_bound("Mary\nAnn\tLee", "Mary Ann Lee");
	expect_bound("a\x7F" "b\xC2\x85" "c\xE2\x80\xA8" "d", "a b c d");
	expect_bound("Jos\xE9", "Jos\xEF\xBF\xBD");
	expect_bound("\xC3", "\xEF\xBF\xBD");
	expect_bound("a\xF0\x9F" "b", "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
}

/* A megabyte name is cut to PDF_TEXT_CHARS characters and an ellipsis. */
static void bound_cuts_long_text(void **state)
{
	(void)state;
	char out[PDF_TEXT_BYTES];
	char *s = repeat("Wolfeschlegelsteinhausenbergerdorff ", 1u << 20);
	pdf_text_bound(out, sizeof out, s);
	assert_true(ends_with(out, "..."));
	assert_true(chars(out) <= PDF_TEXT_CHARS + 3);
	assert_true(chars(out) > PDF_TEXT_CHARS - 40);
	assert_memory_equal(out, s, strlen(out) - 3);
	assert_true(out[strlen(out) - 4] != ' ');   /* no space before the ellipsis */
	free(s);
	/* four bytes a character (U+1F600): still PDF_TEXT_CHARS characters */
	s = repeat("\xF0\x9F\x98\x80", 4u << 20);
	pdf_text_bound(out, sizeof out, s);
	assert_int_equal(chars(out), PDF_TEXT_CHARS + 3);
	free(s);
}

/* The cut falls between graphemes: a Vietnamese name typed with combining
 * marks (NFD) loses no mark of the letters it keeps. */
static void bound_cuts_between_graphemes(void **state)
{
	(void)state;
	/* "Nguyễn " in NFD: e, combining circumflex, combining tilde */
	const char *unit = "Nguye\xCC\x82\xCC\x83n ";
	char *s = malloc(64 * 1024);
	assert_non_null(s);
	s[0] = '\0';
	for (int i = 0; i < 1000; i++)
		strcat(s, unit);
	char out[PDF_TEXT_BYTES];
	/* the cut at every character of the unit (its byte offsets) */
	static const size_t skips[] = { 0, 1, 2, 3, 4, 5, 7, 9, 10 };
	for (size_t i = 0; i < sizeof skips / sizeof *skips; i++) {
		const size_t skip = skips[i];
		const size_t n = pdf_text_bound(out, sizeof out, s + skip);
		assert_true(ends_with(out, "..."));
		const size_t kept = n - 3;
		/* the kept text is the input's, and what follows it there is
		 * not a mark of its last letter */
		assert_memory_equal(out, s + skip, kept);
		utf8proc_int32_t next;
		utf8proc_iterate((const utf8proc_uint8_t *)s + skip + kept, -1, &next);
		assert_true(utf8proc_category(next) != UTF8PROC_CATEGORY_MN);
	}
	free(s);
	/* one grapheme longer than the bound: a letter and 100,000 marks */
	char *zalgo = malloc(2 + 2 * 100000);
	assert_non_null(zalgo);
	zalgo[0] = 'Z';
	for (size_t i = 0; i < 100000; i++)
		memcpy(zalgo + 1 + 2 * i, "\xCC\x81", 2);
	zalgo[1 + 2 * 100000] = '\0';
	pdf_text_bound(out, sizeof out, zalgo);
	assert_true(out[0] == 'Z' && ends_with(out, "..."));
	assert_true(chars(out) <= PDF_TEXT_CHARS + 3);
	free(zalgo);
}

/* A buffer smaller than PDF_TEXT_BYTES gets what fits, still whole
 * characters, still with an ellipsis. */
static void bound_fits_small_buffers(void **state)
{
	(void)state;
	char out[12];
	pdf_text_bound(out, sizeof out, "Zúñiga Zúñiga");   /* 8 bytes, "...", NUL */
	assert_string_equal(out, "Zúñiga...");
	pdf_text_bound(out, sizeof out, "Zúñiga\xE7\x8E\x8B");
	assert_string_equal(out, "Zúñiga...");
	pdf_text_bound(out, sizeof out, "Zúñiga");
	assert_string_equal(out, "Zúñiga");
}

/* Megabyte fields drawn as a run draws them: short files, drawn by
 * ssrfill's own writer (cairo used to lay out the whole megabyte). */
static void megabyte_names(void **state)
{
	fixture *fx = *state;
	char *big = repeat("Wolfeschlegelsteinhausenbergerdorff", 1u << 20);
	draw_lea(fx, big, big, big, big, big);
	free(big);
	expect_documents(fx);
	static const char *const rel[] = { "packing/august/5550001.pdf", "labels/august/5550001.pdf",
					   "invoices/5550001.pdf" };
	for (size_t i = 0; i < 3; i++) {
		size_t n;
		char *pdf = slurp(fx, rel[i], &n);
		assert_true(n < 64 * 1024);
		assert_non_null(memmem(pdf, n, "/Producer (ssrfill)", 19));
		free(pdf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(latin1_symbols, setup, teardown),
		cmocka_unit_test(bound_keeps_names),
		cmocka_unit_test(bound_cleans),
		cmocka_unit_test(bound_cuts_long_text),
		cmocka_unit_test(bound_cuts_between_graphemes),
		cmocka_unit_test(bound_fits_small_buffers),
		cmocka_unit_test_setup_teardown(megabyte_names, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
