# SPDX-License-Identifier: GPL-2.0-only
# net-hostile: a second vif served by xfnetback (tests/vm/netback/
# xfnetback.c), which misbehaves in one way per case: bad transmit
# responses (unknown id, an id answered twice, an undefined status, more
# responses than requests), bad receive responses (offset or size beyond
# the page, size 0, a wrong id, more_data with nothing following, a garbage
# extra-info slot, more responses than posted buffers), a receive buffer
# kept mapped after its response, a hung backend; and a checkpoint and a
# save/restore with the vif attached.  The probe's eth0 (netback) and xvda
# are the witnesses that the rest of the guest keeps working.
#
# Each case: attach a correct vif (guest paused around the attach), rename
# it xfn0 in the guest, put 10.0.9.2/24 on it and check that xfnetback
# (10.0.9.1) answers pings; arm the misbehaviour, ping again as the
# trigger, then look: the guest is alive, its kernel log has nothing new
# (the probe's counter), eth0 and xvda make progress, and with our drivers
# the device shows what src/netfront/README.md promises: a bad packet is
# dropped and counted (counters rx_malformed / tx_malformed) and the device
# keeps working; a violation that would free something twice, or a buffer
# the backend keeps access to, fails the device (netfront/link says
# "broken", the "broken" count is 1, the kernel log names the reason).
# Then "xl network-detach", the guest drops the device, and a fresh,
# correct vif attached again answers pings.
#
# Every case prints "TABLE <case> <drivers> <outcome> | <detail>" with
# outcome survives, device-failed, hang or oops.  With our drivers each case
# is a check (net-hostile-<case>); with the in-tree drivers only whether the
# case could be run is: their outcomes are the baseline, recorded, not
# judged (net-hostile-baseline).
#
# XFT_NETHOSTILE_CASES="tx-unknown-id hang ..." runs a subset.
. /xft/scenarios/xfnetback-lib.inc

XMAC=00:16:3e:77:00:02
XT=$(xfn_tag $XMAC)

# name|misbehave|expected with our drivers
#   broken   the device fails (link "broken", reason in the kernel log)
#   dropped  not broken, rx_malformed counted, pings work afterwards
#   counted  not broken, tx_malformed counted, pings work afterwards
#   works    not broken, pings work afterwards
#   hang     no answers while hung; once cleared, pings work, not broken
#   (checkpoint and restore: "xl save -c" / save+restore with the vif
#   attached; pings work afterwards, over the same or a fresh device)
CASES='
tx-unknown-id|tx-unknown-id|broken
tx-dup-id|tx-dup-id|broken
tx-bad-status|tx-bad-status|counted
tx-rsp-prod-beyond|tx-rsp-prod-beyond|broken
rx-bad-offset|rx-bad-offset|dropped
rx-size-big|rx-size-big|dropped
rx-size-zero|rx-size-zero|dropped
rx-bad-id|rx-bad-id|dropped
rx-more-data|rx-more-data|works
rx-bad-extra|rx-bad-extra|dropped
rx-rsp-prod-beyond|rx-rsp-prod-beyond|broken
keep-rx-grant|keep-rx-grant 3000|broken
hang|hang|hang
checkpoint||checkpoint
restore||restore
'

case_names() { echo "$CASES" | awk -F'|' 'NF > 1 { print $1 }'; }
sc_timeout() { echo $((400 + 150 * $(echo ${XFT_NETHOSTILE_CASES:-$(case_names)} | wc -w))); }

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
}

# gx CMD: a command in the guest, one line of output
gx() { xft_gexec g1 "$1" | tr '\n' ' ' | sed 's/ *$//'; }

# the frontend's sysfs directory of the hostile vif
vif_dir() { echo "/sys/bus/xen/devices/vif-$1"; }

# dev_stats DEVID: the guest's view of the vif in one line: the interface's
# error counters (if_*) and, with our driver, its netfront sysfs
# ("link=... broken=N rx_malformed=N ...")
dev_stats() {
	gx "s=/sys/class/net/xfn0/statistics; [ -d \$s ] && printf 'if_rx_dropped=%s if_rx_errors=%s if_tx_errors=%s ' \$(cat \$s/rx_dropped) \$(cat \$s/rx_errors) \$(cat \$s/tx_errors); d=$(vif_dir "$1")/netfront; [ -d \$d ] || exit 0; printf 'link=%s ' \"\$(cat \$d/link | tr ' ' ,)\"; printf 'broken=%s ' \$(cat \$d/broken); while read -r k v; do printf '%s=%s ' \$k \$v; done < \$d/counters"
}
st_get() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

dev_summary() {
	local st=$1 k v out=""
	for k in link broken rx_malformed tx_malformed rx_backend_errors tx_backend_errors \
		grants_deferred if_rx_dropped if_rx_errors if_tx_errors; do
		v=$(st_get "$st" "$k")
		[ -z "$v" ] || out="$out $k=$v"
	done
	[ -n "$(st_get "$st" link)" ] || out="$out (no netfront sysfs)"
	echo "${out# }"
}

# the reason our driver gave when it failed the device (kernel log)
broken_reason() { gx "dmesg | grep -m 1 'broke the protocol' | sed 's/.*broke the protocol (//; s/): interface disabled.*//'"; }

# health [kept]: the guest is alive, its kernel log has nothing new since
# SNAP, and eth0 and xvda made progress; prints the reason when not.
# "kept": a grant the backend keeps mapped is reported by the kernel itself
# ("xen:grant_table: WARNING: g.e. 0x... still in use!", printed by
# gnttab_end_foreign_access_ref(), which has no silent variant that keeps
# the reference: the in-tree driver prints it too); that line, and only
# that one, is allowed
health() {
	local st why bad
	st=$(xft_guest_state g1)
	case $st in *c*|"") echo "guest crashed or gone (state '$st')"; return 1 ;; esac
	why=$(xft_wait_progress g1 "$SNAP" 2 120 "${1:+klog}") || { echo "$why"; return 1; }
	if [ "$1" = kept ]; then
		bad=$(gx "dmesg | grep -E 'BUG:|kernel BUG|WARNING:|Oops|still in use|leaking' | grep -v -E 'grant_table: WARNING: g.e. 0x[0-9a-f]+ still in use!' | head -n 2")
		[ -z "$bad" ] || { echo "kernel log: $bad"; return 1; }
	fi
}

# attach_up: a correct (or armed) vif attached, configured and answering;
# prints the device id, or why not (status 1)
attach_up() {
	local out id n
	out=$(xfn_attach g1 $XMAC) || { echo "$out"; return 1; }
	id=$(xfn_devid g1 $XMAC)
	[ -n "$id" ] || { echo "the vif is not listed after the attach"; return 1; }
	out=$(xfn_guest_up g1 $XMAC)
	[ "$out" = ok ] || { echo "configuring it in the guest: $out (xfnetback: $(xfn_status $XT))"; return 1; }
	n=$(xfn_ping g1 3)
	[ "$n" -ge 1 ] || n=$(xfn_ping g1 3)
	[ "$n" -ge 1 ] || { echo "no answer to pings from a correct xfnetback (xfnetback: $(xfn_status $XT))"; return 1; }
	echo "$id"
}

# the end of a case: detach, the guest drops the device, a fresh correct
# vif answers pings; prints how it went, fails when any part did not
finish_case() {
	local id=$1 how out n fid
	how=$(xfn_detach g1 $XMAC) || { echo "detach: $how"; return 1; }
	if [ -n "$id" ] && ! xfn_guest_wait g1 "[ ! -e $(vif_dir "$id") ]" 60; then
		echo "$how; the guest kept vif-$id ($(gx "cat $(vif_dir "$id")/netfront/link 2>&1"))"
		return 1
	fi
	xfn_reset $XT
	fid=$(attach_up) || { echo "$how; the fresh vif: $fid"; return 1; }
	n=$(xfn_ping g1 3 1400)
	[ "$n" -ge 1 ] || { echo "$how; the fresh vif answers no 1400-byte pings"; return 1; }
	out=$(xfn_detach g1 $XMAC) || { echo "detach of the fresh vif: $out"; return 1; }
	xfn_guest_wait g1 "[ ! -e $(vif_dir "$fid") ]" 60 ||
		{ echo "$how; the guest kept the fresh vif-$fid after its detach"; return 1; }
	echo "$how; a fresh backend answers pings"
}

# what the guest's kernel said about the hostile vif during the case (not
# the attach and rename lines)
guest_klog() {
	gx "dmesg | grep -E 'xfn0|eth[1-9]|vif|netfront|xennet|grant' | grep -v -E 'offered [0-9]+ queue|connected to|renamed from' | tail -n ${XFT_NETHOSTILE_KLOG:-3} | cut -c1-160"
}

# ---- one case ----
N_CASES=0 N_FAILED=0 OUTCOMES=""

# report CASE OUTCOME OK DETAIL (OK: 1 as expected, 0 not, setup: the case
# could not be run)
report() {
	local c=$1 o=$2 ok=$3 d=$4 k=${GK:-}
	[ -n "$k" ] || k=$(guest_klog)
	xft_say "TABLE $c $XFT_DRV $o | $d | guest: $k"
	OUTCOMES="$OUTCOMES $o"
	if [ "$XFT_DRV" = built ]; then
		case $ok in
		1) xft_pass "net-hostile-$c" "$o: $d" ;;
		setup) xft_fail "net-hostile-$c" "could not run the case: $o: $d"; xfn_log 25 ;;
		*) xft_fail "net-hostile-$c" "$o: $d"; xfn_log 25 ;;
		esac
	elif [ "$ok" = setup ]; then
		N_FAILED=$((N_FAILED + 1))
		xft_fail "net-hostile-$c" "could not run the case: $d"
		xfn_log 25
	fi
}

# cycle checkpoint|restore: with the vif attached; prints what happened
cycle() {
	local out rc
	case $1 in
	checkpoint)
		out=$(xl save -c g1 /tmp/g1.ckpt 2>&1)
		rc=$?
		rm -f /tmp/g1.ckpt
		[ $rc = 0 ] || { echo "xl save -c: $(echo "$out" | tail -n 1)"; return 1; }
		;;
	restore)
		out=$(xl save g1 /tmp/g1.save 2>&1) || { rm -f /tmp/g1.save; echo "xl save: $(echo "$out" | tail -n 1)"; return 1; }
		out=$(xl restore /tmp/g1.save 2>&1)
		rc=$?
		rm -f /tmp/g1.save
		[ $rc = 0 ] || { echo "xl restore: $(echo "$out" | tail -n 1)"; return 1; }
		;;
	esac
	echo "$1 done"
}

# expectations of our driver; sets ok=0 and adds to detail when not met
judge() {
	local exp=$1 st=$2 after=$3 brk
	brk=$(st_get "$st" broken)
	case $exp in
	broken)
		case $(st_get "$st" link) in *broken*) ;; *) ok=0 ;; esac
		[ "${brk:-0}" -ge 1 ] 2>/dev/null || ok=0
		[ -n "$REASON" ] || ok=0
		;;
	dropped|counted|works|hang|checkpoint|restore)
		# our netfront drives the vif (its sysfs is there) and calls it
		# connected, not broken
		case $(st_get "$st" link) in *broken*|"") ok=0 ;; *connected*) ;; *) ok=0 ;; esac
		[ "$brk" = 0 ] || ok=0
		[ "$after" -ge 1 ] 2>/dev/null || ok=0
		;;
	esac
	case $exp in
	dropped) [ "$(st_get "$st" rx_malformed)" -ge 1 ] 2>/dev/null || ok=0 ;;
	counted) [ "$(st_get "$st" tx_malformed)" -ge 1 ] 2>/dev/null || ok=0 ;;
	esac
}

run_case() {
	local name=$1 mb=$2 exp=$3
	local out why id st outcome ok=1 detail="" fin n0 n1 after kept
	N_CASES=$((N_CASES + 1))
	REASON="" GK=""
	why=$(ensure_guest) || { report "$name" setup setup "$why"; return; }
	# (ensure_guest ran in a subshell: forget the old guest's state here)
	DIRTY=""
	xfn_reset $XT
	SNAP=$(xft_snap g1)
	xft_gexec g1 "dmesg -c > /dev/null" >/dev/null
	id=$(attach_up) || { report "$name" setup setup "$id"; DIRTY=1; return; }

	case $exp in
	checkpoint|restore)
		out=$(cycle "$exp") || { report "$name" setup setup "$out"; DIRTY=1; return; }
		SNAP=$(xft_snap g1)
		# a restore is a new domain with a new device: find it again
		sleep 2
		n1=$(xfn_ping g1 3)
		[ "$n1" -ge 1 ] || { sleep 5; n1=$(xfn_ping g1 3); }
		id=$(xfn_devid g1 $XMAC)
		detail="$out; pings answered afterwards: $n1/3; xfnetback $(xfn_status $XT | cut -d' ' -f1-3)"
		;;
	*)
		sleep 1
		xfn_misbehave $XT "$mb"
		n0=$(xfn_ping g1 3)
		xfn_wait_fired $XT 1 10 || detail="xfnetback did not misbehave ($(xfn_event $XT)); "
		[ "$exp" = hang ] && { xfn_misbehave $XT ""; sleep 1; }
		n1=$(xfn_ping g1 3)
		detail="$detail$(xfn_event $XT | cut -c1-110); pings answered: $n0/3 armed, $n1/3 afterwards"
		;;
	esac
	st=$(dev_stats "$id")
	[ "$(st_get "$st" broken)" = 1 ] && REASON=$(broken_reason)
	GK=$(guest_klog)
	detail="$detail; $(dev_summary "$st")${REASON:+; reason '$REASON'}"
	after=$n1
	if [ "$after" -ge 1 ] 2>/dev/null; then
		outcome=survives
	else
		outcome=device-failed
	fi
	[ "$exp" != hang ] || [ "$n0" = 0 ] || { ok=0; detail="$detail; pings answered while hung"; }
	[ "$XFT_DRV" != built ] || judge "$exp" "$st" "$after"
	case $mb in keep-rx-grant*) kept=kept ;; *) kept="" ;; esac
	if ! why=$(health $kept); then
		outcome=oops
		ok=0
		detail="$detail; $why"
		DIRTY=1
	fi
	# the misbehaviour must have been carried out for the case to count
	case $exp in
	checkpoint|restore) ;;
	*) [ "$(xfn_fired $XT)" -ge 1 ] || ok=setup ;;
	esac
	fin=$(finish_case "$id") || { [ "$ok" = setup ] || ok=0; DIRTY=1; [ "$outcome" = oops ] || outcome=hang; }
	report "$name" "$outcome" "$ok" "$detail; $fin"
}

sc_main() {
	local line name want
	xenstore-rm /xfnetback 2>/dev/null
	want=${XFT_NETHOSTILE_CASES:-$(case_names)}
	for name in $want; do
		line=$(echo "$CASES" | awk -F'|' -v n="$name" '$1 == n')
		if [ -z "$line" ]; then
			xft_fail "net-hostile-$name" "no such case (have: $(case_names | tr '\n' ' '))"
			continue
		fi
		IFS='|' read -r c_name c_mb c_exp <<-EOF
		$line
		EOF
		run_case "$c_name" "$c_mb" "$c_exp"
	done
	if [ "$XFT_DRV" != built ]; then
		if [ $N_FAILED = 0 ]; then
			xft_pass net-hostile-baseline "$N_CASES cases recorded (in-tree outcomes are not judged):$(echo $OUTCOMES | tr ' ' '\n' | sort | uniq -c | awk '{ printf " %s %s", $2, $1 }')"
		else
			xft_fail net-hostile-baseline "$N_FAILED of $N_CASES cases could not be run"
		fi
	fi
	xenstore-rm /xfnetback 2>/dev/null
}
