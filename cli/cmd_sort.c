/*
 * cmd_sort.c: `ssrfill sort`: its options, the checks made before any work
 * (inputs and outputs distinct, --tmpdir, leftovers of killed runs swept),
 * then the job (job/sort.c) and the one line that sums it up.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../base/tmpfiles.h"
#include "../io/columns.h"
#include "../io/instream.h"
#include "../job/sort.h"
#include "cli.h"
#include "progress_line.h"

/* Unknown header columns (with the closest known name) and BOMs in names,
 * on standard error before the long part of the work. */
static void print_notes(const column_notes *cn, void *arg)
{
	const char *file = arg;
	char line[256];
	for (size_t i = 0; i < cn->n; i++) {
		columns_note_text(&cn->note[i], line, sizeof line);
		progress_line_printf("ssrfill sort: warning: %s: line 1: %s", file, line);
	}
	if (cn->more)
		progress_line_printf("ssrfill sort: warning: %s: line 1: %zu more columns not recognised",
				     file, cn->more);
}

int cmd_sort(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "students", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "rejects", required_argument, NULL, 'r' },
		{ "memory", required_argument, NULL, 'm' },
		{ "threads", required_argument, NULL, 't' },
		{ "tmpdir", required_argument, NULL, 'T' },
		{ "max-reject-rate", required_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *students = NULL, *out_path = NULL, *rejects_path = NULL;
	cli_limits lim;
	cli_limits_defaults(&lim);
	int quiet = 0, c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		status bad;
		if (cli_limits_option("sort", c, optarg, &lim, &bad)) {
			if (bad != ST_OK)
				return bad;
			continue;
		}
		switch (c) {
		case 's': students = optarg; break;
		case 'o': out_path = optarg; break;
		case 'r': rejects_path = optarg; break;
		case 'q': quiet = 1; break;
		case 'h':
			cli_print_usage("sort");
			return ST_OK;
		default:
			return cli_usage_error("sort", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("sort", "unexpected argument '%s'", argv[optind]);
	if (!students || !out_path)
		return cli_usage_error("sort", "--students and --out are required");

	const sort_opts o = {
		.students = students, .out = out_path, .rejects = rejects_path,
		.memory = lim.memory, .threads = lim.threads, .tmpdir = lim.tmpdir,
		.max_reject_rate = lim.max_reject_rate,
		.on_notes = quiet ? NULL : print_notes, .notes_arg = (void *)students,
	};
	status st = sort_check(&o);   /* before any work, the sweep included */
	if (st != ST_OK)
		return st;
	tmpfiles_install_signals();
	instream_set_window_limit(lim.memory);   /* a zstd window is memory too */
	const char *outs[] = { out_path, rejects_path };
	st = cli_check_tmpdir(lim.tmpdir);
	if (st == ST_OK)
		st = cli_sweep("sort", outs, 2, lim.tmpdir, quiet);
	if (st != ST_OK)
		return st;
	sort_result r;
	progress_line_start("sort", quiet, strcmp(out_path, "-") == 0);
	st = sort_job(&o, &r);
	progress_line_stop();
	if (st != ST_OK)
		return st;
	if (!quiet && r.encoding_advice[0])
		fprintf(stderr, "ssrfill sort: warning: %s: %s\n", students, r.encoding_advice);
	if (!quiet)
		fprintf(stderr, "ssrfill sort: %llu rows read, %llu sorted, %llu rejected (%llu duplicates) in %.2f s "
			"(read %.2f, sort %.2f, merge and write %.2f; %llu runs, %llu merge passes)\n",
			(unsigned long long)r.rows, (unsigned long long)r.accepted,
			(unsigned long long)r.rejected, (unsigned long long)r.duplicates, r.t_total,
			r.t_read, r.t_sort, r.t_write, (unsigned long long)r.runs,
			(unsigned long long)r.merge_passes);
	return ST_OK;
}
