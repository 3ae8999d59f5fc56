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
	if ! out=$(xl migrate -s /xft/fake-ssh g1 localhost 2>&1); then
		echo "$out" | tail -n 25 | while read -r l; do xft_say "  xl: $l"; done
		xl dmesg 2>/dev/null | tail -n 15 | while read -r l; do xft_say "  xen: $l"; done
		xft_fail migrate "xl migrate: $(echo "$out" | grep -v '^ *$' | tail -n 3 | tr '\n' ' ')"
		return
	fi
	if why=$(xft_wait_progress g1 "$snap" 3 180); then
		xft_pass migrate "domid $(xft_domid g1), $why"
	else
		xft_fail migrate "after migration: $why"
	fi
}
