// SPDX-License-Identifier: GPL-2.0-only
/* The shared plumbing of the rig's dom0 backends: see daemon.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "daemon.h"

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void vxlog(const char *prefix, const char *fmt, va_list ap)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "[%5ld.%03ld] %s: %s", (long)ts.tv_sec, ts.tv_nsec / 1000000,
		daemon_name, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void xlog(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vxlog("", fmt, ap);
	va_end(ap);
}

char *xs_get(const char *dir, const char *key)
{
	char path[512];
	unsigned int len;

	if (key)
		snprintf(path, sizeof(path), "%s/%s", dir, key);
	else
		snprintf(path, sizeof(path), "%s", dir);
	return xs_read(xsh, XBT_NULL, path, &len);
}

bool xs_put(const char *dir, const char *key, const char *fmt, ...)
{
	char path[512], val[512];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return xs_write(xsh, XBT_NULL, path, val, strlen(val));
}
