/*
 * doc_pool.c: PDF documents drawn by worker threads (see doc_pool.h).
 *
 * One mutex guards a FIFO of jobs (a filled packing, or an invoice copied
 * with its strings) and the stack of free packings; workers wait on `work`,
 * the main thread on `room` when it needs a free packing.  A statewide run
 * draws about 7,000 PDFs at about 0.1 ms each, most of it creating and
 * writing the files; two workers keep that off the main thread's path
 * (see README, Performance).
 *
 * Books (labels/<shipment>.pdf, packing/<shipment>.pdf: every label and
 * packing list of a shipment in one file, in print order).  Workers draw
 * packings in whatever order they finish, so a packing is not given back
 * when its own files are written: it waits in `pending` (the order of
 * submission, which is print order) until every packing before it is in
 * the books too.  Whichever worker finds the oldest pending packing drawn
 * adds it to the books, and the ones drawn after it, while the others go
 * on drawing; `booking` lets one worker at a time do that, on its own
 * canvas (a book is drawn on any canvas: pdf_canvas.h), so the books cost
 * no fonts of their own.  The main thread waits for a free packing
 * only when all workers + 2 are queued, being drawn or pending, as
 * before.  Packings come shipment by shipment, so a shipment's books end
 * when the first packing of the next is added, the last ones at
 * doc_pool_finish.
 *
 * Workers hold the termination signals blocked (the handler runs on the
 * main thread) and create their files inside tmpfiles_create_begin/end.
 */
#include "doc_pool.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../base/mem.h"
#include "packing_pdf.h"
#include "../pdf/pdf_canvas.h"
#include "../base/tmpfiles.h"

#define MAX_WORKERS 16

typedef struct job {
	struct job *next;
	struct job *next_pending;   /* a packing's, in submission order */
	int drawn;             /* its own files are written (or failed) */
	packing *p;            /* a packing list and labels, or NULL: */
	invoice_doc inv;       /* an invoice, its strings after the struct */
} job;

enum { BOOK_PACKING, BOOK_LABELS, BOOKS };

typedef struct worker {
	doc_pool *dp;
	pthread_t thread;
	pdf_canvas *canvas;
	int started;
} worker;

struct doc_pool {
	outdir *dir;
	const config *cfg;
	pthread_mutex_t mu;
	pthread_cond_t work, room;
	job *head, *tail;
	packing **free_p;
	size_t n_free, n_packings;
	int stop;              /* no more jobs will come */
	status err;            /* the first failure */
	char detail[1024];
	int n_workers;
	worker workers[MAX_WORKERS];
	pdf_canvas *inline_canvas;   /* with no workers */
	/* the books (see the head of this file) */
	job *pending, *pending_tail;
	int booking;
	int book_ship;         /* the shipment the books are open for, -1: none */
	pdf_book *book[BOOKS];
};

static status draw(pdf_canvas *c, doc_pool *dp, const job *j)
{
	if (!j->p)
		return invoice_pdf_write(c, dp->dir, dp->cfg, &j->inv);
	status st = packing_pdf_write(c, dp->dir, j->p, dp->cfg);
	if (st == ST_OK)
		st = labels_pdf_write(c, dp->dir, j->p, dp->cfg);
	return st;
}

/* Under mu: keep the first failure and its message. */
static void record(doc_pool *dp, status st)
{
	if (st == ST_OK || dp->err != ST_OK)
		return;
	dp->err = st;
	snprintf(dp->detail, sizeof dp->detail, "%s", status_detail(st));
}

/* Adds a drawn packing to its shipment's books, ending the previous
 * shipment's first; runs with `booking` held, outside mu. */
static status book(doc_pool *dp, pdf_canvas *c, const packing *p)
{
	const int sh = packing_shipment(p);
	status st = ST_OK;
	if (sh != dp->book_ship) {
		if (dp->book_ship >= 0)
			mem_release_free_pages();   /* see doc_pool_finish */
		for (int k = 0; k < BOOKS && st == ST_OK; k++)
			if (pdf_book_open(dp->book[k]))
				st = pdf_book_end(dp->book[k], c);
		if (st == ST_OK)
			st = packing_book_begin(dp->book[BOOK_PACKING], dp->dir, sh);
		if (st == ST_OK)
			st = labels_book_begin(dp->book[BOOK_LABELS], dp->dir, sh);
		if (st != ST_OK)
			return st;
		dp->book_ship = sh;
	}
	st = packing_book_add(dp->book[BOOK_PACKING], c, p, dp->cfg);
	return st == ST_OK ? labels_book_add(dp->book[BOOK_LABELS], c, p, dp->cfg) : st;
}

static void retire(doc_pool *dp, job *j);

/* Under mu: job j's own files are drawn (st); the packings drawn at the
 * head of `pending` go into the books, in order, unless another thread
 * is doing that already (it will take these too: it looks again). */
static void drawn(doc_pool *dp, pdf_canvas *c, job *j, status st)
{
	record(dp, st);
	if (!j->p) {
		retire(dp, j);
		return;
	}
	j->drawn = 1;
	if (dp->booking)
		return;
	dp->booking = 1;
	while (dp->pending && dp->pending->drawn) {
		job *h = dp->pending;
		dp->pending = h->next_pending;
		if (!dp->pending)
			dp->pending_tail = NULL;
		if (dp->err == ST_OK) {
			pthread_mutex_unlock(&dp->mu);
			const status b = book(dp, c, h->p);
			pthread_mutex_lock(&dp->mu);
			record(dp, b);
		}
		retire(dp, h);
	}
	dp->booking = 0;
}

/* Under mu: a packing back on the free stack, a job freed. */
static void retire(doc_pool *dp, job *j)
{
	if (j->p) {
		dp->free_p[dp->n_free++] = j->p;
		pthread_cond_signal(&dp->room);
	}
	mem_free(j);
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	doc_pool *dp = w->dp;
	tmpfiles_block_in_thread();
	pthread_mutex_lock(&dp->mu);
	for (;;) {
		while (!dp->head && !dp->stop)
			pthread_cond_wait(&dp->work, &dp->mu);
		job *j = dp->head;
		if (!j)
			break;
		dp->head = j->next;
		if (!dp->head)
			dp->tail = NULL;
		status st = dp->err;
		if (st == ST_OK) {
			pthread_mutex_unlock(&dp->mu);
			st = draw(w->canvas, dp, j);
			pthread_mutex_lock(&dp->mu);
		}
		drawn(dp, w->canvas, j, st);
	}
	pthread_mutex_unlock(&dp->mu);
	return NULL;
}

status doc_pool_new(doc_pool **out, outdir *d, const config *cfg, time_t date, int workers,
		    int lean)
{
	*out = NULL;
	if (workers > MAX_WORKERS)
		workers = MAX_WORKERS;
	doc_pool *dp = mem_calloc(1, sizeof *dp);
	if (!dp)
		return status_fail(ST_NOMEM, "out of memory");
	dp->dir = d;
	dp->cfg = cfg;
	pthread_mutex_init(&dp->mu, NULL);
	pthread_cond_init(&dp->work, NULL);
	pthread_cond_init(&dp->room, NULL);
	dp->n_packings = (size_t)workers + 2;
	dp->free_p = mem_calloc(dp->n_packings, sizeof *dp->free_p);
	status st = dp->free_p ? ST_OK : status_fail(ST_NOMEM, "out of memory");
	for (size_t i = 0; st == ST_OK && i < dp->n_packings; i++)
		if ((st = packing_new(&dp->free_p[i], &cfg->box)) == ST_OK)
			dp->n_free++;
	if (st == ST_OK && workers == 0)
		st = pdf_canvas_new(&dp->inline_canvas, date, lean);
	dp->book_ship = -1;
	for (int k = 0; st == ST_OK && k < BOOKS; k++)
		st = pdf_book_new(&dp->book[k]);
	for (int i = 0; st == ST_OK && i < workers; i++) {
		worker *w = &dp->workers[i];
		w->dp = dp;
		if ((st = pdf_canvas_new(&w->canvas, date, lean)) != ST_OK)
			break;
		dp->n_workers++;
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			st = status_fail(ST_NOMEM, "cannot start a document thread");
			break;
		}
		w->started = 1;
	}
	if (st != ST_OK) {
		doc_pool_free(dp);
		return st;
	}
	*out = dp;
	return ST_OK;
}

static status failed(doc_pool *dp)
{
	return status_fail(dp->err, "%s", dp->detail);
}

status doc_pool_packing(doc_pool *dp, packing **p)
{
	pthread_mutex_lock(&dp->mu);
	while (dp->n_free == 0 && dp->err == ST_OK)
		pthread_cond_wait(&dp->room, &dp->mu);
	status st = dp->err;
	if (st == ST_OK)
		*p = dp->free_p[--dp->n_free];
	pthread_mutex_unlock(&dp->mu);
	return st == ST_OK ? ST_OK : failed(dp);
}

/* Under mu: a packing's job joins `pending`. */
static void add_pending(doc_pool *dp, job *j)
{
	if (!j->p)
		return;
	if (dp->pending_tail)
		dp->pending_tail->next_pending = j;
	else
		dp->pending = j;
	dp->pending_tail = j;
}

static status submit(doc_pool *dp, job *j)
{
	if (!dp->n_workers) {
		pthread_mutex_lock(&dp->mu);
		status st = dp->err;
		if (st == ST_OK) {
			add_pending(dp, j);
			pthread_mutex_unlock(&dp->mu);
			st = draw(dp->inline_canvas, dp, j);
			pthread_mutex_lock(&dp->mu);
			drawn(dp, dp->inline_canvas, j, st);
			st = dp->err;
		} else {
			retire(dp, j);
		}
		pthread_mutex_unlock(&dp->mu);
		return st == ST_OK ? ST_OK : failed(dp);
	}
	pthread_mutex_lock(&dp->mu);
	const status st = dp->err;
	if (st == ST_OK) {
		add_pending(dp, j);
		if (dp->tail)
			dp->tail->next = j;
		else
			dp->head = j;
		dp->tail = j;
		pthread_cond_signal(&dp->work);
	} else {
		retire(dp, j);
	}
	pthread_mutex_unlock(&dp->mu);
	return st == ST_OK ? ST_OK : failed(dp);
}

status doc_pool_submit_packing(doc_pool *dp, packing *p)
{
	job *j = mem_calloc(1, sizeof *j);
	if (!j) {
		pthread_mutex_lock(&dp->mu);
		dp->free_p[dp->n_free++] = p;
		pthread_mutex_unlock(&dp->mu);
		return status_fail(ST_NOMEM, "out of memory");
	}
	j->p = p;
	return submit(dp, j);
}

status doc_pool_submit_invoice(doc_pool *dp, const invoice_doc *inv)
{
	/* a copy with its lines and strings, the strings as the invoice draws
	 * them (pdf_text_bound): a queued invoice holds a few kilobytes a
	 * line at most, however long the LEA's name and PO numbers are */
	const size_t extra = invoice_doc_copy_size(inv);
	job *j = mem_alloc(sizeof *j + extra);
	if (!j)
		return status_fail(ST_NOMEM, "out of memory");
	memset(j, 0, sizeof *j);
	invoice_doc_copy(&j->inv, inv, j + 1);
	return submit(dp, j);
}

static void stop_workers(doc_pool *dp)
{
	pthread_mutex_lock(&dp->mu);
	dp->stop = 1;
	pthread_cond_broadcast(&dp->work);
	pthread_mutex_unlock(&dp->mu);
	for (int i = 0; i < dp->n_workers; i++)
		if (dp->workers[i].started) {
			pthread_join(dp->workers[i].thread, NULL);
			dp->workers[i].started = 0;
		}
}

status doc_pool_finish(doc_pool *dp)
{
	stop_workers(dp);
	/* every packing is in the books now (the last worker to draw one
	 * emptied `pending`): the last shipment's books end */
	assert(!dp->pending || dp->err != ST_OK);
	pdf_canvas *c = dp->n_workers ? dp->workers[0].canvas : dp->inline_canvas;
	/* the last books' fonts are subset now, the most glyphs at once of
	 * any document: the drawing's freed pages go back first */
	mem_release_free_pages();
	for (int k = 0; k < BOOKS && dp->err == ST_OK; k++)
		if (pdf_book_open(dp->book[k]))
			record(dp, pdf_book_end(dp->book[k], c));
	return dp->err == ST_OK ? ST_OK : failed(dp);
}

uint64_t doc_pool_unshaped(const doc_pool *dp)
{
	uint64_t n = 0;
	for (int k = 0; k < BOOKS; k++)
		if (dp->book[k])
			n += pdf_book_unshaped(dp->book[k]);
	return n;
}

void doc_pool_free(doc_pool *dp)
{
	if (!dp)
		return;
	pthread_mutex_lock(&dp->mu);
	if (dp->err == ST_OK)   /* workers skip what is still queued */
		dp->err = ST_INTERNAL;
	pthread_mutex_unlock(&dp->mu);
	stop_workers(dp);
	for (int i = 0; i < dp->n_workers; i++)
		pdf_canvas_free(dp->workers[i].canvas);
	pdf_canvas_free(dp->inline_canvas);
	for (int k = 0; k < BOOKS; k++)
		pdf_book_free(dp->book[k]);   /* an open book is abandoned */
	/* stopped early: the packings still waiting for the books */
	for (job *j = dp->pending, *next; j; j = next) {
		next = j->next_pending;
		dp->free_p[dp->n_free++] = j->p;
		mem_free(j);
	}
	for (size_t i = 0; i < dp->n_free; i++)
		packing_free(dp->free_p[i]);
	mem_free(dp->free_p);
	pthread_cond_destroy(&dp->work);
	pthread_cond_destroy(&dp->room);
	pthread_mutex_destroy(&dp->mu);
	mem_free(dp);
}
