// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_QUEUE_FLAG_DISCARD: discard is switched on by QUEUE_FLAG_DISCARD
 * (and secure erase by QUEUE_FLAG_SECERASE).  "block: remove
 * QUEUE_FLAG_DISCARD" (v5.19) made a non-zero max_discard_sectors enough.
 */
#include <linux/blkdev.h>
void xfpm_probe(struct request_queue *q);
void xfpm_probe(struct request_queue *q)
{
	blk_queue_flag_set(QUEUE_FLAG_DISCARD, q);
	blk_queue_flag_set(QUEUE_FLAG_SECERASE, q);
}
