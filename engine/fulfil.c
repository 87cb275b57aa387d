/*
 * fulfil.c: the rules of docs/rules.md §6-§8 for one row (see fulfil.h).
 *
 * Covering order: the school's active order for the row's program, else the
 * LEA-wide one, else the student's own Paper SSR Selection (an individual
 * order, never in envelopes).  Paper: a 4-page SSR (SB, CAA) is one 11x17
 * sheet per copy, or two letter sheets when the LEA-wide CAASPP order chose
 * 8.5x11; a 2-page SSR is one letter sheet per copy.  Envelopes: one per
 * copy, 6x9 for 11x17 and #10 for letter paper.
 */
#include "fulfil.h"

const char *const delivery_name[DELIVERY_COUNT] = { "electronic", "paper", "paper_envelope" };
const char *const paper_name[2] = { "11x17", "8.5x11" };

static enum lang calpads_lang(unsigned code)
{
	switch (code) {
	case 1: return LANG_ES;
	case 2: return LANG_VI;
	case 3: return LANG_ZH;   /* Cantonese */
	case 7: return LANG_ZH;   /* Mandarin */
	case 5: return LANG_FIL;
	case 4: return LANG_KO;
	default: return LANG_EN;
	}
}

enum lang fulfil_copy2(const config *c, const student *s)
{
	const report_info *r = &report_table[s->report];
	enum lang l = s->ssr_language != LANG_NONE ? (enum lang)s->ssr_language
		: calpads_lang(s->primary_language);
	if (l != LANG_EN && !(c->program[r->program].languages & (1u << l)))
		l = LANG_EN;
	if (s->report == REPORT_CSA && l != LANG_ES)
		l = LANG_EN;
	return l;
}

void fulfil_plan(const config *c, const orders *o, const student *s, set_plan *p)
{
	const report_info *r = &report_table[s->report];
	/* orders for an unavailable program are rejected; an individual
	 * selection cannot buy what is not offered either */
	const int offered = c->program[r->program].available;
	const order *ord = orders_cover(o, s->lea, s->school, r->program);
	int envelopes = 0;
	if (!offered) {
		p->ordered_by = ORDERED_NONE;
	} else if (ord) {
		p->ordered_by = ord->school == ORDER_SCHOOL_NONE ? ORDERED_LEA : ORDERED_SCHOOL;
		envelopes = ord->envelopes;
	} else if (s->paper_ssr) {
		p->ordered_by = ORDERED_INDIVIDUAL;
	} else {
		p->ordered_by = ORDERED_NONE;
	}
	p->copy2 = (uint8_t)fulfil_copy2(c, s);
	p->paper = PAPER_LETTER;
	if (r->pages == 4 && !orders_letter_paper(o, s->lea))
		p->paper = PAPER_11X17;
	p->envelopes = envelopes ? 2 : 0;
	p->sheets = (uint8_t)(r->pages == 4 && p->paper == PAPER_LETTER ? 4 : 2);
	if (p->ordered_by == ORDERED_NONE) {
		p->delivery = DELIVERY_ELECTRONIC;
		p->weight_mg = 0;
		return;
	}
	p->delivery = envelopes ? DELIVERY_PAPER_ENVELOPE : DELIVERY_PAPER;
	p->weight_mg = config_set_weight(&c->box, r->pages, p->paper, envelopes);
}
