// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenfront-shim: the hooks on drivers/xen/manage.c's do_suspend().
 *
 * do_suspend() (built into every distribution kernel) runs
 *
 *   dpm_suspend_start(FREEZE)   -> on error: dpm_resume_end(<uninitialised>)
 *   xs_suspend()
 *   dpm_suspend_end(FREEZE)     -> on error: xs_resume(); dpm_resume_end(RESTORE)
 *   stop_machine(xen_suspend)   -> HYPERVISOR_suspend(): 1 = cancelled, 0 = new domain
 *   dpm_resume_start(cancelled ? THAW : RESTORE)
 *   cancelled ? xs_suspend_cancel() : xs_resume()
 *   dpm_resume_end(cancelled ? THAW : RESTORE)
 *
 * Its error paths resume devices with RESTORE and xenstore with xs_resume()
 * although the domain never suspended: xs_resume() then re-binds a still
 * bound event channel and hits the BUG_ON in rebind_evtchn_irq() on the
 * xenwatch thread.  The hooks learn whether the hypercall ran and what it
 * returned, and where it did not run or returned "cancelled", turn RESTORE
 * into THAW and xs_resume() into xs_suspend_cancel().
 *
 * Handlers run with preemption disabled; the one around the hypercall runs
 * inside stop_machine() with interrupts off.  None sleeps.
 */
#define pr_fmt(fmt) "xenfront-shim: " fmt

#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/pm.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <xenfront/callsite.h>
#include <xenfront/compat.h>
#include "shim.h"

bool xfshim_fix = true;
module_param_named(fix, xfshim_fix, bool, 0644);
MODULE_PARM_DESC(fix, "Correct the kernel's suspend path (N: only observe and report)");

struct xfshim_stats xfshim_stats;

/* The suspend in progress; written by its own thread (and the stopper). */
static struct {
	bool active;
	struct task_struct *task;	/* the thread running do_suspend() */
	bool module_ref;
	bool hypercall_seen;
	bool resuming;			/* devices are being resumed */
	int cancelled;			/* HYPERVISOR_suspend()'s result */
	void *si;			/* xen_suspend()'s struct suspend_info */
	enum xfpm_stage failed;
	u64 t_stage;			/* start of the timed stage */
	u64 t_mark;			/* end of the last stage */
} st;

static unsigned long xs_suspend_cancel_addr;

static bool hook_on(enum xfshim_hook_id id)
{
	return xfshim_hooks[id].attached;
}

static bool ours(void)
{
	return READ_ONCE(st.active) && current == st.task;
}

/* Did the domain really resume in a new incarnation? */
static bool really_resumed(void)
{
	if (st.hypercall_seen)
		return st.cancelled == 0;
	/* with a hook on the hypercall path we would have seen it */
	if (hook_on(XFSHIM_POST_SUSPEND) || hook_on(XFSHIM_XEN_SUSPEND))
		return false;
	/* blind: only the failure paths are known not to have resumed */
	return st.failed == XFPM_STAGE_NONE;
}

static enum xfpm_verdict verdict(void)
{
	if (st.hypercall_seen)
		return st.cancelled ? XFPM_VERDICT_CANCELLED : XFPM_VERDICT_RESUMED;
	if (hook_on(XFSHIM_POST_SUSPEND) || hook_on(XFSHIM_XEN_SUSPEND) ||
	    st.failed != XFPM_STAGE_NONE)
		return XFPM_VERDICT_NOT_RUN;
	return XFPM_VERDICT_UNKNOWN;
}

static void publish_verdict(void)
{
	xenfront_cycle_verdict(verdict(), st.hypercall_seen ? st.cancelled : -1);
}

static void stage_done(enum xfpm_stage stage, int err)
{
	u64 now = ktime_get_ns();

	xenfront_cycle_stage(stage, err, now - st.t_stage);
	st.t_mark = now;
	if (err && st.failed == XFPM_STAGE_NONE)
		st.failed = stage;
}

/*
 * A resume of devices is about to run with state in the first argument
 * (pm_message_t is a one-int struct, passed in a register).
 */
static void fix_resume_state(struct pt_regs *regs, u32 fix, u64 *counter, const char *fn)
{
	if (xfpm_regs_arg0(regs) != PM_EVENT_RESTORE || really_resumed())
		return;
	if (!xfshim_fix) {
		pr_warn("%s(RESTORE) although the domain did not resume (observe only)\n", fn);
		return;
	}
	xfpm_regs_set_arg0(regs, PM_EVENT_THAW);
	if (st.failed == XFPM_STAGE_FREEZE)
		fix |= XFPM_FIX_UNINIT_CANCELLED;
	xenfront_cycle_fix(fix);
	(*counter)++;
	pr_info("%s(RESTORE) after %s: delivering THAW\n", fn,
		st.failed != XFPM_STAGE_NONE ? xfpm_stage_name(st.failed) :
		"a cancelled suspend");
}

/* ---- do_suspend ---- */

static int do_suspend_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	memset(&st, 0, sizeof(st));
	st.task = current;
	/* keep the module (and its hooks) while the suspend runs */
	st.module_ref = try_module_get(THIS_MODULE);
	st.t_mark = ktime_get_ns();
	WRITE_ONCE(st.active, true);
	xfshim_evtchn_suspending();
	xfshim_stats.suspends++;
	xenfront_cycle_begin(XFPM_MODE_XEN, true);
	return 0;
}

static int do_suspend_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	bool ref = st.module_ref;

	if (!READ_ONCE(st.active))
		return 0;
	xenfront_cycle_end();
	WRITE_ONCE(st.active, false);
	st.task = NULL;
	/* a new domain needs a new suspend event channel */
	xfshim_evtchn_resumed();
	if (ref)
		module_put(THIS_MODULE);
	return 0;
}

/* ---- freeze ---- */

static int timed_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (!ours())
		return 1;	/* not ours: no return handler */
	st.t_stage = ktime_get_ns();
	return 0;
}

static int dpm_suspend_start_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int err = (int)regs_return_value(regs);

	stage_done(XFPM_STAGE_FREEZE, err);
	if (err)
		xfshim_stats.freeze_failures++;
	return 0;
}

static int xs_suspend_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (ours())
		xenfront_cycle_stage(XFPM_STAGE_XS_SUSPEND, 0, 0);
	return 0;
}

static int dpm_suspend_end_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int err = (int)regs_return_value(regs);

	stage_done(XFPM_STAGE_FREEZE_LATE, err);
	if (err)
		xfshim_stats.late_failures++;
	return 0;
}

/* ---- the hypercall (stop_machine context, interrupts off) ---- */

static int xen_suspend_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (!READ_ONCE(st.active))
		return 1;
	st.si = (void *)xfpm_regs_arg0(regs);
	st.t_stage = ktime_get_ns();
	return 0;
}

static int xen_suspend_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int err = (int)regs_return_value(regs);

	/*
	 * 0: the hypercall ran (timekeeping is resumed by now).  Without the
	 * xen_arch_post_suspend() hook, read its result from the first member
	 * of struct suspend_info, "int cancelled" in 5.10 to 6.12.
	 */
	if (!err && !st.hypercall_seen && st.si) {
		st.cancelled = READ_ONCE(*(int *)st.si);
		st.hypercall_seen = true;
	}
	stage_done(XFPM_STAGE_HYPERCALL, err);
	return 0;
}

static int post_suspend_pre(struct kprobe *p, struct pt_regs *regs)
{
	/* right after HYPERVISOR_suspend(): record only, touch no clock */
	if (READ_ONCE(st.active)) {
		st.cancelled = (int)xfpm_regs_arg0(regs);
		st.hypercall_seen = true;
	}
	return 0;
}

/* ---- resume ---- */

static int dpm_resume_start_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (!ours())
		return 1;
	WRITE_ONCE(st.resuming, true);
	if (st.hypercall_seen) {
		xfshim_stats.hypercalls++;
		if (st.cancelled)
			xfshim_stats.cancelled++;
		else
			xfshim_stats.resumed++;
	}
	publish_verdict();
	fix_resume_state(regs, XFPM_FIX_RESUME_EARLY_STATE, &xfshim_stats.resume_early_fixed,
			 "dpm_resume_start");
	st.t_stage = ktime_get_ns();
	return 0;
}

static int dpm_resume_start_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	stage_done(XFPM_STAGE_RESUME_EARLY, 0);
	return 0;
}

static int xs_resume_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (!ours() || really_resumed() || !xs_suspend_cancel_addr)
		return 0;
	if (!xfshim_fix) {
		pr_warn("xs_resume() although the domain did not resume (observe only)\n");
		return 0;
	}
	/* run xs_suspend_cancel() instead: same signature, same caller */
	instruction_pointer_set(regs, xs_suspend_cancel_addr);
	xenfront_cycle_fix(XFPM_FIX_XS_RESUME);
	xfshim_stats.xs_resume_redirected++;
	pr_info("xs_resume() after %s: running xs_suspend_cancel()\n",
		st.failed != XFPM_STAGE_NONE ? xfpm_stage_name(st.failed) : "a cancelled suspend");
	return 1;	/* instruction pointer changed */
}

/* a post handler makes kprobes register this probe as one that may change ip */
static void xs_resume_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
}

static int dpm_resume_end_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	u64 now;

	if (!ours())
		return 1;
	WRITE_ONCE(st.resuming, true);
	now = ktime_get_ns();
	/* what ran since the last stage: xs_resume() or xs_suspend_cancel() */
	xenfront_cycle_stage(XFPM_STAGE_XENSTORE, 0, now - st.t_mark);
	publish_verdict();
	fix_resume_state(regs, XFPM_FIX_RESUME_STATE, &xfshim_stats.resume_fixed,
			 "dpm_resume_end");
	st.t_stage = now;
	return 0;
}

static int dpm_resume_end_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	stage_done(XFPM_STAGE_RESUME, 0);
	return 0;
}

#define KRET(_id, _name, _sym, _caller, _role, _entry, _ret)	\
	[_id] = { .name = _name, .symbol = _sym, .caller = _caller, .role = _role, \
		  .ret = true, \
		  .krp = { .entry_handler = _entry, .handler = _ret, .maxactive = 4 } }
#define KPROBE(_id, _name, _sym, _caller, _role, _pre, _post)	\
	[_id] = { .name = _name, .symbol = _sym, .caller = _caller, .role = _role, \
		  .kp = { .pre_handler = _pre, .post_handler = _post } }

/*
 * The caller of each hook: do_suspend() calls the PM and xenstore steps and
 * hands xen_suspend() to stop_machine(); xen_suspend() calls
 * xen_arch_post_suspend().  do_suspend() itself is checked through its call
 * of dpm_suspend_start().
 */
struct xfshim_hook xfshim_hooks[XFSHIM_NR_HOOKS] = {
	KRET(XFSHIM_DO_SUSPEND, "do_suspend", "do_suspend", NULL,
	     "brackets each Xen suspend", do_suspend_entry, do_suspend_return),
	KRET(XFSHIM_DPM_SUSPEND_START, "dpm_suspend_start", "dpm_suspend_start", "do_suspend",
	     "freeze result and time", timed_entry, dpm_suspend_start_return),
	KPROBE(XFSHIM_XS_SUSPEND, "xs_suspend", "xs_suspend", "do_suspend",
	       "xenstore quiesced", xs_suspend_pre, NULL),
	KRET(XFSHIM_DPM_SUSPEND_END, "dpm_suspend_end", "dpm_suspend_end", "do_suspend",
	     "freeze_late/noirq result and time", timed_entry, dpm_suspend_end_return),
	KRET(XFSHIM_XEN_SUSPEND, "xen_suspend", "xen_suspend", "do_suspend",
	     "hypercall ran, its time", xen_suspend_entry, xen_suspend_return),
	KPROBE(XFSHIM_POST_SUSPEND, "xen_arch_post_suspend", "xen_arch_post_suspend",
	       "xen_suspend", "hypercall result", post_suspend_pre, NULL),
	KRET(XFSHIM_DPM_RESUME_START, "dpm_resume_start", "dpm_resume_start", "do_suspend",
	     "RESTORE -> THAW (noirq, early)", dpm_resume_start_entry, dpm_resume_start_return),
	KPROBE(XFSHIM_XS_RESUME, "xs_resume", "xs_resume", "do_suspend",
	       "xs_resume -> xs_suspend_cancel", xs_resume_pre, xs_resume_post),
	KRET(XFSHIM_DPM_RESUME_END, "dpm_resume_end", "dpm_resume_end", "do_suspend",
	     "RESTORE -> THAW", dpm_resume_end_entry, dpm_resume_end_return),
};

/*
 * The address a probe on a kernel function sits at (past an ENDBR), through
 * a probe registered and removed again (kallsyms is not exported); 0, and
 * the registration's error in *err, when there is none.
 */
static unsigned long resolve_err(const char *symbol, int *err)
{
	struct kprobe kp = { .symbol_name = symbol };
	unsigned long addr;
	int e;

	e = register_kprobe(&kp);
	if (err)
		*err = e;
	if (e)
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

static unsigned long resolve(const char *symbol)
{
	return resolve_err(symbol, NULL);
}

static unsigned long hook_addr(const struct xfshim_hook *h)
{
	return (unsigned long)(h->ret ? h->krp.kp.addr : h->kp.addr);
}

static void detach_one(struct xfshim_hook *h)
{
	if (!h->attached)
		return;
	if (h->ret)
		unregister_kretprobe(&h->krp);
	else
		unregister_kprobe(&h->kp);
	h->attached = false;
}

static void text_symbol(void *ctx, u64 addr, char *buf, u64 len)
{
	static char sym[KSYM_SYMBOL_LEN];	/* only hook setup (module init) reads text */

	sprint_symbol(sym, (unsigned long)addr);
	strscpy(buf, sym, len);
}

static const u8 *text_bytes(void *ctx, u64 addr, u64 size)
{
	return (const u8 *)(unsigned long)addr;
}

static const struct xfpm_text kernel_text = { .symbol = text_symbol, .bytes = text_bytes };

/*
 * Does the code of the function at caller, or of a part the compiler split
 * off it (caller.cold, caller.part.N), refer to the function at target?  A
 * probe sits on its entry or just after it (past an ENDBR): the function's
 * start is what a call names, or a thunk in the 16 bytes of padding before
 * it (call depth tracking).
 */
static bool code_refers(unsigned long caller, unsigned long target)
{
	char buf[KSYM_SYMBOL_LEN];
	const u8 *code;
	u64 name_len, off, size, i;
	int shown = 0;

	if (!caller || !target)
		return false;
	sprint_symbol(buf, target);
	if (xfpm_symbol_parse(buf, &name_len, &off, &size) && off < size)
		target -= off;
	if (xfpm_function_refers(&kernel_text, caller, target, 16))
		return true;
	sprint_symbol(buf, caller);
	if (!xfpm_symbol_parse(buf, &name_len, &off, &size) || size > SZ_64K)
		return false;
	caller -= off;
	code = (const u8 *)caller;
	/* what the caller does call, to tell a wrong symbol from a bad guess */
	pr_warn("%s (%llu bytes) does not refer to %pS, nor do its split parts; its direct calls and jumps:\n",
		buf, size, (void *)target);
	for (i = 0; i + 5 <= size && shown < 24; i++) {
		s32 rel;

		if (code[i] != 0xe8 && code[i] != 0xe9)
			continue;
		memcpy(&rel, code + i + 1, sizeof(rel));
		pr_warn("  +%#llx %s %pS\n", i, code[i] == 0xe8 ? "call" : "jmp",
			(void *)(caller + i + 5 + (long)rel));
		shown++;
	}
	return false;
}

static void reject(struct xfshim_hook *h, const char *why)
{
	h->rejected = true;
	h->err = -ENOEXEC;
	h->why = why;
}

/*
 * A hook registered by name may sit on the wrong function (another static
 * function of that name) or on an out-of-line copy that the caller does
 * not use (inlined): it would never fire.  Before any hook is registered,
 * reject those whose caller's code does not refer to them; they are
 * reported as not attached.
 */
static void verify_hooks(void)
{
	struct xfshim_hook *ds = &xfshim_hooks[XFSHIM_DO_SUSPEND];
	unsigned long callee, caller;
	unsigned int i;

	if (!IS_ENABLED(CONFIG_X86_64))
		return;	/* the code check reads x86-64 code only */
	callee = xfshim_hooks[XFSHIM_DPM_SUSPEND_START].addr ?: resolve("dpm_suspend_start");
	if (!callee) {
		/* exported: not finding it means a lookup we cannot trust */
		pr_warn("dpm_suspend_start not found: the hooks' call sites cannot be checked; no hook is used\n");
		for (i = 0; i < XFSHIM_NR_HOOKS; i++)
			reject(&xfshim_hooks[i], "call sites cannot be checked");
		return;
	}
	if (ds->addr && !code_refers(ds->addr, callee)) {
		pr_warn("%pS does not call dpm_suspend_start(): not drivers/xen/manage.c's do_suspend; no hook is used\n",
			(void *)ds->addr);
		for (i = 0; i < XFSHIM_NR_HOOKS; i++)
			reject(&xfshim_hooks[i], "do_suspend is another function of that name");
		return;
	}
	for (i = 0; i < XFSHIM_NR_HOOKS; i++) {
		struct xfshim_hook *h = &xfshim_hooks[i];

		if (!h->addr || !h->caller)
			continue;
		caller = !strcmp(h->caller, "do_suspend") && ds->addr ? ds->addr : resolve(h->caller);
		if (code_refers(caller, h->addr))
			continue;
		reject(h, caller ? "never called there (inlined, or another function of that name)" :
		       "its caller was not found");
		pr_warn("hook %-22s not attached: %s() does not refer to it: %s\n", h->name,
			h->caller, h->why);
	}
	/* the redirection target must be what do_suspend() itself calls */
	if (xfshim_hooks[XFSHIM_XS_RESUME].addr && !xfshim_hooks[XFSHIM_XS_RESUME].rejected &&
	    !code_refers(ds->addr, xs_suspend_cancel_addr)) {
		reject(&xfshim_hooks[XFSHIM_XS_RESUME], "do_suspend() does not call xs_suspend_cancel()");
		pr_warn("hook xs_resume not attached: %s\n", xfshim_hooks[XFSHIM_XS_RESUME].why);
	}
}

static int attach_one(struct xfshim_hook *h)
{
	int err;

	if (!XFPM_SHIM_ARCH_OK) {
		h->err = -EOPNOTSUPP;
		return h->err;
	}
	if (h->ret) {
		h->krp.kp.symbol_name = h->symbol;
		err = register_kretprobe(&h->krp);
	} else {
		h->kp.symbol_name = h->symbol;
		err = register_kprobe(&h->kp);
	}
	h->err = err;
	h->attached = !err;
	return err;
}

static const char *hook_error(int err)
{
	switch (err) {
	case -ENOENT:
	case -EINVAL:
		return "symbol not found or not probeable";
	case -EADDRNOTAVAIL:
		return "symbol ambiguous";
	case -EBUSY:
		return "another ip-modifying user (livepatch?) holds it";
	case -EOPNOTSUPP:
		return "not supported on this architecture";
	case -EPERM:
		return "kprobes not permitted (lockdown?)";
	default:
		return "registration failed";
	}
}

int xfshim_hooks_attach(void)
{
	unsigned int i;

	if (!IS_ENABLED(CONFIG_KRETPROBES)) {
		pr_warn("kprobes are not built into this kernel: no hooks; the bus layer's own checks remain\n");
		return 0;
	}
	xs_suspend_cancel_addr = XFPM_SHIM_ARCH_OK ? resolve("xs_suspend_cancel") : 0;
	/* where each hook would sit, then which of them are really called */
	for (i = 0; i < XFSHIM_NR_HOOKS; i++) {
		struct xfshim_hook *h = &xfshim_hooks[i];

		if (!XFPM_SHIM_ARCH_OK)
			h->err = -EOPNOTSUPP;
		else if (i == XFSHIM_XS_RESUME && !xs_suspend_cancel_addr)
			h->err = -ENOENT;
		else
			h->addr = resolve_err(h->symbol, &h->err);
	}
	verify_hooks();
	for (i = 0; i < XFSHIM_NR_HOOKS; i++) {
		struct xfshim_hook *h = &xfshim_hooks[i];

		if (h->rejected)
			continue;	/* said by verify_hooks() */
		if (i == XFSHIM_XS_RESUME && !xs_suspend_cancel_addr) {
			pr_warn("hook %-22s not attached: xs_suspend_cancel not found\n", h->name);
			continue;
		}
		if (!h->addr || attach_one(h)) {
			pr_warn("hook %-22s not attached: %s (%d)\n", h->name,
				hook_error(h->err), h->err);
			continue;
		}
		/* by name again: the very function that was checked */
		if (hook_addr(h) != h->addr) {
			detach_one(h);
			reject(h, "its address changed between the check and the registration");
			pr_warn("hook %-22s not attached: %s\n", h->name, h->why);
			continue;
		}
		pr_info("hook %-22s attached (%s)\n", h->name, h->role);
	}
	return xfshim_hooks_attached();
}

void xfshim_hooks_detach(void)
{
	int i;

	for (i = XFSHIM_NR_HOOKS - 1; i >= 0; i--)
		detach_one(&xfshim_hooks[i]);
}

unsigned int xfshim_hooks_attached(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < XFSHIM_NR_HOOKS; i++)
		n += xfshim_hooks[i].attached;
	return n;
}

bool xfshim_suspend_in_progress(void)
{
	return READ_ONCE(st.active);
}

/*
 * The suspend in progress is past the hypercall (or failed before it): a
 * request now is for the next one.  Either hook of the hypercall or of the
 * devices' resume tells, so a kernel where some are not attached still
 * knows.
 */
bool xfshim_suspend_resuming(void)
{
	return READ_ONCE(st.active) &&
	       (READ_ONCE(st.hypercall_seen) || READ_ONCE(st.resuming));
}
