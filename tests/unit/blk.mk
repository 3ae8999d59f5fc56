# SPDX-License-Identifier: GPL-2.0-only
# xen-blkfront's protocol logic (src/ring/blk_*.c).
BLK_SRCS := $(TOP)/src/ring/blk_shadow.c $(TOP)/src/ring/blk_split.c \
	    $(TOP)/src/ring/blk_xs.c $(TOP)/src/ring/blk_vdev.c

TESTS += test_blk_shadow
test_blk_shadow_SRCS := $(BLK_SRCS)
TESTS += test_blk_split
test_blk_split_SRCS := $(BLK_SRCS)
TESTS += test_blk_xs
test_blk_xs_SRCS := $(BLK_SRCS)

FUZZERS += fuzz_blk_rsp
fuzz_blk_rsp_SRCS := $(BLK_SRCS)
FUZZERS += fuzz_blk_xs
fuzz_blk_xs_SRCS := $(BLK_SRCS)
