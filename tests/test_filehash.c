/*
 * test_filehash.c: unit tests of io/filehash.h, an input's SHA-256 and
 * size computed on a thread of its own.
 *
 * - Known digests (FIPS 180-2's "abc", the empty file) and a 5 MiB file
 *   of pseudo-random bytes, not a multiple of the read size, against
 *   what `sha256sum` prints for it; on the thread and inline.
 * - Standard input, a FIFO and a directory are not read (a FIFO's bytes
 *   are the parser's): ST_OK with hashed 0, and start does not wait for
 *   a FIFO's writer.
 * - A missing file fails at start naming it; a read that fails (the fault
 *   seam) fails finish naming it; every allocation failing in turn leaves
 *   nothing allocated.
 * - filehash_free without finish, on a file still being hashed, returns
 *   and frees everything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/fault.h"
#include "../base/mem.h"
#include "../base/status.h"
#include "../io/filehash.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_filehash.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	status_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fault_set(0);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* dir/name, written with n bytes of p. */
static const char *make_file(const char *name, const void *p, size_t n)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void hex(const uint8_t sha[32], char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", sha[i]);
}

/* Hash path to the end (threaded or inline) and check it. */
static void expect_hash(const char *path, int threaded, const char *want_hex, uint64_t want_n)
{
	filehash *h = NULL;
	status s = threaded ? filehash_start(&h, path) : filehash_start_inline(&h, path);
	if (s != ST_OK)
		fail_msg("filehash_start %s: %s", path, status_detail(s));
	uint8_t sha[32];
	uint64_t n = 99;
	int hashed = -1;
	s = filehash_finish(h, sha, &n, &hashed);
	if (s != ST_OK)
		fail_msg("filehash_finish %s: %s", path, status_detail(s));
	char got[65];
	hex(sha, got);
	assert_int_equal(hashed, 1);
	assert_string_equal(got, want_hex);
	assert_int_equal(n, want_n);
	filehash_free(h);
}

static void known_vectors(void **state)
{
	(void)state;
	const size_t before = mem_in_use();
	const char *empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	const char *abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
	for (int threaded = 0; threaded <= 1; threaded++) {
		expect_hash(make_file("empty", "", 0), threaded, empty, 0);
		expect_hash(make_file("abc", "abc", 3), threaded, abc, 3);
	}
	assert_int_equal(mem_in_use(), before);
}

static void a_large_file_matches_sha256sum(void **state)
{
	(void)state;
	/* 5 MiB and 12345 bytes: many reads, the last one short */
	const size_t n = 5u * 1024 * 1024 + 12345;
	unsigned char *p = malloc(n);
	assert_non_null(p);
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		p[i] = (unsigned char)(x >> 24);
	}
	const char *path = make_file("large", p, n);
	free(p);

	char cmd[200], want[65] = "";
	snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%64s", want), 1);
	assert_int_equal(pclose(f), 0);
	assert_int_equal(strlen(want), 64);

	expect_hash(path, 1, want, n);
	expect_hash(path, 0, want, n);
}

/* finish gives ST_OK, hashed 0, no bytes and a zero digest. */
static void expect_not_hashed(const char *path)
{
	filehash *h = NULL;
	assert_int_equal(filehash_start(&h, path), ST_OK);
	uint8_t sha[32], zero[32] = { 0 };
	memset(sha, 0xff, sizeof sha);
	uint64_t n = 99;
	int hashed = -1;
	assert_int_equal(filehash_finish(h, sha, &n, &hashed), ST_OK);
	assert_int_equal(hashed, 0);
	assert_int_equal(n, 0);
	assert_memory_equal(sha, zero, 32);
	filehash_free(h);
}

static void stdin_a_fifo_or_a_directory_is_not_hashed(void **state)
{
	(void)state;
	expect_not_hashed("-");
	char fifo[128];
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	expect_not_hashed(fifo);   /* no writer: start would block if it opened it */
	expect_not_hashed(dir);
	assert_false(status_has_detail());
}

static void a_missing_file_is_named(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof path, "%s/no-such-students.csv", dir);
	filehash *h = (filehash *)&h;
	assert_int_equal(filehash_start(&h, path), ST_IO);
	assert_null(h);
	const char *msg = status_detail(ST_IO);
	assert_non_null(strstr(msg, path));
	assert_non_null(strstr(msg, "No such file"));
}

static void a_read_error_fails_finish_naming_the_file(void **state)
{
	(void)state;
	const char *path = make_file("abc", "abc", 3);
	for (int threaded = 0; threaded <= 1; threaded++) {
		status_clear();
		filehash *h = NULL;
		fault_set_op(FAULT_READ, 1);
		status s = threaded ? filehash_start(&h, path) : filehash_start_inline(&h, path);
		assert_int_equal(s, ST_OK);
		uint8_t sha[32];
		uint64_t n;
		int hashed;
		assert_int_equal(filehash_finish(h, sha, &n, &hashed), ST_IO);
		assert_int_equal(hashed, 0);
		fault_set_op(FAULT_READ, 0);
		const char *msg = status_detail(ST_IO);
		assert_non_null(strstr(msg, path));
		assert_non_null(strstr(msg, "cannot read"));
		filehash_free(h);
	}
}

static void every_failing_allocation_or_open_leaves_nothing(void **state)
{
	(void)state;
	const char *path = make_file("abc", "abc", 3);
	const size_t before = mem_in_use();
	int failed = 0;
	for (unsigned long nth = 1; nth < 10; nth++) {
		status_clear();
		fault_set(nth);
		filehash *h = NULL;
		status s = filehash_start(&h, path);
		uint8_t sha[32];
		uint64_t n;
		int hashed;
		if (s == ST_OK)
			s = filehash_finish(h, sha, &n, &hashed);
		fault_set(0);
		filehash_free(h);
		if (s != ST_OK) {
			failed++;
			assert_true(s == ST_NOMEM || s == ST_IO);
			assert_non_null(strstr(status_detail(s), path));
		}
		assert_int_equal(mem_in_use(), before);
	}
	/* the handle, its path, the open, the buffer, the read of the three
	 * bytes and the read of the end */
	assert_int_equal(failed, 6);
}

static void free_without_finish_stops_the_thread(void **state)
{
	(void)state;
	const size_t n = 16u * 1024 * 1024;
	unsigned char *p = calloc(1, n);
	assert_non_null(p);
	const char *path = make_file("big", p, n);
	free(p);
	const size_t before = mem_in_use();
	for (int i = 0; i < 20; i++) {
		filehash *h = NULL;
		assert_int_equal(filehash_start(&h, path), ST_OK);
		filehash_free(h);
	}
	assert_int_equal(mem_in_use(), before);
	filehash_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(known_vectors),
		T(a_large_file_matches_sha256sum),
		T(stdin_a_fifo_or_a_directory_is_not_hashed),
		T(a_missing_file_is_named),
		T(a_read_error_fails_finish_naming_the_file),
		T(every_failing_allocation_or_open_leaves_nothing),
		T(free_without_finish_stops_the_thread),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
