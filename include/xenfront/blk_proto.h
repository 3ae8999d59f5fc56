/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Facts of the Xen block interface (Xen's public io/blkif.h) as the pure
 * protocol logic of xen-blkfront needs them.
 *
 * The files under src/ring/blk_*.c build in user space as well (tests/unit),
 * so they cannot include the kernel's copy of blkif.h.  The numbers below are
 * part of the ABI between frontends and backends; the kernel glue checks at
 * build time that they match <xen/interface/io/blkif.h>.
 */
#ifndef XENFRONT_BLK_PROTO_H
#define XENFRONT_BLK_PROTO_H

#include <xenfront/types.h>

/* Ring operations. */
#define XFB_OP_READ		0
#define XFB_OP_WRITE		1
#define XFB_OP_WRITE_BARRIER	2
#define XFB_OP_FLUSH_DISKCACHE	3
#define XFB_OP_DISCARD		5
#define XFB_OP_INDIRECT		6

/* Response status values. */
#define XFB_RSP_OKAY		0
#define XFB_RSP_ERROR		(-1)
#define XFB_RSP_EOPNOTSUPP	(-2)

/* Discard flag. */
#define XFB_DISCARD_SECURE	0x1

/* "info" bits of the backend. */
#define XFB_VDISK_CDROM		0x1
#define XFB_VDISK_REMOVABLE	0x2
#define XFB_VDISK_READONLY	0x4

/* Segments carried by a request without indirect descriptors. */
#define XFB_SEGS_DIRECT		11
/* Indirect descriptor pages one request may name. */
#define XFB_IND_PAGES_MAX	8

/* Grants are always 4 KiB frames; data is addressed in 512-byte sectors. */
#define XFB_PAGE_SHIFT		12
#define XFB_PAGE_SIZE		(1U << XFB_PAGE_SHIFT)
#define XFB_SECTOR_SHIFT	9
#define XFB_SECTORS_PER_PAGE	(XFB_PAGE_SIZE >> XFB_SECTOR_SHIFT)
/* One indirect segment descriptor is 8 bytes (gref, first, last, pad). */
#define XFB_SEGS_PER_IND_PAGE	(XFB_PAGE_SIZE / 8)

/*
 * Our own limits.
 *
 * XFB_MAX_SEGS: data pages one block-layer request may carry.  The backend
 * we know (Linux blkback) accepts at most 256 indirect segments, and with
 * this cap a request built for the largest limits still splits into at most
 * DIV_ROUND_UP(256, 11) = 24 direct requests after a restore to a backend
 * without indirect descriptors, which fits in the smallest ring (32 slots).
 */
#define XFB_MAX_SEGS		256
/* Fragments (ring requests) one block-layer request may need. */
#define XFB_MAX_FRAGS		((XFB_MAX_SEGS + XFB_SEGS_DIRECT - 1) / XFB_SEGS_DIRECT)
/* The largest ring the frontend offers (in-tree XENBUS_MAX_RING_GRANT_ORDER). */
#define XFB_MAX_RING_ORDER	4
/* Slots of a ring of one page (the smallest ring). */
#define XFB_MIN_RING_SLOTS	32
/* Queues (rings) per device. */
#define XFB_MAX_QUEUES		64

#endif /* XENFRONT_BLK_PROTO_H */
