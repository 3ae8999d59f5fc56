/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Block-layer API differences for xen-blkfront (5.10 ... 6.12 and later).
 *
 * The only place where the block frontend looks at HAVE_* results of the
 * compile probes (src/compat/probes/).  The driver describes its queue in a
 * kernel-neutral struct xfb_qlimits; these helpers apply it with whatever the
 * target kernel offers: per-limit setters and queue flags (before v6.9), or
 * an atomic queue_limits update (v6.9+) with the cache and rotational flags
 * inside the limits (v6.11+).
 */
#ifndef XENFRONT_COMPAT_BLK_H
#define XENFRONT_COMPAT_BLK_H

#include "xenfront_config.h"

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/err.h>
#include <linux/highmem.h>
#include <xen/grant_table.h>
#include <xenfront/compat.h>

/* "blk-mq: remove BLK_MQ_F_SHOULD_MERGE" (v6.14): merging is the default. */
#ifndef BLK_MQ_F_SHOULD_MERGE
#define BLK_MQ_F_SHOULD_MERGE 0
#endif

/* The queue as the driver wants it. */
struct xfb_qlimits {
	unsigned int logical_block_size;
	unsigned int physical_block_size;
	unsigned int max_hw_sectors;
	unsigned short max_segments;
	unsigned int max_segment_size;
	unsigned long seg_boundary_mask;
	unsigned int dma_alignment;
	unsigned int max_discard_sectors;	/* 0: no discard */
	unsigned int discard_granularity;
	unsigned int discard_alignment;
	unsigned int max_secure_erase_sectors;	/* 0: no secure erase */
	bool write_cache;
	bool fua;
};

#ifdef HAVE_QUEUE_LIMITS_COMMIT
/* v6.9+: everything in one struct queue_limits. */
static inline void xfb_fill_queue_limits(struct queue_limits *lim,
					 const struct xfb_qlimits *l)
{
	lim->logical_block_size = l->logical_block_size;
	lim->physical_block_size = l->physical_block_size;
	lim->max_hw_sectors = l->max_hw_sectors;
	lim->max_segments = l->max_segments;
	lim->max_segment_size = l->max_segment_size;
	lim->seg_boundary_mask = l->seg_boundary_mask;
	lim->dma_alignment = l->dma_alignment;
	lim->max_hw_discard_sectors = l->max_discard_sectors;
	lim->discard_granularity = l->discard_granularity;
	lim->discard_alignment = l->discard_alignment;
	lim->max_secure_erase_sectors = l->max_secure_erase_sectors;
#ifdef HAVE_BLK_FEAT_WRITE_CACHE
	/* v6.11: non-rotational unless BLK_FEAT_ROTATIONAL is set */
	lim->features &= ~(BLK_FEAT_WRITE_CACHE | BLK_FEAT_FUA | BLK_FEAT_ROTATIONAL);
	if (l->write_cache)
		lim->features |= BLK_FEAT_WRITE_CACHE;
	if (l->fua)
		lim->features |= BLK_FEAT_FUA;
#endif
}
#endif

/* Queue flags and settings that are not (or not yet) queue_limits. */
static inline void xfb_apply_queue_flags(struct request_queue *q, const struct xfb_qlimits *l)
{
#ifdef HAVE_QUEUE_FLAG_NONROT
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
#endif
#ifndef HAVE_BLK_FEAT_WRITE_CACHE
	blk_queue_write_cache(q, l->write_cache, l->fua);
#endif
}

#ifndef HAVE_QUEUE_LIMITS_COMMIT
/* Before v6.9: one setter per limit. */
static inline void xfb_apply_queue_setters(struct request_queue *q,
					   const struct xfb_qlimits *l)
{
	blk_queue_logical_block_size(q, l->logical_block_size);
	blk_queue_physical_block_size(q, l->physical_block_size);
	blk_queue_max_hw_sectors(q, l->max_hw_sectors);
	blk_queue_segment_boundary(q, l->seg_boundary_mask);
	blk_queue_max_segment_size(q, l->max_segment_size);
	blk_queue_max_segments(q, l->max_segments);
	blk_queue_dma_alignment(q, l->dma_alignment);
	blk_queue_max_discard_sectors(q, l->max_discard_sectors);
	q->limits.discard_granularity = l->discard_granularity;
	q->limits.discard_alignment = l->discard_alignment;
#ifdef HAVE_QUEUE_FLAG_DISCARD
	/* before v5.19 discard and secure erase were queue flags */
	if (l->max_discard_sectors)
		blk_queue_flag_set(QUEUE_FLAG_DISCARD, q);
	else
		blk_queue_flag_clear(QUEUE_FLAG_DISCARD, q);
	if (l->max_secure_erase_sectors)
		blk_queue_flag_set(QUEUE_FLAG_SECERASE, q);
	else
		blk_queue_flag_clear(QUEUE_FLAG_SECERASE, q);
#endif
#ifdef HAVE_BLK_QUEUE_MAX_SECURE_ERASE
	blk_queue_max_secure_erase_sectors(q, l->max_secure_erase_sectors);
#endif
}
#endif

/*
 * A disk with a blk-mq queue on set, whose queuedata is data.  Returns the
 * disk or an ERR_PTR.  minors is only used where the kernel still wants it
 * at allocation time (before v5.14).
 */
static inline struct gendisk *xfb_alloc_disk(struct blk_mq_tag_set *set,
					     const struct xfb_qlimits *l, void *data,
					     int minors)
{
	struct gendisk *gd;
#if defined(HAVE_BLK_MQ_ALLOC_DISK_LIM)
	struct queue_limits lim = { };

	xfb_fill_queue_limits(&lim, l);
	gd = blk_mq_alloc_disk(set, &lim, data);
	if (IS_ERR(gd))
		return gd;
#elif defined(HAVE_BLK_MQ_ALLOC_DISK)
	gd = blk_mq_alloc_disk(set, data);
	if (IS_ERR(gd))
		return gd;
	xfb_apply_queue_setters(gd->queue, l);
#else
	/* v5.10: the driver pairs a queue and a disk itself */
	struct request_queue *q = blk_mq_init_queue(set);

	if (IS_ERR(q))
		return ERR_CAST(q);
	gd = alloc_disk(minors);
	if (!gd) {
		blk_cleanup_queue(q);
		return ERR_PTR(-ENOMEM);
	}
	q->queuedata = data;
	gd->queue = q;
	xfb_apply_queue_setters(q, l);
#endif
	xfb_apply_queue_flags(gd->queue, l);
	return gd;
}

/* Apply new limits to a live queue (reconnect after a restore). */
static inline int xfb_update_queue(struct request_queue *q, const struct xfb_qlimits *l)
{
#ifdef HAVE_QUEUE_LIMITS_COMMIT
	struct queue_limits lim = queue_limits_start_update(q);
	int err;

	xfb_fill_queue_limits(&lim, l);
	err = queue_limits_commit_update(q, &lim);
	if (err)
		return err;
#else
	xfb_apply_queue_setters(q, l);
#endif
	xfb_apply_queue_flags(q, l);
	return 0;
}

/* Register the disk; 0 or -errno (v5.15+ report failures). */
static inline int xfb_add_disk(struct device *parent, struct gendisk *gd)
{
#ifdef HAVE_ADD_DISK_RETURNS_INT
	return device_add_disk(parent, gd, NULL);
#else
	device_add_disk(parent, gd, NULL);
	return 0;
#endif
}

/* Drop a disk: unregister it if it was added, then release disk and queue. */
static inline void xfb_release_disk(struct gendisk *gd, bool added)
{
	if (added)
		del_gendisk(gd);
#if defined(HAVE_BLK_CLEANUP_DISK)
	blk_cleanup_disk(gd);
#elif defined(HAVE_BLK_CLEANUP_QUEUE)
	blk_cleanup_queue(gd->queue);
	put_disk(gd);
#else
	put_disk(gd);
#endif
}

/* The device is gone: fail further I/O to the disk at once. */
static inline void xfb_mark_disk_dead(struct gendisk *gd)
{
#ifdef HAVE_BLK_MARK_DISK_DEAD
	blk_mark_disk_dead(gd);
#else
	blk_set_queue_dying(gd->queue);
#endif
}

/* Short-lived mappings of data pages (any context). */
static inline void *xfb_kmap(struct page *page)
{
#ifdef HAVE_KMAP_LOCAL_PAGE
	return kmap_local_page(page);
#else
	return kmap_atomic(page);
#endif
}

static inline void xfb_kunmap(void *addr)
{
#ifdef HAVE_KMAP_LOCAL_PAGE
	kunmap_local(addr);
#else
	kunmap_atomic(addr);
#endif
}

/*
 * block_device_operations.getgeo takes the gendisk (not in Debian's 6.12; in
 * 7.2).  The driver writes the gendisk form; XFB_DEFINE_GETGEO_OP(fn) adds,
 * where the kernel still passes a block_device, an adapter, and
 * XFB_GETGEO_OP(fn) names what goes into .getgeo.
 */
#ifdef HAVE_BLOCK_GETGEO_GENDISK
#define XFB_DEFINE_GETGEO_OP(fn)
#define XFB_GETGEO_OP(fn) (fn)
#else
#define XFB_DEFINE_GETGEO_OP(fn)						\
static int fn##_bdev(struct block_device *bdev, struct hd_geometry *hg)	\
{									\
	return fn(bdev->bd_disk, hg);					\
}
#define XFB_GETGEO_OP(fn) (fn##_bdev)
#endif

/* The mode argument of block_device_operations (fmode_t before v6.5). */
#ifdef HAVE_BLK_MODE_T
typedef blk_mode_t xfb_bdev_mode_t;
#else
typedef fmode_t xfb_bdev_mode_t;
#endif

/*
 * End a grant if the other side no longer maps it, freeing the reference.
 * Returns false (grant and reference untouched) while it is still mapped.
 */
static inline bool xfb_gnttab_try_end(grant_ref_t ref)
{
#ifdef HAVE_GNTTAB_TRY_END_FOREIGN_ACCESS
	return gnttab_try_end_foreign_access(ref);
#else
	if (!gnttab_end_foreign_access_ref(ref, 0))
		return false;
	gnttab_free_grant_reference(ref);
	return true;
#endif
}

#endif /* XENFRONT_COMPAT_BLK_H */
