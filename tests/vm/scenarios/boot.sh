# SPDX-License-Identifier: GPL-2.0-only
# boot: the guest comes up on its frontends and verifies block and network I/O.
sc_main() {
	local why
	if why=$(xft_guest_start g1 1); then
		xft_pass boot "$why"
	else
		xft_fail boot "$why"
	fi
}
