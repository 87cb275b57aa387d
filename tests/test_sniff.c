/*
 * test_sniff.c: what a file that is not UTF-8 CSV is (io/sniff.h, issue
 * 19): each magic number ssrfill names, the zip kinds told apart by their
 * first member, UTF-16 with and without a byte order mark, CSV text that
 * must not be taken for any of them, and the character set guessed for
 * bytes that are not UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../io/sniff.h"

static const char *what(const void *p, size_t n)
{
	const sniff_kind *k = sniff_magic(p, n);
	return k ? k->what : "";
}

static const char *todo(const void *p, size_t n)
{
	const sniff_kind *k = sniff_magic(p, n);
	return k ? k->todo : "";
}

static void assert_has(const char *s, const char *part)
{
	if (!strstr(s, part))
		fail_msg("\"%s\" lacks \"%s\"", s, part);
}

static void magic_numbers(void **state)
{
	(void)state;
	assert_string_equal(what("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8), "a gzip-compressed file");
	assert_has(todo("\x1f\x8b\x08", 3), "decompress it with gunzip, or recompress it with zstd, which ssrfill reads");
	assert_has(what("BZh91AY&SY", 10), "bzip2");
	assert_has(what("\xfd" "7zXZ\x00\x00", 7), "xz");
	assert_has(what("\x04\x22\x4d\x18\x64", 5), "lz4");
	assert_has(what("7z\xbc\xaf\x27\x1c\x00\x04", 8), "7-Zip");
	assert_has(what("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", 9), "Excel 97-2003");
	assert_has(what("%PDF-1.7\n", 9), "PDF");
	assert_has(what("\x89PNG\r\n\x1a\n\x00", 9), "PNG");
	assert_has(what("\xff\xd8\xff\xe0", 4), "JPEG");
	assert_has(what("SQLite format 3\x00\x10", 17), "SQLite");
	assert_has(what("PAR1\x15", 5), "Parquet");
	assert_has(what("\x7f" "ELF\x02", 5), "ELF");
	unsigned char tar[512] = "students.csv";
	memcpy(tar + 257, "ustar", 5);
	assert_has(what(tar, sizeof tar), "tar archive");
	assert_string_equal(what(tar, 200), "");   /* too short to see the magic */
}

/* a zip local file header whose first member is `name`, then `data` */
static size_t zip(unsigned char *out, const char *name, const char *data)
{
	memset(out, 0, 30);
	memcpy(out, "PK\x03\x04", 4);
	const size_t n = strlen(name);
	out[26] = (unsigned char)n;
	memcpy(out + 30, name, n);
	memcpy(out + 30 + n, data, strlen(data));
	return 30 + n + strlen(data);
}

static void zip_kinds(void **state)
{
	(void)state;
	unsigned char b[256];
	size_t n = zip(b, "[Content_Types].xml", "<?xml");
	assert_string_equal(what(b, n), "an Excel workbook (.xlsx)");
	assert_has(todo(b, n), "export it as CSV UTF-8");
	n = zip(b, "xl/workbook.xml", "");
	assert_string_equal(what(b, n), "an Excel workbook (.xlsx)");
	n = zip(b, "mimetype", "application/vnd.oasis.opendocument.spreadsheet");
	assert_has(what(b, n), "OpenDocument spreadsheet");
	n = zip(b, "mimetype", "application/vnd.oasis.opendocument.text");
	assert_string_equal(what(b, n), "a zip archive");
	n = zip(b, "students.csv", "ssid,");
	assert_string_equal(what(b, n), "a zip archive");
	assert_has(todo(b, n), "unzip it");
	assert_string_equal(what("PK\x03\x04", 4), "a zip archive");      /* cut short */
	assert_string_equal(what("PK\x05\x06", 4), "a zip archive");      /* empty */
}

static void utf16_and_32(void **state)
{
	(void)state;
	assert_has(what("\xff\xfes\x00s\x00i\x00", 8), "UTF-16");
	assert_has(todo("\xff\xfes\x00s\x00i\x00", 8), "iconv -f utf-16 -t utf-8 IN > OUT");
	assert_has(what("\xfe\xff\x00s\x00s", 6), "UTF-16");
	assert_has(what("\xff\xfe\x00\x00s\x00\x00\x00", 8), "UTF-32");
	static const char le[] = "s\0s\0i\0d\0,\0l\0e\0a\0_\0c\0o\0d\0e\0";
	assert_has(what(le, sizeof le - 1), "UTF-16 text without a byte order mark");
	assert_has(todo(le, sizeof le - 1), "iconv -f utf-16le");
	assert_has(todo(le + 1, sizeof le - 2), "iconv -f utf-16be");
}

/* what ssrfill reads is none of them */
static void csv_is_nothing(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"ssid,lea_code,school_code\n",
		"\xef\xbb\xbflea_code,school_code,program\r\n",
		"PO,lea\n", "BZh,x\n", "PK,x\n", "7z,x\n",
		"N\xc3\xba\xc3\xb1" "ez,Ana\n",
		"",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (sniff_magic(texts[i], strlen(texts[i])))
			fail_msg("\"%s\" taken for %s", texts[i], what(texts[i], strlen(texts[i])));
	/* a zstd frame is read, not refused */
	assert_null(sniff_magic("\x28\xb5\x2f\xfd\x04\x00", 6));
}

static void charsets(void **state)
{
	(void)state;
	assert_string_equal(sniff_charset("N\xfa\xf1" "ez", 5), "latin1");
	assert_string_equal(sniff_charset("caf\xe9,Ren\xe9\r\n", 11), "latin1");
	assert_string_equal(sniff_charset("\x93quoted\x94", 8), "windows-1252");
	assert_string_equal(sniff_charset("dash \x96 here", 11), "windows-1252");
	assert_null(sniff_charset("plain ascii", 11));            /* nothing to convert */
	assert_null(sniff_charset("bin\x00\xff", 5));               /* a NUL: binary */
	assert_null(sniff_charset("\x01\x02\xff", 3));              /* control bytes: binary */
	char buf[200];
	sniff_iconv_advice("latin1", buf, sizeof buf);
	assert_string_equal(buf, "it looks like Latin-1 (ISO-8859-1) text: convert the file to UTF-8 with "
			    "iconv -f latin1 -t utf-8 IN > OUT");
	sniff_iconv_advice("windows-1252", buf, sizeof buf);
	assert_has(buf, "Windows-1252");
	assert_has(buf, "iconv -f windows-1252 -t utf-8 IN > OUT");
}

int main(int argc, char **argv)
{
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(magic_numbers),
		cmocka_unit_test(zip_kinds),
		cmocka_unit_test(utf16_and_32),
		cmocka_unit_test(csv_is_nothing),
		cmocka_unit_test(charsets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
