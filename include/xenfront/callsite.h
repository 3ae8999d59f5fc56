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

#endif /* XENFRONT_CALLSITE_H */
