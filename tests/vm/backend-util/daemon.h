/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the rig's dom0 backends (xfback, tests/vm/backend; xfnetback,
 * tests/vm/netback) share: the clock, the log and the xenstore helpers.
 * Each program defines xsh and sets daemon_name before it logs.
 */
#ifndef XF_BACKEND_DAEMON_H
#define XF_BACKEND_DAEMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <xenstore.h>

extern struct xs_handle *xsh;
extern const char *daemon_name;		/* the log's prefix */

uint64_t now_ms(void);
void vxlog(const char *prefix, const char *fmt, va_list ap);
void xlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xs_get(const char *dir, const char *key);	/* malloc'd or NULL */
bool xs_put(const char *dir, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
