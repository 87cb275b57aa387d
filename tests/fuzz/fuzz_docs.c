/*
 * fuzz_docs.c: libFuzzer target for the operator documents — the names of
 * one input are drawn as a run draws them, into a packing list, its labels
 * and an invoice (writers/packing_pdf.c, writers/invoice_writer.c), through
 * ssrfill's own PDF writer or, for text that needs a shaper, cairo and
 * pango (pdf/pdf_canvas.c, pdf/pdf_cairo.c), with fonts subset by HarfBuzz
 * (pdf/pdf_font.c).
 *
 * Input: a byte of options, then fields separated by NUL bytes (a name
 * never holds one: ingest rejects NUL): the LEA's name, its PO numbers,
 * then (school name, last name, first name) for each student, at most
 * MAX_STUDENTS; a missing field is empty.  The fields are passed as they
 * are, valid UTF-8 or not (ingest only lets valid UTF-8 through, but the
 * documents must not depend on it).  Options:
 *   bits 0-1  the shipment (3: august again)
 *   bit 2     a lean canvas (no HarfBuzz subsetting index)
 *   bit 3     boxes that hold one set each: a label page per student and a
 *             packing list that runs to several pages
 *   bit 4     an invoice with no lines
 *   bits 5-7  students change school every (bits + 1) students
 *
 * The canvases (one lean, one not) and the packings (one per box size)
 * live for the whole process, as a document worker's canvas and the
 * document pool's packings do, so state left by one document meets the
 * next.  (A packing is warmed up once with a name: base/text.c's
 * bytebuf_put of 0 bytes into a buffer never allocated computes NULL + 0,
 * which clang's UBSan reports; that is the engine's to fix, and a run
 * reaches it only when its first LEA has an empty name.)
 * Files are written through outdir into a folder under /dev/shm (else
 * $TMPDIR, else /tmp), committed, read back and removed; the folder is
 * removed at exit.
 *
 * Checked (abort()):
 *   - every document is written (ST_OK): no name makes one fail;
 *   - every file is a whole PDF: "%PDF-1." first, "%%EOF\n" last, its
 *     startxref on the cross-reference table, every in-use entry of that
 *     table on its "N 0 obj", and a ToUnicode map (text can be searched);
 *   - a file stays small (MAX_FILE_BYTES) whatever the length of the names
 *     (pdf_text_bound);
 *   - documents whose fields are printable ASCII are ssrfill's own
 *     (Producer ssrfill), never cairo's;
 *   - drawing the invoice again on the same canvas writes the same bytes
 *     (the creation date is fixed, as with SOURCE_DATE_EPOCH).
 */
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "../../engine/config.h"
#include "../../engine/invoice.h"
#include "../../engine/packing.h"
#include "../../writers/invoice_writer.h"
#include "../../io/outdir.h"
#include "../../writers/packing_pdf.h"
#include "../../pdf/pdf_canvas.h"
#include "fuzz_common.h"

#define MAX_STUDENTS 24
#define MAX_FILE_BYTES (4u << 20)
#define LEA 5550001u
#define DATE 1564617600   /* 2019-08-01 */

/* fontconfig keeps its configuration in caches it never frees (as in
 * tests/lsan.supp, which make asan uses) */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

static pdf_canvas *canvas[2];
static packing *packings[2];   /* ordinary boxes, boxes of one set */
static config cfgs[2];
static char root[256];

typedef struct fields {
	const char *s[3 + 3 * MAX_STUDENTS];
	size_t n;
	char *copy;
} fields;

/* The input after its option byte, cut at NUL bytes. */
static void split(fields *f, const uint8_t *data, size_t size)
{
	f->copy = malloc(size + 1);
	fuzz_check(f->copy != NULL, "malloc");
	memcpy(f->copy, data, size);
	f->copy[size] = '\0';
	f->n = 0;
	for (size_t at = 0; at <= size && f->n < sizeof f->s / sizeof *f->s;) {
		f->s[f->n++] = f->copy + at;
		at += strlen(f->copy + at) + 1;
	}
}

static const char *field(const fields *f, size_t i)
{
	return i < f->n ? f->s[i] : "";
}

static int printable_ascii(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7E)
			return 0;
	return 1;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	fuzz_check(fp != NULL, "%s: not written", path);
	fuzz_check(fseek(fp, 0, SEEK_END) == 0, "fseek");
	const long len = ftell(fp);
	fuzz_check(len >= 0, "ftell");
	rewind(fp);
	char *buf = malloc((size_t)len + 1);
	fuzz_check(buf != NULL, "malloc");
	fuzz_check(fread(buf, 1, (size_t)len, fp) == (size_t)len, "fread");
	buf[len] = '\0';
	fclose(fp);
	*n = (size_t)len;
	return buf;
}

/* A whole PDF: see the head of this file.  Returns whether cairo wrote it. */
static int check_pdf(const char *path, const char *pdf, size_t n)
{
	fuzz_check(n > 32 && memcmp(pdf, "%PDF-1.", 7) == 0, "%s: no PDF header", path);
	fuzz_check(n <= MAX_FILE_BYTES, "%s: %zu bytes", path, n);
	fuzz_check(memcmp(pdf + n - 6, "%%EOF\n", 6) == 0, "%s: does not end with %%%%EOF", path);
	const char *sx = NULL;
	for (const char *p = pdf; (p = memmem(p, n - (size_t)(p - pdf), "startxref\n", 10)) != NULL; p++)
		sx = p;
	fuzz_check(sx != NULL, "%s: no startxref", path);
	const size_t xref = strtoull(sx + 10, NULL, 10);
	fuzz_check(xref < n && strncmp(pdf + xref, "xref\n", 5) == 0, "%s: startxref %zu is not the xref", path,
		   xref);
	unsigned first, count;
	int used;
	fuzz_check(sscanf(pdf + xref + 5, "%u %u\n%n", &first, &count, &used) == 2 && first == 0,
		   "%s: xref subsection", path);
	const char *e = pdf + xref + 5 + used;
	for (unsigned i = 0; i < count; i++, e += 20) {
		fuzz_check(e + 20 <= pdf + n, "%s: xref cut short", path);
		if (e[17] != 'n')
			continue;
		const size_t off = strtoull(e, NULL, 10);
		char want[32];
		const int k = snprintf(want, sizeof want, "%u 0 obj", i);
		fuzz_check(off < n && strncmp(pdf + off, want, (size_t)k) == 0, "%s: object %u is not at %zu", path,
			   i, off);
	}
	fuzz_check(memmem(pdf, n, "/ToUnicode", 10) != NULL, "%s: no ToUnicode map", path);
	return memmem(pdf, n, "/Producer (ssrfill)", 19) == NULL;
}

static void check_file(const char *out, const char *rel, int ascii)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", out, rel);
	size_t n;
	char *pdf = slurp(path, &n);
	const int by_cairo = check_pdf(path, pdf, n);
	fuzz_check(!ascii || !by_cairo, "%s: printable ASCII drawn by cairo", path);
	free(pdf);
}

/* The folder goes with the process (libFuzzer ends with exit()); a crash
 * leaves it, with the files of the input that broke something. */
static void remove_root(void)
{
	nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
	if (root[0])
		return;
	const char *tmp = getenv("TMPDIR");
	struct stat shm;
	if (stat("/dev/shm", &shm) == 0 && S_ISDIR(shm.st_mode) && access("/dev/shm", W_OK) == 0)
		tmp = "/dev/shm";
	else if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(root, sizeof root, "%s/ssrfill-fuzz-docs-XXXXXX", tmp);
	fuzz_check(mkdtemp(root) != NULL, "mkdtemp %s", root);
	atexit(remove_root);
	for (int lean = 0; lean < 2; lean++) {
		const status st = pdf_canvas_new(&canvas[lean], DATE, lean);
		fuzz_check(st == ST_OK, "pdf_canvas_new: %s", status_detail(st));
	}
	for (int small = 0; small < 2; small++) {
		config *cfg = &cfgs[small];
		config_defaults(cfg);
		if (small)
			cfg->box.max_gross_mg = cfg->box.tare_mg + cfg->box.divider_mg + 2 * cfg->box.tabloid_sheet_mg;
		fuzz_check(packing_new(&packings[small], &cfg->box) == ST_OK, "packing_new");
		packing_begin(packings[small], SHIP_AUGUST, LEA, "warm-up", 7);
	}
}

static void draw(const uint8_t opt, const fields *f, int ascii)
{
	const config *cfg = &cfgs[(opt >> 3) & 1];
	packing *p = packings[(opt >> 3) & 1];
	pdf_canvas *c = canvas[(opt >> 2) & 1];
	const int shipment = (opt & 3) % SHIP_COUNT;
	const unsigned per_school = ((opt >> 5) & 7) + 1u;
	const char *lea_name = field(f, 0), *po_numbers = field(f, 1);
	/* every (school, last, first) triple begun, at least one */
	size_t students = f->n > 2 ? (f->n - 2 + 2) / 3 : 1;
	if (students > MAX_STUDENTS)
		students = MAX_STUDENTS;

	char out[300];
	snprintf(out, sizeof out, "%s/out", root);
	outdir *d;
	fuzz_check(outdir_begin(&d, out, 0, NULL) == ST_OK, "outdir_begin %s", out);
	static const char *const folders[] = { "packing", "packing/august", "packing/winter", "packing/elpac",
					       "labels", "labels/august", "labels/winter", "labels/elpac",
					       "invoices" };
	for (size_t i = 0; i < sizeof folders / sizeof *folders; i++)
		fuzz_check(outdir_mkdir(d, folders[i]) == ST_OK, "outdir_mkdir");

	packing_begin(p, shipment, LEA, lea_name, strlen(lea_name));
	for (size_t i = 0; i < students; i++) {
		setrec r;
		memset(&r, 0, sizeof r);
		r.lea = LEA;
		r.school = (uint32_t)(10 + i / per_school);
		r.ssid = 3000000000u + i;
		r.weight_mg = (uint32_t)(2 * cfg->box.tabloid_sheet_mg);
		r.grade = (uint8_t)(3 + i % 6);
		r.sheets = 2;
		r.envelopes = (uint8_t)(i & 1);
		for (int s = 0; s < SETREC_NSTR; s++)
			r.str[s] = "";
		r.str[SR_LEA_NAME] = lea_name;
		r.str[SR_SCHOOL_NAME] = field(f, 2 + 3 * i);
		r.str[SR_LAST] = field(f, 3 + 3 * i);
		r.str[SR_FIRST] = field(f, 4 + 3 * i);
		for (int s = 0; s < SETREC_NSTR; s++)
			r.len[s] = (uint32_t)strlen(r.str[s]);
		box_place where;
		fuzz_check(packing_add(p, &r, cfg->box.divider_mg + (int64_t)per_school * r.weight_mg, &where) == ST_OK,
			   "packing_add");
	}
	status st = packing_pdf_write(c, d, p, cfg);
	fuzz_check(st == ST_OK, "packing_pdf_write: %s", status_detail(st));
	st = labels_pdf_write(c, d, p, cfg);
	fuzz_check(st == ST_OK, "labels_pdf_write: %s", status_detail(st));

	const uint64_t qty[SHIP_COUNT][2] = { { students, 1 }, { 0, students }, { 2, 0 } };
	const uint64_t none[SHIP_COUNT][2] = { { 0 } };
	invoice_line lines[2 * SHIP_COUNT];
	invoice_doc inv = { .lea = LEA, .lea_name = lea_name, .po_numbers = po_numbers, .lines = lines };
	inv.n = invoice_lines(cfg, opt & 16 ? none : qty, inv.lines);
	for (size_t i = 0; i < inv.n; i++)
		inv.total_cents += inv.lines[i].amount_cents;
	st = invoice_pdf_write(c, d, cfg, &inv);
	fuzz_check(st == ST_OK, "invoice_pdf_write: %s", status_detail(st));
	fuzz_check(outdir_commit(d) == ST_OK, "outdir_commit");
	outdir_free(d);

	char rel[64];
	snprintf(rel, sizeof rel, "packing/%s/%07u.pdf", shipment_name[shipment], LEA);
	check_file(out, rel, ascii);
	snprintf(rel, sizeof rel, "labels/%s/%07u.pdf", shipment_name[shipment], LEA);
	check_file(out, rel, ascii);
	check_file(out, "invoices/5550001.pdf", ascii);

	/* the invoice again, on the same canvas: the same bytes */
	char again[300];
	snprintf(again, sizeof again, "%s/again", root);
	fuzz_check(outdir_begin(&d, again, 0, NULL) == ST_OK, "outdir_begin %s", again);
	fuzz_check(outdir_mkdir(d, "invoices") == ST_OK, "outdir_mkdir");
	st = invoice_pdf_write(c, d, cfg, &inv);
	fuzz_check(st == ST_OK, "invoice_pdf_write again: %s", status_detail(st));
	fuzz_check(outdir_commit(d) == ST_OK, "outdir_commit");
	outdir_free(d);
	char a_path[512], b_path[512];
	snprintf(a_path, sizeof a_path, "%s/invoices/5550001.pdf", out);
	snprintf(b_path, sizeof b_path, "%s/invoices/5550001.pdf", again);
	size_t na, nb;
	char *a = slurp(a_path, &na), *b = slurp(b_path, &nb);
	fuzz_check(na == nb && memcmp(a, b, na) == 0, "the same invoice drawn twice differs (%zu, %zu bytes)", na, nb);
	free(a);
	free(b);
	nftw(out, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	nftw(again, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	const uint8_t opt = size ? data[0] : 0;
	fields f;
	split(&f, size ? data + 1 : data, size ? size - 1 : 0);
	int ascii = 1;
	for (size_t i = 0; i < f.n; i++)
		ascii &= printable_ascii(f.s[i]);
	draw(opt, &f, ascii);
	free(f.copy);
	return 0;
}
