#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/pkg/run.sh - the packaging checks ("make pkg-test", part "pkg" of
# "make check"):
#   - "make deb" and "make rpm" from the tree, then the contents of both:
#     the DKMS source set, dkms.conf, the modprobe.d softdep, the initramfs
#     hook (deb) and dracut conf (rpm), the maintainer scripts / scriptlets;
#   - lintian and rpmlint (rpm/xenfront-pm.rpmlintrc): any error fails;
#   - a real DKMS add/build/install/remove of the source as packaged in the
#     .deb, for Debian's current 6.1 kernel (headers fetched by
#     tests/lib/debarchive.sh), in private trees (--dkmstree, --sourcetree,
#     --installtree, --kernelsourcedir): nothing under /var/lib/dkms,
#     /usr/src or /lib/modules is touched, and the check says so;
#   - with the modules DKMS built: modules.dep prefers updates/dkms over an
#     in-tree module of the same name, and "modprobe xen-blkfront" brings
#     xenfront-bus and xenfront-shim (depmod/modprobe on a private root);
#   - a kernel older than 5.10 and one without Xen guest support are
#     refused cleanly, by DKMS (BUILD_EXCLUSIVE_*) and by the Makefile, on
#     fake header trees;
#   - "make dkms-install" / "make dkms-remove" on private trees;
#   - the real-guest scenario's verdicts (rg_ours, rg_intree) on canned
#     facts: right and wrong states.
#
# One line per check (PASS/FAIL/SKIP and why), then "N passed, N failed,
# N skipped"; exit status non-zero if any check failed.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# what this needs on the host, installed first when run as root (tests/lib/prereqs.sh)
"$REPO/tests/lib/prereqs.sh" pkg-test || exit 1
export XFPM_PREREQS_DONE=1 PATH=$PATH:/usr/sbin:/sbin
# shellcheck source=../lib/debarchive.sh
. "$REPO/tests/lib/debarchive.sh"

# dkms runs here as from a shell even under "make pkg-test": inside a make
# (MAKELEVEL set) dkms 3.0.10 exports a CC that starts with "make[1]:
# Entering directory" and the module build fails (see the Makefile's DKMS_RUN).
unset MAKELEVEL MAKEFLAGS MFLAGS

T0=$(date +%s)
pass=0 fail=0 skip=0
PASS() { echo "  PASS $*"; pass=$((pass + 1)); }
FAIL() { echo "  FAIL $*"; fail=$((fail + 1)); }
SKIP() { echo "  SKIP $*"; skip=$((skip + 1)); }
# check NAME DETAIL CMD...: PASS or FAIL by the command's status
check() {
	local name=$1 detail=$2
	shift 2
	if "$@"; then PASS "$name: $detail"; else FAIL "$name: $detail"; fi
}

MODULES="xenfront-bus xenfront-shim xen-blkfront xen-netfront"
VER=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$REPO/dkms.conf")
OUT=$REPO/out/pkg
WORK=$(mktemp -d "${TMPDIR:-/tmp}/xfpm-pkg.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
LOG=$WORK/log

# Files the packaged DKMS tree must hold, and what it must not.
SRC_MUST="dkms.conf Makefile Kbuild src/bus/core.c src/shim/shim.c src/blkfront/main.c
	  src/netfront/main.c src/compat/probe.sh include/xenfront/bus.h tests/fault/xfpm_fault.c"
# (a built object, the unit tests, the rig: none of them belongs in it)
SRC_MUST_NOT='\.(o|ko|cmd)$|/tests/(unit|vm|pkg)/|/build/|/out/'

have() { command -v "$1" >/dev/null 2>&1; }

# build_pkg deb|rpm GLOB: "make deb|rpm"; sets BUILT to the package file it
# made (GLOB under out/pkg/), or to nothing after a FAIL line
build_pkg() {
	local kind=$1 glob=$2
	BUILT=""
	if make -C "$REPO" --no-print-directory "$kind" >"$LOG" 2>&1; then
		# shellcheck disable=SC2086
		BUILT=$(ls "$OUT"/$glob 2>/dev/null | head -n 1 || true)
		if [ -n "$BUILT" ]; then PASS "$kind:build: make $kind -> out/pkg/${BUILT##*/}"
		else FAIL "$kind:build: make $kind made no $glob"; fi
	else
		FAIL "$kind:build: make $kind failed:"; sed 's/^/    | /' "$LOG" | tail -n 20
	fi
}

# The preun scriptlet: its one "dkms remove" sits inside if [ "$1" -eq 0 ].
preun_ok() {
	sh -n "$1" || return 1
	[ "$(grep -c 'dkms remove' "$1")" = 1 ] || return 1
	awk '/^if \[ "\$1" -eq 0 \]; then$/ { inside = 1; next }
	     /^fi$/ { inside = 0 }
	     /dkms remove/ { found = inside }
	     END { exit !found }' "$1"
}
# the source files of a file list (one path a line, any prefix before /usr/src)
src_list_ok() {
	local list=$1 f
	for f in $SRC_MUST; do
		grep -q "/usr/src/xenfront-pm-$VER/$f\$" "$list" || { echo "    missing /usr/src/xenfront-pm-$VER/$f"; return 1; }
	done
	if grep -E "$SRC_MUST_NOT" "$list"; then echo "    (files that do not belong)"; return 1; fi
}
dkms_conf_ok() {
	local f=$1 i
	cmp -s "$f" "$REPO/dkms.conf" || { echo "    differs from the tree's dkms.conf"; return 1; }
	grep -q '^AUTOINSTALL="yes"' "$f" && grep -q '^BUILD_EXCLUSIVE_KERNEL=' "$f" &&
		grep -q '^BUILD_EXCLUSIVE_CONFIG=.*CONFIG_XEN_XENBUS_FRONTEND' "$f" || return 1
	for i in 0 1 2 3; do grep -q "^DEST_MODULE_LOCATION\[$i\]=\"/updates/dkms\"" "$f" || return 1; done
}

# ---------------------------------------------------------------- deb
echo "---- Debian package"
DEB=""
if ! have dpkg-buildpackage || ! have dh_dkms; then
	FAIL "deb:build: dpkg-buildpackage or dh_dkms missing (apt-get install dpkg-dev debhelper dh-dkms)"
else
	build_pkg deb "xenfront-pm-dkms_${VER}_all.deb"
	DEB=$BUILT
fi

if [ -n "$DEB" ]; then
	D=$WORK/deb
	mkdir -p "$D"
	dpkg-deb -x "$DEB" "$D/root" && dpkg-deb -e "$DEB" "$D/ctl"
	dpkg-deb -c "$DEB" | awk '{ print $NF }' | sed 's|^\./|/|' > "$D/files"
	check deb:files "the DKMS source set in /usr/src/xenfront-pm-$VER, nothing built" src_list_ok "$D/files"
	check deb:dkms.conf "dkms.conf as in the tree, 4 modules to /updates/dkms, AUTOINSTALL, BUILD_EXCLUSIVE_*" \
		dkms_conf_ok "$D/root/usr/src/xenfront-pm-$VER/dkms.conf"
	check deb:softdep "/lib/modprobe.d/xenfront-pm.conf is src/dist/'s softdep file" \
		cmp -s "$D/root/lib/modprobe.d/xenfront-pm.conf" "$REPO/src/dist/modprobe.d/xenfront-pm.conf"
	hook=$D/root/usr/share/initramfs-tools/hooks/xenfront-pm-dkms
	check deb:initramfs-hook "hooks/xenfront-pm-dkms executable, sh -n clean, adds all four modules" \
		eval "[ -x '$hook' ] && sh -n '$hook' && grep -q '^manual_add_modules $MODULES\$' '$hook'"
	check deb:postinst "executable; dkms common.postinst on configure, then update-initramfs -u -k <kernel>" \
		eval "[ -x '$D/ctl/postinst' ] && sh -n '$D/ctl/postinst' && grep -q 'common.postinst' '$D/ctl/postinst' &&
		      grep -q 'update-initramfs -u -k \"\$kver\"' '$D/ctl/postinst'"
	check deb:prerm "executable; dkms remove --all on remove/upgrade" \
		eval "[ -x '$D/ctl/prerm' ] && sh -n '$D/ctl/prerm' && grep -q 'dkms remove -m \$DKMS_NAME -v \$DKMS_VERSION --all' '$D/ctl/prerm'"
	check deb:postrm "executable; update-initramfs -u -k all on remove" \
		eval "[ -x '$D/ctl/postrm' ] && sh -n '$D/ctl/postrm' && grep -q '\"\$1\" = remove' '$D/ctl/postrm' &&
		      grep -q 'update-initramfs -u -k all' '$D/ctl/postrm'"
	dep=$(dpkg-deb -f "$DEB" Depends) rec=$(dpkg-deb -f "$DEB" Recommends)
	check deb:depends "Depends: $dep; Recommends: $rec" \
		eval "[[ '$dep' == *dkms* && '$dep' == *make* && '$rec' == *linux-headers-amd64* ]]"
	if have lintian; then
		lintian --fail-on error --pedantic -I "$DEB" >"$D/lintian" 2>&1 && rc=0 || rc=$?
		grep -v 'running with root privileges' "$D/lintian" | sed 's/^/    | /' || true
		n=$(grep -c '^E: ' "$D/lintian" || true)
		if [ "$rc" = 0 ]; then PASS "deb:lintian: no errors ($(grep -c '^[WIP]: ' "$D/lintian" || true) warnings/infos; overrides in debian/xenfront-pm-dkms.lintian-overrides)"
		else FAIL "deb:lintian: $n errors (exit $rc)"; fi
	else
		FAIL "deb:lintian: lintian missing (apt-get install lintian)"
	fi
else
	SKIP "deb:contents: no .deb"
fi

# ---------------------------------------------------------------- rpm
echo "---- RPM package"
RPM=""
if ! have rpmbuild; then
	FAIL "rpm:build: rpmbuild missing (apt-get install rpm)"
else
	build_pkg rpm "xenfront-pm-dkms-$VER-*.noarch.rpm"
	RPM=$BUILT
fi

if [ -n "$RPM" ]; then
	R=$WORK/rpm
	mkdir -p "$R/root"
	rpm -qlp "$RPM" > "$R/files" 2>/dev/null
	(cd "$R/root" && rpm2cpio "$RPM" | cpio -idm --quiet)
	check rpm:arch "noarch" eval "[ \"\$(rpm -qp --qf '%{ARCH}' '$RPM' 2>/dev/null)\" = noarch ]"
	check rpm:files "the DKMS source set in /usr/src/xenfront-pm-$VER, nothing built" src_list_ok "$R/files"
	check rpm:dkms.conf "dkms.conf as in the tree" dkms_conf_ok "$R/root/usr/src/xenfront-pm-$VER/dkms.conf"
	check rpm:softdep "/usr/lib/modprobe.d/xenfront-pm.conf is src/dist/'s softdep file" \
		cmp -s "$R/root/usr/lib/modprobe.d/xenfront-pm.conf" "$REPO/src/dist/modprobe.d/xenfront-pm.conf"
	dconf=$R/root/usr/lib/dracut/dracut.conf.d/50-xenfront-pm.conf
	# dracut sources the file with bash; the modinfo function stands for
	# "DKMS built xenfront-pm for this kernel" (true, then false).
	# shellcheck disable=SC2016
	with=$(bash -c 'modinfo() { return 0; }; add_drivers=""; . "$1"; echo "$add_drivers"' _ "$dconf" 2>&1 || true)
	# shellcheck disable=SC2016
	without=$(bash -c 'modinfo() { return 1; }; add_drivers=""; . "$1"; echo "$add_drivers"' _ "$dconf" 2>&1 || true)
	ok=1
	for m in $MODULES; do [[ " $with " == *" $m "* ]] || ok=0; done
	[ -z "${without// /}" ] || ok=0
	if [ $ok = 1 ]; then PASS "rpm:dracut: 50-xenfront-pm.conf adds '$(xargs <<<"$with")' where DKMS built them, nothing elsewhere"
	else FAIL "rpm:dracut: add_drivers '$with' (built) / '$without' (not built)"; fi
	rpm -qp --qf '%{POSTIN}' "$RPM" > "$R/post" 2>/dev/null
	rpm -qp --qf '%{PREUN}' "$RPM" > "$R/preun" 2>/dev/null
	rpm -qp --qf '%{POSTUN}' "$RPM" > "$R/postun" 2>/dev/null
	check rpm:post "dkms add/install with --rpm_safe_upgrade, dracut for kernels that got the modules" \
		eval "sh -n '$R/post' && grep -q 'dkms add -m xenfront-pm -v $VER --rpm_safe_upgrade' '$R/post' &&
		      grep -q 'dkms install .*--rpm_safe_upgrade' '$R/post' && grep -q 'dracut -f --kver' '$R/post'"
	check rpm:preun "dkms remove only on erase (\$1 == 0)" preun_ok "$R/preun"
	check rpm:postun "initramfs rebuilt on erase only" \
		eval "sh -n '$R/postun' && grep -q '\"\$1\" -eq 0' '$R/postun' && grep -q 'dracut -f --regenerate-all' '$R/postun'"
	if have rpmlint; then
		rpmlint -r "$REPO/rpm/xenfront-pm.rpmlintrc" "$RPM" "$REPO/rpm/xenfront-pm.spec" >"$R/rpmlint" 2>&1 || true
		grep -E ': (E|W): ' "$R/rpmlint" | sed 's/^/    | /' || true
		summary=$(grep -oE '[0-9]+ errors, [0-9]+ warnings' "$R/rpmlint" | tail -n 1)
		if [[ "$summary" == "0 errors,"* ]]; then PASS "rpm:rpmlint: $summary (filters justified in rpm/xenfront-pm.rpmlintrc)"
		else FAIL "rpm:rpmlint: ${summary:-no summary line from rpmlint}"; fi
	else
		FAIL "rpm:rpmlint: rpmlint missing (apt-get install rpmlint)"
	fi
else
	SKIP "rpm:contents: no .rpm"
fi

# ---------------------------------------------------------------- DKMS
echo "---- DKMS build of the packaged source, private trees"
# The system's DKMS state, to show afterwards that it did not change.
sys_state() {
	# (any of them may be missing: this machine may have no /lib/modules)
	{ find /var/lib/dkms /usr/src -maxdepth 3 2>/dev/null || true
	  find /lib/modules -maxdepth 2 2>/dev/null || true; } |
		LC_ALL=C sort | md5sum
}
SYS_BEFORE=$(sys_state)
# dkms signs what it builds when it finds the kernel's sign-file, with a key
# it creates in /var/lib/dkms; no signing here (and so no key).
export sign_file=/nonexistent/sign-file

KDIR="" ABI=""
if ! have dkms; then
	FAIL "dkms: dkms missing (apt-get install dkms)"
elif [ -z "$DEB" ]; then
	SKIP "dkms: no .deb to take the packaged source from"
elif ! read -r PROF ABI < <(deb_kernel_abi 6.1 2>"$LOG"); then
	FAIL "dkms:headers: cannot resolve Debian's current 6.1 kernel: $(tail -n 1 "$LOG")"
elif ! KDIR=$(deb_kernel_headers "$PROF" "$ABI" 2>"$LOG"); then
	FAIL "dkms:headers: cannot fetch linux-headers-$ABI: $(tail -n 1 "$LOG")"; KDIR=""
fi

KT=$WORK/dkms
DK=(--dkmstree "$KT/var/lib/dkms" --sourcetree "$KT/usr/src" --installtree "$KT/lib/modules")
if [ -n "$KDIR" ]; then
	mkdir -p "$KT/var/lib/dkms" "$KT/usr/src" "$KT/lib/modules/$ABI"
	cp -a "$WORK/deb/root/usr/src/xenfront-pm-$VER" "$KT/usr/src/"
	t=$(date +%s)
	if dkms add "${DK[@]}" -m xenfront-pm -v "$VER" >"$LOG" 2>&1 &&
	   dkms build "${DK[@]}" -m xenfront-pm -v "$VER" -k "$ABI" --kernelsourcedir "$KDIR" >>"$LOG" 2>&1; then
		built=$KT/var/lib/dkms/xenfront-pm/$VER/$ABI/$(uname -m)/module
		n=0; for m in $MODULES; do [ -f "$built/$m.ko" ] && n=$((n + 1)); done
		if [ $n = 4 ]; then PASS "dkms:build: $ABI ($PROF), all four .ko in the private dkms tree, $(( $(date +%s) - t ))s"
		else FAIL "dkms:build: only $n of the four modules in $built"; fi
	else
		FAIL "dkms:build: dkms add/build for $ABI failed:"; sed 's/^/    | /' "$LOG" | tail -n 25
		find "$KT/var/lib/dkms" -name make.log -exec tail -n 25 {} \; | sed 's/^/    | /'
	fi
	if dkms install "${DK[@]}" -m xenfront-pm -v "$VER" -k "$ABI" --kernelsourcedir "$KDIR" --no-depmod >"$LOG" 2>&1; then
		n=0; for m in $MODULES; do [ -f "$KT/lib/modules/$ABI/updates/dkms/$m.ko" ] && n=$((n + 1)); done
		if [ $n = 4 ]; then PASS "dkms:install: the four modules in <installtree>/$ABI/updates/dkms"
		else FAIL "dkms:install: only $n of the four in <installtree>/$ABI/updates/dkms"; fi
	else
		FAIL "dkms:install: failed:"; sed 's/^/    | /' "$LOG" | tail -n 15
	fi

	# Shadowing and load order, on a private root with depmod/modprobe:
	# a stand-in for the in-tree xen-blkfront in kernel/ (a copy of ours:
	# what counts is the path) and ours in updates/dkms.
	FR=$WORK/root; L=$FR/lib/modules/$ABI
	if [ -f "$KT/lib/modules/$ABI/updates/dkms/xen-blkfront.ko" ]; then
		mkdir -p "$L/kernel/drivers/block" "$L/updates"
		cp "$KT/lib/modules/$ABI/updates/dkms/xen-blkfront.ko" "$L/kernel/drivers/block/"
		cp -a "$KT/lib/modules/$ABI/updates/dkms" "$L/updates/"
		depmod -b "$FR" "$ABI" 2>/dev/null
		check dkms:shadow "modules.dep names updates/dkms/xen-blkfront.ko, not kernel/'s" \
			eval "grep -q '^updates/dkms/xen-blkfront.ko: updates/dkms/xenfront-bus.ko\$' '$L/modules.dep' &&
			      ! grep -q '^kernel/drivers/block/xen-blkfront.ko' '$L/modules.dep'"
		for m in xen-blkfront xen-netfront; do
			order=$(modprobe -d "$FR" -S "$ABI" -C "$REPO/src/dist/modprobe.d" --show-depends "$m" 2>&1 |
				sed -n 's|^insmod .*/updates/dkms/\(.*\)\.ko.*|\1|p' | awk '!seen[$0]++' | paste -sd ' ')
			check "dkms:load-order:$m" "modprobe $m loads: $order" \
				eval "[ '$order' = 'xenfront-bus xenfront-shim $m' ]"
		done
		deps=$(modinfo -F depends "$L/updates/dkms/xen-blkfront.ko")
		nosoft=$(modprobe -d "$FR" -S "$ABI" -C /dev/null --show-depends xen-blkfront 2>&1 | grep -c shim || true)
		check dkms:softdep-needed "by symbols xen-blkfront depends on '$deps' only; without the softdep no shim" \
			eval "[ '$deps' = xenfront-bus ] && [ '$nosoft' = 0 ]"
	else
		SKIP "dkms:shadow: no installed modules"
	fi

	if dkms remove "${DK[@]}" -m xenfront-pm -v "$VER" --all --no-depmod >"$LOG" 2>&1 &&
	   ! ls "$KT/lib/modules/$ABI/updates/dkms/"*.ko >/dev/null 2>&1 && [ ! -e "$KT/var/lib/dkms/xenfront-pm" ]; then
		PASS "dkms:remove: modules and dkms tree entry gone"
	else
		FAIL "dkms:remove:"; sed 's/^/    | /' "$LOG" | tail -n 10
	fi
fi

# Fake kernel trees: what a refused kernel looks like, with no compiler run.
# $1 release, $2 LINUX_VERSION_CODE, $3 config lines
fake_kernel() {
	local d=$WORK/fake/$1
	mkdir -p "$d/include/generated/uapi/linux" "$d/include/config"
	echo "# fake kernel tree for tests/pkg" > "$d/Makefile"
	echo "#define UTS_RELEASE \"$1\"" > "$d/include/generated/utsrelease.h"
	echo "#define LINUX_VERSION_CODE $2" > "$d/include/generated/uapi/linux/version.h"
	# shellcheck disable=SC2086 # one config line per word
	printf '%s\n' $3 > "$d/.config"
	cp "$d/.config" "$d/include/config/auto.conf"
	echo "$d"
}
if have dkms && [ -n "$DEB" ]; then
	OLD=$(fake_kernel 4.19.0-99-amd64 267264 "CONFIG_XEN=y CONFIG_XEN_XENBUS_FRONTEND=y")
	NOXEN=$(fake_kernel 6.1.0-99-noxen 393472 "CONFIG_MODULES=y")
	mkdir -p "$KT/var/lib/dkms" "$KT/usr/src"
	[ -d "$KT/usr/src/xenfront-pm-$VER" ] || cp -a "$WORK/deb/root/usr/src/xenfront-pm-$VER" "$KT/usr/src/"
	dkms add "${DK[@]}" -m xenfront-pm -v "$VER" >/dev/null 2>&1 || true
	for k in "4.19.0-99-amd64:$OLD:older than 5.10" "6.1.0-99-noxen:$NOXEN:no Xen guest support"; do
		IFS=: read -r rel dir why <<<"$k"
		rc=0
		dkms build "${DK[@]}" -m xenfront-pm -v "$VER" -k "$rel" --kernelsourcedir "$dir" >"$LOG" 2>&1 || rc=$?
		if [ $rc = 77 ] && grep -q BUILD_EXCLUSIVE "$LOG" && [ ! -d "$KT/var/lib/dkms/xenfront-pm/$VER/$rel" ]; then
			PASS "dkms:refuse: $rel ($why): dkms build exits 77 (BUILD_EXCLUSIVE), nothing built"
		else
			FAIL "dkms:refuse: $rel ($why): dkms build exit $rc"; sed 's/^/    | /' "$LOG" | tail -n 8
		fi
		# The Makefile's own check, the fallback where DKMS is not involved.
		rc=0
		make -C "$REPO" --no-print-directory KDIR="$dir" modules >"$LOG" 2>&1 || rc=$?
		msg=$(grep 'xenfront-pm:' "$LOG" | head -n 1)
		if [ $rc != 0 ] && [ -n "$msg" ] && [ ! -e "$REPO/build/$rel" ]; then
			PASS "make:refuse: $rel: ${msg#xenfront-pm: }"
		else
			FAIL "make:refuse: $rel: exit $rc, build/$rel $( [ -e "$REPO/build/$rel" ] && echo exists || echo absent)"
			sed 's/^/    | /' "$LOG" | tail -n 5
		fi
	done
	dkms remove "${DK[@]}" -m xenfront-pm -v "$VER" --all --no-depmod >/dev/null 2>&1 || true
fi

# make dkms-install / dkms-remove from the checkout, on private trees.
if have dkms && [ -n "$KDIR" ]; then
	MT=$WORK/mk
	mkdir -p "$MT/var/lib/dkms" "$MT/usr/src" "$MT/lib/modules/$ABI" "$MT/etc/modprobe.d"
	# (no --no-print-directory: dkms-install must work under a plain make)
	MK=(-C "$REPO" KDIR="$KDIR" SRCROOT="$MT/usr/src" MODPROBE_D="$MT/etc/modprobe.d"
	    DKMS_FLAGS="--dkmstree $MT/var/lib/dkms --sourcetree $MT/usr/src --installtree $MT/lib/modules --no-depmod")
	t=$(date +%s)
	if make "${MK[@]}" dkms-install >"$LOG" 2>&1; then
		n=0; for m in $MODULES; do [ -f "$MT/lib/modules/$ABI/updates/dkms/$m.ko" ] && n=$((n + 1)); done
		if [ $n = 4 ] && [ -f "$MT/etc/modprobe.d/xenfront-pm.conf" ] && [ -f "$MT/usr/src/xenfront-pm-$VER/dkms.conf" ]; then
			PASS "make:dkms-install: source in <srcroot>/xenfront-pm-$VER, four modules installed, softdep file, $(( $(date +%s) - t ))s"
		else
			FAIL "make:dkms-install: $n of four modules, softdep file $( [ -f "$MT/etc/modprobe.d/xenfront-pm.conf" ] && echo present || echo missing)"
		fi
	else
		FAIL "make:dkms-install: failed:"; sed 's/^/    | /' "$LOG" | tail -n 15
	fi
	if make "${MK[@]}" dkms-remove >"$LOG" 2>&1 && [ ! -e "$MT/usr/src/xenfront-pm-$VER" ] &&
	   [ ! -e "$MT/etc/modprobe.d/xenfront-pm.conf" ] && ! ls "$MT/lib/modules/$ABI/updates/dkms/"*.ko >/dev/null 2>&1; then
		PASS "make:dkms-remove: modules, source tree and softdep file gone"
	else
		FAIL "make:dkms-remove:"; sed 's/^/    | /' "$LOG" | tail -n 10
	fi
	rc=0
	make -C "$REPO" --no-print-directory DKMS=no-such-dkms dkms-install >"$LOG" 2>&1 || rc=$?
	check make:no-dkms "without dkms: $(grep -o 'dkms is not installed[^:]*' "$LOG" | head -n 1)" \
		eval "[ $rc != 0 ] && grep -q 'dkms is not installed' '$LOG'"
fi

# The real-guest scenario's verdicts (make check-full boots that guest; here
# its rg_ours / rg_intree judge facts as /xft/facts prints them): each must
# accept its own state and name the fact that differs in a wrong one.
rg_facts_file() { # VERSION|none FILE-DIR MODULE-DIR: a facts file on stdout
	local m
	echo "kernel=6.1.0-50-amd64"
	echo "root=/dev/xvda"
	for m in xenfront_bus xenfront_shim xen_blkfront xen_netfront; do echo "$m.version=$1"; done
	for m in xen-blkfront xen-netfront; do
		echo "$m.file=/lib/modules/6.1.0-50-amd64/$2/$3/$m.ko"
		echo "$m.loaded=file"
	done
	echo "vbd.state=$([ "$1" = none ] && echo none || echo running)"
	echo "vif.state=$([ "$1" = none ] && echo none || echo running)"
	echo "shim=$([ "$1" = none ] && echo none || echo active)"
	echo "initrd.ours=$([ "$1" = none ] && echo 0 || echo 4)"
	echo "dkms=$([ "$1" = none ] || echo "xenfront-pm/$1, 6.1.0-50-amd64, x86_64: installed;")"
}
# rg_judge FACTS-FILE FUNCTION [ARG]: FUNCTION's output, "ok" if it accepted
rg_judge() (
	# shellcheck disable=SC2034 # read by the scenario's rg_fact
	RG_FACTS=$1
	shift
	# shellcheck source=/dev/null
	. "$REPO/tests/vm/scenarios/real-guest.sh"
	out=$("$@") && echo ok || echo "${out# }"
)
RGF=$WORK/rg.facts
rg_facts_file 0.1.0 updates dkms > "$RGF"
a=$(rg_judge "$RGF" rg_ours 0.1.0) b=$(rg_judge "$RGF" rg_ours 0.1.0+xftup1) c=$(rg_judge "$RGF" rg_intree)
sed -i 's/^shim=.*/shim=none/; s/^initrd.ours=.*/initrd.ours=12/' "$RGF"
d=$(rg_judge "$RGF" rg_ours 0.1.0)
rg_facts_file none kernel drivers/block > "$RGF"
sed -i 's#^xen-netfront.file=.*#xen-netfront.file=/lib/modules/6.1.0-50-amd64/kernel/drivers/net/xen-netfront.ko#' "$RGF"
e=$(rg_judge "$RGF" rg_intree) f=$(rg_judge "$RGF" rg_ours 0.1.0)
rg_brief() { [ "$1" = ok ] && echo ok || echo "$(echo "$1" | wc -w) wrong, first ${1%% *}"; }
# shellcheck disable=SC2016 # eval expands them
check real-guest:verdicts "ours 0.1.0 [$(rg_brief "$a")], as 0.1.0+xftup1 [$(rg_brief "$b")], as in-tree [$(rg_brief "$c")], without shim [$(rg_brief "$d")]; in-tree [$(rg_brief "$e")], as ours [$(rg_brief "$f")]" \
	eval '[ "$a" = ok ] && [ "$e" = ok ] &&
	      case "$b" in *xen_netfront.version=0.1.0*) ;; *) false ;; esac &&
	      case "$c" in *initrd.ours=4*) ;; *) false ;; esac &&
	      [ "$d" = "shim=none" ] &&
	      case "$f" in *vbd.state=none*shim=none*) ;; *) false ;; esac'

# The ping statistics of bench-net and net-latency (net-lib.inc): round
# trips parsed from ping's own output, percentiles by nearest rank.
ping_stats() (
	# shellcheck source=/dev/null
	. "$REPO/tests/vm/scenarios/net-lib.inc"
	out=$(printf 'PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.\n'
	      for t in 9.1 0.71 3.2 40.5 1.0 2.25 3.3 0.9 12 3.05 5.5; do
		printf '64 bytes from 10.0.0.1: icmp_seq=1 ttl=64 time=%s ms\n' "$t"
	      done
	      printf -- '--- 10.0.0.1 ping statistics ---\n11 packets transmitted, 11 received, 0%% packet loss, time 9012ms\nrtt min/avg/max/mdev = 0.710/7.601/40.500/11.8 ms\n')
	r=$(nft_rtts "$out")
	echo "n=$(echo "$r" | wc -l) min=$(echo "$r" | head -n 1) p10=$(echo "$r" | nft_pct 10) p50=$(echo "$r" | nft_pct 50) p90=$(echo "$r" | nft_pct 90) max=$(echo "$r" | nft_pct 100) none=$(printf '' | nft_pct 50)"
)
ps=$(ping_stats 2>&1)
check net-lib:ping-stats "$ps" \
	test "$ps" = "n=11 min=0.71 p10=0.9 p50=3.2 p90=12 max=40.5 none="

if [ "$(sys_state)" = "$SYS_BEFORE" ]; then
	PASS "system: /var/lib/dkms, /usr/src and /lib/modules/* unchanged"
else
	FAIL "system: /var/lib/dkms, /usr/src or /lib/modules/* changed during the test"
fi
SKIP "initramfs: running the hooks / dracut needs the modules in the real /lib/modules/<kernel> (the rig's job)"

echo "pkg: $(( $(date +%s) - T0 ))s"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
