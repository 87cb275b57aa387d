/*
 * fuzz_common.h: what the libFuzzer targets of tests/fuzz/ share.
 *
 * The library reads inputs by path, so each target keeps one in-memory file
 * (memfd_create) for the life of the process, rewrites it with every input
 * and hands the library "/proc/self/fd/N": opening that path gives a fresh
 * file description at offset 0 on the same memory, with no disk and no
 * name to clean up.  Where memfd_create is missing, an unlinked mkstemp
 * file in $TMPDIR (else /tmp) serves the same way.
 *
 * fuzz_check() is the targets' assert: it prints what broke and abort()s,
 * which libFuzzer reports as a crash and saves the input for.  (assert()
 * would vanish under -DNDEBUG.)
 *
 * The targets never install the signal handlers of base/tmpfiles.c: libFuzzer
 * owns SIGINT, SIGSEGV and friends.
 */
#ifndef SSRFILL_FUZZ_COMMON_H
#define SSRFILL_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zstd.h>

#include "../../base/status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_check(cond, ...)                                              \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: invariant broken: %s: ",   \
				__FILE__, __LINE__, #cond);                \
			fprintf(stderr, __VA_ARGS__);                      \
			fputc('\n', stderr);                               \
			abort();                                           \
		}                                                          \
	} while (0)

typedef struct fuzz_file {
	int fd;
	char path[64];     /* "/proc/self/fd/N" */
} fuzz_file;

/* Create the file once; aborts when neither way works (nothing to fuzz). */
static inline void fuzz_file_init(fuzz_file *f, const char *name)
{
	if (f->path[0])
		return;
	f->fd = memfd_create(name, MFD_CLOEXEC);
	if (f->fd < 0) {
		const char *dir = getenv("TMPDIR");
		char tmpl[512];
		snprintf(tmpl, sizeof tmpl, "%s/ssrfill-fuzz-XXXXXX", dir && *dir ? dir : "/tmp");
		f->fd = mkstemp(tmpl);
		fuzz_check(f->fd >= 0, "neither memfd_create nor mkstemp works");
		unlink(tmpl);
	}
	snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
}

/* Make the file hold exactly data[0, size). */
static inline void fuzz_file_set(fuzz_file *f, const uint8_t *data, size_t size)
{
	fuzz_check(ftruncate(f->fd, 0) == 0, "ftruncate");
	size_t done = 0;
	while (done < size) {
		const ssize_t w = pwrite(f->fd, data + done, size - done, (off_t)done);
		fuzz_check(w > 0, "pwrite");
		done += (size_t)w;
	}
}

/*
 * The differential oracle for compressed inputs: when data[0, size) is a
 * whole, valid zstd stream (frames one after another, skippable frames
 * allowed) whose content is at most max_out bytes and does not itself begin
 * with the zstd magic, store the content in *out (malloc'd, the caller
 * frees) and return 1; else 0.  README: any input may be zstd-compressed,
 * so a file and its compressed form must read the same.
 */
/* Does data start as instream takes for zstd: a frame's magic (28 B5 2F
 * FD) or a skippable frame's (50..5F 2A 4D 18, what pzstd writes first)? */
static inline int fuzz_zstd_magic(const uint8_t *data, size_t size)
{
	static const uint8_t magic[4] = { 0x28, 0xB5, 0x2F, 0xFD };
	return size >= 4 && (memcmp(data, magic, 4) == 0 ||
			     ((data[0] & 0xF0) == 0x50 && data[1] == 0x2A && data[2] == 0x4D && data[3] == 0x18));
}

static inline int fuzz_zstd_content(const uint8_t *data, size_t size, size_t max_out,
				    uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (!fuzz_zstd_magic(data, size))
		return 0;
	ZSTD_DCtx *d = ZSTD_createDCtx();
	fuzz_check(d != NULL, "ZSTD_createDCtx");
	size_t cap = 1u << 16, len = 0;
	uint8_t *buf = malloc(cap);
	fuzz_check(buf != NULL, "malloc");
	ZSTD_inBuffer in = { data, size, 0 };
	size_t last = 0;
	int ok = 1;
	while (ok && (in.pos < in.size || last != 0)) {
		if (len == cap) {
			if (cap >= max_out) {
				ok = 0;
				break;
			}
			cap = cap * 2 < max_out ? cap * 2 : max_out;
			uint8_t *nb = realloc(buf, cap);
			fuzz_check(nb != NULL, "realloc");
			buf = nb;
		}
		ZSTD_outBuffer o = { buf, cap, len };
		const size_t before_in = in.pos, before_out = len;
		last = ZSTD_decompressStream(d, &o, &in);
		len = o.pos;
		if (ZSTD_isError(last))
			ok = 0;
		else if (in.pos == in.size && last != 0 && len == before_out &&
			 in.pos == before_in)
			ok = 0;   /* cut short: no input left, no progress */
	}
	ZSTD_freeDCtx(d);
	if (!ok || fuzz_zstd_magic(buf, len)) {
		free(buf);
		return 0;
	}
	*out = buf;
	*out_len = len;
	return 1;
}

#endif
