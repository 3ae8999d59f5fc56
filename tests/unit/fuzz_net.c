// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target for xen-netfront's validation code: arbitrary receive
 * responses, transmit responses and xenstore values, as a hostile backend
 * could write them.  Every promise the glue relies on is checked; a broken
 * one aborts.
 *
 * Input: the first byte picks the area, the rest is its data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <xenfront/net_rx.h>
#include <xenfront/net_tx.h>
#include <xenfront/net_xs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(c) do { if (!(c)) { fprintf(stderr, "broken: %s\n", #c); abort(); } } while (0)

/* Receive: a stream of 9-byte records (kind + 8 slot bytes). */
static void fuzz_rx(const uint8_t *d, size_t n)
{
	struct nfp_rx_parser p;
	struct nfp_rx_limits lim = {
		.page_size = NFP_PAGE_SIZE,
		.max_data_slots = 1 + (n ? d[0] % 20 : 0),
		.gso_tcpv4 = n > 1 && (d[1] & 1),
		.gso_tcpv6 = n > 1 && (d[1] & 2),
		.rx_csum = n > 1 && (d[1] & 4),
	};
	u32 idx = n > 2 ? d[2] * 97U : 0, slots = 0, data_slots = 0, len = 0;
	bool failed_glue = false;
	size_t i;

	nfp_rx_parser_init(&p, &lim);
	for (i = 3; i + 9 <= n; i += 9) {
		union nfp_rx_slot s;
		struct nfp_rx_step st;

		memcpy(&s, d + i + 1, sizeof(s));
		/* half the time give the slot the right id, to get deeper */
		if (d[i] & 1)
			s.rsp.id = idx % NFP_RING_SLOTS;
		nfp_rx_feed(&p, idx++, &s, &st);
		slots++;
		if (st.use == NFP_RX_USE_DATA) {
			/* data only from the slot's own request, inside its page */
			PROMISE(s.rsp.id == (idx - 1) % NFP_RING_SLOTS);
			PROMISE(st.data_len == (u16)s.rsp.status && st.data_off == s.rsp.offset);
			PROMISE(st.data_len > 0);
			PROMISE((u32)st.data_off + st.data_len <= lim.page_size);
			data_slots++;
			len += st.data_len;
		}
		if ((d[i] & 0x80) && !st.done) {
			nfp_rx_abort(&p, NFP_RX_NO_MEMORY);
			failed_glue = true;
		}
		if (!st.done) {
			PROMISE(!nfp_rx_parser_idle(&p));
			continue;
		}
		PROMISE(nfp_rx_parser_idle(&p));
		PROMISE(st.pkt.slots == slots);
		PROMISE((u32)st.pkt.reason < NFP_RX_NR_REASONS);
		if (st.pkt.reason == NFP_RX_OK) {
			PROMISE(!failed_glue);
			PROMISE(st.pkt.len == len);
			PROMISE(st.pkt.len >= NFP_ETH_HLEN);
			PROMISE(data_slots <= lim.max_data_slots);
			PROMISE(st.pkt.data_slots <= lim.max_data_slots);
			if (st.pkt.gso_size) {
				PROMISE((st.pkt.gso_type == NFP_GSO_TCPV4 && lim.gso_tcpv4) ||
					(st.pkt.gso_type == NFP_GSO_TCPV6 && lim.gso_tcpv6));
				PROMISE(st.pkt.csum == NFP_CSUM_PARTIAL ||
					st.pkt.csum == NFP_CSUM_PARTIAL_FIXUP);
			}
			if (st.pkt.csum == NFP_CSUM_VALID)
				PROMISE(lim.rx_csum);
		} else {
			PROMISE(st.pkt.csum == NFP_CSUM_NONE);
		}
		(void)nfp_rx_reason_name(st.pkt.reason);
		slots = data_slots = len = 0;
		failed_glue = false;
	}
}

/* Transmit: ids taken and responses checked against a model of what is in flight. */
static void fuzz_tx(const uint8_t *d, size_t n)
{
	struct nfp_txid_pool pool;
	u8 model[NFP_RING_SLOTS] = { 0 };
	u32 busy = 0;
	size_t i;
	u16 size = n ? 1 + d[0] % NFP_RING_SLOTS : NFP_RING_SLOTS;

	nfp_txid_init(&pool, size);
	for (i = 1; i + 3 <= n; i += 3) {
		struct nfp_tx_rsp r;
		enum nfp_tx_verdict v;
		u16 id;

		if (d[i] & 1) {
			id = nfp_txid_get(&pool);
			if (busy == size) {
				PROMISE(id == NFP_TXID_NONE);
			} else {
				PROMISE(id < size && !model[id]);
				model[id] = 1;
				busy++;
			}
			continue;
		}
		r.id = (u16)(d[i + 1] | (d[i] & 0x2 ? 0 : d[i] << 8));
		r.status = (s16)(int8_t)d[i + 2];
		v = nfp_tx_check_rsp(&pool, &r);
		if (r.status == NFP_RSP_NULL) {
			PROMISE(v == NFP_TX_SKIP);
			continue;
		}
		if (r.id >= size) {
			PROMISE(v == NFP_TX_BAD_ID);
			continue;
		}
		if (!model[r.id]) {
			PROMISE(v == NFP_TX_NOT_IN_FLIGHT);
			PROMISE(!nfp_txid_put(&pool, r.id));
			continue;
		}
		PROMISE(nfp_tx_verdict_completes(v));
		PROMISE(nfp_txid_put(&pool, r.id));
		model[r.id] = 0;
		busy--;
		PROMISE(pool.nfree == size - busy);
	}
	PROMISE(pool.nfree == size - busy);
}

/* Layout decisions for arbitrary packet shapes. */
static void fuzz_plan(const uint8_t *d, size_t n)
{
	struct nfp_tx_shape s;
	struct nfp_tx_caps c;
	enum nfp_tx_layout l;
	u32 slots;

	if (n < 12)
		return;
	s.len = (u32)d[0] << 16 | (u32)d[1] << 8 | d[2];
	s.first_len = (u32)d[3] << 8 | d[4];
	s.data_slots = d[5];
	s.gso = d[6] & 1;
	s.gso_ok = d[6] & 2;
	c.sg = d[7] & 1;
	c.trusted = d[7] & 2;
	c.max_slots = d[8] % 40;
	c.page_size = NFP_PAGE_SIZE;
	l = nfp_tx_plan(&s, &c, &slots);
	if (l == NFP_TX_DROP) {
		PROMISE(slots == 0);
		return;
	}
	PROMISE(s.len >= NFP_ETH_HLEN && s.len <= NFP_MAX_TX_SIZE);
	PROMISE(!s.gso || s.gso_ok);
	PROMISE(slots >= 1 && slots <= NFP_TX_MAX_SLOTS + 1);
	if (l == NFP_TX_DIRECT) {
		PROMISE(c.trusted);
		PROMISE(s.first_len >= NFP_ETH_HLEN);
		PROMISE(s.data_slots <= (c.sg ? (c.max_slots ? c.max_slots : 1) : 1));
		PROMISE(s.data_slots <= NFP_TX_MAX_SLOTS);
	}
	if (!c.sg)
		PROMISE(slots - (s.gso ? 1 : 0) == 1);
}

/* xenstore values: checked against a slow reference parser. */
static void fuzz_xs(const uint8_t *d, size_t n)
{
	char s[64];
	size_t len = n < sizeof(s) - 1 ? n : sizeof(s) - 1, i;
	u64 ref = 0;
	bool digits = len > 0;
	u32 v;
	u8 mac[6];
	bool b;
	int err;

	memcpy(s, d, len);
	s[len] = 0;
	len = strlen(s);
	digits = len > 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			digits = false;
		else if (ref <= 0xFFFFFFFFULL)
			ref = ref * 10 + (u64)(s[i] - '0');
	}
	err = nfp_xs_parse_uint(s, 0, 0xFFFFFFFFU, &v);
	PROMISE((err == 0) == (digits && ref <= 0xFFFFFFFFULL));
	if (!err)
		PROMISE(v == ref);
	err = nfp_xs_parse_uint(s, 1, 8, &v);
	if (!err)
		PROMISE(v >= 1 && v <= 8);
	err = nfp_xs_parse_bool(s, &b);
	PROMISE((err == 0) == (digits && ref <= 0xFFFFFFFFULL));
	if (!nfp_xs_parse_mac(s, mac)) {
		PROMISE(len == 17);
		PROMISE(!(mac[0] & 1));
		PROMISE(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
	}
	{
		const char *vals[NFP_NR_FEAT_NODES];
		struct nfp_backend_feat f;

		for (i = 0; i < NFP_NR_FEAT_NODES; i++)
			vals[i] = (n > i && (d[i] & 1)) ? s : NULL;
		nfp_backend_apply(&f, vals);
		PROMISE(f.max_queues <= NFP_XS_MAX_QUEUES_LIMIT);
		PROMISE(f.invalid <= NFP_NR_FEAT_NODES);
		PROMISE(!f.gso_tcpv4 || f.ipv4_csum);
		PROMISE(!f.gso_tcpv6 || f.ipv6_csum);
		v = nfp_pick_queues(f.max_queues, n > 1 ? d[1] : 0, n > 2 ? d[2] : 0, 8,
				    n > 3 ? d[3] : 0);
		PROMISE(v >= 1);
		PROMISE(v <= (f.max_queues ? f.max_queues : 1));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	switch (data[0] & 3) {
	case 0:
		fuzz_rx(data + 1, size - 1);
		break;
	case 1:
		fuzz_tx(data + 1, size - 1);
		break;
	case 2:
		fuzz_plan(data + 1, size - 1);
		break;
	default:
		fuzz_xs(data + 1, size - 1);
		break;
	}
	return 0;
}
