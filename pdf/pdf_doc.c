/*
 * pdf_doc.c: PDF file assembly in memory (see pdf_doc.h).
 *
 * A document is written front to back into one buffer; each object's
 * offset is noted when it begins, so objects may be written in any order
 * of their numbers (a page's number is known before its content is drawn,
 * the page tree's only at the end).  A stream is stored, deflated here at
 * zlib level 1 (three to four times faster than the default 6), or
 * deflated already by the caller; which is the caller's trade of size for
 * time (see pdf_canvas.c and pdf_font.c).  One z_stream serves every
 * stream of every document (deflateReset).
 */
#include "pdf_doc.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "../base/mem.h"
#include "../base/bytebuf.h"

void pdf_buf_puts(bytebuf *b, const char *s)
{
	bytebuf_put(b, s, strlen(s));
}

void pdf_buf_putc(bytebuf *b, char ch)
{
	bytebuf_put(b, &ch, 1);
}

void pdf_buf_u64(bytebuf *b, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do
		tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	bytebuf_put(b, tmp + sizeof tmp - n, (size_t)n);
}

void pdf_buf_num(bytebuf *b, double v)
{
	/* thousandths of a point are far below what a printer resolves */
	long long m = llround(v * 1000.0);
	if (m < 0) {
		pdf_buf_putc(b, '-');
		m = -m;
	}
	pdf_buf_u64(b, (uint64_t)(m / 1000));
	int frac = (int)(m % 1000);
	if (!frac)
		return;
	char tmp[4] = { '.', (char)('0' + frac / 100), (char)('0' + frac / 10 % 10), (char)('0' + frac % 10) };
	size_t n = 4;
	while (tmp[n - 1] == '0')
		n--;
	bytebuf_put(b, tmp, n);
}

void pdf_buf_hex16(bytebuf *b, unsigned v)
{
	static const char hex[] = "0123456789ABCDEF";
	const char tmp[4] = { hex[v >> 12 & 15], hex[v >> 8 & 15], hex[v >> 4 & 15], hex[v & 15] };
	bytebuf_put(b, tmp, 4);
}

void pdf_buf_string(bytebuf *b, const char *s)
{
	pdf_buf_putc(b, '(');
	for (; *s; s++) {
		if (*s == '\\' || *s == '(' || *s == ')')
			pdf_buf_putc(b, '\\');
		pdf_buf_putc(b, *s);
	}
	pdf_buf_putc(b, ')');
}

void pdf_doc_init(pdf_doc *d)
{
	memset(d, 0, sizeof *d);
}

void pdf_doc_release(pdf_doc *d)
{
	bytebuf_release(&d->body);
	mem_free(d->offset);
	mem_free(d->zout);
	if (d->z_ready)
		deflateEnd(&d->z);
	memset(d, 0, sizeof *d);
}

void pdf_doc_start(pdf_doc *d)
{
	d->body.len = 0;
	d->body.oom = 0;
	d->flushed = 0;
	d->n_obj = 0;
	/* the binary comment tells transfer programs the file is not text */
	pdf_buf_puts(&d->body, "%PDF-1.5\n%\xe2\xe3\xcf\xd3\n");
}

uint32_t pdf_doc_new_obj(pdf_doc *d)
{
	if (d->n_obj + 2 > d->cap_obj) {
		const uint32_t cap = d->cap_obj ? d->cap_obj * 2 : 256;
		size_t *o = mem_realloc(d->offset, cap * sizeof *o);
		if (!o) {
			d->body.oom = 1;
			return d->n_obj;   /* reused harmlessly: the file is dropped */
		}
		d->offset = o;
		d->cap_obj = cap;
	}
	d->n_obj++;
	d->offset[d->n_obj] = 0;
	return d->n_obj;
}

void pdf_doc_begin(pdf_doc *d, uint32_t obj)
{
	if (d->body.oom || obj == 0)
		return;
	assert(obj <= d->n_obj);
	d->offset[obj] = d->flushed + d->body.len;
	pdf_buf_u64(&d->body, obj);
	pdf_buf_puts(&d->body, " 0 obj\n");
}

void pdf_doc_end(pdf_doc *d)
{
	pdf_buf_puts(&d->body, "\nendobj\n");
}

static size_t deflate_into(pdf_doc *d, const void *data, size_t n)
{
	if (!d->z_ready) {
		memset(&d->z, 0, sizeof d->z);
		if (deflateInit2(&d->z, 1, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return 0;
		d->z_ready = 1;
	} else {
		deflateReset(&d->z);
	}
	const size_t bound = deflateBound(&d->z, (uLong)n);
	if (bound > d->zout_cap) {
		unsigned char *p = mem_realloc(d->zout, bound);
		if (!p)
			return 0;
		d->zout = p;
		d->zout_cap = bound;
	}
	d->z.next_in = (Bytef *)(uintptr_t)data;
	d->z.avail_in = (uInt)n;
	d->z.next_out = d->zout;
	d->z.avail_out = (uInt)d->zout_cap;
	if (deflate(&d->z, Z_FINISH) != Z_STREAM_END)
		return 0;
	return d->zout_cap - d->z.avail_out;
}

void pdf_doc_stream(pdf_doc *d, uint32_t obj, const char *dict, const void *data, size_t n,
		    enum pdf_stream_mode mode)
{
	if (mode == PDF_DEFLATE && !d->body.oom) {
		const size_t zn = deflate_into(d, data, n);
		if (!zn) {
			d->body.oom = 1;
			return;
		}
		data = d->zout;
		n = zn;
	}
	pdf_doc_begin(d, obj);
	pdf_buf_puts(&d->body, "<< /Length ");
	pdf_buf_u64(&d->body, n);
	if (mode != PDF_STORED)
		pdf_buf_puts(&d->body, " /Filter /FlateDecode");
	if (dict && *dict) {
		pdf_buf_putc(&d->body, ' ');
		pdf_buf_puts(&d->body, dict);
	}
	pdf_buf_puts(&d->body, " >>\nstream\n");
	bytebuf_put(&d->body, data, n);
	pdf_buf_puts(&d->body, "\nendstream");
	pdf_doc_end(d);
}

void pdf_doc_finish(pdf_doc *d, uint32_t root, uint32_t info, uint64_t id)
{
	bytebuf *b = &d->body;
	if (b->oom)
		return;
	const size_t xref = d->flushed + b->len;
	pdf_buf_puts(b, "xref\n0 ");
	pdf_buf_u64(b, (uint64_t)d->n_obj + 1);
	/* each entry is exactly 20 bytes: 10-digit offset, 5-digit generation */
	pdf_buf_puts(b, "\n0000000000 65535 f \n");
	for (uint32_t i = 1; i <= d->n_obj; i++) {
		char e[21];
		size_t off = d->offset[i];
		for (int k = 9; k >= 0; k--, off /= 10)
			e[k] = (char)('0' + off % 10);
		memcpy(e + 10, " 00000 n \n", 10);
		if (d->offset[i] == 0)   /* reserved and never written: free */
			memcpy(e, "0000000000 65535 f \n", 20);
		bytebuf_put(b, e, 20);
	}
	pdf_buf_puts(b, "trailer\n<< /Size ");
	pdf_buf_u64(b, (uint64_t)d->n_obj + 1);
	pdf_buf_puts(b, " /Root ");
	pdf_buf_u64(b, root);
	pdf_buf_puts(b, " 0 R /Info ");
	pdf_buf_u64(b, info);
	pdf_buf_puts(b, " 0 R /ID [");
	for (int twice = 0; twice < 2; twice++) {
		pdf_buf_putc(b, '<');
		for (int k = 60; k >= 0; k -= 4)
			pdf_buf_putc(b, "0123456789abcdef"[id >> k & 15]);
		pdf_buf_putc(b, '>');
	}
	pdf_buf_puts(b, "] >>\nstartxref\n");
	pdf_buf_u64(b, xref);
	pdf_buf_puts(b, "\n%%EOF\n");
}

void pdf_doc_flushed(pdf_doc *d)
{
	d->flushed += d->body.len;
	d->body.len = 0;
}

uint64_t pdf_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

int pdf_doc_oom(const pdf_doc *d)
{
	return d->body.oom;
}
