// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkfront: planning the ring requests of one block-layer request under
 * the current connection's limits.  See blk_split.h.
 */
#include <xenfront/blk_split.h>

u32 xfb_conn_max_segs(const struct xfb_conn *c)
{
	u32 n = c->max_indirect_segs;

	if (n <= XFB_SEGS_DIRECT)
		return XFB_SEGS_DIRECT;
	if (n > XFB_MAX_SEGS)
		n = XFB_MAX_SEGS;
	return n;
}

u32 xfb_pool_fit_indirect(u32 max_indirect, u32 nr_rings, u32 slots, u64 budget)
{
	struct xfb_conn c = { .max_indirect_segs = max_indirect };
	u64 per_slot, want;

	if (max_indirect <= XFB_SEGS_DIRECT || !nr_rings || !slots)
		return max_indirect;
	want = (u64)xfb_conn_max_segs(&c) + 1;
	per_slot = budget / ((u64)nr_rings * slots);
	if (per_slot >= want)
		return max_indirect;
	/* one page of each slot is its indirect descriptor page */
	if (per_slot <= XFB_SEGS_DIRECT + 1)
		return 0;
	return (u32)(per_slot - 1);
}

/*
 * Writes that must be durable travel as barrier operations.  A flush with
 * data would flush before the write and leave the write itself cached, so
 * on a flush-only connection (or one whose backend takes only empty
 * barriers) they go as plain writes followed by an empty flush or barrier
 * (xfb_plan_needs_postflush); without either, the backend writes through
 * and a plain write is durable.
 */
static u8 durable_write_op(const struct xfb_conn *c)
{
	return c->barrier && !c->barrier_empty ? XFB_OP_WRITE_BARRIER : XFB_OP_WRITE;
}

bool xfb_plan_needs_postflush(const struct xfb_io *io, const struct xfb_conn *c)
{
	return io->kind == XFB_IO_WRITE && io->fua && durable_write_op(c) == XFB_OP_WRITE &&
	       (c->flush_cache || c->barrier);
}

enum xfb_refused xfb_conn_refused(struct xfb_conn *c, u8 op, bool with_data)
{
	if (op == XFB_OP_DISCARD) {
		c->discard = false;
		c->secure_discard = false;
		return XFB_REFUSED_DISCARD;
	}
	if (op == XFB_OP_WRITE_BARRIER && with_data) {
		/*
		 * A barrier with data refused says nothing about an empty one,
		 * which stays the flush: durable writes go as writes followed
		 * by an empty barrier.  So does every later refusal of one
		 * (several FUA writes are in flight at once): only an empty
		 * flush refused shows that the backend cannot flush.
		 */
		c->barrier_empty = true;
		return XFB_REFUSED_BARRIER_DATA;
	}
	c->flush_cache = false;
	c->barrier = false;
	return XFB_REFUSED_FLUSH;
}

u32 xfb_frag_max_segs(const struct xfb_conn *c, const struct xfb_io *io)
{
	switch (io->kind) {
	case XFB_IO_READ:
		return xfb_conn_max_segs(c);
	case XFB_IO_WRITE:
		/* indirect requests carry only plain reads and writes */
		if (io->fua && durable_write_op(c) != XFB_OP_WRITE)
			return XFB_SEGS_DIRECT;
		return xfb_conn_max_segs(c);
	default:
		return 0;
	}
}

static int plan_rw(const struct xfb_io *io, const struct xfb_conn *c, struct xfb_frag *f,
		   u32 max)
{
	u64 bytes, segs, per, done = 0;
	u8 plain = io->kind == XFB_IO_READ ? XFB_OP_READ : XFB_OP_WRITE;
	u8 op = plain;
	u32 n = 0;

	if (!io->nr_sectors || io->nr_sectors > (u64)XFB_MAX_SEGS * XFB_SECTORS_PER_PAGE)
		return -EINVAL;
	if (io->sector + io->nr_sectors < io->sector)
		return -EINVAL;
	bytes = io->nr_sectors << XFB_SECTOR_SHIFT;
	segs = (bytes + XFB_PAGE_SIZE - 1) >> XFB_PAGE_SHIFT;
	per = xfb_frag_max_segs(c, io);
	if ((segs + per - 1) / per > max)
		return -E2BIG;
	if (io->kind == XFB_IO_WRITE && io->fua)
		op = durable_write_op(c);

	while (done < segs) {
		u64 take = segs - done > per ? per : segs - done;
		u64 off = done << XFB_PAGE_SHIFT;
		u64 len = bytes - off < (take << XFB_PAGE_SHIFT) ?
			  bytes - off : take << XFB_PAGE_SHIFT;
		struct xfb_frag *fr = &f[n];

		fr->sector = io->sector + (off >> XFB_SECTOR_SHIFT);
		fr->nr_sectors = len >> XFB_SECTOR_SHIFT;
		fr->byte_off = (u32)off;
		fr->nsegs = (u16)take;
		fr->discard_flag = 0;
		if (op == plain && take > XFB_SEGS_DIRECT) {
			fr->op = XFB_OP_INDIRECT;
			fr->rsp_op = plain;
			fr->nind = (u8)((take + XFB_SEGS_PER_IND_PAGE - 1) /
					XFB_SEGS_PER_IND_PAGE);
		} else {
			fr->op = op;
			fr->rsp_op = op;
			fr->nind = 0;
		}
		done += take;
		n++;
	}
	return (int)n;
}

int xfb_plan(const struct xfb_io *io, const struct xfb_conn *c, struct xfb_frag *f,
	     u32 max)
{
	if (max > XFB_MAX_FRAGS)
		max = XFB_MAX_FRAGS;
	switch (io->kind) {
	case XFB_IO_READ:
	case XFB_IO_WRITE:
		return plan_rw(io, c, f, max);
	case XFB_IO_FLUSH:
		if (!c->flush_cache && !c->barrier)
			return 0;
		if (!max)
			return -E2BIG;
		memset(f, 0, sizeof(*f));
		f->sector = io->sector;
		f->op = c->flush_cache ? XFB_OP_FLUSH_DISKCACHE : XFB_OP_WRITE_BARRIER;
		f->rsp_op = f->op;
		return 1;
	case XFB_IO_DISCARD:
	case XFB_IO_SECURE_ERASE:
		if (!c->discard || (io->kind == XFB_IO_SECURE_ERASE && !c->secure_discard))
			return -EOPNOTSUPP;
		if (!io->nr_sectors || io->sector + io->nr_sectors < io->sector)
			return -EINVAL;
		if (!max)
			return -E2BIG;
		memset(f, 0, sizeof(*f));
		f->sector = io->sector;
		f->nr_sectors = io->nr_sectors;
		f->op = XFB_OP_DISCARD;
		f->rsp_op = XFB_OP_DISCARD;
		f->discard_flag = io->kind == XFB_IO_SECURE_ERASE ? XFB_DISCARD_SECURE : 0;
		return 1;
	default:
		return -EINVAL;
	}
}
