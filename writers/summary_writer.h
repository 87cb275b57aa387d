/*
 * summary_writer.h: summary.json of `ssrfill run` — every count of
 * docs/rules.md §12 per shipment and overall, the invoice grand total, the
 * effective configuration, warnings and timings.  No student data.
 */
#ifndef SSRFILL_SUMMARY_WRITER_H
#define SSRFILL_SUMMARY_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "../engine/config.h"
#include "../engine/tally.h"
#include "../io/outstream.h"

/* A reprint's summary.json object (docs/rules.md §15.5): its reason and
 * operator, and its boxes as JSON objects separated by ", ". */
typedef struct summary_reprint {
	const char *reason, *operator_name;
	const char *boxes_json;
	size_t boxes_len;
} summary_reprint;

/* reprint: NULL for a run.  build_json: the JSON object of the build
 * that writes it (job/build_info.c), recorded as "build". */
void summary_write(outstream *o, const run_summary *s, const config *c,
		   const char *students_path, const char *orders_path,
		   const char *warnings, size_t warnings_len, const summary_reprint *reprint,
		   const char *build_json);

#endif
