/*
 * test_invoice.c: invoices, docs/rules.md §11 (invoice.h, invoice_writer.h).
 *
 * - The invoice id is INV-<admin_year>-<lea_code>, the LEA code with its
 *   7 digits.
 * - One line per item and envelope option with a nonzero quantity:
 *   ELA/mathematics sets (august), science and Spanish pairs (winter) at
 *   the CAASPP prices, ELPAC sets at the ELPAC prices; quantity x unit
 *   price in integer cents, exact even for large quantities and prices.
 * - The invoice total is the sum of its lines (invoice_total_cents), and
 *   the CSV carries one row per line (no total rows).
 * - A row ordered individually is billed to its LEA at the set price.
 * - Dollars on the printed invoice: "$1,234.56".
 * - docs/rules.md §16.4: a line per (item, envelopes, order): each line
 *   names the PO of the order its sets were printed under (the school's
 *   or the LEA-wide one), the parents' sets are lines of their own, and
 *   the total is what one line per item would give, to the cent.
 * - The due date is terms_days calendar days after the invoice date
 *   (leap years, year ends, terms 0).
 * - The printed invoice: bill-to from the LEA directory (name and code
 *   without a row), remit-to from [shipper], date, terms and due date.
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
#include "../engine/fulfil.h"
#include "../engine/invoice.h"
#include "../engine/orders.h"
#include "../writers/invoice_writer.h"
#include "../job/run_keys.h"
#include "../io/outstream.h"
#include "../io/outdir.h"
#include "../base/mem.h"
#include "../base/u64map.h"

/* Prices all different, so a line priced from the wrong program or the
 * wrong envelope option shows. */
static void priced(config *c)
{
	config_defaults(c);
	c->program[PROGRAM_CAASPP].set_price_cents = 148;
	c->program[PROGRAM_CAASPP].envelope_set_price_cents = 200;
	c->program[PROGRAM_ELPAC].set_price_cents = 131;
	c->program[PROGRAM_ELPAC].envelope_set_price_cents = 257;
}

static void invoice_ids(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	char id[64];
	invoice_id_format(id, sizeof id, &c, 1964733, 1);
	assert_string_equal(id, "INV-2018-19-1964733");
	invoice_id_format(id, sizeof id, &c, 112345, 0);
	assert_string_equal(id, "INV-2018-19-0112345");
	memcpy(c.admin_year, "2020-21", sizeof "2020-21");
	c.end_year = 2021;
	invoice_id_format(id, sizeof id, &c, 3768338, 1);
	assert_string_equal(id, "INV-2020-21-3768338");
	/* a later wave's invoice of the same LEA (docs/rules.md §15) */
	invoice_id_format(id, sizeof id, &c, 3768338, 2);
	assert_string_equal(id, "INV-2020-21-3768338-W2");
	invoice_id_format(id, sizeof id, &c, 112345, 12);
	assert_string_equal(id, "INV-2020-21-0112345-W12");
	/* a billed reprint's (docs/rules.md §15.5): -R<n>, the first too */
	invoice_id_format(id, sizeof id, &c, 112345, -1);
	assert_string_equal(id, "INV-2020-21-0112345-R1");
	invoice_id_format(id, sizeof id, &c, 3768338, -3);
	assert_string_equal(id, "INV-2020-21-3768338-R3");
}

static void lines_per_item_and_envelopes(void **state)
{
	(void)state;
	config c;
	priced(&c);
	uint64_t qty[SHIP_COUNT][2] = { { 10, 3 }, { 0, 7 }, { 5, 0 } };
	invoice_line l[2 * SHIP_COUNT];
	const size_t n = invoice_lines(&c, qty, l);
	assert_int_equal(n, 4);   /* the two zero quantities make no line */
	const struct {
		int item, env;
		uint64_t q;
		int64_t unit;
	} want[] = {
		{ SHIP_AUGUST, 0, 10, 148 },
		{ SHIP_AUGUST, 1, 3, 200 },
		{ SHIP_WINTER, 1, 7, 200 },    /* science/Spanish: CAASPP prices */
		{ SHIP_ELPAC, 0, 5, 131 },
	};
	int64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(l[i].item, want[i].item);
		assert_int_equal(l[i].envelopes, want[i].env);
		assert_int_equal(l[i].quantity, want[i].q);
		assert_int_equal(l[i].unit_cents, want[i].unit);
		assert_int_equal(l[i].amount_cents, (int64_t)want[i].q * want[i].unit);
		total += l[i].amount_cents;
	}
	assert_int_equal(total, 1480 + 600 + 1400 + 655);

	/* ELPAC with envelopes at ELPAC's envelope price */
	uint64_t q2[SHIP_COUNT][2] = { { 0, 0 }, { 0, 0 }, { 0, 2 } };
	assert_int_equal(invoice_lines(&c, q2, l), 1);
	assert_int_equal(l[0].unit_cents, 257);
	assert_int_equal(l[0].amount_cents, 514);

	/* nothing billed: no lines */
	uint64_t q0[SHIP_COUNT][2] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };
	assert_int_equal(invoice_lines(&c, q0, l), 0);
	assert_string_equal(invoice_item_code[SHIP_AUGUST], "ela_math_sets");
	assert_string_equal(invoice_item_code[SHIP_WINTER], "science_spanish_pairs");
	assert_string_equal(invoice_item_code[SHIP_ELPAC], "elpac_sets");
}

/* A statewide LEA at the highest price the config allows: cents exact,
 * no float rounding, no overflow. */
static void large_amounts_exact(void **state)
{
	(void)state;
	config c;
	priced(&c);
	c.program[PROGRAM_CAASPP].set_price_cents = 100000000;   /* $1,000,000.00 */
	c.program[PROGRAM_CAASPP].envelope_set_price_cents = 99999999;
	uint64_t qty[SHIP_COUNT][2] = { { 3200001, 1300003 }, { 0, 0 }, { 0, 0 } };
	invoice_line l[2 * SHIP_COUNT];
	assert_int_equal(invoice_lines(&c, qty, l), 2);
	assert_true(l[0].amount_cents == 320000100000000LL);
	assert_true(l[1].amount_cents == 1300003LL * 99999999LL);
	char d[64];
	invoice_dollars(d, sizeof d, l[0].amount_cents);
	assert_string_equal(d, "$3,200,001,000,000.00");
}

/* The invoice total is the sum of the amounts of its lines: every line
 * counts once, an LEA with no lines totals 0, and cents stay exact at the
 * largest amounts the config allows. */
static void total_is_sum_of_lines(void **state)
{
	(void)state;
	config c;
	priced(&c);
	uint64_t qty[SHIP_COUNT][2] = { { 10, 3 }, { 4, 7 }, { 5, 2 } };
	invoice_line l[2 * SHIP_COUNT];
	size_t n = invoice_lines(&c, qty, l);
	assert_int_equal(n, 6);
	assert_int_equal(invoice_total_cents(l, n),
			 10 * 148 + 3 * 200 + 4 * 148 + 7 * 200 + 5 * 131 + 2 * 257);
	assert_int_equal(invoice_total_cents(l, 1), 10 * 148);
	assert_int_equal(invoice_total_cents(l, 0), 0);

	c.program[PROGRAM_CAASPP].set_price_cents = 100000000;
	c.program[PROGRAM_CAASPP].envelope_set_price_cents = 100000000;
	c.program[PROGRAM_ELPAC].envelope_set_price_cents = 100000000;
	uint64_t big[SHIP_COUNT][2] = { { 3200001, 1300003 }, { 0, 2000001 }, { 0, 900009 } };
	n = invoice_lines(&c, big, l);
	assert_int_equal(n, 4);
	assert_true(invoice_total_cents(l, n) == (3200001LL + 1300003 + 2000001 + 900009) * 100000000LL);
}

static void dollars(void **state)
{
	(void)state;
	char d[64];
	invoice_dollars(d, sizeof d, 0);
	assert_string_equal(d, "$0.00");
	invoice_dollars(d, sizeof d, 5);
	assert_string_equal(d, "$0.05");
	invoice_dollars(d, sizeof d, 148);
	assert_string_equal(d, "$1.48");
	invoice_dollars(d, sizeof d, 99999);
	assert_string_equal(d, "$999.99");
	invoice_dollars(d, sizeof d, 123456);
	assert_string_equal(d, "$1,234.56");
	invoice_dollars(d, sizeof d, 100000000);
	assert_string_equal(d, "$1,000,000.00");
	invoice_dollars(d, sizeof d, -123456);
	assert_string_equal(d, "-$1,234.56");
}

/* Read a whole small file into a NUL-terminated string. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char buf[8192];
	const size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* invoices.csv: one row per line under the invoice's id, amounts in cents,
 * the total the sum of the lines. */
static void csv_rows(void **state)
{
	(void)state;
	config c;
	priced(&c);
	char path[300];
	const char *tmp = getenv("TMPDIR");
	snprintf(path, sizeof path, "%s/ssrfill-test-invoice-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	const int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	outstream *o;
	assert_int_equal(outstream_open(&o, path, OUT_NO_FSYNC | OUT_CSV_SAFE), ST_OK);
	invoice_csv_header(o);
	invoice_line l[] = {
		{ .item = SHIP_ELPAC, .envelopes = 1, .quantity = 3, .ordered_by = ORDERED_LEA,
		  .po_number = "PO-2" },
		{ .item = SHIP_AUGUST, .envelopes = 0, .quantity = 2, .ordered_by = ORDERED_SCHOOL,
		  .school = 7, .po_number = "=PO-1" },
		{ .item = SHIP_AUGUST, .envelopes = 0, .quantity = 1, .ordered_by = ORDERED_INDIVIDUAL,
		  .po_number = "" },
	};
	for (size_t i = 0; i < 3; i++)
		invoice_price(&c, &l[i]);
	const size_t n = invoice_sort(l, 3);
	/* 2019-08-01, due 30 days later */
	invoice_doc doc = { .lea = 112345, .number = 1, .lea_name = "Small Elementary",
			    .po_numbers = "=PO-1; PO-2", .invoice_date = 1564617600,
			    .due_date = invoice_due_date(1564617600, 30), .lines = l, .n = n,
			    .total_cents = -1 };
	invoice_write(o, &c, &doc);
	assert_int_equal(outstream_close(o), ST_OK);
	assert_int_equal(doc.total_cents, 2 * 148 + 1 * 148 + 3 * 257);
	const char *text = slurp(path);
	assert_string_equal(text,
		"invoice_id,lea_code,item,envelopes,quantity,unit_cents,amount_cents,lea_name,po_numbers,"
		"po_number,ordered_by,school_code,invoice_date,due_date\n"
		"INV-2018-19-0112345,0112345,ela_math_sets,N,2,148,296,Small Elementary,\"'=PO-1; PO-2\","
		"\"'=PO-1\",school,0000007,2019-08-01,2019-08-31\n"
		"INV-2018-19-0112345,0112345,ela_math_sets,N,1,148,148,Small Elementary,\"'=PO-1; PO-2\","
		",parent,,2019-08-01,2019-08-31\n"
		"INV-2018-19-0112345,0112345,elpac_sets,Y,3,257,771,Small Elementary,\"'=PO-1; PO-2\","
		"PO-2,lea,,2019-08-01,2019-08-31\n");
	unlink(path);
}

/* A row ordered individually (Paper SSR Selection, no order) is billed to
 * its LEA at the set price, never the envelope price; here two individual
 * SB sets and one ELPAC set of an LEA with no order at all. */
static void individual_orders_billed_to_lea(void **state)
{
	(void)state;
	config c;
	priced(&c);
	orders *o;
	assert_int_equal(orders_new(&o, &c), ST_OK);
	const enum report reports[] = { REPORT_SB, REPORT_SB, REPORT_ELPAC, REPORT_CAST };
	const int paper[] = { 1, 1, 1, 0 };
	uint64_t qty[SHIP_COUNT][2] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };
	for (size_t i = 0; i < 4; i++) {
		student s;
		memset(&s, 0, sizeof s);
		s.ssid = 1000000000u + i;
		s.lea = 1964733;
		s.school = 1;
		s.grade = 7;
		s.report = (uint8_t)reports[i];
		s.ssr_language = LANG_NONE;
		s.paper_ssr = (uint8_t)paper[i];
		set_plan p;
		fulfil_plan(&c, o, &s, &p);
		if (p.delivery == DELIVERY_ELECTRONIC)
			continue;
		assert_int_equal(p.ordered_by, ORDERED_INDIVIDUAL);
		qty[report_table[s.report].shipment][p.envelopes ? 1 : 0]++;
	}
	invoice_line l[2 * SHIP_COUNT];
	const size_t n = invoice_lines(&c, qty, l);
	assert_int_equal(n, 2);
	assert_int_equal(l[0].item, SHIP_AUGUST);
	assert_int_equal(l[0].envelopes, 0);
	assert_int_equal(l[0].quantity, 2);
	assert_int_equal(l[0].amount_cents, 2 * 148);
	assert_int_equal(l[1].item, SHIP_ELPAC);
	assert_int_equal(l[1].quantity, 1);
	assert_int_equal(l[1].amount_cents, 131);
	orders_free(o);
}

/* Days as unix seconds at UTC midnight. */
#define DAY(y, m, d) day_of(y, m, d)
static int64_t day_of(int y, int m, int d)
{
	/* days_from_civil (Hinnant), independent of invoice.c's inverse */
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400;
}

static void due(char *buf, size_t cap, int64_t date, int terms)
{
	invoice_date_format(buf, cap, invoice_due_date(date, terms));
}

/* The invoice date and its due date: terms_days calendar days later,
 * across month ends, February of leap and common years (2000 is a leap
 * year, 2100 is not) and the year's end; terms 0 is due the same day; a
 * time of day counts as its day. */
static void dates_and_due_dates(void **state)
{
	(void)state;
	char b[16];
	invoice_date_format(b, sizeof b, 1564617600);
	assert_string_equal(b, "2019-08-01");
	invoice_date_format(b, sizeof b, 1564617600 + 86399);   /* 23:59:59 the same day */
	assert_string_equal(b, "2019-08-01");
	invoice_date_format(b, sizeof b, 0);
	assert_string_equal(b, "1970-01-01");
	assert_true(invoice_day(1564617600 + 3600) == 1564617600);
	assert_true(DAY(2019, 8, 1) == 1564617600);

	due(b, sizeof b, DAY(2019, 8, 1), 30);
	assert_string_equal(b, "2019-08-31");
	due(b, sizeof b, DAY(2019, 8, 1), 0);   /* Net 0: due the day of the invoice */
	assert_string_equal(b, "2019-08-01");
	due(b, sizeof b, DAY(2019, 8, 1) + 50000, 0);   /* due dates are days too */
	assert_string_equal(b, "2019-08-01");
	due(b, sizeof b, DAY(2020, 2, 15), 30);   /* 2020 is a leap year: Feb 29 counts */
	assert_string_equal(b, "2020-03-16");
	due(b, sizeof b, DAY(2019, 2, 15), 30);
	assert_string_equal(b, "2019-03-17");
	due(b, sizeof b, DAY(2020, 2, 28), 1);
	assert_string_equal(b, "2020-02-29");
	due(b, sizeof b, DAY(2000, 2, 28), 1);    /* divisible by 400: leap */
	assert_string_equal(b, "2000-02-29");
	due(b, sizeof b, DAY(2100, 2, 28), 1);    /* divisible by 100 only: not */
	assert_string_equal(b, "2100-03-01");
	due(b, sizeof b, DAY(2019, 12, 15), 30);  /* over the year's end */
	assert_string_equal(b, "2020-01-14");
	due(b, sizeof b, DAY(2020, 1, 1), 365);   /* the longest terms, in a leap year */
	assert_string_equal(b, "2020-12-31");
	due(b, sizeof b, DAY(2019, 1, 1), 365);
	assert_string_equal(b, "2020-01-01");
	/* every day of four years against the independent calendar above */
	for (int64_t t = DAY(2019, 1, 1); t < DAY(2023, 1, 1); t += 86400) {
		invoice_date_format(b, sizeof b, t);
		int y, m, d;
		assert_int_equal(sscanf(b, "%d-%d-%d", &y, &m, &d), 3);
		assert_true(DAY(y, m, d) == t);
	}
}

static orders *orders_of(const config *c, const char *const *rows)
{
	static const char *const header[] = {
		"lea_code", "school_code", "program", "envelopes", "paper_size",
		"po_number", "ordered_on", "cancelled_on",
	};
	enum { NCOL = sizeof header / sizeof header[0] };
	orders *o;
	assert_int_equal(orders_new(&o, c), ST_OK);
	size_t lens[NCOL];
	for (size_t i = 0; i < NCOL; i++)
		lens[i] = strlen(header[i]);
	char err[256];
	assert_int_equal(orders_set_header(o, header, lens, NCOL, err, sizeof err), 0);
	for (size_t k = 0; rows[k]; k++) {
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
		assert_int_equal(r.verdict, ORDER_ACTIVE);
	}
	return o;
}

/* docs/rules.md §16.4: sets planned as a run plans them (fulfil_plan), keyed
 * as run_pack.c keys them (qty_key_of_set), billed as run_bill.c bills them:
 * each line carries the PO of the order that printed its sets — school 2's
 * own order, the LEA-wide order for the other schools, none for the
 * parents' — never another PO of the LEA; the parents' sets are a line of
 * their own; and the total is what one line per item gives. */
static void each_line_names_the_order_that_printed_it(void **state)
{
	(void)state;
	config c;
	priced(&c);
	static const char *const rows[] = {
		"1964733,,CAASPP,N,,PO-LEA,2019-05-01,",
		"1964733,0000002,CAASPP,Y,,PO-SCHOOL-2,2019-05-02,",
		"1964733,0000003,ELPAC,N,,PO-ELPAC-3,2019-05-03,",
		"1964733,0000004,CAASPP,N,,,2019-05-04,",   /* a school order without a PO */
		NULL,
	};
	orders *o = orders_of(&c, rows);
	struct { uint32_t school; enum report report; int paper_ssr; } sets[] = {
		{ 1, REPORT_SB, 0 }, { 1, REPORT_SB, 0 }, { 1, REPORT_CAST, 0 },   /* LEA-wide */
		{ 2, REPORT_SB, 0 }, { 2, REPORT_SB, 0 }, { 2, REPORT_SB, 0 },     /* school 2, envelopes */
		{ 3, REPORT_ELPAC, 0 },                                          /* school 3's ELPAC order */
		{ 4, REPORT_SB, 0 },                                             /* school 4, no PO */
		{ 5, REPORT_ELPAC, 1 }, { 1, REPORT_ELPAC, 1 },                  /* parents' (no ELPAC order) */
		{ 6, REPORT_ELPAC, 0 },                                          /* electronic */
	};
	u64map *m;
	assert_int_equal(u64map_new(&m), ST_OK);
	uint64_t per_item[SHIP_COUNT][2] = { { 0 } };
	for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
		student s;
		memset(&s, 0, sizeof s);
		s.ssid = 1000000000u + i;
		s.lea = 1964733;
		s.school = sets[i].school;
		s.grade = 7;
		s.report = (uint8_t)sets[i].report;
		s.ssr_language = LANG_NONE;
		s.paper_ssr = (uint8_t)sets[i].paper_ssr;
		set_plan p;
		fulfil_plan(&c, o, &s, &p);
		if (p.delivery == DELIVERY_ELECTRONIC)
			continue;
		setrec r;
		memset(&r, 0, sizeof r);
		r.lea = s.lea;
		r.school = s.school;
		r.report = s.report;
		r.envelopes = p.envelopes;
		r.ordered_by = p.ordered_by;
		const unsigned sh = report_table[s.report].shipment;
		uint64_t *v = u64map_slot(m, qty_key_of_set(o, r.lea, sh, &r));
		assert_non_null(v);
		++*v;
		per_item[sh][p.envelopes ? 1 : 0]++;
	}
	uint64_t *keys;
	const long nk = u64map_sorted_keys(m, &keys);
	assert_int_equal(nk, 6);
	size_t n_active;
	const order *active = orders_active(o, &n_active);
	invoice_line l[8];
	for (long i = 0; i < nk; i++) {
		const qty_key q = qty_key_unpack(keys[i]);
		assert_int_equal(q.lea, 1964733);
		const order *ord = q.order ? &active[q.order - 1] : NULL;
		l[i] = (invoice_line){ .item = (int)q.shipment, .envelopes = (int)q.envelopes,
				       .quantity = *u64map_get(m, keys[i]), .ordered_by = (int)q.ordered_by,
				       .school = ord && q.ordered_by == ORDERED_SCHOOL ? ord->school : 0,
				       .po_number = ord ? ord->po_number : "" };
		invoice_price(&c, &l[i]);
	}
	const size_t n = invoice_sort(l, (size_t)nk);
	const struct {
		int item, env, by;
		uint32_t school;
		const char *po;
		uint64_t q;
		int64_t unit;
	} want[] = {
		{ SHIP_AUGUST, 0, ORDERED_LEA, 0, "PO-LEA", 2, 148 },
		{ SHIP_AUGUST, 0, ORDERED_SCHOOL, 4, "", 1, 148 },
		{ SHIP_AUGUST, 1, ORDERED_SCHOOL, 2, "PO-SCHOOL-2", 3, 200 },
		{ SHIP_WINTER, 0, ORDERED_LEA, 0, "PO-LEA", 1, 148 },
		{ SHIP_ELPAC, 0, ORDERED_SCHOOL, 3, "PO-ELPAC-3", 1, 131 },
		{ SHIP_ELPAC, 0, ORDERED_INDIVIDUAL, 0, "", 2, 131 },
	};
	assert_int_equal(n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(l[i].item, want[i].item);
		assert_int_equal(l[i].envelopes, want[i].env);
		assert_int_equal(l[i].ordered_by, want[i].by);
		assert_int_equal(l[i].school, want[i].school);
		assert_string_equal(l[i].po_number, want[i].po);
		assert_int_equal(l[i].quantity, want[i].q);
		assert_int_equal(l[i].unit_cents, want[i].unit);
	}
	assert_string_equal(invoice_ordered_by_name(l[0].ordered_by), "lea");
	assert_string_equal(invoice_ordered_by_name(l[1].ordered_by), "school");
	assert_string_equal(invoice_ordered_by_name(l[5].ordered_by), "parent");
	/* the same total as one line per item and envelope option */
	invoice_line one[2 * SHIP_COUNT];
	const size_t n1 = invoice_lines(&c, (const uint64_t (*)[2])per_item, one);
	assert_true(invoice_total_cents(l, n) == invoice_total_cents(one, n1));
	mem_free(keys);
	u64map_free(m);
	orders_free(o);
}

/* A qty_key keeps its fields, and one LEA's keys sort together, by
 * shipment, then envelopes. */
static void qty_keys_round_trip(void **state)
{
	(void)state;
	const qty_key k = { 9999999, SHIP_ELPAC, 1, ORDERED_SCHOOL, ((uint64_t)1 << QTY_ORDER_BITS) - 1 };
	const qty_key u = qty_key_unpack(qty_key_pack(k));
	assert_int_equal(u.lea, k.lea);
	assert_int_equal(u.shipment, k.shipment);
	assert_int_equal(u.envelopes, k.envelopes);
	assert_int_equal(u.ordered_by, k.ordered_by);
	assert_true(u.order == k.order);
	assert_true(qty_key_pack((qty_key){ 5, SHIP_AUGUST, 1, ORDERED_INDIVIDUAL, 0 }) <
		    qty_key_pack((qty_key){ 5, SHIP_WINTER, 0, ORDERED_LEA, 1 }));
	assert_true(qty_key_pack((qty_key){ 5, SHIP_ELPAC, 1, ORDERED_SCHOOL, 77 }) <
		    qty_key_pack((qty_key){ 6, SHIP_AUGUST, 0, ORDERED_NONE, 0 }));
}

/* The copy an invoice is queued as holds its own lines and strings (the
 * caller reuses its buffers for the next LEA), bill-to included. */
static void a_queued_invoice_is_a_copy(void **state)
{
	(void)state;
	char po[16] = "PO-9", name[32] = "Small Elementary", attn[32] = "Accounts Payable";
	invoice_line l[2] = {
		{ .item = SHIP_AUGUST, .quantity = 2, .ordered_by = ORDERED_LEA, .po_number = po },
		{ .item = SHIP_ELPAC, .quantity = 1, .ordered_by = ORDERED_INDIVIDUAL, .po_number = "" },
	};
	const ship_to st = { 112345, name, attn, "1 Main St", "", "Fresno", "CA", "93701", "" };
	const invoice_doc src = { .lea = 112345, .number = 2, .lea_name = name, .po_numbers = po,
				  .bill_to = &st, .invoice_date = 86400, .due_date = 86400 * 31,
				  .lines = l, .n = 2, .total_cents = 5 };
	const size_t need = invoice_doc_copy_size(&src);
	void *mem = malloc(need + 64);
	memset(mem, 0x5a, need + 64);
	invoice_doc dst;
	invoice_doc_copy(&dst, &src, mem);
	for (size_t i = 0; i < 64; i++)
		assert_int_equal(((unsigned char *)mem)[need + i], 0x5a);   /* within its size */
	strcpy(po, "XXXX");
	strcpy(name, "gone");
	strcpy(attn, "gone");
	l[0].quantity = 99;
	assert_string_equal(dst.lines[0].po_number, "PO-9");
	assert_int_equal(dst.lines[0].quantity, 2);
	assert_string_equal(dst.lines[1].po_number, "");
	assert_string_equal(dst.lea_name, "Small Elementary");
	assert_string_equal(dst.po_numbers, "PO-9");
	assert_non_null(dst.bill_to);
	assert_string_equal(dst.bill_to->attention, "Accounts Payable");
	assert_string_equal(dst.bill_to->city, "Fresno");
	assert_true(dst.due_date == 86400 * 31 && dst.n == 2 && dst.number == 2);
	free(mem);
}

/* The printed invoice with a directory row: BILL TO is the directory's
 * name, attention, address, city, state, ZIP and phone with the LEA code;
 * REMIT TO the [shipper]; the date, terms and due date; each line's order.
 * Without a row, the LEA's name and code only.  Read back with pdftotext. */
static void pdf_bill_to_remit_to_and_terms(void **state)
{
	(void)state;
	if (system("command -v pdftotext >/dev/null 2>&1") != 0)
		skip();
	char dir[64] = "/tmp/test_invoice.XXXXXX", out[96], cmd[512];
	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof out, "%s/out", dir);
	outdir *d;
	assert_int_equal(outdir_begin(&d, out, 0, NULL), ST_OK);
	assert_int_equal(outdir_mkdir(d, "invoices"), ST_OK);
	pdf_canvas *pc;
	assert_int_equal(pdf_canvas_new(&pc, 1564617600, 1), ST_OK);
	config c;
	priced(&c);
	c.billing.terms_days = 0;
	snprintf(c.shipper.name, sizeof c.shipper.name, "Remit Test Press");
	invoice_line l[] = {
		{ .item = SHIP_AUGUST, .quantity = 3, .ordered_by = ORDERED_SCHOOL, .school = 42,
		  .po_number = "PO-SCH-42" },
		{ .item = SHIP_AUGUST, .quantity = 1, .ordered_by = ORDERED_INDIVIDUAL, .po_number = "" },
	};
	for (size_t i = 0; i < 2; i++)
		invoice_price(&c, &l[i]);
	const ship_to st = { 1964733, "Los Angeles Unified School District", "Accounts Payable",
			     "333 S Beaudry Ave", "Suite 1200", "Los Angeles", "CA", "90017-1466",
			     "(213) 555-0100" };
	/* --invoice-date 2020-02-29, Net 0 */
	invoice_doc doc = { .lea = 1964733, .number = 1, .lea_name = "LAUSD (from the scores)",
			    .po_numbers = "PO-SCH-42", .bill_to = &st, .invoice_date = 1582934400,
			    .due_date = invoice_due_date(1582934400, 0), .lines = l, .n = 2,
			    .total_cents = 3 * 148 + 148 };
	assert_int_equal(invoice_pdf_write(pc, d, &c, &doc), ST_OK);
	doc.lea = 1111111;   /* an LEA the directory lacks */
	doc.bill_to = NULL;
	assert_int_equal(invoice_pdf_write(pc, d, &c, &doc), ST_OK);
	assert_int_equal(outdir_commit(d), ST_OK);
	snprintf(cmd, sizeof cmd, "pdftotext -layout %s/invoices/1964733.pdf %s/a.txt && "
		 "pdftotext -layout %s/invoices/1111111.pdf %s/b.txt", out, dir, out, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "%s/a.txt", dir);
	char *text = slurp(cmd);
	static const char *const want[] = {
		"BILL TO", "Los Angeles Unified School District", "Attn: Accounts Payable",
		"333 S Beaudry Ave", "Suite 1200", "Los Angeles, CA 90017-1466", "(213) 555-0100",
		"LEA 1964733", "REMIT TO", "Remit Test Press", "1200 Distribution Way",
		"West Sacramento, CA 95691", "Date: 2020-02-29", "Terms: Net 0", "Due: 2020-02-29",
		"Order of school 0000042, PO number: PO-SCH-42", "Ordered individually by parents",
		"Page 1 of 1",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(text, want[i]))
			fail_msg("the invoice lacks \"%s\":\n%s", want[i], text);
	assert_null(strstr(text, "LAUSD (from the scores)"));
	snprintf(cmd, sizeof cmd, "%s/b.txt", dir);
	text = slurp(cmd);
	assert_non_null(strstr(text, "LAUSD (from the scores)"));
	assert_non_null(strstr(text, "LEA 1111111"));
	assert_null(strstr(text, "Beaudry"));
	outdir_free(d);
	pdf_canvas_free(pc);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(invoice_ids),
		cmocka_unit_test(lines_per_item_and_envelopes),
		cmocka_unit_test(large_amounts_exact),
		cmocka_unit_test(total_is_sum_of_lines),
		cmocka_unit_test(dollars),
		cmocka_unit_test(csv_rows),
		cmocka_unit_test(individual_orders_billed_to_lea),
		cmocka_unit_test(dates_and_due_dates),
		cmocka_unit_test(each_line_names_the_order_that_printed_it),
		cmocka_unit_test(qty_keys_round_trip),
		cmocka_unit_test(a_queued_invoice_is_a_copy),
		cmocka_unit_test(pdf_bill_to_remit_to_and_terms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
