// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_QUEUE_LIMITS_COMMIT: queue_limits_start_update() and
 * queue_limits_commit_update() with lim.max_hw_discard_sectors.
 * "block: add an API to atomically update queue limits" (v6.9).
 */
#include <linux/blkdev.h>
int xfpm_probe(struct request_queue *q);
int xfpm_probe(struct request_queue *q)
{
	struct queue_limits lim = queue_limits_start_update(q);

	lim.max_hw_discard_sectors = 0;
	return queue_limits_commit_update(q, &lim);
}
