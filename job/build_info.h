/*
 * build_info.h: which build made an output: ssrfill's version (from `git
 * describe` when built, else the Makefile's VERSION), the compiler, and
 * the versions of the libraries it runs with (asked of each library at run
 * time where it has a call for it, else its headers' at build time).
 * `ssrfill --version` prints it; summary.json records it as "build".
 * In job/, not writers/: it links every library (SQLite, cairo, pango),
 * and the fuzzers link the layers below job/ without them.
 */
#ifndef SSRFILL_BUILD_INFO_H
#define SSRFILL_BUILD_INFO_H

#include <stddef.h>
#include <stdio.h>


typedef struct build_lib {
	const char *name;
	char version[48];
} build_lib;

#define BUILD_LIBS_MAX 12

const char *build_info_version(void);
const char *build_info_compiler(void);
/* The libraries, into out[BUILD_LIBS_MAX]; returns how many. */
size_t build_info_libs(build_lib *out);
/* --version: "ssrfill VERSION", then the compiler and the libraries. */
void build_info_print(FILE *f);
/* summary.json's value, {"version": ..., "compiler": ..., "libraries":
 * {...}}, as a string in buf: every string in it is cut at 120 bytes, so
 * it always fits. */
#define BUILD_INFO_JSON_MAX (2 * 124 + BUILD_LIBS_MAX * (2 * 50 + 4) + 64)
void build_info_json(char buf[BUILD_INFO_JSON_MAX]);

#endif
