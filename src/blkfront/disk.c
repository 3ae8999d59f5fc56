// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkfront: the gendisk.
 *
 * Names and minors follow the in-tree driver (src/ring/blk_vdev.c); every
 * disk lives under major 202.  The queue is described once in a
 * kernel-neutral struct xfb_qlimits and applied through compat_blk.h, at
 * creation and again whenever a new connection (after a restore) or a
 * backend refusal changes what the backend accepts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/blk-mq.h>
#include <linux/cdrom.h>
#include <linux/hdreg.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <xen/page.h>
#include <xenfront/compat_blk.h>
#include "blkfront.h"

/* ---- minors: two devices must not claim overlapping ranges ---- */

static DEFINE_MUTEX(minors_lock);
static unsigned long *minors_map;
static unsigned int minors_bits;

int blkfront_minors_reserve(u32 first, u32 n)
{
	u32 end = first + n;
	int err = 0;

	if (!n || end > (1U << XFB_MINORBITS) || end < first)
		return -EINVAL;
	mutex_lock(&minors_lock);
	if (end > minors_bits) {
		unsigned int bits = round_up(end, 1024);
		unsigned long *map = bitmap_zalloc(bits, GFP_KERNEL);

		if (!map) {
			err = -ENOMEM;
			goto out;
		}
		if (minors_map)
			bitmap_copy(map, minors_map, minors_bits);
		bitmap_free(minors_map);
		minors_map = map;
		minors_bits = bits;
	}
	if (find_next_bit(minors_map, end, first) < end) {
		err = -EBUSY;
		goto out;
	}
	bitmap_set(minors_map, first, n);
out:
	mutex_unlock(&minors_lock);
	return err;
}

void blkfront_minors_release(u32 first, u32 n)
{
	mutex_lock(&minors_lock);
	if (minors_map && first + n <= minors_bits)
		bitmap_clear(minors_map, first, n);
	mutex_unlock(&minors_lock);
}

void blkfront_minors_exit(void)
{
	bitmap_free(minors_map);
	minors_map = NULL;
	minors_bits = 0;
}

/* ---- queue description ---- */

void blkfront_effective_conn(const struct blkfront_info *info, struct xfb_conn *c)
{
	*c = info->disk.conn;
	if (test_bit(BF_OFF_FLUSH, &info->feature_off)) {
		c->flush_cache = false;
		c->barrier = false;
	}
	if (test_bit(BF_OFF_DISCARD, &info->feature_off)) {
		c->discard = false;
		c->secure_discard = false;
	}
	if (test_bit(BF_OFF_BARRIER_DATA, &info->feature_off))
		c->barrier_empty = true;
}

static void make_qlimits(const struct blkfront_info *info, struct xfb_qlimits *l)
{
	const struct xfb_disk *d = &info->disk;
	struct xfb_conn c;

	blkfront_effective_conn(info, &c);
	memset(l, 0, sizeof(*l));
	l->logical_block_size = d->sector_size;
	l->physical_block_size = d->physical_sector_size;
	/* one ring request carries info->segs pages */
	l->max_hw_sectors = info->segs * (XEN_PAGE_SIZE >> SECTOR_SHIFT);
	l->max_segments = info->segs;
	l->max_segment_size = PAGE_SIZE;
	l->seg_boundary_mask = PAGE_SIZE - 1;
	l->dma_alignment = SECTOR_SIZE - 1;
	if (c.discard) {
		l->max_discard_sectors = UINT_MAX;
		l->discard_granularity = d->discard_granularity ?: d->physical_sector_size;
		l->discard_alignment = d->discard_alignment;
		if (c.secure_discard)
			l->max_secure_erase_sectors = UINT_MAX;
	}
	/*
	 * a flush-cache backend takes flushes; a barrier-only one also FUA,
	 * unless it refused barriers with data (the block layer then sends a
	 * write and a flush itself, no FUA write to replay)
	 */
	l->write_cache = c.flush_cache || c.barrier;
	l->fua = c.barrier && !c.flush_cache && !c.barrier_empty;
}

/* ---- block device operations ---- */

/* private_data is cleared under this lock before the device state goes */
static DEFINE_MUTEX(blkfront_disk_lock);

static int blkfront_getgeo(struct gendisk *disk, struct hd_geometry *hg)
{
	sector_t cyl = get_capacity(disk);

	/* the customary fake geometry: 255 heads, 63 sectors per track */
	hg->heads = 0xff;
	hg->sectors = 0x3f;
	sector_div(cyl, hg->heads * hg->sectors);
	hg->cylinders = cyl > 0xffff ? 0xffff : cyl;
	return 0;
}
XFB_DEFINE_GETGEO_OP(blkfront_getgeo)

static int blkfront_ioctl(struct block_device *bdev, xfb_bdev_mode_t mode,
			  unsigned int cmd, unsigned long arg)
{
	struct blkfront_info *info;
	bool cdrom = false;

	switch (cmd) {
	case CDROMMULTISESSION: {
		struct cdrom_multisession ms = { };

		return copy_to_user((void __user *)arg, &ms, sizeof(ms)) ? -EFAULT : 0;
	}
	case CDROM_GET_CAPABILITY:
		mutex_lock(&blkfront_disk_lock);
		info = bdev->bd_disk->private_data;
		if (info)
			cdrom = info->disk.info & XFB_VDISK_CDROM;
		mutex_unlock(&blkfront_disk_lock);
		return cdrom ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

static const struct block_device_operations blkfront_fops = {
	.owner = THIS_MODULE,
	.getgeo = XFB_GETGEO_OP(blkfront_getgeo),
	.ioctl = blkfront_ioctl,
	.compat_ioctl = blkdev_compat_ptr_ioctl,
};

/* ---- the disk ---- */

int blkfront_disk_create(struct blkfront_info *info)
{
	struct blk_mq_tag_set *set = &info->tag_set;
	struct xfb_qlimits l;
	struct gendisk *gd;
	int err;

	memset(set, 0, sizeof(*set));
	set->ops = &blkfront_mq_ops;
	/* one hardware queue per ring of the first connection */
	set->nr_hw_queues = info->nr_rings;
	set->queue_depth = info->rings[0].nr_slots;
	set->numa_node = NUMA_NO_NODE;
	set->flags = BLK_MQ_F_SHOULD_MERGE;
	set->cmd_size = sizeof(struct blkfront_rq);
	set->driver_data = info;
	err = blk_mq_alloc_tag_set(set);
	if (err)
		return err;
	info->tag_set_ok = true;

	make_qlimits(info, &l);
	gd = xfb_alloc_disk(set, &l, info, info->vd.nr_minors);
	if (IS_ERR(gd)) {
		err = PTR_ERR(gd);
		goto err_set;
	}
	strscpy(gd->disk_name, info->vd.name, DISK_NAME_LEN);
	gd->major = XFB_VDEV_MAJOR;
	gd->first_minor = info->vd.first_minor;
	gd->minors = info->vd.nr_minors;
	gd->fops = &blkfront_fops;
	gd->private_data = info;
	set_capacity(gd, info->disk.sectors);
	set_disk_ro(gd, !!(info->disk.info & XFB_VDISK_READONLY));
	if (info->disk.info & (XFB_VDISK_REMOVABLE | XFB_VDISK_CDROM))
		gd->flags |= GENHD_FL_REMOVABLE;
	WRITE_ONCE(info->gd, gd);

	/* reads the partition table: the rings are open */
	err = xfb_add_disk(&info->xdev->dev, gd);
	if (err) {
		WRITE_ONCE(info->gd, NULL);
		xfb_release_disk(gd, false);
		goto err_set;
	}
	info->disk_added = true;
	return 0;

err_set:
	blk_mq_free_tag_set(set);
	info->tag_set_ok = false;
	return err;
}

/* A new connection: the backend's limits and size may all have changed. */
int blkfront_disk_update(struct blkfront_info *info)
{
	struct gendisk *gd = info->gd;
	struct xfb_qlimits l;
	int err;

	make_qlimits(info, &l);
	err = xfb_update_queue(gd->queue, &l);
	if (get_capacity(gd) != info->disk.sectors)
		set_capacity_and_notify(gd, info->disk.sectors);
	set_disk_ro(gd, !!(info->disk.info & XFB_VDISK_READONLY));
	return err;
}

void blkfront_disk_release(struct blkfront_info *info)
{
	struct gendisk *gd = info->gd;

	if (gd) {
		mutex_lock(&blkfront_disk_lock);
		gd->private_data = NULL;
		mutex_unlock(&blkfront_disk_lock);
		WRITE_ONCE(info->gd, NULL);
		xfb_release_disk(gd, info->disk_added);
		info->disk_added = false;
	}
	if (info->tag_set_ok) {
		blk_mq_free_tag_set(&info->tag_set);
		info->tag_set_ok = false;
	}
}

/*
 * The backend answered EOPNOTSUPP to a flush, a discard or a barrier that
 * carried data: stop sending them (every ring, and the queue's limits).
 */
void blkfront_feature_work(struct work_struct *work)
{
	struct blkfront_info *info = container_of(work, struct blkfront_info, feature_work);
	struct xfb_qlimits l;
	unsigned int i;

	mutex_lock(&info->mutex);
	if (info->state == BF_CONNECTED && info->gd) {
		for (i = 0; i < info->nr_rings; i++)
			blkfront_ring_update_conn(&info->rings[i]);
		make_qlimits(info, &l);
		if (xfb_update_queue(info->gd->queue, &l))
			dev_warn(&info->xdev->dev, "%s: cannot update the queue limits\n",
				 info->vd.name);
	}
	mutex_unlock(&info->mutex);
}
