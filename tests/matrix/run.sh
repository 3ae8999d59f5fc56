#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/matrix/run.sh - compile every module and the test module
# (tests/fault) with warnings as errors against the current kernel of each
# Debian suite we support, in both flavours (-amd64, -cloud-amd64), each with
# the compiler that kernel was built with:
#
#   bullseye           Debian 11's 5.10                       gcc-10, bullseye chroot
#   bookworm           Debian 12's 6.1                        gcc-12, this machine
#   bookworm-6.12      Debian 12's 6.12 (+deb12)              gcc-12, this machine
#   trixie             Debian 13's 6.12 (+deb13)              gcc-14, trixie chroot
#   trixie-backports   Debian 13's backported 7.x             gcc-14, trixie chroot
#   sid                unstable's 7.x                         gcc-16, sid chroot
#   experimental       experimental's newest (7.x rc)         gcc-16, sid chroot
#
# (the compilers and versions are today's; both are read at run time).
# Which kernel each suite carries is resolved from the archive when this
# runs, through the private apt configuration of tests/lib/debarchive.sh
# (the mirror is this machine's own), and the headers are cached under
# .cache/ (XFPM_CACHE).  The compiler is the one the kernel's
# CONFIG_CC_VERSION_TEXT names.  A kernel of this machine's own Debian
# release builds here; any other in a minimal chroot of its suite (its gcc,
# make and what the kernel's kbuild tools need), made with debootstrap from
# the same mirror, cached under XFPM_CACHE/chroot/ and made anew weekly
# (deb_kbuild_chroot).  Nothing of another release is installed on this
# machine.  When the right compiler cannot be had the kernel's line says
# FAIL or SKIP and why; no kernel is built with another compiler.
#
# usage: tests/matrix/run.sh [--subset] [SERIES[:FLAVOUR]...]
#   SERIES    a suite above (or 5.10, 6.1, 6.12 for bullseye, bookworm,
#             bookworm-6.12); default: all of them
#   FLAVOUR   amd64 or cloud-amd64; default: both
#   --subset  what "make check" builds (XFPM_CHECK_FULL=1, "make
#             check-full", builds all): $MATRIX_SUBSET below, 5.10, 6.1,
#             Debian 13's 6.12 and a 7.x (two chroots), amd64; all 14 do not
#             fit the check's 6 minutes on 2 cores without a cache
#
# One line per kernel: PASS/FAIL/SKIP, kernel release, flavour, compiler and
# its version (with the kernel's where they differ) and where it ran,
# probes true (compile probes and exports), seconds (fetching and chroot
# included), and the suite and package version; the compiler
# output of a failed build follows it (all of it in build/matrix/).  Then
# "N passed, N failed, N skipped"; the exit status is non-zero unless every
# kernel passed.  Everything runs under "nice -n 19".
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# everything at the lowest priority: the machine is shared (the rig)
[ "$(nice)" -ge 19 ] || exec nice -n 19 "$0" "$@"
# what this needs on the host, installed first when run as root (tests/lib/prereqs.sh)
"$REPO/tests/lib/prereqs.sh" matrix || exit 1
export XFPM_PREREQS_DONE=1 PATH=$PATH:/usr/sbin:/sbin
# shellcheck source=../lib/debarchive.sh
. "$REPO/tests/lib/debarchive.sh"

MATRIX_SUBSET="bullseye:amd64 bookworm:amd64 trixie:amd64 trixie-backports:amd64"
FLAVOURS="amd64 cloud-amd64"
MODULES="xenfront-bus xenfront-shim xen-blkfront xen-netfront"
JOBS=$(nproc 2>/dev/null || echo 2)
LOGS=$REPO/build/matrix

want=()
for a in "$@"; do
	case $a in
	--subset) read -ra sub <<<"$MATRIX_SUBSET"; want+=("${sub[@]}") ;;
	-h|--help) sed -n '4,/^set -e/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "matrix: unknown option '$a' (--subset)" >&2; exit 2 ;;
	*:*) want+=("$a") ;;
	*) for f in $FLAVOURS; do want+=("$a:$f"); done ;;
	esac
done
if [ ${#want[@]} = 0 ]; then
	for s in $DEB_KERNEL_SERIES; do for f in $FLAVOURS; do want+=("$s:$f"); done; done
fi

pass=0 fail=0 skip=0
now() { date +%s.%N; }
mkdir -p "$LOGS"

# line RESULT RELEASE FLAVOUR COMPILER PROBES T0 [NOTE]
line() {
	printf '  %-4s %-27s %-11s %-46s %3s probes %6.1fs%s\n' "$1" "$2" "$3" "$4" "$5" \
		"$(echo "$(now) - $6" | bc)" "${7:+  $7}"
	case $1 in PASS) pass=$((pass + 1)) ;; SKIP) skip=$((skip + 1)) ;; *) fail=$((fail + 1)) ;; esac
}

# build_one SERIES FLAVOUR: one kernel, one line
build_one() {
	local s=$1 f=$2 t0 prof abi kdir rc run cc probes log m missing pv
	t0=$(now)
	if ! read -r prof abi < <(deb_kernel_abi "$s" "$f" 2>"$LOGS/resolve.log"); then
		line FAIL "$s" "$f" - - "$t0" "cannot resolve the current $s kernel: $(tail -n 1 "$LOGS/resolve.log")"
		return
	fi
	if ! kdir=$(deb_kernel_headers "$prof" "$abi" 2>"$LOGS/resolve.log"); then
		line FAIL "$abi" "$f" - - "$t0" "cannot fetch linux-headers-$abi ($prof): $(tail -n 1 "$LOGS/resolve.log")"
		return
	fi
	# which upload (an rc's release name does not say it is one)
	pv="$prof $(deb_version "$prof" "linux-headers-$abi")"
	# the kernel's compiler, here or in a chroot of its suite, or no build
	rc=0
	deb_kbuild_env "$kdir" "$prof" "$REPO" 2>"$LOGS/chroot.log" || rc=$?
	cc="${DEB_KBUILD_CC:-$DEB_KBUILD_KCC}"
	[ -z "$DEB_KBUILD_CC" ] || [ "$DEB_KBUILD_CC" = "$DEB_KBUILD_KCC" ] ||
		cc="$cc [kernel: ${DEB_KBUILD_KCC#* }]"
	cc="${cc:--} ($DEB_KBUILD_WHERE)"
	if [ "$rc" = 2 ]; then
		line SKIP "$abi" "$f" "$cc" - "$t0" "$pv: $DEB_KBUILD_WHY"
		return
	elif [ "$rc" != 0 ]; then
		line FAIL "$abi" "$f" "$cc" - "$t0" "$pv: $DEB_KBUILD_WHY"
		return
	fi
	run=("${DEB_KBUILD_RUN[@]}")
	log=$LOGS/$abi.log
	# a fresh tree per kernel: no object survives from an earlier build
	rm -rf "$REPO/build/$abi"
	if "${run[@]}" make -C "$REPO" --no-print-directory KDIR="$kdir" WERROR=1 -j"$JOBS" modules >"$log" 2>&1 &&
	   "${run[@]}" make -C "$REPO" --no-print-directory KDIR="$kdir" WERROR=1 -j"$JOBS" test-modules >>"$log" 2>&1; then
		probes=$(grep -c '^#define HAVE_' "$REPO/build/$abi/generated/xenfront_config.h" || true)
		missing=""
		for m in $MODULES tests/fault/xfpm_fault; do
			[ -f "$REPO/build/$abi/$m.ko" ] || missing="$missing ${m##*/}"
		done
		if [ -n "$missing" ]; then
			line FAIL "$abi" "$f" "$cc" "$probes" "$t0" "$pv: not built:$missing"
		else
			line PASS "$abi" "$f" "$cc" "$probes" "$t0" "$pv"
		fi
	else
		probes=$(grep -c '^#define HAVE_' "$REPO/build/$abi/generated/xenfront_config.h" 2>/dev/null || true)
		# probe.sh's and the Makefile's one-line reasons come first
		line FAIL "$abi" "$f" "$cc" "${probes:--}" "$t0" \
			"$pv: $(grep -m 1 '^xenfront-pm: ' "$log" || echo "build failed with -Werror (log: build/matrix/$abi.log)")"
		sed 's/^/    | /' "$log" | tail -n 40
	fi
}

T0=$(now)
for w in "${want[@]}"; do
	build_one "${w%%:*}" "${w#*:}"
done
rm -f "$LOGS/resolve.log" "$LOGS/chroot.log"
printf '%s passed, %s failed, %s skipped in %.0fs\n' "$pass" "$fail" "$skip" "$(echo "$(now) - $T0" | bc)"
[ "$fail" = 0 ] && [ "$skip" = 0 ]
