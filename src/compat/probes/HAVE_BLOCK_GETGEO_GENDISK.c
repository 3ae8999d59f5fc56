// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_BLOCK_GETGEO_GENDISK: block_device_operations.getgeo takes the
 * struct gendisk instead of a struct block_device.  Not in Debian's 6.12;
 * in 7.2.
 */
#include <linux/blkdev.h>
#include <linux/hdreg.h>
static int g(struct gendisk *d, struct hd_geometry *h)
{
	return 0;
}
const struct block_device_operations xfpm_probe_ops = { .getgeo = g };
