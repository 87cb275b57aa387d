/*
 * sorter.c: the record sorter behind sorter.h.
 *
 * Records are appended to an arena of large blocks as
 *     [u32 key_len][u32 payload_len][key][payload]
 * and indexed by 16-byte entries {8-byte big-endian key prefix, pointer}.
 * finish() sorts the index:
 *
 *   1. an LSD radix sort on the prefix, one byte per pass, skipping the
 *      passes whose byte is the same in every entry (with print keys the
 *      shipment and often the LEA bytes are constant);
 *   2. entries whose prefixes are equal are then ordered by memcmp of their
 *      whole keys (insertion sort for small groups, qsort for large).
 *
 * next() walks the index.  This is the in-memory path; records beyond the
 * budget will be spilled as sorted runs and merged (the external merge
 * sort), behind the same API.
 */
#include "sorter.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define BLOCK_BYTES (4u << 20)

typedef struct entry {
	uint64_t prefix;
	const uint8_t *rec;
} entry;

typedef struct block {
	struct block *next;
	size_t used, cap;
	uint8_t data[];
} block;

struct sorter {
	sorter_opts opts;
	block *blocks;        /* newest first */
	entry *idx;
	size_t n, cap;
	size_t pos;           /* next() cursor */
	int finished;
};

static uint64_t key_prefix(const uint8_t *key, size_t len)
{
	uint64_t p = 0;
	for (size_t i = 0; i < 8; i++)
		p = (p << 8) | (i < len ? key[i] : 0);
	return p;
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static int cmp_full(const entry *a, const entry *b)
{
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	const uint32_t la = rd32(a->rec), lb = rd32(b->rec);
	const int c = memcmp(a->rec + 8, b->rec + 8, la < lb ? la : lb);
	if (c)
		return c;
	return la < lb ? -1 : la > lb;
}

static int cmp_qsort(const void *a, const void *b)
{
	return cmp_full(a, b);
}

status sorter_new(sorter **out, const sorter_opts *opts)
{
	*out = NULL;
	sorter *s = mem_calloc(1, sizeof *s);
	if (!s)
		return status_fail(ST_NOMEM, "out of memory creating the sorter");
	s->opts = *opts;
	*out = s;
	return ST_OK;
}

status sorter_add(sorter *s, const void *key, size_t key_len,
		  const void *payload, size_t payload_len)
{
	const size_t need = 8 + key_len + payload_len;
	if (!s->blocks || s->blocks->cap - s->blocks->used < need) {
		const size_t cap = need > BLOCK_BYTES ? need : BLOCK_BYTES;
		block *b = mem_alloc(sizeof *b + cap);
		if (!b)
			return status_fail(ST_NOMEM, "out of memory holding records to sort");
		b->next = s->blocks;
		b->used = 0;
		b->cap = cap;
		s->blocks = b;
	}
	if (s->n == s->cap) {
		const size_t cap = s->cap ? s->cap * 2 : 4096;
		entry *idx = mem_realloc(s->idx, cap * sizeof *idx);
		if (!idx)
			return status_fail(ST_NOMEM, "out of memory holding records to sort");
		s->idx = idx;
		s->cap = cap;
	}
	uint8_t *rec = s->blocks->data + s->blocks->used;
	const uint32_t kl = (uint32_t)key_len, pl = (uint32_t)payload_len;
	memcpy(rec, &kl, 4);
	memcpy(rec + 4, &pl, 4);
	memcpy(rec + 8, key, key_len);
	if (payload_len)
		memcpy(rec + 8 + key_len, payload, payload_len);
	s->blocks->used += (need + 7) & ~(size_t)7;
	if (s->blocks->used > s->blocks->cap)
		s->blocks->used = s->blocks->cap;
	s->idx[s->n].prefix = key_prefix(key, key_len);
	s->idx[s->n].rec = rec;
	s->n++;
	return ST_OK;
}

/* LSD radix sort of idx by prefix; tmp has room for n entries. */
static void radix_prefix(entry *idx, entry *tmp, size_t n)
{
	uint64_t same = ~(uint64_t)0;  /* bits equal in every prefix */
	for (size_t i = 1; i < n; i++)
		same &= ~(idx[i].prefix ^ idx[0].prefix);
	entry *src = idx, *dst = tmp;
	for (int byte = 0; byte < 8; byte++) {
		const int shift = byte * 8;
		if (((same >> shift) & 0xFF) == 0xFF)
			continue;
		size_t count[256] = { 0 };
		for (size_t i = 0; i < n; i++)
			count[(src[i].prefix >> shift) & 0xFF]++;
		size_t sum = 0;
		for (int b = 0; b < 256; b++) {
			const size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i].prefix >> shift) & 0xFF]++] = src[i];
		entry *t = src;
		src = dst;
		dst = t;
	}
	if (src != idx)
		memcpy(idx, src, n * sizeof *idx);
}

static void sort_equal_prefixes(entry *idx, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i + 1;
		while (j < n && idx[j].prefix == idx[i].prefix)
			j++;
		const size_t m = j - i;
		if (m > 16) {
			qsort(idx + i, m, sizeof *idx, cmp_qsort);
		} else {
			for (size_t a = i + 1; a < j; a++) {
				const entry e = idx[a];
				size_t b = a;
				while (b > i && cmp_full(&idx[b - 1], &e) > 0) {
					idx[b] = idx[b - 1];
					b--;
				}
				idx[b] = e;
			}
		}
		i = j;
	}
}

status sorter_finish(sorter *s)
{
	if (s->n > 1) {
		entry *tmp = mem_alloc(s->n * sizeof *tmp);
		if (!tmp)
			return status_fail(ST_NOMEM, "out of memory sorting records");
		radix_prefix(s->idx, tmp, s->n);
		mem_free(tmp);
		sort_equal_prefixes(s->idx, s->n);
	}
	s->finished = 1;
	s->pos = 0;
	return ST_OK;
}

status sorter_next(sorter *s, sorter_item *item)
{
	if (!s->finished || s->pos == s->n)
		return ST_EOF;
	const uint8_t *rec = s->idx[s->pos++].rec;
	item->key_len = rd32(rec);
	item->payload_len = rd32(rec + 4);
	item->key = rec + 8;
	item->payload = rec + 8 + item->key_len;
	return ST_OK;
}

void sorter_stats_get(const sorter *s, sorter_stats *st)
{
	memset(st, 0, sizeof *st);
	st->n_records = s->n;
}

void sorter_free(sorter *s)
{
	if (!s)
		return;
	block *b = s->blocks;
	while (b) {
		block *next = b->next;
		mem_free(b);
		b = next;
	}
	mem_free(s->idx);
	mem_free(s);
}
