/*
 * test_outdir.c: the output folder appears whole or not at all, and
 * --force never destroys what ssrfill did not write (docs/rules.md §13; outdir.h).
 *
 * - A committed run: DIR holds what was written (mode 0600 files), and a
 *   marker listing it; nothing is left beside DIR (stage, lock).  Before
 *   the commit there is no DIR.
 * - A run that fails before its commit leaves no DIR and, once
 *   tmpfiles_cleanup has run (outdir_free alone removes nothing), nothing
 *   beside it.
 * - An existing non-empty DIR: refused without --force; with --force,
 *   replaced only when it is an earlier run's output (its marker lists
 *   every entry); refused when it has no marker, a marker not ssrfill's,
 *   an entry the marker does not list, or holds an input of this run.
 * - DIR filled by something else while the run worked: the commit refuses.
 * - Names that are not a folder to create: "", ".", "..", "/", a symlink,
 *   a file.  A second run into the same DIR while the first holds it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/status.h"
#include "../io/outdir.h"
#include "../io/outstream.h"
#include "../base/tmpfiles.h"

static char base[256];
static char out[300];   /* base/out: the DIR of every test */

static int setup(void **state)
{
	(void)state;
	const char *t = getenv("TMPDIR");
	snprintf(base, sizeof base, "%s/ssrfill-test-outdir.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(base))
		return -1;
	snprintf(out, sizeof out, "%s/out", base);
	status_clear();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmpfiles_cleanup();
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

static void in(char *buf, size_t n, const char *dir, const char *rel)
{
	snprintf(buf, n, "%s/%s", dir, rel);
}

static int exists(const char *dir, const char *rel)
{
	char p[600];
	in(p, sizeof p, dir, rel);
	struct stat sb;
	return lstat(p, &sb) == 0;
}

static void put_file(const char *dir, const char *rel, const char *text)
{
	char p[600];
	in(p, sizeof p, dir, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *dir, const char *rel)
{
	static char buf[4096];
	char p[600];
	in(p, sizeof p, dir, rel);
	FILE *f = fopen(p, "r");
	if (!f)
		return NULL;
	const size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The entries of base other than DIR itself: a stage, a lock or an old
 * output left beside DIR would show here. */
static int beside_out(void)
{
	DIR *d = opendir(base);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, "out"))
			n++;
	closedir(d);
	return n;
}

/* One run: print/<name> holding text, committed. */
static status run(int force, const char *name, const char *text, const char *const *inputs)
{
	outdir *d;
	status st = outdir_begin(&d, out, force, inputs);
	if (st != ST_OK)
		return st;
	st = outdir_mkdir(d, "print");
	char rel[64];
	snprintf(rel, sizeof rel, "print/%s", name);
	outstream *o;
	if (st == ST_OK)
		st = outdir_open(d, rel, 0, &o);
	if (st == ST_OK) {
		outstream_puts(o, text);
		st = outstream_close(o);
	}
	if (st == ST_OK)
		st = outdir_commit(d);
	outdir_free(d);
	if (st != ST_OK)
		tmpfiles_cleanup();   /* what main does on a failure */
	return st;
}

static void commit_puts_it_in_place(void **state)
{
	(void)state;
	outdir *d;
	assert_int_equal(outdir_begin(&d, out, 0, NULL), ST_OK);
	assert_int_equal(outdir_mkdir(d, "print"), ST_OK);
	outstream *o;
	assert_int_equal(outdir_open(d, "print/august.csv", 0, &o), ST_OK);
	outstream_puts(o, "seq,box_id\n");
	assert_int_equal(outstream_close(o), ST_OK);
	assert_false(exists(out, ""));   /* nothing at DIR until the commit */
	assert_int_equal(outdir_commit(d), ST_OK);
	outdir_free(d);
	assert_string_equal(read_file(out, "print/august.csv"), "seq,box_id\n");
	char p[600];
	in(p, sizeof p, out, "print/august.csv");
	struct stat sb;
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0);   /* student data: not for others */
	const char *marker = read_file(out, ".ssrfill-output");
	assert_non_null(marker);
	assert_non_null(strstr(marker, "\nprint\n"));
	assert_non_null(strstr(marker, "\nprint/august.csv\n"));
	assert_int_equal(beside_out(), 0);
}

/* A run that fails before its commit: no DIR, nothing beside it. */
static void failed_run_leaves_nothing(void **state)
{
	(void)state;
	outdir *d;
	assert_int_equal(outdir_begin(&d, out, 0, NULL), ST_OK);
	assert_int_equal(outdir_mkdir(d, "print"), ST_OK);
	outstream *o;
	assert_int_equal(outdir_open(d, "print/august.csv", 0, &o), ST_OK);
	outstream_puts(o, "half a file");
	outstream_abort(o);
	outdir_free(d);
	/* outdir_free frees the handle only: the stage and the lock stay until
	 * the clean-up every command makes on a failure */
	assert_false(exists(out, ""));
	assert_int_equal(beside_out(), 2);
	tmpfiles_cleanup();
	assert_false(exists(out, ""));
	assert_int_equal(beside_out(), 0);
}

static void non_empty_refused_without_force(void **state)
{
	(void)state;
	assert_int_equal(mkdir(out, 0700), 0);
	put_file(out, "notes.txt", "mine");
	assert_int_equal(run(0, "a.csv", "new", NULL), ST_USAGE);
	assert_string_equal(read_file(out, "notes.txt"), "mine");
	assert_false(exists(out, "print"));
	assert_int_equal(beside_out(), 0);
}

/* An existing empty folder is taken without --force. */
static void empty_folder_taken(void **state)
{
	(void)state;
	assert_int_equal(mkdir(out, 0700), 0);
	assert_int_equal(run(0, "a.csv", "one", NULL), ST_OK);
	assert_string_equal(read_file(out, "print/a.csv"), "one");
	assert_int_equal(beside_out(), 0);
}

/* --force replaces an earlier run's output, whole: files of the old run
 * the new one did not write are gone.  Without --force it is refused. */
static void force_replaces_earlier_output(void **state)
{
	(void)state;
	assert_int_equal(run(0, "old.csv", "old", NULL), ST_OK);
	assert_int_equal(run(0, "new.csv", "new", NULL), ST_USAGE);
	assert_string_equal(read_file(out, "print/old.csv"), "old");
	assert_int_equal(run(1, "new.csv", "new", NULL), ST_OK);
	assert_string_equal(read_file(out, "print/new.csv"), "new");
	assert_false(exists(out, "print/old.csv"));
	assert_int_equal(beside_out(), 0);
}

/* --force on a folder ssrfill did not write (no marker): refused. */
static void force_refuses_foreign_folder(void **state)
{
	(void)state;
	assert_int_equal(mkdir(out, 0700), 0);
	put_file(out, "thesis.tex", "years of work");
	assert_int_equal(run(1, "a.csv", "new", NULL), ST_USAGE);
	assert_string_equal(read_file(out, "thesis.tex"), "years of work");
	/* nor does a marker of someone else's make it ours, even one listing
	 * every entry under a first line as long as ssrfill's */
	put_file(out, ".ssrfill-output", "Backup set: keep these\n\nthesis.tex\n");
	assert_int_equal(run(1, "a.csv", "new", NULL), ST_USAGE);
	assert_string_equal(read_file(out, "thesis.tex"), "years of work");
	assert_int_equal(beside_out(), 0);
}

/* An earlier output with a file an operator added: refused, and the
 * message names it. */
static void force_refuses_added_file(void **state)
{
	(void)state;
	assert_int_equal(run(0, "a.csv", "old", NULL), ST_OK);
	put_file(out, "print/signed_off.txt", "ok to ship");
	status_clear();
	assert_int_equal(run(1, "a.csv", "new", NULL), ST_USAGE);
	assert_non_null(strstr(status_detail(ST_USAGE), "signed_off.txt"));
	assert_string_equal(read_file(out, "print/signed_off.txt"), "ok to ship");
	assert_string_equal(read_file(out, "print/a.csv"), "old");
	assert_int_equal(beside_out(), 0);
}

/* An earlier output that holds an input of this run: refused. */
static void force_refuses_folder_holding_an_input(void **state)
{
	(void)state;
	assert_int_equal(run(0, "students.csv", "ssid\n", NULL), ST_OK);
	char input[600];
	in(input, sizeof input, out, "print/students.csv");
	const char *const inputs[] = { "-", input, NULL };
	assert_int_equal(run(1, "a.csv", "new", inputs), ST_USAGE);
	assert_string_equal(read_file(out, "print/students.csv"), "ssid\n");
	assert_int_equal(beside_out(), 0);
}

/* DIR appears while the run works: the commit refuses and keeps it. */
static void filled_meanwhile_refused_at_commit(void **state)
{
	(void)state;
	outdir *d;
	assert_int_equal(outdir_begin(&d, out, 0, NULL), ST_OK);
	outstream *o;
	assert_int_equal(outdir_open(d, "summary.json", 0, &o), ST_OK);
	outstream_puts(o, "{}\n");
	assert_int_equal(outstream_close(o), ST_OK);
	assert_int_equal(mkdir(out, 0700), 0);
	put_file(out, "other.txt", "someone else's");
	assert_int_equal(outdir_commit(d), ST_IO);
	outdir_free(d);
	tmpfiles_cleanup();
	assert_string_equal(read_file(out, "other.txt"), "someone else's");
	assert_false(exists(out, "summary.json"));
	assert_int_equal(beside_out(), 0);
}

static void names_that_are_not_a_folder(void **state)
{
	(void)state;
	outdir *d;
	const char *const bad[] = { "", ".", "..", "/", "./", "a/..", "a/../", "x/." };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (outdir_begin(&d, bad[i], 1, NULL) != ST_USAGE)
			fail_msg("--out \"%s\" was taken", bad[i]);
		assert_null(d);
	}
	/* a symbolic link, even to an empty folder */
	char target[400], link_path[400];
	in(target, sizeof target, base, "target");
	in(link_path, sizeof link_path, base, "link");
	assert_int_equal(mkdir(target, 0700), 0);
	assert_int_equal(symlink(target, link_path), 0);
	assert_int_equal(outdir_begin(&d, link_path, 1, NULL), ST_USAGE);
	/* a file */
	put_file(base, "out", "a file");
	assert_int_equal(run(1, "a.csv", "x", NULL), ST_USAGE);
	assert_string_equal(read_file(base, "out"), "a file");
}

/* A second run into DIR while the first holds it: refused, the first
 * unharmed. */
static void second_run_refused_while_first_works(void **state)
{
	(void)state;
	outdir *first, *second;
	assert_int_equal(outdir_begin(&first, out, 0, NULL), ST_OK);
	status_clear();
	assert_int_equal(outdir_begin(&second, out, 1, NULL), ST_IO);
	assert_non_null(strstr(status_detail(ST_IO), "in use"));
	outstream *o;
	assert_int_equal(outdir_open(first, "summary.json", 0, &o), ST_OK);
	outstream_puts(o, "{}\n");
	assert_int_equal(outstream_close(o), ST_OK);
	assert_int_equal(outdir_commit(first), ST_OK);
	outdir_free(first);
	assert_string_equal(read_file(out, "summary.json"), "{}\n");
	assert_int_equal(beside_out(), 0);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(commit_puts_it_in_place, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_run_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(non_empty_refused_without_force, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_folder_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(force_replaces_earlier_output, setup, teardown),
		cmocka_unit_test_setup_teardown(force_refuses_foreign_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(force_refuses_added_file, setup, teardown),
		cmocka_unit_test_setup_teardown(force_refuses_folder_holding_an_input, setup, teardown),
		cmocka_unit_test_setup_teardown(filled_meanwhile_refused_at_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(names_that_are_not_a_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(second_run_refused_while_first_works, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
