/*
 * status.h: the status codes every library function returns.
 *
 * One X-macro table (libuv's UV_ERRNO_MAP) gives each code its exit code and
 * a short message.  A function that fails records a detailed, human message
 * with status_fail() (file, line, column, cause; never student data) and
 * returns the code; only main() prints it and exits.
 */
#ifndef SSRFILL_STATUS_H
#define SSRFILL_STATUS_H

#include <stdarg.h>

/*       name      exit  message */
#define STATUS_MAP(X)                                         \
	X(OK,        0, "ok")                                 \
	X(EOF,       0, "end of input")                       \
	X(BADINPUT,  1, "input is unusable")                  \
	X(BADCONFIG, 1, "configuration is unusable")          \
	X(REJECTS,   1, "too many rejected rows")             \
	X(USAGE,     2, "usage error")                        \
	X(IO,        3, "I/O failure")                        \
	X(BUSY,      3, "the ledger is in use by another command") \
	X(NOMEM,     3, "out of memory")                      \
	X(INTERNAL,  3, "internal error")

typedef enum status {
#define STATUS_ENUM(name, code, msg) ST_##name,
	STATUS_MAP(STATUS_ENUM)
#undef STATUS_ENUM
} status;

/* The exit code main() uses for a status. */
int status_exit_code(status st);
/* The table's short message for a status. */
const char *status_message(status st);

/*
 * Record the detail message of a failure and return st, so a caller writes
 * `return status_fail(ST_IO, "%s: %s", path, strerror(errno));`.  The first
 * failure recorded wins until status_clear(): the root cause is what the
 * operator needs, not the cascade behind it.
 */
status status_fail(status st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The recorded detail, or the table message when none was recorded. */
const char *status_detail(status st);
void status_clear(void);
/* Nonzero when a detail was recorded since the last status_clear(). */
int status_has_detail(void);

#endif
