// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkfront request bookkeeping: slots, ids, response checks and the
 * exactly-once accounting of split requests.  See blk_shadow.h.
 */
#include <xenfront/blk_shadow.h>

void xfb_shadow_init(struct xfb_shadow *sh, struct xfb_slot *slots, u32 *free_stack,
		     u32 size, u32 gen_base, u32 tag)
{
	u32 i;

	sh->slot = slots;
	sh->free = free_stack;
	sh->size = size < XFB_SHADOW_MAX_SLOTS ? size : XFB_SHADOW_MAX_SLOTS;
	size = sh->size;
	sh->nr_free = size;
	sh->tag = tag % XFB_SHADOW_MAX_TAGS;
	for (i = 0; i < size; i++) {
		slots[i].gen = gen_base;
		slots[i].state = XFB_SLOT_FREE;
		slots[i].rsp_op = 0;
		slots[i].frag = 0;
		slots[i].owner = NULL;
		/* low slot numbers on top: a lightly used ring reuses few slots */
		free_stack[i] = size - 1 - i;
	}
}

int xfb_shadow_get(struct xfb_shadow *sh, void *owner, u8 rsp_op, u8 frag,
		   u32 *slot, u64 *id)
{
	struct xfb_slot *s;
	u32 n;

	if (!sh->nr_free)
		return -ENOSPC;
	n = sh->free[--sh->nr_free];
	s = &sh->slot[n];
	s->gen++;
	if (!s->gen)		/* generation 0 is never issued */
		s->gen = 1;
	s->state = XFB_SLOT_BUSY;
	s->rsp_op = rsp_op;
	s->frag = frag;
	s->owner = owner;
	*slot = n;
	*id = xfb_shadow_id(sh, n, s->gen);
	return 0;
}

void xfb_shadow_put(struct xfb_shadow *sh, u32 slot)
{
	struct xfb_slot *s;

	if (slot >= sh->size)
		return;
	s = &sh->slot[slot];
	if (s->state != XFB_SLOT_BUSY)
		return;
	s->state = XFB_SLOT_FREE;
	s->owner = NULL;
	sh->free[sh->nr_free++] = slot;
}

u32 xfb_shadow_reclaim(struct xfb_shadow *sh, void **owners, u32 max)
{
	u32 i, j, n = 0;

	for (i = 0; i < sh->size; i++) {
		struct xfb_slot *s = &sh->slot[i];
		bool seen = false;

		if (s->state != XFB_SLOT_BUSY)
			continue;
		for (j = 0; j < n && !seen; j++)
			seen = owners[j] == s->owner;
		if (!seen && n < max)
			owners[n++] = s->owner;
		xfb_shadow_put(sh, i);
	}
	return n;
}

static bool status_known(int16_t status)
{
	return status == XFB_RSP_OKAY || status == XFB_RSP_ERROR ||
	       status == XFB_RSP_EOPNOTSUPP;
}

enum xfb_rsp_verdict xfb_shadow_check(const struct xfb_shadow *sh, u64 id, u8 op,
				      int16_t status, u32 *slot)
{
	u32 n = xfb_id_slot(id), gen = xfb_id_gen(id);
	const struct xfb_slot *s;

	if (n >= sh->size || gen == 0 || xfb_id_tag(id) != sh->tag)
		return XFB_RV_UNKNOWN_ID;
	s = &sh->slot[n];
	if (s->state != XFB_SLOT_BUSY)
		/* the slot's last request was answered already */
		return gen == s->gen ? XFB_RV_DUPLICATE : XFB_RV_UNKNOWN_ID;
	if (gen != s->gen)
		/* names an earlier use of a slot now busy again */
		return (int32_t)(gen - s->gen) < 0 ? XFB_RV_DUPLICATE : XFB_RV_UNKNOWN_ID;
	if (op != s->rsp_op)
		return XFB_RV_BAD_OP;
	if (!status_known(status))
		return XFB_RV_BAD_STATUS;
	*slot = n;
	return XFB_RV_OK;
}

const char *xfb_rsp_verdict_name(enum xfb_rsp_verdict v)
{
	static const char * const names[XFB_NR_RV] = {
		[XFB_RV_OK] = "ok",
		[XFB_RV_UNKNOWN_ID] = "unknown id",
		[XFB_RV_DUPLICATE] = "duplicate response",
		[XFB_RV_BAD_OP] = "wrong operation",
		[XFB_RV_BAD_STATUS] = "unknown status",
		[XFB_RV_OVERFLOW] = "response producer overflow",
	};

	return (unsigned int)v < XFB_NR_RV ? names[v] : "?";
}

int16_t xfb_status_merge(int16_t a, int16_t b)
{
	if (a == XFB_RSP_ERROR || b == XFB_RSP_ERROR)
		return XFB_RSP_ERROR;
	if (a == XFB_ST_REISSUE || b == XFB_ST_REISSUE)
		return XFB_ST_REISSUE;
	if (a == XFB_RSP_EOPNOTSUPP || b == XFB_RSP_EOPNOTSUPP)
		return XFB_RSP_EOPNOTSUPP;
	if (a != XFB_RSP_OKAY || b != XFB_RSP_OKAY)
		return XFB_RSP_ERROR;
	return XFB_RSP_OKAY;
}

static bool op_optional(u8 op)
{
	return op == XFB_OP_FLUSH_DISKCACHE || op == XFB_OP_WRITE_BARRIER ||
	       op == XFB_OP_DISCARD;
}

void xfb_frag_outcome(u8 rsp_op, int16_t status, u16 nsegs, bool read, bool released,
		      struct xfb_frag_outcome *o)
{
	memset(o, 0, sizeof(*o));
	if (!released) {
		/* our copy of the data is gone with the page; trust no answer */
		o->violation = true;
		o->status = XFB_RSP_ERROR;
		return;
	}
	switch (status) {
	case XFB_RSP_OKAY:
		o->status = XFB_RSP_OKAY;
		o->copy = read && nsegs;
		return;
	case XFB_RSP_EOPNOTSUPP:
		if (!op_optional(rsp_op))
			break;
		o->refused = true;
		if (rsp_op == XFB_OP_DISCARD)
			o->status = XFB_RSP_EOPNOTSUPP;
		else if (nsegs)
			/* a durable write the backend did not do: as a plain write */
			o->status = XFB_ST_REISSUE;
		else
			o->status = XFB_RSP_OKAY;
		return;
	default:
		break;
	}
	o->io_error = true;
	o->status = XFB_RSP_ERROR;
}

void xfb_acct_begin(struct xfb_acct *a, u8 nfrags)
{
	a->done = 0;
	a->nfrags = nfrags;
	a->finished = 0;
	a->status = XFB_RSP_OKAY;
}

enum xfb_frag_result xfb_acct_frag_done(struct xfb_acct *a, u8 frag, int16_t status)
{
	u64 bit;

	if (a->finished || frag >= a->nfrags || frag >= 64)
		return XFB_FRAG_DUPLICATE;
	bit = 1ULL << frag;
	if (a->done & bit)
		return XFB_FRAG_DUPLICATE;
	a->done |= bit;
	a->status = (int8_t)xfb_status_merge(a->status, status);
	if (a->done != (a->nfrags >= 64 ? ~0ULL : (1ULL << a->nfrags) - 1))
		return XFB_FRAG_PENDING;
	a->finished = 1;
	return XFB_FRAG_LAST;
}

bool xfb_acct_abort(struct xfb_acct *a)
{
	if (a->finished)
		return false;
	a->finished = 1;
	a->status = XFB_RSP_ERROR;
	return true;
}
