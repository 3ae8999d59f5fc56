// SPDX-License-Identifier: GPL-2.0-only
/*
 * xfpm_fault - a test device whose freeze, freeze_late or freeze_noirq
 * callback fails on demand, to drive the kernel's suspend error paths.
 *
 * Loaded before the frontends, its device sits ahead of them in the PM
 * core's list: it freezes after them, so a failure at any stage finds the
 * frontends already frozen (the case the kernel's error paths get wrong).
 *
 *   echo freeze_noirq > /sys/module/xfpm_fault/parameters/fail_stage
 *   echo 1 > /sys/module/xfpm_fault/parameters/fail_count
 *
 * Counters of every callback are in /sys/kernel/debug/xfpm_fault/.
 */
#define pr_fmt(fmt) "xfpm_fault: " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/pm.h>
#include <linux/string.h>

static char fail_stage[16] = "none";
module_param_string(fail_stage, fail_stage, sizeof(fail_stage), 0644);
MODULE_PARM_DESC(fail_stage, "PM callback that fails: none, freeze, freeze_late, freeze_noirq");

static unsigned int fail_count = 1;
module_param(fail_count, uint, 0644);
MODULE_PARM_DESC(fail_count, "How many more times the chosen callback fails (0: never)");

static int fail_errno = -EBUSY;
module_param(fail_errno, int, 0644);
MODULE_PARM_DESC(fail_errno, "Error the failing callback returns (negative errno)");

enum { C_FREEZE, C_FREEZE_LATE, C_FREEZE_NOIRQ, C_THAW_NOIRQ, C_THAW_EARLY, C_THAW,
       C_RESTORE_NOIRQ, C_RESTORE_EARLY, C_RESTORE, C_INJECTED, C_NR };
static const char * const cnames[C_NR] = {
	"freeze", "freeze_late", "freeze_noirq", "thaw_noirq", "thaw_early", "thaw",
	"restore_noirq", "restore_early", "restore", "injected",
};
static u64 counts[C_NR];

static int maybe_fail(const char *stage, int c)
{
	counts[c]++;
	if (!fail_count || !sysfs_streq(fail_stage, stage))
		return 0;
	fail_count--;
	counts[C_INJECTED]++;
	pr_info("injecting %d at %s\n", fail_errno, stage);
	return fail_errno < 0 ? fail_errno : -EBUSY;
}

static int f_freeze(struct device *d) { return maybe_fail("freeze", C_FREEZE); }
static int f_freeze_late(struct device *d) { return maybe_fail("freeze_late", C_FREEZE_LATE); }
static int f_freeze_noirq(struct device *d) { return maybe_fail("freeze_noirq", C_FREEZE_NOIRQ); }
static int f_thaw_noirq(struct device *d) { counts[C_THAW_NOIRQ]++; return 0; }
static int f_thaw_early(struct device *d) { counts[C_THAW_EARLY]++; return 0; }
static int f_thaw(struct device *d) { counts[C_THAW]++; return 0; }
static int f_restore_noirq(struct device *d) { counts[C_RESTORE_NOIRQ]++; return 0; }
static int f_restore_early(struct device *d) { counts[C_RESTORE_EARLY]++; return 0; }
static int f_restore(struct device *d) { counts[C_RESTORE]++; return 0; }

static const struct dev_pm_ops xfpm_fault_pm = {
	.freeze = f_freeze,
	.freeze_late = f_freeze_late,
	.freeze_noirq = f_freeze_noirq,
	.thaw_noirq = f_thaw_noirq,
	.thaw_early = f_thaw_early,
	.thaw = f_thaw,
	.restore_noirq = f_restore_noirq,
	.restore_early = f_restore_early,
	.restore = f_restore,
};

static struct platform_driver xfpm_fault_driver = {
	.driver = {
		.name = "xfpm-fault",
		.pm = &xfpm_fault_pm,
	},
};

static struct platform_device *pdev;
static struct dentry *dir;

static int __init xfpm_fault_init(void)
{
	int err, i;

	err = platform_driver_register(&xfpm_fault_driver);
	if (err)
		return err;
	pdev = platform_device_register_simple("xfpm-fault", -1, NULL, 0);
	if (IS_ERR(pdev)) {
		platform_driver_unregister(&xfpm_fault_driver);
		return PTR_ERR(pdev);
	}
	dir = debugfs_create_dir("xfpm_fault", NULL);
	for (i = 0; i < C_NR; i++)
		debugfs_create_u64(cnames[i], 0444, dir, &counts[i]);
	pr_info("loaded: fail_stage=%s fail_count=%u\n", fail_stage, fail_count);
	return 0;
}

static void __exit xfpm_fault_exit(void)
{
	debugfs_remove_recursive(dir);
	platform_device_unregister(pdev);
	platform_driver_unregister(&xfpm_fault_driver);
}

module_init(xfpm_fault_init);
module_exit(xfpm_fault_exit);
MODULE_DESCRIPTION("xenfront-pm test: PM callbacks that fail on demand");
MODULE_LICENSE("GPL");
