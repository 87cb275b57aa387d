/*
 * cli.h: what the subcommands share — option value parsing, the usage text
 * and the one place that turns a status into a message and an exit code.
 */
#ifndef SSRFILL_CLI_H
#define SSRFILL_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"

/* The largest size a flag takes: 1 TiB, far beyond any budget a run
 * needs (a statewide file sorts in 16M), so a bigger one is a typo. */
#define CLI_MAX_SIZE ((size_t)1 << 40)
/* "256M", "1G", "64k", "1048576": bytes.  Returns 0, -1 when it is not a
 * size, -2 when it is larger than CLI_MAX_SIZE. */
int cli_parse_size(const char *s, size_t *out);
int cli_parse_u64(const char *s, uint64_t *out);
/* "2019-08-15" as unix seconds at that day's UTC midnight; -1 when it is
 * no such day. */
int cli_parse_date(const char *s, int64_t *out);
int cli_parse_rate(const char *s, double *out);
/* The default thread count: the cores this process may use. */
int cli_default_threads(void);
/* A usage error: prints "ssrfill <cmd>: msg" and the command's usage to
 * stderr; returns ST_USAGE. */
status cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_print_usage(const char *cmd);

/* The resource flags sort and run share: --memory, --threads, --tmpdir,
 * --max-reject-rate, with their defaults. */
typedef struct cli_limits {
	size_t memory;
	int threads;
	const char *tmpdir;
	double max_reject_rate;
} cli_limits;

void cli_limits_defaults(cli_limits *l);
/* Handle getopt's c (one of 'm', 't', 'T', 'R') for command cmd: 1 when it
 * was one of them (*st set, ST_USAGE on a bad value), 0 otherwise. */
int cli_limits_option(const char *cmd, int c, const char *arg, cli_limits *l, status *st);

/* Remove the leftovers of killed ssrfill processes (their owner locks are
 * free) from the folders of the given output paths and from tmpdir, and
 * say so in one line on standard error unless quiet. */
status cli_sweep(const char *cmd, const char *const *outputs, size_t n_outputs, const char *tmpdir, int quiet);
/* `run` and `reprint` before their job (cmd_run.c): the limits into *o,
 * warnings to standard error as "ssrfill CMD: warning: ..." unless quiet,
 * the signal handlers, then the output name and --tmpdir checked and
 * leftovers of killed runs swept. */
struct run_opts;
status cli_run_prepare(const char *cmd, struct run_opts *o, const cli_limits *lim, int quiet);

/* --tmpdir must be a folder this process can create in: checked at the
 * start, not when the data first spills (on the big production file). */
status cli_check_tmpdir(const char *tmpdir);

int cmd_sort(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_config(int argc, char **argv);
int cmd_find(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_reprint(int argc, char **argv);
int cmd_status(int argc, char **argv);

#endif
