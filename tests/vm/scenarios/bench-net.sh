# SPDX-License-Identifier: GPL-2.0-only
# rig-all: no (a benchmark: make bench)
# bench-net: network figures for the drivers of this run (XFT_DRV), as
#   XFT: BENCH net <intree|built> <metric> <value> <unit>
# TCP throughput both ways and UDP small-packet rate (iperf3, dom0 server),
# ping latency (mean and median of 30), and the outage around a checkpoint
# and a restore: the longest time dom0 receives nothing from a steady
# 1 kpkt/s UDP stream the guest sends, from iperf3's 0.1 s server
# intervals.  Not a timed test: the checks only require that every figure
# was measured.
. /xft/scenarios/net-lib.inc

BENCH_SECS=${XFT_BENCH_SECS:-10}

nft_bench() { xft_say "BENCH net $XFT_DRV $1 $2 $3"; echo "$1" >> /tmp/nft-bench-done; }

# receiver Mbit/s of an iperf3 TCP run: nft_tcp EXTRA-ARGS
nft_tcp() {
	nft_gx g1 "/usr/bin/iperf3 -c 10.0.0.1 -t $BENCH_SECS -f m $1 2>&1" |
		awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i - 1) }'
}

# longest run of empty 0.1 s intervals in an iperf3 server log: "SECONDS
# FROM TO", FROM and TO in seconds since the server started
nft_gap() {
	awk '$4 == "sec" && $3 ~ /-/ {
		split($3, t, "-"); d = t[2] - t[1]
		if ($5 + 0 == 0) { if (run == 0) from = t[1]; run += d } else { if (run > max) { max = run; mf = from; mt = t[1] }; run = 0 }
	} END { if (run > max) { max = run; mf = from; mt = "end" }; printf "%.1f %s %s", max, mf, mt }' "$1"
}

# when a step of the event ran, in seconds since the server started
nft_mark() { echo "$1 $(awk -v a="$NFT_T0" -v b="$(xft_now)" 'BEGIN { printf "%.1f", b - a }')" >> /tmp/nft-marks; }

# outage around an event: nft_outage NAME COMMAND...
nft_outage() {
	local name=$1 srv log=/tmp/nft-outage-$1.log snap why
	shift
	rm -f "$log"
	iperf3 -s -1 -p 5202 -i 0.1 -f k > "$log" 2>&1 &
	srv=$!
	NFT_T0=$(xft_now)
	rm -f /tmp/nft-marks
	sleep 1
	snap=$(xft_snap g1)
	nft_gx g1 "/usr/bin/iperf3 -c 10.0.0.1 -p 5202 -u -b 1M -l 125 -t 45 > /tmp/nft-stream.log 2>&1 &" >/dev/null
	sleep 8
	if ! why=$("$@" 2>&1); then
		kill $srv 2>/dev/null
		xft_fail bench-net "$name: $(echo "$why" | tail -n 2)"
		return 1
	fi
	rm -f /tmp/*.save
	# a guest that died after the event leaves a gap that is no outage
	if ! why=$(xft_wait_progress g1 "$snap" 2 180); then
		kill $srv 2>/dev/null
		xft_fail bench-net "$name: no figure, the guest did not go on afterwards: $why"
		return 1
	fi
	# the stream ends by itself; give the server time to report
	local t0
	t0=$(xft_now)
	while kill -0 $srv 2>/dev/null && [ "$(xft_since "$t0" | cut -d. -f1)" -lt 90 ]; do sleep 1; done
	kill $srv 2>/dev/null
	set -- $(nft_gap "$log")
	# a stream that stops and never comes back within its 45 s is a
	# guest or network that died after it went on, not an outage
	if [ "$3" = end ] && awk -v g="$1" 'BEGIN { exit !(g > 1) }'; then
		xft_fail bench-net "$name: no figure, the stream stopped at +$2 s for good; xl: $(xl list g1 2>&1 | awk 'NR == 2 { print $5 }' || true)"
		return 1
	fi
	# where the gap sits against the toolstack's steps tells guest time
	# from toolstack time
	xft_say "bench-net: $name: no packets from +$2 s to +$3 s; toolstack: $(tr '\n' ' ' < /tmp/nft-marks)"
	nft_bench "outage_$name" "$1" s
}

nft_ckpt() {
	nft_mark save-c && xl save -c g1 /tmp/ckpt.save && nft_mark done
}
nft_saverestore() {
	nft_mark save && xl save g1 /tmp/g1.save && nft_mark restore &&
		xl restore /tmp/g1.save && nft_mark done
}

sc_main() {
	local why v out
	why=$(xft_guest_start g1 1) || { xft_fail bench-net "boot: $why"; return; }
	rm -f /tmp/nft-bench-done
	xft_say "bench-net: drivers $XFT_DRV, guest $XFT_KERNEL/$XFT_TYPE, $BENCH_SECS s per throughput run"
	nft_iperf_server

	v=$(nft_tcp "")
	[ -n "$v" ] && nft_bench tcp_guest_to_dom0 "$v" Mbit/s
	v=$(nft_tcp "-R")
	[ -n "$v" ] && nft_bench tcp_dom0_to_guest "$v" Mbit/s

	# small UDP datagrams as fast as the guest can send them
	out=$(nft_gx g1 "/usr/bin/iperf3 -c 10.0.0.1 -u -b 0 -l 64 -t $BENCH_SECS 2>&1" | grep receiver)
	v=$(echo "$out" | awk -v s="$BENCH_SECS" '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, a, "/"); printf "%d", (a[2] - a[1]) / s } }')
	[ -n "$v" ] && nft_bench udp64_guest_to_dom0 "$v" pkt/s

	# mean and median: single round trips under emulation run from under
	# 1 ms to 40 ms, and a few slow ones move the mean
	out=$(nft_gx g1 "ping -c 30 10.0.0.1 2>&1")
	v=$(echo "$out" | tail -n 1 | sed -n 's/.*= [0-9.]*\/\([0-9.]*\)\/.*/\1/p')
	[ -n "$v" ] && nft_bench ping_avg "$v" ms
	v=$(nft_rtts "$out" | nft_pct 50)
	[ -n "$v" ] && nft_bench ping_p50 "$v" ms
	nft_iperf_stop

	nft_outage checkpoint nft_ckpt || return
	nft_outage restore nft_saverestore || return

	v=$(sort -u /tmp/nft-bench-done | wc -l)
	if [ "$v" = 7 ]; then
		xft_pass bench-net "7 figures measured"
	else
		xft_fail bench-net "only $v of 7 figures: $(sort -u /tmp/nft-bench-done | tr '\n' ' ')"
	fi
}
