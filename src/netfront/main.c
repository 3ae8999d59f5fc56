// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront: Xen virtual network frontend on the xenfront-bus layer.
 *
 * This file: module parameters, the net_device (probe, remove, the
 * netdev operations that are not on the data path) and registration with
 * xenfront-bus, which delivers freeze/thaw/restore (link.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/tcp.h>
#include <xen/xen.h>
#include <xen/platform_pci.h>
#include <xen/xenbus.h>
#include <xenfront/compat_net.h>
#include "netfront.h"

unsigned int nf_param_max_queues;
module_param_named(max_queues, nf_param_max_queues, uint, 0644);
MODULE_PARM_DESC(max_queues,
		 "Largest number of queue pairs per interface (0: one per CPU, at most 8); also capped by the backend");

bool nf_param_trusted = true;
module_param_named(trusted, nf_param_trusted, bool, 0644);
MODULE_PARM_DESC(trusted,
		 "Trust backends (a backend is trusted only if this is set and its xenstore node 'trusted' is not 0); an untrusted backend sees only copies of packet data");

unsigned int nf_param_rx_copy_threshold = 256;
module_param_named(rx_copy_threshold, nf_param_rx_copy_threshold, uint, 0644);
MODULE_PARM_DESC(rx_copy_threshold,
		 "Bytes of each received packet copied into the socket buffer's linear area (14-1024); shorter packets are copied whole");

const char *const nf_event_names[NF_NR_EVENTS] = {
	[NF_EV_RX_MALFORMED] = "rx_malformed",
	[NF_EV_TX_MALFORMED] = "tx_malformed",
	[NF_EV_RX_BACKEND_ERR] = "rx_backend_errors",
	[NF_EV_RX_NOMEM] = "rx_dropped_nomem",
	[NF_EV_RX_CSUM_FIXUP] = "rx_gso_checksum_fixup",
	[NF_EV_RX_CSUM_BAD] = "rx_checksum_setup_failed",
	[NF_EV_TX_DROPPED] = "tx_dropped",
	[NF_EV_TX_BACKEND_ERR] = "tx_backend_errors",
	[NF_EV_TX_BOUNCED] = "tx_bounced",
	[NF_EV_TX_REQUEUED] = "tx_requeued",
	[NF_EV_ANNOUNCES] = "announces",
	[NF_EV_CONNECTS] = "connects",
	[NF_EV_RESTORES] = "restores",
	[NF_EV_BROKEN] = "backend_broken",
	[NF_EV_XS_INVALID] = "xenstore_invalid",
	[NF_EV_GRANT_DEFERRED] = "grants_deferred",
	[NF_EV_TX_FLUSHED] = "tx_flushed",
};

/* ---- the list of devices, for the module-wide totals ---- */

static LIST_HEAD(nf_devices);
static DEFINE_MUTEX(nf_devices_lock);

void nf_track(struct nf_dev *nf, bool add)
{
	mutex_lock(&nf_devices_lock);
	if (add)
		list_add_tail(&nf->node, &nf_devices);
	else
		list_del(&nf->node);
	mutex_unlock(&nf_devices_lock);
}

void nf_resources(struct nf_dev *nf, struct nf_resources *r)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < nf->max_queues; i++) {
		const struct nf_queue *q = &nf->queues[i];

		r->grants += READ_ONCE(q->tx_grants) + READ_ONCE(q->rx_grants);
		if (READ_ONCE(q->tx_ring_ref) != INVALID_GRANT_REF && READ_ONCE(q->tx.sring))
			r->grants++;
		if (READ_ONCE(q->rx_ring_ref) != INVALID_GRANT_REF && READ_ONCE(q->rx.sring))
			r->grants++;
		r->rx_posted += READ_ONCE(q->rx_posted);
		r->tx_skbs += READ_ONCE(q->tx_skb_refs);
		r->pages += READ_ONCE(q->rx_pages) + READ_ONCE(q->tx_pages);
		r->evtchns += !!READ_ONCE(q->ev_tx.bound) + !!READ_ONCE(q->ev_rx.bound);
	}
}

/* Sum over live devices; the leftovers of removed ones are kept apart. */
static atomic_long_t nf_leftover[4];

void nf_account_leftovers(struct nf_dev *nf)
{
	struct nf_resources r;

	nf_resources(nf, &r);
	atomic_long_add(r.grants, &nf_leftover[0]);
	atomic_long_add(r.rx_posted, &nf_leftover[1]);
	atomic_long_add(r.tx_skbs, &nf_leftover[2]);
	atomic_long_add(r.pages, &nf_leftover[3]);
	if (r.grants || r.rx_posted || r.tx_skbs || r.pages)
		pr_err("%s: removed with resources still counted: %lu grants, %lu rx buffers, %lu skbs, %lu pages\n",
		       netdev_name(nf->netdev), r.grants, r.rx_posted, r.tx_skbs, r.pages);
}

void nf_module_totals(struct nf_resources *live, unsigned long *devices,
		      unsigned long leftover[4])
{
	struct nf_resources r;
	struct nf_dev *nf;
	unsigned int i;

	memset(live, 0, sizeof(*live));
	*devices = 0;
	mutex_lock(&nf_devices_lock);
	list_for_each_entry(nf, &nf_devices, node) {
		nf_resources(nf, &r);
		live->grants += r.grants;
		live->rx_posted += r.rx_posted;
		live->tx_skbs += r.tx_skbs;
		live->pages += r.pages;
		live->evtchns += r.evtchns;
		(*devices)++;
	}
	mutex_unlock(&nf_devices_lock);
	for (i = 0; i < 4; i++)
		leftover[i] = atomic_long_read(&nf_leftover[i]);
}

/* ---- the backend broke the protocol ---- */

void nf_mark_broken(struct nf_dev *nf, const char *why)
{
	if (cmpxchg(&nf->broken, 0, 1))
		return;
	nf_count(nf, NF_EV_BROKEN);
	netdev_err(nf->netdev, "backend %s broke the protocol (%s): interface disabled until it reconnects\n",
		   nf->xdev->otherend ? nf->xdev->otherend : "?", why);
	netif_carrier_off(nf->netdev);
	netif_tx_stop_all_queues(nf->netdev);
}

/* ---- net_device operations ---- */

static int nf_open(struct net_device *dev)
{
	struct nf_dev *nf = netdev_priv(dev);

	mutex_lock(&nf->lock);
	nf->up = true;
	if (nf->link != NF_LINK_CONNECTED || nf->frozen || READ_ONCE(nf->broken))
		netif_tx_stop_all_queues(dev);
	nf_update_state_locked(nf);
	mutex_unlock(&nf->lock);
	return 0;
}

static int nf_stop(struct net_device *dev)
{
	struct nf_dev *nf = netdev_priv(dev);

	mutex_lock(&nf->lock);
	nf->up = false;
	netif_tx_stop_all_queues(dev);
	nf_update_state_locked(nf);
	mutex_unlock(&nf->lock);
	return 0;
}

static void nf_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct nf_dev *nf = netdev_priv(dev);
	unsigned int i, start;

	for (i = 0; i < nf->max_queues; i++) {
		struct nf_queue *q = &nf->queues[i];
		u64 p, b;

		do {
			start = u64_stats_fetch_begin(&q->rxstat.syncp);
			p = q->rxstat.packets;
			b = q->rxstat.bytes;
		} while (u64_stats_fetch_retry(&q->rxstat.syncp, start));
		s->rx_packets += p;
		s->rx_bytes += b;
		do {
			start = u64_stats_fetch_begin(&q->txstat.syncp);
			p = q->txstat.packets;
			b = q->txstat.bytes;
		} while (u64_stats_fetch_retry(&q->txstat.syncp, start));
		s->tx_packets += p;
		s->tx_bytes += b;
	}
	s->rx_errors = nf_event_read(nf, NF_EV_RX_BACKEND_ERR) +
		       nf_event_read(nf, NF_EV_RX_MALFORMED) +
		       nf_event_read(nf, NF_EV_RX_CSUM_BAD);
	s->rx_dropped = nf_event_read(nf, NF_EV_RX_NOMEM);
	s->tx_errors = nf_event_read(nf, NF_EV_TX_BACKEND_ERR) +
		       nf_event_read(nf, NF_EV_TX_MALFORMED);
	s->tx_dropped = nf_event_read(nf, NF_EV_TX_DROPPED) + nf_event_read(nf, NF_EV_TX_FLUSHED);
}

/* Offloads the backend takes from us; the rest are turned off. */
static netdev_features_t nf_fix_features(struct net_device *dev, netdev_features_t f)
{
	struct nf_dev *nf = netdev_priv(dev);
	const struct nfp_backend_feat *b = &nf->feat;

	if (!b->sg)
		f &= ~NETIF_F_SG;
	if (!b->ipv4_csum)
		f &= ~NETIF_F_IP_CSUM;
	if (!b->ipv6_csum)
		f &= ~NETIF_F_IPV6_CSUM;
	if (!b->gso_tcpv4)
		f &= ~NETIF_F_TSO;
	if (!b->gso_tcpv6)
		f &= ~NETIF_F_TSO6;
	return f;
}

static int nf_set_features(struct net_device *dev, netdev_features_t f)
{
	if (!(f & NETIF_F_SG) && dev->mtu > ETH_DATA_LEN) {
		netdev_info(dev, "no scatter-gather: MTU lowered to %u\n", ETH_DATA_LEN);
		dev->mtu = ETH_DATA_LEN;
	}
	return 0;
}

static int nf_change_mtu(struct net_device *dev, int mtu)
{
	/* a frame over one page needs several slots, i.e. scatter-gather */
	if (mtu > ETH_DATA_LEN && !(dev->features & NETIF_F_SG))
		return -EINVAL;
	dev->mtu = mtu;
	return 0;
}

static const struct net_device_ops nf_netdev_ops = {
	.ndo_open = nf_open,
	.ndo_stop = nf_stop,
	.ndo_start_xmit = nf_start_xmit,
	.ndo_get_stats64 = nf_get_stats64,
	.ndo_change_mtu = nf_change_mtu,
	.ndo_fix_features = nf_fix_features,
	.ndo_set_features = nf_set_features,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

/* ---- probe and remove ---- */

static int nf_read_mac(struct xenbus_device *xdev, u8 *mac)
{
	char *s = xenbus_read(XBT_NIL, xdev->nodename, "mac", NULL);
	int err;

	if (IS_ERR(s))
		return PTR_ERR(s);
	err = nfp_xs_parse_mac(s, mac);
	if (err)
		dev_err(&xdev->dev, "refusing mac '%.20s': not a unicast Ethernet address\n", s);
	kfree(s);
	return err;
}

static int nf_probe(struct xenfront_device *xf)
{
	struct xenbus_device *xdev = xf->xdev;
	struct net_device *dev;
	struct nf_dev *nf;
	unsigned int maxq, i;
	u8 mac[ETH_ALEN];
	int err;

	err = nf_read_mac(xdev, mac);
	if (err) {
		xenbus_dev_fatal(xdev, err, "reading %s/mac", xdev->nodename);
		return err;
	}
	maxq = nfp_pick_queues(NFP_XS_MAX_QUEUES_LIMIT, READ_ONCE(nf_param_max_queues),
			       num_online_cpus(), NF_MAX_QUEUES_DEFAULT, 0);

	dev = alloc_etherdev_mq(sizeof(*nf), maxq);
	if (!dev)
		return -ENOMEM;
	nf = netdev_priv(dev);
	nf->netdev = dev;
	nf->xf = xf;
	nf->xdev = xdev;
	nf->max_queues = maxq;
	nf->nr_queues = 1;
	mutex_init(&nf->lock);
	INIT_DELAYED_WORK(&nf->announce_work, nf_announce_fn);
	INIT_DELAYED_WORK(&nf->restore_work, nf_restore_timeout_fn);
	for (i = 0; i < NF_NR_EVENTS; i++)
		atomic_long_set(&nf->ev[i], 0);
	ether_addr_copy(nf->mac, mac);
	nf->trusted = READ_ONCE(nf_param_trusted) &&
		      xenbus_read_unsigned(xdev->nodename, "trusted", 1);

	nf->queues = kvcalloc(maxq, sizeof(*nf->queues), GFP_KERNEL);
	if (!nf->queues) {
		err = -ENOMEM;
		goto err_free;
	}
	for (i = 0; i < maxq; i++) {
		struct nf_queue *q = &nf->queues[i];

		q->nf = nf;
		q->id = i;
		q->tx_ring_ref = INVALID_GRANT_REF;
		q->rx_ring_ref = INVALID_GRANT_REF;
		spin_lock_init(&q->tx_lock);
		u64_stats_init(&q->txstat.syncp);
		u64_stats_init(&q->rxstat.syncp);
		timer_setup(&q->refill_timer, nf_refill_timer_fn, 0);
		nf_napi_add(dev, &q->napi, nf_poll);
		nf_rx_reset_parser(q);
	}

	dev->netdev_ops = &nf_netdev_ops;
	dev->ethtool_ops = &nf_ethtool_ops;
	dev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			   NETIF_F_TSO | NETIF_F_TSO6 | NETIF_F_RXCSUM;
	dev->features = dev->hw_features | NETIF_F_GSO_ROBUST;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = XEN_NETIF_MAX_TX_SIZE - ETH_HLEN;
	nf_set_tso_max_size(dev, XEN_NETIF_MAX_TX_SIZE - MAX_TCP_HEADER);
	SET_NETDEV_DEV(dev, &xdev->dev);
	nf_set_hw_addr(dev, mac);
	netif_set_real_num_tx_queues(dev, 1);
	netif_set_real_num_rx_queues(dev, 1);
	netif_carrier_off(dev);

	xenfront_set_drvdata(xf, nf);
	err = register_netdev(dev);
	if (err) {
		dev_err(&xdev->dev, "cannot register the network device: %d\n", err);
		goto err_queues;
	}
	nf_track(nf, true);
	if (sysfs_create_group(&xdev->dev.kobj, &nf_dev_group))
		netdev_warn(dev, "no netfront diagnostics in sysfs\n");

	/* bound (again) from the start, whatever an earlier driver left */
	if (xdev->state != XenbusStateInitialising)
		xenbus_switch_state(xdev, XenbusStateInitialising);
	netdev_info(dev, "%s, mac %pM, up to %u queue(s)%s\n", xdev->nodename, mac, maxq,
		    nf->trusted ? "" : ", untrusted backend");
	return 0;

err_queues:
	xenfront_set_drvdata(xf, NULL);
	for (i = 0; i < maxq; i++)
		netif_napi_del(&nf->queues[i].napi);
	kvfree(nf->queues);
err_free:
	free_netdev(dev);
	return err;
}

static void nf_remove(struct xenfront_device *xf)
{
	struct nf_dev *nf = nf_from_xf(xf);
	struct net_device *dev;
	unsigned int i;

	if (!nf)
		return;
	dev = nf->netdev;
	sysfs_remove_group(&xf->xdev->dev.kobj, &nf_dev_group);
	nf_close_backend(nf);
	cancel_delayed_work_sync(&nf->announce_work);
	cancel_delayed_work_sync(&nf->restore_work);
	unregister_netdev(dev);

	mutex_lock(&nf->lock);
	nf->link = NF_LINK_IDLE;
	nf_update_state_locked(nf);
	nf_teardown_all(nf);
	mutex_unlock(&nf->lock);

	nf_track(nf, false);
	nf_account_leftovers(nf);
	for (i = 0; i < nf->max_queues; i++)
		netif_napi_del(&nf->queues[i].napi);
	xenfront_set_drvdata(xf, NULL);
	kvfree(nf->queues);
	free_netdev(dev);
}

static const struct xenbus_device_id nf_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenfront_driver nf_driver = {
	.name = "vif",
	.ids = nf_ids,
	.not_essential = true,
	.probe = nf_probe,
	.remove = nf_remove,
	.backend_changed = nf_backend_changed,
	.freeze = nf_freeze,
	.thaw = nf_thaw,
	.restore = nf_restore,
	.backend_lost = nf_backend_lost,
};

static int __init nf_init(void)
{
	int err;

	nf_abi_check();
	if (!xen_domain() || !xen_has_pv_nic_devices())
		return -ENODEV;
	err = nf_totals_init();
	if (err)
		return err;
	err = xenfront_register_driver(&nf_driver);
	if (err) {
		nf_totals_exit();
		return err;
	}
	pr_info("Xen virtual network frontend on xenfront-bus, version %s\n", XFPM_VERSION);
	return 0;
}

static void __exit nf_exit(void)
{
	xenfront_unregister_driver(&nf_driver);
	nf_totals_exit();
}

module_init(nf_init);
module_exit(nf_exit);

MODULE_DESCRIPTION("Xen virtual network frontend (xenfront-pm)");
MODULE_LICENSE("GPL");
MODULE_VERSION(XFPM_VERSION);
MODULE_ALIAS("xen:vif");
MODULE_ALIAS("xennet");
