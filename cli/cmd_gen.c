/*
 * cmd_gen.c: `ssrfill gen` — a deterministic synthetic statewide score
 * reports file and its orders file (engine/synth.c does the work).
 */
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>

#include "../engine/synth.h"
#include "../io/tmpfiles.h"
#include "cli.h"

/* A path gen may delete if interrupted: one it creates or a regular file
 * it overwrites, never "-", /dev/null or a pipe. */
static int removable(const char *path)
{
	struct stat sb;
	if (strcmp(path, "-") == 0)
		return 0;
	return stat(path, &sb) != 0 ? errno == ENOENT : S_ISREG(sb.st_mode);
}

int cmd_gen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rows", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "bad-rows", required_argument, NULL, 'b' },
		{ "out", required_argument, NULL, 'o' },
		{ "orders", required_argument, NULL, 'O' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	synth_opts o;
	memset(&o, 0, sizeof o);
	o.rows = 60000;
	o.seed = 2019;
	int quiet = 0, c;
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
		case 'o': o.students_path = optarg; break;
		case 'O': o.orders_path = optarg; break;
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
	/* an interrupted gen must not leave a file that looks complete */
	tmpfiles_install_signals();
	status st = ST_OK;
	if (removable(o.students_path))
		st = tmpfiles_add(o.students_path, 0);
	if (st == ST_OK && removable(o.orders_path))
		st = tmpfiles_add(o.orders_path, 0);
	if (st != ST_OK)
		return st;
	const double t0 = cli_now();
	st = synth_run(&o);
	tmpfiles_forget_all();
	if (st == ST_OK && !quiet)
		fprintf(stderr, "ssrfill gen: %llu rows to %s, orders to %s in %.2f s\n",
			(unsigned long long)o.rows, o.students_path, o.orders_path, cli_now() - t0);
	return st;
}
