// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_NETIF_SET_TSO_MAX_SIZE: netif_set_tso_max_size(), the driver's TSO
 * limit since "net: add netif_set_tso_max_size() and netif_set_tso_max_segs()"
 * (v6.0); before, drivers set netif_set_gso_max_size().
 */
#include <linux/netdevice.h>
void xfpm_probe(struct net_device *d);
void xfpm_probe(struct net_device *d) { netif_set_tso_max_size(d, 65536); }
