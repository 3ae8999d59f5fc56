// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: does a function's code refer to another one
 * (src/suspend-state/callsite.c), on x86-64 instruction bytes.
 */
#include "harness.h"
#include <xenfront/callsite.h>

#define BASE 0xffffffff81a00000ULL

/* put a rel32 at code[at] that points to target (code loaded at BASE) */
static void put_rel32(u8 *code, u64 at, u64 target)
{
	s32 rel = (s32)(target - (BASE + at + 4));
	u32 u = (u32)rel;

	code[at] = u & 0xff;
	code[at + 1] = u >> 8 & 0xff;
	code[at + 2] = u >> 16 & 0xff;
	code[at + 3] = u >> 24 & 0xff;
}

TEST(direct_call_and_jump)
{
	u8 code[64];
	u64 callee = BASE + 0x12340, other = BASE + 0x55550;

	memset(code, 0x90, sizeof(code));	/* nops */
	code[10] = 0xe8;			/* call callee */
	put_rel32(code, 11, callee);
	CHECK(xfpm_code_refers(code, sizeof(code), BASE, callee, 0));
	CHECK(!xfpm_code_refers(code, sizeof(code), BASE, other, 0));
	/* the same code loaded elsewhere calls something else */
	CHECK(!xfpm_code_refers(code, sizeof(code), BASE + 0x1000, callee, 0));
	/* a tail call (jmp) counts as well */
	memset(code, 0x90, sizeof(code));
	code[40] = 0xe9;
	put_rel32(code, 41, other);
	CHECK(xfpm_code_refers(code, sizeof(code), BASE, other, 0));
	/* the field at the very end of the code */
	memset(code, 0x90, sizeof(code));
	code[59] = 0xe8;
	put_rel32(code, 60, callee);
	CHECK(xfpm_code_refers(code, sizeof(code), BASE, callee, 0));
	/* ... but not cut off */
	CHECK(!xfpm_code_refers(code, 63, BASE, callee, 0));
}

TEST(backwards_and_rip_relative)
{
	u8 code[32];
	u64 earlier = BASE - 0x7000;		/* a function before the caller */

	memset(code, 0xcc, sizeof(code));
	/* lea rdi, [rip + disp32]: the address of a callback */
	code[3] = 0x48;
	code[4] = 0x8d;
	code[5] = 0x3d;
	put_rel32(code, 6, earlier);
	CHECK(xfpm_code_refers(code, sizeof(code), BASE, earlier, 0));
	CHECK(!xfpm_code_refers(code, sizeof(code), BASE, earlier + 1, 0));
	/* mov $callback, %rdi (48 c7 c7 imm32, sign-extended): the kernel's way */
	memset(code, 0xcc, sizeof(code));
	code[8] = 0x48;
	code[9] = 0xc7;
	code[10] = 0xc7;
	code[11] = 0x40;
	code[12] = 0x12;
	code[13] = 0xa3;
	code[14] = 0x81;
	CHECK(xfpm_code_refers(code, sizeof(code), BASE, 0xffffffff81a31240ULL, 0));
	CHECK(!xfpm_code_refers(code, sizeof(code), BASE, 0xffffffff81a31244ULL, 0));
	CHECK(!xfpm_code_refers(code, sizeof(code), BASE, 0x81a31240ULL, 0));
}

TEST(call_thunk_padding)
{
	u8 code[16];
	u64 callee = BASE + 0x9000;

	memset(code, 0x90, sizeof(code));
	code[0] = 0xe8;
	put_rel32(code, 1, callee - 16);	/* patched to the thunk before it */
	CHECK(!xfpm_code_refers(code, sizeof(code), BASE, callee, 0));
	CHECK(xfpm_code_refers(code, sizeof(code), BASE, callee, 16));
	CHECK(xfpm_code_refers(code, sizeof(code), BASE, callee, 64));
	/* a call just after the target is not to it */
	put_rel32(code, 1, callee + 4);
	CHECK(!xfpm_code_refers(code, sizeof(code), BASE, callee, 64));
}

TEST(short_or_missing_code)
{
	u8 code[3] = { 0xe8, 0, 0 };

	CHECK(!xfpm_code_refers(code, 3, BASE, BASE + 3, 64));
	CHECK(!xfpm_code_refers(NULL, 100, BASE, BASE, 64));
	CHECK(!xfpm_code_refers(code, 0, BASE, BASE, 64));
}

TEST(symbol_size)
{
	CHECK_EQ(xfpm_symbol_size("do_suspend+0x0/0x2c0"), 0x2c0);
	CHECK_EQ(xfpm_symbol_size("xs_resume+0x0/0x5A [xenbus]"), 0x5a);
	CHECK_EQ(xfpm_symbol_size("f+0x10/0xffffffff"), 0xffffffffULL);
	CHECK_EQ(xfpm_symbol_size("f+0x10/0x"), 0);
	CHECK_EQ(xfpm_symbol_size("f+0x10/12"), 0);
	CHECK_EQ(xfpm_symbol_size("0xffffffff81000000"), 0);
	CHECK_EQ(xfpm_symbol_size("f+0x0/0x11112222333344445"), 0);
	CHECK_EQ(xfpm_symbol_size(""), 0);
	CHECK_EQ(xfpm_symbol_size(NULL), 0);
}

TEST(symbol_parse)
{
	u64 n, off, size;

	CHECK(xfpm_symbol_parse("do_suspend.cold+0x39/0x148", &n, &off, &size));
	CHECK_EQ(n, 15);
	CHECK_EQ(off, 0x39);
	CHECK_EQ(size, 0x148);
	CHECK(xfpm_symbol_parse("xs_resume+0x0/0x5a [xenbus]", &n, &off, &size));
	CHECK_EQ(n, 9);
	CHECK(!xfpm_symbol_parse("0xffffffff81000000", &n, &off, &size));
	CHECK(!xfpm_symbol_parse("+0x0/0x10", &n, &off, &size));
	CHECK(!xfpm_symbol_parse("f+0x/0x10", &n, &off, &size));
	CHECK(!xfpm_symbol_parse("f+0x10", &n, &off, &size));
	CHECK(!xfpm_symbol_parse("f+0x0/0x0", &n, &off, &size));
	CHECK(!xfpm_symbol_parse(NULL, &n, &off, &size));
}

TEST(symbol_is_part)
{
	CHECK(xfpm_symbol_is_part("do_suspend.cold", 15, "do_suspend", 10));
	CHECK(xfpm_symbol_is_part("do_suspend.part.0", 17, "do_suspend", 10));
	CHECK(xfpm_symbol_is_part("do_suspend.isra.12", 18, "do_suspend", 10));
	CHECK(xfpm_symbol_is_part("do_suspend.constprop.0", 22, "do_suspend", 10));
	/* only the bytes up to sym_len count (sprint_symbol's "+0x..." follows) */
	CHECK(xfpm_symbol_is_part("do_suspend.cold+0x39/0x148", 15, "do_suspend", 10));
	CHECK(!xfpm_symbol_is_part("do_suspend_lowlevel", 19, "do_suspend", 10));
	CHECK(!xfpm_symbol_is_part("do_suspend", 10, "do_suspend", 10));
	CHECK(!xfpm_symbol_is_part("do_suspend.", 11, "do_suspend", 10));
	CHECK(!xfpm_symbol_is_part("do_suspend.part", 15, "do_suspend", 10));
	CHECK(!xfpm_symbol_is_part("do_suspend.part.x", 17, "do_suspend", 10));
	CHECK(!xfpm_symbol_is_part("do_suspend.cold.1x", 18, "do_suspend", 10));
	CHECK(!xfpm_symbol_is_part("do_suspend.other", 16, "do_suspend", 10));
	CHECK(!xfpm_symbol_is_part("xs_suspend.cold", 15, "do_suspend", 10));
}

TEST(next_far_branch)
{
	u8 code[48];
	u64 pos = 0, to = 0;

	memset(code, 0x90, sizeof(code));
	code[2] = 0xe8;				/* call into the code itself: skipped */
	put_rel32(code, 3, BASE + 30);
	code[10] = 0x0f;			/* jne far */
	code[11] = 0x85;
	put_rel32(code, 12, BASE + 0x5000);
	code[20] = 0xe9;			/* jmp far, backwards */
	put_rel32(code, 21, BASE - 0x100);
	CHECK(xfpm_next_far_branch(code, sizeof(code), BASE, &pos, &to));
	CHECK_EQ(to, BASE + 0x5000);
	CHECK_EQ(pos, 11);
	CHECK(xfpm_next_far_branch(code, sizeof(code), BASE, &pos, &to));
	CHECK_EQ(to, BASE - 0x100);
	CHECK(!xfpm_next_far_branch(code, sizeof(code), BASE, &pos, &to));

	/* a branch cut off by the end of the code is none */
	pos = 16;
	CHECK(!xfpm_next_far_branch(code, 24, BASE, &pos, &to));
	pos = 16;
	CHECK(xfpm_next_far_branch(code, 25, BASE, &pos, &to));
	CHECK_EQ(to, BASE - 0x100);	/* the field just fits */

	/*
	 * sub $1,%eax; jne far (83 e8 01 0f 85 rel32): the E8 is a ModRM byte
	 * whose made-up field covers the jne's opcode; the jne is still found
	 */
	memset(code, 0x90, sizeof(code));
	code[4] = 0x83;
	code[5] = 0xe8;
	code[6] = 0x01;
	code[7] = 0x0f;
	code[8] = 0x85;
	put_rel32(code, 9, BASE + 0x7000);
	pos = 0;
	while (xfpm_next_far_branch(code, sizeof(code), BASE, &pos, &to) && to != BASE + 0x7000)
		;
	CHECK_EQ(to, BASE + 0x7000);
}

/*
 * A kernel text of three functions, laid out as Debian's 6.1.192 builds
 * drivers/xen/manage.c: do_suspend keeps its start and branches (jne, jmp)
 * into do_suspend.cold, which holds the calls of the rest of the suspend
 * path (xs_suspend, dpm_suspend_end, ..., xs_suspend_cancel).
 */
#define T_FN	(BASE + 0x1000)		/* do_suspend, 0x60 bytes */
#define T_COLD	(BASE + 0x8000)		/* do_suspend.cold, 0x148 bytes */
#define T_OTHER	(BASE + 0x9000)		/* xs_suspend.cold, 0x40 bytes */
#define T_XS	(BASE + 0x20000)	/* xs_suspend */
#define T_DPM	(BASE + 0x30000)	/* dpm_suspend_start */
#define T_LONE	(BASE + 0x40000)	/* called only from xs_suspend.cold */

static u8 text_fn[0x60], text_cold[0x148], text_other[0x40];

static void fake_symbol(void *ctx, u64 addr, char *buf, u64 len)
{
	static const struct { u64 at, size; const char *name; } sym[] = {
		{ T_FN, sizeof(text_fn), "do_suspend" },
		{ T_COLD, sizeof(text_cold), "do_suspend.cold" },
		{ T_OTHER, sizeof(text_other), "xs_suspend.cold" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(sym) / sizeof(sym[0]); i++)
		if (addr >= sym[i].at && addr < sym[i].at + sym[i].size) {
			snprintf(buf, len, "%s+0x%llx/0x%llx", sym[i].name,
				 (unsigned long long)(addr - sym[i].at),
				 (unsigned long long)sym[i].size);
			return;
		}
	snprintf(buf, len, "0x%llx", (unsigned long long)addr);
}

static const u8 *fake_bytes(void *ctx, u64 addr, u64 size)
{
	if (addr == T_FN && size == sizeof(text_fn))
		return text_fn;
	if (addr == T_COLD && size == sizeof(text_cold))
		return text_cold;
	if (addr == T_OTHER && size == sizeof(text_other))
		return text_other;
	return NULL;
}

static void put_at(u8 *code, u64 base, u64 at, u64 target)
{
	s32 rel = (s32)(target - (base + at + 4));
	u32 u = (u32)rel;

	code[at] = u & 0xff;
	code[at + 1] = u >> 8 & 0xff;
	code[at + 2] = u >> 16 & 0xff;
	code[at + 3] = u >> 24 & 0xff;
}

TEST(function_split_parts)
{
	struct xfpm_text t = { .symbol = fake_symbol, .bytes = fake_bytes };

	memset(text_fn, 0xcc, sizeof(text_fn));
	memset(text_cold, 0xcc, sizeof(text_cold));
	memset(text_other, 0xcc, sizeof(text_other));
	text_fn[0x4b] = 0xe8;			/* call dpm_suspend_start */
	put_at(text_fn, T_FN, 0x4c, T_DPM);
	text_cold[0x45] = 0xe8;			/* call xs_suspend, in .cold */
	put_at(text_cold, T_COLD, 0x46, T_XS);
	text_other[0x10] = 0xe8;		/* xs_suspend.cold calls T_LONE */
	put_at(text_other, T_OTHER, 0x11, T_LONE);

	/* without a branch into .cold, only do_suspend's own calls count */
	CHECK(xfpm_function_refers(&t, T_FN, T_DPM, 0));
	CHECK(!xfpm_function_refers(&t, T_FN, T_XS, 0));
	/* je do_suspend.cold+0x39 and jmp do_suspend.cold+0x94, as in 6.1.192 */
	text_fn[0x52] = 0x0f;
	text_fn[0x53] = 0x84;
	put_at(text_fn, T_FN, 0x54, T_COLD + 0x39);
	text_fn[0x58] = 0xe9;
	put_at(text_fn, T_FN, 0x59, T_COLD + 0x94);
	CHECK(xfpm_function_refers(&t, T_FN, T_XS, 0));
	/* a probe past an ENDBR: the address is inside the function */
	CHECK(xfpm_function_refers(&t, T_FN + 4, T_XS, 0));
	/* a part of another function is not followed */
	text_fn[0x20] = 0xe9;
	put_at(text_fn, T_FN, 0x21, T_OTHER + 8);
	CHECK(!xfpm_function_refers(&t, T_FN, T_LONE, 0));
	/* nor is anything from an address that is no function */
	CHECK(!xfpm_function_refers(&t, BASE + 0x70000, T_XS, 0));
	CHECK(!xfpm_function_refers(&t, T_FN, 0, 0));
	CHECK(!xfpm_function_refers(NULL, T_FN, T_XS, 0));
}

int main(void)
{
	RUN(direct_call_and_jump);
	RUN(backwards_and_rip_relative);
	RUN(call_thunk_padding);
	RUN(short_or_missing_code);
	RUN(symbol_size);
	RUN(symbol_parse);
	RUN(symbol_is_part);
	RUN(next_far_branch);
	RUN(function_split_parts);
	return harness_done();
}
