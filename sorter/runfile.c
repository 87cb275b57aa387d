/*
 * runfile.c: writing and reading sorted runs (see runfile.h).
 *
 * Writes go straight to write(2) in whole compressed blocks, with no stdio
 * buffering; reads fetch one block header and then its compressed bytes.
 * Spill files are scratch: no fsync, mode 0600 in the sorter's private
 * 0700 folder.
 *
 * Damage is an error, never data: each frame carries zstd's content
 * checksum (XXH64, checked as it is decompressed), so a changed byte
 * fails the read; the end marker makes a run cut at a block boundary
 * "cut short" rather than a shorter run; and lengths are checked against
 * the file's size and the frame's own header before anything is
 * allocated for them.
 */
#include "runfile.h"
#include "../base/fault.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/tmpfiles.h"
#include "../base/mem.h"

struct runfile_writer {
	int fd;
	status err;
	ZSTD_CCtx *cctx;
	uint8_t *raw, *comp;
	size_t raw_len, raw_cap, comp_cap;
	char *path;
};

struct runfile_reader {
	int fd;
	ZSTD_DCtx *dctx;
	uint8_t *raw, *comp;
	size_t raw_len, raw_cap, comp_cap, pos;
	uint64_t offset, size;   /* of the next block header, of the file */
	int ended;               /* the end marker was read */
	char *path;
};

static status write_all(int fd, const void *p, size_t n, const char *path)
{
	const char *c = p;
	while (n) {
		const ssize_t w = fault_hit(FAULT_WRITE) ? -1 : write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return status_fail(ST_IO, "%s: cannot write a sorted run: %s", path, strerror(errno));
		}
		c += w;
		n -= (size_t)w;
	}
	return ST_OK;
}

status runfile_writer_open(runfile_writer **out, const char *path, ZSTD_CCtx *cctx)
{
	*out = NULL;
	runfile_writer *w = mem_calloc(1, sizeof *w);
	if (!w)
		return status_fail(ST_NOMEM, "out of memory opening a sorted run");
	w->cctx = cctx;
	w->raw_cap = RUNFILE_BLOCK;
	w->comp_cap = ZSTD_compressBound(RUNFILE_BLOCK);
	w->raw = mem_alloc(w->raw_cap);
	w->comp = mem_alloc(w->comp_cap);
	w->path = mem_strndup(path, strlen(path));
	w->fd = -1;
	if (!w->raw || !w->comp || !w->path) {
		runfile_writer_close(w);
		return status_fail(ST_NOMEM, "out of memory opening a sorted run");
	}
	/* the sorter's worker creates runs: bracketed so a signal handler on
	 * another thread never cleans up before the file exists */
	if (tmpfiles_create_begin() != 0) {
		w->fd = -1;
	} else {
		w->fd = fault_hit(FAULT_OPEN) ? -1 : open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		tmpfiles_create_end();
	}
	if (w->fd < 0) {
		const status st = status_fail(ST_IO, "%s: cannot create a sorted run: %s", path, strerror(errno));
		runfile_writer_close(w);
		return st;
	}
	/* level -100, zstd's "--fast=100" (spills are written once and read
	 * once: sorted records still shrink by 1.7, against 3.3 at --fast=10
	 * and 6 at level 1, and a run is written and read again 3 times as
	 * fast as at --fast=10, BM_RunWriteRead 2026-11-30), with the frame's
	 * content checksum so a damaged block cannot decompress to data */
	size_t z = ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
	if (!ZSTD_isError(z))
		z = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, RUNFILE_LEVEL);
	if (!ZSTD_isError(z))
		z = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
	if (ZSTD_isError(z)) {
		w->err = status_fail(ST_INTERNAL, "zstd: %s", ZSTD_getErrorName(z));
		const status st = w->err;
		runfile_writer_close(w);
		return st;
	}
	*out = w;
	return ST_OK;
}

static void flush_block(runfile_writer *w)
{
	if (w->err != ST_OK || w->raw_len == 0)
		return;
	const size_t bound = ZSTD_compressBound(w->raw_len);
	if (bound + 8 > w->comp_cap) {
		uint8_t *c = mem_realloc(w->comp, bound + 8);
		if (!c) {
			w->err = status_fail(ST_NOMEM, "out of memory writing a sorted run");
			return;
		}
		w->comp = c;
		w->comp_cap = bound + 8;
	}
	const size_t n = ZSTD_compress2(w->cctx, w->comp + 8, w->comp_cap - 8, w->raw, w->raw_len);
	if (ZSTD_isError(n)) {
		w->err = status_fail(ST_INTERNAL, "zstd: %s", ZSTD_getErrorName(n));
		return;
	}
	const uint32_t hdr[2] = { (uint32_t)w->raw_len, (uint32_t)n };
	memcpy(w->comp, hdr, 8);
	w->err = write_all(w->fd, w->comp, n + 8, w->path);
	w->raw_len = 0;
}

status runfile_put(runfile_writer *w, const void *key, size_t klen, const void *payload, size_t plen)
{
	const size_t need = RUNFILE_RECORD_BYTES(klen, plen);
	if (w->raw_len + need > w->raw_cap) {
		flush_block(w);
		if (need > w->raw_cap) {
			uint8_t *r = mem_realloc(w->raw, need);
			if (!r)
				return w->err = status_fail(ST_NOMEM, "out of memory writing a sorted run");
			w->raw = r;
			w->raw_cap = need;
		}
	}
	if (w->err != ST_OK)
		return w->err;
	runfile_record_put(w->raw + w->raw_len, key, klen, payload, plen);
	w->raw_len += need;
	return ST_OK;
}

status runfile_writer_close(runfile_writer *w)
{
	if (!w)
		return ST_OK;
	if (w->fd >= 0) {
		flush_block(w);
		/* the end marker: a block header of zero lengths */
		static const uint32_t end[2] = { 0, 0 };
		if (w->err == ST_OK)
			w->err = write_all(w->fd, end, sizeof end, w->path);
		if (close(w->fd) != 0 && w->err == ST_OK)
			w->err = status_fail(ST_IO, "%s: cannot close a sorted run: %s", w->path, strerror(errno));
	}
	const status st = w->err;
	mem_free(w->raw);
	mem_free(w->comp);
	mem_free(w->path);
	mem_free(w);
	return st;
}

/* A reader's or writer's allocations: itself, a raw and a compressed
 * block, its path. */
static size_t held_bytes(size_t self)
{
	return mem_good_size(self) + mem_good_size(RUNFILE_BLOCK) +
	       mem_good_size(ZSTD_compressBound(RUNFILE_BLOCK)) + mem_good_size(256);
}

size_t runfile_reader_bytes(void) { return held_bytes(sizeof(runfile_reader)); }
size_t runfile_writer_bytes(void) { return held_bytes(sizeof(runfile_writer)); }

status runfile_reader_open(runfile_reader **out, const char *path, ZSTD_DCtx *dctx)
{
	*out = NULL;
	runfile_reader *r = mem_calloc(1, sizeof *r);
	if (!r)
		return status_fail(ST_NOMEM, "out of memory reading a sorted run");
	r->dctx = dctx;
	r->raw_cap = RUNFILE_BLOCK;
	r->comp_cap = ZSTD_compressBound(RUNFILE_BLOCK);
	r->raw = mem_alloc(r->raw_cap);
	r->comp = mem_alloc(r->comp_cap);
	r->path = mem_strndup(path, strlen(path));
	r->fd = -1;
	if (!r->raw || !r->comp || !r->path) {
		runfile_reader_free(r);
		return status_fail(ST_NOMEM, "out of memory reading a sorted run");
	}
	r->fd = fault_hit(FAULT_OPEN) ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (r->fd < 0 || fstat(r->fd, &sb) != 0) {
		const status st = status_fail(ST_IO, "%s: cannot open a sorted run: %s", path, strerror(errno));
		runfile_reader_free(r);
		return st;
	}
	r->size = (uint64_t)sb.st_size;
	*out = r;
	return ST_OK;
}

/* Read exactly n bytes; 0 bytes at a clean end gives *got == 0. */
static status read_exact(runfile_reader *r, void *buf, size_t n, size_t *got)
{
	size_t have = 0;
	while (have < n) {
		const ssize_t k = fault_hit(FAULT_READ) ? -1 : read(r->fd, (char *)buf + have, n - have);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return status_fail(ST_IO, "%s: cannot read a sorted run: %s", r->path, strerror(errno));
		}
		if (k == 0)
			break;
		have += (size_t)k;
	}
	*got = have;
	return ST_OK;
}

static status next_block(runfile_reader *r)
{
	if (r->ended)
		return ST_EOF;
	uint32_t hdr[2];
	size_t got;
	status st = read_exact(r, hdr, 8, &got);
	if (st != ST_OK)
		return st;
	if (got != 8)
		return status_fail(ST_IO, "%s: a sorted run is cut short", r->path);
	r->offset += 8;
	if (hdr[0] == 0 && hdr[1] == 0) {
		/* the end marker, and the end of the file */
		uint8_t more;
		if ((st = read_exact(r, &more, 1, &got)) != ST_OK)
			return st;
		if (got != 0)
			return status_fail(ST_IO, "%s: a sorted run is corrupt", r->path);
		r->ended = 1;
		return ST_EOF;
	}
	/* lengths past the end of the file, or out of proportion to each
	 * other or to the frame's own header, are damage: refused before
	 * anything is allocated for them */
	if (hdr[1] > r->size - r->offset)
		return status_fail(ST_IO, "%s: a sorted run is cut short", r->path);
	if (hdr[0] == 0 || hdr[1] > ZSTD_compressBound(hdr[0]))
		return status_fail(ST_IO, "%s: a sorted run is corrupt", r->path);
	if (hdr[1] > r->comp_cap) {
		uint8_t *c = mem_realloc(r->comp, hdr[1]);
		if (!c)
			return status_fail(ST_NOMEM, "out of memory reading a sorted run");
		r->comp = c;
		r->comp_cap = hdr[1];
	}
	if ((st = read_exact(r, r->comp, hdr[1], &got)) != ST_OK)
		return st;
	if (got != hdr[1])
		return status_fail(ST_IO, "%s: a sorted run is cut short", r->path);
	r->offset += got;
	if (ZSTD_getFrameContentSize(r->comp, hdr[1]) != hdr[0])
		return status_fail(ST_IO, "%s: a sorted run is corrupt", r->path);
	if (hdr[0] > r->raw_cap) {
		uint8_t *c = mem_realloc(r->raw, hdr[0]);
		if (!c)
			return status_fail(ST_NOMEM, "out of memory reading a sorted run");
		r->raw = c;
		r->raw_cap = hdr[0];
	}
	const size_t n = ZSTD_decompressDCtx(r->dctx, r->raw, r->raw_cap, r->comp, hdr[1]);
	if (ZSTD_isError(n) || n != hdr[0])
		return status_fail(ST_IO, "%s: a sorted run is corrupt", r->path);
	r->raw_len = n;
	r->pos = 0;
	return ST_OK;
}

status runfile_next(runfile_reader *r, runfile_rec *rec)
{
	if (r->pos == r->raw_len) {
		const status st = next_block(r);
		if (st != ST_OK)
			return st;
	}
	uint32_t kl, pl;
	if (r->raw_len - r->pos < 8)
		return status_fail(ST_IO, "%s: a sorted run is corrupt", r->path);
	memcpy(&kl, r->raw + r->pos, 4);
	memcpy(&pl, r->raw + r->pos + 4, 4);
	if ((size_t)kl + pl > r->raw_len - r->pos - 8)
		return status_fail(ST_IO, "%s: a sorted run is corrupt", r->path);
	rec->key = r->raw + r->pos + 8;
	rec->key_len = kl;
	rec->payload = rec->key + kl;
	rec->payload_len = pl;
	r->pos += 8 + (size_t)kl + pl;
	return ST_OK;
}

void runfile_reader_free(runfile_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	mem_free(r->raw);
	mem_free(r->comp);
	mem_free(r->path);
	mem_free(r);
}
