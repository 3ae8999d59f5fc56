# SPDX-License-Identifier: GPL-2.0-only
# shim-hooks: xenfront-shim loads, attaches its hooks and reports them in
# sysfs; it unloads cleanly and loads again.  The line before the check
# also names the PM callbacks of the kernel's own xenbus frontend bus
# (xenfront-bus replaces them for our devices either way).
sc_main() {
	local why out status hooks
	if [ "$XFT_DRV" != built ]; then
		xft_skip shim-hooks "the shim belongs to the built drivers"
		return
	fi
	why=$(xft_guest_start g1 1) || { xft_fail shim-hooks "boot: $why"; return; }
	out=$(xft_gexec g1 'cat /sys/kernel/xenfront/shim/status; for f in /sys/kernel/xenfront/shim/hooks/*; do echo "${f##*/}=$(cut -d: -f1 $f | tr " " _)"; done')
	status=$(echo "$out" | head -n 1)
	hooks=$(echo "$out" | tail -n +2 | tr '\n' ' ')
	xft_say "shim on $(xft_gexec g1 'uname -r'): $status; $hooks; the kernel's xenbus PM ops: $(xft_gexec g1 'cat /sys/kernel/xenfront/xenbus_pm_ops')"
	if [ "$status" != active ]; then
		# what the shim said about each hook it did not keep
		printf '%b\n' "$(xft_gexec g1 "dmesg | grep xenfront-shim | tail -n 60")" |
			while read -r l; do echo "XFT-LOG: $l"; done
		xft_fail shim-hooks "status '$status': $hooks"
		return
	fi
	out=$(xft_gexec g1 'rmmod xenfront_shim && echo unloaded; ls /sys/kernel/xenfront/shim 2>/dev/null | wc -l; insmod /lib/xft/xenfront-shim.ko && cat /sys/kernel/xenfront/shim/status')
	if [ "$(echo "$out" | tr '\n' ' ')" != "unloaded 0 active " ]; then
		xft_fail shim-hooks "unload/reload: $(echo "$out" | tr '\n' ' ')"
		return
	fi
	xft_pass shim-hooks "$status, $(echo "$hooks" | grep -o '=attached' | wc -l) hooks; unload and reload clean"
}
