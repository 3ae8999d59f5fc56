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

bool xfpm_symbol_parse(const char *s, u64 *name_len, u64 *off, u64 *size)
{
	const char *plus = NULL, *p;
	u64 v;
	int d, n;

	if (!s)
		return false;
	for (p = s; *p && *p != ' '; p++)
		if (*p == '+')
			plus = p;
	if (!plus || plus == s || plus[1] != '0' || plus[2] != 'x')
		return false;
	v = 0;
	n = 0;
	for (p = plus + 3; (d = hex_digit(*p)) >= 0; p++) {
		if (++n > 16)
			return false;
		v = v << 4 | (u64)d;
	}
	if (!n || *p != '/')
		return false;
	*size = xfpm_symbol_size(s);
	if (!*size)
		return false;
	*name_len = (u64)(plus - s);
	*off = v;
	return true;
}

bool xfpm_next_far_branch(const u8 *code, u64 len, u64 base, u64 *pos, u64 *target)
{
	u64 i, field;

	if (!code)
		return false;
	for (i = *pos; i < len; i++) {
		if (code[i] == 0xe8 || code[i] == 0xe9)
			field = i + 1;
		else if (code[i] == 0x0f && i + 1 < len && (code[i + 1] & 0xf0) == 0x80)
			field = i + 2;
		else
			continue;
		if (field + 4 > len)
			return false;
		*target = base + field + 4 + (u64)(s64)rel32_at(code + field);
		if (*target >= base && *target < base + len)
			continue;
		/*
		 * the next candidate may start inside this one's field: an E8
		 * that is a ModRM byte (83 e8 01, sub $1,%eax) sits right
		 * before a real jcc (0f 85 ...)
		 */
		*pos = i + 1;
		return true;
	}
	return false;
}

static bool same(const char *a, const char *b, u64 n)
{
	u64 i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

bool xfpm_symbol_is_part(const char *sym, u64 sym_len, const char *fn, u64 fn_len)
{
	static const char * const kinds[] = { "cold", "part", "isra", "constprop" };
	const char *rest;
	u64 i, k, n;

	if (!fn_len || sym_len <= fn_len + 1 || !same(sym, fn, fn_len) || sym[fn_len] != '.')
		return false;
	rest = sym + fn_len + 1;
	n = sym_len - fn_len - 1;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		u64 kl = strlen(kinds[k]);

		if (n < kl || !same(rest, kinds[k], kl))
			continue;
		/* "cold" may stand alone; the others carry a number, ".0" */
		if (n == kl)
			return !strcmp(kinds[k], "cold");
		if (rest[kl] != '.' || n == kl + 1)
			continue;
		for (i = kl + 1; i < n; i++)
			if (rest[i] < '0' || rest[i] > '9')
				break;
		if (i == n)
			return true;
	}
	return false;
}

#define XFPM_SYM_LEN	160

bool xfpm_function_refers(const struct xfpm_text *t, u64 fn, u64 target, u32 slack)
{
	char fn_sym[XFPM_SYM_LEN], sym[XFPM_SYM_LEN];
	u64 start[XFPM_MAX_PARTS], size[XFPM_MAX_PARTS];
	u64 fn_len, off, n = 0, k, j, pos, to, len, o, sz;
	const u8 *code;

	if (!t || !fn || !target)
		return false;
	t->symbol(t->ctx, fn, fn_sym, sizeof(fn_sym));
	/* a probe's address may be past the entry (an ENDBR): start from there */
	if (!xfpm_symbol_parse(fn_sym, &fn_len, &off, &sz) || off >= sz || sz > 0x10000)
		return false;
	start[n] = fn - off;
	size[n++] = sz;
	for (k = 0; k < n; k++) {
		code = t->bytes(t->ctx, start[k], size[k]);
		if (!code)
			continue;
		if (xfpm_code_refers(code, size[k], start[k], target, slack))
			return true;
		pos = 0;
		while (n < XFPM_MAX_PARTS &&
		       xfpm_next_far_branch(code, size[k], start[k], &pos, &to)) {
			t->symbol(t->ctx, to, sym, sizeof(sym));
			if (!xfpm_symbol_parse(sym, &len, &o, &sz) || sz > 0x10000 ||
			    !xfpm_symbol_is_part(sym, len, fn_sym, fn_len))
				continue;
			for (j = 0; j < n && start[j] != to - o; j++)
				;
			if (j < n)
				continue;
			start[n] = to - o;
			size[n++] = sz;
		}
	}
	return false;
}
