/*
 * config.h: the effective configuration of a run (SPEC §1.3).  Every key
 * has a built-in default (the 2018-19 values), so no file is needed for the
 * common case.  Money is integer cents, weights integer milligrams, dates
 * month and day (the year comes from admin_year).
 *
 *   config c;
 *   config_defaults(&c);
 *   st = config_load(&c, path);     // io/config_ini.c: INI on top of defaults
 *   st = config_check(&c);          // cross-key rules (box fits a set, ...)
 */
#ifndef SSRFILL_CONFIG_H
#define SSRFILL_CONFIG_H

#include <stdint.h>

#include "status.h"
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

typedef struct config {
	char admin_year[8];          /* "2018-19" */
	int end_year;                /* 2019: dates the deadlines */
	program_config program[PROGRAM_COUNT];
	box_config box;
} config;

void config_defaults(config *c);
/* Rules across keys: the heaviest set fits an empty box with its divider.
 * Returns ST_BADCONFIG with a message, or ST_OK. */
status config_check(const config *c, const char *path);
/* "YYYY-YY" where YY is the last two digits of YYYY + 1: its end year
 * (2019 for "2018-19"), or -1. */
int config_admin_year_end(const char *s);
/* Deadlines as yyyymmdd numbers. */
int config_order_deadline(const config *c, enum program p);
int config_cancel_deadline(const config *c, enum program p);

#endif
