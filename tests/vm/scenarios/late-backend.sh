# SPDX-License-Identifier: GPL-2.0-only
# late-backend: a backend that is not there yet when the restored guest runs
# again (a driver domain still starting, a slow toolstack).  After
# "xl restore -p" the scenario takes one backend directory of the guest away
# and, LB_DELAY seconds after unpausing, writes it back (the same nodes and
# permissions, the state last, so that dom0's backend driver probes it
# afresh).  The guest's xenbus_dev_resume() fails then before any driver
# callback (talk_to_otherend(): -ENOENT).  Issue 17, defect 4.
#
#   late-backend-vbd   the disk's backend is late: the disk must wait, connect
#                      when it appears, and the probe's verified I/O go on
#   late-backend-vif   the same for the network's backend
#   late-backend-lost  the disk's backend never comes: with our drivers the
#                      layer gives up after backend_wait_ms (3 s here) and
#                      fails the disk (I/O errors, no hang), the network goes
#                      on, and sysfs says so
#
# With the in-tree drivers the kernel's own behaviour is recorded: the check
# passes when it sees the device stay dead (the seed's symptom) and fails if
# it recovers (then this baseline is out of date).

. /xft/scenarios/blk-lib.inc

LB_DELAY=${LB_DELAY:-6}

sc_timeout() { echo 1200; }

# lb_dir NAME vbd|vif: the backend directory of the guest's first device
lb_dir() {
	local id
	id=$(xft_domid "$1") || return 1
	case $2 in
	vbd) echo "/local/domain/0/backend/vbd/$id/51712" ;;
	vif) echo "/local/domain/0/backend/vif/$id/0" ;;
	esac
}

# lb_take DIR FILE: save every node under DIR (value and permissions) to
# FILE, then remove DIR
lb_take() {
	xenstore-ls -f -p "$1" > "$2" || return 1
	[ -s "$2" ] || { echo "nothing under $1"; return 1; }
	xenstore-rm "$1"
}

# lb_put DIR FILE DOMID: write back what lb_take saved; "state" last, as
# Initialising, which is what makes the backend bus probe the device
lb_put() {
	local dir=$1 file=$2 id=$3 path val perm
	xenstore-write "$dir" "" && xenstore-chmod "$dir" n0 "r$id"
	while IFS= read -r line; do
		path=${line%% = *}
		val=${line#* = \"}
		val=${val%\"*}
		perm=${line##*(}
		perm=${perm%)}
		[ "${path##*/}" = state ] && continue
		xenstore-write "$path" "$val" || return 1
		# shellcheck disable=SC2086
		xenstore-chmod "$path" $(echo "$perm" | tr ',' ' ') || return 1
	done < "$file"
	xenstore-write "$dir/state" 1 && xenstore-chmod "$dir/state" n0 "r$id"
}

# lb_bridge DOMID: a re-probed netback made a new vif: bridge it as the
# hotplug script did (libxl runs that script only when it adds a device)
lb_bridge() {
	local vif=vif$1.0 i
	for i in $(seq 1 30); do
		[ -e /sys/class/net/$vif ] && break
		sleep 1
	done
	[ -e /sys/class/net/$vif ] || { echo "no $vif after the backend came back"; return 1; }
	ip link set "$vif" up && brctl addif xenbr0 "$vif"
}

# lb_bus NAME vbd|vif: our layer's view of the device (xenfront/ in sysfs)
lb_bus() {
	xft_gexec "$1" "cd /sys/bus/xen/devices/$2-*/xenfront 2>/dev/null && for f in state backend_wait backend_waits backends_lost resume_failures; do printf '%s=%s ' \$f \"\$(cat \$f)\"; done"
}

# lb_restore_late NAME KIND LOST: xl save, a paused restore, the backend
# directory taken away, unpause, and (unless LOST) the directory back after
# LB_DELAY seconds.  Prints a note or the reason of a failure.
lb_restore_late() {
	local name=$1 kind=$2 lost=$3 out dir id
	out=$(xl save "$name" /tmp/$name.save 2>&1) || { echo "xl save: $(echo "$out" | tail -n 2)"; return 1; }
	out=$(xl restore -p /tmp/$name.save 2>&1) || { echo "xl restore: $(echo "$out" | tail -n 2)"; rm -f /tmp/$name.save; return 1; }
	rm -f /tmp/$name.save
	id=$(xft_domid "$name")
	dir=$(lb_dir "$name" "$kind")
	out=$(lb_take "$dir" /tmp/lb-$kind.nodes 2>&1) || { echo "taking $dir away: $out"; return 1; }
	xl unpause "$name" || { echo "xl unpause failed"; return 1; }
	[ -n "$lost" ] && { echo "backend $dir gone for good"; return 0; }
	sleep "$LB_DELAY"
	out=$(lb_put "$dir" /tmp/lb-$kind.nodes "$id" 2>&1) || { echo "writing $dir back: $out"; return 1; }
	if [ "$kind" = vif ]; then
		out=$(lb_bridge "$id" 2>&1) || { echo "$out"; return 1; }
	fi
	echo "backend $dir back after ${LB_DELAY}s"
}

lb_late() {
	local kind=$1 check=late-backend-$1 why snap note bus
	why=$(xft_guest_start g1 1) || { xft_fail $check "boot: $why"; return; }
	snap=$(xft_snap g1)
	note=$(lb_restore_late g1 "$kind" "") || { xft_fail $check "$note"; return; }
	if why=$(xft_wait_progress g1 "$snap" 3 150); then
		if [ "$XFT_DRV" = intree ]; then
			xft_fail $check "baseline out of date: the in-tree drivers recovered ($note; $why)"
			return
		fi
		bus=$(lb_bus g1 "$kind")
		case "$bus" in
		*"state=running backend_wait=none backend_waits=1 backends_lost=0"*) ;;
		*) xft_fail $check "I/O goes on, but the layer says: $bus"; return ;;
		esac
		xft_pass $check "$note; $why; $bus"
	elif [ "$XFT_DRV" = intree ]; then
		xft_pass $check "baseline: the in-tree $kind stays dead ($note; $why)"
	else
		xft_fail $check "$note; then $why; $(lb_bus g1 "$kind")"
	fi
	xft_cleanup
}

# lb_wait_failed NAME SNAP TIMEOUT: until the probe has seen block errors
# and 2 more verified network rounds than in SNAP; no bad data, no kernel
# warning
lb_wait_failed() {
	local t0 cur
	t0=$(xft_now)
	set -- "$1" $2 "$3"
	local name=$1 b_err=$3 b_bad=$4 n_ok=$5 n_bad=$7 k_bad=$8 timeout=${10}
	while :; do
		cur=$(xft_probe "$name")
		if [ -n "$cur" ]; then
			set -- $cur
			[ "$3" -gt "$b_bad" ] || [ "$6" -gt "$n_bad" ] && { echo "bad data: $cur"; return 1; }
			[ "$7" -gt "$k_bad" ] && { echo "kernel log: $(xenstore-read /local/domain/$(xft_domid "$name")/data/probe-klog)"; return 1; }
			[ "$2" -gt "$b_err" ] && [ "$4" -ge $((n_ok + 2)) ] && { echo "probe $cur"; return 0; }
		fi
		[ "$(xft_since "$t0" | cut -d. -f1)" -ge "$timeout" ] &&
			{ echo "no block errors with the network going on within ${timeout}s: '$cur'"; return 1; }
		sleep 1
	done
}

# the disk's backend never comes back
lb_lost() {
	local check=late-backend-lost why snap note bus st out
	if [ "$XFT_DRV" != built ]; then
		xft_skip $check "sets xenfront-bus's backend_wait_ms (our drivers only); the in-tree baseline is late-backend-vbd"
		return
	fi
	why=$(xft_guest_start g1 1) || { xft_fail $check "boot: $why"; return; }
	out=$(xft_gexec g1 "echo 3000 > /sys/module/xenfront_bus/parameters/backend_wait_ms && echo set")
	[ "$out" = set ] || { xft_fail $check "cannot set backend_wait_ms: $out"; return; }
	snap=$(xft_snap g1)
	note=$(lb_restore_late g1 vbd lost) || { xft_fail $check "$note"; return; }
	# the disk must fail (block errors) while the network goes on
	why=$(lb_wait_failed g1 "$snap" 120) || { xft_fail $check "$note; $why"; return; }
	bus=$(lb_bus g1 vbd)
	st=$(blk_stats g1)
	case "$bus" in
	*"backend_wait=none backend_waits=1 backends_lost=1"*) ;;
	*) xft_fail $check "the layer did not give up on the backend: $bus"; return ;;
	esac
	case "$st" in
	*"state=closed "*) ;;
	*) xft_fail $check "the disk is not failed: $(blk_features "$st")"; return ;;
	esac
	# nothing hangs: a read of the dead disk returns (an error) at once
	out=$(xft_gexec g1 "dd if=/dev/xvda of=/dev/null bs=4k count=1 iflag=direct 2>&1 | tail -n 1; echo rc=\$?")
	case "$out" in
	*"(no answer"*) xft_fail $check "a read of the failed disk hangs"; return ;;
	esac
	xft_pass $check "$note; network goes on ($why); $bus; disk $(blk_get "$st" state); read: $out"
	xft_cleanup
}

sc_main() {
	lb_late vbd
	lb_late vif
	lb_lost
}
