// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_GNTTAB_END_REF_NO_RO: gnttab_end_foreign_access_ref(ref) without the
 * readonly argument.  "xen/grant-table: remove readonly parameter from
 * functions" (v5.18).
 */
#include <xen/grant_table.h>
int xfpm_probe(grant_ref_t r);
int xfpm_probe(grant_ref_t r) { return gnttab_end_foreign_access_ref(r); }
