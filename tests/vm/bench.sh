#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/vm/bench.sh - "make bench": the in-tree frontends and ours on the same
# guest kernel, the same backends and the same rig boot, side by side.
#
# usage: bench.sh [-g pv|pvh] [-k 6.1|5.10|6.12] [-n ROUNDS] [-o FILE]
#
# One rig run boots Xen once and runs the scenarios bench-blk and bench-net
# (tests/vm/scenarios/) for each driver set, ROUNDS times (default 2), the
# order of the two sets swapped every other round so that neither always
# runs first.  Each scenario prints "BENCH blk|net <drivers> <metric>
# <value> <unit>"; this script collects them and prints a table: the median
# of each side, the ratio ours / in-tree and the goal (>= 1.00 where more is
# better, <= 1.00 for times).  A row is marked "noise" when the two sides'
# sample ranges overlap (ROUNDS >= 2): emulation noise is then larger than
# the difference, and the ratio says nothing.  With -o the table also goes
# to FILE (make bench: BENCHMARKS.md) with the command and the set-up.
#
# A benchmark, not a test: the exit status is non-zero only when a figure
# could not be measured (a scenario failed), never because of a ratio.
set -uo pipefail

VM=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GUEST=pv KERNEL=6.1 ROUNDS=2 OUT=""
while getopts "g:k:n:o:h" opt; do
	case $opt in
	g) GUEST=$OPTARG ;;
	k) KERNEL=$OPTARG ;;
	n) ROUNDS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) sed -n '7p' "$0" | sed 's/^# //'; exit 2 ;;
	esac
done
case $ROUNDS in
[1-9] | [1-9][0-9]) ;;
*) echo "bench: ROUNDS must be a number from 1 to 99, not '$ROUNDS'" >&2; exit 2 ;;
esac
for v in $GUEST $KERNEL; do
	case $v in *" "*) echo "bench: one guest type and one kernel per run" >&2; exit 2 ;; esac
done

drivers=""
for r in $(seq 1 "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then drivers="$drivers intree built"; else drivers="$drivers built intree"; fi
done

raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
t0=$(date +%s)
"$VM/rig.sh" -d "${drivers# }" -g "$GUEST" -k "$KERNEL" -s "bench-blk bench-net" 2>&1 |
	grep --line-buffered -v '^debarchive: ' | sed -u 's/\r$//' | tee "$raw"
rc=${PIPESTATUS[0]}
secs=$(( $(date +%s) - t0 ))
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$raw" | tail -n 1)

# metric order and direction: hi = more is better, lo = less is better
ROWS="blk:seq_read:hi blk:seq_write:hi blk:randread_4k_qd1:hi blk:randread_4k_qd32:hi
blk:randwrite_4k_qd1:hi blk:randwrite_4k_qd32:hi blk:resume_checkpoint:lo blk:resume_restore:lo
net:tcp_guest_to_dom0:hi net:tcp_dom0_to_guest:hi net:udp64_guest_to_dom0:hi net:ping_avg:lo net:ping_p50:lo
net:outage_checkpoint:lo net:outage_restore:lo"

table=$(sed -n 's/^ *BENCH \(blk\|net\) \(intree\|built\) \([a-z0-9_]*\) \([0-9.]*\) \(.*\)$/\1 \2 \3 \4 \5/p' "$raw" |
	awk -v rows="$ROWS" '
	function med(s,   a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		if (n == 0) return ""
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function lo(s,   a, n, i, m) { n = split(s, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i] + 0 < m + 0) m = a[i]; return m }
	function hi(s,   a, n, i, m) { n = split(s, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i] + 0 > m + 0) m = a[i]; return m }
	function cnt(s,   a) { return split(s, a, " ") }
	{ k = $1 ":" $3; v[k, $2] = v[k, $2] " " $4; unit[k] = $5 }
	END {
		print "| area | metric | unit | in-tree | xenfront-pm | ratio | goal | verdict | samples (in-tree / ours) |"
		print "|---|---|---|---:|---:|---:|---|---|---|"
		nr = split(rows, r, /[ \n]+/)
		for (i = 1; i <= nr; i++) {
			split(r[i], p, ":"); k = p[1] ":" p[2]; dir = p[3]
			a = v[k, "intree"]; b = v[k, "built"]
			if (a == "" || b == "") {
				printf "| %s | %s | %s | %s | %s | - | - | not measured | |\n", p[1], p[2], unit[k], a == "" ? "-" : med(a), b == "" ? "-" : med(b)
				continue
			}
			ma = med(a); mb = med(b)
			goal = dir == "hi" ? ">= 1.00" : "<= 1.00"
			if (ma + 0 == 0)
				ratio = mb + 0 == 0 ? "1.00" : "inf"
			else
				ratio = sprintf("%.2f", mb / ma)
			if (cnt(a) >= 2 && cnt(b) >= 2 && lo(a) + 0 <= hi(b) + 0 && lo(b) + 0 <= hi(a) + 0)
				verdict = "noise (ranges overlap)"
			else if (ratio == "inf")
				verdict = dir == "hi" ? "met" : "missed"
			else if ((dir == "hi" && ratio + 0 >= 1) || (dir == "lo" && ratio + 0 <= 1))
				verdict = "met"
			else
				verdict = "missed"
			if (cnt(a) < 2 || cnt(b) < 2) verdict = verdict " (1 sample)"
			printf "| %s | %s | %s | %s | %s | %s | %s | %s |%s /%s |\n", p[1], p[2], unit[k], ma, mb, ratio, goal, verdict, a, b
		}
	}')

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
report() {
	echo "<!-- SPDX-License-Identifier: GPL-2.0-only -->"
	echo "# Benchmarks: in-tree frontends vs. xenfront-pm"
	echo
	echo "Produced by \`make bench GUEST=$GUEST KERNEL=$KERNEL BENCH_ROUNDS=$ROUNDS\`"
	echo "(tests/vm/bench.sh) on $(date -u +%Y-%m-%d), in $secs s: one boot of the"
	echo "Xen-in-QEMU rig (software emulation on $(nproc) host cores, $cpu), a $KERNEL $GUEST"
	echo "guest, the in-tree and our drivers alternating over $ROUNDS round(s); rig result: ${summary:-none}."
	echo
	echo "Ratio = xenfront-pm / in-tree, medians of the rounds. \"noise\" means the"
	echo "two sides' ranges overlap: the emulator's run-to-run spread is larger"
	echo "than the difference, so the row is inconclusive rather than met or missed."
	echo "Block: fio on a 256 MiB loop-backed xvdb, 1 MiB blocks at depth 8 for"
	echo "the sequential rows; resume = toolstack's unpause to the first completed"
	echo "guest read (median of 3 per round).  Network: iperf3 against dom0 over"
	echo "the bridge, UDP with 64-byte datagrams, ping 30 x (mean and median),"
	echo "outage = longest gap in a 1 kpkt/s stream seen by dom0 (0.1 s"
	echo "resolution)."
	echo
	echo "$table"
}
echo
report | tail -n +3
if [ -n "$OUT" ]; then
	report > "$OUT"
	echo "bench: table written to $OUT"
fi
echo "bench: $secs s"
[ "$rc" = 0 ] && [ -n "$summary" ] && case $summary in *" 0 failed"*) true ;; *) false ;; esac
