/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xfnetback - the rig's network backend for dom0 (see xfnetback.c for what
 * it does and how a scenario drives it).  Shared declarations of its parts:
 * xfnetback.c (event loop, control, log), xenbus.c (one device's xenstore
 * side), ring.c (the two rings, grants and the misbehaviours of the data
 * path) and frame.c (the IP endpoint: ARP, ICMP echo, UDP echo).
 */
#ifndef XFNETBACK_H
#define XFNETBACK_H

#define __XEN_TOOLS__ 1
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* the ring macros of xen/io/ring.h want these barriers from their user */
#define xen_mb()  atomic_thread_fence(memory_order_seq_cst)
#define xen_rmb() atomic_thread_fence(memory_order_acquire)
#define xen_wmb() atomic_thread_fence(memory_order_release)

#include <xenstore.h>
#include "../backend-util/daemon.h"
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xen/io/netif.h>
#include <xen/io/xenbus.h>

#define XFN_PAGE	4096u
#define XFN_FRAME_MAX	1536u	/* a reply frame: Ethernet header + 1500 */
#define XFN_PKT_MAX	65536u	/* a transmitted packet, all its slots */
#define XFN_TX_SLOTS	32u	/* slots of one transmitted packet we accept */
#define XFN_QLEN	64u	/* reply frames waiting for receive buffers */

/* ---- misbehaviours (/xfnetback/<tag>/misbehave) ---- */
enum xfn_mode {
	MB_NONE,
	/* transmit responses */
	MB_TX_UNKNOWN_ID, MB_TX_DUP_ID, MB_TX_BAD_STATUS, MB_TX_RSP_PROD_BEYOND,
	/* receive responses */
	MB_RX_BAD_OFFSET, MB_RX_SIZE_BIG, MB_RX_SIZE_ZERO, MB_RX_BAD_ID,
	MB_RX_MORE_DATA, MB_RX_BAD_EXTRA, MB_RX_RSP_PROD_BEYOND, MB_KEEP_RX_GRANT,
	/* until cleared */
	MB_HANG,
	MB_NR
};

struct xfn_misbehave {
	enum xfn_mode mode;
	unsigned int count;		/* fires left; 0: until cleared */
	unsigned int hold_ms;		/* keep-rx-grant: how long the mapping stays */
	char text[128];			/* as written, for the log */
};

/* a grant mapping kept past its response (misbehaviour) */
struct xfn_kept {
	struct xfn_kept *next;
	unsigned int domid;
	void *addr;
	uint64_t until_ms;
};

struct xfn_frame {
	unsigned int len;
	uint8_t data[XFN_FRAME_MAX];
};

struct xfn_vif {
	struct xfn_vif *next;
	unsigned int serial;		/* for watch tokens */
	char *be;			/* backend directory */
	char *fe;			/* frontend directory */
	unsigned int domid, devid;
	char tag[32];
	int state;			/* what we last wrote to be/state */
	bool toolstack_closing;		/* someone else wrote state 5 */
	bool dead;			/* frontend domain gone */
	struct xfn_misbehave mb;
	bool hang_told;			/* hang: the fired count was bumped */
	/* connection */
	void *txmap, *rxmap;
	netif_tx_back_ring_t tx;
	netif_rx_back_ring_t rx;
	evtchn_port_t port;		/* local port; 0: unbound */
	bool broken;			/* the frontend's indexes made no sense */
	/* reply frames waiting for receive buffers */
	struct xfn_frame *q;
	unsigned int qhead, qcount;
	uint8_t *pkt;			/* one transmitted packet */
	/* tx-dup-id: a request held unanswered, waiting for a second one */
	bool dup_held;
	uint16_t dup_id;
	uint64_t dup_since;
	/* counters for /xfnetback/<tag>/status */
	uint64_t n_tx, n_txerr, n_rx, n_rxerr, n_qdrop, n_arp, n_icmp, n_udp, n_other;
	bool status_dirty;
};

/* ---- xfnetback.c ---- */
extern xenevtchn_handle *xce;
extern xengnttab_handle *xgt;
void vlog(struct xfn_vif *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xfn_fired(struct xfn_vif *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xfn_status(struct xfn_vif *v);
void xfn_read_misbehave(struct xfn_vif *v);
void xfn_mb_done(struct xfn_vif *v);

/* ---- xenbus.c ---- */
struct xfn_vif *vif_claim(const char *be);
void vif_step(struct xfn_vif *v);
void vif_disconnect(struct xfn_vif *v);
void vif_free(struct xfn_vif *v);
extern struct xfn_vif *vifs;

/* ---- ring.c ---- */
int ring_map(struct xfn_vif *v, uint32_t txref, uint32_t rxref, unsigned int evtchn);
void ring_unmap(struct xfn_vif *v);
void ring_work(struct xfn_vif *v);
void ring_timers(struct xfn_vif *v, uint64_t now, uint64_t *next);
void kept_release_all(void);
void kept_release_domain(unsigned int domid);
void kept_release_gone(void);
uint64_t kept_next(void);
void kept_expire(uint64_t now);

/* ---- frame.c ---- */
extern const uint8_t xfn_mac[6];
/* queue what answers one transmitted frame (nothing for most frames) */
void frame_input(struct xfn_vif *v, const uint8_t *f, unsigned int len);

#endif
