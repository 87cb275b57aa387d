/*
 * fuzz_config.c: libFuzzer target for the configuration file — the bytes
 * of one input are a whole --config INI file.
 *
 * Per input:
 *   config_defaults(&a); config_load(&a, path); config_check(&a, path);
 *   when both succeed: config_write_ini(&a) to a second in-memory file,
 *   config_defaults(&b); config_load(&b, that file); config_check(&b).
 *
 * Checked (abort()):
 *   - a failed load leaves the config exactly as it was (config_ini.h: "c
 *     changes only when the whole file is good") and names a status of
 *     ST_BADCONFIG (the file is in memory, so no ST_IO);
 *   - a config that loads and checks, once written, loads back without an
 *     error into a config equal to it field by field, which also checks
 *     (`ssrfill config` output must be a valid --config);
 *   - every byte counted by base/mem.c is given back.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../../engine/config.h"
#include "../../base/mem.h"
#include "../../readers/config_ini.h"
#include "../../io/outstream.h"
#include "fuzz_common.h"

static fuzz_file input, written;

/* The first field where a and b differ, or NULL; what is its description. */
static const char *config_diff(const config *a, const config *b, char *what, size_t cap)
{
#define DIFF(field, fmt)                                                          \
	do {                                                                     \
		if (a->field != b->field) {                                      \
			snprintf(what, cap, #field ": " fmt " vs " fmt,          \
				 (long long)a->field, (long long)b->field);      \
			return what;                                             \
		}                                                                \
	} while (0)
	if (memcmp(a->admin_year, b->admin_year, sizeof a->admin_year) != 0) {
		snprintf(what, cap, "admin_year: '%.8s' vs '%.8s'", a->admin_year, b->admin_year);
		return what;
	}
	DIFF(end_year, "%lld");
	for (int p = 0; p < PROGRAM_COUNT; p++) {
		DIFF(program[p].available, "%lld");
		DIFF(program[p].set_price_cents, "%lld");
		DIFF(program[p].envelope_set_price_cents, "%lld");
		DIFF(program[p].order_deadline_mmdd, "%lld");
		DIFF(program[p].cancel_deadline_mmdd, "%lld");
		DIFF(program[p].languages, "%lld");
	}
	DIFF(box.max_gross_mg, "%lld");
	DIFF(box.tare_mg, "%lld");
	DIFF(box.letter_sheet_mg, "%lld");
	DIFF(box.tabloid_sheet_mg, "%lld");
	DIFF(box.divider_mg, "%lld");
	DIFF(box.envelope_10_mg, "%lld");
	DIFF(box.envelope_6x9_mg, "%lld");
	DIFF(box.keep_schools_together, "%lld");
#undef DIFF
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_file_init(&input, "config.ini");
	fuzz_file_init(&written, "written.ini");
	fuzz_file_set(&input, data, size);
	status_clear();
	const size_t mem_before = mem_in_use();
	char what[256];

	config a, before;
	config_defaults(&a);
	config_defaults(&before);
	status st = config_load(&a, input.path);
	if (st != ST_OK) {
		fuzz_check(st == ST_BADCONFIG, "load: status %d: %s", st, status_detail(st));
		fuzz_check(config_diff(&a, &before, what, sizeof what) == NULL,
			   "a failed load changed the config: %s", what);
		fuzz_check(status_has_detail(), "a failed load without a message");
	} else {
		st = config_check(&a, input.path);
		fuzz_check(st == ST_OK || st == ST_BADCONFIG, "check: status %d", st);
	}

	if (st == ST_OK) {
		outstream *o = NULL;
		st = outstream_open(&o, written.path, OUT_NO_FSYNC);
		fuzz_check(st == ST_OK, "open the written file: %s", status_detail(st));
		config_write_ini(&a, o);
		st = outstream_close(o);
		fuzz_check(st == ST_OK, "write: %s", status_detail(st));

		config b;
		config_defaults(&b);
		st = config_load(&b, written.path);
		fuzz_check(st == ST_OK, "the written config does not load back: %s",
			   status_detail(st));
		st = config_check(&b, written.path);
		fuzz_check(st == ST_OK, "the written config does not check: %s",
			   status_detail(st));
		fuzz_check(config_diff(&a, &b, what, sizeof what) == NULL,
			   "round trip changed %s", what);
	}
	fuzz_check(mem_in_use() == mem_before, "mem_in_use %zu after, %zu before",
		   mem_in_use(), mem_before);
	status_clear();
	return 0;
}
