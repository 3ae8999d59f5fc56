# SPDX-License-Identifier: GPL-2.0-only
# net-load: the network under load through checkpoints, save/restores and
# (PVH) a live migration (issue 17).  Four iperf3 streams run in loops of
# NL_RUN seconds for the whole scenario: TCP guest -> dom0, TCP dom0 ->
# guest, a small-datagram UDP flood dom0 -> guest at NL_FLOOD (more than an
# emulated guest takes in, so the receive ring runs empty and netback
# drops: dom0's vif counts tx_dropped) and a UDP stream guest -> dom0.
#
#   net-load-ops     under that load: XFT_NL_OPS (checkpoint checkpoint
#                    restore, and migrate on PVH); after each, the probe's
#                    verified TCP stream and block I/O go on, and a fresh
#                    TCP connection crosses both ways
#   net-load-after   after the last operation every one of the four streams
#                    completes another run; the flood really overran the
#                    guest (netback's vif dropped packets, or iperf3 lost
#                    datagrams on the way); with our driver nothing
#                    malformed, the device never broken, and its grants and
#                    posted buffers back where they were before the load
#
# The in-tree driver runs the same checks but for the sysfs ones: its
# result is the baseline.
. /xft/scenarios/net-lib.inc

NL_RUN=${XFT_NL_RUN:-20}
NL_FLOOD=${XFT_NL_FLOOD:-20M}
# port, the guest's iperf3 arguments
NL_STREAMS="5211:-t_$NL_RUN 5212:-t_${NL_RUN}_-R 5213:-t_${NL_RUN}_-u_-b_${NL_FLOOD}_-l_64_-R 5214:-t_${NL_RUN}_-u_-b_5M_-l_64"

sc_timeout() { echo 1800; }

nl_vif() { echo "vif$(xft_domid g1).0"; }
# what netback dropped on its way to the guest: its vif's drop counters
# (which one depends on the netback version)
nl_dropped() {
	local d=/sys/class/net/$(nl_vif)/statistics
	echo $(( $(cat $d/tx_dropped 2>/dev/null || echo 0) + $(cat $d/rx_dropped 2>/dev/null || echo 0) ))
}
# datagrams of the flood lost on the way, as the guest's last run counted
nl_flood_lost() {
	xft_gexec g1 "grep receiver /tmp/nl-5213.lastok 2>/dev/null | tail -n 1" | sed -n 's|.* \([0-9]*\)/\([0-9]*\) .*|\1 \2|p'
}

# one iperf3 server per stream in dom0, each started again after every test
nl_servers() {
	local s port
	rm -f /tmp/nl-servers
	for s in $NL_STREAMS; do
		port=${s%%:*}
		(while [ ! -e /tmp/nl-stop ]; do iperf3 -s -1 -p "$port" >/dev/null 2>&1; done) &
		echo $! >> /tmp/nl-servers
	done
	sleep 1
}

# the guest's loops: /tmp/nl-PORT.ok and .bad count the runs that ended 0 or not
nl_load_start() {
	local s port args cmd=""
	for s in $NL_STREAMS; do
		port=${s%%:*}
		args=$(echo "${s#*:}" | tr _ ' ')
		cmd="$cmd (while [ ! -e /tmp/nl-stop ]; do if /usr/bin/iperf3 -c 10.0.0.1 -p $port $args > /tmp/nl-$port.out 2>&1; then echo >> /tmp/nl-$port.ok; cp /tmp/nl-$port.out /tmp/nl-$port.lastok; else echo >> /tmp/nl-$port.bad; cp /tmp/nl-$port.out /tmp/nl-$port.lastbad; sleep 1; fi; done) > /dev/null 2>&1 &"
	done
	xft_gexec g1 "rm -f /tmp/nl-*; $cmd echo started"
}

# "PORT:ok/bad ..." for the four streams
nl_counts() {
	local s port out=""
	for s in $NL_STREAMS; do
		port=${s%%:*}
		out="$out $port:$(xft_gexec g1 "echo \$(cat /tmp/nl-$port.ok 2>/dev/null | wc -l)/\$(cat /tmp/nl-$port.bad 2>/dev/null | wc -l)")"
	done
	echo "${out# }"
}

# a fresh TCP connection both ways, beside the load
nl_fresh() {
	local out
	out=$(nft_gx g1 "/usr/bin/iperf3 -c 10.0.0.1 -p 5201 -t 3 -f m 2>&1 | grep -E 'receiver|error'; /usr/bin/iperf3 -c 10.0.0.1 -p 5201 -t 3 -R -f m 2>&1 | grep -E 'receiver|error'")
	if [ "$(echo "$out" | grep -c receiver)" = 2 ] && ! echo "$out" | grep -q error; then
		return 0
	fi
	echo "a fresh TCP connection: $(echo "$out" | tr '\n' ' ')"
	return 1
}

nl_stop() {
	local p
	touch /tmp/nl-stop
	xft_gexec g1 "touch /tmp/nl-stop" >/dev/null
	for p in $(cat /tmp/nl-servers 2>/dev/null); do kill "$p" 2>/dev/null; done
	pkill -f 'iperf3 -s -1 -p 521' 2>/dev/null
	nft_iperf_stop
}

sc_main() {
	local why out op ops="" snap d0 d1 r0 r1 c0 s port ok before after res0 res1 lost
	rm -f /tmp/nl-stop
	why=$(xft_guest_start g1 1) || { xft_fail net-load "boot: $why"; return; }
	if nft_ours g1; then
		res0=$(nft_attr g1 resources)
	fi
	nft_iperf_server
	nl_servers
	out=$(nl_load_start g1)
	[ "$out" = started ] || { xft_fail net-load "starting the load: $out"; nl_stop; return; }
	sleep $((NL_RUN + 10))
	xft_say "net-load: before the operations: runs $(nl_counts)"

	for op in ${XFT_NL_OPS:-checkpoint checkpoint restore $(xft_migrates && echo migrate)}; do
		snap=$(xft_snap g1)
		if [ $op = migrate ]; then
			why=$(xft_migrate g1) && why=$(xft_wait_progress g1 "$snap" 2 180)
		else
			why=$(xft_cycle g1 $op)
		fi || { xft_fail net-load-ops "$op #$(($(echo $ops | wc -w) + 1)): $why"; nl_stop; return; }
		why=$(nl_fresh) || { xft_fail net-load-ops "after $op #$(($(echo $ops | wc -w) + 1)): $why"; nl_stop; return; }
		ops="$ops $op"
		xft_say "net-load: after $op: runs $(nl_counts)"
	done
	xft_pass net-load-ops "load through$ops; $(xft_probe g1 | awk '{ print "probe net_ok " $4 }')"

	# every stream completes another run after the last operation, and
	# the flood still overruns the receive ring (netback drops)
	before=$(nl_counts)
	d0=$(nl_dropped)
	sleep $((2 * NL_RUN + 15))
	after=$(nl_counts)
	case "$after" in
	*"no answer"*)
		xft_fail net-load-after "the guest no longer answers after the last operation $(xft_triple_fault)"
		nl_stop
		return
		;;
	esac
	d1=$(nl_dropped)
	for s in $after; do
		port=${s%%:*}
		ok=${s#*:}
		ok=${ok%/*}
		c0=$(echo "$before" | tr ' ' '\n' | sed -n "s/^$port://p")
		c0=${c0%/*}
		if [ "$ok" -le "$c0" ]; then
			xft_fail net-load-after "stream $port completed no run after the last operation (runs $before -> $after): $(xft_gexec g1 "tail -n 2 /tmp/nl-$port.lastbad 2>/dev/null")"
			nl_stop
			return
		fi
	done
	set -- $(nl_flood_lost)
	lost=${1:-0}
	if [ "$d1" -le "$d0" ] && [ "$lost" = 0 ]; then
		xft_fail net-load-after "the flood did not overrun the guest after the operations (dom0's $(nl_vif) drops $d0 -> $d1, iperf3 lost ${1:-?} of ${2:-?}): the test did not test"
		nl_stop
		return
	fi
	nl_stop
	sleep $((NL_RUN + 5))
	if nft_ours g1; then
		out=$(nft_attr g1 counters | tr '\n' ' ')
		r0=$(nft_attr g1 malformed)
		r1=$(nft_attr g1 broken)
		res1=$(nft_attr g1 resources)
		[ "$r0" = 0 ] && [ "$r1" = 0 ] ||
			{ xft_fail net-load-after "malformed $r0, broken $r1; counters: $out"; return; }
		# buffers posted and grants held: where they were before the load
		for s in grants rx_posted; do
			r0=$(nft_kv "$res0" $s)
			r1=$(nft_kv "$res1" $s)
			if [ -z "$r1" ] || [ "$r1" -gt $((r0 + r0 / 10 + 8)) ] || [ "$r1" -lt $((r0 - r0 / 10 - 8)) ]; then
				xft_fail net-load-after "$s $r0 before the load, $r1 after it ($res0 -> $res1)"
				return
			fi
		done
		why="malformed 0, broken 0, resources $res0 -> $res1"
	else
		why="(in-tree)"
	fi
	xft_pass net-load-after "all 4 streams ran after the last operation, runs ok/failed $after; the flood overran the guest (netback dropped $((d1 - d0)), iperf3 lost $lost in its last run); $why"
}
