# SPDX-License-Identifier: GPL-2.0-only
# blk-refused-flush: a backend that advertises a write cache it then refuses
# to flush.  Linux's blkback answers EOPNOTSUPP when the disk under it
# refuses a flush; here xfback (tests/vm/backend/xfback.c, "flush-notsupp")
# answers every flush and barrier that way while still advertising it.  The
# guest mounts an ext4 on that second disk (xvdb) and runs an fsync-heavy
# load: the filesystem must stay read-write, every fsync succeed, and the
# data read back after a remount be what was written (issue 17, defect 3).
#
#   blk-refused-flush-cache    feature-flush-cache: the journal's flushes are
#                              empty flush requests (the queue has no FUA)
#   blk-refused-flush-barrier  feature-barrier only: the queue offers FUA, the
#                              journal's commit blocks go as barrier writes
#                              with data.  xfback honours the empty barriers
#                              (the preflushes) and refuses those with data
#                              ("flush-notsupp data"): otherwise the first
#                              refusal, of an empty preflush, turns barriers
#                              off before any write is refused, and the
#                              reissue path goes untested.  A refused write
#                              must be written again as a plain write, not
#                              lost; with our drivers the empty barriers
#                              must go on (feature_flush=barrier-empty:
#                              durable writes as writes plus an empty
#                              barrier), not flushes turned off
#
# With our drivers sysfs must then say flushes are off (feature_flush=none,
# cache case) or barriers go empty only (barrier case, with writes issued
# again: requests_reissued, and empty barriers honoured during the load;
# four O_DSYNC writers on the raw disk first put several FUA writes on the
# ring at once, all refused).  The in-tree drivers run the same; their result is
# the baseline (the check fails only when the filesystem broke or data was
# lost, whichever driver).
. /xft/scenarios/xfback-lib.inc

RF_VBD=51728

sc_timeout() { echo 1500; }

# rf_guest_ext4 NAME: ext4 and its modules in the guest (built-in: nothing)
rf_guest_ext4() {
	xft_gexec "$1" "for m in \$(cat /lib/xft/extra/ext4.order 2>/dev/null); do insmod /lib/xft/extra/\$m 2>/dev/null; done; grep -qw ext4 /proc/filesystems && echo ext4"
}

# rf_fs_errors NAME: the kernel's complaints about the filesystem or journal
rf_fs_errors() {
	xft_gexec "$1" "dmesg | grep -E 'EXT4-fs (error|warning)|Aborting journal|Remounting filesystem read-only|JBD2: .*(error|failed)|Buffer I/O error' | tail -n 3"
}

rf_case() {
	local kind=$1 check=blk-refused-flush-$1 tag=rf$1 why out st cfg notsupp mb f0 n0 honoured fua=""
	case $kind in
	cache) cfg="flush=1 barrier=0" mb=flush-notsupp ;;
	barrier) cfg="flush=0 barrier=1" mb="flush-notsupp data" ;;
	esac
	# (the case before may have failed with its guest still there)
	xft_cleanup
	why=$(xft_guest_start g1 1) || { xft_fail $check "boot: $why"; return; }
	out=$(rf_guest_ext4 g1)
	[ "$out" = ext4 ] || { xft_fail $check "no ext4 in the guest: $out"; return; }
	xfb_reset $tag
	# shellcheck disable=SC2086
	xfb_cfg $tag $cfg
	xfb_misbehave $tag "$mb"
	why=$(xfb_attach g1 $tag xvdb) || { xft_fail $check "$why"; return; }
	xfb_guest_wait g1 "[ -b /dev/xvdb ]" 60 || { xft_fail $check "no /dev/xvdb in the guest"; return; }
	if [ $kind = barrier ]; then
		# several FUA writes in flight when the first is refused (XFS's
		# log, O_DSYNC writers): every one of them is refused, and none
		# of those refusals may turn the empty barriers off.  On the raw
		# disk, first: ext4's mount itself writes with FUA.
		n0=$(xfb_stat $tag notsupp)
		out=$(xft_gexec g1 "fio --name=fua --filename=/dev/xvdb --size=8m --direct=1 --sync=1 --ioengine=psync --numjobs=4 --rw=randwrite --bs=4k --time_based --runtime=8 --group_reporting --output=/tmp/fua.out >/dev/null 2>&1; echo rc=\$?")
		fua="O_DSYNC writers: fio $out, $(( $(xfb_stat $tag notsupp) - n0 )) refused"
		if [ "$out" != rc=0 ] && [ "$XFT_DRV" = built ]; then
			xft_fail $check "$fua on the raw disk: $(xft_gexec g1 "grep -m 2 -i err /tmp/fua.out")"
			return
		fi
	fi
	# (e2fsprogs' mke2fs: busybox's own comes first in PATH and makes ext2 only)
	out=$(xft_gexec g1 "/usr/bin/mke2fs -q -F -t ext4 -E nodiscard,lazy_itable_init=0,lazy_journal_init=0 /dev/xvdb 2>&1 && mkdir -p /mnt/rf && mount -t ext4 -o commit=1 /dev/xvdb /mnt/rf && echo mounted")
	case "$out" in
	*mounted) ;;
	*) xft_fail $check "mkfs/mount: $out; $(rf_fs_errors g1)"; return ;;
	esac
	f0=$(xfb_stat $tag flushes)
	n0=$(xfb_stat $tag notsupp)
	# 40 files written with fsync, their sums kept outside the filesystem
	xfb_bg g1 rfload "i=0; bad=0; while [ \$i -lt 40 ]; do dd if=/dev/urandom of=/mnt/rf/f\$i bs=4k count=32 conv=fsync 2>/dev/null || bad=\$((bad+1)); md5sum /mnt/rf/f\$i >> /tmp/rf.sums; i=\$((i+1)); done; sync; echo fsync_failures=\$bad"
	out=$(xfb_bg_wait g1 rfload 600) || { xft_fail $check "the fsync load hangs: $(rf_fs_errors g1)"; return; }
	out=$(xft_gexec g1 "cat /tmp/rfload.out")
	notsupp=$(xfb_stat $tag notsupp)
	if [ "$out" != fsync_failures=0 ]; then
		xft_fail $check "$out; xfback refused ${notsupp:-?} flushes; $(rf_fs_errors g1)"
		return
	fi
	out=$(xft_gexec g1 "grep ' /mnt/rf ' /proc/mounts | cut -d' ' -f4 | cut -d, -f1")
	[ "$out" = rw ] || { xft_fail $check "the filesystem is '$out' after the load: $(rf_fs_errors g1)"; return; }
	# the data, read back from the disk after a remount
	out=$(xft_gexec g1 "umount /mnt/rf && mount -t ext4 /dev/xvdb /mnt/rf && md5sum -c /tmp/rf.sums 2>&1 | grep -vc ': OK\$'")
	[ "$out" = 0 ] || { xft_fail $check "$out file(s) read back wrong after a remount: $(rf_fs_errors g1)"; return; }
	out=$(rf_fs_errors g1)
	[ -z "$out" ] || { xft_fail $check "the kernel complains: $out"; return; }
	[ "${notsupp:-0}" -gt 0 ] || { xft_fail $check "xfback refused no flush: the test did not test ($(xfb_status $tag))"; return; }
	# flushes (empty barriers) the backend honoured during the load
	honoured=$(( ($(xfb_stat $tag flushes) - f0) - (notsupp - n0) ))
	if [ "$XFT_DRV" = built ]; then
		st=$(blk_stats g1 $RF_VBD)
		out=none
		[ $kind = barrier ] && out=barrier-empty
		if ! why=$(blk_expect "$st" feature_flush=$out requests_failed=0 state=connected); then
			xft_fail $check "after the refusals:$why"
			return
		fi
		if [ $kind = barrier ] && [ "$(blk_get "$st" requests_reissued)" = 0 ]; then
			xft_fail $check "no write was issued again: requests_reissued=0"
			return
		fi
		if [ $kind = barrier ] && [ "$honoured" -lt 20 ]; then
			xft_fail $check "only $honoured empty barrier(s) during 40 fsyncs: flushes stopped after the refusal"
			return
		fi
		why="feature_flush=$out requests_reissued=$(blk_get "$st" requests_reissued), $honoured flush(es) honoured during the load${fua:+; $fua}"
	else
		why="(in-tree${fua:+; $fua})"
	fi
	xft_pass $check "40 fsync'd files intact after a remount, fs rw, xfback refused $notsupp flush(es); $why"
	xft_gexec g1 "umount /mnt/rf" >/dev/null
	xft_cleanup
}

sc_main() {
	rf_case cache
	rf_case barrier
}
