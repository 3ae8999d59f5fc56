// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: splitting block requests into ring requests
 * (src/ring/blk_split.c) and replaying them across a restore whose backend
 * allows less, with the exactly-once accounting of src/ring/blk_shadow.c.
 */
#include "harness.h"
#include <xenfront/blk_shadow.h>
#include <xenfront/blk_split.h>

static const struct xfb_conn conn_full = {
	.max_indirect_segs = 256, .flush_cache = true, .barrier = true,
	.discard = true, .secure_discard = true,
};
static const struct xfb_conn conn_bare = { 0 };

/* The fragments of a plan tile the request exactly, within the limits. */
static void check_tiles(const struct xfb_io *io, const struct xfb_conn *c,
			const struct xfb_frag *f, int n)
{
	u64 sector = io->sector, off = 0;
	u32 per = xfb_frag_max_segs(c, io);
	int i;

	CHECK(n >= 1);
	for (i = 0; i < n; i++) {
		u32 s, bytes = 0;

		CHECK_EQ(f[i].sector, sector);
		CHECK_EQ(f[i].byte_off, off);
		CHECK(f[i].nsegs >= 1 && f[i].nsegs <= per);
		CHECK_EQ(f[i].nsegs, (f[i].nr_sectors * 512 + 4095) / 4096);
		if (f[i].op == XFB_OP_INDIRECT) {
			CHECK(f[i].nsegs > XFB_SEGS_DIRECT);
			CHECK(f[i].nsegs <= c->max_indirect_segs);
			CHECK_EQ(f[i].nind, (f[i].nsegs + 511) / 512);
			CHECK(f[i].rsp_op == XFB_OP_READ || f[i].rsp_op == XFB_OP_WRITE);
		} else {
			CHECK(f[i].nsegs <= XFB_SEGS_DIRECT);
			CHECK_EQ(f[i].nind, 0);
			CHECK_EQ(f[i].rsp_op, f[i].op);
		}
		for (s = 0; s < f[i].nsegs; s++) {
			u32 b = xfb_frag_seg_bytes(&f[i], s);

			CHECK(b >= 512 && b <= 4096 && b % 512 == 0);
			CHECK_EQ(xfb_frag_seg_last_sect(&f[i], s), b / 512 - 1);
			/* only the last page of the last fragment may be partial */
			if (b != 4096)
				CHECK(i == n - 1 && s == f[i].nsegs - 1U);
			bytes += b;
		}
		CHECK_EQ(bytes, f[i].nr_sectors * 512);
		sector += f[i].nr_sectors;
		off += bytes;
	}
	CHECK_EQ(sector, io->sector + io->nr_sectors);
}

TEST(small_reads_and_writes)
{
	struct xfb_frag f[XFB_MAX_FRAGS];
	struct xfb_io io = { .kind = XFB_IO_READ, .sector = 8, .nr_sectors = 1 };
	int n;

	n = xfb_plan(&io, &conn_full, f, XFB_MAX_FRAGS);
	CHECK_EQ(n, 1);
	CHECK_EQ(f[0].op, XFB_OP_READ);
	CHECK_EQ(f[0].nsegs, 1);
	CHECK_EQ(xfb_frag_seg_last_sect(&f[0], 0), 0);
	check_tiles(&io, &conn_full, f, n);

	io.kind = XFB_IO_WRITE;
	io.nr_sectors = 88;	/* 11 pages: still direct */
	n = xfb_plan(&io, &conn_full, f, XFB_MAX_FRAGS);
	CHECK_EQ(n, 1);
	CHECK_EQ(f[0].op, XFB_OP_WRITE);
	check_tiles(&io, &conn_full, f, n);

	io.nr_sectors = 89;	/* 12 pages: indirect */
	n = xfb_plan(&io, &conn_full, f, XFB_MAX_FRAGS);
	CHECK_EQ(n, 1);
	CHECK_EQ(f[0].op, XFB_OP_INDIRECT);
	CHECK_EQ(f[0].rsp_op, XFB_OP_WRITE);
	CHECK_EQ(f[0].nsegs, 12);
	CHECK_EQ(xfb_frag_seg_last_sect(&f[0], 11), 0);
	check_tiles(&io, &conn_full, f, n);
}

TEST(split_without_indirect)
{
	struct xfb_frag f[XFB_MAX_FRAGS];
	struct xfb_io io = { .kind = XFB_IO_READ, .sector = 1000, .nr_sectors = 2048 };
	int n;

	/* 1 MiB = 256 pages: one indirect request, or 24 direct ones */
	n = xfb_plan(&io, &conn_full, f, XFB_MAX_FRAGS);
	CHECK_EQ(n, 1);
	check_tiles(&io, &conn_full, f, n);
	n = xfb_plan(&io, &conn_bare, f, XFB_MAX_FRAGS);
	CHECK_EQ(n, 24);
	CHECK_EQ(n, XFB_MAX_FRAGS);
	check_tiles(&io, &conn_bare, f, n);
	CHECK_EQ(f[23].nsegs, 256 - 23 * 11);

	/* fewer indirect segments than the request was built for */
	{
		struct xfb_conn c = conn_full;

		c.max_indirect_segs = 32;
		n = xfb_plan(&io, &c, f, XFB_MAX_FRAGS);
		CHECK_EQ(n, 8);
		check_tiles(&io, &c, f, n);
	}
	/* an odd request size keeps a partial last page */
	io.nr_sectors = 2047;
	n = xfb_plan(&io, &conn_bare, f, XFB_MAX_FRAGS);
	CHECK_EQ(n, 24);
	check_tiles(&io, &conn_bare, f, n);
}

TEST(limits_and_errors)
{
	struct xfb_frag f[XFB_MAX_FRAGS];
	struct xfb_io io = { .kind = XFB_IO_WRITE, .sector = 0, .nr_sectors = 0 };

	CHECK_EQ(xfb_plan(&io, &conn_full, f, XFB_MAX_FRAGS), -EINVAL);
	io.nr_sectors = XFB_MAX_SEGS * 8 + 1;		/* above our largest request */
	CHECK_EQ(xfb_plan(&io, &conn_full, f, XFB_MAX_FRAGS), -EINVAL);
	io.nr_sectors = 8;
	io.sector = ~0ULL - 3;				/* wraps */
	CHECK_EQ(xfb_plan(&io, &conn_full, f, XFB_MAX_FRAGS), -EINVAL);
	io.sector = 0;
	io.nr_sectors = 2048;
	CHECK_EQ(xfb_plan(&io, &conn_bare, f, 10), -E2BIG);	/* ring too small */
	io.kind = 77;
	CHECK_EQ(xfb_plan(&io, &conn_full, f, XFB_MAX_FRAGS), -EINVAL);
	/* a backend value above our cap is clamped, a direct-size one means none */
	{
		struct xfb_conn c = conn_bare;

		c.max_indirect_segs = 5000;
		CHECK_EQ(xfb_conn_max_segs(&c), XFB_MAX_SEGS);
		c.max_indirect_segs = 8;
		CHECK_EQ(xfb_conn_max_segs(&c), XFB_SEGS_DIRECT);
	}
}

/*
 * Refusals (BLKIF_RSP_EOPNOTSUPP).  A refused barrier that carried data
 * turns off only barriers with data; every refusal of a request with data
 * that follows (other FUA writes in flight when the first was refused,
 * XFS keeps several log writes in flight) must leave the empty barrier as
 * the flush.  Only a refused empty flush or barrier turns flushes off.
 */
TEST(refusals)
{
	struct xfb_frag f[XFB_MAX_FRAGS];
	struct xfb_io flush = { .kind = XFB_IO_FLUSH };
	struct xfb_io fua = { .kind = XFB_IO_WRITE, .fua = true, .nr_sectors = 8 };
	struct xfb_conn c = conn_bare;

	c.barrier = true;
	CHECK_EQ(xfb_conn_refused(&c, XFB_OP_WRITE_BARRIER, true), XFB_REFUSED_BARRIER_DATA);
	CHECK(c.barrier && c.barrier_empty);
	/* the second FUA write, already on the ring, is refused too */
	CHECK_EQ(xfb_conn_refused(&c, XFB_OP_WRITE_BARRIER, true), XFB_REFUSED_BARRIER_DATA);
	CHECK(c.barrier && c.barrier_empty);
	CHECK_EQ(xfb_plan(&flush, &c, f, XFB_MAX_FRAGS), 1);
	CHECK_EQ(f[0].op, XFB_OP_WRITE_BARRIER);
	CHECK_EQ(f[0].nsegs, 0);
	CHECK(xfb_plan_needs_postflush(&fua, &c));
	/* an empty barrier refused: the backend cannot flush at all */
	CHECK_EQ(xfb_conn_refused(&c, XFB_OP_WRITE_BARRIER, false), XFB_REFUSED_FLUSH);
	CHECK(!c.barrier && !c.flush_cache);
	CHECK_EQ(xfb_plan(&flush, &c, f, XFB_MAX_FRAGS), 0);
	CHECK(!xfb_plan_needs_postflush(&fua, &c));

	/* flush-cache: an empty flush refused */
	c = conn_bare;
	c.flush_cache = true;
	CHECK_EQ(xfb_conn_refused(&c, XFB_OP_FLUSH_DISKCACHE, false), XFB_REFUSED_FLUSH);
	CHECK(!c.flush_cache);

	/* a data barrier refused on a ring that only has flush-cache left */
	c = conn_bare;
	c.flush_cache = true;
	c.barrier = true;
	c.barrier_empty = true;
	CHECK_EQ(xfb_conn_refused(&c, XFB_OP_WRITE_BARRIER, true), XFB_REFUSED_BARRIER_DATA);
	CHECK(c.flush_cache);

	/* discard leaves flushes alone */
	c = conn_full;
	CHECK_EQ(xfb_conn_refused(&c, XFB_OP_DISCARD, false), XFB_REFUSED_DISCARD);
	CHECK(!c.discard && !c.secure_discard && c.flush_cache);
}

TEST(flush_fua_discard)
{
	struct xfb_frag f[XFB_MAX_FRAGS];
	struct xfb_io io = { .kind = XFB_IO_FLUSH };
	struct xfb_conn c = conn_bare;
	int n;

	/* flush: flush-cache preferred, barrier as fallback, none -> complete */
	CHECK_EQ(xfb_plan(&io, &conn_bare, f, XFB_MAX_FRAGS), 0);
	c.barrier = true;
	CHECK_EQ(xfb_plan(&io, &c, f, XFB_MAX_FRAGS), 1);
	CHECK_EQ(f[0].op, XFB_OP_WRITE_BARRIER);
	CHECK_EQ(f[0].nsegs, 0);
	CHECK_EQ(xfb_plan(&io, &conn_full, f, XFB_MAX_FRAGS), 1);
	CHECK_EQ(f[0].op, XFB_OP_FLUSH_DISKCACHE);
	CHECK_EQ(f[0].rsp_op, XFB_OP_FLUSH_DISKCACHE);

	/* FUA write: barrier ops, direct segments only */
	io.kind = XFB_IO_WRITE;
	io.fua = true;
	io.nr_sectors = 256;	/* 32 pages */
	n = xfb_plan(&io, &c, f, XFB_MAX_FRAGS);
	CHECK_EQ(n, 3);
	CHECK_EQ(f[0].op, XFB_OP_WRITE_BARRIER);
	check_tiles(&io, &c, f, n);
	CHECK(!xfb_plan_needs_postflush(&io, &c));
	/*
	 * Replayed to a backend with only flush-cache (issue 17): a flush
	 * with data is a flush *before* the write, which leaves the write in
	 * the backend's cache.  Plain writes (indirect allowed), then one
	 * empty flush once they are answered.
	 */
	c.barrier = false;
	c.flush_cache = true;
	c.max_indirect_segs = 64;
	CHECK(xfb_plan_needs_postflush(&io, &c));
	n = xfb_plan(&io, &c, f, XFB_MAX_FRAGS);
	CHECK_EQ(n, 1);
	CHECK_EQ(f[0].op, XFB_OP_INDIRECT);
	CHECK_EQ(f[0].rsp_op, XFB_OP_WRITE);
	check_tiles(&io, &c, f, n);
	CHECK_EQ(xfb_frag_max_segs(&c, &io), 64);
	/* no FUA, or a backend without a cache: no flush after it */
	io.fua = false;
	CHECK(!xfb_plan_needs_postflush(&io, &c));
	io.fua = true;
	CHECK(!xfb_plan_needs_postflush(&io, &(struct xfb_conn){ .max_indirect_segs = 64 }));
	CHECK(!xfb_plan_needs_postflush(&(struct xfb_io){ .kind = XFB_IO_READ, .fua = true,
				       .nr_sectors = 8 }, &c));
	/* to a write-through backend: plain writes, indirect allowed */
	n = xfb_plan(&io, &(struct xfb_conn){ .max_indirect_segs = 64 }, f, XFB_MAX_FRAGS);
	CHECK_EQ(n, 1);
	CHECK_EQ(f[0].op, XFB_OP_INDIRECT);
	/*
	 * A barrier-only backend that refused a barrier with data but takes
	 * empty ones: plain writes (indirect allowed), then an empty barrier;
	 * flushes stay empty barriers
	 */
	c.flush_cache = false;
	c.barrier = true;
	c.barrier_empty = true;
	CHECK(xfb_plan_needs_postflush(&io, &c));
	n = xfb_plan(&io, &c, f, XFB_MAX_FRAGS);
	CHECK_EQ(n, 1);
	CHECK_EQ(f[0].op, XFB_OP_INDIRECT);
	CHECK_EQ(f[0].rsp_op, XFB_OP_WRITE);
	CHECK_EQ(xfb_frag_max_segs(&c, &io), 64);
	n = xfb_plan(&(struct xfb_io){ .kind = XFB_IO_FLUSH }, &c, f, XFB_MAX_FRAGS);
	CHECK_EQ(n, 1);
	CHECK_EQ(f[0].op, XFB_OP_WRITE_BARRIER);
	CHECK_EQ(f[0].nsegs, 0);
	c.barrier_empty = false;
	c.barrier = false;
	c.flush_cache = true;

	/* discard */
	io.kind = XFB_IO_DISCARD;
	io.fua = false;
	io.sector = 4096;
	io.nr_sectors = 1ULL << 40;	/* huge: one request */
	CHECK_EQ(xfb_plan(&io, &conn_bare, f, XFB_MAX_FRAGS), -EOPNOTSUPP);
	CHECK_EQ(xfb_plan(&io, &conn_full, f, XFB_MAX_FRAGS), 1);
	CHECK_EQ(f[0].op, XFB_OP_DISCARD);
	CHECK_EQ(f[0].nr_sectors, 1ULL << 40);
	CHECK_EQ(f[0].discard_flag, 0);
	io.kind = XFB_IO_SECURE_ERASE;
	CHECK_EQ(xfb_plan(&io, &conn_full, f, XFB_MAX_FRAGS), 1);
	CHECK_EQ(f[0].discard_flag, XFB_DISCARD_SECURE);
	c = conn_full;
	c.secure_discard = false;
	CHECK_EQ(xfb_plan(&io, &c, f, XFB_MAX_FRAGS), -EOPNOTSUPP);
	io.nr_sectors = 0;
	CHECK_EQ(xfb_plan(&io, &conn_full, f, XFB_MAX_FRAGS), -EINVAL);
}

/*
 * A model of the driver's issue / answer / restore cycle over the pure code:
 * requests issued under one connection, partly answered, then a restore to a
 * backend with other limits: every unfinished request is replayed once, old
 * answers are refused, and each request is handed back exactly once.
 */
#define NREQ 40
#define RING 32

struct mreq {
	struct xfb_io io;
	struct xfb_acct acct;
	int handed_back;
	int queued;		/* waiting for ring space */
};

struct inflight {
	u64 id;
	u8 op;
	int live;
};

static struct mreq reqs[NREQ];
static struct xfb_slot mslots[512];
static u32 mstack[512];
static struct xfb_shadow msh;
static struct inflight backend[4096];
static int nbackend;
static u64 rng = 88172645463325252ULL;

static u32 rnd(u32 n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (u32)(rng % n);
}

/* issue like queue_rq: all fragments or none */
static int model_issue(struct mreq *r, const struct xfb_conn *c)
{
	struct xfb_frag f[XFB_MAX_FRAGS];
	int n, i;

	n = xfb_plan(&r->io, c, f, msh.size < XFB_MAX_FRAGS ? msh.size : XFB_MAX_FRAGS);
	CHECK(n > 0);
	if (n <= 0)
		return -1;
	check_tiles(&r->io, c, f, n);
	if (msh.nr_free < (u32)n)
		return -ENOSPC;
	xfb_acct_begin(&r->acct, (u8)n);
	for (i = 0; i < n; i++) {
		u32 slot;
		u64 id;

		CHECK_EQ(xfb_shadow_get(&msh, r, f[i].rsp_op, (u8)i, &slot, &id), 0);
		backend[nbackend].id = id;
		backend[nbackend].op = f[i].rsp_op;
		backend[nbackend].live = 1;
		nbackend++;
	}
	return 0;
}

/* answer one backend entry like the interrupt handler */
static enum xfb_rsp_verdict model_answer(struct inflight *b)
{
	enum xfb_rsp_verdict v;
	struct mreq *r;
	u32 slot;

	v = xfb_shadow_check(&msh, b->id, b->op, XFB_RSP_OKAY, &slot);
	if (v != XFB_RV_OK)
		return v;
	r = msh.slot[slot].owner;
	switch (xfb_acct_frag_done(&r->acct, msh.slot[slot].frag, XFB_RSP_OKAY)) {
	case XFB_FRAG_LAST:
		r->handed_back++;
		break;
	case XFB_FRAG_DUPLICATE:
		CHECK(0);
		break;
	default:
		break;
	}
	xfb_shadow_put(&msh, slot);
	return v;
}

static void model_pump(const struct xfb_conn *c)
{
	int i;

	for (i = 0; i < NREQ; i++)
		if (reqs[i].queued && !model_issue(&reqs[i], c))
			reqs[i].queued = 0;
}

static void run_restore_model(const struct xfb_conn *before, u32 ring_before,
			      const struct xfb_conn *after, u32 ring_after, u32 seed)
{
	void *owners[512];
	int i, old_n, replayed = 0, refused = 0;
	u32 n;

	rng = 88172645463325252ULL ^ seed;
	memset(reqs, 0, sizeof(reqs));
	nbackend = 0;
	xfb_shadow_init(&msh, mslots, mstack, ring_before, 0, 0);
	for (i = 0; i < NREQ; i++) {
		struct mreq *r = &reqs[i];

		r->io.kind = rnd(2) ? XFB_IO_WRITE : XFB_IO_READ;
		r->io.sector = rnd(1 << 20) * 8;
		/* mostly big requests, the ones that split */
		r->io.nr_sectors = rnd(4) ? 1 + rnd(2048) : 8;
		r->queued = 1;
	}
	model_pump(before);
	/* the backend answers a random part of what it got */
	for (i = 0; i < nbackend; i++) {
		if (rnd(3) == 0) {
			CHECK_EQ(model_answer(&backend[i]), XFB_RV_OK);
			backend[i].live = 0;
			model_pump(before);
		}
	}

	/* restore: the old ring is gone; replay what did not complete */
	n = xfb_shadow_reclaim(&msh, owners, 512);
	CHECK_EQ(xfb_shadow_busy(&msh), 0);
	for (i = 0; i < (int)n; i++) {
		struct mreq *r = owners[i];
		int j;

		CHECK(!r->handed_back);
		for (j = 0; j < i; j++)
			CHECK(owners[j] != owners[i]);
		r->queued = 1;
		replayed++;
	}
	/* requests never issued stay queued; the rest must have finished */
	for (i = 0; i < NREQ; i++)
		CHECK(reqs[i].queued || reqs[i].handed_back == 1);
	old_n = nbackend;
	xfb_shadow_init(&msh, mslots, mstack, ring_after, 1U << 24, 0);
	model_pump(after);
	/* late answers from the old backend are all refused */
	for (i = 0; i < old_n; i++) {
		if (!backend[i].live)
			continue;
		backend[i].live = 0;
		if (model_answer(&backend[i]) != XFB_RV_OK)
			refused++;
		else
			CHECK(0);
	}
	CHECK(refused >= replayed);
	/* the new backend answers everything, in a scrambled order */
	for (;;) {
		int left = 0, k;

		for (i = old_n; i < nbackend; i++)
			left += backend[i].live;
		if (!left)
			break;
		k = old_n + (int)rnd((u32)(nbackend - old_n));
		while (!backend[k].live)
			k = k + 1 < nbackend ? k + 1 : old_n;
		CHECK_EQ(model_answer(&backend[k]), XFB_RV_OK);
		backend[k].live = 0;
		/* a duplicate of it is refused and completes nothing */
		if (rnd(4) == 0)
			CHECK(model_answer(&backend[k]) != XFB_RV_OK);
		model_pump(after);
	}
	for (i = 0; i < NREQ; i++) {
		CHECK_EQ(reqs[i].handed_back, 1);
		CHECK(!reqs[i].queued);
	}
	CHECK_EQ(xfb_shadow_busy(&msh), 0);
}

TEST(replay_to_smaller_backend)
{
	struct xfb_conn few = conn_full;
	u32 seed;

	few.max_indirect_segs = 32;
	for (seed = 1; seed <= 20; seed++) {
		/* indirect 256, 4-page ring -> no indirect, one page */
		run_restore_model(&conn_full, 128, &conn_bare, RING, seed);
		/* indirect 256 -> 32 */
		run_restore_model(&conn_full, 64, &few, RING, seed);
		/* and back up */
		run_restore_model(&conn_bare, RING, &conn_full, 512, seed);
	}
}

/* The data-page pool: rings x slots x (segments + 1 indirect page). */
TEST(pool_fits_budget)
{
	u32 fit, n;

	/* plenty of memory: what was offered */
	CHECK_EQ(xfb_pool_fit_indirect(256, 2, 128, 1ULL << 20), 256);
	/* exactly enough: 2 x 128 x 257 pages */
	CHECK_EQ(xfb_pool_fit_indirect(256, 2, 128, 2 * 128 * 257), 256);
	/* one page short: fewer segments */
	CHECK_EQ(xfb_pool_fit_indirect(256, 2, 128, 2 * 128 * 257 - 1), 255);
	/* the rig's failure: 256 MiB guest, 10% budget */
	fit = xfb_pool_fit_indirect(256, 2, 128, 65536 / 10);
	CHECK_EQ(fit, 24);
	CHECK(2ULL * 128 * (fit + 1) <= 65536 / 10);
	/* offers above XFB_MAX_SEGS are held to it first */
	CHECK_EQ(xfb_pool_fit_indirect(1000, 1, 32, 32 * 257), 1000);
	/* too little for any indirect request: direct ones only */
	CHECK_EQ(xfb_pool_fit_indirect(256, 4, 128, 4 * 128 * 12), 0);
	CHECK_EQ(xfb_pool_fit_indirect(256, 4, 128, 4 * 128 * 13), 12);
	/* nothing indirect offered, or nothing to size: unchanged */
	CHECK_EQ(xfb_pool_fit_indirect(0, 2, 128, 1), 0);
	CHECK_EQ(xfb_pool_fit_indirect(11, 2, 128, 1), 11);
	CHECK_EQ(xfb_pool_fit_indirect(64, 0, 128, 1), 64);
	CHECK_EQ(xfb_pool_fit_indirect(64, 2, 0, 1), 64);
	/* whatever it returns fits, for any budget */
	for (n = 0; n < 70000; n += 97) {
		fit = xfb_pool_fit_indirect(256, 2, 64, n);
		CHECK(fit == 0 || fit > XFB_SEGS_DIRECT);
		if (fit)
			CHECK(2ULL * 64 * (fit + 1) <= n);
	}
}

int main(void)
{
	RUN(small_reads_and_writes);
	RUN(split_without_indirect);
	RUN(limits_and_errors);
	RUN(flush_fua_discard);
	RUN(refusals);
	RUN(replay_to_smaller_backend);
	RUN(pool_fits_budget);
	return harness_done();
}
