// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_KMAP_LOCAL_PAGE: kmap_local_page() / kunmap_local().
 * "mm/highmem: Provide kmap_local*" (v5.11); kmap_atomic() before.
 */
#include <linux/highmem.h>
void *xfpm_probe(struct page *p);
void *xfpm_probe(struct page *p)
{
	void *v = kmap_local_page(p);

	kunmap_local(v);
	return v;
}
