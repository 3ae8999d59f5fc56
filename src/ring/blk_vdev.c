// SPDX-License-Identifier: GPL-2.0-only
/*
 * xen-blkfront: virtual device numbers to disk names and minors.
 * See blk_vdev.h.
 */
#include <xenfront/blk_vdev.h>

/* Disk index -> letters: 0 a, 25 z, 26 aa, 701 zz, 702 aaa ... */
static u32 index_letters(u32 index, char *out, u32 room)
{
	char tmp[8];
	u32 n = 0, i;
	u64 x = (u64)index + 1;

	/* bijective base 26 */
	while (x && n < sizeof(tmp)) {
		x--;
		tmp[n++] = (char)('a' + x % 26);
		x /= 26;
	}
	if (n >= room)
		return 0;
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
	return n;
}

static u32 put_decimal(u32 v, char *out, u32 room)
{
	char tmp[12];
	u32 n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (n >= room)
		return 0;
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
	return n;
}

/* Classic numbers: major << 8 | minor.  Sets index and minor; -ENODEV if unknown. */
static int decode_classic(u32 major, u32 minor, u32 *index, u32 *out_minor)
{
	const u32 ppd = XFB_PARTS_PER_DISK;

	switch (major) {
	case 3:		/* hda, hdb: 64 minors each, partitions dropped */
		*index = minor / 64;
		*out_minor = *index * ppd;
		return 0;
	case 22:	/* hdc, hdd */
		*index = minor / 64 + 2;
		*out_minor = *index * ppd;
		return 0;
	case 8:		/* sda..sdp */
		*index = minor / ppd;
		*out_minor = minor;
		return 0;
	case 65: case 66: case 67: case 68: case 69: case 70: case 71:
		*index = minor / ppd + (major - 65 + 1) * 16;
		*out_minor = minor + (major - 65 + 1) * 16 * ppd;
		return 0;
	case 128: case 129: case 130: case 131: case 132: case 133: case 134: case 135:
		*index = minor / ppd + (major - 128 + 8) * 16;
		*out_minor = minor + (major - 128 + 8) * 16 * ppd;
		return 0;
	case XFB_VDEV_MAJOR:
		*index = minor / ppd;
		*out_minor = minor;
		return 0;
	default:
		return -ENODEV;
	}
}

int xfb_vdev_decode(u32 vdevice, struct xfb_vdev *v)
{
	u32 parts, minor, index, n;

	memset(v, 0, sizeof(*v));
	if (vdevice >> 28 > 1)
		return -ENODEV;		/* above the extended range */
	if (vdevice & XFB_VDEV_EXT_BIT) {
		minor = vdevice & ~XFB_VDEV_EXT_BIT;
		parts = XFB_PARTS_PER_EXT_DISK;
		index = minor / parts;
		v->extended = true;
		v->src_major = XFB_VDEV_MAJOR;
	} else {
		v->src_major = vdevice >> 8;
		if (decode_classic(vdevice >> 8, vdevice & 0xff, &index, &minor))
			return -ENODEV;
		parts = XFB_PARTS_PER_DISK;
	}
	if (minor >> XFB_MINORBITS)
		return -ENODEV;

	v->index = index;
	if (minor % parts == 0) {
		v->first_minor = minor;
		v->nr_minors = parts;
		v->part = 0;
	} else {
		v->first_minor = minor;
		v->nr_minors = 1;
		v->part = minor % parts;
	}

	memcpy(v->name, "xvd", 3);
	n = index_letters(index, v->name + 3, sizeof(v->name) - 3);
	if (!n)
		return -ENODEV;
	if (v->part && !put_decimal(v->part, v->name + 3 + n, sizeof(v->name) - 3 - n))
		return -ENODEV;
	return 0;
}
