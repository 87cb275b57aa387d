/*
 * fuzz_students.c: libFuzzer target for the score reports ingest — the
 * bytes of one input are a whole --students file (plain or zstd: the
 * instream decides by the magic number, so the fuzzer reaches both).
 *
 * Per input, as `ssrfill sort` and `run` do it:
 *   student_reader_open(path, rejects on /dev/null)
 *   student_reader_next() until it returns anything but ST_OK, building
 *   the print-order key of every accepted row (without and with its
 *   shipment, as sort and run do)
 *   student_reader_free(), outstream_close(rejects)
 *
 * Besides what ASan, UBSan and LeakSanitizer catch, it checks (abort() on
 * failure, which libFuzzer saves as a crash):
 *   - rows == accepted + rejected and duplicates <= rejected (docs/rules.md §12,
 *     the reconciliation starts here);
 *   - an accepted row holds what the rules promise: codes in range, a
 *     report given in its grade, a key of the documented layout, and the
 *     shipment key is the shipment byte followed by the plain key;
 *   - the reader stops with ST_EOF, ST_BADINPUT (quote left open, record
 *     too long, bad zstd) and nothing else, and a failed open leaves *out
 *     NULL;
 *   - the rejects stream on /dev/null closes cleanly;
 *   - every byte counted by base/mem.c is given back (the --memory budget
 *     relies on the count);
 *   - a zstd input reads exactly as its content does (README: any input may
 *     be compressed): when the bytes are a valid zstd stream of at most
 *     16 MiB, the content is ingested too and the statuses, the counts and
 *     a digest of every accepted row (line, raw bytes, key) must match.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../engine/collate.h"
#include "../../base/bytebuf.h"
#include "../../base/mem.h"
#include "../../engine/student.h"
#include "../../io/outstream.h"
#include "../../readers/student_reader.h"
#include "fuzz_common.h"

static fuzz_file input, content;
static collator *coll;  /* opened once: the fuzzer runs millions of inputs */

static void check_row(const student *s, const csv_record *rec, bytebuf *key, bytebuf *skey)
{
	fuzz_check(s->ssid <= 9999999999ull, "ssid %llu", (unsigned long long)s->ssid);
	fuzz_check(s->lea <= 9999999u && s->school <= 9999999u, "lea/school out of range");
	fuzz_check(s->grade < GRADE_COUNT && s->report < REPORT_COUNT, "grade %u report %u",
		   s->grade, s->report);
	fuzz_check(report_table[s->report].grades & (1u << s->grade),
		   "report %s accepted in grade %s", report_table[s->report].code,
		   grade_name[s->grade]);
	fuzz_check(s->ssr_language <= LANG_NONE && s->paper_ssr <= 1, "language/paper");
	fuzz_check(rec->raw_len > 0 && rec->line > 1, "record line %llu raw_len %zu",
		   (unsigned long long)rec->line, rec->raw_len);

	/* the fast path keys a name as ICU does */
	bytebuf fast, ref;
	bytebuf_init(&fast);
	bytebuf_init(&ref);
	for (int c = 0; c < 2; c++) {
		const int col = c ? COL_FIRST_NAME : COL_LAST_NAME;
		fast.len = ref.len = 0;
		collate_name(coll, s->f[col], s->len[col], &fast);
		collate_name_icu(coll, s->f[col], s->len[col], &ref);
		fuzz_check(!fast.oom && !ref.oom && fast.len == ref.len &&
			   (fast.len == 0 || memcmp(fast.p, ref.p, fast.len) == 0),
			   "column %d: the fast key is not ICU's", col);
	}
	bytebuf_release(&fast);
	bytebuf_release(&ref);

	key->len = 0;
	student_key(s, -1, coll, key);
	fuzz_check(!key->oom, "key out of memory");
	/* lea 3 + school 3 + grade 1 + name + 0 + name + 0 + ssid 5 + report 1 */
	fuzz_check(key->len >= 15, "key of %zu bytes", key->len);
	fuzz_check(key->p[key->len - 1] == s->report, "last key byte is not the report");
	fuzz_check(memchr(key->p + 7, 0, key->len - 7 - 6) != NULL, "no name terminator");

	const int ship = report_table[s->report].shipment;
	skey->len = 0;
	student_key(s, ship, coll, skey);
	fuzz_check(!skey->oom, "key out of memory");
	fuzz_check(skey->len == key->len + 1 && skey->p[0] == ship &&
		   memcmp(skey->p + 1, key->p, key->len) == 0,
		   "shipment key is not the shipment byte and the plain key");
}

/* What one ingest saw, for comparing a compressed input with its content. */
typedef struct outcome {
	status open_st, end_st;
	student_counts counts;
	uint64_t digest;     /* FNV-1a over every accepted row's line, raw bytes and key */
} outcome;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* The whole students ingest of the file at path, every invariant checked. */
static void ingest(const char *path, outcome *out)
{
	memset(out, 0, sizeof *out);
	out->digest = 0xcbf29ce484222325ull;
	outstream *rejects = NULL;
	fuzz_check(outstream_open(&rejects, "/dev/null", 0) == ST_OK, "%s",
		   status_detail(ST_IO));

	static max_align_t sentinel;
	student_reader *r = (student_reader *)(void *)&sentinel;   /* open must reset it */
	status st = student_reader_open(&r, path, rejects);
	out->open_st = st;
	if (st != ST_OK) {
		fuzz_check(r == NULL, "failed open left a reader behind");
		fuzz_check(st == ST_BADINPUT, "open: status %d: %s", st, status_detail(st));
	} else {
		bytebuf key, skey;
		bytebuf_init(&key);
		bytebuf_init(&skey);
		student s;
		const csv_record *rec = NULL;
		uint64_t n_ok = 0;
		while ((st = student_reader_next(r, &s, &rec)) == ST_OK) {
			check_row(&s, rec, &key, &skey);
			out->digest = fnv(out->digest, &rec->line, sizeof rec->line);
			out->digest = fnv(out->digest, rec->raw, rec->raw_len);
			out->digest = fnv(out->digest, skey.p, skey.len);
			n_ok++;
		}
		out->end_st = st;
		fuzz_check(st == ST_EOF || st == ST_BADINPUT, "next: status %d: %s", st,
			   status_detail(st));

		student_counts c;
		student_reader_counts(r, &c);
		out->counts = c;
		fuzz_check(c.rows == c.accepted + c.rejected,
			   "rows %llu != accepted %llu + rejected %llu",
			   (unsigned long long)c.rows, (unsigned long long)c.accepted,
			   (unsigned long long)c.rejected);
		fuzz_check(c.duplicates <= c.rejected, "duplicates %llu > rejected %llu",
			   (unsigned long long)c.duplicates, (unsigned long long)c.rejected);
		fuzz_check(c.accepted == n_ok, "accepted %llu, rows handed out %llu",
			   (unsigned long long)c.accepted, (unsigned long long)n_ok);
		if (st == ST_EOF)
			fuzz_check(student_reader_memory(r) == 0,
				   "duplicate set still held at EOF");
		bytebuf_release(&key);
		bytebuf_release(&skey);
		student_reader_free(r);
	}
	st = outstream_close(rejects);
	fuzz_check(st == ST_OK, "closing the rejects on /dev/null: %s", status_detail(st));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_file_init(&input, "students.csv");
	fuzz_file_set(&input, data, size);
	if (!coll && collator_new(&coll) != ST_OK)
		fuzz_check(0, "cannot open the collation: %s", status_detail(ST_INTERNAL));
	status_clear();
	const size_t mem_before = mem_in_use();

	outcome a;
	ingest(input.path, &a);

	/* A compressed input must read exactly as its content does. */
	uint8_t *plain;
	size_t plain_len;
	if (fuzz_zstd_content(data, size, 16u << 20, &plain, &plain_len)) {
		fuzz_file_init(&content, "students-content.csv");
		fuzz_file_set(&content, plain, plain_len);
		free(plain);
		status_clear();
		outcome b;
		ingest(content.path, &b);
		fuzz_check(a.open_st == b.open_st && a.end_st == b.end_st,
			   "zstd input: open %d end %d; its content: open %d end %d",
			   a.open_st, a.end_st, b.open_st, b.end_st);
		fuzz_check(memcmp(&a.counts, &b.counts, sizeof a.counts) == 0 && a.digest == b.digest,
			   "zstd input: %llu rows, %llu accepted; its content: %llu rows, %llu accepted, "
			   "or the same counts with other rows",
			   (unsigned long long)a.counts.rows, (unsigned long long)a.counts.accepted,
			   (unsigned long long)b.counts.rows, (unsigned long long)b.counts.accepted);
	}

	fuzz_check(mem_in_use() == mem_before, "mem_in_use %zu after, %zu before",
		   mem_in_use(), mem_before);
	status_clear();
	return 0;
}
