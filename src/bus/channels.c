// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenfront-bus: event channels bound through the layer, and the check that
 * tells a live connection from one a restore left behind.
 *
 * After the suspend hypercall returns 0 the domain runs in a new
 * incarnation: the kernel's xen_irq_resume() has dropped every interdomain
 * port from its port-to-irq table and the hypervisor no longer has our
 * ports bound to the backend.  After a cancelled suspend (checkpoint) or a
 * suspend that never reached the hypercall, both still hold.
 */
#define pr_fmt(fmt) "xenfront-bus: " fmt

#include <linux/interrupt.h>
#include <xen/events.h>
#include <xen/interface/event_channel.h>
#include <asm/xen/hypercall.h>
#include "internal.h"

int xenfront_evtchn_bind(struct xenfront_device *xf, struct xenfront_evtchn *ch,
			 irq_handler_t handler, bool lateeoi, const char *name,
			 void *data)
{
	int err, irq;

	if (ch->bound)
		return -EBUSY;
	err = xenbus_alloc_evtchn(xf->xdev, &ch->port);
	if (err)
		return err;
	if (lateeoi)
		irq = bind_evtchn_to_irqhandler_lateeoi(ch->port, handler, 0, name, data);
	else
		irq = bind_evtchn_to_irqhandler(ch->port, handler, 0, name, data);
	if (irq < 0) {
		xenbus_dev_error(xf->xdev, irq, "binding event channel %u", ch->port);
		xenbus_free_evtchn(xf->xdev, ch->port);
		ch->port = 0;
		return irq;
	}
	ch->irq = irq;
	ch->bound = true;
	spin_lock(&xf->evtchn_lock);
	list_add_tail(&ch->node, &xf->evtchns);
	spin_unlock(&xf->evtchn_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(xenfront_evtchn_bind);

void xenfront_evtchn_unbind(struct xenfront_device *xf, struct xenfront_evtchn *ch,
			    void *data)
{
	if (!ch->bound)
		return;
	spin_lock(&xf->evtchn_lock);
	list_del(&ch->node);
	spin_unlock(&xf->evtchn_lock);
	/* closes the port only if this incarnation still has it bound */
	unbind_from_irqhandler(ch->irq, data);
	ch->bound = false;
	ch->irq = 0;
	ch->port = 0;
}
EXPORT_SYMBOL_GPL(xenfront_evtchn_unbind);

static enum xfpm_link port_link(struct xenfront_device *xf, const struct xenfront_evtchn *ch)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = ch->port };

	/* the kernel's table: reset by xen_irq_resume() after a real resume */
	if ((int)irq_from_evtchn(ch->port) != ch->irq)
		return XFPM_LINK_GONE;
	/* the hypervisor's view of the port */
	if (HYPERVISOR_event_channel_op(EVTCHNOP_status, &st))
		return XFPM_LINK_GONE;
	switch (st.status) {
	case EVTCHNSTAT_interdomain:
		return st.u.interdomain.dom == xf->xdev->otherend_id ?
			XFPM_LINK_ALIVE : XFPM_LINK_GONE;
	case EVTCHNSTAT_unbound:
		/* offered, not yet bound by the backend: still ours */
		return st.u.unbound.dom == xf->xdev->otherend_id ?
			XFPM_LINK_ALIVE : XFPM_LINK_GONE;
	default:
		return XFPM_LINK_GONE;
	}
}

enum xfpm_link xenfront_link_state(struct xenfront_device *xf)
{
	enum xfpm_link link = XFPM_LINK_UNKNOWN;
	struct xenfront_evtchn *ch;

	spin_lock(&xf->evtchn_lock);
	list_for_each_entry(ch, &xf->evtchns, node) {
		link = port_link(xf, ch);
		if (link != XFPM_LINK_ALIVE)
			break;
	}
	spin_unlock(&xf->evtchn_lock);
	return link;
}
EXPORT_SYMBOL_GPL(xenfront_link_state);
