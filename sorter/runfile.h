/*
 * runfile.h: the spill-run format of the external sorter.
 *
 *   runfile_writer *w;  runfile_writer_open(&w, path, cctx);
 *   runfile_put(w, key, klen, payload, plen) ... in sorted order
 *   runfile_writer_close(w);               // flush; status of every write
 *   runfile_reader *r;  runfile_reader_open(&r, path, dctx);
 *   while (runfile_next(r, &rec) == ST_OK) ...   // ST_EOF at the end
 *   runfile_reader_free(r);
 *
 * A run is a sequence of blocks, each
 *     [u32 raw_len][u32 compressed_len][zstd frame of raw_len bytes]
 * whose raw bytes are whole records [u32 klen][u32 plen][key][payload],
 * then an end marker [u32 0][u32 0], the last 8 bytes of the file.
 * A record never spans blocks (a record larger than a block gets a block of
 * its own).  Each frame carries its content size and checksum, so a run
 * cut short or damaged is an error (ST_IO), never fewer or other records.
 * Blocks are compressed one shot with a context the caller owns
 * and reuses (zstd level RUNFILE_LEVEL: spills are written once and read
 * once), and
 * decompressed one shot, so a merge of k runs needs one decompression
 * context and 2 x RUNFILE_BLOCK bytes per run.
 */
#ifndef SSRFILL_RUNFILE_H
#define SSRFILL_RUNFILE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <zstd.h>

#include "../base/status.h"

#define RUNFILE_BLOCK (64u * 1024u)
#define RUNFILE_LEVEL (-100)

/* Memory a reader holds, as mem.h counts it: its raw and compressed block
 * buffers (the compressed one a little over a block, which the allocator
 * rounds up to its next size, a quarter more), itself and its path. */
size_t runfile_reader_bytes(void);
/* The same for a writer. */
size_t runfile_writer_bytes(void);

typedef struct runfile_writer runfile_writer;
typedef struct runfile_reader runfile_reader;

typedef struct runfile_rec {
	const uint8_t *key;
	size_t key_len;
	const uint8_t *payload;
	size_t payload_len;
} runfile_rec;

status runfile_writer_open(runfile_writer **out, const char *path, ZSTD_CCtx *cctx);
status runfile_put(runfile_writer *w, const void *key, size_t klen, const void *payload, size_t plen);

/* Write one record, [u32 klen][u32 plen][key][payload], at p (which has
 * RUNFILE_RECORD_BYTES(klen, plen) bytes): the layout of a run's blocks,
 * which the sorter also keeps its records in, so a spill copies them. */
#define RUNFILE_RECORD_BYTES(klen, plen) (8 + (klen) + (plen))
static inline void runfile_record_put(uint8_t *p, const void *key, size_t klen,
				      const void *payload, size_t plen)
{
	const uint32_t kl = (uint32_t)klen, pl = (uint32_t)plen;
	memcpy(p, &kl, 4);
	memcpy(p + 4, &pl, 4);
	memcpy(p + 8, key, klen);
	if (plen)
		memcpy(p + 8 + klen, payload, plen);
}
/* Flush and close; the first error of the writer's life. NULL: ST_OK. */
status runfile_writer_close(runfile_writer *w);

status runfile_reader_open(runfile_reader **out, const char *path, ZSTD_DCtx *dctx);
/* The record stays valid until the next call. */
status runfile_next(runfile_reader *r, runfile_rec *rec);
void runfile_reader_free(runfile_reader *r);

#endif
