// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_GNTTAB_END_ACCESS_PAGE: gnttab_end_foreign_access(ref, struct page *).
 * "xen/grant-table: remove readonly parameter from functions" and the
 * XSA-396 follow-ups (v5.18); older kernels take (ref, readonly, vaddr).
 */
#include <xen/grant_table.h>
void xfpm_probe(grant_ref_t r, struct page *p);
void xfpm_probe(grant_ref_t r, struct page *p)
{
	gnttab_end_foreign_access(r, p);
}
