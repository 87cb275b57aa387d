/*
 * instream.c: plain or zstd input behind one read call (see instream.h).
 *
 * open() reads the first block of the file into `raw`; if it starts with the
 * zstd frame magic (28 B5 2F FD) or a skippable frame's (50..5F 2A 4D 18:
 * pzstd opens every file with one, to record its frame sizes) every later
 * read goes through a ZSTD_DStream, else the block is handed out as it is.
 * Frames may be concatenated (zstd -c a b) and skippable frames may come
 * anywhere; the decoder skips those.  At end of file a decoder still inside
 * a frame means the file was cut short.
 *
 * Decoding windows.  A frame names the window (history) its decoder must
 * keep: 8 MiB at most for zstd's levels 1-19, 128 MiB for --long, up to
 * 2 GiB for --long=31.  The decoder allocates it whole, so it is memory
 * outside the sort's buffers.  Like the zstd tool, ssrfill accepts windows
 * up to 128 MiB (INSTREAM_WINDOW_FREE, ZSTD_WINDOWLOG_LIMIT_DEFAULT) from
 * any file, and larger ones, up to INSTREAM_WINDOW_MAX, when the memory
 * limit allows (instream_set_window_limit(); the commands pass --memory,
 * as zstd -d --memory=).  Before each frame its header is read
 * (ZSTD_getFrameHeader) so a larger window is refused with its size rather
 * than with zstd's "Frame requires too much memory".
 */
#include "instream.h"
#include "../base/fault.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZSTD_STATIC_LINKING_ONLY   /* ZSTD_getFrameHeader: exported by libzstd.so */
#include <zstd.h>

#include "../base/mem.h"
#include "../base/progress.h"

#define RAW_BYTES (256u * 1024u)

/* Until a command says what its budget allows, no more than zstd -d
 * takes by default (a frame header alone must not make a library caller,
 * such as a fuzzer, allocate 2 GiB). */
static uint64_t window_limit = INSTREAM_WINDOW_FREE;

void instream_set_window_limit(uint64_t n_bytes)
{
	window_limit = n_bytes < INSTREAM_WINDOW_FREE ? INSTREAM_WINDOW_FREE
		: n_bytes < INSTREAM_WINDOW_MAX ? n_bytes : INSTREAM_WINDOW_MAX;
}

struct instream {
	int fd;
	int is_stdin;
	int eof;              /* the file itself is exhausted */
	char *name;
	ZSTD_DCtx *dctx;
	size_t frame_left;    /* last ZSTD_decompressStream result: 0 = between frames */
	int in_frame;         /* the current frame's window was checked */
	uint64_t n_raw;
	size_t raw_pos, raw_len;
	unsigned char raw[RAW_BYTES];
};

/* Read more input after the unconsumed bytes, which move to the front. */
static status fill_raw(instream *in)
{
	const size_t keep = in->raw_len - in->raw_pos;
	memmove(in->raw, in->raw + in->raw_pos, keep);
	in->raw_pos = 0;
	in->raw_len = keep;
	while (!in->eof && in->raw_len < RAW_BYTES) {
		ssize_t r = fault_hit(FAULT_READ) ? -1
			: read(in->fd, in->raw + in->raw_len, RAW_BYTES - in->raw_len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return status_fail(ST_IO, "%s: cannot read: %s", in->name, strerror(errno));
		}
		if (r == 0)
			in->eof = 1;
		in->raw_len += (size_t)r;
		in->n_raw += (uint64_t)r;
		progress_add_bytes((uint64_t)r);   /* the progress line: bytes of the file read */
		if (r > 0 && in->raw_len >= ZSTD_FRAMEHEADERSIZE_MAX)
			break; /* enough for a pipe; a regular file fills in one call */
	}
	return ST_OK;
}

/* A zstd frame or a skippable frame starts here. */
static int is_zstd(const unsigned char *p, size_t n)
{
	if (n < 4)
		return 0;
	const uint32_t m = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			   (uint32_t)p[3] << 24;
	return m == ZSTD_MAGICNUMBER ||
	       (m & ZSTD_MAGIC_SKIPPABLE_MASK) == ZSTD_MAGIC_SKIPPABLE_START;
}

/* Between frames: refuse a frame whose window is over the limit, naming
 * its size (the decoder's own error does not). */
static status check_window(instream *in)
{
	if (in->raw_len - in->raw_pos < ZSTD_FRAMEHEADERSIZE_MAX && !in->eof) {
		status st = fill_raw(in);
		if (st != ST_OK)
			return st;
	}
	const unsigned char *p = in->raw + in->raw_pos;
	const size_t n = in->raw_len - in->raw_pos;
	ZSTD_frameHeader fh;
	const size_t r = ZSTD_getFrameHeader(&fh, p, n);
	if (ZSTD_isError(r) && n >= 6 && is_zstd(p, 4) && p[0] == 0x28 && !(p[4] & 0x20)) {
		/* beyond what this libzstd can decode at all (a window log over
		 * 31): read the Window_Descriptor (RFC 8878 3.1.1.1.2) ourselves */
		const unsigned log = 10u + (p[5] >> 3);
		fh.frameType = ZSTD_frame;
		fh.windowSize = ((unsigned long long)1 << log) + ((unsigned long long)1 << log) / 8 * (p[5] & 7);
	} else if (r != 0) {
		return ST_OK; /* the decoder judges it */
	}
	if (fh.frameType != ZSTD_frame || fh.windowSize <= window_limit)
		return ST_OK;
	const unsigned long long mib = 1024 * 1024;
	return status_fail(ST_BADINPUT,
		"%s: the zstd stream needs a decoding window of %llu MiB, more than the limit of %llu MiB "
		"(--memory, at least %llu MiB and at most %llu MiB, the most zstd --long=31 makes); "
		"raise --memory or recompress without --long",
		in->name, ((unsigned long long)fh.windowSize + mib - 1) / mib,
		(unsigned long long)window_limit / mib, (unsigned long long)INSTREAM_WINDOW_FREE / mib,
		(unsigned long long)INSTREAM_WINDOW_MAX / mib);
}

status instream_open(instream **out, const char *path)
{
	*out = NULL;
	instream *in = mem_alloc(sizeof *in);
	if (!in)
		return status_fail(ST_NOMEM, "out of memory opening %s", path);
	memset(in, 0, offsetof(instream, raw));
	in->frame_left = 0;
	if (strcmp(path, "-") == 0) {
		in->fd = STDIN_FILENO;
		in->is_stdin = 1;
		in->name = mem_strndup("standard input", 14);
	} else {
		in->name = mem_strndup(path, strlen(path));
		in->fd = fault_hit(FAULT_OPEN) ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	}
	if (!in->name) {
		instream_free(in);
		return status_fail(ST_NOMEM, "out of memory opening %s", path);
	}
	if (in->fd < 0) {
		status st = status_fail(ST_IO, "%s: cannot open: %s", path, strerror(errno));
		in->fd = -1;
		instream_free(in);
		return st;
	}
	status st = fill_raw(in);
	if (st != ST_OK) {
		instream_free(in);
		return st;
	}
	if (is_zstd(in->raw, in->raw_len)) {
		in->dctx = ZSTD_createDCtx();
		if (!in->dctx || ZSTD_isError(ZSTD_DCtx_setParameter(in->dctx, ZSTD_d_windowLogMax,
								     INSTREAM_WINDOW_LOG_MAX))) {
			instream_free(in);
			return status_fail(ST_NOMEM, "out of memory opening %s", path);
		}
	}
	*out = in;
	return ST_OK;
}

status instream_read(instream *in, void *buf, size_t cap, size_t *n_read)
{
	*n_read = 0;
	if (!in->dctx) {
		if (in->raw_pos == in->raw_len) {
			status st = fill_raw(in);
			if (st != ST_OK)
				return st;
		}
		size_t n = in->raw_len - in->raw_pos;
		if (n > cap)
			n = cap;
		memcpy(buf, in->raw + in->raw_pos, n);
		in->raw_pos += n;
		*n_read = n;
		return ST_OK;
	}
	ZSTD_outBuffer zout = { buf, cap, 0 };
	while (zout.pos == 0) {
		if (in->raw_pos == in->raw_len && !in->eof) {
			status st = fill_raw(in);
			if (st != ST_OK)
				return st;
			continue;
		}
		const int exhausted = in->raw_pos == in->raw_len;
		if (exhausted && in->frame_left == 0)
			return ST_OK; /* end of the last frame: end of input */
		if (in->frame_left == 0 && !in->in_frame) {
			status st = check_window(in);
			if (st != ST_OK)
				return st;
			in->in_frame = 1;
		}
		ZSTD_inBuffer zin = { in->raw, in->raw_len, in->raw_pos };
		const size_t r = ZSTD_decompressStream(in->dctx, &zout, &zin);
		in->raw_pos = zin.pos;
		if (ZSTD_isError(r))
			return status_fail(ST_BADINPUT, "%s: not a valid zstd stream: %s",
					   in->name, ZSTD_getErrorName(r));
		in->frame_left = r;
		if (r == 0)
			in->in_frame = 0;
		if (exhausted && zout.pos == 0)
			return status_fail(ST_BADINPUT,
				"%s: the zstd stream is cut short (truncated frame)", in->name);
	}
	*n_read = zout.pos;
	return ST_OK;
}

const char *instream_name(const instream *in) { return in->name; }
int instream_is_zstd(const instream *in) { return in->dctx != NULL; }
uint64_t instream_raw_bytes(const instream *in) { return in->n_raw; }

void instream_free(instream *in)
{
	if (!in)
		return;
	if (!in->is_stdin && in->fd >= 0)
		close(in->fd);
	ZSTD_freeDCtx(in->dctx);
	mem_free(in->name);
	mem_free(in);
}

uint64_t instream_size_hint(const char *path)
{
	struct stat sb;
	if (strcmp(path, "-") == 0 || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return 0;
	unsigned char head[4] = { 0 };
	const int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	const ssize_t n = read(fd, head, 4);
	close(fd);
	const int zstd = n == 4 && is_zstd(head, 4);
	return (uint64_t)sb.st_size * (zstd ? 8 : 1);
}
