# SPDX-License-Identifier: GPL-2.0-only
# net-announce: after "xl save" + "xl restore" (and, for PVH, a live
# migration) the guest must announce itself on the network: dom0 sees a
# gratuitous ARP for the guest's address on xenbr0, the bridge learns the
# guest's MAC on the new port, and the verified stream goes on.  Our
# netfront also keeps the carrier through the reconnection (the in-tree one
# drops it, which flushes the guest's neighbour entries and its qdisc): the
# interface's carrier_changes must not move.
. /xft/scenarios/net-lib.inc

# nft_move GUEST HOW: restore or migrate it; prints an error on failure
nft_move() {
	local out
	case $2 in
	restore)
		out=$(xl save "$1" /tmp/$1.save 2>&1) || { echo "xl save: $(echo "$out" | tail -n 2)"; return 1; }
		out=$(xl restore /tmp/$1.save 2>&1) || { echo "xl restore: $(echo "$out" | tail -n 2)"; return 1; }
		rm -f /tmp/$1.save
		;;
	migrate)
		out=$(xft_migrate "$1") || { echo "xl migrate: $out"; return 1; }
		;;
	esac
}

# nft_bridge_port BRIDGE MAC: "port N (IFACE)" where BRIDGE learned MAC, from
# the kernel's forwarding table in sysfs (busybox's brctl may be built
# without showmacs): 16-byte entries, MAC first, then the port number's low
# byte, is_local, the ageing timer (4 bytes) and the port number's high byte
nft_bridge_port() {
	local br=$1 mac=$2 hex no i
	hex=$(od -An -v -tx1 -w16 "/sys/class/net/$br/brforward" 2>/dev/null |
		awk -v m="$mac" '$1 ":" $2 ":" $3 ":" $4 ":" $5 ":" $6 == m && $8 == "00" { print $13 $7; exit }')
	[ -n "$hex" ] || return 0
	no=$((0x$hex))
	for i in /sys/class/net/$br/brif/*; do
		[ "$(($(cat "$i/port_no")))" = "$no" ] && { echo "port $no (${i##*/})"; return 0; }
	done
	echo "port $no"
}

# carrier_changes of the guest's (first) vif interface
nft_carrier_changes() {
	nft_gx "$1" 'for d in /sys/bus/xen/devices/vif-*/net/*; do cat $d/carrier_changes; break; done 2>/dev/null'
}

nft_check_announce() {
	local how=$1 snap w t0 a0 a1 c0 c1 line why port
	snap=$(xft_snap g1)
	a0=$(nft_attr g1 announces)
	c0=$(nft_carrier_changes g1)
	xfprobe arpwatch xenbr0 240 10.0.0.11 > /tmp/garp-$how.log 2>&1 &
	w=$!
	sleep 1
	t0=$(xft_now)
	if ! why=$(nft_move g1 "$how"); then
		kill $w 2>/dev/null
		xft_fail "net-announce-$how" "$why"
		return 1
	fi
	# the announcement comes right after the backend connects
	while ! grep -q '^garp' /tmp/garp-$how.log && [ "$(xft_since "$t0" | cut -d. -f1)" -lt 90 ]; do
		sleep 1
	done
	line=$(grep '^garp' /tmp/garp-$how.log | head -n 1)
	xft_say "$how: first gratuitous ARP $(xft_since "$t0")s after the $how began: ${line:-none}"
	if ! why=$(xft_wait_progress g1 "$snap" 3 180); then
		kill $w 2>/dev/null
		xft_fail "net-announce-$how" "after the $how: $why"
		return 1
	fi
	kill $w 2>/dev/null
	a1=$(nft_attr g1 announces)
	c1=$(nft_carrier_changes g1)
	port=$(nft_bridge_port xenbr0 00:16:3e:00:00:0b)
	if [ -z "$line" ] || [ -z "$port" ]; then
		xft_fail "net-announce-$how" "no gratuitous ARP seen ('$(tail -n 1 /tmp/garp-$how.log)'), bridge: '$port', driver announces $a0 -> $a1"
	elif [ -z "$c0" ] || [ -z "$c1" ]; then
		xft_fail "net-announce-$how" "cannot read the interface's carrier_changes ('$c0' -> '$c1')"
	elif nft_ours g1 && [ "$c0" != "$c1" ]; then
		xft_fail "net-announce-$how" "our netfront dropped the carrier: carrier_changes $c0 -> $c1"
	else
		xft_pass "net-announce-$how" "dom0 saw '$line' on xenbr0; bridge learned the MAC on $port; driver announces $a0 -> $a1; carrier_changes $c0 -> $c1; $why"
	fi
}

sc_main() {
	local why
	why=$(xft_guest_start g1 1) || { xft_fail net-announce "boot: $why"; return; }
	nft_check_announce restore || return
	if xft_migrates; then
		nft_check_announce migrate
	else
		xft_skip net-announce-migrate "$(xft_pv_migrate_why)"
	fi
}
