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
	*) deb_die "unknown apt profile '$profile' (bookworm, bullseye, bookworm-backports)" ;;
	esac
}

# Set up (once) and refresh (when stale) the private apt tree of a profile.
# Prints the path of its apt.conf.
deb_apt() {
	local profile=$1 d="$XFPM_CACHE/apt/$1" stamp now age lock new
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
		APT_CONFIG="$d/apt.conf" apt-get -q update >"$d/update.log" 2>&1 ||
			{ cat "$d/update.log" >&2; deb_die "apt-get update failed for $profile"; }
		touch "$stamp"
	fi
	exec {lock}>&-
	echo "$d/apt.conf"
}

deb_apt_cache() { local p=$1; shift; APT_CONFIG="$(deb_apt "$p")" apt-cache "$@"; }

# Candidate version of a package in a profile (empty if none).
deb_version() {
	# (awk reads everything: an early exit would SIGPIPE apt-cache under pipefail)
	deb_apt_cache "$1" policy "$2" 2>/dev/null |
		awk '/Candidate:/ && !done { if ($2 != "(none)") print $2; done = 1 }'
}

# The first dependency of a package whose name matches a regex: resolves
# meta-packages such as linux-image-amd64 -> linux-image-6.1.0-56-amd64.
deb_dep_matching() {
	local profile=$1 pkg=$2 re=$3
	deb_apt_cache "$profile" show --no-all-versions "$pkg" 2>/dev/null |
		sed -n 's/^Depends: //p' | tr ',|' '\n\n' | sed 's/^ *//; s/ .*//' |
		awk -v re="$re" '$0 ~ re && !done { print; done = 1 }'
}

# Download packages (exact candidate versions) into the profile's deb folder,
# reusing what is cached.  Prints the .deb paths, one per line.
deb_fetch() {
	local profile=$1 pkg ver file dir="$XFPM_CACHE/debs/$1" conf lock
	shift
	mkdir -p "$dir"
	conf=$(deb_apt "$profile")
	# (two runs sharing the cache must not download into one file at once)
	exec {lock}>"$dir/.lock"
	flock "$lock"
	for pkg in "$@"; do
		ver=$(deb_version "$profile" "$pkg")
		[ -n "$ver" ] || deb_die "package '$pkg' not found in $profile"
		file="$dir/${pkg}_${ver//:/%3a}_amd64.deb"
		[ -f "$file" ] || file="$dir/${pkg}_${ver//:/%3a}_all.deb"
		if [ ! -f "$file" ]; then
			deb_log "downloading $pkg=$ver ($profile)"
			(cd "$dir" && APT_CONFIG="$conf" apt-get -q download "$pkg=$ver" >/dev/null 2>&1) ||
				(cd "$dir" && XFPM_APT_REFRESH=1 deb_apt "$profile" >/dev/null &&
				 APT_CONFIG="$conf" apt-get -q download "$pkg=$(deb_version "$profile" "$pkg")") ||
				deb_die "download of $pkg failed ($profile)"
			file=$(ls -t "$dir/${pkg}_"*.deb | head -n 1)
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

# Map a kernel series (5.10, 6.1, 6.12) to "PROFILE IMAGE-META HEADERS-META".
deb_kernel_series() {
	case "$1" in
	5.10) echo "bullseye linux-image-amd64 linux-headers-amd64" ;;
	6.1) echo "bookworm linux-image-amd64 linux-headers-amd64" ;;
	6.12) echo "bookworm linux-image-6.12-amd64 linux-headers-6.12-amd64" ;;
	*) deb_die "unsupported kernel series '$1' (5.10, 6.1, 6.12)" ;;
	esac
}

# Resolve a kernel series to its current ABI name, e.g. 6.1 -> 6.1.0-56-amd64.
deb_kernel_abi() {
	local profile meta hmeta img
	read -r profile meta hmeta < <(deb_kernel_series "$1")
	img=$(deb_dep_matching "$profile" "$meta" '^linux-image-[0-9]')
	if [ -z "$img" ] && [ "$1" = 6.12 ]; then
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
	local profile=$1 abi=$2 root="$XFPM_CACHE/headers/$2" kbuild common deb f
	if [ ! -f "$root/.ready" ]; then
		common=$(deb_dep_matching "$profile" "linux-headers-$abi" '^linux-headers-.*-common')
		kbuild=$(deb_dep_matching "$profile" "linux-headers-$abi" '^linux-kbuild-')
		[ -n "$kbuild" ] || kbuild=$(deb_dep_matching "$profile" "$common" '^linux-kbuild-')
		[ -n "$common" ] && [ -n "$kbuild" ] ||
			deb_die "cannot resolve headers for $abi in $profile"
		for deb in $(deb_fetch "$profile" "linux-headers-$abi" "$common" "$kbuild"); do
			deb_extract "$deb" "$root"
		done
		# The Debian header Makefiles include the common tree by absolute path.
		for f in "$root"/usr/src/linux-headers-*/Makefile; do
			sed -i "s#^include /usr/src/#include $root/usr/src/#" "$f"
		done
		touch "$root/.ready"
	fi
	echo "$root/usr/src/linux-headers-$abi"
}

# Fetch a kernel image package for an ABI; prints the .deb path.
deb_kernel_image() {
	local profile=$1 abi=$2
	deb_fetch "$profile" "linux-image-$abi"
}

# Extra make arguments for building against a Debian kernel tree: the
# compiler the kernel was built with (named in .kernelvariables) when it is
# installed, else the default gcc (e.g. bullseye's gcc-10 on bookworm).
deb_kbuild_cc() {
	local kdir=$1 kcc
	kcc=$(sed -n 's/^CC = .*gcc-/gcc-/p' "$kdir/.kernelvariables" 2>/dev/null)
	if [ -n "$kcc" ] && ! command -v "$kcc" >/dev/null; then
		echo "CC=gcc"
	fi
}
