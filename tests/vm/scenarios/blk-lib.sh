# SPDX-License-Identifier: GPL-2.0-only
# blk-lib: helpers for the blk-* scenarios (sourced by them; not a scenario).
#
# The guest's xen-blkfront exposes what it negotiated and what it holds in
# /sys/bus/xen/devices/vbd-<id>/blkfront/ (see src/blkfront/README.md).

BLK_VBD=${BLK_VBD:-51712}
BLK_SYSFS=/sys/bus/xen/devices/vbd-$BLK_VBD/blkfront
BLK_LOAD_OFF=16		# MiB: the background load's region (the probe uses 0-12 MiB)
BLK_LOAD_MB=16

sc_main() { xft_skip blk-lib "helper file, not a scenario"; }

# TCG on a shared machine is slow: give guest commands time
XFT_GEXEC_TIMEOUT=${XFT_GEXEC_TIMEOUT:-180}

# blk_stats NAME [VBD]: "key=value ..." of the guest driver's sysfs
blk_stats() {
	local dir=/sys/bus/xen/devices/vbd-${2:-$BLK_VBD}/blkfront out i
	for i in 1 2 3; do
		out=$(xft_gexec "$1" "cd $dir 2>/dev/null && for f in *; do printf '%s=%s ' \$f \"\$(cat \$f)\"; done")
		case "$out" in *state=*) break ;; esac
		sleep 2
	done
	echo "$out"
}

# blk_get STATS KEY
blk_get() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# blk_expect STATS KEY=VALUE...: prints what differs; status 1 if anything does
blk_expect() {
	local st=$1 kv k v got bad=""
	shift
	for kv in "$@"; do
		k=${kv%%=*} v=${kv#*=}
		got=$(blk_get "$st" "$k")
		[ "$got" = "$v" ] || bad="$bad $k=$got(want $v)"
	done
	[ -z "$bad" ] && return 0
	echo "$bad"
	return 1
}

# The negotiated features, for the log.
blk_features() {
	local st=$1 k out=""
	for k in state nr_queues nr_hw_queues ring_page_order ring_slots max_indirect_segments \
		max_segments feature_persistent feature_flush feature_discard; do
		out="$out $k=$(blk_get "$st" "$k")"
	done
	echo "${out# }"
}

# The resource counts the leak checks compare.
blk_resources() {
	local st=$1 k out=""
	for k in grants_in_use persistent_grants pages_allocated event_channels \
		requests_in_flight ring_requests_in_flight requests_replayed requests_split \
		requests_failed responses_malformed xenstore_invalid grants_deferred reconnects; do
		out="$out $k=$(blk_get "$st" "$k")"
	done
	echo "${out# }"
}

# blk_backend NAME: the backend directory of the disk
blk_backend() {
	local id
	id=$(xft_domid "$1") || return 1
	echo "/local/domain/0/backend/vbd/$id/$BLK_VBD"
}

# blk_reload_blkback [PARAM=VALUE...]: reload xen-blkback (no disk may be attached)
blk_reload_blkback() {
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		rmmod xen_blkback 2>/dev/null && break
		sleep 1
	done
	lsmod | grep -q '^xen_blkback' && { echo "cannot unload xen-blkback"; return 1; }
	modprobe xen-blkback "$@" || { echo "modprobe xen-blkback $* failed"; return 1; }
}

# blk_load_start NAME: a verifying background load in the guest: writes a
# random 16 MiB pattern with 1 MiB direct writes and reads it back, again
# and again; counts rounds in /tmp/blkload.ok and mismatches in /tmp/blkload.bad.
blk_load_start() {
	xft_gexec "$1" "rm -f /tmp/blkload.*; dd if=/dev/urandom of=/tmp/blkpat bs=1M count=$BLK_LOAD_MB 2>/dev/null; sum=\$(md5sum < /tmp/blkpat); (while [ ! -e /tmp/blkload.stop ]; do dd if=/tmp/blkpat of=/dev/xvda bs=1M seek=$BLK_LOAD_OFF oflag=direct conv=notrunc 2>/dev/null || { echo E >> /tmp/blkload.err; continue; }; r=\$(dd if=/dev/xvda bs=1M skip=$BLK_LOAD_OFF count=$BLK_LOAD_MB iflag=direct 2>/dev/null | md5sum); if [ \"\$r\" = \"\$sum\" ]; then echo . >> /tmp/blkload.ok; else echo X >> /tmp/blkload.bad; fi; done) >/dev/null 2>&1 & echo started" >/dev/null
}

# blk_load_check NAME: "ok=N bad=N err=N"
blk_load_check() {
	xft_gexec "$1" "printf 'ok=%s bad=%s err=%s' \$(cat /tmp/blkload.ok 2>/dev/null | wc -l) \$(cat /tmp/blkload.bad 2>/dev/null | wc -l) \$(cat /tmp/blkload.err 2>/dev/null | wc -l)"
}

blk_load_stop() { xft_gexec "$1" "touch /tmp/blkload.stop" >/dev/null; }

# blk_save_restore NAME HOOK: xl save, HOOK between save and restore (dom0
# changes to the backend), a paused restore, HOOK_PAUSED, unpause; then
# wait for verified I/O.  Prints the probe line or the reason of failure.
blk_save_restore() {
	local name=$1 hook=$2 hook_paused=$3 snap out
	snap=$(xft_snap "$name")
	out=$(xl save "$name" /tmp/$name.save 2>&1) || { echo "xl save: $(echo "$out" | tail -n 2)"; return 1; }
	if [ -n "$hook" ]; then
		out=$($hook 2>&1) || { echo "before restore: $out"; rm -f /tmp/$name.save; return 1; }
	fi
	out=$(xl restore -p /tmp/$name.save 2>&1) || { echo "xl restore: $(echo "$out" | tail -n 2)"; rm -f /tmp/$name.save; return 1; }
	rm -f /tmp/$name.save
	if [ -n "$hook_paused" ]; then
		out=$($hook_paused "$name" 2>&1) || { echo "while paused: $out"; xl unpause "$name"; return 1; }
	fi
	xl unpause "$name" || { echo "xl unpause failed"; return 1; }
	xft_wait_progress "$name" "$snap" 3 180
}
