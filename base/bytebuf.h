/*
 * bytebuf.h: a growable byte buffer (keys, payloads, pools of names and
 * warnings are built in one).
 *
 *   bytebuf b;
 *   bytebuf_init(&b);
 *   bytebuf_put(&b, p, n);      ... b.p[0, b.len)
 *   if (b.oom) ...              an allocation failed (sticky)
 *   bytebuf_release(&b);
 */
#ifndef SSRFILL_BYTEBUF_H
#define SSRFILL_BYTEBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct bytebuf {
	uint8_t *p;
	size_t len, cap;
	int oom;      /* sticky: an allocation failed; p holds a prefix */
} bytebuf;

void bytebuf_init(bytebuf *b);
void bytebuf_release(bytebuf *b);
/* Room for `extra` more bytes (or b->oom). */
void bytebuf_reserve(bytebuf *b, size_t extra);
void bytebuf_put(bytebuf *b, const void *p, size_t n);

#endif
