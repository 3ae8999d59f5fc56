// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: xen-blkfront ring accounting, ids and response validation
 * (src/ring/blk_shadow.c).
 */
#include "harness.h"
#include <xenfront/blk_shadow.h>

#define N 32

static struct xfb_slot slots[N];
static u32 stack[N];
static struct xfb_shadow sh;

static void fresh(u32 gen_base)
{
	xfb_shadow_init(&sh, slots, stack, N, gen_base, 0);
}

/*
 * Two rings of one device, set up alike (same connection, same size) and
 * used alike, issue ids that differ: an answer on the wrong ring names no
 * request there, whichever slot and generation it carries.
 */
TEST(ids_bound_to_ring)
{
	static struct xfb_slot bslots[N];
	static u32 bstack[N];
	struct xfb_shadow b;
	u32 sa, sb, got;
	u64 ida, idb;
	int owner;

	fresh(5U << 24);
	xfb_shadow_init(&b, bslots, bstack, N, 5U << 24, 1);
	CHECK_EQ(xfb_shadow_get(&sh, &owner, XFB_OP_READ, 0, &sa, &ida), 0);
	CHECK_EQ(xfb_shadow_get(&b, &owner, XFB_OP_READ, 0, &sb, &idb), 0);
	CHECK_EQ(sa, sb);
	CHECK(ida != idb);
	CHECK_EQ(xfb_shadow_check(&b, ida, XFB_OP_READ, XFB_RSP_OKAY, &got), XFB_RV_UNKNOWN_ID);
	CHECK_EQ(xfb_shadow_check(&sh, idb, XFB_OP_READ, XFB_RSP_OKAY, &got), XFB_RV_UNKNOWN_ID);
	CHECK_EQ(xfb_shadow_check(&b, idb, XFB_OP_READ, XFB_RSP_OKAY, &got), XFB_RV_OK);
	CHECK_EQ(got, sb);
	/* a tag beyond the id's 16 bits wraps instead of spilling into it */
	xfb_shadow_init(&b, bslots, bstack, N, 0, XFB_SHADOW_MAX_TAGS + 3);
	CHECK_EQ(xfb_shadow_get(&b, &owner, XFB_OP_READ, 0, &sb, &idb), 0);
	CHECK_EQ(xfb_id_tag(idb), 3);
	CHECK_EQ(xfb_id_gen(idb), 1);
}

TEST(fill_and_drain)
{
	u32 i, s, used[N];
	u64 id, ids[N];
	int owner;

	fresh(0);
	CHECK_EQ(xfb_shadow_busy(&sh), 0);
	for (i = 0; i < N; i++) {
		CHECK_EQ(xfb_shadow_get(&sh, &owner, XFB_OP_READ, 0, &s, &id), 0);
		CHECK(s < N);
		CHECK_EQ(xfb_id_slot(id), s);
		CHECK(xfb_id_gen(id) != 0);
		used[i] = s;
		ids[i] = id;
	}
	CHECK_EQ(xfb_shadow_busy(&sh), N);
	CHECK_EQ(xfb_shadow_get(&sh, &owner, XFB_OP_READ, 0, &s, &id), -ENOSPC);
	/* every slot handed out once */
	for (i = 0; i < N; i++) {
		u32 j;

		for (j = i + 1; j < N; j++)
			CHECK(used[i] != used[j]);
	}
	for (i = 0; i < N; i++) {
		u32 got = ~0U;

		CHECK_EQ(xfb_shadow_check(&sh, ids[i], XFB_OP_READ, XFB_RSP_OKAY, &got), XFB_RV_OK);
		CHECK_EQ(got, used[i]);
		xfb_shadow_put(&sh, got);
	}
	CHECK_EQ(xfb_shadow_busy(&sh), 0);
	/* putting a free slot again changes nothing */
	xfb_shadow_put(&sh, used[0]);
	xfb_shadow_put(&sh, N + 5);
	CHECK_EQ(xfb_shadow_busy(&sh), 0);
	CHECK_EQ(sh.nr_free, N);
}

TEST(lifo_reuse_bumps_generation)
{
	u32 s1, s2;
	u64 id1, id2;
	int o;

	fresh(0);
	CHECK_EQ(xfb_shadow_get(&sh, &o, XFB_OP_WRITE, 0, &s1, &id1), 0);
	CHECK_EQ(s1, 0);	/* low slots first */
	xfb_shadow_put(&sh, s1);
	CHECK_EQ(xfb_shadow_get(&sh, &o, XFB_OP_WRITE, 0, &s2, &id2), 0);
	CHECK_EQ(s2, s1);
	CHECK(id1 != id2);
	CHECK_EQ(xfb_id_gen(id2), xfb_id_gen(id1) + 1);
}

TEST(unknown_id)
{
	u32 s, got;
	u64 id;
	int o;

	fresh(0);
	CHECK_EQ(xfb_shadow_get(&sh, &o, XFB_OP_READ, 0, &s, &id), 0);
	/* slot out of range */
	CHECK_EQ(xfb_shadow_check(&sh, xfb_make_id(N, 1), XFB_OP_READ, 0, &got), XFB_RV_UNKNOWN_ID);
	CHECK_EQ(xfb_shadow_check(&sh, ~0ULL, XFB_OP_READ, 0, &got), XFB_RV_UNKNOWN_ID);
	/* generation 0 is never issued */
	CHECK_EQ(xfb_shadow_check(&sh, xfb_make_id(s, 0), XFB_OP_READ, 0, &got), XFB_RV_UNKNOWN_ID);
	/* a generation from the future */
	CHECK_EQ(xfb_shadow_check(&sh, id + (1ULL << 32), XFB_OP_READ, 0, &got), XFB_RV_UNKNOWN_ID);
	/* a slot that is free and never had this generation */
	CHECK_EQ(xfb_shadow_check(&sh, xfb_make_id(7, 9), XFB_OP_READ, 0, &got), XFB_RV_UNKNOWN_ID);
	/* the real one is fine */
	CHECK_EQ(xfb_shadow_check(&sh, id, XFB_OP_READ, 0, &got), XFB_RV_OK);
}

TEST(duplicate_response)
{
	u32 s, got, s2;
	u64 id, id2;
	int o;

	fresh(0);
	CHECK_EQ(xfb_shadow_get(&sh, &o, XFB_OP_WRITE, 0, &s, &id), 0);
	CHECK_EQ(xfb_shadow_check(&sh, id, XFB_OP_WRITE, 0, &got), XFB_RV_OK);
	xfb_shadow_put(&sh, got);
	/* the same response again: slot free */
	CHECK_EQ(xfb_shadow_check(&sh, id, XFB_OP_WRITE, 0, &got), XFB_RV_DUPLICATE);
	/* the slot is reused: the old id still does not match */
	CHECK_EQ(xfb_shadow_get(&sh, &o, XFB_OP_WRITE, 0, &s2, &id2), 0);
	CHECK_EQ(s2, s);
	CHECK_EQ(xfb_shadow_check(&sh, id, XFB_OP_WRITE, 0, &got), XFB_RV_DUPLICATE);
	CHECK_EQ(xfb_shadow_check(&sh, id2, XFB_OP_WRITE, 0, &got), XFB_RV_OK);
}

TEST(bad_operation_and_status)
{
	u32 s, got;
	u64 id;
	int o;

	fresh(0);
	CHECK_EQ(xfb_shadow_get(&sh, &o, XFB_OP_FLUSH_DISKCACHE, 0, &s, &id), 0);
	CHECK_EQ(xfb_shadow_check(&sh, id, XFB_OP_WRITE, 0, &got), XFB_RV_BAD_OP);
	CHECK_EQ(xfb_shadow_check(&sh, id, XFB_OP_INDIRECT, 0, &got), XFB_RV_BAD_OP);
	CHECK_EQ(xfb_shadow_check(&sh, id, 200, 0, &got), XFB_RV_BAD_OP);
	CHECK_EQ(xfb_shadow_check(&sh, id, XFB_OP_FLUSH_DISKCACHE, 1, &got), XFB_RV_BAD_STATUS);
	CHECK_EQ(xfb_shadow_check(&sh, id, XFB_OP_FLUSH_DISKCACHE, -3, &got), XFB_RV_BAD_STATUS);
	CHECK_EQ(xfb_shadow_check(&sh, id, XFB_OP_FLUSH_DISKCACHE, 0x7fff, &got), XFB_RV_BAD_STATUS);
	CHECK_EQ(xfb_shadow_check(&sh, id, XFB_OP_FLUSH_DISKCACHE, XFB_RSP_EOPNOTSUPP, &got),
		 XFB_RV_OK);
	CHECK_EQ(xfb_shadow_check(&sh, id, XFB_OP_FLUSH_DISKCACHE, XFB_RSP_ERROR, &got), XFB_RV_OK);
	/* a rejected response leaves the slot busy */
	CHECK_EQ(xfb_shadow_busy(&sh), 1);
}

TEST(new_connection_ids_differ)
{
	u32 s, got;
	u64 old_id, new_id;
	int o;

	fresh(0);
	CHECK_EQ(xfb_shadow_get(&sh, &o, XFB_OP_READ, 0, &s, &old_id), 0);
	/* a restore: a new ring with a higher generation base */
	fresh(1U << 24);
	CHECK_EQ(xfb_shadow_get(&sh, &o, XFB_OP_READ, 0, &s, &new_id), 0);
	CHECK(old_id != new_id);
	CHECK(xfb_shadow_check(&sh, old_id, XFB_OP_READ, 0, &got) != XFB_RV_OK);
	CHECK_EQ(xfb_shadow_check(&sh, new_id, XFB_OP_READ, 0, &got), XFB_RV_OK);
}

TEST(response_window)
{
	/* 3 requests pushed, none answered */
	CHECK(xfb_rsp_window_ok(10, 10, 13));
	CHECK(xfb_rsp_window_ok(13, 10, 13));
	CHECK(!xfb_rsp_window_ok(14, 10, 13));
	/* producer behind the consumer: a huge unsigned distance */
	CHECK(!xfb_rsp_window_ok(9, 10, 13));
	/* across the 32-bit wrap */
	CHECK(xfb_rsp_window_ok(2, 0xfffffffeU, 3));
	CHECK(!xfb_rsp_window_ok(4, 0xfffffffeU, 3));
}

TEST(acct_exactly_once)
{
	struct xfb_acct a = { 0 };

	xfb_acct_begin(&a, 3);
	CHECK_EQ(xfb_acct_frag_done(&a, 1, XFB_RSP_OKAY), XFB_FRAG_PENDING);
	CHECK_EQ(xfb_acct_frag_done(&a, 1, XFB_RSP_OKAY), XFB_FRAG_DUPLICATE);
	CHECK_EQ(xfb_acct_frag_done(&a, 0, XFB_RSP_OKAY), XFB_FRAG_PENDING);
	CHECK_EQ(xfb_acct_frag_done(&a, 3, XFB_RSP_OKAY), XFB_FRAG_DUPLICATE);
	CHECK_EQ(xfb_acct_frag_done(&a, 2, XFB_RSP_OKAY), XFB_FRAG_LAST);
	CHECK_EQ(a.status, XFB_RSP_OKAY);
	/* after the hand-back nothing completes it again */
	CHECK_EQ(xfb_acct_frag_done(&a, 2, XFB_RSP_OKAY), XFB_FRAG_DUPLICATE);
	CHECK(!xfb_acct_abort(&a));
}

TEST(acct_status_and_abort)
{
	struct xfb_acct a = { 0 };

	xfb_acct_begin(&a, 2);
	CHECK_EQ(xfb_acct_frag_done(&a, 0, XFB_RSP_EOPNOTSUPP), XFB_FRAG_PENDING);
	CHECK_EQ(xfb_acct_frag_done(&a, 1, XFB_RSP_OKAY), XFB_FRAG_LAST);
	CHECK_EQ(a.status, XFB_RSP_EOPNOTSUPP);

	xfb_acct_begin(&a, 2);
	CHECK_EQ(xfb_acct_frag_done(&a, 0, XFB_RSP_ERROR), XFB_FRAG_PENDING);
	CHECK_EQ(xfb_acct_frag_done(&a, 1, XFB_RSP_EOPNOTSUPP), XFB_FRAG_LAST);
	CHECK_EQ(a.status, XFB_RSP_ERROR);

	/* abort wins once, then never again */
	xfb_acct_begin(&a, 4);
	CHECK_EQ(xfb_acct_frag_done(&a, 0, XFB_RSP_OKAY), XFB_FRAG_PENDING);
	CHECK(xfb_acct_abort(&a));
	CHECK(!xfb_acct_abort(&a));
	CHECK_EQ(a.status, XFB_RSP_ERROR);
	CHECK_EQ(xfb_acct_frag_done(&a, 1, XFB_RSP_OKAY), XFB_FRAG_DUPLICATE);

	/* 64 fragments: the widest bitmap */
	xfb_acct_begin(&a, 64);
	for (int i = 0; i < 63; i++)
		CHECK_EQ(xfb_acct_frag_done(&a, (u8)i, 0), XFB_FRAG_PENDING);
	CHECK_EQ(xfb_acct_frag_done(&a, 63, 0), XFB_FRAG_LAST);
}

TEST(status_merge)
{
	CHECK_EQ(xfb_status_merge(0, 0), 0);
	CHECK_EQ(xfb_status_merge(0, -2), -2);
	CHECK_EQ(xfb_status_merge(-2, -1), -1);
	CHECK_EQ(xfb_status_merge(-1, 0), -1);
	CHECK_EQ(xfb_status_merge(5, 0), -1);
	CHECK(xfb_rsp_verdict_name(XFB_RV_DUPLICATE)[0]);
	CHECK(xfb_rsp_verdict_name((enum xfb_rsp_verdict)99)[0] == '?');
}

/*
 * Issue 17, defect 1: a backend that answers a read while it still maps one
 * of the fragment's pages.  That page went to the deferred release: nothing
 * may be copied out of it, and the request must fail rather than complete
 * with data the backend never delivered to us.
 */
TEST(outcome_grant_still_mapped)
{
	struct xfb_frag_outcome o;

	xfb_frag_outcome(XFB_OP_READ, XFB_RSP_OKAY, 4, true, false, &o);
	CHECK(!o.copy);
	CHECK(o.violation);
	CHECK_EQ(o.status, XFB_RSP_ERROR);
	/* an indirect read (answered as a read) and a write alike */
	xfb_frag_outcome(XFB_OP_READ, XFB_RSP_OKAY, 200, true, false, &o);
	CHECK(!o.copy);
	CHECK_EQ(o.status, XFB_RSP_ERROR);
	xfb_frag_outcome(XFB_OP_WRITE, XFB_RSP_OKAY, 4, false, false, &o);
	CHECK(!o.copy);
	CHECK(o.violation);
	CHECK_EQ(o.status, XFB_RSP_ERROR);
	/* released grants: the read data is ours to copy */
	xfb_frag_outcome(XFB_OP_READ, XFB_RSP_OKAY, 4, true, true, &o);
	CHECK(o.copy);
	CHECK(!o.violation);
	CHECK_EQ(o.status, XFB_RSP_OKAY);
	xfb_frag_outcome(XFB_OP_READ, XFB_RSP_ERROR, 4, true, true, &o);
	CHECK(!o.copy);
	CHECK(o.io_error);
	CHECK_EQ(o.status, XFB_RSP_ERROR);
}

/*
 * Issue 17, defect 3: a flush or barrier answered EOPNOTSUPP.  An empty one
 * completes (the backend has no cache it can flush, so none is left to
 * flush: the in-tree driver's answer) and flushes are turned off; one that
 * carried a write (a FUA or preflush write) was not written, so it is issued
 * again as a plain write instead of failing or completing unwritten.
 * Discard keeps its "not supported".
 */
TEST(outcome_refused_flush)
{
	struct xfb_frag_outcome o;

	xfb_frag_outcome(XFB_OP_FLUSH_DISKCACHE, XFB_RSP_EOPNOTSUPP, 0, false, true, &o);
	CHECK(o.refused);
	CHECK(!o.io_error);
	CHECK_EQ(o.status, XFB_RSP_OKAY);
	xfb_frag_outcome(XFB_OP_WRITE_BARRIER, XFB_RSP_EOPNOTSUPP, 0, false, true, &o);
	CHECK(o.refused);
	CHECK_EQ(o.status, XFB_RSP_OKAY);
	xfb_frag_outcome(XFB_OP_FLUSH_DISKCACHE, XFB_RSP_EOPNOTSUPP, 3, false, true, &o);
	CHECK(o.refused);
	CHECK(!o.io_error);
	CHECK_EQ(o.status, XFB_ST_REISSUE);
	xfb_frag_outcome(XFB_OP_WRITE_BARRIER, XFB_RSP_EOPNOTSUPP, 11, false, true, &o);
	CHECK(o.refused);
	CHECK_EQ(o.status, XFB_ST_REISSUE);
	xfb_frag_outcome(XFB_OP_DISCARD, XFB_RSP_EOPNOTSUPP, 0, false, true, &o);
	CHECK(o.refused);
	CHECK_EQ(o.status, XFB_RSP_EOPNOTSUPP);
	/* a real error on a flush stays an error: durability is not assumed */
	xfb_frag_outcome(XFB_OP_FLUSH_DISKCACHE, XFB_RSP_ERROR, 0, false, true, &o);
	CHECK(!o.refused);
	CHECK(o.io_error);
	CHECK_EQ(o.status, XFB_RSP_ERROR);
	/* "not supported" for a plain read or write is an I/O error */
	xfb_frag_outcome(XFB_OP_WRITE, XFB_RSP_EOPNOTSUPP, 2, false, true, &o);
	CHECK(!o.refused);
	CHECK(o.io_error);
	CHECK_EQ(o.status, XFB_RSP_ERROR);
}

/* A split request: one refused fragment sends the whole request again. */
TEST(acct_reissue)
{
	struct xfb_acct a;

	xfb_acct_begin(&a, 2);
	CHECK_EQ(xfb_acct_frag_done(&a, 0, XFB_ST_REISSUE), XFB_FRAG_PENDING);
	CHECK_EQ(xfb_acct_frag_done(&a, 1, XFB_RSP_OKAY), XFB_FRAG_LAST);
	CHECK_EQ(a.status, XFB_ST_REISSUE);
	/* ... but an error in another fragment fails it */
	xfb_acct_begin(&a, 3);
	CHECK_EQ(xfb_acct_frag_done(&a, 2, XFB_RSP_ERROR), XFB_FRAG_PENDING);
	CHECK_EQ(xfb_acct_frag_done(&a, 0, XFB_ST_REISSUE), XFB_FRAG_PENDING);
	CHECK_EQ(xfb_acct_frag_done(&a, 1, XFB_RSP_OKAY), XFB_FRAG_LAST);
	CHECK_EQ(a.status, XFB_RSP_ERROR);
	CHECK_EQ(xfb_status_merge(XFB_ST_REISSUE, XFB_RSP_EOPNOTSUPP), XFB_ST_REISSUE);
	CHECK_EQ(xfb_status_merge(XFB_RSP_OKAY, XFB_ST_REISSUE), XFB_ST_REISSUE);
}

int main(void)
{
	RUN(fill_and_drain);
	RUN(ids_bound_to_ring);
	RUN(lifo_reuse_bumps_generation);
	RUN(unknown_id);
	RUN(duplicate_response);
	RUN(bad_operation_and_status);
	RUN(new_connection_ids_differ);
	RUN(response_window);
	RUN(acct_exactly_once);
	RUN(acct_status_and_abort);
	RUN(status_merge);
	RUN(outcome_grant_still_mapped);
	RUN(outcome_refused_flush);
	RUN(acct_reissue);
	return harness_done();
}
