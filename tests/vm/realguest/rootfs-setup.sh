#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# rootfs-setup.sh - run by realguest/image.sh inside the debootstrapped
# bookworm tree (chroot): what turns it into a bootable Xen PV guest for the
# rig.  Root on xvda (the whole disk, ext4), console on hvc0, PV GRUB reads
# /boot/grub/grub.cfg and boots /vmlinuz with /initrd.img (the links the
# kernel packages keep current), the agent (/xft/agent, added per run)
# started by systemd.
set -eu

echo xft-realguest > /etc/hostname
printf '127.0.0.1 localhost\n127.0.1.1 xft-realguest\n' > /etc/hosts
echo '/dev/xvda / ext4 errors=remount-ro 0 1' > /etc/fstab
passwd -d root

# the guest reaches no archive; apt's timers and the like only slow the boot
for u in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
	e2scrub_reap.service fstrim.timer systemd-timesyncd.service; do
	ln -sf /dev/null "/etc/systemd/system/$u"
done

cat > /etc/systemd/system/xft-agent.service <<'UNIT'
[Unit]
Description=xenfront-pm rig agent (network set-up and the I/O probe)
After=local-fs.target systemd-udevd.service
ConditionPathExists=/xft/agent

[Service]
ExecStart=/xft/agent
Restart=always
RestartSec=2

[Install]
WantedBy=multi-user.target
UNIT
mkdir -p /etc/systemd/system/multi-user.target.wants
ln -sf /etc/systemd/system/xft-agent.service /etc/systemd/system/multi-user.target.wants/

# The kernel packages keep /vmlinuz and /initrd.img pointing at the newest
# kernel; PV GRUB (Xen's grub-x86_64-xen.bin) finds this file on xvda.
mkdir -p /boot/grub
cat > /boot/grub/grub.cfg <<'CFG'
set timeout=0
menuentry 'Debian (xenfront-pm rig)' {
	linux /vmlinuz root=/dev/xvda ro console=hvc0 loglevel=4 xfip=10.0.0.50
	initrd /initrd.img
}
CFG
[ -e /vmlinuz ] && [ -e /initrd.img ] || { echo "no /vmlinuz or /initrd.img links" >&2; exit 1; }

# From here on the guest's initramfs holds the modules its own hardware
# needs (plus what hooks add: ours), as many cloud images do, instead of
# Debian's default "most": under the emulation one "most" initramfs took
# 13 to 20 minutes, and each of install, upgrade and removal makes one.
# The first boot's initramfs, made above, is still a "most" one.
sed -i 's/^MODULES=.*/MODULES=dep/' /etc/initramfs-tools/initramfs.conf
grep -q '^MODULES=dep' /etc/initramfs-tools/initramfs.conf
apt-get clean
rm -rf /var/lib/apt/lists/*
