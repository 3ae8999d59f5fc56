# SPDX-License-Identifier: GPL-2.0-only
# rig-all: no (a diagnostic loop for faults of the emulation)
# boot-loop: boot the guest XFT_BOOT_LOOPS times (default 10), each time up
# to verified block and network I/O, then destroy it.  For faults that show
# only now and then (a crash while the modules load).  A boot that fails
# reports what Xen's console says about the domain (a triple fault, with
# the vCPU's registers) and the last lines of the guest's console.
# Boot with XFT_GUEST_EXTRA="loglevel=7 xft_trace_insmod" to have the guest
# name each module on its console before loading it.

XFT_BOOT_LOOPS=${XFT_BOOT_LOOPS:-10}

sc_timeout() { echo $((120 + 150 * XFT_BOOT_LOOPS)); }

sc_main() {
	local i why id ok=0 bad="" t0 xen
	t0=$(xft_now)
	for i in $(seq 1 "$XFT_BOOT_LOOPS"); do
		xl dmesg -c >/dev/null 2>&1
		if why=$(xft_guest_start g1 1); then
			ok=$((ok + 1))
		else
			id=$(xft_domid g1)
			bad="$bad $i"
			xft_say "boot-loop: boot $i failed: $why"
			xen=$(xl dmesg 2>/dev/null | grep -i -A 30 "triple fault\|crash" | head -n 40)
			[ -n "$xen" ] && echo "$xen" | sed 's/^/  xen: /' | while read -r l; do xft_say "$l"; done
			tail -n 15 /var/log/xen/console/guest-g1.log 2>/dev/null |
				while read -r l; do xft_say "  guest: $l"; done
			[ -n "$id" ] || xft_say "boot-loop: (the domain is gone)"
		fi
		xft_cleanup
	done
	if [ -n "$bad" ]; then
		xft_fail boot-loop "$ok of $XFT_BOOT_LOOPS boots reached verified I/O; failed:$bad"
	else
		xft_pass boot-loop "$ok of $XFT_BOOT_LOOPS boots reached verified I/O in $(xft_since "$t0")s"
	fi
}
