/*
 * test_u64map.c: the small tables of a run (u64map.h) — per-school weights,
 * distribution counts, invoice quantities.  A count added to a key is
 * found again under that key and no other, through any number of table
 * growths; the sorted keys are every key once, ascending; an allocation
 * failure while growing loses nothing already counted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../base/fault.h"
#include "../base/mem.h"
#include "../base/u64map.h"

static void counts_by_key(void **state)
{
	(void)state;
	u64map *m;
	assert_int_equal(u64map_new(&m), ST_OK);
	assert_null(u64map_get(m, 0));
	assert_null(u64map_get(m, 42));
	uint64_t *v = u64map_slot(m, 42);
	assert_non_null(v);
	assert_int_equal(*v, 0);   /* new keys start at zero */
	*v += 5;
	*u64map_slot(m, 42) += 2;
	*u64map_slot(m, 0) += 1;                      /* 0 is a key like any other */
	*u64map_slot(m, UINT64_MAX - 1) += 9;
	assert_int_equal(*u64map_get(m, 42), 7);
	assert_int_equal(*u64map_get(m, 0), 1);
	assert_int_equal(*u64map_get(m, UINT64_MAX - 1), 9);
	assert_null(u64map_get(m, 43));
	u64map_free(m);
	u64map_free(NULL);
}

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Keys shaped like cmd_run's (lea << 3 | shipment << 1 | envelopes) and
 * scattered ones, many more than the first table holds. */
static void growth_keeps_every_count(void **state)
{
	(void)state;
	enum { N = 20000 };
	uint64_t *keys = malloc(N * sizeof *keys);
	assert_non_null(keys);
	uint64_t x = 12345;
	for (size_t i = 0; i < N; i++) {
		if (i % 2) {
			keys[i] = (uint64_t)(1000000 + i) << 3 | (i % 3) << 1 | (i % 2);
		} else {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			keys[i] = x >> 1;   /* never UINT64_MAX */
		}
	}
	u64map *m;
	assert_int_equal(u64map_new(&m), ST_OK);
	for (size_t i = 0; i < N; i++) {
		uint64_t *v = u64map_slot(m, keys[i]);
		assert_non_null(v);
		*v += i + 1;
	}
	for (size_t i = 0; i < N; i++) {
		const uint64_t *v = u64map_get(m, keys[i]);
		assert_non_null(v);
		assert_int_equal(*v, i + 1);
	}
	uint64_t *sorted;
	const long n = u64map_sorted_keys(m, &sorted);
	assert_int_equal(n, N);
	qsort(keys, N, sizeof *keys, cmp_u64);
	assert_memory_equal(sorted, keys, N * sizeof *keys);
	mem_free(sorted);
	u64map_free(m);
	free(keys);
}

static void sorted_keys_of_empty_map(void **state)
{
	(void)state;
	u64map *m;
	assert_int_equal(u64map_new(&m), ST_OK);
	uint64_t *k;
	assert_int_equal(u64map_sorted_keys(m, &k), 0);
	mem_free(k);
	*u64map_slot(m, 3) = 1;
	*u64map_slot(m, 1) = 1;
	*u64map_slot(m, 2) = 1;
	assert_int_equal(u64map_sorted_keys(m, &k), 3);
	assert_int_equal(k[0], 1);
	assert_int_equal(k[1], 2);
	assert_int_equal(k[2], 3);
	mem_free(k);
	u64map_free(m);
}

/* Fail either allocation of a growing table (keys, then values): the slot
 * is refused (NULL), and every count already in the map is still there and
 * still growable. */
static void fail_growth_at(unsigned long nth)
{
	u64map *m;
	assert_int_equal(u64map_new(&m), ST_OK);
	uint64_t key = 0;
	int refused = 0;
	for (; key < 1000 && !refused; key++) {
		fault_set_op(FAULT_ALLOC, nth);
		uint64_t *v = u64map_slot(m, key);
		fault_set_op(FAULT_ALLOC, 0);
		if (!v) {
			refused = 1;
			break;
		}
		*v = key + 100;
	}
	assert_true(refused);   /* some insert had to grow the table */
	for (uint64_t k = 0; k < key; k++) {
		const uint64_t *v = u64map_get(m, k);
		assert_non_null(v);
		assert_int_equal(*v, k + 100);
	}
	assert_null(u64map_get(m, key));
	/* and it grows once memory is back */
	for (uint64_t k = key; k < key + 1000; k++)
		*u64map_slot(m, k) = k + 100;
	for (uint64_t k = 0; k < key + 1000; k++)
		assert_int_equal(*u64map_get(m, k), k + 100);
	u64map_free(m);
}

static void allocation_failure_loses_nothing(void **state)
{
	(void)state;
	fail_growth_at(1);
	fail_growth_at(2);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_by_key),
		cmocka_unit_test(growth_keeps_every_count),
		cmocka_unit_test(sorted_keys_of_empty_map),
		cmocka_unit_test(allocation_failure_loses_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
