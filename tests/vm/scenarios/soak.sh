# SPDX-License-Identifier: GPL-2.0-only
# soak: many checkpoints and save/restores in a row, the probe verifying
# block and network I/O after each; XFT_SOAK_CHECKPOINTS (default 30) and
# XFT_SOAK_RESTORES (default 5).  With our drivers this is blk-soak (no
# growth of grants, pages, event channels, requests) followed by net-soak
# (counters within bounds, nothing left once the vif is removed); with the
# in-tree drivers the same operations with the probe's verification only.
. /xft/scenarios/blk-soak.sh
. /xft/scenarios/net-soak.sh

XFT_SOAK_CHECKPOINTS=${XFT_SOAK_CHECKPOINTS:-30}
XFT_SOAK_RESTORES=${XFT_SOAK_RESTORES:-5}
XFT_NET_SOAK_CHECKPOINTS=${XFT_NET_SOAK_CHECKPOINTS:-$XFT_SOAK_CHECKPOINTS}
XFT_NET_SOAK_RESTORES=${XFT_NET_SOAK_RESTORES:-$XFT_SOAK_RESTORES}

soak_plain() {
	local nck=$XFT_SOAK_CHECKPOINTS nrs=$XFT_SOAK_RESTORES why i t0
	why=$(xft_guest_start g1 1) || { xft_fail soak "boot: $why"; return; }
	t0=$(xft_now)
	for i in $(seq 1 "$nck"); do
		why=$(xft_cycle g1 checkpoint) || { xft_fail soak "checkpoint $i: $why"; return; }
	done
	for i in $(seq 1 "$nrs"); do
		why=$(xft_cycle g1 restore) || { xft_fail soak "restore $i: $why"; return; }
	done
	why=$(xft_wait_progress g1 "$(xft_snap g1)" 3 120) || { xft_fail soak "at the end: $why"; return; }
	xft_pass soak "$nck checkpoints, $nrs restores in $(xft_since "$t0")s, $why"
}

sc_timeout() {
	local n
	n=$(xft_cycles_timeout "$XFT_SOAK_CHECKPOINTS" "$XFT_SOAK_RESTORES")
	[ "$XFT_DRV" = built ] &&
		n=$((n + $(xft_cycles_timeout "$XFT_NET_SOAK_CHECKPOINTS" "$XFT_NET_SOAK_RESTORES")))
	echo "$n"
}

sc_main() {
	if [ "$XFT_DRV" = built ]; then
		blk_soak_main
		xft_cleanup
		net_soak_main
	else
		soak_plain
	fi
}
