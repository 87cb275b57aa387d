/*
 * cli.h: what the subcommands share — option value parsing, the usage text
 * and the one place that turns a status into a message and an exit code.
 */
#ifndef SSRFILL_CLI_H
#define SSRFILL_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* The flags' getopt codes: a short option's letter (-o, -f, -q, -T, -M,
 * -h), else one of these, above any character. */
enum {
	OPT_STUDENTS = 256, OPT_ORDERS, OPT_CONFIG, OPT_TMPDIR, OPT_MAX_REJECT_RATE,
	OPT_NO_DOCUMENTS, OPT_LEDGER, OPT_LEAS, OPT_INVOICE_DATE, OPT_REJECTS,
	OPT_ROWS, OPT_SEED, OPT_BAD_ROWS, OPT_WAVE, OPT_SSID, OPT_JSON, OPT_STATION,
	OPT_SHIPMENT, OPT_LEA, OPT_CHECK, OPT_BOX, OPT_REPORT, OPT_REASON, OPT_OPERATOR,
	OPT_BILL, OPT_GROUP, OPT_MODE,
};

/* One flag of a command (cli_flags.c): the one table behind its parsing
 * and its help. */
typedef struct cli_flag {
	int code;              /* the short letter, or OPT_* */
	const char *name;      /* the long name, without "--" */
	const char *arg;       /* the value's name ("FILE"); NULL: a switch */
	const char *example;   /* a value, for "--memory needs a value, like 64M" */
	const char *what;      /* what it does */
	const char *dflt;      /* its default, as help shows it */
	int required;
} cli_flag;

typedef struct cli_command {
	const char *name;
	const char *synopsis;  /* "ssrfill run --students FILE ..." */
	const char *summary;   /* one line for `ssrfill help` */
	const char *about;     /* a paragraph for `ssrfill help CMD` */
	const cli_flag *flags;
	size_t n_flags;
} cli_command;

const cli_command *cli_command_find(const char *name);
/* The i-th command, NULL past the last. */
const cli_command *cli_command_at(size_t i);
void cli_print_synopsis(FILE *f, const cli_command *c);
/* `ssrfill help CMD`: synopsis, what it does, every flag with its default. */
void cli_print_help(FILE *f, const cli_command *c);
/* `ssrfill help`: the commands and the global options. */
void cli_print_overview(FILE *f);

#define CLI_MAX_FLAGS 40
/* getopt_long over a command's table; see cli_flags.c. */
typedef struct cli_parser {
	const cli_command *cmd;
	int argc;
	char **argv;
	const char *arg;       /* the value of the flag cli_next returned */
	status st;             /* when cli_next returned -1: ST_OK after help, else the error */
	struct option longopts[CLI_MAX_FLAGS + 1];
	char shortopts[2 * CLI_MAX_FLAGS + 2];
	unsigned char seen[CLI_MAX_FLAGS];
} cli_parser;

void cli_parser_init(cli_parser *p, const char *cmd, int argc, char **argv);
/* The next flag's code; 0 after the last; -1 when the command should
 * return p->st now (help printed, or a usage error said). */
int cli_next(cli_parser *p);
/* After the loop: an unexpected argument, or the first required flag not
 * given, as a usage error naming it. */
status cli_parser_finish(cli_parser *p);
int cli_parser_seen(const cli_parser *p, int code);

/* The resource flags sort and run share: --memory, --threads, --tmpdir,
 * --max-reject-rate, with their defaults. */
typedef struct cli_limits {
	size_t memory;
	int threads;
	const char *tmpdir;
	double max_reject_rate;
} cli_limits;

void cli_limits_defaults(cli_limits *l);
/* Handle a flag's code (one of 'M', 'T', OPT_TMPDIR, OPT_MAX_REJECT_RATE) for command cmd: 1 when it
 * was one of them (*st set, ST_USAGE on a bad value), 0 otherwise. */
int cli_limits_option(const char *cmd, int c, const char *arg, cli_limits *l, status *st);

/* --group and --mode (run, reprint, sort, gen): who may read the
 * outputs.  mode 0: not given. */
typedef struct cli_share {
	unsigned mode;
	long gid;
} cli_share;
#define CLI_SHARE_INIT { 0, -1 }
/* Handle OPT_GROUP or OPT_MODE: 1 when c was one (*st ST_USAGE on a bad
 * value: a mode with a bit for others, a group you are not in). */
int cli_share_option(const char *cmd, int c, const char *arg, cli_share *sh, status *st);
/* Before any output is opened: the files and folders written get it. */
void cli_share_apply(const cli_share *sh);

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
