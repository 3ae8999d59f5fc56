# SPDX-License-Identifier: GPL-2.0-only
# net-basic: the network frontend's negotiated features, ethtool view,
# bulk traffic both ways (TSO/GSO, checksum offload), jumbo frames with
# scatter-gather up to the largest MTU netback takes, and the probe's
# verified stream throughout.
. /xft/scenarios/net-lib.inc

sc_main() {
	local why snap out feat vif mac top ok=1
	why=$(xft_guest_start g1 1) || { xft_fail net-basic "boot: $why"; return; }
	snap=$(xft_snap g1)
	if ! nft_ours g1; then
		xft_skip net-basic "not xenfront-pm's xen-netfront ($XFT_DRV)"
		return
	fi

	out=$(nft_attr g1 link)
	feat=$(nft_attr g1 features)
	xft_say "netfront link: $out; $feat"
	[ "$out" = connected ] || { xft_fail net-features "link is '$out'"; ok=0; }
	case "$feat" in
	*sg=1*gso-tcpv4=1*gso-tcpv6=1*csum=1*csum6=1*) ;;
	*) xft_fail net-features "offloads not negotiated: $feat"; ok=0 ;;
	esac
	mac=$(nft_gx g1 "cat /sys/class/net/eth0/address")
	[ "$mac" = "00:16:3e:00:00:0b" ] || { xft_fail net-features "eth0 mac '$mac'"; ok=0; }
	out=$(nft_gx g1 "/usr/bin/ethtool -i eth0 | head -n 4; /usr/bin/ethtool -l eth0 | tail -n 4 | tr -s '\t ' ' '; /usr/bin/ethtool -k eth0 | grep -E '^(tcp-segmentation-offload|scatter-gather|tx-checksumming|rx-checksumming):' | tr '\n' ' '")
	xft_say "ethtool: $(echo "$out" | tr '\n' ';')"
	echo "$out" | grep -q "driver: vif" || { xft_fail net-ethtool "driver name"; ok=0; }
	echo "$out" | grep -q "tcp-segmentation-offload: on" || { xft_fail net-ethtool "TSO off"; ok=0; }
	[ $ok = 1 ] && xft_pass net-features "$feat, mac $mac"

	# bulk traffic both ways
	nft_iperf_server
	out=$(nft_gx g1 "/usr/bin/iperf3 -c 10.0.0.1 -t 5 -f m 2>&1 | grep -E 'sender|receiver|error' ; /usr/bin/iperf3 -c 10.0.0.1 -t 5 -R -f m 2>&1 | grep -E 'sender|receiver|error'")
	xft_say "iperf3: $(echo "$out" | tr -s ' ' | tr '\n' ';')"
	if [ "$(echo "$out" | grep -c receiver)" = 2 ] && ! echo "$out" | grep -q error; then
		xft_pass net-bulk "guest->dom0 and dom0->guest completed"
	else
		xft_fail net-bulk "$out"
	fi

	# jumbo frames: dom0 side first, then the guest (scatter-gather frames)
	vif=vif$(xft_domid g1).0
	nft_path_mtu "$vif" 9000
	out=$(nft_gx g1 "ip link set eth0 mtu 9000 && ping -c 3 -s 8900 10.0.0.1 2>&1 | tail -n 2; /usr/bin/iperf3 -c 10.0.0.1 -t 3 -f m 2>&1 | grep -E 'receiver|error'; /usr/bin/iperf3 -c 10.0.0.1 -t 3 -R -f m 2>&1 | grep -E 'receiver|error'; ip link set eth0 mtu 1500")
	nft_path_mtu "$vif" 1500
	xft_say "jumbo: $(echo "$out" | tr -s ' ' | tr '\n' ';')"
	if echo "$out" | grep -q " 0% packet loss" && [ "$(echo "$out" | grep -c receiver)" = 2 ]; then
		xft_pass net-jumbo "MTU 9000 ping and bulk both ways"
	else
		xft_fail net-jumbo "$out"
	fi
	nft_iperf_stop

	# the largest MTU: with scatter-gather the guest takes 65535 bytes of
	# frame (MTU 65521) and refuses one more; netback's vif stops at 65517,
	# so a ping filling a 65517-byte packet crosses the ring both ways
	# (some 16 slots each) with the rest of the path set to that
	out=$(nft_gx g1 "ip link set eth0 mtu 65522 2>/dev/null && echo took-65522; ip link set eth0 mtu 65521 && echo took-65521; ip link set eth0 mtu 1500")
	top=65517
	if ! nft_path_mtu "$vif" $top; then
		xft_skip net-mtu-max "dom0's $vif or xenbr0 refused MTU $top"
	else
		out="$out; $(nft_gx g1 "ip link set eth0 mtu $top && ping -c 3 -s $((top - 28)) 10.0.0.1 2>&1 | tail -n 2; ip link set eth0 mtu 1500")"
		xft_say "mtu-max: $(echo "$out" | tr -s ' ' | tr '\n' ';')"
		if echo "$out" | grep -q took-65522; then
			xft_fail net-mtu-max "eth0 took MTU 65522, more than a 65535-byte frame: $out"
		elif ! echo "$out" | grep -q took-65521; then
			xft_fail net-mtu-max "eth0 refused MTU 65521 with scatter-gather: $out"
		elif ! echo "$out" | grep -q "3 packets received, 0% packet loss\|3 received, 0% packet loss"; then
			xft_fail net-mtu-max "ping of $top-byte packets: $out"
		else
			xft_pass net-mtu-max "eth0 takes 65521 not 65522; 3 pings of $top-byte packets both ways"
		fi
	fi
	nft_path_mtu "$vif" 1500

	if why=$(xft_wait_progress g1 "$snap" 3 120); then
		xft_say "counters: $(nft_gx g1 'cat /sys/bus/xen/devices/vif-*/netfront/counters' | tr '\n' ' ')"
		if [ "$(nft_attr g1 malformed)" = 0 ] && [ "$(nft_attr g1 broken)" = 0 ]; then
			xft_pass net-verified "$why, resources $(nft_attr g1 resources)"
		else
			xft_fail net-verified "malformed $(nft_attr g1 malformed) broken $(nft_attr g1 broken)"
		fi
	else
		xft_fail net-verified "$why"
	fi
}
