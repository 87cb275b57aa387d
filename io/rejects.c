/*
 * rejects.c: rows of the rejects file (see rejects.h).  The raw record is
 * written as one CSV field, quoted and with its quotes doubled, so a reader
 * gets back the exact bytes that were rejected, invalid UTF-8 included.
 */
#include "rejects.h"

void rejects_write_header(outstream *o)
{
	outstream_puts(o, "line,reason,raw\n");
}

void rejects_write(outstream *o, uint64_t line, const char *reason,
		   const char *raw, size_t raw_len)
{
	outstream_csv_u64(o, line, 0);
	outstream_csv_str(o, reason, 0);
	outstream_csv_field(o, raw, raw_len, 1);
}
