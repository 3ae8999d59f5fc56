// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenfront-bus: suspend cycles.
 *
 * A cycle is one suspend of the guest: a Xen suspend (opened by the shim at
 * do_suspend() entry, or by the first device freeze when the shim is not
 * loaded), a hibernation or a suspend-to-RAM (opened by the PM notifier).
 * The shim reports the steps it sees; the devices report their callbacks.
 * Finished cycles go into a short history shown in /sys/kernel/xenfront.
 */
#define pr_fmt(fmt) "xenfront-bus: " fmt

#include <linux/atomic.h>
#include <linux/kobject.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/ratelimit.h>
#include <linux/spinlock.h>
#include <linux/suspend.h>
#include <linux/sysfs.h>
#include <linux/timekeeping.h>
#include "internal.h"

static DEFINE_SPINLOCK(cycle_lock);
static struct xfpm_cycle cur;
static struct xfpm_cycle history[XFPM_HISTORY_LEN];
static u64 cycle_seq;
static unsigned int frozen_devs;
static bool shim_loaded;

struct kobject *xfbus_kobj;

static void cycle_open(enum xfpm_mode mode, bool by_shim)
{
	memset(&cur, 0, sizeof(cur));
	cur.active = true;
	cur.seq = ++cycle_seq;
	cur.when = ktime_get_real_seconds();
	cur.start_ns = ktime_get_ns();
	cur.mode = mode;
	cur.by_shim = by_shim;
	cur.verdict = XFPM_VERDICT_UNKNOWN;
	cur.hypercall_ret = -1;
}

/* cycle_lock held */
static void cycle_close(void)
{
	if (!cur.active)
		return;
	cur.active = false;
	cur.total_ns = ktime_get_ns() - cur.start_ns;
	history[cur.seq % XFPM_HISTORY_LEN] = cur;
	pr_info_ratelimited("suspend #%llu (%s%s): hypercall %s, %u frozen, %u thawed, %u restored, %u corrected, %u refused%s%s, %llu ms\n",
			    cur.seq, xfpm_mode_name(cur.mode), cur.by_shim ? "" : ", no shim",
			    xfpm_verdict_name(cur.verdict), cur.dev_freezes, cur.dev_thaws,
			    cur.dev_restores, cur.dev_corrections, cur.dev_refused,
			    cur.failed_stage ? ", failed at " : "",
			    cur.failed_stage ? xfpm_stage_name(cur.failed_stage) : "",
			    div_u64(cur.total_ns, NSEC_PER_MSEC));
}

void xenfront_cycle_begin(enum xfpm_mode mode, bool by_shim)
{
	unsigned long flags;

	spin_lock_irqsave(&cycle_lock, flags);
	cycle_close();
	cycle_open(mode, by_shim);
	spin_unlock_irqrestore(&cycle_lock, flags);
}
EXPORT_SYMBOL_GPL(xenfront_cycle_begin);

void xenfront_cycle_stage(enum xfpm_stage stage, int err, u64 duration_ns)
{
	unsigned long flags;

	if (stage <= XFPM_STAGE_NONE || stage >= XFPM_NR_STAGES)
		return;
	spin_lock_irqsave(&cycle_lock, flags);
	if (cur.active) {
		cur.stage_ns[stage] += duration_ns;
		if (err && cur.failed_stage == XFPM_STAGE_NONE) {
			cur.failed_stage = stage;
			cur.failed_err = err;
		}
	}
	spin_unlock_irqrestore(&cycle_lock, flags);
}
EXPORT_SYMBOL_GPL(xenfront_cycle_stage);

void xenfront_cycle_verdict(enum xfpm_verdict verdict, int hypercall_ret)
{
	unsigned long flags;

	spin_lock_irqsave(&cycle_lock, flags);
	if (cur.active) {
		cur.verdict = verdict;
		cur.hypercall_ret = hypercall_ret;
	}
	spin_unlock_irqrestore(&cycle_lock, flags);
}
EXPORT_SYMBOL_GPL(xenfront_cycle_verdict);

void xenfront_cycle_fix(u32 fix)
{
	unsigned long flags;

	spin_lock_irqsave(&cycle_lock, flags);
	if (cur.active)
		cur.fixes |= fix;
	spin_unlock_irqrestore(&cycle_lock, flags);
}
EXPORT_SYMBOL_GPL(xenfront_cycle_fix);

void xenfront_cycle_end(void)
{
	unsigned long flags;

	spin_lock_irqsave(&cycle_lock, flags);
	cycle_close();
	spin_unlock_irqrestore(&cycle_lock, flags);
}
EXPORT_SYMBOL_GPL(xenfront_cycle_end);

enum xfpm_verdict xenfront_cycle_current_verdict(void)
{
	enum xfpm_verdict v;
	unsigned long flags;

	spin_lock_irqsave(&cycle_lock, flags);
	v = cur.active ? cur.verdict : XFPM_VERDICT_UNKNOWN;
	spin_unlock_irqrestore(&cycle_lock, flags);
	return v;
}
EXPORT_SYMBOL_GPL(xenfront_cycle_current_verdict);

enum xfpm_mode xenfront_pm_mode(void)
{
	enum xfpm_mode m;
	unsigned long flags;

	spin_lock_irqsave(&cycle_lock, flags);
	m = cur.active ? cur.mode : XFPM_MODE_NONE;
	spin_unlock_irqrestore(&cycle_lock, flags);
	return m;
}
EXPORT_SYMBOL_GPL(xenfront_pm_mode);

void xenfront_shim_loaded(bool loaded)
{
	shim_loaded = loaded;
}
EXPORT_SYMBOL_GPL(xenfront_shim_loaded);

struct kobject *xenfront_sysfs_root(void)
{
	return xfbus_kobj;
}
EXPORT_SYMBOL_GPL(xenfront_sysfs_root);

enum xfpm_mode xfbus_cycle_device_freeze(void)
{
	enum xfpm_mode m;
	unsigned long flags;

	spin_lock_irqsave(&cycle_lock, flags);
	/*
	 * No cycle open: not hibernation or suspend-to-RAM (the notifier opens
	 * those) and no shim.  The one other freezer of xenbus devices is
	 * drivers/xen/manage.c: a Xen suspend.
	 */
	if (!cur.active)
		cycle_open(XFPM_MODE_XEN, false);
	m = cur.mode;
	spin_unlock_irqrestore(&cycle_lock, flags);
	return m;
}

/* cycle_lock held: a cycle we opened ourselves ends with its last device */
static void cycle_maybe_close(void)
{
	if (cur.active && !cur.by_shim && cur.mode == XFPM_MODE_XEN && !frozen_devs)
		cycle_close();
}

void xfbus_cycle_device_done(enum xfpm_action act, enum xfpm_note note, int err)
{
	unsigned long flags;

	spin_lock_irqsave(&cycle_lock, flags);
	switch (note) {
	case XFPM_NOTE_NONE:
	case XFPM_NOTE_DETACHED:
		break;
	case XFPM_NOTE_RESUME_WITHOUT_FREEZE:
	case XFPM_NOTE_DOUBLE_FREEZE:
	case XFPM_NOTE_BUSY:
		cur.dev_refused++;
		break;
	default:
		cur.dev_corrections++;
		break;
	}
	switch (act) {
	case XFPM_ACT_FREEZE:
		if (!err) {
			cur.dev_freezes++;
			frozen_devs++;
		}
		break;
	case XFPM_ACT_THAW:
	case XFPM_ACT_RESTORE:
		if (act == XFPM_ACT_THAW)
			cur.dev_thaws++;
		else
			cur.dev_restores++;
		if (frozen_devs)
			frozen_devs--;
		cycle_maybe_close();
		break;
	default:
		/* a refused resume can be the last event of a broken cycle */
		cycle_maybe_close();
		break;
	}
	spin_unlock_irqrestore(&cycle_lock, flags);
}

void xfbus_cycle_device_unfrozen(void)
{
	unsigned long flags;

	spin_lock_irqsave(&cycle_lock, flags);
	if (frozen_devs)
		frozen_devs--;
	cycle_maybe_close();
	spin_unlock_irqrestore(&cycle_lock, flags);
}

/* ---- PM notifier: hibernation and suspend-to-RAM ---- */

static int xfbus_pm_notify(struct notifier_block *nb, unsigned long ev, void *unused)
{
	switch (ev) {
	case PM_HIBERNATION_PREPARE:
	case PM_RESTORE_PREPARE:
		xenfront_cycle_begin(XFPM_MODE_HIBERNATE, false);
		break;
	case PM_SUSPEND_PREPARE:
		xenfront_cycle_begin(XFPM_MODE_SUSPEND, false);
		break;
	case PM_POST_HIBERNATION:
	case PM_POST_RESTORE:
	case PM_POST_SUSPEND:
		xenfront_cycle_end();
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block xfbus_pm_nb = {
	.notifier_call = xfbus_pm_notify,
};

/* ---- /sys/kernel/xenfront ---- */

const char *xfpm_stage_name(enum xfpm_stage s)
{
	static const char * const n[] = {
		[XFPM_STAGE_NONE] = "none",
		[XFPM_STAGE_FREEZE] = "freeze",
		[XFPM_STAGE_XS_SUSPEND] = "xs-suspend",
		[XFPM_STAGE_FREEZE_LATE] = "freeze-late-noirq",
		[XFPM_STAGE_HYPERCALL] = "hypercall",
		[XFPM_STAGE_RESUME_EARLY] = "resume-early-noirq",
		[XFPM_STAGE_XENSTORE] = "xenstore",
		[XFPM_STAGE_RESUME] = "resume",
	};

	return (unsigned int)s < ARRAY_SIZE(n) ? n[s] : "?";
}
EXPORT_SYMBOL_GPL(xfpm_stage_name);

static int cycle_line(char *buf, size_t size, const struct xfpm_cycle *c)
{
	return scnprintf(buf, size,
			 "%llu %lld %s %s %s %d %s %d 0x%x %u %u %u %u %u %llu %llu %llu %llu %llu %llu %llu\n",
			 c->seq, (long long)c->when, xfpm_mode_name(c->mode),
			 c->by_shim ? "shim" : "bus", xfpm_verdict_name(c->verdict),
			 c->hypercall_ret, xfpm_stage_name(c->failed_stage), c->failed_err,
			 c->fixes, c->dev_freezes, c->dev_thaws, c->dev_restores,
			 c->dev_corrections, c->dev_refused,
			 div_u64(c->total_ns, NSEC_PER_USEC),
			 div_u64(c->stage_ns[XFPM_STAGE_FREEZE], NSEC_PER_USEC),
			 div_u64(c->stage_ns[XFPM_STAGE_FREEZE_LATE], NSEC_PER_USEC),
			 div_u64(c->stage_ns[XFPM_STAGE_HYPERCALL], NSEC_PER_USEC),
			 div_u64(c->stage_ns[XFPM_STAGE_RESUME_EARLY], NSEC_PER_USEC),
			 div_u64(c->stage_ns[XFPM_STAGE_XENSTORE], NSEC_PER_USEC),
			 div_u64(c->stage_ns[XFPM_STAGE_RESUME], NSEC_PER_USEC));
}

#define HISTORY_HEADER "seq when mode by verdict hypercall failed_stage err fixes freezes thaws restores corrections refused total_us freeze_us late_noirq_us hypercall_us resume_early_us xenstore_us resume_us\n"

static ssize_t history_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	struct xfpm_cycle *snap;
	unsigned long flags;
	u64 seq, first;
	ssize_t n;

	snap = kmalloc_array(XFPM_HISTORY_LEN, sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	spin_lock_irqsave(&cycle_lock, flags);
	memcpy(snap, history, sizeof(history));
	seq = cycle_seq;
	if (cur.active)
		seq--;		/* the open cycle is not history yet */
	spin_unlock_irqrestore(&cycle_lock, flags);

	n = scnprintf(buf, PAGE_SIZE, HISTORY_HEADER);
	first = seq > XFPM_HISTORY_LEN ? seq - XFPM_HISTORY_LEN + 1 : 1;
	for (; seq && first <= seq; first++)
		n += cycle_line(buf + n, PAGE_SIZE - n, &snap[first % XFPM_HISTORY_LEN]);
	kfree(snap);
	return n;
}

static ssize_t last_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	struct xfpm_cycle c;
	unsigned long flags;
	u64 seq;

	spin_lock_irqsave(&cycle_lock, flags);
	seq = cur.active ? cycle_seq - 1 : cycle_seq;
	c = history[seq % XFPM_HISTORY_LEN];
	spin_unlock_irqrestore(&cycle_lock, flags);
	if (!seq)
		return sysfs_emit(buf, "none\n");
	return cycle_line(buf, PAGE_SIZE, &c);
}

static ssize_t suspends_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%llu\n", cur.active ? cycle_seq - 1 : cycle_seq);
}

static ssize_t pm_mode_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%s\n", xfpm_mode_name(xenfront_pm_mode()));
}

static ssize_t frozen_devices_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(frozen_devs));
}

static ssize_t shim_loaded_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%d\n", shim_loaded);
}

static ssize_t version_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%s\n", XFPM_VERSION);
}

static ssize_t xenbus_pm_ops_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	return xfbus_describe_pm_ops(buf, PAGE_SIZE);
}

static struct kobj_attribute attr_history = __ATTR_RO(history);
static struct kobj_attribute attr_xenbus_pm_ops = __ATTR_RO(xenbus_pm_ops);
static struct kobj_attribute attr_last = __ATTR_RO(last);
static struct kobj_attribute attr_suspends = __ATTR_RO(suspends);
static struct kobj_attribute attr_pm_mode = __ATTR_RO(pm_mode);
static struct kobj_attribute attr_frozen = __ATTR_RO(frozen_devices);
static struct kobj_attribute attr_shim = __ATTR_RO(shim_loaded);
static struct kobj_attribute attr_version = __ATTR_RO(version);

static struct attribute *xfbus_attrs[] = {
	&attr_history.attr, &attr_last.attr, &attr_suspends.attr, &attr_pm_mode.attr,
	&attr_frozen.attr, &attr_shim.attr, &attr_version.attr, &attr_xenbus_pm_ops.attr, NULL,
};

static const struct attribute_group xfbus_group = {
	.attrs = xfbus_attrs,
};

int xfbus_cycle_init(void)
{
	int err;

	xfbus_kobj = kobject_create_and_add("xenfront", kernel_kobj);
	if (!xfbus_kobj)
		return -ENOMEM;
	err = sysfs_create_group(xfbus_kobj, &xfbus_group);
	if (err)
		goto err_put;
	err = register_pm_notifier(&xfbus_pm_nb);
	if (err)
		goto err_group;
	return 0;

err_group:
	sysfs_remove_group(xfbus_kobj, &xfbus_group);
err_put:
	kobject_put(xfbus_kobj);
	xfbus_kobj = NULL;
	return err;
}

void xfbus_cycle_exit(void)
{
	unregister_pm_notifier(&xfbus_pm_nb);
	sysfs_remove_group(xfbus_kobj, &xfbus_group);
	kobject_put(xfbus_kobj);
	xfbus_kobj = NULL;
}
