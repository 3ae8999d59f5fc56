// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_XENBUS_READ_DRIVER_STATE_DEV: xenbus_read_driver_state() takes the
 * xenbus_device besides the path, so that it can report a device whose
 * xenstore entries vanished (struct xenbus_device.vanished).  Not in
 * Debian's 6.12; in 7.2.  Before, it took the path alone.
 */
#include <xen/xenbus.h>
enum xenbus_state xfpm_probe(const struct xenbus_device *d);
enum xenbus_state xfpm_probe(const struct xenbus_device *d)
{
	return xenbus_read_driver_state(d, d->otherend);
}
