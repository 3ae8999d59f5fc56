// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_BLK_MARK_DISK_DEAD: blk_mark_disk_dead() fails all further I/O to a
 * disk whose device is gone.  "block: add a blk_mark_disk_dead helper"
 * (v5.18); before, blk_set_queue_dying() did that job.
 */
#include <linux/blkdev.h>
void xfpm_probe(struct gendisk *g);
void xfpm_probe(struct gendisk *g)
{
	blk_mark_disk_dead(g);
}
