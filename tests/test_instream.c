/*
 * test_instream.c: unit tests of io/instream.h, the one read call behind
 * plain files, zstd files and standard input.
 *
 * Each test writes its input to a temporary file (mkstemp in /tmp), opens it
 * with instream_open() and reads it back with instream_read(), checking what
 * a caller sees: the exact bytes, whether zstd was detected (by the magic
 * number, never by the name), the status at the end and the message a
 * failure leaves in status_detail().  The fixture owns every temporary file,
 * stream and buffer, so a failed assertion still cleans up in the teardown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zstd.h>

#include "../base/fault.h"
#include "../base/mem.h"
#include "../base/status.h"
#include "../io/instream.h"

struct fixture {
	char path[64];       /* the temporary input, "" when none */
	instream *in;
	unsigned char *data; /* the bytes the input should read back as */
	size_t data_len;
	unsigned char *file; /* the bytes written to the file */
	unsigned char *got;  /* what instream_read() gave */
	int saved_stdin;     /* -1 unless a test redirected fd 0 */
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	if (!fx)
		return -1;
	fx->saved_stdin = -1;
	status_clear();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	fault_set_op(FAULT_ALLOC, 0);
	instream_free(fx->in);
	if (fx->saved_stdin >= 0) {
		dup2(fx->saved_stdin, STDIN_FILENO);
		close(fx->saved_stdin);
	}
	if (fx->path[0])
		unlink(fx->path);
	free(fx->data);
	free(fx->file);
	free(fx->got);
	free(fx);
	return 0;
}

/* Write n bytes to a new temporary file whose name goes to fx->path. */
static void write_temp(struct fixture *fx, const void *bytes, size_t n)
{
	strcpy(fx->path, "/tmp/test_instream.XXXXXX");
	const int fd = mkstemp(fx->path);
	if (fd < 0) {
		fx->path[0] = '\0';
		fail_msg("mkstemp failed");
	}
	const unsigned char *p = bytes;
	while (n > 0) {
		const ssize_t w = write(fd, p, n);
		if (w <= 0) {
			close(fd);
			fail_msg("cannot write the temporary input %s", fx->path);
		}
		p += w;
		n -= (size_t)w;
	}
	assert_int_equal(close(fd), 0);
}

/* Deterministic text-like bytes, so zstd has something to compress but the
 * content is not trivially repetitive. */
static unsigned char *make_data(size_t n, unsigned seed)
{
	unsigned char *d = malloc(n ? n : 1);
	assert_non_null(d);
	uint32_t x = seed * 2654435761u + 1u;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		const unsigned r = (x >> 16) % 40u;
		d[i] = r < 26 ? (unsigned char)('a' + r) : r < 36 ? (unsigned char)('0' + r - 26)
			: r == 36 ? ',' : r == 37 ? '"' : r == 38 ? '\n' : ' ';
	}
	return d;
}

/* zstd frame of src; the caller frees it. */
static unsigned char *zcompress(const void *src, size_t n, size_t *out_len)
{
	const size_t cap = ZSTD_compressBound(n);
	unsigned char *dst = malloc(cap);
	assert_non_null(dst);
	const size_t z = ZSTD_compress(dst, cap, src, n, 3);
	if (ZSTD_isError(z)) {
		free(dst);
		fail_msg("ZSTD_compress: %s", ZSTD_getErrorName(z));
	}
	*out_len = z;
	return dst;
}

/*
 * Read fx->in to its end in pieces of at most cap bytes into fx->got.
 * Returns the status that ended the reading (ST_OK at a clean end of input)
 * and the byte count in *n_got.  Fails the test if a read reports more bytes
 * than asked for or the stream never ends.
 */
static status read_all(struct fixture *fx, size_t cap, size_t limit, size_t *n_got)
{
	free(fx->got);
	fx->got = malloc(limit + cap);
	assert_non_null(fx->got);
	size_t total = 0;
	for (;;) {
		size_t n = (size_t)-1;
		const status st = instream_read(fx->in, fx->got + total, cap, &n);
		if (st != ST_OK) {
			*n_got = total;
			return st;
		}
		if (n > cap)
			fail_msg("instream_read gave %zu bytes into a buffer of %zu", n, cap);
		if (n == 0)
			break;
		total += n;
		if (total > limit)
			fail_msg("read %zu bytes, more than the %zu the input holds", total, limit);
	}
	*n_got = total;
	return ST_OK;
}

static void assert_reads_back(struct fixture *fx, size_t cap)
{
	size_t n = 0;
	const status st = read_all(fx, cap, fx->data_len, &n);
	if (st != ST_OK)
		fail_msg("reading %s in pieces of %zu: %s", instream_name(fx->in), cap, status_detail(st));
	if (n != fx->data_len)
		fail_msg("read %zu bytes in pieces of %zu, want %zu", n, cap, fx->data_len);
	if (memcmp(fx->got, fx->data, n) != 0) {
		size_t i = 0;
		while (fx->got[i] == fx->data[i])
			i++;
		fail_msg("pieces of %zu: byte %zu differs", cap, i);
	}
	/* The end of input stays the end of input. */
	size_t again = 1;
	assert_int_equal(instream_read(fx->in, fx->got, cap, &again), ST_OK);
	assert_int_equal(again, 0);
}

static void open_ok(struct fixture *fx)
{
	const status st = instream_open(&fx->in, fx->path);
	if (st != ST_OK)
		fail_msg("instream_open(%s): %s", fx->path, status_detail(st));
	assert_non_null(fx->in);
}

/* A plain file bigger than one raw block (256 KiB) reads back exactly,
 * whatever the size of the caller's buffer. */
static void plain_file_reads_back_exactly(void **state)
{
	struct fixture *fx = *state;
	fx->data_len = 700u * 1024u + 13u;
	fx->data = make_data(fx->data_len, 1);
	write_temp(fx, fx->data, fx->data_len);

	const size_t caps[] = { 1u << 20, 4093, 1 << 16, 7 };
	for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
		open_ok(fx);
		assert_int_equal(instream_is_zstd(fx->in), 0);
		assert_string_equal(instream_name(fx->in), fx->path);
		assert_reads_back(fx, caps[k]);
		instream_free(fx->in);
		fx->in = NULL;
	}
}

/* A file shorter than the 4-byte magic is plain text, read back as is. */
static void tiny_plain_file_reads_back(void **state)
{
	struct fixture *fx = *state;
	fx->data_len = 3;
	fx->data = (unsigned char *)strdup("a,b");
	assert_non_null(fx->data);
	write_temp(fx, fx->data, fx->data_len);
	open_ok(fx);
	assert_int_equal(instream_is_zstd(fx->in), 0);
	assert_reads_back(fx, 7);
}

/* A zstd file (several blocks) decompresses to exactly the original, in big
 * and in small pieces; detection is by magic number: the name has no .zst. */
static void zstd_file_reads_back_exactly(void **state)
{
	struct fixture *fx = *state;
	fx->data_len = 1300u * 1024u + 5u;
	fx->data = make_data(fx->data_len, 2);
	size_t z = 0;
	fx->file = zcompress(fx->data, fx->data_len, &z);
	assert_true(z < fx->data_len);
	write_temp(fx, fx->file, z);

	const size_t caps[] = { 1u << 20, 1000 };
	for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
		open_ok(fx);
		assert_int_equal(instream_is_zstd(fx->in), 1);
		assert_reads_back(fx, caps[k]);
		assert_int_equal(instream_raw_bytes(fx->in), z);
		instream_free(fx->in);
		fx->in = NULL;
	}
}

/* `zstd -c a b > f`: two frames back to back read as a then b. */
static void concatenated_zstd_frames_read_as_one(void **state)
{
	struct fixture *fx = *state;
	const size_t n1 = 300u * 1024u + 1u, n2 = 2000;
	fx->data_len = n1 + n2;
	fx->data = make_data(fx->data_len, 3);
	size_t z1 = 0, z2 = 0;
	unsigned char *f1 = zcompress(fx->data, n1, &z1);
	unsigned char *f2 = zcompress(fx->data + n1, n2, &z2);
	fx->file = malloc(z1 + z2);
	if (fx->file) {
		memcpy(fx->file, f1, z1);
		memcpy(fx->file + z1, f2, z2);
	}
	free(f1);
	free(f2);
	assert_non_null(fx->file);
	write_temp(fx, fx->file, z1 + z2);

	open_ok(fx);
	assert_int_equal(instream_is_zstd(fx->in), 1);
	assert_reads_back(fx, 64u * 1024u);
}

/* Drop the last few bytes of a zstd file: the reader must not pass the
 * truncation off as a clean end of input.  Whatever it hands out before the
 * error is a prefix of the original. */
static void check_truncated(struct fixture *fx, size_t n_data, size_t cut)
{
	fx->data_len = n_data;
	fx->data = make_data(fx->data_len, 4);
	size_t z = 0;
	fx->file = zcompress(fx->data, fx->data_len, &z);
	assert_true(z > cut + 8);
	write_temp(fx, fx->file, z - cut);

	open_ok(fx);
	assert_int_equal(instream_is_zstd(fx->in), 1);
	size_t n = 0;
	const status st = read_all(fx, 64u * 1024u, fx->data_len, &n);
	if (st == ST_OK)
		fail_msg("a zstd file cut by %zu bytes read as a clean end after %zu of %zu bytes",
			 cut, n, fx->data_len);
	assert_int_equal(st, ST_BADINPUT);
	const char *detail = status_detail(st);
	if (!strstr(detail, "cut short"))
		fail_msg("message does not say the stream is cut short: \"%s\"", detail);
	if (!strstr(detail, fx->path))
		fail_msg("message does not name the file %s: \"%s\"", fx->path, detail);
	assert_true(n < fx->data_len);
	assert_memory_equal(fx->got, fx->data, n);
}

static void truncated_zstd_is_cut_short(void **state)
{
	check_truncated(*state, 600u * 1024u, 3);
}

static void truncated_small_zstd_is_cut_short(void **state)
{
	check_truncated(*state, 5000, 5);
}

/* The magic followed by garbage is not a zstd stream: ST_BADINPUT naming the
 * file, not an empty or plain input. */
static void garbage_after_magic_is_bad_input(void **state)
{
	struct fixture *fx = *state;
	unsigned char bytes[68] = { 0x28, 0xB5, 0x2F, 0xFD };
	memset(bytes + 4, 0xFF, sizeof bytes - 4);
	write_temp(fx, bytes, sizeof bytes);

	open_ok(fx);
	assert_int_equal(instream_is_zstd(fx->in), 1);
	size_t n = 0;
	const status st = read_all(fx, 4096, sizeof bytes, &n);
	assert_int_equal(st, ST_BADINPUT);
	assert_int_equal(n, 0);
	const char *detail = status_detail(st);
	if (!strstr(detail, fx->path))
		fail_msg("message does not name the file %s: \"%s\"", fx->path, detail);
}

/* A valid frame followed by plain text is a corrupt file, not a clean end. */
static void text_after_zstd_frame_is_bad_input(void **state)
{
	struct fixture *fx = *state;
	fx->data_len = 1000;
	fx->data = make_data(fx->data_len, 5);
	size_t z = 0;
	unsigned char *f = zcompress(fx->data, fx->data_len, &z);
	static const char tail[] = "ssid,lea_code\n1234567890,0112345\n";
	fx->file = malloc(z + sizeof tail - 1);
	if (fx->file) {
		memcpy(fx->file, f, z);
		memcpy(fx->file + z, tail, sizeof tail - 1);
	}
	free(f);
	assert_non_null(fx->file);
	write_temp(fx, fx->file, z + sizeof tail - 1);

	open_ok(fx);
	size_t n = 0;
	const status st = read_all(fx, 4096, fx->data_len + sizeof tail, &n);
	assert_int_equal(st, ST_BADINPUT);
}

/* A file that is not there: ST_IO from open, no handle, and the message
 * names the path the operator gave. */
static void missing_file_is_io_error_naming_path(void **state)
{
	(void)state;
	const char *path = "/tmp/test_instream-no-such-dir/students.csv.zst";
	static char sentinel;
	instream *in = (instream *)(void *)&sentinel; /* open must reset it */
	const status st = instream_open(&in, path);
	assert_int_equal(st, ST_IO);
	assert_null(in);
	const char *detail = status_detail(st);
	if (!strstr(detail, path))
		fail_msg("message does not name %s: \"%s\"", path, detail);
}

/* An empty file is an empty plain input: 0 bytes, and 0 again. */
static void empty_file_reads_zero_bytes(void **state)
{
	struct fixture *fx = *state;
	write_temp(fx, "", 0);
	open_ok(fx);
	assert_int_equal(instream_is_zstd(fx->in), 0);
	unsigned char buf[16];
	for (int k = 0; k < 2; k++) {
		size_t n = 99;
		assert_int_equal(instream_read(fx->in, buf, sizeof buf, &n), ST_OK);
		assert_int_equal(n, 0);
	}
}

/* "-" reads standard input, here a pipe carrying a zstd stream; messages
 * call it "standard input". */
static void dash_reads_zstd_from_stdin_pipe(void **state)
{
	struct fixture *fx = *state;
	fx->data_len = 20000;
	fx->data = make_data(fx->data_len, 6);
	size_t z = 0;
	fx->file = zcompress(fx->data, fx->data_len, &z);
	assert_true(z < 60000); /* fits in the pipe buffer: no writer thread */

	int p[2];
	assert_int_equal(pipe(p), 0);
	const ssize_t w = write(p[1], fx->file, z);
	close(p[1]);
	if (w != (ssize_t)z) {
		close(p[0]);
		fail_msg("cannot fill the pipe");
	}
	fx->saved_stdin = dup(STDIN_FILENO);
	assert_true(fx->saved_stdin >= 0);
	assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
	close(p[0]);

	const status st = instream_open(&fx->in, "-");
	if (st != ST_OK)
		fail_msg("instream_open(-): %s", status_detail(st));
	assert_string_equal(instream_name(fx->in), "standard input");
	assert_int_equal(instream_is_zstd(fx->in), 1);
	assert_reads_back(fx, 4096);
}

/* A directory given as an input: ST_IO naming it, from open, not a crash or
 * an empty input. */
static void directory_is_io_error(void **state)
{
	(void)state;
	static char sentinel;
	instream *in = (instream *)(void *)&sentinel;
	const status st = instream_open(&in, "/tmp");
	assert_int_equal(st, ST_IO);
	assert_null(in);
	const char *detail = status_detail(st);
	if (!strstr(detail, "/tmp"))
		fail_msg("message does not name /tmp: \"%s\"", detail);
}

/* An allocation failing at each step of open: ST_NOMEM naming the file and
 * no handle, or a handle that reads the file back exactly.  Open makes a
 * fixed number of allocations, so the failures come first and the whole
 * reads after them; a whole read between two failures is a failed
 * allocation that open ignored. */
static void out_of_memory_on_open(void **state)
{
	struct fixture *fx = *state;
	fx->data_len = 1000;
	fx->data = make_data(fx->data_len, 7);
	write_temp(fx, fx->data, fx->data_len);
	unsigned long failed = 0, whole = 0, first_whole = 0;
	for (unsigned long nth = 1; nth <= 4; nth++) {
		status_clear();
		fault_set_op(FAULT_ALLOC, nth);
		const status st = instream_open(&fx->in, fx->path);
		fault_set_op(FAULT_ALLOC, 0);
		if (st != ST_OK) {
			if (st != ST_NOMEM)
				fail_msg("allocation %lu failing: %s, want %s", nth,
					 status_message(st), status_message(ST_NOMEM));
			if (whole)
				fail_msg("allocation %lu failing: ST_NOMEM after allocation %lu failing "
					 "read the file whole (a failure ignored)", nth, first_whole);
			assert_null(fx->in);
			const char *detail = status_detail(st);
			if (!strstr(detail, fx->path))
				fail_msg("allocation %lu failing: message does not name %s: \"%s\"",
					 nth, fx->path, detail);
			failed++;
			continue;
		}
		assert_reads_back(fx, 4096);
		instream_free(fx->in);
		fx->in = NULL;
		if (!whole++)
			first_whole = nth;
	}
	/* some allocations really failed, and the walk went past the last */
	assert_true(failed > 0);
	assert_true(whole > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(plain_file_reads_back_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(tiny_plain_file_reads_back, setup, teardown),
		cmocka_unit_test_setup_teardown(zstd_file_reads_back_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(concatenated_zstd_frames_read_as_one, setup, teardown),
		cmocka_unit_test_setup_teardown(truncated_zstd_is_cut_short, setup, teardown),
		cmocka_unit_test_setup_teardown(truncated_small_zstd_is_cut_short, setup, teardown),
		cmocka_unit_test_setup_teardown(garbage_after_magic_is_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(text_after_zstd_frame_is_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_file_is_io_error_naming_path, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_file_reads_zero_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(dash_reads_zstd_from_stdin_pipe, setup, teardown),
		cmocka_unit_test_setup_teardown(directory_is_io_error, setup, teardown),
		cmocka_unit_test_setup_teardown(out_of_memory_on_open, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
