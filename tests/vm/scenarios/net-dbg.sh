# temporary: investigate guest->dom0 TCP
. /xft/scenarios/net-lib.sh
sc_main() {
	local why i
	why=$(xft_guest_start g1 1) || { xft_fail net-dbg "boot: $why"; return; }
	nft_iperf_server
	for i in 1 2 3 4 5 6 7 8; do
		nft_gx g1 "a=\$(grep -E 'eth0-q' /proc/interrupts | tr -s ' ' | cut -d' ' -f2-4,7 | tr '\n' ' '); r=\$(/usr/bin/iperf3 -c 10.0.0.1 -t 4 -f m 2>&1 | grep receiver | tr -s ' '); b=\$(grep -E 'eth0-q' /proc/interrupts | tr -s ' ' | cut -d' ' -f2-4,7 | tr '\n' ' '); echo \"run $i: \$r | before \$a | after \$b | \$(cat /sys/bus/xen/devices/vif-*/netfront/counters | grep -v ' 0\$' | tr '\n' ' ')\"" | while read -r l; do xft_say "$l"; done
	done
	xft_pass net-dbg done
}
