// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront: the transmit path.
 *
 * A packet goes on the ring as its first data slot (size = whole packet),
 * an optional GSO extra-info slot, then the remaining data slots.  Each
 * data slot grants one page read-only to the backend and holds either a
 * reference to the skb (direct) or a page of our own (bounce copy, used
 * when the backend is not trusted or the packet's layout does not fit the
 * protocol).  The slot's id comes back in its response; the response is
 * checked (net_tx.c) before anything is released.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xenfront/compat_net.h>
#include "netfront.h"

struct nf_chunk {
	struct page *page;
	unsigned int off;
	unsigned int len;
	bool bounce;
};

struct nf_txplan {
	unsigned int n;
	struct nf_chunk c[NFP_TX_MAX_SLOTS];
	enum nfp_tx_csum csum;
	bool gso;
	u16 gso_size;
	u8 gso_type;
};

static void nf_tx_shape(struct sk_buff *skb, struct nf_dev *nf, struct nfp_tx_shape *s,
			struct nf_txplan *p)
{
	unsigned int headlen = skb_headlen(skb);
	unsigned int i, off;

	memset(s, 0, sizeof(*s));
	s->len = skb->len;
	off = offset_in_page(skb->data);
	s->data_slots = nfp_tx_span_slots(off, headlen, PAGE_SIZE);
	if (headlen)
		s->first_len = min_t(u32, headlen, PAGE_SIZE - off);
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];
		u32 foff = skb_frag_off(f), fsz = skb_frag_size(f);

		s->data_slots += nfp_tx_span_slots(foff, fsz, PAGE_SIZE);
		if (!s->first_len && fsz)
			s->first_len = min_t(u32, fsz, PAGE_SIZE - foff % PAGE_SIZE);
	}
	/* no frag lists on our features; copy if one shows up anyway */
	if (skb_has_frag_list(skb))
		s->data_slots = U32_MAX;

	p->gso = skb_is_gso(skb);
	s->gso = p->gso;
	if (p->gso) {
		unsigned int t = skb_shinfo(skb)->gso_type;

		p->gso_size = skb_shinfo(skb)->gso_size;
		if ((t & SKB_GSO_TCPV4) && nf->feat.gso_tcpv4) {
			p->gso_type = XEN_NETIF_GSO_TYPE_TCPV4;
			s->gso_ok = true;
		} else if ((t & SKB_GSO_TCPV6) && nf->feat.gso_tcpv6) {
			p->gso_type = XEN_NETIF_GSO_TYPE_TCPV6;
			s->gso_ok = true;
		}
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL)
		p->csum = NFP_TX_CSUM_PARTIAL;
	else if (skb->ip_summed == CHECKSUM_UNNECESSARY)
		p->csum = NFP_TX_CSUM_VALID;
	else
		p->csum = NFP_TX_CSUM_NONE;
}

static int nf_chunks_add(struct nf_txplan *p, struct page *page, unsigned int off,
			 unsigned int len)
{
	/* the struct pages of one (compound) page are consecutive */
	while (len) {
		struct page *pg = page + (off >> PAGE_SHIFT);
		unsigned int o = off & ~PAGE_MASK;
		unsigned int c = min_t(unsigned int, len, PAGE_SIZE - o);

		if (p->n >= ARRAY_SIZE(p->c))
			return -E2BIG;
		p->c[p->n++] = (struct nf_chunk){ .page = pg, .off = o, .len = c };
		off += c;
		len -= c;
	}
	return 0;
}

static int nf_tx_direct(struct sk_buff *skb, struct nf_txplan *p)
{
	unsigned int headlen = skb_headlen(skb), done = 0, i;

	p->n = 0;
	/* the linear area is contiguous in the direct map */
	while (done < headlen) {
		const void *va = skb->data + done;
		unsigned int o = offset_in_page(va);
		unsigned int c = min_t(unsigned int, headlen - done, PAGE_SIZE - o);

		if (p->n >= ARRAY_SIZE(p->c))
			return -E2BIG;
		p->c[p->n++] = (struct nf_chunk){ .page = virt_to_page(va), .off = o, .len = c };
		done += c;
	}
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];

		if (nf_chunks_add(p, skb_frag_page(f), skb_frag_off(f), skb_frag_size(f)))
			return -E2BIG;
	}
	return p->n ? 0 : -EINVAL;
}

static void nf_tx_free_bounce(struct nf_txplan *p)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (p->c[i].bounce)
			__free_page(p->c[i].page);
	p->n = 0;
}

/* Copy the packet into fresh pages: each page holds only packet bytes. */
static int nf_tx_bounce(struct nf_dev *nf, struct sk_buff *skb, struct nf_txplan *p)
{
	gfp_t gfp = GFP_ATOMIC | __GFP_NOWARN | (nf->trusted ? 0 : __GFP_ZERO);
	unsigned int done = 0;

	p->n = 0;
	while (done < skb->len) {
		unsigned int c = min_t(unsigned int, skb->len - done, PAGE_SIZE);
		struct page *pg;

		if (p->n >= ARRAY_SIZE(p->c))
			goto fail;
		pg = alloc_page(gfp);
		if (!pg)
			goto fail;
		p->c[p->n++] = (struct nf_chunk){ .page = pg, .off = 0, .len = c, .bounce = true };
		if (skb_copy_bits(skb, done, page_address(pg), c))
			goto fail;
		done += c;
	}
	return 0;
fail:
	nf_tx_free_bounce(p);
	return -ENOMEM;
}

static void nf_tx_push(struct nf_queue *q)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->tx, notify);
	if (notify)
		notify_remote_via_irq(q->ev_tx.irq);
}

static bool nf_tx_room(struct nf_queue *q, unsigned int slots, unsigned int ids)
{
	return nfp_ring_free(q->tx.req_prod_pvt, q->tx.rsp_cons, NF_RING_SIZE) >= slots &&
	       q->txids.nfree >= ids;
}

/* Let go of what a slot holds (grant already ended or handed over). */
static void nf_tx_slot_drop(struct nf_queue *q, struct nf_txslot *s, bool sent)
{
	if (s->skb) {
		if (sent)
			dev_consume_skb_any(s->skb);
		else
			dev_kfree_skb_any(s->skb);
		q->tx_skb_refs--;
	}
	if (s->bounce && s->page) {
		__free_page(s->page);
		q->tx_pages--;
	}
	s->skb = NULL;
	s->page = NULL;
	s->bounce = false;
	s->ref = INVALID_GRANT_REF;
}

/*
 * Undo the slots of a packet that was never published: the grant
 * reference pool came up empty, which cannot happen while every busy id
 * holds exactly one reference, but is handled rather than trusted.
 */
static void nf_tx_unwind(struct nf_queue *q, const u16 *ids, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct nf_txslot *s = &q->txs[ids[i]];

		if (nf_gnttab_end_ref(s->ref, true)) {
			gnttab_release_grant_reference(&q->tx_gref_head, s->ref);
		} else {
			/* mapped before it was published: the grant code keeps the page */
			get_page(s->page);
			xfpm_gnttab_end_access(s->ref, s->page);
			nf_count(q->nf, NF_EV_GRANT_DEFERRED);
			nf_mark_broken(q->nf, "tx: backend mapped an unpublished grant");
		}
		q->tx_grants--;
		/* slot 0 holds the caller's reference, which stays with the caller */
		if (s->skb) {
			if (i)
				kfree_skb(s->skb);
			q->tx_skb_refs--;
		}
		s->skb = NULL;
		s->page = NULL;
		s->bounce = false;
		s->ref = INVALID_GRANT_REF;
		nfp_txid_put(&q->txids, ids[i]);
	}
}

/* Put the packet on the ring; tx_lock held, room checked. */
static int nf_tx_post(struct nf_queue *q, struct sk_buff *skb, struct nf_txplan *p)
{
	domid_t be = q->nf->xdev->otherend_id;
	RING_IDX i = q->tx.req_prod_pvt;
	u16 ids[NFP_TX_MAX_SLOTS];
	unsigned int k;

	for (k = 0; k < p->n; k++) {
		const struct nf_chunk *c = &p->c[k];
		struct xen_netif_tx_request *req;
		struct nf_txslot *s;
		int ref;
		u16 id;

		id = nfp_txid_get(&q->txids);
		ref = gnttab_claim_grant_reference(&q->tx_gref_head);
		if (id == NFP_TXID_NONE || ref < 0) {
			if (id != NFP_TXID_NONE)
				nfp_txid_put(&q->txids, id);
			nf_tx_unwind(q, ids, k);
			return -ENOSPC;
		}
		ids[k] = id;
		gnttab_grant_foreign_access_ref(ref, be, xen_page_to_gfn(c->page), 1);
		q->tx_grants++;

		s = &q->txs[id];
		s->ref = ref;
		s->page = c->page;
		s->bounce = c->bounce;
		s->skb = NULL;
		if (!c->bounce) {
			s->skb = k ? skb_get(skb) : skb;
			q->tx_skb_refs++;
		}

		req = RING_GET_REQUEST(&q->tx, i++);
		req->id = id;
		req->gref = ref;
		req->offset = c->off;
		if (k == 0) {
			req->size = skb->len;
			req->flags = nfp_tx_first_flags(p->csum, p->gso, p->n > 1);
			if (p->gso) {
				struct xen_netif_extra_info *ex;

				ex = (struct xen_netif_extra_info *)RING_GET_REQUEST(&q->tx, i++);
				memset(ex, 0, sizeof(*ex));
				ex->type = XEN_NETIF_EXTRA_TYPE_GSO;
				ex->u.gso.size = p->gso_size;
				ex->u.gso.type = p->gso_type;
			}
		} else {
			req->size = c->len;
			req->flags = k + 1 < p->n ? XEN_NETTXF_more_data : 0;
		}
	}
	for (k = 0; k < p->n; k++)
		if (p->c[k].bounce)
			q->tx_pages++;
	q->tx.req_prod_pvt = i;
	return 0;
}

netdev_tx_t nf_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct nf_dev *nf = netdev_priv(dev);
	unsigned int qid = skb_get_queue_mapping(skb);
	struct netdev_queue *txq;
	struct nfp_tx_shape shape;
	struct nfp_tx_caps caps;
	enum nfp_tx_layout layout;
	struct nf_txplan plan;
	struct nf_queue *q;
	unsigned long flags;
	unsigned int len;
	bool bounced = false, stop;
	u32 slots;

	if (unlikely(qid >= nf->max_queues || qid >= READ_ONCE(nf->nr_queues) ||
		     READ_ONCE(nf->broken)))
		goto drop;
	q = &nf->queues[qid];
	txq = netdev_get_tx_queue(dev, qid);

	caps.sg = nf->feat.sg;
	caps.trusted = nf->trusted;
	caps.max_slots = NFP_TX_MAX_SLOTS;
	caps.page_size = PAGE_SIZE;
	memset(&plan, 0, sizeof(plan));
	nf_tx_shape(skb, nf, &shape, &plan);
	layout = nfp_tx_plan(&shape, &caps, &slots);
	if (layout == NFP_TX_DIRECT && nf_tx_direct(skb, &plan))
		layout = NFP_TX_BOUNCE;
	if (layout == NFP_TX_BOUNCE) {
		if (nf_tx_bounce(nf, skb, &plan))
			goto drop;
		bounced = true;
		slots = plan.n + (plan.gso ? 1 : 0);
	}
	if (layout == NFP_TX_DROP) {
		if (net_ratelimit())
			netdev_warn(dev, "dropping a packet the protocol cannot carry (len %u, gso %d)\n",
				    skb->len, skb_is_gso(skb));
		goto drop;
	}

	spin_lock_irqsave(&q->tx_lock, flags);
	if (unlikely(!q->tx_open)) {
		/* frozen, reconnecting or closing: the qdisc keeps the packet */
		netif_tx_stop_queue(txq);
		spin_unlock_irqrestore(&q->tx_lock, flags);
		nf_tx_free_bounce(&plan);
		nf_count(nf, NF_EV_TX_REQUEUED);
		return NETDEV_TX_BUSY;
	}
	nf_tx_complete(q);
	if (unlikely(!nf_tx_room(q, slots, plan.n) || nf_tx_post(q, skb, &plan))) {
		netif_tx_stop_queue(txq);
		spin_unlock_irqrestore(&q->tx_lock, flags);
		nf_tx_free_bounce(&plan);
		nf_count(nf, NF_EV_TX_REQUEUED);
		return NETDEV_TX_BUSY;
	}
	len = skb->len;
	u64_stats_update_begin(&q->txstat.syncp);
	q->txstat.packets++;
	q->txstat.bytes += len;
	u64_stats_update_end(&q->txstat.syncp);
	skb_tx_timestamp(skb);

	stop = !nf_tx_room(q, NF_TX_MAX_PKT_SLOTS, NFP_TX_MAX_SLOTS);
	if (stop)
		netif_tx_stop_queue(txq);
	if (!netdev_xmit_more() || netif_xmit_stopped(txq))
		nf_tx_push(q);
	if (stop) {
		/* responses may have arrived meanwhile: do not sleep on a free ring */
		nf_tx_complete(q);
	}
	spin_unlock_irqrestore(&q->tx_lock, flags);

	if (bounced) {
		nf_count(nf, NF_EV_TX_BOUNCED);
		dev_consume_skb_any(skb);
	}
	return NETDEV_TX_OK;

drop:
	nf_count(nf, NF_EV_TX_DROPPED);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* Finish a completed slot: false if the backend still has the grant. */
static bool nf_tx_slot_done(struct nf_queue *q, u16 id, bool sent)
{
	struct nf_txslot *s = &q->txs[id];

	if (unlikely(!nf_gnttab_end_ref(s->ref, true)))
		return false;
	gnttab_release_grant_reference(&q->tx_gref_head, s->ref);
	q->tx_grants--;
	nf_tx_slot_drop(q, s, sent);
	nfp_txid_put(&q->txids, id);
	return true;
}

static void nf_tx_maybe_wake(struct nf_queue *q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->nf->netdev, q->id);

	if (q->tx_open && netif_tx_queue_stopped(txq) &&
	    nf_tx_room(q, NF_TX_MAX_PKT_SLOTS, NFP_TX_MAX_SLOTS))
		netif_tx_wake_queue(txq);
}

/* Reap transmit responses; tx_lock held. */
void nf_tx_complete(struct nf_queue *q)
{
	struct nf_dev *nf = q->nf;
	RING_IDX cons, prod;
	int more;

	if (!q->active || !q->tx.sring || READ_ONCE(nf->broken))
		return;
	do {
		prod = READ_ONCE(q->tx.sring->rsp_prod);
		virt_rmb();	/* responses after the index that announced them */
		if (unlikely(!nfp_ring_rsp_prod_ok(q->tx.req_prod_pvt, q->tx.rsp_cons, prod))) {
			nf_count(nf, NF_EV_TX_MALFORMED);
			nf_mark_broken(nf, "tx: more responses than requests");
			return;
		}
		for (cons = q->tx.rsp_cons; cons != prod; cons++) {
			struct xen_netif_tx_response raw;
			struct nfp_tx_rsp rsp;
			enum nfp_tx_verdict v;

			/* one read of the shared slot; checks work on the copy */
			raw = READ_ONCE(*RING_GET_RESPONSE(&q->tx, cons));
			rsp.id = raw.id;
			rsp.status = raw.status;
			v = nfp_tx_check_rsp(&q->txids, &rsp);
			if (v == NFP_TX_SKIP)
				continue;
			if (unlikely(nfp_tx_verdict_fatal(v))) {
				q->tx.rsp_cons = cons + 1;
				nf_count(nf, NF_EV_TX_MALFORMED);
				nf_mark_broken(nf, v == NFP_TX_BAD_ID ? "tx: response id out of range" :
					       "tx: response for an id not in flight");
				return;
			}
			if (v == NFP_TX_DONE_ERROR)
				nf_count(nf, NF_EV_TX_BACKEND_ERR);
			else if (v == NFP_TX_DONE_BAD_STATUS)
				nf_count(nf, NF_EV_TX_MALFORMED);
			if (unlikely(!nf_tx_slot_done(q, rsp.id, v == NFP_TX_DONE))) {
				q->tx.rsp_cons = cons + 1;
				nf_mark_broken(nf, "tx: backend kept access to a completed buffer");
				return;
			}
		}
		q->tx.rsp_cons = prod;
		RING_FINAL_CHECK_FOR_RESPONSES(&q->tx, more);
	} while (more);
	nf_tx_maybe_wake(q);
}

/*
 * Drop everything in flight (teardown, tx_lock held, event channels
 * unbound).  After a restore the grants are on a grant table the new
 * backend never saw and end at once; on a live backend that still maps a
 * page, the page is handed to the kernel's deferred grant release.
 */
void nf_tx_release_all(struct nf_queue *q)
{
	unsigned int id;

	for (id = 0; id < q->txids.size; id++) {
		struct nf_txslot *s = &q->txs[id];

		if (!nfp_txid_busy(&q->txids, id))
			continue;
		if (s->ref != INVALID_GRANT_REF) {
			if (nf_gnttab_end_ref(s->ref, true)) {
				gnttab_release_grant_reference(&q->tx_gref_head, s->ref);
			} else {
				/* the grant code keeps a page reference until it is free */
				if (!s->bounce)
					get_page(s->page);
				else
					q->tx_pages--;
				xfpm_gnttab_end_access(s->ref, s->page);
				s->bounce = false;
				s->page = NULL;
				nf_count(q->nf, NF_EV_GRANT_DEFERRED);
			}
			s->ref = INVALID_GRANT_REF;
			q->tx_grants--;
		}
		nf_tx_slot_drop(q, s, false);
		nf_count(q->nf, NF_EV_TX_FLUSHED);
		nfp_txid_put(&q->txids, id);
	}
}

void nf_tx_set_open(struct nf_queue *q, bool open)
{
	unsigned long flags;

	spin_lock_irqsave(&q->tx_lock, flags);
	q->tx_open = open && q->active;
	if (q->tx_open)
		nf_tx_complete(q);
	spin_unlock_irqrestore(&q->tx_lock, flags);
}

static bool nf_tx_irq_work(struct nf_queue *q)
{
	unsigned long flags;
	bool fresh;
	u32 prod;

	spin_lock_irqsave(&q->tx_lock, flags);
	if (!q->tx.sring) {
		spin_unlock_irqrestore(&q->tx_lock, flags);
		return false;
	}
	prod = READ_ONCE(q->tx.sring->rsp_prod);
	fresh = prod != q->tx_evt_prod;
	q->tx_evt_prod = prod;
	nf_tx_complete(q);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	return fresh;
}

irqreturn_t nf_tx_interrupt(int irq, void *data)
{
	struct nf_queue *q = data;
	bool work;

	/* a broken backend's channel stays masked: no EOI */
	if (unlikely(READ_ONCE(q->nf->broken)))
		return IRQ_HANDLED;
	work = nf_tx_irq_work(q);
	xen_irq_lateeoi(irq, work ? 0 : XEN_EOI_FLAG_SPURIOUS);
	return IRQ_HANDLED;
}

irqreturn_t nf_txrx_interrupt(int irq, void *data)
{
	struct nf_queue *q = data;
	bool work;

	if (unlikely(READ_ONCE(q->nf->broken)))
		return IRQ_HANDLED;
	work = nf_tx_irq_work(q);
	work |= nf_rx_irq_work(q);
	xen_irq_lateeoi(irq, work ? 0 : XEN_EOI_FLAG_SPURIOUS);
	return IRQ_HANDLED;
}
