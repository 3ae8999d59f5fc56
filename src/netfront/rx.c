// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront: the receive path (rx-copy: the backend copies packets into
 * pages we post and grant it write access to).
 *
 * Everything here runs in the queue's NAPI poll, the only user of the
 * receive ring while the queue is active.  Each response is read from the
 * shared ring once, its buffer's grant is ended before the page is looked
 * at, and the copy is checked by the parser of src/ring/net_rx.c, which
 * says whether the slot carries packet data and when a packet is complete
 * and may be delivered.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/mm.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xenfront/compat_net.h>
#include "netfront.h"

#define NF_RX_COPY_MAX	1024U

static inline int nf_rx_irq(struct nf_queue *q)
{
	return q->split ? q->ev_rx.irq : q->ev_tx.irq;
}

static struct page *nf_rx_get_page(struct nf_queue *q)
{
	struct page *page;

	if (q->nspare)
		return q->spare[--q->nspare];
	/* fresh pages for an untrusted backend hold no stale kernel data */
	page = alloc_page(GFP_ATOMIC | __GFP_NOWARN | (q->nf->trusted ? 0 : __GFP_ZERO));
	if (page)
		q->rx_pages++;
	return page;
}

static void nf_rx_put_page(struct nf_queue *q, struct page *page)
{
	if (q->nspare < NF_RX_SPARE) {
		q->spare[q->nspare++] = page;
		return;
	}
	put_page(page);
	q->rx_pages--;
}

void nf_rx_refill(struct nf_queue *q)
{
	domid_t be = q->nf->xdev->otherend_id;
	u32 posted = q->rx.req_prod_pvt - q->rx.rsp_cons;
	u32 want = nfp_rx_refill_count(posted, NF_RING_SIZE, NF_RX_BATCH, NF_RX_LOW);
	bool pushed = false;
	int notify;

	while (want--) {
		RING_IDX idx = q->rx.req_prod_pvt;
		unsigned int slot = idx & (NF_RING_SIZE - 1);
		struct nf_rxbuf *b = &q->rxb[slot];
		struct xen_netif_rx_request *req;
		struct page *page;
		int ref;

		if (WARN_ON_ONCE(b->page))
			break;
		page = nf_rx_get_page(q);
		if (!page)
			break;
		ref = gnttab_claim_grant_reference(&q->rx_gref_head);
		if (ref < 0) {
			nf_rx_put_page(q, page);
			break;
		}
		gnttab_grant_foreign_access_ref(ref, be, xen_page_to_gfn(page), 0);
		b->page = page;
		b->ref = ref;
		req = RING_GET_REQUEST(&q->rx, idx);
		req->id = slot;
		req->gref = ref;
		q->rx.req_prod_pvt = idx + 1;
		q->rx_posted++;
		q->rx_grants++;
		pushed = true;
	}
	if (pushed) {
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->rx, notify);
		if (notify)
			notify_remote_via_irq(nf_rx_irq(q));
	}
	/* out of memory with the ring nearly empty: try again soon */
	if (q->rx.req_prod_pvt - q->rx.rsp_cons < NF_RX_LOW)
		mod_timer(&q->refill_timer, jiffies + NF_RX_REFILL_RETRY);
}

void nf_refill_timer_fn(struct timer_list *t)
{
	struct nf_queue *q = timer_container_of(q, t, refill_timer);

	napi_schedule(&q->napi);
}

/* Take the buffer of a consumed slot back from the backend. */
static struct page *nf_rx_take(struct nf_queue *q, RING_IDX idx)
{
	struct nf_rxbuf *b = &q->rxb[idx & (NF_RING_SIZE - 1)];
	struct page *page = b->page;

	if (unlikely(!page)) {
		nf_mark_broken(q->nf, "rx: response for a slot without a buffer");
		return NULL;
	}
	if (unlikely(!nf_gnttab_end_ref(b->ref, false))) {
		nf_mark_broken(q->nf, "rx: backend kept access to a filled buffer");
		return NULL;
	}
	gnttab_release_grant_reference(&q->rx_gref_head, b->ref);
	b->page = NULL;
	b->ref = INVALID_GRANT_REF;
	q->rx_posted--;
	q->rx_grants--;
	return page;
}

/* The glue gives up on the packet being built (the parser drops the rest). */
static void nf_rx_fail(struct nf_queue *q, enum nfp_rx_reason why)
{
	if (q->rx_fail == NFP_RX_OK)
		q->rx_fail = why;
	nfp_rx_abort(&q->parser, why);
}

static void nf_rx_attach(struct nf_queue *q, struct page *page, const struct nfp_rx_step *st)
{
	struct sk_buff *skb = q->rx_skb;
	unsigned int off = st->data_off, len = st->data_len;

	if (q->rx_fail != NFP_RX_OK) {
		nf_rx_put_page(q, page);
		return;
	}
	if (!skb) {
		unsigned int room = clamp_t(unsigned int, READ_ONCE(nf_param_rx_copy_threshold),
					    ETH_HLEN, NF_RX_COPY_MAX);

		skb = napi_alloc_skb(&q->napi, room);
		if (unlikely(!skb)) {
			nf_rx_fail(q, NFP_RX_NO_MEMORY);
			nf_rx_put_page(q, page);
			return;
		}
		q->rx_skb = skb;
	}
	if (!skb->len) {
		/* the head goes into the linear area; a small packet only there */
		unsigned int room = clamp_t(unsigned int, READ_ONCE(nf_param_rx_copy_threshold),
					    ETH_HLEN, NF_RX_COPY_MAX);
		unsigned int copy = min3(len, room, (unsigned int)skb_tailroom(skb));

		skb_put_data(skb, page_address(page) + off, copy);
		off += copy;
		len -= copy;
		if (!len) {
			nf_rx_put_page(q, page);
			return;
		}
	}
	if (unlikely(skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS)) {
		nf_rx_fail(q, NFP_RX_TOO_MANY_SLOTS);
		nf_rx_put_page(q, page);
		return;
	}
	skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page, off, len, PAGE_SIZE);
	q->rx_pages--;		/* the page belongs to the skb now */
}

static void nf_rx_drop(struct nf_queue *q, enum nfp_rx_reason why)
{
	struct nf_dev *nf = q->nf;

	if (nfp_rx_reason_malformed(why)) {
		nf_count(nf, NF_EV_RX_MALFORMED);
		if (net_ratelimit())
			netdev_warn(nf->netdev, "queue %u: dropped a malformed packet from the backend (%s)\n",
				    q->id, nfp_rx_reason_name(why));
	} else if (why == NFP_RX_BACKEND_ERROR) {
		nf_count(nf, NF_EV_RX_BACKEND_ERR);
		if (net_ratelimit())
			netdev_dbg(nf->netdev, "queue %u: backend reported a receive error\n", q->id);
	} else {
		nf_count(nf, NF_EV_RX_NOMEM);
	}
}

static void nf_rx_deliver(struct nf_queue *q, struct sk_buff *skb, const struct nfp_rx_pkt *pkt)
{
	struct nf_dev *nf = q->nf;
	struct net_device *dev = nf->netdev;

	if (unlikely(!pskb_may_pull(skb, ETH_HLEN))) {
		kfree_skb(skb);
		nf_rx_drop(q, NFP_RX_TOO_SHORT);
		return;
	}
	skb->protocol = eth_type_trans(skb, dev);
	skb_reset_network_header(skb);

	if (pkt->gso_size) {
		skb_shinfo(skb)->gso_size = pkt->gso_size;
		skb_shinfo(skb)->gso_type = SKB_GSO_DODGY |
			(pkt->gso_type == NFP_GSO_TCPV4 ? SKB_GSO_TCPV4 : SKB_GSO_TCPV6);
		skb_shinfo(skb)->gso_segs = 0;
	}
	switch (pkt->csum) {
	case NFP_CSUM_VALID:
		skb->ip_summed = CHECKSUM_UNNECESSARY;
		break;
	case NFP_CSUM_PARTIAL:
	case NFP_CSUM_PARTIAL_FIXUP:
		/* the checksum field is blank: the stack must see where it goes */
		skb->ip_summed = CHECKSUM_PARTIAL;
		if (unlikely(skb_checksum_setup(skb, pkt->csum == NFP_CSUM_PARTIAL_FIXUP))) {
			nf_count(nf, NF_EV_RX_CSUM_BAD);
			if (net_ratelimit())
				netdev_warn(dev, "queue %u: dropped a packet whose checksum cannot be set up\n",
					    q->id);
			kfree_skb(skb);
			return;
		}
		if (pkt->csum == NFP_CSUM_PARTIAL_FIXUP)
			nf_count(nf, NF_EV_RX_CSUM_FIXUP);
		break;
	default:
		skb->ip_summed = CHECKSUM_NONE;
		break;
	}

	u64_stats_update_begin(&q->rxstat.syncp);
	q->rxstat.packets++;
	q->rxstat.bytes += pkt->len;
	u64_stats_update_end(&q->rxstat.syncp);
	napi_gro_receive(&q->napi, skb);
}

static void nf_rx_finish(struct nf_queue *q, const struct nfp_rx_pkt *pkt)
{
	struct sk_buff *skb = q->rx_skb;
	enum nfp_rx_reason why = pkt->reason;

	q->rx_skb = NULL;
	if (why == NFP_RX_OK)
		why = q->rx_fail;
	q->rx_fail = NFP_RX_OK;
	if (why == NFP_RX_OK && !skb)
		why = NFP_RX_NO_MEMORY;
	if (why != NFP_RX_OK) {
		kfree_skb(skb);
		nf_rx_drop(q, why);
		return;
	}
	nf_rx_deliver(q, skb, pkt);
}

static int nf_rx_process(struct nf_queue *q, int budget)
{
	struct nf_dev *nf = q->nf;
	RING_IDX cons = q->rx.rsp_cons, prod;
	int done = 0;

	prod = READ_ONCE(q->rx.sring->rsp_prod);
	virt_rmb();	/* responses after the index that announced them */
	if (unlikely(!nfp_ring_rsp_prod_ok(q->rx.req_prod_pvt, cons, prod))) {
		nf_count(nf, NF_EV_RX_MALFORMED);
		nf_mark_broken(nf, "rx: more responses than posted buffers");
		return 0;
	}
	q->parser.lim.rx_csum = !!(nf->netdev->features & NETIF_F_RXCSUM);

	while (cons != prod && done < budget) {
		struct xen_netif_rx_response raw;
		union nfp_rx_slot slot;
		struct nfp_rx_step st;
		struct page *page;

		/* one read of the shared slot; everything after works on the copy */
		raw = READ_ONCE(*RING_GET_RESPONSE(&q->rx, cons));
		memcpy(&slot, &raw, sizeof(slot));
		page = nf_rx_take(q, cons);
		if (!page)
			break;
		nfp_rx_feed(&q->parser, cons, &slot, &st);
		cons++;
		if (st.use == NFP_RX_USE_DATA)
			nf_rx_attach(q, page, &st);
		else
			nf_rx_put_page(q, page);
		if (st.done) {
			nf_rx_finish(q, &st.pkt);
			done++;
		}
	}
	q->rx.rsp_cons = cons;
	return done;
}

int nf_poll(struct napi_struct *napi, int budget)
{
	struct nf_queue *q = container_of(napi, struct nf_queue, napi);
	struct nf_dev *nf = q->nf;
	int done = 0, more;

	if (likely(!READ_ONCE(nf->broken) && q->rx.sring)) {
		done = nf_rx_process(q, budget);
		if (!READ_ONCE(nf->broken))
			nf_rx_refill(q);
	}
	if (done < budget && napi_complete_done(napi, done) &&
	    !READ_ONCE(nf->broken) && q->rx.sring) {
		RING_FINAL_CHECK_FOR_RESPONSES(&q->rx, more);
		if (more)
			napi_schedule(napi);
	}
	return done;
}

bool nf_rx_irq_work(struct nf_queue *q)
{
	bool fresh;
	u32 prod;

	if (!q->rx.sring)
		return false;
	prod = READ_ONCE(q->rx.sring->rsp_prod);
	fresh = prod != q->rx_evt_prod;
	q->rx_evt_prod = prod;
	if (fresh)
		napi_schedule(&q->napi);
	return fresh;
}

irqreturn_t nf_rx_interrupt(int irq, void *data)
{
	struct nf_queue *q = data;
	bool work;

	if (unlikely(READ_ONCE(q->nf->broken)))
		return IRQ_HANDLED;
	work = nf_rx_irq_work(q);
	xen_irq_lateeoi(irq, work ? 0 : XEN_EOI_FLAG_SPURIOUS);
	return IRQ_HANDLED;
}

void nf_rx_reset_parser(struct nf_queue *q)
{
	struct nfp_rx_limits lim = {
		.page_size = PAGE_SIZE,
		.max_data_slots = MAX_SKB_FRAGS,
		.gso_tcpv4 = true,	/* we advertise both GSO types */
		.gso_tcpv6 = true,
		.rx_csum = true,
	};

	nfp_rx_parser_init(&q->parser, &lim);
	q->rx_fail = NFP_RX_OK;
}

/*
 * Teardown (NAPI disabled, event channels unbound): end every posted
 * buffer's grant and free what we hold.  A buffer a live backend still has
 * access to goes to the kernel's deferred grant release with its page.
 */
void nf_rx_release_all(struct nf_queue *q)
{
	unsigned int i;

	for (i = 0; i < NF_RING_SIZE; i++) {
		struct nf_rxbuf *b = &q->rxb[i];

		if (!b->page)
			continue;
		if (nf_gnttab_end_ref(b->ref, false)) {
			gnttab_release_grant_reference(&q->rx_gref_head, b->ref);
			put_page(b->page);
		} else {
			xfpm_gnttab_end_access(b->ref, b->page);
			nf_count(q->nf, NF_EV_GRANT_DEFERRED);
		}
		b->page = NULL;
		b->ref = INVALID_GRANT_REF;
		q->rx_pages--;
		q->rx_grants--;
		q->rx_posted--;
	}
	if (q->rx_skb) {
		kfree_skb(q->rx_skb);
		q->rx_skb = NULL;
	}
	while (q->nspare) {
		put_page(q->spare[--q->nspare]);
		q->rx_pages--;
	}
	nf_rx_reset_parser(q);
}
