#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/check.sh - what "make check" runs, part by part:
#   unit     user-space unit tests of the state machine and protocol logic
#   style    the kernel's checkpatch.pl over src/ and include/ (tests/checkpatch.sh):
#            any ERROR fails it; warnings are listed
#   fuzz     every libFuzzer target for FUZZ_SECONDS (default 15) each
#   matrix   compile all modules, -Werror, each with its kernel's own compiler
#            (tests/matrix/run.sh): a subset, 5.10, 6.1, Debian 13's 6.12
#            and trixie-backports' 7.x (amd64), to stay within about 6 minutes
#            on a machine without a cache; XFPM_CHECK_FULL=1 (make check-full):
#            every Debian kernel we support, 5.10 to 7.x, in both flavours
#   pkg      build the .deb and the .rpm, check their contents, lintian, rpmlint,
#            and a DKMS build of the packaged source for 6.1 in private trees
#   vm       the rig scenarios of tests/vm/ci.sh (XFPM_CHECK_FULL=1: the long set)
#
# Every part runs even when an earlier one failed; the summary gives the
# result and wall time of each.  XFPM_CHECK_PARTS="unit matrix" runs a subset.
# Exit status: non-zero if any part failed.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PARTS=${XFPM_CHECK_PARTS:-unit style fuzz matrix pkg vm}
# what this needs on the host, installed first when run as root (tests/lib/prereqs.sh)
"$REPO/tests/lib/prereqs.sh" $PARTS ${XFPM_CHECK_FULL:+realguest} || exit 1
export XFPM_PREREQS_DONE=1 PATH=$PATH:/usr/sbin:/sbin
export FUZZ_SECONDS=${FUZZ_SECONDS:-15}
declare -A RESULT SECS
now() { date +%s.%N; }

run_part() {
	case $1 in
	unit)   make -C "$REPO" --no-print-directory unit ;;
	style)  make -C "$REPO" --no-print-directory checkpatch ;;
	fuzz)   make -C "$REPO" --no-print-directory fuzz ;;
	matrix) if [ -n "${XFPM_CHECK_FULL:-}" ]; then "$REPO/tests/matrix/run.sh"
		else "$REPO/tests/matrix/run.sh" --subset; fi ;;
	pkg)    "$REPO/tests/pkg/run.sh" ;;
	vm)     "$REPO/tests/vm/ci.sh" ;;
	*)      echo "check: unknown part '$1' (have: unit style fuzz matrix pkg vm)"; return 2 ;;
	esac
}

T0=$(now)
for p in $PARTS; do
	echo "==== check: $p"
	t=$(now)
	if run_part "$p"; then RESULT[$p]=passed; else RESULT[$p]=FAILED; fi
	SECS[$p]=$(printf '%.0f' "$(echo "$(now) - $t" | bc)")
	echo "==== check: $p ${RESULT[$p]} in ${SECS[$p]}s"
done

echo
echo "check summary (wall time per part):"
fail=0
for p in $PARTS; do
	printf '  %-7s %-7s %5ss\n' "$p" "${RESULT[$p]}" "${SECS[$p]}"
	[ "${RESULT[$p]}" = passed ] || fail=1
done
printf '  %-7s %-7s %5ss\n' total "$([ $fail = 0 ] && echo passed || echo FAILED)" \
	"$(printf '%.0f' "$(echo "$(now) - $T0" | bc)")"
exit $fail
