/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-API differences the network frontend meets between 5.10, 6.1 and
 * 6.12.  As in compat.h, every HAVE_<API> comes from a compile probe
 * (src/compat/probes/) and each block names the kernel change; the .c files
 * of src/netfront use only the nf_* helpers below.
 */
#ifndef XENFRONT_COMPAT_NET_H
#define XENFRONT_COMPAT_NET_H

#include "xenfront_config.h"
#include <xenfront/compat.h>

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <xen/grant_table.h>

/* "net: drop the weight argument from netif_napi_add" (v6.1) */
static inline void nf_napi_add(struct net_device *dev, struct napi_struct *napi,
			       int (*poll)(struct napi_struct *, int))
{
#ifdef HAVE_NETIF_NAPI_ADD_WEIGHT
	netif_napi_add(dev, napi, poll);
#else
	netif_napi_add(dev, napi, poll, NAPI_POLL_WEIGHT);
#endif
}

/* "net: add eth_hw_addr_set()" (v5.15; dev_addr is const since v5.17) */
static inline void nf_set_hw_addr(struct net_device *dev, const u8 *mac)
{
#ifdef HAVE_ETH_HW_ADDR_SET
	eth_hw_addr_set(dev, mac);
#else
	memcpy(dev->dev_addr, mac, ETH_ALEN);
#endif
}

/*
 * "ethtool: extend ringparam setting/getting API with rx_buf_len" (v5.17)
 * added two arguments to get_ringparam; NF_RINGPARAM_ARGS declares them
 * where they exist (the callback uses only dev and ring).
 */
#ifdef HAVE_ETHTOOL_KERNEL_RINGPARAM
#define NF_RINGPARAM_ARGS struct net_device *dev, struct ethtool_ringparam *ring, \
	struct kernel_ethtool_ringparam *kring, struct netlink_ext_ack *extack
#else
#define NF_RINGPARAM_ARGS struct net_device *dev, struct ethtool_ringparam *ring
#endif

/* "net: add netif_set_tso_max_size() and netif_set_tso_max_segs()" (v6.0) */
static inline void nf_set_tso_max_size(struct net_device *dev, unsigned int size)
{
#ifdef HAVE_NETIF_SET_TSO_MAX_SIZE
	netif_set_tso_max_size(dev, size);
#else
	netif_set_gso_max_size(dev, size);
#endif
}

/*
 * End a grant without freeing the reference; true when the backend no
 * longer has access.  "xen/grant-table: remove readonly parameter from
 * functions" (v5.18) dropped the readonly argument.
 */
static inline bool nf_gnttab_end_ref(grant_ref_t ref, bool readonly)
{
#ifdef HAVE_GNTTAB_END_REF_NO_RO
	return gnttab_end_foreign_access_ref(ref);
#else
	return gnttab_end_foreign_access_ref(ref, readonly);
#endif
}

#endif /* XENFRONT_COMPAT_NET_H */
