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
# What DKMS gets in /usr/src/xenfront-pm-<version>/ (packages and dkms-install).
DKMS_SOURCES := Makefile $(BUILD_INPUTS)
# What the package builds (make deb / make rpm) start from.
PKG_TREE     := $(DKMS_SOURCES) README.md

# ---- installing (see "make help"); DESTDIR is for the package builds ----
DKMS       ?= dkms
DKMS_FLAGS ?=
SRCROOT    ?= /usr/src
MODPROBE_D ?= /etc/modprobe.d
DKMS_SRC   := $(DESTDIR)$(SRCROOT)/$(PACKAGE_NAME)-$(PACKAGE_VERSION)
PKG_OUT    := $(TOP)/out/pkg

# Settings for the rig and the matrix (see "make help").
DRIVERS  ?= built
GUEST    ?= pv
KERNEL   ?= 6.1
SCENARIO ?= all
BENCH_ROUNDS ?= 2

Q := $(if $(V),,@)

.PHONY: all modules kernel-check prepare compat test-modules clean distclean help \
	check check-full unit fuzz matrix vm-test vm-ci demo bench checkpatch \
	dkms-install dkms-remove install-src deb rpm pkg-test

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

# (DKMS runs "make clean" in its copy, which has no tests/unit)
clean:
	$(Q)rm -rf $(TOP)/build
	$(Q)[ ! -d $(TOP)/tests/unit ] || $(MAKE) -C $(TOP)/tests/unit clean $(if $(V),,-s)

distclean: clean
	$(Q)rm -rf $(TOP)/.cache $(TOP)/out

# ---- tests ----
# Every test target first checks (as root: installs) the host tools it needs:
# tests/lib/prereqs.sh, the list in tests/lib/prereqs.list.
unit:
	$(Q)tests/lib/prereqs.sh unit
	$(Q)$(MAKE) -C tests/unit $(if $(V),,-s) run

fuzz:
	$(Q)tests/lib/prereqs.sh fuzz
	$(Q)$(MAKE) -C tests/unit $(if $(V),,-s) fuzz

matrix:
	$(Q)tests/matrix/run.sh

vm-test:
	$(Q)tests/vm/rig.sh -d "$(DRIVERS)" -g "$(GUEST)" -k "$(KERNEL)" -s "$(SCENARIO)" \
		$(if $(filter command line,$(origin XEN)),-x "$(XEN)") \
		$(if $(filter command line,$(origin QEMU)),-q "$(QEMU)") \
		$(if $(filter 1,$(ICOUNT)),-i)

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

pkg-test:
	$(Q)tests/pkg/run.sh

# ---- installing from a checkout with DKMS, and the packages ----

# The DKMS source tree: $(DESTDIR)$(SRCROOT)/xenfront-pm-<version>/.
install-src:
	$(Q)[ -n "$(PACKAGE_VERSION)" ] || { echo "xenfront-pm: no PACKAGE_VERSION in dkms.conf." >&2; exit 1; }
	$(Q)mkdir -p $(DKMS_SRC)
	$(Q)cd $(TOP) && tar -cf - --exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
		--exclude='.*.cmd' --exclude='*.symvers' --exclude='*.order' $(DKMS_SOURCES) | \
		tar -xf - --no-same-owner -C $(DKMS_SRC)

# dkms-install / dkms-remove: KVER (default: the running kernel), or KDIR for
# a kernel tree elsewhere; DKMS_FLAGS go to every dkms call (e.g. --dkmstree).
DKMS_KFLAGS = -k $(if $(KDIR_GIVEN),$(KREL) --kernelsourcedir $(KDIR),$(KVER))
# dkms runs as if from a shell, not as part of this make: dkms 3.0.10 takes
# the compiler from "make -f - show-CC" and exports it as CC, and inside a
# make (MAKELEVEL set) that output starts with "make[1]: Entering directory",
# which then breaks the build.
DKMS_RUN = env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS $(DKMS)

dkms-install:
	$(Q)command -v $(DKMS) >/dev/null || { echo "xenfront-pm: dkms is not installed: apt-get install dkms (Debian/Ubuntu), dnf install dkms (Fedora/RHEL with EPEL) or zypper install dkms (SUSE)." >&2; exit 1; }
	$(Q)if [ -n "$(KDIR_GIVEN)" ] && [ -z "$(KREL)" ]; then echo "xenfront-pm: '$(KDIR)' is not a kernel build tree." >&2; exit 1; fi
	$(Q)if [ -z "$(DESTDIR)$(DKMS_FLAGS)" ] && { dpkg-query -S $(DKMS_SRC) || rpm -qf $(DKMS_SRC); } >/dev/null 2>&1; then \
		echo "xenfront-pm: $(DKMS_SRC) belongs to the installed xenfront-pm-dkms package: remove the package first, or use it." >&2; exit 1; fi
	$(Q)[ -w $(dir $(DKMS_SRC)) ] || { echo "xenfront-pm: cannot write to $(dir $(DKMS_SRC)): run as root." >&2; exit 1; }
	$(Q)if [ -n "$$($(DKMS_RUN) status $(DKMS_FLAGS) -m $(PACKAGE_NAME) -v $(PACKAGE_VERSION) 2>/dev/null)" ]; then \
		echo "xenfront-pm: replacing the registered $(PACKAGE_NAME)/$(PACKAGE_VERSION)"; \
		$(DKMS_RUN) remove $(DKMS_FLAGS) -m $(PACKAGE_NAME) -v $(PACKAGE_VERSION) --all >/dev/null; fi
	$(Q)rm -rf $(DKMS_SRC)
	$(Q)$(MAKE) --no-print-directory install-src
	$(Q)$(DKMS_RUN) add $(DKMS_FLAGS) -m $(PACKAGE_NAME) -v $(PACKAGE_VERSION)
	$(Q)rc=0; $(DKMS_RUN) build $(DKMS_FLAGS) -m $(PACKAGE_NAME) -v $(PACKAGE_VERSION) $(DKMS_KFLAGS) || rc=$$?; \
	if [ $$rc = 77 ]; then \
		echo "xenfront-pm: DKMS skipped kernel $(or $(KREL),$(KVER)): older than 5.10 or without Xen guest support (dkms.conf BUILD_EXCLUSIVE_*); nothing installed." >&2; exit 1; \
	elif [ $$rc != 0 ]; then \
		echo "xenfront-pm: the DKMS build failed (see the make.log named above); nothing installed." >&2; exit 1; fi
	$(Q)$(DKMS_RUN) install $(DKMS_FLAGS) -m $(PACKAGE_NAME) -v $(PACKAGE_VERSION) $(DKMS_KFLAGS)
	$(Q)install -D -m 644 $(TOP)/src/dist/modprobe.d/xenfront-pm.conf $(DESTDIR)$(MODPROBE_D)/xenfront-pm.conf
	@echo "xenfront-pm: installed for $(or $(KREL),$(KVER)); 'modinfo -n xen-blkfront' should name the DKMS copy."
	@echo "xenfront-pm: to boot with them, rebuild the initramfs: update-initramfs -u -k $(or $(KREL),$(KVER)) (Debian/Ubuntu) or dracut -f --kver $(or $(KREL),$(KVER))."

dkms-remove:
	$(Q)command -v $(DKMS) >/dev/null || { echo "xenfront-pm: dkms is not installed, so there is nothing registered to remove; delete $(DKMS_SRC) by hand if it exists." >&2; exit 1; }
	$(Q)if [ -z "$(DESTDIR)$(DKMS_FLAGS)" ] && { dpkg-query -S $(DKMS_SRC) || rpm -qf $(DKMS_SRC); } >/dev/null 2>&1; then \
		echo "xenfront-pm: $(DKMS_SRC) belongs to the installed xenfront-pm-dkms package: remove the package instead." >&2; exit 1; fi
	$(Q)if [ -n "$$($(DKMS_RUN) status $(DKMS_FLAGS) -m $(PACKAGE_NAME) -v $(PACKAGE_VERSION) 2>/dev/null)" ]; then \
		$(DKMS_RUN) remove $(DKMS_FLAGS) -m $(PACKAGE_NAME) -v $(PACKAGE_VERSION) --all; \
	else echo "xenfront-pm: $(PACKAGE_NAME)/$(PACKAGE_VERSION) is not registered with DKMS."; fi
	$(Q)rm -rf $(DKMS_SRC)
	$(Q)rm -f $(DESTDIR)$(MODPROBE_D)/xenfront-pm.conf
	@echo "xenfront-pm: removed; rebuild the initramfs (update-initramfs -u -k all, or dracut -f --regenerate-all) to boot with the in-tree drivers again."

# make deb: xenfront-pm-dkms_<version>_all.deb in out/pkg/, built in a copy
# of the tree (dpkg-buildpackage writes next to the source directory).
deb:
	$(Q)for t in dpkg-buildpackage dh dh_dkms; do command -v $$t >/dev/null || \
		{ echo "xenfront-pm: $$t is missing: apt-get install dpkg-dev debhelper dh-dkms" >&2; exit 1; }; done
	$(Q)v=$$(dpkg-parsechangelog -l $(TOP)/debian/changelog -S Version); [ "$$v" = "$(PACKAGE_VERSION)" ] || \
		{ echo "xenfront-pm: debian/changelog says $$v, dkms.conf $(PACKAGE_VERSION): make them agree." >&2; exit 1; }
	$(Q)rm -rf $(PKG_OUT)/deb-build && mkdir -p $(PKG_OUT)/deb-build/$(PACKAGE_NAME)-$(PACKAGE_VERSION)
	$(Q)cd $(TOP) && tar -cf - --exclude=debian/xenfront-pm-dkms --exclude=debian/.debhelper \
		--exclude=debian/files --exclude='debian/*.substvars' --exclude='debian/*debhelper*' \
		$(PKG_TREE) debian | tar -xf - -C $(PKG_OUT)/deb-build/$(PACKAGE_NAME)-$(PACKAGE_VERSION)
	$(Q)cd $(PKG_OUT)/deb-build/$(PACKAGE_NAME)-$(PACKAGE_VERSION) && \
		dpkg-buildpackage -us -uc -b > ../build.log 2>&1 || \
		{ tail -n 30 ../build.log >&2; echo "xenfront-pm: dpkg-buildpackage failed; log in $(PKG_OUT)/deb-build/build.log" >&2; exit 1; }
	$(Q)mv $(PKG_OUT)/deb-build/*.deb $(PKG_OUT)/deb-build/*.buildinfo $(PKG_OUT)/deb-build/*.changes $(PKG_OUT)/
	@ls $(PKG_OUT)/*.deb | sed 's/^/  built /'

# make rpm: xenfront-pm-dkms-<version>-1.noarch.rpm in out/pkg/, with
# rpmbuild (on Debian: apt-get install rpm) and a private _topdir.
rpm:
	$(Q)command -v rpmbuild >/dev/null || \
		{ echo "xenfront-pm: rpmbuild is missing: apt-get install rpm (Debian/Ubuntu) or dnf install rpm-build." >&2; exit 1; }
	$(Q)v=$$(sed -n 's/^Version: *//p' $(TOP)/rpm/xenfront-pm.spec); [ "$$v" = "$(PACKAGE_VERSION)" ] || \
		{ echo "xenfront-pm: rpm/xenfront-pm.spec says $$v, dkms.conf $(PACKAGE_VERSION): make them agree." >&2; exit 1; }
	$(Q)rm -rf $(PKG_OUT)/rpmbuild && mkdir -p $(PKG_OUT)/rpmbuild/SOURCES
	$(Q)cd $(TOP) && tar -czf $(PKG_OUT)/rpmbuild/SOURCES/$(PACKAGE_NAME)-$(PACKAGE_VERSION).tar.gz \
		--transform 's,^,$(PACKAGE_NAME)-$(PACKAGE_VERSION)/,' $(PKG_TREE)
	$(Q)rpmbuild -bb --define "_topdir $(PKG_OUT)/rpmbuild" $(TOP)/rpm/xenfront-pm.spec \
		> $(PKG_OUT)/rpmbuild/build.log 2>&1 || \
		{ tail -n 30 $(PKG_OUT)/rpmbuild/build.log >&2; echo "xenfront-pm: rpmbuild failed; log in $(PKG_OUT)/rpmbuild/build.log" >&2; exit 1; }
	$(Q)mv $(PKG_OUT)/rpmbuild/RPMS/noarch/*.rpm $(PKG_OUT)/
	@ls $(PKG_OUT)/*.rpm | sed 's/^/  built /'

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
	@echo "               [XEN=4.17|4.20 QEMU=7.2|10.0 ICOUNT=1]  Xen, emulator, deterministic clock"
	@echo "  make bench [GUEST=pv|pvh KERNEL=6.1 BENCH_ROUNDS=2]  in-tree vs. ours, table in BENCHMARKS.md"
	@echo "  make checkpatch                     kernel style check of src/ and include/"
	@echo "  make dkms-install [KVER=<release>]  install from this checkout with DKMS (/usr/src/$(PACKAGE_NAME)-$(PACKAGE_VERSION))"
	@echo "  make dkms-remove                    undo dkms-install"
	@echo "  make deb | rpm                      build the xenfront-pm-dkms package into out/pkg/"
	@echo "  make pkg-test                       build both packages, check them, DKMS-build the packaged source for 6.1"
	@echo "  make clean | distclean              drop build trees (distclean: also the download cache)"

.DEFAULT:
	@echo "xenfront-pm: no target '$@'; see 'make help'." >&2; exit 2
