/*
 * fuzz_orders.c: libFuzzer target for the orders path — the bytes of one
 * input are a whole --orders file, read as cli/cmd_run.c reads it:
 *
 *   csv_reader over the file; the first record is the header
 *   (orders_set_header; a malformed header record is unusable, as in run);
 *   orders_add() for every later record, with rec.malformed ? bad_column : 0,
 *   each rejected row written to a rejects stream on /dev/null;
 *   lookups; orders_free(), csv_reader_free().
 *
 * The configuration is config_defaults(), except that the first input byte
 * picks one of a few variants (a program not available, an early deadline)
 * so those rules are reached too; the byte stays part of the file.
 *
 * Lookups: orders_cover(), orders_letter_paper() and orders_of_lea() for
 * fixed codes and for every 7-digit run in the input (up to 32), which are
 * the LEA and school codes the rows could have named.  Checked (abort()):
 *   - rows == active + cancelled + rejected, warnings <= active;
 *   - every verdict is one of the three and a rejected row has a reason;
 *   - every active order orders_of_lea() lists is the one orders_cover()
 *     finds for its own (lea, school, program), and a covering order is
 *     for the LEA and program asked, for the school asked or LEA-wide;
 *   - the reader stops with ST_EOF or ST_BADINPUT;
 *   - every byte counted by base/mem.c is given back;
 *   - every record csv_reader gives (line, raw bytes, malformed and its
 *     column, fields) and how it ends (EOF, quote left open) match the
 *     reference reader of fuzz_csv_ref.h run over the file's content;
 *   - a zstd input reads exactly as its content does: when the bytes are a
 *     valid zstd stream of at most 16 MiB, the content is loaded too and
 *     the end status, the counts and a digest of every record's verdict,
 *     reason and warning must match (the config variant stays the one the
 *     compressed input's first byte picked).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../engine/config.h"
#include "../../base/mem.h"
#include "../../engine/orders.h"
#include "../../io/csv_reader.h"
#include "../../io/instream.h"
#include "../../io/outstream.h"
#include "../../io/rejects.h"
#include "fuzz_common.h"
#include "fuzz_csv_ref.h"

#define MAX_CODES 32
#define MAX_LIST 64

static fuzz_file input, content;

static void pick_config(config *c, const uint8_t *data, size_t size)
{
	config_defaults(c);
	switch (size ? data[0] % 8 : 0) {
	case 5:
		c->program[PROGRAM_ELPAC].available = 0;
		break;
	case 6:
		c->program[PROGRAM_CAASPP].available = 0;
		c->program[PROGRAM_CAASPP].cancel_deadline_mmdd = 101;
		break;
	case 7:
		c->program[PROGRAM_CAASPP].order_deadline_mmdd = 101;
		c->program[PROGRAM_ELPAC].cancel_deadline_mmdd = 1231;
		break;
	default:
		break;   /* mostly the defaults */
	}
}

/* Every run of exactly 7 ASCII digits in the input, distinct, at most cap. */
static size_t codes_in(const uint8_t *data, size_t size, uint32_t *codes, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < size && n < cap;) {
		if (data[i] < '0' || data[i] > '9') {
			i++;
			continue;
		}
		size_t k = i;
		uint32_t v = 0;
		for (; k < size && data[k] >= '0' && data[k] <= '9'; k++)
			if (k - i < 7)
				v = v * 10 + (uint32_t)(data[k] - '0');
		if (k - i == 7) {
			size_t j = 0;
			while (j < n && codes[j] != v)
				j++;
			if (j == n)
				codes[n++] = v;
		}
		i = k;
	}
	return n;
}

static void check_cover(const orders *o, uint32_t lea, uint32_t school)
{
	for (int p = 0; p < PROGRAM_COUNT; p++) {
		const order *c = orders_cover(o, lea, school, (enum program)p);
		if (!c)
			continue;
		fuzz_check(c->lea == lea && c->program == p &&
			   (c->school == school || c->school == ORDER_SCHOOL_NONE),
			   "cover(%u, %u, %d) gave the order of line %llu (%u, %u, %u)",
			   lea, school, p, (unsigned long long)c->line, c->lea, c->school,
			   c->program);
		fuzz_check(c->po_number != NULL, "order without a po_number string");
	}
}

static void check_lookups(const orders *o, const uint32_t *codes, size_t n_codes)
{
	for (size_t i = 0; i < n_codes; i++) {
		const uint32_t lea = codes[i];
		(void)orders_letter_paper(o, lea);
		check_cover(o, lea, ORDER_SCHOOL_NONE);
		for (size_t j = 0; j < n_codes && j < 8; j++)
			check_cover(o, lea, codes[j]);

		const order *list[MAX_LIST];
		const size_t n = orders_of_lea(o, lea, list, MAX_LIST);
		for (size_t k = 0; k < n && k < MAX_LIST; k++) {
			const order *a = list[k];
			fuzz_check(a->lea == lea, "orders_of_lea(%u) listed LEA %u", lea, a->lea);
			fuzz_check(k == 0 || list[k - 1]->line < a->line,
				   "orders_of_lea not in input order");
			fuzz_check(orders_cover(o, a->lea, a->school, (enum program)a->program) == a,
				   "active order of line %llu is not found by its own key",
				   (unsigned long long)a->line);
			if (a->letter_paper)
				fuzz_check(a->school == ORDER_SCHOOL_NONE && a->program == PROGRAM_CAASPP &&
					   orders_letter_paper(o, lea),
					   "letter paper on a school or ELPAC order");
		}
	}
}

/* What one load saw, for comparing a compressed input with its content. */
typedef struct outcome {
	status end_st;
	order_counts counts;
	uint64_t digest;     /* FNV-1a over every record's line, verdict, reason, warning */
} outcome;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* csv_reader's record st/rec against the reference reader's next one. */
static void ref_compare(ref_csv *ref, status st, const csv_record *rec)
{
	const int want = ref_csv_next(ref);
	if (st != ST_OK) {
		fuzz_check((st == ST_EOF && want == 0) || (st == ST_BADINPUT && want < 0),
			   "csv_reader ends with status %d, the reference with %d (line %llu)",
			   st, want, (unsigned long long)ref->line);
		return;
	}
	fuzz_check(want == 1, "csv_reader gives a record at line %llu, the reference %s",
		   (unsigned long long)rec->line, want == 0 ? "ends" : "finds a quote left open");
	fuzz_check(rec->line == ref->rec_line, "record line %llu, reference %llu",
		   (unsigned long long)rec->line, (unsigned long long)ref->rec_line);
	if (rec->over_limit == CSV_LIMIT_RECORD || rec->over_limit == CSV_LIMIT_COLUMNS) {
		/* no fields: the raw bytes (a prefix of a record over the limit) */
		fuzz_check(rec->over_limit == CSV_LIMIT_RECORD ? ref->len > CSV_MAX_RECORD_BYTES
			   : ref->len <= CSV_MAX_RECORD_BYTES && ref->n_fields > CSV_MAX_COLUMNS,
			   "line %llu: over limit %d, reference %zu bytes, %zu fields",
			   (unsigned long long)rec->line, (int)rec->over_limit, ref->len, ref->n_fields);
		fuzz_check(rec->raw_len <= ref->len && memcmp(rec->raw, ref->p + ref->start, rec->raw_len) == 0,
			   "line %llu: raw prefix differs from the reference", (unsigned long long)rec->line);
		return;
	}
	fuzz_check(rec->raw_len == ref->len && memcmp(rec->raw, ref->p + ref->start, ref->len) == 0,
		   "line %llu: raw record of %zu bytes, reference %zu",
		   (unsigned long long)rec->line, rec->raw_len, ref->len);
	fuzz_check(!rec->malformed == !ref->malformed,
		   "line %llu: malformed %d, reference %d", (unsigned long long)rec->line,
		   rec->malformed, ref->malformed);
	if (ref->malformed) {
		fuzz_check(rec->bad_column == ref->bad_column,
			   "line %llu: bad column %zu, reference %zu",
			   (unsigned long long)rec->line, rec->bad_column, ref->bad_column);
		return;
	}
	fuzz_check(rec->n_fields == ref->n_fields, "line %llu: %zu fields, reference %zu",
		   (unsigned long long)rec->line, rec->n_fields, ref->n_fields);
	for (size_t k = 0; k < rec->n_fields; k++)
		fuzz_check(rec->len[k] == ref->flen[k] && rec->field[k][rec->len[k]] == '\0' &&
			   memcmp(rec->field[k], ref->fbytes + ref->foff[k], rec->len[k]) == 0,
			   "line %llu: field %zu differs from the reference",
			   (unsigned long long)rec->line, k + 1);
}

/* The whole orders load of the file at path, every invariant checked;
 * with ref_bytes, every record is also checked against the reference
 * reader run over those bytes (the file's content). */
static void load(const char *path, const config *cfg, const uint8_t *data, size_t size,
		 const uint8_t *ref_bytes, size_t ref_len, outcome *out)
{
	ref_csv ref;
	if (ref_bytes)
		ref_csv_init(&ref, ref_bytes, ref_len);
	memset(out, 0, sizeof *out);
	out->digest = 0xcbf29ce484222325ull;
	outstream *rejects = NULL;
	fuzz_check(outstream_open(&rejects, "/dev/null", 0) == ST_OK, "%s",
		   status_detail(ST_IO));
	orders *o = NULL;
	fuzz_check(orders_new(&o, cfg) == ST_OK, "orders_new");

	instream *in = NULL;
	status st = instream_open(&in, path);
	fuzz_check(st == ST_OK, "instream_open: %s", status_detail(st));
	csv_reader *r = NULL;
	st = csv_reader_open(&r, in);     /* takes in */
	fuzz_check(st == ST_OK, "csv_reader_open: %s", status_detail(st));

	csv_record rec;
	st = csv_reader_next(r, &rec);
	if (ref_bytes)
		ref_compare(&ref, st, &rec);
	if (st == ST_OK) {
		char err[512];
		if (rec.malformed ||
		    orders_set_header(o, rec.field, rec.len, rec.n_fields, err, sizeof err) != 0)
			st = ST_BADINPUT;
	}
	uint64_t n_rows = 0;
	while (st == ST_OK) {
		st = csv_reader_next(r, &rec);
		if (ref_bytes)
			ref_compare(&ref, st, &rec);
		if (st != ST_OK)
			break;
		order_result res;
		st = orders_add(o, rec.field, rec.len, rec.n_fields, rec.line,
				rec.malformed ? (int)rec.bad_column : 0, &res);
		fuzz_check(st == ST_OK, "orders_add: status %d: %s", st, status_detail(st));
		n_rows++;
		fuzz_check(res.verdict == ORDER_ACTIVE || res.verdict == ORDER_CANCELLED ||
			   res.verdict == ORDER_REJECTED, "verdict %d", (int)res.verdict);
		fuzz_check(memchr(res.reason, 0, sizeof res.reason) &&
			   memchr(res.warning, 0, sizeof res.warning), "unterminated message");
		if (res.verdict == ORDER_REJECTED) {
			fuzz_check(res.reason[0], "rejected without a reason");
			rejects_write(rejects, rec.line, res.reason, rec.raw, rec.raw_len);
		}
		const uint8_t v = (uint8_t)res.verdict;
		out->digest = fnv(out->digest, &rec.line, sizeof rec.line);
		out->digest = fnv(out->digest, &v, 1);
		out->digest = fnv(out->digest, res.reason, strlen(res.reason));
		out->digest = fnv(out->digest, res.warning, strlen(res.warning));
	}
	out->end_st = st;
	fuzz_check(st == ST_EOF || st == ST_BADINPUT, "reading: status %d: %s", st,
		   status_detail(st));

	order_counts c;
	orders_counts_get(o, &c);
	out->counts = c;
	fuzz_check(c.rows == n_rows, "rows %llu, records added %llu",
		   (unsigned long long)c.rows, (unsigned long long)n_rows);
	fuzz_check(c.rows == c.active + c.cancelled + c.rejected,
		   "rows %llu != active %llu + cancelled %llu + rejected %llu",
		   (unsigned long long)c.rows, (unsigned long long)c.active,
		   (unsigned long long)c.cancelled, (unsigned long long)c.rejected);
	fuzz_check(c.warnings <= c.active, "warnings %llu > active %llu",
		   (unsigned long long)c.warnings, (unsigned long long)c.active);

	uint32_t codes[MAX_CODES + 3];
	size_t n_codes = codes_in(data, size, codes, MAX_CODES);
	codes[n_codes++] = 0;
	codes[n_codes++] = 9999999;
	codes[n_codes++] = 1234567;
	check_lookups(o, codes, n_codes);

	if (ref_bytes)
		ref_csv_release(&ref);
	csv_reader_free(r);
	orders_free(o);
	st = outstream_close(rejects);
	fuzz_check(st == ST_OK, "closing the rejects on /dev/null: %s", status_detail(st));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_file_init(&input, "orders.csv");
	fuzz_file_set(&input, data, size);
	status_clear();
	const size_t mem_before = mem_in_use();

	config cfg;
	pick_config(&cfg, data, size);
	fuzz_check(config_check(&cfg, NULL) == ST_OK, "variant config: %s",
		   status_detail(ST_BADCONFIG));

	/* The file's content: the bytes themselves, or what a valid zstd
	 * stream holds; none for anything else starting with the zstd magic. */
	uint8_t *plain = NULL;
	size_t plain_len = 0;
	const int zstd = fuzz_zstd_content(data, size, 16u << 20, &plain, &plain_len);
	const int is_plain = !fuzz_zstd_magic(data, size);
	const uint8_t *ref = zstd ? plain : is_plain ? data : NULL;
	const size_t ref_len = zstd ? plain_len : size;

	outcome a;
	load(input.path, &cfg, data, size, ref, ref_len, &a);

	/* A compressed input must read exactly as its content does. */
	if (zstd) {
		fuzz_file_init(&content, "orders-content.csv");
		fuzz_file_set(&content, plain, plain_len);
		status_clear();
		outcome b;
		load(content.path, &cfg, plain, plain_len, plain, plain_len, &b);
		fuzz_check(a.end_st == b.end_st && memcmp(&a.counts, &b.counts, sizeof a.counts) == 0 &&
			   a.digest == b.digest,
			   "zstd input: end %d, %llu rows, %llu active; its content: end %d, "
			   "%llu rows, %llu active, or the same counts with other verdicts",
			   a.end_st, (unsigned long long)a.counts.rows,
			   (unsigned long long)a.counts.active, b.end_st,
			   (unsigned long long)b.counts.rows, (unsigned long long)b.counts.active);
	}
	free(plain);

	fuzz_check(mem_in_use() == mem_before, "mem_in_use %zu after, %zu before",
		   mem_in_use(), mem_before);
	status_clear();
	return 0;
}
