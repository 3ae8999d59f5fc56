/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Does a function's machine code name another function?  xenfront-shim
 * hooks static functions of drivers/xen/manage.c by name, through kprobes;
 * a name can be ambiguous (another static function of the same name in the
 * kernel image) and a callee can be inlined (its out-of-line copy, which the
 * probe sits on, never runs from do_suspend()).  Either way the hook would
 * register fine and never fire.  So before trusting a hook, the shim checks
 * that the caller's code refers to the callee.
 *
 * x86-64 only: direct calls and jumps (E8/E9 rel32) and RIP-relative
 * operands end in a 32-bit displacement from the end of that field (when no
 * immediate follows it); the kernel's code model loads the address of a
 * function (one passed to stop_machine()) as a sign-extended 32-bit
 * immediate instead.  The check takes every 4-byte window of the code as
 * either; a false match needs 32 bits to fall on the target by chance.
 *
 * Pure logic: no kernel headers (tests/unit runs it on real instruction
 * bytes).
 */
#ifndef XENFRONT_CALLSITE_H
#define XENFRONT_CALLSITE_H

#include <xenfront/types.h>

/*
 * True if some rel32 field in code[0, len) (loaded at address base) points
 * to target or up to slack bytes before it (the call thunk padding that
 * kernels with call depth tracking patch calls to).
 */
bool xfpm_code_refers(const u8 *code, u64 len, u64 base, u64 target, u32 slack);

/*
 * Parse the size out of a "name+0xoff/0xsize [module]" string as the
 * kernel's sprint_symbol() prints it.  Returns 0 when there is none.
 */
u64 xfpm_symbol_size(const char *s);

/*
 * Parse such a string whole: the name's length, the offset and the size.
 * False when it is not of that form (an unknown address prints as hex).
 */
bool xfpm_symbol_parse(const char *s, u64 *name_len, u64 *off, u64 *size);

/*
 * The next direct branch (call E8, jmp E9, jcc 0F 80-8F, all rel32) at or
 * after *pos in code[0, len) whose target lies outside the code; *pos is
 * moved one byte past its opcode (candidates overlap).  Every byte is taken as a possible opcode, so a target
 * may be a chance match: callers only follow targets they recognise.
 */
bool xfpm_next_far_branch(const u8 *code, u64 len, u64 base, u64 *pos, u64 *target);

/*
 * Is the symbol sym (sym_len bytes, not terminated) a part that the
 * compiler split off the function fn: "fn.cold", "fn.part.0",
 * "fn.isra.0", "fn.constprop.0"?  GCC moves code it thinks unlikely into
 * such parts: Debian's 6.1.192 kernel keeps only do_suspend()'s first 93
 * bytes (up to dpm_suspend_start()) in do_suspend and the rest, with every
 * later call of the suspend path, in do_suspend.cold.
 */
bool xfpm_symbol_is_part(const char *sym, u64 sym_len, const char *fn, u64 fn_len);

/* The kernel text, as the function walk below reads it. */
struct xfpm_text {
	/* sprint_symbol()'s text for addr into buf (len bytes, terminated) */
	void (*symbol)(void *ctx, u64 addr, char *buf, u64 len);
	/* the size bytes of code at addr, or NULL */
	const u8 *(*bytes)(void *ctx, u64 addr, u64 size);
	void *ctx;
};

/* How many split parts of one function are followed, at most. */
#define XFPM_MAX_PARTS	4

/*
 * Does the function at (or containing) fn, or one of the parts split off it
 * that its code (or another such part's) branches to, refer to target
 * (xfpm_code_refers() with slack)?  Parts are found through the symbols of
 * the far branch targets; at most XFPM_MAX_PARTS pieces are read.
 */
bool xfpm_function_refers(const struct xfpm_text *t, u64 fn, u64 target, u32 slack);

#endif /* XENFRONT_CALLSITE_H */
