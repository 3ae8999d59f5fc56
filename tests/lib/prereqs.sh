#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/lib/prereqs.sh - check (and, as root on Debian or Ubuntu, install)
# what a make target needs on the host, before it starts.
#
# usage: prereqs.sh [--check] TARGET...
#   TARGET   a make target (demo check check-full unit fuzz matrix pkg-test
#            vm-test vm-ci bench checkpatch) or a part of tests/prereqs.list
#            (build fetch unit fuzz matrix pkg vm realguest xenbuild checkpatch)
#   --check  only check: never install (also XFPM_NO_INSTALL=1)
#
# Everything present: one line, exit 0.  Something missing: as root with
# apt-get, "installing: ..." and apt-get update + install, then a second
# check; otherwise the one apt-get line to run, and exit 1.  A tool whose
# package is installed but that still cannot be found (not in PATH, or a
# dynamic busybox) is named with the reason, exit 1.
set -uo pipefail

# depmod and friends live in sbin, which a user's PATH may lack
PATH=$PATH:/usr/sbin:/sbin
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIST=$HERE/prereqs.list
install=1
[ -z "${XFPM_NO_INSTALL:-}" ] || install=""

# A script run by another that already checked (make check -> rig.sh ...).
[ -z "${XFPM_PREREQS_DONE:-}" ] || exit 0

parts="" what=""
for a in "$@"; do
	case $a in
	--check) install=""; continue ;;
	build|fetch|unit|fuzz) parts="$parts $a" ;;
	matrix) parts="$parts build fetch matrix" ;;
	pkg|pkg-test) parts="$parts build fetch pkg" ;;
	vm|vm-test|vm-ci|bench|demo) parts="$parts build fetch vm" ;;
	realguest) parts="$parts build fetch vm realguest" ;;
	xenbuild) parts="$parts build fetch vm xenbuild" ;;
	checkpatch|style) parts="$parts fetch checkpatch" ;;
	check) parts="$parts build fetch unit checkpatch fuzz matrix pkg vm" ;;
	check-full) parts="$parts build fetch unit checkpatch fuzz matrix pkg vm realguest" ;;
	*) echo "prereqs: unknown target '$a'" >&2; exit 2 ;;
	esac
	what="$what $a"
done
[ -n "$parts" ] || { echo "usage: prereqs.sh [--check] TARGET..." >&2; exit 2; }
what="make${what}"

# present TEST: 0 if the tool or file is there; prints why not otherwise
present() {
	local t=$1 p
	case $t in
	static:*)
		p=$(command -v "${t#static:}") || { echo "not in PATH"; return 1; }
		# (without file(1): a dynamic executable names its loader)
		if command -v file >/dev/null; then
			LC_ALL=C file -L "$p" | grep -q 'statically linked' && return 0
		elif ! LC_ALL=C grep -qa 'ld-linux' "$p"; then
			return 0
		fi
		echo "$p is not statically linked"
		return 1
		;;
	/*)
		# shellcheck disable=SC2086
		compgen -G "$t" >/dev/null && return 0
		echo "no such file"
		return 1
		;;
	*)
		command -v "$t" >/dev/null && return 0
		echo "not in PATH"
		return 1
		;;
	esac
}

# missing_list: "TEST PACKAGE REASON" per missing entry of the wanted parts
missing_list() {
	local ps t pkg p why
	while read -r ps t pkg; do
		case $ps in ''|\#*) continue ;; esac
		for p in ${ps//,/ }; do
			case " $parts " in *" $p "*) ;; *) continue ;; esac
			why=$(present "$t") || echo "$t $pkg $why"
			break
		done
	done < "$LIST"
}

report() {
	# report LINES: one line per missing tool
	echo "$1" | while read -r t pkg why; do
		echo "  missing: ${t#static:} (package $pkg): $why"
	done
}

miss=$(missing_list)
if [ -z "$miss" ]; then
	echo "prereqs: everything $what needs is installed"
	exit 0
fi
pkgs=$(echo "$miss" | awk '{ print $2 }' | sort -u | tr '\n' ' ')
pkgs=${pkgs% }
echo "prereqs: $what needs what this machine lacks:"
report "$miss"

if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
	echo "prereqs: no apt-get here: install the equivalent of these Debian packages: $pkgs" >&2
	exit 1
fi
if [ -z "$install" ] || [ "$(id -u)" != 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "prereqs: not root, so not installing them; run this as root, then try again:" >&2
	else
		echo "prereqs: not installing them (--check or XFPM_NO_INSTALL); to install:" >&2
	fi
	echo "  apt-get install --no-install-recommends $pkgs" >&2
	exit 1
fi

# Packages already installed whose tool is still missing: apt cannot help.
for p in $pkgs; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		echo "prereqs: package $p is installed, but what it provides is missing (above):" \
			"is PATH ($PATH) cut short, or was a file removed? ('apt-get install --reinstall $p' restores files)" >&2
		exit 1
	fi
done

echo "prereqs: installing: $pkgs"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
t0=$(date +%s)
# shellcheck disable=SC2086
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends $pkgs; } >"$log" 2>&1; then
	tail -n 20 "$log" | sed 's/^/  | /' >&2
	echo "prereqs: apt-get could not install: $pkgs" >&2
	exit 1
fi
echo "prereqs: installed in $(( $(date +%s) - t0 ))s"
miss=$(missing_list)
if [ -n "$miss" ]; then
	echo "prereqs: still missing after the install:" >&2
	report "$miss" >&2
	exit 1
fi
echo "prereqs: everything $what needs is installed"
