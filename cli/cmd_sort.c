/*
 * cmd_sort.c: `ssrfill sort` — the accepted rows of a score reports file in
 * print order (docs/rules.md §9), CSV with the input's header.
 *
 * Pipeline: student_reader (CSV, validation, duplicates, rejects) -> key
 * built once per row (student_key, no shipment byte) -> sorter, with the raw
 * record as the payload so each row comes out byte for byte as it came in
 * (its line end normalised to LF) -> output.  The output and rejects files
 * are written beside their final names and renamed into place at the end,
 * so a failed run leaves neither half-written.  Every row is read before the
 * first is written, so the reject rate is decided before a byte goes out:
 * a pipe (--out -) never receives rows of a run that then fails.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/mem.h"
#include "../base/fault.h"
#include "../sorter/sorter.h"
#include "../engine/student.h"
#include "../io/instream.h"
#include "../io/outstream.h"
#include "../io/rejects.h"
#include "../io/staged.h"
#include "../readers/student_reader.h"
#include "../base/tmpfiles.h"
#include "../base/clock.h"
#include "cli.h"
#include "../base/bytebuf.h"

typedef struct phase_times {
	double read, finish, write;
} phase_times;

/* Read every row into the sorter and sort them (runs merged down to the
 * last pass); nothing is written yet. */
static status sort_rows(student_reader *rd, sorter *so, phase_times *pt)
{
	double t = clock_now();
	collator *coll;
	status st = collator_new(&coll);
	if (st != ST_OK)
		return st;
	bytebuf key;
	bytebuf_init(&key);
	student s;
	const csv_record *rec;
	uint64_t n_rows = 0;
	while ((st = student_reader_next(rd, &s, &rec)) == ST_OK) {
		key.len = 0;
		student_key(&s, -1, coll, &key);
		if (key.oom) {
			st = status_fail(ST_NOMEM, "out of memory building sort keys");
			break;
		}
		if ((n_rows++ & 4095) == 0)
			sorter_reserve(so, student_reader_memory(rd));
		st = sorter_add(so, key.p, key.len, rec->raw, rec->raw_len);
		if (st != ST_OK)
			break;
	}
	bytebuf_release(&key);
	collator_free(coll);
	if (st != ST_EOF)
		return st;
	sorter_reserve(so, student_reader_memory(rd));
	pt->read = clock_now() - t;
	t = clock_now();
	if ((st = sorter_finish(so)) != ST_OK)
		return st;
	pt->finish = clock_now() - t;
	return ST_OK;
}

static status write_rows(student_reader *rd, sorter *so, outstream *out, phase_times *pt)
{
	const double t = clock_now();
	const csv_record *h = student_reader_header(rd);
	outstream_write(out, h->raw, h->raw_len);
	outstream_putc(out, '\n');
	sorter_item it;
	status st;
	while ((st = sorter_next(so, &it)) == ST_OK) {
		outstream_write(out, it.payload, it.payload_len);
		outstream_putc(out, '\n');
	}
	pt->write = clock_now() - t;
	return st == ST_EOF ? ST_OK : st;
}

/* Unknown header columns (with the closest known name) and BOMs in names,
 * on standard error before the long part of the work. */
static void warn_columns(const char *file, const student_reader *rd)
{
	const column_notes *cn = student_reader_notes(rd);
	char line[256];
	for (size_t i = 0; i < cn->n; i++) {
		columns_note_text(&cn->note[i], line, sizeof line);
		fprintf(stderr, "ssrfill sort: warning: %s: line 1: %s\n", file, line);
	}
	if (cn->more)
		fprintf(stderr, "ssrfill sort: warning: %s: line 1: %zu more columns not recognised\n",
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

	const char *clash = staged_same_file(out_path, students) ? out_path
		: rejects_path && staged_same_file(rejects_path, students) ? rejects_path : NULL;
	if (clash)
		return status_fail(ST_USAGE, "%s is the input file; write the output elsewhere, or the input is lost",
				   clash);
	if (rejects_path && staged_same_file(out_path, rejects_path))
		return status_fail(ST_USAGE, "--out and --rejects name the same file (%s)", out_path);

	const double t0 = clock_now();
	tmpfiles_install_signals();
	instream_set_window_limit(lim.memory);   /* a zstd window is memory too */
	const char *outs[] = { out_path, rejects_path };
	status st = cli_check_tmpdir(lim.tmpdir);
	if (st == ST_OK)
		st = cli_sweep("sort", outs, 2, lim.tmpdir, quiet);
	staged out = { 0 }, rej = { 0 };
	student_reader *rd = NULL;
	sorter *so = NULL;
	const sorter_opts sopts = { lim.memory, lim.threads, lim.tmpdir,
				    instream_size_hint(students) };
	if (st == ST_OK)
		st = staged_open(&out, out_path, lim.threads >= 2 ? OUT_ASYNC : 0);
	if (st == ST_OK && rejects_path) {
		st = staged_open(&rej, rejects_path, 0);
		if (st == ST_OK)
			rejects_write_header(rej.o);
	}
	if (st == ST_OK)
		st = student_reader_open(&rd, students, rej.o);
	if (st == ST_OK && !quiet)
		warn_columns(students, rd);
	if (st == ST_OK)
		st = sorter_new(&so, &sopts);
	phase_times pt = { 0, 0, 0 };
	if (st == ST_OK)
		st = sort_rows(rd, so, &pt);
	sorter_stats ss = { 0, 0, 0 };
	if (so)
		sorter_stats_get(so, &ss);

	student_counts n = { 0 };
	if (rd)
		student_reader_counts(rd, &n);
	const double rate = n.rows ? (double)n.rejected / (double)n.rows : 0;
	if (st == ST_OK && n.rows != n.accepted + n.rejected)
		st = status_fail(ST_INTERNAL, "counts do not reconcile: %llu rows read, %llu accepted, %llu rejected",
				 (unsigned long long)n.rows, (unsigned long long)n.accepted,
				 (unsigned long long)n.rejected);
	if (st == ST_OK && rej.o)
		st = staged_commit(&rej);  /* the operator needs these either way */
	if (st == ST_OK && rate > lim.max_reject_rate)
		st = status_fail(ST_REJECTS,
				 "%s: %llu of %llu rows rejected (%.2f%%), more than --max-reject-rate %.2f%%; no output written%s",
				 students, (unsigned long long)n.rejected, (unsigned long long)n.rows,
				 100 * rate, 100 * lim.max_reject_rate,
				 rejects_path ? ", see the rejects file" : "");
	if (st == ST_OK)
		st = write_rows(rd, so, out.o, &pt);
	if (st == ST_OK)
		st = staged_commit(&out);
	sorter_free(so);
	student_reader_free(rd);
	staged_release(&out);
	staged_release(&rej);
	if (st != ST_OK) {
		tmpfiles_cleanup();
		return st;
	}
	if (!quiet)
		fprintf(stderr, "ssrfill sort: %llu rows read, %llu sorted, %llu rejected (%llu duplicates) in %.2f s "
			"(read %.2f, sort %.2f, merge and write %.2f; %llu runs, %llu merge passes)\n",
			(unsigned long long)n.rows, (unsigned long long)n.accepted,
			(unsigned long long)n.rejected, (unsigned long long)n.duplicates, clock_now() - t0,
			pt.read, pt.finish, pt.write, (unsigned long long)ss.n_runs,
			(unsigned long long)ss.n_merge_passes);
	return ST_OK;
}
