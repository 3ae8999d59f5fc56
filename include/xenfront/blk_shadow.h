/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Request bookkeeping of xen-blkfront: ring slots, request ids, the check of
 * every response against what was issued, and the accounting that completes
 * each block-layer request exactly once however many ring requests
 * (fragments) it was split into.
 *
 * Pure logic: no locking, no kernel headers.  The kernel glue holds the ring
 * lock around every call.
 *
 * Ids.  A ring request's id is (generation << 32 | ring tag << 16 | slot).
 * The generation of a slot increases every time the slot is taken, so a
 * response that names a slot's earlier use (a duplicate, or a forged id) is
 * told apart from the response to the request now in the slot.  The tag
 * names the ring (the queue) that issued it: rings with the same history
 * would otherwise issue the same ids, and an answer on the wrong ring would
 * complete another request there.
 */
#ifndef XENFRONT_BLK_SHADOW_H
#define XENFRONT_BLK_SHADOW_H

#include <xenfront/blk_proto.h>

enum xfb_slot_state {
	XFB_SLOT_FREE,
	XFB_SLOT_BUSY,
};

struct xfb_slot {
	u32 gen;		/* generation of the current (or last) use */
	u8 state;		/* enum xfb_slot_state */
	u8 rsp_op;		/* operation the response must carry */
	u8 frag;		/* fragment index within its request */
	u8 pad;
	void *owner;		/* the request (opaque to this code) */
};

struct xfb_shadow {
	struct xfb_slot *slot;	/* size entries, provided by the caller */
	u32 *free;		/* stack of free slot numbers, size entries */
	u32 size;		/* at most XFB_SHADOW_MAX_SLOTS */
	u32 nr_free;
	u32 tag;		/* the ring's, in every id (< XFB_SHADOW_MAX_TAGS) */
};

#define XFB_SHADOW_MAX_SLOTS	0x10000U
#define XFB_SHADOW_MAX_TAGS	0x10000U

/* Slot and id helpers. */
static inline u64 xfb_make_id(u32 slot, u32 gen)
{
	return (u64)gen << 32 | slot;
}

static inline u32 xfb_id_slot(u64 id)
{
	return (u32)id & 0xffff;
}

static inline u32 xfb_id_tag(u64 id)
{
	return ((u32)id >> 16) & 0xffff;
}

/* The id of slot's use gen on this shadow's ring. */
static inline u64 xfb_shadow_id(const struct xfb_shadow *sh, u32 slot, u32 gen)
{
	return xfb_make_id(sh->tag << 16 | slot, gen);
}

static inline u32 xfb_id_gen(u64 id)
{
	return (u32)(id >> 32);
}

/*
 * All slots free.  Generations continue from gen_base (the glue passes a
 * value that grows with every new connection, so ids of an earlier ring never
 * match the new one's); generation 0 is never issued.  tag names the ring
 * among the device's rings.
 */
void xfb_shadow_init(struct xfb_shadow *sh, struct xfb_slot *slots, u32 *free_stack,
		     u32 size, u32 gen_base, u32 tag);

static inline u32 xfb_shadow_busy(const struct xfb_shadow *sh)
{
	return sh->size - sh->nr_free;
}

/*
 * Take a free slot for fragment frag of owner, whose response must carry
 * rsp_op.  Returns 0 and fills *slot and *id, or -ENOSPC.
 */
int xfb_shadow_get(struct xfb_shadow *sh, void *owner, u8 rsp_op, u8 frag,
		   u32 *slot, u64 *id);

/* Give a busy slot back. */
void xfb_shadow_put(struct xfb_shadow *sh, u32 slot);

/*
 * The ring is gone (restore) or being failed: free every busy slot and store
 * each request that owned one exactly once in owners[] (room for max; pass
 * max >= size).  Returns the number of distinct owners.  A request split
 * into several fragments appears once however many of them were pending.
 */
u32 xfb_shadow_reclaim(struct xfb_shadow *sh, void **owners, u32 max);

/* What is wrong with a response (XFB_RV_OK: nothing). */
enum xfb_rsp_verdict {
	XFB_RV_OK,
	XFB_RV_UNKNOWN_ID,	/* no such slot, another ring's, or a generation never issued */
	XFB_RV_DUPLICATE,	/* the slot's request was already answered */
	XFB_RV_BAD_OP,		/* operation differs from the request's */
	XFB_RV_BAD_STATUS,	/* status outside the protocol's values */
	XFB_RV_OVERFLOW,	/* more responses than requests outstanding */
	XFB_NR_RV
};

const char *xfb_rsp_verdict_name(enum xfb_rsp_verdict v);

/*
 * Check one response (its fields copied out of the shared ring once).  On
 * XFB_RV_OK, *slot names the busy slot it answers.
 */
enum xfb_rsp_verdict xfb_shadow_check(const struct xfb_shadow *sh, u64 id, u8 op,
				      int16_t status, u32 *slot);

/*
 * Check the backend's response producer index against what we produced:
 * rsp_prod may run ahead of rsp_cons by at most the number of requests we
 * pushed and have not consumed a response for.
 */
static inline bool xfb_rsp_window_ok(u32 rsp_prod, u32 rsp_cons, u32 req_prod)
{
	return (u32)(rsp_prod - rsp_cons) <= (u32)(req_prod - rsp_cons);
}

/*
 * Per block-layer request: which fragments of the current issue have been
 * answered, the combined status, and whether the request was handed back.
 */
struct xfb_acct {
	u64 done;		/* bit i: fragment i answered */
	u8 nfrags;		/* fragments of the current issue */
	u8 finished;		/* handed back to the block layer */
	int8_t status;		/* combined XFB_RSP_* */
	u8 pad;
};

enum xfb_frag_result {
	XFB_FRAG_PENDING,	/* more fragments outstanding */
	XFB_FRAG_LAST,		/* request complete: hand it back now */
	XFB_FRAG_DUPLICATE,	/* fragment already answered, or request finished */
};

/* Start (or restart after a replay) a request issued as nfrags fragments. */
void xfb_acct_begin(struct xfb_acct *a, u8 nfrags);

/* A fragment was answered with status. */
enum xfb_frag_result xfb_acct_frag_done(struct xfb_acct *a, u8 frag, int16_t status);

/*
 * The request is being failed (device gone or broken).  Returns true when
 * the caller must hand it back now, false when that already happened.
 */
bool xfb_acct_abort(struct xfb_acct *a);

/*
 * Status of our own, never on the ring: the fragment was refused as sent and
 * the whole request must be issued again, under the connection's new limits,
 * instead of being handed back.
 */
#define XFB_ST_REISSUE		(-64)

/* Combine two statuses: ERROR beats REISSUE beats EOPNOTSUPP beats OKAY. */
int16_t xfb_status_merge(int16_t a, int16_t b);

/* What the glue must do with one answered fragment. */
struct xfb_frag_outcome {
	int16_t status;		/* to account for the fragment: XFB_RSP_* or XFB_ST_REISSUE */
	bool copy;		/* copy read data out of the fragment's pool pages */
	bool refused;		/* the backend refused an optional operation: stop sending it */
	bool violation;		/* the backend broke the protocol: fail the ring afterwards */
	bool io_error;		/* an I/O error worth a log line */
};

/*
 * Decide the outcome of a fragment sent as rsp_op with nsegs data pages
 * (read: the data flows to the guest), answered with status (one of the
 * XFB_RSP_* values: xfb_shadow_check has passed).  released is false when
 * the backend still mapped one of the fragment's grants after answering:
 * those pages were handed to the kernel's deferred release and hold nothing
 * the guest may use.
 */
void xfb_frag_outcome(u8 rsp_op, int16_t status, u16 nsegs, bool read, bool released,
		      struct xfb_frag_outcome *o);

#endif /* XENFRONT_BLK_SHADOW_H */
