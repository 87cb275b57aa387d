/*
 * sniff.c: the kind of a file from its magic number, and the likely
 * character set of text that is not UTF-8 (see sniff.h).
 *
 * Magic numbers are the ones file(1) and the formats' specifications use:
 * gzip 1F 8B, bzip2 "BZh" and a block size digit, xz FD "7zXZ" 00, lz4
 * 04 22 4D 18, 7-Zip "7z" BC AF 27 1C, zip "PK" 03 04 (or 05 06 for an
 * empty one), the OLE2 compound file of Office 97-2003 D0 CF 11 E0 A1 B1
 * 1A E1, "%PDF-", PNG 89 "PNG", JPEG FF D8 FF, "SQLite format 3" 00,
 * Parquet "PAR1", ELF 7F "ELF", tar's "ustar" at offset 257, and the byte
 * order marks of UTF-32 and UTF-16.  A zip is told apart further by its
 * first member's name at offset 30: Office Open XML starts with
 * "[Content_Types].xml" or a part under "xl/" (an Excel workbook), an
 * OpenDocument file with the member "mimetype" holding its media type.
 * UTF-16 without a byte order mark is recognised by its ASCII letters
 * alternating with NUL bytes in the first bytes.
 *
 * The character set guess: text that is not UTF-8 is nearly always an
 * export in the Windows code page of a Western European locale.  Latin-1
 * and Windows-1252 agree on every byte a name uses except 0x80-0x9F,
 * which Windows-1252 gives to curly quotes, dashes and the euro sign and
 * Latin-1 to control codes no text holds; so a byte in that range means
 * Windows-1252.  Bytes below 0x20 other than tab, CR and LF mean a binary
 * file, not text in another code page.
 */
#include "sniff.h"

#include <stdio.h>
#include <string.h>

static const sniff_kind k_gzip = {
	"a gzip-compressed file",
	"decompress it with gunzip, or recompress it with zstd, which ssrfill reads "
	"(gunzip -c IN | zstd -o OUT.zst)" };
static const sniff_kind k_bzip2 = {
	"a bzip2-compressed file",
	"decompress it with bunzip2, or recompress it with zstd, which ssrfill reads" };
static const sniff_kind k_xz = {
	"an xz-compressed file",
	"decompress it with unxz, or recompress it with zstd, which ssrfill reads" };
static const sniff_kind k_lz4 = {
	"an lz4-compressed file",
	"decompress it with unlz4, or recompress it with zstd, which ssrfill reads" };
static const sniff_kind k_7z = {
	"a 7-Zip archive",
	"extract it (7z x) and give ssrfill the CSV file inside" };
static const sniff_kind k_xlsx = {
	"an Excel workbook (.xlsx)",
	"export it as CSV UTF-8 (in Excel: File, Save As, \"CSV UTF-8 (Comma delimited)\")" };
static const sniff_kind k_ods = {
	"an OpenDocument spreadsheet (.ods)",
	"export it as CSV in UTF-8 with ',' as the separator (File, Save As, Text CSV)" };
static const sniff_kind k_zip = {
	"a zip archive",
	"unzip it and give ssrfill the CSV file inside (an Excel workbook is a zip too: "
	"export it as CSV UTF-8)" };
static const sniff_kind k_xls = {
	"an Excel 97-2003 workbook (.xls) or another Office document",
	"export it as CSV UTF-8 (in Excel: File, Save As, \"CSV UTF-8 (Comma delimited)\")" };
static const sniff_kind k_pdf = {
	"a PDF document",
	"ssrfill reads the data as CSV: export it from the system that made the PDF" };
static const sniff_kind k_png = { "a PNG image", "give ssrfill the CSV file" };
static const sniff_kind k_jpeg = { "a JPEG image", "give ssrfill the CSV file" };
static const sniff_kind k_sqlite = {
	"an SQLite database (an ssrfill ledger?)",
	"give the CSV input here, and a ledger only to --ledger" };
static const sniff_kind k_parquet = { "a Parquet file", "export it as CSV UTF-8" };
static const sniff_kind k_elf = { "a program (an ELF executable)", "check the file name" };
static const sniff_kind k_tar = {
	"a tar archive",
	"extract it (tar -xf) and give ssrfill the CSV file inside" };
static const sniff_kind k_utf32 = {
	"UTF-32 text",
	"convert it to UTF-8 with iconv -f utf-32 -t utf-8 IN > OUT" };
static const sniff_kind k_utf16 = {
	"UTF-16 text (as Excel's \"Unicode Text\" saves)",
	"convert it to UTF-8 with iconv -f utf-16 -t utf-8 IN > OUT, or export it as CSV UTF-8" };
static const sniff_kind k_utf16le = {
	"UTF-16 text without a byte order mark (as Excel's \"Unicode Text\" saves)",
	"convert it to UTF-8 with iconv -f utf-16le -t utf-8 IN > OUT, or export it as CSV UTF-8" };
static const sniff_kind k_utf16be = {
	"UTF-16 text without a byte order mark",
	"convert it to UTF-8 with iconv -f utf-16be -t utf-8 IN > OUT, or export it as CSV UTF-8" };

static const struct magic {
	size_t at;
	const char *bytes;
	size_t n;
	const sniff_kind *kind;
} magics[] = {
	/* the longer byte order mark first: UTF-32LE starts like UTF-16LE */
	{ 0, "\xFF\xFE\x00\x00", 4, &k_utf32 },
	{ 0, "\x00\x00\xFE\xFF", 4, &k_utf32 },
	{ 0, "\xFF\xFE", 2, &k_utf16 },
	{ 0, "\xFE\xFF", 2, &k_utf16 },
	{ 0, "\x1F\x8B", 2, &k_gzip },
	{ 0, "\xFD" "7zXZ\x00", 6, &k_xz },
	{ 0, "\x04\x22\x4D\x18", 4, &k_lz4 },
	{ 0, "7z\xBC\xAF\x27\x1C", 6, &k_7z },
	{ 0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, &k_xls },
	{ 0, "%PDF-", 5, &k_pdf },
	{ 0, "\x89PNG\r\n\x1A\n", 8, &k_png },
	{ 0, "\xFF\xD8\xFF", 3, &k_jpeg },
	{ 0, "SQLite format 3\x00", 16, &k_sqlite },
	{ 0, "PAR1", 4, &k_parquet },
	{ 0, "\x7F" "ELF", 4, &k_elf },
	{ 257, "ustar", 5, &k_tar },
};

static int at_is(const unsigned char *p, size_t n, size_t at, const char *s, size_t len)
{
	return at + len <= n && memcmp(p + at, s, len) == 0;
}

/* A zip: which kind, by its first member (local file header: the name's
 * length at offset 26, the name at 30, then the extra field). */
static const sniff_kind *zip_kind(const unsigned char *p, size_t n)
{
	if (n < 30)
		return &k_zip;
	const size_t name_len = (size_t)p[26] | (size_t)p[27] << 8;
	const size_t extra_len = (size_t)p[28] | (size_t)p[29] << 8;
	if (at_is(p, n, 30, "[Content_Types].xml", 19) || (name_len >= 3 && at_is(p, n, 30, "xl/", 3)))
		return &k_xlsx;
	if (name_len == 8 && at_is(p, n, 30, "mimetype", 8)) {
		/* stored uncompressed, right after the header */
		const size_t data = 30 + name_len + extra_len;
		static const char ods[] = "application/vnd.oasis.opendocument.spreadsheet";
		if (at_is(p, n, data, ods, sizeof ods - 1))
			return &k_ods;
	}
	return &k_zip;
}

/* UTF-16 without a byte order mark: in the first 64 bytes, every other
 * byte is NUL and the bytes between are ASCII (a CSV header). */
static const sniff_kind *utf16_kind(const unsigned char *p, size_t n)
{
	if (n > 64)
		n = 64;
	n &= ~(size_t)1;
	if (n < 8)
		return NULL;
	int le = 1, be = 1;
	for (size_t i = 0; i < n; i += 2) {
		le &= p[i] != 0 && p[i] < 0x80 && p[i + 1] == 0;
		be &= p[i] == 0 && p[i + 1] != 0 && p[i + 1] < 0x80;
	}
	return le ? &k_utf16le : be ? &k_utf16be : NULL;
}

const sniff_kind *sniff_magic(const void *v, size_t n)
{
	const unsigned char *p = v;
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (at_is(p, n, magics[i].at, magics[i].bytes, magics[i].n))
			return magics[i].kind;
	if (n >= 4 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9')
		return &k_bzip2;
	if (at_is(p, n, 0, "PK\x03\x04", 4) || at_is(p, n, 0, "PK\x05\x06", 4))
		return zip_kind(p, n);
	return utf16_kind(p, n);
}

const char *sniff_charset(const void *v, size_t n)
{
	const unsigned char *p = v;
	int c1 = 0, high = 0;
	for (size_t i = 0; i < n; i++) {
		const unsigned char b = p[i];
		if ((b < 0x20 && b != '\t' && b != '\r' && b != '\n') || b == 0x7F)
			return NULL;
		high |= b >= 0x80;
		c1 |= b >= 0x80 && b <= 0x9F;
	}
	if (!high)
		return NULL;
	return c1 ? "windows-1252" : "latin1";
}

void sniff_iconv_advice(const char *charset, char *buf, size_t cap)
{
	const int win = strcmp(charset, "windows-1252") == 0;
	snprintf(buf, cap, "it looks like %s text: convert the file to UTF-8 with iconv -f %s -t utf-8 IN > OUT",
		 win ? "Windows-1252" : "Latin-1 (ISO-8859-1)", charset);
}
