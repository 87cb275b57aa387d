/*
 * instream.c: plain or zstd input behind one read call (see instream.h).
 *
 * open() reads the first block of the file into `raw`; if it starts with the
 * zstd frame magic (28 B5 2F FD) every later read goes through a
 * ZSTD_DStream, else the block is handed out as it is.  Frames may be
 * concatenated (zstd -c a b).  At end of file a decoder still inside a frame
 * means the file was cut short.
 */
#include "instream.h"
#include "../engine/fault.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "../engine/mem.h"

#define RAW_BYTES (256u * 1024u)

struct instream {
	int fd;
	int is_stdin;
	int eof;              /* the file itself is exhausted */
	char *name;
	ZSTD_DCtx *dctx;
	size_t frame_left;    /* last ZSTD_decompressStream result: 0 = between frames */
	uint64_t n_raw;
	size_t raw_pos, raw_len;
	unsigned char raw[RAW_BYTES];
};

static status fill_raw(instream *in)
{
	in->raw_pos = in->raw_len = 0;
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
		if (r > 0 && in->raw_len >= 4)
			break; /* enough for a pipe; a regular file fills in one call */
	}
	return ST_OK;
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
	static const unsigned char magic[4] = { 0x28, 0xB5, 0x2F, 0xFD };
	if (in->raw_len >= 4 && memcmp(in->raw, magic, 4) == 0) {
		in->dctx = ZSTD_createDCtx();
		if (!in->dctx) {
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
		ZSTD_inBuffer zin = { in->raw, in->raw_len, in->raw_pos };
		const size_t r = ZSTD_decompressStream(in->dctx, &zout, &zin);
		in->raw_pos = zin.pos;
		if (ZSTD_isError(r))
			return status_fail(ST_BADINPUT, "%s: not a valid zstd stream: %s",
					   in->name, ZSTD_getErrorName(r));
		in->frame_left = r;
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
	static const unsigned char magic[4] = { 0x28, 0xB5, 0x2F, 0xFD };
	const int zstd = n == 4 && memcmp(head, magic, 4) == 0;
	return (uint64_t)sb.st_size * (zstd ? 8 : 1);
}
