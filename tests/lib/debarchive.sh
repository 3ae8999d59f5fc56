# SPDX-License-Identifier: GPL-2.0-only
#
# debarchive.sh - fetch Debian packages for the test rig and the compile
# matrix through private apt configurations.
#
# Nothing here touches the machine's own apt state: every suite gets its own
# apt directory under the cache.  The mirror is read from the machine's own
# apt sources at run time; no mirror host is written into the repository.
# Package versions are resolved at run time as well (meta-packages such as
# linux-image-amd64 move with every kernel update).
#
# Source this file; it defines functions prefixed "deb_".

: "${XFPM_CACHE:=${XDG_CACHE_HOME:+$XDG_CACHE_HOME/xenfront-pm}}"
: "${XFPM_CACHE:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.cache}"
export XFPM_CACHE

# How old (seconds) package lists may get before "apt-get update" runs again.
: "${XFPM_APT_MAX_AGE:=43200}"

deb_die() { echo "debarchive: $*" >&2; exit 1; }
deb_log() { [ -n "${XFPM_QUIET:-}" ] || echo "debarchive: $*" >&2; }

# Print "MAIN SECURITY": the Debian and Debian-security mirror URIs that this
# machine's own apt sources use.
deb_mirrors() {
	local main="" sec="" f uri suites
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		# deb822 stanzas: pair each URIs: with the Suites: of its stanza.
		while IFS='|' read -r uri suites; do
			case " $suites " in
			*-security*) [ -n "$sec" ] || sec=$uri ;;
			*) [ -n "$main" ] || main=$uri ;;
			esac
		done < <(awk '
			/^[ \t]*$/ { if (u != "") print u "|" s; u = ""; s = ""; next }
			/^URIs:/ { u = $2 }
			/^Suites:/ { $1 = ""; s = $0 }
			END { if (u != "") print u "|" s }' "$f")
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		while read -r kind rest; do
			[ "$kind" = deb ] || continue
			# drop an optional [options] block
			rest=$(echo "$rest" | sed 's/^\[[^]]*\] *//')
			uri=${rest%% *}
			case "$rest" in
			*debian-security*|*" "*-security*) [ -n "$sec" ] || sec=$uri ;;
			*/debian" "*) [ -n "$main" ] || main=$uri ;;
			esac
		done < "$f"
	done
	[ -n "$main" ] || deb_die "no Debian mirror found in /etc/apt/sources.list{,.d}"
	[ -n "$sec" ] || sec="${main%/debian}/debian-security"
	echo "$main $sec"
}

# The suites behind each profile name used by the rig.
deb_profile_sources() {
	local profile=$1 main sec key=/usr/share/keyrings/debian-archive-keyring.gpg
	# PROFILE+src: the same suites' source packages (deb_source), in an apt
	# tree of their own, so the binary profiles never fetch Sources indexes
	case "$profile" in
	*+src) deb_profile_sources "${profile%+src}" | sed 's/^deb /deb-src /'; return ;;
	esac
	read -r main sec < <(deb_mirrors)
	case "$profile" in
	bookworm|bullseye)
		echo "deb [signed-by=$key] $main $profile main"
		echo "deb [signed-by=$key] $main $profile-updates main"
		echo "deb [signed-by=$key] $sec $profile-security main"
		;;
	bookworm-backports)
		echo "deb [signed-by=$key] $main bookworm main"
		echo "deb [signed-by=$key] $sec bookworm-security main"
		echo "deb [signed-by=$key] $main bookworm-backports main"
		;;
	trixie)
		echo "deb [signed-by=$key] $main trixie main"
		echo "deb [signed-by=$key] $main trixie-updates main"
		echo "deb [signed-by=$key] $sec trixie-security main"
		;;
	# Backports and experimental alone: their candidates (the kernel meta
	# packages included) would otherwise lose to the base suite's.
	trixie-backports|experimental|sid)
		echo "deb [signed-by=$key] $main $profile main"
		;;
	*) deb_die "unknown apt profile '$profile' (bullseye, bookworm, bookworm-backports, trixie, trixie-backports, sid, experimental)" ;;
	esac
}

# Set up (once) and refresh (when stale) the private apt tree of a profile.
# Prints the path of its apt.conf.
deb_apt() {
	local profile=$1 d="$XFPM_CACHE/apt/$1" stamp now age lock new rc
	# one process at a time per profile: two runs may share the cache (a
	# rig boot and make check's matrix), and apt's own lock only refuses
	mkdir -p "$d"
	exec {lock}>"$d/.lock"
	flock "$lock"
	if [ ! -f "$d/apt.conf" ]; then
		mkdir -p "$d/lists/partial" "$d/archives/partial" "$d/etc/apt.conf.d" \
			"$d/etc/preferences.d" "$d/etc/sources.list.d"
		: > "$d/status"
		cat > "$d/apt.conf" <<-EOF
		Dir::State "$d";
		Dir::State::Lists "$d/lists";
		Dir::State::status "$d/status";
		Dir::Cache "$d";
		Dir::Cache::Archives "$d/archives";
		Dir::Etc "$d/etc";
		Dir::Etc::SourceList "$d/etc/sources.list";
		Dir::Etc::SourceParts "$d/etc/sources.list.d";
		Dir::Etc::Parts "$d/etc/apt.conf.d";
		Dir::Etc::Preferences "$d/etc/preferences";
		Dir::Etc::PreferencesParts "$d/etc/preferences.d";
		APT::Architecture "amd64";
		APT::Sandbox::User "root";
		Acquire::Languages "none";
		EOF
	fi
	new=$(mktemp "$d/etc/sources.list.XXXXXX")
	deb_profile_sources "$profile" > "$new"
	if ! cmp -s "$new" "$d/etc/sources.list"; then
		mv "$new" "$d/etc/sources.list"
		rm -f "$d/updated"
	else
		rm -f "$new"
	fi
	stamp="$d/updated"
	now=$(date +%s)
	age=$XFPM_APT_MAX_AGE
	[ -f "$stamp" ] && age=$((now - $(stat -c %Y "$stamp")))
	if [ ! -f "$stamp" ] || [ "$age" -ge "$XFPM_APT_MAX_AGE" ] || [ -n "${XFPM_APT_REFRESH:-}" ]; then
		deb_log "apt-get update ($profile)"
		# A mirror that stopped syncing serves a Release past its
		# Valid-Until (sid's is good for a week) and apt refuses the suite.
		# Its signature is still checked: take the stale lists, and say so.
		rc=0
		APT_CONFIG="$d/apt.conf" apt-get -q update >"$d/update.log" 2>&1 || rc=$?
		if [ "$rc" != 0 ] && grep -q 'is expired' "$d/update.log"; then
			deb_log "$profile: the mirror's Release file has expired ($(sed -n 's/.*(invalid since \(.*\)).*/\1/p' "$d/update.log" | head -n 1)); using it anyway"
			rc=0
			APT_CONFIG="$d/apt.conf" apt-get -q -o Acquire::Check-Valid-Until=false update \
				>"$d/update.log" 2>&1 || rc=$?
		fi
		if [ "$rc" != 0 ] || grep -q '^E:' "$d/update.log"; then
			cat "$d/update.log" >&2
			deb_die "apt-get update failed for $profile"
		fi
		touch "$stamp"
	fi
	exec {lock}>&-
	echo "$d/apt.conf"
}

# (a profile that cannot be set up must not fall back to the host's apt lists)
deb_apt_cache() {
	local p=$1 conf
	shift
	conf=$(deb_apt "$p") || return 1
	APT_CONFIG=$conf apt-cache "$@"
}

# Candidate version of a package in a profile (empty if none).
deb_version() {
	# (awk reads everything: an early exit would SIGPIPE apt-cache under pipefail)
	deb_apt_cache "$1" policy "$2" 2>/dev/null |
		awk '/Candidate:/ && !done { if ($2 != "(none)") print $2; done = 1 }'
}

# Version of a package in one suite of a profile (empty if that suite has
# none): for a backport, which loses the candidate vote to its base suite.
deb_version_in() {
	deb_apt_cache "$1" madison "$2" 2>/dev/null |
		awk -F'|' -v s=" $3/" 'index($3, s) && !done { gsub(/ /, "", $2); print $2; done = 1 }'
}

# The first dependency of a package whose name matches a regex: resolves
# meta-packages such as linux-image-amd64 -> linux-image-6.1.0-56-amd64.
deb_dep_matching() {
	local profile=$1 pkg=$2 re=$3
	deb_apt_cache "$profile" show --no-all-versions "$pkg" 2>/dev/null |
		sed -n 's/^Depends: //p' | tr ',|' '\n\n' | sed 's/^ *//; s/ .*//' |
		awk -v re="$re" '$0 ~ re && !done { print; done = 1 }'
}

# Download packages (exact candidate versions, or PACKAGE=VERSION for
# another version the profile's indexes list) into the profile's deb folder,
# reusing what is cached.  Prints the .deb paths, one per line.
deb_fetch() {
	local profile=$1 pkg ver file dir="$XFPM_CACHE/debs/$1" conf lock pinned
	shift
	mkdir -p "$dir"
	conf=$(deb_apt "$profile")
	# (two runs sharing the cache must not download into one file at once)
	exec {lock}>"$dir/.lock"
	flock "$lock"
	for pkg in "$@"; do
		case $pkg in
		*=*) ver=${pkg#*=} pkg=${pkg%%=*} pinned=1 ;;
		*) ver=$(deb_version "$profile" "$pkg") pinned="" ;;
		esac
		[ -n "$ver" ] || deb_die "package '$pkg' not found in $profile"
		file="$dir/${pkg}_${ver//:/%3a}_amd64.deb"
		[ -f "$file" ] || file="$dir/${pkg}_${ver//:/%3a}_all.deb"
		if [ ! -f "$file" ]; then
			deb_log "downloading $pkg=$ver ($profile)"
			# (after a refresh, the new candidate; a pinned version stays)
			(cd "$dir" && APT_CONFIG="$conf" apt-get -q download "$pkg=$ver" >/dev/null 2>&1) ||
				(cd "$dir" && [ -z "$pinned" ] && XFPM_APT_REFRESH=1 deb_apt "$profile" >/dev/null &&
				 APT_CONFIG="$conf" apt-get -q download "$pkg=$(deb_version "$profile" "$pkg")") ||
				deb_die "download of $pkg failed ($profile)"
			# (apt dates a download as the archive does: the newest file
			# of the package may be another version's)
			file="$dir/${pkg}_${ver//:/%3a}_amd64.deb"
			[ -f "$file" ] || file="$dir/${pkg}_${ver//:/%3a}_all.deb"
			[ -f "$file" ] || file=$(ls -t "$dir/${pkg}_"*.deb | head -n 1)
		fi
		echo "$file"
	done
	exec {lock}>&-
}

# Extract a .deb into a directory once (stamped by the .deb's name).
deb_extract() {
	local deb=$1 dest=$2 stamp
	stamp="$dest/.x-$(basename "$deb")"
	[ -f "$stamp" ] && return 0
	mkdir -p "$dest"
	dpkg-deb -x "$deb" "$dest" || deb_die "cannot extract $deb"
	touch "$stamp"
}

# The kernel series: a Debian suite's current kernel, or the rig's short
# names for Debian 11 and 12's (5.10 = bullseye, 6.1 = bookworm, 6.12 =
# bookworm-6.12, Debian 12's own 6.12 build, +deb12).  Which version each
# suite carries is resolved from the archive at run time.
DEB_KERNEL_SERIES="bullseye bookworm bookworm-6.12 trixie trixie-backports sid experimental"

# Map a kernel series and flavour (amd64, the default, or cloud-amd64) to
# "PROFILE IMAGE-META HEADERS-META".
deb_kernel_series() {
	local f=${2:-amd64}
	case "$f" in amd64|cloud-amd64) ;; *) deb_die "unsupported kernel flavour '$f' (amd64, cloud-amd64)" ;; esac
	case "$1" in
	5.10|bullseye) echo "bullseye linux-image-$f linux-headers-$f" ;;
	6.1|bookworm) echo "bookworm linux-image-$f linux-headers-$f" ;;
	6.12|bookworm-6.12) echo "bookworm linux-image-6.12-$f linux-headers-6.12-$f" ;;
	trixie|trixie-backports|sid|experimental) echo "$1 linux-image-$f linux-headers-$f" ;;
	*) deb_die "unsupported kernel series '$1' (5.10, 6.1, 6.12, $DEB_KERNEL_SERIES)" ;;
	esac
}

# Resolve a kernel series (and flavour) to its current ABI name, e.g.
# 6.1 -> 6.1.0-56-amd64.  Prints "PROFILE ABI".
deb_kernel_abi() {
	local profile meta hmeta img
	read -r profile meta hmeta < <(deb_kernel_series "$1" "${2:-}") || return 1
	img=$(deb_dep_matching "$profile" "$meta" '^linux-image-[0-9]')
	if [ -z "$img" ] && [ "$profile" = bookworm ] && [ "$meta" != "${meta#linux-image-6.12-}" ]; then
		# Not in bookworm proper on this mirror: try bookworm-backports.
		profile=bookworm-backports
		img=$(deb_dep_matching "$profile" "$meta" '^linux-image-[0-9]')
	fi
	[ -n "$img" ] || deb_die "cannot resolve the current $1 kernel ($meta in $profile)"
	img=${img#linux-image-}
	echo "$profile ${img%-unsigned}"
}

# Fetch and unpack the headers of a kernel ABI into a relocatable tree.
# Prints the KDIR to build against.
deb_kernel_headers() {
	local profile=$1 abi=$2 root="$XFPM_CACHE/headers/$2" kbuild common deb f lock
	# (one process at a time unpacks a tree: the rig and the matrix share it)
	mkdir -p "$XFPM_CACHE/headers"
	exec {lock}>"$root.lock"
	flock "$lock"
	if [ ! -f "$root/.ready" ]; then
		common=$(deb_dep_matching "$profile" "linux-headers-$abi" '^linux-headers-.*-common')
		kbuild=$(deb_dep_matching "$profile" "linux-headers-$abi" '^linux-kbuild-')
		[ -n "$kbuild" ] || kbuild=$(deb_dep_matching "$profile" "$common" '^linux-kbuild-')
		[ -n "$common" ] && [ -n "$kbuild" ] ||
			deb_die "cannot resolve headers for $abi in $profile"
		for deb in $(deb_fetch "$profile" "linux-headers-$abi" "$common" "$kbuild"); do
			deb_extract "$deb" "$root"
		done
		touch "$root/.ready"
	fi
	# The Debian header Makefiles include the common tree by absolute path,
	# and since 7.x also name their own directory (KBUILD_OUTPUT=/usr/src/...).
	# (checked on every call: trees unpacked before the second rewrite)
	for f in "$root"/usr/src/linux-headers-*/Makefile; do
		grep -q '^\(include \|KBUILD_OUTPUT *= *\)/usr/src/' "$f" || continue
		sed -i "s#^\(include \|KBUILD_OUTPUT *= *\)/usr/src/#\1$root/usr/src/#" "$f"
	done
	exec {lock}>&-
	echo "$root/usr/src/linux-headers-$abi"
}

# Fetch a kernel image package for an ABI, and the packages that hold its
# image and modules since 7.x (linux-image-ABI depends on linux-binary-ABI,
# linux-modules-ABI and linux-base-ABI); prints the .deb paths, one per line.
deb_kernel_image() {
	local profile=$1 abi=$2 parts
	parts=$(deb_apt_cache "$profile" show --no-all-versions "linux-image-$abi" 2>/dev/null |
		sed -n 's/^Depends: //p' | tr ',|' '\n\n' | sed 's/^ *//; s/ .*//' |
		grep -xF -e "linux-binary-$abi" -e "linux-modules-$abi" -e "linux-base-$abi" || true)
	# shellcheck disable=SC2086
	deb_fetch "$profile" "linux-image-$abi" $parts
}

# deb_source PROFILE PACKAGE VERSION DEST: download the source package
# PACKAGE=VERSION of a profile's suites (apt-get source through the private
# apt tree PROFILE+src: its files' hashes are checked against the signed
# Sources index) and unpack it with dpkg-source -x (the Debian patches
# applied) into DEST, which must not exist.  The downloaded files stay in
# $XFPM_CACHE/src/PROFILE.
deb_source() {
	local profile=$1 pkg=$2 ver=$3 dest=$4 dir="$XFPM_CACHE/src/$1" conf lock dsc rc=0
	conf=$(deb_apt "$profile+src") || return 1
	mkdir -p "$dir"
	exec {lock}>"$dir/.lock"
	flock "$lock"
	dsc="$dir/${pkg}_${ver#*:}.dsc"
	if [ ! -f "$dsc" ]; then
		deb_log "downloading source $pkg=$ver ($profile)"
		(cd "$dir" && APT_CONFIG="$conf" apt-get -q source --download-only "$pkg=$ver" >"$dir/$pkg.log" 2>&1) || rc=$?
		if [ "$rc" != 0 ] || [ ! -f "$dsc" ]; then
			tail -n 5 "$dir/$pkg.log" >&2
			exec {lock}>&-
			echo "debarchive: cannot download source $pkg=$ver ($profile)" >&2
			return 1
		fi
	fi
	dpkg-source -x "$dsc" "$dest" >"$dir/$pkg.unpack.log" 2>&1 || rc=$?
	exec {lock}>&-
	[ "$rc" = 0 ] || { tail -n 5 "$dir/$pkg.unpack.log" >&2; echo "debarchive: dpkg-source -x $dsc failed" >&2; return 1; }
}

# ---- building with the toolchain a kernel was built with ----

# The Debian suite whose toolchain a profile's kernels are built with
# (backports are built on their base suite, experimental on sid).
deb_profile_suite() {
	case "$1" in
	bookworm-backports) echo bookworm ;;
	trixie-backports) echo trixie ;;
	experimental) echo sid ;;
	*) echo "$1" ;;
	esac
}

# The compiler a kernel tree was built with, from its CONFIG_CC_VERSION_TEXT:
# "PROGRAM VERSION", e.g. "gcc-16 16.2.0-4" (Debian's package version when
# the text names one).
deb_kernel_cc() {
	local text prog ver
	text=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' \
		"$1/include/config/auto.conf" 2>/dev/null)
	[ -n "$text" ] || return 1
	prog=${text%% *}
	prog=${prog#x86_64-linux-gnu-}
	ver=$(echo "$text" | sed -n 's/.*(Debian \([^)]*\)).*/\1/p')
	[ -n "$ver" ] || ver=$(echo "$text" | awk '{ print $NF }')
	echo "$prog $ver"
}

# The version a compiler's --version line names, in deb_kernel_cc's form.
deb_cc_version() {
	local ver
	ver=$(echo "$1" | sed -n 's/.*(Debian \([^)]*\)).*/\1/p')
	[ -n "$ver" ] || ver=$(echo "$1" | awk '{ print $NF }')
	echo "$ver"
}

# What a kernel-build chroot holds besides its compiler: make, and what the
# kernel's prebuilt kbuild tools (linux-kbuild-*: modpost, objtool, pahole
# for BTF) need to run.
DEB_KBUILD_CHROOT_PKGS="make libc6-dev libelf-dev libssl-dev dwarves kmod bc"
# How old (seconds) a chroot may get before it is made anew: a week.
: "${XFPM_CHROOT_MAX_AGE:=604800}"

# deb_kbuild_chroot SUITE CC [PKG...]: a minimal chroot of a Debian suite with the
# compiler package CC (gcc-16), DEB_KBUILD_CHROOT_PKGS and any further
# packages PKG (a chroot of its own, SUITE-CC+PKG+...: python3 for Xen's
# hypervisor build), made with
# debootstrap from this machine's own Debian mirror (deb_mirrors), cached in
# $XFPM_CACHE/chroot/SUITE-CC and made anew once it is older than
# XFPM_CHROOT_MAX_AGE or its package list changed.  Needs root.  Prints its
# path; on failure the reason on stderr (with debootstrap's last lines).
# The caller holds no lock afterwards: deb_chroot_run takes a shared one, and
# a refresh waits for the builds that use the old chroot.
deb_kbuild_chroot() {
	local suite=$1 cc=$2 main sec dir lock want age log extra
	shift 2
	extra="$*"
	read -r main sec < <(deb_mirrors) || return 1
	dir="$XFPM_CACHE/chroot/$suite-$cc${extra:++${extra// /+}}"
	want="$suite $cc $DEB_KBUILD_CHROOT_PKGS${extra:+ $extra} $main"
	mkdir -p "$XFPM_CACHE/chroot"
	exec {lock}>"$dir.lock"
	flock "$lock"
	age=$XFPM_CHROOT_MAX_AGE
	[ -f "$dir/.ready" ] && age=$(($(date +%s) - $(stat -c %Y "$dir/.ready")))
	if [ "$age" -ge "$XFPM_CHROOT_MAX_AGE" ] || [ "$(cat "$dir/.ready" 2>/dev/null)" != "$want" ]; then
		deb_log "debootstrap $suite with $cc (chroot for kernel builds)"
		rm -rf "$dir.new"
		log="$dir.log"
		if ! debootstrap --variant=minbase --include="$(echo "$cc $DEB_KBUILD_CHROOT_PKGS $extra" | xargs | tr ' ' ,)" \
			"$suite" "$dir.new" "$main" >"$log" 2>&1; then
			tail -n 5 "$log" >&2
			rm -rf "$dir.new"
			exec {lock}>&-
			echo "debarchive: debootstrap of $suite with $cc failed (log: $log)" >&2
			return 1
		fi
		rm -f "$dir.new"/var/cache/apt/archives/*.deb
		echo "$want" > "$dir.new/.ready"
		rm -rf "$dir"
		mv "$dir.new" "$dir"
	fi
	exec {lock}>&-
	echo "$dir"
}

# deb_chroot_run DIR [BIND...] -- CMD...: run CMD inside the chroot DIR, with
# /proc, /dev and each BIND (a host directory, mounted at the same path, so
# that paths mean the same inside and out) in a private mount namespace: the
# mounts end with the command.  A shared lock keeps a refresh of the chroot
# (deb_kbuild_chroot) waiting until CMD is done.
deb_chroot_run() {
	local dir=$1 binds="" lock rc=0
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do binds="$binds $1"; shift; done
	[ "${1:-}" = -- ] && shift
	exec {lock}>"$dir.lock"
	flock -s "$lock"
	XFPM_BINDS=$binds unshare --mount --propagation private -- /bin/sh -ec '
		c=$1
		shift
		mount -t proc proc "$c/proc"
		mount --bind /dev "$c/dev"
		for b in $XFPM_BINDS; do
			mkdir -p "$c$b"
			mount --bind "$b" "$c$b"
		done
		exec chroot "$c" /usr/bin/env -i HOME=/root LC_ALL=C.UTF-8 \
			PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin "$@"' \
		sh "$dir" "$@" || rc=$?
	exec {lock}>&-
	return $rc
}

# deb_kbuild_env KDIR PROFILE [DIR...]: where to build against the Debian
# kernel tree KDIR (of an apt profile) with the compiler the kernel was built
# with.  A kernel of this machine's own Debian release builds here; any
# other in a chroot of its suite (deb_kbuild_chroot), with KDIR's tree and
# each DIR (the source tree) at the same paths inside.  Sets
#   DEB_KBUILD_RUN    the command prefix (an array: empty here, or
#                     "deb_chroot_run CHROOT DIRS... --")
#   DEB_KBUILD_WHERE  "host" or "SUITE chroot"
#   DEB_KBUILD_KCC    the kernel's compiler, "gcc-16 16.2.0-3" (deb_kernel_cc)
#   DEB_KBUILD_CC     that compiler as installed where the build runs,
#                     "gcc-16 16.2.0-4" (the same program; the Debian
#                     revision may differ)
# Returns 1 with the reason in DEB_KBUILD_WHY when that compiler cannot be
# had (2: only because a chroot needs root).  Never another compiler.
deb_kbuild_env() {
	local kdir=$1 profile=$2 suite host kcc kver root have why
	shift 2
	DEB_KBUILD_RUN=() DEB_KBUILD_WHERE="" DEB_KBUILD_KCC="" DEB_KBUILD_CC="" DEB_KBUILD_WHY=""
	if ! read -r kcc kver < <(deb_kernel_cc "$kdir"); then
		DEB_KBUILD_WHY="no CONFIG_CC_VERSION_TEXT in $kdir: which compiler built the kernel is unknown"
		return 1
	fi
	DEB_KBUILD_KCC="$kcc $kver"
	suite=$(deb_profile_suite "$profile")
	host=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	if [ "$suite" = "$host" ]; then
		DEB_KBUILD_WHERE=host
	elif [ "$(id -u)" != 0 ]; then
		DEB_KBUILD_WHERE="$suite chroot"
		DEB_KBUILD_WHY="the kernel needs $kcc in a $suite chroot, and making and entering one needs root"
		return 2
	else
		DEB_KBUILD_WHERE="$suite chroot"
		why=$(mktemp)
		if ! root=$(deb_kbuild_chroot "$suite" "$kcc" 2>"$why"); then
			DEB_KBUILD_WHY="no $suite chroot with $kcc: $(grep -v '^debarchive: debootstrap ' "$why" | tail -n 2 | tr '\n' ' ')"
			rm -f "$why"
			return 1
		fi
		cat "$why" >&2
		rm -f "$why"
		# the kernel tree (the root deb_kernel_headers unpacked it into)
		# and the caller's directories
		DEB_KBUILD_RUN=(deb_chroot_run "$root" "${kdir%/usr/src/*}" "$@")
		DEB_KBUILD_RUN+=(--)
	fi
	why=$(mktemp)
	if ! have=$("${DEB_KBUILD_RUN[@]}" "$kcc" --version 2>"$why" | head -n 1) || [ -z "$have" ]; then
		if grep -q '^unshare: ' "$why"; then
			# (a chroot whose / is not a mount point, for one)
			DEB_KBUILD_WHY="cannot enter the $DEB_KBUILD_WHERE: $(grep -m 1 '^unshare: ' "$why")"
		else
			DEB_KBUILD_WHY="$kcc, the kernel's compiler, is not installed ($DEB_KBUILD_WHERE)"
		fi
		rm -f "$why"
		return 1
	fi
	rm -f "$why"
	DEB_KBUILD_CC="$kcc $(deb_cc_version "$have")"
}

# deb_kbuild KDIR PROFILE DIR MAKE-ARGS...: run make for the Debian kernel
# tree KDIR with the compiler its kernel was built with (deb_kbuild_env;
# DIR, the source tree, is visible at its path in a chroot).  Says why not
# and returns non-zero when that compiler cannot be had.
deb_kbuild() {
	local kdir=$1 profile=$2 dir=$3
	shift 3
	deb_kbuild_env "$kdir" "$profile" "$dir" || { echo "debarchive: $DEB_KBUILD_WHY" >&2; return 1; }
	"${DEB_KBUILD_RUN[@]}" make "$@"
}
