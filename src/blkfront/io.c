// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkfront: rings and the data path.
 *
 * Each ring owns a pool of pages, a fixed set per ring slot.  Request data
 * is copied between the block layer's pages and the pool, so the backend
 * never gets access to memory outside the pool.  With persistent grants the
 * pool stays granted for the life of the connection; without, a slot's
 * pages are granted when a request is issued and the grants are ended when
 * its response arrives.  That makes three things simple:
 *  - failing a request (device broken or gone) is always safe, whatever the
 *    backend still maps: only pool pages can be mapped, and those go to the
 *    kernel's deferred grant release;
 *  - a request is planned from its position and length alone, so the same
 *    code splits it for the first issue and for the replay after a restore;
 *  - the backend can only ever see data the guest wrote to this disk.
 *
 * Locking: ring->lock (irqsave) covers the shared ring, the slots and the
 * pool; it is taken by queue_rq, the interrupt handler and the control path.
 * The control path (xenbus.c) holds info->mutex around ring setup/teardown,
 * with the queue quiesced whenever the rings array can change.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/build_bug.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xenfront/compat_blk.h>
#include "blkfront.h"

/*
 * The pure code's copy of the interface constants must match the headers.
 * File-scope assertions: a BUILD_BUG_ON() in a function nothing calls is
 * never compiled into anything and so never fires.
 */
static_assert(XFB_OP_READ == BLKIF_OP_READ);
static_assert(XFB_OP_WRITE == BLKIF_OP_WRITE);
static_assert(XFB_OP_WRITE_BARRIER == BLKIF_OP_WRITE_BARRIER);
static_assert(XFB_OP_FLUSH_DISKCACHE == BLKIF_OP_FLUSH_DISKCACHE);
static_assert(XFB_OP_DISCARD == BLKIF_OP_DISCARD);
static_assert(XFB_OP_INDIRECT == BLKIF_OP_INDIRECT);
static_assert(XFB_RSP_OKAY == BLKIF_RSP_OKAY);
static_assert(XFB_RSP_ERROR == BLKIF_RSP_ERROR);
static_assert(XFB_RSP_EOPNOTSUPP == BLKIF_RSP_EOPNOTSUPP);
static_assert(XFB_DISCARD_SECURE == BLKIF_DISCARD_SECURE);
static_assert(XFB_VDISK_CDROM == VDISK_CDROM);
static_assert(XFB_VDISK_REMOVABLE == VDISK_REMOVABLE);
static_assert(XFB_VDISK_READONLY == VDISK_READONLY);
static_assert(XFB_SEGS_DIRECT == BLKIF_MAX_SEGMENTS_PER_REQUEST);
static_assert(XFB_IND_PAGES_MAX == BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);
static_assert(XFB_SEGS_PER_IND_PAGE == XEN_PAGE_SIZE / sizeof(struct blkif_request_segment));
static_assert(XFB_PAGE_SIZE == XEN_PAGE_SIZE);
static_assert(XFB_MAX_RING_ORDER == XENBUS_MAX_RING_GRANT_ORDER);
/* pool pages are used as grant frames: one Linux page, one grant */
static_assert(PAGE_SIZE == XEN_PAGE_SIZE);
/* a request's fragments fit in the smallest ring and in the bitmap */
static_assert(XFB_MAX_FRAGS <= XFB_MIN_RING_SLOTS);
static_assert(XFB_MAX_FRAGS <= 64);
static_assert(XFB_MIN_RING_SLOTS == __CONST_RING_SIZE(blkif, XEN_PAGE_SIZE));
/* one indirect page describes every segment of a fragment */
static_assert(XFB_MAX_SEGS <= XFB_SEGS_PER_IND_PAGE);

static inline struct page **slot_pages(struct blkfront_ring *r, u32 slot)
{
	return &r->pages[(size_t)slot * r->segs];
}

static inline grant_ref_t *slot_grefs(struct blkfront_ring *r, u32 slot)
{
	return &r->grefs[(size_t)slot * r->segs];
}

/*
 * Copy len bytes at byte offset off of the request's data to (or from) the
 * pool pages of a fragment, which start at that offset.
 */
static void copy_data(struct request *req, struct page **pages, u32 off, u32 len,
		      bool to_req)
{
	struct req_iterator iter;
	struct bio_vec bv;
	u32 pos = 0, end = off + len;

	rq_for_each_segment(bv, req, iter) {
		u32 bstart = pos, bend = pos + bv.bv_len;
		u32 from, to;

		pos = bend;
		if (bend <= off)
			continue;
		if (bstart >= end)
			break;
		from = max(bstart, off);
		to = min(bend, end);
		while (from < to) {
			u32 rel = from - off;
			u32 poff = rel & (XEN_PAGE_SIZE - 1);
			u32 chunk = min(to - from, (u32)XEN_PAGE_SIZE - poff);
			char *pool = page_address(pages[rel >> XEN_PAGE_SHIFT]) + poff;
			char *data = xfb_kmap(bv.bv_page);

			if (to_req)
				memcpy(data + bv.bv_offset + (from - bstart), pool, chunk);
			else
				memcpy(pool, data + bv.bv_offset + (from - bstart), chunk);
			xfb_kunmap(data);
			from += chunk;
		}
	}
}

/* Give a pool page and its grant back; a page still mapped goes deferred. */
static void release_granted_page(struct blkfront_info *info, grant_ref_t ref,
				 struct page *page, bool persistent)
{
	if (xfb_gnttab_try_end(ref)) {
		__free_page(page);
	} else {
		/* the kernel frees page and reference once the backend lets go */
		xfpm_gnttab_end_access(ref, page);
		atomic64_inc(&info->deferred);
	}
	atomic_dec(&info->grants);
	atomic_dec(&info->pages);
	if (persistent)
		atomic_dec(&info->persistent_grants);
}

/* Grant the pages a fragment uses, for this request only. */
static void slot_grant(struct blkfront_ring *r, u32 slot, grant_ref_t *head, bool readonly)
{
	struct blkfront_info *info = r->info;
	struct blkfront_slot *s = &r->slots[slot];
	domid_t be = info->xdev->otherend_id;
	struct page **pages = slot_pages(r, slot);
	grant_ref_t *grefs = slot_grefs(r, slot);
	unsigned int i;

	for (i = 0; i < s->nsegs; i++) {
		grefs[i] = gnttab_claim_grant_reference(head);
		gnttab_grant_foreign_access_ref(grefs[i], be, xen_page_to_gfn(pages[i]), readonly);
	}
	if (s->nind) {
		r->ind_grefs[slot] = gnttab_claim_grant_reference(head);
		gnttab_grant_foreign_access_ref(r->ind_grefs[slot], be,
						xen_page_to_gfn(r->ind_pages[slot]), 1);
	}
	atomic_add(s->nsegs + s->nind, &info->grants);
	s->granted = true;
}

/*
 * End a fragment's per-request grants.  Returns false if the backend still
 * mapped one after answering: that page is left to the kernel and the slot
 * cannot be used again (the caller fails the ring).
 */
static bool slot_ungrant(struct blkfront_ring *r, u32 slot)
{
	struct blkfront_info *info = r->info;
	struct blkfront_slot *s = &r->slots[slot];
	struct page **pages = slot_pages(r, slot);
	grant_ref_t *grefs = slot_grefs(r, slot);
	bool clean = true;
	unsigned int i;

	if (!s->granted)
		return true;
	for (i = 0; i < s->nsegs; i++) {
		if (!xfb_gnttab_try_end(grefs[i])) {
			xfpm_gnttab_end_access(grefs[i], pages[i]);
			pages[i] = NULL;
			atomic_dec(&info->pages);
			atomic64_inc(&info->deferred);
			clean = false;
		}
		grefs[i] = INVALID_GRANT_REF;
	}
	if (s->nind) {
		if (!xfb_gnttab_try_end(r->ind_grefs[slot])) {
			xfpm_gnttab_end_access(r->ind_grefs[slot], r->ind_pages[slot]);
			r->ind_pages[slot] = NULL;
			atomic_dec(&info->pages);
			atomic64_inc(&info->deferred);
			clean = false;
		}
		r->ind_grefs[slot] = INVALID_GRANT_REF;
	}
	atomic_sub(s->nsegs + s->nind, &info->grants);
	s->granted = false;
	return clean;
}

static blk_status_t to_blk_status(int16_t st)
{
	switch (st) {
	case XFB_RSP_OKAY:
		return BLK_STS_OK;
	case XFB_RSP_EOPNOTSUPP:
		return BLK_STS_NOTSUPP;
	default:
		return BLK_STS_IOERR;
	}
}

/*
 * Hand a finished request back to the block layer (ring lock held), or,
 * when the backend refused it as sent, back to the requeue list: the
 * completion callback issues it again under the ring's new limits.
 */
static void finish_req(struct blkfront_ring *r, struct blkfront_rq *brq)
{
	struct blkfront_info *info = r->info;

	brq->reissue = brq->acct.status == XFB_ST_REISSUE;
	if (brq->reissue) {
		atomic64_inc(&info->reissued);
	} else {
		brq->status = to_blk_status(brq->acct.status);
		if (brq->status)
			atomic64_inc(&info->failed);
		atomic64_inc(&info->completed);
	}
	blk_mq_complete_request(blk_mq_rq_from_pdu(brq));
	if (atomic_dec_and_test(&info->inflight))
		wake_up_all(&info->drain_wq);
}

/* Fail everything on the ring and stop using it (ring lock held). */
static unsigned int ring_fail_locked(struct blkfront_ring *r)
{
	struct blkfront_info *info = r->info;
	unsigned int i, n;

	r->accepting = false;
	r->consuming = false;
	for (i = 0; i < r->nr_slots; i++) {
		if (r->xslots[i].state != XFB_SLOT_BUSY)
			continue;
		slot_ungrant(r, i);
		atomic_dec(&info->slots_busy);
	}
	n = xfb_shadow_reclaim(&r->shadow, r->scratch, r->nr_slots);
	for (i = 0; i < n; i++) {
		struct blkfront_rq *brq = r->scratch[i];

		if (xfb_acct_abort(&brq->acct))
			finish_req(r, brq);
	}
	return n;
}

unsigned int blkfront_ring_fail(struct blkfront_ring *r)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&r->lock, flags);
	n = ring_fail_locked(r);
	spin_unlock_irqrestore(&r->lock, flags);
	return n;
}

/* A response broke the protocol: fail the ring now, the device in a work. */
static void ring_violation(struct blkfront_ring *r, enum xfb_rsp_verdict v,
			   const struct blkif_response *rsp, const char *what)
{
	struct blkfront_info *info = r->info;
	const char *reason = what ? what : xfb_rsp_verdict_name(v);

	atomic64_inc(&info->malformed);
	if (rsp)
		dev_err_ratelimited(&info->xdev->dev,
				    "ring %u: %s (id %#llx, operation %u, status %d); failing the device\n",
				    r->id, reason, (unsigned long long)rsp->id, rsp->operation,
				    rsp->status);
	else
		dev_err_ratelimited(&info->xdev->dev, "ring %u: %s; failing the device\n",
				    r->id, reason);
	cmpxchg(&info->broken_reason, NULL, reason);
	ring_fail_locked(r);
	schedule_work(&info->fail_work);
}

/*
 * The backend refused an optional operation: stop sending it (ring lock
 * held).  This ring stops at once, so that a request issued again after
 * the refusal is planned without it; the work item tells the other rings
 * and the block layer.
 */
static void feature_refused(struct blkfront_ring *r, u8 op, bool with_data)
{
	struct blkfront_info *info = r->info;
	const char *what;
	int bit;

	switch (xfb_conn_refused(&r->conn, op, with_data)) {
	case XFB_REFUSED_DISCARD:
		bit = BF_OFF_DISCARD;
		what = "discard";
		break;
	case XFB_REFUSED_BARRIER_DATA:
		bit = BF_OFF_BARRIER_DATA;
		what = "barriers that carry data (empty barriers still flush)";
		break;
	default:
		bit = BF_OFF_FLUSH;
		what = "cache flushes";
		break;
	}
	if (!test_and_set_bit(bit, &info->feature_off)) {
		dev_warn_ratelimited(&info->xdev->dev, "backend does not support %s\n", what);
		schedule_work(&info->feature_work);
	}
}

static void issue_frag(struct blkfront_ring *r, struct request *req, struct blkfront_rq *brq,
		       const struct xfb_frag *f, u8 idx, grant_ref_t *head);

/*
 * Every fragment of a FUA write planned for a flush-only ring was written:
 * issue the empty flush that makes it durable, in the slot the last
 * fragment just gave back (ring lock held).  Returns 1 when issued, 0 when
 * none is needed any more (the backend refused flushes: it writes through),
 * -EIO when the ring takes no more requests (the backend is closing): the
 * write cannot be made durable and must not complete as if it were.
 */
static int issue_postflush(struct blkfront_ring *r, struct blkfront_rq *brq)
{
	struct xfb_io io = { .kind = XFB_IO_FLUSH };
	struct xfb_frag f;
	bool notify;

	brq->postflush = false;
	if (!r->accepting || !r->shadow.nr_free)
		return -EIO;
	if (xfb_plan(&io, &r->conn, &f, 1) != 1)
		return 0;
	xfb_acct_begin(&brq->acct, 1);
	issue_frag(r, blk_mq_rq_from_pdu(brq), brq, &f, 0, NULL);
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&r->ring, notify);
	if (notify)
		notify_remote_via_irq(r->evtchn.irq);
	return 1;
}

/* One checked response (ring lock held).  False: the ring was failed. */
static bool frag_done(struct blkfront_ring *r, u32 slot, const struct blkif_response *rsp)
{
	struct blkfront_info *info = r->info;
	struct xfb_slot *xs = &r->xslots[slot];
	struct blkfront_rq *brq = xs->owner;
	struct blkfront_slot *s = &r->slots[slot];
	u8 frag = xs->frag, op = xs->rsp_op;
	struct xfb_frag_outcome o;

	xfb_frag_outcome(op, rsp->status, s->nsegs, s->read, slot_ungrant(r, slot), &o);
	if (o.copy)
		copy_data(s->req, slot_pages(r, slot), s->byte_off, s->bytes, true);
	if (o.refused)
		feature_refused(r, op, s->nsegs);
	if (o.io_error)
		dev_err_ratelimited(&info->xdev->dev, "%s: I/O error %d (operation %u, sector %llu)\n",
				    info->vd.name, rsp->status, op,
				    (unsigned long long)blk_rq_pos(s->req));
	s->req = NULL;
	xfb_shadow_put(&r->shadow, slot);
	atomic_dec(&info->slots_busy);

	switch (xfb_acct_frag_done(&brq->acct, frag, o.status)) {
	case XFB_FRAG_LAST:
		if (brq->postflush && brq->acct.status == XFB_RSP_OKAY && !o.violation) {
			int pf = issue_postflush(r, brq);

			if (pf > 0)
				break;
			if (pf < 0)
				brq->acct.status = XFB_RSP_ERROR;
		}
		finish_req(r, brq);
		break;
	case XFB_FRAG_PENDING:
		break;
	default:
		/* cannot happen for a slot that was busy; treat it as corruption */
		ring_violation(r, XFB_RV_DUPLICATE, rsp, "fragment answered twice");
		return false;
	}
	if (o.violation) {
		ring_violation(r, XFB_RV_OK, rsp, "grant still mapped after its response");
		return false;
	}
	return true;
}

/* Read and check every new response (ring lock held).  Returns how many. */
static unsigned int consume(struct blkfront_ring *r)
{
	unsigned int handled = 0;
	RING_IDX prod, i;
	int more;

	do {
		prod = READ_ONCE(r->ring.sring->rsp_prod);
		virt_rmb();	/* the responses before the index */
		if (!xfb_rsp_window_ok(prod, r->ring.rsp_cons, r->ring.req_prod_pvt)) {
			ring_violation(r, XFB_RV_OVERFLOW, NULL, NULL);
			return handled + 1;
		}
		for (i = r->ring.rsp_cons; i != prod; i++) {
			struct blkif_response rsp;
			enum xfb_rsp_verdict v;
			u32 slot;

			/* one copy out of shared memory; only the copy is used */
			memcpy(&rsp, RING_GET_RESPONSE(&r->ring, i), sizeof(rsp));
			r->ring.rsp_cons = i + 1;
			handled++;
			v = xfb_shadow_check(&r->shadow, rsp.id, rsp.operation, rsp.status, &slot);
			if (v != XFB_RV_OK) {
				ring_violation(r, v, &rsp, NULL);
				return handled;
			}
			if (!frag_done(r, slot, &rsp))
				return handled;
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&r->ring, more);
	} while (more);
	return handled;
}

/* Restart hardware queues stopped for want of ring slots (ring lock held). */
static void restart_queues(struct blkfront_ring *r)
{
	struct gendisk *gd = READ_ONCE(r->info->gd);

	if (gd && r->accepting && r->shadow.nr_free)
		blk_mq_start_stopped_hw_queues(gd->queue, true);
}

static irqreturn_t blkfront_interrupt(int irq, void *dev_id)
{
	struct blkfront_ring *r = dev_id;
	unsigned int eoi = XEN_EOI_FLAG_SPURIOUS;
	unsigned long flags;

	spin_lock_irqsave(&r->lock, flags);
	if (r->consuming && consume(r))
		eoi = 0;
	restart_queues(r);
	spin_unlock_irqrestore(&r->lock, flags);
	xen_irq_lateeoi(irq, eoi);
	return IRQ_HANDLED;
}

void blkfront_ring_kick(struct blkfront_ring *r)
{
	unsigned long flags;
	bool notify;

	spin_lock_irqsave(&r->lock, flags);
	if (r->consuming)
		consume(r);
	restart_queues(r);
	notify = r->accepting && r->evtchn.bound;
	spin_unlock_irqrestore(&r->lock, flags);
	/* the backend may have slept through the suspend: make it look */
	if (notify)
		notify_remote_via_irq(r->evtchn.irq);
}

/* Fill one ring request for fragment idx of req (ring lock held, slot free). */
static void issue_frag(struct blkfront_ring *r, struct request *req, struct blkfront_rq *brq,
		       const struct xfb_frag *f, u8 idx, grant_ref_t *head)
{
	struct blkfront_info *info = r->info;
	struct blkif_request rq = { };
	struct blkfront_slot *s;
	struct page **pages;
	grant_ref_t *grefs;
	unsigned int i;
	u32 slot;
	u64 id;

	xfb_shadow_get(&r->shadow, brq, f->rsp_op, idx, &slot, &id);
	atomic_inc(&info->slots_busy);
	s = &r->slots[slot];
	s->req = req;
	s->byte_off = f->byte_off;
	s->bytes = f->nsegs ? (u32)(f->nr_sectors << 9) : 0;
	s->nsegs = f->nsegs;
	s->nind = f->nind;
	s->read = f->rsp_op == BLKIF_OP_READ;
	s->granted = false;
	pages = slot_pages(r, slot);
	grefs = slot_grefs(r, slot);

	if (!r->persistent && (f->nsegs || f->nind))
		slot_grant(r, slot, head, !s->read);
	if (f->nsegs && !s->read)
		copy_data(req, pages, f->byte_off, s->bytes, false);

	switch (f->op) {
	case XFB_OP_DISCARD:
		rq.operation = BLKIF_OP_DISCARD;
		rq.u.discard.flag = f->discard_flag;
		rq.u.discard.id = id;
		rq.u.discard.sector_number = f->sector;
		rq.u.discard.nr_sectors = f->nr_sectors;
		break;
	case XFB_OP_INDIRECT: {
		struct blkif_request_segment *seg = page_address(r->ind_pages[slot]);

		rq.operation = BLKIF_OP_INDIRECT;
		rq.u.indirect.indirect_op = f->rsp_op;
		rq.u.indirect.nr_segments = f->nsegs;
		rq.u.indirect.id = id;
		rq.u.indirect.sector_number = f->sector;
		rq.u.indirect.handle = info->handle;
		for (i = 0; i < f->nsegs; i++) {
			seg[i].gref = grefs[i];
			seg[i].first_sect = 0;
			seg[i].last_sect = xfb_frag_seg_last_sect(f, i);
		}
		rq.u.indirect.indirect_grefs[0] = r->ind_grefs[slot];
		break;
	}
	default:
		rq.operation = f->op;
		rq.u.rw.nr_segments = f->nsegs;
		rq.u.rw.handle = info->handle;
		rq.u.rw.id = id;
		rq.u.rw.sector_number = f->sector;
		for (i = 0; i < f->nsegs; i++) {
			rq.u.rw.seg[i].gref = grefs[i];
			rq.u.rw.seg[i].first_sect = 0;
			rq.u.rw.seg[i].last_sect = xfb_frag_seg_last_sect(f, i);
		}
		break;
	}
	/* the shared slot only ever receives a complete request */
	*RING_GET_REQUEST(&r->ring, r->ring.req_prod_pvt) = rq;
	r->ring.req_prod_pvt++;
}

static bool req_to_io(struct request *req, struct xfb_io *io)
{
	io->sector = blk_rq_pos(req);
	io->nr_sectors = blk_rq_sectors(req);
	io->fua = !!(req->cmd_flags & REQ_FUA);
	switch (req_op(req)) {
	case REQ_OP_READ:
		io->kind = XFB_IO_READ;
		return true;
	case REQ_OP_WRITE:
		io->kind = XFB_IO_WRITE;
		return true;
	case REQ_OP_FLUSH:
		io->kind = XFB_IO_FLUSH;
		return true;
	case REQ_OP_DISCARD:
		io->kind = XFB_IO_DISCARD;
		return true;
	case REQ_OP_SECURE_ERASE:
		io->kind = XFB_IO_SECURE_ERASE;
		return true;
	default:
		return false;
	}
}

static blk_status_t blkfront_queue_rq(struct blk_mq_hw_ctx *hctx,
				      const struct blk_mq_queue_data *bd)
{
	struct blkfront_info *info = hctx->queue->queuedata;
	struct request *req = bd->rq;
	struct blkfront_rq *brq = blk_mq_rq_to_pdu(req);
	struct xfb_frag frags[XFB_MAX_FRAGS];
	struct blkfront_ring *r;
	grant_ref_t head = INVALID_GRANT_REF;
	unsigned int grants = 0;
	unsigned long flags;
	struct xfb_io io;
	blk_status_t st;
	bool notify;
	int n, i;

	blk_mq_start_request(req);
	if (!req_to_io(req, &io))
		return BLK_STS_NOTSUPP;
	if (!info->nr_rings)
		return BLK_STS_IOERR;
	r = &info->rings[hctx->queue_num % info->nr_rings];

	spin_lock_irqsave(&r->lock, flags);
	if (!r->accepting) {
		st = BLK_STS_IOERR;
		goto out_unlock;
	}
	n = xfb_plan(&io, &r->conn, frags, min_t(u32, r->nr_slots, XFB_MAX_FRAGS));
	if (n <= 0) {
		spin_unlock_irqrestore(&r->lock, flags);
		if (!n) {
			/* nothing to send (a flush to a write-through backend) */
			blk_mq_end_request(req, BLK_STS_OK);
			return BLK_STS_OK;
		}
		if (n != -EOPNOTSUPP)
			dev_err_ratelimited(&info->xdev->dev,
					    "%s: cannot issue request (op %u, %u sectors): %d\n",
					    info->vd.name, req_op(req), blk_rq_sectors(req), n);
		return n == -EOPNOTSUPP ? BLK_STS_NOTSUPP : BLK_STS_IOERR;
	}
	if (r->shadow.nr_free < (u32)n) {
		/*
		 * restarted by the interrupt handler when slots free up, or by
		 * the control path when the ring is replaced or failed
		 */
		blk_mq_stop_hw_queue(hctx);
		atomic64_inc(&info->ring_full);
		st = BLK_STS_DEV_RESOURCE;
		goto out_unlock;
	}
	if (!r->persistent) {
		for (i = 0; i < n; i++)
			grants += frags[i].nsegs + frags[i].nind;
		if (grants && gnttab_alloc_grant_references(grants, &head) < 0) {
			st = BLK_STS_RESOURCE;	/* blk-mq retries shortly */
			goto out_unlock;
		}
	}

	xfb_acct_begin(&brq->acct, (u8)n);
	brq->reissue = false;
	brq->postflush = xfb_plan_needs_postflush(&io, &r->conn);
	for (i = 0; i < n; i++)
		issue_frag(r, req, brq, &frags[i], (u8)i, &head);
	if (grants)
		gnttab_free_grant_references(head);
	atomic_inc(&info->inflight);
	if (n > 1)
		atomic64_inc(&info->split);
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&r->ring, notify);
	spin_unlock_irqrestore(&r->lock, flags);
	if (notify)
		notify_remote_via_irq(r->evtchn.irq);
	return BLK_STS_OK;

out_unlock:
	spin_unlock_irqrestore(&r->lock, flags);
	return st;
}

static void blkfront_complete_rq(struct request *req)
{
	struct blkfront_rq *brq = blk_mq_rq_to_pdu(req);

	if (brq->reissue) {
		brq->reissue = false;
		blk_mq_requeue_request(req, true);
		return;
	}
	blk_mq_end_request(req, brq->status);
}

const struct blk_mq_ops blkfront_mq_ops = {
	.queue_rq = blkfront_queue_rq,
	.complete = blkfront_complete_rq,
};

/*
 * Restore: the ring is dead.  Take every request off it, each exactly once,
 * and put it back on the block layer's requeue list; it is issued again,
 * under the new connection's limits, once the queue runs.
 */
unsigned int blkfront_ring_reclaim_for_replay(struct blkfront_ring *r)
{
	struct blkfront_info *info = r->info;
	unsigned long flags;
	unsigned int i, n;

	spin_lock_irqsave(&r->lock, flags);
	r->accepting = false;
	r->consuming = false;
	for (i = 0; i < r->nr_slots; i++) {
		if (r->xslots[i].state != XFB_SLOT_BUSY)
			continue;
		/* ending grants is safe on the new grant table */
		slot_ungrant(r, i);
		r->slots[i].req = NULL;
		atomic_dec(&info->slots_busy);
	}
	n = xfb_shadow_reclaim(&r->shadow, r->scratch, r->nr_slots);
	spin_unlock_irqrestore(&r->lock, flags);

	for (i = 0; i < n; i++) {
		struct blkfront_rq *brq = r->scratch[i];

		atomic_dec(&info->inflight);
		blk_mq_requeue_request(blk_mq_rq_from_pdu(brq), false);
	}
	return n;
}

/*
 * Take the refusals seen so far on any ring.  Computed under the ring lock:
 * a refusal on this ring between a snapshot and its copy would otherwise
 * be undone until the next feature work.
 */
void blkfront_ring_update_conn(struct blkfront_ring *r)
{
	unsigned long flags;

	spin_lock_irqsave(&r->lock, flags);
	blkfront_effective_conn(r->info, &r->conn);
	spin_unlock_irqrestore(&r->lock, flags);
}

void blkfront_ring_open(struct blkfront_ring *r, const struct xfb_conn *conn)
{
	unsigned long flags;

	spin_lock_irqsave(&r->lock, flags);
	r->conn = *conn;
	r->accepting = true;
	r->consuming = true;
	spin_unlock_irqrestore(&r->lock, flags);
}

/* Allocate the ring's bookkeeping, its shared pages and its event channel. */
int blkfront_ring_setup(struct blkfront_info *info, struct blkfront_ring *r,
			unsigned int order)
{
	unsigned int noio;
	int err;

	spin_lock_init(&r->lock);
	r->info = info;
	r->order = order;
	r->nr_slots = __CONST_RING_SIZE(blkif, XEN_PAGE_SIZE << order);
	snprintf(r->irq_name, sizeof(r->irq_name), "%s-q%u", info->vd.name, r->id);

	noio = memalloc_noio_save();
	r->xslots = kcalloc(r->nr_slots, sizeof(*r->xslots), GFP_KERNEL);
	r->free_stack = kcalloc(r->nr_slots, sizeof(*r->free_stack), GFP_KERNEL);
	r->scratch = kcalloc(r->nr_slots, sizeof(*r->scratch), GFP_KERNEL);
	r->slots = kcalloc(r->nr_slots, sizeof(*r->slots), GFP_KERNEL);
	memalloc_noio_restore(noio);
	if (!r->xslots || !r->free_stack || !r->scratch || !r->slots)
		return -ENOMEM;
	/*
	 * ids of a new connection never match an older one's, nor one ring's
	 * another's
	 */
	xfb_shadow_init(&r->shadow, r->xslots, r->free_stack, r->nr_slots,
			info->connections << 24, r->id);

	err = xenfront_ring_alloc(info->xf, order, &r->sring, r->ring_refs);
	if (err)
		return err;
	atomic_add(1 << order, &info->pages);
	atomic_add(1 << order, &info->grants);
	SHARED_RING_INIT((struct blkif_sring *)r->sring);
	FRONT_RING_INIT(&r->ring, (struct blkif_sring *)r->sring, XEN_PAGE_SIZE << order);

	err = xenfront_evtchn_bind(info->xf, &r->evtchn, blkfront_interrupt, true,
				   r->irq_name, r);
	if (err)
		return err;
	atomic_inc(&info->evtchns);
	return 0;
}

static struct page *pool_page(struct blkfront_info *info, bool persistent, grant_ref_t *ref)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	int gref;

	*ref = INVALID_GRANT_REF;
	if (!page)
		return NULL;
	atomic_inc(&info->pages);
	if (!persistent)
		return page;
	gref = gnttab_grant_foreign_access(info->xdev->otherend_id, xen_page_to_gfn(page), 0);
	if (gref < 0) {
		__free_page(page);
		atomic_dec(&info->pages);
		return NULL;
	}
	*ref = gref;
	atomic_inc(&info->grants);
	atomic_inc(&info->persistent_grants);
	return page;
}

/* The data pages: segs per slot, plus an indirect page per slot if needed. */
int blkfront_ring_pool(struct blkfront_info *info, struct blkfront_ring *r,
		       unsigned int segs, bool indirect, bool persistent)
{
	size_t i, n = (size_t)r->nr_slots * segs;
	unsigned int noio;
	int err = -ENOMEM;

	noio = memalloc_noio_save();
	r->segs = segs;
	r->persistent = persistent;
	r->pages = kvcalloc(n, sizeof(*r->pages), GFP_KERNEL);
	r->grefs = kvcalloc(n, sizeof(*r->grefs), GFP_KERNEL);
	if (!r->pages || !r->grefs)
		goto out;
	for (i = 0; i < n; i++)
		r->grefs[i] = INVALID_GRANT_REF;
	for (i = 0; i < n; i++) {
		r->pages[i] = pool_page(info, persistent, &r->grefs[i]);
		if (!r->pages[i])
			goto out;
	}
	if (indirect) {
		r->ind_pages = kcalloc(r->nr_slots, sizeof(*r->ind_pages), GFP_KERNEL);
		r->ind_grefs = kcalloc(r->nr_slots, sizeof(*r->ind_grefs), GFP_KERNEL);
		if (!r->ind_pages || !r->ind_grefs)
			goto out;
		for (i = 0; i < r->nr_slots; i++)
			r->ind_grefs[i] = INVALID_GRANT_REF;
		for (i = 0; i < r->nr_slots; i++) {
			r->ind_pages[i] = pool_page(info, persistent, &r->ind_grefs[i]);
			if (!r->ind_pages[i])
				goto out;
		}
	}
	err = 0;
out:
	memalloc_noio_restore(noio);
	return err;
}

static void pool_free(struct blkfront_info *info, struct page **pages, grant_ref_t *grefs,
		      size_t n, bool persistent)
{
	size_t i;

	if (!pages || !grefs)
		return;
	for (i = 0; i < n; i++) {
		if (!pages[i])
			continue;
		if (grefs[i] != INVALID_GRANT_REF) {
			release_granted_page(info, grefs[i], pages[i], persistent);
		} else {
			__free_page(pages[i]);
			atomic_dec(&info->pages);
		}
		pages[i] = NULL;
	}
}

/*
 * Release everything of a ring: event channel, pool, shared pages and
 * bookkeeping.  Its requests must have been failed or reclaimed.  After a
 * restore every step is safe: the event channel is unbound through the
 * layer, grants are ended on the new grant table.
 */
void blkfront_ring_teardown(struct blkfront_info *info, struct blkfront_ring *r)
{
	unsigned long flags;

	if (r->evtchn.bound) {
		xenfront_evtchn_unbind(info->xf, &r->evtchn, r);
		atomic_dec(&info->evtchns);
	}
	if (r->xslots) {
		spin_lock_irqsave(&r->lock, flags);
		r->accepting = false;
		r->consuming = false;
		spin_unlock_irqrestore(&r->lock, flags);
		WARN_ON(xfb_shadow_busy(&r->shadow));
	}
	pool_free(info, r->pages, r->grefs, (size_t)r->nr_slots * r->segs, r->persistent);
	pool_free(info, r->ind_pages, r->ind_grefs, r->nr_slots, r->persistent);
	kvfree(r->pages);
	kvfree(r->grefs);
	kfree(r->ind_pages);
	kfree(r->ind_grefs);
	r->pages = NULL;
	r->grefs = NULL;
	r->ind_pages = NULL;
	r->ind_grefs = NULL;
	r->segs = 0;
	if (r->sring) {
		xenfront_ring_free(info->xf, r->order, &r->sring, r->ring_refs);
		atomic_sub(1 << r->order, &info->pages);
		atomic_sub(1 << r->order, &info->grants);
		r->sring = NULL;
	}
	kfree(r->xslots);
	kfree(r->free_stack);
	kfree(r->scratch);
	kfree(r->slots);
	r->xslots = NULL;
	r->free_stack = NULL;
	r->scratch = NULL;
	r->slots = NULL;
	r->nr_slots = 0;
	memset(&r->shadow, 0, sizeof(r->shadow));
}
