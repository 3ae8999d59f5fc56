// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkfront: checking what the backend wrote to xenstore and deciding
 * the features of the connection.  See blk_xs.h for the policy.
 */
#include <xenfront/blk_xs.h>

static const char * const xs_keys[XFB_NR_XS] = {
	[XFB_XS_MAX_QUEUES] = "multi-queue-max-queues",
	[XFB_XS_MAX_RING_ORDER] = "max-ring-page-order",
	[XFB_XS_SECTORS] = "sectors",
	[XFB_XS_INFO] = "info",
	[XFB_XS_SECTOR_SIZE] = "sector-size",
	[XFB_XS_PHYS_SECTOR_SIZE] = "physical-sector-size",
	[XFB_XS_FLUSH] = "feature-flush-cache",
	[XFB_XS_BARRIER] = "feature-barrier",
	[XFB_XS_DISCARD] = "feature-discard",
	[XFB_XS_DISCARD_GRAN] = "discard-granularity",
	[XFB_XS_DISCARD_ALIGN] = "discard-alignment",
	[XFB_XS_DISCARD_SECURE] = "discard-secure",
	[XFB_XS_PERSISTENT] = "feature-persistent",
	[XFB_XS_MAX_INDIRECT] = "feature-max-indirect-segments",
};

const char *xfb_xs_key(enum xfb_xs_field f)
{
	return (unsigned int)f < XFB_NR_XS ? xs_keys[f] : "?";
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_blanks(const char *s)
{
	while (*s && is_blank(*s))
		s++;
	return s;
}

static int digit_value(char c, unsigned int base)
{
	unsigned int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return v < base ? (int)v : -1;
}

/* Digits in base, then only blanks.  Overflow and values above max: -ERANGE. */
static int parse_base(const char *s, unsigned int base, u64 max, u64 *out)
{
	bool any = false, big = false;
	u64 v = 0;
	int d;

	while ((d = digit_value(*s, base)) >= 0) {
		if (v > (~0ULL - (u64)d) / base)
			big = true;
		else
			v = v * base + (u64)d;
		any = true;
		s++;
	}
	if (!any || *skip_blanks(s))
		return -EINVAL;
	if (big || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int xfb_parse_u64(const char *s, u64 max, u64 *out)
{
	if (!s)
		return -EINVAL;
	return parse_base(skip_blanks(s), 10, max, out);
}

int xfb_parse_vdev(const char *s, u32 *out)
{
	unsigned int base = 10;
	u64 v;
	int err;

	if (!s)
		return -EINVAL;
	s = skip_blanks(s);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
		s++;
	}
	err = parse_base(s, base, 0xffffffffULL, &v);
	if (!err)
		*out = (u32)v;
	return err;
}

int xfb_parse_sectors(const char *raw, u64 *sectors)
{
	return xfb_parse_u64(raw, XFB_XS_SECTORS_LIMIT, sectors);
}

/*
 * An optional number: absent -> def (valid); present and bad -> def, and the
 * field is marked invalid.
 */
static u64 opt_u64(const char *const raw[], enum xfb_xs_field f, u64 max, u64 def,
		   u32 *invalid)
{
	u64 v;

	if (!raw[f])
		return def;
	if (xfb_parse_u64(raw[f], max, &v)) {
		*invalid |= 1U << f;
		return def;
	}
	return v;
}

static bool opt_bool(const char *const raw[], enum xfb_xs_field f, u32 *invalid)
{
	return opt_u64(raw, f, 1, 0, invalid) == 1;
}

static bool is_pow2(u64 v)
{
	return v && !(v & (v - 1));
}

static u32 min_u32(u32 a, u32 b)
{
	return a < b ? a : b;
}

void xfb_negotiate_talk(const char *const raw[XFB_NR_XS], const struct xfb_params *p,
			struct xfb_talk *t)
{
	u64 v;

	memset(t, 0, sizeof(*t));

	/* queues: absent means one; zero is not a queue count */
	v = opt_u64(raw, XFB_XS_MAX_QUEUES, XFB_XS_QUEUES_LIMIT, 1, &t->invalid);
	if (!v) {
		t->invalid |= 1U << XFB_XS_MAX_QUEUES;
		v = 1;
	}
	t->nr_queues = min_u32((u32)v, p->max_queues ? p->max_queues : 1);
	if (t->nr_queues > XFB_MAX_QUEUES)
		t->nr_queues = XFB_MAX_QUEUES;

	/* ring: absent means the one-page ring under the legacy key */
	if (raw[XFB_XS_MAX_RING_ORDER] &&
	    !xfb_parse_u64(raw[XFB_XS_MAX_RING_ORDER], XFB_XS_RING_ORDER_LIMIT, &v)) {
		t->multi_page = true;
		t->ring_order = min_u32((u32)v, min_u32(p->max_ring_order, XFB_MAX_RING_ORDER));
	} else {
		if (raw[XFB_XS_MAX_RING_ORDER])
			t->invalid |= 1U << XFB_XS_MAX_RING_ORDER;
		t->multi_page = false;
		t->ring_order = 0;
	}

	t->persistent = p->persistent && p->trusted;
}

int xfb_negotiate_connect(const char *const raw[XFB_NR_XS], const struct xfb_params *p,
			  bool offered_persistent, struct xfb_disk *d)
{
	u64 v;
	int fatal = 0;

	memset(d, 0, sizeof(*d));

	/* required */
	if (xfb_parse_u64(raw[XFB_XS_SECTORS], XFB_XS_SECTORS_LIMIT, &v)) {
		d->invalid |= 1U << XFB_XS_SECTORS;
		fatal = -EINVAL;
	} else {
		d->sectors = v;
	}
	if (xfb_parse_u64(raw[XFB_XS_INFO], 0xffffffffULL, &v)) {
		d->invalid |= 1U << XFB_XS_INFO;
		fatal = -EINVAL;
	} else {
		d->info = (u32)v;
	}
	if (xfb_parse_u64(raw[XFB_XS_SECTOR_SIZE], XFB_PAGE_SIZE, &v) || !is_pow2(v) ||
	    v < 512) {
		d->invalid |= 1U << XFB_XS_SECTOR_SIZE;
		fatal = -EINVAL;
		v = 512;
	}
	d->sector_size = (u32)v;

	/* the physical sector is a power of two no smaller than the logical one */
	v = opt_u64(raw, XFB_XS_PHYS_SECTOR_SIZE, XFB_XS_PSS_LIMIT, d->sector_size,
		    &d->invalid);
	if (!is_pow2(v) || v < d->sector_size) {
		d->invalid |= 1U << XFB_XS_PHYS_SECTOR_SIZE;
		v = d->sector_size;
	}
	d->physical_sector_size = (u32)v;

	/* cache control */
	d->conn.flush_cache = opt_bool(raw, XFB_XS_FLUSH, &d->invalid);
	d->conn.barrier = opt_bool(raw, XFB_XS_BARRIER, &d->invalid);

	/* discard: any bad parameter turns the feature off */
	d->conn.discard = opt_bool(raw, XFB_XS_DISCARD, &d->invalid);
	if (d->conn.discard) {
		u32 bad = 0;
		u64 gran, align;

		gran = opt_u64(raw, XFB_XS_DISCARD_GRAN, XFB_XS_DISCARD_LIMIT, 0, &bad);
		align = opt_u64(raw, XFB_XS_DISCARD_ALIGN, XFB_XS_DISCARD_LIMIT, 0, &bad);
		if (gran % d->sector_size)
			bad |= 1U << XFB_XS_DISCARD_GRAN;
		if ((align % 512) || (align && align >= (gran ? gran : d->physical_sector_size)))
			bad |= 1U << XFB_XS_DISCARD_ALIGN;
		d->conn.secure_discard = opt_bool(raw, XFB_XS_DISCARD_SECURE, &bad);
		if (bad) {
			d->invalid |= bad;
			d->conn.discard = false;
			d->conn.secure_discard = false;
		} else {
			d->discard_granularity = (u32)gran;
			d->discard_alignment = (u32)align;
		}
	}

	/* persistent grants: both sides must want them */
	d->persistent = opt_bool(raw, XFB_XS_PERSISTENT, &d->invalid) && offered_persistent &&
			p->trusted;

	/* indirect descriptors: worth it only above the direct segment count */
	v = opt_u64(raw, XFB_XS_MAX_INDIRECT, XFB_XS_INDIRECT_LIMIT, 0, &d->invalid);
	if (v > p->max_indirect_segs)
		v = p->max_indirect_segs;
	if (v > XFB_MAX_SEGS)
		v = XFB_MAX_SEGS;
	d->conn.max_indirect_segs = v > XFB_SEGS_DIRECT ? (u32)v : 0;

	return fatal;
}
