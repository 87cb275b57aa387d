/*
 * cmd_find.c: `ssrfill find --ledger F --ssid S [--json]` (docs/rules.md
 * §15.3): "where is my child's report?".  Every report of the
 * student the ledger knows: shipment and wave, LEA, school, grade, box id
 * and "box n of m" of its wave, when it was printed (the run's commit),
 * when its box was first scanned, how many times it was reprinted.
 *
 *   ssrfill find --ledger season.ledger --ssid 1234567890          a block
 *   ssrfill find --ledger season.ledger --ssid 1234567890 --json   one object
 *
 * The ledger is opened read-only (ledger_options.read_only): a find never
 * creates, migrates or writes a ledger and never takes its write lock, so it
 * answers while a run is writing, with what the last committed run left.
 * It prints what the ledger holds, the ssid and codes, never a name: a
 * student the ledger does not know gets one line naming only the ssid the
 * user typed and the ledger (exit 1).
 *
 * The answers are gathered first (a student has at most one set per
 * report), then written to standard output in one piece.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../base/mem.h"
#include "../engine/student.h"
#include "../io/outstream.h"
#include "../ledger/ledger.h"
#include "cli.h"

/* The sets of one student: one per (ssid, report) key, so at most the
 * key range ledger_find_ssid walks. */
#define FIND_MAX (1 << LEDGER_REPORT_BITS)

typedef struct found_list {
	ledger_found f[FIND_MAX];
	char *box_id[FIND_MAX];   /* ours: the ledger's strings die with the call */
	char *reprint_box_id[FIND_MAX];
	size_t n;
	int oom;
} found_list;

static int keep_found(void *ctx, const ledger_found *f)
{
	found_list *l = ctx;
	if (l->n == FIND_MAX)
		return 1;
	char *id = mem_strndup(f->box_id, strlen(f->box_id));
	char *rid = mem_strndup(f->reprint_box_id, strlen(f->reprint_box_id));
	if (!id || !rid) {
		mem_free(id);
		mem_free(rid);
		l->oom = 1;
		return 1;
	}
	l->f[l->n] = *f;
	l->f[l->n].box_id = id;
	l->f[l->n].reprint_box_id = rid;
	l->reprint_box_id[l->n] = rid;
	l->box_id[l->n++] = id;
	return 0;
}

/* "2019-08-01 14:03:22 UTC" for people, "2019-08-01T14:03:22Z" for JSON
 * (ISO 8601 both); "" when the time is not known. */
static void format_utc(char *buf, size_t cap, int64_t t, int json)
{
	const time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || !gmtime_r(&tt, &tm) ||
	    strftime(buf, cap, json ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		buf[0] = '\0';
}

static void write_text(outstream *o, const char *ssid, const char *ledger_path,
		       const found_list *l)
{
	outstream_printf(o, "ssid %s: %zu printed report%s (ledger %s)\n", ssid, l->n,
			 l->n == 1 ? "" : "s", ledger_path);
	for (size_t i = 0; i < l->n; i++) {
		const ledger_found *f = &l->f[i];
		char printed[40], scanned[40];
		format_utc(printed, sizeof printed, f->printed, 0);
		format_utc(scanned, sizeof scanned, f->scanned, 0);
		outstream_printf(o, "\n  report    %s\n", report_table[f->report].code);
		outstream_printf(o, "  shipment  %s, wave %d\n", shipment_name[f->shipment], f->wave);
		outstream_printf(o, "  LEA       %07" PRIu32 "\n", f->lea);
		outstream_printf(o, "  school    %07" PRIu32 "\n", f->school);
		outstream_printf(o, "  grade     %s\n", grade_name[f->grade]);
		if (f->wave_box_count)
			outstream_printf(o, "  box       %s (box %" PRIu32 " of %" PRIu32 " of the wave)\n",
					 f->box_id, f->wave_box_no, f->wave_box_count);
		else
			outstream_printf(o, "  box       %s (box %" PRIu32 " of the wave)\n",
					 f->box_id, f->wave_box_no);
		outstream_printf(o, "  printed   %s\n", printed[0] ? printed : "unknown");
		outstream_printf(o, "  scanned   %s\n", scanned[0] ? scanned : "not scanned");
		if (f->reprints)   /* where the copy to find is now */
			outstream_printf(o, "  reprints  %d, the latest in box %s\n", f->reprints,
					 f->reprint_box_id);
		else
			outstream_printf(o, "  reprints  0\n");
	}
}

static void json_time(outstream *o, int64_t t)
{
	char buf[40];
	format_utc(buf, sizeof buf, t, 1);
	if (buf[0])
		outstream_json_str(o, buf, strlen(buf));
	else
		outstream_puts(o, "null");
}

static void write_json(outstream *o, const char *ssid, const found_list *l)
{
	outstream_puts(o, "{\"ssid\": ");
	outstream_json_str(o, ssid, strlen(ssid));
	outstream_puts(o, ", \"reports\": [");
	for (size_t i = 0; i < l->n; i++) {
		const ledger_found *f = &l->f[i];
		const char *report = report_table[f->report].code;
		const char *ship = shipment_name[f->shipment];
		const char *grade = grade_name[f->grade];
		outstream_puts(o, i ? ",\n  {\"report\": " : "\n  {\"report\": ");
		outstream_json_str(o, report, strlen(report));
		outstream_puts(o, ", \"shipment\": ");
		outstream_json_str(o, ship, strlen(ship));
		outstream_printf(o, ", \"wave\": %d, \"lea_code\": \"%07" PRIu32 "\", "
				 "\"school_code\": \"%07" PRIu32 "\", \"grade\": ", f->wave, f->lea,
				 f->school);
		outstream_json_str(o, grade, strlen(grade));
		outstream_puts(o, ", \"box_id\": ");
		outstream_json_str(o, f->box_id, strlen(f->box_id));
		outstream_printf(o, ", \"box_no\": %" PRIu32 ", \"box_count\": %" PRIu32
				 ", \"printed\": ", f->wave_box_no, f->wave_box_count);
		json_time(o, f->printed);
		outstream_puts(o, ", \"scanned\": ");
		json_time(o, f->scanned);
		outstream_printf(o, ", \"reprints\": %d, \"reprint_box_id\": ", f->reprints);
		if (f->reprints)
			outstream_json_str(o, f->reprint_box_id, strlen(f->reprint_box_id));
		else
			outstream_puts(o, "null");
		outstream_putc(o, '}');
	}
	outstream_puts(o, l->n ? "\n]}\n" : "]}\n");
}

/* An ssid as the score reports file carries it: exactly 10 digits. */
static int ssid_valid(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = 0;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n == 10)
			return -1;
		v = v * 10 + (uint64_t)(s[n] - '0');
	}
	if (n != 10)
		return -1;
	*out = v;
	return 0;
}

int cmd_find(int argc, char **argv)
{
	const char *path = NULL, *ssid_text = NULL;
	int json = 0, c;
	cli_parser p;
	cli_parser_init(&p, "find", argc, argv);
	while ((c = cli_next(&p)) > 0) {
		switch (c) {
		case OPT_LEDGER: path = p.arg; break;
		case OPT_SSID: ssid_text = p.arg; break;
		case OPT_JSON: json = 1; break;
		}
	}
	if (c < 0 || cli_parser_finish(&p) != ST_OK)
		return p.st;
	if (!path || !*path)
		return cli_usage_error("find", "--ledger is required: the season's ledger file");
	if (!ssid_text)
		return cli_usage_error("find", "--ssid is required: the student's 10-digit SSID");
	uint64_t ssid;
	if (ssid_valid(ssid_text, &ssid) != 0)
		return cli_usage_error("find", "--ssid wants the student's SSID, exactly 10 digits "
				       "like 1234567890");

	const ledger_options opt = { .read_only = 1 };
	ledger *lg;
	status st = ledger_open(&lg, path, &opt);
	if (st != ST_OK)
		return st;
	found_list l;
	memset(&l, 0, sizeof l);
	st = ledger_find_ssid(lg, ssid, keep_found, &l, NULL);
	ledger_close(lg);
	if (st == ST_OK && l.oom)
		st = status_fail(ST_NOMEM, "out of memory");
	if (st == ST_OK && l.n == 0)
		st = status_fail(ST_BADINPUT, "ssid %s: the ledger %s has no printed report of "
				 "this student", ssid_text, path);
	if (st == ST_OK) {
		outstream *o;
		if ((st = outstream_open(&o, "-", OUT_NO_FSYNC)) == ST_OK) {
			if (json)
				write_json(o, ssid_text, &l);
			else
				write_text(o, ssid_text, path, &l);
			st = outstream_close(o);
		}
	}
	for (size_t i = 0; i < l.n; i++) {
		mem_free(l.box_id[i]);
		mem_free(l.reprint_box_id[i]);
	}
	return st;
}
