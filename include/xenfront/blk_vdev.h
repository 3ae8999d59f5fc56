/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual device numbers (the frontend's "virtual-device" node) to Linux
 * disk names and minor numbers, the way the in-tree xen-blkfront does it, so
 * that a guest keeps its device names when this driver replaces it:
 *
 *  - xvd numbers (major 202): 16 minors per disk, xvda = 202:0, xvdb = 202:16;
 *  - the extended form (bit 28 set): 256 minors per disk, disk = number / 256;
 *  - emulated IDE majors 3 and 22: two disks per major, each becomes a whole
 *    xvd disk (hda -> xvda, hdc -> xvdc);
 *  - emulated SCSI majors 8, 65-71 and 128-135: 16 disks per major, sda ->
 *    xvda, partitions kept.
 *
 * Names: "xvd" + disk index in letters (a..z, aa..zz, aaa...) + the partition
 * number when the number names a partition.  All devices use major 202.
 */
#ifndef XENFRONT_BLK_VDEV_H
#define XENFRONT_BLK_VDEV_H

#include <xenfront/types.h>

#define XFB_VDEV_MAJOR		202
#define XFB_VDEV_EXT_BIT	(1U << 28)
#define XFB_MINORBITS		20
#define XFB_PARTS_PER_DISK	16
#define XFB_PARTS_PER_EXT_DISK	256
#define XFB_DISK_NAME_LEN	32

struct xfb_vdev {
	u32 first_minor;	/* under major 202 */
	u32 nr_minors;		/* whole disk: 16 or 256; a partition: 1 */
	u32 index;		/* disk index: 0 = xvda */
	u32 part;		/* partition number, 0 for a whole disk */
	bool extended;
	u32 src_major;		/* major encoded in the number (202 if extended) */
	char name[XFB_DISK_NAME_LEN];
};

/* Decode a virtual device number.  0, or -ENODEV for numbers we do not map. */
int xfb_vdev_decode(u32 vdevice, struct xfb_vdev *v);

#endif /* XENFRONT_BLK_VDEV_H */
