/*
 * cmd_sort.c: `ssrfill sort`: its options, the checks made before any work
 * (inputs and outputs distinct, --tmpdir, leftovers of killed runs swept),
 * then the job (job/sort.c) and the one line that sums it up.
 */
#include <stdio.h>
#include <string.h>

#include "../base/tmpfiles.h"
#include "../io/columns.h"
#include "../io/instream.h"
#include "../io/staged.h"
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
	const char *students = NULL, *out_path = NULL, *rejects_path = NULL;
	cli_limits lim;
	cli_limits_defaults(&lim);
	cli_share share = CLI_SHARE_INIT;
	int quiet = 0, force = 0, c;
	cli_parser p;
	cli_parser_init(&p, "sort", argc, argv);
	while ((c = cli_next(&p)) > 0) {
		status bad;
		if (cli_limits_option("sort", c, p.arg, &lim, &bad) || cli_share_option("sort", c, p.arg, &share, &bad)) {
			if (bad != ST_OK)
				return bad;
			continue;
		}
		switch (c) {
		case OPT_STUDENTS: students = p.arg; break;
		case 'o': out_path = p.arg; break;
		case OPT_REJECTS: rejects_path = p.arg; break;
		case 'f': force = 1; break;
		case 'q': quiet = 1; break;
		}
	}
	if (c < 0 || cli_parser_finish(&p) != ST_OK)
		return p.st;

	const sort_opts o = {
		.students = students, .out = out_path, .rejects = rejects_path,
		.memory = lim.memory, .threads = lim.threads, .tmpdir = lim.tmpdir,
		.max_reject_rate = lim.max_reject_rate,
		.on_notes = quiet ? NULL : print_notes, .notes_arg = (void *)students,
	};
	status st = sort_check(&o);   /* before any work, the sweep included */
	if (st == ST_OK)
		st = staged_check_new("--out", out_path, force);
	if (st == ST_OK && rejects_path)
		st = staged_check_new("--rejects", rejects_path, force);
	if (st != ST_OK)
		return st;
	cli_share_apply(&share);
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
