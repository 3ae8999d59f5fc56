// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: arbitrary request shapes, connection limits and ring
 * responses (ids, operations, statuses, producer indexes) against
 * xen-blkfront's planning, response validation and completion accounting.
 *
 * The driver's rules are replayed around the pure code (issue all fragments
 * or none; check every response; complete a request when its last fragment
 * is answered; reclaim everything on a restore).  Any broken promise aborts:
 * a request handed back twice or before all its fragments were answered, a
 * response accepted for a slot that was not waiting for it, a plan that does
 * not tile its request or exceeds the limits, a response accepted that
 * carries the slot and generation of a live request but another ring's tag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <xenfront/blk_shadow.h>
#include <xenfront/blk_split.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NREQ 16
#define MAXSLOTS 64

struct freq {
	struct xfb_io io;
	struct xfb_acct acct;
	u64 answered;		/* our own record of answered fragments */
	int nfrags;
	int issued;
	int handed_back;
};

struct cursor {
	const uint8_t *p;
	size_t left;
};

static uint8_t take8(struct cursor *c)
{
	if (!c->left)
		return 0;
	c->left--;
	return *c->p++;
}

static u64 take64(struct cursor *c)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | take8(c);
	return v;
}

#define PROMISE(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "broken promise: %s (line %d)\n", #cond, __LINE__); \
		abort();						\
	}								\
} while (0)

static void check_plan(const struct xfb_io *io, const struct xfb_conn *c,
		       const struct xfb_frag *f, int n)
{
	u64 sector = io->sector, off = 0;
	int i;

	if (n <= 0)
		return;
	if (io->kind == XFB_IO_FLUSH || io->kind == XFB_IO_DISCARD ||
	    io->kind == XFB_IO_SECURE_ERASE) {
		PROMISE(n == 1);
		PROMISE(f[0].nsegs == 0);
		return;
	}
	for (i = 0; i < n; i++) {
		PROMISE(f[i].sector == sector);
		PROMISE(f[i].byte_off == off);
		PROMISE(f[i].nsegs >= 1);
		PROMISE(f[i].nsegs <= xfb_frag_max_segs(c, io));
		if (f[i].op == XFB_OP_INDIRECT)
			PROMISE(f[i].nsegs > XFB_SEGS_DIRECT &&
				f[i].nsegs <= c->max_indirect_segs && f[i].nind >= 1 &&
				f[i].nind <= XFB_IND_PAGES_MAX);
		else
			PROMISE(f[i].nsegs <= XFB_SEGS_DIRECT && f[i].nind == 0);
		PROMISE((u64)f[i].nsegs * XFB_PAGE_SIZE >= f[i].nr_sectors * 512);
		PROMISE((u64)(f[i].nsegs - 1) * XFB_PAGE_SIZE < f[i].nr_sectors * 512);
		sector += f[i].nr_sectors;
		off += f[i].nr_sectors * 512;
	}
	PROMISE(sector == io->sector + io->nr_sectors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xfb_slot slots[MAXSLOTS];
	static u32 stack[MAXSLOTS];
	struct cursor c = { data, size };
	struct freq reqs[NREQ] = { 0 };
	struct xfb_shadow sh;
	struct xfb_conn conn = { 0 };
	u32 ring, gen_base = 0, req_prod = 0, rsp_cons = 0, tag, other_tag;
	uint8_t b;
	int i;

	ring = 32U << (take8(&c) % 2);
	conn.max_indirect_segs = take8(&c) % 2 ? (u32)take8(&c) * 2 : 0;
	b = take8(&c);
	conn.flush_cache = b & 1;
	conn.barrier = b & 2;
	conn.discard = b & 4;
	conn.secure_discard = b & 8;
	conn.barrier_empty = conn.barrier && (b & 16);
	/* this ring's tag, and one of another ring of the same device */
	tag = (u32)take8(&c) << 8;
	tag = (tag | take8(&c)) % XFB_SHADOW_MAX_TAGS;
	other_tag = (tag + 1 + take8(&c)) % XFB_SHADOW_MAX_TAGS;
	xfb_shadow_init(&sh, slots, stack, ring, gen_base, tag);

	for (i = 0; i < NREQ; i++) {
		b = take8(&c);
		reqs[i].io.kind = b % (XFB_NR_IO + 1);
		reqs[i].io.fua = b & 0x80;
		/* (one take per statement: the order of the bytes is defined) */
		reqs[i].io.sector = take64(&c);
		reqs[i].io.sector >>= take8(&c) % 64;
		reqs[i].io.nr_sectors = take8(&c) << 4;
		reqs[i].io.nr_sectors = (reqs[i].io.nr_sectors | take8(&c)) % 2100;
	}

	while (c.left) {
		uint8_t cmd = take8(&c);
		struct freq *r = &reqs[cmd % NREQ];

		switch (cmd >> 5) {
		case 0:
		case 1: {	/* issue a request (again, if it is waiting) */
			struct xfb_frag f[XFB_MAX_FRAGS];
			int n, k;

			if (r->issued && !r->handed_back)
				break;
			n = xfb_plan(&r->io, &conn, f, ring);
			PROMISE(n <= XFB_MAX_FRAGS);
			check_plan(&r->io, &conn, f, n);
			if (n <= 0 || sh.nr_free < (u32)n)
				break;
			xfb_acct_begin(&r->acct, (u8)n);
			r->nfrags = n;
			r->answered = 0;
			r->issued = 1;
			r->handed_back = 0;
			for (k = 0; k < n; k++) {
				u32 s;
				u64 id;

				PROMISE(!xfb_shadow_get(&sh, r, f[k].rsp_op, (u8)k, &s, &id));
				PROMISE(xfb_id_slot(id) == s);
				req_prod++;
			}
			break;
		}
		case 2:
		case 3:
		case 4:
		case 5: {	/* a response as the backend wrote it */
			u64 id = take64(&c);
			uint8_t op = take8(&c);
			int16_t status = (int16_t)(take8(&c) << 8);
			u32 rsp_prod = rsp_cons + (take8(&c) % 4);
			enum xfb_rsp_verdict v;
			u32 s = ~0U;
			int foreign = 0;

			status = (int16_t)((u16)status | take8(&c));
			/* sometimes aim at a live slot to get past the id check */
			if (cmd & 1) {
				u32 n = (u32)(id % ring);

				id = xfb_shadow_id(&sh, n, slots[n].gen - (cmd & 2 ? 1 : 0));
				if (cmd & 4)
					op = slots[n].rsp_op;
				if (cmd & 8)
					status = (int16_t)-(status & 3);
				/* the same slot and generation from another ring */
				if (cmd & 16) {
					id = xfb_make_id(other_tag << 16 | n, slots[n].gen);
					foreign = 1;
				}
			}
			if (!xfb_rsp_window_ok(rsp_prod, rsp_cons, req_prod))
				break;
			v = xfb_shadow_check(&sh, id, op, status, &s);
			(void)xfb_rsp_verdict_name(v);
			PROMISE(!foreign || v != XFB_RV_OK);
			if (v != XFB_RV_OK)
				break;
			PROMISE(s < ring && slots[s].state == XFB_SLOT_BUSY);
			PROMISE(xfb_id_gen(id) == slots[s].gen && op == slots[s].rsp_op);
			PROMISE(xfb_id_tag(id) == tag);
			r = slots[s].owner;
			PROMISE(r && r->issued && !r->handed_back);
			PROMISE(!(r->answered & (1ULL << slots[s].frag)));
			r->answered |= 1ULL << slots[s].frag;
			switch (xfb_acct_frag_done(&r->acct, slots[s].frag, status)) {
			case XFB_FRAG_LAST:
				PROMISE(r->answered == (1ULL << r->nfrags) - 1);
				r->handed_back++;
				break;
			case XFB_FRAG_PENDING:
				PROMISE(r->answered != (1ULL << r->nfrags) - 1);
				break;
			default:
				PROMISE(0);
			}
			xfb_shadow_put(&sh, s);
			rsp_cons++;
			break;
		}
		case 6: {	/* restore: reclaim and forget the ring */
			void *owners[MAXSLOTS];
			u32 n = xfb_shadow_reclaim(&sh, owners, MAXSLOTS), k, j;

			PROMISE(xfb_shadow_busy(&sh) == 0);
			for (k = 0; k < n; k++) {
				struct freq *o = owners[k];

				PROMISE(o->issued && !o->handed_back);
				for (j = 0; j < k; j++)
					PROMISE(owners[j] != owners[k]);
				o->issued = 0;	/* to be issued again */
			}
			for (k = 0; k < NREQ; k++)
				PROMISE(!reqs[k].issued || reqs[k].handed_back);
			gen_base += 1U << 24;
			ring = 32U << (cmd & 1);
			xfb_shadow_init(&sh, slots, stack, ring, gen_base, tag);
			req_prod = rsp_cons = 0;
			conn.max_indirect_segs = cmd & 2 ? 0 : conn.max_indirect_segs / 2;
			break;
		}
		default: {	/* the device fails: abort what is pending */
			void *owners[MAXSLOTS];
			u32 n = xfb_shadow_reclaim(&sh, owners, MAXSLOTS), k;

			for (k = 0; k < n; k++) {
				struct freq *o = owners[k];

				PROMISE(xfb_acct_abort(&o->acct));
				PROMISE(!xfb_acct_abort(&o->acct));
				o->handed_back++;
			}
			req_prod = rsp_cons;
			break;
		}
		}
	}
	for (i = 0; i < NREQ; i++)
		PROMISE(reqs[i].handed_back <= 1);
	return 0;
}
