/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Suspend cycles: what xenfront-bus records of every suspend, and the calls
 * xenfront-shim makes to report what it sees in drivers/xen/manage.c's
 * do_suspend().  The calls are safe in any context (the hypercall result is
 * reported from inside stop_machine with interrupts off).
 */
#ifndef XENFRONT_CYCLE_H
#define XENFRONT_CYCLE_H

#include <linux/kobject.h>
#include <linux/types.h>
#include <xenfront/pm_state.h>

/* Steps of a Xen suspend, in order. */
enum xfpm_stage {
	XFPM_STAGE_NONE,
	XFPM_STAGE_FREEZE,		/* dpm_suspend_start(): prepare + freeze */
	XFPM_STAGE_XS_SUSPEND,		/* xs_suspend() */
	XFPM_STAGE_FREEZE_LATE,		/* dpm_suspend_end(): freeze_late + freeze_noirq */
	XFPM_STAGE_HYPERCALL,		/* stop_machine(xen_suspend) */
	XFPM_STAGE_RESUME_EARLY,	/* dpm_resume_start(): *_noirq + *_early */
	XFPM_STAGE_XENSTORE,		/* xs_resume() or xs_suspend_cancel() */
	XFPM_STAGE_RESUME,		/* dpm_resume_end(): thaw/restore + complete */
	XFPM_NR_STAGES
};

/* What the shim changed in the kernel's own suspend path. */
#define XFPM_FIX_RESUME_EARLY_STATE	0x01	/* dpm_resume_start(RESTORE) -> THAW */
#define XFPM_FIX_XS_RESUME		0x02	/* xs_resume() -> xs_suspend_cancel() */
#define XFPM_FIX_RESUME_STATE		0x04	/* dpm_resume_end(RESTORE) -> THAW */
#define XFPM_FIX_UNINIT_CANCELLED	0x08	/* freeze failure: uninitialised flag */

#define XFPM_HISTORY_LEN 16

struct xfpm_cycle {
	u64 seq;
	time64_t when;			/* wall clock, seconds */
	u64 start_ns;			/* monotonic */
	enum xfpm_mode mode;
	bool by_shim;			/* the shim saw do_suspend() */
	enum xfpm_verdict verdict;
	int hypercall_ret;		/* -1 when the hypercall did not run */
	enum xfpm_stage failed_stage;
	int failed_err;
	u32 fixes;			/* XFPM_FIX_* */
	u32 dev_freezes, dev_thaws, dev_restores, dev_corrections, dev_refused;
	u64 stage_ns[XFPM_NR_STAGES];
	u64 total_ns;
	bool active;
};

/* Called by the shim. */
void xenfront_cycle_begin(enum xfpm_mode mode, bool by_shim);
void xenfront_cycle_stage(enum xfpm_stage stage, int err, u64 duration_ns);
void xenfront_cycle_verdict(enum xfpm_verdict verdict, int hypercall_ret);
void xenfront_cycle_fix(u32 fix);
void xenfront_cycle_end(void);
/* The shim tells the bus it is (no longer) there. */
void xenfront_shim_loaded(bool loaded);
/* The verdict of the cycle in progress. */
enum xfpm_verdict xenfront_cycle_current_verdict(void);

/* /sys/kernel/xenfront, for the shim's own attributes. */
struct kobject *xenfront_sysfs_root(void);

const char *xfpm_stage_name(enum xfpm_stage s);

#endif /* XENFRONT_CYCLE_H */
