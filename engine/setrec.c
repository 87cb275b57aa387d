/*
 * setrec.c: encoding of printed sets for the sorter (see setrec.h).
 */
#include "setrec.h"
#include "../base/bytebuf.h"

#include <string.h>

#define HEAD 32

void setrec_encode(const setrec *r, bytebuf *out)
{
	uint8_t head[HEAD] = { 0 };
	memcpy(head, &r->lea, 4);
	memcpy(head + 4, &r->school, 4);
	memcpy(head + 8, &r->ssid, 8);
	memcpy(head + 16, &r->weight_mg, 8);
	head[24] = r->grade;
	head[25] = r->report;
	head[26] = r->copy2;
	head[27] = r->paper;
	head[28] = r->sheets;
	head[29] = r->envelopes;
	head[30] = r->ordered_by;
	bytebuf_put(out, head, HEAD);
	bytebuf_put(out, r->len, sizeof r->len);
	for (int i = 0; i < SETREC_NSTR; i++)
		bytebuf_put(out, r->str[i], r->len[i]);
}

int setrec_decode(const uint8_t *p, size_t n, setrec *r)
{
	if (n < HEAD + sizeof r->len)
		return -1;
	memcpy(&r->lea, p, 4);
	memcpy(&r->school, p + 4, 4);
	memcpy(&r->ssid, p + 8, 8);
	memcpy(&r->weight_mg, p + 16, 8);
	r->grade = p[24];
	r->report = p[25];
	r->copy2 = p[26];
	r->paper = p[27];
	r->sheets = p[28];
	r->envelopes = p[29];
	r->ordered_by = p[30];
	memcpy(r->len, p + HEAD, sizeof r->len);
	size_t at = HEAD + sizeof r->len;
	for (int i = 0; i < SETREC_NSTR; i++) {
		if (r->len[i] > n - at)
			return -1;
		r->str[i] = (const char *)p + at;
		at += r->len[i];
	}
	return at == n ? 0 : -1;
}
