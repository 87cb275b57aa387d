/*
 * orders.h: the paper SSR orders of LEAs (docs/rules.md §4) and which order
 * covers a score report (docs/rules.md §6).
 *
 *   orders *o;
 *   orders_new(&o, &config);
 *   orders_set_header(o, names, lens, n, err, cap);     // -1: unusable
 *   for each row: orders_add(o, fields, lens, n, line, &verdict);
 *   const order *ord = orders_cover(o, lea, school, program);
 *   orders_free(o);
 *
 * Rows are judged in input order: a malformed row, a program not available
 * this year, an order placed after the program's deadline, or a second
 * active order for the same (lea, school, program) is rejected.  A row
 * cancelled on or before the cancel deadline is inactive; a later
 * cancellation is ignored with a warning and the order stands.
 */
#ifndef SSRFILL_ORDERS_H
#define SSRFILL_ORDERS_H

#include <stddef.h>
#include <stdint.h>

#include "../io/columns.h"
#include "config.h"
#include "../base/status.h"

#define ORDER_COLUMNS(X)                    \
	X(LEA_CODE,     "lea_code",     1)  \
	X(SCHOOL_CODE,  "school_code",  0)  \
	X(PROGRAM,      "program",      1)  \
	X(ENVELOPES,    "envelopes",    0)  \
	X(PAPER_SIZE,   "paper_size",   0)  \
	X(PO_NUMBER,    "po_number",    0)  \
	X(ORDERED_ON,   "ordered_on",   1)  \
	X(CANCELLED_ON, "cancelled_on", 0)

enum order_col {
#define ORDER_COL_ENUM(id, name, req) OCOL_##id,
	ORDER_COLUMNS(ORDER_COL_ENUM)
#undef ORDER_COL_ENUM
	OCOL_COUNT
};

#define ORDER_SCHOOL_NONE UINT32_MAX   /* an LEA-wide order */

typedef struct order {
	uint32_t lea;
	uint32_t school;        /* ORDER_SCHOOL_NONE for LEA-wide */
	uint8_t program;        /* enum program */
	uint8_t envelopes;      /* 1 for Y */
	uint8_t letter_paper;   /* 1 when an LEA-wide CAASPP order says 8.5x11 */
	uint64_t line;
	char *po_number;        /* "" when blank */
} order;

enum order_verdict { ORDER_ACTIVE, ORDER_CANCELLED, ORDER_REJECTED };

typedef struct order_result {
	enum order_verdict verdict;
	char reason[256];       /* why rejected */
	char warning[256];      /* "" or a warning about an accepted row */
} order_result;

typedef struct order_counts {
	uint64_t rows, active, cancelled, rejected, warnings;
	uint64_t first_rejected_line;   /* the input line of the first rejected row */
	char first_reason[256];         /* and its reason (no student data: orders hold none) */
} order_counts;

typedef struct orders orders;

status orders_new(orders **out, const config *c);
int orders_set_header(orders *o, const char *const *names, const size_t *lens,
		      size_t n, char *err, size_t err_cap);
/* Judge one data row.  ST_OK (see res->verdict) or ST_NOMEM. */
status orders_add(orders *o, const char *const *fields, const size_t *lens,
		  size_t n, uint64_t line, int malformed_column, order_result *res);
/* Count a row on `line` the reader rejected before its fields could be
 * judged (over a limit of io/csv_reader.h): res->reason = reason. */
void orders_add_rejected(orders *o, uint64_t line, const char *reason, order_result *res);
/* The name of input column i (0-based) if ssrfill knows it, else
 * "unknown column". */
const char *orders_column_name(const orders *o, size_t i);
/* The active order covering (lea, school, program): the school's own order,
 * else the LEA-wide one, else NULL. */
const order *orders_cover(const orders *o, uint32_t lea, uint32_t school, enum program p);
/* 1 when the LEA's active LEA-wide CAASPP order chose 8.5x11. */
int orders_letter_paper(const orders *o, uint32_t lea);
/* The LEA's active orders in input order (for PO numbers on invoices). */
size_t orders_of_lea(const orders *o, uint32_t lea, const order **out, size_t cap);
/* The header's unknown columns and BOM-carrying names (after set_header). */
const column_notes *orders_header_notes(const orders *o);
/* Every active order, in input order. */
const order *orders_active(const orders *o, size_t *n);
void orders_counts_get(const orders *o, order_counts *c);
/* A later wave (docs/rules.md §15.2): fn says whether an earlier wave
 * printed sets of the program under the LEA-wide order (school
 * ORDER_SCHOOL_NONE) or under the school's own order.  A cancelled row
 * whose order has printed sets is then kept active with a warning,
 * whatever its date.  Set before the first row. */
typedef int (*orders_printed_fn)(void *ctx, uint32_t lea, uint32_t school, enum program p);
void orders_set_printed(orders *o, orders_printed_fn fn, void *ctx);
void orders_free(orders *o);

#endif
