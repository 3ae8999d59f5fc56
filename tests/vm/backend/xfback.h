/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xfback - the rig's block backend for dom0 (see xfback.c for what it does
 * and how a scenario drives it).  Shared declarations of its three parts:
 * xfback.c (event loop, control, log), xenbus.c (one device's xenstore side)
 * and ring.c (rings, grants, I/O and the misbehaviours of the data path).
 */
#ifndef XFBACK_H
#define XFBACK_H

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
#include <xen/io/blkif.h>
#include <xen/io/xenbus.h>

#define XFB_PAGE	4096u
#define XFB_SECTOR	512u
#define XFB_MAX_QUEUES	16u	/* rings per device we accept */
#define XFB_MAX_ORDER	4u	/* ring pages: at most 16 */
#define XFB_MAX_IND	256u	/* indirect segments we accept at most */
#define XFB_SEGS_PER_IND (XFB_PAGE / sizeof(struct blkif_request_segment))
#define XFB_PGNT_BUCKETS 256u

/* ---- what a device advertises (/xfback/<tag>/cfg/<name>) ---- */
struct xfb_cfg {
	unsigned int max_queues;	/* multi-queue-max-queues; 0: no node */
	int max_ring_order;		/* max-ring-page-order; < 0: no node (one page) */
	unsigned int max_indirect;	/* feature-max-indirect-segments; 0: no node */
	int persistent;			/* feature-persistent */
	int flush, barrier, discard, discard_secure;
	unsigned int discard_granularity, discard_alignment;
	int readonly;
	unsigned int persistent_max;	/* persistent grants kept per ring */
	int hold_state;			/* 5 or 6: held there at the claim (0: no) */
	unsigned int hold_ms;		/* for so long, then InitWait */
};

/* ---- misbehaviours (/xfback/<tag>/misbehave) ---- */
enum xfb_mode {
	MB_NONE,
	/* one response each (count, default 1) */
	MB_UNKNOWN_ID, MB_DUP_ID, MB_OTHER_RING_ID, MB_WRONG_OP, MB_BAD_STATUS,
	MB_RSP_PROD_BEYOND, MB_RSP_TWICE, MB_RSP_CHANGE,
	/* grants */
	MB_KEEP_GRANT, MB_KEEP_INDIRECT,
	/* until cleared */
	MB_FLUSH_NOTSUPP, MB_DISCARD_NOTSUPP, MB_BAD_SECTORS, MB_HANG,
	/* state */
	MB_CLOSE_MIDIO, MB_VANISH,
	MB_RANDOM,
	MB_NR
};

struct xfb_misbehave {
	enum xfb_mode mode;
	unsigned int count;		/* one-shot modes: fires left */
	int want_write;			/* keep-*: 0 read, 1 write */
	unsigned int hold_ms;		/* keep-*: how long the mapping stays */
	int close_to;			/* close-midio: XenbusStateClosing/Closed */
	bool data_only;			/* flush-notsupp data: refuse writes only */
	uint64_t start, nr;		/* bad-sectors */
	uint64_t seed;			/* random */
	unsigned int permille;		/* random */
	char text[128];			/* as written, for the log */
};

/* a grant mapping kept past its response (misbehaviour) */
struct xfb_kept {
	struct xfb_kept *next;
	unsigned int domid;
	void *addr;
	unsigned int count;
	uint64_t until_ms;
};

/* a persistently mapped grant */
struct xfb_pgnt {
	struct xfb_pgnt *next;
	uint32_t gref;
	void *addr;
};

/* a request taken off the ring and not answered yet (held) */
struct xfb_held {
	struct xfb_held *next;
	uint64_t id;
	uint8_t op;			/* the operation its response carries */
	int16_t status;
	uint64_t due_ms;		/* answer then (0: only when released) */
	int why;			/* what holds it (enum xfb_mode) */
};

struct xfb_vbd;

struct xfb_ring {
	struct xfb_vbd *v;
	unsigned int idx;
	evtchn_port_t port;		/* local port; 0: unbound */
	unsigned int rport;		/* the frontend's */
	void *map;
	unsigned int npages;
	blkif_back_ring_t br;
	bool broken;			/* the frontend's indexes made no sense */
	struct xfb_pgnt *pg[XFB_PGNT_BUCKETS];
	unsigned int npg;
	struct xfb_held *held;
	uint64_t last_done_id;		/* id of the last answered request */
	bool have_done_id;
	uint64_t reqs;
	unsigned int beyond;		/* rsp-prod-beyond: publish this many more */
	bool flip;			/* rsp-change: rewrite this slot after the push */
	RING_IDX flip_idx;
	blkif_response_t flip_rsp;
};

struct xfb_vbd {
	struct xfb_vbd *next;
	unsigned int serial;		/* for watch tokens */
	char *be;			/* backend directory */
	char *fe;			/* frontend directory */
	unsigned int domid, devid;
	char tag[64];
	char *params;
	int fd;
	uint64_t bytes;			/* size of the file */
	int readonly;
	int state;			/* what we last wrote to be/state */
	bool toolstack_closing;		/* someone else wrote state 5 */
	bool dead;			/* frontend domain gone */
	struct xfb_cfg cfg;
	struct xfb_misbehave mb;
	/* connection */
	unsigned int nrings, order;
	bool persistent;
	struct xfb_ring rings[XFB_MAX_QUEUES];
	/* counters for /xfback/<tag>/status */
	uint64_t n_read, n_write, n_flush, n_discard, n_indirect, n_error, n_notsupp;
	uint64_t rsp_seen;		/* requests seen in random mode (its clock) */
	bool hang_told;			/* hang: the fired count was bumped */
	uint64_t rnd;			/* random mode's state */
	bool status_dirty;
	/* other-ring-id: the held request and its ring (-1: none) */
	int orid_ring;
	uint64_t orid_id;
	/* what a misbehaviour asks the main loop to do next */
	enum { ACT_NONE, ACT_CLOSE, ACT_VANISH } action;
	int act_state;			/* ACT_CLOSE: to which state */
	uint64_t hold_until;		/* cfg hold-state: InitWait only then (0: not held) */
};

/* ---- xfback.c ---- */
extern xenevtchn_handle *xce;
extern xengnttab_handle *xgt;
void vlog(struct xfb_vbd *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xfb_fired(struct xfb_vbd *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xfb_status(struct xfb_vbd *v);
void xfb_read_misbehave(struct xfb_vbd *v);

/* ---- xenbus.c ---- */
struct xfb_vbd *vbd_claim(const char *be);
void vbd_step(struct xfb_vbd *v);
void vbd_disconnect(struct xfb_vbd *v);
void vbd_free(struct xfb_vbd *v);
void vbd_set_state(struct xfb_vbd *v, int state);
void vbd_vanish(struct xfb_vbd *v);
void vbd_act(struct xfb_vbd *v);
void vbd_hold_over(struct xfb_vbd *v, uint64_t now);
extern struct xfb_vbd *vbds;

/* ---- ring.c ---- */
int ring_map(struct xfb_ring *r, unsigned int npages, const uint32_t *grefs,
	     unsigned int evtchn);
void ring_unmap(struct xfb_ring *r);
void ring_work(struct xfb_ring *r);
void ring_timers(struct xfb_vbd *v, uint64_t now, uint64_t *next);
void kept_release_all(void);
void kept_release_domain(unsigned int domid);
uint64_t kept_next(void);
void kept_expire(uint64_t now);
uint64_t rnd_next(uint64_t *s);

#endif
