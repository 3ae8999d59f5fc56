// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenfront-shim: module setup and /sys/kernel/xenfront/shim.
 *
 *   status              active (all hooks), partial, inactive
 *   fix                 1: correcting, 0: observing only (module parameter)
 *   hooks/<name>        "attached: <role>" or "not attached: <reason> (<errno>)"
 *   suspends, hypercalls, cancelled, resumed, freeze_failures, late_failures
 *   fixed_resume_early, redirected_xs_resume, fixed_resume
 *   suspend_evtchn      "port N", "off (...)" or "none: <why>" (evtchn.c)
 *   suspend_evtchn_{notifications,requests,published,renewals}
 *
 * The history of the suspends themselves is /sys/kernel/xenfront/history
 * (xenfront-bus), which the shim feeds.
 */
#define pr_fmt(fmt) "xenfront-shim: " fmt

#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <xenfront/cycle.h>
#include "shim.h"

static struct kobject *shim_kobj, *hooks_kobj;

struct hook_attr {
	struct kobj_attribute attr;
	struct xfshim_hook *hook;
};
static struct hook_attr hook_attrs[XFSHIM_NR_HOOKS];
static struct attribute *hook_attr_list[XFSHIM_NR_HOOKS + 1];
static const struct attribute_group hooks_group = { .attrs = hook_attr_list };

static ssize_t hook_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	struct xfshim_hook *h = container_of(a, struct hook_attr, attr)->hook;

	if (h->attached)
		return sysfs_emit(buf, "attached: %s%s%s\n", h->role,
				  h->caller ? ", called from " : "", h->caller ?: "");
	if (h->why)
		return sysfs_emit(buf, "not attached: %s (%d)\n", h->why, h->err);
	return sysfs_emit(buf, "not attached (%d)\n", h->err);
}

static ssize_t status_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	unsigned int n = xfshim_hooks_attached();

	return sysfs_emit(buf, "%s\n", n == XFSHIM_NR_HOOKS ? "active" : n ? "partial" : "inactive");
}

static ssize_t fix_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%d\n", xfshim_fix);
}

#define STAT_ATTR(name, field)							\
static ssize_t name##_show(struct kobject *k, struct kobj_attribute *a, char *buf) \
{										\
	return sysfs_emit(buf, "%llu\n", READ_ONCE(xfshim_stats.field));	\
}										\
static struct kobj_attribute attr_##name = __ATTR_RO(name)

STAT_ATTR(suspends, suspends);
STAT_ATTR(hypercalls, hypercalls);
STAT_ATTR(cancelled, cancelled);
STAT_ATTR(resumed, resumed);
STAT_ATTR(freeze_failures, freeze_failures);
STAT_ATTR(late_failures, late_failures);
STAT_ATTR(fixed_resume_early, resume_early_fixed);
STAT_ATTR(redirected_xs_resume, xs_resume_redirected);
STAT_ATTR(fixed_resume, resume_fixed);
static struct kobj_attribute attr_status = __ATTR_RO(status);
static struct kobj_attribute attr_fix = __ATTR_RO(fix);

#define EVTCHN_ATTR(name)							\
static ssize_t suspend_evtchn_##name##_show(struct kobject *k, struct kobj_attribute *a, \
					    char *buf)				\
{										\
	return sysfs_emit(buf, "%llu\n", READ_ONCE(xfshim_evtchn_stats.name));	\
}										\
static struct kobj_attribute attr_suspend_evtchn_##name = __ATTR_RO(suspend_evtchn_##name)

EVTCHN_ATTR(notifications);
EVTCHN_ATTR(requests);
EVTCHN_ATTR(published);
EVTCHN_ATTR(renewals);

static ssize_t suspend_evtchn_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	return xfshim_evtchn_describe(buf, PAGE_SIZE);
}
static struct kobj_attribute attr_suspend_evtchn = __ATTR_RO(suspend_evtchn);

static struct attribute *shim_attrs[] = {
	&attr_status.attr, &attr_fix.attr, &attr_suspends.attr, &attr_hypercalls.attr,
	&attr_cancelled.attr, &attr_resumed.attr, &attr_freeze_failures.attr,
	&attr_late_failures.attr, &attr_fixed_resume_early.attr,
	&attr_redirected_xs_resume.attr, &attr_fixed_resume.attr,
	&attr_suspend_evtchn.attr, &attr_suspend_evtchn_notifications.attr,
	&attr_suspend_evtchn_requests.attr, &attr_suspend_evtchn_published.attr,
	&attr_suspend_evtchn_renewals.attr, NULL,
};
static const struct attribute_group shim_group = { .attrs = shim_attrs };

static int xfshim_sysfs_init(void)
{
	struct kobject *root = xenfront_sysfs_root();
	int i, err;

	if (!root)
		return -ENODEV;
	shim_kobj = kobject_create_and_add("shim", root);
	if (!shim_kobj)
		return -ENOMEM;
	err = sysfs_create_group(shim_kobj, &shim_group);
	if (err)
		goto err_put;
	for (i = 0; i < XFSHIM_NR_HOOKS; i++) {
		struct hook_attr *ha = &hook_attrs[i];

		sysfs_attr_init(&ha->attr.attr);
		ha->attr.attr.name = xfshim_hooks[i].name;
		ha->attr.attr.mode = 0444;
		ha->attr.show = hook_show;
		ha->hook = &xfshim_hooks[i];
		hook_attr_list[i] = &ha->attr.attr;
	}
	hooks_kobj = kobject_create_and_add("hooks", shim_kobj);
	if (!hooks_kobj) {
		err = -ENOMEM;
		goto err_group;
	}
	err = sysfs_create_group(hooks_kobj, &hooks_group);
	if (err)
		goto err_hooks;
	return 0;

err_hooks:
	kobject_put(hooks_kobj);
err_group:
	sysfs_remove_group(shim_kobj, &shim_group);
err_put:
	kobject_put(shim_kobj);
	return err;
}

static void xfshim_sysfs_exit(void)
{
	sysfs_remove_group(hooks_kobj, &hooks_group);
	kobject_put(hooks_kobj);
	sysfs_remove_group(shim_kobj, &shim_group);
	kobject_put(shim_kobj);
}

static int __init xfshim_init(void)
{
	unsigned int n;
	int err;

	err = xfshim_sysfs_init();
	if (err)
		return err;
	n = xfshim_hooks_attach();
	pr_info("version %s: %u of %d hooks attached%s\n", XFPM_VERSION, n,
		XFSHIM_NR_HOOKS, xfshim_fix ? "" : " (observe only)");
	if (!xfshim_hooks[XFSHIM_DO_SUSPEND].attached)
		pr_warn("without the do_suspend hook no correction is made; xenfront-bus checks each device's connection itself\n");
	xenfront_shim_loaded(true);
	xfshim_evtchn_init();
	return 0;
}

static void __exit xfshim_exit(void)
{
	/* a suspend in progress holds a module reference: we cannot be here */
	WARN_ON_ONCE(xfshim_suspend_in_progress());
	xenfront_shim_loaded(false);
	/* no hook may queue the channel's work once it is cancelled */
	xfshim_hooks_detach();
	xfshim_evtchn_exit();
	xfshim_sysfs_exit();
	pr_info("unloaded, hooks detached\n");
}

module_init(xfshim_init);
module_exit(xfshim_exit);

MODULE_DESCRIPTION("xenfront-pm: corrects the kernel's Xen suspend path (freeze/thaw/restore, xenstore)");
MODULE_LICENSE("GPL");
MODULE_VERSION(XFPM_VERSION);
MODULE_SOFTDEP("pre: xenfront-bus");
