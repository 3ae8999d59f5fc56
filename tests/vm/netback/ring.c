// SPDX-License-Identifier: GPL-2.0-only
/*
 * xfnetback: the data path - the transmit and receive rings of one vif,
 * grant copies in both directions, and every misbehaviour that happens on
 * a ring (see the list at the top of xfnetback.c).
 *
 * Transmit: a packet's slots (first slot, extra-info slots, more_data
 * slots) are copied off the ring once, its data is grant-copied into a
 * local buffer, each slot is answered (NETIF_RSP_OKAY, extra-info slots
 * NETIF_RSP_NULL) and the frame goes to frame.c, which may queue a reply.
 * Receive: each queued reply takes the next posted buffer and is
 * grant-copied into it at offset 0, one slot per frame.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "xfnetback.h"

/* ---- grant mappings kept past their response ---- */
static struct xfn_kept *kept;

static void kept_add(unsigned int domid, void *addr, unsigned int ms)
{
	struct xfn_kept *k = calloc(1, sizeof(*k));

	if (!k) {
		xengnttab_unmap(xgt, addr, 1);
		return;
	}
	k->domid = domid;
	k->addr = addr;
	k->until_ms = now_ms() + ms;
	k->next = kept;
	kept = k;
}

/* unmap the kept mappings that match: domid (-1: any) and due by now (0: any) */
static void kept_drop(long domid, uint64_t now)
{
	struct xfn_kept **p = &kept, *k;

	while ((k = *p)) {
		if ((domid < 0 || k->domid == (unsigned int)domid) &&
		    (!now || k->until_ms <= now)) {
			*p = k->next;
			xengnttab_unmap(xgt, k->addr, 1);
			xlog("kept grant mapping of domain %u released", k->domid);
			free(k);
		} else {
			p = &k->next;
		}
	}
}

void kept_expire(uint64_t now)
{
	kept_drop(-1, now ? now : 1);
}

void kept_release_domain(unsigned int domid)
{
	kept_drop(domid, 0);
}

void kept_release_all(void)
{
	kept_drop(-1, 0);
}

/* a dying domain must not wait for a mapping whose vif is long freed */
void kept_release_gone(void)
{
	struct xfn_kept *k;
	unsigned int domid;

	for (k = kept; k; k = k->next) {
		if (xs_is_domain_introduced(xsh, k->domid))
			continue;
		domid = k->domid;
		kept_drop(domid, 0);
		/* the list changed under us: start again */
		kept_release_gone();
		return;
	}
}

uint64_t kept_next(void)
{
	struct xfn_kept *k;
	uint64_t t = 0;

	for (k = kept; k; k = k->next)
		if (!t || k->until_ms < t)
			t = k->until_ms;
	return t;
}

/* ---- rings ---- */
int ring_map(struct xfn_vif *v, uint32_t txref, uint32_t rxref, unsigned int evtchn)
{
	xenevtchn_port_or_error_t port;
	int e;

	v->txmap = xengnttab_map_grant_ref(xgt, v->domid, txref, PROT_READ | PROT_WRITE);
	if (!v->txmap)
		return -1;
	v->rxmap = xengnttab_map_grant_ref(xgt, v->domid, rxref, PROT_READ | PROT_WRITE);
	if (!v->rxmap)
		goto fail;
	port = xenevtchn_bind_interdomain(xce, v->domid, evtchn);
	if (port < 0)
		goto fail;
	v->port = (evtchn_port_t)port;
	BACK_RING_INIT(&v->tx, (netif_tx_sring_t *)v->txmap, XFN_PAGE);
	BACK_RING_INIT(&v->rx, (netif_rx_sring_t *)v->rxmap, XFN_PAGE);
	v->broken = false;
	v->qhead = v->qcount = 0;
	v->dup_held = false;
	return 0;
fail:
	e = errno;
	if (v->rxmap)
		xengnttab_unmap(xgt, v->rxmap, 1);
	xengnttab_unmap(xgt, v->txmap, 1);
	v->txmap = v->rxmap = NULL;
	errno = e;
	return -1;
}

void ring_unmap(struct xfn_vif *v)
{
	if (v->port) {
		xenevtchn_unbind(xce, v->port);
		v->port = 0;
	}
	if (v->txmap) {
		xengnttab_unmap(xgt, v->txmap, 1);
		v->txmap = NULL;
	}
	if (v->rxmap) {
		xengnttab_unmap(xgt, v->rxmap, 1);
		v->rxmap = NULL;
	}
	v->qcount = 0;
	v->dup_held = false;
	if (v->dead)
		kept_release_domain(v->domid);
}

static bool armed(const struct xfn_vif *v, enum xfn_mode m)
{
	return v->mb.mode == m;
}

/* ---- transmit ---- */
static void tx_put(struct xfn_vif *v, uint16_t id, int16_t st)
{
	netif_tx_response_t *rsp = RING_GET_RESPONSE(&v->tx, v->tx.rsp_prod_pvt);

	rsp->id = id;
	rsp->status = st;
	v->tx.rsp_prod_pvt++;
}

/* publish rsp_prod beyond every request the frontend posted */
static void publish_beyond(struct xfn_vif *v, bool rx)
{
	RING_IDX req = rx ? v->rx.sring->req_prod : v->tx.sring->req_prod;

	xen_wmb();
	if (rx) {
		v->rx.rsp_prod_pvt = req + 4;
		v->rx.sring->rsp_prod = v->rx.rsp_prod_pvt;
	} else {
		v->tx.rsp_prod_pvt = req + 4;
		v->tx.sring->rsp_prod = v->tx.rsp_prod_pvt;
	}
	xfn_fired(v, "%s-rsp-prod-beyond: rsp_prod published as %u, 4 beyond the frontend's req_prod",
		  rx ? "rx" : "tx", req + 4);
	xfn_mb_done(v);
}

static void tx_push(struct xfn_vif *v)
{
	int notify;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&v->tx, notify);
	if (notify)
		xenevtchn_notify(xce, v->port);
}

struct tx_pkt {
	netif_tx_request_t slot[XFN_TX_SLOTS];
	bool extra[XFN_TX_SLOTS];
	unsigned int n;
	bool bad;			/* too many slots, or sizes that do not add up */
};

/* copy one packet's slots off the ring; false: not all of them are there */
static bool tx_take(struct xfn_vif *v, RING_IDX rp, struct tx_pkt *pk)
{
	RING_IDX i = v->tx.req_cons;
	bool more_extra, more;

	memset(pk, 0, sizeof(*pk));
	memcpy(&pk->slot[0], RING_GET_REQUEST(&v->tx, i), sizeof(pk->slot[0]));
	i++;
	pk->n = 1;
	more_extra = pk->slot[0].flags & NETTXF_extra_info;
	more = pk->slot[0].flags & NETTXF_more_data;
	while (more_extra || more) {
		netif_tx_request_t *s;

		if (i == rp)
			return false;
		if (pk->n == XFN_TX_SLOTS) {
			pk->bad = true;
			break;
		}
		s = &pk->slot[pk->n];
		memcpy(s, RING_GET_REQUEST(&v->tx, i), sizeof(*s));
		i++;
		if (more_extra) {
			netif_extra_info_t ex;

			memcpy(&ex, s, sizeof(ex));
			pk->extra[pk->n] = true;
			more_extra = ex.flags & XEN_NETIF_EXTRA_FLAG_MORE;
		} else {
			more = s->flags & NETTXF_more_data;
		}
		pk->n++;
	}
	v->tx.req_cons = i;
	return true;
}

/* grant-copy the packet's data into v->pkt; its length, or -1 */
static long tx_copy(struct xfn_vif *v, const struct tx_pkt *pk)
{
	xengnttab_grant_copy_segment_t seg[XFN_TX_SLOTS];
	unsigned int i, n = 0, rest = 0, first_len;
	long total;

	if (pk->bad)
		return -1;
	for (i = 1; i < pk->n; i++)
		if (!pk->extra[i])
			rest += pk->slot[i].size;
	if (rest > pk->slot[0].size)
		return -1;
	first_len = pk->slot[0].size - rest;
	total = 0;
	for (i = 0; i < pk->n; i++) {
		const netif_tx_request_t *s = &pk->slot[i];
		unsigned int len = i ? s->size : first_len;

		if (pk->extra[i] || !len)
			continue;
		if (s->offset + len > XFN_PAGE || total + len > XFN_PKT_MAX)
			return -1;
		memset(&seg[n], 0, sizeof(seg[n]));
		seg[n].source.foreign.ref = s->gref;
		seg[n].source.foreign.offset = s->offset;
		seg[n].source.foreign.domid = (uint16_t)v->domid;
		seg[n].dest.virt = v->pkt + total;
		seg[n].len = (uint16_t)len;
		seg[n].flags = GNTCOPY_source_gref;
		n++;
		total += len;
	}
	if (n && xengnttab_grant_copy(xgt, n, seg))
		return -1;
	for (i = 0; i < n; i++)
		if (seg[i].status != GNTST_okay)
			return -1;
	return total;
}

/*
 * tx-dup-id: the first request is held unanswered until a second one
 * comes (with another id, as the first is still in flight); then the held
 * one is answered, and the second one's slot answers the held id again.
 * True: the packet's responses are written.
 */
static bool tx_dup(struct xfn_vif *v, const struct tx_pkt *pk)
{
	uint16_t id = pk->slot[0].id;

	if (pk->n != 1)
		return false;
	if (!v->dup_held) {
		v->dup_held = true;
		v->dup_id = id;
		v->dup_since = now_ms();
		vlog(v, "tx-dup-id: holding the response to tx id %u", id);
		return true;
	}
	if (id == v->dup_id)
		return false;
	tx_put(v, v->dup_id, NETIF_RSP_OKAY);
	tx_put(v, v->dup_id, NETIF_RSP_OKAY);
	v->dup_held = false;
	xfn_fired(v, "tx-dup-id: tx id %u answered, then request %u answered with id %u again",
		  v->dup_id, id, v->dup_id);
	xfn_mb_done(v);
	return true;
}

/* write the responses of one packet, misbehaving as armed */
static void tx_answer(struct xfn_vif *v, const struct tx_pkt *pk, int16_t st)
{
	unsigned int i;
	uint16_t id0 = pk->slot[0].id;
	int16_t st0 = st;

	if (armed(v, MB_TX_DUP_ID) && tx_dup(v, pk))
		return;
	if (armed(v, MB_TX_UNKNOWN_ID)) {
		id0 = 0xfff0;
		xfn_fired(v, "tx-unknown-id: tx request %u answered as id %#x (never issued); its own id stays unanswered",
			  pk->slot[0].id, id0);
		xfn_mb_done(v);
	} else if (armed(v, MB_TX_BAD_STATUS)) {
		st0 = 7;
		xfn_fired(v, "tx-bad-status: tx request %u answered with status 7", id0);
		xfn_mb_done(v);
	}
	tx_put(v, id0, st0);
	for (i = 1; i < pk->n; i++)
		tx_put(v, pk->slot[i].id, pk->extra[i] ? NETIF_RSP_NULL : st);
}

/* one packet: copy, answer, hand the frame over; false: wait for its slots */
static bool tx_one(struct xfn_vif *v, RING_IDX rp)
{
	struct tx_pkt pk;
	long len;

	if (!tx_take(v, rp, &pk))
		return false;
	len = tx_copy(v, &pk);
	v->n_tx++;
	if (len < 0) {
		v->n_txerr++;
		vlog(v, "tx request %u (%u slots, size %u): bad layout or grant copy failed",
		     pk.slot[0].id, pk.n, pk.slot[0].size);
	}
	tx_answer(v, &pk, len < 0 ? NETIF_RSP_ERROR : NETIF_RSP_OKAY);
	if (armed(v, MB_TX_RSP_PROD_BEYOND)) {
		tx_push(v);
		publish_beyond(v, false);
		xenevtchn_notify(xce, v->port);
	}
	if (len > 0)
		frame_input(v, v->pkt, (unsigned int)len);
	v->status_dirty = true;
	return true;
}

static bool ring_sane(struct xfn_vif *v, bool rx)
{
	RING_IDX rp = rx ? v->rx.sring->req_prod : v->tx.sring->req_prod;
	RING_IDX cons = rx ? v->rx.req_cons : v->tx.req_cons;
	/* (and never more unconsumed requests than the ring has slots: a
	 * req_prod behind req_cons would otherwise be 2^32 requests away) */
	bool over = (rx ? RING_REQUEST_PROD_OVERFLOW(&v->rx, rp) :
			  RING_REQUEST_PROD_OVERFLOW(&v->tx, rp)) ||
		    rp - cons > (rx ? RING_SIZE(&v->rx) : RING_SIZE(&v->tx));

	if (over) {
		vlog(v, "%s req_prod %u is too far past our responses; ignoring the rings",
		     rx ? "rx" : "tx", rp);
		v->broken = true;
	}
	return !over;
}

static void tx_work(struct xfn_vif *v)
{
	int more;

	for (;;) {
		RING_IDX rp = v->tx.sring->req_prod;
		bool partial = false;

		xen_rmb();	/* the requests before the index */
		if (!ring_sane(v, false))
			return;
		while (v->tx.req_cons != rp && !armed(v, MB_HANG) && !partial)
			partial = !tx_one(v, rp);
		tx_push(v);
		/* a packet's last slots not posted yet: wait for their event */
		if (armed(v, MB_HANG) || partial)
			return;
		RING_FINAL_CHECK_FOR_REQUESTS(&v->tx, more);
		if (!more)
			return;
	}
}

/* ---- receive ---- */
static netif_rx_response_t *rx_next(struct xfn_vif *v, netif_rx_request_t *req)
{
	memcpy(req, RING_GET_REQUEST(&v->rx, v->rx.req_cons), sizeof(*req));
	v->rx.req_cons++;
	return RING_GET_RESPONSE(&v->rx, v->rx.rsp_prod_pvt++);
}

/* the frame into the buffer of req: copied, or mapped and kept */
static int16_t rx_fill(struct xfn_vif *v, const netif_rx_request_t *req,
		       const struct xfn_frame *fr)
{
	xengnttab_grant_copy_segment_t seg;

	if (armed(v, MB_KEEP_RX_GRANT)) {
		void *p = xengnttab_map_grant_ref(xgt, v->domid, req->gref,
						  PROT_READ | PROT_WRITE);

		if (p) {
			memcpy(p, fr->data, fr->len);
			kept_add(v->domid, p, v->mb.hold_ms);
			xfn_fired(v, "keep-rx-grant: rx buffer %u (gref %u) mapped, filled, answered and kept mapped %u ms",
				  req->id, req->gref, v->mb.hold_ms);
			xfn_mb_done(v);
			return (int16_t)fr->len;
		}
		vlog(v, "keep-rx-grant: cannot map gref %u: %s; copying", req->gref,
		     strerror(errno));
	}
	memset(&seg, 0, sizeof(seg));
	seg.source.virt = (void *)fr->data;
	seg.dest.foreign.ref = req->gref;
	seg.dest.foreign.offset = 0;
	seg.dest.foreign.domid = (uint16_t)v->domid;
	seg.len = (uint16_t)fr->len;
	seg.flags = GNTCOPY_dest_gref;
	if (xengnttab_grant_copy(xgt, 1, &seg) || seg.status != GNTST_okay) {
		v->n_rxerr++;
		return NETIF_RSP_ERROR;
	}
	return (int16_t)fr->len;
}

/* the slot after a first slot with extra_info: an extra of unknown type */
static void rx_garbage_extra(struct xfn_vif *v)
{
	netif_rx_request_t req;
	netif_extra_info_t *ex = (netif_extra_info_t *)rx_next(v, &req);

	memset(ex, 0, sizeof(*ex));
	ex->type = 0x6b;
	ex->flags = 0;
	ex->u.pad[0] = 0xdead;
}

/* the misbehaviour of one rx response, applied to what rx_fill wrote */
static void rx_mangle(struct xfn_vif *v, netif_rx_response_t *rsp, unsigned int len, bool *extra)
{
	const char *what = NULL;

	switch (v->mb.mode) {
	case MB_RX_BAD_OFFSET:
		rsp->offset = XFN_PAGE - 16;
		what = "rx-bad-offset: offset 4080 + size beyond the page";
		break;
	case MB_RX_SIZE_BIG:
		rsp->status = 5000;
		what = "rx-size-big: size 5000";
		break;
	case MB_RX_SIZE_ZERO:
		rsp->status = 0;
		what = "rx-size-zero: size 0";
		break;
	case MB_RX_BAD_ID:
		rsp->id ^= 1;
		what = "rx-bad-id: the id of the neighbouring buffer";
		break;
	case MB_RX_MORE_DATA:
		rsp->flags |= NETRXF_more_data;
		what = "rx-more-data: more_data on the only slot, nothing follows";
		break;
	case MB_RX_BAD_EXTRA:
		rsp->flags |= NETRXF_extra_info;
		*extra = true;
		what = "rx-bad-extra: extra_info, then an extra slot of type 0x6b";
		break;
	default:
		return;
	}
	xfn_fired(v, "%s (a reply frame of %u bytes)", what, len);
	xfn_mb_done(v);
}

static bool rx_mode(const struct xfn_vif *v)
{
	switch (v->mb.mode) {
	case MB_RX_BAD_OFFSET:
	case MB_RX_SIZE_BIG:
	case MB_RX_SIZE_ZERO:
	case MB_RX_BAD_ID:
	case MB_RX_MORE_DATA:
	case MB_RX_BAD_EXTRA:
		return true;
	default:
		return false;
	}
}

/* one queued frame into the next posted buffer(s) */
static void rx_one(struct xfn_vif *v)
{
	struct xfn_frame *fr = &v->q[v->qhead];
	netif_rx_request_t req;
	netif_rx_response_t *rsp = rx_next(v, &req);
	bool extra = false;
	int16_t st = rx_fill(v, &req, fr);

	rsp->id = req.id;
	rsp->offset = 0;
	rsp->flags = 0;
	rsp->status = st;
	if (st > 0 && rx_mode(v))
		rx_mangle(v, rsp, fr->len, &extra);
	if (extra)
		rx_garbage_extra(v);
	v->qhead = (v->qhead + 1) % XFN_QLEN;
	v->qcount--;
	v->n_rx++;
	v->status_dirty = true;
}

static void rx_work(struct xfn_vif *v)
{
	bool pushed = false;
	int notify, more;

	while (v->qcount && !armed(v, MB_HANG)) {
		RING_IDX rp = v->rx.sring->req_prod;
		unsigned int need = armed(v, MB_RX_BAD_EXTRA) ? 2 : 1;

		xen_rmb();
		if (!ring_sane(v, true))
			return;
		if (rp - v->rx.req_cons < need) {
			/* ask for an event when the frontend posts more */
			RING_FINAL_CHECK_FOR_REQUESTS(&v->rx, more);
			if (!more || v->rx.sring->req_prod - v->rx.req_cons < need)
				break;
			continue;
		}
		rx_one(v);
		pushed = true;
		if (armed(v, MB_RX_RSP_PROD_BEYOND)) {
			RING_PUSH_RESPONSES(&v->rx);
			publish_beyond(v, true);
			xenevtchn_notify(xce, v->port);
			pushed = false;
		}
	}
	if (pushed) {
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&v->rx, notify);
		if (notify)
			xenevtchn_notify(xce, v->port);
	}
}

/* ---- both rings ---- */
static bool hung(struct xfn_vif *v)
{
	if (!armed(v, MB_HANG))
		return false;
	if (!v->hang_told && (v->tx.sring->req_prod != v->tx.req_cons || v->qcount)) {
		v->hang_told = true;
		xfn_fired(v, "hang: %u tx request(s) and %u reply frame(s) left waiting",
			  v->tx.sring->req_prod - v->tx.req_cons, v->qcount);
	}
	return true;
}

void ring_work(struct xfn_vif *v)
{
	unsigned int i;

	if (!v->txmap || v->broken)
		return;
	for (i = 0; i < 4; i++) {
		if (hung(v))
			return;
		tx_work(v);
		if (v->broken)
			return;
		rx_work(v);
		/* replies to what the last round took may want another one */
		if (!v->qcount || v->rx.sring->req_prod == v->rx.req_cons)
			break;
	}
}

/* tx-dup-id: a held response waits 3 s for a second request at most */
void ring_timers(struct xfn_vif *v, uint64_t now, uint64_t *next)
{
	uint64_t due;

	if (!v->dup_held || !v->txmap)
		return;
	due = v->dup_since + 3000;
	if (next) {
		if (due < *next)
			*next = due;
		return;
	}
	if (now < due)
		return;
	vlog(v, "tx-dup-id: no second request within 3 s; answering tx id %u", v->dup_id);
	tx_put(v, v->dup_id, NETIF_RSP_OKAY);
	v->dup_held = false;
	tx_push(v);
}
