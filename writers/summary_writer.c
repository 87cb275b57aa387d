/*
 * summary_writer.c: summary.json (see summary_writer.h), written by hand:
 * a fixed shape, integers as integers, strings escaped per RFC 8259.
 */
#include "summary_writer.h"

#include <string.h>

#include "../engine/student.h"

static void json_str(outstream *o, const char *s, size_t n)
{
	outstream_json_str(o, s, n);
}

static void ship_obj(outstream *o, const run_ship *r)
{
	outstream_printf(o, "{\"sets_printed\": %llu, \"sets_packed\": %llu, \"sets_invoiced\": %llu, "
			 "\"leas\": %llu, \"boxes\": %llu, \"sheets\": %llu, \"dividers\": %llu, "
			 "\"envelopes\": %llu, \"envelope_sets_without_address\": %llu, \"gross_mg\": %lld}",
			 (unsigned long long)r->printed, (unsigned long long)r->packed,
			 (unsigned long long)r->invoiced, (unsigned long long)r->leas,
			 (unsigned long long)r->boxes, (unsigned long long)r->sheets,
			 (unsigned long long)r->dividers, (unsigned long long)r->envelopes,
			 (unsigned long long)r->no_address, (long long)r->gross_mg);
}

static void mmdd(outstream *o, int v)
{
	outstream_printf(o, "\"%02d-%02d\"", v / 100, v % 100);
}

static void config_obj(outstream *o, const config *c)
{
	outstream_puts(o, "{\"admin_year\": ");
	json_str(o, c->admin_year, strlen(c->admin_year));
	static const char *const key[PROGRAM_COUNT] = { "caaspp", "elpac" };
	for (int p = 0; p < PROGRAM_COUNT; p++) {
		const program_config *pc = &c->program[p];
		outstream_printf(o, ", \"%s\": {\"available\": %s, \"set_price_cents\": %lld, "
				 "\"envelope_set_price_cents\": %lld, \"order_deadline\": ",
				 key[p], pc->available ? "true" : "false",
				 (long long)pc->set_price_cents, (long long)pc->envelope_set_price_cents);
		mmdd(o, pc->order_deadline_mmdd);
		outstream_puts(o, ", \"cancel_deadline\": ");
		mmdd(o, pc->cancel_deadline_mmdd);
		outstream_puts(o, ", \"languages\": [");
		int first = 1;
		for (int l = LANG_ES; l < LANG_COUNT; l++)
			if (pc->languages & (1u << l)) {
				outstream_printf(o, "%s\"%s\"", first ? "" : ", ", lang_code[l]);
				first = 0;
			}
		outstream_puts(o, "]}");
	}
	const box_config *b = &c->box;
	outstream_printf(o, ", \"box\": {\"max_gross_mg\": %lld, \"tare_mg\": %lld, "
			 "\"letter_sheet_mg\": %lld, \"tabloid_sheet_mg\": %lld, \"divider_mg\": %lld, "
			 "\"envelope_10_mg\": %lld, \"envelope_6x9_mg\": %lld, "
			 "\"keep_schools_together\": %s}}",
			 (long long)b->max_gross_mg, (long long)b->tare_mg, (long long)b->letter_sheet_mg,
			 (long long)b->tabloid_sheet_mg, (long long)b->divider_mg,
			 (long long)b->envelope_10_mg, (long long)b->envelope_6x9_mg,
			 b->keep_schools_together ? "true" : "false");
}

void summary_write(outstream *o, const run_summary *s, const config *c,
		   const char *students_path, const char *orders_path,
		   const char *warnings, size_t warnings_len, const summary_reprint *reprint,
		   const char *build_json)
{
	run_ship all;
	tally_overall(s, &all);
	outstream_printf(o, "{\n  \"build\": %s,\n", build_json);   /* which build made this output */
	outstream_puts(o, "  \"students\": {\"file\": ");
	json_str(o, students_path, strlen(students_path));
	outstream_printf(o, ", \"rows_read\": %llu, \"rejected\": %llu, \"duplicates\": %llu, "
			 "\"printed\": %llu, \"printed_earlier\": %llu, \"changed_since_printed\": %llu, "
			 "\"missing_since_printed\": %llu, "
			 "\"electronic_only\": %llu, \"ordered_by_school\": %llu, "
			 "\"ordered_by_lea\": %llu, \"ordered_individually\": %llu},\n",
			 (unsigned long long)s->rows, (unsigned long long)s->rejected,
			 (unsigned long long)s->duplicates, (unsigned long long)all.printed,
			 (unsigned long long)s->printed_earlier, (unsigned long long)s->changed_since_printed,
			 (unsigned long long)s->missing_since_printed, (unsigned long long)s->electronic, (unsigned long long)s->ordered_by[1],
			 (unsigned long long)s->ordered_by[2], (unsigned long long)s->ordered_by[3]);
	outstream_puts(o, "  \"orders\": {\"file\": ");
	json_str(o, orders_path, strlen(orders_path));
	outstream_printf(o, ", \"rows_read\": %llu, \"active\": %llu, \"cancelled\": %llu, "
			 "\"rejected\": %llu, \"warnings\": %llu, \"without_reports\": %llu},\n",
			 (unsigned long long)s->orders.rows, (unsigned long long)s->orders.active,
			 (unsigned long long)s->orders.cancelled, (unsigned long long)s->orders.rejected,
			 (unsigned long long)s->orders.warnings, (unsigned long long)s->orders_without_reports);
	outstream_puts(o, "  \"shipments\": {");
	for (int i = 0; i < SHIP_COUNT; i++) {
		outstream_printf(o, "%s\n    \"%s\": ", i ? "," : "", shipment_name[i]);
		ship_obj(o, &s->ship[i]);
	}
	outstream_puts(o, "\n  },\n  \"overall\": ");
	ship_obj(o, &all);
	outstream_printf(o, ",\n  \"reconciled\": %s,\n", s->reconciled ? "true" : "false");
	if (s->ledger_file) {
		outstream_puts(o, "  \"ledger\": {\"file\": ");
		json_str(o, s->ledger_file, strlen(s->ledger_file));
		outstream_printf(o, ", \"run_id\": %lld, \"created\": %s, \"nothing_new\": %s, \"waves\": {",
				 (long long)s->ledger_run, s->ledger_created ? "true" : "false",
				 s->nothing_new ? "true" : "false");
		for (int i = 0; i < SHIP_COUNT; i++)
			outstream_printf(o, "%s\"%s\": %d", i ? ", " : "", shipment_name[i], s->waves[i]);
		outstream_puts(o, "}},\n");
	}
	if (reprint) {
		outstream_printf(o, "  \"reprint\": {\"kind\": \"%s\", \"reason\": ",
				 s->reprint == TALLY_REPRINT_BOX ? "box" : "ssid");
		json_str(o, reprint->reason, strlen(reprint->reason));
		outstream_puts(o, ", \"operator\": ");
		json_str(o, reprint->operator_name, strlen(reprint->operator_name));
		outstream_printf(o, ", \"billed\": %s, \"sets\": %llu, \"changed\": %llu, "
				 "\"not_chosen\": %llu, \"boxes\": [",
				 s->reprint_billed ? "true" : "false", (unsigned long long)all.printed,
				 (unsigned long long)s->changed_since_printed,
				 (unsigned long long)s->not_reprinted);
		if (reprint->boxes_len)
			outstream_write(o, reprint->boxes_json, reprint->boxes_len);
		outstream_puts(o, "]},\n");
	}
	/* docs/rules.md §16.2: the shipping desk's boxes */
	if (s->shipping_directory)
		outstream_printf(o, "  \"shipping\": {\"directory\": true, \"directory_rows\": %llu, "
				 "\"directory_rejected\": %llu, \"boxes\": %llu, \"held_boxes\": %llu, "
				 "\"held_leas\": %llu, \"ups_files\": %llu},\n",
				 (unsigned long long)s->leas_rows, (unsigned long long)s->leas_rejected,
				 (unsigned long long)s->ship_boxes, (unsigned long long)s->held_boxes,
				 (unsigned long long)s->held_leas, (unsigned long long)s->ups_files);
	else
		outstream_printf(o, "  \"shipping\": {\"directory\": false, \"boxes\": %llu},\n",
				 (unsigned long long)s->ship_boxes);
	outstream_printf(o, "  \"invoices\": {\"count\": %llu, \"grand_total_cents\": %lld},\n",
			 (unsigned long long)s->invoices, (long long)s->grand_total_cents);
	if (s->documents)
		outstream_printf(o, "  \"documents\": {\"packing_lists\": %llu, \"label_files\": %llu, "
				 "\"labels\": %llu, \"invoices\": %llu},\n",
				 (unsigned long long)s->packing_lists, (unsigned long long)s->packing_lists,
				 (unsigned long long)(s->ship[0].boxes + s->ship[1].boxes + s->ship[2].boxes),
				 (unsigned long long)s->invoices);
	else
		outstream_puts(o, "  \"documents\": null,\n");
	outstream_puts(o, "  \"unknown_columns\": [");
	int any = 0;
	for (int f = 0; f < 2; f++) {
		const column_notes *cn = &s->columns[f];
		for (size_t i = 0; i < cn->n; i++) {
			const column_note *u = &cn->note[i];
			if (u->kind != COLUMN_UNKNOWN)
				continue;
			outstream_puts(o, any ? ",\n    {\"file\": " : "\n    {\"file\": ");
			json_str(o, s->columns_file[f], strlen(s->columns_file[f]));
			outstream_printf(o, ", \"line\": 1, \"column\": %zu, \"name\": ", u->column);
			json_str(o, u->name, strlen(u->name));
			outstream_puts(o, ", \"did_you_mean\": ");
			if (u->did_you_mean)
				json_str(o, u->did_you_mean, strlen(u->did_you_mean));
			else
				outstream_puts(o, "null");
			outstream_putc(o, '}');
			any = 1;
		}
	}
	outstream_puts(o, any ? "\n  ],\n" : "],\n");
	outstream_puts(o, "  \"config\": ");
	config_obj(o, c);
	outstream_puts(o, ",\n  \"warnings\": [");
	size_t at = 0;
	int first = 1;
	while (at < warnings_len) {
		const char *nl = memchr(warnings + at, '\n', warnings_len - at);
		const size_t end = nl ? (size_t)(nl - warnings) : warnings_len;
		outstream_puts(o, first ? "\n    " : ",\n    ");
		json_str(o, warnings + at, end - at);
		first = 0;
		at = end + 1;
	}
	outstream_printf(o, "%s],\n  \"timings_s\": {\"read\": %.3f, \"sort\": %.3f, \"write\": %.3f, "
			 "\"documents\": %.3f, \"total\": %.3f},\n", first ? "" : "\n  ",
			 s->t_read, s->t_sort, s->t_write, s->t_documents, s->t_total);
	outstream_printf(o, "  \"memory_bytes\": {\"budget\": %llu, \"allocated_peak\": %llu, "
			 "\"resident_peak\": %llu}\n}\n",
			 (unsigned long long)s->memory_budget, (unsigned long long)s->memory_peak,
			 (unsigned long long)s->memory_resident);
}
