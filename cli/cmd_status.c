/*
 * cmd_status.c: `ssrfill status --ledger F [--shipment S] [--lea L]
 * [--json] [--check]` (docs/rules.md §15.4): what is scanned and what is
 * missing.  One line per shipment, wave and LEA (in that order): boxes
 * printed, scanned, void (replaced by a reprint), missing (neither: not
 * scanned yet) with the missing boxes' ids; then a total line.
 *
 *   august  wave 1  LEA 1964733  printed 3  scanned 2  void 0  missing 1: august-1964733-0003
 *   total  printed 45  scanned 44  void 0  missing 1
 *
 * --json writes one object instead: {"ledger", "groups": [{"shipment",
 * "wave", "lea_code", "printed", "scanned", "void", "missing",
 * "missing_ids": [...]}], "total": {...the four counts}, "complete"}.
 * --check makes the exit code the answer: 1 while any box that is not void
 * is unscanned, 0 once every one is, after the same report.
 *
 * The ledger is opened read-only (cmd_find.c's pattern): status never
 * writes, never waits for a run or a scanner, and reports the last commit.
 * The boxes stream from ledger_boxes in group order; each group's missing
 * ids are gathered until the group ends, so memory is one LEA's wave.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../base/bytebuf.h"
#include "../engine/student.h"
#include "../io/outstream.h"
#include "../ledger/ledger.h"
#include "cli.h"

typedef struct counts {
	uint64_t printed, scanned, n_void, missing;
} counts;

typedef struct status_report {
	outstream *o;
	int json;
	/* the group being gathered */
	int open, shipment, wave;
	uint32_t lea;
	counts g;
	bytebuf ids;            /* its missing box ids, each NUL-terminated */
	counts total;
	uint64_t n_groups;
} status_report;

static void group_end(status_report *r)
{
	if (!r->open)
		return;
	outstream *o = r->o;
	const char *ship = shipment_name[r->shipment];
	const char *id = (const char *)r->ids.p;
	if (r->json) {
		outstream_puts(o, r->n_groups ? ",\n  {\"shipment\": " : "\n  {\"shipment\": ");
		outstream_json_str(o, ship, strlen(ship));
		outstream_printf(o, ", \"wave\": %d, \"lea_code\": \"%07" PRIu32 "\", \"printed\": %"
				 PRIu64 ", \"scanned\": %" PRIu64 ", \"void\": %" PRIu64 ", \"missing\": %"
				 PRIu64 ", \"missing_ids\": [", r->wave, r->lea, r->g.printed,
				 r->g.scanned, r->g.n_void, r->g.missing);
		for (uint64_t i = 0; i < r->g.missing; i++, id += strlen(id) + 1) {
			if (i)
				outstream_puts(o, ", ");
			outstream_json_str(o, id, strlen(id));
		}
		outstream_puts(o, "]}");
	} else {
		/* wave 0: the reprint boxes of students' sets (docs/rules.md §15.5) */
		char wave[24];
		snprintf(wave, sizeof wave, r->wave ? "wave %d" : "reprints", r->wave);
		outstream_printf(o, "%-6s  %s  LEA %07" PRIu32 "  printed %" PRIu64 "  scanned %"
				 PRIu64 "  void %" PRIu64 "  missing %" PRIu64, ship, wave, r->lea,
				 r->g.printed, r->g.scanned, r->g.n_void, r->g.missing);
		for (uint64_t i = 0; i < r->g.missing; i++, id += strlen(id) + 1)
			outstream_printf(o, "%s%s", i ? " " : ": ", id);
		outstream_putc(o, '\n');
	}
	r->total.printed += r->g.printed;
	r->total.scanned += r->g.scanned;
	r->total.n_void += r->g.n_void;
	r->total.missing += r->g.missing;
	r->n_groups++;
	r->open = 0;
}

static int add_box(void *ctx, const ledger_box_state *b)
{
	status_report *r = ctx;
	if (r->open && (b->shipment != r->shipment || b->wave != r->wave || b->lea != r->lea))
		group_end(r);
	if (!r->open) {
		r->open = 1;
		r->shipment = b->shipment;
		r->wave = b->wave;
		r->lea = b->lea;
		memset(&r->g, 0, sizeof r->g);
		r->ids.len = 0;
	}
	r->g.printed++;
	if (b->status == 1) {
		r->g.scanned++;
	} else if (b->status == 2) {
		r->g.n_void++;
	} else {
		r->g.missing++;
		bytebuf_put(&r->ids, b->box_id, strlen(b->box_id) + 1);
	}
	return r->ids.oom;
}

/* An LEA code: 1 to 7 digits. */
static int lea_valid(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t n = 0;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n == 7)
			return -1;
		v = v * 10 + (s[n] - '0');
	}
	if (n == 0)
		return -1;
	*out = v;
	return 0;
}

int cmd_status(int argc, char **argv)
{
	const char *path = NULL, *ship_text = NULL, *lea_text = NULL;
	int json = 0, check = 0, c;
	cli_parser p;
	cli_parser_init(&p, "status", argc, argv);
	while ((c = cli_next(&p)) > 0) {
		switch (c) {
		case OPT_LEDGER: path = p.arg; break;
		case OPT_SHIPMENT: ship_text = p.arg; break;
		case OPT_LEA: lea_text = p.arg; break;
		case OPT_JSON: json = 1; break;
		case OPT_CHECK: check = 1; break;
		}
	}
	if (c < 0 || cli_parser_finish(&p) != ST_OK)
		return p.st;
	if (!path || !*path)
		return cli_usage_error("status", "--ledger is required: the season's ledger file");
	ledger_filter f = { .shipment = -1, .lea = -1 };
	if (ship_text) {
		for (int i = 0; i < SHIP_COUNT; i++)
			if (strcmp(ship_text, shipment_name[i]) == 0)
				f.shipment = i;
		if (f.shipment < 0)
			return cli_usage_error("status", "--shipment wants august, winter or elpac");
	}
	if (lea_text && lea_valid(lea_text, &f.lea) != 0)
		return cli_usage_error("status", "--lea wants an LEA code, 7 digits like 1964733");

	const ledger_options opt = { .read_only = 1 };
	ledger *lg;
	status st = ledger_open(&lg, path, &opt);
	if (st != ST_OK)
		return st;
	status_report r;
	memset(&r, 0, sizeof r);
	r.json = json;
	bytebuf_init(&r.ids);
	if ((st = outstream_open(&r.o, "-", OUT_NO_FSYNC)) != ST_OK) {
		ledger_close(lg);
		return st;
	}
	if (json) {
		outstream_puts(r.o, "{\"ledger\": ");
		outstream_json_str(r.o, path, strlen(path));
		outstream_puts(r.o, ", \"groups\": [");
	}
	st = ledger_boxes(lg, &f, add_box, &r);
	ledger_close(lg);
	if (st == ST_OK && r.ids.oom)
		st = status_fail(ST_NOMEM, "out of memory");
	if (st == ST_OK)
		group_end(&r);
	bytebuf_release(&r.ids);
	if (st != ST_OK) {
		outstream_abort(r.o);
		return st;
	}
	const counts *t = &r.total;
	if (json)
		outstream_printf(r.o, "%s], \"total\": {\"printed\": %" PRIu64 ", \"scanned\": %" PRIu64
				 ", \"void\": %" PRIu64 ", \"missing\": %" PRIu64 "}, \"complete\": %s}\n",
				 r.n_groups ? "\n" : "", t->printed, t->scanned, t->n_void, t->missing,
				 t->missing || !r.n_groups ? "false" : "true");
	else
		outstream_printf(r.o, "total  printed %" PRIu64 "  scanned %" PRIu64 "  void %" PRIu64
				 "  missing %" PRIu64 "\n", t->printed, t->scanned, t->n_void,
				 t->missing);
	st = outstream_close(r.o);
	if (st == ST_OK && r.n_groups == 0)
		st = status_fail(ST_BADINPUT, "the ledger %s has no boxes%s%s%s%s", path,
				 ship_text ? " of shipment " : "", ship_text ? ship_text : "",
				 lea_text ? " of LEA " : "", lea_text ? lea_text : "");
	if (st == ST_OK && check && t->missing)
		st = status_fail(ST_BADINPUT, "%" PRIu64 " box%s not scanned yet", t->missing,
				 t->missing == 1 ? "" : "es");
	return st;
}
