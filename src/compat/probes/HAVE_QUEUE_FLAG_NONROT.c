// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_QUEUE_FLAG_NONROT: rotational is a queue flag, set by default.
 * v6.11 moved it into queue_limits.features (see HAVE_BLK_FEAT_WRITE_CACHE).
 */
#include <linux/blkdev.h>
void xfpm_probe(struct request_queue *q);
void xfpm_probe(struct request_queue *q)
{
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
}
