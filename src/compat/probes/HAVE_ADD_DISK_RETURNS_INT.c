// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_ADD_DISK_RETURNS_INT: device_add_disk() returns an error code.
 * "block: add error handling for device_add_disk / add_disk" (v5.15).
 */
#include <linux/blkdev.h>
int xfpm_probe(struct device *p, struct gendisk *g);
int xfpm_probe(struct device *p, struct gendisk *g)
{
	int err = device_add_disk(p, g, NULL);

	return err;
}
