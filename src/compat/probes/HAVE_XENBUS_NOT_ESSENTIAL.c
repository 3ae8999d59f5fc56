// SPDX-License-Identifier: GPL-2.0-only
/*
 * HAVE_XENBUS_NOT_ESSENTIAL: struct xenbus_driver.not_essential, which lets
 * the boot-time device wait skip a driver (added after v5.10; present in
 * Debian's 6.1 and 6.12).
 */
#include <xen/xenbus.h>
struct xenbus_driver xfpm_probe_drv = { .not_essential = true };
