/*
 * test_config.c: the configuration of docs/rules.md §5 — the built-in 2018-19
 * values, reading an INI file key by key (prices to the cent, dates, years,
 * languages, booleans), every error naming its line, the box-fits-a-set
 * rule of config_check at its exact boundary, and config_write_ini output
 * reading back to the same config.
 *
 * Each test writes its INI text to a mkstemp file in /tmp, loads it and
 * removes it.
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

#include "../engine/config.h"
#include "../readers/config_ini.h"
#include "../io/outstream.h"

#define LANG(l) (1u << LANG_##l)

static char tmp_path[64];

/* Apply n bytes of text as a config file on top of c: written to a fresh
 * temporary file (its name left in tmp_path), loaded, removed. */
static status load_bytes(config *c, const char *text, size_t n)
{
	snprintf(tmp_path, sizeof tmp_path, "/tmp/ssrfill-test-config-XXXXXX");
	const int fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
	status_clear();
	const status st = config_load(c, tmp_path);
	unlink(tmp_path);
	return st;
}

static status load_text(config *c, const char *text)
{
	return load_bytes(c, text, strlen(text));
}

static void assert_config_equal(const config *a, const config *b);

/* text on top of the defaults fails with a message naming the file and
 * holding `part`, and leaves the config as it was. */
static void expect_bad_bytes(const char *text, size_t n, const char *part)
{
	config c, before;
	config_defaults(&c);
	config_defaults(&before);
	const status st = load_bytes(&c, text, n);
	const char *const detail = status_detail(st);
	if (st != ST_BADCONFIG)
		fail_msg("\"%s\": status %d (%s), expected ST_BADCONFIG", text, st, detail);
	if (!strstr(detail, tmp_path) || !strstr(detail, part))
		fail_msg("\"%s\": message \"%s\" lacks the file name or \"%s\"", text, detail, part);
	assert_config_equal(&c, &before);
}

static void expect_bad(const char *text, const char *part)
{
	expect_bad_bytes(text, strlen(text), part);
}

static void assert_config_equal(const config *a, const config *b)
{
	assert_string_equal(a->admin_year, b->admin_year);
	assert_int_equal(a->end_year, b->end_year);
	for (int p = 0; p < PROGRAM_COUNT; p++) {
		const program_config *x = &a->program[p], *y = &b->program[p];
		assert_int_equal(x->available, y->available);
		assert_int_equal(x->set_price_cents, y->set_price_cents);
		assert_int_equal(x->envelope_set_price_cents, y->envelope_set_price_cents);
		assert_int_equal(x->order_deadline_mmdd, y->order_deadline_mmdd);
		assert_int_equal(x->cancel_deadline_mmdd, y->cancel_deadline_mmdd);
		assert_int_equal(x->languages, y->languages);
	}
	const box_config *x = &a->box, *y = &b->box;
	assert_int_equal(x->max_gross_mg, y->max_gross_mg);
	assert_int_equal(x->tare_mg, y->tare_mg);
	assert_int_equal(x->letter_sheet_mg, y->letter_sheet_mg);
	assert_int_equal(x->tabloid_sheet_mg, y->tabloid_sheet_mg);
	assert_int_equal(x->divider_mg, y->divider_mg);
	assert_int_equal(x->envelope_10_mg, y->envelope_10_mg);
	assert_int_equal(x->envelope_6x9_mg, y->envelope_6x9_mg);
	assert_int_equal(x->keep_schools_together, y->keep_schools_together);
}

static void test_defaults_are_the_2018_19_values(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	assert_string_equal(c.admin_year, "2018-19");
	assert_int_equal(c.end_year, 2019);
	for (int p = 0; p < PROGRAM_COUNT; p++) {
		const program_config *pc = &c.program[p];
		assert_int_equal(pc->available, 1);
		assert_int_equal(pc->set_price_cents, 148);
		assert_int_equal(pc->envelope_set_price_cents, 200);
		assert_int_equal(pc->cancel_deadline_mmdd, 715);
		assert_int_equal(pc->languages,
				 LANG(EN) | LANG(ES) | LANG(VI) | LANG(ZH) | LANG(FIL));
	}
	assert_int_equal(c.program[PROGRAM_CAASPP].order_deadline_mmdd, 715);
	assert_int_equal(c.program[PROGRAM_ELPAC].order_deadline_mmdd, 630);
	assert_int_equal(c.box.max_gross_mg, 18144000);
	assert_int_equal(c.box.tare_mg, 450000);
	assert_int_equal(c.box.letter_sheet_mg, 4540);
	assert_int_equal(c.box.tabloid_sheet_mg, 9070);
	assert_int_equal(c.box.divider_mg, 4540);
	assert_int_equal(c.box.envelope_10_mg, 6000);
	assert_int_equal(c.box.envelope_6x9_mg, 7000);
	assert_int_equal(c.box.keep_schools_together, 0);

	assert_int_equal(config_order_deadline(&c, PROGRAM_CAASPP), 20190715);
	assert_int_equal(config_order_deadline(&c, PROGRAM_ELPAC), 20190630);
	assert_int_equal(config_cancel_deadline(&c, PROGRAM_CAASPP), 20190715);
	assert_int_equal(config_cancel_deadline(&c, PROGRAM_ELPAC), 20190715);
	status_clear();
	assert_int_equal(config_check(&c, NULL), ST_OK);
}

static void test_every_key_is_read(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	const status st = load_text(&c,
		"\xEF\xBB\xBF; a comment line, a BOM before it\r\n"
		"# another comment\n"
		"ADMIN_YEAR = 2019-20\n"
		"\n"
		"[CAASPP]\n"
		"available = no\n"
		"  Set_Price = 2          ; indented, an inline comment\n"
		"envelope_set_price=0.5\n"
		"order_deadline = 02-29\n"
		"cancel_deadline = 08-01\n"
		"languages = ES KO\n"
		"[elpac]\n"
		"available = true\n"
		"set_price = 3.10\n"
		"envelope_set_price = 12.00\n"
		"order_deadline = 06-01\n"
		"cancel_deadline = 12-31\n"
		"languages =\n"
		"[Box]\n"
		"max_gross_mg = 20000000\n"
		"tare_mg = 500000\n"
		"letter_sheet_mg = 4000\n"
		"tabloid_sheet_mg = 8000\n"
		"divider_mg = 3000\n"
		"envelope_10_mg = 5000\n"
		"envelope_6x9_mg = 6500\n"
		"keep_schools_together = YES\n");
	if (st != ST_OK)
		fail_msg("%s", status_detail(st));
	assert_string_equal(c.admin_year, "2019-20");
	assert_int_equal(c.end_year, 2020);
	const program_config *a = &c.program[PROGRAM_CAASPP];
	assert_int_equal(a->available, 0);
	assert_int_equal(a->set_price_cents, 200);
	assert_int_equal(a->envelope_set_price_cents, 50);
	assert_int_equal(a->order_deadline_mmdd, 229);
	assert_int_equal(a->cancel_deadline_mmdd, 801);
	assert_int_equal(a->languages, LANG(EN) | LANG(ES) | LANG(KO));
	const program_config *e = &c.program[PROGRAM_ELPAC];
	assert_int_equal(e->available, 1);
	assert_int_equal(e->set_price_cents, 310);
	assert_int_equal(e->envelope_set_price_cents, 1200);
	assert_int_equal(e->order_deadline_mmdd, 601);
	assert_int_equal(e->cancel_deadline_mmdd, 1231);
	assert_int_equal(e->languages, LANG(EN));
	assert_int_equal(c.box.max_gross_mg, 20000000);
	assert_int_equal(c.box.tare_mg, 500000);
	assert_int_equal(c.box.letter_sheet_mg, 4000);
	assert_int_equal(c.box.tabloid_sheet_mg, 8000);
	assert_int_equal(c.box.divider_mg, 3000);
	assert_int_equal(c.box.envelope_10_mg, 5000);
	assert_int_equal(c.box.envelope_6x9_mg, 6500);
	assert_int_equal(c.box.keep_schools_together, 1);
	assert_int_equal(config_order_deadline(&c, PROGRAM_CAASPP), 20200229);
	assert_int_equal(config_cancel_deadline(&c, PROGRAM_ELPAC), 20201231);
	status_clear();
	assert_int_equal(config_check(&c, "x.ini"), ST_OK);
}

static void test_a_file_changes_only_what_it_names(void **state)
{
	(void)state;
	config c, want;
	config_defaults(&c);
	config_defaults(&want);
	assert_int_equal(load_text(&c, "[elpac]\nset_price = 1.75\n"), ST_OK);
	want.program[PROGRAM_ELPAC].set_price_cents = 175;
	assert_config_equal(&c, &want);
	assert_int_equal(load_text(&c, ""), ST_OK);
	assert_config_equal(&c, &want);
}

static void expect_price(const char *text, int64_t cents)
{
	char file[128];
	snprintf(file, sizeof file, "[caaspp]\nset_price = %s\n", text);
	config c;
	config_defaults(&c);
	const status st = load_text(&c, file);
	if (st != ST_OK)
		fail_msg("price \"%s\": %s", text, status_detail(st));
	if (c.program[PROGRAM_CAASPP].set_price_cents != cents)
		fail_msg("price \"%s\": %lld cents, expected %lld", text,
			 (long long)c.program[PROGRAM_CAASPP].set_price_cents, (long long)cents);
}

static void test_prices_are_read_to_the_cent(void **state)
{
	(void)state;
	expect_price("1.48", 148);
	expect_price("2", 200);
	expect_price("2.00", 200);
	expect_price("0.5", 50);
	expect_price("0.05", 5);
	expect_price("1.480", 148);
	expect_price("0", 0);
	expect_price("0.29", 29);        /* 0.29 * 100 is 28.999... as a double */
	expect_price("1000000.00", 100000000);
}

static void test_bad_prices_are_rejected_naming_the_line(void **state)
{
	(void)state;
	expect_bad("[caaspp]\n\nset_price = 1.485\n", "line 3: set_price '1.485' is not a whole number of cents");
	expect_bad("[elpac]\nenvelope_set_price = -2.00\n", "line 2: envelope_set_price '-2.00' must not be negative");
	expect_bad("[caaspp]\nset_price = $1.48\n", "line 2: set_price");
	expect_bad("[caaspp]\nset_price = .5\n", "line 2");
	expect_bad("[caaspp]\nset_price = 1.\n", "line 2");
	expect_bad("[caaspp]\nset_price = 1,48\n", "line 2");
	expect_bad("[caaspp]\nset_price = 1.48 USD\n", "line 2");
	expect_bad("[caaspp]\nset_price =\n", "line 2");
	expect_bad("[caaspp]\nset_price = 99999999999999999999999\n", "more than");
}

static void test_unknown_key_is_rejected_naming_the_line(void **state)
{
	(void)state;
	expect_bad("admin_year = 2018-19\n\n[box]\ntare_mg = 1000\n; note\n\ncolour = brown\n",
		   "line 7: unknown key 'colour' in [box]");
	expect_bad("[caaspp]\nprice = 1.48\n", "line 2: unknown key 'price' in [caaspp]");
	expect_bad("year = 2018-19\n", "line 1: unknown key 'year' before the first section");
	expect_bad("[box]\nadmin_year = 2018-19\n", "admin_year goes before the first section");
}

static void test_unknown_section_is_rejected_naming_the_line(void **state)
{
	(void)state;
	expect_bad("admin_year = 2018-19\n[boxes]\ntare_mg = 1000\n", "line 2: unknown section [boxes]");
	/* Named even when no key follows it. */
	expect_bad("[box]\ntare_mg = 1000\n\n[csa]\n", "line 4: unknown section [csa]");
	expect_bad("[box] extra\n", "line 1: unexpected text after [box]");
}

static void test_malformed_lines_are_rejected_naming_the_line(void **state)
{
	(void)state;
	expect_bad("[box]\ntare_mg 450000\n", "line 2: not a [section] header");
	expect_bad("[box\ntare_mg = 1\n", "line 1: not a [section] header");
	/* The first error in the file is the one reported. */
	expect_bad("[box]\ngarbage\ncolour = red\n", "line 2:");
	expect_bad("[box]\ncolour = red\ngarbage\n", "line 2: unknown key 'colour'");
	char big[400];
	snprintf(big, sizeof big, "[box]\ntare_mg = %0300d\n", 1);
	expect_bad(big, "line 2: longer than");
	static const char nul[] = "[box]\ntare_mg = 1\0\n";
	expect_bad_bytes(nul, sizeof nul - 1, "line 2: holds a NUL byte");
}

static void test_a_key_given_twice_is_rejected(void **state)
{
	(void)state;
	expect_bad("[caaspp]\nset_price = 1\n[elpac]\nset_price = 1\n[caaspp]\nSET_PRICE = 2\n",
		   "line 6: set_price in [caaspp] is already set on line 2");
	expect_bad("admin_year = 2018-19\nadmin_year = 2019-20\n", "line 2: admin_year is already set on line 1");
}

static void test_bad_dates_are_rejected(void **state)
{
	(void)state;
	expect_bad("[caaspp]\norder_deadline = 02-30\n", "line 2: order_deadline '02-30' is not a date");
	expect_bad("[elpac]\ncancel_deadline = 13-01\n", "line 2: cancel_deadline '13-01'");
	expect_bad("[elpac]\ncancel_deadline = 00-10\n", "line 2");
	expect_bad("[elpac]\ncancel_deadline = 04-31\n", "line 2");
	expect_bad("[elpac]\ncancel_deadline = 7-15\n", "line 2");
	expect_bad("[elpac]\ncancel_deadline = 2019-07-15\n", "line 2");
	/* 2019 is not a leap year; 2020 is (test_every_key_is_read). */
	expect_bad("[caaspp]\norder_deadline = 02-29\n", "line 2: order_deadline '02-29' is not a date MM-DD in 2019");
}

static void test_bad_admin_year_is_rejected(void **state)
{
	(void)state;
	expect_bad("admin_year = 2018-20\n", "line 1: admin_year '2018-20' is not a school year");
	expect_bad("admin_year = 2018\n", "line 1: admin_year");
	expect_bad("admin_year = 18-19\n", "line 1: admin_year");
	expect_bad("admin_year = 2018-2019\n", "line 1: admin_year");
	expect_bad("admin_year = 2018/19\n", "line 1: admin_year");

	config c;
	config_defaults(&c);
	assert_int_equal(load_text(&c, "admin_year = 2099-00\n"), ST_OK);
	assert_int_equal(c.end_year, 2100);
	assert_int_equal(config_order_deadline(&c, PROGRAM_CAASPP), 21000715);
}

static uint32_t languages_of(const char *value)
{
	char file[128];
	snprintf(file, sizeof file, "[elpac]\nlanguages = %s\n", value);
	config c;
	config_defaults(&c);
	const status st = load_text(&c, file);
	if (st != ST_OK)
		fail_msg("languages \"%s\": %s", value, status_detail(st));
	return c.program[PROGRAM_ELPAC].languages;
}

static void test_languages(void **state)
{
	(void)state;
	assert_int_equal(languages_of("ES KO"), LANG(EN) | LANG(ES) | LANG(KO));
	assert_int_equal(languages_of(""), LANG(EN));
	assert_int_equal(languages_of("EN"), LANG(EN));
	assert_int_equal(languages_of("fil  zh\tvi"), LANG(EN) | LANG(FIL) | LANG(ZH) | LANG(VI));
	assert_int_equal(languages_of("ES VI ZH FIL KO"),
			 LANG(EN) | LANG(ES) | LANG(VI) | LANG(ZH) | LANG(FIL) | LANG(KO));
	expect_bad("[elpac]\nlanguages = ES,VI\n", "line 2: languages: unknown language 'ES,VI'");
	expect_bad("[elpac]\nlanguages = ES DE\n", "line 2: languages: unknown language 'DE'");
}

static void test_booleans(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	assert_int_equal(load_text(&c, "[caaspp]\navailable = no\n[elpac]\navailable = 0\n"), ST_OK);
	assert_int_equal(c.program[PROGRAM_CAASPP].available, 0);
	assert_int_equal(c.program[PROGRAM_ELPAC].available, 0);
	assert_int_equal(load_text(&c, "[caaspp]\navailable = True\n[elpac]\navailable = 1\n"
				   "[box]\nkeep_schools_together = yes\n"), ST_OK);
	assert_int_equal(c.program[PROGRAM_CAASPP].available, 1);
	assert_int_equal(c.program[PROGRAM_ELPAC].available, 1);
	assert_int_equal(c.box.keep_schools_together, 1);
	assert_int_equal(load_text(&c, "[box]\nkeep_schools_together = FALSE\n"), ST_OK);
	assert_int_equal(c.box.keep_schools_together, 0);
	expect_bad("[caaspp]\navailable = maybe\n", "line 2: available 'maybe' is not yes or no");
	expect_bad("[box]\nkeep_schools_together = y\n", "line 2: keep_schools_together");
}

static void test_bad_weights_are_rejected(void **state)
{
	(void)state;
	expect_bad("[box]\ntare_mg = -1\n", "line 2: tare_mg '-1' must not be negative");
	expect_bad("[box]\ndivider_mg = 4.5\n", "line 2: divider_mg '4.5' is not a whole number of milligrams");
	expect_bad("[box]\ndivider_mg = 4540mg\n", "line 2");
	expect_bad("[box]\nmax_gross_mg = 99999999999999999999\n", "line 2: max_gross_mg");
	/* sane ranges: a 0 g sheet or a 1,000-tonne box is a typo */
	expect_bad("[box]\nletter_sheet_mg = 0\n",
		   "line 2: letter_sheet_mg 0 mg is out of range: it must be from 100 to 100000 mg");
	expect_bad("[box]\nmax_gross_mg = 1000000000000\n", "line 2: max_gross_mg 1000000000000 mg is out of range");
	expect_bad("[box]\ntare_mg = 0\n", "line 2: tare_mg 0 mg is out of range");
	expect_bad("[box]\ndivider_mg = 100001\n", "line 2: divider_mg 100001 mg is out of range");
}

/* A comment may be as long as it likes; a value line may not. */
static void test_long_comments_are_fine(void **state)
{
	(void)state;
	char text[4000];
	int n = snprintf(text, sizeof text, "# %0999d\n[box]\n; %01999d\ntare_mg = 500000 ; %0500d\n", 0, 0, 0);
	assert_true(n > 0 && (size_t)n < sizeof text);
	config c;
	config_defaults(&c);
	const status st = load_text(&c, text);
	if (st != ST_OK)
		fail_msg("long comments refused: %s", status_detail(st));
	assert_int_equal(c.box.tare_mg, 500000);
}

/* The boundary of config_check: an empty box holds exactly a divider and
 * the heaviest set, or one milligram less. */
static void expect_boundary(config *c, int64_t heaviest, const char *what)
{
	c->box.max_gross_mg = c->box.tare_mg + c->box.divider_mg + heaviest;
	status_clear();
	assert_int_equal(config_check(c, "box.ini"), ST_OK);

	c->box.max_gross_mg--;
	status_clear();
	const status st = config_check(c, "box.ini");
	assert_int_equal(st, ST_BADCONFIG);
	const char *const detail = status_detail(st);
	char sum[64];
	snprintf(sum, sizeof sum, "= %lld mg", (long long)(c->box.max_gross_mg + 1));
	if (!strstr(detail, "box.ini: ") || !strstr(detail, "heaviest set") ||
	    !strstr(detail, what) || !strstr(detail, sum))
		fail_msg("message \"%s\" lacks the file, \"%s\" or \"%s\"", detail, what, sum);
}

static void test_box_must_hold_a_divider_and_the_heaviest_set(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	/* Defaults: 2 x 9070 + 2 x 7000 = 32140 beats 4 x 4540 + 2 x 6000. */
	expect_boundary(&c, 32140, "2 tabloid sheets + 2 6x9 envelopes");

	config_defaults(&c);
	c.box.letter_sheet_mg = 8000;   /* 4 x 8000 + 2 x 6000 = 44000 */
	expect_boundary(&c, 44000, "4 letter sheets + 2 #10 envelopes");

	config_defaults(&c);
	c.box.letter_sheet_mg = 100;
	c.box.tabloid_sheet_mg = 100;
	c.box.envelope_6x9_mg = 100;    /* the lightest sheets: 4 x 100 + 2 x 6000 */
	expect_boundary(&c, 12400, "4 letter sheets + 2 #10 envelopes");
}

static void test_check_rejects_impossible_values(void **state)
{
	(void)state;
	config c;

	config_defaults(&c);
	c.box.max_gross_mg = c.box.tare_mg;
	status_clear();
	assert_int_equal(config_check(&c, "f.ini"), ST_BADCONFIG);
	assert_non_null(strstr(status_detail(ST_BADCONFIG), "max_gross_mg 450000 must be more than tare_mg 450000"));

	config_defaults(&c);
	c.box.envelope_10_mg = -1;
	status_clear();
	assert_int_equal(config_check(&c, "f.ini"), ST_BADCONFIG);
	assert_non_null(strstr(status_detail(ST_BADCONFIG), "envelope_10_mg"));

	config_defaults(&c);
	c.program[PROGRAM_ELPAC].set_price_cents = -1;
	status_clear();
	assert_int_equal(config_check(&c, "f.ini"), ST_BADCONFIG);
	assert_non_null(strstr(status_detail(ST_BADCONFIG), "[elpac] set_price"));

	config_defaults(&c);
	c.program[PROGRAM_CAASPP].order_deadline_mmdd = 229;   /* 2019 */
	status_clear();
	assert_int_equal(config_check(&c, NULL), ST_BADCONFIG);
	assert_non_null(strstr(status_detail(ST_BADCONFIG), "order_deadline 02-29 is not a day of 2019"));

	config_defaults(&c);
	c.end_year = 2020;    /* does not match admin_year 2018-19 */
	status_clear();
	assert_int_equal(config_check(&c, NULL), ST_BADCONFIG);
}

/* config_write_ini(c), read back over `over`, gives c again. */
static void expect_round_trip(const config *c, const config *over)
{
	snprintf(tmp_path, sizeof tmp_path, "/tmp/ssrfill-test-config-XXXXXX");
	const int fd = mkstemp(tmp_path);
	assert_true(fd >= 0);
	close(fd);
	outstream *o;
	status_clear();
	assert_int_equal(outstream_open(&o, tmp_path, OUT_NO_FSYNC), ST_OK);
	config_write_ini(c, o);
	assert_int_equal(outstream_close(o), ST_OK);

	config back = *over;
	const status st = config_load(&back, tmp_path);
	if (st != ST_OK) {
		unlink(tmp_path);
		fail_msg("%s", status_detail(st));
	}
	unlink(tmp_path);
	assert_config_equal(&back, c);
}

static void test_written_config_reads_back_the_same(void **state)
{
	(void)state;
	config def, changed;
	config_defaults(&def);
	config_defaults(&changed);
	memcpy(changed.admin_year, "2023-24", sizeof changed.admin_year);
	changed.end_year = 2024;
	changed.program[PROGRAM_CAASPP].available = 0;
	changed.program[PROGRAM_CAASPP].set_price_cents = 5;
	changed.program[PROGRAM_CAASPP].envelope_set_price_cents = 123456;
	changed.program[PROGRAM_CAASPP].order_deadline_mmdd = 229;
	changed.program[PROGRAM_CAASPP].languages = LANG(EN);
	changed.program[PROGRAM_ELPAC].set_price_cents = 0;
	changed.program[PROGRAM_ELPAC].cancel_deadline_mmdd = 101;
	changed.program[PROGRAM_ELPAC].languages = LANG(EN) | LANG(KO) | LANG(ZH);
	changed.box.max_gross_mg = 22679618;
	changed.box.tare_mg = 1000;
	changed.box.letter_sheet_mg = 101;
	changed.box.tabloid_sheet_mg = 102;
	changed.box.divider_mg = 103;
	changed.box.envelope_10_mg = 104;
	changed.box.envelope_6x9_mg = 105;
	changed.box.keep_schools_together = 1;
	status_clear();
	assert_int_equal(config_check(&changed, NULL), ST_OK);

	expect_round_trip(&def, &changed);
	expect_round_trip(&changed, &def);
}

static void test_missing_file_is_an_io_error(void **state)
{
	(void)state;
	config c, before;
	config_defaults(&c);
	config_defaults(&before);
	status_clear();
	const status st = config_load(&c, "/tmp/ssrfill-no-such-dir/config.ini");
	assert_int_equal(st, ST_IO);
	assert_int_equal(status_exit_code(st), 3);
	assert_non_null(strstr(status_detail(st), "/tmp/ssrfill-no-such-dir/config.ini: cannot open"));
	assert_config_equal(&c, &before);
	assert_int_equal(status_exit_code(ST_BADCONFIG), 1);
}

/* issue 19: codes in any case, kept canonical; the wrong kind of file named */
static void test_codes_in_any_case_and_wrong_files(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	status_clear();
	assert_int_equal(load_text(&c, "[SHIPPER]\nState = ca\n[Caaspp]\nAvailable = YES\nlanguages = es Vi\n"),
			 ST_OK);
	assert_string_equal(c.shipper.state, "CA");
	assert_int_equal(c.program[PROGRAM_CAASPP].available, 1);
	assert_int_equal(c.program[PROGRAM_CAASPP].languages,
			 1u << LANG_EN | 1u << LANG_ES | 1u << LANG_VI);
	assert_int_equal(config_check(&c, NULL), ST_OK);
	/* written back canonical */
	char path[64];
	strcpy(path, "/tmp/test_config_w.XXXXXX");
	const int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	outstream *o;
	assert_int_equal(outstream_open(&o, path, OUT_NO_FSYNC), ST_OK);
	config_write_ini(&c, o);
	assert_int_equal(outstream_close(o), ST_OK);
	char text[4096];
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	const size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	unlink(path);
	text[n] = 0;
	assert_non_null(strstr(text, "state = CA\n"));
	assert_non_null(strstr(text, "languages = ES VI\n"));
	/* a CSV file, a gzip file */
	status_clear();
	expect_bad("lea_code,school_code,program,envelopes\n1111111,,CAASPP,Y\n",
		   "line 1: not a [section] header, a key = value pair or a comment; this looks like a CSV file, "
		   "not an INI configuration: is it meant for --students, --orders or --leas?");
	status_clear();
	expect_bad_bytes("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8, "this is a gzip-compressed file, not an INI "
			 "configuration in text");
	status_clear();
	/* a Latin-1 or Windows-1252 text value: named with the iconv command */
	expect_bad("[shipper]\nname = Caf\xe9 Fulfilment\n", "line 2: name is not UTF-8 text; it looks like "
		   "Latin-1 (ISO-8859-1) text: convert the file to UTF-8 with iconv -f latin1 -t utf-8 IN > OUT");
	status_clear();
	expect_bad("[shipper]\ncity = \x93" "Sac\x94\n", "line 2: city is not UTF-8 text; it looks like Windows-1252");
	status_clear();
	config_defaults(&c);
	assert_int_equal(load_text(&c, "[shipper]\nname = Caf\xc3\xa9 Fulfilment\n"), ST_OK);
	assert_string_equal(c.shipper.name, "Caf\xc3\xa9 Fulfilment");
	status_clear();
	/* a line with a comma or two that is only malformed is not called CSV */
	expect_bad("[box]\ntare_mg\n", "line 2: not a [section] header, a key = value pair or a comment");
	status_clear();
	config_defaults(&c);
	assert_int_equal(load_text(&c, "[box]\ntare_mg\n"), ST_BADCONFIG);
	assert_null(strstr(status_detail(ST_BADCONFIG), "CSV"));
	status_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_are_the_2018_19_values),
		cmocka_unit_test(test_every_key_is_read),
		cmocka_unit_test(test_a_file_changes_only_what_it_names),
		cmocka_unit_test(test_prices_are_read_to_the_cent),
		cmocka_unit_test(test_bad_prices_are_rejected_naming_the_line),
		cmocka_unit_test(test_unknown_key_is_rejected_naming_the_line),
		cmocka_unit_test(test_unknown_section_is_rejected_naming_the_line),
		cmocka_unit_test(test_malformed_lines_are_rejected_naming_the_line),
		cmocka_unit_test(test_a_key_given_twice_is_rejected),
		cmocka_unit_test(test_bad_dates_are_rejected),
		cmocka_unit_test(test_bad_admin_year_is_rejected),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_bad_weights_are_rejected),
		cmocka_unit_test(test_long_comments_are_fine),
		cmocka_unit_test(test_box_must_hold_a_divider_and_the_heaviest_set),
		cmocka_unit_test(test_check_rejects_impossible_values),
		cmocka_unit_test(test_written_config_reads_back_the_same),
		cmocka_unit_test(test_missing_file_is_an_io_error),
		cmocka_unit_test(test_codes_in_any_case_and_wrong_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
