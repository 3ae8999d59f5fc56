/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenfront-bus: the frontend layer our drivers register with.
 *
 * The kernel's own xenbus frontend bus (built in on every distribution
 * kernel) keeps enumerating device/<type>/<id>: there is exactly one
 * xenbus_device per node.  Our drivers bind to those devices through this
 * layer, which
 *   - installs a dev_pm_domain on each bound device, so that the PM core
 *     calls our freeze/thaw/restore callbacks instead of the xenbus bus
 *     ones, whatever the kernel's xenbus PM code does;
 *   - runs the per-device state machine (include/xenfront/pm_state.h) and
 *     hands each driver the callback that matches what really happened;
 *   - keeps the bookkeeping every frontend needs (event channels for the
 *     liveness check, shared ring pages, per-device PM statistics in sysfs).
 *
 * Driver callbacks run in process context and may sleep.
 */
#ifndef XENFRONT_BUS_H
#define XENFRONT_BUS_H

#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <xen/grant_table.h>
#include <xen/xenbus.h>
#include <xenfront/pm_state.h>

struct xenfront_device;

/* An event channel bound through the layer (see xenfront_evtchn_bind). */
struct xenfront_evtchn {
	evtchn_port_t port;
	int irq;
	/* private to the layer */
	bool bound;
	struct list_head node;
};

struct xenfront_driver {
	const char *name;			/* xenbus device type: "vbd", "vif" */
	const struct xenbus_device_id *ids;
	bool not_essential;			/* boot need not wait for it */

	/* Bind to a device; the layer already set the device to Initialising. */
	int (*probe)(struct xenfront_device *xf);
	/* Unbind: release everything; the backend may already be gone. */
	void (*remove)(struct xenfront_device *xf);
	/* The backend's xenbus state changed (xenwatch context). */
	void (*backend_changed)(struct xenfront_device *xf, enum xenbus_state state);

	/*
	 * Quiesce: stop issuing new requests; keep ring, grants and event
	 * channels (Xen suspend).  In XFPM_MODE_HIBERNATE the driver may instead
	 * drain and disconnect.  On error the driver must be running again.
	 */
	int (*freeze)(struct xenfront_device *xf, enum xfpm_mode mode);
	/* The connection survived: restart queues, kick the ring. */
	int (*thaw)(struct xenfront_device *xf, enum xfpm_mode mode);
	/*
	 * The connection is gone (new domain, new backend): forget the old
	 * ring without touching its event channels (xenfront_evtchn_unbind is
	 * safe), reconnect, renegotiate, replay what had not completed.  The
	 * layer has already re-read the backend path and reset the device to
	 * Initialising.  When the backend's directory is not there yet (a
	 * driver domain still starting, a slow toolstack) restore runs with
	 * xf->xdev->otherend NULL: hold the I/O; the layer waits for the
	 * backend and backend_changed() follows once it appears, or
	 * backend_lost() once the layer gives up on it (backend_wait_ms).
	 */
	int (*restore)(struct xenfront_device *xf, enum xfpm_mode mode);
	/*
	 * Optional: after a restore the layer waited backend_wait_ms for a
	 * backend that never came: fail what the driver holds (process
	 * context, the layer's PM lock held).
	 */
	void (*backend_lost)(struct xenfront_device *xf);

	/* Optional: connected enough for boot to go on. */
	int (*is_ready)(struct xenfront_device *xf);

	/* private to the layer */
	struct xenbus_driver xb;
	struct module *owner;
};

struct xenfront_pm_times {
	u64 last_freeze_ns;
	u64 last_thaw_ns;
	u64 last_restore_ns;
	u64 max_freeze_ns;
	u64 max_thaw_ns;
	u64 max_restore_ns;
};

struct xenfront_device {
	struct xenbus_device *xdev;
	struct xenfront_driver *drv;
	void *drvdata;

	/* private to the layer */
	struct mutex pm_lock;			/* serialises PM callbacks */
	struct xfpm_dev pm;
	struct xenfront_pm_times times;
	enum xfpm_link last_link;		/* of the last resume check */
	enum xfpm_mode restore_mode;		/* for the restore in progress */
	bool backend_stashed;			/* backend change not delivered yet */
	unsigned long backend_seen;		/* states seen meanwhile (bits) */
	struct work_struct replay_work;		/* delivers a stashed change */
	/* after a restore: until the backend is Connected (backend_wait_ms) */
	struct delayed_work backend_work;
	unsigned long backend_wait_start;	/* jiffies */
	unsigned long backend_tick;		/* jiffies of the last poll */
	unsigned int backend_absent_ms;		/* running, with no backend there */
	bool backend_slow_warned;
	unsigned int backend_retry_ms;
	bool backend_waiting;
	bool backend_attached;			/* ... and its watch is set */
	bool xb_resume_ran;			/* xenbus_dev_restore() reached us */
	bool reattaching;			/* ... for a waiting device */
	u64 backend_waits;			/* restores whose backend was not there */
	u64 backends_lost;			/* restores whose backend never connected */
	spinlock_t evtchn_lock;
	struct list_head evtchns;
	struct list_head node;			/* all our devices */
};

int __xenfront_register_driver(struct xenfront_driver *drv, struct module *owner,
			       const char *mod_name);
#define xenfront_register_driver(drv) \
	__xenfront_register_driver(drv, THIS_MODULE, KBUILD_MODNAME)
void xenfront_unregister_driver(struct xenfront_driver *drv);

static inline struct device *xenfront_to_dev(struct xenfront_device *xf)
{
	return &xf->xdev->dev;
}

static inline void xenfront_set_drvdata(struct xenfront_device *xf, void *data)
{
	xf->drvdata = data;
}

static inline void *xenfront_get_drvdata(struct xenfront_device *xf)
{
	return xf->drvdata;
}

/* Mode of the suspend in progress (XFPM_MODE_NONE when none). */
enum xfpm_mode xenfront_pm_mode(void);

/*
 * Event channels: allocate an unbound port for the backend, bind it to an
 * interrupt handler and record it for the liveness check.  lateeoi selects
 * the "late EOI" binding (the handler must call xen_irq_lateeoi()).
 */
int xenfront_evtchn_bind(struct xenfront_device *xf, struct xenfront_evtchn *ch,
			 irq_handler_t handler, bool lateeoi, const char *name,
			 void *data);
/*
 * Unbind the interrupt.  The kernel closes the port only if it is still
 * bound in this domain incarnation, so this is safe after a restore.
 */
void xenfront_evtchn_unbind(struct xenfront_device *xf, struct xenfront_evtchn *ch,
			    void *data);

/*
 * Shared ring pages: allocate 2^order zeroed pages, grant them to the
 * backend (refs in grefs[]), map them at *vaddr.  Free ends the grants
 * (after a restore the old grants are ended on the new grant table, which
 * never knew them) and the pages.
 */
int xenfront_ring_alloc(struct xenfront_device *xf, unsigned int order,
			void **vaddr, grant_ref_t *grefs);
void xenfront_ring_free(struct xenfront_device *xf, unsigned int order,
			void **vaddr, grant_ref_t *grefs);

/* Our own check of a device's connection (used before a restore). */
enum xfpm_link xenfront_link_state(struct xenfront_device *xf);

#endif /* XENFRONT_BUS_H */
