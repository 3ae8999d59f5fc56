// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the xen-netfront transmit-side logic: request ids,
 * response checks, slot layout (src/ring/net_tx.c).
 */
#include "harness.h"
#include <xenfront/net_tx.h>

static struct nfp_txid_pool pool;

TEST(id_pool)
{
	u8 seen[NFP_RING_SLOTS] = { 0 };
	int i, distinct = 0;
	u16 id;

	nfp_txid_init(&pool, NFP_RING_SLOTS);
	CHECK_EQ(pool.nfree, NFP_RING_SLOTS);
	for (i = 0; i < (int)NFP_RING_SLOTS; i++) {
		id = nfp_txid_get(&pool);
		CHECK(id < NFP_RING_SLOTS);
		if (id < NFP_RING_SLOTS && !seen[id]++)
			distinct++;
	}
	CHECK_EQ(distinct, NFP_RING_SLOTS);
	CHECK_EQ(pool.nfree, 0);
	CHECK_EQ(nfp_txid_get(&pool), NFP_TXID_NONE);
	CHECK(nfp_txid_put(&pool, 17));
	CHECK(!nfp_txid_put(&pool, 17));	/* twice */
	CHECK(!nfp_txid_put(&pool, NFP_RING_SLOTS));
	CHECK(!nfp_txid_put(&pool, 0xFFFF));
	CHECK_EQ(pool.nfree, 1);
	CHECK_EQ(nfp_txid_get(&pool), 17);
	/* a smaller pool never hands out ids beyond its size */
	nfp_txid_init(&pool, 4);
	for (i = 0; i < 4; i++)
		CHECK(nfp_txid_get(&pool) < 4);
	CHECK_EQ(nfp_txid_get(&pool), NFP_TXID_NONE);
	nfp_txid_init(&pool, 1000);
	CHECK_EQ(pool.size, NFP_RING_SLOTS);
}

static enum nfp_tx_verdict check(u16 id, s16 status)
{
	struct nfp_tx_rsp r = { .id = id, .status = status };

	return nfp_tx_check_rsp(&pool, &r);
}

TEST(responses)
{
	u16 id;

	nfp_txid_init(&pool, NFP_RING_SLOTS);
	id = nfp_txid_get(&pool);
	CHECK_EQ(check(0xFFFF, NFP_RSP_NULL), NFP_TX_SKIP);	/* extra slot: id is junk */
	CHECK_EQ(check(id, NFP_RSP_OKAY), NFP_TX_DONE);
	CHECK_EQ(check(id, NFP_RSP_ERROR), NFP_TX_DONE_ERROR);
	CHECK_EQ(check(id, NFP_RSP_DROPPED), NFP_TX_DONE_ERROR);
	CHECK_EQ(check(id, 5), NFP_TX_DONE_BAD_STATUS);
	CHECK_EQ(check(id, -3), NFP_TX_DONE_BAD_STATUS);
	CHECK_EQ(check(NFP_RING_SLOTS, NFP_RSP_OKAY), NFP_TX_BAD_ID);
	CHECK_EQ(check(0xFFFF, NFP_RSP_OKAY), NFP_TX_BAD_ID);
	CHECK_EQ(check(id + 1, NFP_RSP_OKAY), NFP_TX_NOT_IN_FLIGHT);
	CHECK(nfp_tx_verdict_fatal(NFP_TX_BAD_ID));
	CHECK(nfp_tx_verdict_fatal(NFP_TX_NOT_IN_FLIGHT));
	CHECK(!nfp_tx_verdict_fatal(NFP_TX_DONE_BAD_STATUS));
	CHECK(nfp_tx_verdict_completes(NFP_TX_DONE_BAD_STATUS));
	CHECK(!nfp_tx_verdict_completes(NFP_TX_SKIP));
	/* duplicate response: the second finds the id free */
	CHECK(nfp_txid_put(&pool, id));
	CHECK_EQ(check(id, NFP_RSP_OKAY), NFP_TX_NOT_IN_FLIGHT);
}

TEST(span_slots)
{
	CHECK_EQ(nfp_tx_span_slots(0, 0, 4096), 0);
	CHECK_EQ(nfp_tx_span_slots(0, 1, 4096), 1);
	CHECK_EQ(nfp_tx_span_slots(4095, 1, 4096), 1);
	CHECK_EQ(nfp_tx_span_slots(4095, 2, 4096), 2);
	CHECK_EQ(nfp_tx_span_slots(0, 4096, 4096), 1);
	CHECK_EQ(nfp_tx_span_slots(1, 4096, 4096), 2);
	CHECK_EQ(nfp_tx_span_slots(0, 65535, 4096), 16);
	CHECK_EQ(nfp_tx_span_slots(100, 65535, 4096), 17);
	/* offsets into compound pages count from their own page */
	CHECK_EQ(nfp_tx_span_slots(8192 + 4000, 200, 4096), 2);
}

static enum nfp_tx_layout plan(u32 len, u32 first, u32 slots_direct, bool gso, bool gso_ok,
			       bool sg, bool trusted, u32 *slots)
{
	struct nfp_tx_shape s = {
		.len = len, .first_len = first, .data_slots = slots_direct,
		.gso = gso, .gso_ok = gso_ok,
	};
	struct nfp_tx_caps c = {
		.sg = sg, .trusted = trusted, .max_slots = NFP_TX_MAX_SLOTS,
		.page_size = NFP_PAGE_SIZE,
	};

	return nfp_tx_plan(&s, &c, slots);
}

TEST(layout)
{
	u32 slots;

	CHECK_EQ(plan(1514, 1514, 1, false, false, true, true, &slots), NFP_TX_DIRECT);
	CHECK_EQ(slots, 1);
	CHECK_EQ(plan(65000, 200, 17, true, true, true, true, &slots), NFP_TX_DIRECT);
	CHECK_EQ(slots, 18);
	/* the backend must not see our pages: copy */
	CHECK_EQ(plan(1514, 1514, 1, false, false, true, false, &slots), NFP_TX_BOUNCE);
	CHECK_EQ(slots, 1);
	/* too many slots as it lies, or a first slot without the Ethernet header */
	CHECK_EQ(plan(60000, 200, 19, true, true, true, true, &slots), NFP_TX_BOUNCE);
	CHECK_EQ(slots, 16);
	CHECK_EQ(plan(1000, 10, 2, false, false, true, true, &slots), NFP_TX_BOUNCE);
	CHECK_EQ(slots, 1);
	CHECK_EQ(plan(1000, 0, 0, false, false, true, true, &slots), NFP_TX_BOUNCE);
	/* not sendable */
	CHECK_EQ(plan(13, 13, 1, false, false, true, true, &slots), NFP_TX_DROP);
	CHECK_EQ(plan(65536, 1000, 17, true, true, true, true, &slots), NFP_TX_DROP);
	CHECK_EQ(plan(30000, 1000, 8, true, false, true, true, &slots), NFP_TX_DROP);
	CHECK_EQ(slots, 0);
	/* no scatter-gather: one slot per packet */
	CHECK_EQ(plan(1514, 1514, 1, false, false, false, true, &slots), NFP_TX_DIRECT);
	CHECK_EQ(plan(1514, 600, 2, false, false, false, true, &slots), NFP_TX_BOUNCE);
	CHECK_EQ(slots, 1);
	CHECK_EQ(plan(5000, 4096, 2, false, false, false, true, &slots), NFP_TX_DROP);
}

TEST(layout_limit_is_the_protocols)
{
	struct nfp_tx_shape s = { .len = 30 * 1000, .first_len = 1000, .data_slots = 30 };
	struct nfp_tx_caps c = { .sg = true, .trusted = true, .max_slots = 39,
				 .page_size = NFP_PAGE_SIZE };
	u32 slots;

	/* a caller asking for more than 18 slots still gets at most 18 */
	CHECK_EQ(nfp_tx_plan(&s, &c, &slots), NFP_TX_BOUNCE);
	CHECK_EQ(slots, 8);
}

TEST(first_flags)
{
	CHECK_EQ(nfp_tx_first_flags(NFP_TX_CSUM_NONE, false, false), 0);
	CHECK_EQ(nfp_tx_first_flags(NFP_TX_CSUM_PARTIAL, false, false),
		 NFP_TXF_CSUM_BLANK | NFP_TXF_DATA_VALIDATED);
	CHECK_EQ(nfp_tx_first_flags(NFP_TX_CSUM_VALID, true, true),
		 NFP_TXF_DATA_VALIDATED | NFP_TXF_EXTRA_INFO | NFP_TXF_MORE_DATA);
}

int main(void)
{
	RUN(id_pool);
	RUN(responses);
	RUN(span_slots);
	RUN(layout);
	RUN(layout_limit_is_the_protocols);
	RUN(first_flags);
	return harness_done();
}
