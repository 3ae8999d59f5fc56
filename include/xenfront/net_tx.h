/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transmit-side protocol logic of xen-netfront: the pool of request ids,
 * the check of every transmit response, and the plan of how a packet is
 * laid out in ring slots.
 *
 * Each data slot we post carries an id from the pool; the backend echoes it
 * in the slot's response.  Extra-info slots carry no id: their responses
 * have status NFP_RSP_NULL and are skipped.  A response naming an id that
 * is out of range or not in flight is a protocol violation we cannot
 * recover from (we could free something twice): the device is failed.
 */
#ifndef XENFRONT_NET_TX_H
#define XENFRONT_NET_TX_H

#include <xenfront/net_proto.h>

#define NFP_TXID_NONE	0xFFFFU

struct nfp_txid_pool {
	u16 size;
	u16 nfree;
	u16 head;			/* first free id, NFP_TXID_NONE if none */
	u16 next[NFP_RING_SLOTS];	/* free list links */
	u8 busy[NFP_RING_SLOTS];
};

void nfp_txid_init(struct nfp_txid_pool *pool, u16 size);
/* An id, or NFP_TXID_NONE when the pool is empty. */
u16 nfp_txid_get(struct nfp_txid_pool *pool);
/* Return an id; false (and nothing changed) if it was not in flight. */
bool nfp_txid_put(struct nfp_txid_pool *pool, u16 id);

static inline bool nfp_txid_busy(const struct nfp_txid_pool *pool, u16 id)
{
	return id < pool->size && pool->busy[id];
}

enum nfp_tx_verdict {
	NFP_TX_SKIP,		/* NULL response of an extra-info slot */
	NFP_TX_DONE,		/* id completed, status OKAY */
	NFP_TX_DONE_ERROR,	/* id completed, the backend dropped or failed it */
	NFP_TX_DONE_BAD_STATUS,	/* id completed, status unknown: counted as malformed */
	NFP_TX_BAD_ID,		/* id out of range: fail the device */
	NFP_TX_NOT_IN_FLIGHT,	/* id free (duplicate response): fail the device */
};

static inline bool nfp_tx_verdict_fatal(enum nfp_tx_verdict v)
{
	return v == NFP_TX_BAD_ID || v == NFP_TX_NOT_IN_FLIGHT;
}

static inline bool nfp_tx_verdict_completes(enum nfp_tx_verdict v)
{
	return v == NFP_TX_DONE || v == NFP_TX_DONE_ERROR || v == NFP_TX_DONE_BAD_STATUS;
}

/*
 * Check a transmit response (the caller's copy).  Does not change the pool:
 * on a completing verdict the caller releases its resources and then puts
 * the id back with nfp_txid_put().
 */
enum nfp_tx_verdict nfp_tx_check_rsp(const struct nfp_txid_pool *pool,
				     const struct nfp_tx_rsp *rsp);

/* Slots needed for @len bytes starting @off bytes into a page. */
static inline u32 nfp_tx_span_slots(u32 off, u32 len, u32 page_size)
{
	if (!len)
		return 0;
	off %= page_size;
	return (off + len + page_size - 1) / page_size;
}

/* How a packet goes on the ring. */
enum nfp_tx_layout {
	NFP_TX_DIRECT,		/* grant the packet's own pages */
	NFP_TX_BOUNCE,		/* copy into fresh pages first */
	NFP_TX_DROP,		/* cannot be sent at all */
};

struct nfp_tx_shape {
	u32 len;		/* whole packet */
	u32 first_len;		/* bytes of the first slot if sent directly */
	u32 data_slots;		/* slots if sent directly */
	bool gso;		/* needs a GSO extra slot */
	bool gso_ok;		/* the GSO type is one the backend takes */
};

struct nfp_tx_caps {
	bool sg;		/* backend feature-sg: more than one slot per packet */
	bool trusted;		/* backend may see our pages as they are */
	u32 max_slots;		/* data slots per packet the backend accepts */
	u32 page_size;
};

enum nfp_tx_layout nfp_tx_plan(const struct nfp_tx_shape *s, const struct nfp_tx_caps *c,
			       u32 *slots);

/* Flags of the first request. */
enum nfp_tx_csum {
	NFP_TX_CSUM_NONE,
	NFP_TX_CSUM_PARTIAL,	/* the stack left the checksum to us */
	NFP_TX_CSUM_VALID,	/* already verified */
};

u16 nfp_tx_first_flags(enum nfp_tx_csum csum, bool extra, bool more);

#endif /* XENFRONT_NET_TX_H */
