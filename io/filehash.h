/*
 * filehash.h: the SHA-256 and byte count of an input file, computed while
 * the run parses it (the ledger records each input's name, size and
 * SHA-256: docs/rules.md §15.1).
 *
 *   filehash *h;
 *   filehash_start(&h, path);             // opens it; a thread hashes it
 *   ... parse the file as usual (instream) ...
 *   filehash_finish(h, sha, &n, &hashed); // joins; a read error names it
 *   filehash_free(h);                     // always; stops a hash early
 *
 * The hash reads the file through a descriptor of its own, so it neither
 * moves nor shares the parser's.  Only a regular file can be read twice:
 * "-" (standard input), a pipe, a FIFO or a device is not read at all, and
 * finish says so with ST_OK, *hashed = 0, *n_bytes = 0 and the digest all
 * zeros (the caller records no SHA-256 for it; instream_raw_bytes() gives
 * the bytes the parser read).
 */
#ifndef SSRFILL_FILEHASH_H
#define SSRFILL_FILEHASH_H

#include <stdint.h>

#include "../base/status.h"

#define FILEHASH_SHA256_BYTES 32

typedef struct filehash filehash;

/* Open path and start hashing it on a thread of its own.  Fails (naming
 * the file) when it does not exist or cannot be opened, or out of
 * memory; a file that cannot be hashed (see above) is not a failure. */
status filehash_start(filehash **out, const char *path);
/* The same without a thread: the file is read in filehash_finish, on the
 * caller's thread (--threads 1, where every fallible call must come in
 * the same order from one run to the next). */
status filehash_start_inline(filehash **out, const char *path);
/* Wait for the hash (or compute it, inline) and give it.  ST_IO naming
 * the file when reading it failed.  Call it at most once. */
status filehash_finish(filehash *h, uint8_t sha256[FILEHASH_SHA256_BYTES],
		       uint64_t *n_bytes, int *hashed);
/* Stop the hash if it still runs (between two reads), wait for its thread
 * and free everything.  filehash_free(NULL) is a no-op. */
void filehash_free(filehash *h);

#endif
