/*
 * filehash.c: an input file's SHA-256 and size, on a thread that overlaps
 * with the parsing (see filehash.h).
 *
 * start() opens the file with a descriptor of its own (a read through the
 * parser's would move its offset), creates the digest context and the
 * 256 KiB buffer, and starts the thread; everything that can fail for a
 * reason the operator can act on (no such file, no memory) fails there,
 * on the caller's thread.  The thread then reads the file to its end,
 * feeding each block to OpenSSL's EVP digest (EVP_sha256: libcrypto uses
 * the CPU's SHA extensions where it has them, about 2 GB/s, so the hash
 * of a file keeps up with its parsing).  finish() joins it; free() asks
 * it to stop first (an atomic flag it reads between two reads), so a run
 * that fails early neither waits for the hash of a large file nor leaks.
 *
 * The thread cannot record its failure with status_fail (the detail is
 * thread-local): it keeps its status and message in the handle, and
 * finish() records them on the caller's thread.  It blocks the
 * termination signals (tmpfiles_block_in_thread) so their handler runs on
 * the main thread.
 *
 * What is not hashed.  Only a regular file can be read a second time: the
 * bytes of standard input, a pipe or a FIFO are the parser's alone, and
 * opening a device may do anything.  The path is stat()ed before it is
 * opened, and fstat()ed after (with O_NONBLOCK, so a path swapped for a
 * FIFO in between cannot make open() wait); anything but a regular file is
 * never read, and finish() reports hashed = 0.  The byte count is what was
 * read, not st_size.
 */
#include "filehash.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "../base/fault.h"
#include "../base/mem.h"
#include "../base/tmpfiles.h"

#define HASH_BUF_BYTES (256u * 1024u)

struct filehash {
	int fd;                 /* -1: nothing to read */
	int hashable;           /* a regular file, opened */
	int threaded;           /* `thread` runs and must be joined */
	int done;               /* the file was read (or failed): finish may report */
	atomic_int stop;        /* free() asks the thread to stop */
	pthread_t thread;
	EVP_MD_CTX *ctx;
	unsigned char *buf;
	char *path;
	/* written by the thread, read after the join */
	status err;
	char msg[512];
	uint64_t n_bytes;
	uint8_t sha256[FILEHASH_SHA256_BYTES];
};

/* Read the file to its end into the digest.  Runs on the thread, or on
 * the caller's in inline mode; touches only the handle. */
static void hash_all(filehash *h)
{
	while (!atomic_load_explicit(&h->stop, memory_order_relaxed)) {
		ssize_t r = fault_hit(FAULT_READ) ? -1 : read(h->fd, h->buf, HASH_BUF_BYTES);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			h->err = ST_IO;
			snprintf(h->msg, sizeof h->msg, "%s: cannot read it to compute its SHA-256: %s",
				 h->path, strerror(errno));
			return;
		}
		if (r == 0) {
			unsigned int len = 0;
			if (EVP_DigestFinal_ex(h->ctx, h->sha256, &len) != 1 ||
			    len != FILEHASH_SHA256_BYTES) {
				h->err = ST_INTERNAL;
				snprintf(h->msg, sizeof h->msg, "%s: libcrypto could not finish its SHA-256",
					 h->path);
			}
			return;
		}
		if (EVP_DigestUpdate(h->ctx, h->buf, (size_t)r) != 1) {
			h->err = ST_INTERNAL;
			snprintf(h->msg, sizeof h->msg, "%s: libcrypto could not compute its SHA-256",
				 h->path);
			return;
		}
		h->n_bytes += (uint64_t)r;
	}
}

static void *hash_thread(void *arg)
{
	tmpfiles_block_in_thread();
	hash_all(arg);
	return NULL;
}

/* Open a regular file without following it into a FIFO's wait: -1 with
 * errno on failure, -2 when it is not a regular file. */
static int open_regular(const char *path)
{
	struct stat sb;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return -2;  /* a stat failure is left to open(), which says why */
	if (fault_hit(FAULT_OPEN))
		return -1;
	const int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -2;
	}
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	return fd;
}

static status start(filehash **out, const char *path, int threaded)
{
	*out = NULL;
	filehash *h = mem_calloc(1, sizeof *h);
	if (!h)
		return status_fail(ST_NOMEM, "out of memory hashing %s", path);
	h->fd = -1;
	atomic_init(&h->stop, 0);
	h->path = mem_strndup(path, strlen(path));
	if (!h->path) {
		filehash_free(h);
		return status_fail(ST_NOMEM, "out of memory hashing %s", path);
	}
	if (strcmp(path, "-") == 0) {
		*out = h;   /* standard input: the parser's alone */
		return ST_OK;
	}
	h->fd = open_regular(path);
	if (h->fd == -2) {
		h->fd = -1;
		*out = h;
		return ST_OK;
	}
	if (h->fd < 0) {
		status st = status_fail(ST_IO, "%s: cannot open: %s", path, strerror(errno));
		filehash_free(h);
		return st;
	}
	h->buf = mem_alloc(HASH_BUF_BYTES);
	h->ctx = h->buf ? EVP_MD_CTX_new() : NULL;
	if (!h->ctx) {
		filehash_free(h);
		return status_fail(ST_NOMEM, "out of memory hashing %s", path);
	}
	if (EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		filehash_free(h);
		return status_fail(ST_INTERNAL, "%s: libcrypto cannot start a SHA-256", path);
	}
	h->hashable = 1;
	/* Without a thread (asked for, or none to be had) finish() reads it. */
	if (threaded && pthread_create(&h->thread, NULL, hash_thread, h) == 0)
		h->threaded = 1;
	*out = h;
	return ST_OK;
}

status filehash_start(filehash **out, const char *path)
{
	return start(out, path, 1);
}

status filehash_start_inline(filehash **out, const char *path)
{
	return start(out, path, 0);
}

status filehash_finish(filehash *h, uint8_t sha256[FILEHASH_SHA256_BYTES],
		       uint64_t *n_bytes, int *hashed)
{
	memset(sha256, 0, FILEHASH_SHA256_BYTES);
	*n_bytes = 0;
	*hashed = 0;
	if (!h->hashable)
		return ST_OK;
	if (!h->done) {
		if (h->threaded) {
			pthread_join(h->thread, NULL);
			h->threaded = 0;
		} else {
			hash_all(h);
		}
		h->done = 1;
	}
	if (h->err != ST_OK)
		return status_fail(h->err, "%s", h->msg);
	memcpy(sha256, h->sha256, FILEHASH_SHA256_BYTES);
	*n_bytes = h->n_bytes;
	*hashed = 1;
	return ST_OK;
}

void filehash_free(filehash *h)
{
	if (!h)
		return;
	if (h->threaded) {
		atomic_store(&h->stop, 1);
		pthread_join(h->thread, NULL);
	}
	if (h->fd >= 0)
		close(h->fd);
	EVP_MD_CTX_free(h->ctx);
	mem_free(h->buf);
	mem_free(h->path);
	mem_free(h);
}
