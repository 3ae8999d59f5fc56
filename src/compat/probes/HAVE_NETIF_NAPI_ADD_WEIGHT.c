// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_NETIF_NAPI_ADD_WEIGHT: netif_napi_add_weight() exists and
 * netif_napi_add() takes no weight.  "net: drop the weight argument from
 * netif_napi_add" (v6.1).
 */
#include <linux/netdevice.h>
static int p(struct napi_struct *n, int b) { return 0; }
void xfpm_probe(struct net_device *d, struct napi_struct *n);
void xfpm_probe(struct net_device *d, struct napi_struct *n)
{
	netif_napi_add(d, n, p);
	netif_napi_add_weight(d, n, p, NAPI_POLL_WEIGHT);
}
