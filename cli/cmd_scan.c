/*
 * cmd_scan.c: `ssrfill scan --ledger F [--station NAME]` (docs/rules.md
 * §15.4): the packing table's barcode scanner.  It reads box ids from
 * standard input, one a line (a scanner types the label's Code 128 content
 * and Enter), and answers each line at once, one line on standard output,
 * flushed:
 *
 *   OK august-1964733-0002 LEA 1964733 box 2 of 3, wave 1: 2 of 3 scanned
 *   AGAIN august-1964733-0002 LEA 1964733 box 2 of 3, wave 1: scanned
 *         2026-11-30 10:00:00 UTC at dock1 (2 of 3 scanned)          (one line)
 *   VOID august-1964733-0002 LEA 1964733: replaced by a reprint (...); do not ship it
 *   UNKNOWN "xyz": not a box of this ledger
 *   BUSY august-1964733-0002: ... not recorded, scan it again
 *
 * Each line is one ledger_scan: one committed transaction, so the answer is
 * printed only once the scan is on disk, and a scanner killed at any point
 * loses no scan it answered.  Empty lines (an Enter with nothing scanned)
 * are skipped.  Another writer holding the ledger past the busy wait (a
 * `run` committing) gets BUSY for that line, nothing recorded, and the
 * scanner goes on with the next: the operator scans the box again.  Any
 * other failure stops the command (exit 3).  A ledger that does not exist
 * is refused (exit 1), not created: only `run --ledger` starts a season.  At the end of input one tally
 * line goes to standard error and the exit is 0.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../engine/student.h"
#include "../ledger/ledger.h"
#include "cli.h"

static void answer(FILE *out, const ledger_scan_answer *a)
{
	const char *name = ledger_scan_result_name[a->result];
	if (a->result == LEDGER_SCAN_UNKNOWN) {
		fprintf(out, "%s \"%s\": not a box of this ledger\n", name, a->box_id);
		return;
	}
	fprintf(out, "%s %s LEA %07" PRIu32, name, a->box_id, a->lea);
	if (a->result == LEDGER_SCAN_VOID) {
		fprintf(out, ": void, replaced by a reprint%s%s; do not ship it\n",
			a->replaced_by[0] ? " " : "", a->replaced_by);
		return;
	}
	if (a->wave)
		fprintf(out, " box %" PRIu32 " of %" PRIu32 ", wave %d: ", a->wave_box_no,
			a->wave_box_count, a->wave);
	else   /* a students' reprint box (docs/rules.md §15.5): counted among the LEA's reprint boxes */
		fprintf(out, " box %" PRIu32 " of %" PRIu32 ", reprints: ", a->wave_box_no,
			a->wave_box_count);
	if (a->result == LEDGER_SCAN_AGAIN) {
		char when[40] = "";
		const time_t t = (time_t)a->first_at;
		struct tm tm;
		if (a->first_at > 0 && gmtime_r(&t, &tm))
			strftime(when, sizeof when, " %Y-%m-%d %H:%M:%S UTC", &tm);
		fprintf(out, "scanned before%s%s%s (", when, a->first_station[0] ? " at " : "",
			a->first_station);
	}
	fprintf(out, "%" PRIu32 " of %" PRIu32 " scanned", a->n_scanned, a->n_boxes);
	fputs(a->result == LEDGER_SCAN_AGAIN ? ")\n" : "\n", out);
}

int cmd_scan(int argc, char **argv)
{
	const char *path = NULL, *station_arg = NULL;
	int c;
	cli_parser p;
	cli_parser_init(&p, "scan", argc, argv);
	while ((c = cli_next(&p)) > 0) {
		switch (c) {
		case OPT_LEDGER: path = p.arg; break;
		case OPT_STATION: station_arg = p.arg; break;
		}
	}
	if (c < 0 || cli_parser_finish(&p) != ST_OK)
		return p.st;
	if (!path || !*path)
		return cli_usage_error("scan", "--ledger is required: the season's ledger file");
	/* the station as the scans table keeps it: cleaned like a scan */
	char host[HOST_NAME_MAX + 1] = "";
	if (!station_arg) {
		if (gethostname(host, sizeof host - 1) != 0)
			host[0] = '\0';
		station_arg = host;
	}
	char station[LEDGER_SCAN_MAX + 1];
	{
		const char *b = station_arg;
		size_t n = 0;
		while (*b == ' ' || *b == '\t')
			b++;
		for (; b[n] && n < LEDGER_SCAN_MAX; n++)
			station[n] = (unsigned char)b[n] < 0x20 || (unsigned char)b[n] > 0x7e ? '?' : b[n];
		while (n && station[n - 1] == ' ')
			n--;
		station[n] = '\0';
		if (station_arg != host && n == 0)
			return cli_usage_error("scan", "--station wants a name, like dock1");
	}

	/* a typo must not start a new, empty season that answers UNKNOWN to
	 * every box: only `run --ledger` makes a ledger */
	struct stat sb;
	if (lstat(path, &sb) != 0 && errno == ENOENT)
		return status_fail(ST_BADINPUT, "ledger %s: no such file (`ssrfill run --ledger` "
				   "makes a ledger; scan only records in one)", path);
	ledger *lg;
	status st = ledger_open(&lg, path, NULL);
	if (st != ST_OK)
		return st;
	uint64_t n_results[LEDGER_SCAN_RESULTS] = { 0 }, n_busy = 0, n_lines = 0;
	/* a line longer than the buffer is kept cut (the rest is read and
	 * dropped): no box id is that long, so it is UNKNOWN anyway */
	char line[4 * LEDGER_SCAN_MAX];
	while (fgets(line, sizeof line, stdin)) {
		size_t len = strlen(line);
		if (len && line[len - 1] != '\n') {
			int ch;
			while ((ch = getchar()) != EOF && ch != '\n')
				;
		}
		char clean[LEDGER_SCAN_MAX + 1];
		if (ledger_scan_clean(clean, line, len) == 0)
			continue;   /* an Enter with nothing scanned */
		/* one clock for the whole scan: unix seconds, like the ledger */
		const int64_t now = (int64_t)time(NULL);
		ledger_scan_answer a;
		st = ledger_scan(lg, clean, station, now, &a);
		n_lines++;
		if (st == ST_BUSY) {
			printf("BUSY %s: %s; not recorded, scan it again\n", clean, status_detail(st));
			status_clear();
			st = ST_OK;
			n_busy++;
		} else if (st != ST_OK) {
			break;
		} else {
			n_results[a.result]++;
			answer(stdout, &a);
		}
		if (fflush(stdout) != 0) {
			st = status_fail(ST_IO, "writing the answers: standard output failed");
			break;
		}
	}
	if (st == ST_OK && ferror(stdin))
		st = status_fail(ST_IO, "reading the scans from standard input failed");
	ledger_close(lg);
	fprintf(stderr, "ssrfill scan: %" PRIu64 " scanned: %" PRIu64 " OK, %" PRIu64 " AGAIN, %"
		PRIu64 " VOID, %" PRIu64 " UNKNOWN", n_lines, n_results[LEDGER_SCAN_OK],
		n_results[LEDGER_SCAN_AGAIN], n_results[LEDGER_SCAN_VOID],
		n_results[LEDGER_SCAN_UNKNOWN]);
	if (n_busy)
		fprintf(stderr, ", %" PRIu64 " BUSY (not recorded)", n_busy);
	fputc('\n', stderr);
	return st;
}
