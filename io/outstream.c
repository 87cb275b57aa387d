/*
 * outstream.c: buffered, optionally zstd-compressed output with a sticky
 * error (see outstream.h).
 *
 * Bytes collect in a 256 KiB buffer.  When it fills, a plain stream writes
 * it with write(2); a compressed stream feeds it to ZSTD_compressStream2()
 * (zstd's examples/streaming_compression.c loop) and writes what comes out.
 * The first failure is remembered with its errno and every later call does
 * nothing; outstream_close() reports it.  Files are opened O_CLOEXEC with
 * mode 0600 because most of what ssrfill writes holds student data.
 */
#include "outstream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "../engine/mem.h"

#define OUT_BUF_BYTES (256u * 1024u)

struct outstream {
	int fd;
	int flags;
	int is_stdout;
	status err;           /* sticky: the first failure */
	size_t n_buf;
	uint64_t n_total;
	char *path;
	ZSTD_CCtx *cctx;
	char *zbuf;           /* compressed output */
	size_t zbuf_cap;
	char buf[OUT_BUF_BYTES];
};

static void fail_errno(outstream *o, const char *what)
{
	if (o->err == ST_OK)
		o->err = status_fail(ST_IO, "%s: %s: %s", o->path, what, strerror(errno));
}

static void write_all(outstream *o, const char *p, size_t n)
{
	while (n && o->err == ST_OK) {
		ssize_t w = write(o->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			fail_errno(o, "cannot write");
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Push buffered bytes down; with end set, also finish the zstd frame. */
static void drain(outstream *o, int end)
{
	if (o->err != ST_OK)
		return;
	if (!o->cctx) {
		write_all(o, o->buf, o->n_buf);
		o->n_buf = 0;
		return;
	}
	ZSTD_inBuffer in = { o->buf, o->n_buf, 0 };
	const ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
	for (;;) {
		ZSTD_outBuffer out = { o->zbuf, o->zbuf_cap, 0 };
		const size_t left = ZSTD_compressStream2(o->cctx, &out, &in, mode);
		if (ZSTD_isError(left)) {
			o->err = status_fail(ST_IO, "%s: zstd: %s", o->path, ZSTD_getErrorName(left));
			return;
		}
		write_all(o, o->zbuf, out.pos);
		if (end ? left == 0 : in.pos == in.size)
			break;
	}
	o->n_buf = 0;
}

status outstream_open(outstream **out, const char *path, int flags)
{
	*out = NULL;
	outstream *o = mem_alloc(sizeof *o);
	if (!o)
		return status_fail(ST_NOMEM, "out of memory opening %s", path);
	memset(o, 0, offsetof(outstream, buf));
	o->flags = flags;
	o->path = mem_strndup(path, strlen(path));
	if (!o->path) {
		mem_free(o);
		return status_fail(ST_NOMEM, "out of memory opening %s", path);
	}
	if (strcmp(path, "-") == 0) {
		o->fd = STDOUT_FILENO;
		o->is_stdout = 1;
	} else {
		const int oflags = O_WRONLY | O_CREAT | O_CLOEXEC |
			((flags & OUT_EXCL) ? O_EXCL : O_TRUNC);
		o->fd = open(path, oflags, 0600);
		if (o->fd < 0) {
			status st = status_fail(ST_IO, "%s: cannot create: %s", path, strerror(errno));
			mem_free(o->path);
			mem_free(o);
			return st;
		}
	}
	if (flags & OUT_ZSTD) {
		o->cctx = ZSTD_createCCtx();
		o->zbuf_cap = ZSTD_CStreamOutSize();
		o->zbuf = mem_alloc(o->zbuf_cap);
		if (!o->cctx || !o->zbuf) {
			outstream_abort(o);
			return status_fail(ST_NOMEM, "out of memory opening %s", path);
		}
		ZSTD_CCtx_setParameter(o->cctx, ZSTD_c_compressionLevel, 3);
		ZSTD_CCtx_setParameter(o->cctx, ZSTD_c_checksumFlag, 1);
	}
	*out = o;
	return ST_OK;
}

void outstream_write(outstream *o, const void *buf, size_t n)
{
	const char *p = buf;
	o->n_total += n;
	while (n) {
		size_t room = OUT_BUF_BYTES - o->n_buf;
		size_t take = n < room ? n : room;
		memcpy(o->buf + o->n_buf, p, take);
		o->n_buf += take;
		p += take;
		n -= take;
		if (o->n_buf == OUT_BUF_BYTES)
			drain(o, 0);
	}
}

void outstream_putc(outstream *o, char c)
{
	if (o->n_buf == OUT_BUF_BYTES)
		drain(o, 0);
	o->buf[o->n_buf++] = c;
	o->n_total++;
}

void outstream_puts(outstream *o, const char *s)
{
	outstream_write(o, s, strlen(s));
}

void outstream_printf(outstream *o, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		outstream_write(o, small, (size_t)n);
		return;
	}
	char *big = mem_alloc((size_t)n + 1);
	if (!big) {
		if (o->err == ST_OK)
			o->err = status_fail(ST_NOMEM, "%s: out of memory", o->path);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	outstream_write(o, big, (size_t)n);
	mem_free(big);
}

void outstream_csv_field(outstream *o, const char *s, size_t n, int last)
{
	int quote = 0;
	for (size_t i = 0; i < n; i++) {
		const char c = s[i];
		if (c == ',' || c == '"' || c == '\n' || c == '\r') {
			quote = 1;
			break;
		}
	}
	if (!quote) {
		outstream_write(o, s, n);
	} else {
		outstream_putc(o, '"');
		size_t from = 0;
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '"') {
				outstream_write(o, s + from, i + 1 - from);
				from = i; /* the quote goes out twice */
			}
		}
		outstream_write(o, s + from, n - from);
		outstream_putc(o, '"');
	}
	outstream_putc(o, last ? '\n' : ',');
}

void outstream_csv_str(outstream *o, const char *s, int last)
{
	outstream_csv_field(o, s, strlen(s), last);
}

void outstream_csv_u64(outstream *o, uint64_t v, int last)
{
	char tmp[24];
	int i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	outstream_write(o, tmp + i, sizeof tmp - (size_t)i);
	outstream_putc(o, last ? '\n' : ',');
}

uint64_t outstream_bytes(const outstream *o)
{
	return o->n_total;
}

static void release(outstream *o)
{
	ZSTD_freeCCtx(o->cctx);
	mem_free(o->zbuf);
	mem_free(o->path);
	mem_free(o);
}

status outstream_close(outstream *o)
{
	if (!o)
		return ST_OK;
	drain(o, 1);
	if (!o->is_stdout) {
		/* only a regular file can be synced: /dev/null and pipes say EINVAL */
		struct stat sb;
		if (o->err == ST_OK && !(o->flags & OUT_NO_FSYNC) &&
		    fstat(o->fd, &sb) == 0 && S_ISREG(sb.st_mode) && fsync(o->fd) != 0)
			fail_errno(o, "cannot sync");
		if (close(o->fd) != 0)
			fail_errno(o, "cannot close");
	}
	const status st = o->err;
	release(o);
	return st;
}

void outstream_abort(outstream *o)
{
	if (!o)
		return;
	if (!o->is_stdout) {
		close(o->fd);
		unlink(o->path);
	}
	release(o);
}
