/*
 * rejects.h: the rejects file of docs/rules.md §3.3 — `line,reason,raw`, one row per
 * rejected input record, where line is the input line the record starts on
 * and raw is the record exactly as read (without its line end).
 */
#ifndef SSRFILL_REJECTS_H
#define SSRFILL_REJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "outstream.h"

void rejects_write_header(outstream *o);
void rejects_write(outstream *o, uint64_t line, const char *reason,
		   const char *raw, size_t raw_len);

#endif
