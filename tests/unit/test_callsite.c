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

int main(void)
{
	RUN(direct_call_and_jump);
	RUN(backwards_and_rip_relative);
	RUN(call_thunk_padding);
	RUN(short_or_missing_code);
	RUN(symbol_size);
	return harness_done();
}
