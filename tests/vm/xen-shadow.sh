#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# xen-shadow.sh - Debian's Xen hypervisor rebuilt with shadow paging, for
# the rig's PV live migration (tests/vm/rig.sh -x 4.17+shadow).
#
# usage: xen-shadow.sh SERIES        (4.17: bookworm's Xen, 4.20: trixie's)
#
# Debian builds Xen without shadow paging ("# CONFIG_SHADOW_PAGING is not
# set" in boot/xen-*.config), and a PV guest's log-dirty mode, which live
# migration needs, is shadow paging: "xl migrate" of a PV guest fails with
# EOPNOTSUPP.  This builds the hypervisor alone (make -C xen) from Debian's
# own xen source package (apt-get source through debarchive.sh's private
# apt tree, Debian's patches applied by dpkg-source), with the exact
# .config of Debian's binary package but CONFIG_SHADOW_PAGING=y, with the
# compiler Debian built it with (CONFIG_GCC_VERSION): on this machine when
# its Debian release is the series' suite, else in a chroot of that suite
# (deb_kbuild_chroot, with python3, flex and bison).  The toolstack stays Debian's
# binaries, of the same version.
#
# The version is the suite's candidate of xen-hypervisor-SERIES-amd64.  A
# mirror that lacks the candidate's source files (a partial mirror) gets
# the newest version of the series whose source it has and whose binaries
# the suite lists, and that is said on stderr: the rig then boots that
# version's toolstack with it.
#
# Cached in $XFPM_CACHE/rig/xen-shadow-<version>/ (rebuilt when the version
# changes).  Prints "VERSION ELF-PATH" (the multiboot ELF for QEMU's -kernel).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/debarchive.sh
. "$REPO/tests/lib/debarchive.sh"
log() { echo "xen-shadow: $*" >&2; }
die() { log "$*"; exit 1; }

SERIES=${1:?usage: xen-shadow.sh 4.17|4.20}
case $SERIES in
4.17) PROFILE=bookworm ;;
4.20) PROFILE=trixie ;;
*) die "no Debian suite for Xen '$SERIES' (4.17: bookworm, 4.20: trixie)" ;;
esac
HV=xen-hypervisor-$SERIES-amd64
key() { echo "$XFPM_CACHE/rig/xen-shadow-${1//[:+~]/_}"; }

# ---- which version ----
cand=$(deb_version "$PROFILE" "$HV")
[ -n "$cand" ] || die "no $HV in $PROFILE"
# the versions to try: the candidate, then older ones of the series that
# have both a source (PROFILE+src) and binaries (PROFILE), newest first
versions() {
	local v
	echo "$cand"
	deb_apt_cache "$PROFILE+src" showsrc xen 2>/dev/null | sed -n 's/^Version: //p' |
		grep "^\([0-9]*:\)\{0,1\}$SERIES\." | sort -urV | while read -r v; do
			[ "$v" = "$cand" ] && continue
			deb_apt_cache "$PROFILE" show "$HV=$v" >/dev/null 2>&1 && echo "$v"
		done
}

work=""
trap '[ -z "$work" ] || rm -rf "$work"' EXIT
ver=""
for v in $(versions); do
	if [ -f "$(key "$v")/.ready" ]; then
		ver=$v
		break
	fi
	work=$(mktemp -d "$XFPM_CACHE/rig/xen-shadow-build.XXXXXX")
	if deb_source "$PROFILE" xen "$v" "$work/src" 2>"$work/why"; then
		ver=$v
		break
	fi
	log "no source of xen $v from the mirror ($(grep -m 1 '^E: ' "$work/why" || tail -n 1 "$work/why"))"
	rm -rf "$work"
	work=""
done
[ -n "$ver" ] || die "the mirror has the source of no Xen $SERIES version $PROFILE lists"
[ "$ver" = "$cand" ] ||
	log "building $ver instead of $PROFILE's candidate $cand (whose source the mirror lacks); the rig boots $ver's toolstack with it"
OUT=$(key "$ver")
if [ -f "$OUT/.ready" ]; then
	echo "$ver $OUT/xen.elf"
	exit 0
fi

# ---- the build ----
t0=$(date +%s)
src=$work/src
# Debian's configuration, from the binary package of that version
deb_extract "$(deb_fetch "$PROFILE" "$HV=$ver")" "$work/bin"
cfg=$(ls "$work"/bin/boot/xen-*.config)
grep -q '^# CONFIG_SHADOW_PAGING is not set' "$cfg" ||
	log "note: Debian's $ver config does not say shadow paging is off; setting it on all the same"
sed '/CONFIG_SHADOW_PAGING[ =]/d' "$cfg" > "$src/xen/.config"
echo CONFIG_SHADOW_PAGING=y >> "$src/xen/.config"
gccver=$(sed -n 's/^CONFIG_GCC_VERSION=//p' "$cfg")
[ -n "$gccver" ] || die "no CONFIG_GCC_VERSION in Debian's config: which compiler built it is unknown"
cc=gcc-$((gccver / 10000))
suite=$(deb_profile_suite "$PROFILE")
host=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
run=()
if [ "$suite" != "$host" ]; then
	[ "$(id -u)" = 0 ] || die "Xen $SERIES builds with $cc in a $suite chroot, and making one needs root"
	root=$(deb_kbuild_chroot "$suite" "$cc" python3 flex bison) || die "no $suite chroot with $cc, python3, flex and bison"
	run=(deb_chroot_run "$root" "$work" --)
fi
have=$("${run[@]}" "$cc" --version 2>/dev/null | head -n 1) ||
	die "$cc, the compiler Debian built Xen $ver with, is not installed${run:+ in the $suite chroot}"
"${run[@]}" python3 --version >/dev/null 2>&1 || die "the hypervisor build needs python3${run:+ (in the $suite chroot)}"
log "building Xen $ver's hypervisor with shadow paging ($have, ${run:+$suite chroot}${run:-this machine})"
# as debian/rules does (make_args_xen), the version shown in Xen's log
# saying what this is
args=(XEN_TARGET_ARCH=x86_64 XEN_COMPILE_ARCH=x86_64 CC="$cc" HOSTCC="$cc" LD=ld
	"DEB_VERSION=$ver+shadow" "DEB_MAINTAINER=xenfront-pm rig <rig@localhost>"
	"XEN_BUILD_DATE=$(LC_ALL=C date -u)" "XEN_BUILD_TIME=$(date -u +%T)")
if ! "${run[@]}" env WGET=/bin/false GIT=/bin/false nice -n 19 \
	make -C "$src/xen" "${args[@]}" olddefconfig >"$work/build.log" 2>&1; then
	tail -n 20 "$work/build.log" >&2
	die "make olddefconfig failed"
fi
grep -qx CONFIG_SHADOW_PAGING=y "$src/xen/.config" ||
	die "CONFIG_SHADOW_PAGING=y did not survive olddefconfig"
if ! "${run[@]}" env WGET=/bin/false GIT=/bin/false nice -n 19 \
	make -C "$src/xen" -j"$(nproc)" "${args[@]}" >>"$work/build.log" 2>&1; then
	tail -n 30 "$work/build.log" >&2
	die "the hypervisor build failed (log above)"
fi
file -b "$src/xen/xen" | grep -q 'ELF 32-bit' || die "xen/xen is not the 32-bit multiboot ELF: $(file -b "$src/xen/xen")"
rm -rf "$OUT"
mkdir -p "$OUT"
cp "$src/xen/xen" "$OUT/xen.elf"
cp "$src/xen/.config" "$OUT/config"
cp "$work/build.log" "$OUT/build.log"
# what differs from Debian's build: shadow paging and what follows from it
diff <(grep '^CONFIG_' "$cfg" | sort) <(grep '^CONFIG_' "$OUT/config" | sort) > "$OUT/config.diff" || true
echo "$ver" > "$OUT/version"
touch "$OUT/.ready"
log "built in $(( $(date +%s) - t0 ))s: $OUT/xen.elf (config vs Debian's: $(grep -c '^[<>]' "$OUT/config.diff") line(s), $OUT/config.diff)"
echo "$ver $OUT/xen.elf"
