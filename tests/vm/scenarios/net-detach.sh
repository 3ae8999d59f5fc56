# SPDX-License-Identifier: GPL-2.0-only
# net-detach: hot unplug and re-attach of the guest's vif under traffic
# ("xl network-detach" / "xl network-attach"), several times.  Network soft
# errors are expected while the vif is away; data mismatches, kernel
# warnings and resources left behind by a removed device are not.
. /xft/scenarios/net-lib.inc

nft_wait_guest_vifs() {
	# nft_wait_guest_vifs GUEST COUNT TIMEOUT: wait until the guest has COUNT vif devices
	local t0 n
	t0=$(xft_now)
	while :; do
		n=$(nft_gx "$1" "ls /sys/bus/xen/devices | grep -c '^vif-'")
		[ "$n" = "$2" ] && return 0
		[ "$(xft_since "$t0" | cut -d. -f1)" -ge "$3" ] && { echo "guest has '$n' vifs, want $2"; return 1; }
		sleep 1
	done
}

net_detach_main() {
	local why snap i idx out left live ours=0 n=${XFT_NET_DETACH_CYCLES:-3}
	why=$(xft_guest_start g1 1) || { xft_fail net-detach "boot: $why"; return; }
	nft_ours g1 && ours=1
	nft_iperf_server
	for i in $(seq 1 "$n"); do
		snap=$(xft_snap g1)
		# bulk traffic from the guest while the vif goes away
		nft_gx g1 "/usr/bin/iperf3 -c 10.0.0.1 -t 20 > /tmp/iperf-detach.log 2>&1 &" >/dev/null
		sleep 3
		idx=$(nft_vif_idx g1)
		out=$(xl network-detach g1 "$idx" 2>&1) ||
			{ xft_fail net-detach "cycle $i: xl network-detach $idx: $(echo "$out" | tail -n 2)"; return; }
		why=$(nft_wait_guest_vifs g1 0 60) || { xft_fail net-detach "cycle $i: $why"; return; }
		if [ $ours = 1 ]; then
			left=$(nft_totals g1 leftover)
			live=$(nft_totals g1 live)
			xft_say "cycle $i: vif $idx detached; driver totals: live '$live', left by removed devices '$left'"
			case "$left" in
			"grants=0 rx_posted=0 tx_skbs=0 pages=0") ;;
			*) xft_fail net-detach "cycle $i: removed device left resources: $left"; return ;;
			esac
		fi
		out=$(xl network-attach g1 mac=00:16:3e:00:00:0b bridge=xenbr0 script=/etc/xen/scripts/xfvif 2>&1) ||
			{ xft_fail net-detach "cycle $i: xl network-attach: $(echo "$out" | tail -n 2)"; return; }
		why=$(nft_wait_guest_vifs g1 1 60) || { xft_fail net-detach "cycle $i: re-attach: $why"; return; }
		if ! why=$(xft_wait_progress g1 "$snap" 3 180); then
			xft_fail net-detach "cycle $i: after re-attach: $why"
			return
		fi
		xft_say "cycle $i: re-attached as vif $(nft_vif_idx g1) ($(nft_gx g1 "ls /sys/class/net | grep eth | tr '\n' ' '")), $why"
	done
	nft_iperf_stop
	if [ $ours = 1 ]; then
		out="resources $(nft_attr g1 resources), malformed $(nft_attr g1 malformed)"
	else
		out="in-tree driver"
	fi
	xft_pass net-detach "$n detach/attach cycles under traffic; $out; $why"
}
sc_main() { net_detach_main; }
