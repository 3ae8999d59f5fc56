/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Receive-side protocol logic of xen-netfront: a streaming parser that
 * checks each receive slot as it is consumed and tells the glue what to do
 * with the slot's buffer, plus the refill policy of the receive ring.
 *
 * A packet on the receive ring is
 *   first data slot  [flags: extra_info, more_data, csum]
 *   extra-info slots (only if the first had extra_info; chained by MORE)
 *   further data slots (only if the first had more_data; chained by
 *                       more_data)
 * Every slot, data or extra, used up one posted buffer.  The parser keeps
 * its state across calls, so a packet whose tail the backend has not
 * produced yet simply continues in the next poll.
 *
 * Nothing here reads shared memory: the glue copies each slot once.
 */
#ifndef XENFRONT_NET_RX_H
#define XENFRONT_NET_RX_H

#include <xenfront/net_proto.h>

/* Why a packet was not delivered. */
enum nfp_rx_reason {
	NFP_RX_OK,
	NFP_RX_BACKEND_ERROR,	/* negative status: the backend's copy failed */
	NFP_RX_NO_MEMORY,	/* the glue could not build the packet */
	/* malformed: the backend broke the protocol */
	NFP_RX_BAD_ID,		/* response id is not the slot's request id */
	NFP_RX_BAD_OFFSET,	/* offset + size beyond the page */
	NFP_RX_BAD_FLAGS,	/* unknown or misplaced flag bits */
	NFP_RX_BAD_EXTRA_TYPE,	/* extra type invalid or not negotiated */
	NFP_RX_BAD_EXTRA_FLAGS,
	NFP_RX_DUP_EXTRA,	/* the same extra type twice in one packet */
	NFP_RX_BAD_GSO,		/* zero size, unknown or not negotiated GSO type */
	NFP_RX_TOO_MANY_SLOTS,	/* more data slots than a packet may use */
	NFP_RX_TOO_SHORT,	/* shorter than an Ethernet header */
	NFP_RX_NR_REASONS
};

/* Malformed (protocol violation) as opposed to an ordinary drop. */
static inline bool nfp_rx_reason_malformed(enum nfp_rx_reason r)
{
	return r >= NFP_RX_BAD_ID && r < NFP_RX_NR_REASONS;
}

const char *nfp_rx_reason_name(enum nfp_rx_reason r);

/* How the stack must treat the checksum of a delivered packet. */
enum nfp_rx_csum {
	NFP_CSUM_NONE,		/* verify in software */
	NFP_CSUM_VALID,		/* the backend validated it */
	NFP_CSUM_PARTIAL,	/* the checksum field is blank: set it up */
	NFP_CSUM_PARTIAL_FIXUP,	/* GSO without csum_blank: force partial, recompute */
};

/* What the glue does with the buffer of the slot just fed. */
enum nfp_rx_use {
	NFP_RX_USE_DATA,	/* attach data_off/data_len of the page to the packet */
	NFP_RX_USE_RECYCLE,	/* no data for the packet: recycle the buffer */
};

struct nfp_rx_limits {
	u32 page_size;		/* buffer size (NFP_PAGE_SIZE) */
	u32 max_data_slots;	/* data slots one packet may use */
	bool gso_tcpv4;		/* we advertised feature-gso-tcpv4 */
	bool gso_tcpv6;		/* we advertised feature-gso-tcpv6 */
	bool rx_csum;		/* trust data_validated (NETIF_F_RXCSUM) */
};

/* A finished packet (valid when nfp_rx_step.done is set). */
struct nfp_rx_pkt {
	enum nfp_rx_reason reason;	/* NFP_RX_OK: deliver; otherwise drop */
	u32 len;			/* bytes in the data slots */
	u32 slots;			/* ring slots the packet used */
	u32 data_slots;
	enum nfp_rx_csum csum;
	u16 gso_size;			/* 0: not GSO */
	u8 gso_type;			/* NFP_GSO_TCPV4 / NFP_GSO_TCPV6 */
};

struct nfp_rx_step {
	enum nfp_rx_use use;
	u16 data_off;		/* for NFP_RX_USE_DATA */
	u16 data_len;
	bool first;		/* this is the packet's first data slot */
	bool done;		/* the packet ended with this slot: see pkt */
	struct nfp_rx_pkt pkt;
};

enum nfp_rx_expect {
	NFP_RX_EXPECT_FIRST,
	NFP_RX_EXPECT_EXTRA,
	NFP_RX_EXPECT_MORE,
};

struct nfp_rx_parser {
	struct nfp_rx_limits lim;
	enum nfp_rx_expect expect;
	bool first_more;	/* the first slot announced more data slots */
	u32 extras_seen;	/* bitmask of extra types in this packet */
	struct nfp_rx_pkt pkt;	/* the packet being parsed */
	u16 first_flags;
};

void nfp_rx_parser_init(struct nfp_rx_parser *p, const struct nfp_rx_limits *lim);

/* Between packets (no partial packet held)? */
static inline bool nfp_rx_parser_idle(const struct nfp_rx_parser *p)
{
	return p->expect == NFP_RX_EXPECT_FIRST;
}

/*
 * Feed the slot at ring position @index (free-running; the parser uses
 * index % NFP_RING_SLOTS as the expected id).  @slot is the caller's copy.
 */
void nfp_rx_feed(struct nfp_rx_parser *p, u32 index, const union nfp_rx_slot *slot,
		 struct nfp_rx_step *out);

/*
 * The glue could not keep the packet (no memory for it): the rest of the
 * packet is consumed and dropped with @reason.
 */
void nfp_rx_abort(struct nfp_rx_parser *p, enum nfp_rx_reason reason);

/*
 * Refill policy: how many buffers to post now, given how many are posted.
 * Posting in batches saves notifications; below @low we always top up.
 */
u32 nfp_rx_refill_count(u32 posted, u32 ring_size, u32 batch, u32 low);

#endif /* XENFRONT_NET_RX_H */
