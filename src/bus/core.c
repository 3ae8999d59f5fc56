// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenfront-bus: driver registration, the xenbus trampolines and the PM
 * domain through which every PM event of our devices passes.
 *
 * Our drivers register on the kernel's xenbus frontend bus (one enumeration,
 * one driver per device/<type>/<id>), but each device we bind gets our
 * dev_pm_domain, which the PM core prefers over the bus's own PM callbacks.
 * The per-device state machine (src/suspend-state) then decides which driver
 * callback really runs.
 */
#define pr_fmt(fmt) "xenfront-bus: " fmt

#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pm.h>
#include <linux/pm_domain.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <xenfront/compat.h>
#include "internal.h"

static unsigned int backend_wait_ms = 60000;
module_param(backend_wait_ms, uint, 0644);
MODULE_PARM_DESC(backend_wait_ms,
		 "After a restore, how long (ms, at least 1000; 0: for ever) a device waits for a backend that is not there (no xenstore directory yet, or one that vanished or closed) before it fails the device; a backend that is there and on its way to Connected is waited for without a limit");

static inline struct xenfront_driver *to_xfdrv(struct device_driver *d)
{
	return container_of(to_xenbus_driver(d), struct xenfront_driver, xb);
}

static inline struct xenfront_device *dev_to_xf(struct device *dev)
{
	return dev_get_drvdata(dev);
}

/* ---- PM ---- */

static const char *xfbus_mode_label(enum xfpm_mode m)
{
	return xfpm_mode_name(m);
}

static void xfbus_record_time(struct xenfront_device *xf, enum xfpm_action act, u64 ns)
{
	struct xenfront_pm_times *t = &xf->times;

	switch (act) {
	case XFPM_ACT_FREEZE:
		t->last_freeze_ns = ns;
		t->max_freeze_ns = max(t->max_freeze_ns, ns);
		break;
	case XFPM_ACT_THAW:
		t->last_thaw_ns = ns;
		t->max_thaw_ns = max(t->max_thaw_ns, ns);
		break;
	case XFPM_ACT_RESTORE:
		t->last_restore_ns = ns;
		t->max_restore_ns = max(t->max_restore_ns, ns);
		break;
	default:
		break;
	}
}

/*
 * After a restore the device is watched until its new backend is Connected.
 * A backend that is not there for backend_wait_ms in all (time while the
 * device is frozen does not count) is given up: the driver is told to fail
 * what it holds (backend_lost).  A backend that is there and on its way
 * (Initialising to Connected, or Closing, which the driver handles itself)
 * is slow, not lost: it is waited for without a limit, with one warning.
 * Two phases:
 *
 *  searching: xenbus_dev_restore() gave up before our resume because the
 *	backend's directory was not there yet (talk_to_otherend(): -ENOENT; a
 *	driver domain still starting, a slow toolstack), or could not set the
 *	watch.  The driver was restored anyway (it let go of the dead
 *	connection and holds its I/O) and our state put back to Initialising,
 *	so that a backend that appears does not find us Closing.  The work
 *	polls for the directory, its state node and backend-id (checked here
 *	first, so that the kernel's read of them cannot fail and write
 *	Closing again), then runs xenbus_dev_restore() once more, which only
 *	reads the details and sets the watch (reattaching).
 *  attached: the watch delivers the backend's states to the driver; the
 *	work only looks for Connected.
 *
 * A restore (another one may come during the wait) starts over; a freeze
 * holds the wait, a thaw goes on with it.  The work takes the device lock
 * first, in the PM core's order, so it never runs beside a PM callback or
 * the kernel's removal of the device, and never holds pm_lock while a watch
 * is unregistered (no watch is set in the searching phase).
 */
static bool xfbus_backend_ready(struct xenfront_device *xf)
{
	const char *node = xf->xdev->nodename;
	char *be;
	bool ready;
	int id;

	if (xenbus_scanf(XBT_NIL, node, "backend-id", "%i", &id) != 1)
		return false;
	be = xenbus_read(XBT_NIL, node, "backend", NULL);
	if (IS_ERR(be))
		return false;
	ready = *be && xenbus_exists(XBT_NIL, be, "") && xenbus_exists(XBT_NIL, be, "state");
	kfree(be);
	return ready;
}

static void xfbus_wait_arm(struct xenfront_device *xf, bool attached)
{
	xf->backend_waiting = true;
	xf->backend_attached = attached;
	xf->backend_wait_start = jiffies;
	xf->backend_tick = jiffies;
	xf->backend_absent_ms = 0;
	xf->backend_slow_warned = false;
	xf->backend_retry_ms = 100;
	schedule_delayed_work(&xf->backend_work, msecs_to_jiffies(xf->backend_retry_ms));
}

/* RESTORE, through xenbus_dev_restore() -> xfbus_xb_resume(); pm_lock held. */
static int xfbus_run_restore(struct xenfront_device *xf)
{
	struct device *dev = xenfront_to_dev(xf);
	int err;

	/* a wait of an earlier restore is over: this one starts its own */
	xf->backend_waiting = false;
	cancel_delayed_work(&xf->backend_work);
	/*
	 * The kernel defers this when xenstored runs in this very domain
	 * (XS_LOCAL); a frontend never lives there, so we do not.
	 */
	xf->xb_resume_ran = false;
	err = xenbus_dev_restore(dev);
	if (!xf->xb_resume_ran) {
		unsigned int wait = READ_ONCE(backend_wait_ms);

		if (wait)
			dev_warn(dev, "no backend after the restore (%d); waiting up to %u ms for it\n",
				 err, max(wait, 1000U));
		else
			dev_warn(dev, "no backend after the restore (%d); waiting for it (no limit)\n",
				 err);
		xenbus_switch_state(xf->xdev, XenbusStateInitialising);
		err = xf->drv->restore ? xf->drv->restore(xf, xf->restore_mode) : 0;
		xf->backend_waits++;
	}
	xfbus_wait_arm(xf, xf->xb_resume_ran && xf->xdev->otherend_watch.node);
	return err;
}

/* The error node the failed resume wrote explained a wait that is over. */
static void xfbus_clear_error(struct xenfront_device *xf)
{
	char *path = kasprintf(GFP_KERNEL, "error/%s", xf->xdev->nodename);

	if (path) {
		xenbus_rm(XBT_NIL, path, "error");
		kfree(path);
	}
}

/* searching: the backend is there now; set the watch.  True when set. */
static bool xfbus_reattach(struct xenfront_device *xf, unsigned int waited)
{
	struct device *dev = xenfront_to_dev(xf);
	int err;

	xf->reattaching = true;
	err = xenbus_dev_restore(dev);
	xf->reattaching = false;
	if (err || !xf->xdev->otherend_watch.node) {
		xenbus_switch_state(xf->xdev, XenbusStateInitialising);
		return false;
	}
	xfbus_clear_error(xf);
	dev_info(dev, "backend %s appeared %u ms after the restore; connecting\n",
		 xf->xdev->otherend, waited);
	return true;
}

static void xfbus_backend_work(struct work_struct *work)
{
	struct xenfront_device *xf = container_of(to_delayed_work(work), struct xenfront_device,
						  backend_work);
	struct device *dev = xenfront_to_dev(xf);
	unsigned int waited, limit = READ_ONCE(backend_wait_ms), step;
	enum xenbus_state st = XenbusStateUnknown;
	bool present = false;

	if (limit)
		limit = max(limit, 1000U);
	if (!device_trylock(dev)) {
		schedule_delayed_work(&xf->backend_work, msecs_to_jiffies(100));
		return;
	}
	mutex_lock(&xf->pm_lock);
	if (!xf->backend_waiting || !dev->driver)
		goto out;
	/* only time while the device runs counts against the limit */
	step = jiffies_to_msecs(jiffies - xf->backend_tick);
	xf->backend_tick = jiffies;
	waited = jiffies_to_msecs(jiffies - xf->backend_wait_start);
	if (xf->pm.state == XFPM_RUNNING) {
		if (!xf->backend_attached && xfbus_backend_ready(xf))
			xf->backend_attached = xfbus_reattach(xf, waited);
		if (xf->backend_attached) {
			st = xenbus_read_driver_state(xf->xdev, xf->xdev->otherend);
			if (st == XenbusStateConnected) {
				xf->backend_waiting = false;
				goto out;
			}
			present = st != XenbusStateUnknown && st != XenbusStateClosed;
		}
		if (present) {
			xf->backend_absent_ms = 0;
			if (limit && waited >= limit && !xf->backend_slow_warned) {
				xf->backend_slow_warned = true;
				dev_warn(dev, "backend %s still %s %u ms after the restore; waiting on\n",
					 xf->xdev->otherend, xenbus_strstate(st), waited);
			}
		} else {
			xf->backend_absent_ms += step;
		}
		if (limit && xf->backend_absent_ms >= limit) {
			xf->backend_waiting = false;
			xf->backends_lost++;
			dev_err(dev, "backend %s not there for %u ms since the restore (%s); failing the device\n",
				xf->xdev->otherend ?: "(none)", xf->backend_absent_ms,
				xenbus_strstate(st));
			if (xf->drv->backend_lost)
				xf->drv->backend_lost(xf);
			goto out;
		}
	}
	xf->backend_retry_ms = min(xf->backend_retry_ms * 2, 2000U);
	schedule_delayed_work(&xf->backend_work, msecs_to_jiffies(xf->backend_retry_ms));
out:
	mutex_unlock(&xf->pm_lock);
	device_unlock(dev);
}

/* Hand the driver a backend change it has not seen yet (pm_lock held). */
static void xfbus_replay_backend(struct xenfront_device *xf)
{
	unsigned long seen;
	enum xenbus_state st;

	if (!xf->backend_stashed || !xf->xdev->otherend)
		return;
	xf->backend_stashed = false;
	seen = xchg(&xf->backend_seen, 0);
	st = xenbus_read_driver_state(xf->xdev, xf->xdev->otherend);
	dev_dbg(xenfront_to_dev(xf), "replaying backend state %s (seen %#lx)\n",
		xenbus_strstate(st), seen);
	if (!xf->drv->backend_changed)
		return;
	/*
	 * A backend that closed and came back meanwhile (a restarted or
	 * re-attached backend) must not look to the driver as if it had
	 * only moved on: the close is delivered first.
	 */
	if (st != XenbusStateClosing && st != XenbusStateClosed) {
		if (seen & BIT(XenbusStateClosing))
			xf->drv->backend_changed(xf, XenbusStateClosing);
		if (seen & BIT(XenbusStateClosed))
			xf->drv->backend_changed(xf, XenbusStateClosed);
	}
	xf->drv->backend_changed(xf, st);
}

/* A backend change that found pm_lock taken, delivered from a work item. */
static void xfbus_replay_work(struct work_struct *work)
{
	struct xenfront_device *xf = container_of(work, struct xenfront_device, replay_work);

	mutex_lock(&xf->pm_lock);
	if (xf->pm.state == XFPM_RUNNING)
		xfbus_replay_backend(xf);
	mutex_unlock(&xf->pm_lock);
}

static int xfbus_pm_event(struct device *dev, enum xfpm_event ev)
{
	struct xenfront_device *xf = dev_to_xf(dev);
	struct xfpm_facts facts = { };
	enum xfpm_action act;
	enum xfpm_note note;
	u64 t0;
	int err = 0;

	if (!xf)
		return 0;

	mutex_lock(&xf->pm_lock);
	if (ev == XFPM_EV_FREEZE) {
		facts.mode = xfbus_cycle_device_freeze();
	} else {
		facts.mode = xf->pm.frozen_mode;
		facts.verdict = xenfront_cycle_current_verdict();
		facts.link = xenfront_link_state(xf);
		xf->last_link = facts.link;
	}

	act = xfpm_decide(&xf->pm, ev, &facts, &note);
	dev_dbg(dev, "pm %s (mode %s, verdict %s, link %s) -> %s%s%s\n",
		xfpm_event_name(ev), xfbus_mode_label(facts.mode),
		xfpm_verdict_name(facts.verdict), xfpm_link_name(facts.link),
		xfpm_action_name(act), note ? ", " : "", note ? xfpm_note_name(note) : "");

	switch (note) {
	case XFPM_NOTE_NONE:
	case XFPM_NOTE_DETACHED:
		break;
	case XFPM_NOTE_RESUME_WITHOUT_FREEZE:
	case XFPM_NOTE_DOUBLE_FREEZE:
	case XFPM_NOTE_BUSY:
		dev_warn(dev, "refused PM %s: %s\n", xfpm_event_name(ev), xfpm_note_name(note));
		break;
	default:
		dev_info(dev, "PM %s delivered as %s (%s)\n", xfpm_event_name(ev),
			 xfpm_action_name(act), xfpm_note_name(note));
		break;
	}

	t0 = ktime_get_ns();
	switch (act) {
	case XFPM_ACT_FREEZE:
		if (xf->drv->freeze)
			err = xf->drv->freeze(xf, facts.mode);
		break;
	case XFPM_ACT_THAW:
		if (xf->drv->thaw)
			err = xf->drv->thaw(xf, facts.mode);
		break;
	case XFPM_ACT_RESTORE:
		xf->restore_mode = facts.mode;
		/* what the old backend did while we were frozen is over with it */
		xf->backend_stashed = false;
		xchg(&xf->backend_seen, 0);
		err = xfbus_run_restore(xf);
		break;
	default:
		break;
	}
	if (act != XFPM_ACT_NONE) {
		xfbus_record_time(xf, act, ktime_get_ns() - t0);
		xfpm_complete(&xf->pm, act, err);
		if (err)
			dev_err(dev, "%s failed: %d\n", xfpm_action_name(act), err);
	}
	xfbus_cycle_device_done(act, note, err);
	if (act == XFPM_ACT_THAW && !err)
		xfbus_replay_backend(xf);
	mutex_unlock(&xf->pm_lock);

	/* Only a freeze can veto; a failed resume is reported, not returned. */
	return act == XFPM_ACT_FREEZE ? err : 0;
}

static int xfbus_pm_freeze(struct device *dev)
{
	return xfbus_pm_event(dev, XFPM_EV_FREEZE);
}

static int xfbus_pm_thaw(struct device *dev)
{
	return xfbus_pm_event(dev, XFPM_EV_THAW);
}

static int xfbus_pm_restore(struct device *dev)
{
	return xfbus_pm_event(dev, XFPM_EV_RESTORE);
}

static void xfbus_pm_dismiss(struct device *dev)
{
	/* called by the driver core once our driver let go of the device */
	dev->pm_domain = NULL;
}

/*
 * freeze/thaw/restore for Xen suspend and hibernation; suspend/resume for
 * suspend-to-RAM/idle (quiesce, keep the connection); poweroff (after the
 * hibernation image is written) quiesces like freeze.
 */
static struct dev_pm_domain xfbus_pm_domain = {
	.ops = {
		.freeze = xfbus_pm_freeze,
		.thaw = xfbus_pm_thaw,
		.restore = xfbus_pm_restore,
		.suspend = xfbus_pm_freeze,
		.resume = xfbus_pm_thaw,
		.poweroff = xfbus_pm_freeze,
	},
	.dismiss = xfbus_pm_dismiss,
};

/* ---- xenbus trampolines ---- */

static int xfbus_probe(struct xenbus_device *xdev, const struct xenbus_device_id *id)
{
	struct xenfront_driver *drv = to_xfdrv(xdev->dev.driver);
	struct xenfront_device *xf;
	int err;

	xf = kzalloc(sizeof(*xf), GFP_KERNEL);
	if (!xf)
		return -ENOMEM;
	xf->xdev = xdev;
	xf->drv = drv;
	mutex_init(&xf->pm_lock);
	INIT_WORK(&xf->replay_work, xfbus_replay_work);
	INIT_DELAYED_WORK(&xf->backend_work, xfbus_backend_work);
	spin_lock_init(&xf->evtchn_lock);
	INIT_LIST_HEAD(&xf->evtchns);
	xfpm_init(&xf->pm);
	dev_set_drvdata(&xdev->dev, xf);
	dev_pm_domain_set(&xdev->dev, &xfbus_pm_domain);

	mutex_lock(&xf->pm_lock);
	err = drv->probe(xf);
	if (!err)
		xfpm_decide(&xf->pm, XFPM_EV_PROBE, NULL, NULL);
	mutex_unlock(&xf->pm_lock);
	if (err)
		goto err_free;

	xfbus_track_device(xf);
	return 0;

err_free:
	cancel_work_sync(&xf->replay_work);
	if (xfbus_evtchns_bound(xf))
		dev_warn(&xdev->dev, "probe failed with event channels still bound\n");
	dev_pm_domain_set(&xdev->dev, NULL);
	dev_set_drvdata(&xdev->dev, NULL);
	kfree(xf);
	return err;
}

static xfpm_xenbus_remove_t xfbus_remove(struct xenbus_device *xdev)
{
	struct xenfront_device *xf = dev_to_xf(&xdev->dev);
	unsigned int left;

	if (!xf)
		return XFPM_XENBUS_REMOVED;

	/* neither work may run once the driver is gone (both take pm_lock) */
	mutex_lock(&xf->pm_lock);
	xf->backend_waiting = false;
	mutex_unlock(&xf->pm_lock);
	cancel_delayed_work_sync(&xf->backend_work);
	cancel_work_sync(&xf->replay_work);
	/*
	 * The kernel dropped the backend watch before calling us; a wait that
	 * ended while it did so may have set up a new one.
	 */
	if (xdev->otherend_watch.node) {
		unregister_xenbus_watch(&xdev->otherend_watch);
		kfree(xdev->otherend_watch.node);
		xdev->otherend_watch.node = NULL;
	}

	mutex_lock(&xf->pm_lock);
	if (xfpm_frozen(&xf->pm)) {
		dev_warn(&xdev->dev, "removed while frozen\n");
		xfbus_cycle_device_unfrozen();
	}
	xfpm_decide(&xf->pm, XFPM_EV_REMOVE, NULL, NULL);
	xf->drv->remove(xf);
	mutex_unlock(&xf->pm_lock);

	left = xfbus_evtchns_bound(xf);
	if (left)
		dev_warn(&xdev->dev, "driver left %u event channel(s) bound\n", left);
	xfbus_untrack_device(xf);
	dev_set_drvdata(&xdev->dev, NULL);
	kfree(xf);
	return XFPM_XENBUS_REMOVED;
}

/*
 * The kernel calls this on the xenwatch thread, holding xenwatch_mutex.
 * pm_lock is held around PM callbacks that may unregister a watch
 * (xenbus_dev_restore() -> talk_to_otherend()), which takes xenwatch_mutex
 * unless it runs on the xenwatch thread itself: true for a Xen restore,
 * not for a hibernation restore or xfbus_backend_work().  So never wait for
 * pm_lock here: when it is taken, note the change and deliver the then
 * current state from a work item (or from the thaw, when frozen).
 */
static void xfbus_otherend_changed(struct xenbus_device *xdev, enum xenbus_state state)
{
	struct xenfront_device *xf = dev_to_xf(&xdev->dev);

	if (!xf)
		return;
	if ((unsigned int)state < BITS_PER_LONG)
		set_bit(state, &xf->backend_seen);
	if (!mutex_trylock(&xf->pm_lock)) {
		WRITE_ONCE(xf->backend_stashed, true);
		schedule_work(&xf->replay_work);
		return;
	}
	if (xf->pm.state == XFPM_FROZEN || xf->pm.state == XFPM_FREEZING) {
		/* quiesced: the driver gets the then-current state after thaw */
		dev_dbg(&xdev->dev, "backend %s while frozen: deferred\n",
			xenbus_strstate(state));
		xf->backend_stashed = true;
	} else if (xf->pm.state != XFPM_DETACHED && xf->drv->backend_changed) {
		if (xf->backend_stashed)
			/* an earlier change is still to be delivered: in order */
			xfbus_replay_backend(xf);
		else
			xf->backend_seen = 0;
		xf->drv->backend_changed(xf, state);
	}
	mutex_unlock(&xf->pm_lock);
}

/*
 * Called by xenbus_dev_restore().  We call that ourselves for a RESTORE the
 * state machine approved (pm_lock held); any other caller is a resume the
 * PM state does not back, which we refuse.
 */
static int xfbus_xb_resume(struct xenbus_device *xdev)
{
	struct xenfront_device *xf = dev_to_xf(&xdev->dev);

	if (!xf)
		return 0;
	/* a device that waited for its backend: the driver was restored then */
	if (xf->reattaching)
		return 0;
	xf->xb_resume_ran = true;
	if (xf->pm.state != XFPM_RESTORING) {
		dev_warn(&xdev->dev, "refused a xenbus resume outside a restore (state %s)\n",
			 xfpm_state_name(xf->pm.state));
		xf->pm.count.refused++;
		xf->pm.last_note = XFPM_NOTE_RESUME_WITHOUT_FREEZE;
		return 0;
	}
	return xf->drv->restore ? xf->drv->restore(xf, xf->restore_mode) : 0;
}

static int xfbus_is_ready(struct xenbus_device *xdev)
{
	struct xenfront_device *xf = dev_to_xf(&xdev->dev);

	return xf && xf->drv->is_ready ? xf->drv->is_ready(xf) : 1;
}

/* The kernel's xenbus frontend bus, once a driver of ours is registered on it. */
static const struct bus_type *xfbus_frontend_bus;

ssize_t xfbus_describe_pm_ops(char *buf, size_t len)
{
	const struct bus_type *bus = READ_ONCE(xfbus_frontend_bus);
	const struct dev_pm_ops *pm = bus ? bus->pm : NULL;

	if (!bus)
		return scnprintf(buf, len, "unknown (no driver registered yet)\n");
	if (!pm)
		return scnprintf(buf, len, "none\n");
	return scnprintf(buf, len, "%s%s%s%s%s%s\n",
			 pm->suspend ? "suspend " : "", pm->resume ? "resume " : "",
			 pm->freeze ? "freeze " : "", pm->thaw ? "thaw " : "",
			 pm->poweroff ? "poweroff " : "", pm->restore ? "restore" : "");
}

int __xenfront_register_driver(struct xenfront_driver *drv, struct module *owner,
			       const char *mod_name)
{
	struct xenbus_driver *xb = &drv->xb;
	int err;

	if (!drv->name || !drv->ids || !drv->probe || !drv->remove)
		return -EINVAL;
	memset(xb, 0, sizeof(*xb));
	xb->name = drv->name;
	xb->ids = drv->ids;
	xb->probe = xfbus_probe;
	xb->remove = xfbus_remove;
	xb->otherend_changed = xfbus_otherend_changed;
	xb->resume = xfbus_xb_resume;
	if (drv->is_ready)
		xb->is_ready = xfbus_is_ready;
	XFPM_SET_NOT_ESSENTIAL(xb, drv->not_essential);
	xb->driver.dev_groups = xfbus_dev_groups;
	drv->owner = owner;
	pr_info("registering %s driver %s\n", drv->name, mod_name);
	err = __xenbus_register_frontend(xb, owner, mod_name);
	if (!err && !xfbus_frontend_bus)
		WRITE_ONCE(xfbus_frontend_bus, xb->driver.bus);
	return err;
}
EXPORT_SYMBOL_GPL(__xenfront_register_driver);

void xenfront_unregister_driver(struct xenfront_driver *drv)
{
	xenbus_unregister_driver(&drv->xb);
}
EXPORT_SYMBOL_GPL(xenfront_unregister_driver);

static int __init xfbus_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;
	err = xfbus_cycle_init();
	if (err)
		return err;
	pr_info("version %s loaded\n", XFPM_VERSION);
	return 0;
}

static void __exit xfbus_exit(void)
{
	xfbus_cycle_exit();
}

module_init(xfbus_init);
module_exit(xfbus_exit);

MODULE_DESCRIPTION("xenfront-pm: Xen frontend layer with correct freeze/thaw/restore");
MODULE_LICENSE("GPL");
MODULE_VERSION(XFPM_VERSION);
