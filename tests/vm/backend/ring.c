// SPDX-License-Identifier: GPL-2.0-only
/*
 * xfback: the data path - rings, grant mappings, I/O on the file, and every
 * misbehaviour that happens on a ring (see the list at the top of xfback.c).
 *
 * Requests are copied off the shared ring once and handled at once; a
 * response can be held back (other-ring-id, close-midio, vanish, random
 * delays) and is then answered from the timers.  Requests never wait for
 * each other, so responses may go out in any order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "xfback.h"

union xfb_req {
	blkif_request_t rw;
	blkif_request_discard_t d;
	blkif_request_indirect_t ind;
	union blkif_sring_entry raw;
};

/* ---- random numbers (splitmix64: a seed names the whole sequence) ---- */
uint64_t rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- grant mappings kept past their response ---- */
static struct xfb_kept *kept;

static void kept_add(unsigned int domid, void *addr, unsigned int count, unsigned int ms)
{
	struct xfb_kept *k = calloc(1, sizeof(*k));

	if (!k) {
		xengnttab_unmap(xgt, addr, count);
		return;
	}
	k->domid = domid;
	k->addr = addr;
	k->count = count;
	k->until_ms = now_ms() + ms;
	k->next = kept;
	kept = k;
}

static void kept_drop(bool (*match)(const struct xfb_kept *, const void *), const void *arg)
{
	struct xfb_kept **p = &kept, *k;

	while ((k = *p)) {
		if (match(k, arg)) {
			*p = k->next;
			xengnttab_unmap(xgt, k->addr, k->count);
			free(k);
		} else {
			p = &k->next;
		}
	}
}

static bool kept_is_due(const struct xfb_kept *k, const void *arg)
{
	return k->until_ms <= *(const uint64_t *)arg;
}

static bool kept_is_dom(const struct xfb_kept *k, const void *arg)
{
	return k->domid == *(const unsigned int *)arg;
}

static bool kept_any(const struct xfb_kept *k, const void *arg)
{
	(void)k;
	(void)arg;
	return true;
}

void kept_expire(uint64_t now)
{
	kept_drop(kept_is_due, &now);
}

void kept_release_domain(unsigned int domid)
{
	kept_drop(kept_is_dom, &domid);
}

void kept_release_all(void)
{
	kept_drop(kept_any, NULL);
}

uint64_t kept_next(void)
{
	struct xfb_kept *k;
	uint64_t t = 0;

	for (k = kept; k; k = k->next)
		if (!t || k->until_ms < t)
			t = k->until_ms;
	return t;
}

/* ---- persistent grants: mapped once, read and write, for the connection ---- */
static void *pg_get(struct xfb_ring *r, uint32_t gref)
{
	struct xfb_pgnt *p, **b = &r->pg[gref % XFB_PGNT_BUCKETS];
	void *addr;

	for (p = *b; p; p = p->next)
		if (p->gref == gref)
			return p->addr;
	if (r->npg >= r->v->cfg.persistent_max)
		return NULL;
	addr = xengnttab_map_grant_ref(xgt, r->v->domid, gref, PROT_READ | PROT_WRITE);
	if (!addr)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		xengnttab_unmap(xgt, addr, 1);
		return NULL;
	}
	p->gref = gref;
	p->addr = addr;
	p->next = *b;
	*b = p;
	r->npg++;
	return addr;
}

static void pg_clear(struct xfb_ring *r)
{
	struct xfb_pgnt *p;
	unsigned int i;

	for (i = 0; i < XFB_PGNT_BUCKETS; i++)
		while ((p = r->pg[i])) {
			r->pg[i] = p->next;
			xengnttab_unmap(xgt, p->addr, 1);
			free(p);
		}
	r->npg = 0;
}

/* ---- rings ---- */
int ring_map(struct xfb_ring *r, unsigned int npages, const uint32_t *grefs, unsigned int evtchn)
{
	uint32_t refs[1u << XFB_MAX_ORDER];
	xenevtchn_port_or_error_t port;

	memcpy(refs, grefs, npages * sizeof(refs[0]));
	r->map = xengnttab_map_domain_grant_refs(xgt, npages, r->v->domid, refs,
						 PROT_READ | PROT_WRITE);
	if (!r->map)
		return -1;
	port = xenevtchn_bind_interdomain(xce, r->v->domid, evtchn);
	if (port < 0) {
		int e = errno;

		xengnttab_unmap(xgt, r->map, npages);
		r->map = NULL;
		errno = e;
		return -1;
	}
	r->port = (evtchn_port_t)port;
	r->rport = evtchn;
	r->npages = npages;
	BACK_RING_INIT(&r->br, (blkif_sring_t *)r->map, XFB_PAGE * npages);
	return 0;
}

void ring_unmap(struct xfb_ring *r)
{
	struct xfb_held *h;

	while ((h = r->held)) {
		r->held = h->next;
		free(h);
	}
	pg_clear(r);
	if (r->port) {
		xenevtchn_unbind(xce, r->port);
		r->port = 0;
	}
	if (r->map) {
		xengnttab_unmap(xgt, r->map, r->npages);
		r->map = NULL;
	}
	if (r->v->dead)
		kept_release_domain(r->v->domid);
}

/* ---- misbehaviour bookkeeping ---- */
static bool one_shot(enum xfb_mode m)
{
	switch (m) {
	case MB_FLUSH_NOTSUPP:
	case MB_DISCARD_NOTSUPP:
	case MB_BAD_SECTORS:
	case MB_HANG:
	case MB_RANDOM:
	case MB_NONE:
		return false;
	default:
		return true;
	}
}

/* An armed one-shot misbehaviour fired: count down, clear the node at 0. */
static void mb_done(struct xfb_vbd *v, enum xfb_mode m)
{
	char path[128];

	if (v->mb.mode != m || !one_shot(m))
		return;	/* random mode's pick, or not armed */
	if (v->mb.count > 1) {
		v->mb.count--;
		return;
	}
	memset(&v->mb, 0, sizeof(v->mb));
	snprintf(path, sizeof(path), "/xfback/%s/misbehave", v->tag);
	xs_write(xsh, XBT_NULL, path, "", 0);
}

static const char *const mode_text[MB_NR] = {
	[MB_NONE] = "none", [MB_UNKNOWN_ID] = "unknown-id", [MB_DUP_ID] = "dup-id",
	[MB_OTHER_RING_ID] = "other-ring-id", [MB_WRONG_OP] = "wrong-op",
	[MB_BAD_STATUS] = "bad-status", [MB_RSP_PROD_BEYOND] = "rsp-prod-beyond",
	[MB_RSP_TWICE] = "rsp-twice", [MB_RSP_CHANGE] = "rsp-change",
	[MB_KEEP_GRANT] = "keep-grant", [MB_KEEP_INDIRECT] = "keep-indirect",
	[MB_FLUSH_NOTSUPP] = "flush-notsupp", [MB_DISCARD_NOTSUPP] = "discard-notsupp",
	[MB_BAD_SECTORS] = "bad-sectors", [MB_HANG] = "hang", [MB_CLOSE_MIDIO] = "close-midio",
	[MB_VANISH] = "vanish", [MB_RANDOM] = "random",
};

/* What random mode does to one request: a mode, or a delay (legal). */
struct decision {
	enum xfb_mode mode;
	unsigned int delay_ms;
	bool error;		/* a legal BLKIF_RSP_ERROR */
	bool keep_write;	/* keep-*: which direction */
};

static struct decision decide(struct xfb_ring *r)
{
	static const enum xfb_mode picks[] = {
		MB_UNKNOWN_ID, MB_DUP_ID, MB_WRONG_OP, MB_BAD_STATUS, MB_RSP_PROD_BEYOND,
		MB_RSP_TWICE, MB_RSP_CHANGE, MB_KEEP_GRANT, MB_KEEP_INDIRECT,
	};
	struct xfb_vbd *v = r->v;
	struct decision d = { .mode = v->mb.mode, .keep_write = v->mb.want_write != 0 };
	uint64_t x, n;
	unsigned int roll, p = v->mb.permille;

	if (d.mode != MB_RANDOM)
		return d;
	d.mode = MB_NONE;
	n = ++v->rsp_seen;
	x = rnd_next(&v->rnd);
	roll = (unsigned int)(x % 1000);
	if (roll < p) {
		d.mode = picks[(x >> 16) % (sizeof(picks) / sizeof(picks[0]))];
		d.keep_write = (x >> 40) & 1;
		vlog(v, "random (seed %llu) request #%llu on ring %u: %s%s",
		     (unsigned long long)v->mb.seed, (unsigned long long)n, r->idx,
		     mode_text[d.mode],
		     d.mode == MB_KEEP_GRANT || d.mode == MB_KEEP_INDIRECT ?
		     (d.keep_write ? " write" : " read") : "");
	} else if (roll < 2 * p) {
		d.delay_ms = 1 + (unsigned int)((x >> 24) % 200);
	} else if (roll < 2 * p + p / 4) {
		d.error = true;
		vlog(v, "random (seed %llu) request #%llu on ring %u: I/O error (legal)",
		     (unsigned long long)v->mb.seed, (unsigned long long)n, r->idx);
	}
	return d;
}

/* ---- responses ---- */
static void put_raw(struct xfb_ring *r, uint64_t id, uint8_t op, int16_t st)
{
	blkif_response_t *rsp = RING_GET_RESPONSE(&r->br, r->br.rsp_prod_pvt);

	rsp->id = id;
	rsp->operation = op;
	rsp->status = st;
	r->br.rsp_prod_pvt++;
}

/* rsp-change: rewrite the slot back and forth for a while, end correct */
static void flip_slot(struct xfb_ring *r)
{
	volatile blkif_response_t *slot =
		(volatile blkif_response_t *)RING_GET_RESPONSE(&r->br, r->flip_idx);
	uint64_t end = now_ms() + 20;
	blkif_response_t good = r->flip_rsp;
	unsigned int flips = 0;

	r->flip = false;
	while (now_ms() < end) {
		/* stop if the frontend may be reusing the slot for a request */
		if ((RING_IDX)(r->br.sring->req_prod - r->flip_idx) >= RING_SIZE(&r->br))
			break;
		slot->id = ~good.id;
		slot->operation = 0xff;
		slot->status = 0x7fff;
		xen_mb();
		usleep(20);
		slot->id = good.id;
		slot->operation = good.operation;
		slot->status = good.status;
		xen_mb();
		usleep(20);
		flips++;
	}
	vlog(r->v, "rsp-change: slot %u rewritten %u times", r->flip_idx, flips);
}

static void push(struct xfb_ring *r)
{
	int notify;

	if (!r->map)
		return;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&r->br, notify);
	if (r->beyond) {
		xen_wmb();
		r->br.rsp_prod_pvt += r->beyond;
		r->br.sring->rsp_prod = r->br.rsp_prod_pvt;
		r->beyond = 0;
		notify = 1;
	}
	if (notify)
		xenevtchn_notify(xce, r->port);
	if (r->flip)
		flip_slot(r);
}

/* Answer one request, misbehaving as the decision says. */
static void respond(struct xfb_ring *r, uint64_t id, uint8_t op, int16_t st, enum xfb_mode m)
{
	struct xfb_vbd *v = r->v;

	switch (m) {
	case MB_UNKNOWN_ID:
		put_raw(r, 0xdeadbeefdeadbeefULL, op, st);
		xfb_fired(v, "unknown-id: request %#llx on ring %u answered as 0xdeadbeefdeadbeef",
			  (unsigned long long)id, r->idx);
		mb_done(v, m);
		return;	/* the request itself stays unanswered */
	case MB_DUP_ID:
		/* an id answered before, and not this request's own */
		if (!r->have_done_id || r->last_done_id == id)
			break;
		put_raw(r, r->last_done_id, op, st);
		xfb_fired(v, "dup-id: request %#llx on ring %u answered with the id of the one before, %#llx",
			  (unsigned long long)id, r->idx, (unsigned long long)r->last_done_id);
		mb_done(v, m);
		return;
	case MB_WRONG_OP: {
		uint8_t bad = op == BLKIF_OP_READ ? BLKIF_OP_WRITE : BLKIF_OP_READ;

		put_raw(r, id, bad, st);
		xfb_fired(v, "wrong-op: request %#llx on ring %u (operation %u) answered as operation %u",
			  (unsigned long long)id, r->idx, op, bad);
		mb_done(v, m);
		break;
	}
	case MB_BAD_STATUS:
		put_raw(r, id, op, 3);
		xfb_fired(v, "bad-status: request %#llx on ring %u answered with status 3",
			  (unsigned long long)id, r->idx);
		mb_done(v, m);
		break;
	case MB_RSP_PROD_BEYOND:
		put_raw(r, id, op, st);
		r->beyond = 4;
		xfb_fired(v, "rsp-prod-beyond: ring %u's rsp_prod published 4 beyond its responses",
			  r->idx);
		mb_done(v, m);
		break;
	case MB_RSP_TWICE:
		put_raw(r, id, op, st);
		put_raw(r, id, op, st);
		xfb_fired(v, "rsp-twice: request %#llx on ring %u answered twice",
			  (unsigned long long)id, r->idx);
		mb_done(v, m);
		break;
	case MB_RSP_CHANGE:
		r->flip = true;
		r->flip_idx = r->br.rsp_prod_pvt;
		r->flip_rsp.id = id;
		r->flip_rsp.operation = op;
		r->flip_rsp.status = st;
		put_raw(r, id, op, st);
		xfb_fired(v, "rsp-change: response to %#llx on ring %u rewritten after rsp_prod moved",
			  (unsigned long long)id, r->idx);
		mb_done(v, m);
		break;
	default:
		put_raw(r, id, op, st);
		break;
	}
	r->last_done_id = id;
	r->have_done_id = true;
}

static void hold(struct xfb_ring *r, uint64_t id, uint8_t op, int16_t st, unsigned int ms, int why)
{
	struct xfb_held *h = calloc(1, sizeof(*h)), **p;

	if (!h) {
		respond(r, id, op, st, MB_NONE);
		return;
	}
	h->id = id;
	h->op = op;
	h->status = st;
	h->due_ms = ms ? now_ms() + ms : 0;
	h->why = why;
	/* at the end: released in the order they came */
	for (p = &r->held; *p; p = &(*p)->next)
		;
	*p = h;
}

/* answer every held request of ring r that matches (why < 0: all due ones) */
static bool release_held(struct xfb_ring *r, uint64_t now, int why, uint64_t *next)
{
	struct xfb_held **p = &r->held, *h;
	bool any = false;

	while ((h = *p)) {
		bool go = why >= 0 ? h->why == why : (h->due_ms && h->due_ms <= now);

		if (!go) {
			if (next && h->due_ms && h->due_ms < *next)
				*next = h->due_ms;
			p = &h->next;
			continue;
		}
		*p = h->next;
		if (h->why == MB_OTHER_RING_ID && r->v->orid_ring == (int)r->idx)
			r->v->orid_ring = -1;
		respond(r, h->id, h->op, h->status, MB_NONE);
		free(h);
		any = true;
	}
	return any;
}

void ring_timers(struct xfb_vbd *v, uint64_t now, uint64_t *next)
{
	unsigned int i;

	for (i = 0; i < v->nrings; i++) {
		struct xfb_ring *r = &v->rings[i];

		if (next) {
			struct xfb_held *h;

			for (h = r->held; h; h = h->next)
				if (h->due_ms && h->due_ms < *next)
					*next = h->due_ms;
			continue;
		}
		if (r->map && release_held(r, now, -1, NULL))
			push(r);
	}
}

/* ---- I/O ---- */
static bool overlaps_bad(const struct xfb_vbd *v, uint64_t sector, uint64_t n)
{
	return v->mb.mode == MB_BAD_SECTORS && sector < v->mb.start + v->mb.nr &&
	       v->mb.start < sector + n;
}

/* map, transfer, unmap (or keep) the data segments of one read or write */
static int16_t do_rw(struct xfb_ring *r, bool write, unsigned int nsegs,
		     const struct blkif_request_segment *segs, uint64_t sector,
		     const struct decision *d, bool indirect)
{
	struct xfb_vbd *v = r->v;
	uint32_t refs[XFB_MAX_IND];
	void *addr[XFB_MAX_IND], *base = NULL;
	bool temp[XFB_MAX_IND] = { false };
	uint64_t total = 0, done = 0;
	int16_t st = BLKIF_RSP_OKAY;
	unsigned int i;

	if (!nsegs)
		return BLKIF_RSP_ERROR;
	for (i = 0; i < nsegs; i++) {
		if (segs[i].first_sect > segs[i].last_sect ||
		    segs[i].last_sect >= XFB_PAGE / XFB_SECTOR)
			return BLKIF_RSP_ERROR;
		total += segs[i].last_sect - segs[i].first_sect + 1u;
		refs[i] = segs[i].gref;
	}
	if (sector > v->bytes / XFB_SECTOR || total > v->bytes / XFB_SECTOR - sector)
		return BLKIF_RSP_ERROR;
	if (write && v->readonly)
		return BLKIF_RSP_ERROR;
	if (write)
		v->n_write++;
	else
		v->n_read++;
	if (overlaps_bad(v, sector, total)) {
		xfb_fired(v, "bad-sectors: %s of sectors %llu+%llu failed",
			  write ? "write" : "read", (unsigned long long)sector,
			  (unsigned long long)total);
		return BLKIF_RSP_ERROR;
	}

	if (v->persistent) {
		for (i = 0; i < nsegs; i++) {
			addr[i] = pg_get(r, refs[i]);
			if (!addr[i]) {
				addr[i] = xengnttab_map_grant_ref(xgt, v->domid, refs[i],
								  write ? PROT_READ : PROT_READ | PROT_WRITE);
				temp[i] = true;
			}
			if (!addr[i]) {
				st = BLKIF_RSP_ERROR;
				break;
			}
		}
		nsegs = i;	/* what to unmap */
	} else {
		base = xengnttab_map_domain_grant_refs(xgt, nsegs, v->domid, refs,
						       write ? PROT_READ : PROT_READ | PROT_WRITE);
		if (!base) {
			vlog(v, "cannot map %u data grants: %s", nsegs, strerror(errno));
			return BLKIF_RSP_ERROR;
		}
		for (i = 0; i < nsegs; i++)
			addr[i] = (char *)base + (size_t)i * XFB_PAGE;
	}

	for (i = 0; st == BLKIF_RSP_OKAY && i < nsegs; i++) {
		size_t len = (size_t)(segs[i].last_sect - segs[i].first_sect + 1u) * XFB_SECTOR;
		char *p = (char *)addr[i] + (size_t)segs[i].first_sect * XFB_SECTOR;
		off_t off = (off_t)((sector + done) * XFB_SECTOR);
		ssize_t n = write ? pwrite(v->fd, p, len, off) : pread(v->fd, p, len, off);

		if (n != (ssize_t)len)
			st = BLKIF_RSP_ERROR;
		done += len / XFB_SECTOR;
	}

	if (base) {
		if (d->mode == MB_KEEP_GRANT && d->keep_write == write) {
			unsigned int ms = v->mb.mode == MB_KEEP_GRANT ? v->mb.hold_ms : 3000;

			kept_add(v->domid, base, nsegs, ms);
			xfb_fired(v, "keep-grant: %u data grant(s) of a%s %s (sector %llu) kept mapped %u ms after the response",
				  nsegs, indirect ? "n indirect" : "", write ? "write" : "read",
				  (unsigned long long)sector, ms);
			mb_done(v, MB_KEEP_GRANT);
		} else {
			xengnttab_unmap(xgt, base, nsegs);
		}
	} else {
		for (i = 0; i < nsegs; i++)
			if (temp[i])
				xengnttab_unmap(xgt, addr[i], 1);
		if (d->mode == MB_KEEP_GRANT && d->keep_write == write && v->mb.mode == MB_KEEP_GRANT)
			vlog(v, "keep-grant: persistent grants are in use; nothing to keep");
	}
	return st;
}

static int16_t do_indirect(struct xfb_ring *r, const blkif_request_indirect_t *req,
			   struct decision *d)
{
	struct xfb_vbd *v = r->v;
	struct blkif_request_segment segs[XFB_MAX_IND];
	unsigned int nsegs = req->nr_segments, nind, i;
	uint32_t refs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	bool write = req->indirect_op == BLKIF_OP_WRITE;
	void *map;

	v->n_indirect++;
	if (!v->cfg.max_indirect || !nsegs || nsegs > v->cfg.max_indirect ||
	    (req->indirect_op != BLKIF_OP_READ && req->indirect_op != BLKIF_OP_WRITE))
		return BLKIF_RSP_ERROR;
	nind = (nsegs + (unsigned int)XFB_SEGS_PER_IND - 1) / (unsigned int)XFB_SEGS_PER_IND;
	for (i = 0; i < nind; i++)
		refs[i] = req->indirect_grefs[i];
	map = xengnttab_map_domain_grant_refs(xgt, nind, v->domid, refs, PROT_READ);
	if (!map) {
		vlog(v, "cannot map %u indirect page(s): %s", nind, strerror(errno));
		return BLKIF_RSP_ERROR;
	}
	/* one copy; only the copy is used */
	memcpy(segs, map, nsegs * sizeof(segs[0]));
	if (d->mode == MB_KEEP_INDIRECT && d->keep_write == write && !v->persistent) {
		unsigned int ms = v->mb.mode == MB_KEEP_INDIRECT ? v->mb.hold_ms : 3000;

		kept_add(v->domid, map, nind, ms);
		xfb_fired(v, "keep-indirect: %u indirect page(s) of a %s (%u segments) kept mapped %u ms after the response",
			  nind, write ? "write" : "read", nsegs, ms);
		mb_done(v, MB_KEEP_INDIRECT);
	} else {
		if (d->mode == MB_KEEP_INDIRECT && d->keep_write == write &&
		    v->mb.mode == MB_KEEP_INDIRECT)
			vlog(v, "keep-indirect: persistent grants are in use; nothing to keep");
		xengnttab_unmap(xgt, map, nind);
	}
	return do_rw(r, write, nsegs, segs, req->sector_number, d, true);
}

/*
 * Flush and barrier: a write of the request's segments (FUA writes come this
 * way, with data; an empty one is a pure flush), then the file to disk.  A
 * refused one (EOPNOTSUPP) writes nothing: the frontend must write its data
 * again as a plain write.
 */
static int16_t do_flush(struct xfb_ring *r, const blkif_request_t *req, const struct decision *d)
{
	struct xfb_vbd *v = r->v;
	uint8_t op = req->operation;
	int16_t st;

	v->n_flush++;
	if (d->mode == MB_FLUSH_NOTSUPP && (req->nr_segments || !v->mb.data_only)) {
		v->n_notsupp++;
		xfb_fired(v, "flush-notsupp: %s with %u segment(s) answered EOPNOTSUPP",
			  op == BLKIF_OP_WRITE_BARRIER ? "barrier" : "flush", req->nr_segments);
		return BLKIF_RSP_EOPNOTSUPP;
	}
	if ((op == BLKIF_OP_FLUSH_DISKCACHE && !v->cfg.flush) ||
	    (op == BLKIF_OP_WRITE_BARRIER && !v->cfg.barrier)) {
		v->n_notsupp++;
		return BLKIF_RSP_EOPNOTSUPP;
	}
	if (req->nr_segments) {
		if (req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
			return BLKIF_RSP_ERROR;
		st = do_rw(r, true, req->nr_segments, req->seg, req->sector_number, d, false);
		if (st != BLKIF_RSP_OKAY)
			return st;
	}
	return fdatasync(v->fd) ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY;
}

static int16_t do_discard(struct xfb_ring *r, const blkif_request_discard_t *req,
			  const struct decision *d)
{
	struct xfb_vbd *v = r->v;
	uint64_t s = req->sector_number, n = req->nr_sectors, max = v->bytes / XFB_SECTOR;

	v->n_discard++;
	if (d->mode == MB_DISCARD_NOTSUPP) {
		v->n_notsupp++;
		xfb_fired(v, "discard-notsupp: discard of sectors %llu+%llu answered EOPNOTSUPP",
			  (unsigned long long)s, (unsigned long long)n);
		return BLKIF_RSP_EOPNOTSUPP;
	}
	if (!v->cfg.discard || v->readonly) {
		v->n_notsupp++;
		return BLKIF_RSP_EOPNOTSUPP;
	}
	if (s > max || n > max - s)
		return BLKIF_RSP_ERROR;
	if (overlaps_bad(v, s, n)) {
		xfb_fired(v, "bad-sectors: discard of sectors %llu+%llu failed",
			  (unsigned long long)s, (unsigned long long)n);
		return BLKIF_RSP_ERROR;
	}
	if (n && fallocate(v->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			   (off_t)(s * XFB_SECTOR), (off_t)(n * XFB_SECTOR))) {
		static const char zero[XFB_PAGE];
		uint64_t off = s * XFB_SECTOR, end = (s + n) * XFB_SECTOR;

		while (off < end) {
			size_t len = end - off < sizeof(zero) ? (size_t)(end - off) : sizeof(zero);

			if (pwrite(v->fd, zero, len, (off_t)off) != (ssize_t)len)
				return BLKIF_RSP_ERROR;
			off += len;
		}
	}
	return BLKIF_RSP_OKAY;
}

/* One request, copied off the ring.  False: stop taking requests. */
static bool handle(struct xfb_ring *r, const union xfb_req *q)
{
	struct xfb_vbd *v = r->v;
	struct decision d = decide(r);
	uint8_t op = q->rw.operation, rop = op;
	uint64_t id = q->rw.id;
	int16_t st;

	r->reqs++;
	switch (op) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		if (q->rw.nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
			st = BLKIF_RSP_ERROR;
		else
			st = do_rw(r, op == BLKIF_OP_WRITE, q->rw.nr_segments, q->rw.seg,
				   q->rw.sector_number, &d, false);
		break;
	case BLKIF_OP_INDIRECT:
		id = q->ind.id;
		rop = q->ind.indirect_op;
		st = do_indirect(r, &q->ind, &d);
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
	case BLKIF_OP_WRITE_BARRIER:
		st = do_flush(r, &q->rw, &d);
		break;
	case BLKIF_OP_DISCARD:
		id = q->d.id;
		st = do_discard(r, &q->d, &d);
		break;
	default:
		vlog(v, "unknown operation %u (id %#llx)", op, (unsigned long long)id);
		st = BLKIF_RSP_EOPNOTSUPP;
		break;
	}
	if (st == BLKIF_RSP_ERROR)
		v->n_error++;
	if (d.error && st == BLKIF_RSP_OKAY) {
		st = BLKIF_RSP_ERROR;
		v->n_error++;
	}
	v->status_dirty = true;

	switch (d.mode) {
	case MB_CLOSE_MIDIO:
	case MB_VANISH:
		hold(r, id, rop, st, 0, d.mode);
		v->action = d.mode == MB_VANISH ? ACT_VANISH : ACT_CLOSE;
		v->act_state = v->mb.close_to;
		xfb_fired(v, "%s: request %#llx on ring %u left unanswered; %s",
			  mode_text[d.mode], (unsigned long long)id, r->idx,
			  d.mode == MB_VANISH ? "removing the backend directory" :
			  v->mb.close_to == XenbusStateClosed ? "switching to Closed" :
			  "switching to Closing");
		mb_done(v, d.mode);
		return false;
	case MB_OTHER_RING_ID:
		if (v->nrings < 2) {
			vlog(v, "other-ring-id: one ring only; answering normally");
			break;
		}
		if (v->orid_ring < 0) {
			hold(r, id, rop, st, 5000, MB_OTHER_RING_ID);
			v->orid_ring = (int)r->idx;
			v->orid_id = id;
			return true;
		}
		/* the held id must not be this request's own id on its ring */
		if (v->orid_ring != (int)r->idx && v->orid_id != id) {
			struct xfb_ring *o = &v->rings[v->orid_ring];

			put_raw(r, v->orid_id, rop, st);
			xfb_fired(v, "other-ring-id: request %#llx on ring %u answered with id %#llx of ring %u's request",
				  (unsigned long long)id, r->idx, (unsigned long long)v->orid_id,
				  o->idx);
			mb_done(v, MB_OTHER_RING_ID);
			if (release_held(o, 0, MB_OTHER_RING_ID, NULL))
				push(o);
			v->orid_ring = -1;
			return true;
		}
		break;
	default:
		break;
	}
	if (d.delay_ms) {
		hold(r, id, rop, st, d.delay_ms, MB_RANDOM);
		return true;
	}
	respond(r, id, rop, st, d.mode);
	return true;
}

void ring_work(struct xfb_ring *r)
{
	struct xfb_vbd *v = r->v;
	bool go = true;
	int more;

	if (!r->map || r->broken)
		return;
	while (go) {
		RING_IDX rp, rc;

		if (v->mb.mode == MB_HANG) {
			if (!v->hang_told && r->br.sring->req_prod != r->br.req_cons) {
				v->hang_told = true;
				xfb_fired(v, "hang: %u request(s) left on ring %u",
					  r->br.sring->req_prod - r->br.req_cons, r->idx);
			}
			break;
		}
		if (v->action != ACT_NONE)
			break;
		rp = r->br.sring->req_prod;
		xen_rmb();	/* the requests before the index */
		if (RING_REQUEST_PROD_OVERFLOW(&r->br, rp)) {
			vlog(v, "ring %u: req_prod %u is %u past our responses; ignoring the ring",
			     r->idx, rp, rp - r->br.rsp_prod_pvt);
			r->broken = true;
			break;
		}
		for (rc = r->br.req_cons; rc != rp && go; rc = r->br.req_cons) {
			union xfb_req q;

			if (RING_REQUEST_CONS_OVERFLOW(&r->br, rc))
				break;
			memcpy(&q, RING_GET_REQUEST(&r->br, rc), sizeof(q.raw));
			__atomic_signal_fence(__ATOMIC_SEQ_CST);
			r->br.req_cons = rc + 1;
			go = handle(r, &q);
			if (v->mb.mode == MB_HANG)
				go = false;
		}
		push(r);
		if (!go)
			break;
		RING_FINAL_CHECK_FOR_REQUESTS(&r->br, more);
		if (!more)
			break;
	}
}
