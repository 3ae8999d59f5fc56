# SPDX-License-Identifier: GPL-2.0-only
# The suspend state machine (src/suspend-state).
TESTS += test_pm_state
test_pm_state_SRCS := $(TOP)/src/suspend-state/pm_state.c
FUZZERS += fuzz_pm_state
fuzz_pm_state_SRCS := $(TOP)/src/suspend-state/pm_state.c
# The shim's check that a hooked function is really called (callsite.c).
TESTS += test_callsite
test_callsite_SRCS := $(TOP)/src/suspend-state/callsite.c
