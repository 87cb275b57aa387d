/*
 * ledger.h: the season's ledger (docs/rules.md §15), an SQLite database
 * that remembers what every run printed, boxed and billed, by ssid and
 * codes only.
 *
 *   ledger *lg;
 *   ledger_open(&lg, path, NULL);            // creates it 0600, migrates
 *   ledger_begin_run(lg, &run, &run_id);     // BEGIN IMMEDIATE: the writer
 *   ledger_next_wave(lg, SHIP_AUGUST, &w);   // reads inside the same
 *   ledger_next_box_no(lg, ship, lea, &n);   //   transaction
 *   ledger_printed_open(lg, &filter, &c);    // then ledger_printed_next
 *   ledger_add_input(lg, ...);  ledger_add_wave(lg, ship, w);
 *   for each box: ledger_add_set(lg, &set) for each of its sets, in
 *                 box order, then ledger_add_box(lg, &box)
 *   at each (shipment, LEA) end: ledger_set_box_count(lg, ship, lea, m)
 *   ledger_add_invoice(lg, &inv, lines, n);
 *   ledger_commit_run(lg, &end);             // only once the output
 *                                            // folder is in place
 *   ledger_close(lg);                        // without a commit: rollback
 *
 * A scanning station instead calls ledger_scan(lg, line, station, now, &a)
 * for each scanned line: its own committed transaction (docs/rules.md
 * §15.4).  `status` opens read-only and walks ledger_boxes.
 *
 * Nothing a run adds is visible to anyone, this process included after a
 * reopen, until ledger_commit_run: a crash or a close before it leaves the
 * ledger as it was.  Another writer waits busy_ms (5 s) for the write lock,
 * then gets ST_BUSY naming the ledger and the run that holds it: while a
 * run holds the lock, <ledger>.holder (0600) says "pid N, run started
 * <UTC time> on <host>" (ledger.c, "who holds the write lock").
 */
#ifndef SSRFILL_LEDGER_H
#define SSRFILL_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "../base/status.h"
#include "../engine/setrec.h"

/* The schema this ssrfill writes; ledger_open migrates older ones up to it
 * and refuses newer ones. */
#define LEDGER_SCHEMA_VERSION 4
/* PRAGMA application_id: "SSRF", so a foreign SQLite file is refused. */
#define LEDGER_APPLICATION_ID 0x53535246
/* A set's key in the ledger: ssid << LEDGER_REPORT_BITS | enum report. */
#define LEDGER_REPORT_BITS 4
/* How long a second writer waits for the first (docs/rules.md §15). */
#define LEDGER_BUSY_MS 5000

typedef struct ledger ledger;

typedef struct ledger_options {
	int busy_ms;            /* 0: LEDGER_BUSY_MS */
	int cache_kib;          /* SQLite page cache; 0: 65536 (64 MiB) */
	int max_version;        /* test seam: migrate only up to this; 0: all */
	int read_only;          /* `find`, `status`: open an existing ledger of
				 * the current version as it is: no create, no
				 * migration, never the write lock */
} ledger_options;

/* Open (creating with mode 0600) and migrate.  Refuses, with a message
 * naming the file: a file others may read or write (ST_BADINPUT), one that
 * is not an ssrfill ledger (ST_BADINPUT), one from a newer ssrfill
 * (ST_BADINPUT), one another writer holds past busy_ms (ST_BUSY).  With
 * opt->read_only also a missing file, an empty one and one of an older
 * version (ST_BADINPUT); SQLite then refuses every write, and a writer's
 * uncommitted run stays invisible (WAL: readers and the writer never wait
 * for each other). */
status ledger_open(ledger **out, const char *path, const ledger_options *opt);
/* Rolls back an uncommitted run.  ledger_close(NULL) is a no-op. */
void ledger_close(ledger *lg);
/* PRAGMA user_version as read at open (after migration). */
int ledger_schema_version(const ledger *lg);

/* ---- a run ---- */

typedef struct ledger_run {
	const char *command;    /* "run" or "reprint" */
	const char *out_dir;    /* the output folder (run: its absolute path) */
	int64_t started;        /* unix seconds (clock.h) */
	const char *admin_year; /* the configuration's, "2018-19"; NULL: none */
} ledger_run;

typedef struct ledger_run_end {
	int64_t finished;       /* unix seconds */
	uint64_t rows_read, sets_printed, boxes;
	int nothing_new;        /* a rerun that printed nothing */
} ledger_run_end;

/* Take the write lock (BEGIN IMMEDIATE), write <ledger>.holder and record
 * the run; its id in *run_id.  ST_BUSY when another writer holds the
 * ledger past busy_ms, naming the holder when its holder file is live. */
status ledger_begin_run(ledger *lg, const ledger_run *run, int64_t *run_id);
/* An input of the run: role "students", "orders", "config", "leas". */
status ledger_add_input(ledger *lg, const char *role, const char *path,
			uint64_t n_bytes, const uint8_t sha256[32]);
/* The wave this run is of a shipment it prints anything for. */
status ledger_add_wave(ledger *lg, int shipment, int wave);

/* The next wave of a shipment: 1 + the last one committed (1 when none). */
status ledger_next_wave(ledger *lg, int shipment, int *wave);
/* The LEA's next box number in the shipment: 1 + the highest (1 when
 * none), so box ids continue across waves. */
status ledger_next_box_no(ledger *lg, int shipment, uint32_t lea, uint32_t *box_no);

typedef struct ledger_set {
	uint64_t ssid;
	uint8_t report;         /* enum report */
	uint8_t grade;          /* rank */
	uint32_t school;
	uint64_t digest;        /* ledger_digest() of what was printed */
	uint8_t ordered_by;     /* enum ordered_by: whose order printed it */
} ledger_set;

typedef struct ledger_box {
	int shipment;           /* enum shipment */
	uint32_t lea;
	int wave;
	uint32_t box_no;        /* the LEA's numbering in the shipment */
	uint32_t wave_box_no, wave_box_count;   /* "Box N of M" of the wave */
	uint32_t sheets;
	int64_t gross_mg;
} ledger_box;

/* "Box N of M" counts the LEA's boxes of this wave, known only once its
 * last box has closed: set M on every box of (shipment, lea) this run has
 * added (those added with wave_box_count 0, or any). */
status ledger_set_box_count(ledger *lg, int shipment, uint32_t lea, uint32_t wave_box_count);
/* A set of the box being filled, in box order (its seq is the count of
 * sets added before it since the last ledger_add_box). */
status ledger_add_set(ledger *lg, const ledger_set *s);
/* Record the box that holds the sets added since the last call; the
 * sets get its wave, shipment and LEA.  Its id is box_id_format()'s. */
status ledger_add_box(ledger *lg, const ledger_box *b);

typedef struct ledger_invoice {
	const char *invoice_id; /* "INV-2018-19-1964733", "...-W2" */
	uint32_t lea;
	int wave;               /* 0 for a reprint invoice */
	const char *kind;       /* "wave" or "reprint" */
	int64_t total_cents;
	int64_t invoice_date, due_date;  /* unix seconds (UTC midnight); 0: not recorded */
} ledger_invoice;

typedef struct ledger_invoice_line {
	int item;               /* enum shipment */
	int envelopes;
	uint64_t quantity;
	int64_t unit_cents, amount_cents;
	int ordered_by;         /* enum ordered_by of the sets' order; 0: not told */
	uint32_t school;        /* the school whose order (ordered_by 1), else 0 */
	const char *po_number;  /* that order's PO number; NULL or "": none */
} ledger_invoice_line;

status ledger_add_invoice(ledger *lg, const ledger_invoice *inv,
			  const ledger_invoice_line *lines, size_t n);

/* Write the sets of closed boxes still held in memory now, inside the
 * run's transaction (still invisible until the commit), so that the work
 * can overlap with other work of the command instead of delaying the
 * commit.  ledger_commit_run does it anyway. */
status ledger_flush(ledger *lg);

/* Record the run's end and COMMIT: everything since ledger_begin_run
 * becomes visible at once. */
status ledger_commit_run(ledger *lg, const ledger_run_end *end);
/* Forget everything since ledger_begin_run (ledger_close does it too). */
void ledger_rollback_run(ledger *lg);

/* ---- what was printed ---- */

typedef struct ledger_filter {
	int shipment;           /* enum shipment, or -1 for every one */
	int64_t lea;            /* an LEA code, or -1 for every one */
} ledger_filter;

typedef struct ledger_printed {
	uint64_t ssid;
	uint8_t report;
	uint8_t grade;
	uint32_t lea, school;
	int shipment, wave;
	uint64_t digest;
	uint8_t ordered_by;     /* enum ordered_by */
	const char *box_id;     /* valid until the next ledger_printed_next */
} ledger_printed;

typedef struct ledger_cursor ledger_cursor;

/* The printed sets matching the filter, ascending by (ssid, report), the
 * order of student_identity(): one pass over the sets table in key order,
 * no sort, for a merge against rows sorted the same way.  Read it before
 * the run adds sets: inside the run's transaction it would also see those
 * of the run's sets already written. */
status ledger_printed_open(ledger *lg, const ledger_filter *f, ledger_cursor **out);
/* ST_OK with *p filled, ST_EOF at the end, or a failure. */
status ledger_printed_next(ledger_cursor *c, ledger_printed *p);
void ledger_printed_close(ledger_cursor *c);

/* The digest of the printed fields of a set that decide whether it changed
 * since it was printed (docs/rules.md §15): name, grade, school, report,
 * second-language copy and mailing block.  64-bit FNV-1a over the fields,
 * each length-prefixed, in that order, then a final mix; stable across
 * versions, since ledgers keep it (a change is a schema migration). */
uint64_t ledger_digest(const setrec *r);

/* ---- find ---- */

typedef struct ledger_found {
	uint8_t report;
	int shipment, wave;
	uint32_t lea, school;
	uint8_t grade;
	const char *box_id;
	uint32_t wave_box_no, wave_box_count;
	int64_t printed;        /* unix seconds: the run's commit */
	int64_t scanned;        /* first OK scan, 0 when none */
	int reprints;           /* how many times it was reprinted */
	const char *reprint_box_id; /* the box of its latest reprint, "" if none */
	uint64_t digest;        /* ledger_digest() of what was printed last */
	uint8_t ordered_by;     /* enum ordered_by: whose order printed it */
} ledger_found;

/* Call fn for every set of the student the ledger knows, in report order
 * (one key range of the sets table);
 * the strings live until fn returns, and a nonzero return stops the walk.
 * *n_found (may be NULL) counts the calls. */
typedef int (*ledger_found_fn)(void *ctx, const ledger_found *f);
status ledger_find_ssid(ledger *lg, uint64_t ssid, ledger_found_fn fn, void *ctx,
			 size_t *n_found);

/* ---- scans (docs/rules.md §15.4) ---- */

/* What ledger_scan_clean keeps of a scanned line; longer is cut (no box id
 * comes near it, so a cut line is never a box). */
#define LEDGER_SCAN_MAX 64

enum ledger_scan_result {
	LEDGER_SCAN_OK, LEDGER_SCAN_AGAIN, LEDGER_SCAN_VOID, LEDGER_SCAN_UNKNOWN,
	LEDGER_SCAN_RESULTS
};
/* "OK", "AGAIN", "VOID", "UNKNOWN": the scans.result spellings. */
extern const char *const ledger_scan_result_name[LEDGER_SCAN_RESULTS];

/* A scanned line as it is looked up and recorded: surrounding spaces,
 * tabs, CR and LF dropped, letters lowercased except the R of a reprint
 * box's "-R<n>", any other byte outside printable ASCII turned into '?',
 * cut to LEDGER_SCAN_MAX bytes.  Writes a NUL-terminated string into
 * out[LEDGER_SCAN_MAX + 1] and returns its length: 0 for an empty line. */
size_t ledger_scan_clean(char *out, const char *line, size_t len);

typedef struct ledger_scan_answer {
	int result;                       /* enum ledger_scan_result */
	char box_id[LEDGER_SCAN_MAX + 1]; /* the cleaned text; a box's id when known */
	int shipment, wave;               /* -1, 0 when UNKNOWN */
	uint32_t lea;
	uint32_t wave_box_no, wave_box_count;
	/* the LEA's boxes of that shipment and wave, void ones left out, and
	 * how many of them are scanned now (this scan included) */
	uint32_t n_boxes, n_scanned;
	int64_t first_at;                 /* AGAIN: the first OK scan, 0 if none */
	char first_station[LEDGER_SCAN_MAX + 1];
	char replaced_by[LEDGER_SCAN_MAX + 1]; /* VOID: the reprint box, "" if none */
} ledger_scan_answer;

/* One scan in one transaction: BEGIN IMMEDIATE, look the cleaned text up
 * (ledger_scan_clean; an empty one is ST_USAGE), mark an OK box scanned,
 * record the scan (time at, station, text, box, result; every result),
 * COMMIT.  Answer only after it returns ST_OK: the scan is then on disk.
 * ST_BUSY when another writer holds the ledger past busy_ms: nothing is
 * recorded. */
status ledger_scan(ledger *lg, const char *text, const char *station, int64_t at,
		   ledger_scan_answer *a);

/* ---- status ---- */

typedef struct ledger_box_state {
	int shipment, wave;               /* enum shipment */
	uint32_t lea;
	const char *box_id;
	uint32_t box_no, wave_box_no, wave_box_count;
	int status;                       /* 0 printed, 1 scanned, 2 void */
} ledger_box_state;

/* Call fn for every box matching the filter, ordered by shipment, wave,
 * LEA and box number; the strings live until fn returns, a nonzero return
 * stops the walk. */
typedef int (*ledger_box_fn)(void *ctx, const ledger_box_state *b);
status ledger_boxes(ledger *lg, const ledger_filter *f, ledger_box_fn fn, void *ctx);

/* The administration year of the ledger's season: that of its first
 * committed run ("" when it has none yet).  One ledger, one season. */
status ledger_season(ledger *lg, char *buf, size_t cap);
/* The latest run that printed into out_dir (as recorded), 0 when none. */
status ledger_printed_into(ledger *lg, const char *out_dir, int64_t *run_id);

/* How many sets the ledger has printed (a count, before reading them). */
status ledger_count_sets(ledger *lg, uint64_t *n);
/* How many sets reprints have printed again (0: no set is in a reprint box). */
status ledger_count_reprinted(ledger *lg, uint64_t *n);

/* The number of the LEA's next invoice of the season: 1 + its invoices
 * of earlier waves (1 when none).  Invoice n of an LEA is
 * INV-<year>-<lea>-W<n>, the first keeps INV-<year>-<lea> (docs/rules.md
 * §15); it is numbered per LEA, not per shipment, since one run can be
 * wave 2 of one shipment and wave 1 of another. */
status ledger_next_invoice_no(ledger *lg, uint32_t lea, int *n);

/* ---- reprints (docs/rules.md §15.5) ----
 *
 * `reprint` is a run (ledger_begin_run with command "reprint", committed
 * the same way) that records one ledger_begin_reprint, then its boxes as
 * a run's: ledger_add_reprint_set for each set of the box being filled,
 * then ledger_add_reprint_box.  The sets keep their row in `sets` (what
 * the wave printed); reprint_sets says which new box holds them again. */

typedef struct ledger_box_info {
	int64_t box_key;
	char box_id[LEDGER_SCAN_MAX + 1];
	int shipment, wave;
	uint32_t lea;
	uint32_t wave_box_no, wave_box_count;
	int status;                       /* 0 printed, 1 scanned, 2 void */
	int64_t scanned;                  /* its first OK scan, 0 when none */
	char replaced_by[LEDGER_SCAN_MAX + 1]; /* void: its latest reprint box */
	/* the box whose sets it holds: itself, or for a box reprint ("-R<n>")
	 * the box first printed with them, whose id the "-R<n>" goes on */
	int64_t root_key;
	char root_id[LEDGER_SCAN_MAX + 1];
	int64_t prev_key;                 /* the root's box before it in its
					   * run (the same LEA, shipment and
					   * wave), 0 when it is the first */
} ledger_box_info;

/* Look a box up by its id as scan cleans it (ledger_scan_clean): ST_OK
 * with *found 0 when the ledger has no such box. */
status ledger_box_lookup(ledger *lg, const char *text, ledger_box_info *b, int *found);

typedef struct ledger_box_set {
	int64_t box_key;                  /* which of the boxes asked for */
	uint32_t seq;                     /* its place in that box, from 1 */
	uint64_t ssid;
	uint8_t report, grade;            /* grade rank, as first printed */
	uint32_t school;
	uint64_t digest;                  /* as last printed */
	uint8_t ordered_by;
} ledger_box_set;

/* Call fn for every set box a (and box b, when nonzero) held, by box key
 * then seq: a wave's box from `sets`, a reprint box from reprint_sets.  One
 * pass over the sets table (it has no index by box: a reprint is rare, a
 * run's inserts are not). */
typedef int (*ledger_box_set_fn)(void *ctx, const ledger_box_set *s);
status ledger_box_sets(ledger *lg, int64_t a, int64_t b, ledger_box_set_fn fn, void *ctx);

typedef struct ledger_reprint {
	const char *kind;                 /* "box" or "ssid" */
	const char *reason, *operator_name;
	int64_t at;                       /* unix seconds */
	int billed;
} ledger_reprint;

/* Record the reprint of the open run (once, before its boxes). */
status ledger_begin_reprint(ledger *lg, const ledger_reprint *r);
/* n of the next "<root_id>-R<n>": 1 + the box reprints of root_id so far. */
status ledger_next_box_reprint(ledger *lg, const char *root_id, uint32_t *n);
/* nnnn of the LEA's next reprint box "<shipment>-<lea>-R<nnnn>" in the
 * shipment: 1 + the highest so far. */
status ledger_next_reprint_box_no(ledger *lg, int shipment, uint32_t lea, uint32_t *n);
/* n of the LEA's next reprint invoice INV-<year>-<lea>-R<n>. */
status ledger_next_reprint_invoice_no(ledger *lg, uint32_t lea, int *n);
/* A set of the reprint box being filled, in box order: the digest of what
 * it prints now, and whether that changed since it was last printed (the
 * set's digest in `sets` then becomes this one: it is what the LEA has). */
status ledger_add_reprint_set(ledger *lg, uint64_t ssid, uint8_t report, uint64_t digest, int changed);

typedef struct ledger_reprint_box {
	const char *box_id;
	int shipment;
	uint32_t lea;
	int wave;                         /* the replaced box's; 0: an ssid reprint */
	uint32_t wave_box_no, wave_box_count;
	uint32_t sheets;
	int64_t gross_mg;
	int64_t reprint_of;               /* the box it replaces (made void), 0: none */
} ledger_reprint_box;

/* Record the reprint box holding the sets added since the last box. */
status ledger_add_reprint_box(ledger *lg, const ledger_reprint_box *b);

/* The schema as SQL (the migration steps in order), for docs and tests. */
const char *ledger_schema_step(int version);

#endif
