# SPDX-License-Identifier: GPL-2.0-only
# rig-all: no (about 35 minutes: make check-full runs it on its own)
# real-guest: the admin's install flow on a real Debian bookworm guest.
#
# The guest's disk is the image of tests/vm/realguest/image.sh (debootstrap,
# ext4 on the whole disk), which QEMU gives dom0 as a virtio disk and dom0
# hands to the guest as xvda.  Xen's PV GRUB boots the guest's own kernel and
# initramfs from it; systemd starts /xft/agent (network, and the probe on a
# scratch disk xvdb).  Steps, each a check:
#
#   intree      first boot: root on xvda and the network run on the in-tree
#               drivers, the probe verifies block and network rounds
#   install     dpkg -i of this tree's xenfront-pm-dkms: DKMS builds for the
#               guest's kernel, the initramfs gets our modules
#   shadow      after a reboot: root on xvda and the network are served by our
#               modules (updates/dkms, our version in sysfs, devices running)
#   checkpoint, save-restore   on that guest
#   upgrade     dpkg -i of a later version, reboot: that version serves
#   remove      dpkg -r, reboot: the in-tree drivers are back
#
# Runs once, for GUEST=pv DRIVERS=built (the guest's kernel is bookworm's,
# whatever KERNEL says); it takes long under emulation (about 32 min, of
# which the install's DKMS build and initramfs take 11), so make check-full
# runs it, not make check.

RG=rg
RG_MEM=${XFT_RG_MEM:-512}

sc_timeout() { echo "${XFT_RG_TIMEOUT:-8400}"; }

RG_FACTS=${RG_FACTS:-/tmp/rg.facts}
# rg_want patterns for "4 or more" (our four modules in the initramfs)
RG_AT_LEAST_4=("[4-9]" "[1-9][0-9]" "[1-9][0-9][0-9]")

# rg_facts: /xft/facts in the guest (KEY=VALUE lines) into $RG_FACTS
rg_facts() {
	XFT_GEXEC_TIMEOUT=600 xft_gexec $RG /xft/facts > "$RG_FACTS" || return 1
	grep -q '^kernel=' "$RG_FACTS"
}
rg_fact() { sed -n "s/^$1=//p" "$RG_FACTS"; }

# rg_run NAME TIMEOUT COMMAND: COMMAND in the guest, detached (/xft/bg);
# waits for its exit status.  Prints how long it took, or on failure the
# end of its output.
rg_run() {
	local name=$1 limit=$2 cmd=$3 t0 rc el next
	xft_gexec $RG "/xft/bg $name $cmd" > /dev/null || { echo "the guest did not start '$cmd'"; return 1; }
	t0=$(xft_now)
	next=300
	while :; do
		rc=$(xft_gexec $RG "cat /xft/$name.rc 2>/dev/null")
		[ -n "$rc" ] && break
		el=$(xft_since "$t0" | cut -d. -f1)
		if [ "$el" -ge "$limit" ]; then
			echo "'$cmd' still running after ${limit}s: $(xft_gexec $RG "tail -n 3 /xft/$name.log" | tr '\n' ' ')"
			return 1
		fi
		# a line now and then on a long step (the console of the rig)
		if [ "$el" -ge "$next" ]; then
			xft_say "real-guest: $name running for ${el}s: $(xft_gexec $RG "tail -n 1 /xft/$name.log")" >&2
			next=$((next + 300))
		fi
		sleep 10
	done
	if [ "$rc" = 0 ]; then
		echo "$name took $(xft_since "$t0")s"
		return 0
	fi
	echo "'$cmd' exited with $rc: $(xft_gexec $RG "tail -n 8 /xft/$name.log" | tr '\n' ' ')"
	return 1
}

# rg_wait_boot [OLD_DOMID]: the guest (a new domain after a reboot) has
# come up and its probe has done verified block and network rounds
rg_wait_boot() {
	local old=$1 t0 id why
	t0=$(xft_now)
	while :; do
		id=$(xft_domid $RG)
		[ -n "$id" ] && [ "$id" != "$old" ] && break
		if [ "$(xft_since "$t0" | cut -d. -f1)" -ge 300 ]; then
			echo "no new domain $RG within 300s of the reboot"
			return 1
		fi
		sleep 2
	done
	why=$(xft_wait_progress $RG "" 3 "${XFT_RG_BOOT_TIMEOUT:-900}") || { echo "$why"; return 1; }
	echo "booted in $(xft_since "$t0")s, $why"
}

rg_reboot() {
	local old why
	old=$(xft_domid $RG)
	xft_gexec $RG "/xft/bg reboot systemctl reboot" > /dev/null || { echo "reboot: no answer"; return 1; }
	rg_wait_boot "$old"
}

# rg_want KEY PATTERN...: prints " KEY=value" unless the fact KEY matches
# one of the glob PATTERNs (so a check's output lists what was wrong)
rg_want() {
	local k=$1 v p
	shift
	v=$(rg_fact "$k")
	for p; do
		# shellcheck disable=SC2254 # PATTERN is a glob on purpose
		case $v in $p) return 0 ;; esac
	done
	printf ' %s=%s' "$k" "${v:-(none)}"
}

# rg_verdict BAD: succeeds if BAD is empty, else prints it and fails
rg_verdict() {
	[ -z "$1" ] && return 0
	echo "$1"
	return 1
}

# rg_ours VERSION: the facts say our stack at VERSION serves root and network
rg_ours() {
	local v=$1 m bad
	bad=$(
		rg_want root /dev/xvda
		for m in xenfront_bus xenfront_shim xen_blkfront xen_netfront; do
			rg_want "$m.version" "$v"
		done
		for m in xen-blkfront xen-netfront; do
			rg_want "$m.file" "*/updates/dkms/*"
			rg_want "$m.loaded" file
		done
		rg_want vbd.state running
		rg_want vif.state running
		rg_want initrd.ours "${RG_AT_LEAST_4[@]}"
		rg_want shim active
	)
	rg_verdict "$bad"
}

# rg_intree: the in-tree drivers serve root and network, none of ours loaded
rg_intree() {
	local m bad
	bad=$(
		rg_want root /dev/xvda
		for m in xenfront_bus xenfront_shim xen_blkfront xen_netfront; do
			rg_want "$m.version" none
		done
		for m in xen-blkfront xen-netfront; do
			rg_want "$m.file" "*/kernel/drivers/*"
		done
		rg_want initrd.ours 0
	)
	rg_verdict "$bad"
}

rg_cfg() {
	cat > /tmp/$RG.cfg <<-EOF
	name = "$RG"
	type = "pv"
	kernel = "/xft/pvgrub-x86_64.bin"
	memory = $RG_MEM
	vcpus = 2
	on_crash = "preserve"
	on_reboot = "restart"
	on_poweroff = "destroy"
	disk = [ 'format=raw, vdev=xvda, access=rw, script=/etc/xen/scripts/xfblock, target=/dev/vda',
	         'format=raw, vdev=xvdb, access=rw, script=/etc/xen/scripts/xfblock, target=$(xft_disk 5)' ]
	vif = [ 'mac=00:16:3e:00:00:32, bridge=xenbr0, script=/etc/xen/scripts/xfvif' ]
	EOF
}

sc_main() {
	local why out v1 v2 kver t0
	if [ "$XFT_TYPE" != pv ] || [ "$XFT_DRV" != built ]; then
		xft_skip real-guest "runs once, with GUEST=pv DRIVERS=built (PV GRUB boots the guest's own kernel)"
		return
	fi
	if [ ! -f /xft/pvgrub-x86_64.bin ]; then
		xft_skip real-guest "no real-guest image in this run (rig.sh builds it when the scenario is named)"
		return
	fi
	modprobe virtio_pci 2>/dev/null
	modprobe virtio_blk 2>/dev/null
	t0=$(xft_now)
	while [ ! -b /dev/vda ] && [ "$(xft_since "$t0" | cut -d. -f1)" -lt 30 ]; do sleep 1; done
	[ -b /dev/vda ] || { xft_fail real-guest "dom0 has no /dev/vda (the image's virtio disk)"; return; }
	rg_cfg
	out=$(xl create /tmp/$RG.cfg 2>&1) || { xft_fail real-guest "xl create: $(echo "$out" | tail -n 2)"; return; }

	# 1. the in-tree drivers, before the package
	why=$(rg_wait_boot "") || { xft_fail rg:intree "first boot: $why"; return; }
	rg_facts || { xft_fail rg:intree "no facts from the guest"; return; }
	v1=$(xft_gexec $RG "sed -n 1p /xft/versions") v2=$(xft_gexec $RG "sed -n 2p /xft/versions")
	kver=$(rg_fact kernel)
	if out=$(rg_intree); then
		xft_pass rg:intree "Debian $kver, root on xvda and network on the in-tree drivers; $why"
	else
		xft_fail rg:intree "$out"
		return
	fi

	# 2. install: DKMS builds for the guest's kernel, the initramfs follows
	why=$(rg_run install 3000 "env DEBIAN_FRONTEND=noninteractive dpkg -i /xft/xenfront-pm-dkms-v1.deb") ||
		{ xft_fail rg:install "$why"; return; }
	rg_facts || { xft_fail rg:install "no facts from the guest"; return; }
	out=$(
		rg_want dkms "*xenfront-pm/$v1, $kver*installed*"
		rg_want xen-blkfront.file "*/updates/dkms/*"
		rg_want initrd.ours "${RG_AT_LEAST_4[@]}"
	)
	out=$(rg_verdict "$out") || { xft_fail rg:install "$out"; return; }
	xft_pass rg:install "$v1: $why, dkms: $(rg_fact dkms) initramfs: $(rg_fact initrd.ours) modules from updates/dkms"

	# 3. reboot: ours serve root and network
	why=$(rg_reboot) || { xft_fail rg:shadow "reboot: $why"; return; }
	rg_facts || { xft_fail rg:shadow "no facts from the guest"; return; }
	if out=$(rg_ours "$v1"); then
		xft_pass rg:shadow "root on xvda and network on our $v1 from updates/dkms, shim active; $why"
	else
		xft_fail rg:shadow "$out"
		return
	fi

	# 4. checkpoint and save/restore of that guest
	if why=$(xft_cycle $RG checkpoint); then xft_pass rg:checkpoint "$why"
	else xft_fail rg:checkpoint "$why"; return; fi
	if why=$(xft_cycle $RG restore); then xft_pass rg:save-restore "$why"
	else xft_fail rg:save-restore "$why"; return; fi

	# 5. upgrade to the next version, reboot
	why=$(rg_run upgrade 3000 "env DEBIAN_FRONTEND=noninteractive dpkg -i /xft/xenfront-pm-dkms-v2.deb") ||
		{ xft_fail rg:upgrade "$why"; return; }
	why=$(rg_reboot) || { xft_fail rg:upgrade "reboot: $why"; return; }
	rg_facts || { xft_fail rg:upgrade "no facts from the guest"; return; }
	if ! out=$(rg_ours "$v2"); then
		xft_fail rg:upgrade "$out"
		return
	fi
	case "$(rg_fact dkms)" in
	*"xenfront-pm/$v1,"*) xft_fail rg:upgrade "the old version is still registered: $(rg_fact dkms)"; return ;;
	esac
	xft_pass rg:upgrade "$v1 -> $v2: $(rg_fact pkg), $(rg_fact dkms) ours serve root and network after the reboot; $why"

	# 6. remove, reboot: the in-tree drivers again
	why=$(rg_run remove 3000 "env DEBIAN_FRONTEND=noninteractive dpkg -r xenfront-pm-dkms") ||
		{ xft_fail rg:remove "$why"; return; }
	why=$(rg_reboot) || { xft_fail rg:remove "reboot: $why"; return; }
	rg_facts || { xft_fail rg:remove "no facts from the guest"; return; }
	if out=$(rg_intree); then
		[ -z "$(rg_fact dkms)" ] || { xft_fail rg:remove "still registered with DKMS: $(rg_fact dkms)"; return; }
		xft_pass rg:remove "in-tree drivers back on root and network, package $(rg_fact pkg); $why"
	else
		xft_fail rg:remove "$out"
	fi
	xl shutdown -w $RG > /dev/null 2>&1
}
