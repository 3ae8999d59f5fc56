#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/vm/ci.sh - the VM scenarios "make check" runs, as a few rig boots:
#
#   rig self-test   in-tree drivers, 6.1 PVH: boot, checkpoint, save-restore,
#                   migrate (PV in-tree: make vm-test DRIVERS=intree, or
#                   check-full; PV migrates only on a hypervisor with
#                   shadow paging, in check-full)
#   our drivers     6.1 PV: the shim's
#                   hooks, the sysfs counters against a checkpoint and a
#                   save/restore (pm-counters),
#                   a failing freeze_noirq during "xl save -c" (the crash of
#                   the 6.1 kernel without the shim), block features
#                   renegotiated over three restores, block and network
#                   detach and re-attach under I/O (one network cycle),
#                   the announcement after a restore with the carrier kept
#                   (net-announce), more block requests in flight than ring
#                   slots through a checkpoint taken with the disk stalled
#                   and every ring full, and a restore under the load, and
#                   on a one-queue guest a save with the disk stalled
#                   (blk-fullring), an ext4 on a disk that refuses its
#                   flushes or its barriers with data (blk-refused-flush)
#                   6.1 PVH: pm-counters (checkpoint, save/restore and
#                   live migration with the counters checked), the failing
#                   freeze_noirq during a checkpoint
#   other kernels   on Debian 13's Xen 4.20, 5.10, 6.12 and
#                   trixie-backports' 7.x PV guests with our drivers: the
#                   shim's hooks, pm-counters (a checkpoint and a
#                   save/restore with the counters checked), the failing
#                   freeze_noirq during a checkpoint
#
# The plain boot, checkpoint and save-restore scenarios of our drivers are
# left to check-full where another scenario does the same (every scenario
# boots its guest and checks the probe) with more checks:
# make check has to stay under 40 minutes on 2 cores.
#
# PVH guests triple fault now and then under the emulation, whatever their
# drivers; the rig runs such a scenario again (README "Known problems"), and
# when those retries fail too (after a first triple fault the same Xen boot
# tends to fault again) this script runs the set once more on a fresh boot.
#
# XFPM_CHECK_FULL=1 runs the long set instead: every scenario ("all": each
# file of tests/vm/scenarios but the benchmarks and diagnostic loops, see
# rig.sh) on PV and PVH for 6.1, 5.10 and 6.12 on Xen 4.17 and for Debian
# 13's 6.12 and trixie-backports' 7.x on Xen 4.20, with both driver sets
# (the fault scenarios with all three stages, the recovery scenarios with
# their in-tree baselines), PV live migration on Xen 4.17 rebuilt with
# shadow paging, and the real Debian guest's install,
# upgrade and removal of the package (scenario real-guest; about 3 hours
# under emulation).
#
# Each rig run prints its own lines and summary; this script adds the total
# and exits non-zero if any run failed.
set -uo pipefail

VM=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pass=0 fail=0 skip=0 reruns=0
now() { date +%s; }

# rig_once LABEL ARGS...: one boot of the rig.  Sets p f s (its summary;
# f counts a missing summary or a failing exit as one failure more) and tf,
# the number of its FAIL lines that name a guest's triple fault.
rig_once() {
	local label=$1 out sum rc
	shift
	out=$(mktemp)
	"$VM/rig.sh" "$@" 2>&1 | tee "$out" | grep -v '^debarchive: '
	rc=${PIPESTATUS[0]}
	sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	tf=$(grep -E '^ *FAIL .*Triple fault' "$out" | wc -l)
	rm -f "$out"
	p=0 f=1 s=0
	if [ -z "$sum" ]; then
		echo "  FAIL vm:$label the rig ended without a summary (exit $rc)"
		return
	fi
	read -r p _ f _ s _ <<<"${sum//,/}"
	s=${s:-0}
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "  FAIL vm:$label rig exit $rc"
		f=1
	fi
}

# rig LABEL ARGS...: one boot of the rig; adds its summary to the totals.
# When every failure of the boot came with a PVH guest's triple fault (the
# emulated SVM's, README "Known problems"; the retries inside that boot
# failed too), the whole set runs once more on a fresh boot of QEMU and Xen,
# and that boot's results count.  Said as RERUN, and counted in the total.
rig() {
	local label=$1 t p f s tf
	shift
	echo "== vm: $label"
	t=$(now)
	rig_once "$label" "$@"
	if [ "$f" != 0 ] && [ "$f" = "$tf" ]; then
		echo "  RERUN vm:$label: $f failure(s) after a guest triple fault; once more on a fresh rig boot"
		reruns=$((reruns + 1))
		rig_once "$label" "$@"
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	echo "== vm: $label took $(( $(now) - t ))s"
}

if [ -n "${XFPM_CHECK_FULL:-}" ]; then
	# one rig boot per kernel, guest type and driver set: "all" is some 25
	# scenarios, an hour or more each way under emulation
	# (Debian 11 and 12's kernels on bookworm's Xen 4.17, Debian 13's and
	# trixie-backports' 7.x on trixie's Xen 4.20)
	for kx in 6.1:4.17 5.10:4.17 6.12:4.17 trixie:4.20 trixie-backports:4.20; do
		k=${kx%:*} x=${kx#*:}
		for g in pv pvh; do
			for d in intree built; do
				XFPM_RIG_TIMEOUT=${XFPM_RIG_TIMEOUT:-14400} \
					rig "$d drivers, all scenarios ($k $g, Xen $x)" -x $x -d $d -g $g -k $k -s all
			done
		done
	done
	# PV live migration, on bookworm's Xen rebuilt with shadow paging
	rig "PV live migration (Xen 4.17 with shadow paging)" -x 4.17+shadow -d "intree built" -g pv \
		-k 6.1 -s "migrate net-announce pm-counters"
	rig "the package on a real Debian guest" -d built -g pv -k 6.1 -s real-guest
else
	rig "rig self-test with the in-tree drivers (6.1 PVH)" -d intree -g pvh -k 6.1 \
		-s "boot checkpoint save-restore migrate"
	rig "our drivers (6.1 PV)" -d built -g pv -k 6.1 \
		-s "shim-hooks pm-counters fault-checkpoint blk-features detach net-announce blk-fullring blk-refused-flush" \
		-e XFT_FAULT_STAGES=freeze_noirq -e XFT_NET_DETACH_CYCLES=1 -e "XFT_FR_OPS=stalled-checkpoint restore" -e XFT_FR_STALLED_OPS=restore
	rig "our drivers (6.1 PVH)" -d built -g pvh -k 6.1 \
		-s "pm-counters fault-checkpoint" -e XFT_FAULT_STAGES=freeze_noirq
	rig "our drivers (5.10, 6.12, 7.x) on Xen 4.20" -x 4.20 -d built -g pv \
		-k "5.10 6.12 trixie-backports" \
		-s "shim-hooks pm-counters fault-checkpoint" -e XFT_FAULT_STAGES=freeze_noirq
fi

echo "vm total: $pass passed, $fail failed, $skip skipped$([ "$reruns" = 0 ] || echo ", $reruns rig boot(s) run again after triple faults")"
[ "$fail" = 0 ]
