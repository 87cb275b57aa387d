/*
 * pdf_doc.h: the bytes of one PDF file, assembled in memory — numbered
 * objects, deflated streams, the cross-reference table and the trailer
 * (ISO 32000-1 §7.5).  pdf_canvas.c draws with it and pdf_font.c embeds
 * fonts with it; neither writes PDF syntax by hand beyond dictionaries.
 *
 *   pdf_doc d;
 *   pdf_doc_init(&d);
 *   per document:
 *       pdf_doc_start(&d);                       // "%PDF-1.5", objects 1..n reserved
 *       const uint32_t o = pdf_doc_new_obj(&d);  // a number, written later or now
 *       pdf_doc_begin(&d, o); pdf_buf_puts(&d.body, "<< ... >>"); pdf_doc_end(&d);
 *       pdf_doc_stream(&d, o2, "/Type /XObject", data, n, PDF_DEFLATE);
 *       pdf_doc_finish(&d, root, info, id);      // xref and trailer
 *       ... d.body.p, d.body.len are the file; d.body.oom says it is incomplete
 *   pdf_doc_release(&d);
 *
 * The pdf_buf_ functions append PDF syntax to a bytebuf (bytebuf.h: sticky
 * out-of-memory flag, so no call fails; check oom at the end), numbers as
 * PDF content wants them: at most three decimals, no exponent, no trailing
 * zeros ("612", "8.5", "0.125").
 */
#ifndef SSRFILL_PDF_DOC_H
#define SSRFILL_PDF_DOC_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "../base/bytebuf.h"

void pdf_buf_puts(bytebuf *b, const char *s);
void pdf_buf_putc(bytebuf *b, char ch);
void pdf_buf_num(bytebuf *b, double v);
void pdf_buf_u64(bytebuf *b, uint64_t v);
/* "<0041>"-style big-endian hex of a 16-bit code, without the brackets */
void pdf_buf_hex16(bytebuf *b, unsigned v);
/* a literal string "(...)" with \, ( and ) escaped; ASCII titles only */
void pdf_buf_string(bytebuf *b, const char *s);

typedef struct pdf_doc {
	bytebuf body;
	size_t flushed;          /* bytes of the file written out before body */
	size_t *offset;          /* byte offset of object i, [0] unused */
	uint32_t n_obj, cap_obj;
	z_stream z;
	int z_ready;
	unsigned char *zout;     /* deflate output */
	size_t zout_cap;
} pdf_doc;

void pdf_doc_init(pdf_doc *d);
void pdf_doc_release(pdf_doc *d);
void pdf_doc_start(pdf_doc *d);
uint32_t pdf_doc_new_obj(pdf_doc *d);
void pdf_doc_begin(pdf_doc *d, uint32_t obj);
void pdf_doc_end(pdf_doc *d);
/* How a stream's bytes go in: as they are, deflated now, or deflated
 * already (by the caller, once for many documents). */
enum pdf_stream_mode { PDF_STORED, PDF_DEFLATE, PDF_DEFLATED };

/* A whole stream object: << /Length n [/Filter /FlateDecode] dict >>. */
void pdf_doc_stream(pdf_doc *d, uint32_t obj, const char *dict, const void *data, size_t n,
		    enum pdf_stream_mode mode);
/* The cross-reference table and trailer; id is the file identifier (any
 * 64 bits that tell this file from others, written twice as hex). */
void pdf_doc_finish(pdf_doc *d, uint32_t root, uint32_t info, uint64_t id);
/* FNV-1a over n bytes, continuing from h (PDF_HASH_SEED to start): file
 * identifiers and font subset tags, which must be stable, not secret. */
#define PDF_HASH_SEED 1469598103934665603ull
uint64_t pdf_hash(uint64_t h, const void *p, size_t n);

/* The caller wrote body out (a long document written as it grows, see
 * pdf_book_begin): body is emptied and later offsets count those bytes. */
void pdf_doc_flushed(pdf_doc *d);

/* Nonzero when memory ran out while assembling the file. */
int pdf_doc_oom(const pdf_doc *d);

#endif
