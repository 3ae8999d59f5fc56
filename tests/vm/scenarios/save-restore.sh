# SPDX-License-Identifier: GPL-2.0-only
# save-restore: "xl save" then "xl restore": a new domain, the hypercall
# returns 0 (RESTORE) and the frontends reconnect to new backends.
sc_main() {
	local why snap out
	why=$(xft_guest_start g1 1) || { xft_fail save-restore "boot: $why"; return; }
	snap=$(xft_snap g1)
	out=$(xl save g1 /tmp/g1.save 2>&1) || { xft_fail save-restore "xl save: $(echo "$out" | tail -n 3)"; return; }
	out=$(xl restore /tmp/g1.save 2>&1) || { xft_fail save-restore "xl restore: $(echo "$out" | tail -n 3)"; return; }
	rm -f /tmp/g1.save
	if why=$(xft_wait_progress g1 "$snap" 3 180); then
		xft_pass save-restore "$why"
	else
		xft_fail save-restore "after restore: $why"
	fi
}
