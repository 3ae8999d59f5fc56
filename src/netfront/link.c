// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-netfront: the connection to the backend and the PM callbacks.
 *
 * Our end's xenbus states:
 *   Initialising --backend InitWait-->  set up the queues, publish them,
 *                                       switch to Connected
 *   Connected    --backend up--------->  carrier on, traffic, announce (backend
 *                                       state Connected)
 *   any          --backend Closing---->  stop traffic, switch to Closed
 *   any          --backend Closed----->  the backend let go: tear down
 *   Closed       --backend InitWait--->  the backend is back: start over
 *
 * PM, as delivered by xenfront-bus:
 *   freeze   detach the device, close transmit, stop NAPI; rings, grants
 *            and event channels stay
 *   thaw     the connection survived: reopen and kick both ends, nothing
 *            re-issued
 *   restore  the rings died with the old domain: tear them down here (old
 *            grants end on the new grant table, channels unbind safely,
 *            in-flight transmits are dropped); the new backend's InitWait
 *            reconnects us in nf_backend_changed(), and its Connected
 *            announces us on the network.  The device stays detached with
 *            its carrier on meanwhile: a carrier drop would make the stack
 *            flush its neighbour entries, reset the qdisc (what the
 *            applications sent during the restore) and tell user space the
 *            link went down.  The carrier goes off only if the new backend
 *            does not connect within NF_RESTORE_HOLD_MS, or goes away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xenfront/compat_net.h>
#include "netfront.h"

/* What we tell the backend we can do (all of it, always). */
static const char *const nf_our_features[] = {
	"request-rx-copy",		/* we post buffers for the backend to copy into */
	"feature-rx-notify",		/* and notify it when we do */
	"feature-sg",			/* packets may span receive slots */
	"feature-gso-tcpv4",		/* we take large TCP packets */
	"feature-gso-tcpv6",
	"feature-ipv6-csum-offload",	/* and blank IPv6 checksums */
};

/* Keys of one queue, at the top level or under queue-N. */
static const char *const nf_queue_keys[] = {
	"tx-ring-ref", "rx-ring-ref", "event-channel", "event-channel-tx", "event-channel-rx",
};

static void nf_local_napi_schedule(struct nf_queue *q)
{
	local_bh_disable();
	napi_schedule(&q->napi);
	local_bh_enable();
}

/* Restart both directions of a queue: reap, poll, and poke the backend. */
void nf_kick(struct nf_queue *q)
{
	unsigned long flags;

	if (!q->active)
		return;
	spin_lock_irqsave(&q->tx_lock, flags);
	nf_tx_complete(q);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	if (q->napi_on)
		nf_local_napi_schedule(q);
	notify_remote_via_irq(q->ev_tx.irq);
	if (q->split)
		notify_remote_via_irq(q->ev_rx.irq);
}

/* NAPI runs on a queue that is set up, on an open and unfrozen device. */
void nf_sync_napi(struct nf_dev *nf)
{
	unsigned int i;

	lockdep_assert_held(&nf->lock);
	for (i = 0; i < nf->max_queues; i++) {
		struct nf_queue *q = &nf->queues[i];
		bool want = q->active && nf->up && !nf->frozen;

		if (want && !q->napi_on) {
			napi_enable(&q->napi);
			q->napi_on = true;
		} else if (!want && q->napi_on) {
			napi_disable(&q->napi);
			q->napi_on = false;
		}
	}
}

/* Make transmit, NAPI and carrier match link, frozen, broken and up. */
void nf_update_state_locked(struct nf_dev *nf)
{
	bool running = nf->link == NF_LINK_CONNECTED && !nf->frozen && !READ_ONCE(nf->broken);
	unsigned int i;

	lockdep_assert_held(&nf->lock);
	for (i = 0; i < nf->max_queues; i++)
		nf_tx_set_open(&nf->queues[i], running && nf->up);
	nf_sync_napi(nf);
	if (running) {
		netif_carrier_on(nf->netdev);
		if (nf->up)
			netif_tx_wake_all_queues(nf->netdev);
		for (i = 0; i < nf->nr_queues; i++)
			nf_kick(&nf->queues[i]);
	} else if (!nf->frozen && !nf->restoring) {
		netif_carrier_off(nf->netdev);
	}
}

/* A restored device is connected again or gives up waiting. */
static void nf_restore_done_locked(struct nf_dev *nf)
{
	lockdep_assert_held(&nf->lock);
	if (!nf->restoring)
		return;
	nf->restoring = false;
	cancel_delayed_work(&nf->restore_work);
	if (!nf->frozen)
		netif_device_attach(nf->netdev);
}

static void nf_queue_teardown(struct nf_dev *nf, struct nf_queue *q)
{
	unsigned long flags;
	void *va;

	/* the receive ring is NAPI's: stop it first */
	if (q->napi_on) {
		napi_disable(&q->napi);
		q->napi_on = false;
	}
	timer_delete_sync(&q->refill_timer);
	/* no handler runs after this; the kernel closes the ports if still ours */
	xenfront_evtchn_unbind(nf->xf, &q->ev_tx, q);
	xenfront_evtchn_unbind(nf->xf, &q->ev_rx, q);

	spin_lock_irqsave(&q->tx_lock, flags);
	q->tx_open = false;
	WRITE_ONCE(q->active, false);
	nf_tx_release_all(q);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	nf_rx_release_all(q);

	if (q->tx_grefs) {
		gnttab_free_grant_references(q->tx_gref_head);
		q->tx_grefs = false;
	}
	if (q->rx_grefs) {
		gnttab_free_grant_references(q->rx_gref_head);
		q->rx_grefs = false;
	}
	if (q->tx.sring) {
		va = q->tx.sring;
		spin_lock_irqsave(&q->tx_lock, flags);
		q->tx.sring = NULL;
		spin_unlock_irqrestore(&q->tx_lock, flags);
		xenfront_ring_free(nf->xf, 0, &va, &q->tx_ring_ref);
	}
	if (q->rx.sring) {
		va = q->rx.sring;
		q->rx.sring = NULL;
		xenfront_ring_free(nf->xf, 0, &va, &q->rx_ring_ref);
	}
	q->split = false;
}

/* Tear every queue down; nf->lock held, transmit closed. */
void nf_teardown_all(struct nf_dev *nf)
{
	unsigned int i;

	lockdep_assert_held(&nf->lock);
	for (i = 0; i < nf->max_queues; i++) {
		struct nf_queue *q = &nf->queues[i];

		if (q->napi_on) {
			napi_disable(&q->napi);
			q->napi_on = false;
		}
	}
	/*
	 * napi_disable() returns once a poll has called napi_complete_done(),
	 * and the poll may still read its ring after that (the final check
	 * for responses): wait for every poll to have returned before the
	 * rings go (the class of CVE-2022-48969).
	 */
	synchronize_net();
	for (i = 0; i < nf->max_queues; i++) {
		struct nf_queue *q = &nf->queues[i];

		if (q->active || q->tx.sring || q->rx.sring || q->tx_grefs || q->rx_grefs)
			nf_queue_teardown(nf, q);
	}
}

static int nf_queue_setup(struct nf_dev *nf, struct nf_queue *q)
{
	struct xenfront_device *xf = nf->xf;
	const char *name = netdev_name(nf->netdev);
	unsigned long flags;
	void *va;
	int err;

	err = gnttab_alloc_grant_references(NF_RING_SIZE, &q->tx_gref_head);
	if (err < 0)
		goto fail;
	q->tx_grefs = true;
	err = gnttab_alloc_grant_references(NF_RING_SIZE, &q->rx_gref_head);
	if (err < 0)
		goto fail;
	q->rx_grefs = true;

	va = NULL;
	q->tx_ring_ref = INVALID_GRANT_REF;
	err = xenfront_ring_alloc(xf, 0, &va, &q->tx_ring_ref);
	if (err)
		goto fail;
	SHARED_RING_INIT((struct xen_netif_tx_sring *)va);
	spin_lock_irqsave(&q->tx_lock, flags);
	FRONT_RING_INIT(&q->tx, (struct xen_netif_tx_sring *)va, XEN_PAGE_SIZE);
	nfp_txid_init(&q->txids, NF_RING_SIZE);
	q->tx_evt_prod = 0;
	spin_unlock_irqrestore(&q->tx_lock, flags);

	va = NULL;
	q->rx_ring_ref = INVALID_GRANT_REF;
	err = xenfront_ring_alloc(xf, 0, &va, &q->rx_ring_ref);
	if (err)
		goto fail;
	SHARED_RING_INIT((struct xen_netif_rx_sring *)va);
	FRONT_RING_INIT(&q->rx, (struct xen_netif_rx_sring *)va, XEN_PAGE_SIZE);
	q->rx_evt_prod = 0;
	nf_rx_reset_parser(q);

	q->split = nf->feat.split_evtchn;
	WRITE_ONCE(q->active, true);
	if (q->split) {
		snprintf(q->irq_tx, sizeof(q->irq_tx), "%s-q%u-tx", name, q->id);
		snprintf(q->irq_rx, sizeof(q->irq_rx), "%s-q%u-rx", name, q->id);
		err = xenfront_evtchn_bind(xf, &q->ev_tx, nf_tx_interrupt, true, q->irq_tx, q);
		if (!err)
			err = xenfront_evtchn_bind(xf, &q->ev_rx, nf_rx_interrupt, true,
						   q->irq_rx, q);
	} else {
		snprintf(q->irq_tx, sizeof(q->irq_tx), "%s-q%u", name, q->id);
		err = xenfront_evtchn_bind(xf, &q->ev_tx, nf_txrx_interrupt, true, q->irq_tx, q);
	}
	if (err)
		goto fail;

	/* NAPI is off: the receive ring is ours to fill */
	nf_rx_refill(q);
	return 0;

fail:
	nf_queue_teardown(nf, q);
	return err;
}

static int nf_write_queue_keys(struct nf_queue *q, struct xenbus_transaction xbt,
			       const char *dir)
{
	int err;

	err = xenbus_printf(xbt, dir, "tx-ring-ref", "%u", q->tx_ring_ref);
	if (!err)
		err = xenbus_printf(xbt, dir, "rx-ring-ref", "%u", q->rx_ring_ref);
	if (err)
		return err;
	if (q->split) {
		err = xenbus_printf(xbt, dir, "event-channel-tx", "%u", q->ev_tx.port);
		if (!err)
			err = xenbus_printf(xbt, dir, "event-channel-rx", "%u", q->ev_rx.port);
		return err;
	}
	return xenbus_printf(xbt, dir, "event-channel", "%u", q->ev_tx.port);
}

/* Forget the keys of the layout an earlier connection published. */
static void nf_clean_layout(struct nf_dev *nf, struct xenbus_transaction xbt)
{
	const char *node = nf->xdev->nodename;
	char sub[16];
	unsigned int i;

	if (!nf->xs_queues)
		return;
	if (nf->xs_queues == 1) {
		for (i = 0; i < ARRAY_SIZE(nf_queue_keys); i++)
			xenbus_rm(xbt, node, nf_queue_keys[i]);
		return;
	}
	xenbus_rm(xbt, node, "multi-queue-num-queues");
	for (i = 0; i < nf->xs_queues; i++) {
		snprintf(sub, sizeof(sub), "queue-%u", i);
		xenbus_rm(xbt, node, sub);
	}
}

static int nf_publish(struct nf_dev *nf, const char **what)
{
	struct xenbus_device *xdev = nf->xdev;
	struct xenbus_transaction xbt;
	unsigned int i;
	char *dir;
	int err;

again:
	*what = "starting a transaction";
	err = xenbus_transaction_start(&xbt);
	if (err)
		return err;
	nf_clean_layout(nf, xbt);

	*what = "writing ring references and event channels";
	if (nf->nr_queues == 1) {
		err = nf_write_queue_keys(&nf->queues[0], xbt, xdev->nodename);
	} else {
		err = xenbus_printf(xbt, xdev->nodename, "multi-queue-num-queues", "%u",
				    nf->nr_queues);
		for (i = 0; !err && i < nf->nr_queues; i++) {
			dir = kasprintf(GFP_KERNEL, "%s/queue-%u", xdev->nodename, i);
			if (!dir) {
				err = -ENOMEM;
				break;
			}
			err = nf_write_queue_keys(&nf->queues[i], xbt, dir);
			kfree(dir);
		}
	}
	if (err)
		goto abort;

	*what = "writing features";
	for (i = 0; i < ARRAY_SIZE(nf_our_features); i++) {
		err = xenbus_write(xbt, xdev->nodename, nf_our_features[i], "1");
		if (err)
			goto abort;
	}

	*what = "ending the transaction";
	err = xenbus_transaction_end(xbt, 0);
	if (err == -EAGAIN)
		goto again;
	if (!err)
		nf->xs_queues = nf->nr_queues;
	return err;

abort:
	xenbus_transaction_end(xbt, 1);
	return err;
}

/* Read and check what the backend offers. */
static void nf_read_backend(struct nf_dev *nf, struct nfp_backend_feat *f)
{
	const char *vals[NFP_NR_FEAT_NODES] = { };
	char *bufs[NFP_NR_FEAT_NODES] = { };
	unsigned int i;

	for (i = 0; i < NFP_NR_FEAT_NODES; i++) {
		char *s = xenbus_read(XBT_NIL, nf->xdev->otherend, nfp_feat_node_names[i], NULL);

		if (!IS_ERR(s)) {
			bufs[i] = s;
			vals[i] = s;
		}
	}
	nfp_backend_apply(f, vals);
	for (i = 0; i < NFP_NR_FEAT_NODES; i++)
		kfree(bufs[i]);
	if (f->invalid) {
		atomic_long_add(f->invalid, &nf->ev[NF_EV_XS_INVALID]);
		dev_warn_ratelimited(&nf->xdev->dev,
				     "backend %s: %u feature value(s) malformed, taken as absent\n",
				     nf->xdev->otherend, f->invalid);
	}
}

/* The MAC must not change under us; a new one is reported, not applied. */
static void nf_check_mac(struct nf_dev *nf)
{
	char *s = xenbus_read(XBT_NIL, nf->xdev->nodename, "mac", NULL);
	u8 mac[ETH_ALEN];

	if (IS_ERR(s))
		return;
	if (nfp_xs_parse_mac(s, mac)) {
		nf_count(nf, NF_EV_XS_INVALID);
		dev_warn_ratelimited(&nf->xdev->dev, "ignoring malformed mac '%.20s'\n", s);
	} else if (!ether_addr_equal(mac, nf->mac)) {
		dev_warn(&nf->xdev->dev, "mac in xenstore changed to %pM; keeping %pM\n",
			 mac, nf->mac);
	}
	kfree(s);
}

static void nf_connect(struct nf_dev *nf)
{
	struct xenbus_device *xdev = nf->xdev;
	struct net_device *dev = nf->netdev;
	struct nfp_backend_feat feat;
	const char *what = "setting up queues";
	unsigned int n, i;
	int err = 0;

	nf_read_backend(nf, &feat);
	nf_check_mac(nf);
	n = nfp_pick_queues(feat.max_queues, READ_ONCE(nf_param_max_queues),
			    num_online_cpus(), NF_MAX_QUEUES_DEFAULT, nf->max_queues);

	mutex_lock(&nf->lock);
	nf->link = NF_LINK_IDLE;
	nf_update_state_locked(nf);
	nf_teardown_all(nf);
	nf->feat = feat;
	WRITE_ONCE(nf->broken, false);
	nf->reconnecting = false;
	WRITE_ONCE(nf->nr_queues, n);
	for (i = 0; i < n && !err; i++)
		err = nf_queue_setup(nf, &nf->queues[i]);
	if (!err)
		err = nf_publish(nf, &what);
	if (err) {
		nf_teardown_all(nf);
		nf_restore_done_locked(nf);
		nf_update_state_locked(nf);
		mutex_unlock(&nf->lock);
		xenbus_dev_fatal(xdev, err, "%s", what);
		return;
	}
	nf->link = NF_LINK_WAIT;
	nf_update_state_locked(nf);
	mutex_unlock(&nf->lock);

	rtnl_lock();
	err = netif_set_real_num_tx_queues(dev, n);
	if (!err)
		err = netif_set_real_num_rx_queues(dev, n);
	netdev_update_features(dev);
	rtnl_unlock();
	if (err)
		netdev_warn(dev, "cannot use %u queues: %d\n", n, err);

	xenbus_switch_state(xdev, XenbusStateConnected);
	nf_count(nf, NF_EV_CONNECTS);
	netdev_info(dev, "offered %u queue(s) to %s (%s event channels; backend:%s%s%s%s%s)\n",
		    n, xdev->otherend, feat.split_evtchn ? "split" : "shared",
		    feat.sg ? " sg" : "", feat.gso_tcpv4 ? " tso" : "",
		    feat.gso_tcpv6 ? " tso6" : "", feat.ipv4_csum ? " csum" : "",
		    feat.ipv6_csum ? " csum6" : "");
}

static void nf_backend_up(struct nf_dev *nf)
{
	bool fresh = false;

	mutex_lock(&nf->lock);
	if (nf->link == NF_LINK_WAIT) {
		nf->link = NF_LINK_CONNECTED;
		nf_restore_done_locked(nf);
		nf_update_state_locked(nf);
		fresh = true;
	}
	mutex_unlock(&nf->lock);
	if (fresh) {
		netdev_info(nf->netdev, "connected to %s\n", nf->xdev->otherend);
		nf->announce_tries = 0;
		mod_delayed_work(system_wq, &nf->announce_work, 0);
	}
}

/* Stop traffic; once the backend is closed (or gone), free the rings. */
static void nf_backend_down(struct nf_dev *nf, enum xenbus_state be)
{
	struct xenbus_device *xdev = nf->xdev;

	mutex_lock(&nf->lock);
	if (nf->link != NF_LINK_IDLE)
		nf->link = NF_LINK_CLOSING;
	nf_restore_done_locked(nf);
	nf_update_state_locked(nf);
	if (be == XenbusStateClosed || be == XenbusStateUnknown) {
		nf_teardown_all(nf);
		nf->link = NF_LINK_IDLE;
	}
	mutex_unlock(&nf->lock);
	/* a vanished backend directory: nothing to tell anyone */
	if (be != XenbusStateUnknown && xdev->state != XenbusStateClosed)
		xenbus_frontend_closed(xdev);
}

void nf_backend_changed(struct xenfront_device *xf, enum xenbus_state be)
{
	struct nf_dev *nf = nf_from_xf(xf);
	struct xenbus_device *xdev = xf->xdev;

	if (!nf)
		return;
	netdev_dbg(nf->netdev, "backend %s, we are %s\n", xenbus_strstate(be),
		   xenbus_strstate(xdev->state));

	switch (be) {
	case XenbusStateInitWait:
		if (xdev->state == XenbusStateClosed) {
			/* the backend came back after a close: start over */
			mutex_lock(&nf->lock);
			nf->link = NF_LINK_IDLE;
			nf_update_state_locked(nf);
			nf_teardown_all(nf);
			mutex_unlock(&nf->lock);
			xenbus_switch_state(xdev, XenbusStateInitialising);
		}
		if (xdev->state == XenbusStateInitialising)
			nf_connect(nf);
		break;
	case XenbusStateConnected:
		if (xdev->state == XenbusStateConnected)
			nf_backend_up(nf);
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
	case XenbusStateUnknown:
		/* a backend we asked to start over passes through these */
		if (nf->reconnecting && xdev->state == XenbusStateInitialising)
			break;
		if (be == XenbusStateUnknown && nf->link == NF_LINK_IDLE)
			break;
		nf_backend_down(nf, be);
		break;
	default:
		break;
	}
}

/* Write Initialising to our state node, which must exist. */
static void nf_restate_initialising(struct xenbus_device *xdev)
{
	struct xenbus_transaction xbt;
	int cur, err;

again:
	if (xenbus_transaction_start(&xbt))
		return;
	if (xenbus_scanf(xbt, xdev->nodename, "state", "%d", &cur) != 1) {
		xenbus_transaction_end(xbt, 1);
		return;
	}
	err = xenbus_printf(xbt, xdev->nodename, "state", "%d", XenbusStateInitialising);
	err = xenbus_transaction_end(xbt, err ? 1 : 0);
	if (err == -EAGAIN)
		goto again;
}

/* ---- PM ---- */

static const char *nf_mode_name(enum xfpm_mode mode)
{
	switch (mode) {
	case XFPM_MODE_XEN:
		return "xen suspend";
	case XFPM_MODE_HIBERNATE:
		return "hibernation";
	case XFPM_MODE_SUSPEND:
		return "suspend";
	default:
		return "unknown";
	}
}

int nf_freeze(struct xenfront_device *xf, enum xfpm_mode mode)
{
	struct nf_dev *nf = nf_from_xf(xf);
	unsigned int i;

	mutex_lock(&nf->lock);
	nf->frozen = true;
	netif_device_detach(nf->netdev);
	nf_update_state_locked(nf);
	for (i = 0; i < nf->max_queues; i++)
		timer_delete_sync(&nf->queues[i].refill_timer);
	mutex_unlock(&nf->lock);
	return 0;
}

int nf_thaw(struct xenfront_device *xf, enum xfpm_mode mode)
{
	struct nf_dev *nf = nf_from_xf(xf);

	mutex_lock(&nf->lock);
	nf->frozen = false;
	/* a restore still reconnecting attaches the device when it is done */
	if (!nf->restoring)
		netif_device_attach(nf->netdev);
	nf_update_state_locked(nf);
	mutex_unlock(&nf->lock);
	return 0;
}

int nf_restore(struct xenfront_device *xf, enum xfpm_mode mode)
{
	struct nf_dev *nf = nf_from_xf(xf);
	struct xenbus_device *xdev = xf->xdev;
	enum xenbus_state be;

	mutex_lock(&nf->lock);
	nf->frozen = false;
	/* detached since the freeze; the carrier is held (top of file) */
	nf->restoring = netif_carrier_ok(nf->netdev) && !READ_ONCE(nf->broken);
	nf->link = NF_LINK_IDLE;
	nf_update_state_locked(nf);
	nf_teardown_all(nf);
	WRITE_ONCE(nf->broken, false);
	nf->reconnecting = false;
	if (nf->restoring)
		mod_delayed_work(system_wq, &nf->restore_work,
				 msecs_to_jiffies(NF_RESTORE_HOLD_MS));
	else
		netif_device_attach(nf->netdev);
	mutex_unlock(&nf->lock);
	nf_count(nf, NF_EV_RESTORES);

	/*
	 * A new domain gets a new backend, which waits in InitWait for us.
	 * A backend in any later state is one from before (hibernation): ask
	 * it to start over; it passes through Closing and Closed to InitWait.
	 */
	be = xdev->otherend ? xenbus_read_driver_state(xdev, xdev->otherend) : XenbusStateUnknown;
	if (be == XenbusStateConnected || be == XenbusStateClosing || be == XenbusStateClosed) {
		nf->reconnecting = true;
		nf_restate_initialising(xdev);
	}
	netdev_info(nf->netdev, "restored (%s): reconnecting to %s (%s)\n",
		    nf_mode_name(mode), xdev->otherend ? xdev->otherend : "?",
		    xenbus_strstate(be));
	return 0;
}

/* ---- removal ---- */

static bool nf_wait_backend(struct xenbus_device *xdev, bool closing_ok)
{
	unsigned long end = jiffies + msecs_to_jiffies(NF_CLOSE_TIMEOUT_MS);

	do {
		enum xenbus_state s = xenbus_read_driver_state(xdev, xdev->otherend);

		if (s == XenbusStateClosed || s == XenbusStateUnknown ||
		    (closing_ok && s == XenbusStateClosing))
			return true;
		msleep(20);
	} while (time_before(jiffies, end));
	return false;
}

/*
 * Before freeing anything on removal (module unload, unbind), close a
 * backend that is still attached, so that it lets go of our pages.  The
 * bus holds our device mutex here, so we poll the backend's state instead
 * of waiting for nf_backend_changed(); a backend that does not answer
 * within the timeout is left to the deferred grant release.
 */
void nf_close_backend(struct nf_dev *nf)
{
	struct xenbus_device *xdev = nf->xdev;
	enum xenbus_state s;

	if (!xdev->otherend)
		return;
	s = xenbus_read_driver_state(xdev, xdev->otherend);
	if (s == XenbusStateClosed || s == XenbusStateUnknown)
		return;
	mutex_lock(&nf->lock);
	if (nf->link != NF_LINK_IDLE)
		nf->link = NF_LINK_CLOSING;
	nf_update_state_locked(nf);
	mutex_unlock(&nf->lock);

	xenbus_switch_state(xdev, XenbusStateClosing);
	if (!nf_wait_backend(xdev, true))
		dev_warn(&xdev->dev, "backend %s did not start closing\n", xdev->otherend);
	xenbus_switch_state(xdev, XenbusStateClosed);
	if (!nf_wait_backend(xdev, false))
		dev_warn(&xdev->dev, "backend %s did not close\n", xdev->otherend);
}

/* ---- announcing ourselves after a (re)connection ---- */

void nf_announce_fn(struct work_struct *w)
{
	struct nf_dev *nf = container_of(to_delayed_work(w), struct nf_dev, announce_work);
	struct net_device *dev = nf->netdev;

	if (!netif_running(dev) || !netif_carrier_ok(dev))
		return;
	/* wait until link watch has the queues going, or the frames are lost */
	if (!netif_oper_up(dev) && ++nf->announce_tries < 40) {
		schedule_delayed_work(&nf->announce_work, msecs_to_jiffies(50));
		return;
	}
	/* gratuitous ARP and unsolicited neighbour advertisements */
	netdev_notify_peers(dev);
	nf_count(nf, NF_EV_ANNOUNCES);
}

/* After a restore the layer gave up on a backend that never came: carrier off now. */
void nf_backend_lost(struct xenfront_device *xf)
{
	struct nf_dev *nf = nf_from_xf(xf);

	if (nf)
		mod_delayed_work(system_wq, &nf->restore_work, 0);
}

/* The new backend did not connect in time: stop pretending the link is up. */
void nf_restore_timeout_fn(struct work_struct *w)
{
	struct nf_dev *nf = container_of(to_delayed_work(w), struct nf_dev, restore_work);

	mutex_lock(&nf->lock);
	if (nf->restoring) {
		/* (not the backend's path: a restore may be replacing it now) */
		netdev_warn(nf->netdev, "no backend connected since the restore (limit %u ms, or the bus gave up on it): carrier off\n",
			    NF_RESTORE_HOLD_MS);
		nf_restore_done_locked(nf);
		nf_update_state_locked(nf);
	}
	mutex_unlock(&nf->lock);
}
