/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Xen network ring protocol as the pure logic of xen-netfront sees it.
 *
 * The kernel glue copies every response out of the shared ring exactly once
 * into one of the structures below and hands the copy to the validation
 * code in src/ring/net_*.c, which never touches shared memory.  The layouts
 * and constants are those of the ABI in xen/interface/io/netif.h; the glue
 * checks at build time that both agree (src/netfront/abi.c).
 *
 * No kernel headers here: this file is also compiled into tests/unit.
 */
#ifndef XENFRONT_NET_PROTO_H
#define XENFRONT_NET_PROTO_H

#include <xenfront/types.h>

#ifndef __KERNEL__
/* types.h has no signed 16-bit type for user space (C11 allows a repeat) */
typedef int16_t s16;
#endif

/* Both rings hold 256 slots on a 4 KiB ring page. */
#define NFP_RING_SLOTS		256U
#define NFP_PAGE_SIZE		4096U
#define NFP_ETH_HLEN		14U
/* A packet may be at most this long on the transmit side (u16 size). */
#define NFP_MAX_TX_SIZE		0xFFFFU
/* Slots a backend must accept in one transmitted packet (netif.h). */
#define NFP_TX_MAX_SLOTS	18U

/* Transmit request flags. */
#define NFP_TXF_CSUM_BLANK	0x0001U
#define NFP_TXF_DATA_VALIDATED	0x0002U
#define NFP_TXF_MORE_DATA	0x0004U
#define NFP_TXF_EXTRA_INFO	0x0008U

/* Receive response flags. */
#define NFP_RXF_DATA_VALIDATED	0x0001U
#define NFP_RXF_CSUM_BLANK	0x0002U
#define NFP_RXF_MORE_DATA	0x0004U
#define NFP_RXF_EXTRA_INFO	0x0008U
#define NFP_RXF_GSO_PREFIX	0x0010U	/* deprecated; we never ask for it */
#define NFP_RXF_KNOWN		(NFP_RXF_DATA_VALIDATED | NFP_RXF_CSUM_BLANK | \
				 NFP_RXF_MORE_DATA | NFP_RXF_EXTRA_INFO | \
				 NFP_RXF_GSO_PREFIX)

/* Extra-info types and flags. */
#define NFP_EXTRA_NONE		0U
#define NFP_EXTRA_GSO		1U
#define NFP_EXTRA_MCAST_ADD	2U
#define NFP_EXTRA_MCAST_DEL	3U
#define NFP_EXTRA_HASH		4U
#define NFP_EXTRA_XDP		5U
#define NFP_EXTRA_TYPE_LIMIT	6U	/* first invalid type */
#define NFP_EXTRA_FLAG_MORE	0x01U

/* GSO types carried in a GSO extra. */
#define NFP_GSO_NONE		0U
#define NFP_GSO_TCPV4		1U
#define NFP_GSO_TCPV6		2U

/* Response status values. */
#define NFP_RSP_DROPPED		(-2)
#define NFP_RSP_ERROR		(-1)
#define NFP_RSP_OKAY		0
#define NFP_RSP_NULL		1	/* tx: the slot held an extra-info */

/* A receive response (8 bytes). */
struct nfp_rx_rsp {
	u16 id;
	u16 offset;
	u16 flags;
	s16 status;
};

/* An extra-info slot, as it overlays a response or request (8 bytes). */
struct nfp_extra {
	u8 type;
	u8 flags;
	union {
		struct {
			u16 size;
			u8 type;
			u8 pad;
			u16 features;
		} gso;
		u8 raw[6];
	} u;
};

/* One receive slot as read once from the ring. */
union nfp_rx_slot {
	struct nfp_rx_rsp rsp;
	struct nfp_extra extra;
	u8 bytes[8];
};

/* A transmit response (the part of the 12-byte slot the backend writes). */
struct nfp_tx_rsp {
	u16 id;
	s16 status;
};

/*
 * Ring bookkeeping: the backend may never report more responses than we
 * have requests outstanding.  All indexes are free-running 32-bit counters.
 */
static inline u32 nfp_ring_outstanding(u32 req_prod, u32 rsp_cons)
{
	return req_prod - rsp_cons;
}

static inline bool nfp_ring_rsp_prod_ok(u32 req_prod, u32 rsp_cons, u32 rsp_prod)
{
	return (u32)(rsp_prod - rsp_cons) <= (u32)(req_prod - rsp_cons);
}

static inline u32 nfp_ring_free(u32 req_prod, u32 rsp_cons, u32 size)
{
	u32 used = req_prod - rsp_cons;

	return used >= size ? 0 : size - used;
}

#endif /* XENFRONT_NET_PROTO_H */
