/*
 * test_runfile.c: the sorter's spill runs (runfile.h).  What a run gives
 * back is exactly what was put in, in order, and a run file that was cut
 * short or damaged is reported as such (an error status), never read as
 * fewer or different records: a merge that took a damaged run for data
 * would print, box and bill the wrong sets without a word.
 *
 * - Records of every size, one larger than a block, an empty run.
 * - Cut at every block boundary (where a run without an end would look
 *   whole), inside block headers, inside frames, one byte short.
 * - One byte changed anywhere in a small run, and at many places in a
 *   large one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <zstd.h>

#include "../base/mem.h"
#include "../sorter/runfile.h"

static char dir[256];
static char path[300], copy_path[300];
static ZSTD_CCtx *cctx;
static ZSTD_DCtx *dctx;

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/ssrfill-test-runfile.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/run", dir);
	snprintf(copy_path, sizeof copy_path, "%s/copy", dir);
	cctx = ZSTD_createCCtx();
	dctx = ZSTD_createDCtx();
	return cctx && dctx ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	unlink(copy_path);
	ZSTD_freeCCtx(cctx);
	ZSTD_freeDCtx(dctx);
	return rmdir(dir);
}

/* Record i: a print-key-like key and a payload of i-dependent length. */
static size_t make_key(size_t i, uint8_t *key)
{
	return (size_t)snprintf((char *)key, 64, "\x01%07zu%07zuSMITH\x01JOHN%zu", 1964733 + i / 500, i / 50, i);
}

static size_t make_payload(size_t i, uint8_t *p, size_t cap)
{
	size_t n = (i * 37) % 400;
	if (i == 7)
		n = 3 * RUNFILE_BLOCK;   /* larger than a block: a block of its own */
	if (n > cap)
		n = cap;
	uint64_t x = i * 0x9E3779B97F4A7C15ull + 1;
	for (size_t k = 0; k < n; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* mostly text, some noise: blocks that compress, but not to nothing */
		p[k] = (uint8_t)(k % 8 ? 'a' + x % 4 : x);
	}
	return n;
}

static uint8_t payload_buf[3 * RUNFILE_BLOCK + 1];
static uint8_t expect_buf[3 * RUNFILE_BLOCK + 1];

static void write_run(const char *p, size_t n)
{
	runfile_writer *w;
	unlink(p);   /* left by a failed test: runs are created exclusively */
	assert_int_equal(runfile_writer_open(&w, p, cctx), ST_OK);
	for (size_t i = 0; i < n; i++) {
		uint8_t key[64];
		const size_t kl = make_key(i, key);
		const size_t pl = make_payload(i, payload_buf, sizeof payload_buf);
		assert_int_equal(runfile_put(w, key, kl, payload_buf, pl), ST_OK);
	}
	assert_int_equal(runfile_writer_close(w), ST_OK);
}

/* Read a run; -1 when the reader reported an error, else how many records
 * it gave back, each checked to be record i exactly (a record that differs
 * is a failure of the test: damage read as data). */
static long read_run(const char *p, size_t n_written, int damaged)
{
	runfile_reader *r;
	assert_int_equal(runfile_reader_open(&r, p, dctx), ST_OK);
	long n = 0;
	status st;
	runfile_rec rec;
	while ((st = runfile_next(r, &rec)) == ST_OK) {
		uint8_t key[64];
		const size_t kl = make_key((size_t)n, key);
		const size_t pl = make_payload((size_t)n, expect_buf, sizeof expect_buf);
		if ((size_t)n >= n_written || rec.key_len != kl || memcmp(rec.key, key, kl) != 0 ||
		    rec.payload_len != pl || (pl && memcmp(rec.payload, expect_buf, pl) != 0)) {
			runfile_reader_free(r);
			fail_msg("%s record %ld read back different from what was written",
				 damaged ? "a damaged run's" : "a run's", n);
		}
		n++;
	}
	runfile_reader_free(r);
	if (st != ST_EOF) {
		assert_int_equal(st, ST_IO);
		return -1;
	}
	return n;
}

static unsigned char *load(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *b = malloc(*n ? *n : 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, *n, f), *n);
	fclose(f);
	return b;
}

static void store(const char *p, const unsigned char *b, size_t n)
{
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void round_trip(void **state)
{
	(void)state;
	const size_t n = 3000;   /* several blocks and one oversized record */
	write_run(path, n);
	assert_int_equal(read_run(path, n, 0), (long)n);
	/* spill files hold student data: never readable by others */
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0);
	unlink(path);
}

static void empty_run(void **state)
{
	(void)state;
	write_run(path, 0);
	assert_int_equal(read_run(path, 0, 0), 0);
	unlink(path);
}

/* The offsets where blocks start, walking the block headers of a good run:
 * [u32 raw_len][u32 compressed_len][frame], up to the end marker (two zero
 * lengths) or the end of the file, whichever the run has. */
static size_t block_starts(const unsigned char *b, size_t n, size_t *at, size_t cap)
{
	size_t k = 0, pos = 0;
	while (pos + 8 <= n && k < cap) {
		uint32_t len[2];
		memcpy(len, b + pos, 8);
		if (len[0] == 0 && len[1] == 0)
			break;
		at[k++] = pos;
		pos += 8 + len[1];
	}
	return k;
}

/* A run cut anywhere is an error, not a shorter run: at each block
 * boundary, inside each block header, inside each frame, one byte short
 * of the end, and cut to nothing. */
static void truncated_run_detected(void **state)
{
	(void)state;
	const size_t n = 3000;
	write_run(path, n);
	size_t len;
	unsigned char *b = load(path, &len);
	size_t at[64];
	const size_t blocks = block_starts(b, len, at, 64);
	assert_true(blocks >= 3);
	size_t cuts[64 * 6 + 3], n_cuts = 0;
	for (size_t i = 0; i < blocks; i++) {
		uint32_t clen;
		memcpy(&clen, b + at[i] + 4, 4);
		if (at[i] > 0)
			cuts[n_cuts++] = at[i];            /* a whole number of blocks */
		cuts[n_cuts++] = at[i] + 4;                /* inside the header */
		cuts[n_cuts++] = at[i] + 8;                /* header, no frame */
		cuts[n_cuts++] = at[i] + 8 + clen / 2;     /* half a frame */
		cuts[n_cuts++] = at[i] + 8 + clen - 1;     /* a frame one byte short */
	}
	uint32_t last_clen;
	memcpy(&last_clen, b + at[blocks - 1] + 4, 4);
	cuts[n_cuts++] = at[blocks - 1] + 8 + last_clen;   /* every block, nothing after */
	cuts[n_cuts++] = len - 1;
	cuts[n_cuts++] = 0;
	for (size_t c = 0; c < n_cuts; c++) {
		store(copy_path, b, cuts[c]);
		const long got = read_run(copy_path, n, 1);
		if (got >= 0)
			fail_msg("a run of %zu bytes cut to %zu bytes read as %ld whole records of %zu",
				 len, cuts[c], got, n);
	}
	free(b);
	unlink(path);
	unlink(copy_path);
}

/* One byte changed anywhere in a small run (one block): an error, or (if
 * the byte did not matter) every record exactly as written. */
static void every_byte_of_a_small_run(void **state)
{
	(void)state;
	const size_t n = 6;
	write_run(path, n);
	size_t len;
	unsigned char *b = load(path, &len);
	unsigned char *d = malloc(len);
	assert_non_null(d);
	for (size_t i = 0; i < len; i++) {
		static const unsigned char flips[] = { 0x01, 0x80, 0xFF };
		for (size_t f = 0; f < sizeof flips; f++) {
			memcpy(d, b, len);
			d[i] ^= flips[f];
			store(copy_path, d, len);
			const long got = read_run(copy_path, n, 1);
			if (got >= 0 && got != (long)n)
				fail_msg("byte %zu of %zu changed: read as %ld records of %zu", i, len, got, n);
		}
	}
	free(d);
	free(b);
	unlink(path);
	unlink(copy_path);
}

/* A large run: a byte changed at many places across its blocks. */
static void bytes_across_a_large_run(void **state)
{
	(void)state;
	const size_t n = 3000;
	write_run(path, n);
	size_t len;
	unsigned char *b = load(path, &len);
	unsigned char *d = malloc(len);
	assert_non_null(d);
	for (size_t i = 0; i < len; i += len / 97 + 1) {
		memcpy(d, b, len);
		d[i] ^= 0x10;
		store(copy_path, d, len);
		const long got = read_run(copy_path, n, 1);
		if (got >= 0 && got != (long)n)
			fail_msg("byte %zu of %zu changed: read as %ld records of %zu", i, len, got, n);
	}
	free(d);
	free(b);
	unlink(path);
	unlink(copy_path);
}

/* Bytes after the end marker: not a run ssrfill wrote. */
static void bytes_after_the_end(void **state)
{
	(void)state;
	const size_t n = 20;
	write_run(path, n);
	size_t len;
	unsigned char *b = load(path, &len);
	unsigned char *d = malloc(len + 8);
	assert_non_null(d);
	memcpy(d, b, len);
	memcpy(d + len, b, 8);   /* a block header, say, from a second run */
	for (size_t extra = 1; extra <= 8; extra++) {
		store(copy_path, d, len + extra);
		assert_int_equal(read_run(copy_path, n, 1), -1);
	}
	free(d);
	free(b);
	unlink(path);
	unlink(copy_path);
}

/* A block length changed to ~2 GB: refused before the reader allocates
 * for it, so a damaged run cannot exhaust memory before it is found. */
static void huge_length_not_allocated(void **state)
{
	(void)state;
	const size_t n = 20;
	write_run(path, n);
	size_t len;
	unsigned char *b = load(path, &len);
	static const char *const what[] = { "raw", "compressed", "raw and compressed" };
	for (int field = 0; field < 3; field++) {
		unsigned char *d = malloc(len);
		assert_non_null(d);
		memcpy(d, b, len);
		const uint32_t huge = 0x7FFFFFF0u;
		if (field != 1)
			memcpy(d, &huge, 4);
		if (field != 0)
			memcpy(d + 4, &huge, 4);
		store(copy_path, d, len);
		assert_int_equal(read_run(copy_path, n, 1), -1);
		if (mem_peak() > (64u << 20))
			fail_msg("a damaged %s length made the reader allocate %zu bytes",
				 what[field], mem_peak());
		free(d);
	}
	free(b);
	unlink(path);
	unlink(copy_path);
}

/* Write a run by hand: one block whose raw bytes are given, in a valid
 * frame with its checksum, then the end marker. */
static void write_block_by_hand(const char *p, const void *raw, size_t n)
{
	const size_t cap = ZSTD_compressBound(n);
	uint8_t *frame = malloc(cap);
	assert_non_null(frame);
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)));
	const size_t c = ZSTD_compress2(cctx, frame, cap, raw, n);
	assert_false(ZSTD_isError(c));
	const uint32_t hdr[2] = { (uint32_t)n, (uint32_t)c }, end[2] = { 0, 0 };
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(hdr, 1, 8, f), 8);
	assert_int_equal(fwrite(frame, 1, c, f), c);
	assert_int_equal(fwrite(end, 1, 8, f), 8);
	assert_int_equal(fclose(f), 0);
	free(frame);
}

/* A block that decompresses (the frame is sound) but whose records do
 * not add up: a key or payload past the block's end, a record header cut
 * in two.  An error, not a record made of whatever follows. */
static void records_that_overrun_their_block(void **state)
{
	(void)state;
	uint8_t raw[64];
	const uint32_t good[2] = { 3, 2 };
	memcpy(raw, good, 8);
	memcpy(raw + 8, "keyPL", 5);
	const struct {
		uint32_t klen, plen;
		size_t tail;
	} bad[] = {
		{ 40, 0, 10 },            /* key past the end */
		{ 3, 40, 10 },            /* payload past the end */
		{ UINT32_MAX, 2, 10 },    /* a sum that would wrap 32 bits */
		{ 0, 0, 3 },              /* 3 bytes: not even a record header */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const uint32_t h[2] = { bad[i].klen, bad[i].plen };
		memcpy(raw + 13, h, 8);
		memset(raw + 21, 'x', 16);
		write_block_by_hand(copy_path, raw, bad[i].tail == 3 ? 13 + 3 : 13 + 8 + bad[i].tail);
		runfile_reader *r;
		assert_int_equal(runfile_reader_open(&r, copy_path, dctx), ST_OK);
		runfile_rec rec;
		assert_int_equal(runfile_next(r, &rec), ST_OK);   /* the good record */
		assert_int_equal(rec.key_len, 3);
		assert_memory_equal(rec.key, "key", 3);
		assert_int_equal(runfile_next(r, &rec), ST_IO);
		runfile_reader_free(r);
	}
	unlink(copy_path);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(empty_run),
		cmocka_unit_test(truncated_run_detected),
		cmocka_unit_test(every_byte_of_a_small_run),
		cmocka_unit_test(bytes_across_a_large_run),
		cmocka_unit_test(bytes_after_the_end),
		cmocka_unit_test(huge_length_not_allocated),
		cmocka_unit_test(records_that_overrun_their_block),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
