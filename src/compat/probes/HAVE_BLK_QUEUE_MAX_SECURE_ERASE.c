// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_BLK_QUEUE_MAX_SECURE_ERASE: blk_queue_max_secure_erase_sectors().
 * "block: add a bdev_max_secure_erase_sectors helper" series (v5.19)
 * replaced QUEUE_FLAG_SECERASE with a limit.
 */
#include <linux/blkdev.h>
void xfpm_probe(struct request_queue *q);
void xfpm_probe(struct request_queue *q)
{
	blk_queue_max_secure_erase_sectors(q, 8);
}
