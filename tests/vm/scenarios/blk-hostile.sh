# SPDX-License-Identifier: GPL-2.0-only
# blk-hostile: a second disk (xvdb) served by xfback (tests/vm/backend/
# xfback.c), which misbehaves in one way per case: bad responses, grants kept
# mapped, EOPNOTSUPP for advertised features, failing sectors, a hung
# backend, Closing/Closed mid-I/O, a backend that vanishes, hostile xenstore
# values at the first connection and after a restore, a backend that comes
# back after a restore with fewer features, one that the restored guest
# finds Closed or Closing for 8 s (restore-held-*), and a seeded random mode.  The
# probe's xvda (blkback, or xfback with XFT_BLK_BACKEND=xfback) and the
# network are the witnesses that the rest of the guest keeps working.
#
# Each case: attach a correct xvdb and check it (1 MiB written and read back),
# arm the misbehaviour, drive I/O at xvdb in the guest's background, then
# look: the guest is alive, its kernel log has nothing new (the probe's
# counter), xvda and the network make progress, and with our drivers xvdb
# ends as the case expects (broken with broken_reason and
# responses_malformed, grants_deferred, the feature turned off, only the bad
# sectors failing, ...; src/blkfront/README.md); then "xl block-detach"
# (forced if it fails), the guest drops the device, and a fresh, correct
# xvdb attached again works.
#
# Every case prints "TABLE <case> <drivers> <outcome> | <detail>" with
# outcome survives, device-failed, hang or oops.  With our drivers each case
# is a check (blk-hostile-<case>); with the in-tree drivers only whether the
# case could be run is (the misbehaviour was carried out): their outcomes
# are the baseline, recorded, not judged (blk-hostile-baseline).
#
# XFT_HOSTILE_CASES="unknown-id hang ..." runs a subset; XFT_HOSTILE_SEED
# seeds the random case (default: the time; the seed is printed) and
# XFT_HOSTILE_RANDOM_SECS sets how long its fio load runs (40).
. /xft/scenarios/xfback-lib.inc

# two vCPUs for PV: two queues, so that a response can come on the wrong one
[ "$XFT_TYPE" = pvh ] || XFT_GUEST_VCPUS=${XFT_GUEST_VCPUS:-2}
H=hostile HV=xvdb HID=51728

# name|cfg before attaching|xenstore values|misbehave|trigger|expected (ours)
# (restore cases apply cfg and xenstore values between save and restore;
# a restore case's cfg "A / B" attaches with A and restores with B;
# trigger "frozen:MB" or "thawed:MB": a read is held by a
# hung xfback across a checkpoint and MB is carried out on it while the
# guest is suspended, or just after it resumed: see suspend_misbehave)
CASES='
unknown-id|||unknown-id|read|broken
dup-id|||dup-id|read2|broken
other-ring-id|||other-ring-id|par|broken
wrong-op|||wrong-op|read|broken
bad-status|||bad-status|read|broken
rsp-prod-beyond|||rsp-prod-beyond|read|broken
rsp-twice|||rsp-twice|read|broken
rsp-change|||rsp-change|read|either
keep-grant-read|persistent=0||keep-grant read|read|deferred
keep-grant-write|persistent=0||keep-grant write|write|deferred
keep-indirect-read|persistent=0||keep-indirect read|bigread|deferred
keep-indirect-write|persistent=0||keep-indirect write|bigwrite|deferred
flush-notsupp|||flush-notsupp|flush|noflush
discard-notsupp|||discard-notsupp|discard|nodiscard
bad-sectors|||bad-sectors 2048 8|sectors|sectors
hang|||hang|read|hang
closing-midio|||close-midio closing|read|closing
closed-midio|||close-midio closed|read|closed
vanish|||vanish|read|gone
xs-max-ring-order-huge||max-ring-page-order=4294967295||-|xs-opt
xs-max-queues-garbage||multi-queue-max-queues=zz||-|xs-opt
xs-max-indirect-garbage||feature-max-indirect-segments=-5||-|xs-opt
xs-sectors-0||sectors=0||-|xs-any
xs-sectors-absurd||sectors=18446744073709551615||-|xs-req
xs-sectors-garbage||sectors=12abc||-|xs-req
xs-sector-size-3||sector-size=3||-|xs-req
xs-info-garbage||info=zz||-|xs-req
restore-xs-sector-size-3||sector-size=3||restore|xs-req
restore-xs-max-ring-order-huge||max-ring-page-order=99||restore|xs-opt
restore-xs-sectors-overflow||sectors=99999999999999999999||restore|xs-req
restore-fewer-features|persistent=0 max-queues=1 max-indirect=16 max-ring-page-order=0|||restore|features
restore-more-queues|max-queues=1 / max-queues=4|||restore|morequeues
restore-held-closed|hold-state=6 hold-ms=8000|||restore|held-closed
restore-held-closing|hold-state=5 hold-ms=8000|||restore|held-closing
frozen-unknown-id|||hang|frozen:unknown-id|broken
frozen-bad-status|||hang|frozen:bad-status|broken
frozen-closing|||hang|frozen:close-midio closing|closing
frozen-vanish|||hang|frozen:vanish|gone
thawed-unknown-id|||hang|thawed:unknown-id|broken
thawed-rsp-prod-beyond|||hang|thawed:rsp-prod-beyond|broken
thawed-closed|||hang|thawed:close-midio closed|closed
random|persistent=0||random|random|random
'

case_names() { echo "$CASES" | awk -F'|' 'NF > 1 { print $1 }'; }
sc_timeout() { echo $((600 + ${XFT_HOSTILE_RANDOM_SECS:-40} + 150 * $(echo ${XFT_HOSTILE_CASES:-$(case_names)} | wc -w))); }

# ---- the guest ----
DIRTY=""	# a case left the guest in a state the next one must not inherit

ensure_guest() {
	local why
	if [ -z "$DIRTY" ] && [ -n "$(xft_domid g1)" ]; then
		case $(xft_guest_state g1) in *c*|*s*) ;; *) return 0 ;; esac
	fi
	xl destroy g1 >/dev/null 2>&1
	DIRTY=""
	why=$(xft_guest_start g1 1) || { echo "boot: $why"; return 1; }
	# a 1 MiB pattern to write and read back
	xft_gexec g1 "dd if=/dev/urandom of=/tmp/hpat bs=1M count=1 2>/dev/null; md5sum < /tmp/hpat | cut -c1-32 > /tmp/hpat.md5; cat /tmp/hpat.md5" >/dev/null
}

# gx CMD: a command in the guest, one line of output
gx() { xft_gexec g1 "$1" | tr '\n' ' ' | sed 's/ *$//'; }

# the frontend's xenbus state of xvdb (dom0 reads it from xenstore)
fe_state() { xenstore-read "/local/domain/$(xft_domid g1)/device/vbd/$HID/state" 2>/dev/null; }

# wait_disk TIMEOUT: until the guest has /dev/xvdb
wait_disk() { xfb_guest_wait g1 "[ -b /dev/$HV ]" "$1"; }

# pattern_rw: write the pattern to xvdb and read it back; "ok" or why not
pattern_rw() {
	xfb_bg g1 pat "[ -b /dev/$HV ] || exit 9; dd if=/tmp/hpat of=/dev/$HV bs=64k oflag=direct conv=notrunc 2>/dev/null || exit 1; s=\$(dd if=/dev/$HV bs=64k count=16 iflag=direct 2>/dev/null | md5sum | cut -c1-32); [ \"\$s\" = \"\$(cat /tmp/hpat.md5)\" ] || exit 2"
	case $(xfb_bg_wait g1 pat "${1:-60}") in
	0) echo ok ;;
	1) echo "write or read failed" ;;
	2) echo "data read back differs" ;;
	9) echo "no /dev/$HV" ;;
	running) echo "did not finish within ${1:-60}s" ;;
	*) echo "failed" ;;
	esac
}

# pattern_check: read the pattern back (written before); "ok" or why not
pattern_check() {
	xfb_bg g1 chk "[ -b /dev/$HV ] || exit 9; s=\$(dd if=/dev/$HV bs=64k count=16 iflag=direct 2>/dev/null | md5sum | cut -c1-32); [ \"\$s\" = \"\$(cat /tmp/hpat.md5)\" ] || exit 2"
	case $(xfb_bg_wait g1 chk 60) in
	0) echo ok ;;
	2) echo "data differs" ;;
	9) echo "no /dev/$HV" ;;
	running) echo "did not finish" ;;
	*) echo "failed" ;;
	esac
}

# ---- triggers: I/O at xvdb in the guest's background (job "io") ----
trig_read() { xfb_bg g1 io "[ -b /dev/$HV ] || exit 9; dd if=/dev/$HV of=/dev/null bs=64k count=64 iflag=direct"; }
trig_write() { xfb_bg g1 io "[ -b /dev/$HV ] || exit 9; dd if=/tmp/hpat of=/dev/$HV bs=64k count=16 oflag=direct conv=notrunc"; }
trig_bigread() { xfb_bg g1 io "[ -b /dev/$HV ] || exit 9; dd if=/dev/$HV of=/dev/null bs=1M count=4 iflag=direct"; }
trig_bigwrite() { xfb_bg g1 io "[ -b /dev/$HV ] || exit 9; dd if=/tmp/hpat of=/dev/$HV bs=1M count=1 oflag=direct conv=notrunc"; }
# two readers on each of two CPUs: requests on both rings at once, with
# more than one id in flight on each (the in-tree driver reuses an id at once)
trig_par() { xfb_bg g1 io "[ -b /dev/$HV ] || exit 9; r=0; p=; for c in 0 0 1 1; do taskset -c \$c dd if=/dev/$HV of=/dev/null bs=4k skip=\$((r * 1000)) count=300 iflag=direct & p=\"\$p \$!\"; r=\$((r + 1)); done; f=0; for x in \$p; do wait \$x || f=\$((f + 1)); done; exit \$f"; }
# two readers on one CPU: two ids in flight on one ring
trig_read2() { xfb_bg g1 io "[ -b /dev/$HV ] || exit 9; dd if=/dev/$HV of=/dev/null bs=4k count=500 iflag=direct & a=\$!; dd if=/dev/$HV of=/dev/null bs=4k skip=1000 count=500 iflag=direct & b=\$!; f=0; wait \$a || f=1; wait \$b || f=\$((f + 1)); exit \$f"; }
trig_flush() { xfb_bg g1 io "[ -b /dev/$HV ] || exit 9; dd if=/tmp/hpat of=/dev/$HV bs=4k count=1 oflag=direct conv=notrunc,fsync"; }
trig_discard() { xfb_bg g1 io "[ -b /dev/$HV ] || exit 9; blkdiscard -o 1048576 -l 1048576 /dev/$HV"; }
# a read of the bad sectors (2048.., 4 KiB at 1 MiB) and one elsewhere
trig_sectors() { xfb_bg g1 io "[ -b /dev/$HV ] || exit 9; dd if=/dev/$HV of=/dev/null bs=4k skip=256 count=1 iflag=direct 2>/dev/null && exit 3; dd if=/dev/$HV of=/dev/null bs=4k skip=1024 count=1 iflag=direct 2>/dev/null || exit 4; exit 0"; }
# asynchronous reads (libaio): unlike dd's synchronous ones, a task waiting
# for them can be frozen, so the guest can suspend with them held
trig_aread() { xfb_bg g1 io "[ -b /dev/$HV ] || exit 9; fio --name=ar --filename=/dev/$HV --direct=1 --ioengine=libaio --iodepth=4 --rw=read --bs=64k --size=4m --output=/tmp/ar.out"; }
trig_random() { xfb_bg g1 io "[ -b /dev/$HV ] || exit 9; fio --name=rnd --filename=/dev/$HV --size=16m --direct=1 --ioengine=libaio --iodepth=8 --rw=randwrite --bsrange=4k-128k --verify=crc32c --verify_backlog=32 --do_verify=1 --continue_on_error=io --time_based --runtime=${XFT_HOSTILE_RANDOM_SECS:-40} --output=/tmp/rnd.out"; }

# suspend_misbehave frozen|thawed MB: xfback hangs (takes no request) and
# asynchronous reads of xvdb wait on the ring (a task in a synchronous read
# cannot be frozen: the guest would refuse the suspend, "Freezing of tasks
# failed", and xl reports "xc_domain_resume failed: Invalid argument"); then
# a checkpoint ("xl save -c").  MB is
# armed while the domain is suspended (frozen: the guest finds MB's
# responses or backend state when it thaws) or just after "xl save -c"
# returned (thawed: MB is the first thing the thawed guest sees); arming it
# ends the hang, and xfback takes the held request the MB way.  Prints what
# happened; fails when the case could not be set up.
suspend_misbehave() {
	local when=$1 mb=$2 f0 pid i st="" seen="" out
	f0=$(xfb_fired $H)
	xfb_misbehave $H hang
	sleep 1
	trig_aread
	xfb_wait_fired $H $((f0 + 1)) 30 || { xfb_misbehave $H none; echo "no read reached the hung xfback ($(xfb_event $H))"; return 1; }
	xl save -c g1 /tmp/g1.ckpt >/tmp/hostile-ckpt.log 2>&1 &
	pid=$!
	if [ "$when" = frozen ]; then
		for i in $(seq 1 600); do
			st=$(xft_guest_state g1)
			case "$st" in *s*) seen=1; break ;; esac
			kill -0 $pid 2>/dev/null || break
			sleep 0.2
		done
		if [ -z "$seen" ]; then
			wait $pid
			xfb_misbehave $H none
			rm -f /tmp/g1.ckpt
			echo "the guest was never seen suspended (state '$st'; xl: $(tail -n 1 /tmp/hostile-ckpt.log))"
			return 1
		fi
		xfb_misbehave $H "$mb"
		# carried out while the domain is still suspended, or the case
		# is not what its name says
		for i in $(seq 1 25); do
			[ "$(xfb_fired $H)" -ge $((f0 + 2)) ] && break
			sleep 0.2
		done
		st=$(xft_guest_state g1)
		if [ "$(xfb_fired $H)" -lt $((f0 + 2)) ] || ! kill -0 $pid 2>/dev/null ||
			[ "${st#*s}" = "$st" ]; then
			wait $pid
			rm -f /tmp/g1.ckpt
			echo "'$mb' was not carried out while the guest was suspended (fired $(xfb_fired $H), state '$st', xl $(kill -0 $pid 2>/dev/null && echo running || echo done))"
			return 1
		fi
		out="carried out while suspended (state '$st' after it)"
	fi
	wait $pid
	i=$?
	rm -f /tmp/g1.ckpt
	[ $i = 0 ] || { xfb_misbehave $H none; echo "xl save -c: $(tail -n 2 /tmp/hostile-ckpt.log | tr '\n' ' ')"; return 1; }
	[ "$when" = frozen ] || { xfb_misbehave $H "$mb"; out="armed after the checkpoint"; }
	xfb_wait_fired $H $((f0 + 2)) 20 || { echo "xfback did not carry out '$mb' ($(xfb_event $H))"; return 1; }
	echo "$out; xfback: $(xfb_event $H | cut -c1-80)"
}

# ---- looking at the outcome ----

# health: the guest is alive, its kernel log has nothing new since SNAP, and
# xvda and the network made progress; prints the reason when not
health() {
	local st why
	st=$(xft_guest_state g1)
	case $st in *c*|"") echo "guest crashed or gone (state '$st')"; return 1 ;; esac
	why=$(xft_wait_progress g1 "$SNAP" 2 120) || { echo "$why"; return 1; }
}

# dev_stats: our driver's sysfs of xvdb ("" with the in-tree drivers or
# when the device is gone)
dev_stats() { [ "$XFT_DRV" = built ] && blk_stats g1 $HID; }

dev_summary() {
	local st=$1 k out=""
	[ -n "$st" ] || { echo "no sysfs"; return; }
	[ "$(blk_get "$st" broken)" = 1 ] &&
		out=" broken_reason='$(gx "cat /sys/bus/xen/devices/vbd-$HID/blkfront/broken_reason")'"
	for k in state broken responses_malformed grants_deferred requests_failed \
		xenstore_invalid feature_flush feature_discard nr_queues ring_page_order \
		feature_persistent max_indirect_segments; do
		out="$out $k=$(blk_get "$st" "$k")"
	done
	echo "${out# }"
}

# blocked: the guest's tasks in uninterruptible sleep and where they wait,
# and where xenwatch (which runs every xenbus probe and removal) is
blocked() {
	gx "for p in /proc/[0-9]*; do c=\$(cat \$p/comm 2>/dev/null); s=\$(cut -d' ' -f3 \$p/stat 2>/dev/null); if [ \"\$s\" = D ] || [ \"\$c\" = xenwatch ]; then printf '%s:%s:%s ' \$c \$s \$(cat \$p/wchan 2>/dev/null); fi; done"
}

# the end of a case: detach, the guest drops the device, a fresh correct
# xvdb works; prints how it went, fails when any part did not
finish_case() {
	local out how
	# detached while still misbehaving (a hung backend stays hung); the
	# fresh one starts from a reset tag
	how=$(xfb_detach g1 $HV $HID) || { echo "detach: $how"; return 1; }
	if ! xfb_guest_wait g1 "[ ! -e /sys/bus/xen/devices/vbd-$HID ]" 60; then
		echo "$how; the guest kept vbd-$HID ($(gx "cat /sys/bus/xen/devices/vbd-$HID/state 2>&1"); $(blocked))"
		return 1
	fi
	xfb_reset $H
	out=$(xfb_attach g1 $H $HV) || { echo "$how; re-attach: $out"; return 1; }
	wait_disk 60 || { echo "$how; re-attached $HV did not appear (frontend state $(fe_state); $(blocked))"; return 1; }
	out=$(pattern_rw 60)
	[ "$out" = ok ] || { echo "$how; the fresh backend: $out"; return 1; }
	how=$(xfb_detach g1 $HV $HID) || { echo "detach of the fresh disk: $how"; return 1; }
	xfb_guest_wait g1 "[ ! -e /sys/bus/xen/devices/vbd-$HID ]" 60 ||
		{ echo "the guest kept vbd-$HID of the fresh disk"; return 1; }
	echo "detached ($how), a fresh backend works"
}

# job_rc TIMEOUT: the trigger's exit status or "running"
job_rc() { xfb_bg_wait g1 io "$1"; }

# ---- one case ----
N_CASES=0 N_FAILED=0 OUTCOMES=""

# report CASE OUTCOME OK DETAIL: the table line and, with our drivers, the
# check (OK: 1 as expected, 0 not, setup: the case could not be run)
report() {
	local c=$1 o=$2 ok=$3 d=$4 k
	[ "$RAN" = 1 ] || ok=setup
	# what the guest's kernel said about the disk during the case
	k=$(gx "dmesg | grep -E 'xvdb|vbd-$HID|blkfront|blkif' | tail -n ${XFT_HOSTILE_KLOG:-3} | cut -c1-160")
	xft_say "TABLE $c $XFT_DRV $o | $d | guest: $k"
	OUTCOMES="$OUTCOMES $o"
	if [ "$XFT_DRV" = built ]; then
		if [ "$ok" = 1 ]; then
			xft_pass "blk-hostile-$c" "$o: $d"
		elif [ "$ok" = setup ]; then
			xft_fail "blk-hostile-$c" "could not run the case: $o: $d"
			xfb_log 25
		else
			xft_fail "blk-hostile-$c" "$o: $d"
			xfb_log 25
		fi
	elif [ "$ok" = setup ]; then
		N_FAILED=$((N_FAILED + 1))
		xft_fail "blk-hostile-$c" "could not run the case: $d"
		xfb_log 25
	fi
}

run_case() {
	local name=$1 cfg=$2 xs=$3 mb=$4 trig=$5 exp=$6
	local out why rc st outcome ok=1 detail="" fin fs seed c0 c1 c2 key cfg0=""
	N_CASES=$((N_CASES + 1))
	RAN=1
	why=$(ensure_guest) || { report "$name" setup setup "$why"; return; }
	# (ensure_guest ran in a subshell: the fresh guest is clean here too)
	DIRTY=""
	xfb_reset $H
	case $cfg in
	*" / "*) cfg0=${cfg%% / *} cfg=${cfg#* / } ;;
	esac
	[ -z "$cfg0" ] || xfb_cfg $H $cfg0
	if [ "$trig" != restore ]; then
		[ -z "$cfg" ] || xfb_cfg $H $cfg
		[ -z "$xs" ] || xfb_xs $H $xs
	fi
	SNAP=$(xft_snap g1)
	# (the case's own kernel lines only: the probe reads /dev/kmsg, not this)
	xft_gexec g1 "dmesg -c > /dev/null" >/dev/null
	out=$(xfb_attach g1 $H $HV) || { report "$name" setup setup "$out"; DIRTY=1; return; }

	case $trig in
	-|restore)
		if [ "$trig" = restore ]; then
			wait_disk 60 || { report "$name" setup setup "$HV did not appear"; DIRTY=1; return; }
			out=$(pattern_rw 60)
			[ "$out" = ok ] || { report "$name" setup setup "the correct backend before the restore: $out"; DIRTY=1; return; }
			out=$(xl save g1 /tmp/g1.save 2>&1) || { report "$name" setup setup "xl save: $(echo "$out" | tail -n 1)"; DIRTY=1; return; }
			[ -z "$cfg" ] || xfb_cfg $H $cfg
			[ -z "$xs" ] || xfb_xs $H $xs
			out=$(xl restore /tmp/g1.save 2>&1)
			rm -f /tmp/g1.save
			[ -n "$(xft_domid g1)" ] || { report "$name" setup setup "xl restore: $(echo "$out" | tail -n 1)"; DIRTY=1; return; }
			SNAP=$(xft_snap g1)
		fi
		# a held backend (restore-held-*) is judged once the hold is over
		# (8 s from the claim): a frontend left Closing is no outcome
		case $exp in held-*) sleep 12 ;; esac
		# connected, refused, or neither
		fs=""
		for i in $(seq 1 40); do
			fs=$(fe_state)
			case $fs in 4|5|6) break ;; esac
			sleep 1
		done
		st=$(dev_stats)
		case $fs in
		4)
			wait_disk 30
			if [ "$trig" = restore ] && [ -z "$xs" ]; then
				out=$(pattern_check)
				[ "$out" = ok ] && out=$(pattern_rw 60) && [ "$out" = ok ] && out="data intact, new I/O works"
			else
				out=$(pattern_rw 30)
				[ "$out" = ok ] && out="I/O works"
			fi
			case $out in *works*) outcome=survives ;; *) outcome=device-failed ;; esac
			detail="connected; $out"
			;;
		5|6) outcome=device-failed detail="frontend refused the device (state $fs)" ;;
		*) outcome=hang detail="frontend neither connected nor refused within 40s (state '$fs')" ;;
		esac
		detail="$detail; $(dev_summary "$st")"
		why=$(health) || { outcome=oops detail="$detail; $why"; ok=0; }
		case $exp in
		xs-opt)
			case $detail in *"connected; I/O works"*|*"data intact"*) ;; *) ok=0 ;; esac
			[ "$XFT_DRV" != built ] || [ "$(blk_get "$st" xenstore_invalid)" -ge 1 ] 2>/dev/null || ok=0
			;;
		xs-req)
			[ "$outcome" = device-failed ] && [ "${detail#connected}" = "$detail" ] || ok=0
			[ "$XFT_DRV" != built ] || [ "$(blk_get "$st" xenstore_invalid)" -ge 1 ] 2>/dev/null || ok=0
			;;
		xs-any)
			[ "$outcome" = survives ] || [ "$outcome" = device-failed ] || ok=0
			;;
		features)
			case $detail in *"data intact"*) ;; *) ok=0 ;; esac
			[ "$XFT_DRV" != built ] ||
				blk_expect "$st" nr_queues=1 ring_page_order=0 feature_persistent=0 max_indirect_segments=16 >/dev/null ||
				ok=0
			detail="$detail; xfback $(xfb_status $H | cut -d' ' -f1-7)"
			;;
		morequeues)
			# the disk's hardware queues are those of its first
			# connection (one): a backend that offers more after the
			# restore gets one ring, every ring has a queue feeding it
			case $detail in *"data intact"*) ;; *) ok=0 ;; esac
			[ "$XFT_DRV" != built ] || {
				c2=$(gx "dmesg | grep -c 'queues offered'")
				detail="$detail; nr_hw_queues=$(blk_get "$st" nr_hw_queues), capped $c2 time(s)"
				blk_expect "$st" nr_queues=1 nr_hw_queues=1 >/dev/null || ok=0
				# PV has two vCPUs: the cap itself must have run
				[ "$XFT_TYPE" != pv ] || [ "${c2:-0}" -ge 1 ] 2>/dev/null || ok=0
			}
			;;
		held-closed)
			# Closed at the reconnection is a backend not there yet:
			# the device waits for it and connects with its data
			case $detail in *"data intact"*) ;; *) ok=0 ;; esac
			detail="$detail; xfback $(xfb_event $H | cut -c1-60)"
			;;
		held-closing)
			# Closing says the backend goes away: the device connects
			# once it came back, or is failed, not left half there
			case $detail in
			*"data intact"*) ;;
			*)
				# failed means given up: Closed, not stuck Closing
				[ "$outcome" = device-failed ] && [ "$fs" = 6 ] || ok=0
				[ "$XFT_DRV" != built ] || [ "$(blk_get "$st" state)" != connected ] || ok=0
				;;
			esac
			detail="$detail; xfback $(xfb_event $H | cut -c1-60)"
			;;
		esac
		[ "$(xfb_fired $H)" -ge 1 ] || [ -z "$xs" ] || { RAN=0; detail="$detail; xfback did not write the values"; }
		case $exp in
		held-*) [ "$(xfb_fired $H)" -ge 1 ] || { RAN=0; detail="$detail; xfback did not hold the new device"; } ;;
		esac
		fin=$(finish_case) || { ok=0; DIRTY=1; [ "$outcome" = oops ] || outcome=hang; }
		report "$name" "$outcome" "$ok" "$detail; $fin"
		return
		;;
	esac

	wait_disk 60 || { report "$name" setup setup "$HV did not appear (frontend state $(fe_state))"; DIRTY=1; return; }
	out=$(pattern_rw 60)
	[ "$out" = ok ] || { report "$name" setup setup "the correct backend before misbehaving: $out"; DIRTY=1; return; }
	if [ "$mb" = random ]; then
		seed=${XFT_HOSTILE_SEED:-$(date +%s)}
		mb="random $seed 30"
		xft_say "blk-hostile: random mode, seed $seed (replay: XFT_HOSTILE_SEED=$seed)"
	fi
	case $exp in noflush) key=flushes ;; nodiscard) key=discards ;; *) key=reads ;; esac
	sleep 2
	c0=$(xfb_stat $H $key)
	case $trig in
	frozen:*|thawed:*)
		out=$(suspend_misbehave "${trig%%:*}" "${trig#*:}") || { report "$name" setup setup "$out"; DIRTY=1; return; }
		xft_say "blk-hostile: $name: $out"
		trig=aread
		;;
	*)
		xfb_misbehave $H "$mb"
		sleep 1
		"trig_$trig"
		;;
	esac

	# how long the trigger may take
	case $exp in
	hang) rc=$(job_rc 20) ;;
	random) rc=$(job_rc $((${XFT_HOSTILE_RANDOM_SECS:-40} + 80))) ;;
	*) rc=$(job_rc 45) ;;
	esac
	# the second flush or discard, after the refusal
	sleep 2
	c1=$(xfb_stat $H $key)
	case $exp in
	noflush|nodiscard)
		[ "$rc" = running ] || { "trig_$trig"; rc="$rc,$(job_rc 45)"; }
		;;
	esac
	sleep 2
	c2=$(xfb_stat $H $key)
	st=$(dev_stats)
	detail="$(xfb_event $H | cut -c1-120); job $rc; $(dev_summary "$st")"
	case $rc in *running*) detail="$detail; blocked: $(blocked)" ;; esac
	case $rc in
	*running*) outcome=hang ;;
	0|0,0) outcome=survives ;;
	*) outcome=device-failed ;;
	esac
	[ "$outcome" != survives ] || [ "$(blk_get "$st" broken)" != 1 ] || outcome=device-failed
	# (random mode's legal I/O errors count as carried out, not as fired)
	[ "$(xfb_fired $H)" -ge 1 ] || { [ "$exp" = random ] && [ "$(xfb_stat $H errors)" -ge 1 ] 2>/dev/null; } ||
		{ RAN=0; detail="xfback did not misbehave ($(xfb_event $H)); $detail"; }

	# what our driver must show
	case $exp in
	broken|deferred)
		[ "$(blk_get "$st" broken)" = 1 ] && [ -n "$(blk_get "$st" broken_reason)" ] &&
			[ "$(blk_get "$st" responses_malformed)" -ge 1 ] 2>/dev/null || ok=0
		[ "$exp" = broken ] || [ "$(blk_get "$st" grants_deferred)" -ge 1 ] 2>/dev/null || ok=0
		case $rc in *running*) ok=0 ;; esac
		;;
	either)
		case $rc in *running*) ok=0 ;; esac
		[ "$rc" = 0 ] || { [ "$(blk_get "$st" broken)" = 1 ] && [ -n "$(blk_get "$st" broken_reason)" ]; } || ok=0
		;;
	noflush|nodiscard)
		case $rc in *running*) ok=0 ;; esac
		[ "$(blk_get "$st" broken)" = 0 ] || ok=0
		if [ "$exp" = noflush ]; then
			[ "$(blk_get "$st" feature_flush)" = none ] || ok=0
		else
			[ "$(blk_get "$st" feature_discard)" = 0 ] || ok=0
		fi
		# refused at the first trigger, not sent again at the second
		detail="$detail; $key seen by xfback: $((c1 - c0)) at the first, $((c2 - c1)) at the second"
		[ $((c1 - c0)) -ge 1 ] && [ $((c2 - c1)) = 0 ] || ok=0
		out=$(pattern_rw 30)
		detail="$detail; I/O afterwards: $out"
		[ "$out" = ok ] || ok=0
		[ "$outcome" = hang ] || outcome=survives
		[ "$out" = ok ] || [ "$outcome" = hang ] || outcome=device-failed
		;;
	sectors)
		[ "$rc" = 0 ] || ok=0
		[ "$(blk_get "$st" broken)" = 0 ] && [ "$(blk_get "$st" requests_failed)" -ge 1 ] 2>/dev/null || ok=0
		case $rc in 0) detail="$detail; bad sectors failed, others read" ;; 3) detail="$detail; the bad sectors read fine" ;; 4) detail="$detail; good sectors failed too" ;; esac
		;;
	hang)
		[ "$rc" = running ] || ok=0
		[ "$rc" = running ] && outcome=hang
		;;
	closed|gone)
		# Closed or gone: what is left fails at once
		case $rc in *running*) ok=0 ;; esac
		# and our driver no longer calls the device connected
		[ "$XFT_DRV" != built ] || [ "$(blk_get "$st" state)" != connected ] || ok=0
		;;
	closing)
		# the unanswered request may wait for the device to go
		[ "$XFT_DRV" != built ] || [ "$(blk_get "$st" state)" != connected ] || ok=0
		;;
	random)
		out=$(gx "grep -m 3 -E 'verify|bad magic|crc32c' /tmp/rnd.out")
		c1=$(xfb_stat $H errors)
		detail="$detail; seed $seed; I/O errors xfback returned (legal): ${c1:-?}; fio: ${out:-no verify complaint}"
		case $rc in
		*running*) ok=0 ;;
		0) ;;
		*)
			# bad data only from a device our driver failed; a failed
			# job from a failed device or from errors the backend
			# returned (BLKIF_RSP_ERROR fails the request, rightly)
			case $out in *"verify"*|*"bad magic"*|*crc32c*)
				[ "$(blk_get "$st" broken)" = 1 ] || ok=0 ;;
			esac
			[ "$(blk_get "$st" broken)" = 1 ] || [ "${c1:-0}" -ge 1 ] 2>/dev/null || ok=0
			;;
		esac
		;;
	esac
	if ! why=$(health); then
		outcome=oops
		ok=0
		detail="$detail; $why"
		DIRTY=1
	fi

	# detach, then the job must end (for a hung backend: only now)
	fin=$(finish_case) || { ok=0; DIRTY=1; [ "$outcome" = oops ] || outcome=hang; }
	rc=$(job_rc 30)
	case $rc in
	running)
		detail="$detail; the I/O did not end after the detach"
		[ "$outcome" = oops ] || outcome=hang
		ok=0
		DIRTY=1
		;;
	*) [ "$exp" != hang ] || detail="$detail; the I/O ended ($rc) after the detach" ;;
	esac
	report "$name" "$outcome" "$ok" "$detail; $fin"
}

sc_main() {
	local line name want
	if [ "$XFT_TYPE" = pvh ] && [ -z "${XFT_GUEST_VCPUS:-}" ]; then
		xft_say "blk-hostile: PVH with one vCPU: other-ring-id has one ring only"
	fi
	XFT_GUEST_EXTRA="$XFT_GUEST_EXTRA xen_blkfront.max_ring_page_order=2"
	export XFT_GUEST_EXTRA
	want=${XFT_HOSTILE_CASES:-$(case_names)}
	for name in $want; do
		line=$(echo "$CASES" | awk -F'|' -v n="$name" '$1 == n')
		if [ -z "$line" ]; then
			xft_fail "blk-hostile-$name" "no such case (have: $(case_names | tr '\n' ' '))"
			continue
		fi
		IFS='|' read -r c_name c_cfg c_xs c_mb c_trig c_exp <<-EOF
		$line
		EOF
		run_case "$c_name" "$c_cfg" "$c_xs" "$c_mb" "$c_trig" "$c_exp"
	done
	if [ "$XFT_DRV" != built ]; then
		if [ $N_FAILED = 0 ]; then
			xft_pass blk-hostile-baseline "$N_CASES cases recorded (in-tree outcomes are not judged):$(echo $OUTCOMES | tr ' ' '\n' | sort | uniq -c | awk '{ printf " %s %s", $2, $1 }')"
		else
			xft_fail blk-hostile-baseline "$N_FAILED of $N_CASES cases could not be run"
		fi
	fi
}
