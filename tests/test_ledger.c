/*
 * test_ledger.c: the season's ledger (ledger/ledger.h, docs/rules.md §15).
 *
 * - The file is created 0600 (its WAL too), a ledger others may read and
 *   a symbolic link are refused, in WAL mode, at the current schema version; an empty file and
 *   a ledger of an older version are migrated forward with their rows kept;
 *   a ledger from a newer ssrfill and a foreign SQLite file are refused.
 * - A run's rows are invisible to another connection until the commit, and
 *   gone after a rollback, a close without a commit, or a SIGKILL.
 * - A second writer waits for the first: it gets the lock when the first
 *   commits within the wait, ST_BUSY naming the ledger when not.
 * - What was printed comes back in student_identity() order, as a stream
 *   and as a hash map, filtered by shipment and LEA; box numbers and waves
 *   continue; find by ssid gives each report's box and "n of m".
 * - A read-only open (find, status) creates, converts and migrates
 *   nothing, neither waits for a writer nor sees its open run, and cannot
 *   write.
 * - No column of any table is named like a personal field; the generated
 *   report and grade columns spell the engine's codes; a set cannot be
 *   recorded twice.
 * - 100,000 sets insert in one transaction (the time is printed, not
 *   asserted).
 * - While a run holds the ledger, <ledger>.holder (0600) names it, and a
 *   writer whose wait runs out gets ST_BUSY naming the holder's pid, run
 *   and host; a stale holder file (its run SIGKILLed) or one that is not
 *   ours is not trusted ("held by another process"); the file is replaced
 *   by the next run and gone after a commit, a rollback or a close.
 * - Scans (§15.4): a scanned line is cleaned as scanners type it (CR,
 *   spaces, capitals; a reprint's R kept); each scan answers OK (the box
 *   scanned, its LEA's wave counted), AGAIN (when and where first), VOID
 *   (the reprint that replaced it) or UNKNOWN, and every answer is a
 *   committed row of scans before ledger_scan returns; a writer holding the
 *   ledger makes a scan wait then ST_BUSY with nothing recorded.
 * - The boxes come back for `status` by shipment, wave, LEA and number,
 *   filtered, from a read-only open that cannot record a scan.
 * - Reprints (§15.5): a box is looked up as scanned, with the box packed
 *   before it; its sets come back in box order (a reprint box's from
 *   reprint_sets); a box reprint voids the box, and the reprint of a
 *   reprint is the same root's next -R<n>, which the first box's VOID then
 *   names; ssid reprint boxes and reprint invoices number on per LEA (and
 *   shipment) apart from a wave's; find counts reprints and names the
 *   latest box.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ctype.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../base/clock.h"
#include "../engine/fulfil.h"
#include "../engine/student.h"
#include "../ledger/ledger.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_ledger.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/season.ledger", dir);
	status_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static ledger *open_ok(const ledger_options *opt)
{
	ledger *lg = NULL;
	status s = ledger_open(&lg, path, opt);
	if (s != ST_OK)
		fail_msg("ledger_open: %s", status_detail(s));
	return lg;
}

/* An integer from a plain SQLite connection of the test's own: what
 * another process would see. */
static int64_t peek_int(const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void poke(const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

/* Add one box of n sets of LEA lea in shipment august, ssids from first. */
static void add_box(ledger *lg, uint32_t lea, uint32_t box_no, int wave,
		    uint64_t first, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		ledger_set s = { .ssid = first + i, .report = REPORT_SB, .grade = 5,
				 .school = 100 + (uint32_t)(i % 3), .digest = (first + i) * 7 };
		assert_int_equal(ledger_add_set(lg, &s), ST_OK);
	}
	ledger_box b = { .shipment = SHIP_AUGUST, .lea = lea, .wave = wave, .box_no = box_no,
			 .wave_box_no = 1, .wave_box_count = 1, .sheets = (uint32_t)n * 2,
			 .gross_mg = 1000 * (int64_t)n };
	assert_int_equal(ledger_add_box(lg, &b), ST_OK);
}

static int64_t begin(ledger *lg)
{
	ledger_run r = { .command = "run", .out_dir = "out", .started = 1700000000 };
	int64_t id = 0;
	assert_int_equal(ledger_begin_run(lg, &r, &id), ST_OK);
	assert_true(id > 0);
	return id;
}

static void commit(ledger *lg, uint64_t sets)
{
	ledger_run_end e = { .finished = 1700000100, .rows_read = sets, .sets_printed = sets,
			     .boxes = 1 };
	assert_int_equal(ledger_commit_run(lg, &e), ST_OK);
}

static void created_0600_in_wal_at_the_current_version(void **state)
{
	(void)state;
	ledger *lg = open_ok(NULL);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(ledger_schema_version(lg), LEDGER_SCHEMA_VERSION);
	begin(lg);
	add_box(lg, 1964733, 1, 1, 1000, 3);
	commit(lg, 3);
	char wal[160];
	snprintf(wal, sizeof wal, "%s-wal", path);
	assert_int_equal(stat(wal, &sb), 0);   /* the WAL gets the ledger's mode */
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(peek_int("PRAGMA user_version"), LEDGER_SCHEMA_VERSION);
	assert_int_equal(peek_int("PRAGMA application_id"), LEDGER_APPLICATION_ID);
	assert_int_equal(peek_int("SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	ledger_close(lg);
	ledger_close(NULL);
}

static void a_ledger_others_may_read_is_refused(void **state)
{
	(void)state;
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chmod(path, 0644), 0);
	ledger *lg = (ledger *)1;
	assert_int_equal(ledger_open(&lg, path, NULL), ST_BADINPUT);
	assert_null(lg);
	assert_non_null(strstr(status_detail(ST_BADINPUT), "chmod 600"));
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);   /* refused, not changed */

	/* Nor through a symbolic link. */
	status_clear();
	char link[160];
	snprintf(link, sizeof link, "%s/link.ledger", dir);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(ledger_open(&lg, link, NULL), ST_BADINPUT);
	assert_non_null(strstr(status_detail(ST_BADINPUT), "symbolic link"));
}

static void an_empty_file_and_an_old_version_migrate_forward(void **state)
{
	(void)state;
	/* An empty file (as `touch` leaves it) becomes a ledger. */
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	ledger_options v1 = { .max_version = 1 };
	ledger *lg = open_ok(&v1);
	assert_int_equal(ledger_schema_version(lg), 1);
	begin(lg);
	add_box(lg, 1964733, 1, 1, 5000, 4);
	commit(lg, 4);
	ledger_close(lg);
	assert_int_equal(peek_int("SELECT count(*) FROM sqlite_schema WHERE name = 'scans'"), 0);

	lg = open_ok(NULL);   /* version 1 -> 2: the rows stay */
	assert_int_equal(ledger_schema_version(lg), LEDGER_SCHEMA_VERSION);
	assert_int_equal(peek_int("PRAGMA user_version"), LEDGER_SCHEMA_VERSION);
	assert_int_equal(peek_int("SELECT count(*) FROM sqlite_schema WHERE name IN "
				  "('scans', 'reprints', 'reprint_sets')"), 3);
	assert_int_equal(peek_int("SELECT count(*) FROM sets"), 4);
	size_t n = 0;
	assert_int_equal(ledger_find_ssid(lg, 5002, NULL, NULL, &n), ST_OK);
	assert_int_equal(n, 1);
	ledger_close(lg);
}

static void a_newer_or_foreign_database_is_refused(void **state)
{
	(void)state;
	ledger_close(open_ok(NULL));
	poke("PRAGMA user_version = 99");
	ledger *lg;
	assert_int_equal(ledger_open(&lg, path, NULL), ST_BADINPUT);
	assert_non_null(strstr(status_detail(ST_BADINPUT), "newer ssrfill"));
	assert_int_equal(peek_int("PRAGMA user_version"), 99);   /* untouched */

	status_clear();
	unlink(path);
	poke("CREATE TABLE photos (id INTEGER)");
	chmod(path, 0600);
	assert_int_equal(ledger_open(&lg, path, NULL), ST_BADINPUT);
	assert_non_null(strstr(status_detail(ST_BADINPUT), "not an ssrfill ledger"));
	assert_int_equal(peek_int("PRAGMA user_version"), 0);
}

static void a_run_is_invisible_until_commit_and_gone_after_rollback(void **state)
{
	(void)state;
	ledger *lg = open_ok(NULL);
	begin(lg);
	add_box(lg, 1964733, 1, 1, 1, 10);
	assert_int_equal(peek_int("SELECT count(*) FROM sets"), 0);
	assert_int_equal(peek_int("SELECT count(*) FROM runs"), 0);
	ledger_rollback_run(lg);
	assert_int_equal(peek_int("SELECT count(*) FROM sets"), 0);

	begin(lg);
	add_box(lg, 1964733, 1, 1, 1, 10);
	commit(lg, 10);
	assert_int_equal(peek_int("SELECT count(*) FROM sets"), 10);
	assert_int_equal(peek_int("SELECT count(*) FROM runs WHERE status = 'printed'"), 1);

	/* Closed without a commit: as if the run had never started. */
	begin(lg);
	add_box(lg, 1964733, 2, 2, 100, 10);
	ledger_close(lg);
	lg = open_ok(NULL);
	assert_int_equal(peek_int("SELECT count(*) FROM sets"), 10);
	assert_int_equal(peek_int("SELECT count(*) FROM runs"), 1);
	ledger_close(lg);
}

static void a_sigkilled_run_leaves_the_ledger_as_it_was(void **state)
{
	(void)state;
	ledger *lg = open_ok(NULL);
	begin(lg);
	add_box(lg, 1964733, 1, 1, 1, 10);
	commit(lg, 10);
	ledger_close(lg);

	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		ledger *child;
		if (ledger_open(&child, path, NULL) != ST_OK)
			_exit(1);
		ledger_run r = { .command = "run", .started = 1 };
		int64_t id;
		if (ledger_begin_run(child, &r, &id) != ST_OK)
			_exit(1);
		/* Enough sets that SQLite spills pages to the WAL before the
		 * kill: uncommitted frames must be ignored afterwards. */
		ledger_set s = { .report = REPORT_SB, .grade = 3, .school = 1 };
		for (uint32_t box = 1; box <= 200; box++) {
			for (int i = 0; i < 500; i++) {
				s.ssid = 1000000 + box * 1000 + (uint64_t)i;
				ledger_add_set(child, &s);
			}
			ledger_box b = { .shipment = SHIP_AUGUST, .lea = 7, .wave = 1,
					 .box_no = box, .wave_box_no = box, .wave_box_count = 200 };
			if (ledger_add_box(child, &b) != ST_OK)
				_exit(1);
		}
		raise(SIGKILL);
		_exit(2);
	}
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_true(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);

	lg = open_ok(NULL);
	assert_int_equal(peek_int("SELECT count(*) FROM sets"), 10);
	assert_int_equal(peek_int("SELECT count(*) FROM boxes"), 1);
	assert_int_equal(peek_int("SELECT count(*) FROM runs"), 1);
	assert_int_equal(peek_int("SELECT integrity_check = 'ok' FROM pragma_integrity_check"), 1);
	ledger_close(lg);
}

struct holder {
	ledger *lg;
	int hold_ms;
};

static void *hold_then_commit(void *arg)
{
	struct holder *h = arg;
	struct timespec ts = { h->hold_ms / 1000, (long)(h->hold_ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
	ledger_run_end e = { .finished = 2 };
	ledger_commit_run(h->lg, &e);
	return NULL;
}

static void a_second_writer_waits_then_fails_busy(void **state)
{
	(void)state;
	ledger *first = open_ok(NULL);
	ledger_options shortwait = { .busy_ms = 200 };
	ledger *second = open_ok(&shortwait);
	begin(first);

	/* The first holds on past the wait: ST_BUSY, naming the ledger. */
	ledger_run r = { .command = "run", .started = 1 };
	int64_t id;
	double t0 = clock_now();
	assert_int_equal(ledger_begin_run(second, &r, &id), ST_BUSY);
	double waited = clock_now() - t0;
	assert_true(waited >= 0.15);
	assert_non_null(strstr(status_detail(ST_BUSY), path));
	assert_int_equal(status_exit_code(ST_BUSY), 3);
	status_clear();

	/* The first commits within the wait: the second gets the lock. */
	ledger_close(second);
	ledger_options longwait = { .busy_ms = 3000 };
	second = open_ok(&longwait);
	struct holder h = { first, 100 };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, hold_then_commit, &h), 0);
	assert_int_equal(ledger_begin_run(second, &r, &id), ST_OK);
	pthread_join(t, NULL);
	ledger_rollback_run(second);
	ledger_close(second);
	ledger_close(first);
}

struct printed_check {
	size_t n;
	uint64_t last;
};

static void printed_comes_back_in_identity_order(void **state)
{
	(void)state;
	ledger *lg = open_ok(NULL);
	assert_int_equal(begin(lg), 1);
	int wave;
	assert_int_equal(ledger_next_wave(lg, SHIP_AUGUST, &wave), ST_OK);
	assert_int_equal(wave, 1);
	assert_int_equal(ledger_add_wave(lg, SHIP_AUGUST, wave), ST_OK);
	/* One student with every report, in an order unlike both the enum's
	 * and the codes' text order, in two LEAs' boxes. */
	const uint8_t reports[] = { REPORT_ELPAC, REPORT_SB, REPORT_CSA, REPORT_CAA };
	for (size_t i = 0; i < 4; i++) {
		ledger_set s = { .ssid = 42, .report = reports[i], .grade = 6, .school = 9,
				 .digest = 0xfeedface00000000ULL + i };
		assert_int_equal(ledger_add_set(lg, &s), ST_OK);
	}
	ledger_box b = { .shipment = SHIP_AUGUST, .lea = 11, .wave = 1, .box_no = 1,
			 .wave_box_no = 1, .wave_box_count = 1 };
	assert_int_equal(ledger_add_box(lg, &b), ST_OK);
	add_box(lg, 22, 1, 1, 7, 3);
	add_box(lg, 22, 2, 1, 100, 3);
	ledger_invoice inv = { .invoice_id = "INV-2018-19-0000022", .lea = 22, .wave = 1,
			       .kind = "wave", .total_cents = 1234 };
	ledger_invoice_line line = { .item = SHIP_AUGUST, .quantity = 6, .unit_cents = 200,
				     .amount_cents = 1200 };
	assert_int_equal(ledger_add_invoice(lg, &inv, &line, 1), ST_OK);
	commit(lg, 10);

	ledger_cursor *c;
	assert_int_equal(ledger_printed_open(lg, NULL, &c), ST_OK);
	ledger_printed p;
	uint64_t last = 0;
	size_t n = 0;
	status s;
	while ((s = ledger_printed_next(c, &p)) == ST_OK) {
		uint64_t id = p.ssid * REPORT_COUNT + p.report;
		assert_true(n == 0 || id > last);
		last = id;
		n++;
	}
	assert_int_equal(s, ST_EOF);
	assert_int_equal(n, 10);
	ledger_printed_close(c);

	ledger_filter lea22 = { .shipment = SHIP_AUGUST, .lea = 22 };
	assert_int_equal(ledger_printed_open(lg, &lea22, &c), ST_OK);
	int saw_101 = 0;
	while ((s = ledger_printed_next(c, &p)) == ST_OK) {
		assert_int_equal(p.lea, 22);
		assert_true(p.ssid != 42);
		if (p.ssid == 101 && p.report == REPORT_SB) {
			saw_101 = 1;
			assert_int_equal(p.digest, 101 * 7);
		}
	}
	assert_int_equal(s, ST_EOF);
	assert_true(saw_101);
	ledger_printed_close(c);
	ledger_filter winter = { .shipment = SHIP_WINTER, .lea = -1 };
	assert_int_equal(ledger_printed_open(lg, &winter, &c), ST_OK);
	assert_int_equal(ledger_printed_next(c, &p), ST_EOF);
	ledger_printed_close(c);

	/* The next run continues the numbers. */
	begin(lg);
	uint32_t box_no;
	assert_int_equal(ledger_next_box_no(lg, SHIP_AUGUST, 22, &box_no), ST_OK);
	assert_int_equal(box_no, 3);
	assert_int_equal(ledger_next_box_no(lg, SHIP_WINTER, 22, &box_no), ST_OK);
	assert_int_equal(box_no, 1);
	assert_int_equal(ledger_next_wave(lg, SHIP_AUGUST, &wave), ST_OK);
	assert_int_equal(wave, 2);
	ledger_rollback_run(lg);
	assert_int_equal(peek_int("SELECT sum(amount_cents) FROM invoice_lines JOIN invoices "
				  "USING (invoice_key) WHERE lea = 22"), 1200);
	ledger_close(lg);
}

/* The schema's generated columns spell every report and grade as the
 * engine does, so a query in the sqlite3 shell reads like the outputs. */
static void generated_columns_spell_the_engine_codes(void **state)
{
	(void)state;
	ledger *lg = open_ok(NULL);
	begin(lg);
	for (int r = 0; r < REPORT_COUNT; r++) {
		ledger_set s = { .ssid = 77, .report = (uint8_t)r, .grade = (uint8_t)r };
		assert_int_equal(ledger_add_set(lg, &s), ST_OK);
	}
	for (int g = 0; g < GRADE_COUNT; g++) {
		ledger_set s = { .ssid = 1000 + (uint64_t)g, .report = REPORT_SB, .grade = (uint8_t)g };
		assert_int_equal(ledger_add_set(lg, &s), ST_OK);
	}
	ledger_box b = { .shipment = SHIP_ELPAC, .lea = 5, .wave = 1, .box_no = 1,
			 .wave_box_no = 1, .wave_box_count = 1 };
	assert_int_equal(ledger_add_box(lg, &b), ST_OK);
	commit(lg, REPORT_COUNT + GRADE_COUNT);
	char sql[160];
	for (int r = 0; r < REPORT_COUNT; r++) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM printed WHERE ssid = 77 AND "
			 "report = '%s' AND box_id = 'elpac-0000005-0001'", report_table[r].code);
		assert_int_equal(peek_int(sql), 1);
	}
	for (int g = 0; g < GRADE_COUNT; g++) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM sets WHERE ssid = %d AND grade = '%s'",
			 1000 + g, grade_name[g]);
		assert_int_equal(peek_int(sql), 1);
	}
	/* A set printed before cannot be added again. */
	begin(lg);
	ledger_set again = { .ssid = 77, .report = REPORT_CSA };
	assert_int_equal(ledger_add_set(lg, &again), ST_OK);
	b.box_no = 2;
	assert_int_equal(ledger_add_box(lg, &b), ST_OK);
	ledger_run_end e = { .finished = 3 };
	assert_int_equal(ledger_commit_run(lg, &e), ST_INTERNAL);
	status_clear();
	assert_int_equal(peek_int("SELECT count(*) FROM boxes"), 1);
	ledger_close(lg);
}

struct found {
	size_t n;
	ledger_found f[REPORT_COUNT];
	char box_id[REPORT_COUNT][64];
};

static int collect(void *ctx, const ledger_found *f)
{
	struct found *x = ctx;
	x->f[x->n] = *f;
	snprintf(x->box_id[x->n], sizeof x->box_id[0], "%s", f->box_id);
	x->n++;
	return 0;
}

static void find_by_ssid(void **state)
{
	(void)state;
	ledger *lg = open_ok(NULL);
	begin(lg);
	add_box(lg, 1964733, 3, 2, 500, 2);
	ledger_set s = { .ssid = 500, .report = REPORT_CAST, .grade = 7, .school = 5 };
	assert_int_equal(ledger_add_set(lg, &s), ST_OK);
	ledger_box b = { .shipment = SHIP_WINTER, .lea = 1964733, .wave = 1, .box_no = 1,
			 .wave_box_no = 1 };
	assert_int_equal(ledger_add_box(lg, &b), ST_OK);
	/* M is known once the LEA's last box has closed. */
	assert_int_equal(ledger_set_box_count(lg, SHIP_WINTER, 1964733, 4), ST_OK);
	commit(lg, 3);
	poke("INSERT INTO scans (at, station, scanned, box_key, result) "
	     "SELECT 1700000500, 'dock', box_id, box_key, 'OK' FROM boxes "
	     "WHERE box_id = 'winter-1964733-0001'");

	struct found x = { 0 };
	size_t n;
	assert_int_equal(ledger_find_ssid(lg, 500, collect, &x, &n), ST_OK);
	assert_int_equal(n, 2);
	assert_int_equal(x.f[0].report, REPORT_SB);
	assert_string_equal(x.box_id[0], "august-1964733-0003");
	assert_int_equal(x.f[0].wave, 2);
	assert_int_equal(x.f[0].wave_box_count, 1);   /* another shipment's count */
	assert_int_equal(x.f[0].printed, 1700000100);
	assert_int_equal(x.f[0].scanned, 0);
	assert_int_equal(x.f[1].report, REPORT_CAST);
	assert_string_equal(x.box_id[1], "winter-1964733-0001");
	assert_int_equal(x.f[1].wave_box_count, 4);
	assert_int_equal(x.f[1].scanned, 1700000500);
	assert_int_equal(x.f[1].grade, 7);
	assert_int_equal(ledger_find_ssid(lg, 999, collect, &x, &n), ST_OK);
	assert_int_equal(n, 0);
	ledger_close(lg);
}

/* `find` and `status` open the ledger read-only: a missing file is not
 * created, an empty one not made a ledger, an older one not migrated; a
 * writer's open run neither makes the reader wait nor shows in what it
 * reads; and the reader cannot write. */
static void a_reader_opens_read_only_beside_a_writer(void **state)
{
	(void)state;
	const ledger_options ro = { .read_only = 1, .busy_ms = 200 };
	ledger *r = (ledger *)1;
	struct stat sb;
	assert_int_equal(ledger_open(&r, path, &ro), ST_BADINPUT);
	assert_null(r);
	assert_non_null(strstr(status_detail(ST_BADINPUT), "no such file"));
	assert_non_null(strstr(status_detail(ST_BADINPUT), path));
	assert_int_not_equal(stat(path, &sb), 0);   /* not created */
	status_clear();

	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(ledger_open(&r, path, &ro), ST_BADINPUT);
	assert_non_null(strstr(status_detail(ST_BADINPUT), "empty"));
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 0);            /* not made a ledger */
	status_clear();

	ledger_options v1 = { .max_version = 1 };
	ledger_close(open_ok(&v1));
	assert_int_equal(ledger_open(&r, path, &ro), ST_BADINPUT);
	assert_non_null(strstr(status_detail(ST_BADINPUT), "older"));
	assert_int_equal(peek_int("PRAGMA user_version"), 1);   /* not migrated */
	status_clear();

	ledger *w = open_ok(NULL);
	begin(w);
	add_box(w, 1964733, 1, 1, 700, 2);
	commit(w, 2);
	begin(w);                                   /* the writer holds the lock */
	add_box(w, 1964733, 2, 2, 800, 1);
	const double t0 = clock_now();
	assert_int_equal(ledger_open(&r, path, &ro), ST_OK);
	size_t n = 0;
	assert_int_equal(ledger_find_ssid(r, 700, NULL, NULL, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ledger_find_ssid(r, 800, NULL, NULL, &n), ST_OK);
	assert_int_equal(n, 0);                     /* not committed: not seen */
	assert_true(clock_now() - t0 < 0.15);       /* and no wait for the writer */
	ledger_rollback_run(w);
	ledger_close(w);

	ledger_run run = { .command = "run", .started = 1 };
	int64_t id;
	assert_int_not_equal(ledger_begin_run(r, &run, &id), ST_OK);
	status_clear();
	ledger_close(r);
	assert_int_equal(peek_int("SELECT count(*) FROM runs"), 1);   /* the committed one only */
}

static int column_is_personal(const char *col)
{
	static const char *const words[] = {
		"name", "first", "last", "middle", "addr", "street", "city", "zip",
		"postal", "phone", "mail", "guardian", "parent", "birth", "dob", "gender",
	};
	char low[128];
	size_t i = 0;
	for (; col[i] && i + 1 < sizeof low; i++)
		low[i] = (char)tolower((unsigned char)col[i]);
	low[i] = '\0';
	for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
		if (strstr(low, words[w]))
			return 1;
	return 0;
}

static void no_column_holds_a_personal_field(void **state)
{
	(void)state;
	ledger_close(open_ok(NULL));
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
		"SELECT m.name, p.name FROM sqlite_schema m, pragma_table_xinfo(m.name) p "
		"WHERE m.type IN ('table', 'view')", -1, &st, NULL), SQLITE_OK);
	size_t n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *table = (const char *)sqlite3_column_text(st, 0);
		const char *col = (const char *)sqlite3_column_text(st, 1);
		if (column_is_personal(col))
			fail_msg("%s.%s looks like a personal field", table, col);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_true(n > 40);   /* the query saw the whole schema */
	assert_true(column_is_personal("last_name"));
	for (int v = 1; v <= LEDGER_SCHEMA_VERSION; v++)
		assert_non_null(ledger_schema_step(v));
	assert_null(ledger_schema_step(LEDGER_SCHEMA_VERSION + 1));
}

static void the_digest_sees_printed_fields_only(void **state)
{
	(void)state;
	setrec r = { .lea = 1, .school = 2, .ssid = 3, .grade = 4, .report = REPORT_SB };
	const char *v[SETREC_NSTR] = { "Nguyen", "An", "", "Some District", "Some School",
				       "Parent", "1 Main St", "", "Fresno", "CA", "93701" };
	for (int i = 0; i < SETREC_NSTR; i++) {
		r.str[i] = v[i];
		r.len[i] = (uint32_t)strlen(v[i]);
	}
	const uint64_t d = ledger_digest(&r);
	assert_int_equal(ledger_digest(&r), d);
	r.str[SR_LEA_NAME] = "Renamed District";   /* not a row's field */
	r.len[SR_LEA_NAME] = (uint32_t)strlen(r.str[SR_LEA_NAME]);
	assert_int_equal(ledger_digest(&r), d);
	r.str[SR_ADDR1] = "2 Main St";              /* a corrected address */
	assert_int_not_equal(ledger_digest(&r), d);
	r.str[SR_ADDR1] = v[SR_ADDR1];
	/* Moving a character between fields is a change. */
	r.str[SR_LAST] = "Nguye";
	r.len[SR_LAST] = 5;
	r.str[SR_FIRST] = "nAn";
	r.len[SR_FIRST] = 3;
	assert_int_not_equal(ledger_digest(&r), d);
}

static void bulk_insert_of_100000_sets(void **state)
{
	(void)state;
	ledger *lg = open_ok(NULL);
	const size_t n_sets = 100000, per_box = 50;
	double t0 = clock_now();
	begin(lg);
	uint32_t box_no = 1;
	for (size_t i = 0; i < n_sets; i++) {
		/* ssids in a scattered order, as print order leaves them */
		ledger_set s = { .ssid = 1000000000 + (i * 2654435761u) % 4000000000u,
				 .report = (uint8_t)(i % 2 ? REPORT_SB : REPORT_CAA), .grade = 8,
				 .school = (uint32_t)(i / 500), .digest = i };
		assert_int_equal(ledger_add_set(lg, &s), ST_OK);
		if ((i + 1) % per_box == 0) {
			ledger_box b = { .shipment = SHIP_AUGUST, .lea = (uint32_t)(i / 10000),
					 .wave = 1, .box_no = box_no++, .wave_box_no = 1,
					 .wave_box_count = 1, .gross_mg = 1 };
			assert_int_equal(ledger_add_box(lg, &b), ST_OK);
		}
	}
	commit(lg, n_sets);
	double t1 = clock_now();
	assert_int_equal(peek_int("SELECT count(*) FROM sets"), (int64_t)n_sets);
	ledger_cursor *c;
	assert_int_equal(ledger_printed_open(lg, NULL, &c), ST_OK);
	ledger_printed p;
	size_t n_read = 0;
	while (ledger_printed_next(c, &p) == ST_OK)
		n_read++;
	ledger_printed_close(c);
	assert_int_equal(n_read, n_sets);
	double t2 = clock_now();
	print_message("ledger: %zu sets inserted and committed in %.3f s, read back in key "
		      "order in %.3f s\n", n_sets, t1 - t0, t2 - t1);
	ledger_close(lg);
}

/* The contents of the holder file into buf ("" when there is none). */
static void read_holder(char *buf, size_t cap)
{
	char hp[160];
	snprintf(hp, sizeof hp, "%s.holder", path);
	buf[0] = '\0';
	FILE *f = fopen(hp, "r");
	if (!f)
		return;
	size_t n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void write_holder(const char *text)
{
	char hp[160];
	snprintf(hp, sizeof hp, "%s.holder", path);
	FILE *f = fopen(hp, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* begin_run on a connection that waits 200 ms: ST_BUSY after about that
 * long; the message. */
static const char *busy_message(ledger *second)
{
	status_clear();
	ledger_run r = { .command = "run", .started = 2 };
	int64_t id;
	double t0 = clock_now();
	assert_int_equal(ledger_begin_run(second, &r, &id), ST_BUSY);
	double waited = clock_now() - t0;
	assert_true(waited >= 0.15 && waited < 5);
	const char *msg = status_detail(ST_BUSY);
	assert_non_null(strstr(msg, path));
	assert_non_null(strstr(msg, "waited 0.2 s; run again when it has finished"));
	return msg;
}

static void a_busy_writer_names_the_holder(void **state)
{
	(void)state;
	char host[64 + 1] = "", want[1024], got[1024];
	assert_int_equal(gethostname(host, sizeof host - 1), 0);

	/* A child process begins a run (2026-11-30T10:00:00Z) and holds it. */
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		ledger *child;
		ledger_run r = { .command = "run", .started = 1796032800 };
		int64_t id;
		char c = ledger_open(&child, path, NULL) == ST_OK &&
			 ledger_begin_run(child, &r, &id) == ST_OK ? 'y' : 'n';
		if (write(ready[1], &c, 1) != 1 || c != 'y')
			_exit(1);
		alarm(60);  /* should the test fail before it kills this */
		pause();    /* until SIGKILLed */
		_exit(2);
	}
	close(ready[1]);
	char c = 0;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	assert_int_equal(c, 'y');

	char hp[160];
	snprintf(hp, sizeof hp, "%s.holder", path);
	struct stat sb;
	assert_int_equal(lstat(hp, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(want, sizeof want, "pid %ld, run started 2026-11-30T10:00:00Z on %s\n",
		 (long)pid, host);
	read_holder(got, sizeof got);
	assert_string_equal(got, want);

	/* The second writer names it. */
	ledger_options shortwait = { .busy_ms = 200 };
	ledger *second = open_ok(&shortwait);
	snprintf(want, sizeof want, "ledger %s is in use by another ssrfill (pid %ld, run started "
		 "2026-11-30T10:00:00Z on %s); waited 0.2 s; run again when it has finished",
		 path, (long)pid, host);
	assert_string_equal(busy_message(second), want);

	/* SIGKILLed, the child leaves its holder file; the lock is now held
	 * by a writer that writes none (the sqlite3 shell): the stale file
	 * names no one. */
	kill(pid, SIGKILL);
	int ws;
	assert_int_equal(waitpid(pid, &ws, 0), pid);
	assert_int_equal(lstat(hp, &sb), 0);
	sqlite3 *shell;
	assert_int_equal(sqlite3_open_v2(path, &shell, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(shell, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	const char *msg = busy_message(second);
	assert_non_null(strstr(msg, "is held by another process"));
	assert_null(strstr(msg, "(pid"));

	/* Nor a file that is not one of ours: escapes, no pid, half written. */
	const char *junk[] = { "pid 1, run started \033[2J now on x\n", "hello\n",
			       "pid 1, run started 2026-11-30T10:00:00Z on" };
	for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
		write_holder(junk[i]);
		msg = busy_message(second);
		assert_non_null(strstr(msg, "is held by another process"));
		assert_null(strstr(msg, "(pid"));
	}
	assert_int_equal(sqlite3_exec(shell, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(shell);

	/* The next run replaces a stale file with its own, and commit,
	 * rollback and close each remove it. */
	write_holder("pid 999999, run started 2026-11-29T10:00:00Z on elsewhere\n");
	begin(second);
	snprintf(want, sizeof want, "pid %ld, run started 2023-11-14T22:13:20Z on %s\n",
		 (long)getpid(), host);
	read_holder(got, sizeof got);
	assert_string_equal(got, want);
	commit(second, 0);
	assert_int_equal(access(hp, F_OK), -1);
	begin(second);
	assert_int_equal(access(hp, F_OK), 0);
	ledger_rollback_run(second);
	assert_int_equal(access(hp, F_OK), -1);
	begin(second);
	assert_int_equal(access(hp, F_OK), 0);
	ledger_close(second);
	assert_int_equal(access(hp, F_OK), -1);
	status_clear();
}

/* ---- scans and status (docs/rules.md §15.4) ---- */

static void a_scanned_line_is_cleaned_as_scanners_type_it(void **state)
{
	(void)state;
	char out[LEDGER_SCAN_MAX + 1];
	assert_int_equal(ledger_scan_clean(out, " \tAUGUST-1964733-0002 \r\n", 24), 19);
	assert_string_equal(out, "august-1964733-0002");
	assert_int_equal(ledger_scan_clean(out, "\r\n", 2), 0);
	assert_string_equal(out, "");
	ledger_scan_clean(out, "August-1964733-0002-r1", 22);
	assert_string_equal(out, "august-1964733-0002-R1");   /* a reprint keeps its R */
	ledger_scan_clean(out, "a\x01" "b\xc3\xa9", 5);
	assert_string_equal(out, "a?b??");
	char big[300];
	memset(big, 'x', sizeof big);
	assert_int_equal(ledger_scan_clean(out, big, sizeof big), LEDGER_SCAN_MAX);
}

static int64_t count_scans(const char *result)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM scans WHERE result = '%s'", result);
	return peek_int(sql);
}

static void each_scan_is_answered_and_committed(void **state)
{
	(void)state;
	ledger *lg = open_ok(NULL);
	begin(lg);
	add_box(lg, 1964733, 1, 1, 100, 2);
	add_box(lg, 1964733, 2, 1, 200, 2);
	add_box(lg, 1964733, 3, 1, 300, 2);
	add_box(lg, 5550001, 1, 1, 400, 2);
	assert_int_equal(ledger_set_box_count(lg, SHIP_AUGUST, 1964733, 3), ST_OK);
	commit(lg, 8);
	poke("UPDATE boxes SET wave_box_no = box_no");

	ledger_scan_answer a;
	assert_int_equal(ledger_scan(lg, "AUGUST-1964733-0002\r", "dock1", 1700001000, &a), ST_OK);
	assert_int_equal(a.result, LEDGER_SCAN_OK);
	assert_string_equal(a.box_id, "august-1964733-0002");
	assert_int_equal(a.shipment, SHIP_AUGUST);
	assert_int_equal(a.lea, 1964733);
	assert_int_equal(a.wave, 1);
	assert_int_equal(a.wave_box_no, 2);
	assert_int_equal(a.wave_box_count, 3);
	assert_int_equal(a.n_scanned, 1);
	assert_int_equal(a.n_boxes, 3);
	/* committed: another connection sees it at once */
	assert_int_equal(peek_int("SELECT count(*) FROM boxes WHERE status = 'scanned'"), 1);
	assert_int_equal(count_scans("OK"), 1);

	assert_int_equal(ledger_scan(lg, "august-1964733-0001", "dock2", 1700001005, &a), ST_OK);
	assert_int_equal(a.result, LEDGER_SCAN_OK);
	assert_int_equal(a.n_scanned, 2);

	assert_int_equal(ledger_scan(lg, "august-1964733-0002", "dock2", 1700001010, &a), ST_OK);
	assert_int_equal(a.result, LEDGER_SCAN_AGAIN);
	assert_int_equal(a.first_at, 1700001000);   /* when and where it was first scanned */
	assert_string_equal(a.first_station, "dock1");
	assert_int_equal(a.n_scanned, 2);

	/* a box a reprint replaced */
	poke("UPDATE boxes SET status = 'void' WHERE box_id = 'august-1964733-0003'");
	poke("INSERT INTO boxes (box_id, run_id, shipment, lea, wave, box_no, wave_box_no, "
	     "wave_box_count, n_sets, sheets, gross_mg, reprint_of) SELECT "
	     "'august-1964733-0003-R1', run_id, shipment, lea, wave, NULL, 1, 1, 2, 4, 2000, "
	     "box_key FROM boxes WHERE box_id = 'august-1964733-0003'");
	assert_int_equal(ledger_scan(lg, "august-1964733-0003", NULL, 1700001020, &a), ST_OK);
	assert_int_equal(a.result, LEDGER_SCAN_VOID);
	assert_string_equal(a.replaced_by, "august-1964733-0003-R1");
	assert_int_equal(ledger_scan(lg, "AUGUST-1964733-0003-R1", NULL, 1700001030, &a), ST_OK);
	assert_int_equal(a.result, LEDGER_SCAN_OK);
	assert_int_equal(a.n_scanned, 3);   /* the void box no longer counts */
	assert_int_equal(a.n_boxes, 3);

	/* garbage and a box of no ledger: UNKNOWN, recorded, no box */
	assert_int_equal(ledger_scan(lg, "\x01garbage", "dock1", 1700001040, &a), ST_OK);
	assert_int_equal(a.result, LEDGER_SCAN_UNKNOWN);
	assert_string_equal(a.box_id, "?garbage");
	assert_int_equal(ledger_scan(lg, "august-9999999-0001", "dock1", 1700001050, &a), ST_OK);
	assert_int_equal(a.result, LEDGER_SCAN_UNKNOWN);
	assert_int_equal(count_scans("UNKNOWN"), 2);
	assert_int_equal(peek_int("SELECT count(*) FROM scans WHERE result = 'UNKNOWN' "
				  "AND box_key IS NULL"), 2);
	assert_int_equal(count_scans("VOID"), 1);
	assert_int_equal(count_scans("AGAIN"), 1);
	assert_int_equal(count_scans("OK"), 3);
	assert_int_equal(peek_int("SELECT count(*) FROM scans WHERE station IS NULL"), 2);
	/* an empty line is not a scan */
	assert_int_equal(ledger_scan(lg, " \r\n", "dock1", 1, &a), ST_USAGE);
	status_clear();
	assert_int_equal(peek_int("SELECT count(*) FROM scans"), 7);
	ledger_close(lg);
}

static void a_scan_waits_for_a_writer_then_is_busy(void **state)
{
	(void)state;
	ledger *first = open_ok(NULL);
	begin(first);
	add_box(first, 1964733, 1, 1, 100, 1);
	commit(first, 1);
	ledger_options shortwait = { .busy_ms = 200 };
	ledger *scanner = open_ok(&shortwait);
	begin(first);   /* a run holds the write lock */
	ledger_scan_answer a;
	double t0 = clock_now();
	assert_int_equal(ledger_scan(scanner, "august-1964733-0001", "dock1", 1, &a), ST_BUSY);
	assert_true(clock_now() - t0 >= 0.15);
	status_clear();
	ledger_rollback_run(first);
	assert_int_equal(peek_int("SELECT count(*) FROM scans"), 0);   /* nothing recorded */
	/* the lock free again, the same scanner goes on */
	assert_int_equal(ledger_scan(scanner, "august-1964733-0001", "dock1", 2, &a), ST_OK);
	assert_int_equal(a.result, LEDGER_SCAN_OK);
	ledger_close(scanner);
	ledger_close(first);
}

struct box_walk {
	size_t n;
	char ids[8][32];
	int status[8];
};

static int walk_box(void *ctx, const ledger_box_state *b)
{
	struct box_walk *w = ctx;
	if (w->n < 8) {
		snprintf(w->ids[w->n], sizeof w->ids[0], "%s", b->box_id);
		w->status[w->n] = b->status;
	}
	w->n++;
	return 0;
}

static void boxes_come_back_by_shipment_wave_and_lea(void **state)
{
	(void)state;
	ledger *lg = open_ok(NULL);
	begin(lg);
	add_box(lg, 5550001, 1, 1, 100, 1);
	add_box(lg, 1964733, 2, 1, 200, 1);
	add_box(lg, 1964733, 1, 1, 300, 1);
	ledger_set s = { .ssid = 400, .report = REPORT_CAST, .grade = 7, .school = 5 };
	assert_int_equal(ledger_add_set(lg, &s), ST_OK);
	ledger_box b = { .shipment = SHIP_WINTER, .lea = 1964733, .wave = 1, .box_no = 1,
			 .wave_box_no = 1, .wave_box_count = 1 };
	assert_int_equal(ledger_add_box(lg, &b), ST_OK);
	commit(lg, 4);
	ledger_scan_answer a;
	assert_int_equal(ledger_scan(lg, "august-1964733-0002", "x", 1, &a), ST_OK);
	ledger_close(lg);

	const ledger_options ro = { .read_only = 1 };
	lg = open_ok(&ro);
	struct box_walk w = { 0 };
	assert_int_equal(ledger_boxes(lg, NULL, walk_box, &w), ST_OK);
	assert_int_equal(w.n, 4);
	assert_string_equal(w.ids[0], "august-1964733-0001");
	assert_string_equal(w.ids[1], "august-1964733-0002");
	assert_int_equal(w.status[1], 1);
	assert_string_equal(w.ids[2], "august-5550001-0001");
	assert_string_equal(w.ids[3], "winter-1964733-0001");   /* August first, then winter */
	memset(&w, 0, sizeof w);
	ledger_filter f = { .shipment = SHIP_AUGUST, .lea = 1964733 };
	assert_int_equal(ledger_boxes(lg, &f, walk_box, &w), ST_OK);
	assert_int_equal(w.n, 2);
	/* read-only: a scan cannot be recorded */
	assert_int_not_equal(ledger_scan(lg, "august-1964733-0001", "x", 1, &a), ST_OK);
	status_clear();
	ledger_close(lg);
}

typedef struct box_sets_seen {
	size_t n;
	int64_t key[16];
	uint32_t seq[16];
	uint64_t ssid[16];
} box_sets_seen;

static int see_box_set(void *ctx, const ledger_box_set *x)
{
	box_sets_seen *w = ctx;
	if (w->n < 16) {
		w->key[w->n] = x->box_key;
		w->seq[w->n] = x->seq;
		w->ssid[w->n] = x->ssid;
	}
	w->n++;
	return 0;
}

/* As collect, keeping the latest reprint box in box_id. */
static int collect_reprint(void *ctx, const ledger_found *f)
{
	struct found *x = ctx;
	x->f[x->n] = *f;
	snprintf(x->box_id[x->n], sizeof x->box_id[0], "%s", f->reprint_box_id);
	x->n++;
	return 0;
}

/* Reprint box id of a run's box n (its wave's box n of m). */
static void reprint_box(ledger *lg, const char *id, int64_t of, uint64_t first, size_t n, int wave)
{
	for (size_t i = 0; i < n; i++)
		/* the first set's row changed since: it prints with another digest */
		assert_int_equal(ledger_add_reprint_set(lg, first + i, REPORT_SB, (first + i) * 7 + (i == 0),
							i == 0), ST_OK);
	const ledger_reprint_box b = { .box_id = id, .shipment = SHIP_AUGUST, .lea = 1964733, .wave = wave,
				       .wave_box_no = 2, .wave_box_count = 3, .sheets = 4, .gross_mg = 2000,
				       .reprint_of = of };
	assert_int_equal(ledger_add_reprint_box(lg, &b), ST_OK);
}

static void a_box_reprint_replaces_the_box_and_holds_its_sets(void **state)
{
	(void)state;
	ledger *lg = open_ok(NULL);
	begin(lg);
	add_box(lg, 1964733, 1, 1, 100, 3);
	add_box(lg, 1964733, 2, 1, 200, 2);
	add_box(lg, 1964733, 3, 1, 300, 2);
	assert_int_equal(ledger_set_box_count(lg, SHIP_AUGUST, 1964733, 3), ST_OK);
	commit(lg, 7);
	poke("UPDATE boxes SET wave_box_no = box_no");

	/* unknown, then found as a scanner types it; box 2's box before it is box 1 */
	ledger_box_info b;
	int found = 1;
	assert_int_equal(ledger_box_lookup(lg, "august-1964733-0009", &b, &found), ST_OK);
	assert_false(found);
	assert_int_equal(ledger_box_lookup(lg, " AUGUST-1964733-0002\r", &b, &found), ST_OK);
	assert_true(found);
	assert_string_equal(b.box_id, "august-1964733-0002");
	assert_string_equal(b.root_id, "august-1964733-0002");
	assert_int_equal(b.root_key, b.box_key);
	assert_int_equal(b.wave_box_no, 2);
	assert_int_equal(b.wave_box_count, 3);
	assert_int_equal(b.status, 0);
	assert_true(b.prev_key > 0);
	const int64_t box2 = b.box_key;
	box_sets_seen w = { 0 };
	assert_int_equal(ledger_box_sets(lg, box2, b.prev_key, see_box_set, &w), ST_OK);
	assert_int_equal(w.n, 5);   /* box 1's three, then box 2's two, each in seq order */
	assert_int_equal(w.key[0], b.prev_key);
	assert_int_equal(w.seq[2], 3);
	assert_int_equal(w.key[3], box2);
	assert_int_equal(w.ssid[3], 200);
	assert_int_equal(w.seq[4], 2);

	/* reprint it: R1, the box void, its sets in reprint_sets */
	ledger_run r = { .command = "reprint", .out_dir = "r1", .started = 1700000200 };
	int64_t id;
	assert_int_equal(ledger_begin_run(lg, &r, &id), ST_OK);
	const ledger_reprint rp = { "box", "water damage", "tester", 1700000201, 0 };
	assert_int_equal(ledger_begin_reprint(lg, &rp), ST_OK);
	uint32_t n = 0;
	assert_int_equal(ledger_next_box_reprint(lg, b.root_id, &n), ST_OK);
	assert_int_equal(n, 1);
	reprint_box(lg, "august-1964733-0002-R1", box2, 200, 2, 1);
	commit(lg, 2);
	assert_int_equal(peek_int("SELECT count(*) FROM boxes WHERE status = 'void' AND "
				  "box_id = 'august-1964733-0002'"), 1);
	assert_int_equal(peek_int("SELECT count(*) FROM reprint_sets p JOIN reprints USING (reprint_id) "
				  "WHERE reason = 'water damage' AND operator = 'tester' AND kind = 'box'"), 2);
	assert_int_equal(peek_int("SELECT sum(changed) FROM reprint_sets"), 1);
	assert_int_equal(peek_int("SELECT box_no IS NULL FROM boxes WHERE box_id = 'august-1964733-0002-R1'"), 1);

	/* the void box names its replacement; the reprint's root is the box */
	assert_int_equal(ledger_box_lookup(lg, "august-1964733-0002", &b, &found), ST_OK);
	assert_int_equal(b.status, 2);
	assert_string_equal(b.replaced_by, "august-1964733-0002-R1");
	assert_int_equal(ledger_box_lookup(lg, "august-1964733-0002-r1", &b, &found), ST_OK);
	assert_true(found);
	assert_string_equal(b.root_id, "august-1964733-0002");
	assert_int_equal(b.root_key, box2);
	const int64_t r1 = b.box_key;
	memset(&w, 0, sizeof w);
	assert_int_equal(ledger_box_sets(lg, r1, 0, see_box_set, &w), ST_OK);
	assert_int_equal(w.n, 2);   /* a reprint box's sets come from reprint_sets */
	assert_int_equal(w.ssid[0], 200);

	/* the reprint's reprint is R2 of the same root; the first box then
	 * names R2, the one that replaces it now */
	assert_int_equal(ledger_begin_run(lg, &r, &id), ST_OK);
	const ledger_reprint rp2 = { "box", "lost", "tester", 1700000300, 1 };
	assert_int_equal(ledger_begin_reprint(lg, &rp2), ST_OK);
	assert_int_equal(ledger_next_box_reprint(lg, "august-1964733-0002", &n), ST_OK);
	assert_int_equal(n, 2);
	reprint_box(lg, "august-1964733-0002-R2", r1, 200, 2, 1);
	commit(lg, 2);
	assert_int_equal(ledger_box_lookup(lg, "august-1964733-0002", &b, &found), ST_OK);
	assert_string_equal(b.replaced_by, "august-1964733-0002-R2");
	ledger_scan_answer a;
	assert_int_equal(ledger_scan(lg, "august-1964733-0002", "dock1", 1700001000, &a), ST_OK);
	assert_int_equal(a.result, LEDGER_SCAN_VOID);
	assert_string_equal(a.replaced_by, "august-1964733-0002-R2");
	assert_int_equal(ledger_scan(lg, "august-1964733-0002-R2", "dock1", 1700001001, &a), ST_OK);
	assert_int_equal(a.result, LEDGER_SCAN_OK);
	assert_int_equal(a.n_boxes, 3);   /* the wave still has three boxes to scan */

	/* find counts the reprints and names the latest box */
	struct found x = { 0 };
	assert_int_equal(ledger_find_ssid(lg, 200, collect_reprint, &x, NULL), ST_OK);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.f[0].reprints, 2);
	assert_string_equal(x.box_id[0], "august-1964733-0002-R2");
	assert_int_equal(x.f[0].digest, 200 * 7 + 1);   /* what was printed last: the reprint */
	assert_int_equal(peek_int("SELECT digest FROM sets WHERE ssid = 201"), 201 * 7);   /* unchanged */
	ledger_close(lg);
}

/* A ledger of schema version 2 (the season and scans, with reprint tables
 * of another shape that nothing wrote) is migrated to 3 when a writer
 * opens it, its boxes and sets kept, and takes a reprint. */
static void a_version_2_ledger_migrates_and_takes_a_reprint(void **state)
{
	(void)state;
	const ledger_options v2 = { .max_version = 2 };
	ledger *lg = open_ok(&v2);
	assert_int_equal(ledger_schema_version(lg), 2);
	begin(lg);
	add_box(lg, 1964733, 1, 1, 100, 3);
	commit(lg, 3);
	ledger_close(lg);
	assert_int_equal(peek_int("SELECT count(*) FROM pragma_table_info('reprints') "
				  "WHERE name = 'of_box_key'"), 1);

	lg = open_ok(NULL);
	assert_int_equal(ledger_schema_version(lg), LEDGER_SCHEMA_VERSION);
	assert_int_equal(peek_int("PRAGMA user_version"), LEDGER_SCHEMA_VERSION);
	assert_int_equal(peek_int("SELECT count(*) FROM sets"), 3);
	ledger_box_info b;
	int found = 0;
	assert_int_equal(ledger_box_lookup(lg, "august-1964733-0001", &b, &found), ST_OK);
	assert_true(found);
	ledger_run r = { .command = "reprint", .out_dir = "r1", .started = 1700000200 };
	int64_t id;
	assert_int_equal(ledger_begin_run(lg, &r, &id), ST_OK);
	const ledger_reprint rp = { "box", "torn", "tester", 1700000201, 0 };
	assert_int_equal(ledger_begin_reprint(lg, &rp), ST_OK);
	reprint_box(lg, "august-1964733-0001-R1", b.box_key, 100, 3, 1);
	commit(lg, 3);
	assert_int_equal(peek_int("SELECT count(*) FROM reprint_sets"), 3);
	assert_int_equal(peek_int("SELECT billed FROM reprints"), 0);
	ledger_close(lg);
}

/* A ledger of schema version 3 (before invoice lines kept their order) is
 * migrated to 4 by step 4 when a writer opens it: its invoices and lines
 * stay, with no order or dates (NULL), and the next invoice keeps each
 * line's order, school and PO number and the invoice's dates
 * (docs/rules.md §16.4). */
static void a_version_3_ledger_migrates_and_keeps_each_lines_order(void **state)
{
	(void)state;
	const ledger_options v3 = { .max_version = 3 };
	ledger *lg = open_ok(&v3);
	assert_int_equal(ledger_schema_version(lg), 3);
	begin(lg);
	add_box(lg, 1964733, 1, 1, 100, 3);
	const ledger_invoice_line old = { SHIP_AUGUST, 0, 3, 148, 444, ORDERED_LEA, 0, "PO-OLD" };
	const ledger_invoice iv1 = { "INV-2018-19-1964733", 1964733, 1, "wave", 444, 1564617600, 1567209600 };
	assert_int_equal(ledger_add_invoice(lg, &iv1, &old, 1), ST_OK);
	commit(lg, 3);
	ledger_close(lg);
	assert_int_equal(peek_int("SELECT count(*) FROM pragma_table_info('invoice_lines') "
				  "WHERE name = 'po_number'"), 0);

	lg = open_ok(NULL);
	assert_int_equal(ledger_schema_version(lg), LEDGER_SCHEMA_VERSION);
	assert_int_equal(peek_int("PRAGMA user_version"), 4);
	assert_int_equal(peek_int("SELECT count(*) FROM invoice_lines WHERE po_number IS NULL "
				  "AND ordered_by IS NULL AND school IS NULL AND quantity = 3"), 1);
	assert_int_equal(peek_int("SELECT count(*) FROM invoices WHERE invoice_date IS NULL"), 1);
	int no = 0;
	assert_int_equal(ledger_next_invoice_no(lg, 1964733, &no), ST_OK);
	assert_int_equal(no, 2);
	begin(lg);
	add_box(lg, 1964733, 2, 2, 200, 3);
	const ledger_invoice_line lines[] = {
		{ SHIP_AUGUST, 0, 1, 148, 148, ORDERED_LEA, 0, "PO-LEA" },
		{ SHIP_AUGUST, 1, 1, 200, 200, ORDERED_SCHOOL, 12, "PO-SCHOOL" },
		{ SHIP_AUGUST, 0, 1, 148, 148, ORDERED_INDIVIDUAL, 0, "" },
	};
	/* 2019-10-01, due 2019-10-31 */
	const ledger_invoice iv2 = { "INV-2018-19-1964733-W2", 1964733, 2, "wave", 496, 1569888000, 1572480000 };
	assert_int_equal(ledger_add_invoice(lg, &iv2, lines, 3), ST_OK);
	commit(lg, 3);
	assert_int_equal(peek_int("SELECT count(*) FROM invoice_lines l JOIN invoices i USING (invoice_key) "
				  "WHERE i.invoice_id LIKE '%-W2' AND ("
				  "(l.line_no = 1 AND l.ordered_by = 2 AND l.school IS NULL AND l.po_number = 'PO-LEA') OR "
				  "(l.line_no = 2 AND l.ordered_by = 1 AND l.school = 12 AND l.po_number = 'PO-SCHOOL') OR "
				  "(l.line_no = 3 AND l.ordered_by = 3 AND l.school IS NULL AND l.po_number IS NULL))"), 3);
	assert_int_equal(peek_int("SELECT date(invoice_date, 'unixepoch') = '2019-10-01' AND "
				  "date(due_date, 'unixepoch') = '2019-10-31' FROM invoices "
				  "WHERE invoice_id LIKE '%-W2'"), 1);
	ledger_close(lg);
}

static void ssid_reprint_boxes_and_invoices_are_numbered_on(void **state)
{
	(void)state;
	ledger *lg = open_ok(NULL);
	begin(lg);
	add_box(lg, 1964733, 1, 1, 100, 3);
	commit(lg, 3);
	uint32_t n = 0;
	int inv = 0;
	assert_int_equal(ledger_next_reprint_box_no(lg, SHIP_AUGUST, 1964733, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ledger_next_reprint_invoice_no(lg, 1964733, &inv), ST_OK);
	assert_int_equal(inv, 1);
	ledger_run r = { .command = "reprint", .out_dir = "r1", .started = 1700000200 };
	int64_t id;
	assert_int_equal(ledger_begin_run(lg, &r, &id), ST_OK);
	/* a box before the reprint's record is refused */
	const ledger_reprint_box early = { .box_id = "x", .shipment = SHIP_AUGUST };
	assert_int_equal(ledger_add_reprint_box(lg, &early), ST_INTERNAL);
	status_clear();
	const ledger_reprint rp = { "ssid", "parent asked", "tester", 1700000201, 1 };
	assert_int_equal(ledger_begin_reprint(lg, &rp), ST_OK);
	reprint_box(lg, "august-1964733-R0001", 0, 100, 1, 0);
	reprint_box(lg, "august-1964733-R0002", 0, 101, 1, 0);
	const ledger_invoice_line line = { SHIP_AUGUST, 0, 2, 148, 296, ORDERED_LEA, 0, "PO-1" };
	const ledger_invoice iv = { "INV-2018-19-1964733-R1", 1964733, 0, "reprint", 296, 0, 0 };
	assert_int_equal(ledger_add_invoice(lg, &iv, &line, 1), ST_OK);
	commit(lg, 2);
	assert_int_equal(ledger_next_reprint_box_no(lg, SHIP_AUGUST, 1964733, &n), ST_OK);
	assert_int_equal(n, 3);
	assert_int_equal(ledger_next_reprint_box_no(lg, SHIP_WINTER, 1964733, &n), ST_OK);
	assert_int_equal(n, 1);   /* per shipment */
	assert_int_equal(ledger_next_reprint_box_no(lg, SHIP_AUGUST, 5550001, &n), ST_OK);
	assert_int_equal(n, 1);   /* and per LEA */
	assert_int_equal(ledger_next_reprint_invoice_no(lg, 1964733, &inv), ST_OK);
	assert_int_equal(inv, 2);
	/* a reprint invoice is not a wave's: the LEA's first wave invoice is still to come */
	assert_int_equal(ledger_next_invoice_no(lg, 1964733, &inv), ST_OK);
	assert_int_equal(inv, 1);
	/* nothing voided; the original sets untouched */
	assert_int_equal(peek_int("SELECT count(*) FROM boxes WHERE status = 'void'"), 0);
	assert_int_equal(peek_int("SELECT count(*) FROM sets"), 3);
	assert_int_equal(peek_int("SELECT billed FROM reprints"), 1);
	ledger_close(lg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(created_0600_in_wal_at_the_current_version),
		T(a_ledger_others_may_read_is_refused),
		T(an_empty_file_and_an_old_version_migrate_forward),
		T(a_newer_or_foreign_database_is_refused),
		T(a_run_is_invisible_until_commit_and_gone_after_rollback),
		T(a_sigkilled_run_leaves_the_ledger_as_it_was),
		T(a_second_writer_waits_then_fails_busy),
		T(printed_comes_back_in_identity_order),
		T(find_by_ssid),
		T(a_reader_opens_read_only_beside_a_writer),
		T(generated_columns_spell_the_engine_codes),
		T(no_column_holds_a_personal_field),
		T(the_digest_sees_printed_fields_only),
		T(bulk_insert_of_100000_sets),
		T(a_busy_writer_names_the_holder),
		T(a_scanned_line_is_cleaned_as_scanners_type_it),
		T(each_scan_is_answered_and_committed),
		T(a_scan_waits_for_a_writer_then_is_busy),
		T(boxes_come_back_by_shipment_wave_and_lea),
		T(a_box_reprint_replaces_the_box_and_holds_its_sets),
		T(ssid_reprint_boxes_and_invoices_are_numbered_on),
		T(a_version_2_ledger_migrates_and_takes_a_reprint),
		T(a_version_3_ledger_migrates_and_keeps_each_lines_order),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
