# SPDX-License-Identifier: GPL-2.0-only
# blk-fullring: more requests in flight than the ring has slots, through
# checkpoints, restores and (PVH) a live migration.  Issue 17.
#
# The guest's frontend asks for a 4-page ring at boot
# (xen_blkfront.max_ring_page_order=2 on its command line), so its block
# layer keeps up to 128 requests per queue; the first restore goes to a
# blkback that offers one page (32 slots).  From there on a load of fio jobs
# (O_DIRECT, libaio, random reads and writes, 4 x iodepth 32) keeps more
# requests in flight than the ring holds: the hardware queues stop for want
# of slots and start again all the time.  The disk is a device-mapper linear
# target over the loop device, so that dom0 can stall it.
#
#   blk-fullring-ops      under that load: checkpoints and save/restores
#                         (and live migrations on PVH; XFT_FR_OPS names
#                         others).  A "stalled-" operation runs with the
#                         rings full for sure: dom0 stalls the disk
#                         (dmsetup suspend) until every ring is full with
#                         more requests behind it, so the guest suspends
#                         with its queues stopped and no response coming,
#                         and lets the disk go once the guest is suspended.
#                         After each, the probe's verified I/O and the load
#                         go on.  (Without the stall, a 1-vCPU PVH guest
#                         often never fills its ring: its backend keeps up)
#   blk-fullring-stalled  stalled restore and checkpoint
#                         (XFT_FR_STALLED_OPS) on a second guest with one
#                         queue (xen_blkfront.max_queues=1): after the
#                         restore every request must be issued again on
#                         the new backend and the load go on (defect 2:
#                         nothing restarted stopped queues then).  With two
#                         queues a completion on the other ring restarted
#                         every stopped queue and hid the defect (the code
#                         before the fix passed it)
#
# fio's own verification is not used under the load (fio verifies only what
# a job wrote itself, after the fact); the probe's checksummed blocks and a
# final fio verify pass over a region written before the operations are.
. /xft/scenarios/blk-lib.inc

FR_DM=xfdm1
FR_SMALL="max_ring_page_order=0"

sc_timeout() { echo 2400; }

# fr_disk: a dm-linear device over slot 1's loop device; prints its node
fr_disk() {
	local loop sectors out minor
	out=$(modprobe dm-mod 2>&1) || { echo "modprobe dm-mod: $out"; return 1; }
	loop=$(xft_disk 1) || { echo "no loop device"; return 1; }
	dmsetup remove "$FR_DM" >/dev/null 2>&1
	sectors=$(blockdev --getsz "$loop" 2>&1) || { echo "blockdev: $sectors"; return 1; }
	out=$(dmsetup create --noudevsync "$FR_DM" --table "0 $sectors linear $loop 0" 2>&1) ||
		{ echo "dmsetup create: $out"; return 1; }
	# no udev in dom0: devtmpfs has the node as dm-<minor>
	minor=$(dmsetup info -c --noheadings -o minor "$FR_DM" 2>&1 | tr -d ' ')
	[ -b "/dev/dm-$minor" ] || { echo "no node for $FR_DM (minor '$minor')"; return 1; }
	echo "/dev/dm-$minor"
}

# fr_io NAME: "reads writes" completed on the guest's xvda so far
fr_io() {
	xft_gexec "$1" "awk '{ print \$1, \$5 }' /sys/block/xvda/stat"
}

# fr_moving NAME: the guest's disk completes requests (within 30 s)
fr_moving() {
	local a b i
	a=$(fr_io "$1")
	for i in 1 2 3 4 5 6; do
		sleep 5
		b=$(fr_io "$1")
		[ -n "$b" ] && [ "$b" != "$a" ] && { echo "io $a -> $b"; return 0; }
	done
	echo "no request completed in 30 s (io $a -> $b)"
	return 1
}

# The load: 4 jobs, 32 each in flight, random 4 KiB reads and writes over
# 32-64 MiB (the probe owns 0-12 MiB, the verify region is 24-32 MiB).
fr_load_start() {
	xft_gexec "$1" "fio --name=fr --filename=/dev/xvda --offset=32m --size=32m --direct=1 --ioengine=libaio --iodepth=32 --numjobs=4 --rw=randrw --bs=4k --time_based --runtime=3000 --cpus_allowed=0-\$((\$(nproc) - 1)) --cpus_allowed_policy=split --group_reporting --output=/tmp/fr.out >/dev/null 2>&1 & echo \$! > /tmp/fr.pid; echo started"
}
fr_load_stop() {
	xft_gexec "$1" "kill -INT \$(cat /tmp/fr.pid); i=0; while kill -0 \$(cat /tmp/fr.pid) 2>/dev/null && [ \$i -lt 60 ]; do sleep 1; i=\$((i+1)); done; grep -o 'err= *[0-9]*' /tmp/fr.out | head -n 1"
}

# A region written with fio's checksummed pattern before the operations and
# verified after them.
fr_verify() {
	xft_gexec "$1" "fio --name=v --filename=/dev/xvda --offset=24m --size=8m --direct=1 --ioengine=libaio --iodepth=16 --rw=randwrite --bs=16k --verify=crc32c --do_verify=$2 --verify_only=$3 --randseed=17 --output=/tmp/v.out >/dev/null 2>&1; echo rc=\$?"
}

# fr_rings_full NAME: "held/slots stopped": the requests the guest's disk has
# started (the block layer counts a request from the driver's start until
# its completion; one the driver turns away for want of a slot goes back to
# idle, in both drivers) against the slots of all its rings (32 per ring:
# the backend offers one page), and how many of its hardware queues blk-mq
# has stopped now (debugfs; "?" when it cannot be read)
fr_rings_full() {
	xft_gexec "$1" "mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug 2>/dev/null; s=\$(cat /sys/kernel/debug/block/xvda/hctx*/state 2>/dev/null | grep -c STOPPED) || s=0; ls /sys/kernel/debug/block/xvda/hctx0/state >/dev/null 2>&1 || s=?; echo \$(awk '{ print \$1 + \$2 }' /sys/block/xvda/inflight)/\$((32 * \$(ls /sys/block/xvda/mq | wc -l))) \$s"
}

# fr_stall NAME: pause the probe's block thread (a task blocked in
# synchronous I/O on a stalled disk cannot be frozen, and the guest would
# refuse the suspend: "Freezing of tasks failed"; fio's tasks wait for their
# asynchronous I/O interruptibly and freeze with their requests in flight),
# stall the disk in dom0 and wait until every ring is full with more
# requests behind it: fio keeps 64 in flight per vCPU, each ring has 32
# slots.  "Behind it" is shown by a hardware queue that blk-mq holds
# stopped now (both drivers stop a queue for want of a slot); where debugfs
# cannot tell, by our driver's ring_full_stops rising during the stall.
# Prints what it saw, or the reason when the rings do not fill (the disk
# runs again then).
fr_stall() {
	local name=$1 out st stops0="" stops="" t0 full="" held stopped
	out=$(xft_gexec "$name" "touch /tmp/xfprobe-blk-pause; i=0; while [ ! -e /tmp/xfprobe-blk-paused ] && [ \$i -lt 60 ]; do sleep 1; i=\$((i+1)); done; ls /tmp/xfprobe-blk-paused")
	[ "$out" = /tmp/xfprobe-blk-paused ] || { echo "the probe's block thread did not pause: $out"; return 1; }
	[ "$XFT_DRV" = built ] && stops0=$(blk_get "$(blk_stats "$name")" ring_full_stops)
	dmsetup suspend "$FR_DM" || { echo "dmsetup suspend failed"; return 1; }
	t0=$(xft_now)
	while [ "$(xft_since "$t0" | cut -d. -f1)" -lt 60 ]; do
		out=$(fr_rings_full "$name")
		held=${out%% *} stopped=${out##* }
		if [ "${held%/*}" -ge "${held#*/}" ] 2>/dev/null; then
			if [ "$stopped" != "?" ]; then
				[ "$stopped" -ge 1 ] 2>/dev/null && { full="$held, $stopped queue(s) stopped"; break; }
			elif [ "$XFT_DRV" = built ]; then
				stops=$(blk_get "$(blk_stats "$name")" ring_full_stops)
				[ -n "$stops" ] && [ "$stops" -gt "${stops0:-0}" ] &&
					{ full="$held, ring_full_stops $stops0 -> $stops"; break; }
			else
				full="$held (no debugfs: whether requests wait behind the rings is not known)"
				break
			fi
		fi
		sleep 1
	done
	if [ -z "$full" ]; then
		dmsetup resume "$FR_DM" || echo "dmsetup resume failed; "
		echo "the rings did not fill with requests waiting behind them, the disk stalled for 60 s (started/slots, queues stopped: $out${stops:+, ring_full_stops $stops0 -> $stops})"
		return 1
	fi
	echo "$full"
}

# fr_stalled_op NAME OP: OP (checkpoint, restore or migrate) while the disk
# is stalled and the rings are full, so that the guest suspends with its
# queues stopped and no response coming; dom0 lets the disk go once the
# guest is suspended (the old backend then answers into a ring the guest
# no longer reads, for a restore or a migration) or once the operation is
# over.  After it, every request must complete (issued again on the new
# backend after a restore: defect 2 of issue 17, nothing restarted stopped
# queues) and the probe's verified I/O goes on.  Prints what happened.
fr_stalled_op() {
	local name=$1 op=$2 full snap out id0 id st pid t0 i gone=""
	full=$(fr_stall "$name") || { echo "$full"; return 1; }
	t0=$(xft_now)
	xft_say "blk-fullring: $op with the disk stalled, rings full ($full)" >&2
	id0=$(xft_domid "$name")
	case $op in
	checkpoint) xl save -c "$name" /tmp/$name.ckpt >/tmp/fr-op.log 2>&1 & ;;
	restore) xl save "$name" /tmp/$name.save >/tmp/fr-op.log 2>&1 & ;;
	migrate) timeout 300 xl migrate -s /xft/fake-ssh "$name" localhost >/tmp/fr-op.log 2>&1 & ;;
	*) dmsetup resume "$FR_DM"; echo "fr_stalled_op: unknown operation '$op'"; return 1 ;;
	esac
	pid=$!
	# until the domain is suspended, gone or replaced, or the operation over
	while [ "$(xft_since "$t0" | cut -d. -f1)" -lt 120 ]; do
		st=$(xft_guest_state "$name")
		id=$(xft_domid "$name")
		case "$st" in *s*) gone="suspended"; break ;; esac
		[ -z "$id" ] && { gone="gone"; break; }
		[ "$id" != "$id0" ] && { gone="replaced"; break; }
		kill -0 $pid 2>/dev/null || { gone="still running"; break; }
		sleep 0.2
	done
	if ! dmsetup resume "$FR_DM"; then
		wait $pid
		rm -f /tmp/$name.ckpt /tmp/$name.save
		echo "dmsetup resume failed after the $op began"
		return 1
	fi
	xft_say "blk-fullring: the guest was ${gone:-running after 120 s} when the disk went on, $(xft_since "$t0")s after the $op began" >&2
	wait $pid || { rm -f /tmp/$name.ckpt /tmp/$name.save; echo "$op with the disk stalled: $(tail -n 2 /tmp/fr-op.log | tr '\n' ' ')"; return 1; }
	rm -f /tmp/$name.ckpt
	if [ $op = restore ]; then
		out=$(xl restore /tmp/$name.save 2>&1) ||
			{ rm -f /tmp/$name.save; echo "xl restore: $(echo "$out" | tail -n 2)"; return 1; }
		rm -f /tmp/$name.save
	fi
	snap=$(xft_snap "$name")
	out=$(xft_gexec "$name" "rm -f /tmp/xfprobe-blk-pause; echo resumed")
	[ "$out" = resumed ] || { echo "after the $op the guest does not answer: $out"; return 1; }
	out=$(xft_wait_progress "$name" "$snap" 2 180) || { echo "after the $op: $out"; return 1; }
	echo "$op with rings full ($full), guest $gone when the disk went on; $out"
}

# fr_guest CHECK [EXTRA]: boot g1 with a 4-page ring (and EXTRA kernel
# parameters), write the verify region, restore it onto the one-page
# backend (128 requests per queue for a 32-slot ring) and start the load
fr_guest() {
	local check=$1 why st out
	XFT_GUEST_EXTRA="$FR_EXTRA0 xen_blkfront.max_ring_page_order=2 $2"
	why=$(xft_guest_start g1 1) || { xft_fail $check "boot: $why"; return 1; }
	out=$(fr_verify g1 0 0)
	[ "$out" = rc=0 ] || { xft_fail $check "writing the verify region: $out"; return 1; }
	why=$(blk_save_restore g1 "blk_reload_blkback $FR_SMALL" "") ||
		{ xft_fail $check "restore to the small backend: $why"; return 1; }
	if [ "$XFT_DRV" = built ]; then
		st=$(blk_stats g1)
		if ! out=$(blk_expect "$st" state=connected ring_page_order=0 ring_slots=32); then
			xft_fail $check "after the restore to the small backend:$out"
			return 1
		fi
	fi
	out=$(fr_load_start g1)
	[ "$out" = started ] || { xft_fail $check "fio: $out"; return 1; }
	sleep 10
	why=$(fr_moving g1) || { xft_fail $check "the load does not run: $why"; return 1; }
}

sc_main() {
	local why st out dev ops="" op stalled="" rc
	dev=$(fr_disk) || { xft_fail blk-fullring "dom0 disk: $dev"; return; }
	XFT_DISK_TARGET=$dev
	FR_EXTRA0=$XFT_GUEST_EXTRA
	fr_guest blk-fullring-ops || { blk_reload_blkback; return; }

	# ---- operations under the load; stalled-OP: with the rings full ----
	for op in ${XFT_FR_OPS:-checkpoint stalled-checkpoint restore stalled-restore $(xft_migrates && echo migrate stalled-migrate)}; do
		case $op in
		stalled-*) why=$(fr_stalled_op g1 ${op#stalled-}) ;;
		migrate) why=$(xft_migrate g1) && why=$(xft_wait_progress g1 "$(xft_snap g1)" 2 180) ;;
		*) why=$(xft_cycle g1 $op) ;;
		esac
		rc=$?
		[ $rc = 0 ] && why=$(fr_moving g1)
		if [ $rc != 0 ] || [ -z "${why##no request*}" ]; then
			xft_fail blk-fullring-ops "after $op #$(echo "$ops" | wc -w): $why; $(blk_resources "$(blk_stats g1)")"
			blk_reload_blkback
			return
		fi
		ops="$ops $op"
	done
	st=$(blk_stats g1)
	if [ "$XFT_DRV" = built ] && [ "$(blk_get "$st" ring_full_stops)" = 0 ]; then
		xft_fail blk-fullring-ops "the ring never ran full (ring_full_stops=0): the test did not test"
		blk_reload_blkback
		return
	fi
	out=$(fr_load_stop g1)
	case "$out" in
	"err= 0"|"err=0") ;;
	*) xft_fail blk-fullring-ops "fio reported $out"; blk_reload_blkback; return ;;
	esac
	out=$(fr_verify g1 1 1)
	if [ "$out" != rc=0 ]; then
		xft_fail blk-fullring-ops "the verify region does not verify: $out"
		blk_reload_blkback
		return
	fi
	xft_pass blk-fullring-ops "load through$ops, fio err=0, verify region intact; ring_full_stops=$(blk_get "$st" ring_full_stops) requests_replayed=$(blk_get "$st" requests_replayed) nr_hw_queues=$(blk_get "$st" nr_hw_queues)"
	xft_cleanup
	blk_reload_blkback

	# ---- a save while the one ring is full and the backend stalled ----
	fr_guest blk-fullring-stalled xen_blkfront.max_queues=1 || { blk_reload_blkback; return; }
	if [ "$XFT_DRV" = built ]; then
		st=$(blk_stats g1)
		if ! out=$(blk_expect "$st" nr_hw_queues=1); then
			xft_fail blk-fullring-stalled "max_queues=1 did not give one ring:$out"
			blk_reload_blkback
			return
		fi
	fi
	stalled=ok
	for op in ${XFT_FR_STALLED_OPS:-restore checkpoint}; do
		if ! why=$(fr_stalled_op g1 $op) || ! why="$why; $(fr_moving g1)"; then
			stalled=""
			break
		fi
		xft_say "blk-fullring-stalled: $why"
	done
	st=$(blk_stats g1)
	if [ -z "$stalled" ]; then
		xft_fail blk-fullring-stalled "$why; $(blk_resources "$st")"
		blk_reload_blkback
		return
	fi
	out=$(fr_load_stop g1)
	case "$out" in
	"err= 0"|"err=0") ;;
	*) xft_fail blk-fullring-stalled "fio reported $out"; blk_reload_blkback; return ;;
	esac
	out=$(fr_verify g1 1 1)
	if [ "$out" != rc=0 ]; then
		xft_fail blk-fullring-stalled "the verify region does not verify: $out $(xft_gexec g1 "grep -m 3 -i 'verify\|bad' /tmp/v.out")"
		blk_reload_blkback
		return
	fi
	xft_pass blk-fullring-stalled "$why; fio $out, verify region intact; $(blk_resources "$st")"
	xft_cleanup
	blk_reload_blkback
	dmsetup remove "$FR_DM" >/dev/null 2>&1
}
