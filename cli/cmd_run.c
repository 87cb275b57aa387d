/*
 * cmd_run.c: `ssrfill run`: its options, the checks made before any work
 * (the output name, --tmpdir, leftovers of killed runs swept), then the
 * job (job/run.c) and the one line that sums it up.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../base/tmpfiles.h"
#include "../engine/invoice.h"
#include "../io/instream.h"
#include "../io/outdir.h"
#include "../job/run.h"
#include "cli.h"
#include "progress_line.h"

static void print_warning(const char *line, void *arg)
{
	progress_line_printf("ssrfill %s: warning: %s", (const char *)arg, line);
}

status cli_run_prepare(const char *cmd, run_opts *o, const cli_limits *lim, int quiet)
{
	o->memory = lim->memory;
	o->threads = lim->threads;
	o->tmpdir = lim->tmpdir;
	o->max_reject_rate = lim->max_reject_rate;
	o->on_warning = quiet ? NULL : print_warning;
	o->warning_arg = (void *)(uintptr_t)cmd;
	tmpfiles_install_signals();
	instream_set_window_limit(lim->memory);   /* a zstd window is memory too */
	status st = outdir_check_name(o->out);     /* before sweeping its parent */
	if (st == ST_OK)
		st = cli_check_tmpdir(lim->tmpdir);
	if (st == ST_OK)
		st = cli_sweep(cmd, &o->out, 1, lim->tmpdir, quiet);
	if (st == ST_OK)
		progress_line_start(cmd, quiet, 0);   /* cmd_run and cmd_reprint stop it after run_job */
	return st;
}

int cmd_run(int argc, char **argv)
{
	run_opts o;
	memset(&o, 0, sizeof o);
	cli_limits lim;
	cli_limits_defaults(&lim);
	cli_share share = CLI_SHARE_INIT;
	int quiet = 0, c;
	cli_parser p;
	cli_parser_init(&p, "run", argc, argv);
	while ((c = cli_next(&p)) > 0) {
		status bad;
		if (cli_limits_option("run", c, p.arg, &lim, &bad) || cli_share_option("run", c, p.arg, &share, &bad)) {
			if (bad != ST_OK)
				return bad;
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
				return cli_usage_error("run", "--invoice-date '%s' is not a date YYYY-MM-DD", p.arg);
			break;
		}
	}
	if (c < 0 || cli_parser_finish(&p) != ST_OK)
		return p.st;
	cli_share_apply(&share);
	const status ready = cli_run_prepare("run", &o, &lim, quiet);
	if (ready != ST_OK)
		return ready;
	run_summary sum;
	const status st = run_job(&o, &sum);
	progress_line_stop();
	/* a new ledger is said even with --quiet: a mistyped --ledger starts a
	 * new season, which prints and bills everything again */
	if (st == ST_OK && sum.ledger_created)
		fprintf(stderr, "ssrfill run: created the ledger %s: this run is wave 1 of a new season "
			"(if you meant an existing ledger, check its name before sending anything)\n", o.ledger);
	if (st == ST_OK && !quiet && sum.nothing_new)
		fprintf(stderr, "ssrfill run: nothing new to print: the ledger %s has printed every set of "
			"%s (%llu printed earlier, %llu electronic only, %llu rejected); summary in %s\n",
			o.ledger, o.students, (unsigned long long)sum.printed_earlier,
			(unsigned long long)sum.electronic, (unsigned long long)sum.rejected, o.out);
	if (st == ST_OK && !quiet) {
		uint64_t printed = 0, boxes = 0;
		for (int s = 0; s < SHIP_COUNT; s++) {
			printed += sum.ship[s].printed;
			boxes += sum.ship[s].boxes;
		}
		char total[48];
		invoice_dollars(total, sizeof total, sum.grand_total_cents);
		char earlier[96] = "";
		if (sum.ledger_file)
			snprintf(earlier, sizeof earlier, ", %llu printed in earlier waves",
				 (unsigned long long)sum.printed_earlier);
		fprintf(stderr, "ssrfill run: %llu rows read, %llu rejected, %llu printed in %llu boxes%s, "
			"%llu electronic only; %llu invoices totalling %s; output in %s (%.2f s)\n",
			(unsigned long long)sum.rows, (unsigned long long)sum.rejected,
			(unsigned long long)printed, (unsigned long long)boxes, earlier,
			(unsigned long long)sum.electronic, (unsigned long long)sum.invoices,
			total, o.out, sum.t_total);
	}
	return st;
}
