# SPDX-License-Identifier: GPL-2.0-only
# detach: block and network hot unplug and re-attach while I/O runs, for any
# drivers: blk-detach (the probe's own disk and a mounted second disk), then
# net-detach (the vif, under bulk traffic, several times).  With our drivers
# each also checks the driver's counters for what a removed device left.
. /xft/scenarios/blk-detach.sh
. /xft/scenarios/net-detach.sh

sc_timeout() { echo 1500; }

sc_main() {
	blk_detach_main
	xft_cleanup
	net_detach_main
}
