# SPDX-License-Identifier: GPL-2.0-only
# Helpers for the rig's scenarios (busybox sh in dom0).
#
# A scenario file in /xft/scenarios/NAME.sh defines sc_main.  It runs with
# XFT_KERNEL (guest kernel series), XFT_TYPE (pv|pvh), XFT_DRV (intree|built)
# and XFT_NAME set, and reports through xft_pass / xft_fail / xft_skip (each
# check may report several results; the first argument names the check).

XFT_RESULTS=/tmp/xft-results
XFT_GUEST_MEM=${XFT_GUEST_MEM:-256}

xft_say() { echo "XFT: $*"; }

xft_now() { cut -d' ' -f1 /proc/uptime; }

# seconds since $1 (an xft_now value), one decimal
xft_since() { awk -v a="$1" -v b="$(xft_now)" 'BEGIN { printf "%.1f", b - a }'; }

xft_record() {
	# status check detail...
	local status=$1 check=$2
	shift 2
	echo "$status" >> $XFT_RESULTS
	echo "XFT: $status $check [$XFT_KERNEL/$XFT_TYPE/$XFT_DRV] ($(xft_since "$XFT_T0")s) $*"
}
xft_pass() { xft_record PASS "$@"; }

# The first line of Xen's console, since the scenario (attempt) started,
# about a vCPU triple fault.  Under QEMU's software emulation PVH guests do
# this now and then with any frontends, the in-tree ones too; the guest
# state Xen dumps then holds values of Xen's own (cs e008, a Xen RIP).
xft_triple_fault() { xl dmesg 2>/dev/null | grep -m 1 'Triple fault' | sed 's/^(XEN) //'; }

# A failure of a scenario during which a guest triple faulted is recorded
# as RETRY while attempts remain (XFT_ATTEMPTS, default 3): the scenario
# runs again and only its last result counts.  The last failure is a FAIL
# and names the fault.
xft_fail() {
	local check=$1 tf
	shift
	tf=$(xft_triple_fault)
	if [ -n "$tf" ] && [ "${XFT_ATTEMPT:-1}" -lt "${XFT_ATTEMPTS:-3}" ]; then
		xft_record RETRY "$check" "$* -- Xen: $tf; running the scenario again"
	elif [ -n "$tf" ]; then
		xft_record FAIL "$check" "$* -- Xen: $tf"
	else
		xft_record FAIL "$check" "$@"
	fi
	xft_dump_guest_logs
}
xft_skip() { xft_record SKIP "$@"; }

xft_fatal() {
	echo "XFT: FATAL $*"
	echo FAIL >> $XFT_RESULTS
	xft_summary
	echo "XFT: DONE"
	poweroff -f
}

xft_summary() {
	local p f s
	p=$(grep -c '^PASS' $XFT_RESULTS 2>/dev/null)
	f=$(grep -c '^FAIL' $XFT_RESULTS 2>/dev/null)
	s=$(grep -c '^SKIP' $XFT_RESULTS 2>/dev/null)
	[ -s /tmp/xft-retried ] &&
		echo "XFT: ran again after a guest triple fault under emulation: $(sort /tmp/xft-retried | uniq -c | awk '{ printf "%s%s x%s", n++ ? ", " : "", $2, $1 }')"
	echo "XFT: SUMMARY ${p:-0} passed, ${f:-0} failed, ${s:-0} skipped"
}

xft_dump_guest_logs() {
	local f
	for f in /var/log/xen/console/guest-*.log; do
		[ -f "$f" ] || continue
		echo "XFT-LOG: ---- last lines of $f"
		tail -n "${XFT_LOG_LINES:-40}" "$f" | sed 's/^/XFT-LOG: /'
	done
}

# ---- guests ----

# xft_guest_cfg NAME SLOT [extra xl lines...]: write /tmp/NAME.cfg
#
# vCPUs: XFT_GUEST_VCPUS, else 2 for PV and 1 for PVH.  PVH guests with two
# vCPUs triple fault in the emulated SVM far more often (6 times in about
# 20 minutes of make check's PVH sets, with in-tree and our drivers alike;
# with one vCPU none in the same sets, one in a longer run), README "Known
# problems".
xft_guest_cfg() {
	local name=$1 slot=$2 g=/xft/guests/$XFT_KERNEL vcpus=${XFT_GUEST_VCPUS:-} disk tsc
	shift 2
	[ -n "$vcpus" ] || { [ "$XFT_TYPE" = pvh ] && vcpus=1 || vcpus=2; }
	# xvda: blkback, or with XFT_BLK_BACKEND=xfback the rig's own backend
	# (tests/vm/backend/xfback.c) over the same file, tag disk<SLOT>, or
	# with XFT_BLK_BACKEND=qdisk QEMU's (tests/vm/dom0/qdisk.list)
	case ${XFT_BLK_BACKEND:-blkback} in
	blkback) disk="script=/etc/xen/scripts/xfblock, target=${XFT_DISK_TARGET:-$(xft_disk "$slot")}" ;;
	xfback) xft_disk "$slot" >/dev/null && disk="script=/etc/xen/scripts/xfback, target=${XFT_DISK_TARGET:-/tmp/disk$slot.img}" ;;
	# QEMU's qdisk (a process per guest, started by libxl) on the loop
	# device: it opens its disk with O_DIRECT, which dom0's tmpfs refuses
	qdisk) disk="backendtype=qdisk, target=${XFT_DISK_TARGET:-$(xft_disk "$slot")}" ;;
	*) echo "XFT_BLK_BACKEND must be blkback, xfback or qdisk, not '$XFT_BLK_BACKEND'" >&2; return 1 ;;
	esac
	cat > /tmp/$name.cfg <<-EOF
	name = "$name"
	type = "$XFT_TYPE"
	kernel = "$g/vmlinuz"
	ramdisk = "$g/initrd-$XFT_DRV.gz"
	extra = "console=hvc0 loglevel=6 xfip=10.0.0.$((slot + 10)) $XFT_GUEST_EXTRA"
	memory = $XFT_GUEST_MEM
	vcpus = $vcpus
	on_crash = "preserve"
	on_reboot = "preserve"
	disk = [ 'format=raw, vdev=xvda, access=rw, $disk' ]
	vif = [ 'mac=00:16:3e:00:00:$(printf %02x $((slot + 10))), bridge=xenbr0, script=/etc/xen/scripts/xfvif' ]
	EOF
	# XFT_TSC_MODE: xl's tsc_mode (default, native, ...); "native" keeps
	# Xen from intercepting the guest's RDTSC.  PVH guests get "native"
	# unless it says otherwise: under the emulated SVM their triple faults
	# come right after an intercepted instruction, RDTSC above all, which
	# Xen's default mode intercepts after every restore and migration
	# (README "Known problems")
	tsc=${XFT_TSC_MODE:-}
	[ -n "$tsc" ] || [ "$XFT_TYPE" != pvh ] || tsc=native
	[ -z "$tsc" ] || echo "tsc_mode = \"$tsc\"" >> /tmp/$name.cfg
	for l in "$@"; do echo "$l" >> /tmp/$name.cfg; done
}

# A loop device over a fresh 64 MiB file per slot.
xft_disk() {
	local slot=$1 dev
	if [ ! -f /tmp/disk$slot.dev ]; then
		truncate -s 64M /tmp/disk$slot.img
		dev=$(losetup -f)
		losetup "$dev" /tmp/disk$slot.img || return 1
		echo "$dev" > /tmp/disk$slot.dev
	fi
	cat /tmp/disk$slot.dev
}

xft_domid() { xl domid "$1" 2>/dev/null; }

# xft_migrate NAME: live-migrate NAME to localhost (the receiving xl runs
# through fake-ssh).  On failure the whole xl output, Xen's free memory and
# the end of Xen's console go to the log, and the last xl lines are printed.
xft_migrate() {
	local out rc
	out=$(timeout 300 xl migrate -s /xft/fake-ssh "$1" localhost 2>&1)
	rc=$?
	[ "$rc" = 0 ] && return 0
	echo "$out" | grep -v '^ *$' | tail -n 30 | while read -r l; do echo "XFT-LOG: xl: $l" >&2; done
	echo "XFT-LOG: xl info: $(xl info 2>/dev/null | grep -E '^(total|free)_memory' | tr -s ' \n' ' ')" >&2
	echo "XFT-LOG: xl list: $(xl list 2>/dev/null | awk 'NR > 1 { printf "%s(%s,%sM,%s) ", $1, $2, $3, $5 }')" >&2
	xl dmesg 2>/dev/null | tail -n 20 | while read -r l; do echo "XFT-LOG: xen: $l" >&2; done
	[ "$rc" = 124 ] && { echo "xl migrate timed out after 300 s"; return 1; }
	echo "$out" | grep -v '^ *$' | tail -n 3 | tr '\n' ' '
	return 1
}

# xft_pv_migrate_why: empty when this hypervisor can live-migrate a PV
# guest, else why not.  PV log-dirty is shadow paging, which Debian's Xen is
# built without; "xl info" lists shadow in virt_caps when it is there
# (rig.sh -x 4.17+shadow: Debian's source rebuilt with it).
xft_pv_migrate_why() {
	local caps
	caps=$(xl info 2>/dev/null | sed -n 's/^virt_caps *: *//p')
	case " $caps " in *" shadow "*) return ;; esac
	echo "PV live migration needs shadow paging (log-dirty), which this Xen lacks (virt_caps: ${caps:-?}; Debian builds it without): rig.sh -x ${XFT_XEN:-4.17}+shadow boots one with it"
}

# xft_migrates: this guest can live-migrate on this Xen (PVH always, PV
# with shadow paging); otherwise xft_pv_migrate_why says why not
xft_migrates() { [ "$XFT_TYPE" = pvh ] || [ -z "$(xft_pv_migrate_why)" ]; }

# Fields of the probe's status line: blk_ok blk_err blk_bad net_ok net_err
# net_bad klog_bad seq.  Empty when the guest has not published yet.
xft_probe() {
	local id
	id=$(xft_domid "$1") || return 1
	xenstore-read /local/domain/$id/data/probe 2>/dev/null
}

xft_guest_state() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }

# xft_wait_progress NAME BASELINE ROUNDS TIMEOUT [ALLOW]
# Wait until the probe of NAME has completed ROUNDS more verified block and
# network rounds than in BASELINE (a status line), with no new hard errors.
# ALLOW lists hard counters that may grow (blk_err, net_bad ...).
# Prints the final status line, or on failure the reason (and returns 1).
xft_wait_progress() {
	local name=$1 base=$2 rounds=$3 timeout=$4 allow=" $5 " t0 cur st
	local b_ok b_err b_bad n_ok n_err n_bad k_bad c_ok c_err c_bad d_ok d_err d_bad kb id
	local down=0
	t0=$(xft_now)
	[ -n "$base" ] || base="0 0 0 0 0 0 0 0"
	set -- $base
	b_ok=$1 b_err=$2 b_bad=$3 n_ok=$4 n_err=$5 n_bad=$6 k_bad=$7
	while :; do
		st=$(xft_guest_state "$name")
		case "$st" in
		*c*) echo "guest crashed"; return 1 ;;
		"") echo "guest $name is gone"; return 1 ;;
		# shut down for good (a triple fault asks for a reboot, which
		# the guests' on_reboot="preserve" keeps for inspection), not
		# just suspended for a moment
		*s*)
			down=$((down + 1))
			[ $down -ge 5 ] && { echo "guest $name shut down (reboot or triple fault)"; return 1; }
			;;
		*) down=0 ;;
		esac
		cur=$(xft_probe "$name")
		if [ -n "$cur" ]; then
			set -- $cur
			c_ok=$1 c_err=$2 c_bad=$3 d_ok=$4 d_err=$5 d_bad=$6 kb=$7
			id=$(xft_domid "$name")
			if [ "$c_err" -gt "$b_err" ] && [ "${allow#* blk_err }" = "$allow" ]; then
				echo "block I/O errors: $(xenstore-read /local/domain/$id/data/probe-bad 2>/dev/null)"
				return 1
			fi
			if [ "$c_bad" -gt "$b_bad" ]; then
				echo "block data did not verify: $(xenstore-read /local/domain/$id/data/probe-bad 2>/dev/null)"
				return 1
			fi
			if [ "$d_bad" -gt "$n_bad" ]; then
				echo "network data did not verify: $(xenstore-read /local/domain/$id/data/probe-bad 2>/dev/null)"
				return 1
			fi
			if [ "$kb" -gt "$k_bad" ] && [ "${allow#* klog }" = "$allow" ]; then
				echo "kernel log: $(xenstore-read /local/domain/$id/data/probe-klog 2>/dev/null)"
				return 1
			fi
			if [ "$c_ok" -ge $((b_ok + rounds)) ] && [ "$d_ok" -ge $((n_ok + rounds)) ]; then
				echo "probe $cur"
				return 0
			fi
		fi
		if [ "$(xft_since "$t0" | cut -d. -f1)" -ge "$timeout" ]; then
			echo "no progress within ${timeout}s: probe '$base' -> '$cur'"
			return 1
		fi
		sleep 1
	done
}

# Start guest NAME in SLOT and wait for its first verified rounds.
xft_guest_start() {
	local name=$1 slot=$2 out
	shift 2
	xft_guest_cfg "$name" "$slot" "$@"
	out=$(xl create /tmp/$name.cfg 2>&1) || { echo "xl create failed: $out"; return 1; }
	xft_wait_progress "$name" "" 3 "${XFT_BOOT_TIMEOUT:-180}"
}

# Snapshot of the probe status line, for xft_wait_progress.
xft_snap() { xft_probe "$1"; }

# Run a shell command in the guest over xenstore; prints its output.
# xenstore-write decodes backslash escapes: a command must not contain any.
xft_gexec() {
	local name=$1 cmd=$2 id seq t0
	id=$(xft_domid "$name") || return 1
	seq=$(( $(cat /tmp/xft-cmdseq 2>/dev/null || echo 0) + 1 ))
	echo $seq > /tmp/xft-cmdseq
	xenstore-write /local/domain/$id/data/cmd "$seq $cmd"
	t0=$(xft_now)
	while [ "$(xenstore-read /local/domain/$id/data/cmd-seq 2>/dev/null)" != "$seq" ]; do
		if [ "$(xft_since "$t0" | cut -d. -f1)" -ge "${XFT_GEXEC_TIMEOUT:-60}" ]; then
			echo "(no answer from the guest)"
			return 1
		fi
		sleep 1
	done
	xenstore-read -R /local/domain/$id/data/cmd-out
}

# xft_cycle NAME checkpoint|restore: one "xl save -c", or one "xl save" and
# "xl restore", then one more verified probe round within a bound.  Prints
# the probe's line, or on failure what went wrong (status 1).
xft_cycle() {
	local name=$1 kind=$2 snap out rc why
	snap=$(xft_snap "$name")
	case $kind in
	checkpoint)
		out=$(xl save -c "$name" "/tmp/$name.ckpt" 2>&1)
		rc=$?
		rm -f "/tmp/$name.ckpt"
		[ $rc = 0 ] || { echo "xl save -c: $(echo "$out" | tail -n 2)"; return 1; }
		why=$(xft_wait_progress "$name" "$snap" 1 120) ||
			{ echo "after the checkpoint: $why"; return 1; }
		;;
	restore)
		out=$(xl save "$name" "/tmp/$name.save" 2>&1) ||
			{ rm -f "/tmp/$name.save"; echo "xl save: $(echo "$out" | tail -n 2)"; return 1; }
		out=$(xl restore "/tmp/$name.save" 2>&1)
		rc=$?
		rm -f "/tmp/$name.save"
		[ $rc = 0 ] || { echo "xl restore: $(echo "$out" | tail -n 2)"; return 1; }
		why=$(xft_wait_progress "$name" "$snap" 1 180) ||
			{ echo "after the restore: $why"; return 1; }
		;;
	*)
		echo "xft_cycle: unknown kind '$kind'"
		return 1
		;;
	esac
	echo "$why"
}

# xft_cycles_timeout CHECKPOINTS RESTORES: a scenario time limit (seconds)
# for that many cycles on a slow, shared machine
xft_cycles_timeout() { echo $((300 + 45 * $1 + 120 * $2)); }

xft_cleanup() {
	local d
	# a scenario that stalled a dom0 disk (dmsetup suspend) and ended
	# before letting it go (its time limit kills it) must not leave it
	# stalled for the next one: resuming a running device changes nothing
	if command -v dmsetup >/dev/null; then
		for d in $(dmsetup ls 2>/dev/null | awk '$1 != "No" { print $1 }'); do
			dmsetup resume "$d" 2>/dev/null
		done
	fi
	for d in $(xl list | awk 'NR > 1 && $1 != "Domain-0" { print $1 }'); do
		xl destroy "$d" >/dev/null 2>&1
	done
	rm -f /tmp/*.save
	# xfback's per-disk settings (tests/vm/backend/xfback.c) end with the scenario
	xenstore-rm /xfback 2>/dev/null
}

# xft_run_scenario NAME KERNEL TYPE DRIVERS
xft_run_scenario() {
	local sc=$1
	XFT_KERNEL=$2 XFT_TYPE=$3 XFT_DRV=$4
	export XFT_KERNEL XFT_TYPE XFT_DRV
	XFT_T0=$(xft_now)
	export XFT_T0
	if [ ! -f /xft/scenarios/$sc.sh ]; then
		xft_fail "$sc" "no such scenario"
		return
	fi
	if [ ! -f /xft/guests/$XFT_KERNEL/initrd-$XFT_DRV.gz ]; then
		xft_skip "$sc" "no $XFT_DRV drivers for the $XFT_KERNEL guest kernel in this run"
		return
	fi
	local before after rc limit attempt
	# the limit: XFT_SCENARIO_TIMEOUT if set, else what the scenario asks
	# for through an sc_timeout function (long ones scale with their
	# cycle counts), else 900 s
	limit=${XFT_SCENARIO_TIMEOUT:-}
	if [ -z "$limit" ]; then
		limit=$(sh -c ". /xft/lib.sh; . /xft/run.conf; . /xft/scenarios/$sc.sh;
			command -v sc_timeout >/dev/null && sc_timeout" 2>/dev/null)
		case $limit in '' | *[!0-9]*) limit=900 ;; esac
	fi
	for attempt in $(seq 1 "${XFT_ATTEMPTS:-3}"); do
		XFT_ATTEMPT=$attempt XFT_T0=$(xft_now)
		export XFT_ATTEMPT XFT_T0
		xl dmesg -c >/dev/null 2>&1
		touch $XFT_RESULTS
		before=$(wc -l < $XFT_RESULTS)
		timeout -s KILL "$limit" sh -c \
			". /xft/lib.sh; . /xft/run.conf; . /xft/scenarios/$sc.sh; sc_main"
		rc=$?
		after=$(wc -l < $XFT_RESULTS)
		if [ $rc = 137 ]; then
			xft_fail "$sc" "scenario timed out after ${limit}s"
		elif [ "$after" = "$before" ]; then
			xft_fail "$sc" "scenario ended (status $rc) without reporting a result"
		fi
		xft_cleanup
		tail -n +$((before + 1)) $XFT_RESULTS | grep -q '^RETRY' || break
		# forget the first attempt's results; count the retry
		head -n "$before" $XFT_RESULTS > /tmp/xft-results.keep
		cat /tmp/xft-results.keep > $XFT_RESULTS
		echo "$sc" >> /tmp/xft-retried
	done
}
