/*
 * status.c: status codes, their exit codes and the detail of the first
 * failure (see status.h).
 *
 * The detail lives in one thread-local buffer.  Worker threads record their
 * own failure; the thread that joins them passes the status on and, when it
 * matters, copies the detail with status_fail("%s", ...).
 */
#include "status.h"

#include <stdio.h>

static _Thread_local char detail[1024];
static _Thread_local int has_detail;

int status_exit_code(status st)
{
	switch (st) {
#define STATUS_CASE(name, code, msg) case ST_##name: return code;
		STATUS_MAP(STATUS_CASE)
#undef STATUS_CASE
	}
	return 3;
}

const char *status_message(status st)
{
	switch (st) {
#define STATUS_CASE(name, code, msg) case ST_##name: return msg;
		STATUS_MAP(STATUS_CASE)
#undef STATUS_CASE
	}
	return "unknown status";
}

status status_fail(status st, const char *fmt, ...)
{
	if (!has_detail) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
		has_detail = 1;
	}
	return st;
}

const char *status_detail(status st)
{
	return has_detail ? detail : status_message(st);
}

void status_clear(void)
{
	has_detail = 0;
	detail[0] = '\0';
}

int status_has_detail(void)
{
	return has_detail;
}
