# SPDX-License-Identifier: GPL-2.0-only
# blk-features: save/restore to backends that offer more, then less, then
# more again.  Between "xl save" and "xl restore" dom0 reloads xen-blkback
# with other parameters (max_queues, max_ring_page_order, feature_persistent)
# and, while the restored guest is still paused, edits what the new backend
# advertises (feature-max-indirect-segments, max-ring-page-order: absent =
# the one-page ring under the legacy key).  After each restore the guest's
# driver must show the renegotiated features in sysfs, a verifying 1 MiB
# load running across the restores must see its data intact (large requests
# split when the new backend takes fewer segments), and the probe must go on.
. /xft/scenarios/blk-lib.inc

# two vCPUs, so that the queue count has somewhere to go (2, then 1, then 2)
XFT_GUEST_VCPUS=${XFT_GUEST_VCPUS:-2}

BLKBACK_FULL=""
BLKBACK_SMALL="max_queues=1 max_ring_page_order=0 feature_persistent=0"

to_small() { blk_reload_blkback $BLKBACK_SMALL; }
to_full() { blk_reload_blkback $BLKBACK_FULL; }

# the new backend offers no indirect segments and no multi-page ring
small_offers() {
	local be
	be=$(blk_backend "$1") || return 1
	xenstore-write "$be/feature-max-indirect-segments" 0 &&
		xenstore-rm "$be/max-ring-page-order"
}

# indirect_as_offered STATS OFFERED: the driver uses what the backend
# offered, or fewer segments with pool_capped_from saying why (its data
# pages would take more than max_pool_percent of the guest's RAM)
indirect_as_offered() {
	local st=$1 want=$2 got capped segs
	got=$(blk_get "$st" max_indirect_segments)
	capped=$(blk_get "$st" pool_capped_from)
	segs=$(blk_get "$st" max_segments)
	if [ "$capped" = 0 ]; then
		[ "$got" = "$want" ] && [ "$segs" = "$want" ] && return 0
		echo " max_indirect_segments=$got max_segments=$segs(want $want)"
		return 1
	fi
	[ "$capped" = "$want" ] && [ "$got" -lt "$want" ] && { [ "$got" = 0 ] || [ "$got" = "$segs" ]; } &&
		return 0
	echo " pool_capped_from=$capped max_indirect_segments=$got max_segments=$segs(want $want or a cap)"
	return 1
}

sc_main() {
	local why st bad load
	if [ "$XFT_DRV" != built ]; then
		xft_skip blk-features "reads xenfront-pm's blkfront sysfs"
		return
	fi
	why=$(xft_guest_start g1 1) || { xft_fail blk-features "boot: $why"; return; }
	st=$(blk_stats g1)
	xft_say "blk-features: boot: $(blk_features "$st")"
	if ! bad=$(blk_expect "$st" state=connected nr_queues=2 ring_page_order=0 \
			max_indirect_segments=32 feature_persistent=1 feature_flush=flush); then
		xft_fail blk-features "at boot:$bad"
		return
	fi
	blk_load_start g1

	# 1. the frontend asks for more; the backend offers everything
	xft_gexec g1 "echo 2 > /sys/module/xen_blkfront/parameters/max_ring_page_order; echo 256 > /sys/module/xen_blkfront/parameters/max_indirect_segments" >/dev/null
	why=$(blk_save_restore g1 "" "") || { xft_fail blk-features "restore 1: $why"; return; }
	st=$(blk_stats g1)
	xft_say "blk-features: restore 1 (full backend): $(blk_features "$st")"
	if ! bad=$(blk_expect "$st" state=connected nr_queues=2 ring_page_order=2 ring_slots=128 \
			feature_persistent=1) || ! bad=$(indirect_as_offered "$st" 256); then
		xft_fail blk-features "after restore 1:$bad"
		return
	fi

	# 2. a backend that offers less of everything
	why=$(blk_save_restore g1 to_small small_offers) ||
		{ xft_fail blk-features "restore 2: $why"; to_full; return; }
	st=$(blk_stats g1)
	xft_say "blk-features: restore 2 (small backend): $(blk_features "$st")"
	if ! bad=$(blk_expect "$st" state=connected nr_queues=1 nr_hw_queues=2 ring_page_order=0 \
			ring_slots=32 max_indirect_segments=0 max_segments=11 feature_persistent=0); then
		xft_fail blk-features "after restore 2:$bad"
		to_full
		return
	fi

	# 3. back to the full backend
	why=$(blk_save_restore g1 to_full "") || { xft_fail blk-features "restore 3: $why"; return; }
	st=$(blk_stats g1)
	xft_say "blk-features: restore 3 (full backend): $(blk_features "$st")"
	if ! bad=$(blk_expect "$st" state=connected nr_queues=2 ring_page_order=2 \
			feature_persistent=1) || ! bad=$(indirect_as_offered "$st" 256); then
		xft_fail blk-features "after restore 3:$bad"
		return
	fi

	blk_load_stop g1
	load=$(blk_load_check g1)
	xft_say "blk-features: load $load; $(blk_resources "$st")"
	case "$load" in
	*"bad=0 err=0"*) ;;
	*) xft_fail blk-features "background load: $load"; return ;;
	esac
	if ! bad=$(blk_expect "$st" requests_failed=0 responses_malformed=0 xenstore_invalid=0); then
		xft_fail blk-features "counters:$bad"
		return
	fi
	xft_pass blk-features "3 restores renegotiated, load $load, $why"
}
