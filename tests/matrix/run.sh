#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/matrix/run.sh - compile every module (and the test modules) against
# the headers of Debian's 5.10 (bullseye), 6.1 (bookworm) and 6.12
# (bookworm-backports, the +deb12 build) kernels, with warnings as errors.
#
# The header packages are resolved and fetched at run time through the
# private apt configuration of tests/lib/debarchive.sh (mirror taken from
# this machine's own apt sources) and cached under .cache/.
#
# usage: tests/matrix/run.sh [SERIES...]     (default: 5.10 6.1 6.12)
# Prints one line per kernel and "N passed, N failed"; exits non-zero on any
# failure.  The full compiler output of a failing kernel is printed too.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# what this needs on the host, installed first when run as root (tests/lib/prereqs.sh)
"$REPO/tests/lib/prereqs.sh" matrix || exit 1
export XFPM_PREREQS_DONE=1 PATH=$PATH:/usr/sbin:/sbin
# shellcheck source=../lib/debarchive.sh
. "$REPO/tests/lib/debarchive.sh"

SERIES=${*:-5.10 6.1 6.12}
MODULES="xenfront-bus xenfront-shim xen-blkfront xen-netfront"
pass=0 fail=0
now() { date +%s.%N; }

for s in $SERIES; do
	t0=$(now)
	if ! read -r prof abi < <(deb_kernel_abi "$s"); then
		echo "  FAIL matrix:$s cannot resolve the current $s kernel in the archive"
		fail=$((fail + 1)); continue
	fi
	if ! kdir=$(deb_kernel_headers "$prof" "$abi"); then
		echo "  FAIL matrix:$s cannot fetch linux-headers-$abi ($prof)"
		fail=$((fail + 1)); continue
	fi
	cc=$(deb_kbuild_cc "$kdir")
	log=$(mktemp)
	# a fresh tree per kernel: no object survives from an earlier build
	rm -rf "$REPO/build/$abi"
	# shellcheck disable=SC2086
	if make -C "$REPO" --no-print-directory KDIR="$kdir" $cc WERROR=1 modules test-modules >"$log" 2>&1; then
		built="" missing=""
		for m in $MODULES; do
			if [ -f "$REPO/build/$abi/$m.ko" ]; then built="$built $m"; else missing="$missing $m"; fi
		done
		[ -f "$REPO/build/$abi/tests/fault/xfpm_fault.ko" ] && built="$built xfpm_fault"
		have=$(grep -c '^#define HAVE_' "$REPO/build/$abi/generated/xenfront_config.h" || true)
		if [ -n "$missing" ]; then
			echo "  FAIL matrix:$s $abi ($prof${cc:+, $cc}): not built:$missing"
			fail=$((fail + 1))
		else
			printf '  PASS matrix:%s %s (%s%s) %.1fs: built%s; %s compat probes true\n' \
				"$s" "$abi" "$prof" "${cc:+, $cc}" "$(echo "$(now) - $t0" | bc)" "$built" "$have"
			pass=$((pass + 1))
		fi
	else
		echo "  FAIL matrix:$s $abi ($prof${cc:+, $cc}): build failed with -Werror:"
		sed 's/^/    | /' "$log" | tail -n 40
		fail=$((fail + 1))
	fi
	rm -f "$log"
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
