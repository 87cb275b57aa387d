/*
 * test_fulfil.c: what happens to one valid score report row, docs/rules.md §6-§8
 * (fulfil.h).
 *
 * - Which rows print: the school's active order, else the LEA-wide one,
 *   else the student's own Paper SSR Selection (an individual order, no
 *   envelopes); else electronic only, weighing nothing.  A cancelled order
 *   covers nothing; a CAASPP order does not cover ELPAC rows.
 * - Languages: copy 2 is the ssr_language override, else the CALPADS
 *   mapping; English when the program does not offer it this year; CSA
 *   only in Spanish.
 * - Paper: a 4-page SSR is one 11x17 sheet per copy, or two letter sheets
 *   when the LEA-wide CAASPP order chose 8.5x11; a 2-page SSR is one letter
 *   sheet per copy.  Envelopes: one per copy, 6x9 for 11x17 and #10 for
 *   letter paper.  Weights are worked out from the config's sheet and
 *   envelope weights.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../engine/config.h"
#include "../engine/fulfil.h"
#include "../engine/orders.h"

#define LEA 1964733u

static const char *const header[] = {
	"lea_code", "school_code", "program", "envelopes", "paper_size",
	"po_number", "ordered_on", "cancelled_on",
};
#define NCOL (sizeof header / sizeof header[0])

static orders *orders_of(const config *c, const char *const *rows)
{
	orders *o;
	assert_int_equal(orders_new(&o, c), ST_OK);
	size_t lens[NCOL];
	for (size_t i = 0; i < NCOL; i++)
		lens[i] = strlen(header[i]);
	char err[256];
	assert_int_equal(orders_set_header(o, header, lens, NCOL, err, sizeof err), 0);
	for (size_t k = 0; rows && rows[k]; k++) {
		char buf[256];
		snprintf(buf, sizeof buf, "%s", rows[k]);
		const char *f[NCOL];
		size_t len[NCOL], n = 0;
		for (char *p = buf; n < NCOL;) {
			char *comma = strchr(p, ',');
			f[n] = p;
			len[n++] = comma ? (size_t)(comma - p) : strlen(p);
			if (!comma)
				break;
			p = comma + 1;
		}
		order_result r;
		assert_int_equal(orders_add(o, f, len, n, k + 2, 0, &r), ST_OK);
		assert_int_not_equal(r.verdict, ORDER_REJECTED);
	}
	return o;
}

static student row(uint32_t school, enum report report, int paper_ssr)
{
	student s;
	memset(&s, 0, sizeof s);
	s.ssid = 1234567890;
	s.lea = LEA;
	s.school = school;
	s.grade = 7;   /* 05 */
	s.report = (uint8_t)report;
	s.primary_language = 0;
	s.ssr_language = LANG_NONE;
	s.paper_ssr = (uint8_t)paper_ssr;
	return s;
}

/* Which order covers a row, and what it makes of it. */
static void which_rows_print(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	static const char *const rows[] = {
		"1964733,,CAASPP,N,,,2019-03-01,",
		"1964733,0000002,CAASPP,Y,,,2019-03-01,",
		"1964733,0000003,ELPAC,Y,,,2019-03-01,2019-04-01",   /* cancelled */
		NULL,
	};
	orders *o = orders_of(&c, rows);
	set_plan p;

	student s = row(2, REPORT_SB, 0);        /* the school's own order */
	fulfil_plan(&c, o, &s, &p);
	assert_int_equal(p.ordered_by, ORDERED_SCHOOL);
	assert_int_equal(p.delivery, DELIVERY_PAPER_ENVELOPE);
	assert_int_equal(p.envelopes, 2);

	s = row(1, REPORT_SB, 0);                /* the LEA-wide order */
	fulfil_plan(&c, o, &s, &p);
	assert_int_equal(p.ordered_by, ORDERED_LEA);
	assert_int_equal(p.delivery, DELIVERY_PAPER);
	assert_int_equal(p.envelopes, 0);

	s = row(3, REPORT_ELPAC, 0);             /* cancelled, no selection */
	fulfil_plan(&c, o, &s, &p);
	assert_int_equal(p.ordered_by, ORDERED_NONE);
	assert_int_equal(p.delivery, DELIVERY_ELECTRONIC);
	assert_int_equal(p.weight_mg, 0);

	s = row(3, REPORT_ELPAC, 1);             /* the student's own selection */
	fulfil_plan(&c, o, &s, &p);
	assert_int_equal(p.ordered_by, ORDERED_INDIVIDUAL);
	assert_int_equal(p.delivery, DELIVERY_PAPER);
	assert_int_equal(p.envelopes, 0);        /* individual orders: no envelopes */
	assert_true(p.weight_mg > 0);

	/* a CAASPP order does not cover an ELPAC row of the same school */
	s = row(2, REPORT_ELPAC, 0);
	fulfil_plan(&c, o, &s, &p);
	assert_int_equal(p.delivery, DELIVERY_ELECTRONIC);

	/* an order covers its LEA only */
	s = row(2, REPORT_SB, 0);
	s.lea = LEA + 1;
	fulfil_plan(&c, o, &s, &p);
	assert_int_equal(p.delivery, DELIVERY_ELECTRONIC);
	orders_free(o);
}

/* The school order's envelope option wins over the LEA-wide one, both ways. */
static void covering_order_gives_envelopes(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	static const char *const rows[] = {
		"1964733,,ELPAC,Y,,,2019-03-01,",
		"1964733,0000004,ELPAC,N,,,2019-03-01,",
		NULL,
	};
	orders *o = orders_of(&c, rows);
	set_plan p;
	student s = row(4, REPORT_ELPAC, 1);
	fulfil_plan(&c, o, &s, &p);
	assert_int_equal(p.ordered_by, ORDERED_SCHOOL);
	assert_int_equal(p.envelopes, 0);
	s = row(5, REPORT_ELPAC, 0);
	fulfil_plan(&c, o, &s, &p);
	assert_int_equal(p.ordered_by, ORDERED_LEA);
	assert_int_equal(p.envelopes, 2);
	orders_free(o);
}

static enum lang copy2(const config *c, enum report r, int primary, int override)
{
	student s = row(1, r, 1);
	s.primary_language = (uint8_t)primary;
	s.ssr_language = (uint8_t)override;
	return fulfil_copy2(c, &s);
}

/* docs/rules.md §3's CALPADS mapping and §7's fallbacks. */
static void copy2_language(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);   /* 2018-19: ES VI ZH FIL, not KO */
	/* copy 1 is English whatever copy 2 is (the print stream's copy1_lang) */
	assert_string_equal(lang_code[FULFIL_COPY1_LANG], "EN");
	assert_int_equal(copy2(&c, REPORT_SB, 0, LANG_NONE), LANG_EN);
	assert_int_equal(copy2(&c, REPORT_SB, 1, LANG_NONE), LANG_ES);
	assert_int_equal(copy2(&c, REPORT_SB, 2, LANG_NONE), LANG_VI);
	assert_int_equal(copy2(&c, REPORT_SB, 3, LANG_NONE), LANG_ZH);    /* Cantonese */
	assert_int_equal(copy2(&c, REPORT_SB, 7, LANG_NONE), LANG_ZH);    /* Mandarin */
	assert_int_equal(copy2(&c, REPORT_SB, 5, LANG_NONE), LANG_FIL);
	assert_int_equal(copy2(&c, REPORT_SB, 4, LANG_NONE), LANG_EN);    /* Korean: not offered */
	assert_int_equal(copy2(&c, REPORT_SB, 6, LANG_NONE), LANG_EN);    /* no SSR language */
	assert_int_equal(copy2(&c, REPORT_SB, 99, LANG_NONE), LANG_EN);
	/* the override wins over the mapping, both ways */
	assert_int_equal(copy2(&c, REPORT_SB, 1, LANG_VI), LANG_VI);
	assert_int_equal(copy2(&c, REPORT_SB, 1, LANG_EN), LANG_EN);
	assert_int_equal(copy2(&c, REPORT_SB, 0, LANG_KO), LANG_EN);      /* not offered */
	/* offered in a later year */
	c.program[PROGRAM_CAASPP].languages |= 1u << LANG_KO;
	assert_int_equal(copy2(&c, REPORT_SB, 4, LANG_NONE), LANG_KO);
	assert_int_equal(copy2(&c, REPORT_SB, 0, LANG_KO), LANG_KO);
	/* each program has its own list */
	assert_int_equal(copy2(&c, REPORT_ELPAC, 4, LANG_NONE), LANG_EN);
	c.program[PROGRAM_ELPAC].languages &= ~(1u << LANG_VI);
	assert_int_equal(copy2(&c, REPORT_ELPAC, 2, LANG_NONE), LANG_EN);
	assert_int_equal(copy2(&c, REPORT_CAST, 2, LANG_NONE), LANG_VI);
}

/* CSA: copy 2 is Spanish when it would be Spanish, else English. */
static void csa_only_in_spanish(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	assert_int_equal(copy2(&c, REPORT_CSA, 1, LANG_NONE), LANG_ES);
	assert_int_equal(copy2(&c, REPORT_CSA, 0, LANG_ES), LANG_ES);
	assert_int_equal(copy2(&c, REPORT_CSA, 2, LANG_NONE), LANG_EN);
	assert_int_equal(copy2(&c, REPORT_CSA, 1, LANG_ZH), LANG_EN);
	assert_int_equal(copy2(&c, REPORT_CSA, 5, LANG_NONE), LANG_EN);
	/* and not even Spanish when CAASPP does not offer Spanish */
	c.program[PROGRAM_CAASPP].languages &= ~(1u << LANG_ES);
	assert_int_equal(copy2(&c, REPORT_CSA, 1, LANG_NONE), LANG_EN);
}

/* Paper, sheets and weight for each report under each order, computed
 * here from §8: copies x sheets per copy x sheet weight, plus one
 * envelope per copy. */
static void paper_sheets_and_weight(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	/* distinct weights so a wrong sheet or envelope shows */
	c.box.letter_sheet_mg = 4000;
	c.box.tabloid_sheet_mg = 9000;
	c.box.envelope_10_mg = 600;
	c.box.envelope_6x9_mg = 700;
	static const char *const tabloid[] = {
		"1000001,,CAASPP,Y,11x17,,2019-03-01,", "1000001,,ELPAC,Y,,,2019-03-01,", NULL,
	};
	static const char *const letter[] = {
		"1964733,,CAASPP,Y,8.5x11,,2019-03-01,", "1964733,,ELPAC,N,,,2019-03-01,",
		"1964733,0000009,CAASPP,N,,,2019-03-01,", NULL,
	};
	orders *ot = orders_of(&c, tabloid);
	orders *ol = orders_of(&c, letter);
	set_plan p;

	/* 4-page on 11x17 with envelopes: 2 tabloid sheets, 2 6x9 envelopes */
	student s = row(1, REPORT_SB, 0);
	s.lea = 1000001;
	fulfil_plan(&c, ot, &s, &p);
	assert_int_equal(p.paper, PAPER_11X17);
	assert_int_equal(p.sheets, 2);
	assert_int_equal(p.weight_mg, 2 * 9000 + 2 * 700);
	/* CAA is a 4-page SSR too */
	s.report = REPORT_CAA;
	fulfil_plan(&c, ot, &s, &p);
	assert_int_equal(p.sheets, 2);
	assert_int_equal(p.paper, PAPER_11X17);
	/* 2-page, envelopes: 2 letter sheets, 2 #10 */
	s.report = REPORT_CAST;
	fulfil_plan(&c, ot, &s, &p);
	assert_int_equal(p.paper, PAPER_LETTER);
	assert_int_equal(p.sheets, 2);
	assert_int_equal(p.weight_mg, 2 * 4000 + 2 * 600);
	s.report = REPORT_ELPAC;
	fulfil_plan(&c, ot, &s, &p);
	assert_int_equal(p.weight_mg, 2 * 4000 + 2 * 600);

	/* the LEA chose 8.5x11: a 4-page SSR is 4 letter sheets, #10 envelopes */
	s = row(1, REPORT_SB, 0);
	fulfil_plan(&c, ol, &s, &p);
	assert_int_equal(p.paper, PAPER_LETTER);
	assert_int_equal(p.sheets, 4);
	assert_int_equal(p.weight_mg, 4 * 4000 + 2 * 600);
	/* a school under its own order still gets the LEA's paper, and its own
	 * envelope option (none) */
	s = row(9, REPORT_CAA, 0);
	fulfil_plan(&c, ol, &s, &p);
	assert_int_equal(p.ordered_by, ORDERED_SCHOOL);
	assert_int_equal(p.paper, PAPER_LETTER);
	assert_int_equal(p.sheets, 4);
	assert_int_equal(p.envelopes, 0);
	assert_int_equal(p.weight_mg, 4 * 4000);
	/* ELPAC: 2-page whatever the CAASPP paper */
	s = row(1, REPORT_ELPAC, 0);
	fulfil_plan(&c, ol, &s, &p);
	assert_int_equal(p.sheets, 2);
	assert_int_equal(p.weight_mg, 2 * 4000);

	/* no LEA-wide order: 11x17 for an individual 4-page set */
	orders *none = orders_of(&c, NULL);
	s = row(1, REPORT_SB, 1);
	fulfil_plan(&c, none, &s, &p);
	assert_int_equal(p.ordered_by, ORDERED_INDIVIDUAL);
	assert_int_equal(p.paper, PAPER_11X17);
	assert_int_equal(p.weight_mg, 2 * 9000);

	assert_string_equal(paper_name[PAPER_11X17], "11x17");
	assert_string_equal(paper_name[PAPER_LETTER], "8.5x11");
	orders_free(ot);
	orders_free(ol);
	orders_free(none);
}

/* config_set_weight on its own, for each of §8's options. */
static void set_weight(void **state)
{
	(void)state;
	box_config b;
	memset(&b, 0, sizeof b);
	b.letter_sheet_mg = 1;
	b.tabloid_sheet_mg = 10;
	b.envelope_10_mg = 100;
	b.envelope_6x9_mg = 1000;
	assert_int_equal(config_set_weight(&b, 4, PAPER_11X17, 0), 20);
	assert_int_equal(config_set_weight(&b, 4, PAPER_11X17, 1), 2020);
	assert_int_equal(config_set_weight(&b, 4, PAPER_LETTER, 0), 4);
	assert_int_equal(config_set_weight(&b, 4, PAPER_LETTER, 1), 204);
	assert_int_equal(config_set_weight(&b, 2, PAPER_LETTER, 1), 202);
	assert_int_equal(config_set_weight(&b, 2, PAPER_11X17, 1), 202);  /* 2-page: letter */
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(which_rows_print),
		cmocka_unit_test(covering_order_gives_envelopes),
		cmocka_unit_test(copy2_language),
		cmocka_unit_test(csa_only_in_spanish),
		cmocka_unit_test(paper_sheets_and_weight),
		cmocka_unit_test(set_weight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
