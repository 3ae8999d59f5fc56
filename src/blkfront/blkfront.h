/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-blkfront on xenfront-bus: declarations shared by the files of the
 * kernel glue (the .c files of src/blkfront).  The protocol decisions live in
 * src/ring/blk_*.c (include/xenfront/blk_*.h).
 */
#ifndef XENFRONT_BLKFRONT_H
#define XENFRONT_BLKFRONT_H

#include <linux/atomic.h>
#include <linux/blk-mq.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <xen/interface/io/blkif.h>
#include <xen/xenbus.h>
#include <xenfront/blk_shadow.h>
#include <xenfront/blk_split.h>
#include <xenfront/blk_vdev.h>
#include <xenfront/blk_xs.h>
#include <xenfront/bus.h>

/* Module parameters (main.c); read when a connection is set up. */
extern unsigned int blkfront_max_indirect_segments;
extern unsigned int blkfront_max_queues;
extern unsigned int blkfront_max_ring_order;
extern unsigned int blkfront_max_pool_percent;
extern bool blkfront_feature_persistent;
extern bool blkfront_trusted;
extern unsigned int blkfront_drain_timeout_ms;

/* Where a device is in its life. */
enum blkfront_state {
	BF_WAITING,		/* no ring: waiting for the backend's InitWait */
	BF_INITIALISED,		/* rings offered: waiting for Connected */
	BF_CONNECTED,
	BF_STALE,		/* backend still on an old ring: taking it down */
	BF_CLOSING,		/* backend closing: no new I/O, in flight may finish */
	BF_CLOSED,		/* connection gone: I/O fails */
	BF_BROKEN,		/* protocol violation: I/O fails until closed */
	BF_REMOVED,
};

/* Per ring slot: what the fragment in it needs at completion. */
struct blkfront_slot {
	struct request *req;
	u32 byte_off;		/* of the fragment's data in the request */
	u32 bytes;		/* data bytes of the fragment */
	u16 nsegs;
	u8 nind;
	bool read;		/* copy data back on completion */
	bool granted;		/* per-request grants held (no persistent grants) */
};

struct blkfront_info;

/* One shared ring, its event channel and the pages it carries data in. */
struct blkfront_ring {
	struct blkfront_info *info;
	unsigned int id;
	spinlock_t lock;		/* everything below */
	bool accepting;			/* queue_rq may issue on it */
	bool consuming;			/* the interrupt handler reads responses */
	struct xfb_conn conn;		/* limits of the current connection */

	struct blkif_front_ring ring;
	void *sring;
	unsigned int order;
	grant_ref_t ring_refs[XENBUS_MAX_RING_GRANTS];
	struct xenfront_evtchn evtchn;
	char irq_name[40];

	/* bookkeeping (src/ring/blk_shadow.c) */
	struct xfb_shadow shadow;
	struct xfb_slot *xslots;
	u32 *free_stack;
	void **scratch;
	struct blkfront_slot *slots;
	unsigned int nr_slots;

	/* data pages: slot i owns pages[i * segs ... i * segs + segs - 1] */
	unsigned int segs;
	struct page **pages;
	grant_ref_t *grefs;		/* persistent grants, else INVALID */
	struct page **ind_pages;	/* one per slot when indirect is in use */
	grant_ref_t *ind_grefs;
	bool persistent;
};

/* The block-layer request's private part. */
struct blkfront_rq {
	struct xfb_acct acct;
	blk_status_t status;
	bool reissue;		/* refused as sent: issue it again, do not end it */
	bool postflush;		/* a FUA write on a flush-only ring: flush when written */
};

struct blkfront_info {
	struct xenfront_device *xf;
	struct xenbus_device *xdev;
	struct mutex mutex;		/* state, rings array, disk setup */
	enum blkfront_state state;
	bool frozen;
	bool quiesced;
	bool broken;			/* a protocol violation was seen */
	bool disk_dead;			/* hot-unplugged: the disk is finished */
	const char *broken_reason;

	u32 vdevice;
	struct xfb_vdev vd;
	unsigned int handle;

	/* the disk */
	struct gendisk *gd;
	struct blk_mq_tag_set tag_set;
	bool tag_set_ok;
	bool disk_added;

	/* negotiated */
	struct xfb_params params;
	struct xfb_talk talk;
	struct xfb_disk disk;
	unsigned int segs;		/* data pages per ring request */
	u32 pool_capped_from;		/* indirect segments offered, 0: not capped */
	u32 connections;		/* rings set up so far (id generations) */
	unsigned int written_rings;	/* queues our nodes describe */

	struct blkfront_ring *rings;
	unsigned int nr_rings;

	/* resource counts (sysfs) */
	atomic_t grants;		/* grant references we hold */
	atomic_t persistent_grants;
	atomic_t pages;			/* pages we allocated for rings and data */
	atomic_t evtchns;
	atomic_t inflight;		/* block requests on the rings */
	atomic_t slots_busy;		/* ring requests outstanding */
	atomic64_t replayed;		/* requests re-issued after a restore */
	atomic64_t reissued;		/* ... after the backend refused their flush */
	atomic64_t malformed;		/* responses that failed the checks */
	atomic64_t xs_invalid;		/* xenstore values that failed the checks */
	atomic64_t deferred;		/* grants left to the kernel (still mapped) */
	atomic64_t split;		/* requests issued as several ring requests */
	atomic64_t ring_full;		/* hardware queue stops for want of ring slots */
	atomic64_t completed;		/* requests handed back */
	atomic64_t failed;		/* ... with an error */
	atomic64_t reconnects;		/* connections after a restore */
	atomic64_t resizes;

	unsigned long feature_off;	/* BF_OFF_*: backend refused the op */
	struct work_struct fail_work;
	struct work_struct feature_work;
	wait_queue_head_t drain_wq;
};

#define BF_OFF_FLUSH	0
#define BF_OFF_DISCARD	1
#define BF_OFF_BARRIER_DATA	2	/* barriers go empty only */

/* io.c: rings, requests, responses */
extern const struct blk_mq_ops blkfront_mq_ops;
int blkfront_ring_setup(struct blkfront_info *info, struct blkfront_ring *r,
			unsigned int order);
int blkfront_ring_pool(struct blkfront_info *info, struct blkfront_ring *r,
		       unsigned int segs, bool indirect, bool persistent);
void blkfront_ring_teardown(struct blkfront_info *info, struct blkfront_ring *r);
void blkfront_ring_open(struct blkfront_ring *r, const struct xfb_conn *conn);
unsigned int blkfront_ring_fail(struct blkfront_ring *r);
unsigned int blkfront_ring_reclaim_for_replay(struct blkfront_ring *r);
void blkfront_ring_kick(struct blkfront_ring *r);
void blkfront_ring_update_conn(struct blkfront_ring *r);
void blkfront_fail_work(struct work_struct *work);

/* disk.c: the gendisk */
int blkfront_minors_reserve(u32 first, u32 n);
void blkfront_minors_release(u32 first, u32 n);
void blkfront_minors_exit(void);
int blkfront_disk_create(struct blkfront_info *info);
int blkfront_disk_update(struct blkfront_info *info);
void blkfront_disk_release(struct blkfront_info *info);
void blkfront_effective_conn(const struct blkfront_info *info, struct xfb_conn *c);
void blkfront_feature_work(struct work_struct *work);

/* sysfs.c */
extern const struct attribute_group blkfront_attr_group;

/* xenbus.c */
extern struct xenfront_driver blkfront_driver;
const char *blkfront_state_name(enum blkfront_state s);

#endif /* XENFRONT_BLKFRONT_H */
