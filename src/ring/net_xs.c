// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront: strict parsing of the xenstore values we depend on, and
 * the decisions made from them (pure logic, see net_xs.h).
 */
#include <xenfront/net_xs.h>

const char *const nfp_feat_node_names[NFP_NR_FEAT_NODES] = {
	[NFP_FEAT_SG] = "feature-sg",
	[NFP_FEAT_GSO_TCPV4] = "feature-gso-tcpv4",
	[NFP_FEAT_GSO_TCPV6] = "feature-gso-tcpv6",
	[NFP_FEAT_NO_CSUM] = "feature-no-csum-offload",
	[NFP_FEAT_IPV6_CSUM] = "feature-ipv6-csum-offload",
	[NFP_FEAT_SPLIT_EVTCHN] = "feature-split-event-channels",
	[NFP_FEAT_MAX_QUEUES] = "multi-queue-max-queues",
};

int nfp_xs_parse_uint(const char *s, u32 min, u32 max, u32 *out)
{
	u64 v = 0;
	size_t n = 0;

	if (!s)
		return -EINVAL;
	for (; s[n]; n++) {
		char c = s[n];

		if (c < '0' || c > '9')
			return -EINVAL;
		/* saturate: once past 32 bits the value only grows */
		if (v <= 0xFFFFFFFFULL)
			v = v * 10 + (u64)(c - '0');
	}
	if (!n)
		return -EINVAL;
	if (v > 0xFFFFFFFFULL || v < min || v > max)
		return -ERANGE;
	*out = (u32)v;
	return 0;
}

int nfp_xs_parse_bool(const char *s, bool *out)
{
	u32 v;
	int err = nfp_xs_parse_uint(s, 0, 0xFFFFFFFFU, &v);

	if (err)
		return err;
	*out = v != 0;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int nfp_xs_parse_mac(const char *s, u8 mac[6])
{
	u8 m[6];
	int i, hi, lo, any = 0;

	if (!s)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		const char *p = s + 3 * i;

		hi = hexval(p[0]);
		if (hi < 0)
			return -EINVAL;
		lo = hexval(p[1]);
		if (lo < 0)
			return -EINVAL;
		if (p[2] != (i == 5 ? '\0' : ':'))
			return -EINVAL;
		m[i] = (u8)(hi << 4 | lo);
		any |= m[i];
	}
	/* group (multicast/broadcast) bit set, or all zero: not a station */
	if ((m[0] & 0x01) || !any)
		return -EINVAL;
	memcpy(mac, m, sizeof(m));
	return 0;
}

static bool feat_flag(const char *v, bool dflt, u32 *invalid)
{
	bool b;

	if (!v)
		return dflt;
	if (nfp_xs_parse_bool(v, &b)) {
		(*invalid)++;
		return dflt;
	}
	return b;
}

void nfp_backend_apply(struct nfp_backend_feat *f,
		       const char *const values[NFP_NR_FEAT_NODES])
{
	const char *mq = values[NFP_FEAT_MAX_QUEUES];
	u32 q;

	memset(f, 0, sizeof(*f));
	f->sg = feat_flag(values[NFP_FEAT_SG], false, &f->invalid);
	f->gso_tcpv4 = feat_flag(values[NFP_FEAT_GSO_TCPV4], false, &f->invalid);
	f->gso_tcpv6 = feat_flag(values[NFP_FEAT_GSO_TCPV6], false, &f->invalid);
	/* IPv4 checksum offload is on unless the backend turns it off */
	f->ipv4_csum = !feat_flag(values[NFP_FEAT_NO_CSUM], false, &f->invalid);
	f->ipv6_csum = feat_flag(values[NFP_FEAT_IPV6_CSUM], false, &f->invalid);
	f->split_evtchn = feat_flag(values[NFP_FEAT_SPLIT_EVTCHN], false, &f->invalid);
	f->max_queues = 0;
	if (mq) {
		if (nfp_xs_parse_uint(mq, 1, NFP_XS_MAX_QUEUES_LIMIT, &q))
			f->invalid++;
		else
			f->max_queues = q;
	}
	/* segmentation offload needs the checksum offload of its family */
	if (!f->ipv4_csum)
		f->gso_tcpv4 = false;
	if (!f->ipv6_csum)
		f->gso_tcpv6 = false;
}

u32 nfp_pick_queues(u32 backend_max, u32 param_cap, u32 ncpus, u32 default_cap,
		    u32 alloc_max)
{
	u32 n = backend_max ? backend_max : 1;
	u32 cap = param_cap;

	if (!cap) {
		cap = ncpus ? ncpus : 1;
		if (default_cap && cap > default_cap)
			cap = default_cap;
	}
	if (n > cap)
		n = cap;
	if (alloc_max && n > alloc_max)
		n = alloc_max;
	return n ? n : 1;
}
