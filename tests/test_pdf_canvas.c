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

#include "../engine/config.h"
#include "../engine/invoice.h"
#include "../engine/mem.h"
#include "../engine/packing.h"
#include "../io/invoice_writer.h"
#include "../io/outdir.h"
#include "../io/packing_pdf.h"
#include "../io/pdf_canvas.h"

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
	assert_int_equal(outdir_begin(&fx->d, fx->out, 0), ST_OK);
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
	invoice_doc inv = { .lea = LEA, .lea_name = lea_name, .po_numbers = po_numbers };
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(latin1_symbols, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
