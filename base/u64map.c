/*
 * u64map.c: open addressing with linear probing over a power-of-two table
 * kept at most half full (see u64map.h).  UINT64_MAX marks an empty slot.
 */
#include "u64map.h"

#include <stdlib.h>
#include <string.h>

#include "mem.h"

#define EMPTY UINT64_MAX

struct u64map {
	uint64_t *key;
	uint64_t *val;
	size_t mask, n;
};

static size_t hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return (size_t)x;
}

static int alloc_table(u64map *m, size_t mask)
{
	m->key = mem_alloc((mask + 1) * sizeof *m->key);
	m->val = mem_calloc(mask + 1, sizeof *m->val);
	if (!m->key || !m->val) {
		mem_free(m->key);
		mem_free(m->val);
		return -1;
	}
	memset(m->key, 0xFF, (mask + 1) * sizeof *m->key);
	m->mask = mask;
	return 0;
}

status u64map_new(u64map **out)
{
	*out = NULL;
	u64map *m = mem_calloc(1, sizeof *m);
	if (!m || alloc_table(m, 63) != 0) {
		mem_free(m);
		return status_fail(ST_NOMEM, "out of memory for a table");
	}
	*out = m;
	return ST_OK;
}

static size_t probe(const u64map *m, uint64_t key)
{
	size_t i = hash(key) & m->mask;
	while (m->key[i] != EMPTY && m->key[i] != key)
		i = (i + 1) & m->mask;
	return i;
}

uint64_t *u64map_slot(u64map *m, uint64_t key)
{
	size_t i = probe(m, key);
	if (m->key[i] == key)
		return &m->val[i];
	if (2 * (m->n + 1) > m->mask + 1) {
		u64map old = *m;
		if (alloc_table(m, old.mask * 2 + 1) != 0) {
			*m = old;
			return NULL;
		}
		for (size_t k = 0; k <= old.mask; k++) {
			if (old.key[k] == EMPTY)
				continue;
			const size_t j = probe(m, old.key[k]);
			m->key[j] = old.key[k];
			m->val[j] = old.val[k];
		}
		mem_free(old.key);
		mem_free(old.val);
		i = probe(m, key);
	}
	m->key[i] = key;
	m->val[i] = 0;
	m->n++;
	return &m->val[i];
}

void u64map_prefetch(const u64map *m, uint64_t key)
{
	if (m->key) {
		const size_t i = hash(key) & m->mask;
		__builtin_prefetch(&m->key[i]);
		__builtin_prefetch(&m->val[i]);
	}
}

const uint64_t *u64map_get(const u64map *m, uint64_t key)
{
	const size_t i = probe(m, key);
	return m->key[i] == key ? &m->val[i] : NULL;
}

uint64_t *u64map_at(u64map *m, uint64_t key)
{
	const size_t i = probe(m, key);
	return m->key[i] == key ? &m->val[i] : NULL;
}

size_t u64map_bytes(const u64map *m)
{
	return sizeof *m + (m->key ? (m->mask + 1) * (sizeof *m->key + sizeof *m->val) : 0);
}

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

long u64map_sorted_keys(const u64map *m, uint64_t **keys)
{
	*keys = mem_alloc((m->n ? m->n : 1) * sizeof **keys);
	if (!*keys)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i <= m->mask; i++)
		if (m->key[i] != EMPTY)
			(*keys)[k++] = m->key[i];
	qsort(*keys, k, sizeof **keys, cmp_u64);
	return (long)k;
}

void u64map_free(u64map *m)
{
	if (!m)
		return;
	mem_free(m->key);
	mem_free(m->val);
	mem_free(m);
}
