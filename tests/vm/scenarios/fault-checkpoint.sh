# SPDX-License-Identifier: GPL-2.0-only
# fault-checkpoint: a device's freeze, freeze_late or freeze_noirq fails
# during "xl save -c".  With the shim: the checkpoint fails cleanly, I/O goes
# on, the kernel log stays clean, the suspend record names the failed stage
# and the corrections made, the next checkpoint succeeds and finally a
# save/restore succeeds.
. /xft/scenarios/fault.inc

sc_main() {
	xft_fault_run checkpoint
}

# xft_fault_run checkpoint|save
xft_fault_run() {
	local kind=$1 why snap out stage inj rec failed fixes t want
	local name=fault-$kind
	if [ "$XFT_DRV" != built ]; then
		xft_skip $name "needs the shim (built drivers); the no-shim case is fault-baseline"
		return
	fi
	why=$(xft_guest_start g1 1) || { xft_fail $name "boot: $why"; return; }
	for stage in ${XFT_FAULT_STAGES:-freeze freeze_late freeze_noirq}; do
		t=$(xft_now)
		out=$(xft_fault_arm g1 "$stage")
		[ "$out" = armed ] || { xft_fail "$name:$stage" "cannot arm: $out"; return; }
		snap=$(xft_snap g1)
		if [ "$kind" = checkpoint ]; then
			out=$(xl save -c g1 /tmp/ck.save 2>&1)
		else
			out=$(xl save g1 /tmp/g1.save 2>&1)
		fi
		rc=$?
		rm -f /tmp/ck.save /tmp/g1.save
		inj=$(xft_fault_injected g1)
		if [ "$inj" != 1 ]; then
			xft_fail "$name:$stage" "fault not injected (injected=$inj, xl rc=$rc)"
			return
		fi
		if [ $rc = 0 ]; then
			xft_fail "$name:$stage" "xl save succeeded although the guest failed to suspend"
			return
		fi
		if ! why=$(xft_wait_progress g1 "$snap" 3 120); then
			xft_fail "$name:$stage" "after the failed suspend: $why"
			return
		fi
		rec=$(xft_last_cycle g1)
		set -- $rec
		failed=$7 fixes=$9
		case $stage in freeze) want=freeze ;; *) want=freeze-late-noirq ;; esac
		if [ "$failed" != "$want" ]; then
			xft_fail "$name:$stage" "suspend record names stage '$failed': $rec"
			return
		fi
		# rebuild the xfpm_fault counter for the next stage
		xft_gexec g1 "rmmod xfpm_fault; insmod /lib/xft/extra/xfpm_fault.ko fail_count=0" >/dev/null
		xft_pass "$name:$stage" "xl failed after $(xft_since "$t")s; guest: failed at $failed, fixes $fixes; $why"
	done
	# the guest accepts the next suspend requests
	snap=$(xft_snap g1)
	if ! out=$(xl save -c g1 /tmp/ck.save 2>&1); then
		xft_fail "$name:after" "next checkpoint failed: $(echo "$out" | tail -n 2)"
		return
	fi
	rm -f /tmp/ck.save
	why=$(xft_wait_progress g1 "$snap" 3 120) || { xft_fail "$name:after" "after the next checkpoint: $why"; return; }
	snap=$(xft_snap g1)
	out=$(xl save g1 /tmp/g1.save 2>&1) || { xft_fail "$name:after" "save: $(echo "$out" | tail -n 2)"; return; }
	out=$(xl restore /tmp/g1.save 2>&1) || { xft_fail "$name:after" "restore: $(echo "$out" | tail -n 2)"; return; }
	rm -f /tmp/g1.save
	why=$(xft_wait_progress g1 "$snap" 3 180) || { xft_fail "$name:after" "after save/restore: $why"; return; }
	xft_pass "$name:after" "next checkpoint and save/restore fine; $why"
}
