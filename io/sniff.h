/*
 * sniff.h: what an input that is not UTF-8 CSV most likely is, from its
 * bytes, so that a message can say what to do rather than "not CSV".
 *
 *   const sniff_kind *k = sniff_magic(first_bytes, n);
 *   if (k) fail("%s: this is %s, not CSV text: %s", file, k->what, k->todo);
 *
 *   const char *cs = sniff_charset(field, n);   // a field that is not UTF-8
 *   if (cs) sniff_iconv_advice(cs, buf, cap);   // "... iconv -f latin1 ..."
 *
 * Nothing here reads a file or allocates; the callers (io/csv_reader.c's
 * header, readers/config_ini.c) hand over the first bytes they read.
 */
#ifndef SSRFILL_SNIFF_H
#define SSRFILL_SNIFF_H

#include <stddef.h>

/* Bytes sniff_magic() wants to see when the file has them: the tar magic
 * is at offset 257, a zip's first member name at 30, an OpenDocument's
 * mimetype right after it. */
#define SNIFF_BYTES 512u

typedef struct sniff_kind {
	const char *what;   /* "a gzip-compressed file" */
	const char *todo;   /* "decompress it with gunzip, or ..." */
} sniff_kind;

/* The kind of file p[0, n) starts like (a compressed file, a workbook, an
 * archive, a document, an image, UTF-16 text, a database ...), or NULL for
 * none ssrfill knows.  zstd is not among them: ssrfill reads it. */
const sniff_kind *sniff_magic(const void *p, size_t n);

/* For bytes that are not valid UTF-8: the 8-bit character set they most
 * likely are, as iconv names it: "windows-1252" when one is 0x80-0x9F
 * (Windows-1252's curly quotes and dashes, control codes in Latin-1), else
 * "latin1"; NULL when they do not look like text at all (a NUL, or a
 * control byte other than tab, CR and LF). */
const char *sniff_charset(const void *p, size_t n);

/* "it looks like Latin-1 text (ISO-8859-1): convert the file to UTF-8 with
 * iconv -f latin1 -t utf-8 IN > OUT" for a charset sniff_charset() gave. */
void sniff_iconv_advice(const char *charset, char *buf, size_t cap);

#endif
