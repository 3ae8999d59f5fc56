#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# rig.sh - the Xen-in-QEMU test rig (host side).
#
# Builds, from Debian packages only, a Xen 4.17 image, a busybox dom0 with the
# xl toolstack, blkback, netback and a bridge, and guest initramfs images for
# the requested guest kernels with either the in-tree frontends or the
# modules this repository built for that kernel.  Boots it all under QEMU
# (software emulation), lets dom0's controller run the scenarios and prints
# one line per check plus a final "N passed, N failed, N skipped" line.
#
# usage: rig.sh [-d "intree built"] [-g "pv pvh"] [-k "6.1 5.10 6.12"]
#               [-x 4.17|4.20|4.17+shadow|4.20+shadow] [-q 7.2|10.0] [-i]
#               [-s "boot checkpoint ..."|all] [-r REPORT] [-e VAR=VALUE]...
#
# -k takes the short names 5.10, 6.1, 6.12 (Debian 11 and 12's kernels) or
# a suite's current kernel: trixie (6.12, +deb13), trixie-backports (7.x),
# sid.  -x: Debian's Xen of bookworm (4.17, the default) or trixie (4.20,
# whose toolstack runs in dom0 on trixie's libraries); +shadow boots that
# Xen's hypervisor rebuilt from Debian's source with shadow paging
# (tests/vm/xen-shadow.sh), which PV live migration needs.
# -q: the QEMU that emulates the machine: Debian 12's installed 7.2, or
# bookworm-backports' 10.0 (downloaded, unpacked into the cache and run in a
# private mount namespace beside 7.2; default: $XFPM_RIG_QEMU, else 7.2).
# -i: deterministic time (QEMU's -icount shift=0,sleep=off: the machine's
# clock follows the instructions it runs, not the host's wall clock).
# For diagnosis: XFPM_RIG_ACCEL (tcg; e.g. tcg,thread=single),
# XFPM_RIG_MACHINE (pc), XFPM_RIG_CPU (the -cpu model) and
# XFPM_RIG_QEMU_ARGS (more options: a monitor socket, -d logging).
set -euo pipefail

# Run from a private copy: bash reads a script as it goes, and this file may
# be edited while a boot (up to an hour) runs.
if [ -z "${XFPM_RIG_SELF:-}" ]; then
	XFPM_RIG_SELF=$(mktemp "${TMPDIR:-/tmp}/xft-rig.XXXXXX")
	cp "${BASH_SOURCE[0]}" "$XFPM_RIG_SELF"
	XFPM_RIG_SELF=$XFPM_RIG_SELF XFPM_RIG_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd) \
		exec bash "$XFPM_RIG_SELF" "$@"
fi
rm -f "$XFPM_RIG_SELF"
REPO=$XFPM_RIG_REPO
unset XFPM_RIG_SELF XFPM_RIG_REPO
VM=$REPO/tests/vm
# shellcheck source=../lib/debarchive.sh
. "$REPO/tests/lib/debarchive.sh"

# "all": every scenario file but those that say "# rig-all: no (why)"
# (benchmarks, the long real-guest run, diagnostic loops)
ALL_SCENARIOS=$(for f in "$VM"/scenarios/*.sh; do
	grep -q '^# rig-all: no' "$f" || basename "$f" .sh
done | tr '\n' ' ')
DRIVERS=intree GUESTS=pv KERNELS=6.1 SCENARIOS=all REPORT="" EXTRA_CONF=() XEN=4.17
QEMU_SERIES=${XFPM_RIG_QEMU:-7.2} ICOUNT=${XFPM_RIG_ICOUNT:-0}
while getopts "d:g:k:s:r:e:x:q:ih" opt; do
	case $opt in
	d) DRIVERS=$OPTARG ;;
	g) GUESTS=$OPTARG ;;
	k) KERNELS=$OPTARG ;;
	s) SCENARIOS=$OPTARG ;;
	r) REPORT=$OPTARG ;;
	e) EXTRA_CONF+=("$OPTARG") ;;
	x) XEN=$OPTARG ;;
	q) QEMU_SERIES=$OPTARG ;;
	i) ICOUNT=1 ;;
	*) sed -n '3,/^set -euo/p' "$REPO/tests/vm/rig.sh" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
	esac
done
[ "$SCENARIOS" = all ] && SCENARIOS=$ALL_SCENARIOS
for d in $DRIVERS; do
	case $d in intree|built) ;; *) echo "rig: DRIVERS must be intree or built, not '$d'" >&2; exit 2 ;; esac
done
for g in $GUESTS; do
	case $g in pv|pvh) ;; *) echo "rig: GUEST must be pv or pvh, not '$g'" >&2; exit 2 ;; esac
done
case $XEN in
4.17|4.20|4.17+shadow|4.20+shadow) ;;
*) echo "rig: XEN must be 4.17 or 4.20, or either with +shadow, not '$XEN'" >&2; exit 2 ;;
esac
case $QEMU_SERIES in
7.2|10.0) ;;
*) echo "rig: QEMU must be 7.2 (Debian 12's) or 10.0 (bookworm-backports), not '$QEMU_SERIES'" >&2; exit 2 ;;
esac
case " ${EXTRA_CONF[*]} " in
*" XFT_BLK_BACKEND=qdisk "*)
	case $XEN in 4.17*) ;; *) echo "rig: XFT_BLK_BACKEND=qdisk needs Xen 4.17 (the rig's qemu-system-xen is bookworm's, built for it), not $XEN" >&2; exit 2 ;; esac
	;;
esac
for s in $SCENARIOS; do
	[ -f "$VM/scenarios/$s.sh" ] || { echo "rig: no scenario '$s' (have: $(cd "$VM/scenarios" && ls | sed 's/\.sh$//' | tr '\n' ' '))" >&2; exit 2; }
done

# every host tool the rig calls, checked (as root: installed) before anything
# starts (tests/lib/prereqs.sh, list in tests/lib/prereqs.list)
case " $SCENARIOS " in *" real-guest "*) need="vm realguest" ;; *) need=vm ;; esac
case $XEN in *+shadow) need="$need xenbuild" ;; esac
# shellcheck disable=SC2086
"$REPO/tests/lib/prereqs.sh" $need || exit 2
export XFPM_PREREQS_DONE=1 PATH=$PATH:/usr/sbin:/sbin
busybox_bin=$(command -v busybox)

# One rig boot at a time on this machine: two QEMUs on two cores starve each
# other's guests into timeouts.  A second rig.sh waits here, in turn: each
# waiter leaves a ticket (its start time and pid) in the queue folder and
# takes the lock only when its ticket is the oldest one left (flock alone
# lets a newcomer overtake a waiter); tickets of dead waiters are dropped.
RIG_Q=${TMPDIR:-/tmp}/xfpm-rig.queue
mkdir -p "$RIG_Q"
RIG_TICKET=$RIG_Q/$(date +%s%N).$$
: > "$RIG_TICKET"
exec 9>"${TMPDIR:-/tmp}/xfpm-rig.lock"
rig_first() {
	local t
	for t in "$RIG_Q"/*; do
		[ -e "$t" ] || continue
		kill -0 "${t##*.}" 2>/dev/null || { rm -f "$t"; continue; }
		[ "$t" = "$RIG_TICKET" ]
		return
	done
	return 1
}
if ! { rig_first && flock -n 9; }; then
	echo "rig: another rig boot is running on this machine; waiting for it to end" >&2
	until rig_first && flock -n 9; do sleep 2; done
fi
rm -f "$RIG_TICKET"

CACHE=$XFPM_CACHE/rig
mkdir -p "$CACHE"
RUN=$(mktemp -d "${TMPDIR:-/tmp}/xft-run.XXXXXX")
[ -n "${XFPM_KEEP_RUN:-}" ] || trap 'rm -rf "$RUN"' EXIT
log() { echo "rig: $*" >&2; }
tsec() { date +%s.%N | cut -c1-14; }
T_START=$(tsec)

# ---- the probe (static, used by dom0 and the guests) ----
PROBE=$CACHE/xfprobe
if [ ! -x "$PROBE" ] || [ "$VM/guest/xfprobe.c" -nt "$PROBE" ]; then
	log "building xfprobe"
	gcc -O2 -Wall -static -pthread -o "$PROBE" "$VM/guest/xfprobe.c"
fi

# ---- Xen and dom0 ----
# XEN_SERIES's hypervisor and toolstack from its Debian suite (4.17:
# bookworm, 4.20: trixie); the dom0 kernel is bookworm's 6.1 under either.
read -r DOM0_PROFILE DOM0_ABI < <(deb_kernel_abi 6.1)
XEN_SERIES=${XEN%+shadow}
case $XEN_SERIES in 4.17) XEN_PROFILE=bookworm ;; 4.20) XEN_PROFILE=trixie ;; esac
XEN_VER=$(deb_version "$XEN_PROFILE" "xen-hypervisor-$XEN_SERIES-amd64")
# +shadow: the hypervisor rebuilt from Debian's source with shadow paging
# (tests/vm/xen-shadow.sh, cached); the toolstack of the version it was
# built from (the candidate's, unless the mirror lacks its source)
XEN_ELF=""
case $XEN in
*+shadow)
	read -r XEN_VER XEN_ELF < <("$VM/xen-shadow.sh" "$XEN_SERIES") && [ -f "$XEN_ELF" ] ||
		{ log "no Xen $XEN_SERIES hypervisor with shadow paging (tests/vm/xen-shadow.sh, above)"; exit 1; }
	;;
esac
XEN_PKGS="xen-hypervisor-$XEN_SERIES-amd64=$XEN_VER xen-utils-$XEN_SERIES=$XEN_VER xenstore-utils=$XEN_VER"
# deb_libs PROFILE PKG[=VERSION]...: the Xen and yajl libraries the packages
# depend on (Xen's own at the version of Xen in use)
deb_libs() {
	local prof=$1 p
	shift
	for p in "$@"; do
		deb_apt_cache "$prof" show --no-all-versions "$p" | sed -n 's/^Depends: //p' |
			tr ',|' '\n\n' | sed 's/^ *//; s/ .*//' | awk '/^lib(xen|yajl)/'
	done | sort -u
}
xen_pin() { local p; for p in "$@"; do case $p in libxen*) echo "$p=$XEN_VER" ;; *) echo "$p" ;; esac; done; }
XEN_LIBS=$(xen_pin $(deb_libs "$XEN_PROFILE" $XEN_PKGS))
XEN_LIBS="$XEN_LIBS $(xen_pin $(deb_libs "$XEN_PROFILE" $XEN_LIBS))"
# deb_lib_closure PROFILE PKG...: the library packages (lib*, zlib1g) the
# packages depend on, directly or not: the C library and all
deb_lib_closure() {
	local prof=$1 seen=" " want p new
	shift
	want="$*"
	while [ -n "$want" ]; do
		new=""
		for p in $(deb_apt_cache "$prof" show --no-all-versions $want 2>/dev/null |
			sed -n 's/^\(Pre-\)\{0,1\}Depends: //p' | tr ',' '\n' | sed 's/|.*//; s/^ *//; s/[ :].*//' | sort -u); do
			case "$seen" in *" $p "*) continue ;; esac
			seen="$seen$p "
			case $p in lib*|zlib1g) new="$new $p" ;; esac
		done
		want=$new
	done
	for p in $seen; do case $p in lib*|zlib1g) echo "$p" ;; esac; done
}
# (r2: virtio disk modules, for the real guest's disk; r3: device-mapper
# with the delay and flakey targets, for stalled and failing backend disks)
DOM0=$CACHE/dom0-r3-$DOM0_ABI-${XEN_VER//[:+~]/_}
if [ ! -f "$DOM0/.ready" ]; then
	log "building dom0 ($DOM0_ABI, Xen $XEN_VER from $XEN_PROFILE)"
	rm -rf "$DOM0"
	X=$DOM0/x R=$DOM0/root
	mkdir -p "$X" "$R"
	# shellcheck disable=SC2046
	for deb in $(deb_fetch "$XEN_PROFILE" $XEN_PKGS $(echo $XEN_LIBS | tr ' ' '\n' | sort -u)) \
		$(deb_fetch "$DOM0_PROFILE" "linux-image-$DOM0_ABI"); do
		deb_extract "$deb" "$X"
	done
	zcat "$X/boot/xen-$XEN_SERIES-amd64.gz" > "$DOM0/xen.elf"
	cp "$X/boot/vmlinuz-$DOM0_ABI" "$DOM0/vmlinuz"
	XB=usr/lib/xen-$XEN_SERIES/bin
	mkdir -p "$R"/{bin,usr/bin,etc/xen/scripts,$XB,usr/lib/x86_64-linux-gnu,lib64,xft}
	cp "$busybox_bin" "$R/bin/busybox"
	for b in xl xenstored xenconsoled libxl-save-helper xen-init-dom0; do
		cp "$X/$XB/$b" "$R/$XB/"
	done
	for b in "$X"/usr/bin/xenstore*; do
		[ -L "$b" ] || cp "$b" "$R/usr/bin/"
	done
	cp -a "$X"/usr/lib/x86_64-linux-gnu/lib{xen,xl,yajl}*.so* "$R/usr/lib/x86_64-linux-gnu/"
	if [ "$XEN_PROFILE" = "$DOM0_PROFILE" ]; then
		# the C library and friends, from this (same Debian release) machine
		for b in "$R/$XB"/* "$R"/usr/bin/xenstore; do
			LD_LIBRARY_PATH=$R/usr/lib/x86_64-linux-gnu ldd "$b" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }'
		done | sort -u | while read -r lib; do
			case $lib in "$R"*) continue ;; esac
			mkdir -p "$R$(dirname "$lib")"
			cp -L "$lib" "$R$lib"
		done
		gcclib=$(gcc -print-file-name=libgcc_s.so.1)
		for d in /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu; do
			[ -f "$d/libgcc_s.so.1" ] && gcclib=$d/libgcc_s.so.1 && break
		done
		cp -L "$gcclib" "$R/usr/lib/x86_64-linux-gnu/libgcc_s.so.1"
		[ -e "$R/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$R/lib64/"
	else
		# Another Debian release's toolstack runs on that release's C
		# library and friends: the library packages it depends on, from
		# its suite, as that release's own dynamic loader resolves them
		# (a library it would take from this machine is an error)
		# shellcheck disable=SC2046
		for deb in $(deb_fetch "$XEN_PROFILE" $(deb_lib_closure "$XEN_PROFILE" $(echo $XEN_PKGS $XEN_LIBS | sed 's/=[^ ]*//g') |
			grep -v '^lib\(xen\|yajl\)')); do
			deb_extract "$deb" "$X"
		done
		L=$X/usr/lib/x86_64-linux-gnu
		[ -x "$L/ld-linux-x86-64.so.2" ] || { log "no dynamic loader in $XEN_PROFILE's libc6"; exit 1; }
		for b in "$R/$XB"/* "$R"/usr/bin/xenstore; do
			out=$("$L/ld-linux-x86-64.so.2" --library-path "$L" --list "$b" 2>&1) ||
				{ log "$XEN_PROFILE's ${b##*/} does not load with the libraries of the packages it depends on: $out"; exit 1; }
			echo "$out" | awk '/=> \// { print $3 }'
		done | sort -u | while read -r lib; do
			case $lib in
			"$X"/*) cp -L "$lib" "$R/usr/lib/x86_64-linux-gnu/" ;;
			*) log "the $XEN_PROFILE toolstack would take $lib from this machine"; exit 1 ;;
			esac
		done
		cp -L "$L/libgcc_s.so.1" "$R/usr/lib/x86_64-linux-gnu/"
		cp -L "$L/ld-linux-x86-64.so.2" "$R/lib64/"
	fi
	M=lib/modules/$DOM0_ABI
	mkdir -p "$R/$M"
	(cd "$X/$M" && find kernel/drivers/xen kernel/drivers/block/loop.ko* \
		kernel/drivers/block/xen-blkback kernel/drivers/net/xen-netback \
		kernel/net/bridge/bridge.ko* kernel/net/802 kernel/net/llc \
		kernel/drivers/virtio kernel/drivers/block/virtio_blk.ko* \
		kernel/drivers/md/dm-mod.ko* kernel/drivers/md/dm-delay.ko* \
		kernel/drivers/md/dm-flakey.ko* -name '*.ko*' |
		cpio -pdm --quiet "$R/$M")
	cp "$X/$M"/modules.{order,builtin}* "$R/$M/" 2>/dev/null || true
	find "$R/$M" -name '*.ko.xz' -exec xz -d {} +
	depmod -b "$R" "$DOM0_ABI"
	(cd "$R" && find . | cpio -o -H newc --quiet) > "$DOM0/base.cpio"
	rm -rf "$X"
	touch "$DOM0/.ready"
fi
# the libraries dom0's image has: the per-run part must not bring this
# machine's copies of them (Xen 4.20's toolstack needs trixie's C library)
[ -f "$DOM0/libs" ] || cpio -it --quiet < "$DOM0/base.cpio" | grep '\.so' | sed 's#.*/##' | sort -u > "$DOM0/libs"
[ -n "$XEN_ELF" ] || XEN_ELF=$DOM0/xen.elf


# install_tools LIST ROOT [HAVE]: programs from Debian packages plus their
# libraries, but none named in the file HAVE (those the image ROOT is added
# to has already: dom0's base)
install_tools() {
	local list=$1 root=$2 have=${3:-/dev/null} prog pkgs stubs sdir x=$CACHE/tools deb path lib lib_dst dst
	mkdir -p "$x"
	# "<program> <package>[,<library package>...] [<stub library>,...]";
	# an empty list is fine (grep's status must not end the script)
	{ grep -v '^[[:space:]]*\(#\|$\)' "$list" 2>/dev/null || true; } | while read -r prog pkgs stubs; do
		# shellcheck disable=SC2086
		for deb in $(deb_fetch "$DOM0_PROFILE" ${pkgs//,/ }); do
			deb_extract "$deb" "$x/root"
		done
		# a program named by its path goes to that path (libxl looks for
		# QEMU at /usr/libexec/xen-qemu-system-i386), others to /usr/bin
		case $prog in
		*/*)
			path=$x/root/${prog#/} dst=$root/$(dirname "${prog#/}")
			[ -f "$path" ] || path=""
			;;
		*)
			path=$({ find "$x/root/usr/bin" "$x/root/usr/sbin" "$x/root/bin" "$x/root/sbin" -name "$prog" 2>/dev/null || true; } | head -n 1)
			dst=$root/usr/bin
			;;
		esac
		[ -n "$path" ] || { log "no program $prog in package(s) $pkgs"; exit 1; }
		mkdir -p "$dst"
		cp "$path" "$dst/"
		# optional third column: libraries to replace by stubs (tests/lib/stublib.sh)
		sdir=$x/stubs-$prog
		if [ -n "$stubs" ]; then
			rm -rf "$sdir"
			"$REPO/tests/lib/stublib.sh" "$path" "$sdir" ${stubs//,/ } ||
				{ log "cannot make stub libraries for $prog"; exit 1; }
			mkdir -p "$root/usr/lib/x86_64-linux-gnu"
			cp "$sdir"/* "$root/usr/lib/x86_64-linux-gnu/"
		fi
		# the package's own libraries may live in other packages: what ldd
		# cannot find on this machine must come from the listed packages
		# (bookworm's library packages put some under /lib: libdevmapper)
		LD_LIBRARY_PATH=$sdir:$x/root/usr/lib/x86_64-linux-gnu:$x/root/lib/x86_64-linux-gnu ldd "$path" |
			awk '/=> \// { print $3 } /^\t\/lib/ { print $1 } /not found/ { print "MISSING " $1 }' |
			while read -r lib rest; do
				if [ "$lib" = MISSING ]; then
					log "$prog needs $rest, which is neither on this machine nor in $pkgs: add its package to the list"
					exit 1
				fi
				case $lib in "$sdir"/*) continue ;; esac
				grep -qxF "${lib##*/}" "$have" && continue
				# libraries from the extracted packages go where the loader looks
				case $lib in "$x/root"/*) lib_dst=/usr/lib/x86_64-linux-gnu/${lib##*/} ;; *) lib_dst=$lib ;; esac
				mkdir -p "$root$(dirname "$lib_dst")"
				[ -e "$root$lib_dst" ] || cp -L "$lib" "$root$lib_dst"
			done
	done
}

# install_backends ROOT: the rig's own backends, each a program in
# ROOT/usr/bin and its hotplug script in ROOT/etc/xen/scripts: xfback
# (block, tests/vm/backend) and xfnetback (network, tests/vm/netback), both
# with the shared tests/vm/backend-util; built here against this machine's
# release's libxen-dev headers, linked against the libxen*.so that dom0
# already carries (libxenstore.so.4, libxengnttab.so.1 and
# libxenevtchn.so.1: stable interfaces, the same sonames in Xen 4.20)
install_backends() {
	local root=$1 dev deb f name dir bin
	dev=$CACHE/xfback-dev-$(deb_version "$DOM0_PROFILE" libxen-dev | tr ':+~' ___)
	if [ ! -f "$dev/.ready" ]; then
		rm -rf "$dev"
		# shellcheck disable=SC2046
		for deb in $(deb_fetch "$DOM0_PROFILE" libxen-dev $(deb_libs "$DOM0_PROFILE" libxen-dev)); do
			deb_extract "$deb" "$dev"
		done
		touch "$dev/.ready"
	fi
	for name in xfback:backend xfnetback:netback; do
		dir=$VM/${name#*:} name=${name%:*} bin=$CACHE/${name%:*}
		for f in "$dir"/*.[ch] "$VM"/backend-util/*.[ch]; do
			[ "$f" -nt "$bin" ] && rm -f "$bin"
		done
		if [ ! -x "$bin" ] || [ "$dev/.ready" -nt "$bin" ]; then
			log "building $name"
			gcc -O2 -g -Wall -Wextra -I"$dev/usr/include" -L"$dev/usr/lib/x86_64-linux-gnu" \
				-Wl,-rpath-link,"$dev/usr/lib/x86_64-linux-gnu" -o "$bin" \
				"$dir"/*.c "$VM"/backend-util/*.c \
				-lxenstore -lxengnttab -lxenevtchn || { log "$name did not build"; exit 1; }
		fi
		cp "$bin" "$root/usr/bin/$name"
		cp "$dir/$name-hotplug" "$root/etc/xen/scripts/$name"
	done
}

# ---- guests ----
mkdir -p "$RUN/xft/guests"
guest_initrd() {
	# guest_initrd OUT MODULE-FILES...: busybox, the probe, /init, modules
	local out=$1 r=$RUN/groot m
	shift
	rm -rf "$r"
	mkdir -p "$r"/{bin,lib/xft/extra,dev,proc,sys}
	cp "$busybox_bin" "$r/bin/busybox"
	cp "$PROBE" "$r/bin/xfprobe"
	cp "$VM/guest/init" "$r/init"
	install_tools "$VM/guest/tools.list" "$r"
	: > "$r/lib/xft/modules"
	for m in "$@"; do
		case $m in
		extra:*) m=${m#extra:}; cp "$m" "$r/lib/xft/extra/" ;;
		*) cp "$m" "$r/lib/xft/"; echo "$(basename "$m")" >> "$r/lib/xft/modules" ;;
		esac
	done
	find "$r/lib/xft" -name '*.ko.xz' -exec xz -d {} +
	sed -i 's/\.ko\.xz$/.ko/' "$r/lib/xft/modules"
	(cd "$r" && find . | cpio -o -H newc --quiet) > "$out"
}

for k in $KERNELS; do
	read -r prof abi < <(deb_kernel_abi "$k")
	# (r2: ext4 and what it needs, in load order, for filesystem tests)
	G=$CACHE/guest-r2-$abi
	if [ ! -f "$G/.ready" ]; then
		log "fetching guest kernel $abi"
		rm -rf "$G"
		mkdir -p "$G"
		# (7.x: the image, its modules and its base are packages of their own)
		for deb in $(deb_kernel_image "$prof" "$abi"); do
			deb_extract "$deb" "$G/x"
		done
		# (7.x packages keep the image and the modules in /usr/lib/modules)
		GM=$G/x/lib/modules/$abi
		[ -d "$GM/kernel" ] || GM=$G/x/usr/lib/modules/$abi
		for f in "$G/x/boot/vmlinuz-$abi" "$GM/vmlinuz" ""; do
			[ -n "$f" ] || { log "no kernel image in the $abi packages"; exit 1; }
			[ -f "$f" ] && cp "$f" "$G/vmlinuz" && break
		done
		mkdir -p "$G/intree" "$G/fs"
		for m in drivers/block/xen-blkfront drivers/net/xen-netfront; do
			cp "$GM/kernel/$m".ko* "$G/intree/"
		done
		# modules the kernel has built in are simply not there
		: > "$G/fs/ext4.order"
		for m in lib/crc16 fs/mbcache crypto/crc32c_generic fs/jbd2/jbd2 fs/ext4/ext4; do
			for f in "$GM/kernel/$m".ko*; do
				[ -f "$f" ] || continue
				cp "$f" "$G/fs/"
				echo "${m##*/}.ko" >> "$G/fs/ext4.order"
			done
		done
		rm -rf "$G/x"
		touch "$G/.ready"
	fi
	mkdir -p "$RUN/xft/guests/$k"
	cp "$G/vmlinuz" "$RUN/xft/guests/$k/vmlinuz"
	kdir=$(deb_kernel_headers "$prof" "$abi")
	bdir=$REPO/build/$abi
	# the fault-injection module goes into every guest (idle until armed)
	want="test-modules"
	case " $DRIVERS " in *" built "*) want="modules test-modules" ;; esac
	log "building $want for $abi"
	# with the kernel's own compiler: here, or in a chroot of its suite
	# shellcheck disable=SC2086
	deb_kbuild "$kdir" "$prof" "$REPO" -s -C "$REPO" $want KDIR="$kdir" \
		>"$RUN/build-$abi.log" 2>&1 ||
		{ cat "$RUN/build-$abi.log" >&2; log "build for $abi failed"; exit 1; }
	for d in $DRIVERS; do
		mods=()
		case $d in
		intree)
			mods=("$G"/intree/xen-blkfront.ko* "$G"/intree/xen-netfront.ko*)
			;;
		built)
			# all four or nothing: a guest that quietly ran an in-tree
			# module would pass for ours
			for m in xenfront-bus xenfront-shim xen-blkfront xen-netfront; do
				[ -f "$bdir/$m.ko" ] ||
					{ tail -n 20 "$RUN/build-$abi.log" >&2; log "the build made no $m.ko for $abi: cannot make the 'built' guest"; exit 1; }
				mods+=("$bdir/$m.ko")
			done
			;;
		esac
		for f in "$bdir"/tests/fault/*.ko "$G"/fs/*; do
			[ -f "$f" ] && mods+=("extra:$f")
		done
		guest_initrd "$RUN/xft/guests/$k/initrd-$d.gz" "${mods[@]}"
	done
done

# ---- the per-run part of dom0's initramfs ----
R=$RUN/runroot
mkdir -p "$R/xft/scenarios" "$R/etc/xen/scripts" "$R/bin"
cp "$VM/dom0/init" "$R/init"
cp "$VM/dom0/controller" "$VM/dom0/lib.sh" "$VM/dom0/fake-ssh" "$R/xft/"
cp "$VM"/scenarios/*.sh "$VM"/scenarios/*.inc "$R/xft/scenarios/"
cp "$VM/dom0/xfblock" "$VM/dom0/xfvif" "$R/etc/xen/scripts/"
cp "$PROBE" "$R/bin/xfprobe"
install_tools "$VM/dom0/tools.list" "$R" "$DOM0/libs"
# QEMU's Xen block backend (qdisk) for the scenarios that say "# rig-needs:
# qdisk" and for -e XFT_BLK_BACKEND=qdisk: bookworm's qemu-system-xen, built
# against Xen 4.17's libraries, so with Xen 4.17 only (those scenarios skip
# without it)
for s in $SCENARIOS; do
	case " ${EXTRA_CONF[*]} " in
	*" XFT_BLK_BACKEND=qdisk "*) ;;
	*) grep -q '^# rig-needs: .*qdisk' "$VM/scenarios/$s.sh" || continue ;;
	esac
	if [ "$XEN_SERIES" = 4.17 ]; then
		log "adding QEMU's qdisk backend to dom0 (tests/vm/dom0/qdisk.list)"
		install_tools "$VM/dom0/qdisk.list" "$R" "$DOM0/libs"
		# libxl starts it with "-vnc none", which still loads a keymap
		for deb in $(deb_fetch "$DOM0_PROFILE" qemu-system-data); do
			deb_extract "$deb" "$CACHE/tools/root"
		done
		mkdir -p "$R/usr/share/qemu/keymaps"
		cp "$CACHE/tools/root/usr/share/qemu/keymaps/en-us" "$R/usr/share/qemu/keymaps/"
	fi
	break
done
mkdir -p "$R/usr/bin"
install_backends "$R"
mv "$RUN/xft/guests" "$R/xft/"
# The real-guest scenario: a debootstrapped Debian disk (QEMU gives it to
# dom0 as a virtio disk) and Xen's PV GRUB, which boots the guest's own
# kernel from it.
QEMU_DISKS=()
case " $SCENARIOS " in
*" real-guest "*)
	log "building the real guest's disk (tests/vm/realguest/image.sh)"
	"$VM/realguest/image.sh" "$RUN/realguest.img"
	for deb in $(deb_fetch "$DOM0_PROFILE" grub-xen-host); do
		deb_extract "$deb" "$RUN/pvgrub"
	done
	cp "$RUN/pvgrub/usr/lib/grub-xen/grub-x86_64-xen.bin" "$R/xft/pvgrub-x86_64.bin"
	QEMU_DISKS=(-drive "file=$RUN/realguest.img,format=raw,if=virtio,cache=unsafe")
	# two DKMS builds inside the emulated guest: about 32 min each
	: "${XFPM_RIG_TIMEOUT:=9000}"
	;;
esac
{
	echo "XFT_KERNELS=\"$KERNELS\""
	echo "XFT_GUESTS=\"$GUESTS\""
	echo "XFT_DRIVERS=\"$DRIVERS\""
	echo "XFT_SCENARIOS=\"$SCENARIOS\""
	echo "XFT_XEN=\"$XEN\""
	for e in "${EXTRA_CONF[@]}"; do
		echo "${e%%=*}=\"${e#*=}\""
	done
} > "$R/xft/run.conf"
(cd "$R" && find . | cpio -o -H newc --quiet) > "$RUN/run.cpio"
cat "$DOM0/base.cpio" "$RUN/run.cpio" > "$RUN/dom0.cpio"
T_BUILT=$(tsec)
if [ -n "${XFPM_RIG_PREPARE_ONLY:-}" ]; then
	echo "$RUN"
	exit 0
fi
case $XEN in *+shadow) xen_what="$XEN_VER, rebuilt with shadow paging" ;; *) xen_what=$XEN_VER ;; esac
log "images ready in $(echo "$T_BUILT - $T_START" | bc)s; booting Xen $xen_what under QEMU"

# ---- the emulator ----
# 7.2: Debian 12's, installed.  10.0: bookworm-backports' packages unpacked
# into the cache; it runs on Debian 12's libraries, but loads its modules
# from the fixed path of the installed 7.2's (which abort it: "Only modules
# from the same build can be loaded"), so it runs in a mount namespace of
# its own with its module folder bound over that path.
QEMU=(qemu-system-x86_64) QEMU_ARGS=()
if [ "$QEMU_SERIES" = 10.0 ]; then
	qpkgs=""
	for p in qemu-system-x86 qemu-system-common qemu-system-data seabios; do
		v=$(deb_version_in bookworm-backports "$p" bookworm-backports)
		[ -n "$v" ] || { log "bookworm-backports has no $p: cannot run QEMU 10.0"; exit 2; }
		qpkgs="$qpkgs $p=$v"
	done
	QDIR=$CACHE/qemu-$(deb_version_in bookworm-backports qemu-system-x86 bookworm-backports | tr ':+~' ___)
	# shellcheck disable=SC2086
	for deb in $(deb_fetch bookworm-backports $qpkgs); do
		deb_extract "$deb" "$QDIR"
	done
	QMOD=/usr/lib/x86_64-linux-gnu/qemu
	[ -d "$QMOD" ] || QMOD=$QDIR$QMOD
	# (a private namespace: the bind mount never shows on the host; as a
	# user, inside a user namespace of its own)
	ns=(-m --propagation private)
	[ "$(id -u)" = 0 ] || ns=(-r "${ns[@]}")
	# shellcheck disable=SC2016
	QEMU=(unshare "${ns[@]}" sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh
		"$QDIR/usr/lib/x86_64-linux-gnu/qemu" "$QMOD" "$QDIR/usr/bin/qemu-system-x86_64")
	QEMU_ARGS=(-L "$QDIR/usr/share/seabios" -L "$QDIR/usr/share/qemu" -L /usr/share/qemu)
fi
[ "$ICOUNT" = 1 ] && QEMU_ARGS+=(-icount shift=0,sleep=off)
# (diagnosis: more QEMU options, e.g. a monitor socket or -d logging)
if [ -n "${XFPM_RIG_QEMU_ARGS:-}" ]; then
	read -ra more <<<"$XFPM_RIG_QEMU_ARGS"
	QEMU_ARGS+=("${more[@]}")
fi
# (no pipe: under pipefail a SIGPIPE to QEMU would read as a failure)
qver=$("${QEMU[@]}" --version 2>&1) && qver=${qver%%$'\n'*} && case $qver in QEMU*) ;; *) false ;; esac ||
	{ log "QEMU $QEMU_SERIES does not start: $qver"; exit 2; }
log "QEMU: $qver$([ "$ICOUNT" = 1 ] && echo ', icount mode')"

# ---- boot ----
CONSOLE=$RUN/console.log
: "${XFPM_RIG_TIMEOUT:=3600}"
"${QEMU[@]}" -machine "${XFPM_RIG_MACHINE:-pc}" -accel "${XFPM_RIG_ACCEL:-tcg}" "${QEMU_ARGS[@]}" \
	-cpu "${XFPM_RIG_CPU:-qemu64,+svm,+npt,+ssse3,+sse4.1,+sse4.2,+popcnt}" -smp 2 -m 3072 \
	-display none -monitor none -serial stdio -no-reboot "${QEMU_DISKS[@]}" \
	-kernel "$XEN_ELF" \
	-append "console=com1 dom0_mem=1024M,max:1024M loglvl=all guest_loglvl=all noreboot" \
	-initrd "$DOM0/vmlinuz console=hvc0 loglevel=4,$RUN/dom0.cpio" \
	< /dev/null > "$CONSOLE" 2>&1 &
QPID=$!
summary="" rc=1
deadline=$(( $(date +%s) + XFPM_RIG_TIMEOUT ))
exec 3< <(tail -n +1 -F "$CONSOLE" 2>/dev/null)
while :; do
	if ! IFS= read -r -t 5 line <&3; then
		if ! kill -0 $QPID 2>/dev/null; then
			log "QEMU exited before the controller finished"
			break
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			log "timed out after ${XFPM_RIG_TIMEOUT}s"
			break
		fi
		continue
	fi
	line=${line%$'\r'}
	case $line in
	*"XFT: DONE"*) break ;;
	*"XFT: SUMMARY "*)
		summary=${line#*XFT: SUMMARY }
		echo "$summary"
		;;
	*XFT-LOG:*)
		# a guest's console or a tool's output after a failure: "  | "
		echo "  | ${line#*XFT-LOG: }"
		[ -n "$REPORT" ] && echo "| ${line#*XFT-LOG: }" >> "$REPORT"
		;;
	*XFT:*)
		echo "  ${line#*XFT: }"
		[ -n "$REPORT" ] && echo "${line#*XFT: }" >> "$REPORT"
		;;
	*"Panic on CPU"*|*"Kernel panic"*)
		echo "  !! $line"
		;;
	*"Hardware Dom0 crashed"*|*"Hardware Dom0 halted"*)
		log "dom0 stopped before the controller finished"
		break
		;;
	esac
done
kill $QPID 2>/dev/null || true
wait $QPID 2>/dev/null || true
exec 3<&-
T_END=$(tsec)
# The whole console (Xen, dom0, the controller) of the last run, for diagnosis.
cp "$CONSOLE" "$CACHE/last-console.log"
[ -z "${XFPM_KEEP_CONSOLE:-}" ] || cp "$CONSOLE" "$XFPM_KEEP_CONSOLE"
if [ -z "$summary" ]; then
	echo "0 passed, 1 failed, 0 skipped (the rig did not finish; last console lines follow)"
	tail -n 30 "$CONSOLE" | sed 's/^/  | /'
	exit 1
fi
[ -n "$REPORT" ] && echo "$summary" >> "$REPORT"
log "wall time: images $(echo "$T_BUILT - $T_START" | bc)s, boot and scenarios $(echo "$T_END - $T_BUILT" | bc)s"
case $summary in
*" 0 failed"*) rc=0 ;;
esac
exit $rc
