/*
 * cmd_run.c: `ssrfill run`: its options, the checks made before any work
 * (the output name, --tmpdir, leftovers of killed runs swept), then the
 * job (job/run.c) and the one line that sums it up.
 */
#include <getopt.h>
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
	static const struct option longopts[] = {
		{ "students", required_argument, NULL, 's' },
		{ "orders", required_argument, NULL, 'O' },
		{ "config", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "memory", required_argument, NULL, 'm' },
		{ "threads", required_argument, NULL, 't' },
		{ "tmpdir", required_argument, NULL, 'T' },
		{ "max-reject-rate", required_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "no-documents", no_argument, NULL, 'N' },
		{ "ledger", required_argument, NULL, 'L' },
		{ "leas", required_argument, NULL, 'D' },
		{ "invoice-date", required_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	run_opts o;
	memset(&o, 0, sizeof o);
	cli_limits lim;
	cli_limits_defaults(&lim);
	int quiet = 0, c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		status bad;
		if (cli_limits_option("run", c, optarg, &lim, &bad)) {
			if (bad != ST_OK)
				return bad;
			continue;
		}
		switch (c) {
		case 's': o.students = optarg; break;
		case 'O': o.orders = optarg; break;
		case 'c': o.config_path = optarg; break;
		case 'o': o.out = optarg; break;
		case 'f': o.force = 1; break;
		case 'q': quiet = 1; break;
		case 'N': o.no_documents = 1; break;
		case 'L': o.ledger = optarg; break;
		case 'D': o.leas = optarg; break;
		case 'I':
			if (cli_parse_date(optarg, &o.invoice_date) != 0)
				return cli_usage_error("run", "--invoice-date '%s' is not a date YYYY-MM-DD", optarg);
			break;
		case 'h':
			cli_print_usage("run");
			return ST_OK;
		default:
			return cli_usage_error("run", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("run", "unexpected argument '%s'", argv[optind]);
	if (!o.students || !o.orders || !o.out)
		return cli_usage_error("run", "--students, --orders and --out are required");
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
