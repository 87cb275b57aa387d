/*
 * instream.h: read a file or standard input, plain or zstd-compressed.
 *
 *   instream *in;
 *   st = instream_open(&in, path);       // "-" = standard input
 *   while ((st = instream_read(in, buf, cap, &n)) == ST_OK && n > 0) ...
 *   instream_free(in);
 *
 * Compression is detected by the zstd magic number in the first four bytes,
 * never by the file name; pzstd's files, which open with a skippable
 * frame, are zstd too.  A zstd stream cut short, or one whose decoding
 * window is over the limit, is ST_BADINPUT with a message naming the file.
 */
#ifndef SSRFILL_INSTREAM_H
#define SSRFILL_INSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"

typedef struct instream instream;

status instream_open(instream **out, const char *path);
/* Fill up to cap bytes; *n_read == 0 means end of input. */
status instream_read(instream *in, void *buf, size_t cap, size_t *n_read);
/* The name used in messages ("standard input" for "-"). */
const char *instream_name(const instream *in);
int instream_is_zstd(const instream *in);
/* Bytes consumed from the underlying file so far (compressed bytes). */
uint64_t instream_raw_bytes(const instream *in);
void instream_free(instream *in);
/* A guess at the decompressed size of a file, for sizing buffers: a plain
 * regular file's size, eight times a zstd file's; 0 for standard input,
 * pipes or anything that cannot be looked at. */
uint64_t instream_size_hint(const char *path);

/* zstd decoding windows: up to INSTREAM_WINDOW_FREE (128 MiB, what every
 * zstd decoder accepts by default; zstd --long makes it) always, up to
 * INSTREAM_WINDOW_MAX (2 GiB, zstd --long=31, its largest) within the
 * limit set here, for every stream opened later (the commands pass
 * --memory: the window is memory the decoder holds). */
#define INSTREAM_WINDOW_LOG_MAX 31
#define INSTREAM_WINDOW_MAX ((uint64_t)1 << INSTREAM_WINDOW_LOG_MAX)
#define INSTREAM_WINDOW_FREE ((uint64_t)1 << 27)
void instream_set_window_limit(uint64_t n_bytes);

#endif
