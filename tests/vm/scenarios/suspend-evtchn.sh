# SPDX-License-Identifier: GPL-2.0-only
# suspend-evtchn: xenfront-shim's suspend event channel (src/shim/evtchn.c).
# The guest publishes a port in device/suspend/event-channel; libxl then
# asks for each suspend by notifying it ("issuing PV suspend request via
# event channel" in xl -vvv's log) instead of writing control/shutdown.
#
#   suspend-evtchn-checkpoint  the port is published; two checkpoints go
#                              through it (toolstack log, the shim's
#                              counters) and the guest's I/O goes on
#   suspend-evtchn-junk        a command the kernel ignores, left in
#                              control/shutdown, does not block the port
#   suspend-evtchn-restore     after a save/restore (a new domain, so a new
#                              port) and, on PVH, a live migration, the port
#                              is made again, published, and used
#   suspend-evtchn-off         with suspend_evtchn=N the node is emptied and
#                              the toolstack goes through xenstore again; in
#                              a domain whose port libxl used, that save
#                              fails (libxl's stale subscription), and the
#                              guest must run on
#   suspend-evtchn-reoffer     the port offered again is used again
#
# With the in-tree drivers (no shim) the baseline is the xenstore path.

sc_timeout() { echo 1200; }

se_port() { xenstore-read "/local/domain/$(xft_domid "$1")/device/suspend/event-channel" 2>/dev/null; }
se_stat() { xft_gexec "$1" "cat /sys/kernel/xenfront/shim/suspend_evtchn_$2"; }

# se_reload_shim NAME [PARAM...]: the shim unloaded and loaded again with
# PARAMs; prints its suspend_evtchn status
se_reload_shim() {
	local name=$1
	shift
	xft_gexec "$name" "rmmod xenfront_shim && insmod /lib/xft/xenfront-shim.ko $* && cat /sys/kernel/xenfront/shim/suspend_evtchn"
}

# se_checkpoint NAME: one "xl -vvv save -c"; prints how libxl asked
se_checkpoint() {
	local snap out how rc=""
	snap=$(xft_snap "$1")
	out=$(xl -vvv save -c "$1" /tmp/$1.ckpt 2>&1) || rc=$?
	rm -f /tmp/$1.ckpt
	case "$out" in
	*"suspend request via event channel"*) how=evtchn ;;
	*"suspend request via XenBus control node"*) how=xenstore ;;
	*) how=unknown ;;
	esac
	if [ -n "$rc" ]; then
		how="$how, but xl failed ($rc): $(echo "$out" | grep -E 'xc: error|libxl: error|^Failed' | head -n 4 | tr '\n' ' ')"
		# what libxl saw of the guest's suspend
		echo "$out" | grep -iE 'suspend|shutdown|guest' | grep -v 'ev_xswatch\|ev_time' | tail -n 15 | sed 's/^/  | xl: /' >&2
	fi
	xft_wait_progress "$1" "$snap" 1 120 >/dev/null || how="$how, no I/O after it"
	echo "$how"
}

sc_main() {
	local why port port2 how n0 n1 r0 out
	why=$(xft_guest_start g1 1) || { xft_fail suspend-evtchn "boot: $why"; return; }
	if [ "$XFT_DRV" != built ]; then
		how=$(se_checkpoint g1)
		[ "$how" = xenstore ] || { xft_fail suspend-evtchn "in-tree: the toolstack asked $how"; return; }
		xft_pass suspend-evtchn "baseline (no shim): port '$(se_port g1)', checkpoint through xenstore"
		return
	fi
	port=$(se_port g1)
	out=$(xft_gexec g1 "cat /sys/kernel/xenfront/shim/suspend_evtchn")
	[ -n "$port" ] && [ "$out" = "port $port" ] ||
		{ xft_fail suspend-evtchn-checkpoint "published '$port', the shim says '$out'"; return; }
	n0=$(se_stat g1 requests)
	for i in 1 2; do
		how=$(se_checkpoint g1)
		[ "$how" = evtchn ] || { xft_fail suspend-evtchn-checkpoint "checkpoint $i: the toolstack asked $how"; return; }
	done
	n1=$(se_stat g1 requests)
	[ "$((n1 - n0))" = 2 ] || { xft_fail suspend-evtchn-checkpoint "the shim took $((n1 - n0)) request(s) for 2 checkpoints"; return; }
	[ "$(se_port g1)" = "$port" ] || { xft_fail suspend-evtchn-checkpoint "the port changed across a checkpoint: $port -> $(se_port g1)"; return; }
	xft_pass suspend-evtchn-checkpoint "port $port, 2 checkpoints through it"

	# a command the kernel does not know stays in control/shutdown (it
	# clears only those it acts on): it must not block every request
	xenstore-write "/local/domain/$(xft_domid g1)/control/shutdown" bogus-command
	sleep 1
	how=$(se_checkpoint g1)
	xenstore-write "/local/domain/$(xft_domid g1)/control/shutdown" ""
	if [ "$how" = evtchn ]; then
		xft_pass suspend-evtchn-junk "a checkpoint through the port with 'bogus-command' left in control/shutdown"
	else
		xft_fail suspend-evtchn-junk "with 'bogus-command' in control/shutdown: the toolstack asked $how"
	fi

	r0=$(se_stat g1 renewals)
	why=$(xft_cycle g1 restore) || { xft_fail suspend-evtchn-restore "save/restore: $why"; return; }
	if xft_migrates; then
		why=$(xft_migrate g1) || { xft_fail suspend-evtchn-restore "migrate: $why"; return; }
		sleep 5
	fi
	port2=$(se_port g1)
	out=$(xft_gexec g1 "cat /sys/kernel/xenfront/shim/suspend_evtchn")
	[ -n "$port2" ] && [ "$out" = "port $port2" ] ||
		{ xft_fail suspend-evtchn-restore "after the restore: published '$port2', the shim says '$out'"; return; }
	[ "$(se_stat g1 renewals)" -gt "$r0" ] || { xft_fail suspend-evtchn-restore "no renewal counted"; return; }
	how=$(se_checkpoint g1)
	[ "$how" = evtchn ] || { xft_fail suspend-evtchn-restore "a checkpoint after the restore: the toolstack asked $how"; return; }
	xft_pass suspend-evtchn-restore "port $port -> $port2 after $(xft_migrates && echo "a restore and a migration" || echo "a restore"), used again"

	out=$(se_reload_shim g1 suspend_evtchn=0)
	case "$out" in
	off*) ;;
	*) xft_fail suspend-evtchn-off "reloading the shim without it: $out"; return ;;
	esac
	[ -z "$(se_port g1)" ] || { xft_fail suspend-evtchn-off "the node still says '$(se_port g1)'"; return; }
	# libxl subscribed this domain to the port it used (XEN_DOMCTL_subscribe)
	# and never unsubscribes: Xen then signals this domain's suspension on
	# that port instead of VIRQ_DOM_EXC, and libxl's xenstore path, which
	# waits for @releaseDomain, does not see it.  A withdrawn port thus
	# leaves this domain unsaveable through xenstore (until it is re-offered
	# or the domain is new); what must hold is that the guest runs on.
	n0=$(xft_gexec g1 "cat /sys/kernel/xenfront/suspends")
	how=$(se_checkpoint g1)
	n1=$(xft_gexec g1 "cat /sys/kernel/xenfront/suspends")
	case $how in
	xenstore)
		xft_pass suspend-evtchn-off "node emptied on unload, checkpoint through xenstore" ;;
	"xenstore, but xl failed"*"did not suspend"*)
		case $how in
		*"no I/O after it"*)
			xft_fail suspend-evtchn-off "the failed save left the guest without I/O: $how"
			return
			;;
		esac
		# the guest did act on the xenstore request (its own count)
		if ! [ "$n1" -gt "$n0" ] 2>/dev/null; then
			xft_fail suspend-evtchn-off "the guest did not suspend on the xenstore request (suspends $n0 -> $n1): $how"
			return
		fi
		xft_pass suspend-evtchn-off "node emptied on unload; a save through xenstore then fails as expected (libxl's subscription to the withdrawn port outlives it) although the guest suspended (suspends $n0 -> $n1), the guest runs on" ;;
	*)
		xft_fail suspend-evtchn-off "the toolstack asked $how; guest: $(xft_gexec g1 "dmesg | tail -n 12" | tr '\n' '|')"
		return
		;;
	esac
	# offered again: the toolstack subscribes to the new port and saves work
	out=$(se_reload_shim g1)
	case "$out" in
	port*) ;;
	*) xft_fail suspend-evtchn-reoffer "reloading the shim with it: $out"; return ;;
	esac
	how=$(se_checkpoint g1)
	[ "$how" = evtchn ] || { xft_fail suspend-evtchn-reoffer "the toolstack asked $how"; return; }
	xft_pass suspend-evtchn-reoffer "the port offered again ($(se_port g1)), a checkpoint through it"
}
