/*
 * outstream.c: buffered, optionally zstd-compressed output with a sticky
 * error (see outstream.h).
 *
 * Bytes collect in a 256 KiB buffer.  When it fills, a plain stream writes
 * it with write(2); a compressed stream feeds it to ZSTD_compressStream2()
 * (zstd's examples/streaming_compression.c loop) and writes what comes out.
 * The first failure is remembered with its errno and every later call does
 * nothing; outstream_close() reports it.  With OUT_ASYNC a writer thread
 * compresses and writes each full buffer while the caller fills a second
 * one, so formatting and compression run on two cores.  Files are opened O_CLOEXEC with
 * mode 0600 because most of what ssrfill writes holds student data.
 */
#include "outstream.h"
#include "../base/fault.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "../base/mem.h"
#include "../base/tmpfiles.h"

#define OUT_BUF_BYTES (256u * 1024u)

struct outstream {
	int fd;
	int flags;
	int is_stdout;
	int created;          /* this stream made the file: abort may unlink it */
	status err;           /* sticky: the first failure */
	char *buf;            /* the buffer being filled */
	size_t n_buf;
	uint64_t n_total;
	char *path;
	ZSTD_CCtx *cctx;
	char *zbuf;           /* compressed output */
	size_t zbuf_cap;

	/* OUT_ASYNC: a writer thread compresses and writes the full buffer
	 * while the caller fills `spare`, which it swaps with buf */
	int async;
	char *spare;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const char *job;
	size_t job_len;
	int busy, quit;
	status werr;
	char werr_msg[512];
	char first[OUT_BUF_BYTES];
};

static void fail_errno(outstream *o, status *err, const char *what)
{
	if (*err == ST_OK)
		*err = status_fail(ST_IO, "%s: %s: %s", o->path, what, strerror(errno));
}

static void write_all(outstream *o, const char *p, size_t n, status *err)
{
	while (n && *err == ST_OK) {
		ssize_t w = fault_hit(FAULT_WRITE) ? -1 : write(o->fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			fail_errno(o, err, "cannot write");
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Compress (if asked) and write p[0, n); with end set, finish the frame.
 * Runs on the writer thread in async mode: it touches only the zstd
 * context, zbuf and the descriptor, which the caller leaves alone then. */
static void push(outstream *o, const char *p, size_t n, int end, status *err)
{
	if (*err != ST_OK)
		return;
	if (!o->cctx) {
		write_all(o, p, n, err);
		return;
	}
	ZSTD_inBuffer in = { p, n, 0 };
	const ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
	for (;;) {
		ZSTD_outBuffer out = { o->zbuf, o->zbuf_cap, 0 };
		const size_t left = ZSTD_compressStream2(o->cctx, &out, &in, mode);
		if (ZSTD_isError(left)) {
			*err = status_fail(ST_IO, "%s: zstd: %s", o->path, ZSTD_getErrorName(left));
			return;
		}
		write_all(o, o->zbuf, out.pos, err);
		if (end ? left == 0 : in.pos == in.size)
			break;
	}
}

static void *writer(void *arg)
{
	outstream *o = arg;
	tmpfiles_block_in_thread();
	status err = ST_OK;
	pthread_mutex_lock(&o->mu);
	for (;;) {
		while (!o->busy && !o->quit)
			pthread_cond_wait(&o->cv, &o->mu);
		if (!o->busy)
			break;
		pthread_mutex_unlock(&o->mu);
		push(o, o->job, o->job_len, 0, &err);
		pthread_mutex_lock(&o->mu);
		if (err != ST_OK && o->werr == ST_OK) {
			o->werr = err;
			snprintf(o->werr_msg, sizeof o->werr_msg, "%s", status_detail(err));
		}
		o->busy = 0;
		pthread_cond_broadcast(&o->cv);
	}
	pthread_mutex_unlock(&o->mu);
	return NULL;
}

/* Wait for the writer; its failure becomes the stream's. */
static void wait_writer(outstream *o)
{
	pthread_mutex_lock(&o->mu);
	while (o->busy)
		pthread_cond_wait(&o->cv, &o->mu);
	const status werr = o->werr;
	pthread_mutex_unlock(&o->mu);
	if (werr != ST_OK && o->err == ST_OK)
		o->err = status_fail(werr, "%s", o->werr_msg);
}

/* Push buffered bytes down; with end set, also finish the zstd frame. */
static void drain(outstream *o, int end)
{
	if (!o->async) {
		push(o, o->buf, o->n_buf, end, &o->err);
		o->n_buf = 0;
		return;
	}
	wait_writer(o);
	if (end || o->err != ST_OK) {
		push(o, o->buf, o->n_buf, end, &o->err);
		o->n_buf = 0;
		return;
	}
	pthread_mutex_lock(&o->mu);
	o->job = o->buf;
	o->job_len = o->n_buf;
	o->busy = 1;
	pthread_cond_broadcast(&o->cv);
	pthread_mutex_unlock(&o->mu);
	char *t = o->buf;
	o->buf = o->spare;
	o->spare = t;
	o->n_buf = 0;
}

static void stop_writer(outstream *o)
{
	if (!o->async)
		return;
	pthread_mutex_lock(&o->mu);
	while (o->busy)
		pthread_cond_wait(&o->cv, &o->mu);
	o->quit = 1;
	pthread_cond_broadcast(&o->cv);
	pthread_mutex_unlock(&o->mu);
	pthread_join(o->thread, NULL);
	pthread_mutex_destroy(&o->mu);
	pthread_cond_destroy(&o->cv);
	o->async = 0;
}

/* Open path for writing: created new (O_EXCL) when it may be, else an
 * existing file truncated, or a FIFO or device written to as it is.  Only
 * a file this call created is ever unlinked by outstream_abort. */
static int open_path(const char *path, int flags, int *created)
{
	*created = 0;
	if (fault_hit(FAULT_OPEN))
		return -1;
	const int base = O_WRONLY | O_CLOEXEC;
	int fd = open(path, base | O_CREAT | O_EXCL, 0600);
	if (fd >= 0) {
		*created = 1;
		return fd;
	}
	if (errno != EEXIST || (flags & OUT_EXCL))
		return -1;
	/* it exists: a file ssrfill did not make (a device, a FIFO, a file
	 * the caller chose to overwrite) is never removed on failure */
	return open(path, base | O_TRUNC);
}

static status finish_open(outstream **out, outstream *o, const char *path, int flags);

static outstream *new_stream(const char *path, int flags)
{
	outstream *o = mem_alloc(sizeof *o);
	if (!o)
		return NULL;
	memset(o, 0, offsetof(outstream, first));
	o->buf = o->first;
	o->flags = flags;
	o->fd = -1;
	o->path = mem_strndup(path, strlen(path));
	if (!o->path) {
		mem_free(o);
		return NULL;
	}
	return o;
}

status outstream_open(outstream **out, const char *path, int flags)
{
	*out = NULL;
	outstream *o = new_stream(path, flags);
	if (!o)
		return status_fail(ST_NOMEM, "out of memory opening %s", path);
	if (strcmp(path, "-") == 0) {
		o->fd = STDOUT_FILENO;
		o->is_stdout = 1;
	} else {
		o->fd = open_path(path, flags, &o->created);
		if (o->fd < 0) {
			status st = status_fail(ST_IO, "%s: cannot create: %s", path, strerror(errno));
			mem_free(o->path);
			mem_free(o);
			return st;
		}
	}
	return finish_open(out, o, path, flags);
}

status outstream_open_fd(outstream **out, int fd, const char *path, int flags)
{
	*out = NULL;
	outstream *o = new_stream(path, flags);
	if (!o) {
		close(fd);
		return status_fail(ST_NOMEM, "out of memory opening %s", path);
	}
	o->fd = fd;
	o->created = 1;
	return finish_open(out, o, path, flags);
}

static status finish_open(outstream **out, outstream *o, const char *path, int flags)
{
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
	if (flags & OUT_ASYNC) {
		o->spare = mem_alloc(OUT_BUF_BYTES);
		pthread_mutex_init(&o->mu, NULL);
		pthread_cond_init(&o->cv, NULL);
		if (!o->spare || pthread_create(&o->thread, NULL, writer, o) != 0) {
			pthread_mutex_destroy(&o->mu);
			pthread_cond_destroy(&o->cv);
			outstream_abort(o);
			return status_fail(ST_NOMEM, "cannot start a writer for %s", path);
		}
		o->async = 1;
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
	/* see OUT_CSV_SAFE: a leading quote makes the cell text */
	const int formula = (o->flags & OUT_CSV_SAFE) && n > 0 &&
		(s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r');
	if (formula)
		outstream_write(o, "\"'", 2);
	int quote = formula;
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
		if (!formula)
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

void outstream_json_str(outstream *o, const char *s, size_t n)
{
	outstream_putc(o, '"');
	for (size_t i = 0; i < n; i++) {
		const unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			outstream_putc(o, '\\');
			outstream_putc(o, (char)c);
		} else if (c < 0x20) {
			outstream_printf(o, "\\u%04x", c);
		} else {
			outstream_putc(o, (char)c);
		}
	}
	outstream_putc(o, '"');
}

uint64_t outstream_bytes(const outstream *o)
{
	return o->n_total;
}

static void release(outstream *o)
{
	stop_writer(o);
	/* buf and spare swap: the heap one is whichever is not `first` */
	mem_free(o->buf == o->first ? o->spare : o->buf);
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
	stop_writer(o);
	if (!o->is_stdout) {
		/* only a regular file can be synced: /dev/null and pipes say EINVAL */
		struct stat sb;
		if (o->err == ST_OK && !(o->flags & OUT_NO_FSYNC) &&
		    fstat(o->fd, &sb) == 0 && S_ISREG(sb.st_mode) && (fault_hit(FAULT_SYNC) || fsync(o->fd) != 0))
			fail_errno(o, &o->err, "cannot sync");
		if (close(o->fd) != 0)
			fail_errno(o, &o->err, "cannot close");
	}
	const status st = o->err;
	release(o);
	return st;
}

void outstream_abort(outstream *o)
{
	if (!o)
		return;
	stop_writer(o);
	if (!o->is_stdout) {
		close(o->fd);
		if (o->created)
			unlink(o->path);
	}
	release(o);
}
