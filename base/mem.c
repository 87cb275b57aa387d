/*
 * mem.c: counted allocation (see mem.h).
 *
 * The size of a block is read back with malloc_usable_size(), which both
 * jemalloc (release builds) and glibc malloc (sanitizer builds) provide, so
 * callers need not carry sizes around.  Counters are atomics because the
 * sorter's worker threads allocate too.
 */
#include "mem.h"
#include "fault.h"

#include <malloc.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_size_t in_use;
static atomic_size_t peak;

static void count_add(size_t n)
{
	size_t now = atomic_fetch_add(&in_use, n) + n;
	size_t old = atomic_load(&peak);
	while (now > old && !atomic_compare_exchange_weak(&peak, &old, now))
		;
}

void *mem_alloc(size_t n_bytes)
{
	if (fault_hit(FAULT_ALLOC))
		return NULL;
	void *p = malloc(n_bytes ? n_bytes : 1);
	if (p)
		count_add(malloc_usable_size(p));
	return p;
}

void *mem_calloc(size_t n, size_t size)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	if (fault_hit(FAULT_ALLOC))
		return NULL;
	/* calloc, not malloc + memset: large blocks come as zero pages */
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p)
		count_add(malloc_usable_size(p));
	return p;
}

void *mem_realloc(void *p, size_t n_bytes)
{
	if (!p)
		return mem_alloc(n_bytes);
	if (fault_hit(FAULT_ALLOC))
		return NULL;
	size_t old = malloc_usable_size(p);
	void *q = realloc(p, n_bytes ? n_bytes : 1);
	if (!q)
		return NULL;
	atomic_fetch_sub(&in_use, old);
	count_add(malloc_usable_size(q));
	return q;
}

char *mem_strndup(const char *s, size_t n)
{
	char *d = mem_alloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

void mem_free(void *p)
{
	if (!p)
		return;
	atomic_fetch_sub(&in_use, malloc_usable_size(p));
	free(p);
}

/* jemalloc's control interface when it is the allocator (release builds);
 * a weak reference, NULL under libc malloc (sanitizer builds). */
extern int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)
	__attribute__((weak));

void mem_release_free_pages(void)
{
	if (mallctl) {
		/* every arena's dirty and muzzy pages: MALLCTL_ARENAS_ALL */
		mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
		return;
	}
	malloc_trim(0);
}

/* jemalloc's size of a request, under libc malloc (sanitizer builds) NULL:
 * glibc rounds to 16 bytes only */
extern size_t nallocx(size_t size, int flags) __attribute__((weak));

size_t mem_good_size(size_t n)
{
	if (nallocx)
		return nallocx(n ? n : 1, 0);
	return (n + 15) & ~(size_t)15;
}

size_t mem_in_use(void) { return atomic_load(&in_use); }
size_t mem_peak(void) { return atomic_load(&peak); }
void mem_reset_peak(void) { atomic_store(&peak, atomic_load(&in_use)); }
