/*
 * bytebuf.c: the growable byte buffer (see bytebuf.h).  Capacity doubles
 * from 256 bytes; memory comes from mem.c, so it counts against --memory.
 */
#include "bytebuf.h"

#include <string.h>

#include "mem.h"

void bytebuf_init(bytebuf *b)
{
	memset(b, 0, sizeof *b);
}

void bytebuf_release(bytebuf *b)
{
	mem_free(b->p);
	bytebuf_init(b);
}

void bytebuf_reserve(bytebuf *b, size_t extra)
{
	if (b->len + extra <= b->cap || b->oom)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra)
		cap *= 2;
	uint8_t *p = mem_realloc(b->p, cap);
	if (!p) {
		b->oom = 1;
		return;
	}
	b->p = p;
	b->cap = cap;
}

void bytebuf_put(bytebuf *b, const void *p, size_t n)
{
	if (n == 0)  /* b->p may still be NULL: no NULL + 0, no memcpy from it */
		return;
	bytebuf_reserve(b, n);
	if (b->oom)
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}
