# SPDX-License-Identifier: GPL-2.0-only
# migrate: live migration to localhost ("xl migrate -s fake-ssh").  Only PVH
# can migrate here: PV live migration needs shadow paging (log-dirty), which
# Debian's Xen is built without.
sc_main() {
	local why snap out
	if [ "$XFT_TYPE" = pv ]; then
		xft_skip migrate "PV live migration needs shadow paging, absent from Debian's Xen build"
		return
	fi
	why=$(xft_guest_start g1 1) || { xft_fail migrate "boot: $why"; return; }
	snap=$(xft_snap g1)
	out=$(xft_migrate g1) || { xft_fail migrate "xl migrate: $out"; return; }
	if why=$(xft_wait_progress g1 "$snap" 3 180); then
		xft_pass migrate "domid $(xft_domid g1), $why"
	else
		xft_fail migrate "after migration: $why"
	fi
}
