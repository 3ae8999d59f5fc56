# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the net-* scenarios (sourced by them; not a scenario itself).
# They read xen-netfront's diagnostics in the guest through nft_gx:
#   /sys/bus/xen/devices/vif-N/netfront/   per device (src/netfront/README.md)
#   /sys/module/xen_netfront/totals/       module-wide

# Run a command in the guest; its output with real newlines (xenstore-read
# shows them as "\n"): nft_gx GUEST COMMAND
nft_gx() {
	local out rc
	out=$(xft_gexec "$1" "$2")
	rc=$?
	printf '%b\n' "$out" | sed -e '${/^$/d}'
	return $rc
}

# A netfront attribute of the guest's (first) vif: nft_attr GUEST FILE
nft_attr() {
	nft_gx "$1" "cat /sys/bus/xen/devices/vif-*/netfront/$2 2>/dev/null | head -n 1"
}

# Module totals: nft_totals GUEST live|leftover
nft_totals() {
	nft_gx "$1" "cat /sys/module/xen_netfront/totals/$2 2>/dev/null"
}

# Value of KEY in a "k=v k=v" line: nft_kv LINE KEY
nft_kv() {
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# The xl device index of the guest's first vif (xl network-list)
nft_vif_idx() {
	xl network-list "$1" 2>/dev/null | awk 'NR == 2 { print $1 }'
}

# Is this run using our driver?  (the in-tree one has no netfront/ group)
nft_ours() {
	[ -n "$(nft_gx "$1" "ls -d /sys/bus/xen/devices/vif-*/netfront 2>/dev/null")" ]
}

# Start an iperf3 server in dom0 once; prints nothing.
nft_iperf_server() {
	[ -f /tmp/nft-iperf.pid ] && kill -0 "$(cat /tmp/nft-iperf.pid)" 2>/dev/null && return 0
	iperf3 -s -p 5201 >/tmp/nft-iperf-server.log 2>&1 &
	echo $! > /tmp/nft-iperf.pid
	sleep 1
}

nft_iperf_stop() {
	[ -f /tmp/nft-iperf.pid ] && kill "$(cat /tmp/nft-iperf.pid)" 2>/dev/null
	rm -f /tmp/nft-iperf.pid
}

# Kernel log lines of the guest matching a pattern (last few)
nft_dmesg() {
	nft_gx "$1" "dmesg | grep -E '$2' | tail -n ${3:-5}"
}

sc_main() {
	xft_skip net-lib "helpers for the net-* scenarios, not a scenario"
}
