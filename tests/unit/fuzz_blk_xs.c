// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: arbitrary xenstore values (every node xen-blkfront reads
 * from the backend, plus the frontend's virtual-device number) and module
 * parameters, against the checks and decisions of src/ring/blk_xs.c and
 * src/ring/blk_vdev.c.  Whatever a backend writes, the decisions must stay
 * within what the frontend offered and what the protocol can carry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <xenfront/blk_vdev.h>
#include <xenfront/blk_xs.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PROMISE(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "broken promise: %s (line %d)\n", #cond, __LINE__); \
		abort();						\
	}								\
} while (0)

static bool pow2(u64 v)
{
	return v && !(v & (v - 1));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[XFB_NR_XS + 1][40];
	const char *raw[XFB_NR_XS];
	struct xfb_params p;
	struct xfb_talk t;
	struct xfb_disk d;
	struct xfb_vdev v;
	size_t pos = 0;
	u32 vdev;
	int i, err;

	if (size < 6)
		return 0;
	p.max_queues = data[0] % 8 + 1;
	p.max_ring_order = data[1] % 6;
	p.max_indirect_segs = data[2] * 3u;
	p.persistent = data[3] & 1;
	p.trusted = data[3] & 2;
	pos = 4;

	/* each field: absent, or a string cut from the input at a ';' */
	for (i = 0; i <= XFB_NR_XS; i++) {
		size_t n = 0;

		while (pos < size && data[pos] != ';' && n < sizeof(buf[i]) - 1)
			buf[i][n++] = (char)data[pos++];
		buf[i][n] = 0;
		if (pos < size)
			pos++;
		if (i < XFB_NR_XS)
			raw[i] = n == 1 && buf[i][0] == '~' ? NULL : buf[i];
	}

	xfb_negotiate_talk(raw, &p, &t);
	PROMISE(t.nr_queues >= 1 && t.nr_queues <= p.max_queues);
	PROMISE(t.ring_order <= p.max_ring_order && t.ring_order <= XFB_MAX_RING_ORDER);
	PROMISE(t.multi_page || t.ring_order == 0);
	PROMISE(!t.persistent || (p.persistent && p.trusted));
	PROMISE(!(t.invalid & ~((1U << XFB_XS_MAX_QUEUES) | (1U << XFB_XS_MAX_RING_ORDER))));

	err = xfb_negotiate_connect(raw, &p, t.persistent, &d);
	PROMISE(err == 0 || err == -EINVAL);
	PROMISE(!err == !(d.invalid & ((1U << XFB_XS_SECTORS) | (1U << XFB_XS_INFO) |
				       (1U << XFB_XS_SECTOR_SIZE))));
	PROMISE(pow2(d.sector_size) && d.sector_size >= 512 && d.sector_size <= 4096);
	PROMISE(pow2(d.physical_sector_size) && d.physical_sector_size >= d.sector_size);
	PROMISE(d.sectors <= XFB_XS_SECTORS_LIMIT);
	PROMISE(d.conn.max_indirect_segs == 0 ||
		(d.conn.max_indirect_segs > XFB_SEGS_DIRECT &&
		 d.conn.max_indirect_segs <= p.max_indirect_segs &&
		 d.conn.max_indirect_segs <= XFB_MAX_SEGS));
	PROMISE(!d.persistent || (t.persistent && p.trusted));
	PROMISE(!d.conn.secure_discard || d.conn.discard);
	if (d.conn.discard) {
		PROMISE(d.discard_granularity % d.sector_size == 0);
		PROMISE(d.discard_alignment % 512 == 0);
		PROMISE(!d.discard_alignment ||
			d.discard_alignment < (d.discard_granularity ? d.discard_granularity :
					       d.physical_sector_size));
	}
	PROMISE(xfb_conn_max_segs(&d.conn) >= XFB_SEGS_DIRECT &&
		xfb_conn_max_segs(&d.conn) <= XFB_MAX_SEGS);

	/* the last string is a virtual-device number */
	if (!xfb_parse_vdev(buf[XFB_NR_XS], &vdev) && !xfb_vdev_decode(vdev, &v)) {
		size_t len = strnlen(v.name, sizeof(v.name));

		PROMISE(len < sizeof(v.name) && len >= 4);
		PROMISE(!memcmp(v.name, "xvd", 3));
		PROMISE(v.first_minor + v.nr_minors <= (1U << XFB_MINORBITS));
		PROMISE(v.nr_minors == 1 || v.nr_minors == XFB_PARTS_PER_DISK ||
			v.nr_minors == XFB_PARTS_PER_EXT_DISK);
		PROMISE(v.first_minor % v.nr_minors == 0);
		PROMISE((v.part == 0) == (v.nr_minors > 1));
	}
	return 0;
}
