# SPDX-License-Identifier: GPL-2.0-only
# fault-baseline: the kernel's own behaviour, without the shim, when a
# device's freeze_noirq fails during "xl save -c".  Expected (Debian 5.10,
# 6.1, 6.12): do_suspend() calls xs_resume() on a domain that never
# suspended and the guest hits "kernel BUG" in rebind_evtchn_irq() on the
# xenwatch thread; xenstore and the probe's reports stop.  This check passes
# when the rig sees that failure: it proves the rig detects it.
. /xft/scenarios/fault.inc

sc_main() {
	local why snap out i log=/var/log/xen/console/guest-g1.log bug=""
	why=$(xft_guest_start g1 1) || { xft_fail fault-baseline "boot: $why"; return; }
	if [ "$XFT_DRV" = built ]; then
		out=$(xft_gexec g1 "rmmod xenfront_shim && echo gone")
		[ "$out" = gone ] || { xft_fail fault-baseline "cannot unload the shim: $out"; return; }
	fi
	out=$(xft_fault_arm g1 freeze_noirq)
	[ "$out" = armed ] || { xft_fail fault-baseline "cannot arm: $out"; return; }
	snap=$(xft_snap g1)
	xl save -c g1 /tmp/ck.save >/tmp/baseline-xl.log 2>&1 &
	for i in $(seq 1 90); do
		bug=$(grep -m 1 -E 'kernel BUG at|BUG: ' "$log" | sed 's/^\[ *[0-9.]*\] //')
		[ -n "$bug" ] && break
		sleep 1
	done
	wait
	rm -f /tmp/ck.save
	if [ -n "$bug" ]; then
		why=$(xft_wait_progress g1 "$snap" 3 20) && why="but I/O went on" || why="and the guest stopped: $why"
		xft_pass fault-baseline "expected failure seen: '$bug' $why"
	elif why=$(xft_wait_progress g1 "$snap" 3 60); then
		xft_fail fault-baseline "expected the kernel's failure, but the guest went on cleanly ($why)"
	else
		xft_pass fault-baseline "expected failure seen (no BUG line on the console): $why"
	fi
}
