# SPDX-License-Identifier: GPL-2.0-only
#
# xenfront-pm: out-of-tree Xen frontends with correct freeze/thaw/restore.
#
#   make [KVER=<release> | KDIR=<headers>]   build the modules (default: running kernel)
#   make demo                                 boot the Xen rig and show the drivers at work
#   make check                                unit tests, fuzzing, compile matrix, VM scenarios
#   make help                                 everything else
#
# Modules are built in build/<kernel release>/ (a copy of the sources per
# kernel, as DKMS does), so one checkout serves several kernels.

PACKAGE_NAME    := xenfront-pm
PACKAGE_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(CURDIR)/dkms.conf)
TOP             := $(CURDIR)

# ---- which kernel ----
ifneq ($(origin KDIR),undefined)
  ifeq ($(strip $(KDIR)),)
    $(error KDIR is empty: give the path of a kernel build tree, e.g. KDIR=/lib/modules/6.1.0-26-amd64/build)
  endif
  KDIR_GIVEN := 1
else
  KVER ?= $(shell uname -r)
  KDIR := /lib/modules/$(KVER)/build
endif
KDIR := $(abspath $(KDIR))
UTS  := $(KDIR)/include/generated/utsrelease.h
KREL := $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(UTS) 2>/dev/null)
BUILD := $(TOP)/build/$(KREL)

# Debian's header packages name the compiler the kernel was built with;
# building with it is the safe default.  CC=... on the command line overrides.
KCC := $(shell sed -n 's/^CC = .*gcc-/gcc-/p' $(KDIR)/.kernelvariables 2>/dev/null)
ifneq ($(filter command line environment,$(origin CC)),)
  KBUILD_CC := CC=$(CC)
endif

# Oldest kernel we support: the Debian 11 (bullseye) 5.10 series.
MIN_VERSION_CODE := 330240

MODULES := xenfront-bus xenfront-shim xen-blkfront xen-netfront
# Sources copied into the per-kernel build tree.
BUILD_INPUTS := Kbuild dkms.conf src include tests/fault

# Settings for the rig and the matrix (see "make help").
DRIVERS  ?= built
GUEST    ?= pv
KERNEL   ?= 6.1
SCENARIO ?= all
BENCH_ROUNDS ?= 2

Q := $(if $(V),,@)

.PHONY: all modules kernel-check prepare compat test-modules clean distclean help \
	check check-full unit fuzz matrix vm-test vm-ci demo bench checkpatch \
	dkms-install dkms-remove deb rpm

all: modules

# ---- kernel headers sanity: one clear line instead of a wall of Kbuild errors ----
kernel-check:
	$(Q)if [ ! -f "$(KDIR)/Makefile" ] || [ -z "$(KREL)" ]; then \
		if [ -n "$(KDIR_GIVEN)" ]; then \
			echo "xenfront-pm: '$(KDIR)' is not a kernel build tree (no Makefile or include/generated/utsrelease.h)." >&2; \
		else \
			echo "xenfront-pm: no kernel headers for $(KVER) at $(KDIR): install linux-headers-$(KVER) (Debian/Ubuntu) or kernel-devel-$(KVER) (RHEL/Fedora/SUSE), or pass KDIR=<build tree>." >&2; \
		fi; exit 1; fi
	$(Q)code=$$(sed -n 's/^#define LINUX_VERSION_CODE \([0-9]*\)/\1/p' $(KDIR)/include/generated/uapi/linux/version.h 2>/dev/null); \
	if [ -n "$$code" ] && [ "$$code" -lt $(MIN_VERSION_CODE) ]; then \
		echo "xenfront-pm: kernel $(KREL) is older than 5.10, the oldest kernel this package supports; not building." >&2; exit 1; fi
	$(Q)if [ -z "$(KBUILD_CC)" ] && [ -n "$(KCC)" ] && ! command -v $(KCC) >/dev/null; then \
		echo "xenfront-pm: kernel $(KREL) was built with $(KCC), which is not installed: install $(KCC), or build with another compiler (make CC=gcc)." >&2; exit 1; fi
	$(Q)cfg=$(KDIR)/include/config/auto.conf; [ -f $$cfg ] || cfg=$(KDIR)/.config; \
	if [ -f $$cfg ] && ! grep -q '^CONFIG_XEN_XENBUS_FRONTEND=y' $$cfg; then \
		echo "xenfront-pm: kernel $(KREL) is built without Xen guest support (CONFIG_XEN_XENBUS_FRONTEND); nothing to build." >&2; exit 1; fi

# ---- per-kernel build tree and compile probes ----
prepare: kernel-check
	$(Q)mkdir -p $(BUILD)
	$(Q)cp -a --parents $(BUILD_INPUTS) $(BUILD)/ 2>/dev/null || \
		(cd $(TOP) && tar cf - $(BUILD_INPUTS) | tar xf - -C $(BUILD))

compat: prepare
	$(Q)MAKE="$(MAKE) $(KBUILD_CC)" $(TOP)/src/compat/probe.sh "$(KDIR)" "$(BUILD)" $(if $(V),-v)

modules: compat
	$(Q)$(MAKE) -C $(KDIR) M=$(BUILD) $(KBUILD_CC) XFPM_WERROR=$(WERROR) modules $(if $(V),,-s)
	$(Q)for m in $(MODULES); do [ ! -f $(BUILD)/$$m.ko ] || echo "  built $(BUILD)/$$m.ko"; done

test-modules: compat
	$(Q)$(MAKE) -C $(KDIR) M=$(BUILD)/tests/fault $(KBUILD_CC) XFPM_TOP=$(BUILD) XFPM_WERROR=$(WERROR) modules $(if $(V),,-s)

clean:
	$(Q)rm -rf $(TOP)/build
	$(Q)$(MAKE) -C tests/unit clean $(if $(V),,-s)

distclean: clean
	$(Q)rm -rf $(TOP)/.cache $(TOP)/out

# ---- tests ----
unit:
	$(Q)$(MAKE) -C tests/unit $(if $(V),,-s) run

fuzz:
	$(Q)$(MAKE) -C tests/unit $(if $(V),,-s) fuzz

matrix:
	$(Q)tests/matrix/run.sh

vm-test:
	$(Q)tests/vm/rig.sh -d "$(DRIVERS)" -g "$(GUEST)" -k "$(KERNEL)" -s "$(SCENARIO)"

# The VM scenarios that "make check" runs (see tests/vm/ci.sh).
vm-ci:
	$(Q)tests/vm/ci.sh

check:
	$(Q)tests/check.sh

check-full:
	$(Q)XFPM_CHECK_FULL=1 tests/check.sh

demo:
	$(Q)tests/vm/demo.sh

# In-tree vs. our drivers in one rig boot; the table goes to BENCHMARKS.md.
bench:
	$(Q)tests/vm/bench.sh -g "$(GUEST)" -k "$(KERNEL)" -n "$(BENCH_ROUNDS)" -o $(TOP)/BENCHMARKS.md

checkpatch:
	$(Q)tests/checkpatch.sh

help:
	@echo "xenfront-pm $(PACKAGE_VERSION)"
	@echo ""
	@echo "  make [KVER=<release>|KDIR=<path>]   build $(MODULES) for a kernel"
	@echo "  make test-modules                   build the fault-injection test module"
	@echo "  make demo                           boot Xen under QEMU and show checkpoint, restore, migration"
	@echo "  make check                          unit tests, fuzz run, compile matrix, VM scenarios"
	@echo "  make check-full                     check plus the long VM scenarios on every guest kernel"
	@echo "  make unit | fuzz | matrix | vm-ci   one part of check"
	@echo "  make vm-test DRIVERS=intree|built GUEST=pv|pvh KERNEL=6.1|5.10|6.12 SCENARIO=<name|all>"
	@echo "  make bench [GUEST=pv|pvh KERNEL=6.1 BENCH_ROUNDS=2]  in-tree vs. ours, table in BENCHMARKS.md"
	@echo "  make checkpatch                     kernel style check of src/ and include/"
	@echo "  make clean | distclean              drop build trees (distclean: also the download cache)"

.DEFAULT:
	@echo "xenfront-pm: no target '$@'; see 'make help'." >&2; exit 2
