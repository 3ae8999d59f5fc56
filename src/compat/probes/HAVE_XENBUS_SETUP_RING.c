// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_XENBUS_SETUP_RING: xenbus_setup_ring() / xenbus_teardown_ring().
 * "xen/xenbus: add xenbus_setup_ring() service function" (v5.18).
 */
#include <xen/xenbus.h>
int xfpm_probe(struct xenbus_device *d, void **v, grant_ref_t *g);
int xfpm_probe(struct xenbus_device *d, void **v, grant_ref_t *g)
{
	int rc = xenbus_setup_ring(d, GFP_KERNEL, v, 1, g);

	xenbus_teardown_ring(v, 1, g);
	return rc;
}
