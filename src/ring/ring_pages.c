// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared ring pages for the frontends: allocate, grant, end the grants and
 * free.  Part of xenfront-bus.ko.
 */
#define pr_fmt(fmt) "xenfront-bus: " fmt

#include <xenfront/bus.h>
#include <xenfront/compat.h>

int xenfront_ring_alloc(struct xenfront_device *xf, unsigned int order,
			void **vaddr, grant_ref_t *grefs)
{
	return xfpm_setup_ring(xf->xdev, GFP_NOIO | __GFP_HIGH, vaddr, 1U << order, grefs);
}
EXPORT_SYMBOL_GPL(xenfront_ring_alloc);

void xenfront_ring_free(struct xenfront_device *xf, unsigned int order,
			void **vaddr, grant_ref_t *grefs)
{
	/*
	 * A grant the backend still maps is not freed now: the kernel keeps the
	 * page pinned and retries later, so the page never returns to the
	 * allocator while the backend can see it.
	 */
	xfpm_teardown_ring(vaddr, 1U << order, grefs);
}
EXPORT_SYMBOL_GPL(xenfront_ring_free);
