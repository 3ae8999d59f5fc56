// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront receive-slot validation (pure logic, see net_rx.h).
 *
 * Rules enforced for every slot, whatever the backend wrote:
 *   - a data slot answers the request posted in the same ring position,
 *     so its id must equal that position;
 *   - offset + size stays within the buffer page; a negative size is the
 *     backend's error status;
 *   - only flag bits the protocol defines, each where it may appear
 *     (extra_info on the first slot only; gso_prefix never, we do not ask
 *     for it);
 *   - extra-info slots carry a valid type we negotiated, each type at most
 *     once per packet, no unknown extra flags; a GSO extra needs a non-zero
 *     segment size and a GSO type we advertised;
 *   - a packet uses at most lim.max_data_slots data slots and holds at
 *     least an Ethernet header.
 * A bad slot never stops the parse: the packet's chain is followed to its
 * end (every slot consumed a buffer that must be recycled) and the packet
 * is dropped with the first reason found.
 */
#include <xenfront/net_rx.h>

static const char *const rx_reason_names[NFP_RX_NR_REASONS] = {
	[NFP_RX_OK] = "ok",
	[NFP_RX_BACKEND_ERROR] = "backend-error",
	[NFP_RX_NO_MEMORY] = "no-memory",
	[NFP_RX_BAD_ID] = "bad-id",
	[NFP_RX_BAD_OFFSET] = "bad-offset",
	[NFP_RX_BAD_FLAGS] = "bad-flags",
	[NFP_RX_BAD_EXTRA_TYPE] = "bad-extra-type",
	[NFP_RX_BAD_EXTRA_FLAGS] = "bad-extra-flags",
	[NFP_RX_DUP_EXTRA] = "duplicate-extra",
	[NFP_RX_BAD_GSO] = "bad-gso",
	[NFP_RX_TOO_MANY_SLOTS] = "too-many-slots",
	[NFP_RX_TOO_SHORT] = "too-short",
};

const char *nfp_rx_reason_name(enum nfp_rx_reason r)
{
	if ((unsigned int)r >= NFP_RX_NR_REASONS)
		return "?";
	return rx_reason_names[r];
}

void nfp_rx_parser_init(struct nfp_rx_parser *p, const struct nfp_rx_limits *lim)
{
	memset(p, 0, sizeof(*p));
	p->lim = *lim;
	p->expect = NFP_RX_EXPECT_FIRST;
}

/* Keep the first reason a packet goes wrong for. */
static void rx_fail(struct nfp_rx_parser *p, enum nfp_rx_reason why)
{
	if (p->pkt.reason == NFP_RX_OK)
		p->pkt.reason = why;
}

void nfp_rx_abort(struct nfp_rx_parser *p, enum nfp_rx_reason reason)
{
	if (p->expect != NFP_RX_EXPECT_FIRST)
		rx_fail(p, reason == NFP_RX_OK ? NFP_RX_NO_MEMORY : reason);
}

static enum nfp_rx_csum rx_csum_for(const struct nfp_rx_parser *p)
{
	bool blank = p->first_flags & NFP_RXF_CSUM_BLANK;

	if (p->pkt.gso_size)
		return blank ? NFP_CSUM_PARTIAL : NFP_CSUM_PARTIAL_FIXUP;
	if (blank)
		return NFP_CSUM_PARTIAL;
	if ((p->first_flags & NFP_RXF_DATA_VALIDATED) && p->lim.rx_csum)
		return NFP_CSUM_VALID;
	return NFP_CSUM_NONE;
}

static void rx_finish(struct nfp_rx_parser *p, struct nfp_rx_step *out)
{
	if (p->pkt.reason == NFP_RX_OK && p->pkt.len < NFP_ETH_HLEN)
		rx_fail(p, NFP_RX_TOO_SHORT);
	p->pkt.csum = p->pkt.reason == NFP_RX_OK ? rx_csum_for(p) : NFP_CSUM_NONE;
	out->done = true;
	out->pkt = p->pkt;
	p->expect = NFP_RX_EXPECT_FIRST;
}

static void rx_data_slot(struct nfp_rx_parser *p, u32 index, const struct nfp_rx_rsp *rsp,
			 bool first, struct nfp_rx_step *out)
{
	u16 bad_flags = (u16)~NFP_RXF_KNOWN | NFP_RXF_GSO_PREFIX;
	bool ok_slot = true;

	if (!first)
		bad_flags |= NFP_RXF_EXTRA_INFO;
	p->pkt.slots++;
	if (p->pkt.data_slots >= p->lim.max_data_slots) {
		rx_fail(p, NFP_RX_TOO_MANY_SLOTS);
		ok_slot = false;
	}
	p->pkt.data_slots++;
	if (rsp->id != index % NFP_RING_SLOTS) {
		rx_fail(p, NFP_RX_BAD_ID);
		ok_slot = false;
	}
	if (rsp->flags & bad_flags) {
		rx_fail(p, NFP_RX_BAD_FLAGS);
		ok_slot = false;
	}
	if (rsp->status < 0) {
		rx_fail(p, NFP_RX_BACKEND_ERROR);
		ok_slot = false;
	} else if ((u32)rsp->offset + (u32)rsp->status > p->lim.page_size) {
		rx_fail(p, NFP_RX_BAD_OFFSET);
		ok_slot = false;
	}

	out->first = first;
	if (ok_slot && p->pkt.reason == NFP_RX_OK && rsp->status > 0) {
		out->use = NFP_RX_USE_DATA;
		out->data_off = rsp->offset;
		out->data_len = (u16)rsp->status;
		p->pkt.len += (u32)rsp->status;
	}

	if (first) {
		p->first_flags = rsp->flags;
		p->first_more = rsp->flags & NFP_RXF_MORE_DATA;
		if (rsp->flags & NFP_RXF_EXTRA_INFO) {
			p->expect = NFP_RX_EXPECT_EXTRA;
			return;
		}
	}
	if (rsp->flags & NFP_RXF_MORE_DATA)
		p->expect = NFP_RX_EXPECT_MORE;
	else
		rx_finish(p, out);
}

static void rx_check_gso(struct nfp_rx_parser *p, const struct nfp_extra *ex)
{
	bool allowed;

	switch (ex->u.gso.type) {
	case NFP_GSO_TCPV4:
		allowed = p->lim.gso_tcpv4;
		break;
	case NFP_GSO_TCPV6:
		allowed = p->lim.gso_tcpv6;
		break;
	default:
		allowed = false;
		break;
	}
	if (!allowed || ex->u.gso.size == 0) {
		rx_fail(p, NFP_RX_BAD_GSO);
		return;
	}
	p->pkt.gso_size = ex->u.gso.size;
	p->pkt.gso_type = ex->u.gso.type;
}

static void rx_extra_slot(struct nfp_rx_parser *p, const struct nfp_extra *ex,
			  struct nfp_rx_step *out)
{
	p->pkt.slots++;
	if (ex->flags & ~NFP_EXTRA_FLAG_MORE)
		rx_fail(p, NFP_RX_BAD_EXTRA_FLAGS);

	if (ex->type == NFP_EXTRA_NONE || ex->type >= NFP_EXTRA_TYPE_LIMIT) {
		rx_fail(p, NFP_RX_BAD_EXTRA_TYPE);
	} else if (p->extras_seen & (1U << ex->type)) {
		rx_fail(p, NFP_RX_DUP_EXTRA);
	} else {
		p->extras_seen |= 1U << ex->type;
		/* we negotiate GSO only: no hash, XDP or multicast control */
		if (ex->type == NFP_EXTRA_GSO)
			rx_check_gso(p, ex);
		else
			rx_fail(p, NFP_RX_BAD_EXTRA_TYPE);
	}

	if (ex->flags & NFP_EXTRA_FLAG_MORE)
		return;
	if (p->first_more)
		p->expect = NFP_RX_EXPECT_MORE;
	else
		rx_finish(p, out);
}

void nfp_rx_feed(struct nfp_rx_parser *p, u32 index, const union nfp_rx_slot *slot,
		 struct nfp_rx_step *out)
{
	memset(out, 0, sizeof(*out));
	out->use = NFP_RX_USE_RECYCLE;

	switch (p->expect) {
	case NFP_RX_EXPECT_FIRST:
		memset(&p->pkt, 0, sizeof(p->pkt));
		p->extras_seen = 0;
		p->first_more = false;
		p->first_flags = 0;
		rx_data_slot(p, index, &slot->rsp, true, out);
		break;
	case NFP_RX_EXPECT_EXTRA:
		rx_extra_slot(p, &slot->extra, out);
		break;
	case NFP_RX_EXPECT_MORE:
	default:
		rx_data_slot(p, index, &slot->rsp, false, out);
		break;
	}
}

u32 nfp_rx_refill_count(u32 posted, u32 ring_size, u32 batch, u32 low)
{
	u32 room;

	if (posted >= ring_size)
		return 0;
	room = ring_size - posted;
	if (posted < low || room >= batch)
		return room;
	return 0;
}
