/*
 * mem.h: every allocation of ssrfill goes through here, so the bytes in use
 * can be counted against the --memory budget and an allocation failure can
 * be injected in tests (fault.h: fault_set_op(FAULT_ALLOC, n) fails the
 * n-th allocation from now).
 *
 * mem_alloc/mem_realloc return NULL on failure (they never exit); callers
 * turn that into ST_NOMEM.  mem_free(NULL) is a no-op.
 */
#ifndef SSRFILL_MEM_H
#define SSRFILL_MEM_H

#include <stddef.h>

void *mem_alloc(size_t n_bytes);
void *mem_calloc(size_t n, size_t size);
void *mem_realloc(void *p, size_t n_bytes);
char *mem_strndup(const char *s, size_t n);
void mem_free(void *p);

/* Give the pages of freed memory back to the system now.  The allocator
 * keeps them for a while to reuse (jemalloc's decay, glibc's top pad),
 * which is fast but makes the resident size exceed what is in use: a job
 * calls this between phases, where one phase's buffers are freed and the
 * next's are not yet taken, so --memory bounds the resident size too. */
void mem_release_free_pages(void);

/* The bytes an allocation of n takes, as mem_in_use() counts it: the
 * allocator rounds a request up to one of its size classes (jemalloc's are
 * a quarter of a power of two apart, so a 1 MiB block with a header takes
 * 1.25 MiB).  A caller that holds memory against the budget counts this,
 * and sizes its blocks to it. */
size_t mem_good_size(size_t n);

/* Bytes currently allocated through this module, and the high-water mark;
 * mem_reset_peak() starts the mark again from what is in use now. */
size_t mem_in_use(void);
size_t mem_peak(void);
void mem_reset_peak(void);

#endif
