/*
 * cmd_gen.c: `ssrfill gen` — a deterministic synthetic statewide score
 * reports file and its orders file (gen/synth.c does the work), or with
 * `--wave 2` the later files of the same --rows and --seed (late scores,
 * corrected and withdrawn rows, late orders: gen/synth_late.c).  Both
 * are written beside their names and renamed into place once whole, so a
 * failed or interrupted gen leaves the files that were there as they were;
 * an existing file is replaced only with --force, as every command's.
 */
#include <errno.h>
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
	synth_opts o;
	memset(&o, 0, sizeof o);
	o.rows = 60000;
	o.seed = 2019;
	cli_share share = CLI_SHARE_INIT;
	int quiet = 0, force = 0, c;
	const char *leas_path = NULL;
	cli_parser p;
	cli_parser_init(&p, "gen", argc, argv);
	while ((c = cli_next(&p)) > 0) {
		status bad;
		if (cli_share_option("gen", c, p.arg, &share, &bad)) {
			if (bad != ST_OK)
				return bad;
			continue;
		}
		switch (c) {
		case OPT_ROWS:
			if (cli_parse_u64(p.arg, &o.rows) != 0)
				return cli_usage_error("gen", "--rows wants a whole number");
			break;
		case OPT_SEED:
			if (cli_parse_u64(p.arg, &o.seed) != 0)
				return cli_usage_error("gen", "--seed wants a whole number");
			break;
		case OPT_BAD_ROWS:
			if (cli_parse_rate(p.arg, &o.bad_rate) != 0)
				return cli_usage_error("gen", "--bad-rows wants a rate from 0 to 1");
			break;
		case OPT_WAVE: {
			uint64_t w;
			if (cli_parse_u64(p.arg, &w) != 0 || w < 1 || w > 2)
				return cli_usage_error("gen", "--wave wants 1 or 2");
			o.wave = (unsigned)w;
			break;
		}
		case 'o': o.students_path = p.arg; break;
		case OPT_ORDERS: o.orders_path = p.arg; break;
		case OPT_LEAS: leas_path = p.arg; break;
		case 'f': force = 1; break;
		case 'q': quiet = 1; break;
		}
	}
	if (c < 0 || cli_parser_finish(&p) != ST_OK)
		return p.st;
	status st = synth_check(&o);
	if (st != ST_OK)
		return st;
	if (staged_same_file(o.students_path, o.orders_path))
		return status_fail(ST_USAGE, "--out and --orders name the same file (%s)", o.orders_path);
	if (leas_path && (staged_same_file(leas_path, o.orders_path) || staged_same_file(leas_path, o.students_path)))
		return status_fail(ST_USAGE, "--leas names the same file as --out or --orders (%s)", leas_path);
	st = staged_check_new("--out", o.students_path, force);
	if (st == ST_OK)
		st = staged_check_new("--orders", o.orders_path, force);
	if (st == ST_OK && leas_path)
		st = staged_check_new("--leas", leas_path, force);
	if (st != ST_OK)
		return st;
	cli_share_apply(&share);
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
