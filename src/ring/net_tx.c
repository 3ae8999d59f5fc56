// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront transmit-side logic (pure, see net_tx.h): request ids,
 * response checks and the slot layout of a packet.
 */
#include <xenfront/net_tx.h>

void nfp_txid_init(struct nfp_txid_pool *pool, u16 size)
{
	u16 i;

	if (size > NFP_RING_SLOTS)
		size = NFP_RING_SLOTS;
	memset(pool, 0, sizeof(*pool));
	pool->size = size;
	pool->nfree = size;
	pool->head = size ? 0 : NFP_TXID_NONE;
	for (i = 0; i < size; i++)
		pool->next[i] = i + 1 < size ? (u16)(i + 1) : NFP_TXID_NONE;
}

u16 nfp_txid_get(struct nfp_txid_pool *pool)
{
	u16 id = pool->head;

	if (id == NFP_TXID_NONE || id >= pool->size || pool->busy[id])
		return NFP_TXID_NONE;
	pool->head = pool->next[id];
	pool->next[id] = NFP_TXID_NONE;
	pool->busy[id] = 1;
	pool->nfree--;
	return id;
}

bool nfp_txid_put(struct nfp_txid_pool *pool, u16 id)
{
	if (!nfp_txid_busy(pool, id))
		return false;
	pool->busy[id] = 0;
	pool->next[id] = pool->head;
	pool->head = id;
	pool->nfree++;
	return true;
}

enum nfp_tx_verdict nfp_tx_check_rsp(const struct nfp_txid_pool *pool,
				     const struct nfp_tx_rsp *rsp)
{
	if (rsp->status == NFP_RSP_NULL)
		return NFP_TX_SKIP;
	if (rsp->id >= pool->size)
		return NFP_TX_BAD_ID;
	if (!pool->busy[rsp->id])
		return NFP_TX_NOT_IN_FLIGHT;
	switch (rsp->status) {
	case NFP_RSP_OKAY:
		return NFP_TX_DONE;
	case NFP_RSP_ERROR:
	case NFP_RSP_DROPPED:
		return NFP_TX_DONE_ERROR;
	default:
		return NFP_TX_DONE_BAD_STATUS;
	}
}

enum nfp_tx_layout nfp_tx_plan(const struct nfp_tx_shape *s, const struct nfp_tx_caps *c,
			       u32 *slots)
{
	u32 page = c->page_size ? c->page_size : NFP_PAGE_SIZE;
	u32 bounce_slots = (s->len + page - 1) / page;
	u32 max = c->max_slots ? c->max_slots : 1;
	u32 extra = s->gso ? 1 : 0;
	bool direct;

	/* never more than the protocol's limit, whatever the caller asks */
	if (max > NFP_TX_MAX_SLOTS)
		max = NFP_TX_MAX_SLOTS;
	*slots = 0;
	if (s->len < NFP_ETH_HLEN || s->len > NFP_MAX_TX_SIZE)
		return NFP_TX_DROP;
	if (s->gso && !s->gso_ok)
		return NFP_TX_DROP;
	if (!c->sg)
		max = 1;
	if (bounce_slots > max)
		return NFP_TX_DROP;

	/*
	 * Direct only when the backend may see the pages, the packet fits the
	 * slot limit as it lies, and the first slot holds the whole Ethernet
	 * header (the backend drops the packet otherwise).
	 */
	direct = c->trusted && s->data_slots >= 1 && s->data_slots <= max &&
		 s->first_len >= NFP_ETH_HLEN && s->first_len <= page;
	if (direct) {
		*slots = s->data_slots + extra;
		return NFP_TX_DIRECT;
	}
	*slots = bounce_slots + extra;
	return NFP_TX_BOUNCE;
}

u16 nfp_tx_first_flags(enum nfp_tx_csum csum, bool extra, bool more)
{
	u16 flags = 0;

	if (csum == NFP_TX_CSUM_PARTIAL)
		flags |= NFP_TXF_CSUM_BLANK | NFP_TXF_DATA_VALIDATED;
	else if (csum == NFP_TX_CSUM_VALID)
		flags |= NFP_TXF_DATA_VALIDATED;
	if (extra)
		flags |= NFP_TXF_EXTRA_INFO;
	if (more)
		flags |= NFP_TXF_MORE_DATA;
	return flags;
}
