// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_GNTTAB_TRY_END_FOREIGN_ACCESS: gnttab_try_end_foreign_access() ends
 * a grant and frees its reference only if the other side no longer maps it.
 * "xen/grant-table: add gnttab_try_end_foreign_access()" (XSA-396, v5.17,
 * backported to the stable series).
 */
#include <xen/grant_table.h>
int xfpm_probe(grant_ref_t r);
int xfpm_probe(grant_ref_t r)
{
	return gnttab_try_end_foreign_access(r);
}
