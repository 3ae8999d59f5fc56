# SPDX-License-Identifier: GPL-2.0-only
# blk-xfback: xfback, the rig's own block backend (tests/vm/backend/xfback.c),
# serves the probe's disk correctly.  The guest boots on it asking for a
# four-page ring (xen_blkfront.max_ring_page_order=2 on its command line),
# runs the probe, a verifying 1 MiB background load and fio (two parallel
# jobs, random block sizes, crc32c verification); then two checkpoints, a
# restore onto a small backend (one queue, one-page ring, no indirect
# segments, no persistent grants), a restore onto a full one again (two
# queues, four-page ring, indirect segments, persistent grants) and, for PVH,
# a live migration.  After each step xfback's status and, with our drivers,
# the driver's sysfs must show what was negotiated, and fio must verify.
. /xft/scenarios/xfback-lib.inc

# two vCPUs: two queues to negotiate
XFT_GUEST_VCPUS=${XFT_GUEST_VCPUS:-2}
XFB_TAG=disk1

sc_timeout() { echo 1800; }

# fio_verify NAME SEED: 2 x 8 MiB at 32 MiB, written and verified
fio_verify() {
	xft_gexec "$1" "fio --name=xv --filename=/dev/xvda --offset=32m --size=8m --offset_increment=8m --numjobs=2 --direct=1 --ioengine=libaio --iodepth=16 --rw=randwrite --bsrange=4k-256k --verify=crc32c --do_verify=1 --randseed=$2 --group_reporting --output=/tmp/xv.out >/dev/null 2>&1; echo rc=\$? \$(grep -o 'err= *[0-9]*' /tmp/xv.out | head -n 1 | tr -d ' ')"
}

to_small() { xfb_cfg $XFB_TAG persistent=0 max-queues=1 max-indirect=0 max-ring-page-order=0; }
to_full() { xfb_cfg $XFB_TAG persistent=1 max-queues=4 max-indirect=256 max-ring-page-order=4; }

# check STEP STATUS-KEY=VALUE... -- SYSFS-KEY=VALUE...: xfback's status and
# (our drivers) the guest's sysfs; prints what differs
check() {
	local step=$1 kv bad="" got st
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		kv=$1
		shift
		got=$(xfb_stat $XFB_TAG "${kv%%=*}")
		[ "$got" = "${kv#*=}" ] || bad="$bad xfback ${kv%%=*}=$got(want ${kv#*=})"
	done
	[ "$1" = -- ] && shift
	if [ "$XFT_DRV" = built ] && [ $# -gt 0 ]; then
		st=$(blk_stats g1)
		xft_say "blk-xfback: $step: $(blk_features "$st")" >&2
		got=$(blk_expect "$st" "$@") || bad="$bad$got"
		[ -z "$XFB_WANT_INDIRECT" ] || got=$(indirect_on "$st" "$XFB_WANT_INDIRECT") || bad="$bad$got"
	fi
	xft_say "blk-xfback: $step: xfback $(xfb_status $XFB_TAG)" >&2
	[ -z "$bad" ] && return 0
	echo "$bad"
	return 1
}

# indirect_on STATS WANT: indirect segments in use, WANT of them, or fewer
# with pool_capped_from=WANT saying why (the data pages would take more than
# max_pool_percent of the guest's RAM); prints what differs
indirect_on() {
	local got capped
	got=$(blk_get "$1" max_indirect_segments)
	capped=$(blk_get "$1" pool_capped_from)
	[ "$capped" = 0 ] && [ "$got" = "$2" ] && return 0
	[ "$capped" = "$2" ] && [ "$got" -gt 11 ] && [ "$got" -lt "$2" ] && return 0
	echo " max_indirect_segments=$got pool_capped_from=$capped(want $2, or fewer but over 11 when capped)"
	return 1
}

# step NAME OUTCOME: a failed step ends the scenario
fail_step() {
	xft_fail "$1" "$2"
	xfb_log 40
}

sc_main() {
	local why out i ind0 ind1 load snap
	XFT_BLK_BACKEND=xfback
	XFT_GUEST_EXTRA="$XFT_GUEST_EXTRA xen_blkfront.max_ring_page_order=2"
	export XFT_BLK_BACKEND XFT_GUEST_EXTRA
	xfb_reset $XFB_TAG
	to_full

	why=$(xft_guest_start g1 1) || { fail_step blk-xfback-boot "boot: $why"; return; }
	out=$(XFB_WANT_INDIRECT=32 check boot state=4 rings=2 order=2 persistent=1 errors=0 -- \
		state=connected nr_queues=2 ring_page_order=2 feature_persistent=1 \
		feature_flush=flush feature_discard=1) ||
		{ fail_step blk-xfback-boot "after boot:$out"; return; }
	xft_pass blk-xfback-boot "2 queues, 4-page rings, persistent grants, $why"

	blk_load_start g1
	out=$(fio_verify g1 1)
	case $out in
	"rc=0 err=0") xft_pass blk-xfback-fio "2 parallel fio jobs verified 16 MiB" ;;
	*) fail_step blk-xfback-fio "fio: $out $(xft_gexec g1 'tail -n 5 /tmp/xv.out' | tr '\n' ' ')"; return ;;
	esac

	for i in 1 2; do
		why=$(xft_cycle g1 checkpoint) || { fail_step blk-xfback-checkpoint "checkpoint $i: $why"; return; }
	done
	out=$(check checkpoint state=4 rings=2 persistent=1 errors=0) ||
		{ fail_step blk-xfback-checkpoint "after the checkpoints:$out"; return; }
	xft_pass blk-xfback-checkpoint "2 checkpoints, $why"

	# a backend that offers less: 1 queue, 1 page, no indirect, no persistent grants
	why=$(blk_save_restore g1 to_small "") || { fail_step blk-xfback-restore-small "restore: $why"; return; }
	ind0=$(xfb_stat $XFB_TAG indirects)
	out=$(fio_verify g1 2)
	ind1=$(xfb_stat $XFB_TAG indirects)
	[ "$out" = "rc=0 err=0" ] || { fail_step blk-xfback-restore-small "fio after the restore: $out"; return; }
	out=$(check restore-small state=4 rings=1 order=0 persistent=0 indirect=0 errors=0 -- \
		state=connected nr_queues=1 ring_page_order=0 feature_persistent=0 \
		max_indirect_segments=0 max_segments=11) ||
		{ fail_step blk-xfback-restore-small "after the restore:$out"; return; }
	[ "$ind0" = "$ind1" ] ||
		{ fail_step blk-xfback-restore-small "indirect requests ($ind0 -> $ind1) without indirect segments offered"; return; }
	xft_pass blk-xfback-restore-small "1 queue, 1 page, direct segments only, no persistent grants; fio verified; $why"

	# everything again
	why=$(blk_save_restore g1 to_full "") || { fail_step blk-xfback-restore-full "restore: $why"; return; }
	ind0=$(xfb_stat $XFB_TAG indirects)
	out=$(fio_verify g1 3)
	ind1=$(xfb_stat $XFB_TAG indirects)
	[ "$out" = "rc=0 err=0" ] || { fail_step blk-xfback-restore-full "fio after the restore: $out"; return; }
	out=$(XFB_WANT_INDIRECT=32 check restore-full state=4 rings=2 order=2 persistent=1 indirect=256 errors=0 -- \
		state=connected nr_queues=2 ring_page_order=2 feature_persistent=1) ||
		{ fail_step blk-xfback-restore-full "after the restore:$out"; return; }
	[ "$ind1" -gt "$ind0" ] ||
		{ fail_step blk-xfback-restore-full "no indirect request during fio ($ind0 -> $ind1)"; return; }
	xft_pass blk-xfback-restore-full "2 queues, 4 pages, indirect, persistent grants; fio verified; $why"

	if xft_migrates; then
		snap=$(xft_snap g1)
		out=$(xft_migrate g1) || { fail_step blk-xfback-migrate "xl migrate: $out"; return; }
		why=$(xft_wait_progress g1 "$snap" 3 180) || { fail_step blk-xfback-migrate "after migration: $why"; return; }
		out=$(check migrate state=4 rings=2 order=2 persistent=1 errors=0 -- state=connected nr_queues=2) ||
			{ fail_step blk-xfback-migrate "after migration:$out"; return; }
		xft_pass blk-xfback-migrate "domid $(xft_domid g1), $why"
	else
		xft_skip blk-xfback-migrate "$(xft_pv_migrate_why)"
	fi

	blk_load_stop g1
	load=$(blk_load_check g1)
	case $load in
	*"bad=0 err=0"*) ;;
	*) fail_step blk-xfback "background load: $load"; return ;;
	esac
	if [ "$XFT_DRV" = built ]; then
		out=$(blk_expect "$(blk_stats g1)" requests_failed=0 responses_malformed=0 xenstore_invalid=0 broken=0) ||
			{ fail_step blk-xfback "driver counters:$out"; return; }
	fi
	why=$(xft_wait_progress g1 "$(xft_snap g1)" 2 120) || { fail_step blk-xfback "at the end: $why"; return; }
	xft_pass blk-xfback "background load $load; $(xfb_status $XFB_TAG); $why"
}
