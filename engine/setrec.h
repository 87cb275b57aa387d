/*
 * setrec.h: a printed set as it travels through the sorter for `run` —
 * what the print stream, manifests and packing lists need of the row, so
 * nothing is re-parsed after the sort.
 *
 *   setrec r = {...};  setrec_encode(&r, &buf);      // at ingest
 *   setrec_decode(payload, n, &r);                   // after the sort
 *
 * Format: a fixed 32-byte head (lea u32, school u32, ssid u64, weight i64,
 * grade, report, copy2, paper, sheets, envelopes, ordered_by, 1 spare
 * byte), then SETREC_NSTR string lengths (u32 each), then the strings.
 * The weight takes 64 bits because the configuration allows sheets of up
 * to 10^12 mg (config.c), and the box arithmetic is int64 throughout.
 * Host byte order: a payload never leaves the process except in spill runs,
 * which the same binary reads back.
 */
#ifndef SSRFILL_SETREC_H
#define SSRFILL_SETREC_H

#include <stddef.h>
#include <stdint.h>

#include "../base/bytebuf.h"

enum setrec_str {
	SR_LAST, SR_FIRST, SR_MIDDLE, SR_LEA_NAME, SR_SCHOOL_NAME, SR_GUARDIAN,
	SR_ADDR1, SR_ADDR2, SR_CITY, SR_STATE, SR_ZIP, SETREC_NSTR
};

typedef struct setrec {
	uint32_t lea, school;
	uint64_t ssid;
	int64_t weight_mg;
	uint8_t grade, report, copy2, paper, sheets, envelopes, ordered_by;
	const char *str[SETREC_NSTR];
	uint32_t len[SETREC_NSTR];
} setrec;

void setrec_encode(const setrec *r, bytebuf *out);
/* 0, or -1 when the bytes are not a setrec (a corrupt spill run). */
int setrec_decode(const uint8_t *p, size_t n, setrec *r);

#endif
