// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_BLK_FEAT_WRITE_CACHE: cache flags live in queue_limits.features.
 * "block: move cache control settings out of queue->flags" (v6.11), which
 * also made non-rotational the default (BLK_FEAT_ROTATIONAL opts in).
 */
#include <linux/blkdev.h>
void xfpm_probe(struct queue_limits *l);
void xfpm_probe(struct queue_limits *l)
{
	l->features |= BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA;
	l->features &= ~BLK_FEAT_ROTATIONAL;
}
