# SPDX-License-Identifier: GPL-2.0-only
# fault-save: as fault-checkpoint, during a plain "xl save".
. /xft/scenarios/fault-checkpoint.sh

sc_main() {
	xft_fault_run save
}
