// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: xenstore value checks and feature negotiation of xen-blkfront
 * (src/ring/blk_xs.c), and virtual device numbers (src/ring/blk_vdev.c).
 */
#include <string.h>
#include "harness.h"
#include <xenfront/blk_vdev.h>
#include <xenfront/blk_xs.h>

static const struct xfb_params defaults = {
	.max_queues = 4, .max_ring_order = 2, .max_indirect_segs = 32,
	.persistent = true, .trusted = true,
};

/* A healthy blkback with a loop device behind it. */
static void blkback(const char *raw[XFB_NR_XS])
{
	memset(raw, 0, sizeof(*raw) * XFB_NR_XS);
	raw[XFB_XS_MAX_QUEUES] = "2";
	raw[XFB_XS_MAX_RING_ORDER] = "4";
	raw[XFB_XS_SECTORS] = "131072";
	raw[XFB_XS_INFO] = "0";
	raw[XFB_XS_SECTOR_SIZE] = "512";
	raw[XFB_XS_PHYS_SECTOR_SIZE] = "512";
	raw[XFB_XS_FLUSH] = "1";
	raw[XFB_XS_BARRIER] = "1";
	raw[XFB_XS_DISCARD] = "1";
	raw[XFB_XS_DISCARD_GRAN] = "4096";
	raw[XFB_XS_DISCARD_ALIGN] = "0";
	raw[XFB_XS_DISCARD_SECURE] = "0";
	raw[XFB_XS_PERSISTENT] = "1";
	raw[XFB_XS_MAX_INDIRECT] = "256";
}

TEST(parse_numbers)
{
	u64 v = 7;

	CHECK_EQ(xfb_parse_u64("0", 10, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(xfb_parse_u64(" 42\n", 100, &v), 0);
	CHECK_EQ(v, 42);
	CHECK_EQ(xfb_parse_u64("18446744073709551615", ~0ULL, &v), 0);
	CHECK_EQ(xfb_parse_u64("18446744073709551616", ~0ULL, &v), -ERANGE);
	CHECK_EQ(xfb_parse_u64("99999999999999999999999", ~0ULL, &v), -ERANGE);
	CHECK_EQ(xfb_parse_u64("101", 100, &v), -ERANGE);
	v = 5;
	CHECK_EQ(xfb_parse_u64("", 10, &v), -EINVAL);
	CHECK_EQ(xfb_parse_u64("   ", 10, &v), -EINVAL);
	CHECK_EQ(xfb_parse_u64("-1", 10, &v), -EINVAL);
	CHECK_EQ(xfb_parse_u64("+1", 10, &v), -EINVAL);
	CHECK_EQ(xfb_parse_u64("1x", 10, &v), -EINVAL);
	CHECK_EQ(xfb_parse_u64("0x10", 100, &v), -EINVAL);
	CHECK_EQ(xfb_parse_u64("1 2", 100, &v), -EINVAL);
	CHECK_EQ(xfb_parse_u64(NULL, 100, &v), -EINVAL);
	CHECK_EQ(v, 5);		/* untouched on error */
}

TEST(parse_vdev)
{
	u32 v;

	CHECK_EQ(xfb_parse_vdev("51712", &v), 0);
	CHECK_EQ(v, 51712);
	CHECK_EQ(xfb_parse_vdev("0xca00", &v), 0);
	CHECK_EQ(v, 0xca00);
	CHECK_EQ(xfb_parse_vdev("0145000", &v), 0);
	CHECK_EQ(v, 0145000);
	CHECK_EQ(xfb_parse_vdev("0", &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(xfb_parse_vdev("0x", &v), -EINVAL);
	CHECK_EQ(xfb_parse_vdev("09", &v), -EINVAL);
	CHECK_EQ(xfb_parse_vdev("xvda", &v), -EINVAL);
	CHECK_EQ(xfb_parse_vdev("4294967296", &v), -ERANGE);
}

TEST(talk_healthy_backend)
{
	const char *raw[XFB_NR_XS];
	struct xfb_talk t;

	blkback(raw);
	xfb_negotiate_talk(raw, &defaults, &t);
	CHECK_EQ(t.invalid, 0);
	CHECK_EQ(t.nr_queues, 2);	/* backend offers 2, we allow 4 */
	CHECK_EQ(t.ring_order, 2);	/* backend 4, we allow 2 */
	CHECK(t.multi_page);
	CHECK(t.persistent);
}

TEST(talk_ring_order_not_offered)
{
	const char *raw[XFB_NR_XS];
	struct xfb_talk t;

	blkback(raw);
	raw[XFB_XS_MAX_RING_ORDER] = NULL;
	raw[XFB_XS_MAX_QUEUES] = NULL;
	xfb_negotiate_talk(raw, &defaults, &t);
	CHECK_EQ(t.invalid, 0);
	CHECK(!t.multi_page);		/* legacy "ring-ref" */
	CHECK_EQ(t.ring_order, 0);
	CHECK_EQ(t.nr_queues, 1);

	/* offered, but order 0: multi-page keys with one page */
	raw[XFB_XS_MAX_RING_ORDER] = "0";
	xfb_negotiate_talk(raw, &defaults, &t);
	CHECK(t.multi_page);
	CHECK_EQ(t.ring_order, 0);
}

TEST(talk_bad_values)
{
	const char *raw[XFB_NR_XS];
	struct xfb_talk t;
	struct xfb_params p = defaults;

	blkback(raw);
	raw[XFB_XS_MAX_RING_ORDER] = "21";	/* beyond any ring */
	raw[XFB_XS_MAX_QUEUES] = "0";
	xfb_negotiate_talk(raw, &defaults, &t);
	CHECK_EQ(t.invalid, (1U << XFB_XS_MAX_RING_ORDER) | (1U << XFB_XS_MAX_QUEUES));
	CHECK(!t.multi_page);
	CHECK_EQ(t.ring_order, 0);
	CHECK_EQ(t.nr_queues, 1);

	raw[XFB_XS_MAX_RING_ORDER] = "four";
	raw[XFB_XS_MAX_QUEUES] = "1025";
	xfb_negotiate_talk(raw, &defaults, &t);
	CHECK_EQ(t.invalid, (1U << XFB_XS_MAX_RING_ORDER) | (1U << XFB_XS_MAX_QUEUES));
	CHECK_EQ(t.nr_queues, 1);

	/* in range but above our offer: clamped, not invalid */
	raw[XFB_XS_MAX_RING_ORDER] = "20";
	raw[XFB_XS_MAX_QUEUES] = "1024";
	p.max_ring_order = 9;		/* the parameter cannot exceed our maximum */
	xfb_negotiate_talk(raw, &p, &t);
	CHECK_EQ(t.invalid, 0);
	CHECK_EQ(t.ring_order, XFB_MAX_RING_ORDER);
	CHECK_EQ(t.nr_queues, 4);

	/* untrusted backend: no persistent grants offered */
	p = defaults;
	p.trusted = false;
	xfb_negotiate_talk(raw, &p, &t);
	CHECK(!t.persistent);
}

TEST(connect_healthy_backend)
{
	const char *raw[XFB_NR_XS];
	struct xfb_disk d;

	blkback(raw);
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK_EQ(d.invalid, 0);
	CHECK_EQ(d.sectors, 131072);
	CHECK_EQ(d.sector_size, 512);
	CHECK_EQ(d.physical_sector_size, 512);
	CHECK(d.conn.flush_cache);
	CHECK(d.conn.barrier);
	CHECK(d.conn.discard);
	CHECK(!d.conn.secure_discard);
	CHECK_EQ(d.discard_granularity, 4096);
	CHECK(d.persistent);
	CHECK_EQ(d.conn.max_indirect_segs, 32);	/* min(256, our 32) */

	/* we did not offer persistent grants, or do not trust the backend */
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, false, &d), 0);
	CHECK(!d.persistent);

	/* an old backend: nothing optional */
	memset(raw, 0, sizeof(raw));
	raw[XFB_XS_SECTORS] = "8";
	raw[XFB_XS_INFO] = "4";
	raw[XFB_XS_SECTOR_SIZE] = "4096";
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK_EQ(d.invalid, 0);
	CHECK_EQ(d.physical_sector_size, 4096);
	CHECK_EQ(d.info, XFB_VDISK_READONLY);
	CHECK(!d.conn.flush_cache && !d.conn.barrier && !d.conn.discard);
	CHECK(!d.persistent);
	CHECK_EQ(d.conn.max_indirect_segs, 0);
}

TEST(connect_required_values)
{
	const char *raw[XFB_NR_XS];
	struct xfb_disk d;
	static const char *const bad_sizes[] = { "0", "256", "768", "8192", "abc", "-512", "" };
	unsigned int i;

	blkback(raw);
	raw[XFB_XS_SECTORS] = NULL;
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), -EINVAL);
	CHECK(d.invalid & (1U << XFB_XS_SECTORS));
	raw[XFB_XS_SECTORS] = "12q";
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), -EINVAL);
	raw[XFB_XS_SECTORS] = "18014398509481984";	/* 2^54 sectors = 2^63 bytes */
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), -EINVAL);
	raw[XFB_XS_SECTORS] = "18014398509481983";
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);

	blkback(raw);
	raw[XFB_XS_INFO] = "4294967296";
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), -EINVAL);
	CHECK_EQ(d.invalid, 1U << XFB_XS_INFO);

	for (i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		blkback(raw);
		raw[XFB_XS_SECTOR_SIZE] = bad_sizes[i];
		CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), -EINVAL);
		CHECK(d.invalid & (1U << XFB_XS_SECTOR_SIZE));
	}
}

TEST(connect_optional_values)
{
	const char *raw[XFB_NR_XS];
	struct xfb_disk d;

	/* physical sector smaller than logical, or not a power of two */
	blkback(raw);
	raw[XFB_XS_SECTOR_SIZE] = "4096";
	raw[XFB_XS_PHYS_SECTOR_SIZE] = "512";
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK_EQ(d.invalid, 1U << XFB_XS_PHYS_SECTOR_SIZE);
	CHECK_EQ(d.physical_sector_size, 4096);
	raw[XFB_XS_PHYS_SECTOR_SIZE] = "12288";
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK_EQ(d.physical_sector_size, 4096);

	/* booleans are 0 or 1: anything else is not offered */
	blkback(raw);
	raw[XFB_XS_FLUSH] = "2";
	raw[XFB_XS_BARRIER] = "yes";
	raw[XFB_XS_PERSISTENT] = "7";
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK(!d.conn.flush_cache && !d.conn.barrier && !d.persistent);
	CHECK_EQ(d.invalid, (1U << XFB_XS_FLUSH) | (1U << XFB_XS_BARRIER) |
			    (1U << XFB_XS_PERSISTENT));

	/* indirect segments: beyond what a request can describe -> none */
	blkback(raw);
	raw[XFB_XS_MAX_INDIRECT] = "4097";
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK_EQ(d.conn.max_indirect_segs, 0);
	CHECK_EQ(d.invalid, 1U << XFB_XS_MAX_INDIRECT);
	raw[XFB_XS_MAX_INDIRECT] = "4096";
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK_EQ(d.conn.max_indirect_segs, 32);
	raw[XFB_XS_MAX_INDIRECT] = "11";	/* no better than direct */
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK_EQ(d.conn.max_indirect_segs, 0);
	raw[XFB_XS_MAX_INDIRECT] = "16";
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK_EQ(d.conn.max_indirect_segs, 16);

	/* discard with a broken parameter is switched off */
	blkback(raw);
	raw[XFB_XS_DISCARD_GRAN] = "1000";		/* not a sector multiple */
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK(!d.conn.discard);
	CHECK_EQ(d.invalid, 1U << XFB_XS_DISCARD_GRAN);
	blkback(raw);
	raw[XFB_XS_DISCARD_ALIGN] = "4096";		/* not below the granularity */
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK(!d.conn.discard);
	blkback(raw);
	raw[XFB_XS_DISCARD_SECURE] = "x";
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK(!d.conn.discard && !d.conn.secure_discard);
	blkback(raw);
	raw[XFB_XS_DISCARD_SECURE] = "1";
	raw[XFB_XS_DISCARD_GRAN] = NULL;
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK(d.conn.discard && d.conn.secure_discard);
	CHECK_EQ(d.discard_granularity, 0);
	/* discard parameters are ignored when discard is off */
	blkback(raw);
	raw[XFB_XS_DISCARD] = "0";
	raw[XFB_XS_DISCARD_GRAN] = "garbage";
	CHECK_EQ(xfb_negotiate_connect(raw, &defaults, true, &d), 0);
	CHECK_EQ(d.invalid, 0);
}

TEST(sectors_for_resize)
{
	u64 s;

	CHECK_EQ(xfb_parse_sectors("262144", &s), 0);
	CHECK_EQ(s, 262144);
	CHECK(xfb_parse_sectors("big", &s) != 0);
	CHECK(xfb_parse_sectors(NULL, &s) != 0);
	CHECK(xfb_xs_key(XFB_XS_MAX_INDIRECT)[0] == 'f');
	CHECK(xfb_xs_key((enum xfb_xs_field)99)[0] == '?');
}

static void check_vdev(u32 vdev, const char *name, u32 first_minor, u32 nr_minors)
{
	struct xfb_vdev v;

	CHECK_EQ(xfb_vdev_decode(vdev, &v), 0);
	if (strcmp(v.name, name)) {
		fprintf(stderr, "vdev %#x: name %s, expected %s\n", vdev, v.name, name);
		CHECK(0);
	}
	CHECK_EQ(v.first_minor, first_minor);
	CHECK_EQ(v.nr_minors, nr_minors);
}

TEST(vdev_names)
{
	struct xfb_vdev v;

	/* xvd: major 202, 16 minors per disk */
	check_vdev(202 << 8 | 0, "xvda", 0, 16);
	check_vdev(202 << 8 | 16, "xvdb", 16, 16);
	check_vdev(202 << 8 | 17, "xvdb1", 17, 1);
	check_vdev(202 << 8 | 255, "xvdp15", 255, 1);
	/* hd: 64 minors per disk, partitions dropped, hdc is the third disk */
	check_vdev(3 << 8 | 0, "xvda", 0, 16);
	check_vdev(3 << 8 | 65, "xvdb", 16, 16);
	check_vdev(22 << 8 | 0, "xvdc", 32, 16);
	check_vdev(22 << 8 | 64, "xvdd", 48, 16);
	/* sd: 16 per disk, later majors continue the numbering */
	check_vdev(8 << 8 | 0, "xvda", 0, 16);
	check_vdev(8 << 8 | 33, "xvdc1", 33, 1);
	check_vdev(65 << 8 | 0, "xvdq", 256, 16);
	check_vdev(71 << 8 | 240, "xvddx", 7 * 256 + 240, 16);
	check_vdev(128 << 8 | 0, "xvddy", 8 * 256, 16);
	check_vdev(135 << 8 | 241, "xvdiv1", 15 * 256 + 241, 1);
	/* extended: 256 minors per disk */
	check_vdev(1U << 28 | 0, "xvda", 0, 256);
	check_vdev(1U << 28 | (26 << 8), "xvdaa", 26 << 8, 256);
	check_vdev(1U << 28 | (26 << 8) | 3, "xvdaa3", (26 << 8) | 3, 1);
	check_vdev(1U << 28 | (702 << 8), "xvdaaa", 702 << 8, 256);
	check_vdev(1U << 28 | ((1U << 20) - 1), "xvdfan255", (1U << 20) - 1, 1);
	/* refused */
	CHECK_EQ(xfb_vdev_decode(1U << 28 | (1U << 20), &v), -ENODEV);
	CHECK_EQ(xfb_vdev_decode(2U << 28, &v), -ENODEV);
	CHECK_EQ(xfb_vdev_decode(9 << 8, &v), -ENODEV);
	CHECK_EQ(xfb_vdev_decode(0xffffffff, &v), -ENODEV);
}

int main(void)
{
	RUN(parse_numbers);
	RUN(parse_vdev);
	RUN(talk_healthy_backend);
	RUN(talk_ring_order_not_offered);
	RUN(talk_bad_values);
	RUN(connect_healthy_backend);
	RUN(connect_required_values);
	RUN(connect_optional_values);
	RUN(sectors_for_resize);
	RUN(vdev_names);
	return harness_done();
}
