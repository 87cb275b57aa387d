/*
 * config.h: the effective configuration of a run (docs/rules.md §5).  Every key
 * has a built-in default (the 2018-19 values), so no file is needed for the
 * common case.  Money is integer cents, weights integer milligrams, dates
 * month and day (the year comes from admin_year).
 *
 *   config c;
 *   config_defaults(&c);
 *   st = config_load(&c, path);     // readers/config_ini.c: INI on top of defaults
 *   st = config_check(&c);          // cross-key rules (box fits a set, ...)
 */
#ifndef SSRFILL_CONFIG_H
#define SSRFILL_CONFIG_H

#include <stdint.h>

#include "../base/status.h"
#include "student.h"

typedef struct program_config {
	int available;               /* the service is offered this year */
	int64_t set_price_cents;
	int64_t envelope_set_price_cents;
	int order_deadline_mmdd;     /* month * 100 + day, in the end year */
	int cancel_deadline_mmdd;
	uint32_t languages;          /* bit l set: enum lang l offered (EN always) */
} program_config;

typedef struct box_config {
	int64_t max_gross_mg;
	int64_t tare_mg;
	int64_t letter_sheet_mg;
	int64_t tabloid_sheet_mg;
	int64_t divider_mg;
	int64_t envelope_10_mg;
	int64_t envelope_6x9_mg;
	int keep_schools_together;
} box_config;

/* Who ships the boxes and takes the payments: the return address on every
 * label and the remit-to on every invoice (docs/rules.md §16). */
typedef struct shipper_config {
	char name[64];
	char address1[64], address2[64];
	char city[48], state[32], zip[16];
	char phone[32];
} shipper_config;

typedef struct billing_config {
	int terms_days;              /* an invoice is due this many days after its date */
} billing_config;

typedef struct config {
	char admin_year[8];          /* "2018-19" */
	int end_year;                /* 2019: dates the deadlines */
	program_config program[PROGRAM_COUNT];
	box_config box;
	shipper_config shipper;
	billing_config billing;
} config;

/* The most terms_days may be: a year. */
#define CONFIG_MAX_TERMS_DAYS 365

/* The most a price may be: $1,000,000.00 (config_check and the INI reader).
 * The INI reader stops reading a weight's digits beyond CONFIG_MAX_MG
 * (1000 t), before the weight's own range below is checked. */
#define CONFIG_MAX_CENTS 100000000LL
#define CONFIG_MAX_MG 1000000000000LL

/* The range each [box] weight may take, in mg.  Outside it a value is a
 * typo, not a configuration: a 0 g sheet puts every set in one box, a
 * 1,000-tonne box ships nothing a carrier takes.  Generous on purpose (a
 * test box of 100 g is allowed); the top of max_gross_mg is 150 lb, the
 * heaviest parcel UPS and FedEx Ground accept. */
#define CONFIG_MG_RANGES(X)                                  \
	X(max_gross_mg,     100000, 68038855) /* 100 g .. 150 lb */ \
	X(tare_mg,            1000, 10000000) /* 1 g .. 10 kg */    \
	X(letter_sheet_mg,     100,   100000) /* 0.1 g .. 100 g */  \
	X(tabloid_sheet_mg,    100,   100000)                       \
	X(divider_mg,          100,   100000)                       \
	X(envelope_10_mg,      100,   100000)                       \
	X(envelope_6x9_mg,     100,   100000)

/* The range of the [box] key `name` (mg): 0, or -1 for no such key. */
int config_mg_range(const char *name, int64_t *lo, int64_t *hi);

/* Paper of a set (docs/rules.md §8). */
enum paper { PAPER_11X17, PAPER_LETTER };
/* The weight of a set of two copies of a `pages`-page SSR on `paper`,
 * with or without an envelope per copy, from the box section's sheet and
 * envelope weights: the one rule for a set's weight (fulfil.c weighs each
 * set with it, config_check the heaviest possible one). */
int64_t config_set_weight(const box_config *b, int pages, int paper, int envelopes);

void config_defaults(config *c);
/* Rules across keys: the heaviest set fits an empty box with its divider.
 * Returns ST_BADCONFIG with a message, or ST_OK. */
status config_check(const config *c, const char *path);
/* A US ZIP code: 5 digits, or ZIP+4 as 5 digits, '-', 4 digits. */
int config_zip_valid(const char *zip);
/* "YYYY-YY" where YY is the last two digits of YYYY + 1: its end year
 * (2019 for "2018-19"), or -1. */
int config_admin_year_end(const char *s);
/* Deadlines as yyyymmdd numbers. */
int config_order_deadline(const config *c, enum program p);
int config_cancel_deadline(const config *c, enum program p);

#endif
