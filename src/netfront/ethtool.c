// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront: ethtool operations (driver info, link, statistics,
 * channels, ring sizes).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <xenfront/compat_net.h>
#include "netfront.h"

/* Resource counters appended to the event counters in the statistics. */
static const char *const nf_res_names[] = {
	"res_grants", "res_rx_posted", "res_tx_skbs", "res_pages", "res_evtchns",
};

#define NF_NR_STATS (NF_NR_EVENTS + ARRAY_SIZE(nf_res_names))

static void nf_get_drvinfo(struct net_device *dev, struct ethtool_drvinfo *info)
{
	struct nf_dev *nf = netdev_priv(dev);

	/* the same driver name the in-tree frontend reports: its xenbus driver */
	strscpy(info->driver, "vif", sizeof(info->driver));
	strscpy(info->version, XFPM_VERSION, sizeof(info->version));
	strscpy(info->bus_info, dev_name(&nf->xdev->dev), sizeof(info->bus_info));
}

static int nf_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? NF_NR_STATS : -EOPNOTSUPP;
}

static void nf_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < NF_NR_EVENTS; i++, data += ETH_GSTRING_LEN)
		strscpy((char *)data, nf_event_names[i], ETH_GSTRING_LEN);
	for (i = 0; i < ARRAY_SIZE(nf_res_names); i++, data += ETH_GSTRING_LEN)
		strscpy((char *)data, nf_res_names[i], ETH_GSTRING_LEN);
}

static void nf_get_ethtool_stats(struct net_device *dev, struct ethtool_stats *stats, u64 *data)
{
	struct nf_dev *nf = netdev_priv(dev);
	struct nf_resources r;
	unsigned int i;

	for (i = 0; i < NF_NR_EVENTS; i++)
		*data++ = nf_event_read(nf, i);
	nf_resources(nf, &r);
	*data++ = r.grants;
	*data++ = r.rx_posted;
	*data++ = r.tx_skbs;
	*data++ = r.pages;
	*data++ = r.evtchns;
}

static void nf_get_channels(struct net_device *dev, struct ethtool_channels *ch)
{
	struct nf_dev *nf = netdev_priv(dev);

	/* a queue carries both directions; the count is negotiated at connect */
	ch->max_combined = nf->max_queues;
	ch->combined_count = READ_ONCE(nf->nr_queues);
}

static void nf_get_ringparam(NF_RINGPARAM_ARGS)
{
	ring->rx_max_pending = NF_RING_SIZE;
	ring->tx_max_pending = NF_RING_SIZE;
	ring->rx_pending = NF_RING_SIZE;
	ring->tx_pending = NF_RING_SIZE;
}

const struct ethtool_ops nf_ethtool_ops = {
	.get_drvinfo = nf_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = nf_get_sset_count,
	.get_strings = nf_get_strings,
	.get_ethtool_stats = nf_get_ethtool_stats,
	.get_channels = nf_get_channels,
	.get_ringparam = nf_get_ringparam,
	.get_ts_info = ethtool_op_get_ts_info,
};
