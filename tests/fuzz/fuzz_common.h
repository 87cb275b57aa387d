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
 * The targets never install the signal handlers of io/tmpfiles.c: libFuzzer
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

#include "../../engine/status.h"

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

#endif
