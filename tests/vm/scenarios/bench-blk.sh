# SPDX-License-Identifier: GPL-2.0-only
# rig-all: no (a benchmark: make bench)
# bench-blk: block benchmarks of this run's drivers (XFT_DRV), printed as
#   XFT: BENCH blk <intree|built> <metric> <value> <unit>
# on a separate disk (xvdb, a loop device over a file in dom0's tmpfs), with
# fio (Debian's) in the guest:
#   seq_read, seq_write            1 MiB blocks, queue depth 8, MB/s
#   randread_4k_qd1/_qd32          4 KiB random reads, IOPS
#   randwrite_4k_qd1/_qd32         4 KiB random writes, IOPS
#   resume_checkpoint, resume_restore
#       ms from the toolstack resuming the guest ("xl unpause" after a
#       paused "xl save -c -p" or "xl restore -p") to the first guest I/O
#       completed after it: fio reads 4 KiB at queue depth 1 throughout and
#       logs each completion with its wall-clock time; the offset between
#       the guest's and dom0's wall clocks comes from "xfprobe skew" (UDP to
#       dom0's "xfprobe serve"; printed once, measured again at each resume).
# The probe is stopped while the throughput jobs run.  Medians of
# XFT_BENCH_RESUMES (default 3) suspends per resume metric.
# "make vm-test DRIVERS="intree built" SCENARIO=bench-blk" runs both sets.
. /xft/scenarios/blk-lib.inc

BENCH_MB=${XFT_BENCH_DISK_MB:-256}
BENCH_RUNTIME=${XFT_BENCH_RUNTIME:-10}
BENCH_RESUMES=${XFT_BENCH_RESUMES:-3}
FIO_COMMON="--filename=/dev/xvdb --direct=1 --ioengine=libaio --time_based --minimal"

bench() { xft_say "BENCH blk $XFT_DRV $1 $2 $3"; }

now_ns() { xfprobe now; }

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# One guest command: stop the probe (our parent), run the jobs, resume it.
# Prints "job read_KiB/s read_iops write_KiB/s write_iops" per job.
run_jobs() {
	local cmd="kill -STOP \$PPID; (" j
	for j in "seq_write --rw=write --bs=1M --iodepth=8" \
		 "seq_read --rw=read --bs=1M --iodepth=8" \
		 "randread_4k_qd1 --rw=randread --bs=4k --iodepth=1" \
		 "randread_4k_qd32 --rw=randread --bs=4k --iodepth=32" \
		 "randwrite_4k_qd1 --rw=randwrite --bs=4k --iodepth=1" \
		 "randwrite_4k_qd32 --rw=randwrite --bs=4k --iodepth=32"; do
		set -- $j
		cmd="$cmd fio --name=$* $FIO_COMMON --runtime=$BENCH_RUNTIME --ramp_time=2 | awk -F';' '{ print \$3, \$7, \$8, \$48, \$49 }';"
	done
	cmd="$cmd ) > /tmp/bench.out 2>&1; kill -CONT \$PPID; cat /tmp/bench.out"
	XFT_GEXEC_TIMEOUT=900 xft_gexec g1 "$cmd"
}

# Start the resume-latency reader in the guest.
lat_start() {
	xft_gexec g1 "rm -f /tmp/lat_*; (fio --name=lat $FIO_COMMON --rw=randread --bs=4k --iodepth=1 --runtime=900 --clocksource=gettimeofday --log_unix_epoch=1 --write_lat_log=/tmp/lat --log_avg_msec=0 >/dev/null 2>&1 &) ; sleep 2; echo started" >/dev/null
}

# ms from T0 (dom0's wall clock, ns) to the first completion logged at or
# after it, in the guest's clock: the guest asks dom0's "xfprobe serve" for
# the offset between the two clocks (xfprobe skew, error below the round trip)
lat_first_after() {
	xft_gexec g1 "killall -INT fio; sleep 3; sk=\$(xfprobe skew 10.0.0.1); [ -n \"\$sk\" ] || echo 'no clock from dom0'; [ -s /tmp/lat_clat.1.log ] || echo 'no latency log'; awk -F, -v t0=$1 -v sk=\"\$sk\" 'BEGIN { split(sk, a, \" \"); t0 = (t0 + a[1]) / 1000000 } \$1 + 0 >= t0 { printf \"%.0f\", \$1 - t0; f = 1; exit } { l = \$1 } END { if (!f) printf \"nothing logged after %.0f (last %.0f)\", t0, l }' /tmp/lat_clat.1.log"
}

# resume_once checkpoint|restore: prints ms or an error
resume_once() {
	local kind=$1 t0 out st
	lat_start
	sleep 2
	case $kind in
	checkpoint)
		out=$(xl save -c -p g1 /tmp/bench-ck.save 2>&1) || { echo "xl save -c -p: $out"; return 1; }
		rm -f /tmp/bench-ck.save
		;;
	restore)
		out=$(xl save g1 /tmp/bench.save 2>&1) || { echo "xl save: $out"; return 1; }
		out=$(xl restore -p /tmp/bench.save 2>&1) || { echo "xl restore -p: $out"; return 1; }
		rm -f /tmp/bench.save
		;;
	esac
	st=$(xft_guest_state g1)
	case "$st" in *p*) ;; *) echo "guest not paused after the $kind ($st)"; xl unpause g1; return 1 ;; esac
	t0=$(now_ns)
	xl unpause g1
	sleep 5
	out=$(lat_first_after "$t0")
	case "$out" in [0-9]*) echo "$out" ;; *) echo "no I/O after the resume: $out"; return 1 ;; esac
}

# The guest's wall clock minus dom0's, and the round trip that bounds it
clock_skew() {
	xft_gexec g1 "xfprobe skew 10.0.0.1" | awk 'NF == 2 { printf "%.1f ms (round trip %.1f ms)", $1 / 1e6, $2 / 1e6 }'
}

sc_main() {
	local why dev out line v vals k skew
	why=$(xft_guest_start g1 1) || { xft_fail bench-blk "boot: $why"; return; }
	truncate -s "${BENCH_MB}M" /tmp/bench.img
	dev=$(losetup -f) && losetup "$dev" /tmp/bench.img || { xft_fail bench-blk "no loop device"; return; }
	out=$(xl block-attach g1 "format=raw, vdev=xvdb, access=rw, script=/etc/xen/scripts/xfblock, target=$dev" 2>&1) ||
		{ xft_fail bench-blk "xl block-attach: $out"; return; }
	for k in $(seq 1 60); do
		[ "$(xft_gexec g1 '[ -b /dev/xvdb ] && echo yes')" = yes ] && break
		sleep 1
	done
	xft_gexec g1 "command -v fio" | grep -q fio || { xft_skip bench-blk "no fio in the guest"; return; }
	# fill the disk once, so that reads do not hit holes
	xft_gexec g1 "dd if=/dev/zero of=/dev/xvdb bs=1M oflag=direct 2>/dev/null; echo done" >/dev/null

	xft_say "bench-blk: drivers $XFT_DRV, guest $XFT_KERNEL/$XFT_TYPE, disk ${BENCH_MB} MiB, ${BENCH_RUNTIME}s per job"
	out=$(run_jobs)
	echo "$out" | while read -r line; do
		set -- $line
		case $1 in
		seq_read) bench seq_read $(( $2 / 1024 )) MB/s ;;
		seq_write) bench seq_write $(( $4 / 1024 )) MB/s ;;
		randread_*) bench "$1" "$3" IOPS ;;
		randwrite_*) bench "$1" "$5" IOPS ;;
		esac
	done
	echo "$out" | grep -q seq_read || { xft_fail bench-blk "fio: $(echo "$out" | tail -n 3)"; return; }

	skew=$(clock_skew)
	[ -n "$skew" ] || { xft_fail bench-blk "no answer from dom0's time server (xfprobe skew)"; return; }
	xft_say "bench-blk: guest clock - dom0 clock: $skew"
	for k in checkpoint restore; do
		vals=""
		for v in $(seq 1 "$BENCH_RESUMES"); do
			out=$(resume_once $k) || { xft_fail bench-blk "resume after $k: $out"; return; }
			vals="$vals $out"
		done
		xft_say "bench-blk: resume_$k samples:$vals ms"
		bench "resume_$k" "$(echo $vals | median)" ms
	done
	why=$(xft_wait_progress g1 "$(xft_snap g1)" 2 180) || { xft_fail bench-blk "probe at the end: $why"; return; }
	xft_pass bench-blk "drivers $XFT_DRV"
}
