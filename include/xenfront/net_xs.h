/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenstore values read by xen-netfront, checked before use (pure logic).
 *
 * The backend (and the toolstack) write these nodes; a broken or hostile
 * one may write anything.  Every value is parsed strictly: decimal digits
 * only, no sign, no blanks, no trailing garbage, no overflow.  A feature
 * flag with a bad value counts as absent; a MAC that is malformed,
 * multicast or all-zero is refused.
 */
#ifndef XENFRONT_NET_XS_H
#define XENFRONT_NET_XS_H

#include <xenfront/types.h>

/* Parse an unsigned decimal in [min, max]; -EINVAL or -ERANGE otherwise. */
int nfp_xs_parse_uint(const char *s, u32 min, u32 max, u32 *out);

/* A feature flag: "0" is off, any other valid unsigned is on. */
int nfp_xs_parse_bool(const char *s, bool *out);

/* "xx:xx:xx:xx:xx:xx", hex digits of either case; unicast, not zero. */
int nfp_xs_parse_mac(const char *s, u8 mac[6]);

/* What the backend offers, after validation. */
struct nfp_backend_feat {
	bool sg;
	bool gso_tcpv4;
	bool gso_tcpv6;
	bool ipv4_csum;		/* takes csum_blank IPv4 packets from us */
	bool ipv6_csum;
	bool split_evtchn;
	u32 max_queues;		/* 0: no multi-queue support */
	u32 invalid;		/* how many nodes held garbage */
};

/* Feature node names, in the order nfp_backend_apply() takes them. */
enum nfp_feat_node {
	NFP_FEAT_SG,
	NFP_FEAT_GSO_TCPV4,
	NFP_FEAT_GSO_TCPV6,
	NFP_FEAT_NO_CSUM,		/* feature-no-csum-offload */
	NFP_FEAT_IPV6_CSUM,		/* feature-ipv6-csum-offload */
	NFP_FEAT_SPLIT_EVTCHN,
	NFP_FEAT_MAX_QUEUES,		/* multi-queue-max-queues */
	NFP_NR_FEAT_NODES
};

extern const char *const nfp_feat_node_names[NFP_NR_FEAT_NODES];

/* Upper bound we accept for multi-queue-max-queues. */
#define NFP_XS_MAX_QUEUES_LIMIT	1024U

/*
 * Build the backend's feature set from the raw node values (NULL: node
 * absent).  Absent and invalid nodes take the protocol defaults.
 */
void nfp_backend_apply(struct nfp_backend_feat *f,
		       const char *const values[NFP_NR_FEAT_NODES]);

/*
 * Number of queues to use: the backend's maximum (0 means no multi-queue
 * support, so 1), our cap (module parameter; 0 means one per CPU up to
 * default_cap), the number of CPUs and the number the net_device was
 * allocated with.  Always at least 1.
 */
u32 nfp_pick_queues(u32 backend_max, u32 param_cap, u32 ncpus, u32 default_cap,
		    u32 alloc_max);

#endif /* XENFRONT_NET_XS_H */
