/*
 * build_info.c: the build's version, compiler and library versions (see
 * build_info.h).  SSRFILL_VERSION comes from the Makefile, which passes it
 * to this file only and rebuilds it when the version changes
 * ($(BUILD)/version.txt), so every binary says which commit it was built
 * from.  Runtime calls where a library has one: the shared library loaded
 * may be newer than the headers the build saw, and an output's summary
 * should name what actually ran.
 */
#include "build_info.h"

#include <assert.h>
#include <string.h>

#include <cairo.h>
#include <csv.h>
#include <hb.h>
#include <openssl/crypto.h>
#include <pango/pango.h>
#include <sqlite3.h>
#include <unicode/uversion.h>
#include <utf8proc.h>
#include <zint.h>
#include <zstd.h>

#ifndef SSRFILL_VERSION
#define SSRFILL_VERSION "unknown"
#endif

/* jemalloc's mallctl, present only in release builds (sanitizer builds use
 * libc malloc): weak, so its absence is a null pointer, not a link error. */
extern int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)
	__attribute__((weak));

const char *build_info_version(void)
{
	return SSRFILL_VERSION;
}

const char *build_info_compiler(void)
{
#if defined(__clang__)
	return "clang " __clang_version__;
#elif defined(__GNUC__)
	return "gcc " __VERSION__;
#else
	return "unknown";
#endif
}

static void put(build_lib *l, const char *name, const char *version)
{
	l->name = name;
	snprintf(l->version, sizeof l->version, "%s", version ? version : "unknown");
}

size_t build_info_libs(build_lib *out)
{
	size_t n = 0;
	char v[48];
	put(&out[n++], "zstd", ZSTD_versionString());
	put(&out[n++], "sqlite", sqlite3_libversion());
	put(&out[n++], "cairo", cairo_version_string());
	put(&out[n++], "pango", pango_version_string());
	const int z = ZBarcode_Version();   /* 21201 is 2.12.1 */
	snprintf(v, sizeof v, "%d.%d.%d", z / 10000, z / 100 % 100, z % 100);
	put(&out[n++], "zint", v);
	UVersionInfo icu;
	char icu_text[U_MAX_VERSION_STRING_LENGTH];
	u_getVersion(icu);
	u_versionToString(icu, icu_text);
	put(&out[n++], "icu", icu_text);
	put(&out[n++], "harfbuzz", hb_version_string());
	put(&out[n++], "utf8proc", utf8proc_version());
	put(&out[n++], "libcrypto", OpenSSL_version(OPENSSL_VERSION_STRING));
	snprintf(v, sizeof v, "%d.%d.%d", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);   /* no runtime call */
	put(&out[n++], "libcsv", v);
	const char *je = NULL;
	size_t len = sizeof je;
	if (mallctl && mallctl("version", &je, &len, NULL, 0) == 0 && je)
		put(&out[n++], "jemalloc", je);
	return n;
}

void build_info_print(FILE *f)
{
	build_lib libs[BUILD_LIBS_MAX];
	const size_t n = build_info_libs(libs);
	fprintf(f, "ssrfill %s\ncompiler: %s\nlibraries:", build_info_version(), build_info_compiler());
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %s %s", i ? "," : "", libs[i].name, libs[i].version);
	fputc('\n', f);
}

/* A JSON string of s, at most 120 bytes of it: the versions are plain
 * text, so a character JSON would need escaped is replaced, not escaped.
 * With BUILD_LIBS_MAX names and versions of under 48 bytes, the whole
 * object stays under BUILD_INFO_JSON_MAX. */
static void json_str(char *buf, size_t *at, const char *s)
{
	buf[(*at)++] = '"';
	for (size_t n = 0; s[n] && n < 120; n++)
		buf[(*at)++] = (unsigned char)s[n] < 0x20 || s[n] == '"' || s[n] == '\\' ? '?' : s[n];
	buf[(*at)++] = '"';
}

static void lit(char *buf, size_t *at, const char *s)
{
	const size_t n = strlen(s);
	memcpy(buf + *at, s, n);
	*at += n;
}

void build_info_json(char buf[BUILD_INFO_JSON_MAX])
{
	build_lib libs[BUILD_LIBS_MAX];
	const size_t n = build_info_libs(libs);
	size_t at = 0;
	lit(buf, &at, "{\"version\": ");
	json_str(buf, &at, build_info_version());
	lit(buf, &at, ", \"compiler\": ");
	json_str(buf, &at, build_info_compiler());
	lit(buf, &at, ", \"libraries\": {");
	for (size_t i = 0; i < n; i++) {
		lit(buf, &at, i ? ", " : "");
		json_str(buf, &at, libs[i].name);
		lit(buf, &at, ": ");
		json_str(buf, &at, libs[i].version);
	}
	lit(buf, &at, "}}");
	assert(at < BUILD_INFO_JSON_MAX);
	buf[at] = '\0';
}
