// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_BLK_CLEANUP_QUEUE: blk_cleanup_queue() must tear down a request
 * queue the driver created itself.  Removed by "block: remove
 * blk_cleanup_queue" (v6.0), when the disk took over the queue's lifetime.
 */
#include <linux/blkdev.h>
void xfpm_probe(struct request_queue *q);
void xfpm_probe(struct request_queue *q)
{
	blk_cleanup_queue(q);
}
