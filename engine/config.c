/*
 * config.c: the built-in configuration and the rules that hold across its
 * keys (docs/rules.md §5, §8, §10; see config.h).
 *
 *   config c;
 *   config_defaults(&c);               // the 2018-19 values
 *   st = config_load(&c, path);        // readers/config_ini.c, optional
 *   st = config_check(&c, path);       // before any row is boxed or billed
 *   config_order_deadline(&c, PROGRAM_CAASPP)   // 20190715
 *
 * config_check() is the last gate before the engine trusts a config, so it
 * re-checks what the INI reader already checks key by key (a config built in
 * code never went through the reader) and adds the one rule that spans keys:
 * an empty box must take a divider and the heaviest possible set, or the
 * packer of docs/rules.md §10 could never place that set.  The heaviest
 * set is the heaviest of the three paper and envelope options of
 * docs/rules.md §8, each set being two copies, weighed by
 * config_set_weight(), the one rule for the weight of a set:
 *
 *   4-page SSR on 11x17, envelopes:  2 tabloid sheets + 2 6x9 envelopes
 *   4-page SSR on 8.5x11, envelopes: 4 letter sheets  + 2 #10 envelopes
 *   2-page SSR, envelopes:           2 letter sheets  + 2 #10 envelopes
 *
 * A set without envelopes weighs less than the same set with them, since no
 * weight is negative.  Weights and prices are bounded so that sums and
 * quantity x price products stay far from int64 overflow.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "../base/calendar.h"

static const char *const section_name[PROGRAM_COUNT] = { "caaspp", "elpac" };

int64_t config_set_weight(const box_config *b, int pages, int paper, int envelopes)
{
	int64_t sheet_mg, envelope_mg, sheets_per_copy;
	if (pages == 4 && paper == PAPER_11X17) {
		sheet_mg = b->tabloid_sheet_mg;
		envelope_mg = b->envelope_6x9_mg;
		sheets_per_copy = 1;
	} else {
		sheet_mg = b->letter_sheet_mg;
		envelope_mg = b->envelope_10_mg;
		sheets_per_copy = pages == 4 ? 2 : 1;
	}
	return 2 * sheets_per_copy * sheet_mg + (envelopes ? 2 * envelope_mg : 0);
}

void config_defaults(config *c)
{
	memset(c, 0, sizeof *c);
	memcpy(c->admin_year, "2018-19", sizeof "2018-19");
	c->end_year = 2019;
	for (int p = 0; p < PROGRAM_COUNT; p++) {
		program_config *pc = &c->program[p];
		pc->available = 1;
		pc->set_price_cents = 148;
		pc->envelope_set_price_cents = 200;
		pc->order_deadline_mmdd = p == PROGRAM_ELPAC ? 630 : 715;
		pc->cancel_deadline_mmdd = 715;
		pc->languages = 1u << LANG_EN | 1u << LANG_ES | 1u << LANG_VI |
				1u << LANG_ZH | 1u << LANG_FIL;
	}
	box_config *b = &c->box;
	b->max_gross_mg = 18144000;
	b->tare_mg = 450000;
	b->letter_sheet_mg = 4540;
	b->tabloid_sheet_mg = 9070;
	b->divider_mg = 4540;
	b->envelope_10_mg = 6000;
	b->envelope_6x9_mg = 7000;
	b->keep_schools_together = 0;
	/* a placeholder a real run sets in its --config (555-01xx numbers are
	 * reserved for fiction) */
	shipper_config *sh = &c->shipper;
	snprintf(sh->name, sizeof sh->name, "Score Report Fulfillment Center");
	snprintf(sh->address1, sizeof sh->address1, "1200 Distribution Way");
	snprintf(sh->city, sizeof sh->city, "West Sacramento");
	snprintf(sh->state, sizeof sh->state, "CA");
	snprintf(sh->zip, sizeof sh->zip, "95691");
	snprintf(sh->phone, sizeof sh->phone, "(916) 555-0142");
	c->billing.terms_days = 30;
}

/* mmdd names a day of `year`. */
static int mmdd_valid(int mmdd, int year)
{
	return mmdd >= 0 && calendar_day_valid(year, mmdd / 100, mmdd % 100);
}

/* "YYYY-YY" where YY is the last two digits of YYYY + 1; its end year. */
int config_admin_year_end(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (i == 4 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return -1;
	if (s[7] != '\0')
		return -1;
	const int start = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
			  (s[2] - '0') * 10 + (s[3] - '0');
	const int yy = (s[5] - '0') * 10 + (s[6] - '0');
	if (start < 1000 || start >= 9999 || (start + 1) % 100 != yy)
		return -1;
	return start + 1;
}

static const char *where(const char *path)
{
	return path ? path : "built-in configuration";
}

static status check_program(const config *c, const char *path, int p)
{
	const program_config *pc = &c->program[p];
	const char *const sec = section_name[p];
	const uint32_t all_langs = (1u << LANG_COUNT) - 1;

	if (pc->available != 0 && pc->available != 1)
		return status_fail(ST_BADCONFIG, "%s: [%s] available must be yes or no",
				   where(path), sec);
	if (pc->set_price_cents < 0 || pc->set_price_cents > CONFIG_MAX_CENTS)
		return status_fail(ST_BADCONFIG,
				   "%s: [%s] set_price must be between 0 and 1000000.00 dollars",
				   where(path), sec);
	if (pc->envelope_set_price_cents < 0 || pc->envelope_set_price_cents > CONFIG_MAX_CENTS)
		return status_fail(ST_BADCONFIG,
				   "%s: [%s] envelope_set_price must be between 0 and 1000000.00 dollars",
				   where(path), sec);
	if (!mmdd_valid(pc->order_deadline_mmdd, c->end_year))
		return status_fail(ST_BADCONFIG,
				   "%s: [%s] order_deadline %02d-%02d is not a day of %d",
				   where(path), sec, pc->order_deadline_mmdd / 100,
				   pc->order_deadline_mmdd % 100, c->end_year);
	if (!mmdd_valid(pc->cancel_deadline_mmdd, c->end_year))
		return status_fail(ST_BADCONFIG,
				   "%s: [%s] cancel_deadline %02d-%02d is not a day of %d",
				   where(path), sec, pc->cancel_deadline_mmdd / 100,
				   pc->cancel_deadline_mmdd % 100, c->end_year);
	if (!(pc->languages & 1u << LANG_EN) || (pc->languages & ~all_langs))
		return status_fail(ST_BADCONFIG,
				   "%s: [%s] languages must include English and only known languages",
				   where(path), sec);
	return ST_OK;
}

int config_mg_range(const char *name, int64_t *lo, int64_t *hi)
{
#define RANGE_OF(key, min, max)                  \
	if (strcmp(name, #key) == 0) {           \
		*lo = (min);                     \
		*hi = (max);                     \
		return 0;                        \
	}
	CONFIG_MG_RANGES(RANGE_OF)
#undef RANGE_OF
	return -1;
}

static status check_box(const box_config *b, const char *path)
{
#define WEIGHT_OF(key, min, max) { #key, b->key, (min), (max) },
	const struct {
		const char *name;
		int64_t mg, lo, hi;
	} w[] = { CONFIG_MG_RANGES(WEIGHT_OF) };
#undef WEIGHT_OF
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
		if (w[i].mg < w[i].lo || w[i].mg > w[i].hi)
			return status_fail(ST_BADCONFIG,
					   "%s: [box] %s is %lld mg; it must be from %lld to %lld mg",
					   where(path), w[i].name, (long long)w[i].mg,
					   (long long)w[i].lo, (long long)w[i].hi);
	if (b->keep_schools_together != 0 && b->keep_schools_together != 1)
		return status_fail(ST_BADCONFIG, "%s: [box] keep_schools_together must be yes or no",
				   where(path));
	if (b->max_gross_mg <= b->tare_mg)
		return status_fail(ST_BADCONFIG,
				   "%s: [box] max_gross_mg %lld must be more than tare_mg %lld",
				   where(path), (long long)b->max_gross_mg, (long long)b->tare_mg);

	/* The heaviest set of docs/rules.md §8, weighed by config_set_weight
	 * as fulfil weighs every set; on a tie the first listed names it. */
	const struct {
		const char *what;
		int pages, paper;
	} set[] = {
		{ "a 4-page SSR on 11x17 with envelopes: 2 tabloid sheets + 2 6x9 envelopes",
		  4, PAPER_11X17 },
		{ "a 4-page SSR on 8.5x11 with envelopes: 4 letter sheets + 2 #10 envelopes",
		  4, PAPER_LETTER },
		{ "a 2-page SSR with envelopes: 2 letter sheets + 2 #10 envelopes",
		  2, PAPER_LETTER },
	};
	int64_t mg[sizeof set / sizeof set[0]];
	size_t h = 0;
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
		mg[i] = config_set_weight(b, set[i].pages, set[i].paper, 1);
		if (mg[i] > mg[h])
			h = i;
	}
	const int64_t need = b->tare_mg + b->divider_mg + mg[h];
	if (need > b->max_gross_mg)
		return status_fail(ST_BADCONFIG,
				   "%s: [box] max_gross_mg %lld mg cannot hold one set: "
				   "tare_mg %lld + divider_mg %lld + the heaviest set %lld "
				   "(%s) = %lld mg",
				   where(path), (long long)b->max_gross_mg,
				   (long long)b->tare_mg, (long long)b->divider_mg,
				   (long long)mg[h], set[h].what, (long long)need);
	return ST_OK;
}

/* The return address a carrier needs: a name, a street, a city, a state
 * of two letters and a ZIP of 5 digits (or ZIP+4). */
static status check_shipper(const config *c, const char *path)
{
	const shipper_config *sh = &c->shipper;
	const struct { const char *key, *v; } need[] = {
		{ "name", sh->name }, { "address1", sh->address1 }, { "city", sh->city },
		{ "state", sh->state }, { "zip", sh->zip },
	};
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
		if (!need[i].v[0])
			return status_fail(ST_BADCONFIG, "%s: [shipper] %s is empty: every label prints the "
					   "return address", where(path), need[i].key);
	const char *st = sh->state;
	if (strlen(st) != 2 || st[0] < 'A' || st[0] > 'Z' || st[1] < 'A' || st[1] > 'Z')
		return status_fail(ST_BADCONFIG, "%s: [shipper] state '%s' is not a state's two letters "
				   "(CA)", where(path), st);
	if (!config_zip_valid(sh->zip))
		return status_fail(ST_BADCONFIG, "%s: [shipper] zip '%s' is not a ZIP code (95691 or "
				   "95691-1234)", where(path), sh->zip);
	if (c->billing.terms_days < 0 || c->billing.terms_days > CONFIG_MAX_TERMS_DAYS)
		return status_fail(ST_BADCONFIG, "%s: [billing] terms_days %d is not from 0 to %d",
				   where(path), c->billing.terms_days, CONFIG_MAX_TERMS_DAYS);
	return ST_OK;
}

int config_zip_valid(const char *z)
{
	const size_t n = strlen(z);
	if (n != 5 && n != 10)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (i == 5 ? z[i] != '-' : (z[i] < '0' || z[i] > '9'))
			return 0;
	return 1;
}

status config_check(const config *c, const char *path)
{
	const int end = config_admin_year_end(c->admin_year);
	if (end < 0 || end != c->end_year)
		return status_fail(ST_BADCONFIG,
				   "%s: admin_year must look like 2018-19 and match the end year",
				   where(path));
	for (int p = 0; p < PROGRAM_COUNT; p++) {
		const status st = check_program(c, path, p);
		if (st != ST_OK)
			return st;
	}
	const status st = check_box(&c->box, path);
	return st != ST_OK ? st : check_shipper(c, path);
}

int config_order_deadline(const config *c, enum program p)
{
	assert(p >= 0 && p < PROGRAM_COUNT);
	return c->end_year * 10000 + c->program[p].order_deadline_mmdd;
}

int config_cancel_deadline(const config *c, enum program p)
{
	assert(p >= 0 && p < PROGRAM_COUNT);
	return c->end_year * 10000 + c->program[p].cancel_deadline_mmdd;
}
