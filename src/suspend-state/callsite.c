// SPDX-License-Identifier: GPL-2.0-only
/*
 * Whether a function's code refers to another function (see
 * include/xenfront/callsite.h).  Pure logic: built into xenfront-shim.ko and
 * into tests/unit.
 */
#include <xenfront/callsite.h>

static s32 rel32_at(const u8 *p)
{
	/* x86 is little-endian; the field need not be aligned */
	return (s32)((u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24);
}

bool xfpm_code_refers(const u8 *code, u64 len, u64 base, u64 target, u32 slack)
{
	u64 i;

	if (!code || len < 4)
		return false;
	for (i = 0; i + 4 <= len; i++) {
		s64 v = rel32_at(code + i);
		u64 rel = base + i + 4 + (u64)v;

		if (rel <= target && target - rel <= slack)
			return true;
		/* "mov $func, %reg": a sign-extended absolute address */
		if ((u64)v <= target && target - (u64)v <= slack)
			return true;
	}
	return false;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

u64 xfpm_symbol_size(const char *s)
{
	const char *slash = NULL, *p;
	u64 v = 0;
	int d, n = 0;

	if (!s)
		return 0;
	for (p = s; *p; p++)
		if (*p == '/')
			slash = p;
	if (!slash || slash[1] != '0' || (slash[2] != 'x' && slash[2] != 'X'))
		return 0;
	for (p = slash + 3; (d = hex_digit(*p)) >= 0; p++) {
		if (++n > 16)
			return 0;
		v = v << 4 | (u64)d;
	}
	return n ? v : 0;
}
