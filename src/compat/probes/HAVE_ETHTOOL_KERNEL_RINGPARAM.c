// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_ETHTOOL_KERNEL_RINGPARAM: ethtool_ops.get_ringparam takes a struct
 * kernel_ethtool_ringparam and an extack.  "ethtool: extend ringparam
 * setting/getting API with rx_buf_len" (v5.17).
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>

static void g(struct net_device *d, struct ethtool_ringparam *r,
	      struct kernel_ethtool_ringparam *k, struct netlink_ext_ack *e)
{
}

const struct ethtool_ops xfpm_probe_ops = { .get_ringparam = g };
