// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenfront-bus: per-device PM diagnostics, in the "xenfront" directory of
 * each device we drive (/sys/bus/xen/devices/<type>-<id>/xenfront/).
 */
#define pr_fmt(fmt) "xenfront-bus: " fmt

#include <linux/device.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>
#include "internal.h"

static LIST_HEAD(xfbus_devices);
static DEFINE_MUTEX(xfbus_devices_lock);

void xfbus_track_device(struct xenfront_device *xf)
{
	mutex_lock(&xfbus_devices_lock);
	list_add_tail(&xf->node, &xfbus_devices);
	mutex_unlock(&xfbus_devices_lock);
}

void xfbus_untrack_device(struct xenfront_device *xf)
{
	mutex_lock(&xfbus_devices_lock);
	list_del(&xf->node);
	mutex_unlock(&xfbus_devices_lock);
}

unsigned int xfbus_evtchns_bound(struct xenfront_device *xf)
{
	struct xenfront_evtchn *ch;
	unsigned int n = 0;

	spin_lock(&xf->evtchn_lock);
	list_for_each_entry(ch, &xf->evtchns, node)
		n++;
	spin_unlock(&xf->evtchn_lock);
	return n;
}

#define XF_SHOW(name, fmt, expr)						\
static ssize_t name##_show(struct device *dev, struct device_attribute *a,	\
			   char *buf)						\
{										\
	struct xenfront_device *xf = dev_get_drvdata(dev);			\
										\
	if (!xf)								\
		return -ENODEV;							\
	return sysfs_emit(buf, fmt "\n", expr);					\
}										\
static DEVICE_ATTR_RO(name)

XF_SHOW(state, "%s", xfpm_state_name(READ_ONCE(xf->pm.state)));
XF_SHOW(frozen_mode, "%s", xfpm_mode_name(READ_ONCE(xf->pm.frozen_mode)));
XF_SHOW(freezes, "%llu", xf->pm.count.freezes);
XF_SHOW(freeze_failures, "%llu", xf->pm.count.freeze_failures);
XF_SHOW(thaws, "%llu", xf->pm.count.thaws);
XF_SHOW(restores, "%llu", xf->pm.count.restores);
XF_SHOW(resume_failures, "%llu", xf->pm.count.resume_failures);
XF_SHOW(corrections, "%llu", xf->pm.count.corrections);
XF_SHOW(refused, "%llu", xf->pm.count.refused);
XF_SHOW(last_note, "%s", xfpm_note_name(READ_ONCE(xf->pm.last_note)));
XF_SHOW(last_link_check, "%s", xfpm_link_name(READ_ONCE(xf->last_link)));
XF_SHOW(last_freeze_us, "%llu", div_u64(xf->times.last_freeze_ns, NSEC_PER_USEC));
XF_SHOW(last_thaw_us, "%llu", div_u64(xf->times.last_thaw_ns, NSEC_PER_USEC));
XF_SHOW(last_restore_us, "%llu", div_u64(xf->times.last_restore_ns, NSEC_PER_USEC));
XF_SHOW(max_freeze_us, "%llu", div_u64(xf->times.max_freeze_ns, NSEC_PER_USEC));
XF_SHOW(max_thaw_us, "%llu", div_u64(xf->times.max_thaw_ns, NSEC_PER_USEC));
XF_SHOW(max_restore_us, "%llu", div_u64(xf->times.max_restore_ns, NSEC_PER_USEC));
XF_SHOW(evtchns, "%u", xfbus_evtchns_bound(xf));
XF_SHOW(link, "%s", xfpm_link_name(xenfront_link_state(xf)));
XF_SHOW(backend_wait, "%s", !READ_ONCE(xf->backend_waiting) ? "none" :
	READ_ONCE(xf->backend_attached) ? "connecting" : "searching");
XF_SHOW(backend_waits, "%llu", xf->backend_waits);
XF_SHOW(backends_lost, "%llu", xf->backends_lost);

static struct attribute *xfbus_dev_attrs[] = {
	&dev_attr_state.attr, &dev_attr_frozen_mode.attr,
	&dev_attr_freezes.attr, &dev_attr_freeze_failures.attr,
	&dev_attr_thaws.attr, &dev_attr_restores.attr,
	&dev_attr_resume_failures.attr, &dev_attr_corrections.attr,
	&dev_attr_refused.attr, &dev_attr_last_note.attr,
	&dev_attr_last_link_check.attr,
	&dev_attr_last_freeze_us.attr, &dev_attr_last_thaw_us.attr,
	&dev_attr_last_restore_us.attr, &dev_attr_max_freeze_us.attr,
	&dev_attr_max_thaw_us.attr, &dev_attr_max_restore_us.attr,
	&dev_attr_evtchns.attr, &dev_attr_link.attr,
	&dev_attr_backend_wait.attr, &dev_attr_backend_waits.attr,
	&dev_attr_backends_lost.attr,
	NULL,
};

static const struct attribute_group xfbus_dev_group = {
	.name = "xenfront",
	.attrs = xfbus_dev_attrs,
};

const struct attribute_group *xfbus_dev_groups[] = {
	&xfbus_dev_group,
	NULL,
};
