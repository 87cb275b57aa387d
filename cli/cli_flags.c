/*
 * cli_flags.c: every command's flags in one table, which drives both the
 * parsing (getopt_long's option array and short-option string are built
 * from it) and the help (`ssrfill help CMD`, `CMD --help`), so a flag
 * cannot be parsed without being documented or documented without being
 * parsed.  The man page (docs/ssrfill.1), the README and the bash
 * completion are written by hand; tests/e2e_cli.sh checks that each lists
 * exactly the flags `ssrfill help CMD` does.
 *
 *   cli_parser p;
 *   cli_parser_init(&p, "run", argc, argv);
 *   while ((c = cli_next(&p)) > 0)
 *           switch (c) { case 'o': out = p.arg; break; ... }
 *   if (c < 0 || (st = cli_parser_finish(&p)) != ST_OK)
 *           return p.st;       // help printed (ST_OK) or a usage error
 *
 * A flag's code is its short option's letter when it has one (-o, -f, -q,
 * -T, -M, -h), else an OPT_* value above any character, so short options
 * and internal codes never collide.  cli_next turns getopt's failures into
 * one message each: an unknown flag, a flag missing its value ("--memory
 * needs a value, like 64M"), including a value that is another of the
 * command's flags (`--out --force` is a forgotten DIR, not a folder named
 * "--force"); cli_parser_finish names the first required flag missing.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define HELP_FLAG { 'h', "help", NULL, NULL, "print this help on standard output and exit", NULL, 0 }
#define QUIET_FLAG(what) { 'q', "quiet", NULL, NULL, what, "off", 0 }
#define FORCE_FLAG(what) { 'f', "force", NULL, NULL, what, "off", 0 }
#define LIMIT_FLAGS \
	{ 'M', "memory", "SIZE", "64M", "working-memory budget, like 64M or 2G (1M to 1T); " \
	  "bigger inputs spill sorted runs to --tmpdir", "256M", 0 }, \
	{ 'T', "threads", "N", "4", "worker threads, 1 to 256; 0 = every core this process may use", \
	  "0, every core", 0 }, \
	{ OPT_TMPDIR, "tmpdir", "DIR", "/var/tmp", "where sorted runs are spilled; checked at the start " \
	  "(an existing folder this user can write)", "$TMPDIR, else /tmp", 0 }, \
	{ OPT_MAX_REJECT_RATE, "max-reject-rate", "R", "0.05", "fail (exit 1, nothing written) when more " \
	  "than this fraction of score report rows is rejected", "0.01", 0 }
#define SHARE_FLAGS \
	{ OPT_GROUP, "group", "NAME", "printroom", "give the outputs to this group (one you are in), " \
	  "so its members can read them; implies --mode 0640 unless --mode says otherwise", \
	  "your primary group", 0 }, \
	{ OPT_MODE, "mode", "MODE", "0640", "the outputs' permissions: 0600, 0640, 0660 (files; folders " \
	  "get x where r) or 0700, 0750, 0770; never a bit for others", "0600", 0 }

static const cli_flag run_flags[] = {
	{ OPT_STUDENTS, "students", "FILE", "students.csv.zst", "the score reports file (CSV, plain or "
	  "zstd; - = standard input)", NULL, 1 },
	{ OPT_ORDERS, "orders", "FILE", "orders.csv", "the orders file (CSV, plain or zstd)", NULL, 1 },
	{ OPT_CONFIG, "config", "FILE", "ssrfill.ini", "the INI configuration (`ssrfill config` prints "
	  "the effective one)", "built-in 2018-19 values", 0 },
	{ 'o', "out", "DIR", "out/run1", "the output folder, built beside it and renamed into place "
	  "at the end", NULL, 1 },
	FORCE_FLAG("replace an earlier run's output in DIR (without it an existing non-empty DIR "
		   "is refused, exit 2)"),
	LIMIT_FLAGS,
	QUIET_FLAG("no progress line, warnings or summary line on standard error (a progress "
		   "line is drawn only on a terminal)"),
	{ OPT_NO_DOCUMENTS, "no-documents", NULL, NULL, "write the CSVs only: no PDF packing lists, "
	  "labels or invoices", "off", 0 },
	{ OPT_LEDGER, "ledger", "FILE", "season.ledger", "the season's ledger (SQLite, created on "
	  "first use): print only what earlier waves did not", "none: a one-off run", 0 },
	{ OPT_LEAS, "leas", "FILE", "leas.csv", "the LEA directory: ship-to addresses on labels and "
	  "invoices, the carrier files", "none: labels name the LEA only", 0 },
	{ OPT_INVOICE_DATE, "invoice-date", "YYYY-MM-DD", "2019-08-15", "date the invoices (a "
	  "re-issue); the due date follows [billing] terms_days", "the day of the run, or "
	  "SOURCE_DATE_EPOCH", 0 },
	SHARE_FLAGS,
	HELP_FLAG,
};

static const cli_flag sort_flags[] = {
	{ OPT_STUDENTS, "students", "FILE", "students.csv.zst", "the score reports file (CSV, plain or "
	  "zstd; - = standard input)", NULL, 1 },
	{ 'o', "out", "FILE", "sorted.csv", "the accepted rows in print order, as CSV with the "
	  "input's header (- = standard output)", NULL, 1 },
	{ OPT_REJECTS, "rejects", "FILE", "rejects.csv", "the rejected rows: line, reason, raw",
	  "none", 0 },
	FORCE_FLAG("replace an existing --out or --rejects file (standard output, a FIFO or a "
		   "device is never refused)"),
	LIMIT_FLAGS,
	QUIET_FLAG("no progress line, warnings or summary line on standard error (a progress "
		   "line is drawn only on a terminal)"),
	SHARE_FLAGS,
	HELP_FLAG,
};

static const cli_flag gen_flags[] = {
	{ OPT_ROWS, "rows", "N", "6000000", "data rows to write, exactly", "60000", 0 },
	{ OPT_SEED, "seed", "S", "7", "the seed: the same seed and rows give the same bytes", "2019", 0 },
	{ OPT_BAD_ROWS, "bad-rows", "RATE", "0.01", "the fraction of rows replaced by malformed ones "
	  "(14 kinds)", "0", 0 },
	{ OPT_WAVE, "wave", "1|2", "2", "2: the later files of the same --rows, --seed and --bad-rows "
	  "(late, corrected and gone rows, late orders)", "1", 0 },
	{ 'o', "out", "FILE", "students.csv.zst", "the synthetic score reports file; zstd-compressed "
	  "when the name ends in .zst", NULL, 1 },
	{ OPT_ORDERS, "orders", "FILE", "orders.csv", "the orders file to write", NULL, 1 },
	{ OPT_LEAS, "leas", "FILE", "leas.csv", "also write an LEA directory of ship-to addresses "
	  "(a few LEAs left out)", "none", 0 },
	FORCE_FLAG("replace existing --out, --orders or --leas files"),
	QUIET_FLAG("no summary line on standard error"),
	SHARE_FLAGS,
	HELP_FLAG,
};

static const cli_flag config_flags[] = {
	{ OPT_CONFIG, "config", "FILE", "ssrfill.ini", "the INI file to put on top of the built-in "
	  "values", "none: the built-in values", 0 },
	HELP_FLAG,
};

static const cli_flag find_flags[] = {
	{ OPT_LEDGER, "ledger", "FILE", "season.ledger", "the season's ledger (only read)", NULL, 1 },
	{ OPT_SSID, "ssid", "SSID", "1234567890", "the student's SSID, 10 digits", NULL, 1 },
	{ OPT_JSON, "json", NULL, NULL, "one JSON object instead of the text blocks", "off", 0 },
	HELP_FLAG,
};

static const cli_flag scan_flags[] = {
	{ OPT_LEDGER, "ledger", "FILE", "season.ledger", "the season's ledger (must exist; `run "
	  "--ledger` makes it)", NULL, 1 },
	{ OPT_STATION, "station", "NAME", "dock1", "the station's name in the ledger's scans table",
	  "the host name", 0 },
	HELP_FLAG,
};

static const cli_flag status_flags[] = {
	{ OPT_LEDGER, "ledger", "FILE", "season.ledger", "the season's ledger (only read)", NULL, 1 },
	{ OPT_SHIPMENT, "shipment", "S", "august", "only this shipment: august, winter or elpac",
	  "all three", 0 },
	{ OPT_LEA, "lea", "L", "1964733", "only this LEA (its code, up to 7 digits)", "every LEA", 0 },
	{ OPT_JSON, "json", NULL, NULL, "one JSON object instead of the text lines", "off", 0 },
	{ OPT_CHECK, "check", NULL, NULL, "exit 1 while a box that is not void is unscanned",
	  "off", 0 },
	HELP_FLAG,
};

static const cli_flag reprint_flags[] = {
	{ OPT_LEDGER, "ledger", "FILE", "season.ledger", "the season's ledger: what was printed, in "
	  "which box", NULL, 1 },
	{ OPT_STUDENTS, "students", "FILE", "students.csv.zst", "the current score reports file (the "
	  "sets are reprinted from its rows)", NULL, 1 },
	{ OPT_ORDERS, "orders", "FILE", "orders.csv", "the orders file", NULL, 1 },
	{ OPT_CONFIG, "config", "FILE", "ssrfill.ini", "the INI configuration", "built-in 2018-19 "
	  "values", 0 },
	{ 'o', "out", "DIR", "out/reprint1", "the output folder, laid out as run's", NULL, 1 },
	{ OPT_BOX, "box", "ID", "august-1964733-0004", "reprint this box as <ID>-R<n> and void the "
	  "old one; give it again for more boxes", "none", 0 },
	{ OPT_SSID, "ssid", "SSID", "1234567890", "reprint this student's sets in reprint boxes of "
	  "the LEA; give it again for more students", "none", 0 },
	{ OPT_REPORT, "report", "R", "SB", "with --ssid: only this report (SB, CAA, CAST, CAAS, "
	  "CSA or ELPAC); again for more", "every report", 0 },
	{ OPT_REASON, "reason", "TEXT", "\"water damage\"", "why the reports are printed again "
	  "(\"water damage\"); it is kept in the ledger, so name no student", NULL, 1 },
	{ OPT_OPERATOR, "operator", "NAME", "jdoe", "who asked for the reprint, kept in the ledger",
	  "$USER, else the login name", 0 },
	{ OPT_BILL, "bill", NULL, NULL, "invoice the reprint (INV-<year>-<lea>-R<n>)", "off: free", 0 },
	FORCE_FLAG("replace an earlier output in DIR"),
	LIMIT_FLAGS,
	QUIET_FLAG("no progress line, warnings or summary line on standard error (a progress "
		   "line is drawn only on a terminal)"),
	{ OPT_NO_DOCUMENTS, "no-documents", NULL, NULL, "write the CSVs only: no PDF packing lists, "
	  "labels or invoices", "off", 0 },
	{ OPT_LEAS, "leas", "FILE", "leas.csv", "the LEA directory: ship-to addresses",
	  "none: labels name the LEA only", 0 },
	{ OPT_INVOICE_DATE, "invoice-date", "YYYY-MM-DD", "2019-08-15", "date the invoices (with "
	  "--bill)", "the day of the run, or SOURCE_DATE_EPOCH", 0 },
	SHARE_FLAGS,
	HELP_FLAG,
};

#define FLAGS(a) a, sizeof a / sizeof a[0]

static const cli_command commands_table[] = {
	{ "run",
	  "ssrfill run --students FILE --orders FILE --out DIR [OPTIONS]",
	  "print, box, ship and bill: every output of a run into DIR",
	  "Reads the orders and the score reports, decides what prints, sorts, packs boxes and "
	  "writes every document into DIR: print streams, manifests, packing lists, labels, "
	  "shipping files, invoices, reports and summary.json.",
	  FLAGS(run_flags) },
	{ "sort",
	  "ssrfill sort --students FILE --out FILE [OPTIONS]",
	  "the accepted rows of a score reports file in print order",
	  "Writes the accepted rows of a score reports file in print order (LEA, school, grade, "
	  "last name), byte for byte as read, with the input's header.",
	  FLAGS(sort_flags) },
	{ "gen",
	  "ssrfill gen --out FILE --orders FILE [OPTIONS]",
	  "a synthetic score reports file and its orders file",
	  "Writes a deterministic synthetic statewide file (no real student data) and its orders "
	  "file, for tests, demos and benchmarks.",
	  FLAGS(gen_flags) },
	{ "config",
	  "ssrfill config [--config FILE]",
	  "print the effective configuration",
	  "Prints the effective configuration (the built-in values with FILE on top) as an INI "
	  "file that --config reads back.",
	  FLAGS(config_flags) },
	{ "find",
	  "ssrfill find --ledger FILE --ssid SSID [--json]",
	  "where is a student's report: box, wave, printed, scanned",
	  "Every report of the student the ledger knows: its shipment and wave, LEA, school, box "
	  "and when it was printed and scanned. The ledger is only read.",
	  FLAGS(find_flags) },
	{ "scan",
	  "ssrfill scan --ledger FILE [--station NAME]",
	  "the scanning station: record boxes as they leave",
	  "Reads box ids from standard input, one a line, as a barcode scanner types them, and "
	  "answers each (OK, AGAIN, VOID, UNKNOWN or BUSY) once it is committed to the ledger.",
	  FLAGS(scan_flags) },
	{ "status",
	  "ssrfill status --ledger FILE [--shipment S] [--lea L] [--json] [--check]",
	  "boxes printed, scanned, void and missing",
	  "Per shipment, wave and LEA: the boxes printed, scanned, void and missing, with the "
	  "missing boxes' ids. The ledger is only read.",
	  FLAGS(status_flags) },
	{ "reprint",
	  "ssrfill reprint --ledger FILE --students FILE --orders FILE --out DIR\n"
	  "           (--box ID ... | --ssid SSID ... [--report R ...]) --reason TEXT\n"
	  "           [OPTIONS]",
	  "print boxes or students' sets again",
	  "Prints again what the ledger says was printed: whole boxes (--box), or students' sets "
	  "in reprint boxes (--ssid), from the current rows, free unless --bill.",
	  FLAGS(reprint_flags) },
};

const cli_command *cli_command_find(const char *name)
{
	for (size_t i = 0; i < sizeof commands_table / sizeof commands_table[0]; i++)
		if (strcmp(name, commands_table[i].name) == 0)
			return &commands_table[i];
	return NULL;
}

const cli_command *cli_command_at(size_t i)
{
	return i < sizeof commands_table / sizeof commands_table[0] ? &commands_table[i] : NULL;
}

/* Words of text from column `indent` to `width`, the first line already at
 * column `at`. */
static void wrap(FILE *f, const char *text, int at, int indent, int width)
{
	const char *p = text;
	int col = at;
	int first = 1;
	while (*p) {
		while (*p == ' ')
			p++;
		const size_t n = strcspn(p, " ");
		if (!n)
			break;
		if (!first && col + 1 + (int)n > width) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
			first = 1;
		}
		if (!first) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, n, f);
		col += (int)n;
		first = 0;
		p += n;
	}
	fputc('\n', f);
}

#define HELP_COL 30
#define HELP_WIDTH 79

void cli_print_synopsis(FILE *f, const cli_command *c)
{
	fprintf(f, "usage: %s\n", c->synopsis);
}

void cli_print_help(FILE *f, const cli_command *c)
{
	cli_print_synopsis(f, c);
	fputc('\n', f);
	wrap(f, c->about, 0, 0, HELP_WIDTH);
	fputs("\nOptions:\n", f);
	for (size_t i = 0; i < c->n_flags; i++) {
		const cli_flag *fl = &c->flags[i];
		char head[64];
		if (fl->code < 256)
			snprintf(head, sizeof head, "  -%c, --%s%s%s", fl->code, fl->name, fl->arg ? " " : "",
				 fl->arg ? fl->arg : "");
		else
			snprintf(head, sizeof head, "      --%s%s%s", fl->name, fl->arg ? " " : "",
				 fl->arg ? fl->arg : "");
		fputs(head, f);
		int col = (int)strlen(head);
		if (col + 2 > HELP_COL) {
			fprintf(f, "\n%*s", HELP_COL, "");
		} else {
			fprintf(f, "%*s", HELP_COL - col, "");
		}
		char text[512];
		if (fl->required)
			snprintf(text, sizeof text, "%s (required)", fl->what);
		else if (fl->dflt && strcmp(fl->name, "help") != 0)
			snprintf(text, sizeof text, "%s (default: %s)", fl->what, fl->dflt);
		else
			snprintf(text, sizeof text, "%s", fl->what);
		wrap(f, text, HELP_COL, HELP_COL, HELP_WIDTH);
	}
}

void cli_print_overview(FILE *f)
{
	fputs("usage: ssrfill COMMAND [OPTIONS]\n"
	      "       ssrfill help [COMMAND]\n"
	      "       ssrfill --version\n"
	      "\n"
	      "Print, box, ship and bill paper Student Score Reports.\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < sizeof commands_table / sizeof commands_table[0]; i++)
		fprintf(f, "  %-10s%s\n", commands_table[i].name, commands_table[i].summary);
	fputs("\n"
	      "Options:\n"
	      "  -V, --version           print the version and the libraries' versions and exit\n"
	      "  -h, --help              print this help and exit\n"
	      "\n"
	      "`ssrfill help COMMAND` (or `ssrfill COMMAND --help`) lists a command's flags\n"
	      "and their defaults; `man ssrfill` says more.\n"
	      "\n"
	      "Exit codes: 0 done, 1 unusable input or too many rejects, 2 usage,\n"
	      "3 I/O or resource failure.\n", f);
}

void cli_parser_init(cli_parser *p, const char *cmd, int argc, char **argv)
{
	memset(p, 0, sizeof *p);
	p->cmd = cli_command_find(cmd);
	if (!p->cmd)   /* a programming error: every cmd_* has a table */
		abort();
	p->argc = argc;
	p->argv = argv;
	p->st = ST_OK;
	size_t ns = 0;
	p->shortopts[ns++] = ':';   /* ':' on a missing value, '?' on an unknown flag */
	for (size_t i = 0; i < p->cmd->n_flags && i < CLI_MAX_FLAGS; i++) {
		const cli_flag *f = &p->cmd->flags[i];
		p->longopts[i] = (struct option){ f->name, f->arg ? required_argument : no_argument, NULL,
						  f->code };
		if (f->code < 256 && ns + 3 < sizeof p->shortopts) {
			p->shortopts[ns++] = (char)f->code;
			if (f->arg)
				p->shortopts[ns++] = ':';
		}
	}
	p->shortopts[ns] = '\0';
	optind = 1;
	opterr = 0;
}

static const cli_flag *flag_by_code(const cli_command *c, int code)
{
	for (size_t i = 0; i < c->n_flags; i++)
		if (c->flags[i].code == code)
			return &c->flags[i];
	return NULL;
}

/* The flag a word names (--name, --name=..., a unique prefix of a long
 * name, -x), or NULL: an option value that is one is a forgotten value. */
static const cli_flag *flag_named(const cli_command *c, const char *w)
{
	if (w[0] != '-' || !w[1])
		return NULL;
	if (w[1] != '-')
		return flag_by_code(c, (unsigned char)w[1]);
	const char *name = w + 2;
	const size_t n = strcspn(name, "=");
	if (!n)
		return NULL;
	const cli_flag *hit = NULL;
	for (size_t i = 0; i < c->n_flags; i++) {
		if (strncmp(c->flags[i].name, name, n) != 0)
			continue;
		if (!c->flags[i].name[n])
			return &c->flags[i];
		hit = hit ? NULL : &c->flags[i];
	}
	return hit;
}

static int missing_value(cli_parser *p, const cli_flag *f, const char *followed_by)
{
	if (followed_by)
		p->st = cli_usage_error(p->cmd->name, "--%s needs a value, like %s (it was followed by %s)",
					f->name, f->example, followed_by);
	else
		p->st = cli_usage_error(p->cmd->name, "--%s needs a value, like %s", f->name, f->example);
	return -1;
}

int cli_next(cli_parser *p)
{
	int idx = -1;
	const int c = getopt_long(p->argc, p->argv, p->shortopts, p->longopts, &idx);
	p->arg = optarg;
	if (c == -1)
		return 0;
	if (c == '?') {
		const char *w = p->argv[optind - 1];
		const cli_flag *f = strncmp(w, "--", 2) == 0 && strchr(w, '=') ? flag_named(p->cmd, w) : NULL;
		if (f && !f->arg)   /* --force=yes */
			p->st = cli_usage_error(p->cmd->name, "--%s takes no value", f->name);
		else if (strncmp(w, "--", 2) == 0)
			p->st = cli_usage_error(p->cmd->name, "unknown option '%s'", w);
		else
			p->st = cli_usage_error(p->cmd->name, "unknown option '-%c'", optopt);
		return -1;
	}
	if (c == ':') {
		const cli_flag *f = flag_by_code(p->cmd, optopt);
		if (!f) {
			p->st = cli_usage_error(p->cmd->name, "option '%s' needs a value", p->argv[optind - 1]);
			return -1;
		}
		return missing_value(p, f, NULL);
	}
	const cli_flag *f = flag_by_code(p->cmd, c);
	if (!f)
		abort();   /* getopt returns only the table's codes */
	if (c == 'h') {
		cli_print_help(stdout, p->cmd);
		p->st = fflush(stdout) == 0 ? ST_OK : status_fail(ST_IO, "cannot write the help: standard output");
		return -1;
	}
	if (f->arg && optarg) {
		const cli_flag *other = flag_named(p->cmd, optarg);
		if (other)
			return missing_value(p, f, optarg);
	}
	const size_t i = (size_t)(f - p->cmd->flags);
	if (i < CLI_MAX_FLAGS)
		p->seen[i] = 1;
	return c;
}

int cli_parser_seen(const cli_parser *p, int code)
{
	const cli_flag *f = flag_by_code(p->cmd, code);
	return f && p->seen[f - p->cmd->flags];
}

status cli_parser_finish(cli_parser *p)
{
	if (optind < p->argc)
		return p->st = cli_usage_error(p->cmd->name, "unexpected argument '%s'", p->argv[optind]);
	for (size_t i = 0; i < p->cmd->n_flags; i++) {
		const cli_flag *f = &p->cmd->flags[i];
		if (f->required && !p->seen[i])
			return p->st = cli_usage_error(p->cmd->name, "--%s is required: %s", f->name, f->what);
	}
	return ST_OK;
}
