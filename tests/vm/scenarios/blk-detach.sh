# SPDX-License-Identifier: GPL-2.0-only
# blk-detach: hot unplug under I/O, then attach again.
#  A. "xl block-detach" of the probe's own disk while it does O_DIRECT I/O:
#     the detach completes, the disk disappears from the guest, the probe's
#     requests fail with I/O errors (allowed here), nothing hangs; after
#     "xl block-attach" the probe reopens the new xvda and every block it
#     wrote before the unplug still verifies.
#  B. A second disk with a marker block and a writer streaming to it is
#     detached: the guest and the first disk carry on without errors; the
#     disk comes back after a re-attach with the marker intact.
# Block I/O errors on the unplugged disk are expected; data that does not
# verify never is.
. /xft/scenarios/blk-lib.inc

BLK_SPEC="format=raw, access=rw, script=/etc/xen/scripts/xfblock"

# vbd_listed NAME DEVID: is the disk in the toolstack's list?
vbd_listed() { xl block-list "$1" 2>/dev/null | awk -v d="$2" '$1 == d { f = 1 } END { exit !f }'; }

# guest_wait NAME SHELL-TEST TIMEOUT
guest_wait() {
	local t0
	t0=$(xft_now)
	while [ "$(xft_gexec "$1" "if $2; then echo yes; fi")" != yes ]; do
		[ "$(xft_since "$t0" | cut -d. -f1)" -ge "$3" ] && return 1
		sleep 1
	done
}

# blocked_tasks NAME: the guest's tasks in uninterruptible sleep, and where
blocked_tasks() {
	xft_gexec "$1" "for p in /proc/[0-9]*; do st=\$(cut -d' ' -f3 \$p/stat 2>/dev/null); [ \"\$st\" = D ] && printf '%s(%s) ' \$(cat \$p/comm) \$(cat \$p/wchan); done; echo; echo vbd states: \$(cat /sys/bus/xen/devices/vbd-*/state 2>/dev/null)" | tr '\n' ' ' | sed 's/^/blocked: /'
}

detach() {
	local name=$1 vdev=$2 devid=$3 out t0
	out=$(timeout 120 xl block-detach "$name" "$vdev" 2>&1) || { echo "xl block-detach $vdev: $out"; return 1; }
	t0=$(xft_now)
	while vbd_listed "$name" "$devid"; do
		[ "$(xft_since "$t0" | cut -d. -f1)" -ge 60 ] && { echo "$vdev still listed"; return 1; }
		sleep 1
	done
	if ! guest_wait "$name" "[ ! -e /sys/block/$vdev ]" 60; then
		echo "$vdev still in the guest; $(blocked_tasks "$name")"
		return 1
	fi
}

blk_detach_main() {
	local why snap target dev2 st out t keep
	why=$(xft_guest_start g1 1) || { xft_fail blk-detach "boot: $why"; return; }
	target=$(cat /tmp/disk1.dev)

	# A: the probe's disk, under I/O
	snap=$(xft_snap g1)
	t=$(xft_now)
	why=$(detach g1 xvda 51712) || { xft_fail blk-detach "detach xvda: $why"; return; }
	xft_say "blk-detach: xvda detached under I/O in $(xft_since "$t")s"
	out=$(xl block-attach g1 "$BLK_SPEC, vdev=xvda, target=$target" 2>&1) ||
		{ xft_fail blk-detach "xl block-attach xvda: $out"; return; }
	why=$(xft_wait_progress g1 "$snap" 3 180 "blk_err") ||
		{ xft_fail blk-detach "after re-attaching xvda: $why"; return; }
	xft_say "blk-detach: xvda back, $why"
	if [ "$XFT_DRV" = built ]; then
		st=$(blk_stats g1)
		why=$(blk_expect "$st" state=connected responses_malformed=0) ||
			{ xft_fail blk-detach "xvda after re-attach:$why"; return; }
	fi

	# B: a second disk with a marker and a writer
	truncate -s 32M /tmp/disk9.img
	dev2=$(losetup -f) && losetup "$dev2" /tmp/disk9.img ||
		{ xft_fail blk-detach "no loop device for xvdb"; return; }
	out=$(xl block-attach g1 "$BLK_SPEC, vdev=xvdb, target=$dev2" 2>&1) ||
		{ xft_fail blk-detach "xl block-attach xvdb: $out"; return; }
	guest_wait g1 "[ -b /dev/xvdb ]" 120 || { xft_fail blk-detach "xvdb did not appear"; return; }
	# a marker block, then a writer streaming behind it (the guest kernel
	# has no file system modules in its initramfs: raw I/O it is).  The
	# writer stops once the node is gone: dd would otherwise create a
	# regular file /dev/xvdb that hides the disk when it comes back.
	out=$(xft_gexec g1 "echo xfpm-keep-\$\$ > /tmp/keep; dd if=/tmp/keep of=/dev/xvdb bs=4k count=1 conv=sync,fsync 2>/dev/null; (while [ -b /dev/xvdb ]; do dd if=/dev/zero of=/dev/xvdb bs=64k seek=16 count=32 oflag=direct 2>/dev/null || sleep 1; done) >/dev/null 2>&1 & echo \$! > /tmp/writer; sleep 3; cat /tmp/keep")
	case $out in xfpm-keep-*) keep=$out ;; *) xft_fail blk-detach "writing xvdb: $out"; return ;; esac
	out=$(dd if="$dev2" bs=4k count=1 iflag=direct 2>/dev/null | head -n 1 | tr -cd 'a-z0-9-')
	[ "$out" = "$keep" ] || { xft_fail blk-detach "the marker did not reach the disk: dom0 reads '$out'"; return; }
	snap=$(xft_snap g1)
	t=$(xft_now)
	why=$(detach g1 xvdb 51728) || { xft_fail blk-detach "detach xvdb under I/O: $why"; return; }
	xft_say "blk-detach: xvdb detached under I/O in $(xft_since "$t")s"
	# the first disk and the guest are not disturbed
	why=$(xft_wait_progress g1 "$snap" 3 120) ||
		{ xft_fail blk-detach "xvda after detaching xvdb: $why"; return; }
	# (a dd that raced with the unplug may still have left a plain file)
	out=$(xft_gexec g1 "kill \$(cat /tmp/writer) 2>/dev/null; sleep 2; killall dd 2>/dev/null; if [ -e /dev/xvdb ] && [ ! -b /dev/xvdb ]; then rm -f /dev/xvdb; echo raced; fi")
	[ "$out" = raced ] && xft_say "blk-detach: removed a plain file /dev/xvdb a writer left behind"
	# The guest's xenbus ignores a node that reappears while its old device
	# is still registered (the writer held it open): wait until it is gone.
	guest_wait g1 "[ ! -e /sys/bus/xen/devices/vbd-51728 ]" 60 ||
		{ xft_fail blk-detach "the guest kept device vbd-51728 after the unplug and the writer's end"; return; }
	out=$(xl block-attach g1 "$BLK_SPEC, vdev=xvdb, target=$dev2" 2>&1) ||
		{ xft_fail blk-detach "xl block-attach xvdb again: $out"; return; }
	if ! guest_wait g1 "[ -b /dev/xvdb ]" 120; then
		out=$(xft_gexec g1 "ls -l /dev/xvdb* 2>&1; ls /sys/block; cat /sys/bus/xen/devices/vbd-51728/state 2>&1" | tr '\n' ' ')
		xft_fail blk-detach "xvdb did not come back (guest: $out; backend state $(xenstore-read "$(xenstore-read "/local/domain/$(xft_domid g1)/device/vbd/51728/backend" 2>/dev/null)/state" 2>/dev/null))"
		return
	fi
	out=$(xft_gexec g1 "dd if=/dev/xvdb bs=4k count=1 iflag=direct 2>/dev/null | head -n 1 | tr -cd 'a-z0-9-'")
	if [ "$out" != "$keep" ]; then
		xft_fail blk-detach "xvdb after re-attach: marker '$out', want '$keep' (dom0 sees '$(dd if="$dev2" bs=4k count=1 iflag=direct 2>/dev/null | head -n 1 | tr -cd 'a-z0-9-')')"
		return
	fi
	if [ "$XFT_DRV" = built ]; then
		st=$(blk_stats g1 51728)
		xft_say "blk-detach: xvdb $(blk_features "$st")"
	fi
	why=$(xft_wait_progress g1 "$(xft_snap g1)" 2 120) ||
		{ xft_fail blk-detach "at the end: $why"; return; }
	xft_pass blk-detach "2 disks detached under I/O and attached again, $why"
}
sc_main() { blk_detach_main; }
