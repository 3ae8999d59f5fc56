// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkfront: /sys/bus/xen/devices/vbd-<id>/blkfront/
 *
 * What the connection negotiated and the resources the device holds, one
 * value per file (see src/blkfront/README.md).  The values are read without
 * locks: each is a snapshot, and the counters are atomics.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/sysfs.h>
#include <xen/page.h>
#include <xenfront/compat_blk.h>
#include "blkfront.h"

static struct blkfront_info *dev_to_info(struct device *dev)
{
	struct xenfront_device *xf = dev_get_drvdata(dev);

	return xf ? xenfront_get_drvdata(xf) : NULL;
}

#define BF_ATTR(name, fmt, expr)						\
static ssize_t name##_show(struct device *dev, struct device_attribute *attr,	\
			   char *buf)						\
{										\
	struct blkfront_info *info = dev_to_info(dev);				\
										\
	if (!info)								\
		return -ENODEV;							\
	return sysfs_emit(buf, fmt "\n", expr);					\
}										\
static DEVICE_ATTR_RO(name)

static const char *flush_mode(const struct blkfront_info *info)
{
	struct xfb_conn c;

	blkfront_effective_conn(info, &c);
	if (c.flush_cache)
		return "flush";
	if (c.barrier)
		return c.barrier_empty ? "barrier-empty" : "barrier";
	return "none";
}

static unsigned int eff_indirect(const struct blkfront_info *info)
{
	struct xfb_conn c;

	blkfront_effective_conn(info, &c);
	return c.max_indirect_segs;
}

static bool eff_discard(const struct blkfront_info *info, bool secure)
{
	struct xfb_conn c;

	blkfront_effective_conn(info, &c);
	return secure ? c.secure_discard : c.discard;
}

/* the device */
BF_ATTR(state, "%s", blkfront_state_name(READ_ONCE(info->state)));
BF_ATTR(disk, "%s", info->vd.name);
BF_ATTR(broken, "%d", info->broken);
BF_ATTR(broken_reason, "%s", READ_ONCE(info->broken_reason) ?: "");
BF_ATTR(sectors, "%llu", (unsigned long long)info->disk.sectors);
BF_ATTR(logical_block_size, "%u", info->disk.sector_size);
BF_ATTR(physical_block_size, "%u", info->disk.physical_sector_size);
BF_ATTR(readonly, "%d", !!(info->disk.info & XFB_VDISK_READONLY));
BF_ATTR(removable, "%d", !!(info->disk.info & XFB_VDISK_REMOVABLE));
BF_ATTR(cdrom, "%d", !!(info->disk.info & XFB_VDISK_CDROM));
/* what the connection negotiated */
BF_ATTR(nr_queues, "%u", info->nr_rings);
BF_ATTR(nr_hw_queues, "%u", info->tag_set_ok ? info->tag_set.nr_hw_queues : 0);
BF_ATTR(ring_page_order, "%u", info->talk.ring_order);
BF_ATTR(ring_slots, "%u",
	info->nr_rings ? (unsigned int)__CONST_RING_SIZE(blkif, XEN_PAGE_SIZE << info->talk.ring_order) : 0);
BF_ATTR(max_indirect_segments, "%u", eff_indirect(info));
BF_ATTR(max_segments, "%u", info->segs);
BF_ATTR(pool_capped_from, "%u", info->pool_capped_from);
BF_ATTR(feature_persistent, "%d", info->disk.persistent);
BF_ATTR(feature_flush, "%s", flush_mode(info));
BF_ATTR(feature_discard, "%d", eff_discard(info, false));
BF_ATTR(feature_secure_discard, "%d", eff_discard(info, true));
BF_ATTR(discard_granularity, "%u", info->disk.discard_granularity);
BF_ATTR(discard_alignment, "%u", info->disk.discard_alignment);
BF_ATTR(trusted, "%d", info->params.trusted);
/* resources held now */
BF_ATTR(grants_in_use, "%d", atomic_read(&info->grants));
BF_ATTR(persistent_grants, "%d", atomic_read(&info->persistent_grants));
BF_ATTR(pages_allocated, "%d", atomic_read(&info->pages));
BF_ATTR(event_channels, "%d", atomic_read(&info->evtchns));
BF_ATTR(requests_in_flight, "%d", atomic_read(&info->inflight));
BF_ATTR(ring_requests_in_flight, "%d", atomic_read(&info->slots_busy));
/* events since probe */
BF_ATTR(connections, "%u", info->connections);
BF_ATTR(reconnects, "%lld", (long long)atomic64_read(&info->reconnects));
BF_ATTR(requests_replayed, "%lld", (long long)atomic64_read(&info->replayed));
BF_ATTR(requests_reissued, "%lld", (long long)atomic64_read(&info->reissued));
BF_ATTR(ring_full_stops, "%lld", (long long)atomic64_read(&info->ring_full));
BF_ATTR(requests_split, "%lld", (long long)atomic64_read(&info->split));
BF_ATTR(requests_completed, "%lld", (long long)atomic64_read(&info->completed));
BF_ATTR(requests_failed, "%lld", (long long)atomic64_read(&info->failed));
BF_ATTR(responses_malformed, "%lld", (long long)atomic64_read(&info->malformed));
BF_ATTR(xenstore_invalid, "%lld", (long long)atomic64_read(&info->xs_invalid));
BF_ATTR(grants_deferred, "%lld", (long long)atomic64_read(&info->deferred));
BF_ATTR(resizes, "%lld", (long long)atomic64_read(&info->resizes));

static struct attribute *blkfront_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_disk.attr,
	&dev_attr_broken.attr,
	&dev_attr_broken_reason.attr,
	&dev_attr_sectors.attr,
	&dev_attr_logical_block_size.attr,
	&dev_attr_physical_block_size.attr,
	&dev_attr_readonly.attr,
	&dev_attr_removable.attr,
	&dev_attr_cdrom.attr,
	&dev_attr_nr_queues.attr,
	&dev_attr_nr_hw_queues.attr,
	&dev_attr_ring_page_order.attr,
	&dev_attr_ring_slots.attr,
	&dev_attr_max_indirect_segments.attr,
	&dev_attr_max_segments.attr,
	&dev_attr_pool_capped_from.attr,
	&dev_attr_feature_persistent.attr,
	&dev_attr_feature_flush.attr,
	&dev_attr_feature_discard.attr,
	&dev_attr_feature_secure_discard.attr,
	&dev_attr_discard_granularity.attr,
	&dev_attr_discard_alignment.attr,
	&dev_attr_trusted.attr,
	&dev_attr_grants_in_use.attr,
	&dev_attr_persistent_grants.attr,
	&dev_attr_pages_allocated.attr,
	&dev_attr_event_channels.attr,
	&dev_attr_requests_in_flight.attr,
	&dev_attr_ring_requests_in_flight.attr,
	&dev_attr_connections.attr,
	&dev_attr_reconnects.attr,
	&dev_attr_requests_replayed.attr,
	&dev_attr_requests_reissued.attr,
	&dev_attr_ring_full_stops.attr,
	&dev_attr_requests_split.attr,
	&dev_attr_requests_completed.attr,
	&dev_attr_requests_failed.attr,
	&dev_attr_responses_malformed.attr,
	&dev_attr_xenstore_invalid.attr,
	&dev_attr_grants_deferred.attr,
	&dev_attr_resizes.attr,
	NULL
};

const struct attribute_group blkfront_attr_group = {
	.name = "blkfront",
	.attrs = blkfront_attrs,
};
