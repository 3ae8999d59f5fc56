#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# realguest/image.sh - the disk of the rig's real Debian guest (scenario
# real-guest): a bookworm system made by debootstrap, with its own kernel,
# initramfs, DKMS, the kernel headers and a compiler, booted by Xen's PV GRUB
# from /boot/grub/grub.cfg on that disk.
#
# usage: image.sh OUT.img
#
# The base image (ext4 over the whole disk, root on xvda) is cached under
# $XFPM_CACHE/rig/realguest-<key>; each run copies it and adds, with
# debugfs, what belongs to this tree: /xft/agent (network set-up and the
# probe), /xft/xfprobe, and two builds of the xenfront-pm-dkms package, this
# tree's version and a later one made from the same tree (for the upgrade
# step).  Nothing is mounted on the host.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
# shellcheck source=../../lib/debarchive.sh
. "$REPO/tests/lib/debarchive.sh"

OUT=${1:?usage: image.sh OUT.img}
log() { echo "realguest: $*" >&2; }
die() { log "$*"; exit 1; }

for t in debootstrap mke2fs debugfs dpkg-buildpackage; do
	command -v "$t" >/dev/null ||
		die "'$t' is missing (apt-get install debootstrap e2fsprogs dpkg-dev debhelper dh-dkms)"
done
[ "$(id -u)" = 0 ] || die "debootstrap and mke2fs -d need root"

# What the guest needs to build and boot our modules itself.  zstd is
# initramfs-tools' compressor (a Recommends, which minbase leaves out): without
# it mkinitramfs falls back to gzip, and one initramfs took over 15 minutes
# under the emulation.
PKGS="linux-image-amd64 linux-headers-amd64 dkms make gcc initramfs-tools kmod udev
      systemd-sysv iproute2 e2fsprogs zstd"
SIZE=3G
# (the key: what goes into the base image; the per-run files do not count)
key=$(printf '%s\n' "$PKGS" "$SIZE" | cat - "$HERE/rootfs-setup.sh" | md5sum | cut -c1-10)
BASE=$XFPM_CACHE/rig/realguest-$key
# the archive moves: rebuild a base older than a week
if [ -f "$BASE/.ready" ] && [ -n "$(find "$BASE/.ready" -mtime +7)" ]; then
	log "base image older than a week: building it again"
	rm -f "$BASE/.ready"
fi

if [ ! -f "$BASE/.ready" ]; then
	read -r main _ < <(deb_mirrors)
	rm -rf "$BASE"
	mkdir -p "$BASE"
	R=$BASE/root
	log "debootstrap bookworm from $main (a few minutes)"
	debootstrap --variant=minbase --include="$(echo $PKGS | tr ' ' ',')" \
		bookworm "$R" "$main" > "$BASE/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$BASE/debootstrap.log" >&2; die "debootstrap failed; log in $BASE/debootstrap.log"; }
	cp "$HERE/rootfs-setup.sh" "$R/tmp/"
	chroot "$R" /bin/sh /tmp/rootfs-setup.sh > "$BASE/setup.log" 2>&1 ||
		{ tail -n 20 "$BASE/setup.log" >&2; die "setting up the root file system failed"; }
	rm -f "$R/tmp/rootfs-setup.sh"
	kver=$(cd "$R/lib/modules" && ls | sort -V | tail -n 1)
	[ -e "$R/boot/initrd.img-$kver" ] || die "no initramfs for $kver in the base system"
	echo "$kver" > "$BASE/kernel"
	# grub 2.06 (bookworm's PV GRUB) cannot read two ext4 features that
	# e2fsprogs 1.47 may turn on
	mke2fs -q -t ext4 -O ^orphan_file,^metadata_csum_seed -L xftroot -d "$R" \
		"$BASE/base.img" "$SIZE" || die "mke2fs failed"
	rm -rf "$R"
	touch "$BASE/.ready"
	log "base image ready: Debian bookworm, kernel $kver"
fi

# ---- this tree's packages: its own version and a later one ----
PK=$(mktemp -d "${TMPDIR:-/tmp}/xft-rgpkg.XXXXXX")
trap 'rm -rf "$PK"' EXIT
V1=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$REPO/dkms.conf")
V2=$V1+xftup1
log "building xenfront-pm-dkms $V1 and $V2"
make -s -C "$REPO" deb PKG_OUT="$PK/v1" > "$PK/v1.log" 2>&1 ||
	{ tail -n 20 "$PK/v1.log" >&2; die "make deb failed"; }
mkdir -p "$PK/tree2"
(cd "$REPO" && tar -cf - --exclude=./.cache --exclude=./out --exclude=./build --exclude=./.git .) |
	tar -xf - -C "$PK/tree2"
sed -i "s/^PACKAGE_VERSION=\".*\"/PACKAGE_VERSION=\"$V2\"/" "$PK/tree2/dkms.conf"
{
	echo "xenfront-pm ($V2) unstable; urgency=medium"
	echo
	echo "  * Test build for the rig's upgrade step (same sources, later version)."
	echo
	echo " -- xenfront-pm developers <xenfront-pm@localhost>  $(date -R)"
	echo
	cat "$REPO/debian/changelog"
} > "$PK/tree2/debian/changelog"
make -s -C "$PK/tree2" deb PKG_OUT="$PK/v2" > "$PK/v2.log" 2>&1 ||
	{ tail -n 20 "$PK/v2.log" >&2; die "make deb of the upgrade version failed"; }
DEB1=$(ls "$PK"/v1/xenfront-pm-dkms_*_all.deb)
DEB2=$(ls "$PK"/v2/xenfront-pm-dkms_*_all.deb)

# ---- the run's copy ----
cp --sparse=always "$BASE/base.img" "$OUT"
printf '%s\n%s\n%s\n' "$V1" "$V2" "$(cat "$BASE/kernel")" > "$PK/versions"
debugfs -w -f - "$OUT" > "$PK/debugfs.log" 2>&1 <<-EOF
	mkdir /xft
	write $HERE/agent /xft/agent
	write $HERE/bg /xft/bg
	write $HERE/facts /xft/facts
	write $XFPM_CACHE/rig/xfprobe /xft/xfprobe
	write $DEB1 /xft/xenfront-pm-dkms-v1.deb
	write $DEB2 /xft/xenfront-pm-dkms-v2.deb
	write $PK/versions /xft/versions
	sif /xft/agent mode 0100755
	sif /xft/bg mode 0100755
	sif /xft/facts mode 0100755
	sif /xft/xfprobe mode 0100755
EOF
grep -qi 'error\|not found\|could not' "$PK/debugfs.log" &&
	{ cat "$PK/debugfs.log" >&2; die "debugfs could not add the run's files"; }
log "image $OUT: kernel $(cat "$BASE/kernel"), packages $V1 and $V2"
