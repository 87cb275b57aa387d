/*
 * orders_reader.c: CSV records in, judged order rows out (see
 * orders_reader.h).
 *
 * The header goes to orders_set_header (engine/orders.c maps it to the
 * columns of docs/rules.md §4.1); each record then to orders_add, which
 * applies every rule of docs/rules.md §4 and keeps the active orders, or,
 * when the record broke a limit of csv_reader.h, to orders_add_rejected
 * with the limit as the reason.  Rejects are written as they happen, in
 * input order.
 */
#include "orders_reader.h"

#include "../base/mem.h"
#include "../io/csv_reader.h"
#include "../io/instream.h"
#include "../io/rejects.h"

struct orders_reader {
	csv_reader *csv;
	orders *ord;
	outstream *rejects;
	csv_record rec;
};

status orders_reader_open(orders_reader **out, const char *path, orders *ord, outstream *rejects)
{
	*out = NULL;
	instream *in;
	status st = instream_open(&in, path);
	if (st != ST_OK)
		return st;
	orders_reader *r = mem_calloc(1, sizeof *r);
	if (!r) {
		instream_free(in);
		return status_fail(ST_NOMEM, "out of memory reading %s", path);
	}
	r->ord = ord;
	r->rejects = rejects;
	if ((st = csv_reader_open(&r->csv, in)) != ST_OK) {
		orders_reader_free(r);
		return st;
	}
	csv_record h;
	st = csv_reader_header(r->csv, &h);
	char err[512];
	if (st == ST_OK && orders_set_header(ord, h.field, h.len, h.n_fields, err, sizeof err) != 0)
		st = status_fail(ST_BADINPUT, "%s: line %llu: %s", csv_reader_name(r->csv),
				 (unsigned long long)h.line, err);
	if (st != ST_OK) {
		orders_reader_free(r);
		return st;
	}
	*out = r;
	return ST_OK;
}

status orders_reader_next(orders_reader *r, order_result *res, uint64_t *line)
{
	const csv_record *rec = &r->rec;
	status st = csv_reader_next(r->csv, &r->rec);
	if (st != ST_OK)
		return st;
	if (rec->over_limit) {
		char why[sizeof res->reason];
		csv_limit_reason(rec, rec->over_limit == CSV_LIMIT_FIELD
				 ? orders_column_name(r->ord, rec->limit_column - 1) : "",
				 why, sizeof why);
		orders_add_rejected(r->ord, rec->line, why, res);
	} else if ((st = orders_add(r->ord, rec->field, rec->len, rec->n_fields, rec->line,
				    rec->malformed ? (int)rec->bad_column : 0, res)) != ST_OK) {
		return st;
	}
	if (res->verdict == ORDER_REJECTED)
		rejects_write(r->rejects, rec->line, res->reason, rec->raw, rec->raw_len);
	*line = rec->line;
	return ST_OK;
}

const column_notes *orders_reader_notes(const orders_reader *r)
{
	return orders_header_notes(r->ord);
}

const char *orders_reader_name(const orders_reader *r)
{
	return csv_reader_name(r->csv);
}

void orders_reader_free(orders_reader *r)
{
	if (!r)
		return;
	csv_reader_free(r->csv);
	mem_free(r);
}
