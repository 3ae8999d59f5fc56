# SPDX-License-Identifier: GPL-2.0-only
# checkpoint: "xl save -c" N times (the guest resumes in the same domain with
# the suspend hypercall returning 1: THAW); I/O must go on after each one.
sc_main() {
	local why snap i t n=${XFT_CHECKPOINTS:-3}
	why=$(xft_guest_start g1 1) || { xft_fail checkpoint "boot: $why"; return; }
	for i in $(seq 1 "$n"); do
		snap=$(xft_snap g1)
		t=$(xft_now)
		if ! why=$(xl save -c g1 /tmp/ckpt.save 2>&1); then
			xft_fail checkpoint "xl save -c #$i failed: $(echo "$why" | tail -n 3)"
			return
		fi
		rm -f /tmp/ckpt.save
		if ! why=$(xft_wait_progress g1 "$snap" 3 120); then
			xft_fail checkpoint "after checkpoint #$i: $why"
			return
		fi
		xft_say "checkpoint #$i took $(xft_since "$t")s to verified I/O"
	done
	xft_pass checkpoint "$n checkpoints, $why"
}
