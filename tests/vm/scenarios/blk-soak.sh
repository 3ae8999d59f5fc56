# SPDX-License-Identifier: GPL-2.0-only
# blk-soak: XFT_SOAK_CHECKPOINTS checkpoints (default 100) and
# XFT_SOAK_RESTORES save/restore cycles (default 20), interleaved, with the
# probe verifying I/O after each.  The driver's resource counts (grants,
# persistent grants, pages, event channels, requests in flight) must be the
# same before and after: zero growth.  The full run takes about half an
# hour under emulation; its time limit scales with the cycle counts.
. /xft/scenarios/blk-lib.inc

# Counts at a moment with nothing in flight (the probe pauses between rounds).
quiet_stats() {
	local i st
	for i in $(seq 1 30); do
		st=$(blk_stats "$1")
		if [ "$(blk_get "$st" requests_in_flight)" = 0 ] &&
		   [ "$(blk_get "$st" ring_requests_in_flight)" = 0 ]; then
			echo "$st"
			return 0
		fi
	done
	echo "$st"
	return 1
}

bus_stats() {
	xft_gexec "$1" "cd /sys/bus/xen/devices/vbd-$BLK_VBD/xenfront && for f in freezes thaws restores refused corrections resume_failures evtchns; do printf '%s=%s ' \$f \"\$(cat \$f)\"; done"
}

blk_soak_main() {
	local nck=${XFT_SOAK_CHECKPOINTS:-100} nrs=${XFT_SOAK_RESTORES:-20}
	local why before after k a b per ck=0 rs=0 j bad="" t0
	if [ "$XFT_DRV" != built ]; then
		xft_skip blk-soak "reads xenfront-pm's blkfront sysfs"
		return
	fi
	why=$(xft_guest_start g1 1) || { xft_fail blk-soak "boot: $why"; return; }
	before=$(quiet_stats g1) || xft_say "blk-soak: (never saw the disk idle before)"
	xft_say "blk-soak: before: $(blk_resources "$before")"
	per=$(( (nck + nrs) / (nrs + 1) ))
	[ "$per" -ge 1 ] || per=1
	t0=$(xft_now)
	while [ $ck -lt "$nck" ] || [ $rs -lt "$nrs" ]; do
		j=0
		while [ $j -lt $per ] && [ $ck -lt "$nck" ]; do
			why=$(xft_cycle g1 checkpoint) ||
				{ xft_fail blk-soak "checkpoint $((ck + 1)): $why"; return; }
			ck=$((ck + 1))
			j=$((j + 1))
		done
		if [ $rs -lt "$nrs" ]; then
			why=$(xft_cycle g1 restore) ||
				{ xft_fail blk-soak "restore $((rs + 1)): $why"; return; }
			rs=$((rs + 1))
		fi
		xft_say "blk-soak: $ck checkpoints, $rs restores ($(xft_since "$t0")s)"
	done
	why=$(xft_wait_progress g1 "$(xft_snap g1)" 3 120) ||
		{ xft_fail blk-soak "at the end: $why"; return; }
	after=$(quiet_stats g1) || xft_say "blk-soak: (never saw the disk idle after)"
	xft_say "blk-soak: after: $(blk_resources "$after")"
	xft_say "blk-soak: bus: $(bus_stats g1)"
	for k in grants_in_use persistent_grants pages_allocated event_channels \
		requests_in_flight ring_requests_in_flight; do
		b=$(blk_get "$before" $k)
		a=$(blk_get "$after" $k)
		[ -n "$a" ] && [ "$a" = "$b" ] || bad="$bad $k:$b->$a"
	done
	for k in requests_failed responses_malformed xenstore_invalid grants_deferred; do
		a=$(blk_get "$after" $k)
		[ "$a" = 0 ] || bad="$bad $k=$a"
	done
	a=$(blk_get "$after" connections)
	[ "$a" = $((nrs + 1)) ] || bad="$bad connections=$a(want $((nrs + 1)))"
	if [ -n "$bad" ]; then
		xft_fail blk-soak "after $ck checkpoints and $rs restores:$bad"
		return
	fi
	xft_pass blk-soak "$ck checkpoints, $rs restores, no growth: $(blk_resources "$after" | cut -d' ' -f1-4)"
}
sc_timeout() { xft_cycles_timeout "${XFT_SOAK_CHECKPOINTS:-100}" "${XFT_SOAK_RESTORES:-20}"; }
sc_main() { blk_soak_main; }
