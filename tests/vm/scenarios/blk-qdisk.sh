# SPDX-License-Identifier: GPL-2.0-only
# rig-needs: qdisk
# blk-qdisk: the probe's disk served by QEMU's Xen block backend
# (backendtype=qdisk, bookworm's qemu-system-xen started by libxl in dom0),
# a second independent backend with another feature set than blkback's.
# The guest boots on it and runs the probe, a verifying background load and
# fio (crc32c); then two checkpoints, a save/restore, a restore onto blkback
# (same disk, another xl config), a restore back onto qdisk and, for PVH, a
# live migration.  After each step fio must verify and, with our drivers,
# the driver's sysfs must show what this step's backend offers (persistent
# grants and indirect segments come and go with the backend, the queue
# count stays within its offer).  Needs Xen 4.17 (bookworm's QEMU is built
# against its libraries); skipped otherwise.
. /xft/scenarios/blk-lib.inc

QD_QEMU=/usr/libexec/xen-qemu-system-i386

sc_timeout() { echo 1800; }

# qd_fio NAME SEED: 2 x 8 MiB at 32 MiB, written and verified
qd_fio() {
	xft_gexec "$1" "fio --name=qv --filename=/dev/xvda --offset=32m --size=8m --offset_increment=8m --numjobs=2 --direct=1 --ioengine=libaio --iodepth=16 --rw=randwrite --bsrange=4k-128k --verify=crc32c --do_verify=1 --randseed=$2 --group_reporting --output=/tmp/qv.out >/dev/null 2>&1; echo rc=\$? \$(grep -o 'err= *[0-9]*' /tmp/qv.out | head -n 1 | tr -d ' ')"
}

# qd_offer NAME: what the disk's current backend offers, "key=value ..."
# (the backend path from the frontend's own node: no guess)
qd_offer() {
	local be k v out="" id
	id=$(xft_domid "$1") || return 1
	be=$(xenstore-read "/local/domain/$id/device/vbd/$BLK_VBD/backend" 2>/dev/null) || return 1
	[ -n "$be" ] || return 1
	out="backend=${be#/local/domain/0/backend/}"
	for k in feature-persistent feature-max-indirect-segments multi-queue-max-queues \
		max-ring-page-order feature-flush-cache feature-barrier feature-discard; do
		v=$(xenstore-read "$be/$k" 2>/dev/null) || v=-
		out="$out $k=$v"
	done
	echo "$out"
}

# qd_check NAME STEP KIND: the backend is KIND (qdisk or vbd, from its
# xenstore path) and, with our drivers, the driver negotiated within its
# offer; prints what differs
qd_check() {
	local name=$1 step=$2 kind=$3 offer st bad="" pers ind mq got want capped
	offer=$(qd_offer "$name") || { echo " no backend"; return 1; }
	xft_say "blk-qdisk: $step: offer $offer" >&2
	case $offer in "backend=$kind/"*) ;; *) bad="$bad backend is not $kind" ;; esac
	if [ "$XFT_DRV" = built ]; then
		st=$(blk_stats "$name")
		xft_say "blk-qdisk: $step: ours $(blk_features "$st")" >&2
		got=$(blk_expect "$st" state=connected broken=0 requests_failed=0 responses_malformed=0) || bad="$bad$got"
		pers=$(blk_get "$offer" feature-persistent)
		[ "$pers" = 1 ] || pers=0
		got=$(blk_get "$st" feature_persistent)
		[ "$got" = "$pers" ] || bad="$bad feature_persistent=$got(backend offers $pers)"
		# indirect segments: none when none are offered, else the offer
		# up to the guest's limit (its max_indirect_segments parameter),
		# or fewer when pool_capped_from says the page pool was capped
		ind=$(blk_get "$offer" feature-max-indirect-segments)
		got=$(blk_get "$st" max_indirect_segments)
		capped=$(blk_get "$st" pool_capped_from)
		case $ind in
		-|0) want=0 ;;
		*)
			want=$(xft_gexec "$name" "cat /sys/module/xen_blkfront/parameters/max_indirect_segments")
			[ "$ind" -lt "${want:-0}" ] 2>/dev/null && want=$ind
			;;
		esac
		if [ "$capped" = 0 ] || [ "$want" = 0 ]; then
			[ "$got" = "$want" ] || bad="$bad max_indirect_segments=$got(want $want: offer $ind)"
		else
			[ "$capped" = "$want" ] && [ "${got:-x}" -lt "$want" ] 2>/dev/null ||
				bad="$bad max_indirect_segments=$got pool_capped_from=$capped(want $want or a cap)"
		fi
		mq=$(blk_get "$offer" multi-queue-max-queues)
		case $mq in -) mq=1 ;; esac
		got=$(blk_get "$st" nr_queues)
		[ "${got:-0}" -ge 1 ] && [ "$got" -le "$mq" ] || bad="$bad nr_queues=$got(backend offers $mq)"
	fi
	[ -z "$bad" ] && return 0
	echo "$bad"
	return 1
}

# qd_cfg KIND: /tmp/g1-KIND.cfg, the guest's config with its disk on KIND
qd_cfg() {
	XFT_BLK_BACKEND=$1 xft_guest_cfg g1 1 && cp /tmp/g1.cfg "/tmp/g1-$1.cfg"
}

# qd_step STEP KIND SEED: check the backend and the driver, then fio
qd_step() {
	local out
	out=$(qd_check g1 "$1" "$2") || { echo "after $1:$out"; return 1; }
	out=$(qd_fio g1 "$3")
	[ "$out" = "rc=0 err=0" ] ||
		{ echo "fio after $1: $out $(xft_gexec g1 'tail -n 5 /tmp/qv.out' | tr '\n' ' ')"; return 1; }
}

# qd_qemu: the QEMU processes that serve qdisks, pid and options
qd_qemu() {
	local d c out=""
	# (dom0's busybox has no pgrep)
	for d in /proc/[0-9]*; do
		c=$(tr '\0' ' ' < "$d/cmdline" 2>/dev/null)
		case $c in
		"$QD_QEMU "*|*"/xen-qemu-system-i386 "*)
			out="$out QEMU ${d#/proc/}:$(echo "$c" | grep -o -e '-xen-domid [0-9]*' -e '-M [a-z]*' | tr '\n' ' ')"
			;;
		esac
	done
	[ -n "$out" ] || return 1
	echo "${out# }"
}

qd_fail() {
	xft_fail "$1" "$2"
	tail -n 20 /var/log/xen/qemu-dm-g1.log 2>/dev/null | sed 's/^/XFT-LOG: qemu: /'
}

sc_main() {
	local why out i load
	if [ ! -x "$QD_QEMU" ]; then
		xft_skip blk-qdisk "no $QD_QEMU in this dom0: the rig installs bookworm's qemu-system-xen with Xen 4.17 only (this is $(xl info 2>/dev/null | awk '/^xen_version/ { print $3 }'))"
		return
	fi
	qd_cfg blkback && qd_cfg qdisk || { xft_fail blk-qdisk "cannot write the guest's configs"; return; }
	XFT_BLK_BACKEND=qdisk
	export XFT_BLK_BACKEND

	why=$(xft_guest_start g1 1) || { qd_fail blk-qdisk-boot "boot: $why"; return; }
	out=$(qd_step boot qdisk 1) || { qd_fail blk-qdisk-boot "$out"; return; }
	# (backend/qdisk, which qd_check required, is served by QEMU alone)
	out=$(qd_qemu) || { qd_fail blk-qdisk-boot "no QEMU process in dom0"; return; }
	xft_pass blk-qdisk-boot "$out, fio verified; $why"

	blk_load_start g1
	for i in 1 2; do
		why=$(xft_cycle g1 checkpoint) || { qd_fail blk-qdisk-checkpoint "checkpoint $i: $why"; return; }
	done
	out=$(qd_step checkpoint qdisk 2) || { qd_fail blk-qdisk-checkpoint "$out"; return; }
	xft_pass blk-qdisk-checkpoint "2 checkpoints, fio verified; $why"

	why=$(blk_save_restore g1 "" "") || { qd_fail blk-qdisk-restore "restore: $why"; return; }
	out=$(qd_step restore qdisk 3) || { qd_fail blk-qdisk-restore "$out"; return; }
	xft_pass blk-qdisk-restore "save/restore on qdisk, fio verified; $why"

	# the same disk, restored onto blkback: another feature set
	why=$(BLK_RESTORE_CFG=/tmp/g1-blkback.cfg blk_save_restore g1 "" "") ||
		{ qd_fail blk-qdisk-to-blkback "restore onto blkback: $why"; return; }
	out=$(qd_step to-blkback vbd 4) || { qd_fail blk-qdisk-to-blkback "$out"; return; }
	xft_pass blk-qdisk-to-blkback "restored from qdisk onto blkback, fio verified; $why"

	why=$(BLK_RESTORE_CFG=/tmp/g1-qdisk.cfg blk_save_restore g1 "" "") ||
		{ qd_fail blk-qdisk-to-qdisk "restore onto qdisk: $why"; return; }
	out=$(qd_step to-qdisk qdisk 5) || { qd_fail blk-qdisk-to-qdisk "$out"; return; }
	xft_pass blk-qdisk-to-qdisk "restored from blkback onto qdisk again, fio verified; $why"

	if xft_migrates; then
		out=$(xft_migrate g1) || { qd_fail blk-qdisk-migrate "xl migrate: $out"; return; }
		why=$(xft_wait_progress g1 "$(xft_snap g1)" 3 180) || { qd_fail blk-qdisk-migrate "after migration: $why"; return; }
		out=$(qd_step migrate qdisk 6) || { qd_fail blk-qdisk-migrate "$out"; return; }
		xft_pass blk-qdisk-migrate "domid $(xft_domid g1), fio verified; $why"
	else
		xft_skip blk-qdisk-migrate "$(xft_pv_migrate_why)"
	fi

	blk_load_stop g1
	load=$(blk_load_check g1)
	case $load in
	"ok=0 "*|"ok= "*) qd_fail blk-qdisk "the background load never completed a round: $load"; return ;;
	*"bad=0 err=0"*) ;;
	*) qd_fail blk-qdisk "background load: $load"; return ;;
	esac
	why=$(xft_wait_progress g1 "$(xft_snap g1)" 2 120) || { qd_fail blk-qdisk "at the end: $why"; return; }
	xft_pass blk-qdisk "background load $load through every step; $why"
}
