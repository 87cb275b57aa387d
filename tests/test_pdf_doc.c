/*
 * test_pdf_doc.c: the PDF file assembly under the operator documents —
 * numbers as content streams want them, a cross-reference table whose
 * offsets land on their objects, stream lengths that match, deflated
 * streams that inflate back, and a file left marked incomplete (never
 * silently short) when memory runs out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "../base/fault.h"
#include "../base/mem.h"
#include "../pdf/pdf_doc.h"
#include "../base/bytebuf.h"

static void expect_num(double v, const char *want)
{
	bytebuf b;
	bytebuf_init(&b);
	pdf_buf_num(&b, v);
	bytebuf_put(&b, "", 1);
	assert_false(b.oom);
	assert_string_equal((const char *)b.p, want);
	bytebuf_release(&b);
}

static void numbers(void **state)
{
	(void)state;
	expect_num(612, "612");
	expect_num(8.5, "8.5");
	expect_num(0.125, "0.125");
	expect_num(0, "0");
	expect_num(-3.25, "-3.25");
	expect_num(745.9996, "746");   /* to the thousandth */
	expect_num(0.0999, "0.1");
	expect_num(-0.0004, "0");
	expect_num(1234567.001, "1234567.001");
}

static void strings(void **state)
{
	(void)state;
	bytebuf b;
	bytebuf_init(&b);
	pdf_buf_string(&b, "Invoice (copy) a\\b");
	pdf_buf_hex16(&b, 0xAC01);
	bytebuf_put(&b, "", 1);
	assert_string_equal((const char *)b.p, "(Invoice \\(copy\\) a\\\\b)AC01");
	bytebuf_release(&b);
}

/* "N 0 obj" at byte off of text */
static int obj_at(const char *text, size_t off, unsigned n)
{
	char want[32];
	snprintf(want, sizeof want, "%u 0 obj\n", n);
	return strncmp(text + off, want, strlen(want)) == 0;
}

/* A small file: objects written out of number order, a stored and a
 * deflated stream. */
static void build(pdf_doc *d, const char *content)
{
	pdf_doc_start(d);
	const uint32_t root = pdf_doc_new_obj(d), info = pdf_doc_new_obj(d);
	const uint32_t s1 = pdf_doc_new_obj(d), s2 = pdf_doc_new_obj(d);
	pdf_doc_stream(d, s2, "", content, strlen(content), PDF_DEFLATE);
	pdf_doc_stream(d, s1, "/Length1 5", "hello", 5, PDF_STORED);
	pdf_doc_begin(d, info);
	pdf_buf_puts(&d->body, "<< /Producer (test) >>");
	pdf_doc_end(d);
	pdf_doc_begin(d, root);
	pdf_buf_puts(&d->body, "<< /Type /Catalog >>");
	pdf_doc_end(d);
	pdf_doc_finish(d, root, info, 0x0123456789abcdefull);
}

/* pattern in the file, which holds binary (deflated) bytes */
static const char *find(const pdf_doc *d, const char *pattern)
{
	return memmem(d->body.p, d->body.len, pattern, strlen(pattern));
}

static void file_structure(void **state)
{
	(void)state;
	char content[4096];
	size_t at = 0;
	for (int i = 0; at + 40 < sizeof content; i++)
		at += (size_t)snprintf(content + at, sizeof content - at, "BT %d 700 Td (row %d) Tj ET\n", i, i);
	pdf_doc d;
	pdf_doc_init(&d);
	build(&d, content);
	assert_false(pdf_doc_oom(&d));
	const char *f = (const char *)d.body.p;
	assert_true(strncmp(f, "%PDF-1.5\n", 9) == 0);

	/* startxref -> "xref", then 5 entries of exactly 20 bytes */
	const char *sx = find(&d, "startxref\n");
	assert_non_null(sx);
	const size_t xref = strtoul(sx + 10, NULL, 10);
	assert_true(strncmp(f + xref, "xref\n0 5\n", 9) == 0);
	const char *e = f + xref + 9;
	assert_true(strncmp(e, "0000000000 65535 f \n", 20) == 0);
	for (unsigned n = 1; n <= 4; n++) {
		const char *entry = e + 20 * n;
		assert_true(strncmp(entry + 10, " 00000 n \n", 10) == 0);
		assert_true(obj_at(f, strtoul(entry, NULL, 10), n));
	}
	assert_non_null(find(&d, "trailer\n<< /Size 5 /Root 1 0 R /Info 2 0 R /ID [<0123456789abcdef><0123456789abcdef>] >>"));
	assert_true(memcmp(f + d.body.len - 6, "%%EOF\n", 6) == 0);

	/* the stored stream: its /Length, its bytes */
	const char *s = find(&d, "3 0 obj\n<< /Length 5 /Length1 5 >>\nstream\nhello\nendstream\nendobj\n");
	assert_non_null(s);

	/* the deflated one inflates back to the content */
	const char *z = find(&d, "4 0 obj\n<< /Length ");
	assert_non_null(z);
	char *end;
	const size_t zn = strtoul(z + 19, &end, 10);
	assert_true(strncmp(end, " /Filter /FlateDecode >>\nstream\n", 32) == 0);
	const unsigned char *zdata = (const unsigned char *)end + 32;
	assert_true(strncmp((const char *)zdata + zn, "\nendstream", 10) == 0);
	assert_true(zn < strlen(content) / 2);
	char back[8192];
	uLongf n_back = sizeof back;
	assert_int_equal(uncompress((Bytef *)back, &n_back, zdata, zn), Z_OK);
	assert_int_equal(n_back, strlen(content));
	assert_memory_equal(back, content, n_back);

	/* the same document again from the same pdf_doc: the same bytes */
	const size_t n_first = d.body.len;
	char *first = malloc(n_first);
	assert_non_null(first);
	memcpy(first, f, n_first);
	build(&d, content);
	assert_int_equal(d.body.len, n_first);
	assert_memory_equal(d.body.p, first, n_first);
	free(first);
	pdf_doc_release(&d);
}

/* Every allocation the assembly makes, failed in turn: either the file is
 * marked incomplete or it is whole, byte for byte — never silently short. */
static void out_of_memory(void **state)
{
	(void)state;
	char content[20000];
	for (size_t i = 0; i < sizeof content; i++)
		content[i] = (char)('a' + (i * 7919) % 26);
	content[sizeof content - 1] = '\0';
	pdf_doc ref;
	pdf_doc_init(&ref);
	build(&ref, content);
	assert_false(pdf_doc_oom(&ref));
	int failed = 0, whole = 0;
	for (unsigned long n = 1; n < 40; n++) {
		pdf_doc d;
		pdf_doc_init(&d);
		fault_set_op(FAULT_ALLOC, n);
		build(&d, content);
		fault_set_op(FAULT_ALLOC, 0);
		if (pdf_doc_oom(&d)) {
			failed++;
		} else {
			whole++;
			assert_int_equal(d.body.len, ref.body.len);
			assert_memory_equal(d.body.p, ref.body.p, ref.body.len);
		}
		pdf_doc_release(&d);
	}
	/* the first allocations fail the file, later numbers are past its last */
	assert_true(failed > 0 && whole > 0);
	pdf_doc_release(&ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers),
		cmocka_unit_test(strings),
		cmocka_unit_test(file_structure),
		cmocka_unit_test(out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
