// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the xen-netfront receive-slot validation and receive-ring
 * accounting (src/ring/net_rx.c, include/xenfront/net_proto.h).
 */
#include "harness.h"
#include <xenfront/net_rx.h>

static struct nfp_rx_parser P;
static u32 idx;

static void setup(bool v4, bool v6, bool rxcsum)
{
	struct nfp_rx_limits lim = {
		.page_size = NFP_PAGE_SIZE,
		.max_data_slots = 17,
		.gso_tcpv4 = v4,
		.gso_tcpv6 = v6,
		.rx_csum = rxcsum,
	};

	nfp_rx_parser_init(&P, &lim);
	idx = 1000;	/* not a multiple of the ring: ids are idx % 256 */
}

static union nfp_rx_slot data(u16 id, u16 off, s16 status, u16 flags)
{
	union nfp_rx_slot s;

	memset(&s, 0, sizeof(s));
	s.rsp.id = id;
	s.rsp.offset = off;
	s.rsp.status = status;
	s.rsp.flags = flags;
	return s;
}

/* a data slot with the right id for the next position */
static union nfp_rx_slot next_data(u16 off, s16 status, u16 flags)
{
	return data(idx % NFP_RING_SLOTS, off, status, flags);
}

static union nfp_rx_slot extra(u8 type, u8 flags, u16 gso_size, u8 gso_type)
{
	union nfp_rx_slot s;

	memset(&s, 0, sizeof(s));
	s.extra.type = type;
	s.extra.flags = flags;
	s.extra.u.gso.size = gso_size;
	s.extra.u.gso.type = gso_type;
	return s;
}

static struct nfp_rx_step feed(union nfp_rx_slot s)
{
	struct nfp_rx_step st;

	nfp_rx_feed(&P, idx++, &s, &st);
	return st;
}

TEST(single_slot_packet)
{
	struct nfp_rx_step st;

	setup(true, true, true);
	st = feed(next_data(0, 100, NFP_RXF_DATA_VALIDATED));
	CHECK(st.done);
	CHECK(st.first);
	CHECK_EQ(st.use, NFP_RX_USE_DATA);
	CHECK_EQ(st.data_off, 0);
	CHECK_EQ(st.data_len, 100);
	CHECK_EQ(st.pkt.reason, NFP_RX_OK);
	CHECK_EQ(st.pkt.len, 100);
	CHECK_EQ(st.pkt.slots, 1);
	CHECK_EQ(st.pkt.csum, NFP_CSUM_VALID);
	CHECK(nfp_rx_parser_idle(&P));
}

TEST(checksum_decisions)
{
	struct nfp_rx_step st;

	setup(true, true, true);
	st = feed(next_data(0, 60, NFP_RXF_CSUM_BLANK | NFP_RXF_DATA_VALIDATED));
	CHECK_EQ(st.pkt.csum, NFP_CSUM_PARTIAL);
	st = feed(next_data(0, 60, 0));
	CHECK_EQ(st.pkt.csum, NFP_CSUM_NONE);
	/* validated but the user turned receive checksumming off */
	setup(true, true, false);
	st = feed(next_data(0, 60, NFP_RXF_DATA_VALIDATED));
	CHECK_EQ(st.pkt.csum, NFP_CSUM_NONE);
	/* blank is blank whatever the setting */
	st = feed(next_data(0, 60, NFP_RXF_CSUM_BLANK));
	CHECK_EQ(st.pkt.csum, NFP_CSUM_PARTIAL);
}

TEST(bad_id)
{
	struct nfp_rx_step st;

	setup(true, true, true);
	st = feed(data((idx + 1) % NFP_RING_SLOTS, 0, 100, 0));
	CHECK(st.done);
	CHECK_EQ(st.use, NFP_RX_USE_RECYCLE);
	CHECK_EQ(st.pkt.reason, NFP_RX_BAD_ID);
	CHECK(nfp_rx_reason_malformed(st.pkt.reason));
	/* a duplicated response (same id twice) is caught on the second */
	st = feed(next_data(0, 100, 0));
	CHECK_EQ(st.pkt.reason, NFP_RX_OK);
	st = feed(data((idx - 1) % NFP_RING_SLOTS, 0, 100, 0));
	CHECK_EQ(st.pkt.reason, NFP_RX_BAD_ID);
}

TEST(offsets_and_sizes)
{
	struct nfp_rx_step st;

	setup(true, true, true);
	st = feed(next_data(4000, 96, 0));
	CHECK_EQ(st.pkt.reason, NFP_RX_OK);
	CHECK_EQ(st.data_off, 4000);
	st = feed(next_data(4000, 97, 0));
	CHECK_EQ(st.pkt.reason, NFP_RX_BAD_OFFSET);
	CHECK_EQ(st.use, NFP_RX_USE_RECYCLE);
	st = feed(next_data(0xFFFF, 1, 0));
	CHECK_EQ(st.pkt.reason, NFP_RX_BAD_OFFSET);
	st = feed(next_data(0, 0x7FFF, 0));
	CHECK_EQ(st.pkt.reason, NFP_RX_BAD_OFFSET);
	st = feed(next_data(0, 4096, 0));
	CHECK_EQ(st.pkt.reason, NFP_RX_OK);
	/* the backend's own error */
	st = feed(next_data(0, -1, 0));
	CHECK_EQ(st.pkt.reason, NFP_RX_BACKEND_ERROR);
	CHECK(!nfp_rx_reason_malformed(st.pkt.reason));
	CHECK_EQ(st.use, NFP_RX_USE_RECYCLE);
	/* shorter than an Ethernet header */
	st = feed(next_data(0, 13, 0));
	CHECK_EQ(st.pkt.reason, NFP_RX_TOO_SHORT);
	st = feed(next_data(0, 14, 0));
	CHECK_EQ(st.pkt.reason, NFP_RX_OK);
	/* zero-length data is not attached */
	setup(true, true, true);
	st = feed(next_data(0, 0, NFP_RXF_MORE_DATA));
	CHECK_EQ(st.use, NFP_RX_USE_RECYCLE);
	CHECK(!st.done);
	st = feed(next_data(0, 20, 0));
	CHECK_EQ(st.use, NFP_RX_USE_DATA);
	CHECK_EQ(st.pkt.reason, NFP_RX_OK);
	CHECK_EQ(st.pkt.len, 20);
}

TEST(flags)
{
	struct nfp_rx_step st;

	setup(true, true, true);
	st = feed(next_data(0, 100, 0x20));
	CHECK_EQ(st.pkt.reason, NFP_RX_BAD_FLAGS);
	st = feed(next_data(0, 100, 0x8000));
	CHECK_EQ(st.pkt.reason, NFP_RX_BAD_FLAGS);
	st = feed(next_data(0, 100, NFP_RXF_GSO_PREFIX));
	CHECK_EQ(st.pkt.reason, NFP_RX_BAD_FLAGS);
	/* extra_info is for the first slot only */
	st = feed(next_data(0, 100, NFP_RXF_MORE_DATA));
	CHECK(!st.done);
	st = feed(next_data(0, 100, NFP_RXF_EXTRA_INFO));
	CHECK(st.done);
	CHECK_EQ(st.pkt.reason, NFP_RX_BAD_FLAGS);
	CHECK(nfp_rx_parser_idle(&P));
}

TEST(multi_slot)
{
	struct nfp_rx_step st;
	int i;

	setup(true, true, true);
	st = feed(next_data(0, 4096, NFP_RXF_MORE_DATA | NFP_RXF_DATA_VALIDATED));
	CHECK(!st.done);
	CHECK(st.first);
	CHECK(!nfp_rx_parser_idle(&P));
	for (i = 0; i < 15; i++) {
		st = feed(next_data(0, 4096, NFP_RXF_MORE_DATA));
		CHECK(!st.done);
		CHECK(!st.first);
		CHECK_EQ(st.use, NFP_RX_USE_DATA);
	}
	st = feed(next_data(0, 13, 0));
	CHECK(st.done);
	CHECK_EQ(st.pkt.reason, NFP_RX_OK);
	CHECK_EQ(st.pkt.len, 16 * 4096 + 13);
	CHECK_EQ(st.pkt.slots, 17);
	CHECK_EQ(st.pkt.data_slots, 17);
	CHECK_EQ(st.pkt.csum, NFP_CSUM_VALID);
}

TEST(too_many_slots)
{
	struct nfp_rx_step st;
	int i, data_uses = 0;

	setup(true, true, true);
	for (i = 0; i < 20; i++) {
		st = feed(next_data(0, 1000, i < 19 ? NFP_RXF_MORE_DATA : 0));
		if (st.use == NFP_RX_USE_DATA)
			data_uses++;
	}
	CHECK(st.done);
	CHECK_EQ(st.pkt.reason, NFP_RX_TOO_MANY_SLOTS);
	CHECK_EQ(st.pkt.slots, 20);
	CHECK_EQ(data_uses, 17);
}

TEST(gso_extra)
{
	struct nfp_rx_step st;

	setup(true, true, true);
	st = feed(next_data(0, 4096, NFP_RXF_MORE_DATA | NFP_RXF_EXTRA_INFO |
			    NFP_RXF_CSUM_BLANK | NFP_RXF_DATA_VALIDATED));
	CHECK(!st.done);
	st = feed(extra(NFP_EXTRA_GSO, 0, 1448, NFP_GSO_TCPV4));
	CHECK(!st.done);
	CHECK_EQ(st.use, NFP_RX_USE_RECYCLE);
	st = feed(next_data(0, 3000, 0));
	CHECK(st.done);
	CHECK_EQ(st.pkt.reason, NFP_RX_OK);
	CHECK_EQ(st.pkt.gso_size, 1448);
	CHECK_EQ(st.pkt.gso_type, NFP_GSO_TCPV4);
	CHECK_EQ(st.pkt.csum, NFP_CSUM_PARTIAL);
	CHECK_EQ(st.pkt.slots, 3);
	CHECK_EQ(st.pkt.data_slots, 2);
	CHECK_EQ(st.pkt.len, 7096);

	/* extra on a single-slot packet; GSO without csum_blank needs the fixup */
	st = feed(next_data(0, 1000, NFP_RXF_EXTRA_INFO));
	CHECK(!st.done);
	st = feed(extra(NFP_EXTRA_GSO, 0, 500, NFP_GSO_TCPV6));
	CHECK(st.done);
	CHECK_EQ(st.pkt.reason, NFP_RX_OK);
	CHECK_EQ(st.pkt.csum, NFP_CSUM_PARTIAL_FIXUP);
	CHECK_EQ(st.pkt.gso_type, NFP_GSO_TCPV6);
}

static enum nfp_rx_reason one_extra(union nfp_rx_slot ex)
{
	struct nfp_rx_step st;

	st = feed(next_data(0, 1000, NFP_RXF_EXTRA_INFO));
	st = feed(ex);
	CHECK(st.done);
	return st.pkt.reason;
}

TEST(bad_extras)
{
	setup(true, false, true);
	CHECK_EQ(one_extra(extra(NFP_EXTRA_NONE, 0, 0, 0)), NFP_RX_BAD_EXTRA_TYPE);
	CHECK_EQ(one_extra(extra(NFP_EXTRA_TYPE_LIMIT, 0, 0, 0)), NFP_RX_BAD_EXTRA_TYPE);
	CHECK_EQ(one_extra(extra(0xFF, 0, 0, 0)), NFP_RX_BAD_EXTRA_TYPE);
	/* not negotiated: hash, XDP, multicast control */
	CHECK_EQ(one_extra(extra(NFP_EXTRA_HASH, 0, 0, 0)), NFP_RX_BAD_EXTRA_TYPE);
	CHECK_EQ(one_extra(extra(NFP_EXTRA_XDP, 0, 0, 0)), NFP_RX_BAD_EXTRA_TYPE);
	CHECK_EQ(one_extra(extra(NFP_EXTRA_MCAST_ADD, 0, 0, 0)), NFP_RX_BAD_EXTRA_TYPE);
	CHECK_EQ(one_extra(extra(NFP_EXTRA_GSO, 0x02, 1448, NFP_GSO_TCPV4)),
		 NFP_RX_BAD_EXTRA_FLAGS);
	CHECK_EQ(one_extra(extra(NFP_EXTRA_GSO, 0, 0, NFP_GSO_TCPV4)), NFP_RX_BAD_GSO);
	CHECK_EQ(one_extra(extra(NFP_EXTRA_GSO, 0, 1448, NFP_GSO_NONE)), NFP_RX_BAD_GSO);
	CHECK_EQ(one_extra(extra(NFP_EXTRA_GSO, 0, 1448, 3)), NFP_RX_BAD_GSO);
	/* TCPv6 GSO was not advertised in this setup */
	CHECK_EQ(one_extra(extra(NFP_EXTRA_GSO, 0, 1448, NFP_GSO_TCPV6)), NFP_RX_BAD_GSO);
	CHECK_EQ(one_extra(extra(NFP_EXTRA_GSO, 0, 1448, NFP_GSO_TCPV4)), NFP_RX_OK);
}

TEST(duplicate_extra)
{
	struct nfp_rx_step st;

	setup(true, true, true);
	st = feed(next_data(0, 1000, NFP_RXF_EXTRA_INFO | NFP_RXF_MORE_DATA));
	st = feed(extra(NFP_EXTRA_GSO, NFP_EXTRA_FLAG_MORE, 1448, NFP_GSO_TCPV4));
	CHECK(!st.done);
	st = feed(extra(NFP_EXTRA_GSO, 0, 1448, NFP_GSO_TCPV4));
	CHECK(!st.done);	/* more_data of the first slot still pending */
	st = feed(next_data(0, 1000, 0));
	CHECK(st.done);
	CHECK_EQ(st.pkt.reason, NFP_RX_DUP_EXTRA);
	CHECK_EQ(st.use, NFP_RX_USE_RECYCLE);
	CHECK(nfp_rx_parser_idle(&P));
}

TEST(error_keeps_chain)
{
	struct nfp_rx_step st;

	setup(true, true, true);
	/* a bad first slot still tells where the packet ends */
	st = feed(data(7, 0, 100, NFP_RXF_MORE_DATA));
	CHECK(!st.done);
	st = feed(next_data(0, 100, NFP_RXF_MORE_DATA));
	CHECK_EQ(st.use, NFP_RX_USE_RECYCLE);
	st = feed(next_data(0, 100, 0));
	CHECK(st.done);
	CHECK_EQ(st.pkt.reason, NFP_RX_BAD_ID);
	CHECK_EQ(st.pkt.slots, 3);
	/* the next packet is fine again */
	st = feed(next_data(0, 100, 0));
	CHECK_EQ(st.pkt.reason, NFP_RX_OK);
}

TEST(abort_by_glue)
{
	struct nfp_rx_step st;

	setup(true, true, true);
	st = feed(next_data(0, 4096, NFP_RXF_MORE_DATA));
	nfp_rx_abort(&P, NFP_RX_NO_MEMORY);
	st = feed(next_data(0, 100, 0));
	CHECK(st.done);
	CHECK_EQ(st.use, NFP_RX_USE_RECYCLE);
	CHECK_EQ(st.pkt.reason, NFP_RX_NO_MEMORY);
	/* between packets an abort does nothing */
	nfp_rx_abort(&P, NFP_RX_NO_MEMORY);
	st = feed(next_data(0, 100, 0));
	CHECK_EQ(st.pkt.reason, NFP_RX_OK);
}

TEST(packet_across_polls)
{
	struct nfp_rx_step st;

	setup(true, true, true);
	/* the parser keeps its state between calls: nothing to re-read */
	st = feed(next_data(0, 4096, NFP_RXF_MORE_DATA | NFP_RXF_EXTRA_INFO));
	CHECK(!nfp_rx_parser_idle(&P));
	st = feed(extra(NFP_EXTRA_GSO, 0, 1000, NFP_GSO_TCPV4));
	CHECK(!nfp_rx_parser_idle(&P));
	st = feed(next_data(0, 100, 0));
	CHECK(st.done);
	CHECK_EQ(st.pkt.reason, NFP_RX_OK);
	CHECK_EQ(st.pkt.len, 4196);
}

TEST(ring_response_counts)
{
	/* responses never outnumber outstanding requests, across wraparound */
	CHECK(nfp_ring_rsp_prod_ok(10, 2, 10));
	CHECK(nfp_ring_rsp_prod_ok(10, 2, 2));
	CHECK(!nfp_ring_rsp_prod_ok(10, 2, 11));
	CHECK(!nfp_ring_rsp_prod_ok(10, 2, 1));		/* went backwards */
	CHECK(nfp_ring_rsp_prod_ok(5, 0xFFFFFFFEU, 3));
	CHECK(!nfp_ring_rsp_prod_ok(5, 0xFFFFFFFEU, 6));
	CHECK_EQ(nfp_ring_outstanding(5, 0xFFFFFFFEU), 7);
	CHECK_EQ(nfp_ring_free(10, 2, 256), 248);
	CHECK_EQ(nfp_ring_free(300, 2, 256), 0);
}

TEST(refill_accounting)
{
	CHECK_EQ(nfp_rx_refill_count(0, 256, 32, 19), 256);
	CHECK_EQ(nfp_rx_refill_count(250, 256, 32, 19), 0);
	CHECK_EQ(nfp_rx_refill_count(224, 256, 32, 19), 32);
	CHECK_EQ(nfp_rx_refill_count(225, 256, 32, 19), 0);
	CHECK_EQ(nfp_rx_refill_count(10, 256, 32, 19), 246);
	CHECK_EQ(nfp_rx_refill_count(256, 256, 32, 19), 0);
	CHECK_EQ(nfp_rx_refill_count(300, 256, 32, 19), 0);
}

/* Post/consume model: posted count and buffers never drift. */
TEST(slot_accounting_model)
{
	u32 req_prod = 0, rsp_cons = 0, rsp_prod = 0, posted_model = 0, step;
	u64 seed = 12345;
	int i;

	for (step = 0; step < 100000; step++) {
		u32 n, room;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		if (seed >> 63) {
			n = nfp_rx_refill_count(req_prod - rsp_cons, 256, 32, 19);
			req_prod += n;
			posted_model += n;
		} else {
			room = req_prod - rsp_prod;
			n = (u32)(seed >> 40) % (room + 1);
			rsp_prod += n;
			CHECK(nfp_ring_rsp_prod_ok(req_prod, rsp_cons, rsp_prod));
			for (i = 0; i < (int)n; i++)
				rsp_cons++, posted_model--;
		}
		if (req_prod - rsp_cons != posted_model || posted_model > 256)
			break;
	}
	CHECK_EQ(req_prod - rsp_cons, posted_model);
	CHECK(posted_model <= 256);
}

TEST(reason_names)
{
	int r;

	for (r = 0; r < NFP_RX_NR_REASONS; r++)
		CHECK(strcmp(nfp_rx_reason_name(r), "?") != 0);
	CHECK(strcmp(nfp_rx_reason_name(NFP_RX_NR_REASONS), "?") == 0);
}

int main(void)
{
	RUN(single_slot_packet);
	RUN(checksum_decisions);
	RUN(bad_id);
	RUN(offsets_and_sizes);
	RUN(flags);
	RUN(multi_slot);
	RUN(too_many_slots);
	RUN(gso_extra);
	RUN(bad_extras);
	RUN(duplicate_extra);
	RUN(error_keeps_chain);
	RUN(abort_by_glue);
	RUN(packet_across_polls);
	RUN(ring_response_counts);
	RUN(refill_accounting);
	RUN(slot_accounting_model);
	RUN(reason_names);
	return harness_done();
}
