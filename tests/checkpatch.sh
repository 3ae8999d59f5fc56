#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/checkpatch.sh - the kernel's checkpatch.pl --no-tree -f over every C
# file and header in src/ and include/.  checkpatch.pl comes from $CHECKPATCH,
# or from Debian's linux-source-6.1 package (fetched once, cached).
# Prints one line per file with its error/warning counts and a total; exits
# non-zero if any file has an ERROR.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$REPO/tests/lib/prereqs.sh" checkpatch || exit 1
export XFPM_PREREQS_DONE=1
# shellcheck source=lib/debarchive.sh
. "$REPO/tests/lib/debarchive.sh"

cp_pl=${CHECKPATCH:-}
if [ -z "$cp_pl" ]; then
	dir=$XFPM_CACHE/checkpatch
	cp_pl=$dir/scripts/checkpatch.pl
	if [ ! -x "$cp_pl" ]; then
		deb=$(deb_fetch bookworm linux-source-6.1)
		mkdir -p "$dir"
		echo "checkpatch: extracting checkpatch.pl from $(basename "$deb")" >&2
		dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
			tar -xJ -C "$dir" --strip-components=1 --wildcards \
				'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	fi
fi
# a checkpatch that cannot run (no perl module, a broken extraction) must
# not read as "0 errors"
out=$(perl -c "$cp_pl" 2>&1) || { echo "checkpatch: $cp_pl does not compile: $out" >&2; exit 1; }
errs=0 warns=0 files=0 bad=0
cd "$REPO"
for f in $(find src include -name '*.[ch]' | sort); do
	rc=0
	out=$(perl "$cp_pl" --no-tree --terse --show-types -f "$f" 2>&1) || rc=$?
	# (1: it found something; anything else: it did not check)
	if [ "$rc" -gt 1 ]; then
		echo "checkpatch: failed on $f (status $rc): $(tail -n 2 <<<"$out")" >&2
		bad=1
		continue
	fi
	e=$(grep -c ': ERROR:' <<<"$out" || true)
	w=$(grep -c ': WARNING:' <<<"$out" || true)
	files=$((files + 1)) errs=$((errs + e)) warns=$((warns + w))
	if [ "$e" != 0 ] || [ "$w" != 0 ]; then
		printf '  %-45s %3d errors %3d warnings\n' "$f" "$e" "$w"
		[ "$e" = 0 ] || { bad=1; grep ': ERROR:' <<<"$out" | sed 's/^/      /'; }
	fi
done
echo "checkpatch: $files files, $errs errors, $warns warnings"
exit $bad
