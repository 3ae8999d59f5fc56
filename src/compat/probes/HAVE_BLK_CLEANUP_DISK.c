// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_BLK_CLEANUP_DISK: blk_cleanup_disk() releases a disk from
 * blk_mq_alloc_disk() (v5.14 - v5.19); later a plain put_disk() does.
 */
#include <linux/blkdev.h>
void xfpm_probe(struct gendisk *g);
void xfpm_probe(struct gendisk *g)
{
	blk_cleanup_disk(g);
}
