/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What xen-blkfront reads from the backend's xenstore directory, how every
 * value is checked, and the feature decisions made from them.
 *
 * The kernel glue reads the raw strings (NULL when a node is absent) of the
 * keys listed in enum xfb_xs_field and hands them over; nothing read from
 * xenstore is used before it went through this file.
 *
 * Policy for values that fail the checks (each one is reported through the
 * "invalid" bit mask, which the glue logs rate-limited and counts):
 *  - a required value (sectors, info, sector-size) missing, malformed or out
 *    of range makes the connection unusable: the device is failed;
 *  - an optional feature value malformed or out of range is treated as not
 *    offered (the safe choice: no indirect descriptors, a one-page ring,
 *    one queue, no persistent grants, no discard, no flush);
 *  - a value in range but larger than what the frontend offers is clamped.
 * Numbers are plain decimal (surrounding blanks allowed); booleans are 0 or 1.
 */
#ifndef XENFRONT_BLK_XS_H
#define XENFRONT_BLK_XS_H

#include <xenfront/blk_split.h>

enum xfb_xs_field {
	/* read before talking to the backend */
	XFB_XS_MAX_QUEUES,		/* multi-queue-max-queues */
	XFB_XS_MAX_RING_ORDER,		/* max-ring-page-order */
	/* read when the backend is Connected */
	XFB_XS_SECTORS,			/* sectors (required) */
	XFB_XS_INFO,			/* info (required) */
	XFB_XS_SECTOR_SIZE,		/* sector-size (required) */
	XFB_XS_PHYS_SECTOR_SIZE,	/* physical-sector-size */
	XFB_XS_FLUSH,			/* feature-flush-cache */
	XFB_XS_BARRIER,			/* feature-barrier */
	XFB_XS_DISCARD,			/* feature-discard */
	XFB_XS_DISCARD_GRAN,		/* discard-granularity */
	XFB_XS_DISCARD_ALIGN,		/* discard-alignment */
	XFB_XS_DISCARD_SECURE,		/* discard-secure */
	XFB_XS_PERSISTENT,		/* feature-persistent */
	XFB_XS_MAX_INDIRECT,		/* feature-max-indirect-segments */
	XFB_NR_XS
};

#define XFB_XS_FIRST_TALK	XFB_XS_MAX_QUEUES
#define XFB_XS_LAST_TALK	XFB_XS_MAX_RING_ORDER
#define XFB_XS_FIRST_CONNECT	XFB_XS_SECTORS
#define XFB_XS_LAST_CONNECT	XFB_XS_MAX_INDIRECT

/* Sanity bounds beyond which a backend's value is out of range. */
#define XFB_XS_QUEUES_LIMIT	1024	/* multi-queue-max-queues */
#define XFB_XS_RING_ORDER_LIMIT	20	/* max-ring-page-order: a 4 GiB ring */
/* feature-max-indirect-segments: what 8 descriptor pages can describe */
#define XFB_XS_INDIRECT_LIMIT	(XFB_IND_PAGES_MAX * XFB_SEGS_PER_IND_PAGE)
#define XFB_XS_SECTORS_LIMIT	(~0ULL >> 10)	/* capacity below 2^63 bytes */
#define XFB_XS_PSS_LIMIT	(1U << 20)	/* physical-sector-size */
#define XFB_XS_DISCARD_LIMIT	(1U << 30)	/* granularity, alignment */

/* Node name of a field. */
const char *xfb_xs_key(enum xfb_xs_field f);

/*
 * Parse a decimal number no larger than max.  Returns 0, -EINVAL (not a
 * number: empty, sign, garbage) or -ERANGE (larger than max, or overflow).
 */
int xfb_parse_u64(const char *s, u64 max, u64 *out);

/* Parse a virtual-device number like scanf's %i (decimal, 0x hex, 0 octal). */
int xfb_parse_vdev(const char *s, u32 *out);

/* The frontend's side: module parameters and the device's trust. */
struct xfb_params {
	u32 max_queues;		/* at least 1 */
	u32 max_ring_order;	/* at most XFB_MAX_RING_ORDER */
	u32 max_indirect_segs;	/* 0: no indirect descriptors */
	bool persistent;	/* offer persistent grants */
	bool trusted;		/* the backend is trusted (else: no persistent grants) */
};

/* Decisions made when the backend reached InitWait. */
struct xfb_talk {
	u32 nr_queues;
	u32 ring_order;
	bool multi_page;	/* the backend offered max-ring-page-order */
	bool persistent;	/* we offer feature-persistent */
	u32 invalid;		/* bit (1 << field) per rejected value */
};

void xfb_negotiate_talk(const char *const raw[XFB_NR_XS], const struct xfb_params *p,
			struct xfb_talk *t);

/* What the connection offers once the backend is Connected. */
struct xfb_disk {
	u64 sectors;
	u32 info;		/* XFB_VDISK_* */
	u32 sector_size;
	u32 physical_sector_size;
	u32 discard_granularity;	/* bytes; 0: the physical sector size */
	u32 discard_alignment;
	bool persistent;	/* persistent grants in use */
	struct xfb_conn conn;
	u32 invalid;		/* bit (1 << field) per rejected value */
};

/*
 * Decide the connection's features.  offered_persistent is what we wrote at
 * talk time.  Returns 0, or -EINVAL when a required value is unusable (the
 * fields are in d->invalid).
 */
int xfb_negotiate_connect(const char *const raw[XFB_NR_XS], const struct xfb_params *p,
			  bool offered_persistent, struct xfb_disk *d);

/* Just the capacity (online resize): 0 or -EINVAL / -ERANGE. */
int xfb_parse_sectors(const char *raw, u64 *sectors);

#endif /* XENFRONT_BLK_XS_H */
