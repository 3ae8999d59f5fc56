# SPDX-License-Identifier: GPL-2.0-only
# xen-netfront's protocol logic (src/ring/net_*.c): response validation,
# ring accounting, xenstore values, queue negotiation.
NET_SRCS := $(TOP)/src/ring/net_rx.c $(TOP)/src/ring/net_tx.c $(TOP)/src/ring/net_xs.c
TESTS += test_net_rx test_net_tx test_net_xs
test_net_rx_SRCS := $(NET_SRCS)
test_net_tx_SRCS := $(NET_SRCS)
test_net_xs_SRCS := $(NET_SRCS)
FUZZERS += fuzz_net
fuzz_net_SRCS := $(NET_SRCS)
