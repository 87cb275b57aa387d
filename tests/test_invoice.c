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
#include "../io/outstream.h"

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
	assert_int_equal(outstream_open(&o, path, OUT_NO_FSYNC), ST_OK);
	invoice_csv_header(o);
	uint64_t qty[SHIP_COUNT][2] = { { 2, 1 }, { 0, 0 }, { 0, 3 } };
	invoice_line l[2 * SHIP_COUNT];
	const size_t n = invoice_lines(&c, qty, l);
	int64_t total = -1;
	invoice_write(o, &c, 112345, 1, "Small Elementary", "PO-1 PO-2", l, n, &total);
	assert_int_equal(outstream_close(o), ST_OK);
	assert_int_equal(total, 2 * 148 + 1 * 200 + 3 * 257);
	const char *text = slurp(path);
	assert_string_equal(text,
		"invoice_id,lea_code,item,envelopes,quantity,unit_cents,amount_cents,lea_name,po_numbers\n"
		"INV-2018-19-0112345,0112345,ela_math_sets,N,2,148,296,Small Elementary,PO-1 PO-2\n"
		"INV-2018-19-0112345,0112345,ela_math_sets,Y,1,200,200,Small Elementary,PO-1 PO-2\n"
		"INV-2018-19-0112345,0112345,elpac_sets,Y,3,257,771,Small Elementary,PO-1 PO-2\n");
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
