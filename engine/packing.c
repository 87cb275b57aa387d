/*
 * packing.c: boxes and school segments of one (shipment, LEA) (see
 * packing.h).  A segment is the run of one school's sets inside one box; a
 * school spread over three boxes has three segments, the last two
 * "continued".  Names shown on manifests ("Last, First") and school names
 * are copied into a text pool that is reset with each LEA.  Every set adds
 * its student's name (it may turn out the last of its segment), so the
 * pool grows with the sets of one LEA: memory proportional to the largest
 * LEA's set count, not to the file.  What one box holds (packing_box_get)
 * is summed from its segments when asked; only each box's gross weight is
 * kept as the sets go in.
 */
#include "packing.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "../base/bytebuf.h"
#include "../base/mem.h"

struct packing {
	boxer box;
	int shipment;
	uint32_t lea;
	bytebuf text;          /* NUL-terminated strings */
	size_t lea_name;
	segment *seg;
	size_t n_seg, cap_seg;
	int64_t *gross;        /* per box, index box_no - 1 */
	size_t cap_gross;
	packing_totals totals;
	uint32_t cur_school;
	int have_school;
	int wave;              /* 0: a run without a ledger */
	uint32_t box_base;     /* the LEA's number of this wave's box 1 */
	box_config cfg;        /* as given: a box reprint lifts the limit */
	/* a reprint (docs/rules.md §15.5): packing_set_reprint,
	 * packing_set_box_reprint and packing_next_reprint_box */
	int reprint;           /* enum packing_reprint */
	int force_box;         /* the next set opens a new box */
	int force_continued;   /* ... with a continued divider */
	packing_rbox *rbox;    /* a box reprint's boxes, index box_no - 1 */
	size_t n_rbox, cap_rbox;
	int have_ship_to;      /* packing_ship_to's answer; the address in text */
	uint32_t ship_to_lea;
	size_t ship_to_at[8];
};

status packing_new(packing **out, const box_config *cfg)
{
	*out = NULL;
	packing *p = mem_calloc(1, sizeof *p);
	if (!p)
		return status_fail(ST_NOMEM, "out of memory packing boxes");
	p->cfg = *cfg;
	boxer_begin(&p->box, cfg);
	bytebuf_init(&p->text);
	*out = p;
	return ST_OK;
}

static size_t put_text(packing *p, const char *s, size_t n)
{
	const size_t at = p->text.len;
	bytebuf_put(&p->text, s, n);
	bytebuf_put(&p->text, "", 1);
	return at;
}

static size_t put_student(packing *p, const setrec *r)
{
	const size_t at = p->text.len;
	bytebuf_put(&p->text, r->str[SR_LAST], r->len[SR_LAST]);
	bytebuf_put(&p->text, ", ", 2);
	bytebuf_put(&p->text, r->str[SR_FIRST], r->len[SR_FIRST]);
	bytebuf_put(&p->text, "", 1);
	return at;
}

void packing_begin(packing *p, int shipment, uint32_t lea, const char *lea_name, size_t name_len)
{
	boxer_begin(&p->box, &p->cfg);
	p->shipment = shipment;
	p->lea = lea;
	p->text.len = 0;
	p->lea_name = put_text(p, lea_name, name_len);
	p->n_seg = 0;
	memset(&p->totals, 0, sizeof p->totals);
	p->have_school = 0;
	p->wave = 0;
	p->box_base = 1;
	p->reprint = PACKING_NOT_REPRINT;
	p->force_box = p->force_continued = 0;
	p->n_rbox = 0;
	p->have_ship_to = 0;
}

void packing_set_ship_to(packing *p, const ship_to *st)
{
	p->have_ship_to = st ? 1 : -1;
	if (!st)
		return;
	const char *const in[8] = { st->name, st->attention, st->address1, st->address2, st->city,
				    st->state, st->zip, st->phone };
	p->ship_to_lea = st->lea;
	for (int i = 0; i < 8; i++)
		p->ship_to_at[i] = put_text(p, in[i] ? in[i] : "", in[i] ? strlen(in[i]) : 0);
}

int packing_ship_to(const packing *p, ship_to *out)
{
	if (p->have_ship_to <= 0)
		return p->have_ship_to;
	const char *t[8];
	for (int i = 0; i < 8; i++)
		t[i] = (const char *)p->text.p + p->ship_to_at[i];
	*out = (ship_to){ p->ship_to_lea, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7] };
	return 1;
}

void packing_set_wave(packing *p, int wave, uint32_t first_box_no)
{
	assert(wave >= 1 && first_box_no >= 1);
	p->wave = wave;
	p->box_base = first_box_no;
}

int packing_wave(const packing *p) { return p->wave; }

uint32_t packing_box_no(const packing *p, uint32_t n) { return p->box_base + n - 1; }

void packing_set_reprint(packing *p, uint32_t first_no)
{
	assert(first_no >= 1);
	p->reprint = PACKING_SSID_REPRINT;
	p->wave = 0;
	p->box_base = first_no;
}

void packing_set_box_reprint(packing *p)
{
	p->reprint = PACKING_BOX_REPRINT;
	/* each box holds the same sets again, however much they weigh now */
	box_config one = p->cfg;
	one.max_gross_mg = INT64_MAX / 4;
	one.keep_schools_together = 0;
	boxer_begin(&p->box, &one);
}

status packing_next_reprint_box(packing *p, const packing_rbox *b)
{
	assert(p->reprint == PACKING_BOX_REPRINT);
	if (p->n_rbox == p->cap_rbox) {
		const size_t cap = p->cap_rbox ? 2 * p->cap_rbox : 8;
		packing_rbox *r = mem_realloc(p->rbox, cap * sizeof *r);
		if (!r)
			return status_fail(ST_NOMEM, "out of memory packing boxes");
		p->rbox = r;
		p->cap_rbox = cap;
	}
	p->rbox[p->n_rbox++] = *b;
	p->force_box = 1;
	p->force_continued = b->continued;
	return ST_OK;
}

int packing_reprint(const packing *p) { return p->reprint; }

const packing_rbox *packing_reprint_box(const packing *p, uint32_t n)
{
	return p->reprint == PACKING_BOX_REPRINT && n >= 1 && n <= p->n_rbox ? &p->rbox[n - 1] : NULL;
}

uint32_t packing_label_no(const packing *p, uint32_t n)
{
	const packing_rbox *r = packing_reprint_box(p, n);
	return r ? r->n : n;
}

uint32_t packing_label_count(const packing *p, uint32_t n)
{
	const packing_rbox *r = packing_reprint_box(p, n);
	return r ? r->m : p->box.box_no;
}

int packing_box_wave(const packing *p, uint32_t n)
{
	const packing_rbox *r = packing_reprint_box(p, n);
	return r ? r->wave : p->wave;
}

void packing_box_id(const packing *p, uint32_t n, char *buf, size_t cap)
{
	const packing_rbox *r = packing_reprint_box(p, n);
	if (r)
		snprintf(buf, cap, "%s", r->id);
	else if (p->reprint == PACKING_SSID_REPRINT)
		snprintf(buf, cap, "%s-%07u-R%04u", shipment_name[p->shipment], p->lea, packing_box_no(p, n));
	else
		box_id_format(buf, cap, p->shipment, p->lea, packing_box_no(p, n));
}

status packing_add(packing *p, const setrec *r, int64_t school_mg, box_place *where)
{
	int first = !p->have_school || r->school != p->cur_school;
	p->have_school = 1;
	p->cur_school = r->school;
	if (p->force_box) {   /* the next box of a box reprint: nothing more fits this one */
		p->box.gross_mg = p->box.cfg.max_gross_mg;
		first = 1;
	}
	boxer_place(&p->box, first, school_mg, r->weight_mg, where);
	if (p->force_box && p->force_continued)
		where->divider = DIVIDER_CONTINUED;   /* as the box it replaces opened */
	p->force_box = 0;
	if (where->new_box) {
		if (where->box_no > p->cap_gross) {
			const size_t cap = p->cap_gross ? p->cap_gross * 2 : 64;
			int64_t *g = mem_realloc(p->gross, cap * sizeof *g);
			if (!g)
				return status_fail(ST_NOMEM, "out of memory packing boxes");
			p->gross = g;
			p->cap_gross = cap;
		}
		p->totals.boxes++;
	}
	p->gross[where->box_no - 1] = p->box.gross_mg;
	if (where->divider != DIVIDER_NONE) {
		if (p->n_seg == p->cap_seg) {
			const size_t cap = p->cap_seg ? p->cap_seg * 2 : 64;
			segment *s = mem_realloc(p->seg, cap * sizeof *s);
			if (!s)
				return status_fail(ST_NOMEM, "out of memory packing boxes");
			p->seg = s;
			p->cap_seg = cap;
		}
		segment *s = &p->seg[p->n_seg++];
		memset(s, 0, sizeof *s);
		s->box_no = where->box_no;
		s->school = r->school;
		s->continued = where->divider == DIVIDER_CONTINUED;
		s->first_grade = r->grade;
		s->first_student = put_student(p, r);
		s->school_name = put_text(p, r->str[SR_SCHOOL_NAME], r->len[SR_SCHOOL_NAME]);
		p->totals.dividers++;
	}
	segment *s = &p->seg[p->n_seg - 1];
	s->last_grade = r->grade;
	s->last_student = put_student(p, r);
	s->sets++;
	s->sheets += r->sheets;
	s->envelopes += r->envelopes;
	s->papers |= (uint8_t)(1u << r->paper);
	if (r->envelopes)
		s->envelope_papers |= (uint8_t)(1u << r->paper);
	p->totals.sets++;
	p->totals.sheets += r->sheets;
	p->totals.envelopes += r->envelopes;
	if (p->text.oom)
		return status_fail(ST_NOMEM, "out of memory packing boxes");
	return ST_OK;
}

int packing_shipment(const packing *p) { return p->shipment; }
uint32_t packing_lea(const packing *p) { return p->lea; }
const char *packing_lea_name(const packing *p) { return (const char *)p->text.p + p->lea_name; }
uint32_t packing_box_count(const packing *p) { return p->box.box_no; }
int64_t packing_box_gross(const packing *p, uint32_t n) { return p->gross[n - 1]; }
size_t packing_segment_count(const packing *p) { return p->n_seg; }
const segment *packing_segment(const packing *p, size_t i) { return &p->seg[i]; }
const char *packing_text(const packing *p, size_t offset) { return (const char *)p->text.p + offset; }

void packing_box_get(const packing *p, uint32_t n, packing_box *out)
{
	assert(n >= 1 && n <= p->box.box_no);
	memset(out, 0, sizeof *out);
	/* segments are in box order: the first of box n by binary search */
	size_t lo = 0, hi = p->n_seg;
	while (lo < hi) {
		const size_t mid = lo + (hi - lo) / 2;
		if (p->seg[mid].box_no < n)
			lo = mid + 1;
		else
			hi = mid;
	}
	out->first_segment = lo;
	for (hi = lo; hi < p->n_seg && p->seg[hi].box_no == n; hi++) {
		out->sets += p->seg[hi].sets;
		out->sheets += p->seg[hi].sheets;
		out->envelopes += p->seg[hi].envelopes;
		out->papers |= p->seg[hi].papers;
		out->envelope_papers |= p->seg[hi].envelope_papers;
	}
	out->end_segment = hi;
	out->dividers = hi - lo;
	out->gross_mg = p->gross[n - 1];
	/* every box opens with a divider (boxer_place) */
	assert(out->dividers > 0);
}

void packing_ship_window(char *buf, size_t cap, int shipment, const config *cfg)
{
	assert(shipment >= 0 && shipment < SHIP_COUNT);
	if (shipment == SHIP_WINTER)
		snprintf(buf, cap, "December %d or January %d", cfg->end_year, cfg->end_year + 1);
	else if (shipment == SHIP_AUGUST)
		snprintf(buf, cap, "August %d", cfg->end_year);
	else
		snprintf(buf, cap, "with the Summative ELPAC release, %d", cfg->end_year);
}

void packing_totals_get(const packing *p, packing_totals *t)
{
	*t = p->totals;
	t->gross_mg = 0;
	for (uint32_t b = 0; b < p->box.box_no; b++)
		t->gross_mg += p->gross[b];
}

void packing_free(packing *p)
{
	if (!p)
		return;
	mem_free(p->rbox);
	bytebuf_release(&p->text);
	mem_free(p->seg);
	mem_free(p->gross);
	mem_free(p);
}
