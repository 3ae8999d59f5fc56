# SPDX-License-Identifier: GPL-2.0-only
# migrate: live migration to localhost ("xl migrate -s fake-ssh").  PVH
# guests use hardware-assisted log-dirty (hap); a PV guest's log-dirty is
# shadow paging, which Debian's Xen is built without: PV migrates on a
# hypervisor that has it (rig.sh -x 4.17+shadow, tests/vm/xen-shadow.sh)
# and is skipped, with the reason, on any other.
sc_main() {
	local why snap out
	if [ "$XFT_TYPE" = pv ]; then
		why=$(xft_pv_migrate_why)
		[ -z "$why" ] || { xft_skip migrate "$why"; return; }
	fi
	why=$(xft_guest_start g1 1) || { xft_fail migrate "boot: $why"; return; }
	snap=$(xft_snap g1)
	out=$(xft_migrate g1) || { xft_fail migrate "xl migrate: $out"; return; }
	if why=$(xft_wait_progress g1 "$snap" 3 180); then
		xft_pass migrate "domid $(xft_domid g1)$([ "$XFT_TYPE" = pv ] && echo ", log-dirty by shadow paging"), $why"
	else
		xft_fail migrate "after migration: $why"
	fi
}
