# SPDX-License-Identifier: GPL-2.0-only
# rig-all: no (a measurement, not a test)
# net-latency: the ping round-trip distribution guest -> dom0, for the
# drivers of this run (XFT_DRV): NET_LAT_RUNS runs of NET_LAT_COUNT pings at
# 1 s, each printed as
#   XFT: LAT <intree|built> run N: p10 P50 p90 max avg (ms), lost L
# Under emulation single round trips of 10-40 ms move a mean by more than
# the drivers differ (bench-net reports mean and median of one run); the
# percentiles of several runs show where the bulk lies.  Not a timed test:
# it fails only if pings are lost.
. /xft/scenarios/net-lib.inc

NET_LAT_RUNS=${XFT_NET_LAT_RUNS:-3}
NET_LAT_COUNT=${XFT_NET_LAT_COUNT:-30}

sc_main() {
	local why out n rtts stats lost bad=0
	why=$(xft_guest_start g1 1) || { xft_fail net-latency "boot: $why"; return; }
	for n in $(seq 1 "$NET_LAT_RUNS"); do
		out=$(nft_gx g1 "ping -c $NET_LAT_COUNT 10.0.0.1 2>&1")
		stats= rtts=$(nft_rtts "$out")
		[ -z "$rtts" ] ||
			stats="p10 $(echo "$rtts" | nft_pct 10) p50 $(echo "$rtts" | nft_pct 50) p90 $(echo "$rtts" | nft_pct 90) max $(echo "$rtts" | nft_pct 100) avg $(echo "$rtts" | awk '{ s += $1 } END { printf "%.3f", s / NR }')"
		lost=$((NET_LAT_COUNT - $(echo "$out" | grep -c 'time=')))
		xft_say "LAT $XFT_DRV run $n: ${stats:-no replies} (ms), lost $lost"
		[ "$lost" = 0 ] || bad=$((bad + lost))
	done
	if [ "$bad" = 0 ]; then
		xft_pass net-latency "$NET_LAT_RUNS x $NET_LAT_COUNT pings, none lost"
	else
		xft_fail net-latency "$bad of $((NET_LAT_RUNS * NET_LAT_COUNT)) pings lost"
	fi
}
