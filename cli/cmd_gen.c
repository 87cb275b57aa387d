/*
 * cmd_gen.c: `ssrfill gen` — a deterministic synthetic statewide score
 * reports file and its orders file (gen/synth.c does the work), or with
 * `--wave 2` the later files of the same --rows and --seed (late scores,
 * corrected and withdrawn rows, late orders: gen/synth_late.c).  Both
 * are written beside their names and renamed into place once whole, so a
 * failed or interrupted gen leaves the files that were there as they were.
 */
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>

#include "../gen/synth.h"
#include "../io/staged.h"
#include "../base/tmpfiles.h"
#include "../base/clock.h"
#include "cli.h"

int cmd_gen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rows", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "bad-rows", required_argument, NULL, 'b' },
		{ "out", required_argument, NULL, 'o' },
		{ "orders", required_argument, NULL, 'O' },
		{ "wave", required_argument, NULL, 'w' },
		{ "leas", required_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	synth_opts o;
	memset(&o, 0, sizeof o);
	o.rows = 60000;
	o.seed = 2019;
	int quiet = 0, c;
	const char *leas_path = NULL;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (cli_parse_u64(optarg, &o.rows) != 0)
				return cli_usage_error("gen", "--rows wants a whole number");
			break;
		case 's':
			if (cli_parse_u64(optarg, &o.seed) != 0)
				return cli_usage_error("gen", "--seed wants a whole number");
			break;
		case 'b':
			if (cli_parse_rate(optarg, &o.bad_rate) != 0)
				return cli_usage_error("gen", "--bad-rows wants a rate from 0 to 1");
			break;
		case 'w': {
			uint64_t w;
			if (cli_parse_u64(optarg, &w) != 0 || w < 1 || w > 2)
				return cli_usage_error("gen", "--wave wants 1 or 2");
			o.wave = (unsigned)w;
			break;
		}
		case 'o': o.students_path = optarg; break;
		case 'O': o.orders_path = optarg; break;
		case 'L': leas_path = optarg; break;
		case 'q': quiet = 1; break;
		case 'h':
			cli_print_usage("gen");
			return ST_OK;
		default:
			return cli_usage_error("gen", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("gen", "unexpected argument '%s'", argv[optind]);
	if (!o.students_path || !o.orders_path)
		return cli_usage_error("gen", "--out and --orders are required");
	status st = synth_check(&o);
	if (st != ST_OK)
		return st;
	if (staged_same_file(o.students_path, o.orders_path))
		return status_fail(ST_USAGE, "--out and --orders name the same file (%s)", o.orders_path);
	if (leas_path && (staged_same_file(leas_path, o.orders_path) || staged_same_file(leas_path, o.students_path)))
		return status_fail(ST_USAGE, "--leas names the same file as --out or --orders (%s)", leas_path);
	tmpfiles_install_signals();
	const char *outs[] = { o.students_path, o.orders_path, leas_path };
	st = cli_sweep("gen", outs, leas_path ? 3 : 2, NULL, quiet);
	const size_t n = strlen(o.students_path);
	const int zst = n >= 4 && strcmp(o.students_path + n - 4, ".zst") == 0;
	staged students = { 0 }, orders = { 0 }, leas = { 0 };
	if (st == ST_OK)
		st = staged_open(&students, o.students_path, zst ? OUT_ZSTD : 0);
	if (st == ST_OK)
		st = staged_open(&orders, o.orders_path, 0);
	if (st == ST_OK && leas_path)
		st = staged_open(&leas, leas_path, 0);
	const double t0 = clock_now();
	if (st == ST_OK)
		st = synth_write(&o, students.o, orders.o, leas_path ? leas.o : NULL);
	if (st == ST_OK && leas_path)
		st = staged_close(&leas);
	if (st == ST_OK)
		st = staged_close(&orders);
	if (st == ST_OK)
		st = staged_close(&students);
	if (st == ST_OK && leas_path)
		st = staged_commit(&leas);
	if (st == ST_OK)
		st = staged_commit(&orders);
	if (st == ST_OK)
		st = staged_commit(&students);
	staged_release(&leas);
	staged_release(&orders);
	staged_release(&students);
	if (st != ST_OK)
		tmpfiles_cleanup();
	if (st == ST_OK && !quiet)
		fprintf(stderr, "ssrfill gen: %s%llu rows%s to %s, orders to %s%s%s in %.2f s\n",
			o.wave == 2 ? "wave 2 of " : "", (unsigned long long)o.rows,
			o.wave == 2 ? " (late, corrected and gone rows)" : "",
			o.students_path, o.orders_path, leas_path ? ", the LEA directory to " : "",
			leas_path ? leas_path : "", clock_now() - t0);
	return st;
}
