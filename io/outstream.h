/*
 * outstream.h: buffered output to a file (or standard output), plain or
 * zstd-compressed, with a sticky error reported at close.
 *
 *   outstream *o;
 *   st = outstream_open(&o, path, OUT_ZSTD);   // creates path, mode 0600
 *   outstream_write(o, buf, n); outstream_csv_field(o, s, n, last);
 *   st = outstream_close(o);   // flush, fsync, close: the first error wins
 *
 * Writes never fail on their own: the first error is kept and every later
 * call is a no-op, so writers check once, at close (SQLite's PmaWriter).
 * outstream_abort() closes a half-written file and unlinks it only when
 * this stream created it: never a device, a FIFO or a file that was there.
 */
#ifndef SSRFILL_OUTSTREAM_H
#define SSRFILL_OUTSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"

typedef struct outstream outstream;

enum {
	OUT_ZSTD = 1,      /* compress the stream with zstd */
	OUT_EXCL = 2,      /* fail if the file exists (else it is truncated) */
	OUT_NO_FSYNC = 4,  /* skip fsync at close (scratch files) */
	OUT_ASYNC = 8,     /* compress and write on a thread of its own */
	/* A CSV for people and spreadsheets (manifests, invoices.csv,
	 * reports): a text cell starting with =, +, -, @, a tab or a CR is
	 * written as '<cell>, quoted, so a spreadsheet shows it as text and
	 * never runs it as a formula (OWASP "CSV Injection").  The print
	 * stream and the rejects keep their bytes exact and do not set it. */
	OUT_CSV_SAFE = 16,
};

/* path "-" is standard output.  Files are created with mode 0600. */
status outstream_open(outstream **out, const char *path, int flags);
/* The same on a file the caller created and opened (fd is the stream's
 * from now on, closed even on failure); abort unlinks path. */
status outstream_open_fd(outstream **out, int fd, const char *path, int flags);
void outstream_write(outstream *o, const void *buf, size_t n);
void outstream_puts(outstream *o, const char *s);
void outstream_putc(outstream *o, char c);
void outstream_printf(outstream *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append a field in RFC 4180 form, quoted only when it must be, then a
 * comma or, when last is nonzero, a newline. */
void outstream_csv_field(outstream *o, const char *s, size_t n, int last);
void outstream_csv_str(outstream *o, const char *s, int last);
void outstream_csv_u64(outstream *o, uint64_t v, int last);
/* A JSON string (RFC 8259): quotes, backslashes and control characters
 * escaped, other bytes (UTF-8 included) as they are. */
void outstream_json_str(outstream *o, const char *s, size_t n);
/* Bytes handed to the stream so far (before compression). */
uint64_t outstream_bytes(const outstream *o);
/* Flush, fsync (unless OUT_NO_FSYNC), close and free; returns the first
 * error of the stream's life.  outstream_close(NULL) returns ST_OK. */
status outstream_close(outstream *o);
/* Close, unlink the file and free, for failure paths.  NULL is a no-op. */
void outstream_abort(outstream *o);

#endif
