// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_XENBUS_REMOVE_VOID: struct xenbus_driver.remove returns void.
 * "xen: make remove callback of xen driver void returned" (v6.2, also in
 * Debian's 6.1 stable series).
 */
#include <xen/xenbus.h>
static void r(struct xenbus_device *d) { }
struct xenbus_driver xfpm_probe_drv = { .remove = r };
