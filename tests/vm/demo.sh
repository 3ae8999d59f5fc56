#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/vm/demo.sh - what "make demo" runs: boots Xen, a Debian 6.1 dom0
# and 6.1 guests under QEMU (fetching and caching what it needs the first
# time) and shows, side by side:
#
#   1. the in-tree drivers (the baseline) and xenfront-pm's drivers through
#      boot, checkpoint, save + restore and live migration (PVH guests);
#   2. what each device went through, from xenfront-pm's sysfs counters and
#      the suspend history (pm-counters);
#   3. why it matters: a device whose freeze_noirq fails during "xl save -c"
#      kills the unpatched 6.1 guest (fault-baseline), while with
#      xenfront-shim the checkpoint fails cleanly and the guest goes on
#      (fault-checkpoint).
#
# The report goes to the terminal and to out/demo-report.txt.  Takes about
# 12 minutes on 2 cores; exit status non-zero if a check failed.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=$REPO/out
mkdir -p "$OUT"
REPORT=$OUT/demo-report.txt
RAW=$(mktemp)
trap 'rm -f "$RAW"' EXIT
rc=0

say() { echo "$*" | tee -a "$REPORT"; }
: > "$REPORT"
say "xenfront-pm $(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$REPO/dkms.conf") demo, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "Xen 4.17 + Debian 6.1 dom0 + Debian 6.1 PVH guests, all under QEMU (TCG)."
say ""

part() {
	local title=$1
	shift
	say "== $title"
	: > "$RAW"
	"$REPO/tests/vm/rig.sh" -r "$RAW" "$@" 2>&1 | grep -E '^rig: (images|wall|fetching|building)|^[0-9]+ passed' | sed 's/^/   /' | tee -a "$REPORT"
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	# the readable part: one line per check, notes indented
	sed -e 's/^PASS /  ok    /' -e 's/^FAIL /  FAIL  /' -e 's/^SKIP /  skip  /' \
		-e '/^  \(ok\|FAIL\|skip\) /!s/^/          /' "$RAW" |
		grep -v '^          \(\[ *[0-9.]*\]\|----\|xfprobe: \)' | tee -a "$REPORT"
	say ""
}

part "1. In-tree drivers (baseline) and xenfront-pm, 6.1 PVH guest" \
	-d "intree built" -g pvh -k 6.1 -s "boot checkpoint save-restore migrate"
part "2. What each device went through (xenfront-pm sysfs)" \
	-d built -g pvh -k 6.1 -s "pm-counters"
part "3. A device fails freeze_noirq during 'xl save -c' (6.1 PV guest)" \
	-d built -g pv -k 6.1 -s "fault-baseline fault-checkpoint" -e XFT_FAULT_STAGES=freeze_noirq

say "Report: $REPORT"
exit $rc
