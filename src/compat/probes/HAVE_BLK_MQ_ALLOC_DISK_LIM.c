// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_BLK_MQ_ALLOC_DISK_LIM: blk_mq_alloc_disk(set, lim, queuedata).
 * "block: pass a queue_limits argument to blk_mq_alloc_disk" (v6.9).
 */
#include <linux/blk-mq.h>
struct gendisk *xfpm_probe(struct blk_mq_tag_set *s, struct queue_limits *l, void *d);
struct gendisk *xfpm_probe(struct blk_mq_tag_set *s, struct queue_limits *l, void *d)
{
	return blk_mq_alloc_disk(s, l, d);
}
