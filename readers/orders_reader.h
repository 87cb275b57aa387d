/*
 * orders_reader.h: the orders file as a stream of judged rows, in the
 * shape of student_reader.h.
 *
 *   orders_reader *r;
 *   st = orders_reader_open(&r, path, ord, rejects);  // header read and mapped
 *   while ((st = orders_reader_next(r, &res, &line)) == ST_OK)
 *       if (res.warning[0]) warn(line, res.warning);
 *   // ST_EOF at the end; every row is judged into ord (engine/orders.h),
 *   // rejected rows are written to `rejects`
 *   orders_reader_free(r);
 *
 * A header without a required column, a repeated column, an empty file or
 * one that is not CSV text is an unusable input (ST_BADINPUT), with a
 * message naming the file and line; a file that cannot be opened or read
 * is ST_IO.
 */
#ifndef SSRFILL_ORDERS_READER_H
#define SSRFILL_ORDERS_READER_H

#include <stdint.h>

#include "../engine/orders.h"
#include "../io/columns.h"
#include "../io/outstream.h"

typedef struct orders_reader orders_reader;

status orders_reader_open(orders_reader **out, const char *path, orders *ord, outstream *rejects);
/* Judge the next row into the orders: ST_OK with its result (a rejected
 * row is already in the rejects file) and its input line, ST_EOF after the
 * last. */
status orders_reader_next(orders_reader *r, order_result *res, uint64_t *line);
/* The header's unknown columns (with the closest known name) and names
 * that carried a BOM, for warnings. */
const column_notes *orders_reader_notes(const orders_reader *r);
/* The input's name for messages: its path, or "standard input". */
const char *orders_reader_name(const orders_reader *r);
void orders_reader_free(orders_reader *r);

#endif
