// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkfront: a Xen block frontend on xenfront-bus, with correct
 * freeze/thaw/restore.  Module parameters, init and exit.
 *
 * Same module name, device names and parameter names as the in-tree
 * driver, so that it can replace it on an existing guest.  Parameters are
 * read whenever a connection is set up (boot, restore, migration), so a
 * change takes effect at the next one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/module.h>
#include <xen/platform_pci.h>
#include <xen/xen.h>
#include "blkfront.h"

unsigned int blkfront_max_indirect_segments = 32;
module_param_named(max_indirect_segments, blkfront_max_indirect_segments, uint, 0644);
MODULE_PARM_DESC(max_indirect_segments,
		 "Maximum segments of an indirect request (default 32, at most 256; 0 or up to 11: no indirect requests)");

unsigned int blkfront_max_queues = 4;
module_param_named(max_queues, blkfront_max_queues, uint, 0644);
MODULE_PARM_DESC(max_queues,
		 "Maximum number of queues (rings) per virtual disk (default 4, at most the number of CPUs)");

unsigned int blkfront_max_ring_order;
module_param_named(max_ring_page_order, blkfront_max_ring_order, uint, 0644);
MODULE_PARM_DESC(max_ring_page_order,
		 "Maximum order of pages of a shared ring (default 0: one page; at most 4)");

unsigned int blkfront_max_pool_percent = 10;
module_param_named(max_pool_percent, blkfront_max_pool_percent, uint, 0644);
MODULE_PARM_DESC(max_pool_percent,
		 "Largest share of RAM (percent, 1-100, default 10) the data pages of one disk may take; fewer indirect segments are used to stay within it");

bool blkfront_feature_persistent = true;
module_param_named(feature_persistent, blkfront_feature_persistent, bool, 0644);
MODULE_PARM_DESC(feature_persistent, "Offer persistent grants to the backend (default on)");

bool blkfront_trusted = true;
module_param_named(trusted, blkfront_trusted, bool, 0644);
MODULE_PARM_DESC(trusted,
		 "Trust the backends (default on); untrusted: no persistent grants, data only in fresh grants");

unsigned int blkfront_drain_timeout_ms = 10000;
module_param_named(drain_timeout_ms, blkfront_drain_timeout_ms, uint, 0644);
MODULE_PARM_DESC(drain_timeout_ms,
		 "How long a hibernation freeze waits for requests in flight (default 10000 ms)");

#define XVD_NAME "xvd"

static int __init blkfront_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;
	/* HVM with emulated disks that were not unplugged: stay away */
	if (!xen_has_pv_disk_devices())
		return -ENODEV;
	if (blkfront_max_ring_order > XFB_MAX_RING_ORDER) {
		pr_info("max_ring_page_order %u is above %u; using %u\n",
			blkfront_max_ring_order, XFB_MAX_RING_ORDER, XFB_MAX_RING_ORDER);
		blkfront_max_ring_order = XFB_MAX_RING_ORDER;
	}
	if (register_blkdev(XFB_VDEV_MAJOR, XVD_NAME)) {
		pr_warn("cannot get major %d\n", XFB_VDEV_MAJOR);
		return -ENODEV;
	}
	err = xenfront_register_driver(&blkfront_driver);
	if (err) {
		unregister_blkdev(XFB_VDEV_MAJOR, XVD_NAME);
		return err;
	}
	return 0;
}

static void __exit blkfront_exit(void)
{
	xenfront_unregister_driver(&blkfront_driver);
	unregister_blkdev(XFB_VDEV_MAJOR, XVD_NAME);
	blkfront_minors_exit();
}

module_init(blkfront_init);
module_exit(blkfront_exit);

MODULE_DESCRIPTION("Xen virtual block device frontend (xenfront-pm)");
MODULE_LICENSE("GPL");
MODULE_VERSION(XFPM_VERSION);
MODULE_ALIAS_BLOCKDEV_MAJOR(XFB_VDEV_MAJOR);
MODULE_ALIAS("xen:vbd");
MODULE_ALIAS("xenblk");
