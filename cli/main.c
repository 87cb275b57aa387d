/*
 * main.c: the ssrfill command line.  `ssrfill <command> [options]` picks a
 * cmd_* function (`ssrfill help [CMD]`, `--help` and `--version` answer
 * on standard output, exit 0; bare `ssrfill` is a usage error); each returns a status, and only here does a status become
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
#include <grp.h>
#include <sched.h>

#include "cli.h"
#include "../base/calendar.h"
#include "../base/fault.h"
#include "../base/bytebuf.h"
#include "../base/mem.h"
#include "../io/outdir.h"
#include "../io/staged.h"
#include "../job/build_info.h"
#include "../base/tmpfiles.h"

/* jemalloc (release builds): keep freed blocks up to 1 MiB in each
 * thread's cache.  HarfBuzz's subsetter and zlib allocate and free blocks
 * of tens to hundreds of KiB for PDFs; without this each goes back to the
 * arena and is faulted in again (documents 0.16–0.26 s against 0.20–0.27 s
 * for 600,000 rows on one thread, 2026-11-23). */
const char *malloc_conf = "tcache_max:1048576";

status cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "ssrfill %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	const cli_command *c = cli_command_find(cmd);
	if (c) {
		cli_print_synopsis(stderr, c);
		fprintf(stderr, "`ssrfill help %s` lists every flag and its default.\n", cmd);
	}
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
	l->threads = cli_default_threads();   /* --threads 0 */
	l->tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	l->max_reject_rate = 0.01;
}

int cli_limits_option(const char *cmd, int c, const char *arg, cli_limits *l, status *st)
{
	uint64_t threads;
	*st = ST_OK;
	switch (c) {
	case 'M': {
		const int rc = cli_parse_size(arg, &l->memory);
		if (rc == -2)
			*st = cli_usage_error(cmd, "--memory %s is too large: at most 1T", arg);
		else if (rc != 0 || l->memory < (1u << 20))
			*st = cli_usage_error(cmd, "--memory wants a size of at least 1M, like 64M or 2G");
		return 1;
	}
	case 'T':   /* 0 = every core, as zstd -T0 */
		if (cli_parse_u64(arg, &threads) != 0 || threads > 256)
			*st = cli_usage_error(cmd, "--threads wants a number from 0 (every core) to 256");
		else
			l->threads = threads ? (int)threads : cli_default_threads();
		return 1;
	case OPT_TMPDIR:
		l->tmpdir = arg;
		return 1;
	case OPT_MAX_REJECT_RATE:
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

int cli_share_option(const char *cmd, int c, const char *arg, cli_share *sh, status *st)
{
	*st = ST_OK;
	if (c == OPT_MODE) {
		char *end;
		errno = 0;
		const unsigned long m = strtoul(arg, &end, 8);
		const int octal = !errno && end != arg && !*end && m <= 0777;
		if (octal && (m & 0007)) {
			*st = cli_usage_error(cmd, "--mode %s would let every user of this machine read "
					      "students' data: give the group bits only, like 0640 or 0660", arg);
			return 1;
		}
		if (!octal || (m & 0600) != 0600 || ((m & 0070) && !(m & 0040))) {
			*st = cli_usage_error(cmd, "--mode wants an octal mode that the owner can read and "
					      "write and others cannot touch: 0600, 0640, 0660, 0700, 0750 "
					      "or 0770");
			return 1;
		}
		sh->mode = (unsigned)m & 0666;   /* files; folders get x where r */
		return 1;
	}
	if (c == OPT_GROUP) {
		const struct group *g = getgrnam(arg);
		char *end;
		errno = 0;
		const unsigned long n = g ? 0 : strtoul(arg, &end, 10);
		if (!g && (errno || !*arg || *end || !(g = getgrgid((gid_t)n)))) {
			*st = cli_usage_error(cmd, "--group %s: no such group on this machine", arg);
			return 1;
		}
		/* chown(2) gives a file only to a group its owner is in */
		int member = g->gr_gid == getegid() || geteuid() == 0;
		gid_t groups[256];
		const int n_groups = member ? 0 : getgroups(256, groups);
		for (int i = 0; i < n_groups; i++)
			member |= groups[i] == g->gr_gid;
		if (!member) {
			*st = cli_usage_error(cmd, "--group %s: you are not in that group, so the output "
					      "cannot be given to it (`id` lists yours)", arg);
			return 1;
		}
		sh->gid = (long)g->gr_gid;
		return 1;
	}
	return 0;
}

void cli_share_apply(const cli_share *sh)
{
	unsigned mode = sh->mode;
	if (!mode)   /* --group alone: the group may read */
		mode = sh->gid >= 0 ? 0640 : 0600;
	outdir_set_share(mode, sh->gid);
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

/* Standard output is where --help and --version go: a full disk or a
 * closed pipe is an error (exit 3), as in coreutils. */
static int stdout_done(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "ssrfill: cannot write to standard output: %s\n", strerror(errno));
		return 3;
	}
	return 0;
}

static int help(int argc, char **argv)
{
	if (argc > 3) {
		fprintf(stderr, "ssrfill help: one command at most, like `ssrfill help run`\n");
		return 2;
	}
	if (argc < 3) {
		cli_print_overview(stdout);
		return stdout_done();
	}
	const cli_command *c = cli_command_find(argv[2]);
	if (!c) {
		fprintf(stderr, "ssrfill help: unknown command '%s'\n", argv[2]);
		cli_print_overview(stderr);
		return 2;
	}
	cli_print_help(stdout, c);
	return stdout_done();
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("ssrfill: give a command, like `ssrfill run`; `ssrfill help` lists them\n", stderr);
		cli_print_overview(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)
		return help(argc, argv);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		if (argc > 2) {
			fprintf(stderr, "ssrfill: --version takes no arguments\n");
			return 2;
		}
		build_info_print(stdout);
		return stdout_done();
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
		if (st == ST_OK && stdout_done() != 0)
			return 3;
		return status_exit_code(st);
	}
	fprintf(stderr, "ssrfill: unknown command '%s'\n", argv[1]);
	cli_print_overview(stderr);
	return 2;
}
