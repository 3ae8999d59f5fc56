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
rc=0
T0=$(date +%s)

say() { echo "$*" | tee -a "$REPORT"; }
: > "$REPORT"
say "xenfront-pm $(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$REPO/dkms.conf") demo, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "Xen 4.17 + Debian 6.1 dom0 + Debian 6.1 PVH guests, all under QEMU (TCG)."
say ""

# what this needs on the host, installed first when run as root (tests/lib/prereqs.sh)
"$REPO/tests/lib/prereqs.sh" demo 2>&1 | tee -a "$REPORT"
[ "${PIPESTATUS[0]}" = 0 ] || { say "demo: stopped, prerequisites missing (above)"; exit 1; }
export XFPM_PREREQS_DONE=1 PATH=$PATH:/usr/sbin:/sbin

# [mm:ss] since the demo started
stamp() { local s=$(( $(date +%s) - T0 )); printf '[%2d:%02d]' $((s / 60)) $((s % 60)); }

# part TITLE RIG-ARGS...: one rig boot, shown as it goes.  Every check line
# is printed when the rig prints it, with the demo's elapsed time; so are
# the rig's own lines (building, booting, errors of any kind).  After a
# failing check or a rig that did not finish, every line that follows (the
# guest's console, the end of a failed step's log: the rig's "  | " lines)
# is kept as well.  Hidden are only the logs behind a RETRY (the attempt
# after it decides), guest kernel lines and the probe's chatter; package
# downloads go to the terminal only.
part() {
	local title=$1 line st keep=0
	shift
	say "== $title"
	"$REPO/tests/vm/rig.sh" "$@" 2>&1 | while IFS= read -r line; do
		case $line in
		"  PASS "*|"  FAIL "*|"  SKIP "*|"  RETRY "*)
			st=${line#  }
			st=${st%% *}
			case $st in
			PASS) say "$(stamp)   ok    ${line#  PASS }"; keep=0 ;;
			SKIP) say "$(stamp)   skip  ${line#  SKIP }"; keep=0 ;;
			# (the attempt that follows decides; its logs are noise)
			RETRY) say "$(stamp)   retry ${line#  RETRY }"; keep=0 ;;
			FAIL) say "$(stamp)   FAIL  ${line#  FAIL }"; keep=1 ;;
			esac
			;;
		"debarchive: "*) echo "$(stamp)   $line" ;;
		*" passed, "*" failed"*)
			say "$(stamp)   $line"
			case $line in *"did not finish"*) keep=1 ;; esac
			;;
		"  "*)
			if [ $keep = 1 ]; then
				say "                $line"
			else
				case $line in
				"  | "*|"  ["*"]"*|"  ----"*|"  xfprobe: "*) ;;
				*) say "$(stamp)   $line" ;;
				esac
			fi
			;;
		*) say "$(stamp)   $line" ;;
		esac
	done
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	say ""
}

part "1. In-tree drivers (baseline) and xenfront-pm, 6.1 PVH guest" \
	-d "intree built" -g pvh -k 6.1 -s "boot checkpoint save-restore migrate"
part "2. What each device went through (xenfront-pm sysfs)" \
	-d built -g pvh -k 6.1 -s "pm-counters"
part "3. A device fails freeze_noirq during 'xl save -c' (6.1 PV guest)" \
	-d built -g pv -k 6.1 -s "fault-baseline fault-checkpoint" -e XFT_FAULT_STAGES=freeze_noirq

say "$(stamp) demo $([ $rc = 0 ] && echo passed || echo FAILED); report: $REPORT"
exit $rc
