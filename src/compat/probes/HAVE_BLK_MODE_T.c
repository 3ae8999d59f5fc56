// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_BLK_MODE_T: block_device_operations take a blk_mode_t.
 * "block: use the new blk_mode_t type for open/release" (v6.5); fmode_t
 * before.
 */
#include <linux/blkdev.h>
static int x(struct block_device *b, blk_mode_t m, unsigned int c, unsigned long a)
{
	return 0;
}
const struct block_device_operations xfpm_probe_ops = { .ioctl = x };
