/*
 * run_reprint.c: `ssrfill reprint` inside the run job (docs/rules.md §15.5).
 *
 * A reprint is a run on the ledger that prints only the sets it chose, from
 * the current rows.  Once the run's ledger transaction is open, the sets are
 * chosen from the ledger: with --box, every set the box held, in its order
 * (a box reprint holds its root's sets: the box first printed with them);
 * with --ssid, every set of the students (or of --report) the ledger has.
 * A box or set it never printed, or a void box, refuses the reprint before
 * any row is read.  The rows are then read as a run reads them; each chosen
 * one is planned with the current orders and configuration and sorted: by
 * box and place in it (--box), by the print order (--ssid).  After the last
 * row a chosen set no valid row has refuses the reprint (it would print from
 * nothing).  run_pack.c packs them: one box for each box replaced, ids
 * "<root>-R<n>", the old box void; or reprint boxes "<shipment>-<lea>-R<nnnn>"
 * of each LEA.  The ledger records the reprint (reason, operator, time),
 * each new box and which sets it holds (reprint_sets), all in the run's one
 * transaction.
 *
 * The chosen sets are few (a box, some students), so they live in an array
 * with a map from identity; nothing of a student but ids reaches a message.
 */
#include "run_ctx.h"
#include "run_keys.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../base/mem.h"
#include "../engine/student.h"

/* A chosen set: what the ledger says was printed, and what the rows say. */
typedef struct reprint_set {
	uint64_t ssid;
	uint8_t report, grade, ordered_by;
	uint32_t school, lea;       /* as printed */
	int shipment, wave;
	uint64_t digest;
	uint32_t group, seq;        /* --box: group n is box n of --box; its place in it */
	char box_id[LEDGER_SCAN_MAX + 1]; /* where it was printed (the box replaced, with --box) */
	int found, changed;
} reprint_set;

/* A box of --box: the box it replaces and how its reprint goes out. */
typedef struct reprint_group {
	ledger_box_info box;
	packing_rbox rb;
} reprint_group;

static status add_set(run_ctx *x, const reprint_set *e, size_t *cap)
{
	const uint64_t id = e->ssid * REPORT_COUNT + e->report;
	uint64_t *at = u64map_slot(x->sel_at, id);
	if (!at)
		return status_fail(ST_NOMEM, "out of memory choosing the sets to reprint");
	if (*at)
		return ST_OK;   /* named twice */
	if (x->n_sel == *cap) {
		const size_t n = *cap ? 2 * *cap : 64;
		reprint_set *p = mem_realloc(x->sel, n * sizeof *p);
		if (!p)
			return status_fail(ST_NOMEM, "out of memory choosing the sets to reprint");
		x->sel = p;
		*cap = n;
	}
	x->sel[x->n_sel++] = *e;
	*at = x->n_sel;
	/* the order it was printed under: its cancellation is then ignored
	 * (engine/orders.h), as a run ignores it */
	if (e->ordered_by == ORDERED_SCHOOL || e->ordered_by == ORDERED_LEA) {
		const unsigned prog = (unsigned)report_table[e->report].program;
		uint64_t *o = u64map_slot(x->printed_scope,
					  cover_key(e->lea, e->ordered_by == ORDERED_SCHOOL ? e->school : PLACE_LEA, prog));
		if (!o)
			return status_fail(ST_NOMEM, "out of memory choosing the sets to reprint");
		*o = 1;
	}
	return ST_OK;
}

/* ---- --box ---- */

typedef struct box_walk {
	run_ctx *x;
	reprint_group *g;
	uint32_t group;
	size_t *cap;
	uint32_t prev_school, first_school;
	int have_prev, have_first;
	status st;
} box_walk;

static int take_box_set(void *ctx, const ledger_box_set *s)
{
	box_walk *w = ctx;
	if (s->box_key != w->g->box.root_key) {   /* the box before it: its last school */
		w->prev_school = s->school;
		w->have_prev = 1;
		return 0;
	}
	if (!w->have_first) {
		w->first_school = s->school;
		w->have_first = 1;
	}
	reprint_set e = {
		.ssid = s->ssid, .report = s->report, .grade = s->grade, .ordered_by = s->ordered_by,
		.school = s->school, .lea = w->g->box.lea, .shipment = w->g->box.shipment,
		.wave = w->g->box.wave, .digest = s->digest, .group = w->group, .seq = s->seq,
	};
	snprintf(e.box_id, sizeof e.box_id, "%s", w->g->box.box_id);
	w->st = add_set(w->x, &e, w->cap);
	return w->st != ST_OK;
}

static status choose_boxes(run_ctx *x, size_t *cap)
{
	const reprint_opts *ro = x->opt->reprint;
	x->groups = mem_calloc(ro->n_boxes ? ro->n_boxes : 1, sizeof *x->groups);
	if (!x->groups)
		return status_fail(ST_NOMEM, "out of memory choosing the boxes to reprint");
	status st = ST_OK;
	for (size_t i = 0; i < ro->n_boxes && st == ST_OK; i++) {
		reprint_group *g = &x->groups[x->n_groups];
		int found;
		if ((st = ledger_box_lookup(x->lg, ro->boxes[i], &g->box, &found)) != ST_OK)
			break;
		if (!found)
			return status_fail(ST_BADINPUT, "box %s: the ledger %s never printed it "
					   "(`ssrfill status --ledger %s` lists its boxes)",
					   ro->boxes[i], x->opt->ledger, x->opt->ledger);
		if (g->box.status == 2)
			return status_fail(ST_BADINPUT, "box %s is void: %s replaces it now; reprint "
					   "that box instead", g->box.box_id,
					   g->box.replaced_by[0] ? g->box.replaced_by : "another box");
		int dup = 0;
		for (size_t k = 0; k < x->n_groups; k++)
			dup |= x->groups[k].box.box_key == g->box.box_key;
		if (dup)
			continue;   /* named twice: one reprint */
		if (g->box.scanned)
			st = run_warn(x, "box %s was scanned as it left; its reprint makes it void, so a "
				      "scan of it will answer VOID", g->box.box_id);
		const uint32_t group = (uint32_t)x->n_groups++;
		box_walk w = { .x = x, .g = g, .group = group, .cap = cap };
		if (st == ST_OK)
			st = ledger_box_sets(x->lg, g->box.root_key, g->box.prev_key, take_box_set, &w);
		if (st == ST_OK)
			st = w.st;
		if (st == ST_OK && !w.have_first)
			return status_fail(ST_BADINPUT, "box %s: the ledger %s holds no set in it",
					   g->box.box_id, x->opt->ledger);
		uint32_t n = 0;
		if (st == ST_OK)
			st = ledger_next_box_reprint(x->lg, g->box.root_id, &n);
		/* two boxes of one root in one reprint cannot be: each is the
		 * root's latest, and only one is not void */
		const int len = snprintf(g->rb.id, sizeof g->rb.id, "%s-R%u", g->box.root_id, n);
		if (st == ST_OK && (len < 0 || len > LEDGER_SCAN_MAX))
			return status_fail(ST_BADINPUT, "box %s: its reprint's id %s would be longer than a "
					   "scan reads (%d characters)", g->box.box_id, g->rb.id, LEDGER_SCAN_MAX);
		snprintf(g->rb.of, sizeof g->rb.of, "%s", g->box.box_id);
		g->rb.wave = g->box.wave;
		g->rb.n = g->box.wave_box_no;
		g->rb.m = g->box.wave_box_count;
		g->rb.continued = w.have_prev && w.prev_school == w.first_school;
	}
	return st;
}

/* ---- --ssid ---- */

typedef struct ssid_walk {
	run_ctx *x;
	size_t *cap;
	unsigned reports;
	size_t taken;
	status st;
} ssid_walk;

typedef struct ssid_take {
	ssid_walk *w;
	uint64_t ssid;
} ssid_take;

static int take_ssid_set(void *ctx, const ledger_found *f)
{
	ssid_take *t = ctx;
	ssid_walk *w = t->w;
	if (w->reports && !(w->reports & 1u << f->report))
		return 0;
	reprint_set e = {
		.ssid = t->ssid, .report = f->report, .grade = f->grade, .ordered_by = f->ordered_by,
		.school = f->school, .lea = f->lea, .shipment = f->shipment, .wave = f->wave,
		.digest = f->digest,
	};
	snprintf(e.box_id, sizeof e.box_id, "%s", f->box_id);
	w->taken++;
	w->st = add_set(w->x, &e, w->cap);
	return w->st != ST_OK;
}

static void report_list(unsigned reports, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = 0;
	for (int r = 0; r < REPORT_COUNT; r++)
		if (reports & 1u << r) {
			const int k = snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", report_table[r].code);
			if (k < 0 || (size_t)k >= cap - n)
				break;
			n += (size_t)k;
		}
}

static status choose_ssids(run_ctx *x, size_t *cap)
{
	const reprint_opts *ro = x->opt->reprint;
	status st = ST_OK;
	for (size_t i = 0; i < ro->n_ssids && st == ST_OK; i++) {
		ssid_walk w = { .x = x, .cap = cap, .reports = ro->reports };
		ssid_take t = { &w, ro->ssids[i] };
		size_t printed = 0;
		st = ledger_find_ssid(x->lg, ro->ssids[i], take_ssid_set, &t, &printed);
		if (st == ST_OK)
			st = w.st;
		if (st == ST_OK && !w.taken) {
			char which[64];
			report_list(ro->reports, which, sizeof which);
			if (!printed)
				return status_fail(ST_BADINPUT, "ssid %010llu: the ledger %s never printed a report "
						   "of it (`ssrfill find --ledger %s --ssid %010llu` says what it knows)",
						   (unsigned long long)ro->ssids[i], x->opt->ledger, x->opt->ledger,
						   (unsigned long long)ro->ssids[i]);
			return status_fail(ST_BADINPUT, "ssid %010llu (report %s): the ledger %s never printed it "
					   "(`ssrfill find --ledger %s --ssid %010llu` lists what it printed)",
					   (unsigned long long)ro->ssids[i], which, x->opt->ledger, x->opt->ledger,
					   (unsigned long long)ro->ssids[i]);
		}
	}
	return st;
}

status run_reprint_select(run_ctx *x)
{
	const reprint_opts *ro = x->opt->reprint;
	x->sum.reprint = ro->n_boxes ? TALLY_REPRINT_BOX : TALLY_REPRINT_SSID;
	x->sum.reprint_billed = ro->bill;
	bytebuf_init(&x->reprint_boxes);
	status st = u64map_new(&x->sel_at);
	size_t cap = 0;
	if (st == ST_OK)
		st = ro->n_boxes ? choose_boxes(x, &cap) : choose_ssids(x, &cap);
	if (st == ST_OK) {
		const ledger_reprint r = { ro->n_boxes ? "box" : "ssid", ro->reason, ro->operator_name,
					   (int64_t)time(NULL), ro->bill };
		st = ledger_begin_reprint(x->lg, &r);
	}
	return st;
}

int run_reprint_row(run_ctx *x, const student *s, const setrec *r, const set_plan *p, collator *coll,
		    bytebuf *key, status *st)
{
	const uint64_t *at = u64map_get(x->sel_at, student_identity(s));
	if (!at) {
		x->sum.not_reprinted++;
		return 0;
	}
	reprint_set *e = &x->sel[*at - 1];
	e->found = 1;
	if (p->delivery == DELIVERY_ELECTRONIC) {
		*st = status_fail(ST_BADINPUT, "ssid %010llu (report %s, printed in box %s): the orders in %s "
				  "no longer ask for it on paper, so it cannot be reprinted; reprint without it, "
				  "or with the orders it was printed under", (unsigned long long)s->ssid,
				  report_table[s->report].code, e->box_id, x->opt->orders);
		return 1;
	}
	if ((ledger_digest(r) & ~(UINT64_C(1) << 63)) != (e->digest & ~(UINT64_C(1) << 63))) {
		e->changed = 1;
		x->sum.changed_since_printed++;
		run_ledger_note_changed(x, e->shipment, e->wave, e->box_id, e->lea, e->school, e->grade, r);
	}
	const int sh = report_table[s->report].shipment;
	key->len = 0;
	if (x->opt->reprint->n_boxes) {
		/* by the box it was in, then its place there: the box's LEA even
		 * if the student's has changed (the box goes where it went) */
		uint8_t k[13];
		k[0] = (uint8_t)sh;
		const uint32_t v[3] = { e->lea, e->group, e->seq };
		for (int i = 0; i < 3; i++)
			for (int b = 0; b < 4; b++)
				k[1 + 4 * i + b] = (uint8_t)(v[i] >> (24 - 8 * b));
		bytebuf_put(key, k, sizeof k);
	} else {
		student_key(s, sh, coll, key);
	}
	return 1;
}

status run_reprint_after_rows(run_ctx *x)
{
	size_t missing = 0;
	const reprint_set *first = NULL;
	for (size_t i = 0; i < x->n_sel; i++)
		if (!x->sel[i].found && missing++ == 0)
			first = &x->sel[i];
	if (missing)
		return status_fail(ST_BADINPUT, "ssid %010llu (report %s, printed in box %s)%s is not among the "
				   "valid rows of %s: a reprint prints from the current row (is it rejected? "
				   "see `ssrfill sort --students %s --rejects FILE`)",
				   (unsigned long long)first->ssid, report_table[first->report].code, first->box_id,
				   missing > 1 ? " and more" : "", x->opt->students, x->opt->students);
	const uint64_t ch = x->sum.changed_since_printed;
	if (ch)
		return run_warn(x, "%llu set%s changed since %s printed; reprinted from the current rows "
				"(listed in reports/changed_since_printed.csv)", (unsigned long long)ch,
				ch == 1 ? "" : "s", ch == 1 ? "it was" : "they were");
	return ST_OK;
}

void run_reprint_key_place(const run_ctx *x, const uint8_t *key, size_t len, uint32_t *lea,
			   uint32_t *group)
{
	*lea = *group = 0;
	if (!x->opt->reprint->n_boxes || len < 9)
		return;
	for (int b = 0; b < 4; b++) {
		*lea = *lea << 8 | key[1 + b];
		*group = *group << 8 | key[5 + b];
	}
}

status run_reprint_begin_lea(run_ctx *x, packing *pk, int shipment, uint32_t lea)
{
	if (x->opt->reprint->n_boxes) {
		packing_set_box_reprint(pk);
		return ST_OK;
	}
	uint32_t first;
	const status st = ledger_next_reprint_box_no(x->lg, shipment, lea, &first);
	if (st == ST_OK)
		packing_set_reprint(pk, first);
	return st;
}

status run_reprint_next_box(run_ctx *x, packing *pk, uint32_t group)
{
	if (group >= x->n_groups)
		return status_fail(ST_INTERNAL, "a sorted record names no box to reprint");
	return packing_next_reprint_box(pk, &x->groups[group].rb);
}

status run_reprint_set(run_ctx *x, const setrec *r)
{
	const uint64_t *at = u64map_get(x->sel_at, r->ssid * REPORT_COUNT + r->report);
	if (!at)
		return status_fail(ST_INTERNAL, "a sorted record is no set chosen to reprint");
	return ledger_add_reprint_set(x->lg, r->ssid, r->report, x->sel[*at - 1].changed);
}

status run_reprint_box_done(run_ctx *x, const packing *pk, uint32_t n)
{
	packing_box b;
	packing_box_get(pk, n, &b);
	char id[96];
	packing_box_id(pk, n, id, sizeof id);
	const packing_rbox *rb = packing_reprint_box(pk, n);
	int64_t of = 0;
	for (size_t g = 0; rb && g < x->n_groups; g++)
		if (strcmp(x->groups[g].rb.id, rb->id) == 0)
			of = x->groups[g].box.box_key;
	const ledger_reprint_box lb = {
		.box_id = id, .shipment = packing_shipment(pk), .lea = packing_lea(pk),
		.wave = packing_box_wave(pk, n), .wave_box_no = packing_label_no(pk, n),
		.wave_box_count = rb ? rb->m : 0, .sheets = (uint32_t)b.sheets, .gross_mg = b.gross_mg,
		.reprint_of = of,
	};
	/* summary.json's reprint.boxes */
	bytebuf *j = &x->reprint_boxes;
	char buf[256];
	const int k = snprintf(buf, sizeof buf, "%s{\"box_id\": \"%s\", \"reprint_of\": %s%s%s, "
			       "\"shipment\": \"%s\", \"lea_code\": \"%07u\", \"sets\": %llu}",
			       j->len ? ", " : "", id, rb ? "\"" : "", rb ? rb->of : "null", rb ? "\"" : "",
			       shipment_name[lb.shipment], lb.lea, (unsigned long long)b.sets);
	bytebuf_put(j, buf, (size_t)k);
	if (j->oom)
		return status_fail(ST_NOMEM, "out of memory for the summary");
	return ledger_add_reprint_box(x->lg, &lb);
}

void run_reprint_end(run_ctx *x)
{
	mem_free(x->sel);
	mem_free(x->groups);
	u64map_free(x->sel_at);
	bytebuf_release(&x->reprint_boxes);
}
