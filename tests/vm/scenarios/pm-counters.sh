# SPDX-License-Identifier: GPL-2.0-only
# pm-counters: the suspend semantics as the admin sees them in sysfs.  After
# a checkpoint ("xl save -c": the domain did not move, so every device must
# be frozen and THAWED) and a save + restore (devices frozen and RESTORED),
# and for PVH a live migration (RESTORED), each frontend device's
# xenfront/ counters must have moved by exactly that much, the module's
# suspend history must record each cycle with its verdict, and nothing may
# be refused or left frozen.  Prints the sysfs views for the report.

pmc_dev() {
	# pmc_dev GUEST: "dev freezes thaws restores refused freeze_failures state last_freeze_us last_thaw_us last_restore_us" per device
	xft_gexec "$1" 'for d in /sys/bus/xen/devices/vbd-* /sys/bus/xen/devices/vif-*; do x=$d/xenfront; [ -d $x ] || continue; echo "${d##*/} $(cat $x/freezes) $(cat $x/thaws) $(cat $x/restores) $(cat $x/refused) $(cat $x/freeze_failures) $(cat $x/state) $(cat $x/last_freeze_us) $(cat $x/last_thaw_us) $(cat $x/last_restore_us)"; done'
}

# pmc_expect BEFORE AFTER DF DT DR: every device moved by DF freezes, DT thaws, DR restores
pmc_expect() {
	local bad=""
	bad=$(printf '%s\n' "$1" | while read -r d f t r _; do
		printf '%s\n' "$2" | awk -v d="$d" -v f="$f" -v t="$t" -v r="$r" \
			-v df="$3" -v dt="$4" -v dr="$5" '
			$1 == d { seen = 1
				if ($2 - f != df || $3 - t != dt || $4 - r != dr || $5 != 0 || $6 != 0 || $7 != "running")
					printf " %s: freezes +%d thaws +%d restores +%d refused %s failures %s state %s;", d, $2 - f, $3 - t, $4 - r, $5, $6, $7 }
			END { if (!seen) printf " %s vanished;", d }'
	done)
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}

sc_main() {
	local why b a snap out hist n0 n1
	if [ "$XFT_DRV" != built ]; then
		xft_skip pm-counters "the in-tree drivers have no xenfront/ sysfs"
		return
	fi
	why=$(xft_guest_start g1 1) || { xft_fail pm-counters "boot: $why"; return; }
	b=$(pmc_dev g1)
	[ "$(printf '%s\n' "$b" | grep -c .)" -ge 2 ] ||
		{ xft_fail pm-counters "want a vbd and a vif on xenfront-bus, have: $b"; return; }
	n0=$(xft_gexec g1 'cat /sys/kernel/xenfront/suspends')

	snap=$(xft_snap g1)
	out=$(xl save -c g1 /tmp/ck.save 2>&1) || { xft_fail pm-counters "checkpoint: $out"; return; }
	rm -f /tmp/ck.save
	why=$(xft_wait_progress g1 "$snap" 2 120) || { xft_fail pm-counters "after checkpoint: $why"; return; }
	a=$(pmc_dev g1)
	why=$(pmc_expect "$b" "$a" 1 1 0) || { xft_fail pm-counters:checkpoint "want freeze+thaw:$why"; return; }
	xft_pass pm-counters:checkpoint "every device frozen once and thawed, not restored"

	b=$a
	snap=$(xft_snap g1)
	out=$(xl save g1 /tmp/g1.save 2>&1 && xl restore /tmp/g1.save 2>&1) ||
		{ xft_fail pm-counters "save/restore: $out"; return; }
	rm -f /tmp/g1.save
	why=$(xft_wait_progress g1 "$snap" 2 180) || { xft_fail pm-counters "after restore: $why"; return; }
	a=$(pmc_dev g1)
	why=$(pmc_expect "$b" "$a" 1 0 1) || { xft_fail pm-counters:restore "want freeze+restore:$why"; return; }
	xft_pass pm-counters:restore "every device frozen once and restored, not thawed"

	if xft_migrates; then
		b=$a
		snap=$(xft_snap g1)
		out=$(xft_migrate g1) || { xft_fail pm-counters "migrate: $out"; return; }
		why=$(xft_wait_progress g1 "$snap" 2 180) || { xft_fail pm-counters "after migrate: $why"; return; }
		a=$(pmc_dev g1)
		why=$(pmc_expect "$b" "$a" 1 0 1) || { xft_fail pm-counters:migrate "want freeze+restore:$why"; return; }
		xft_pass pm-counters:migrate "every device frozen once and restored after the move"
	fi

	n1=$(xft_gexec g1 'cat /sys/kernel/xenfront/suspends')
	hist=$(xft_gexec g1 'cat /sys/kernel/xenfront/history')
	xft_say "pm-counters: /sys/kernel/xenfront/history:"
	printf '%s\n' "$hist" | while read -r l; do xft_say "  $l"; done
	xft_say "pm-counters: per device (dev freezes thaws restores refused freeze_failures state last_freeze_us last_thaw_us last_restore_us):"
	printf '%s\n' "$a" | while read -r l; do xft_say "  $l"; done
	out=$(printf '%s\n' "$hist" | tail -n +2 | awk '$7 != "none" || $14 != 0 { print }')
	printf '%s\n' "$hist" | awk '$5 == "cancelled" { c = 1 } $5 == "resumed" { r = 1 } END { exit !(c && r) }' ||
		out="$out (want a cancelled and a resumed verdict)"
	if [ "$((n1 - n0))" -lt 2 ] || [ -n "$out" ]; then
		xft_fail pm-counters:history "suspends $n0 -> $n1; bad records: $out"
		return
	fi
	xft_pass pm-counters:history "$((n1 - n0)) suspend cycles recorded, none failed"
}
