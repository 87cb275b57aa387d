/*
 * cmd_reprint.c: `ssrfill reprint` (docs/rules.md §15.5): its options, the
 * checks made before any work (as `run` makes them), then the run job in
 * its reprint mode (job/run_reprint.c) and the line that sums it up.
 *
 *   ssrfill reprint --ledger F --students F --orders F [--config F] --out DIR
 *       (--box ID ... | --ssid S ... [--report R ...]) --reason TEXT
 *       [--operator NAME] [--bill]
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../base/mem.h"
#include "../engine/invoice.h"
#include "../engine/student.h"
#include "../job/run.h"
#include "cli.h"
#include "progress_line.h"

/* A reason or operator goes into the ledger and summary.json: one line of
 * printable text, not too long to read back. */
#define REPRINT_TEXT_MAX 200

static int one_line(const char *s)
{
	const size_t n = strlen(s);
	if (!n || n > REPRINT_TEXT_MAX || strspn(s, " \t") == n)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* The operator: --operator, else $USER, else the login name of the uid. */
static const char *default_operator(void)
{
	const char *u = getenv("USER");
	if (u && one_line(u))
		return u;
	const struct passwd *pw = getpwuid(geteuid());
	return pw && pw->pw_name && one_line(pw->pw_name) ? pw->pw_name : "unknown";
}

static int parse_report(const char *s)
{
	for (int r = 0; r < REPORT_COUNT; r++)
		if (strcasecmp(s, report_table[r].code) == 0)
			return r;
	return -1;
}

/* An ssid: its digits (at most 10; leading zeros may be left off). */
static int parse_ssid(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	if (!n || n > 10 || strspn(s, "0123456789") != n)
		return -1;
	*out = strtoull(s, NULL, 10);
	return 0;
}

int cmd_reprint(int argc, char **argv)
{
	run_opts o;
	memset(&o, 0, sizeof o);
	reprint_opts ro;
	memset(&ro, 0, sizeof ro);
	cli_limits lim;
	cli_limits_defaults(&lim);
	/* at most argc of each list */
	const char **boxes = mem_calloc((size_t)argc + 1, sizeof *boxes);
	uint64_t *ssids = mem_calloc((size_t)argc + 1, sizeof *ssids);
	if (!boxes || !ssids) {
		mem_free(boxes);
		mem_free(ssids);
		return status_fail(ST_NOMEM, "out of memory");
	}
	cli_share share = CLI_SHARE_INIT;
	int quiet = 0, c;
	status st = ST_OK;
	cli_parser p;
	cli_parser_init(&p, "reprint", argc, argv);
	while (st == ST_OK && (c = cli_next(&p)) > 0) {
		status bad;
		if (cli_limits_option("reprint", c, p.arg, &lim, &bad) ||
		    cli_share_option("reprint", c, p.arg, &share, &bad)) {
			st = bad;
			continue;
		}
		switch (c) {
		case OPT_STUDENTS: o.students = p.arg; break;
		case OPT_ORDERS: o.orders = p.arg; break;
		case OPT_CONFIG: o.config_path = p.arg; break;
		case 'o': o.out = p.arg; break;
		case 'f': o.force = 1; break;
		case 'q': quiet = 1; break;
		case OPT_NO_DOCUMENTS: o.no_documents = 1; break;
		case OPT_LEDGER: o.ledger = p.arg; break;
		case OPT_LEAS: o.leas = p.arg; break;
		case OPT_INVOICE_DATE:
			if (cli_parse_date(p.arg, &o.invoice_date) != 0)
				st = cli_usage_error("reprint", "--invoice-date '%s' is not a date YYYY-MM-DD", p.arg);
			break;
		case OPT_BOX: boxes[ro.n_boxes++] = p.arg; break;
		case OPT_SSID:
			if (parse_ssid(p.arg, &ssids[ro.n_ssids]) != 0)
				st = cli_usage_error("reprint", "--ssid '%s' is not an ssid (up to 10 digits)", p.arg);
			else
				ro.n_ssids++;
			break;
		case OPT_REPORT: {
			const int r = parse_report(p.arg);
			if (r < 0)
				st = cli_usage_error("reprint", "--report '%s' is not a report code (SB, CAA, CAST, "
						     "CAAS, CSA or ELPAC)", p.arg);
			else
				ro.reports |= 1u << r;
			break;
		}
		case OPT_REASON: ro.reason = p.arg; break;
		case OPT_OPERATOR: ro.operator_name = p.arg; break;
		case OPT_BILL: ro.bill = 1; break;
		}
	}
	if (st == ST_OK && c < 0) {   /* help printed (ST_OK), or a usage error said */
		mem_free(boxes);
		mem_free(ssids);
		return p.st;
	}
	if (st == ST_OK)
		st = cli_parser_finish(&p);
	if (st == ST_OK && !ro.n_boxes == !ro.n_ssids)
		st = cli_usage_error("reprint", "give either --box (reprint whole boxes) or --ssid "
				     "(reprint students' sets), not %s", ro.n_boxes ? "both" : "neither");
	if (st == ST_OK && ro.reports && ro.n_boxes)
		st = cli_usage_error("reprint", "--report chooses among a student's reports: it goes with "
				     "--ssid, not --box");
	if (st == ST_OK && !one_line(ro.reason))
		st = cli_usage_error("reprint", "--reason must be one line of 1 to %d characters",
				     REPRINT_TEXT_MAX);
	if (st == ST_OK && !ro.operator_name)
		ro.operator_name = default_operator();
	if (st == ST_OK && !one_line(ro.operator_name))
		st = cli_usage_error("reprint", "--operator must be one line of 1 to %d characters",
				     REPRINT_TEXT_MAX);
	if (st != ST_OK) {
		mem_free(boxes);
		mem_free(ssids);
		return st;
	}
	ro.boxes = boxes;
	ro.ssids = ssids;
	o.reprint = &ro;
	cli_share_apply(&share);
	st = cli_run_prepare("reprint", &o, &lim, quiet);
	run_summary sum;
	memset(&sum, 0, sizeof sum);
	if (st == ST_OK)
		st = run_job(&o, &sum);
	progress_line_stop();
	if (st == ST_OK && !quiet) {
		uint64_t sets = 0, boxes_n = 0;
		for (int s = 0; s < SHIP_COUNT; s++) {
			sets += sum.ship[s].printed;
			boxes_n += sum.ship[s].boxes;
		}
		char total[96] = "free of charge";
		if (ro.bill) {
			char d[40];
			invoice_dollars(d, sizeof d, sum.grand_total_cents);
			snprintf(total, sizeof total, "%llu invoice%s totalling %s", (unsigned long long)sum.invoices,
				 sum.invoices == 1 ? "" : "s", d);
		}
		fprintf(stderr, "ssrfill reprint: %llu set%s reprinted in %llu box%s (%llu changed since "
			"printed), %s; output in %s (%.2f s)\n", (unsigned long long)sets, sets == 1 ? "" : "s",
			(unsigned long long)boxes_n, boxes_n == 1 ? "" : "es",
			(unsigned long long)sum.changed_since_printed, total, o.out, sum.t_total);
	}
	mem_free(boxes);
	mem_free(ssids);
	return st;
}
