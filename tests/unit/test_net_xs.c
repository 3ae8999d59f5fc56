// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of xen-netfront's xenstore value checks and queue-count
 * negotiation (src/ring/net_xs.c).
 */
#include "harness.h"
#include <xenfront/net_xs.h>

static int u32_of(const char *s, u32 min, u32 max, u32 *v)
{
	*v = 0xDEADBEEF;
	return nfp_xs_parse_uint(s, min, max, v);
}

TEST(unsigned_values)
{
	u32 v;

	CHECK_EQ(u32_of("0", 0, 10, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(u32_of("7", 0, 10, &v), 0);
	CHECK_EQ(v, 7);
	CHECK_EQ(u32_of("4294967295", 0, 0xFFFFFFFFU, &v), 0);
	CHECK_EQ(v, 0xFFFFFFFFU);
	CHECK_EQ(u32_of("4294967296", 0, 0xFFFFFFFFU, &v), -ERANGE);
	CHECK_EQ(u32_of("99999999999", 0, 0xFFFFFFFFU, &v), -ERANGE);
	CHECK_EQ(u32_of("11", 0, 10, &v), -ERANGE);
	CHECK_EQ(u32_of("0", 1, 10, &v), -ERANGE);
	CHECK_EQ(v, 0xDEADBEEF);	/* untouched on failure */
	CHECK_EQ(u32_of("", 0, 10, &v), -EINVAL);
	CHECK_EQ(u32_of("-1", 0, 10, &v), -EINVAL);
	CHECK_EQ(u32_of("+1", 0, 10, &v), -EINVAL);
	CHECK_EQ(u32_of(" 1", 0, 10, &v), -EINVAL);
	CHECK_EQ(u32_of("1 ", 0, 10, &v), -EINVAL);
	CHECK_EQ(u32_of("1\n", 0, 10, &v), -EINVAL);
	CHECK_EQ(u32_of("1x", 0, 10, &v), -EINVAL);
	CHECK_EQ(u32_of("0x1", 0, 10, &v), -EINVAL);
	CHECK_EQ(u32_of(NULL, 0, 10, &v), -EINVAL);
	/* leading zeros are still decimal */
	CHECK_EQ(u32_of("00000000004294967295", 0, 0xFFFFFFFFU, &v), 0);
	CHECK_EQ(v, 0xFFFFFFFFU);
	CHECK_EQ(u32_of("007", 0, 10, &v), 0);
	CHECK_EQ(v, 7);
}

TEST(flags)
{
	bool b = false;

	CHECK_EQ(nfp_xs_parse_bool("1", &b), 0);
	CHECK(b);
	CHECK_EQ(nfp_xs_parse_bool("0", &b), 0);
	CHECK(!b);
	CHECK_EQ(nfp_xs_parse_bool("2", &b), 0);
	CHECK(b);
	b = false;
	CHECK(nfp_xs_parse_bool("yes", &b) != 0);
	CHECK(nfp_xs_parse_bool("", &b) != 0);
	CHECK(nfp_xs_parse_bool("1garbage", &b) != 0);
	CHECK(nfp_xs_parse_bool(NULL, &b) != 0);
	CHECK(!b);
}

TEST(mac_addresses)
{
	u8 m[6] = { 0 };
	static const u8 want[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x0b };

	CHECK_EQ(nfp_xs_parse_mac("00:16:3e:00:00:0b", m), 0);
	CHECK(memcmp(m, want, 6) == 0);
	CHECK_EQ(nfp_xs_parse_mac("00:16:3E:00:00:0B", m), 0);
	CHECK(memcmp(m, want, 6) == 0);
	CHECK_EQ(nfp_xs_parse_mac("02:ab:cd:ef:01:23", m), 0);
	memset(m, 0x55, sizeof(m));
	CHECK_EQ(nfp_xs_parse_mac("00:16:3e:00:00", m), -EINVAL);
	CHECK_EQ(nfp_xs_parse_mac("00:16:3e:00:00:0b:", m), -EINVAL);
	CHECK_EQ(nfp_xs_parse_mac("00:16:3e:00:00:0b\n", m), -EINVAL);
	CHECK_EQ(nfp_xs_parse_mac("00-16-3e-00-00-0b", m), -EINVAL);
	CHECK_EQ(nfp_xs_parse_mac("0:16:3e:00:00:0b", m), -EINVAL);
	CHECK_EQ(nfp_xs_parse_mac("00:16:3e:00:00:0g", m), -EINVAL);
	CHECK_EQ(nfp_xs_parse_mac("", m), -EINVAL);
	CHECK_EQ(nfp_xs_parse_mac(NULL, m), -EINVAL);
	/* not a station address */
	CHECK_EQ(nfp_xs_parse_mac("01:00:5e:00:00:01", m), -EINVAL);
	CHECK_EQ(nfp_xs_parse_mac("ff:ff:ff:ff:ff:ff", m), -EINVAL);
	CHECK_EQ(nfp_xs_parse_mac("00:00:00:00:00:00", m), -EINVAL);
	CHECK_EQ(m[0], 0x55);	/* untouched on failure */
}

TEST(backend_features)
{
	const char *none[NFP_NR_FEAT_NODES] = { 0 };
	const char *all[NFP_NR_FEAT_NODES] = {
		[NFP_FEAT_SG] = "1", [NFP_FEAT_GSO_TCPV4] = "1", [NFP_FEAT_GSO_TCPV6] = "1",
		[NFP_FEAT_NO_CSUM] = "0", [NFP_FEAT_IPV6_CSUM] = "1",
		[NFP_FEAT_SPLIT_EVTCHN] = "1", [NFP_FEAT_MAX_QUEUES] = "4",
	};
	const char *junk[NFP_NR_FEAT_NODES] = {
		[NFP_FEAT_SG] = "y", [NFP_FEAT_GSO_TCPV4] = "-1", [NFP_FEAT_GSO_TCPV6] = "",
		[NFP_FEAT_NO_CSUM] = "1 ", [NFP_FEAT_IPV6_CSUM] = "1x",
		[NFP_FEAT_SPLIT_EVTCHN] = "0x1", [NFP_FEAT_MAX_QUEUES] = "0",
	};
	const char *nocsum[NFP_NR_FEAT_NODES] = {
		[NFP_FEAT_SG] = "1", [NFP_FEAT_GSO_TCPV4] = "1", [NFP_FEAT_NO_CSUM] = "1",
		[NFP_FEAT_MAX_QUEUES] = "99999",
	};
	struct nfp_backend_feat f;

	nfp_backend_apply(&f, none);
	CHECK(!f.sg && !f.gso_tcpv4 && !f.gso_tcpv6 && !f.ipv6_csum && !f.split_evtchn);
	CHECK(f.ipv4_csum);		/* on unless turned off */
	CHECK_EQ(f.max_queues, 0);
	CHECK_EQ(f.invalid, 0);

	nfp_backend_apply(&f, all);
	CHECK(f.sg && f.gso_tcpv4 && f.gso_tcpv6 && f.ipv4_csum && f.ipv6_csum && f.split_evtchn);
	CHECK_EQ(f.max_queues, 4);
	CHECK_EQ(f.invalid, 0);

	nfp_backend_apply(&f, junk);
	CHECK_EQ(f.invalid, 7);
	CHECK(!f.sg && !f.gso_tcpv4 && !f.gso_tcpv6 && !f.ipv6_csum && !f.split_evtchn);
	CHECK(f.ipv4_csum);
	CHECK_EQ(f.max_queues, 0);

	/* TSO needs checksum offload; an absurd queue count is garbage */
	nfp_backend_apply(&f, nocsum);
	CHECK(!f.ipv4_csum);
	CHECK(!f.gso_tcpv4);
	CHECK_EQ(f.max_queues, 0);
	CHECK_EQ(f.invalid, 1);
}

TEST(queue_count)
{
	CHECK_EQ(nfp_pick_queues(0, 0, 4, 8, 8), 1);		/* no multi-queue */
	CHECK_EQ(nfp_pick_queues(4, 0, 2, 8, 8), 2);		/* one per CPU */
	CHECK_EQ(nfp_pick_queues(16, 0, 32, 8, 16), 8);		/* default cap */
	CHECK_EQ(nfp_pick_queues(4, 3, 8, 8, 8), 3);		/* module parameter */
	CHECK_EQ(nfp_pick_queues(8, 100, 2, 8, 0), 8);		/* parameter over CPUs */
	CHECK_EQ(nfp_pick_queues(8, 0, 8, 8, 2), 2);		/* net_device size */
	CHECK_EQ(nfp_pick_queues(1, 0, 0, 0, 0), 1);
	CHECK_EQ(nfp_pick_queues(1024, 1024, 1, 8, 0), 1024);
}

TEST(node_names)
{
	int i;

	for (i = 0; i < NFP_NR_FEAT_NODES; i++)
		CHECK(nfp_feat_node_names[i] && nfp_feat_node_names[i][0]);
}

int main(void)
{
	RUN(unsigned_values);
	RUN(flags);
	RUN(mac_addresses);
	RUN(backend_features);
	RUN(queue_count);
	RUN(node_names);
	return harness_done();
}
