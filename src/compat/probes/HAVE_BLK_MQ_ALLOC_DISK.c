// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_BLK_MQ_ALLOC_DISK: blk_mq_alloc_disk(set, queuedata).
 * "blk-mq: add the blk_mq_alloc_disk APIs" (v5.14); the two-argument form
 * lasted until v6.9 added the queue_limits argument.
 */
#include <linux/blk-mq.h>
struct gendisk *xfpm_probe(struct blk_mq_tag_set *s, void *d);
struct gendisk *xfpm_probe(struct blk_mq_tag_set *s, void *d)
{
	return blk_mq_alloc_disk(s, d);
}
