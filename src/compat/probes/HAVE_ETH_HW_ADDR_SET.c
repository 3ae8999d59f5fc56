// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_ETH_HW_ADDR_SET: eth_hw_addr_set().  "net: add eth_hw_addr_set()"
 * (v5.15, backported to the 5.10 stable series), needed once dev_addr
 * became const (v5.17).
 */
#include <linux/etherdevice.h>
void xfpm_probe(struct net_device *d, const u8 *a);
void xfpm_probe(struct net_device *d, const u8 *a) { eth_hw_addr_set(d, a); }
