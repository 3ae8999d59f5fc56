// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkfront: device lifecycle on xenfront-bus.
 *
 * probe/remove, the reaction to every backend state, and the suspend
 * callbacks the layer delivers:
 *   freeze  - quiesce the queue; rings, grants and event channels stay.
 *             Under hibernation also wait (bounded) until nothing is in
 *             flight.
 *   thaw    - the connection survived: unquiesce and kick the rings.
 *   restore - the connection is dead: every request still on a ring goes
 *             back to the block layer's requeue list (each exactly once),
 *             the rings are released, and the device waits for the new
 *             backend.  backend_changed() then renegotiates everything and
 *             the requests are issued again under the new limits.
 *
 * The layer serialises all these callbacks per device; info->mutex also
 * serialises them with our own work items.  Nothing here waits for another
 * callback to run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <xen/interface/io/protocols.h>
#include <xen/platform_pci.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <xenfront/compat_blk.h>
#include "blkfront.h"

static const char * const state_names[] = {
	[BF_WAITING] = "waiting",
	[BF_INITIALISED] = "initialised",
	[BF_CONNECTED] = "connected",
	[BF_STALE] = "closing-stale",
	[BF_CLOSING] = "closing",
	[BF_CLOSED] = "closed",
	[BF_BROKEN] = "broken",
	[BF_REMOVED] = "removed",
};

const char *blkfront_state_name(enum blkfront_state s)
{
	return (unsigned int)s < ARRAY_SIZE(state_names) ? state_names[s] : "?";
}

/*
 * Stop issuing while suspended or while the rings are being rebuilt; let
 * requests through (to be failed) once the device is closing or broken.
 * 5.10 has no quiesce nesting, so only transitions are applied.
 *
 * Whenever the queue may run, hardware queues that queue_rq stopped for
 * want of ring slots are started too: only a response on a live ring
 * restarts them otherwise, and after a restore, a reconnection or a failed
 * ring no response will come for the requests they hold (issue 17).  A
 * queue whose ring is still full just stops again.
 */
static void update_quiesce(struct blkfront_info *info)
{
	bool want;

	if (!info->gd)
		return;
	switch (info->state) {
	case BF_WAITING:
	case BF_INITIALISED:
	case BF_STALE:
		want = true;
		break;
	case BF_REMOVED:
		want = false;
		break;
	default:
		want = info->frozen;
		break;
	}
	if (!want)
		blk_mq_start_stopped_hw_queues(info->gd->queue, true);
	if (want == info->quiesced)
		return;
	if (want)
		blk_mq_quiesce_queue(info->gd->queue);
	else
		blk_mq_unquiesce_queue(info->gd->queue);
	info->quiesced = want;
}

static void read_params(struct blkfront_info *info, struct xfb_params *p)
{
	unsigned int cpus = num_online_cpus();

	p->max_queues = clamp(READ_ONCE(blkfront_max_queues), 1U, cpus);
	p->max_ring_order = min_t(unsigned int, READ_ONCE(blkfront_max_ring_order),
				  XFB_MAX_RING_ORDER);
	p->max_indirect_segs = READ_ONCE(blkfront_max_indirect_segments);
	p->persistent = READ_ONCE(blkfront_feature_persistent);
	/* the toolstack may mark a single backend untrusted */
	p->trusted = READ_ONCE(blkfront_trusted) &&
		     xenbus_read_unsigned(info->xdev->nodename, "trusted", 1);
}

static void read_raw(struct blkfront_info *info, int first, int last, char *raw[])
{
	int f;

	for (f = first; f <= last; f++) {
		char *v = xenbus_read(XBT_NIL, info->xdev->otherend, xfb_xs_key(f), NULL);

		raw[f] = IS_ERR(v) ? NULL : v;
	}
}

static void free_raw(char *raw[])
{
	int f;

	for (f = 0; f < XFB_NR_XS; f++) {
		kfree(raw[f]);
		raw[f] = NULL;
	}
}

static bool field_required(int f)
{
	return f == XFB_XS_SECTORS || f == XFB_XS_INFO || f == XFB_XS_SECTOR_SIZE;
}

static void report_invalid(struct blkfront_info *info, u32 invalid, char *raw[])
{
	int f;

	if (!invalid)
		return;
	atomic64_add(hweight32(invalid), &info->xs_invalid);
	for (f = 0; f < XFB_NR_XS; f++) {
		const char *v = raw[f];

		if (!(invalid & (1U << f)))
			continue;
		if (v)
			dev_err_ratelimited(&info->xdev->dev,
					    "backend's %s is invalid ('%*pE'); %s\n",
					    xfb_xs_key(f), (int)min_t(size_t, strlen(v), 32), v,
					    field_required(f) ? "cannot connect" : "not using it");
		else
			dev_err_ratelimited(&info->xdev->dev,
					    "backend's %s is missing; cannot connect\n",
					    xfb_xs_key(f));
	}
}

static void fail_rings(struct blkfront_info *info)
{
	unsigned int i, n = 0;

	for (i = 0; i < info->nr_rings; i++)
		n += blkfront_ring_fail(&info->rings[i]);
	if (n)
		dev_warn(&info->xdev->dev, "%s: failed %u outstanding request(s)\n",
			 info->vd.name, n);
}

static void teardown_rings(struct blkfront_info *info)
{
	unsigned int i;

	for (i = 0; i < info->nr_rings; i++)
		blkfront_ring_teardown(info, &info->rings[i]);
}

/* The connection cannot be used: fail I/O and tell the backend. */
static void fail_device(struct blkfront_info *info, int err, const char *why)
{
	fail_rings(info);
	info->state = BF_BROKEN;
	info->broken = true;
	cmpxchg(&info->broken_reason, NULL, why);
	/* writes the error node and switches to Closing */
	xenbus_dev_fatal(info->xdev, err, "%s", why);
}

/* A ring saw a protocol violation (io.c): fail the whole device. */
void blkfront_fail_work(struct work_struct *work)
{
	struct blkfront_info *info = container_of(work, struct blkfront_info, fail_work);
	const char *why = READ_ONCE(info->broken_reason);

	mutex_lock(&info->mutex);
	switch (info->state) {
	case BF_INITIALISED:
	case BF_CONNECTED:
		fail_rings(info);
		info->state = BF_BROKEN;
		info->broken = true;
		xenbus_dev_error(info->xdev, -EPROTO, "backend broke the block protocol: %s",
				 why ? why : "?");
		xenbus_switch_state(info->xdev, XenbusStateClosing);
		break;
	case BF_CLOSING:
		fail_rings(info);
		info->broken = true;
		break;
	default:
		break;
	}
	update_quiesce(info);
	mutex_unlock(&info->mutex);
}

static int alloc_rings(struct blkfront_info *info, unsigned int n)
{
	unsigned int i;

	if (info->rings && info->nr_rings == n)
		return 0;
	/* only reached with the queue quiesced (or before the disk exists) */
	kfree(info->rings);
	info->nr_rings = 0;
	info->rings = kcalloc(n, sizeof(*info->rings), GFP_NOIO);
	if (!info->rings)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		info->rings[i].id = i;
		info->rings[i].info = info;
		spin_lock_init(&info->rings[i].lock);
	}
	info->nr_rings = n;
	return 0;
}

static int write_ring_nodes(struct xenbus_transaction xbt, struct blkfront_ring *r,
			    const char *dir)
{
	unsigned int i;
	int err;

	if (r->order) {
		for (i = 0; i < (1U << r->order); i++) {
			char name[16];

			snprintf(name, sizeof(name), "ring-ref%u", i);
			err = xenbus_printf(xbt, dir, name, "%u", r->ring_refs[i]);
			if (err)
				return err;
		}
	} else {
		err = xenbus_printf(xbt, dir, "ring-ref", "%u", r->ring_refs[0]);
		if (err)
			return err;
	}
	return xenbus_printf(xbt, dir, "event-channel", "%u", r->evtchn.port);
}

/* Forget the nodes an earlier connection of ours wrote (same domain). */
static void remove_old_nodes(struct xenbus_transaction xbt, struct blkfront_info *info)
{
	const char *dir = info->xdev->nodename;
	unsigned int i;
	char name[24];

	xenbus_rm(xbt, dir, "ring-page-order");
	xenbus_rm(xbt, dir, "multi-queue-num-queues");
	xenbus_rm(xbt, dir, "ring-ref");
	xenbus_rm(xbt, dir, "event-channel");
	for (i = 0; i < (1U << XFB_MAX_RING_ORDER); i++) {
		snprintf(name, sizeof(name), "ring-ref%u", i);
		xenbus_rm(xbt, dir, name);
	}
	for (i = 0; i < info->written_rings; i++) {
		snprintf(name, sizeof(name), "queue-%u", i);
		xenbus_rm(xbt, dir, name);
	}
}

static int write_nodes(struct blkfront_info *info)
{
	struct xenbus_device *xdev = info->xdev;
	struct xenbus_transaction xbt;
	const char *what;
	unsigned int i;
	int err;

again:
	err = xenbus_transaction_start(&xbt);
	if (err) {
		xenbus_dev_fatal(xdev, err, "starting transaction");
		return err;
	}
	if (info->written_rings)
		remove_old_nodes(xbt, info);
	what = "ring-page-order";
	if (info->talk.ring_order) {
		err = xenbus_printf(xbt, xdev->nodename, what, "%u", info->talk.ring_order);
		if (err)
			goto abort;
	}
	what = "ring references";
	if (info->nr_rings == 1) {
		err = write_ring_nodes(xbt, &info->rings[0], xdev->nodename);
		if (err)
			goto abort;
	} else {
		err = xenbus_printf(xbt, xdev->nodename, "multi-queue-num-queues", "%u",
				    info->nr_rings);
		if (err)
			goto abort;
		for (i = 0; i < info->nr_rings; i++) {
			char *dir = kasprintf(GFP_NOIO, "%s/queue-%u", xdev->nodename, i);

			if (!dir) {
				err = -ENOMEM;
				goto abort;
			}
			err = write_ring_nodes(xbt, &info->rings[i], dir);
			kfree(dir);
			if (err)
				goto abort;
		}
	}
	what = "protocol";
	err = xenbus_printf(xbt, xdev->nodename, what, "%s", XEN_IO_PROTO_ABI_NATIVE);
	if (err)
		goto abort;
	what = "feature-persistent";
	err = xenbus_printf(xbt, xdev->nodename, what, "%u", info->talk.persistent);
	if (err)
		goto abort;
	err = xenbus_transaction_end(xbt, 0);
	if (err == -EAGAIN)
		goto again;
	if (err)
		xenbus_dev_fatal(xdev, err, "completing transaction");
	else
		info->written_rings = info->nr_rings > 1 ? info->nr_rings : 1;
	return err;

abort:
	xenbus_transaction_end(xbt, 1);
	xenbus_dev_fatal(xdev, err, "writing %s", what);
	return err;
}

/* The backend waits for us: set up the rings and offer them. */
static void talk(struct blkfront_info *info)
{
	char *raw[XFB_NR_XS] = { };
	unsigned int i;
	int err;

	read_params(info, &info->params);
	read_raw(info, XFB_XS_FIRST_TALK, XFB_XS_LAST_TALK, raw);
	xfb_negotiate_talk((const char * const *)raw, &info->params, &info->talk);
	report_invalid(info, info->talk.invalid, raw);
	free_raw(raw);
	/*
	 * The block layer keeps the hardware queues of the first connection;
	 * a later backend that offers more queues gets no more rings than
	 * there are queues to feed them (more would be allocated, never used).
	 */
	if (info->tag_set_ok && info->talk.nr_queues > info->tag_set.nr_hw_queues) {
		dev_info(&info->xdev->dev, "%s: using %u of the %u queues offered: the disk has %u hardware queues\n",
			 info->vd.name, info->tag_set.nr_hw_queues, info->talk.nr_queues,
			 info->tag_set.nr_hw_queues);
		info->talk.nr_queues = info->tag_set.nr_hw_queues;
	}
	/* a new connection: whatever broke the last one is history */
	info->broken = false;
	WRITE_ONCE(info->broken_reason, NULL);

	info->connections++;
	err = alloc_rings(info, info->talk.nr_queues);
	if (err)
		goto fail;
	for (i = 0; i < info->nr_rings; i++) {
		err = blkfront_ring_setup(info, &info->rings[i], info->talk.ring_order);
		if (err)
			goto fail;
	}
	err = write_nodes(info);
	if (err)
		goto fail_quiet;
	info->state = BF_INITIALISED;
	err = xenbus_switch_state(info->xdev, XenbusStateInitialised);
	if (err)
		goto fail_quiet;
	return;

fail:
	xenbus_dev_fatal(info->xdev, err, "setting up %u ring(s)", info->talk.nr_queues);
fail_quiet:
	teardown_rings(info);
	info->state = BF_BROKEN;
	info->broken = true;
	cmpxchg(&info->broken_reason, NULL, "ring setup failed");
}

static void log_features(struct blkfront_info *info)
{
	const struct xfb_disk *d = &info->disk;
	struct xfb_conn c;

	blkfront_effective_conn(info, &c);
	dev_info(&info->xdev->dev,
		 "%s: %llu sectors of %u bytes; %u queue(s), ring order %u, %s%u indirect segments, persistent grants %s, %s, discard %s%s\n",
		 info->vd.name, (unsigned long long)d->sectors, d->sector_size, info->nr_rings,
		 info->talk.ring_order, c.max_indirect_segs ? "" : "no ", c.max_indirect_segs,
		 d->persistent ? "on" : "off",
		 c.flush_cache ? "flush" : c.barrier ? "barrier" : "no cache flush",
		 c.discard ? "on" : "off", c.secure_discard ? " (secure)" : "");
}

/*
 * The data pages are allocated up front for every slot and segment; with a
 * big ring and many indirect segments that can be more than a small guest
 * has.  Use fewer segments per request then (the backend takes any number
 * up to what it offered).
 */
static void fit_pool(struct blkfront_info *info, struct xfb_conn *c)
{
	unsigned int pct = clamp(READ_ONCE(blkfront_max_pool_percent), 1U, 100U);
	u64 budget = (u64)totalram_pages() * pct / 100;
	u32 fit;

	info->pool_capped_from = 0;
	if (!info->nr_rings)
		return;
	fit = xfb_pool_fit_indirect(c->max_indirect_segs, info->nr_rings,
				    info->rings[0].nr_slots, budget);
	if (fit == c->max_indirect_segs)
		return;
	dev_info(&info->xdev->dev,
		 "%s: using %u of the %u indirect segments offered: the data pages would take more than %u%% of RAM\n",
		 info->vd.name, fit, c->max_indirect_segs, pct);
	info->pool_capped_from = c->max_indirect_segs;
	c->max_indirect_segs = fit;
}

/* The backend is Connected: read what it offers and start (or resume) I/O. */
static void connect(struct blkfront_info *info)
{
	char *raw[XFB_NR_XS] = { };
	bool first = !info->gd;
	struct xfb_disk d;
	unsigned int i;
	int err;

	read_raw(info, XFB_XS_FIRST_CONNECT, XFB_XS_LAST_CONNECT, raw);
	err = xfb_negotiate_connect((const char * const *)raw, &info->params,
				    info->talk.persistent, &d);
	report_invalid(info, d.invalid, raw);
	free_raw(raw);
	if (err) {
		fail_device(info, err, "backend offers no usable disk");
		return;
	}
	if (!first && d.sector_size != info->disk.sector_size)
		dev_warn(&info->xdev->dev, "%s: sector size changed from %u to %u\n",
			 info->vd.name, info->disk.sector_size, d.sector_size);
	fit_pool(info, &d.conn);
	info->disk = d;
	info->feature_off = 0;
	info->segs = xfb_conn_max_segs(&d.conn);
	for (i = 0; i < info->nr_rings; i++) {
		err = blkfront_ring_pool(info, &info->rings[i], info->segs,
					 d.conn.max_indirect_segs > 0, d.persistent);
		if (err) {
			fail_device(info, err, "allocating the data pages");
			return;
		}
	}
	for (i = 0; i < info->nr_rings; i++)
		blkfront_ring_open(&info->rings[i], &d.conn);
	info->state = BF_CONNECTED;
	xenbus_switch_state(info->xdev, XenbusStateConnected);

	if (first) {
		err = blkfront_disk_create(info);
		if (err) {
			fail_device(info, err, "creating the disk");
			return;
		}
	} else {
		err = blkfront_disk_update(info);
		if (err)
			dev_warn(&info->xdev->dev, "%s: updating the queue limits: %d\n",
				 info->vd.name, err);
		atomic64_inc(&info->reconnects);
		blk_mq_kick_requeue_list(info->gd->queue);
	}
	log_features(info);
}

/* Connected again while connected: the backend announces a new size. */
static void check_resize(struct blkfront_info *info)
{
	char *v = xenbus_read(XBT_NIL, info->xdev->otherend, "sectors", NULL);
	u64 sectors;

	if (IS_ERR(v))
		return;
	if (xfb_parse_sectors(v, &sectors)) {
		char *raw[XFB_NR_XS] = { };

		raw[XFB_XS_SECTORS] = v;
		report_invalid(info, 1U << XFB_XS_SECTORS, raw);
	} else if (sectors != info->disk.sectors && info->gd) {
		dev_info(&info->xdev->dev, "%s: resized from %llu to %llu sectors\n",
			 info->vd.name, (unsigned long long)info->disk.sectors,
			 (unsigned long long)sectors);
		info->disk.sectors = sectors;
		set_capacity_and_notify(info->gd, sectors);
		atomic64_inc(&info->resizes);
	}
	kfree(v);
}

/* The backend is closing (detach, or its own end): no new requests. */
static void backend_closing(struct blkfront_info *info)
{
	unsigned long flags;
	unsigned int i;

	switch (info->state) {
	case BF_STALE:
		xenbus_switch_state(info->xdev, XenbusStateClosed);
		return;
	case BF_CLOSING:
	case BF_CLOSED:
	case BF_REMOVED:
		return;
	case BF_BROKEN:
		/* we asked for it; the disk stays for a later restore */
		break;
	default:
		if (info->gd && !info->disk_dead) {
			xfb_mark_disk_dead(info->gd);
			info->disk_dead = true;
		}
		info->state = BF_CLOSING;
		break;
	}
	/* requests already on the ring may still be answered */
	for (i = 0; i < info->nr_rings; i++) {
		struct blkfront_ring *r = &info->rings[i];

		spin_lock_irqsave(&r->lock, flags);
		r->accepting = false;
		spin_unlock_irqrestore(&r->lock, flags);
	}
	xenbus_frontend_closed(info->xdev);
}

/* The backend is Closed or gone: whatever is still outstanding fails. */
static void backend_gone(struct blkfront_info *info, enum xenbus_state bstate)
{
	switch (info->state) {
	case BF_STALE:
		if (bstate == XenbusStateClosed) {
			/* the old connection is down: start a new one */
			info->state = BF_WAITING;
			xenbus_switch_state(info->xdev, XenbusStateInitialising);
		}
		return;
	case BF_WAITING:
	case BF_CLOSED:
	case BF_REMOVED:
		return;
	case BF_CONNECTED:
	case BF_INITIALISED:
		/* vanished without closing first */
		if (info->gd && !info->disk_dead) {
			xfb_mark_disk_dead(info->gd);
			info->disk_dead = true;
		}
		break;
	default:
		break;
	}
	fail_rings(info);
	teardown_rings(info);
	info->state = BF_CLOSED;
	if (info->xdev->state != XenbusStateClosed)
		xenbus_frontend_closed(info->xdev);
}

static void blkfront_backend_changed(struct xenfront_device *xf, enum xenbus_state bstate)
{
	struct blkfront_info *info = xenfront_get_drvdata(xf);

	mutex_lock(&info->mutex);
	dev_dbg(&xf->xdev->dev, "backend %s, frontend %s, device %s\n",
		xenbus_strstate(bstate), xenbus_strstate(xf->xdev->state),
		blkfront_state_name(info->state));
	switch (bstate) {
	case XenbusStateInitWait:
		if (info->state == BF_WAITING && xf->xdev->state == XenbusStateInitialising)
			talk(info);
		break;
	case XenbusStateConnected:
		switch (info->state) {
		case BF_WAITING:
			/*
			 * Connected before we offered a ring: the backend still
			 * serves a ring of an earlier life of this device (a
			 * restore in the same backend, a driver reload).  Take
			 * that connection down and start again.
			 */
			dev_info(&xf->xdev->dev, "backend still connected to an old ring; resetting\n");
			info->state = BF_STALE;
			xenbus_switch_state(xf->xdev, XenbusStateClosing);
			break;
		case BF_INITIALISED:
			connect(info);
			break;
		case BF_CONNECTED:
			check_resize(info);
			break;
		default:
			break;
		}
		break;
	case XenbusStateClosing:
		backend_closing(info);
		break;
	case XenbusStateClosed:
	case XenbusStateUnknown:
		backend_gone(info, bstate);
		break;
	default:
		break;
	}
	update_quiesce(info);
	mutex_unlock(&info->mutex);
}

/*
 * After a restore the layer gave up on a backend that did not connect in
 * time (its directory never came, or it never reached Connected): the
 * requests held since the restore fail, and so does the disk.  (A backend
 * that is there but has no state yet reads as Unknown: that is not this.)
 */
static void blkfront_backend_lost(struct xenfront_device *xf)
{
	struct blkfront_info *info = xenfront_get_drvdata(xf);

	mutex_lock(&info->mutex);
	if ((info->state == BF_WAITING || info->state == BF_INITIALISED) && info->gd) {
		dev_err(&xf->xdev->dev, "%s: no backend after the restore; failing the disk\n",
			info->vd.name);
		if (!info->disk_dead) {
			xfb_mark_disk_dead(info->gd);
			info->disk_dead = true;
		}
		fail_rings(info);
		teardown_rings(info);
		info->state = BF_CLOSED;
		xenbus_frontend_closed(info->xdev);
	}
	update_quiesce(info);
	mutex_unlock(&info->mutex);
}

static int blkfront_freeze(struct xenfront_device *xf, enum xfpm_mode mode)
{
	struct blkfront_info *info = xenfront_get_drvdata(xf);
	unsigned long timeout;
	int err = 0;

	mutex_lock(&info->mutex);
	info->frozen = true;
	update_quiesce(info);
	if (mode == XFPM_MODE_HIBERNATE && atomic_read(&info->inflight)) {
		/* the image must not depend on requests the backend holds */
		timeout = msecs_to_jiffies(READ_ONCE(blkfront_drain_timeout_ms));
		if (!wait_event_timeout(info->drain_wq, !atomic_read(&info->inflight), timeout)) {
			dev_warn(&xf->xdev->dev, "%s: %d request(s) still in flight after %u ms\n",
				 info->vd.name, atomic_read(&info->inflight),
				 blkfront_drain_timeout_ms);
			info->frozen = false;
			update_quiesce(info);
			err = -EBUSY;
		}
	}
	mutex_unlock(&info->mutex);
	return err;
}

static int blkfront_thaw(struct xenfront_device *xf, enum xfpm_mode mode)
{
	struct blkfront_info *info = xenfront_get_drvdata(xf);
	unsigned int i;

	mutex_lock(&info->mutex);
	info->frozen = false;
	if (info->state == BF_CONNECTED || info->state == BF_CLOSING)
		for (i = 0; i < info->nr_rings; i++)
			blkfront_ring_kick(&info->rings[i]);
	update_quiesce(info);
	mutex_unlock(&info->mutex);
	return 0;
}

static int blkfront_restore(struct xenfront_device *xf, enum xfpm_mode mode)
{
	struct blkfront_info *info = xenfront_get_drvdata(xf);
	unsigned int i, n = 0;

	/*
	 * A protocol violation just before the suspend may still have its
	 * work pending: it belongs to the dead connection and must not fail
	 * the next one (the requests of that ring were failed with it).
	 */
	cancel_work_sync(&info->fail_work);
	mutex_lock(&info->mutex);
	info->frozen = false;
	if (info->state == BF_REMOVED || info->disk_dead) {
		/* unplugged: nothing to reconnect, the toolstack removes it */
		goto out;
	}
	for (i = 0; i < info->nr_rings; i++)
		n += blkfront_ring_reclaim_for_replay(&info->rings[i]);
	teardown_rings(info);
	if (n && info->gd)
		blk_mq_kick_requeue_list(info->gd->queue);
	atomic64_add(n, &info->replayed);
	info->state = BF_WAITING;
	dev_info(&xf->xdev->dev, "%s: new backend after restore; %u request(s) to replay\n",
		 info->vd.name, n);
out:
	update_quiesce(info);
	mutex_unlock(&info->mutex);
	return 0;
}

static int blkfront_is_ready(struct xenfront_device *xf)
{
	struct blkfront_info *info = xenfront_get_drvdata(xf);

	return info && (info->disk_added || info->state == BF_BROKEN ||
			info->state == BF_CLOSED);
}

static int blkfront_probe(struct xenfront_device *xf)
{
	struct xenbus_device *xdev = xf->xdev;
	struct blkfront_info *info;
	const char *leaf;
	u32 vdevice;
	char *v;
	int err;

	v = xenbus_read(XBT_NIL, xdev->nodename, "virtual-device", NULL);
	if (IS_ERR(v))
		v = xenbus_read(XBT_NIL, xdev->nodename, "virtual-device-ext", NULL);
	if (IS_ERR(v)) {
		xenbus_dev_fatal(xdev, PTR_ERR(v), "reading virtual-device");
		return PTR_ERR(v);
	}
	err = xfb_parse_vdev(v, &vdevice);
	kfree(v);
	if (err) {
		xenbus_dev_fatal(xdev, -EINVAL, "virtual-device is not a number");
		return -EINVAL;
	}

	if (xen_hvm_domain()) {
		char *type;

		/* emulated disks not unplugged: leave everything but xvd alone */
		if (xen_has_pv_and_legacy_disk_devices() && !(vdevice & XFB_VDEV_EXT_BIT) &&
		    (vdevice >> 8) != XFB_VDEV_MAJOR) {
			dev_info(&xdev->dev, "HVM: vbd %u is not an xvd device; not using it\n",
				 vdevice);
			return -ENODEV;
		}
		/* no PV cdrom in an HVM guest */
		type = xenbus_read(XBT_NIL, xdev->nodename, "device-type", NULL);
		if (IS_ERR(type))
			return -ENODEV;
		err = strncmp(type, "cdrom", 5) ? 0 : -ENODEV;
		kfree(type);
		if (err)
			return err;
	}

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info) {
		xenbus_dev_fatal(xdev, -ENOMEM, "allocating device state");
		return -ENOMEM;
	}
	err = xfb_vdev_decode(vdevice, &info->vd);
	if (err) {
		dev_warn(&xdev->dev, "virtual device %#x is not an xvd, hd or sd number\n",
			 vdevice);
		goto err_free;
	}
	err = blkfront_minors_reserve(info->vd.first_minor, info->vd.nr_minors);
	if (err) {
		dev_warn(&xdev->dev, "%s: minors %u-%u are in use\n", info->vd.name,
			 info->vd.first_minor, info->vd.first_minor + info->vd.nr_minors - 1);
		goto err_free;
	}
	info->vdevice = vdevice;
	leaf = strrchr(xdev->nodename, '/');
	if (!leaf || kstrtouint(leaf + 1, 0, &info->handle))
		info->handle = vdevice & 0xffff;
	info->xf = xf;
	info->xdev = xdev;
	info->state = BF_WAITING;
	mutex_init(&info->mutex);
	init_waitqueue_head(&info->drain_wq);
	INIT_WORK(&info->fail_work, blkfront_fail_work);
	INIT_WORK(&info->feature_work, blkfront_feature_work);
	xenfront_set_drvdata(xf, info);

	err = sysfs_create_group(&xdev->dev.kobj, &blkfront_attr_group);
	if (err)
		goto err_minors;
	return 0;

err_minors:
	xenfront_set_drvdata(xf, NULL);
	blkfront_minors_release(info->vd.first_minor, info->vd.nr_minors);
err_free:
	kfree(info);
	return err;
}

static void blkfront_remove(struct xenfront_device *xf)
{
	struct blkfront_info *info = xenfront_get_drvdata(xf);

	if (!info)
		return;
	sysfs_remove_group(&xf->xdev->dev.kobj, &blkfront_attr_group);

	mutex_lock(&info->mutex);
	info->state = BF_REMOVED;
	info->frozen = false;
	fail_rings(info);
	/* let the block layer drain whatever is queued: it fails in queue_rq */
	update_quiesce(info);
	if (info->gd)
		blk_mq_start_stopped_hw_queues(info->gd->queue, true);
	mutex_unlock(&info->mutex);

	cancel_work_sync(&info->fail_work);
	cancel_work_sync(&info->feature_work);
	blkfront_disk_release(info);
	teardown_rings(info);
	kfree(info->rings);
	info->rings = NULL;
	info->nr_rings = 0;
	blkfront_minors_release(info->vd.first_minor, info->vd.nr_minors);
	if (atomic_read(&info->grants) || atomic_read(&info->pages) ||
	    atomic_read(&info->evtchns))
		dev_warn(&xf->xdev->dev, "%s: removed with %d grant(s), %d page(s), %d event channel(s) left\n",
			 info->vd.name, atomic_read(&info->grants), atomic_read(&info->pages),
			 atomic_read(&info->evtchns));
	xenfront_set_drvdata(xf, NULL);
	kfree(info);
}

static const struct xenbus_device_id blkfront_ids[] = {
	{ "vbd" },
	{ "" }
};

struct xenfront_driver blkfront_driver = {
	.name = "vbd",
	.ids = blkfront_ids,
	.probe = blkfront_probe,
	.remove = blkfront_remove,
	.backend_changed = blkfront_backend_changed,
	.backend_lost = blkfront_backend_lost,
	.freeze = blkfront_freeze,
	.thaw = blkfront_thaw,
	.restore = blkfront_restore,
	.is_ready = blkfront_is_ready,
};
