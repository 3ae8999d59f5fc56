/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How xen-blkfront turns one block-layer request into ring requests
 * ("fragments") under the limits of the current connection.
 *
 * The frontend never grants the block layer's own pages: request data is
 * copied into pages the frontend owns, packed from offset 0, one 4 KiB grant
 * per 4 KiB of data.  So the plan depends only on the request's position and
 * length and on what the backend accepts, never on the layout of its bios.
 * The same plan serves the first issue and the replay after a restore, when
 * the new backend may accept fewer segments than the request was built for.
 */
#ifndef XENFRONT_BLK_SPLIT_H
#define XENFRONT_BLK_SPLIT_H

#include <xenfront/blk_proto.h>

enum xfb_io_kind {
	XFB_IO_READ,
	XFB_IO_WRITE,
	XFB_IO_FLUSH,		/* no data: flush the backend's write cache */
	XFB_IO_DISCARD,
	XFB_IO_SECURE_ERASE,
	XFB_NR_IO
};

/* A block-layer request, as far as the plan cares. */
struct xfb_io {
	u8 kind;		/* enum xfb_io_kind */
	bool fua;		/* write must be durable when answered */
	u64 sector;		/* in 512-byte units */
	u64 nr_sectors;
};

/* What the current connection accepts. */
struct xfb_conn {
	u32 max_indirect_segs;	/* 0: no indirect descriptors */
	bool flush_cache;	/* feature-flush-cache */
	bool barrier;		/* feature-barrier */
	bool barrier_empty;	/* ... but only empty: the backend refused one with data */
	bool discard;		/* feature-discard */
	bool secure_discard;	/* discard-secure */
};

/* One ring request of a plan. */
struct xfb_frag {
	u64 sector;		/* first sector */
	u64 nr_sectors;
	u32 byte_off;		/* offset of its data within the request */
	u16 nsegs;		/* data pages */
	u8 op;			/* ring operation (XFB_OP_INDIRECT: indirect) */
	u8 rsp_op;		/* operation its response carries */
	u8 nind;		/* indirect descriptor pages */
	u8 discard_flag;	/* XFB_DISCARD_SECURE or 0 */
};

/* Data pages one fragment may carry for this kind of request. */
u32 xfb_frag_max_segs(const struct xfb_conn *c, const struct xfb_io *io);

/* Largest request (in data pages) the connection takes as one fragment. */
u32 xfb_conn_max_segs(const struct xfb_conn *c);

/*
 * The frontend keeps a data page for every segment of every ring slot (and
 * an indirect page per slot).  Returns the most indirect segments (at most
 * max_indirect) for which that pool, nr_rings rings with the given number
 * of slots each, stays within budget pages; 0 (direct requests only) when
 * even fewer do not fit.
 */
u32 xfb_pool_fit_indirect(u32 max_indirect, u32 nr_rings, u32 slots, u64 budget);

/*
 * Plan io into at most max fragments (max <= XFB_MAX_FRAGS).
 * Returns the number of fragments, 0 when the request needs no ring request
 * (a flush to a backend without a write cache: complete it at once), or
 *   -EINVAL      malformed request (no data for a read/write, size overflow)
 *   -EOPNOTSUPP  the connection does not offer the operation
 *   -E2BIG       more fragments than max
 */
int xfb_plan(const struct xfb_io *io, const struct xfb_conn *c, struct xfb_frag *f,
	     u32 max);

/*
 * A FUA write on a connection with a write cache it can flush but no
 * barrier (only reached by a request replayed from a barrier connection:
 * the queue offers FUA only with barriers).  Its fragments are planned as
 * plain writes; the glue completes the request only after an empty flush
 * (xfb_plan of an XFB_IO_FLUSH) issued once every fragment was answered.
 */
bool xfb_plan_needs_postflush(const struct xfb_io *io, const struct xfb_conn *c);

/* What a refusal (BLKIF_RSP_EOPNOTSUPP) turned off. */
enum xfb_refused {
	XFB_REFUSED_DISCARD,		/* discard (and secure discard) */
	XFB_REFUSED_BARRIER_DATA,	/* barriers with data; empty ones still flush */
	XFB_REFUSED_FLUSH,		/* every flush: the backend writes through */
};

/*
 * The backend refused a request of ring operation op (with_data: it carried
 * data segments).  Updates c so that requests planned from now on avoid
 * what was refused, and says what that was.
 */
enum xfb_refused xfb_conn_refused(struct xfb_conn *c, u8 op, bool with_data);

/* Bytes of data in page seg of fragment f. */
static inline u32 xfb_frag_seg_bytes(const struct xfb_frag *f, u32 seg)
{
	u64 bytes = f->nr_sectors << XFB_SECTOR_SHIFT;
	u64 start = (u64)seg << XFB_PAGE_SHIFT;

	if (start >= bytes)
		return 0;
	return bytes - start >= XFB_PAGE_SIZE ? XFB_PAGE_SIZE : (u32)(bytes - start);
}

/* last_sect of segment seg (first_sect is always 0). */
static inline u8 xfb_frag_seg_last_sect(const struct xfb_frag *f, u32 seg)
{
	return (u8)((xfb_frag_seg_bytes(f, seg) >> XFB_SECTOR_SHIFT) - 1);
}

#endif /* XENFRONT_BLK_SPLIT_H */
