/*
 * config_ini.h: the configuration file (docs/rules.md §5) in INI form, read with
 * inih and written back in the same form.
 *
 *   config c;
 *   config_defaults(&c);
 *   st = config_load(&c, path);       // only the keys the file names change
 *   st = config_check(&c, path);
 *   config_write_ini(&c, out);        // `ssrfill config`
 *
 * The format, key by key:
 *
 *   admin_year = 2018-19          ; top level, before any section
 *   [caaspp]                      ; and [elpac]
 *   available = yes               ; yes/no, true/false, 1/0
 *   set_price = 1.48              ; dollars, at most 2 decimals that count
 *   envelope_set_price = 2.00
 *   order_deadline = 07-15        ; MM-DD, in admin_year's end year
 *   cancel_deadline = 07-15
 *   languages = ES VI ZH FIL      ; besides English; KO too; empty = EN only
 *   [box]
 *   max_gross_mg = 18144000       ; and tare_mg, letter_sheet_mg,
 *   keep_schools_together = no    ; tabloid_sheet_mg, divider_mg,
 *                                 ; envelope_10_mg, envelope_6x9_mg
 *
 * Section and key names and the words and codes in values ignore ASCII
 * case; [shipper] state is kept in capitals (ca is read as CA).  A line
 * starts a comment with ';' or '#'; ';' after a space ends a value.
 */
#ifndef SSRFILL_CONFIG_INI_H
#define SSRFILL_CONFIG_INI_H

#include "../engine/config.h"
#include "../base/status.h"
#include "../io/outstream.h"

/* Apply the INI file at path on top of what c holds.  c changes only when
 * the whole file is good.  Returns ST_OK; ST_BADCONFIG with the detail
 * "PATH: line N: what is wrong" for a malformed line, an unknown section or
 * key, a key given twice or a bad value; ST_IO when the file cannot be
 * opened or read. */
status config_load(config *c, const char *path);

/* Write c as an INI file that config_load() reads back to an equal config.
 * Errors stick to the stream and come out of outstream_close(). */
void config_write_ini(const config *c, outstream *o);

#endif
