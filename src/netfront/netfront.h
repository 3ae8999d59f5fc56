/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-netfront on xenfront-bus: private declarations of the kernel glue.
 *
 * Lifetime and locking, in one place:
 *  - struct nf_dev lives in the net_device's private area, from probe to
 *    remove.  Its queue array is allocated once, for the largest number of
 *    queues the device may ever use, and freed only after the net_device is
 *    unregistered: a queue is set up and torn down in place (q->active), so
 *    no data path can ever reach a freed queue.
 *  - nf->lock (mutex) serialises every control-plane change: connect,
 *    teardown, freeze/thaw/restore, open/stop, remove.  Lock order:
 *    the bus's per-device mutex -> rtnl -> nf->lock.  Nothing is acquired
 *    while nf->lock is held except spinlocks, and nothing we wait for under
 *    it (napi_disable, free_irq, timer_delete_sync) needs it.
 *  - q->tx_lock (spinlock, irqsave) protects the transmit ring, its ids,
 *    slots and counters: taken by ndo_start_xmit, the transmit interrupt
 *    and teardown.
 *  - The receive ring, its buffers and counters belong to the queue's NAPI
 *    poll; the control plane touches them only with NAPI disabled and the
 *    event channels unbound.
 */
#ifndef XENFRONT_NETFRONT_H
#define XENFRONT_NETFRONT_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <xen/interface/io/netif.h>
#include <xenfront/bus.h>
#include <xenfront/net_proto.h>
#include <xenfront/net_rx.h>
#include <xenfront/net_tx.h>
#include <xenfront/net_xs.h>

#define NF_RING_SIZE		NFP_RING_SLOTS
#define NF_MAX_QUEUES_DEFAULT	8U
/* Largest packet in slots: every data slot plus a GSO extra. */
#define NF_TX_MAX_PKT_SLOTS	(NFP_TX_MAX_SLOTS + 1)
/* Receive: keep at least one maximal packet posted, refill in batches. */
#define NF_RX_LOW		(MAX_SKB_FRAGS + 2)
#define NF_RX_BATCH		32U
#define NF_RX_SPARE		64U
#define NF_RX_REFILL_RETRY	(HZ / 10)
/* How long remove() waits for a live backend to close. */
#define NF_CLOSE_TIMEOUT_MS	5000U
/* how long a restored device keeps its carrier while it reconnects */
#define NF_RESTORE_HOLD_MS	10000U

/* One transmit data slot in flight. */
struct nf_txslot {
	struct sk_buff *skb;		/* a reference this slot holds, or NULL */
	struct page *page;		/* the page granted */
	grant_ref_t ref;
	bool bounce;			/* page is ours (a bounce copy) */
};

/* One posted receive buffer. */
struct nf_rxbuf {
	struct page *page;
	grant_ref_t ref;
};

struct nf_pcpu_like_stats {
	u64 packets;
	u64 bytes;
	struct u64_stats_sync syncp;
};

struct nf_dev;

struct nf_queue {
	struct nf_dev *nf;
	unsigned int id;
	bool active;			/* rings set up (written under nf->lock) */
	bool napi_on;			/* under nf->lock */
	bool split;			/* separate tx and rx event channels */
	char irq_tx[IFNAMSIZ + 12];
	char irq_rx[IFNAMSIZ + 12];
	struct xenfront_evtchn ev_tx;	/* the only one when not split */
	struct xenfront_evtchn ev_rx;

	/* transmit side, under tx_lock */
	spinlock_t tx_lock ____cacheline_aligned_in_smp;
	bool tx_open;
	struct xen_netif_tx_front_ring tx;
	grant_ref_t tx_ring_ref;
	grant_ref_t tx_gref_head;
	bool tx_grefs;			/* tx_gref_head holds a pool */
	u32 tx_evt_prod;		/* rsp_prod at the last event */
	struct nfp_txid_pool txids;
	struct nf_txslot txs[NF_RING_SIZE];
	unsigned long tx_grants;	/* resource counters */
	unsigned long tx_skb_refs;
	unsigned long tx_pages;
	struct nf_pcpu_like_stats txstat;

	/* receive side, owned by NAPI */
	struct napi_struct napi ____cacheline_aligned_in_smp;
	struct xen_netif_rx_front_ring rx;
	grant_ref_t rx_ring_ref;
	grant_ref_t rx_gref_head;
	bool rx_grefs;
	u32 rx_evt_prod;
	struct nfp_rx_parser parser;
	struct sk_buff *rx_skb;		/* packet under construction */
	enum nfp_rx_reason rx_fail;	/* the glue gave up on that packet */
	struct nf_rxbuf rxb[NF_RING_SIZE];
	struct page *spare[NF_RX_SPARE];
	unsigned int nspare;
	struct timer_list refill_timer;
	unsigned long rx_posted;	/* resource counters */
	unsigned long rx_grants;
	unsigned long rx_pages;
	struct nf_pcpu_like_stats rxstat;
};

enum nf_link {
	NF_LINK_IDLE,		/* no rings */
	NF_LINK_WAIT,		/* rings offered, waiting for the backend */
	NF_LINK_CONNECTED,
	NF_LINK_CLOSING,	/* backend closing: no traffic, rings kept */
};

/* Monotonic event counters (sysfs, ethtool). */
enum nf_event {
	NF_EV_RX_MALFORMED,
	NF_EV_TX_MALFORMED,
	NF_EV_RX_BACKEND_ERR,
	NF_EV_RX_NOMEM,
	NF_EV_RX_CSUM_FIXUP,
	NF_EV_RX_CSUM_BAD,
	NF_EV_TX_DROPPED,
	NF_EV_TX_BACKEND_ERR,
	NF_EV_TX_BOUNCED,
	NF_EV_TX_REQUEUED,
	NF_EV_ANNOUNCES,
	NF_EV_CONNECTS,
	NF_EV_RESTORES,
	NF_EV_BROKEN,
	NF_EV_XS_INVALID,
	NF_EV_GRANT_DEFERRED,
	NF_EV_TX_FLUSHED,
	NF_NR_EVENTS
};

extern const char *const nf_event_names[NF_NR_EVENTS];

struct nf_dev {
	struct net_device *netdev;
	struct xenfront_device *xf;
	struct xenbus_device *xdev;
	struct nf_queue *queues;
	unsigned int max_queues;	/* allocated */
	unsigned int nr_queues;		/* in use (connected or connecting) */
	unsigned int xs_queues;		/* layout last written to xenstore */

	struct mutex lock;
	enum nf_link link;
	bool up;			/* ndo_open'ed */
	bool frozen;
	int broken;			/* the backend broke the protocol */
	bool reconnecting;		/* we asked a live backend to start over */
	bool restoring;			/* restored, carrier held until reconnected */
	bool trusted;
	struct nfp_backend_feat feat;	/* of the current connection */
	u8 mac[ETH_ALEN];

	struct delayed_work announce_work;
	unsigned int announce_tries;
	struct delayed_work restore_work;	/* gives up holding the carrier */
	atomic_long_t ev[NF_NR_EVENTS];
	struct list_head node;		/* all devices, for the module totals */
};

/* module parameters (main.c) */
extern unsigned int nf_param_max_queues;
extern unsigned int nf_param_rx_copy_threshold;
extern bool nf_param_trusted;

static inline struct nf_dev *nf_from_xf(struct xenfront_device *xf)
{
	return xenfront_get_drvdata(xf);
}

static inline void nf_count(struct nf_dev *nf, enum nf_event e)
{
	atomic_long_inc(&nf->ev[e]);
}

static inline unsigned long nf_event_read(struct nf_dev *nf, enum nf_event e)
{
	return atomic_long_read(&nf->ev[e]);
}

/* Resource totals over the queues (racy snapshot, for diagnostics). */
struct nf_resources {
	unsigned long grants;		/* grants we hold: rings, rx buffers, tx slots */
	unsigned long rx_posted;
	unsigned long tx_skbs;		/* skb references held by tx slots */
	unsigned long pages;		/* rx buffers, spares, tx bounce pages */
	unsigned long evtchns;
};
void nf_resources(struct nf_dev *nf, struct nf_resources *r);

/* main.c */
void nf_mark_broken(struct nf_dev *nf, const char *why);
void nf_track(struct nf_dev *nf, bool add);
void nf_account_leftovers(struct nf_dev *nf);
void nf_module_totals(struct nf_resources *live, unsigned long *devices,
		      unsigned long leftover[4]);

/* link.c: connection and PM */
void nf_sync_napi(struct nf_dev *nf);
void nf_update_state_locked(struct nf_dev *nf);
void nf_backend_changed(struct xenfront_device *xf, enum xenbus_state state);
int nf_freeze(struct xenfront_device *xf, enum xfpm_mode mode);
int nf_thaw(struct xenfront_device *xf, enum xfpm_mode mode);
int nf_restore(struct xenfront_device *xf, enum xfpm_mode mode);
void nf_teardown_all(struct nf_dev *nf);
void nf_close_backend(struct nf_dev *nf);
void nf_announce_fn(struct work_struct *w);
void nf_restore_timeout_fn(struct work_struct *w);
void nf_backend_lost(struct xenfront_device *xf);
void nf_kick(struct nf_queue *q);

/* tx.c */
netdev_tx_t nf_start_xmit(struct sk_buff *skb, struct net_device *dev);
void nf_tx_complete(struct nf_queue *q);
void nf_tx_release_all(struct nf_queue *q);
void nf_tx_set_open(struct nf_queue *q, bool open);
irqreturn_t nf_tx_interrupt(int irq, void *data);
irqreturn_t nf_txrx_interrupt(int irq, void *data);

/* rx.c */
int nf_poll(struct napi_struct *napi, int budget);
void nf_rx_refill(struct nf_queue *q);
void nf_rx_release_all(struct nf_queue *q);
void nf_rx_reset_parser(struct nf_queue *q);
void nf_refill_timer_fn(struct timer_list *t);
irqreturn_t nf_rx_interrupt(int irq, void *data);
bool nf_rx_irq_work(struct nf_queue *q);

/* ethtool.c */
extern const struct ethtool_ops nf_ethtool_ops;

/* sysfs.c */
extern const struct attribute_group nf_dev_group;
int nf_totals_init(void);
void nf_totals_exit(void);

/* abi.c */
void nf_abi_check(void);

#endif /* XENFRONT_NETFRONT_H */
