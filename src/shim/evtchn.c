// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenfront-shim: the suspend event channel.
 *
 * A toolstack asks a guest to suspend in one of two ways (libxl,
 * libxl_dom_suspend.c): when the guest has published a port in
 * device/suspend/event-channel it notifies that port; otherwise it writes
 * "suspend" to control/shutdown and waits, through xenstore, for the guest
 * to clear the node and then for the domain to suspend.  Upstream Linux
 * never publishes the port, so every checkpoint pays those xenstore round
 * trips (Remus and COLO checkpoint up to 40 times a second).
 *
 * We offer an unbound port to the toolstack's domain.  A notification on it
 * starts exactly the suspend the kernel starts for control/shutdown: the
 * work item writes "suspend" there itself, and the kernel's own watch runs
 * do_suspend() as for a toolstack's request, with the shim's corrections
 * and the bus's verdicts.  The hypervisor then signals the toolstack on
 * the same channel when the domain has suspended (the toolstack subscribed
 * it with XEN_DOMCTL_subscribe).  control/shutdown keeps working as before.
 *
 * After a restore or a migration the domain is a new one and the port is
 * gone (xen_irq_resume() dropped its binding): the channel is made again
 * and published anew.  After a checkpoint it is still there.  The check
 * runs once do_suspend() has returned (the shim's do_suspend hook calls
 * xfshim_evtchn_resumed()), when devices, interrupts and xenstore are all
 * running again: the kernel's resume notifier would run it while device
 * interrupts are still suspended, and 7.x has no way to unregister one.
 * Without the do_suspend hook no port is offered, since it could not be
 * renewed.  On unload the node is emptied, which makes the toolstack use
 * xenstore again.
 */
#define pr_fmt(fmt) "xenfront-shim: " fmt

#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/reboot.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <linux/workqueue.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include <xen/xenbus.h>
#include <asm/xen/hypercall.h>
#include "shim.h"

static bool suspend_evtchn = true;
module_param(suspend_evtchn, bool, 0444);
MODULE_PARM_DESC(suspend_evtchn,
		 "Offer the toolstack a suspend event channel (device/suspend/event-channel); N: suspend requests come through control/shutdown only");

static unsigned int toolstack_domid;
module_param(toolstack_domid, uint, 0444);
MODULE_PARM_DESC(toolstack_domid,
		 "The domain whose toolstack notifies the suspend event channel (default 0, dom0)");

static void request_fn(struct work_struct *work);
static void renew_fn(struct work_struct *work);

static struct {
	struct mutex lock;		/* port, irq, published */
	evtchn_port_t port;
	int irq;			/* 0: no channel */
	bool published;
	bool offered;			/* set up at load, until unload */
	const char *why;		/* why there is no channel */
	struct work_struct request;	/* a notification: ask for the suspend */
	struct work_struct renew;	/* after a resume: is the port still ours? */
} se = {
	.lock = __MUTEX_INITIALIZER(se.lock),
	.request = __WORK_INITIALIZER(se.request, request_fn),
	.renew = __WORK_INITIALIZER(se.renew, renew_fn),
};

/* a request that came while the suspend before it was resuming */
static atomic_t request_pending = ATOMIC_INIT(0);

struct xfshim_evtchn_stats xfshim_evtchn_stats;

static irqreturn_t suspend_evtchn_interrupt(int irq, void *data)
{
	xfshim_evtchn_stats.notifications++;
	schedule_work(&se.request);
	return IRQ_HANDLED;
}

/*
 * A command the kernel's control/shutdown watch acts on (and then clears).
 * Anything else it leaves there, ignored: that must not block requests.
 */
static bool shutdown_command(const char *s)
{
	static const char * const cmds[] = { "poweroff", "halt", "reboot", "suspend" };

	return match_string(cmds, ARRAY_SIZE(cmds), s) >= 0;
}

/*
 * "suspend" into control/shutdown, in a transaction that leaves a command
 * the toolstack wrote meanwhile ("poweroff", "reboot", its own "suspend")
 * alone: -EBUSY then.  A value the kernel ignores is overwritten, as the
 * toolstack's own xenstore path does.
 */
static int request_suspend(void)
{
	struct xenbus_transaction xbt;
	char *cur;
	int err;

again:
	err = xenbus_transaction_start(&xbt);
	if (err)
		return err;
	cur = xenbus_read(xbt, "control", "shutdown", NULL);
	if (!IS_ERR(cur)) {
		bool busy = shutdown_command(cur);

		if (*cur && !busy)
			pr_info_ratelimited("suspend event: control/shutdown held '%.32s', which the kernel ignores: replaced\n",
					    cur);
		kfree(cur);
		if (busy) {
			xenbus_transaction_end(xbt, 1);
			return -EBUSY;
		}
	}
	err = xenbus_write(xbt, "control", "shutdown", "suspend");
	if (err) {
		xenbus_transaction_end(xbt, 1);
		return err;
	}
	err = xenbus_transaction_end(xbt, 0);
	if (err == -EAGAIN)
		goto again;
	return err;
}

static void request_fn(struct work_struct *work)
{
	int err;

	if (xfshim_suspend_in_progress()) {
		/* before the hypercall: this suspend is the one asked for */
		if (!xfshim_suspend_resuming())
			return;
		/*
		 * After it: the next checkpoint (Remus, COLO), asked for while
		 * this one resumes; made once do_suspend() returns.  Whoever
		 * takes the flag first sends it.  atomic_xchg() orders the flag
		 * before the second look at the suspend (do_suspend()'s return
		 * clears "active", then takes the flag, in that order).
		 */
		atomic_xchg(&request_pending, 1);
		if (xfshim_suspend_in_progress() || !atomic_xchg(&request_pending, 0))
			return;
	}
	/* the kernel's control/shutdown watch takes it from here */
	err = request_suspend();
	if (err) {
		pr_warn_ratelimited("suspend event: control/shutdown not written: %s (%d)\n",
				    err == -EBUSY ? "it holds a command already" : "xenstore error",
				    err);
		return;
	}
	xfshim_evtchn_stats.requests++;
}

/* Write (or empty) device/suspend/event-channel; se.lock held. */
static int publish(bool on)
{
	int err;

	if (on)
		err = xenbus_printf(XBT_NIL, "device/suspend", "event-channel", "%u", se.port);
	else
		err = xenbus_write(XBT_NIL, "device/suspend", "event-channel", "");
	if (!err)
		se.published = on;
	return err;
}

/* A fresh unbound port for the toolstack, bound and published; se.lock held. */
static int channel_make(void)
{
	struct evtchn_alloc_unbound alloc = {
		.dom = DOMID_SELF,
		.remote_dom = toolstack_domid,
	};
	int err, irq;

	err = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
	if (err) {
		se.why = "the hypervisor gave no port";
		return err;
	}
	irq = bind_evtchn_to_irqhandler(alloc.port, suspend_evtchn_interrupt, 0,
					"xenfront-suspend", &se);
	if (irq < 0) {
		struct evtchn_close close = { .port = alloc.port };

		HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
		se.why = "cannot bind the port";
		return irq;
	}
	se.port = alloc.port;
	se.irq = irq;
	err = publish(true);
	if (err) {
		/* no device/suspend node (not a libxl toolstack?): keep xenstore */
		unbind_from_irqhandler(se.irq, &se);
		se.irq = 0;
		se.port = 0;
		se.why = "cannot write device/suspend/event-channel";
		return err;
	}
	se.why = NULL;
	xfshim_evtchn_stats.published++;
	return 0;
}

/* Unbind; closes the port only where this domain still has it. */
static void channel_drop(void)
{
	if (!se.irq)
		return;
	unbind_from_irqhandler(se.irq, &se);
	se.irq = 0;
	se.port = 0;
}

/* Is our port still ours (the binding survives a checkpoint, not a restore)? */
static bool channel_alive(void)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = se.port };

	if (!se.irq || irq_from_evtchn(se.port) != se.irq)
		return false;
	if (HYPERVISOR_event_channel_op(EVTCHNOP_status, &st))
		return false;
	return (st.status == EVTCHNSTAT_unbound &&
		st.u.unbound.dom == toolstack_domid) ||
	       (st.status == EVTCHNSTAT_interdomain &&
		st.u.interdomain.dom == toolstack_domid);
}

static void renew_fn(struct work_struct *work)
{
	int err;

	mutex_lock(&se.lock);
	if (se.offered && !channel_alive()) {
		channel_drop();
		err = channel_make();
		if (err)
			pr_warn("suspend event channel not renewed: %s (%d); suspend requests come through control/shutdown\n",
				se.why, err);
		else
			pr_info("suspend event channel renewed after the resume: port %u\n",
				se.port);
		xfshim_evtchn_stats.renewals++;
	}
	mutex_unlock(&se.lock);
}

/* A suspend starts: it answers whatever request came before it. */
void xfshim_evtchn_suspending(void)
{
	atomic_set(&request_pending, 0);
}

/* do_suspend() has returned (the shim's hook; atomic context). */
void xfshim_evtchn_resumed(void)
{
	if (!suspend_evtchn)
		return;
	schedule_work(&se.renew);
	if (atomic_xchg(&request_pending, 0))
		schedule_work(&se.request);
}

/* No port, and none published (se.lock held). */
static void channel_withdraw(const char *why)
{
	if (se.published)
		publish(false);
	channel_drop();
	se.why = why;
}

/*
 * Hibernation: the image must not carry a binding into the domain it will
 * run in (a new one: the port number may be another driver's there), so
 * the channel is closed before the image is made, and made anew once the
 * image runs again (or the hibernation failed).
 */
static int pm_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	switch (action) {
	case PM_HIBERNATION_PREPARE:
		mutex_lock(&se.lock);
		if (se.offered)
			channel_withdraw("closed for the hibernation");
		mutex_unlock(&se.lock);
		break;
	case PM_POST_HIBERNATION:
	case PM_POST_RESTORE:
		schedule_work(&se.renew);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block pm_nb = { .notifier_call = pm_notify };

/*
 * Reboot and kexec: the next kernel in this domain has no channel, so the
 * node must not name one (libxl fails a save whose published port it
 * cannot bind, without falling back to xenstore).
 */
static int reboot_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	mutex_lock(&se.lock);
	if (se.offered) {
		channel_withdraw("closed for a reboot");
		se.offered = false;
	}
	mutex_unlock(&se.lock);
	return NOTIFY_DONE;
}

static struct notifier_block reboot_nb = { .notifier_call = reboot_notify };

ssize_t xfshim_evtchn_describe(char *buf, size_t len)
{
	ssize_t n;

	mutex_lock(&se.lock);
	if (!suspend_evtchn)
		n = scnprintf(buf, len, "off (suspend_evtchn=N)\n");
	else if (se.irq && se.published)
		n = scnprintf(buf, len, "port %u\n", se.port);
	else
		n = scnprintf(buf, len, "none: %s\n", se.why ?: "not set up");
	mutex_unlock(&se.lock);
	return n;
}

/* Some attached hook tells xfshim_suspend_resuming() when a suspend resumes. */
static bool resume_half_known(void)
{
	/*
	 * (not dpm_resume_end: interrupts come back in dpm_resume_start(),
	 * and a request then would already count as the suspend asked for)
	 */
	static const enum xfshim_hook_id ids[] = {
		XFSHIM_XEN_SUSPEND, XFSHIM_POST_SUSPEND, XFSHIM_DPM_RESUME_START,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ids); i++)
		if (xfshim_hooks[ids[i]].attached)
			return true;
	return false;
}

void xfshim_evtchn_init(void)
{
	int err;

	if (!suspend_evtchn)
		return;
	register_pm_notifier(&pm_nb);
	register_reboot_notifier(&reboot_nb);
	mutex_lock(&se.lock);
	if (!xfshim_hooks[XFSHIM_DO_SUSPEND].attached) {
		se.why = "the do_suspend hook is not attached, so the port could not be renewed after a restore";
		err = -ENOENT;
	} else if (!resume_half_known()) {
		se.why = "no hook tells when a suspend resumes, so a request made then would be lost";
		err = -ENOENT;
	} else {
		se.offered = true;
		err = channel_make();
	}
	mutex_unlock(&se.lock);
	if (err)
		pr_warn("no suspend event channel: %s (%d); suspend requests come through control/shutdown\n",
			se.why, err);
	else
		pr_info("suspend event channel: port %u (device/suspend/event-channel)\n", se.port);
}

void xfshim_evtchn_exit(void)
{
	if (!suspend_evtchn)
		return;
	unregister_reboot_notifier(&reboot_nb);
	unregister_pm_notifier(&pm_nb);
	mutex_lock(&se.lock);
	channel_withdraw(NULL);
	se.offered = false;
	mutex_unlock(&se.lock);
	cancel_work_sync(&se.renew);
	cancel_work_sync(&se.request);
}
