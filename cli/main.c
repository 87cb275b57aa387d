/*
 * main.c: the ssrfill command line.  `ssrfill <command> [options]` picks a
 * cmd_* function; each returns a status, and only here does a status become
 * a message on standard error and an exit code (0 done, 1 unusable input or
 * too many rejects, 2 usage, 3 I/O or resource failure).
 */
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>

#include "cli.h"
#include "../base/calendar.h"
#include "../base/fault.h"
#include "../base/bytebuf.h"
#include "../base/mem.h"
#include "../io/staged.h"
#include "../base/tmpfiles.h"

/* jemalloc (release builds): keep freed blocks up to 1 MiB in each
 * thread's cache.  HarfBuzz's subsetter and zlib allocate and free blocks
 * of tens to hundreds of KiB for PDFs; without this each goes back to the
 * arena and is faulted in again (documents 0.16–0.26 s against 0.20–0.27 s
 * for 600,000 rows on one thread, 2026-11-23). */
const char *malloc_conf = "tcache_max:1048576";

static const char *const usage_text[][2] = {
	{ "run",
	  "usage: ssrfill run --students F --orders F [--config F] --out DIR [--force]\n"
	  "                   [--memory SIZE] [--threads N] [--tmpdir DIR] [--max-reject-rate R] [--quiet]\n"
	  "                   [--no-documents]   (CSVs only: no PDF packing lists, labels or invoices)\n"
	  "                   [--ledger FILE]    (the season's ledger: print only what earlier waves did not)\n"
	  "                   [--leas FILE]      (the LEA directory: ship-to addresses, carrier files)\n"
	  "                   [--invoice-date YYYY-MM-DD]  (date the invoices, as for a re-issue)\n" },
	{ "sort",
	  "usage: ssrfill sort --students F --out F [--rejects F] [--memory SIZE]\n"
	  "                    [--threads N] [--tmpdir DIR] [--max-reject-rate R] [--quiet]\n" },
	{ "gen",
	  "usage: ssrfill gen [--rows N] [--seed S] [--bad-rows RATE] [--wave 1|2]\n"
	  "                   --out STUDENTS.csv[.zst] --orders ORDERS.csv [--leas LEAS.csv] [--quiet]\n"
	  "                   (--leas: an LEA directory of ship-to addresses, a few LEAs left out)\n"
	  "                   (--wave 2: the later files of the same --rows, --seed and\n"
	  "                   --bad-rows: late, corrected and gone rows, late orders)\n" },
	{ "config",
	  "usage: ssrfill config [--config F]\n" },
	{ "find",
	  "usage: ssrfill find --ledger F --ssid S [--json]\n"
	  "                    (every report of the student the ledger knows: its box,\n"
	  "                    wave, when it was printed and scanned; the ledger is only read)\n" },
	{ "scan",
	  "usage: ssrfill scan --ledger F [--station NAME]\n"
	  "                    (box ids from standard input, one a line, as a barcode scanner\n"
	  "                    types them; each answered OK, AGAIN, VOID or UNKNOWN once it is\n"
	  "                    committed to the ledger; --station defaults to the host name)\n" },
	{ "reprint",
	  "usage: ssrfill reprint --ledger F --students F --orders F [--config F] --out DIR\n"
	  "                       (--box ID [--box ID ...] | --ssid S [--ssid S ...] [--report R ...])\n"
	  "                       --reason TEXT\n"
	  "                       [--operator NAME] [--bill] [--force] [--memory SIZE] [--threads N]\n"
	  "                       [--tmpdir DIR] [--max-reject-rate R] [--quiet] [--no-documents]\n"
	  "                       [--leas FILE] [--invoice-date YYYY-MM-DD]\n"
	  "                       (boxes again as <box>-R<n>, the old box void; or students' sets in\n"
	  "                       reprint boxes; from the current rows; free unless --bill)\n" },
	{ "status",
	  "usage: ssrfill status --ledger F [--shipment S] [--lea L] [--json] [--check]\n"
	  "                      (per shipment, wave and LEA: boxes printed, scanned, void and\n"
	  "                      missing with their ids; --check exits 1 while a box is unscanned)\n" },
};

void cli_print_usage(const char *cmd)
{
	for (size_t i = 0; i < sizeof usage_text / sizeof usage_text[0]; i++)
		if (!cmd || strcmp(cmd, usage_text[i][0]) == 0)
			fputs(usage_text[i][1], stderr);
}

status cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "ssrfill %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_print_usage(cmd);
	return ST_USAGE;
}

int cli_parse_size(const char *s, size_t *out)
{
	errno = 0;
	char *end;
	const double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	double mult = 1;
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': mult = 1024.0; end++; break;
	case 'M': mult = 1024.0 * 1024; end++; break;
	case 'G': mult = 1024.0 * 1024 * 1024; end++; break;
	case 'T': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
	default: return -1;
	}
	if (toupper((unsigned char)*end) == 'B' || toupper((unsigned char)*end) == 'I')
		end++;
	if (*end == 'B')
		end++;
	if (*end)
		return -1;
	if (v * mult > (double)CLI_MAX_SIZE)
		return -2;
	*out = (size_t)(v * mult);
	return 0;
}

int cli_parse_date(const char *s, int64_t *out)
{
	int y, m, d, n = 0;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || s[n] ||
	    y < 2000 || y > 2199 || !calendar_day_valid(y, m, d))
		return -1;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	*out = (int64_t)timegm(&tm);
	return 0;
}

int cli_parse_u64(const char *s, uint64_t *out)
{
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	char *end;
	const unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_rate(const char *s, double *out)
{
	errno = 0;
	char *end;
	const double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0 && v <= 1))
		return -1;
	*out = v;
	return 0;
}

int cli_default_threads(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	const long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

void cli_limits_defaults(cli_limits *l)
{
	l->memory = 256u << 20;
	l->threads = cli_default_threads();
	l->tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	l->max_reject_rate = 0.01;
}

int cli_limits_option(const char *cmd, int c, const char *arg, cli_limits *l, status *st)
{
	uint64_t threads;
	*st = ST_OK;
	switch (c) {
	case 'm': {
		const int rc = cli_parse_size(arg, &l->memory);
		if (rc == -2)
			*st = cli_usage_error(cmd, "--memory %s is too large: at most 1T", arg);
		else if (rc != 0 || l->memory < (1u << 20))
			*st = cli_usage_error(cmd, "--memory wants a size of at least 1M, like 64M or 2G");
		return 1;
	}
	case 't':
		if (cli_parse_u64(arg, &threads) != 0 || threads < 1 || threads > 256)
			*st = cli_usage_error(cmd, "--threads wants a number from 1 to 256");
		else
			l->threads = (int)threads;
		return 1;
	case 'T':
		l->tmpdir = arg;
		return 1;
	case 'R':
		if (cli_parse_rate(arg, &l->max_reject_rate) != 0)
			*st = cli_usage_error(cmd, "--max-reject-rate wants a number from 0 to 1");
		return 1;
	default:
		return 0;
	}
}

status cli_check_tmpdir(const char *tmpdir)
{
	struct stat sb;
	if (stat(tmpdir, &sb) != 0)
		return status_fail(ST_IO, "--tmpdir %s: cannot create a temporary folder for sorted runs there: %s",
				   tmpdir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return status_fail(ST_IO, "--tmpdir %s: cannot create a temporary folder for sorted runs there: "
				   "not a folder", tmpdir);
	if (faccessat(AT_FDCWD, tmpdir, W_OK | X_OK, AT_EACCESS) != 0)
		return status_fail(ST_IO, "--tmpdir %s: cannot create a temporary folder for sorted runs there: %s",
				   tmpdir, strerror(errno));
	return ST_OK;
}

static void note_removed(const char *path, void *arg)
{
	bytebuf *b = arg;
	if (b->len)
		bytebuf_put(b, ", ", 2);
	bytebuf_put(b, path, strlen(path));
}

status cli_sweep(const char *cmd, const char *const *outputs, size_t n_outputs, const char *tmpdir, int quiet)
{
	bytebuf list;
	bytebuf_init(&list);
	status st = ST_OK;
	char *seen[9];
	size_t n_seen = 0;
	for (size_t i = 0; i <= n_outputs && st == ST_OK; i++) {
		const char *p = i < n_outputs ? outputs[i] : tmpdir;
		if (!p || !*p || strcmp(p, "-") == 0)
			continue;
		char *dir = i < n_outputs ? staged_parent(p) : mem_strndup(p, strlen(p));
		if (!dir) {
			st = status_fail(ST_NOMEM, "out of memory");
			break;
		}
		int again = 0;
		for (size_t k = 0; k < n_seen; k++)
			again |= strcmp(seen[k], dir) == 0;
		if (again || n_seen == sizeof seen / sizeof seen[0]) {
			mem_free(dir);
			continue;
		}
		seen[n_seen++] = dir;
		st = tmpfiles_sweep(dir, note_removed, &list);
	}
	for (size_t k = 0; k < n_seen; k++)
		mem_free(seen[k]);
	if (st == ST_OK && list.oom)
		st = status_fail(ST_NOMEM, "out of memory");
	if (st == ST_OK && list.len && !quiet)
		fprintf(stderr, "ssrfill %s: removed what killed runs left behind: %.*s\n", cmd,
			(int)list.len, (const char *)list.p);
	bytebuf_release(&list);
	return st;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
	{ "sort", cmd_sort },
	{ "gen", cmd_gen },
	{ "run", cmd_run },
	{ "config", cmd_config },
	{ "find", cmd_find },
	{ "scan", cmd_scan },
	{ "reprint", cmd_reprint },
	{ "status", cmd_status },
};

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs("ssrfill: print, box, ship and bill paper Student Score Reports\n", stderr);
		cli_print_usage(NULL);
		return argc < 2 ? 2 : 0;
	}
	fault_init_from_env();
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		status_clear();
		const status st = (status)commands[i].fn(argc - 1, argv + 1);
		/* usage errors print their own text, unless a detail was recorded */
		if (st != ST_OK && (st != ST_USAGE || status_has_detail()))
			fprintf(stderr, "ssrfill %s: %s\n", argv[1], status_detail(st));
		if (fault_report() != 0) {   /* a test asked; it must not read a stale count */
			fprintf(stderr, "ssrfill %s: cannot write SSRFILL_FAULT_COUNT: %s\n", argv[1], strerror(errno));
			return 3;
		}
		return status_exit_code(st);
	}
	fprintf(stderr, "ssrfill: unknown command '%s'\n", argv[1]);
	cli_print_usage(NULL);
	return 2;
}
