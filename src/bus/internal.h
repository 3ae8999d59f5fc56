/* SPDX-License-Identifier: GPL-2.0-only */
/* Private declarations shared by the files of xenfront-bus.ko. */
#ifndef XENFRONT_BUS_INTERNAL_H
#define XENFRONT_BUS_INTERNAL_H

#include <xenfront/bus.h>
#include <xenfront/cycle.h>

/* cycle.c: suspend cycles, the PM notifier, /sys/kernel/xenfront */
int xfbus_cycle_init(void);
void xfbus_cycle_exit(void);
/* A device is about to freeze: make sure a cycle is open; returns its mode. */
enum xfpm_mode xfbus_cycle_device_freeze(void);
/* Account one device decision/result in the cycle in progress. */
void xfbus_cycle_device_done(enum xfpm_action act, enum xfpm_note note, int err);
/* A frozen device went away (removed while frozen). */
void xfbus_cycle_device_unfrozen(void);
extern struct kobject *xfbus_kobj;

/* sysfs.c: per-device attributes */
extern const struct attribute_group *xfbus_dev_groups[];
/* live devices, for the module-wide leak report */
void xfbus_track_device(struct xenfront_device *xf);
void xfbus_untrack_device(struct xenfront_device *xf);
unsigned int xfbus_evtchns_bound(struct xenfront_device *xf);

/*
 * core.c: the PM callbacks of the kernel's xenbus frontend bus ("freeze
 * thaw restore" since "xenbus: Use .freeze/.thaw to handle xenbus
 * devices", also "suspend resume" before); ours replace them through the
 * PM domain either way
 */
ssize_t xfbus_describe_pm_ops(char *buf, size_t len);

#endif /* XENFRONT_BUS_INTERNAL_H */
